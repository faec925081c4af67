"""Payroll documents from stored runs: the BACS payment file and payslip PDFs, built by the
pure writers in ``payroll.outputs`` from payslips, people and the employer's settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError

from joinedup.core.bulk import fewer_collections
from joinedup.core.calendar import rti_tax_year, tax_year_start
from joinedup.core.money import pounds_to_pence
from joinedup.partnership.models import Partner
from joinedup.payroll.calculation import ENGINE_FREQUENCY
from joinedup.payroll.engine import load_rules
from joinedup.payroll.figures import FPS_TO_DATE_FIGURES
from joinedup.payroll.models import PayrollSettings, PayRun, Payslip, RunStatus
from joinedup.payroll.outputs import BacsCredit, bacs18, fps_xml, payslip_pdf
from joinedup.payroll.outputs.records import (
    EmployeePayment,
    Employer,
    Gender,
    HoursBand,
    PayPeriod,
    PayslipLine,
)
from joinedup.payroll.selectors import require_complete
from joinedup.people.models import EmploymentTerms


def employer_record(partner: Partner) -> Employer:
    settings = PayrollSettings.objects.for_partner(partner).first()
    return Employer(
        name=partner.name,
        paye_reference=partner.employer_paye_reference,
        accounts_office_reference=partner.accounts_office_reference,
        bank_sort_code=settings.bank_sort_code if settings else "",
        bank_account_number=settings.bank_account_number if settings else "",
        bank_account_name=settings.bank_account_name if settings else partner.name,
        bacs_user_number=settings.bacs_user_number if settings else "",
    )


def period_record(run: PayRun) -> PayPeriod:
    return PayPeriod(tax_year=run.tax_year, frequency=run.frequency, period=run.period, pay_date=run.pay_date)  # type: ignore[arg-type]


def hours_band(weekly_hours: Decimal | None) -> HoursBand:
    """HMRC's RTI hours band from normal weekly hours."""
    if weekly_hours is None:
        return "E"
    for limit, band in ((Decimal(16), "A"), (Decimal(24), "B"), (Decimal(30), "C")):
        if weekly_hours < limit:
            return cast(HoursBand, band)
    return "D"


def payment_record(slip: Payslip, *, for_hmrc: bool = False) -> EmployeePayment:
    """The output record of one payslip. Payslips do not show the person's sex; an RTI
    submission must (``for_hmrc``), so there a missing one is an error, not a guess."""
    person = slip.employment.person
    if for_hmrc and not person.gender:
        raise ValidationError({"gender": f"{slip.employment.payroll_number}: HMRC needs the person's sex."})
    terms = (
        EmploymentTerms.objects.for_partner(slip.partner_id)
        .filter(employment_id=slip.employment_id, effective_from__lte=slip.run.pay_date)
        .order_by("-effective_from")
        .first()
    )
    lines = [PayslipLine("Basic pay", slip.basic_pay, "addition")] + [
        PayslipLine(line.description, line.amount, line.kind)  # type: ignore[arg-type]
        for line in slip.lines.all()
    ]
    return EmployeePayment(
        payroll_id=slip.employment.payroll_number,
        ni_number=person.ni_number,
        title="",
        forename=person.given_name,
        surname=person.family_name,
        date_of_birth=person.date_of_birth,
        gender=cast(Gender, person.gender or "F"),  # not shown on a payslip; see for_hmrc
        address_lines=tuple(x for x in (person.address_line1, person.address_line2, person.town) if x),
        postcode=person.postcode,
        tax_code=slip.tax_code,
        hours_band=hours_band(terms.weekly_hours if terms else None),
        week1_month1=slip.week1_month1,
        gross_pay=slip.gross_pay,
        taxable_pay=slip.taxable_pay,
        taxable_pay_to_date=slip.taxable_pay_to_date,
        tax=slip.tax,
        tax_to_date=slip.tax_paid_to_date,
        ni_letter=slip.ni_category,
        ni_gross_pay=slip.ni_pay,
        ni_employee=slip.ni_employee,
        ni_employer=slip.ni_employer,
        student_loan=slip.student_loan,
        postgraduate_loan=slip.postgraduate_loan,
        pension_under_net_pay=slip.pension_employee,
        employer_pension=slip.pension_employer,
        net_pay=slip.net_pay,
        bank_sort_code=person.bank_sort_code,
        bank_account_number=person.bank_account_number,
        bank_account_name=person.bank_account_name or person.full_name,
        lines=tuple(lines),
    )


def payslip_pdf_bytes(slip: Payslip) -> bytes:
    return payslip_pdf(
        employer=employer_record(Partner.objects.get(pk=slip.partner_id)),
        period=period_record(slip.run),
        employee=payment_record(slip),
    )


def bacs_file(run: PayRun, *, processing_date: date | None = None) -> tuple[str, list[str]]:
    """The BACS Standard 18 file paying each employee's net pay, and the payroll numbers left
    out (no bank details, or nothing to pay) — they were flagged before approval."""
    if run.status not in (RunStatus.APPROVED, RunStatus.PAID):
        raise ValidationError({"status": "Only an approved run is paid."})
    require_complete(run, output="A BACS file", statuses=(RunStatus.APPROVED, RunStatus.PAID))
    employer = employer_record(Partner.objects.get(pk=run.partner_id))
    if not (employer.bank_sort_code and employer.bank_account_number and employer.bacs_user_number):
        raise ValidationError({"bank": "Set the employer's bank account and BACS service user number first."})
    with fewer_collections():
        return _bacs_file(run, employer, processing_date or run.pay_date)


def _bacs_file(run: PayRun, employer: Employer, processing_date: date) -> tuple[str, list[str]]:
    credits: list[BacsCredit] = []
    left_out: list[str] = []
    # Plain rows, not model instances: this reads every payslip of the run with three
    # decrypted bank fields each, for up to a million people.
    rows = (
        Payslip.objects.for_partner(run.partner_id)
        .filter(run=run)
        .order_by("employment__payroll_number")
        .values_list(
            "employment__payroll_number",
            "net_pay",
            "employment__person__bank_sort_code",
            "employment__person__bank_account_number",
            "employment__person__bank_account_name",
            "employment__person__given_name",
            "employment__person__family_name",
        )
    )
    for payroll_number, net_pay, sort_code, account, account_name, given, family in rows.iterator(
        chunk_size=5000
    ):
        if net_pay <= 0 or not account:
            left_out.append(payroll_number)
            continue
        credits.append(
            BacsCredit(
                sort_code=sort_code,
                account_number=account,
                name=account_name or f"{given} {family}",
                amount=net_pay,
                reference=f"{payroll_number} PAY",
            )
        )
    text = bacs18(
        employer=employer,
        processing_date=processing_date,
        payments=credits,
        file_serial=f"{run.pk % 1_000_000:06d}",
    )
    return text, left_out


# --- RTI Full Payment Submission ---------------------------------------------------------------

_PLAN_TYPES = {"1": "01", "2": "02", "4": "04", "5": "05"}
_YTD_FIELDS = FPS_TO_DATE_FIGURES


def ni_bands(ni_pay: int, run: PayRun) -> tuple[int, int, int]:
    """Earnings at the LEL, from the LEL to the PT, and from the PT to the UEL, in pence, as
    RTI reports them (thresholds per pay period from the engine's rule file)."""
    thresholds = load_rules(run.tax_year).national_insurance.thresholds
    frequency = ENGINE_FREQUENCY[run.frequency]
    lel, pt, uel = (pounds_to_pence(thresholds[name].for_period(frequency)) for name in ("LEL", "PT", "UEL"))
    if ni_pay < lel:
        return 0, 0, 0
    return lel, min(ni_pay, pt) - lel, max(0, min(ni_pay, uel) - pt)


def fps_for_run(run: PayRun) -> bytes:
    """The Full Payment Submission for an approved run: every payslip with its figures for the
    period and the tax year to date (earlier approved runs this tax year, plus this one)."""
    if run.status not in (RunStatus.APPROVED, RunStatus.PAID):
        raise ValidationError({"status": "Only an approved run is reported to HMRC."})
    require_complete(run, output="A Full Payment Submission", statuses=(RunStatus.APPROVED, RunStatus.PAID))
    partner = Partner.objects.get(pk=run.partner_id)
    slips = list(
        Payslip.objects.for_partner(partner)
        .filter(run=run)
        .select_related("employment__person", "run")
        .order_by("employment__payroll_number")
    )
    ids = [s.employment_id for s in slips]
    to_date: dict[int, dict[str, int]] = {}
    bands_to_date: dict[int, list[int]] = {}
    earlier = (
        Payslip.objects.for_partner(partner)
        .filter(
            employment_id__in=ids,
            run__tax_year=run.tax_year,
            run__status__in=[RunStatus.APPROVED, RunStatus.PAID],
        )
        .filter(run__pay_date__lte=run.pay_date)
        .select_related("run")
    )
    first_payslip: set[int] = set(ids)
    for slip in earlier.iterator(chunk_size=2000):
        sums = to_date.setdefault(slip.employment_id, dict.fromkeys(_YTD_FIELDS, 0))
        for name in _YTD_FIELDS:
            sums[name] += getattr(slip, name)
        bands = bands_to_date.setdefault(slip.employment_id, [0, 0, 0])
        for i, value in enumerate(ni_bands(slip.ni_pay, slip.run)):
            bands[i] += value
        if slip.run_id != run.pk:
            first_payslip.discard(slip.employment_id)
    terms = {
        t.employment_id: t
        for t in EmploymentTerms.objects.for_partner(partner)
        .filter(employment_id__in=ids, effective_from__lte=run.pay_date)
        .order_by("employment_id", "effective_from")
    }
    employees = []
    for slip in slips:
        employment = slip.employment
        record = payment_record(slip, for_hmrc=True)
        sums = to_date[employment.pk]
        period_bands = ni_bands(slip.ni_pay, run)
        current = terms.get(employment.pk)
        plans = [p for p in (current.student_loan_plans.split(";") if current else []) if p in _PLAN_TYPES]
        starting = employment.pk in first_payslip and employment.start_date >= tax_year_start(run.tax_year)
        leaving = (
            employment.end_date if employment.end_date and employment.end_date <= run.period_end else None
        )
        employees.append(
            replace(
                record,
                start_date=employment.start_date if starting else None,
                starter_declaration=(current.starter_declaration if current and starting else ""),  # type: ignore[arg-type]
                leaving_date=leaving,
                ni_gross_to_date=sums["ni_pay"],
                earnings_at_lel=period_bands[0],
                earnings_lel_to_pt=period_bands[1],
                earnings_pt_to_uel=period_bands[2],
                earnings_at_lel_to_date=bands_to_date[employment.pk][0],
                earnings_lel_to_pt_to_date=bands_to_date[employment.pk][1],
                earnings_pt_to_uel_to_date=bands_to_date[employment.pk][2],
                ni_employee_to_date=sums["ni_employee"],
                ni_employer_to_date=sums["ni_employer"],
                student_loan_to_date=sums["student_loan"],
                student_loan_plan=_PLAN_TYPES[plans[0]] if plans else "",
                postgraduate_loan_to_date=sums["postgraduate_loan"],
                pension_under_net_pay_to_date=sums["pension_employee"],
            )
        )
    related = rti_tax_year(run.tax_year)
    return fps_xml(
        employer=employer_record(partner),
        period=period_record(run),
        employees=employees,
        related_tax_year=related,
    )
