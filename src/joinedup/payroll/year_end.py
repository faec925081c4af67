"""A leaver's P45 and the P60 at the end of the tax year, from approved payslips.

Three layers, top to bottom: the pure figures (plain rows in, totals out; no queries), the
queries that gather those rows for an employment or an employer, and the one write — issuing a
P45, once per employment and tax year, with an audit event. Issuing is an explicit action (a POST,
a command); reading a P45 re-renders one already issued and never issues it. The PDFs come from the
pure writers in ``payroll.outputs`` through ``documents.payment_record``, like a payslip's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404

from joinedup.audit.services import record_event
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.payroll.documents import employer_record, ni_bands, payment_record, period_record
from joinedup.payroll.models import P45Issue, PayRun, Payslip, PayslipLine, RunStatus, StarterYtd
from joinedup.payroll.outputs import format_pounds, p45_pdf, p60_pdf
from joinedup.payroll.outputs.pdf import NiLetterRow
from joinedup.payroll.outputs.records import EmployeePayment, Employer
from joinedup.payroll.periods import MONTHS_IN_YEAR, WEEKS_PER_PERIOD, tax_year_of
from joinedup.people.models import Employment, EmploymentTerms, PayFrequency

# --- pure figures ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlipRow:
    """One approved payslip of the tax year, as the year-end forms need it. Pence."""

    pay_date: date
    tax_code: str
    week1_month1: bool
    ni_category: str
    taxable_pay_to_date: int
    tax_paid_to_date: int
    ni_bands: tuple[int, int, int]  # earnings at the LEL, LEL to PT, PT to UEL
    ni_employee: int
    ni_employer: int
    student_loan: int
    postgraduate_loan: int
    smp: int


@dataclass(frozen=True, slots=True)
class NiLetterTotals:
    letter: str
    earnings_at_lel: int
    earnings_lel_to_pt: int
    earnings_pt_to_uel: int
    employee: int
    employer: int


@dataclass(frozen=True, slots=True)
class YearFigures:
    """An employment's tax year up to its last payslip. ``pay`` and ``tax`` are this employment's
    alone; ``previous_*`` come from a starter's P45 (the payslips' to-date figures include them)."""

    tax_code: str
    week1_month1: bool
    pay: int
    tax: int
    previous_pay: int
    previous_tax: int
    ni: tuple[NiLetterTotals, ...]  # one per category letter, in the order first used
    student_loan: int
    postgraduate_loan: int
    smp: int

    @property
    def total_pay(self) -> int:
        return self.previous_pay + self.pay

    @property
    def total_tax(self) -> int:
        return self.previous_tax + self.tax

    @property
    def ni_letters(self) -> str:
        return ";".join(n.letter for n in self.ni)

    @property
    def ni_employee(self) -> int:
        return sum(n.employee for n in self.ni)

    @property
    def ni_employer(self) -> int:
        return sum(n.employer for n in self.ni)


def year_figures(rows: Sequence[SlipRow], *, previous_pay: int = 0, previous_tax: int = 0) -> YearFigures:
    """The year's figures from its payslips in pay order. Pay and tax are the last payslip's
    to-date figures less the previous employment's; NI, loans and SMP are not carried to date on
    a payslip, so they are the sums of the year's payslips, NI per category letter."""
    if not rows:
        raise ValueError("no payslips in the tax year")
    last = rows[-1]
    letters: dict[str, list[int]] = {}
    for row in rows:
        sums = letters.setdefault(row.ni_category, [0, 0, 0, 0, 0])
        for i, value in enumerate((*row.ni_bands, row.ni_employee, row.ni_employer)):
            sums[i] += value
    return YearFigures(
        tax_code=last.tax_code,
        week1_month1=last.week1_month1,
        pay=last.taxable_pay_to_date - previous_pay,
        tax=last.tax_paid_to_date - previous_tax,
        previous_pay=previous_pay,
        previous_tax=previous_tax,
        ni=tuple(NiLetterTotals(letter, *sums) for letter, sums in letters.items()),
        student_loan=sum(r.student_loan for r in rows),
        postgraduate_loan=sum(r.postgraduate_loan for r in rows),
        smp=sum(r.smp for r in rows),
    )


def is_final_period(*, frequency: str, tax_year: int, period: int, pay_date: date) -> bool:
    """Whether a run is the year's last for its frequency: month 12, or a weekly-based run whose
    next pay date would fall in the next tax year (week 52, or 53/54/56 where the year has one)."""
    if frequency == PayFrequency.MONTHLY:
        return period == MONTHS_IN_YEAR
    weeks = WEEKS_PER_PERIOD[PayFrequency(frequency)]
    return pay_date + timedelta(weeks=weeks) > year_end(tax_year)


def year_end(tax_year: int) -> date:
    """5 April that ends the tax year (2026 means 2026/27, ending 5 April 2027)."""
    return date(tax_year + 1, 4, 5)


def employed_at_year_end(end_date: date | None, tax_year: int) -> bool:
    return end_date is None or end_date >= year_end(tax_year)


def tax_year_label(tax_year: int) -> str:
    return f"{tax_year}/{(tax_year + 1) % 100:02d}"


def last_ended_tax_year(today: date) -> int:
    return tax_year_of(today) - 1


# --- queries -----------------------------------------------------------------------------------------

_PAID = (RunStatus.APPROVED, RunStatus.PAID)


def _smp_by_payslip(partner_id: int, payslip_ids: Iterable[int]) -> dict[int, int]:
    return {
        payslip_id: int(total or 0)
        for payslip_id, total in PayslipLine.objects.for_partner(partner_id)
        .filter(payslip_id__in=list(payslip_ids), code="SMP")
        .values("payslip_id")
        .annotate(total=Sum("amount"))
        .values_list("payslip_id", "total")
    }


def _year_payslips(partner_id: int, tax_year: int, employment_ids: Iterable[int] | None) -> list[Payslip]:
    """Approved and paid payslips of the tax year, in pay order (then run order)."""
    slips = Payslip.objects.for_partner(partner_id).filter(run__tax_year=tax_year, run__status__in=_PAID)
    if employment_ids is not None:
        slips = slips.filter(employment_id__in=list(employment_ids))
    return list(
        slips.select_related("run", "employment__person").order_by("employment_id", "run__pay_date", "run_id")
    )


def _rows(slips: Sequence[Payslip], smp: dict[int, int]) -> list[SlipRow]:
    return [
        SlipRow(
            pay_date=s.run.pay_date,
            tax_code=s.tax_code,
            week1_month1=s.week1_month1,
            ni_category=s.ni_category,
            taxable_pay_to_date=s.taxable_pay_to_date,
            tax_paid_to_date=s.tax_paid_to_date,
            ni_bands=ni_bands(s.ni_pay, s.run),
            ni_employee=s.ni_employee,
            ni_employer=s.ni_employer,
            student_loan=s.student_loan,
            postgraduate_loan=s.postgraduate_loan,
            smp=smp.get(s.pk, 0),
        )
        for s in slips
    ]


def _previous(partner_id: int, tax_year: int, employment_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    return {
        e: (pay, tax)
        for e, pay, tax in StarterYtd.objects.for_partner(partner_id)
        .filter(employment_id__in=list(employment_ids), tax_year=tax_year)
        .values_list("employment_id", "taxable_pay_to_date", "tax_paid_to_date")
    }


def _figures_by_employment(
    partner_id: int, tax_year: int, slips: Sequence[Payslip]
) -> dict[int, tuple[Payslip, YearFigures]]:
    """Per employment: its last payslip and the year's figures up to it."""
    by_employment: dict[int, list[Payslip]] = defaultdict(list)
    for slip in slips:
        by_employment[slip.employment_id].append(slip)
    smp = _smp_by_payslip(partner_id, (s.pk for s in slips))
    previous = _previous(partner_id, tax_year, by_employment)
    out = {}
    for employment_id, own in by_employment.items():
        pay, tax = previous.get(employment_id, (0, 0))
        out[employment_id] = (own[-1], year_figures(_rows(own, smp), previous_pay=pay, previous_tax=tax))
    return out


def _employer(partner_id: int) -> Employer:
    employer = employer_record(Partner.objects.get(pk=partner_id))
    try:
        employer.tax_office_reference  # noqa: B018 — validates the PAYE reference's form
    except ValueError as exc:
        raise ValidationError(
            {"employer": f"Set {employer.name}'s employer PAYE reference (e.g. 961/WC10001) first."}
        ) from exc
    return employer


def _loan_plans(slip: Payslip) -> tuple[str, bool]:
    """HMRC's student loan plan type and whether a postgraduate loan is held, from the terms
    in force on the payslip's pay date."""
    terms = (
        EmploymentTerms.objects.for_partner(slip.partner_id)
        .filter(employment_id=slip.employment_id, effective_from__lte=slip.run.pay_date)
        .order_by("-effective_from")
        .first()
    )
    plans = terms.student_loan_plans.split(";") if terms else []
    student = next((f"0{p}" for p in plans if p in ("1", "2", "4", "5")), "")
    return student, "PG" in plans


def _with_figures(record: EmployeePayment, figures: YearFigures) -> EmployeePayment:
    main = figures.ni[-1]
    return replace(
        record,
        tax_code=figures.tax_code,
        week1_month1=figures.week1_month1,
        taxable_pay_to_date=figures.pay,
        tax_to_date=figures.tax,
        ni_letter=main.letter,
        earnings_at_lel_to_date=main.earnings_at_lel,
        earnings_lel_to_pt_to_date=main.earnings_lel_to_pt,
        earnings_pt_to_uel_to_date=main.earnings_pt_to_uel,
        ni_employee_to_date=figures.ni_employee,
        ni_employer_to_date=figures.ni_employer,
        student_loan_to_date=figures.student_loan,
        postgraduate_loan_to_date=figures.postgraduate_loan,
        smp_to_date=figures.smp,
    )


# --- P45 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class P45:
    issue: P45Issue
    payslip: Payslip
    figures: YearFigures
    issued_now: bool = False  # True only from the call that issued it


class P45NotIssued(Exception):
    """Payroll staff asked for a P45 that has not been issued: reading never issues one."""


def _last_paid_slip(employment: Employment) -> Payslip | None:
    return (
        Payslip.objects.for_partner(employment.partner_id)
        .filter(employment=employment, run__status__in=_PAID)
        .select_related("run", "employment__person")
        .order_by("-run__pay_date", "-run_id")
        .first()
    )


def _check_leaver(employment: Employment, slip: Payslip | None) -> tuple[Payslip, date]:
    """The payslip of a leaver's approved final pay and their leaving date, or a ValidationError
    saying what is missing."""
    who = employment.payroll_number
    if employment.end_date is None:
        raise ValidationError({"employment": f"{who} has not left: a P45 is only for a leaver."})
    if slip is None or employment.end_date > slip.run.pay_date:
        raise ValidationError(
            {
                "employment": f"{who} left on {employment.end_date:%d %B %Y} and their final pay has not "
                "been approved yet: issue the P45 once the run that pays it is approved."
            }
        )
    pending = (
        Payslip.objects.for_partner(employment.partner_id)
        .filter(employment=employment, run__pay_date__gt=slip.run.pay_date)
        .exclude(run__status__in=_PAID)
        .select_related("run")
        .first()
    )
    if pending is not None:
        raise ValidationError(
            {
                "employment": f"{who} has pay in the run of {pending.run.pay_date:%d %B %Y}, which is not "
                "approved yet: issue the P45 after it."
            }
        )
    return slip, employment.end_date


def _p45_figures(issue: P45Issue) -> P45:
    slip = (
        Payslip.objects.for_partner(issue.partner_id)
        .select_related("run", "employment__person")
        .get(pk=issue.payslip_id)
    )
    # Payslips up to the one the P45 was issued from: a later correction does not change a P45
    # already given to the leaver.
    slips = [
        s
        for s in _year_payslips(issue.partner_id, issue.tax_year, [issue.employment_id])
        if (s.run.pay_date, s.run_id) <= (slip.run.pay_date, slip.run_id)
    ]
    _, figures = _figures_by_employment(issue.partner_id, issue.tax_year, slips)[issue.employment_id]
    return P45(issue=issue, payslip=slip, figures=figures)


@transaction.atomic
def p45_issue(*, actor: Any, employment: Employment) -> P45:
    """Issue a leaver's P45 from their approved final pay. Issuing again returns the P45 already
    issued, with the same figures, and records nothing new. Payroll officers issue (the permission
    that runs the payroll); anyone who only views it is refused."""
    authorise(actor, "payroll.calculate", employment.partner_id)
    existing = P45Issue.objects.for_partner(employment.partner_id).filter(employment=employment).first()
    if existing is not None:
        return _p45_figures(existing)
    slip, leaving_date = _check_leaver(employment, _last_paid_slip(employment))
    _employer(employment.partner_id)
    payment_record(slip, for_hmrc=True)  # the P45 shows the person's sex: refuse without it
    try:
        with transaction.atomic():
            issue = P45Issue.objects.create(
                partner_id=employment.partner_id,
                employment=employment,
                tax_year=slip.run.tax_year,
                payslip=slip,
                leaving_date=leaving_date,
                issued_by=actor,
            )
    except IntegrityError:
        # Issued by someone else a moment ago: theirs is the P45.
        return _p45_figures(P45Issue.objects.for_partner(employment.partner_id).get(employment=employment))
    p45 = replace(_p45_figures(issue), issued_now=True)
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="payroll.p45_issued",
        target=employment,
        after={
            "tax_year": issue.tax_year,
            "leaving_date": issue.leaving_date,
            "payslip": slip.pk,
            "tax_code": p45.figures.tax_code,
            "pay": p45.figures.pay,
            "tax": p45.figures.tax,
        },
    )
    return p45


def p45_pdf_bytes(p45: P45, *, compress: bool = True) -> bytes:
    student_plan, postgraduate = _loan_plans(p45.payslip)
    record = replace(
        _with_figures(payment_record(p45.payslip, for_hmrc=True), p45.figures),
        leaving_date=p45.issue.leaving_date,
        student_loan_plan=student_plan,
        # The writer says "continue" for a postgraduate loan from its figure to date; a plan held
        # but not yet deducted from is still a loan to continue.
        postgraduate_loan_to_date=p45.figures.postgraduate_loan or int(postgraduate),
    )
    return p45_pdf(
        employer=_employer(p45.issue.partner_id),
        period=period_record(p45.payslip.run),
        employee=record,
        previous_pay=p45.figures.previous_pay,
        previous_tax=p45.figures.previous_tax,
        compress=compress,
    )


def p45_filename(p45: P45) -> str:
    return f"p45-{p45.issue.employment.payroll_number}-{p45.issue.leaving_date}.pdf"


def p45_for(user: Any, *, employment_id: int) -> P45:
    """A P45 already issued, as the user may have it: payroll staff of the employer and the leaver
    themselves. Reading never issues: before it is issued payroll staff get ``P45NotIssued``, the
    leaver 404, like anyone else."""
    employment = _payroll_employment(user, employment_id)
    if employment is not None:
        issue = P45Issue.objects.for_partner(employment.partner_id).filter(employment=employment).first()
        if issue is None:
            raise P45NotIssued(
                f"The P45 of {employment.payroll_number} has not been issued yet: issue it first "
                '("Issue P45" on the page of the pay run that made their final pay).'
            )
        return _p45_figures(issue)
    issue = (
        P45Issue.objects.unscoped(reason="an employee reads their own P45")
        # employment__id, not employment_id: the employment's own id field refuses an id past 64
        # bits as matching nothing, where the foreign key's column sent it to SQLite (OverflowError).
        .filter(employment__id=employment_id, employment__person__user_id=_user_id(user))
        .select_related("employment")
        .first()
    )
    if issue is None:
        raise Http404("No such P45.")
    return _p45_figures(issue)


def p45_employment(user: Any, *, employment_id: int) -> Employment:
    """The employment whose P45 the user would issue, if they see its employer's payroll; 404
    otherwise, so another partner's employment is not revealed. Whether they may issue it is the
    service's question."""
    employment = _payroll_employment(user, employment_id)
    if employment is None:
        raise Http404("No such employment.")
    return employment


def p45_issued_ids(partner_id: int, employment_ids: Iterable[int]) -> set[int]:
    """Those of the employments whose P45 has been issued."""
    return set(
        P45Issue.objects.for_partner(partner_id)
        .filter(employment_id__in=list(employment_ids))
        .values_list("employment_id", flat=True)
    )


def _payroll_employment(user: Any, employment_id: int) -> Employment | None:
    """The employment if the user sees its employer's payroll."""
    return (
        Employment.objects.for_partners(partner_ids_with(user, "payroll.view"))
        .filter(pk=employment_id)
        .select_related("person")
        .first()
    )


def my_p45s(user: Any) -> list[P45Issue]:
    return list(
        P45Issue.objects.unscoped(reason="an employee lists their own P45s")
        .filter(employment__person__user_id=_user_id(user))
        .select_related("employment__partner")
        .order_by("-tax_year")
    )


def _user_id(user: Any) -> int:
    return int(user.pk) if getattr(user, "is_authenticated", False) and user.pk else 0


# --- P60 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class P60:
    tax_year: int
    employment: Employment
    payslip: Payslip  # the last of the year
    figures: YearFigures
    final: bool  # False: a preview before the year's final run is approved

    @property
    def label(self) -> str:
        return tax_year_label(self.tax_year)


def unfinished_frequencies(partner_id: int, tax_year: int, frequencies: Iterable[str]) -> list[str]:
    """Those of ``frequencies`` whose final run of the tax year is not yet approved."""
    finals = {
        run.frequency
        for run in PayRun.objects.for_partner(partner_id).filter(tax_year=tax_year, status__in=_PAID)
        if is_final_period(
            frequency=run.frequency, tax_year=tax_year, period=run.period, pay_date=run.pay_date
        )
    }
    return sorted(set(frequencies) - finals)


def p60s(
    partner_id: int, *, tax_year: int, preview: bool = False, employment_ids: Iterable[int] | None = None
) -> list[P60]:
    """P60s of every employment of the employer paid in the tax year and still employed on 5 April
    (leavers had a P45), by payroll number. Refused until the final run of each pay frequency is
    approved, unless ``preview``."""
    slips = [
        s
        for s in _year_payslips(partner_id, tax_year, employment_ids)
        if employed_at_year_end(s.employment.end_date, tax_year)
    ]
    unfinished = unfinished_frequencies(partner_id, tax_year, {s.run.frequency for s in slips})
    if unfinished and not preview:
        raise ValidationError(
            {
                "tax_year": f"The final {' and '.join(unfinished)} run of {tax_year_label(tax_year)} is not "
                "approved yet: P60s are produced after it. A preview can be produced meanwhile."
            }
        )
    out = [
        P60(tax_year, slip.employment, slip, figures, final=not unfinished)
        for slip, figures in _figures_by_employment(partner_id, tax_year, slips).values()
    ]
    return sorted(out, key=lambda p: p.employment.payroll_number)


def p60_pdf_bytes(p60: P60, *, compress: bool = True) -> bytes:
    record = _with_figures(payment_record(p60.payslip), p60.figures)
    letters = [
        NiLetterRow(n.letter, n.earnings_at_lel, n.earnings_lel_to_pt, n.earnings_pt_to_uel, n.employee)
        for n in p60.figures.ni
    ]
    return p60_pdf(
        employer=_employer(p60.payslip.partner_id),
        employee=record,
        tax_year=p60.tax_year,
        previous_pay=p60.figures.previous_pay,
        previous_tax=p60.figures.previous_tax,
        ni_by_letter=letters if len(letters) > 1 else (),
        compress=compress,
    )


def p60_filename(p60: P60) -> str:
    preview = "" if p60.final else "-preview"
    return f"p60-{p60.tax_year}-{p60.employment.payroll_number}{preview}.pdf"


P60_CSV_HEADER = [
    "payroll_number",
    "name",
    "ni_number",
    "final_tax_code",
    "previous_pay",
    "previous_tax",
    "pay",
    "tax",
    "total_pay",
    "total_tax",
    "ni_letters",
    "earnings_at_lel",
    "earnings_lel_to_pt",
    "earnings_pt_to_uel",
    "ni_employee",
    "ni_employer",
    "student_loan",
    "postgraduate_loan",
    "smp",
]


def p60_csv_row(p60: P60) -> list[str]:
    """A P60's figures for a summary sheet: money in pounds with two decimals, never a float."""
    f = p60.figures
    code = f"{f.tax_code} {'W1/M1' if f.week1_month1 else ''}".strip()
    money = [
        f.previous_pay,
        f.previous_tax,
        f.pay,
        f.tax,
        f.total_pay,
        f.total_tax,
    ]
    ni = [
        sum(n.earnings_at_lel for n in f.ni),
        sum(n.earnings_lel_to_pt for n in f.ni),
        sum(n.earnings_pt_to_uel for n in f.ni),
        f.ni_employee,
        f.ni_employer,
    ]
    person = p60.employment.person
    return [
        p60.employment.payroll_number,
        person.full_name,
        person.ni_number,
        code,
        *map(format_pounds, money),
        f.ni_letters,
        *map(format_pounds, [*ni, f.student_loan, f.postgraduate_loan, f.smp]),
    ]


def p60s_for(user: Any, *, partner: Partner, tax_year: int, preview: bool = False) -> list[P60]:
    authorise(user, "payroll.view", partner)
    return p60s(partner.pk, tax_year=tax_year, preview=preview)


def p60_for(user: Any, *, employment_id: int, tax_year: int, preview: bool = False) -> P60:
    """One P60 to payroll staff of the employer or to the employee; 404 to anyone else. An
    employment with no P60 that year (a leaver, or not paid in it) is refused."""
    employment = _payroll_employment(user, employment_id)
    if employment is None:
        preview = False  # an employee sees the final P60, not a payroll officer's preview
        employment = (
            Employment.objects.unscoped(reason="an employee reads their own P60")
            .filter(pk=employment_id, person__user_id=_user_id(user))
            .first()
        )
    if employment is None:
        raise Http404("No such employment.")
    found = p60s(employment.partner_id, tax_year=tax_year, preview=preview, employment_ids=[employment.pk])
    if not found:
        raise ValidationError(
            {
                "employment": f"{employment.payroll_number} has no P60 for {tax_year_label(tax_year)}: "
                "not paid in the year, or left during it (a leaver has a P45)."
            }
        )
    return found[0]


def my_p60s(user: Any) -> list[P60]:
    """The employee's final P60s, newest year first."""
    employments = list(
        Employment.objects.unscoped(reason="an employee lists their own P60s").filter(
            person__user_id=_user_id(user)
        )
    )
    out: list[P60] = []
    for employment in employments:
        years = (
            Payslip.objects.for_partner(employment.partner_id)
            .filter(employment=employment, run__status__in=_PAID)
            .values_list("run__tax_year", flat=True)
            .distinct()
        )
        for tax_year in sorted(set(years), reverse=True):
            if not employed_at_year_end(employment.end_date, tax_year):
                continue
            try:
                out.extend(p60s(employment.partner_id, tax_year=tax_year, employment_ids=[employment.pk]))
            except ValidationError:
                continue  # the year is not finished: no P60 yet
    return sorted(out, key=lambda p: (-p.tax_year, p.employment.payroll_number))
