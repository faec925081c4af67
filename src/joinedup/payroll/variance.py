"""Checks before approval: each payslip against the same employee's previous one, and
against rules a payroll officer would look for. Each finding is a ``VarianceFlag`` that must be
accepted (with a note) or fixed before the run can be approved."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q

from joinedup.core.calendar import tax_year_start
from joinedup.core.money import PENCE_PER_POUND, gbp, pence_to_pounds
from joinedup.payroll import history
from joinedup.payroll.calculation import share_of_period
from joinedup.payroll.models import (
    FlagKind,
    FlagStatus,
    PayrollSettings,
    PayRun,
    Payslip,
    StarterYtd,
    TakeOnBalance,
    VarianceFlag,
)
from joinedup.payroll.periods import PERIODS_PER_YEAR, minimum_hourly_rate
from joinedup.people.models import Employment, EmploymentTerms
from joinedup.people.ni_categories import age_problem
from joinedup.people.selectors import people_with_pending_bank_change

WEEKS_PER_YEAR = 52
DEFAULT_THRESHOLD = Decimal(10)


def _age_on(born: object, on: object) -> int:
    years = on.year - born.year  # type: ignore[attr-defined]
    if (on.month, on.day) < (born.month, born.day):  # type: ignore[attr-defined]
        years -= 1
    return int(years)


def raise_flags(
    run: PayRun,
    problems: dict[int, list[tuple[str, str]]],
    weekly_hours: dict[int, Decimal] | None = None,
    without_figures_to_date: Collection[int] | None = None,
    slips: list[tuple[int, int, int, str, str, bool]] | None = None,
    last_payslips: dict[int, tuple[int, str]] | None = None,
) -> int:
    """Create the run's open flags (flags already accepted stay as they are). Returns how
    many flags the run now has open. ``weekly_hours`` on the pay date by employment, and
    ``without_figures_to_date`` (the employments with no earlier payslip this tax year, no P45
    figures and no take-on figures), and ``slips`` (the run's payslips as (employment id, net
    pay, gross pay, tax code, NI letter, week 1/month 1)) and ``last_payslips`` (net pay and tax
    code of those paid in the latest run the checks compare with), when the caller has them
    already (the calculation does); read from the database otherwise."""
    partner_id = run.partner_id
    settings = PayrollSettings.objects.for_partner(partner_id).first()
    threshold = settings.variance_threshold_percent if settings else DEFAULT_THRESHOLD
    accepted = set(
        VarianceFlag.objects.for_partner(partner_id)
        .filter(run=run, status=FlagStatus.ACCEPTED)
        .values_list("employment_id", "kind")
    )
    # Unordered reads (no model default ORDER BY): a million rows need no sorting here.
    if slips is None:
        slips = list(
            Payslip.objects.for_partner(partner_id)
            .filter(run=run)
            .order_by()
            .values_list("employment_id", "net_pay", "gross_pay", "tax_code", "ni_category", "week1_month1")
        )
    previous = _previous_payslips(run, [row[0] for row in slips], last_payslips)
    # The run's employments are read through its payslips, joined on primary keys, never as
    # `employment IN (payslips of the run)`: right after a partner's first large import the
    # planner's statistics can say the run holds one payslip, and the IN form then became a
    # nested loop rescanning the run per employment (100,000 employees: over five minutes on
    # PostgreSQL). Joined from the payslips, a wrong estimate costs index lookups, not a rescan.
    of_run = Payslip.objects.for_partner(partner_id).filter(run=run).order_by()
    born: dict[int, date] = {}
    person_of: dict[int, int] = {}
    spans: list[tuple[int, date, date | None]] = []
    no_bank: set[int] = set()
    rows = of_run.annotate(
        # An empty bank account is stored as "" (not encrypted), so this needs no decryption;
        # read with the rest of the join rather than joined again for it.
        no_bank=ExpressionWrapper(Q(employment__person__bank_account_number=""), output_field=BooleanField())
    ).values_list(
        "employment_id",
        "employment__person_id",
        "employment__person__date_of_birth",
        "employment__start_date",
        "employment__end_date",
        "no_bank",
    )
    for employment_id, person_id, date_of_birth, began, ended, without_bank in rows:
        born[employment_id] = date_of_birth
        person_of[employment_id] = person_id
        spans.append((employment_id, began, ended))
        if without_bank:
            no_bank.add(employment_id)
    bank_change_waiting = people_with_pending_bank_change(partner_id)
    part_period = _share_employed(run, spans)
    hours = _weekly_hours_on_pay_date(run) if weekly_hours is None else weekly_hours
    flags: list[VarianceFlag] = []

    def flag(employment_id: int, kind: str, detail: str) -> None:
        if (employment_id, kind) not in accepted:
            flags.append(
                VarianceFlag(
                    partner_id=partner_id,
                    run=run,
                    employment_id=employment_id,
                    kind=kind,
                    detail=detail[:300],
                )
            )

    for employment_id, kinds in problems.items():
        for kind, detail in dict(kinds).items():
            flag(employment_id, kind, detail)
    periods = PERIODS_PER_YEAR[run.frequency]  # type: ignore[index]
    minimum_band = functools.cache(functools.partial(minimum_hourly_rate, run.pay_date))

    @functools.cache
    def below_minimum(
        weekly: Decimal, age: int, share: Decimal = Decimal(1)
    ) -> tuple[Decimal, Decimal, str] | None:
        """The least gross pay (pence) at the minimum rate for these hours and age, and the
        flag's wording but for the hourly figure; None when no minimum applies. ``share`` is
        the part of the pay reference period the employment covers: a starter or leaver is
        paid for, and worked, only that part."""
        band = minimum_band(age)
        if not weekly or band is None or not share:
            return None
        hours_in_period = Decimal(weekly * WEEKS_PER_YEAR) / periods * share
        wording = f"for {weekly} hours a week; the {band.name} is £{band.hourly}."
        return band.hourly * PENCE_PER_POUND * hours_in_period, hours_in_period, wording

    # Pure functions of the letter and the date of birth, on the run's pay date: a million people
    # share some tens of thousands of birthdays, so each is worked out once.
    letter_problem = functools.cache(lambda letter, born: age_problem(letter, born, run.pay_date))
    age_on_pay_day = functools.cache(lambda born: _age_on(born, run.pay_date))
    cumulative = [row[0] for row in slips if not row[5]]
    if without_figures_to_date is None:
        nothing_to_date = _without_pay_to_date(run, cumulative)
    else:
        nothing_to_date = _employed_before_year(run, spans, cumulative, without_figures_to_date)
    for employment_id, net, gross, tax_code, letter, _ in slips:
        if employment_id in nothing_to_date:
            flag(
                employment_id,
                FlagKind.NO_PAY_TO_DATE,
                f"Cumulative code {tax_code} in period {run.period} with no pay or tax to date: no earlier "
                "payslip this tax year, no P45 figures and no take-on figures. Import the take-on "
                "balances from the previous payroll (joinedup payroll take-on) or accept with a reason.",
            )
        before = previous.get(employment_id)
        if net < 0:
            flag(employment_id, FlagKind.NEGATIVE_NET, f"Net pay is {gbp(net)}.")
        if before is not None:
            old_net, old_code = before
            if old_net and abs(net - old_net) * 100 > threshold * abs(old_net):
                change = (Decimal(net - old_net) * 100 / abs(old_net)).quantize(Decimal("0.1"))
                flag(
                    employment_id,
                    FlagKind.NET_CHANGE,
                    f"Net pay {gbp(net)}, was {gbp(old_net)} last period ({change:+}%).",
                )
            if old_code != tax_code:
                flag(employment_id, FlagKind.TAX_CODE_CHANGED, f"Tax code {tax_code}, was {old_code}.")
        if employment_id not in born:
            continue
        # A letter HR should have refused, or a birthday on or before the pay date that moved the
        # person off M, Z or H (people/ni_categories/rules/ni_category_ages.toml).
        wrong_letter = letter_problem(letter, born[employment_id])
        if wrong_letter is not None:
            flag(employment_id, FlagKind.NI_CATEGORY_AGE, f"{wrong_letter} Change the category in HR.")
        if employment_id in no_bank:
            flag(employment_id, FlagKind.NO_BANK_DETAILS, "No bank account to pay into.")
        if person_of.get(employment_id) in bank_change_waiting:
            flag(
                employment_id,
                FlagKind.BANK_CHANGE_PENDING,
                "A bank change waits for a second person to verify it; this run pays the account held.",
            )
        weekly = hours.get(employment_id)
        minimum = (
            below_minimum(
                weekly,
                age_on_pay_day(born[employment_id]),
                part_period.get(employment_id, Decimal(1)),
            )
            if weekly
            else None
        )
        # gross / 100 / hours < hourly rate, multiplied through by the (positive) hours: one
        # comparison per payslip, the division only for the few flagged.
        if minimum is not None and 0 < gross < minimum[0]:
            hourly = pence_to_pounds(gross) / minimum[1]
            flag(employment_id, FlagKind.BELOW_MINIMUM_WAGE, f"£{hourly:.2f} an hour {minimum[2]}")
    VarianceFlag.objects.bulk_create(flags, batch_size=2000)
    return len(flags)


def _previous_payslips(
    run: PayRun, employment_ids: Collection[int], known: dict[int, tuple[int, str]] | None = None
) -> dict[int, tuple[int, str]]:
    """Net pay and tax code on each employee's latest payslip at the run's frequency in the
    13 months before it: the comparison is with their last pay, not with pay of years ago.
    ``known``: those the caller found already (the calculation finds everyone paid in the
    latest of those runs); the rest are looked for."""
    runs = history.runs_the_checks_compare(run)
    missing = [e for e in employment_ids if e not in known] if known else employment_ids
    found = history.latest_figures(run, runs, missing, ("net_pay", "tax_code"))
    return {**(known or {}), **{e: (int(net), str(code)) for e, (net, code) in found.items()}}


def _share_employed(run: PayRun, spans: Iterable[tuple[int, date, date | None]]) -> dict[int, Decimal]:
    """For each employment that starts or ends inside the run's period, the part of the
    period it covers, counted by its scheme's proration rule (the days its pay is prorated
    by). The National Minimum Wage Regulations 2015 (reg. 6 and 7) set the pay reference
    period as the worker's pay period: hours outside the employment are neither worked nor
    paid, so the minimum for a part-period is the minimum for the hours in that part."""
    start, end = run.period_start, run.period_end
    part = [
        (pk, began, ended)
        for pk, began, ended in spans
        if began > start or (ended is not None and ended < end)
    ]
    if not part:
        return {}
    proration: dict[int, str] = {}
    for employment_id, rule in (
        EmploymentTerms.objects.for_partner(run.partner_id)
        # Terms in force by the period's end, as the calculation reads them: a starter after
        # the pay date is still paid (and tested) for the days from their start.
        .filter(employment_id__in=[pk for pk, _, _ in part], effective_from__lte=end)
        .order_by("employment_id", "effective_from")
        .values_list("employment_id", "scheme__proration")
    ):
        proration[employment_id] = rule
    return {
        pk: share_of_period(max(start, began), min(end, ended or end), start, end, proration[pk])
        for pk, began, ended in part
        if pk in proration
    }


def _weekly_hours_on_pay_date(run: PayRun) -> dict[int, Decimal]:
    hours: dict[int, Decimal] = {}
    for employment_id, weekly in (
        EmploymentTerms.objects.for_partner(run.partner_id)
        .filter(effective_from__lte=run.pay_date)
        .order_by("employment_id", "effective_from")
        .values_list("employment_id", "weekly_hours")
        .iterator(chunk_size=5000)
    ):
        hours[employment_id] = weekly
    return hours


def _employed_before_year(
    run: PayRun,
    spans: Iterable[tuple[int, date, date | None]],
    cumulative: Iterable[int],
    without_figures_to_date: Collection[int],
) -> set[int]:
    """What :func:`_without_pay_to_date` finds, from the calculation's knowledge of which
    employments have nothing to date (it read their earlier payslips, P45 and take-on figures
    to calculate them): those on a cumulative code, employed since before the tax year began."""
    if run.period <= 1 or not without_figures_to_date:
        return set()
    year_start = tax_year_start(run.tax_year)
    before_year = {pk for pk, began, _ in spans if began < year_start}
    return {pk for pk in cumulative if pk in before_year and pk in without_figures_to_date}


def _without_pay_to_date(run: PayRun, cumulative: list[int]) -> set[int]:
    """Employments on a cumulative code, after the tax year's first period, employed since before
    the year began, with nothing to date: no earlier approved payslip this tax year (any
    frequency), no starter's P45 figures and no take-on figures. Their tax would be worked out as
    if they had earned nothing since April — the first month after a go-live without take-on
    balances. (Someone who started this year with no P45 has a starter declaration instead.)"""
    if run.period <= 1 or not cumulative:
        return set()
    year_start = tax_year_start(run.tax_year)
    # The employer's whole list is read and intersected here rather than sent as
    # `pk IN (…100,000 ids…)`: building and planning that list cost more than reading the rows
    # (about 11 s of a 100,000-employee run's checks, under load).
    on_cumulative = set(cumulative)
    ids = {
        pk
        for pk in Employment.objects.for_partner(run.partner_id)
        .filter(start_date__lt=year_start)
        .order_by()
        .values_list("pk", flat=True)
        .iterator(chunk_size=10000)
        if pk in on_cumulative
    }
    if not ids:
        return set()
    earlier = history.earlier_runs(run, tax_year=run.tax_year)
    ids -= set(history.latest_figures(run, earlier, ids, ("tax_code",)))
    for model in (StarterYtd, TakeOnBalance):
        ids -= set(
            model.objects.for_partner(run.partner_id)
            .filter(tax_year=run.tax_year)
            .order_by()
            .values_list("employment_id", flat=True)
            .iterator(chunk_size=10000)
        )
    return ids
