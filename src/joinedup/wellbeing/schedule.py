"""When a health-surveillance check falls due, and where an enrolment stands on a day. Pure:
standard library only, dates in, dates and statuses out (the services and selectors read the
programmes, enrolments and checks and pass their dates in).

- **Month arithmetic** keeps the day of the month and clamps it to the last day of a shorter
  month: 31 January + 1 month is 28 February (29th in a leap year), 29 February + 12 months is
  28 February. The clamp is not carried on: 31 January + 1 month + 1 month is 28 March, while
  31 January + 2 months is 31 March, which is why the next due date is always counted from the
  date of the check itself, never from the previous due date.
- **Intervals**: a programme's interval in months, optionally a shorter one after each of its
  first checks (noise: a baseline, then hearing checks a year apart for the first two years,
  then three-yearly: HSE guidance on the Control of Noise at Work Regulations 2005 reg 9; see
  rules/surveillance.toml). A driver medical follows the DVLA's Group 2 ages instead (a medical at
  45, then every 5 years to 65, then every year): :func:`next_due_by_age`.
- **Status on a day** (``as_of``): overdue when the due date has passed without a check (on the
  due date itself it is only due); due when it falls within ``due_within_days`` after ``as_of``;
  otherwise done (checked, next one not yet near) or upcoming (never checked, first not yet near).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "AgeBand",
    "Status",
    "add_months",
    "age_on",
    "birthday",
    "next_due",
    "next_due_by_age",
    "status_on",
]


class Status(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    DONE = "done"
    UPCOMING = "upcoming"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the end of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def birthday(born_on: date, age: int) -> date:
    """The day someone born on ``born_on`` turns ``age`` (29 February: 28 February in a common
    year, the clamp of :func:`add_months`)."""
    return add_months(born_on, 12 * age)


def age_on(born_on: date, day: date) -> int:
    """Complete years of age on ``day``."""
    years = day.year - born_on.year
    return years if birthday(born_on, years) <= day else years - 1


def next_due(
    done_on: date,
    *,
    interval_months: int,
    checks_done: int = 1,
    initial_interval_months: int | None = None,
    initial_checks: int = 0,
) -> date:
    """The due date of the next check after one done on ``done_on``, the ``checks_done``-th of the
    enrolment (counting this one). After each of the first ``initial_checks`` checks the next falls
    ``initial_interval_months`` later; after any other, ``interval_months`` later."""
    if interval_months < 1:
        raise ValueError("The interval must be at least one month.")
    if checks_done < 1:
        raise ValueError("At least one check has been done when the next is worked out.")
    if initial_interval_months is not None and checks_done <= initial_checks:
        return add_months(done_on, initial_interval_months)
    return add_months(done_on, interval_months)


@dataclass(frozen=True)
class AgeBand:
    """Checks for people younger than ``until_age`` (None: any age): each ``interval_months``
    after the last, but never later than the day they reach ``until_age`` (None interval: the
    next check is due on that birthday)."""

    until_age: int | None
    interval_months: int | None


def next_due_by_age(done_on: date, *, born_on: date, bands: Sequence[AgeBand]) -> date:
    """The next check's due date by the band the person's age on ``done_on`` falls in, the first
    band whose ``until_age`` they have not reached (bands in order of age, the last open)."""
    age = age_on(born_on, done_on)
    for band in bands:
        if band.until_age is not None and age >= band.until_age:
            continue
        candidates = []
        if band.interval_months is not None:
            candidates.append(add_months(done_on, band.interval_months))
        if band.until_age is not None:
            candidates.append(birthday(born_on, band.until_age))
        if not candidates:
            break
        return min(candidates)
    raise ValueError("The age bands do not cover this age.")


def status_on(as_of: date, *, next_due_on: date, last_done_on: date | None, due_within_days: int) -> Status:
    """Where an enrolment stands on ``as_of`` (see the module's docstring)."""
    if next_due_on < as_of:
        return Status.OVERDUE
    if next_due_on <= as_of + timedelta(days=due_within_days):
        return Status.DUE
    return Status.DONE if last_done_on is not None else Status.UPCOMING
