"""Payroll documents from stored runs: the BACS payment file and payslip PDFs, built by the
pure writers in ``payroll.outputs`` from payslips, people and the employer's settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from joinedup.core.bulk import fewer_collections
from joinedup.core.calendar import rti_tax_year, tax_year_start
from joinedup.core.crypto import decrypt_many
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayrollSettings, PayRun, Payslip, RunStatus, TakeOnBalance
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
from joinedup.payroll.year_to_date import YearToDate, ni_bands_for, year_to_date, year_to_date_of
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


def payment_record(
    slip: Payslip, *, for_hmrc: bool = False, to_date: YearToDate | None = None
) -> EmployeePayment:
    """The output record of one payslip, with its figures to date (``payroll.year_to_date``;
    read for this payslip unless the caller has them). Payslips do not show the person's sex; an
    RTI submission must (``for_hmrc``), so there a missing one is an error, not a guess."""
    ytd = to_date if to_date is not None else year_to_date_of(slip)
    at_lel, lel_to_pt, pt_to_uel = ytd.bands
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
        taxable_pay_to_date=ytd.taxable_pay,
        tax=slip.tax,
        tax_to_date=ytd.tax,
        ni_letter=slip.ni_category,
        ni_gross_pay=slip.ni_pay,
        ni_gross_to_date=ytd.ni_pay,
        earnings_at_lel_to_date=at_lel,
        earnings_lel_to_pt_to_date=lel_to_pt,
        earnings_pt_to_uel_to_date=pt_to_uel,
        ni_employee=slip.ni_employee,
        ni_employer=slip.ni_employer,
        ni_employee_to_date=ytd.ni_employee,
        ni_employer_to_date=ytd.ni_employer,
        class1a_to_date=ytd.ni_class1a,
        payment_after_leaving=slip.after_leaving,
        student_loan=slip.student_loan,
        student_loan_to_date=ytd.student_loan,
        postgraduate_loan=slip.postgraduate_loan,
        postgraduate_loan_to_date=ytd.postgraduate_loan,
        pension_under_net_pay=slip.pension_employee,
        pension_under_net_pay_to_date=ytd.pension_employee,
        smp_to_date=ytd.smp,
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


def bacs_processing_problem(run: PayRun, processing_date: date | None, *, today: date) -> str | None:
    """Why a BACS file for ``run`` cannot be processed on ``processing_date`` (the pay date when
    None); None when it can. BACS takes no file for a day already gone, nor for a weekend: a
    run paid late needs the officer to name a new processing date."""
    if processing_date is None:
        if run.pay_date < today:
            return (
                f"The pay date {_day(run.pay_date)} has passed: give a new processing date "
                f"(today, {_day(today)}, or later) for the BACS file."
            )
        processing_date = run.pay_date
    elif processing_date < today:
        return f"The processing date {_day(processing_date)} has passed: choose today or a later day."
    if processing_date.weekday() >= 5:
        return f"{processing_date:%A} {_day(processing_date)} is not a BACS processing day: choose a weekday."
    return None


def _day(when: date) -> str:
    return people_date(when)


def bacs_file(
    run: PayRun, *, processing_date: date | None = None, today: date | None = None
) -> tuple[str, list[str]]:
    """The BACS Standard 18 file paying each employee's net pay, and the payroll numbers left
    out (no bank details, or nothing to pay) — they were flagged before approval. It is processed
    on the pay date unless the officer gives another (required once the pay date has passed)."""
    if run.status not in (RunStatus.APPROVED, RunStatus.PAID):
        raise ValidationError({"status": "Only an approved run is paid."})
    require_complete(run, output="A BACS file", statuses=(RunStatus.APPROVED, RunStatus.PAID))
    problem = bacs_processing_problem(run, processing_date, today=today or timezone.localdate())
    if problem is not None:
        raise ValidationError({"processing_date": problem})
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
    # The queryset's own SQL (partner guard and all) read through a plain chunked cursor: the
    # bank fields come back as ciphertext and are opened a chunk at a time by decrypt_many,
    # not one converter call per value (four million calls for a million people).
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            plain = iter(decrypt_many(token for row in chunk for token in (row[2], row[3])))
            for (payroll_number, net_pay, _, _, account_name, given, family), sort_code, account in zip(
                chunk, plain, plain, strict=True
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


def ni_bands(ni_pay: int, run: PayRun, ni_frequency: str = "") -> tuple[int, int, int]:
    """Earnings at the LEL, from the LEL to the PT, and from the PT to the UEL, in pence, as
    RTI reports them (thresholds per pay period from the engine's rule file; the payslip's own
    NI earnings period when it has one, as a payment after leaving may)."""
    return ni_bands_for(ni_pay, run.tax_year, ni_frequency or run.frequency)


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
    to_date = year_to_date(run, ids)
    # A starter's first payment reports their start date: no earlier approved payslip here.
    paid_before = set(
        Payslip.objects.for_partner(partner)
        .filter(
            employment_id__in=ids,
            run__tax_year=run.tax_year,
            run__status__in=[RunStatus.APPROVED, RunStatus.PAID],
        )
        .filter(run__pay_date__lte=run.pay_date)
        .exclude(run=run)
        .values_list("employment_id", flat=True)
    )
    # Nor someone whose earlier pay this year was on the old payroll (take-on figures).
    first_payslip = (
        set(ids)
        - paid_before
        - set(
            TakeOnBalance.objects.for_partner(partner)
            .filter(employment_id__in=ids, tax_year=run.tax_year)
            .values_list("employment_id", flat=True)
        )
    )
    terms = {
        t.employment_id: t
        for t in EmploymentTerms.objects.for_partner(partner)
        .filter(employment_id__in=ids, effective_from__lte=run.pay_date)
        .order_by("employment_id", "effective_from")
    }
    employees = []
    for slip in slips:
        employment = slip.employment
        record = payment_record(slip, for_hmrc=True, to_date=to_date.get(employment.pk, YearToDate()))
        period_bands = ni_bands(slip.ni_pay, run, slip.ni_frequency)
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
                earnings_at_lel=period_bands[0],
                earnings_lel_to_pt=period_bands[1],
                earnings_pt_to_uel=period_bands[2],
                student_loan_plan=_PLAN_TYPES[plans[0]] if plans else "",
            )
        )
    related = rti_tax_year(run.tax_year)
    return fps_xml(
        employer=employer_record(partner),
        period=period_record(run),
        employees=employees,
        related_tax_year=related,
    )
