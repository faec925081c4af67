"""The statutory time limit of a subject-access request: pure date arithmetic, no Django.

UK GDPR Article 12(3): the controller answers "without undue delay and in any event within one
month of receipt of the request", a period that "may be extended by two further months where
necessary, taking into account the complexity and number of the requests".

The ICO's guidance (Right of access, "How long do we have to comply?") says how to count it:

- from the day the request is received, whether a working day or not, to the *corresponding
  calendar date* of the next month (3 September → 3 October);
- when the next month has no such date, the limit is the *last day of that month*
  (31 January → 28 February, or 29 February in a leap year);
- when the date falls on a weekend or a bank holiday, the controller has until the next working
  day;
- when the controller needs to confirm the requester's identity and asks for it promptly, the
  period starts when that information is received: the clock does not run while it waits;
- an extension adds two further months, counted the same way.

The extended limit is counted as three calendar months from the same start (31 January → 30 April),
not as two months added to the unextended limit (which would give 28 April): the law extends the
*period*, and counting from the start is what the ICO's corresponding-date rule does for any
length of period. The weekend and bank-holiday roll is applied once, to the final date.

Bank holidays come from the ``holidays`` package (gov.uk's lists); ``nation`` is the partner's:
"ENG" (England and Wales), "SCT" or "NIR".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

ONE_MONTH = 1
EXTENDED_MONTHS = ONE_MONTH + 2  # Article 12(3): "extended by two further months"
NATIONS = {"ENG": "ENG", "SCT": "SCT", "NIR": "NIR"}


def add_months(start: date, months: int) -> date:
    """The corresponding calendar date ``months`` later, or the last day of that month when it
    has no such date (the ICO's rule)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date, *, nation: str = "ENG") -> bool:
    if day.weekday() >= 5:
        return False
    return day not in holidays.country_holidays("GB", subdiv=NATIONS[nation], years=day.year)


def next_working_day(day: date, *, nation: str = "ENG") -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, nation=nation):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Deadline:
    """When the clock starts, and the date the answer is due (None: the clock is stopped)."""

    starts_on: date | None
    calendar_date: date | None
    due_on: date | None


def clock_start(
    *, received_on: date, identity_requested_on: date | None, identity_verified_on: date | None
) -> date | None:
    """The day the month starts: receipt, or receipt of the identity asked for; None while the
    controller waits for it."""
    if identity_requested_on is None:
        return received_on
    if identity_verified_on is None:
        return None
    return max(received_on, identity_verified_on)


def due_date(
    *,
    received_on: date,
    identity_requested_on: date | None = None,
    identity_verified_on: date | None = None,
    extended: bool = False,
    nation: str = "ENG",
) -> Deadline:
    """The statutory due date of a subject-access request (Article 12(3), as the ICO counts it)."""
    start = clock_start(
        received_on=received_on,
        identity_requested_on=identity_requested_on,
        identity_verified_on=identity_verified_on,
    )
    if start is None:
        return Deadline(starts_on=None, calendar_date=None, due_on=None)
    limit = add_months(start, EXTENDED_MONTHS if extended else ONE_MONTH)
    return Deadline(starts_on=start, calendar_date=limit, due_on=next_working_day(limit, nation=nation))
