"""Statutory Sick Pay and Statutory Maternity Pay for a pay period: pure functions (``Decimal``
pounds in, integer pence out; no ORM, no I/O beyond reading the rule file once).

The figures and the rules that change with the tax year (the weekly rates, waiting days, the
lower-earnings-limit test, the 80% cap of the Employment Rights Act 2025) are in
``rules/statutory_payments.toml``, each with its source; the National Insurance Lower Earnings
Limit comes from the engine's rule file for the year. What is fixed here is the shape of the law:

* SSP (SSCBA 1992 Part XI): days of sickness form periods of incapacity for work (PIWs); PIWs
  separated by ``linking_days`` or fewer link into one period of entitlement, whose first day
  is the relevant date for average weekly earnings; SSP is due only for qualifying days (the days
  the employee normally works — Monday to Friday unless told otherwise), after any waiting days,
  for at most ``max_weeks`` weeks' worth of qualifying days.
* SMP (SSCBA 1992 Part XII): a 39-week maternity pay period from its first day; weeks run from
  that day; the first six at 90% of average weekly earnings, the rest at the lower of the flat
  rate and 90%; nothing if average weekly earnings are below the LEL.

Treatment in pay runs (see ``calculation.gather``): ``people.Absence`` records no occupational
sick or maternity pay (full, half or nil pay), so joinedup cannot know what the contract pays for
those days. Two readings were possible: pay statutory pay only (cut basic pay for the days), or
keep contractual basic pay and count the statutory payment within it. The second is the safer
default for public bodies: NJC, PSC, Grey Book and Agenda for Change schemes all pay full pay
inclusive of SSP for the first months of sickness and enhanced maternity pay for the first weeks,
so cutting pay would underpay almost everyone, and an underpayment lands on the employee while an
overpayment is visible to payroll and recoverable. So basic pay is left as it is, the statutory
payment is shown as its own line (it must be, for records and RTI) with an equal offset line
("included in contractual pay"), and the employee receives the greater of the two. Every
employment with sickness or maternity days in the period is flagged for a payroll officer to
confirm the occupational pay before approval. Occupational sick and maternity pay schemes
themselves (e.g. NJC: up to six months' full and six months' half pay after five years) are not
modelled.

Rounding (HMRC, as GOV.UK's own calculators apply it; sources in the rule file):
SSP daily rate = weekly rate / qualifying days in the Sunday-to-Saturday week (SSCBA s.157(3)),
cut to 4 decimal places like HMRC's "unrounded daily rates"; each SSP week's total rounded up to
the penny. SMP for a week or part week = weekly rate x days / 7, rounded up to the penny (SMP
(General) Regulations 1986 reg. 28). Average weekly earnings are never rounded.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from joinedup.core.calendar import tax_year_start
from joinedup.core.money import pence_to_pounds, pounds_to_pence, round_up_to_penny
from joinedup.payroll.engine import load_rules

RULES_FILE = Path(__file__).parent / "rules" / "statutory_payments.toml"
MONDAY_TO_FRIDAY = frozenset(range(5))  # date.weekday(): Monday 0 … Sunday 6
ONE_DAY = timedelta(days=1)
DAYS_IN_WEEK = 7  # a definition
WEEKS_IN_YEAR = 52  # a definition (annual salary to a week)
MONTHS_IN_YEAR = 12  # a definition
RELEVANT_PERIOD = timedelta(weeks=8)  # SSCBA s.163(4) / SMP regs reg. 21(3): the 8-week relevant period
_PENNY = Decimal("0.01")
_HMRC_DAILY_PLACES = Decimal("0.0001")
_HUNDRED = Decimal(100)


class StatutoryRulesError(ValueError):
    """The statutory payments rule file is missing a figure, or one is mistyped."""


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SspRules:
    weekly_rate: Decimal
    waiting_days: int
    piw_min_days: int
    lower_earnings_limit_applies: bool
    earnings_percent: Decimal | None  # None: the flat rate only
    linking_days: int
    max_weeks: int


@dataclass(frozen=True, slots=True)
class SmpRules:
    weekly_rate: Decimal
    earnings_percent: Decimal
    higher_rate_weeks: int
    weeks: int
    daily_divisor: int


@dataclass(frozen=True, slots=True)
class StatutoryYear:
    tax_year: str
    first_day: date
    lower_earnings_limit: Decimal  # weekly, from the engine's rule file
    ssp: SspRules
    smp: SmpRules
    unconfirmed: tuple[str, ...]


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.unconfirmed: list[str] = []

    def fail(self, key: str, problem: str) -> StatutoryRulesError:
        return StatutoryRulesError(f"{self.name}: {key}: {problem}")

    def figure(self, parent: Mapping[str, Any], name: str, key: str) -> Any:
        table = parent.get(name)
        if not isinstance(table, dict):
            raise self.fail(key, "missing table" if table is None else "expected a table")
        source = table.get("source")
        if not isinstance(source, str) or not source.strip():
            raise self.fail(f"{key}.source", "every figure needs a source")
        if table.get("unconfirmed", False) is not False:
            note = table.get("note")
            if table["unconfirmed"] is not True or not isinstance(note, str) or not note.strip():
                raise self.fail(f"{key}.unconfirmed", "true (with a note saying why) or false")
            self.unconfirmed.append(f"{key}: {note}")
        if "value" not in table:
            raise self.fail(f"{key}.value", "missing")
        return table["value"]

    def money(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal:
        value = self.figure(parent, name, key)
        if not isinstance(value, str):
            raise self.fail(f"{key}.value", f"expected a string of pounds, got {value!r}")
        try:
            amount = Decimal(value)
        except ArithmeticError:
            raise self.fail(f"{key}.value", f"not a number: {value!r}") from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(_PENNY):
            raise self.fail(f"{key}.value", f"expected whole pence, got {value!r}")
        return amount

    def count(self, parent: Mapping[str, Any], name: str, key: str, *, least: int = 0) -> int:
        value = self.figure(parent, name, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise self.fail(f"{key}.value", f"expected a whole number of at least {least}, got {value!r}")
        return int(value)

    def flag(self, parent: Mapping[str, Any], name: str, key: str) -> bool:
        value = self.figure(parent, name, key)
        if not isinstance(value, bool):
            raise self.fail(f"{key}.value", f"expected true or false, got {value!r}")
        return value

    def percent(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal:
        value = self.figure(parent, name, key)
        return self._percent(value, key, "a string percentage")

    def percent_or_none(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal | None:
        value = self.figure(parent, name, key)
        return None if value is False else self._percent(value, key, "a string percentage or false")

    def _percent(self, value: Any, key: str, wanted: str) -> Decimal:
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or not 0 < number <= _HUNDRED:
            raise self.fail(f"{key}.value", f"expected {wanted}, got {value!r}")
        return number

    def year(self, entry: Any, key: str) -> StatutoryYear:
        if not isinstance(entry, dict):
            raise self.fail(key, "expected a table")
        self.unconfirmed = []
        label = entry.get("tax_year")
        first_day = entry.get("first_day")
        if not isinstance(label, str) or len(label) != 7 or not label[:4].isdigit():
            raise self.fail(f"{key}.tax_year", f"expected YYYY-YY, got {label!r}")
        start = int(label[:4])
        if not isinstance(first_day, date) or first_day != tax_year_start(start):
            raise self.fail(f"{key}.first_day", f"expected {start}-04-06 (a TOML date), got {first_day!r}")
        ssp_table = entry.get("ssp")
        smp_table = entry.get("smp")
        if not isinstance(ssp_table, dict):
            raise self.fail(f"{key}.ssp", "missing table")
        if not isinstance(smp_table, dict):
            raise self.fail(f"{key}.smp", "missing table")
        s, m = f"{key}.ssp", f"{key}.smp"
        ssp = SspRules(
            weekly_rate=self.money(ssp_table, "weekly_rate", f"{s}.weekly_rate"),
            waiting_days=self.count(ssp_table, "waiting_days", f"{s}.waiting_days"),
            piw_min_days=self.count(ssp_table, "piw_min_days", f"{s}.piw_min_days", least=1),
            lower_earnings_limit_applies=self.flag(
                ssp_table, "lower_earnings_limit_applies", f"{s}.lower_earnings_limit_applies"
            ),
            earnings_percent=self.percent_or_none(ssp_table, "earnings_percent", f"{s}.earnings_percent"),
            linking_days=self.count(ssp_table, "linking_days", f"{s}.linking_days"),
            max_weeks=self.count(ssp_table, "max_weeks", f"{s}.max_weeks", least=1),
        )
        smp = SmpRules(
            weekly_rate=self.money(smp_table, "weekly_rate", f"{m}.weekly_rate"),
            earnings_percent=self.percent(smp_table, "earnings_percent", f"{m}.earnings_percent"),
            higher_rate_weeks=self.count(smp_table, "higher_rate_weeks", f"{m}.higher_rate_weeks"),
            weeks=self.count(smp_table, "weeks", f"{m}.weeks", least=1),
            daily_divisor=self.count(smp_table, "daily_divisor", f"{m}.daily_divisor", least=1),
        )
        # The LEL is the engine's figure for the same tax year: one place to change it.
        lel = load_rules(start).national_insurance.thresholds["LEL"].weekly
        return StatutoryYear(label, first_day, lel, ssp, smp, tuple(self.unconfirmed))


def load_statutory_rules(path: Path = RULES_FILE) -> tuple[StatutoryYear, ...]:
    """Parse and validate the rule file (uncached; tests use it on broken copies)."""
    reader = _Reader(path.name)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise StatutoryRulesError(f"{path.name}: cannot read: {error}") from error
    entries = data.get("years")
    if not isinstance(entries, list) or not entries:
        raise reader.fail("years", "expected one or more [[years]] tables")
    years = sorted(
        (reader.year(entry, f"years[{i}]") for i, entry in enumerate(entries)), key=lambda y: y.first_day
    )
    for before, after in itertools.pairwise(years):
        if before.first_day == after.first_day:
            raise reader.fail("years", f"two sets for {after.tax_year}")
    return tuple(years)


@functools.cache
def _years() -> tuple[StatutoryYear, ...]:
    return load_statutory_rules()


def rules_on(day: date) -> StatutoryYear:
    """The set in force on ``day``. A day before the first set is judged by the first set: such
    days are only ever counted (for linking and the 28-week maximum), never paid now."""
    years = _years()
    chosen = years[0]
    for year in years:
        if year.first_day <= day:
            chosen = year
    return chosen


RulesOn = Callable[[date], StatutoryYear]


# --- rounding ---------------------------------------------------------------------------------


def round_up_to_pence(pounds: Decimal) -> int:
    """Pence, any fraction of a penny rounded up (SMP (General) Regs 1986 reg. 28; GOV.UK's SSP
    calculator rounds each week's SSP the same way)."""
    return pounds_to_pence(round_up_to_penny(pounds))


def ssp_daily_rate(weekly: Decimal, qualifying_days_in_week: int) -> Decimal:
    """SSCBA s.157(3): the weekly rate over the week's qualifying days, cut (not rounded) to the
    4 decimal places of HMRC's table of unrounded daily rates."""
    return (weekly / qualifying_days_in_week).quantize(_HMRC_DAILY_PLACES, rounding=ROUND_DOWN)


def _week_start(day: date) -> date:
    """The Sunday that begins ``day``'s SSP week (SSCBA s.157(3): 'the week (beginning with Sunday)')."""
    return day - timedelta(days=(day.weekday() + 1) % DAYS_IN_WEEK)


# --- average weekly earnings ------------------------------------------------------------------


def average_weekly_earnings(
    payments: Iterable[tuple[date, int]],
    relevant_date: date,
    *,
    monthly: bool,
    contractual_weekly: Decimal,
) -> Decimal:
    """Average weekly earnings for the relevant period before ``relevant_date`` (SSCBA s.163(2);
    GOV.UK 'Statutory Sick Pay: manually calculate', 'Statutory Maternity Pay: manually
    calculate'): the gross pay (pence) paid after the last pay day at least 8 weeks before the
    last pay day before the relevant date, up to and including that pay day; monthly pay as
    total x 12 / 52 / months, other frequencies as total / weeks covered. With less than 8
    weeks of pay to look at (a new starter), the contractual weekly pay — HMRC's rule for an
    employee who falls sick before being paid 8 weeks' earnings."""
    paydays: dict[date, int] = defaultdict(int)
    for paid_on, pence in payments:
        if paid_on < relevant_date:
            paydays[paid_on] += pence
    if not paydays:
        return contractual_weekly
    end = max(paydays)
    earlier = [d for d in paydays if d <= end - RELEVANT_PERIOD]
    if not earlier:
        return contractual_weekly
    start = max(earlier)
    included = [pence for d, pence in paydays.items() if start < d <= end]
    total = pence_to_pounds(sum(included))
    if monthly:
        return total * MONTHS_IN_YEAR / (WEEKS_IN_YEAR * len(included))
    return total * DAYS_IN_WEEK / (end - start).days


def contractual_weekly_pay(annual_salary: Decimal, fte: Decimal) -> Decimal:
    return annual_salary * fte / WEEKS_IN_YEAR


# --- SSP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatutoryPay:
    pence: int  # payable in the pay period
    days: int  # days paid in the pay period (qualifying days for SSP, calendar days for SMP)
    absent_days: int  # days of this absence inside the pay period (whether paid or not)
    reason: str = ""  # why nothing or less is payable, for the payroll officer


def merge_spells(spells: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Merge spells that overlap or touch into continuous runs of days."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spells):
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def linked_periods(
    spells: Iterable[tuple[date, date]], rules: RulesOn = rules_on
) -> list[list[tuple[date, date]]]:
    """Periods of incapacity for work grouped into periods of entitlement. A run of sick days is
    a PIW if it is long enough under the rules on its first day (4 days before 6 April 2026, SSCBA
    s.152(2); 1 day from then, ERA 2025 s.10(3)); PIWs with ``linking_days`` (56) or fewer days
    between them link (SSCBA s.152(3))."""
    series: list[list[tuple[date, date]]] = []
    for start, end in merge_spells(spells):
        year = rules(start)
        if (end - start).days + 1 < year.ssp.piw_min_days:
            continue  # not a PIW: no SSP, and it links nothing
        if series and (start - series[-1][-1][1]).days - 1 <= year.ssp.linking_days:
            series[-1].append((start, end))
        else:
            series.append([(start, end)])
    return series


def ssp_for_period(
    *,
    spells: Iterable[tuple[date, date]],
    period_start: date,
    period_end: date,
    earnings_on: Callable[[date], Decimal],
    qualifying_days: frozenset[int] = MONDAY_TO_FRIDAY,
    rules: RulesOn = rules_on,
) -> StatutoryPay:
    """SSP due for the days of ``period_start``..``period_end``, given every spell of sickness the
    employee has had (earlier ones decide linking, waiting days served and the 28-week maximum).
    ``earnings_on(relevant_date)`` gives average weekly earnings for a period of entitlement that
    begins on that date."""
    if not qualifying_days:
        raise ValueError("an employee has at least one qualifying day a week (SSCBA s.154)")
    per_week = len(qualifying_days)
    by_week: dict[date, Decimal] = defaultdict(Decimal)
    spells = list(spells)
    days_paid = 0
    # Every day of sickness in the pay period, a PIW or not (for the payroll officer's flag).
    absent = sum(
        max(0, (min(end, period_end) - max(start, period_start)).days + 1)
        for start, end in merge_spells(spells)
    )
    reasons: list[str] = []
    for periods in linked_periods(spells, rules):
        if periods[0][0] > period_end:
            break
        if periods[-1][1] < period_start:
            continue
        relevant = periods[0][0]
        awe = earnings_on(relevant)
        lel = rules(relevant).lower_earnings_limit
        waiting_served = 0
        paid = 0
        for start, end in periods:
            day = start
            while day <= min(end, period_end):
                inside = day >= period_start
                if day.weekday() in qualifying_days:
                    year = rules(day)
                    ssp = year.ssp
                    cap = ssp.max_weeks * per_week
                    if waiting_served < ssp.waiting_days:
                        # SSCBA s.155(1), until 6 April 2026: the first 3 qualifying days are unpaid.
                        waiting_served += 1
                        if inside:
                            reasons.append("waiting day")
                    elif ssp.lower_earnings_limit_applies and awe < lel:
                        # SSCBA Sch. 11 para. 2(c), until 6 April 2026: below the LEL, no SSP.
                        if inside:
                            reasons.append(f"average weekly earnings £{awe:.2f} below the LEL £{lel}")
                    elif paid >= cap:
                        # SSCBA s.155(4): 28 weeks' SSP in a period of entitlement at most.
                        if inside:
                            reasons.append("28 weeks of SSP already paid")
                    else:
                        weekly = ssp.weekly_rate
                        if ssp.earnings_percent is not None:
                            # ERA 2025, from 6 April 2026: the lower of the flat rate and 80% of earnings.
                            weekly = min(weekly, awe * ssp.earnings_percent / _HUNDRED)
                        paid += 1
                        if inside:
                            by_week[_week_start(day)] += ssp_daily_rate(weekly, per_week)
                            days_paid += 1
                day += ONE_DAY
    pence = sum(round_up_to_pence(amount) for amount in by_week.values())
    return StatutoryPay(pence, days_paid, absent, "; ".join(dict.fromkeys(reasons)))


# --- SMP --------------------------------------------------------------------------------------


def smp_for_period(
    *,
    pay_period_start: date,
    leave_end: date,
    period_start: date,
    period_end: date,
    awe: Decimal,
    rules: RulesOn = rules_on,
) -> StatutoryPay:
    """SMP due for the days of ``period_start``..``period_end`` of a maternity pay period that
    begins on ``pay_period_start`` (its weeks run from that day) and is cut short by the end of
    the leave on ``leave_end``. Qualifying conditions other than earnings (26 weeks' continuous
    service into the qualifying week, notice, the MATB1) are taken as met: HR records them."""
    year = rules(pay_period_start)
    smp = year.smp
    absent_first = max(pay_period_start, period_start)
    absent_last = min(leave_end, period_end)
    absent = max(0, (absent_last - absent_first).days + 1)
    if awe < year.lower_earnings_limit:
        # SSCBA s.164(2)(b): average weekly earnings below the LEL, no SMP.
        return StatutoryPay(
            0, 0, absent, f"average weekly earnings £{awe:.2f} below the LEL £{year.lower_earnings_limit}"
        )
    earnings_rate = awe * smp.earnings_percent / _HUNDRED
    last_day = min(leave_end, pay_period_start + timedelta(weeks=smp.weeks) - ONE_DAY)
    pence = 0
    days = 0
    for week in range(smp.weeks):
        week_start = pay_period_start + timedelta(weeks=week)
        first = max(week_start, period_start)
        last = min(week_start + timedelta(days=DAYS_IN_WEEK - 1), period_end, last_day)
        if last < first:
            continue
        if week < smp.higher_rate_weeks:
            weekly = earnings_rate  # SSCBA s.166(1)(a): 90% for the first 6 weeks
        else:
            # s.166(1)(b): the lower of the flat rate in force for the week and 90%.
            weekly = min(rules(week_start).smp.weekly_rate, earnings_rate)
        n = (last - first).days + 1
        # A part week at one-seventh of the weekly rate a day; a fraction of a penny rounds up (reg. 28).
        pence += round_up_to_pence(weekly * n / smp.daily_divisor)
        days += n
    return StatutoryPay(
        pence, days, absent, "" if days or not absent else "the 39-week maternity pay period has ended"
    )


def statutory_rules_unconfirmed() -> Sequence[str]:
    """Every figure the rule file marks unconfirmed, with its note (for a status page or check)."""
    return [f"{year.tax_year} {item}" for year in _years() for item in year.unconfirmed]
