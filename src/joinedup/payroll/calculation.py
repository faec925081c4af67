"""From HR data to payslips for one pay run.

1. Gather: every employment of the employer paid at the run's frequency and employed during
   the pay period; its basic pay prorated over the dated changes inside the period (pay
   point, FTE, a pay award, joining or leaving) by the scheme's proration rule; its pay items;
   its tax, NI, loan and pension details on the pay date; pay and tax to date from earlier
   approved runs this tax year (before the first: a starter's P45 plus the take-on figures from
   the payroll joinedup replaced).
2. Calculate: one vectorised engine call for the whole batch (integer pence).
3. Write: payslips and their extra lines in bulk, a batch at a time, each batch replacing
   whatever the run held for those employments — so a calculation killed half-way and run
   again ends with exactly one payslip per employment.

Everything here is reads and arithmetic; the state change (status, audit) is in services."""

from __future__ import annotations

import bisect
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
from django.db import connection

from joinedup.core import rls
from joinedup.core.calendar import weekdays_between
from joinedup.core.dates import people_date
from joinedup.core.money import gbp
from joinedup.payroll import history, statutory, termination
from joinedup.payroll.engine import Batch, Frequency, Region, TaxCode, calculate, load_rules, parse_tax_code
from joinedup.payroll.engine.ruleset import POSTGRADUATE
from joinedup.payroll.engine.vector import FREQUENCIES, LOAN_BITS, SCHEMES, compile_tables
from joinedup.payroll.figures import ENGINE_FIGURES
from joinedup.payroll.models import (
    EmployerPensionRate,
    FlagKind,
    P45Issue,
    PayItem,
    PayItemKind,
    PayItemTreatment,
    PayRun,
    Payslip,
    PayslipLine,
    RunStatus,
    StarterYtd,
    TakeOnBalance,
)
from joinedup.payroll.periods import PERIODS_PER_YEAR, PayPeriod, to_pence_half_up
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    Employment,
    EmploymentTerms,
    PayFrequency,
    PayRate,
    Proration,
)

ONE_DAY = timedelta(days=1)
# Payslip rows per executemany call when writing a batch.
_INSERT_CHUNK = 5000
_LOAN_NAMES = {"1": "plan_1", "2": "plan_2", "4": "plan_4", "5": "plan_5", "PG": POSTGRADUATE}
ENGINE_FREQUENCY = {
    "monthly": Frequency.MONTHLY,
    "weekly": Frequency.WEEKLY,
    "fortnightly": Frequency.FORTNIGHTLY,
    "four_weekly": Frequency.FOUR_WEEKLY,
}


@dataclass
class Line:
    kind: str
    code: str
    description: str
    pence: int
    pensionable: bool = False
    # A termination award (payroll/termination.py): the part free of tax, and whether it is
    # earnings for NI. Every other line is taxed and NI-able in full.
    tax_free_pence: int = 0
    ni_able: bool = True
    # The part of a termination award liable to the employer's Class 1A (its taxable part).
    class1a_pence: int = 0
    # Paid after leaving as part of the regular pattern of pay (PayItem.regular).
    regular: bool = False


@dataclass(slots=True)
class EmployeeInput:
    employment_id: int
    basic_pence: int
    lines: list[Line] = field(default_factory=list)
    tax_code: str = "1257L"
    week1_month1: bool = False
    ni_category: str = "A"
    loans: frozenset[str] = frozenset()
    pension_scheme: str = "none"
    employer_rate: Decimal = Decimal(0)
    previous_taxable: int = 0
    previous_tax: int = 0
    weekly_hours: Decimal = Decimal(0)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # False when there is nothing to date at all: no earlier payslip this tax year, no P45
    # figures, no take-on figures (the checks before approval flag it on a cumulative code).
    figures_to_date: bool = True
    # Paid after the leaver's P45 was issued (see ``after_leaving``), and the NI earnings
    # period when it is not the run's frequency.
    after_leaving: bool = False
    ni_frequency: str = ""

    @property
    def additions(self) -> int:
        return sum(line.pence for line in self.lines if line.kind == PayItemKind.ADDITION)

    @property
    def deductions(self) -> int:
        return sum(line.pence for line in self.lines if line.kind == PayItemKind.DEDUCTION)

    @property
    def untaxed(self) -> int:
        """Paid but not pay subject to tax: the tax-free part of termination awards."""
        return sum(line.tax_free_pence for line in self.lines if line.kind == PayItemKind.ADDITION)

    @property
    def not_ni_able(self) -> int:
        """Paid but not earnings for Class 1 NI: termination awards."""
        return sum(
            line.pence for line in self.lines if line.kind == PayItemKind.ADDITION and not line.ni_able
        )

    @property
    def class1a_liable(self) -> int:
        """Pay liable to the employer's Class 1A: the taxable parts of termination awards."""
        return sum(line.class1a_pence for line in self.lines if line.kind == PayItemKind.ADDITION)

    @property
    def pensionable(self) -> int:
        extra = sum(
            line.pence for line in self.lines if line.kind == PayItemKind.ADDITION and line.pensionable
        )
        return self.basic_pence + extra


# --- gathering -------------------------------------------------------------------------------


class Stint(NamedTuple):
    """An employment in the run: only what gathering needs, read without model instances
    (building a million of them would cost more than the whole calculation)."""

    pk: int
    start_date: date
    end_date: date | None


class Terms(NamedTuple):
    """One dated version of an employment's terms, as gathering reads it."""

    employment_id: int
    effective_from: date
    fte: Decimal
    weekly_hours: Decimal
    proration: str
    scheme: str
    pay_point_id: int
    pay_point: str
    tax_code: str
    tax_basis: str
    ni_category: str
    student_loan_plans: str
    pension_scheme: str


_TERMS_COLUMNS = (
    "employment_id",
    "effective_from",
    "fte",
    "weekly_hours",
    "scheme__proration",
    "scheme__code",
    "pay_point_id",
    "pay_point__code",
    "tax_code",
    "tax_basis",
    "ni_category",
    "student_loan_plans",
    "pension_scheme",
)


def employments_in_run(run: PayRun) -> list[Stint]:
    """Every employment employed during the run's period, and every leaver (an employment ended
    before it) with an addition dated in it: a payment after leaving (see ``after_leaving``). The
    leavers come from a second, small query on the pay items, so that the main one stays a plain
    range on the employments' dates."""
    employed = [
        Stint(*row)
        for row in Employment.objects.for_partner(run.partner_id)
        .filter(pay_frequency=run.frequency, start_date__lte=run.period_end)
        .exclude(end_date__lt=run.period_start)
        .order_by("pk")
        .values_list("pk", "start_date", "end_date")
    ]
    paid_late = set(
        PayItem.objects.for_partner(run.partner_id)
        .filter(kind=PayItemKind.ADDITION, start_date__gte=run.period_start, start_date__lte=run.period_end)
        .filter(employment__end_date__lt=run.period_start, employment__pay_frequency=run.frequency)
        .order_by()
        .values_list("employment_id", flat=True)
    )
    if not paid_late:
        return employed
    leavers = [
        Stint(*row)
        for row in Employment.objects.for_partner(run.partner_id)
        .filter(pk__in=paid_late)
        .values_list("pk", "start_date", "end_date")
    ]
    return sorted(employed + leavers, key=lambda stint: stint.pk)


def _rates_by_point(point_ids: Iterable[int]) -> dict[int, tuple[list[date], list[Decimal]]]:
    rates: dict[int, tuple[list[date], list[Decimal]]] = {}
    for point_id, when, annual in (
        PayRate.objects.filter(point_id__in=set(point_ids))
        .order_by("point_id", "effective_from")
        .values_list("point_id", "effective_from", "annual")
    ):
        dates, values = rates.setdefault(point_id, ([], []))
        dates.append(when)
        values.append(annual)
    return rates


@dataclass
class RunReads:
    """What every batch of one calculation reads alike: pay rates by point, the employer's
    pension rates, its earlier runs this tax year. Read once per calculation, not once per
    batch (600 queries of a million-person run), and only for the calculation's duration:
    a later calculation reads them afresh."""

    run: PayRun
    _rates: dict[int, tuple[list[date], list[Decimal]]] = field(default_factory=dict)
    _points_read: set[int] = field(default_factory=set)
    _employer_rates: dict[str, Decimal] | None = None
    _earlier_runs: list[int] | None = None
    _checked_run: int | None = None
    _checked_run_read = False
    # Net pay and tax code of the employments paid in the latest run the checks before
    # approval compare with, when it is also the latest this tax year: gathering reads that
    # run's payslips anyway (for pay to date), so the checks need not read them again.
    last_payslips: dict[int, tuple[int, str]] = field(default_factory=dict)
    # Basic pay (pence) for a whole period by annual salary and FTE: most people share both.
    whole_period_pay: dict[tuple[Decimal, Decimal], int] = field(default_factory=dict)

    # The annual rate of each point whose rate is the same all through the run's period.
    steady: dict[int, Decimal] = field(default_factory=dict)

    def rates(self, point_ids: Iterable[int]) -> dict[int, tuple[list[date], list[Decimal]]]:
        """Rates of (at least) these points, by point."""
        missing = set(point_ids) - self._points_read
        if missing:
            found = _rates_by_point(missing)
            self._rates.update(found)
            self._points_read |= missing
            start, end = self.run.period_start, self.run.period_end
            for point_id, (dates, values) in found.items():
                index = bisect.bisect_right(dates, start)
                if index and (index == len(dates) or dates[index] > end):
                    self.steady[point_id] = values[index - 1]
        return self._rates

    def employer_rates(self) -> dict[str, Decimal]:
        if self._employer_rates is None:
            self._employer_rates = _employer_rates(self.run)
        return self._employer_rates

    def checked_run(self) -> int | None:
        """The latest run the checks compare with, when it is also the latest earlier run
        this tax year (``earlier_runs()[0]``); None otherwise."""
        if not self._checked_run_read:
            checked = history.runs_the_checks_compare(self.run)
            earlier = self.earlier_runs()
            if checked and earlier and checked[0] == earlier[0]:
                self._checked_run = checked[0]
            self._checked_run_read = True
        return self._checked_run

    def earlier_runs(self) -> list[int]:
        """The employer's approved runs earlier this tax year, newest first."""
        if self._earlier_runs is None:
            self._earlier_runs = history.earlier_runs(self.run, tax_year=self.run.tax_year)
        return self._earlier_runs


def _rate_on(rates: dict[int, tuple[list[date], list[Decimal]]], point_id: int, day: date) -> Decimal | None:
    found = rates.get(point_id)
    if not found:
        return None
    index = bisect.bisect_right(found[0], day) - 1
    return found[1][index] if index >= 0 else None


def basic_pay(
    employment: Stint,
    versions: Sequence[Terms],
    rates: dict[int, tuple[list[date], list[Decimal]]],
    period: PayPeriod,
    frequency: str,
    whole_period_pay: dict[tuple[Decimal, Decimal], int] | None = None,
) -> tuple[int, list[tuple[str, str]]]:
    """Basic pay for the period: for each stretch of days with the same terms and pay rate,
    annual salary x FTE / periods in the year x (days in the stretch / days in the period),
    counted in calendar or working days as the scheme says. Rounded once, at the end."""
    first = max(period.start, employment.start_date)
    last = min(period.end, employment.end_date or period.end)
    if last < first or not versions:
        return 0, []
    per_year = PERIODS_PER_YEAR[frequency]  # type: ignore[index]
    # Most people: employed all period on terms and a rate that do not change inside it. Then
    # the general sum below has one stretch of every day, which is exactly this.
    version = versions[-1]
    if first == period.start and last == period.end and version.effective_from <= first:
        dates, values = rates.get(version.pay_point_id, ((), ()))
        index = bisect.bisect_right(dates, first)
        if index and (index == len(dates) or dates[index] > last):
            if whole_period_pay is None:
                return to_pence_half_up(values[index - 1] * version.fte / per_year), []
            # The same salary and FTE always give the same pay: worked out once per pair.
            key = (values[index - 1], version.fte)
            pence = whole_period_pay.get(key)
            if pence is None:
                pence = whole_period_pay[key] = to_pence_half_up(key[0] * key[1] / per_year)
            return pence, []
    return prorated_pay(first, last, versions, rates, period, per_year)


def _calendar_days(first: date, last: date) -> int:
    return (last - first).days + 1


def day_counter(proration: str) -> Callable[[date, date], int]:
    """How a scheme counts the days from one date to another, both included, when it prorates
    pay: working days (Monday to Friday) or calendar days."""
    return weekdays_between if proration == Proration.WORKING_DAYS else _calendar_days


def share_of_period(first: date, last: date, period_start: date, period_end: date, proration: str) -> Decimal:
    """The part of a pay period from ``first`` to ``last`` (inside it), counted in the days the
    scheme prorates pay by: what a starter or leaver is paid for, as a fraction of the period."""
    count = day_counter(proration)
    whole = count(period_start, period_end)
    return Decimal(count(first, last)) / whole if whole else Decimal(0)


def prorated_pay(
    first: date,
    last: date,
    versions: Sequence[Terms],
    rates: dict[int, tuple[list[date], list[Decimal]]],
    period: PayPeriod,
    per_year: int,
) -> tuple[int, list[tuple[str, str]]]:
    """Basic pay from ``first`` to ``last`` (inside the period), stretch by stretch."""
    count = day_counter(versions[-1].proration)
    period_days = count(period.start, period.end)
    cuts = {first, last + ONE_DAY}
    for version in versions:
        if first < version.effective_from <= last:
            cuts.add(version.effective_from)
        for when in rates.get(version.pay_point_id, ([], []))[0]:
            if first < when <= last:
                cuts.add(when)
    edges = sorted(cuts)
    starts = [v.effective_from for v in versions]
    total = Decimal(0)
    problems: list[tuple[str, str]] = []
    for begin, after in itertools.pairwise(edges):
        index = bisect.bisect_right(starts, begin) - 1
        if index < 0:
            continue  # no terms yet: nothing to pay
        version = versions[index]
        annual = _rate_on(rates, version.pay_point_id, begin)
        if annual is None:
            problems.append(
                (
                    FlagKind.NO_PAY_RATE,
                    f"No pay rate for {version.scheme} {version.pay_point} on {people_date(begin)}",
                )
            )
            continue
        days = count(begin, after - ONE_DAY)
        total += annual * version.fte * days / (per_year * period_days)
    return to_pence_half_up(total), problems


def gather(
    run: PayRun, employments: Sequence[Stint] | None = None, reads: RunReads | None = None
) -> list[EmployeeInput]:
    """The inputs of ``employments`` (by default every employment in the run). ``reads`` is
    shared by the batches of one calculation."""
    reads = RunReads(run) if reads is None else reads
    period = PayPeriod(run.tax_year, run.period, run.period_start, run.period_end)
    employments = employments_in_run(run) if employments is None else employments
    ids = [e.pk for e in employments]
    if not ids:
        return []
    # The employments of a batch are a stretch of the run's in id order: each query takes their
    # range (on the (partner, employment, …) indexes) and drops the few rows of employments in
    # the range that are not in the batch. A list of thousands of ids would cost more to send
    # and parse than the rows it selects.
    wanted = set(ids)
    between = {"employment_id__gte": min(ids), "employment_id__lte": max(ids)}
    versions: dict[int, list[Terms]] = defaultdict(list)
    for row in (
        EmploymentTerms.objects.for_partner(run.partner_id)
        .filter(**between, effective_from__lte=run.period_end)
        .order_by("employment_id", "effective_from")
        .values_list(*_TERMS_COLUMNS)
    ):
        if row[0] in wanted:
            versions[row[0]].append(Terms(*row))
    rates = reads.rates(t.pay_point_id for vs in versions.values() for t in vs)
    ended = {e.pk for e in employments if e.end_date is not None and e.end_date < run.period_start}
    items = _pay_items(run, wanted, ended)
    # HMRC: a payment to a leaver after their P45 was given is taxed on 0T week 1/month 1.
    p45_given = (
        set(
            P45Issue.objects.for_partner(run.partner_id)
            .filter(employment_id__in=sorted(ended))
            .values_list("employment_id", flat=True)
        )
        if ended
        else set()
    )
    previous = _previous_to_date(run, reads, wanted, between)
    p45 = {
        e: (taxable, tax)
        for e, taxable, tax in StarterYtd.objects.for_partner(run.partner_id)
        .filter(**between, tax_year=run.tax_year)
        .values_list("employment_id", "taxable_pay_to_date", "tax_paid_to_date")
        if e in wanted
    }
    take_on = {
        e: (taxable, tax)
        for e, taxable, tax in TakeOnBalance.objects.for_partner(run.partner_id)
        .filter(**between, tax_year=run.tax_year)
        .values_list("employment_id", "taxable_pay", "tax")
        if e in wanted
    }
    employer_rates = reads.employer_rates()
    whole_period_pay = reads.whole_period_pay
    absent = _statutory_pay(run, employments, versions, rates)
    inputs: list[EmployeeInput] = []
    pay_date = run.pay_date
    steady = reads.steady
    start, end = period.start, period.end
    for employment in employments:
        history = versions.get(employment.pk, [])
        # basic_pay's usual case, inline (a million calls cost seconds): employed all period on
        # terms and a rate that do not change inside it.
        basic = None
        problems: list[tuple[str, str]] = []
        if (
            history
            and employment.start_date <= start
            and (employment.end_date is None or employment.end_date >= end)
            and history[-1].effective_from <= start
        ):
            annual = steady.get(history[-1].pay_point_id)
            if annual is not None:
                key = (annual, history[-1].fte)
                basic = whole_period_pay.get(key)
                if basic is None:
                    basic, _ = basic_pay(employment, history, rates, period, run.frequency, whole_period_pay)
        if basic is None:
            basic, problems = basic_pay(employment, history, rates, period, run.frequency, whole_period_pay)
        lines = items.get(employment.pk, [])
        if employment.pk in absent:
            lines = lines + absent[employment.pk].lines(basic)
            problems.append((FlagKind.STATUTORY_PAY, absent[employment.pk].detail()))
        # Pay and tax to date: the latest payslip here this year; before the first, the previous
        # employer's P45 plus this employment's take-on figures from the payroll joinedup replaced.
        before = previous.get(employment.pk)
        figures_to_date = True
        if before is None:
            earlier, old_payroll = p45.get(employment.pk), take_on.get(employment.pk)
            figures_to_date = earlier is not None or old_payroll is not None
            earlier, old_payroll = earlier or (0, 0), old_payroll or (0, 0)
            before = (earlier[0] + old_payroll[0], earlier[1] + old_payroll[1])
        current = (
            history[-1]
            if history and history[-1].effective_from <= pay_date
            else _terms_on(history, pay_date)
        )
        if current is None:
            record = EmployeeInput(
                employment_id=employment.pk,
                basic_pence=basic,
                problems=problems,
                lines=lines,
                previous_taxable=before[0],
                previous_tax=before[1],
                figures_to_date=figures_to_date,
            )
        else:
            record = EmployeeInput(
                employment_id=employment.pk,
                basic_pence=basic,
                lines=lines,
                tax_code=current.tax_code,
                week1_month1=current.tax_basis == "week1_month1",
                ni_category=current.ni_category,
                loans=_loans(current.student_loan_plans),
                pension_scheme=current.pension_scheme,
                employer_rate=employer_rates.get(current.pension_scheme, Decimal(0)),
                previous_taxable=before[0],
                previous_tax=before[1],
                weekly_hours=current.weekly_hours,
                problems=problems,
                figures_to_date=figures_to_date,
            )
        if employment.pk in p45_given:
            after_leaving(record, run.frequency)
        inputs.append(record)
    return inputs


_REGION_PREFIX = {Region.SCOTLAND: "S", Region.WALES: "C"}


def after_leaving(record: EmployeeInput, frequency: str) -> None:
    """Make ``record`` a payment after leaving, as HMRC's rule for paying an employee after giving
    them a P45 says (GOV.UK 'Employees leaving your business: paying an employee after giving them
    a P45'; Income Tax (PAYE) Regulations 2003 reg. 37): tax on code 0T on a week 1/month 1 basis,
    keeping the Scottish or Welsh prefix (S0T, C0T); NI and student loans on a week's earnings
    period for an irregular payment (accrued holiday pay, a bonus: SSCR 2001 reg. 4(b)(ii),
    NIM08410), or on the usual one when any NI-able addition is part of the regular pattern of pay
    (overtime paid in arrears: reg. 3(5), NIM08400; regular and irregular together count as one
    regular payment). The FPS sets the 'payment after leaving' indicator from it."""
    region = parse_tax_code(record.tax_code).region
    record.tax_code = f"{_REGION_PREFIX.get(region, '')}0T"
    record.week1_month1 = True
    record.after_leaving = True
    regular = any(line.regular and line.ni_able for line in record.lines if line.kind == PayItemKind.ADDITION)
    record.ni_frequency = "" if regular or frequency == PayFrequency.WEEKLY else PayFrequency.WEEKLY


def _terms_on(history: Sequence[Terms], day: date) -> Terms | None:
    """The terms in force on ``day`` (the earliest, for an employment that starts after it)."""
    if not history:
        return None
    if history[-1].effective_from <= day:  # the usual case: nothing dated after the pay date
        return history[-1]
    index = bisect.bisect_right([v.effective_from for v in history], day) - 1
    return history[max(index, 0)]


@functools.cache
def _loans(plans: str) -> frozenset[str]:
    return frozenset(_LOAN_NAMES[p] for p in plans.split(";") if p)


# Sickness this far back can still link into the period (a period of entitlement lasts at most
# three years, SSCBA s.153(2)(c)); maternity pay periods are 39 weeks. Days, a definition.
_ABSENCE_LOOKBACK = timedelta(days=3 * 366)
_STATUTORY_KINDS = (AbsenceKind.SICKNESS, AbsenceKind.MATERNITY)
# Sickness is recorded (not requested); maternity leave is requested and approved.
_STATUTORY_STATUSES = (AbsenceStatus.RECORDED, AbsenceStatus.APPROVED)


@dataclass
class _Absent:
    """Statutory pay owed to one employment for sickness or maternity in the period."""

    ssp: statutory.StatutoryPay | None = None
    smp: statutory.StatutoryPay | None = None

    def lines(self, basic_pence: int) -> list[Line]:
        """The statutory payment, and an equal offset against contractual basic pay (see the
        docstring of ``payroll.statutory``): the employee receives the greater of the two."""
        out: list[Line] = []
        room = basic_pence
        for pay, code, name in (
            (self.ssp, "SSP", "Statutory Sick Pay"),
            (self.smp, "SMP", "Statutory Maternity Pay"),
        ):
            if pay is None or pay.pence <= 0:
                continue
            unit = "qualifying day" if code == "SSP" else "day"
            out.append(
                Line(
                    PayItemKind.ADDITION,
                    code,
                    f"{name} ({pay.days} {unit}{'s' * (pay.days != 1)})",
                    pay.pence,
                )
            )
            offset = min(pay.pence, max(room, 0))
            room -= offset
            if offset:
                out.append(
                    Line(
                        PayItemKind.ADDITION, f"{code}-OFFSET", f"{code} included in contractual pay", -offset
                    )
                )
        return out

    def detail(self) -> str:
        parts = []
        for pay, what, code in ((self.ssp, "Sickness", "SSP"), (self.smp, "Maternity leave", "SMP")):
            if pay is not None:
                why = f" ({pay.reason})" if pay.reason else ""
                parts.append(f"{what} {pay.absent_days} days: {code} {gbp(pay.pence)}{why}.")
        parts.append("Occupational sick/maternity pay is not modelled: basic pay is unchanged; confirm it.")
        return " ".join(parts)


def _statutory_pay(
    run: PayRun,
    employments: Sequence[Stint],
    versions: dict[int, list[Terms]],
    rates: dict[int, tuple[list[date], list[Decimal]]],
) -> dict[int, _Absent]:
    """SSP and SMP for the employments of the batch with sickness or maternity leave in the period.
    One query for the batch's absences, one (per 5,000 absent) for their earlier pay (average weekly
    earnings), plain rows only; the arithmetic is ``payroll.statutory``'s."""
    if not employments:
        return {}
    stints = {e.pk: e for e in employments}
    spells: dict[int, dict[str, list[tuple[date, date]]]] = defaultdict(lambda: defaultdict(list))
    for employment_id, kind, start, end in (
        Absence.objects.for_partner(run.partner_id)
        .filter(kind__in=_STATUTORY_KINDS, status__in=_STATUTORY_STATUSES)
        .filter(start_date__lte=run.period_end, end_date__gte=run.period_start - _ABSENCE_LOOKBACK)
        # A batch is a run of employment ids in order: their range, not a list of ids, keeps the
        # query small and on the (partner, employment, start_date) index.
        .filter(employment_id__gte=min(stints), employment_id__lte=max(stints))
        .values_list("employment_id", "kind", "start_date", "end_date")
    ):
        stint = stints.get(employment_id)
        if stint is None:
            continue
        # Only days of the employment count: none are paid before it starts or after it ends.
        start, end = max(start, stint.start_date), min(end, stint.end_date or end)
        if start <= end:
            spells[employment_id][kind].append((start, end))
    absent = {
        e: kinds
        for e, kinds in spells.items()
        if any(s <= run.period_end and end >= run.period_start for v in kinds.values() for s, end in v)
    }
    if not absent:
        return {}
    earliest = min(s for kinds in absent.values() for v in kinds.values() for s, _ in v)
    paid: dict[int, list[tuple[date, int]]] = defaultdict(list)
    wanted = list(absent)
    for chunk_start in range(0, len(wanted), 5000):
        for employment_id, pay_date, gross in (
            Payslip.objects.for_partner(run.partner_id)
            .filter(employment_id__in=wanted[chunk_start : chunk_start + 5000])
            .filter(run__status__in=[RunStatus.APPROVED, RunStatus.PAID])
            .filter(run__pay_date__gte=earliest - timedelta(weeks=13), run__pay_date__lt=run.period_end)
            .values_list("employment_id", "run__pay_date", "gross_pay")
        ):
            paid[employment_id].append((pay_date, gross))
    monthly = run.frequency == PayFrequency.MONTHLY
    found: dict[int, _Absent] = {}
    for employment_id, kinds in absent.items():
        history = versions.get(employment_id, [])

        def earnings_on(
            day: date, employment_id: int = employment_id, history: list[Terms] = history
        ) -> Decimal:
            return statutory.average_weekly_earnings(
                paid.get(employment_id, []),
                day,
                monthly=monthly,
                contractual_weekly=_contractual_weekly(history, rates, day),
            )

        record = _Absent()
        sick = kinds.get(AbsenceKind.SICKNESS, [])
        if any(s <= run.period_end and end >= run.period_start for s, end in sick):
            record.ssp = statutory.ssp_for_period(
                spells=sick, period_start=run.period_start, period_end=run.period_end, earnings_on=earnings_on
            )
        maternity = [
            (s, end)
            for s, end in statutory.merge_spells(kinds.get(AbsenceKind.MATERNITY, []))
            if s <= run.period_end and end >= run.period_start
        ]
        for s, end in maternity[:1]:  # one maternity pay period at a time
            record.smp = statutory.smp_for_period(
                pay_period_start=s,
                leave_end=end,
                period_start=run.period_start,
                period_end=run.period_end,
                awe=earnings_on(s),
            )
        found[employment_id] = record
    return found


def _contractual_weekly(
    history: Sequence[Terms], rates: dict[int, tuple[list[date], list[Decimal]]], day: date
) -> Decimal:
    """Contractual weekly pay on ``day`` (annual salary x FTE / 52), for average weekly earnings
    when there are not 8 weeks of pay to look at."""
    if not history:
        return Decimal(0)
    index = bisect.bisect_right([v.effective_from for v in history], day) - 1
    version = history[max(index, 0)]
    annual = _rate_on(rates, version.pay_point_id, max(day, version.effective_from))
    return statutory.contractual_weekly_pay(annual or Decimal(0), version.fte)


def _pay_items(run: PayRun, wanted: set[int], ended: Collection[int] = ()) -> dict[int, list[Line]]:
    """The pay items of the period by employment. For an employment that ended before the period,
    only those dated in it: its recurring items stopped when it ended."""
    found: dict[int, list[Line]] = defaultdict(list)
    items = (
        PayItem.objects.for_partner(run.partner_id)
        .filter(employment_id__gte=min(wanted), employment_id__lte=max(wanted))
        .filter(start_date__lte=run.period_end)
        .exclude(end_date__lt=run.period_start)
    )
    awards: list[tuple[PayItem, Line]] = []
    for item in items.order_by("employment_id", "kind", "code"):
        if item.employment_id not in wanted:
            continue
        if item.employment_id in ended and item.start_date < run.period_start:
            continue
        line = Line(item.kind, item.code, item.description, to_pence_half_up(item.amount), item.pensionable)
        line.regular = item.regular
        if item.treatment == PayItemTreatment.TERMINATION_AWARD:
            awards.append((item, line))
        found[item.employment_id].append(line)
    if awards:
        _split_awards(run, awards)
    return found


def _split_awards(run: PayRun, awards: list[tuple[PayItem, Line]]) -> None:
    """Set the tax-free part of each termination award in the period: what is left of the
    threshold after the employment's earlier awards (ITEPA 2003 s.404: payments for the same
    termination count together, the earlier first), in date then id order."""
    used: dict[int, int] = defaultdict(int)
    for employment_id, amount in (
        PayItem.objects.for_partner(run.partner_id)
        .filter(employment_id__in={item.employment_id for item, _ in awards})
        .filter(treatment=PayItemTreatment.TERMINATION_AWARD, start_date__lt=run.period_start)
        .values_list("employment_id", "amount")
    ):
        used[employment_id] += to_pence_half_up(amount)
    for item, line in sorted(
        awards, key=lambda pair: (pair[0].employment_id, pair[0].start_date, pair[0].pk)
    ):
        split = termination.split_award(
            line.pence, threshold_used=used[item.employment_id], paid_on=run.pay_date
        )
        used[item.employment_id] += line.pence
        line.tax_free_pence = split.tax_free
        line.ni_able = split.ni_able == line.pence
        line.class1a_pence = split.taxable


def _previous_to_date(
    run: PayRun, reads: RunReads, wanted: set[int], between: dict[str, int]
) -> dict[int, tuple[int, int]]:
    """Taxable pay and tax to date from each employment's latest payslip in the approved runs
    earlier this tax year (of any frequency: someone moved from weekly to monthly pay keeps
    their figures); and into ``reads.last_payslips``, net pay and tax code of those paid in the
    run the checks before approval compare with, when it is the same latest run."""
    checked = reads.checked_run()
    columns: tuple[str, ...] = ("taxable_pay_to_date", "tax_paid_to_date")
    if checked is not None:
        columns += ("run_id", "net_pay", "tax_code")
    found = history.latest_figures(run, reads.earlier_runs(), wanted, columns, between=between)
    if checked is not None:
        reads.last_payslips.update(
            (e, (int(figures[3]), str(figures[4]))) for e, figures in found.items() if figures[2] == checked
        )
    return {e: (int(figures[0]), int(figures[1])) for e, figures in found.items()}


def _employer_rates(run: PayRun) -> dict[str, Decimal]:
    rates: dict[str, Decimal] = {}
    for scheme, rate in (
        EmployerPensionRate.objects.for_partner(run.partner_id)
        .filter(effective_from__lte=run.pay_date)
        .order_by("pension_scheme", "effective_from")
        .values_list("pension_scheme", "rate_percent")
    ):
        rates[scheme] = rate  # later dates overwrite earlier ones
    return rates


# --- calculating -----------------------------------------------------------------------------


# The engine's figures stored on the payslip as they are.
_ENGINE_FIGURES = ENGINE_FIGURES


@dataclass
class CalculatedBatch:
    """A batch's payslips as columns (``Payslip`` field attnames to one value per employment, in
    the order of ``employment_ids``) and the extra lines of those that have any. Plain lists, not
    model instances: building a million ``Payslip`` objects costs more than calculating them."""

    employment_ids: list[int]
    columns: dict[str, list[object]]
    lines: dict[int, list[Line]]

    def __len__(self) -> int:
        return len(self.employment_ids)

    def payslip(self, index: int) -> dict[str, object]:
        """One payslip's fields by attname (for checks and tests)."""
        return {name: values[index] for name, values in self.columns.items()}


def calculate_batch(run: PayRun, inputs: Sequence[EmployeeInput]) -> CalculatedBatch:
    if not inputs:
        return CalculatedBatch([], {}, {})
    rules = load_rules(run.tax_year)
    letters = compile_tables(rules).ni_letters
    n = len(inputs)
    # Each attribute read once into a list (reused for the payslip's columns), and each distinct
    # value (tax code, letter, scheme, loans, pension rate) looked up once: most people share them.
    tax_codes = [r.tax_code for r in inputs]
    codes: dict[str, int] = {}
    code_list: list[TaxCode] = []
    for tax_code in tax_codes:
        if tax_code not in codes:
            codes[tax_code] = len(code_list)
            code_list.append(parse_tax_code(tax_code))
    letters_of = [r.ni_category for r in inputs]
    schemes_of = [r.pension_scheme for r in inputs]
    week1 = [r.week1_month1 for r in inputs]
    letter_index = {letter: letters.index(letter) for letter in set(letters_of)}
    scheme_index = {scheme: SCHEMES.index(scheme) for scheme in set(schemes_of)}
    loans_of = [r.loans for r in inputs]
    loan_masks = {loans: _loan_mask(loans) for loans in set(loans_of)}
    rates_of = [r.employer_rate for r in inputs]
    rate_ppm = {rate: int(rate * 10_000) for rate in set(rates_of)}
    basic = np.array([r.basic_pence for r in inputs], dtype=np.int64)
    # Only the few with extra lines have additions, deductions or pensionable pay beyond basic.
    additions = np.zeros(n, dtype=np.int64)
    deductions = np.zeros(n, dtype=np.int64)
    pensionable = basic.copy()
    # A termination award is paid in full but taxed only above the threshold and never NI-able:
    # the engine sees pay subject to tax and NI-able pay; the tax-free part joins net pay after.
    untaxed = np.zeros(n, dtype=np.int64)
    not_ni_able = np.zeros(n, dtype=np.int64)
    # The employer's Class 1A on termination awards (termination.class1a_pence), per payslip.
    class1a = [0] * n
    for i, record in enumerate(inputs):
        if record.lines:
            additions[i] = record.additions
            deductions[i] = record.deductions
            pensionable[i] = record.pensionable
            untaxed[i] = record.untaxed
            not_ni_able[i] = record.not_ni_able
            liable = record.class1a_liable
            if liable:
                class1a[i] = termination.class1a_pence(liable, paid_on=run.pay_date)
    # Payments after leaving outside the regular pattern have their own NI earnings period.
    ni_frequencies = [r.ni_frequency for r in inputs]
    ni_frequency = (
        np.array(
            [FREQUENCIES.index(ENGINE_FREQUENCY[f or run.frequency]) for f in ni_frequencies], dtype=np.int64
        )
        if any(ni_frequencies)
        else None
    )
    gross = basic + additions
    ni_pay = gross - not_ni_able
    batch = Batch(
        rules=rules,
        codes=tuple(code_list),
        code_index=np.array([codes[c] for c in tax_codes], dtype=np.int64),
        frequency=np.full(n, FREQUENCIES.index(ENGINE_FREQUENCY[run.frequency]), dtype=np.int64),
        period=np.full(n, run.period, dtype=np.int64),
        week1_month1=np.array(week1, dtype=np.bool_),
        gross=gross - untaxed,
        previous_taxable=np.array([r.previous_taxable for r in inputs], dtype=np.int64),
        previous_tax=np.array([r.previous_tax for r in inputs], dtype=np.int64),
        ni_category=np.array([letter_index[x] for x in letters_of], dtype=np.int64),
        ni_pay=ni_pay,
        loans=np.array([loan_masks[x] for x in loans_of], dtype=np.int64),
        scheme=np.array([scheme_index[x] for x in schemes_of], dtype=np.int64),
        pensionable=pensionable,
        employer_rate_ppm=np.array([rate_ppm[x] for x in rates_of], dtype=np.int64),
        ni_frequency=ni_frequency,
    )
    result = calculate(batch)
    # Python ints from whole arrays at once (``tolist``): indexing a NumPy array element by
    # element costs more than the engine's whole calculation.
    gross_list = gross.tolist()
    columns: dict[str, list[Any]] = {
        "partner_id": [run.partner_id] * n,
        "run_id": [run.pk] * n,
        "employment_id": [r.employment_id for r in inputs],
        "tax_code": tax_codes,
        "week1_month1": week1,
        "ni_category": letters_of,
        "pension_scheme": schemes_of,
        "basic_pay": basic.tolist(),
        "additions": additions.tolist(),
        "gross_pay": gross_list,
        "pensionable_pay": batch.pensionable.tolist(),
        **{name: getattr(result, name).tolist() for name in _ENGINE_FIGURES},
        "ni_pay": ni_pay.tolist(),
        "ni_class1a": class1a,
        "deductions_after_tax": deductions.tolist(),
        "net_pay": (result.net_pay + untaxed - deductions).tolist(),
        "after_leaving": [r.after_leaving for r in inputs],
        "ni_frequency": ni_frequencies,
    }
    lines = {r.employment_id: r.lines for r in inputs if r.lines}
    return CalculatedBatch([r.employment_id for r in inputs], columns, lines)


def _loan_mask(loans: frozenset[str]) -> int:
    mask = 0
    for name in loans:
        mask |= LOAN_BITS[name]
    return mask


def write_batch(run: PayRun, calculated: CalculatedBatch, employment_ids: list[int]) -> None:
    """Replace the run's payslips for these employments. Call inside a transaction.

    A batch is a stretch of the run's employments in id order, so "these employments" is every
    payslip of the run whose employment id lies between the batch's first and last: a range
    that PostgreSQL and SQLite answer from the payslip's unique index, where a list of 5,000 ids
    costs more to send and parse than the delete itself. The payslips go in with PostgreSQL's
    ``COPY`` (psycopg 3), or on SQLite one ``executemany`` of a plain INSERT — Django's
    ``bulk_create`` spends most of its time compiling each value. Ids are read back only for
    payslips with extra lines."""
    if not employment_ids:
        return
    low, high = min(employment_ids), max(employment_ids)
    run_slips = Payslip.objects.for_partner(run.partner_id).filter(
        run=run, employment_id__gte=low, employment_id__lte=high
    )
    # Lines first, then payslips, each one DELETE statement: Django's delete() would first load
    # every payslip to cascade by hand.
    PayslipLine.objects.for_partner(run.partner_id).filter(payslip__in=run_slips.values("pk"))._raw_delete(
        connection.alias
    )
    run_slips._raw_delete(connection.alias)
    if not len(calculated):
        return
    fields = [f for f in Payslip._meta.concrete_fields if not f.primary_key]
    columns = [calculated.columns[f.attname] for f in fields]
    quote = connection.ops.quote_name
    table = quote(Payslip._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and rls.enforced():
            # PostgreSQL refuses COPY into a table under row-level security: copy into a
            # session's staging table instead, then one INSERT that the policy checks.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS payslip_staging ON COMMIT DELETE ROWS "  # noqa: S608
                f"AS SELECT {names} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY payslip_staging ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM payslip_staging")  # noqa: S608
            cursor.execute("TRUNCATE payslip_staging")
        elif connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        else:
            rows = list(zip(*columns, strict=True))
            # Table and column names come from the model's metadata, quoted; values are bound.
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for start in range(0, len(rows), _INSERT_CHUNK):
                cursor.executemany(sql, rows[start : start + _INSERT_CHUNK])
    if not calculated.lines:
        return
    with_lines = list(calculated.lines)
    ids: dict[int, int] = {}
    for start in range(0, len(with_lines), _INSERT_CHUNK):
        ids.update(
            Payslip.objects.for_partner(run.partner_id)
            .filter(run=run, employment_id__in=with_lines[start : start + _INSERT_CHUNK])
            .values_list("employment_id", "pk")
        )
    PayslipLine.objects.bulk_create(
        [
            PayslipLine(
                partner_id=run.partner_id,
                payslip_id=ids[employment_id],
                kind=line.kind,
                code=line.code,
                description=line.description,
                amount=line.pence,
            )
            for employment_id, extra in calculated.lines.items()
            for line in extra
        ],
        batch_size=2000,
    )


def problems_by_employment(inputs: Iterable[EmployeeInput]) -> dict[int, list[tuple[str, str]]]:
    return {r.employment_id: r.problems for r in inputs if r.problems}
