"""The reads: the queries that gather an employment's or an employer's payslips of the tax year
into figures, and the P45s and P60s a user may have. Reading a P45 re-renders one already
issued and never issues it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.payroll.documents import employer_record
from joinedup.payroll.models import P45Issue, PayRun, Payslip, RunStatus, StarterYtd
from joinedup.payroll.outputs.records import Employer
from joinedup.payroll.year_end.figures import (
    NiLetterTotals,
    YearFigures,
    employed_at_year_end,
    is_final_period,
    tax_year_label,
)
from joinedup.payroll.year_to_date import figures_of_payslips
from joinedup.people.models import Employment

_PAID = (RunStatus.APPROVED, RunStatus.PAID)


def _year_payslips(partner_id: int, tax_year: int, employment_ids: Iterable[int] | None) -> list[Payslip]:
    """Approved and paid payslips of the tax year, in pay order (then run order)."""
    slips = Payslip.objects.for_partner(partner_id).filter(run__tax_year=tax_year, run__status__in=_PAID)
    if employment_ids is not None:
        slips = slips.filter(employment_id__in=list(employment_ids))
    return list(
        slips.select_related("run", "employment__person").order_by("employment_id", "run__pay_date", "run_id")
    )


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
    # The year's sums come from the one year-to-date selector (payslips plus take-on figures), so
    # P45s and P60s agree with the payslips and the FPS.
    sums = figures_of_payslips(partner_id, tax_year, (s.pk for s in slips), by_employment)
    previous = _previous(partner_id, tax_year, by_employment)
    out = {}
    for employment_id, own in by_employment.items():
        pay, tax = previous.get(employment_id, (0, 0))
        last, ytd = own[-1], sums[employment_id]
        out[employment_id] = (
            last,
            YearFigures(
                tax_code=last.tax_code,
                week1_month1=last.week1_month1,
                pay=ytd.taxable_pay,
                tax=ytd.tax,
                previous_pay=pay,
                previous_tax=tax,
                ni=tuple(
                    NiLetterTotals(
                        n.letter,
                        n.earnings_at_lel,
                        n.earnings_lel_to_pt,
                        n.earnings_pt_to_uel,
                        n.ni_employee,
                        n.ni_employer,
                    )
                    for n in ytd.ni.values()
                ),
                student_loan=ytd.student_loan,
                postgraduate_loan=ytd.postgraduate_loan,
                smp=ytd.smp,
            ),
        )
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
