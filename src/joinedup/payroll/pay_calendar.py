"""A pay calendar: an employer's pay dates and cut-offs for changes in a tax year, from its rule.

Pure (contract "paycalendar-pure": no Django, nothing from joinedup but the calendar vocabulary):
a rule in, dated rows out.

- A monthly rule names a day of the month (1-31); a month without that day pays on its last day
  (31 in a 30-day month pays on the 30th, in February on the 28th or 29th).
- A weekly, fortnightly or four-weekly rule names one scheduled pay date of its cycle (the
  anchor); every date 7, 14 or 28 days from it is scheduled too, in any year.
- A scheduled date that is not a working day moves to the working day before it: working days
  are Monday to Friday less the bank holidays of the employer's nation (England and Wales,
  Scotland or Northern Ireland), substitute days included, from ``core.bank_holidays`` (gov.uk's
  list through the ``holidays`` package), as the service desk's clocks read them.
- The cut-off for changes (starters, leavers, overtime, bank details) is N working days before
  the pay date, on the same working days; N = 0 means changes are taken up to the pay date.
- A row belongs to the tax year of its (moved) pay date and its period is the tax period HMRC
  fixes by the date of payment (``core.calendar.tax_period_of``), as a pay run created for that
  date is numbered: 6 April 2027 moved back to Friday 2 April 2027 pays in 2026/27.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from joinedup.core.bank_holidays import NATIONS, bank_holidays
from joinedup.core.calendar import tax_period_of, tax_year_end, tax_year_start

MONTHLY = "monthly"
CYCLE_DAYS = {"weekly": 7, "fortnightly": 14, "four_weekly": 28}
FIRST_DAY_OF_MONTH = 1
LAST_DAY_OF_MONTH = 31
# No employer holds changes open for longer than a pay month; a larger figure is a typing slip.
MOST_CUT_OFF_WORKING_DAYS = 20
_SATURDAY = 5
# A scheduled date just after the tax year can move back into it (Easter Monday 6 April), and
# no run of weekends and bank holidays in the United Kingdom is longer than this.
_LOOK_AHEAD_DAYS = 14


class PayCalendarError(ValueError):
    """A rule the calendar cannot follow: the message says why, for a person to read."""


@dataclass(frozen=True)
class PayRule:
    frequency: str
    nation: str
    cut_off_working_days: int
    day_of_month: int | None = None
    anchor_date: date | None = None

    def problems(self) -> dict[str, str]:
        """Each field that is wrong, with what to do about it; empty when the rule is sound."""
        found: dict[str, str] = {}
        if self.nation not in NATIONS:
            found["nation"] = "Choose England and Wales, Scotland or Northern Ireland."
        if not 0 <= self.cut_off_working_days <= MOST_CUT_OFF_WORKING_DAYS:
            found["cut_off_working_days"] = (
                f"The cut-off is 0 to {MOST_CUT_OFF_WORKING_DAYS} working days before the pay date."
            )
        if self.frequency == MONTHLY:
            if self.day_of_month is None or not FIRST_DAY_OF_MONTH <= self.day_of_month <= LAST_DAY_OF_MONTH:
                found["day_of_month"] = "The pay day is a day of the month from 1 to 31."
        elif self.frequency in CYCLE_DAYS:
            if self.anchor_date is None:
                found["anchor_date"] = f"Enter one {self.frequency.replace('_', '-')} pay date."
        else:
            found["frequency"] = "Choose monthly, weekly, fortnightly or four-weekly."
        return found


@dataclass(frozen=True)
class CalendarRow:
    period: int
    pay_date: date
    cut_off: date
    # The date the rule names, and why the pay date is earlier ("" when it is not).
    scheduled: date
    moved_because: str = ""


def closed_because(day: date, nation: str) -> str:
    """Why ``day`` is not a working day ("Saturday", "Christmas Day"), or "" when it is one."""
    if day.weekday() >= _SATURDAY:
        return f"{day:%A}"
    return bank_holidays(nation, day.year).get(day, "")


def working_day_on_or_before(day: date, nation: str) -> date:
    while closed_because(day, nation):
        day -= timedelta(days=1)
    return day


def working_days_before(day: date, count: int, nation: str) -> date:
    """The working day ``count`` working days before ``day`` (``day`` itself for 0)."""
    for _ in range(count):
        day = working_day_on_or_before(day - timedelta(days=1), nation)
    return day


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def scheduled_dates(rule: PayRule, first: date, last: date) -> list[date]:
    """The dates the rule names from ``first`` to ``last`` inclusive, before any move."""
    problems = rule.problems()
    if problems:
        raise PayCalendarError(" ".join(problems.values()))
    if rule.frequency == MONTHLY and rule.day_of_month is not None:
        days = [
            date(year, month, min(rule.day_of_month, calendar.monthrange(year, month)[1]))
            for year, month in _months(first, last)
        ]
        return [day for day in days if first <= day <= last]
    if rule.anchor_date is None:  # problems() has refused this already; says so to the type checker
        raise PayCalendarError("No pay date to count the cycle from.")
    step = CYCLE_DAYS[rule.frequency]
    day = rule.anchor_date + timedelta(days=((first - rule.anchor_date).days + step - 1) // step * step)
    found = []
    while day <= last:
        found.append(day)
        day += timedelta(days=step)
    return found


def _row(rule: PayRule, scheduled: date) -> CalendarRow:
    """The row of a scheduled date, for a rule already checked."""
    pay_date = working_day_on_or_before(scheduled, rule.nation)
    return CalendarRow(
        period=tax_period_of(rule.frequency, pay_date),
        pay_date=pay_date,
        cut_off=working_days_before(pay_date, rule.cut_off_working_days, rule.nation),
        scheduled=scheduled,
        moved_because=closed_because(scheduled, rule.nation),
    )


def tax_year_calendar(rule: PayRule, tax_year: int) -> list[CalendarRow]:
    """Every pay date of the rule whose (moved) pay date falls in the tax year, in date order."""
    first, last = tax_year_start(tax_year), tax_year_end(tax_year)
    rows = [_row(rule, day) for day in scheduled_dates(rule, first, last + timedelta(_LOOK_AHEAD_DAYS))]
    return [row for row in rows if first <= row.pay_date <= last]


def next_pay(rule: PayRule, today: date) -> CalendarRow:
    """The first pay date on or after ``today``."""
    # Two cycles and the longest move: the first scheduled date may have moved before today.
    ahead = today + timedelta(days=2 * CYCLE_DAYS.get(rule.frequency, 31) + _LOOK_AHEAD_DAYS)
    rows = (_row(rule, day) for day in scheduled_dates(rule, today, ahead))
    return next(row for row in rows if row.pay_date >= today)
