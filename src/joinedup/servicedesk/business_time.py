"""Business time: the minutes a service-level clock runs between two instants.

Pure computation (contract "servicedesk-pure"): aware datetimes and plain values in, integer
minutes and aware datetimes out. Every service-level clock, every report and the
``joinedup servicedesk business-time`` calculator use these two functions:

- ``business_minutes(calendar, start, end, pauses=())``: the whole business minutes from
  ``start`` to ``end``, less the business time inside the pauses;
- ``due_at(calendar, start, minutes, pauses=())``: the earliest instant at which
  ``business_minutes(calendar, start, instant, pauses) == minutes`` (a service-level target).

A calendar is business hours plus a nation's bank holidays. Business hours are local clock times
in Europe/London per weekday (``08:30-17:00`` means Monday to Friday), so the clocks changing
does not move them; ``24x7`` counts every minute that actually passes (the day the clocks go
forward has 1,380 minutes, the day they go back 1,500) and ignores bank holidays. Bank holidays
come from the ``holidays`` package (gov.uk's list, with substitute days and one-off holidays)
for England and Wales, Scotland or Northern Ireland.

Partial minutes: time is measured exactly (to the microsecond a datetime carries) and the total,
after pauses, is truncated to whole minutes once at the end, so 59 minutes 59 seconds is 59
minutes, and a target of N minutes is met at the instant the N-th whole minute completes.

Speed: a calendar's year is turned once (cached) into its business intervals as integer
microseconds since the epoch with a running total; an instant's position in the year is then one
bisect, so a ticket costs a few bisects whatever the span, not a walk over its days.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from joinedup.core.bank_holidays import NATIONS, bank_holidays

LONDON = ZoneInfo("Europe/London")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MINUTE = 60_000_000  # microseconds
# The span the calendar serves: the holidays package's data for the United Kingdom runs to 2100.
FIRST_YEAR = 1990
LAST_YEAR = 2100

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = "24x7"

Ints = npt.NDArray[np.int64]


class BusinessTimeError(ValueError):
    """Input the clock cannot count: the message says why, for a person to read."""


@dataclass(frozen=True)
class Hours:
    """Opening hours: for each weekday (Monday first) its windows as (start, end) minutes after
    local midnight, end up to 1,440; or ``always`` for 24x7."""

    windows: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    always: bool = False

    def __str__(self) -> str:
        if self.always:
            return ALWAYS
        parts = []
        for day, spans in enumerate(self.windows):
            for start, end in spans:
                parts.append((day, start, end))
        # Group consecutive days with the same window back into ranges: "mon-fri 08:30-17:00".
        out: list[str] = []
        for start, end in sorted({(s, e) for _, s, e in parts}):
            days = [d for d, s, e in parts if (s, e) == (start, end)]
            runs: list[list[int]] = []
            for d in days:
                if runs and runs[-1][-1] == d - 1:
                    runs[-1].append(d)
                else:
                    runs.append([d])
            for run in runs:
                label = DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
                out.append(f"{label} {_clock(start)}-{_clock(end)}")
        return ", ".join(out) or "never"


@dataclass(frozen=True)
class Calendar:
    hours: Hours
    nation: str = "england-and-wales"

    def __post_init__(self) -> None:
        if self.nation not in NATIONS:
            raise BusinessTimeError(f"{self.nation!r} is not a calendar: choose one of {', '.join(NATIONS)}")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_WINDOW = re.compile(r"^(?:(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+)?(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")


def _minutes_of(text: str, *, end: bool) -> int:
    hour, minute = (int(part) for part in text.split(":"))
    if (hour, minute) == (24, 0) and end:
        return 24 * 60
    if hour > 23 or minute > 59:
        raise BusinessTimeError(f"{text!r} is not a time of day")
    return hour * 60 + minute


def parse_hours(text: str) -> Hours:
    """``24x7``, or comma-separated windows ``[DAY[-DAY]] HH:MM-HH:MM`` (days default to
    mon-fri; an end of 24:00 is midnight at the end of the day): ``08:30-17:00``,
    ``mon-fri 08:00-18:00, sat 09:00-12:30``."""
    spec = text.strip().lower()
    if spec == ALWAYS:
        return Hours(always=True)
    days: list[list[tuple[int, int]]] = [[] for _ in DAY_NAMES]
    for part in spec.split(","):
        match = _WINDOW.match(part.strip())
        if not match:
            raise BusinessTimeError(
                f"hours {part.strip()!r}: expected 24x7 or [DAY[-DAY]] HH:MM-HH:MM, e.g. 08:30-17:00"
            )
        start = _minutes_of(match["start"], end=False)
        end = _minutes_of(match["end"], end=True)
        if end <= start:
            raise BusinessTimeError(f"hours {part.strip()!r}: the window ends before it starts")
        first, _, last = (match["days"] or "mon-fri").partition("-")
        for name in (first, last or first):
            if name not in DAY_NAMES:
                raise BusinessTimeError(f"hours {part.strip()!r}: {name!r} is not a day (mon … sun)")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        if b < a:
            raise BusinessTimeError(f"hours {part.strip()!r}: the days run backwards")
        for day in range(a, b + 1):
            days[day].append((start, end))
    for day, spans in enumerate(days):
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            if start < end:
                raise BusinessTimeError(f"hours {text.strip()!r}: two windows overlap on {DAY_NAMES[day]}")
    return Hours(windows=tuple(tuple(spans) for spans in days))


# --- instants as integers -------------------------------------------------------------------


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise BusinessTimeError(f"{name} {value.isoformat()} has no time zone: give an aware datetime")


def _micros(value: datetime) -> int:
    return (value - EPOCH) // ONE_MICROSECOND


def _instant(micros: int) -> datetime:
    return (EPOCH + timedelta(microseconds=micros)).astimezone(LONDON)


def _local_midnight(day: date) -> int:
    return _micros(datetime.combine(day, time(0), tzinfo=LONDON))


def _local(day: date, minutes: int) -> int:
    # PEP 495 fold=0 for a clock time that happens twice (the first) or never (read with the
    # offset before the change); business hours in the small hours of a Sunday are the only
    # ones this touches.
    if minutes == 24 * 60:
        return _local_midnight(day + timedelta(days=1))
    return _micros(datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=LONDON))


_YEAR_STARTS = [_local_midnight(date(year, 1, 1)) for year in range(FIRST_YEAR, LAST_YEAR + 2)]


def _year_of(micros: int) -> int:
    index = bisect_right(_YEAR_STARTS, micros) - 1
    if index < 0 or index > LAST_YEAR - FIRST_YEAR:
        raise BusinessTimeError(
            f"{_instant(micros).isoformat()} is outside the years the calendar covers "
            f"({FIRST_YEAR}-{LAST_YEAR})"
        )
    return FIRST_YEAR + index


# --- a year's business intervals, built once ------------------------------------------------


@dataclass(frozen=True)
class YearTable:
    """A calendar's business intervals in one local year: ``starts[i]`` to ``ends[i]`` in
    microseconds since the epoch, ``before[i]`` business microseconds in the year before
    interval i and ``through[i]`` to its end; ``total`` in the whole year."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]
    through: tuple[int, ...]
    total: int

    def position(self, micros: int) -> int:
        """Business microseconds from the start of the year to ``micros`` (in this year)."""
        index = bisect_right(self.starts, micros) - 1
        if index < 0:
            return 0
        return self.before[index] + min(micros, self.ends[index]) - self.starts[index]

    def instant(self, position: int) -> int:
        """The earliest instant at which the year's business time reaches ``position`` (> 0)."""
        index = bisect_left(self.through, position)
        return self.starts[index] + position - self.before[index]


@lru_cache(maxsize=1024)
def year_table(calendar: Calendar, year: int) -> YearTable:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BusinessTimeError(f"{year} is outside the years the calendar covers ({FIRST_YEAR}-{LAST_YEAR})")
    starts: list[int] = []
    ends: list[int] = []
    if calendar.hours.always:
        starts.append(_local_midnight(date(year, 1, 1)))
        ends.append(_local_midnight(date(year + 1, 1, 1)))
    else:
        closed = bank_holidays(calendar.nation, year)
        day = date(year, 1, 1)
        while day.year == year:
            if day not in closed:
                for start, end in calendar.hours.windows[day.weekday()]:
                    a, b = _local(day, start), _local(day, end)
                    if b > a:
                        starts.append(a)
                        ends.append(b)
            day += timedelta(days=1)
    before, through, running = [], [], 0
    for a, b in zip(starts, ends, strict=True):
        before.append(running)
        running += b - a
        through.append(running)
    return YearTable(tuple(starts), tuple(ends), tuple(before), tuple(through), running)


# --- the clock ------------------------------------------------------------------------------


def _span(calendar: Calendar, a: int, b: int) -> int:
    """Business microseconds from instant a to instant b (a <= b)."""
    year_a, year_b = _year_of(a), _year_of(b)
    if year_a == year_b:
        table = year_table(calendar, year_a)
        return table.position(b) - table.position(a)
    first = year_table(calendar, year_a)
    total = first.total - first.position(a)
    for year in range(year_a + 1, year_b):
        total += year_table(calendar, year).total
    return total + year_table(calendar, year_b).position(b)


def _advance(calendar: Calendar, a: int, amount: int) -> int:
    """The earliest instant at which ``amount`` (> 0) business microseconds have passed since a."""
    year = _year_of(a)
    position = year_table(calendar, year).position(a)
    while True:
        table = year_table(calendar, year)
        if position + amount <= table.total:
            return table.instant(position + amount)
        amount -= table.total - position
        position = 0
        year += 1
        if year > LAST_YEAR:
            raise BusinessTimeError(
                f"the target falls after {LAST_YEAR}, the last year the calendar covers "
                "(are there any business hours at all?)"
            )


def _merged_pauses(
    pauses: Iterable[tuple[datetime, datetime]], a: int, b: int | None
) -> list[tuple[int, int]]:
    """The pauses as sorted, non-overlapping integer intervals clipped to [a, b]."""
    spans: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(pauses):
        _aware(start, f"pause {index + 1} start")
        _aware(end, f"pause {index + 1} end")
        # Compared as integers: PEP 495 makes a time in a fold unequal to every instant in
        # another zone, so comparing the datetimes could mislead.
        lo, hi = _micros(start), _micros(end)
        if hi < lo:
            raise BusinessTimeError(
                f"pause {index + 1} ends ({end.isoformat()}) before it starts ({start.isoformat()})"
            )
        lo = max(lo, a)
        if b is not None:
            hi = min(hi, b)
        if hi > lo:
            spans.append((lo, hi))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def business_microseconds(
    calendar: Calendar, start: datetime, end: datetime, pauses: Sequence[tuple[datetime, datetime]] = ()
) -> int:
    """Exact business time from start to end, less the business time inside the pauses."""
    _aware(start, "start")
    _aware(end, "end")
    a, b = _micros(start), _micros(end)
    if b < a:
        raise BusinessTimeError(f"start {start.isoformat()} is after end {end.isoformat()}")
    total = _span(calendar, a, b)
    for lo, hi in _merged_pauses(pauses, a, b):
        total -= _span(calendar, lo, hi)
    return total


def business_minutes(
    calendar: Calendar, start: datetime, end: datetime, pauses: Sequence[tuple[datetime, datetime]] = ()
) -> int:
    """Whole business minutes from start to end (partial minutes truncated once, at the end)."""
    return business_microseconds(calendar, start, end, pauses) // MINUTE


def due_at(
    calendar: Calendar, start: datetime, minutes: int, pauses: Sequence[tuple[datetime, datetime]] = ()
) -> datetime:
    """The earliest instant by which ``minutes`` business minutes have run since start, with the
    clock stopped during the pauses; in Europe/London time."""
    _aware(start, "start")
    if minutes < 0:
        raise BusinessTimeError(f"a target of {minutes} minutes is negative")
    cursor = _micros(start)
    remaining = minutes * MINUTE
    if remaining == 0:
        return _instant(cursor)
    for lo, hi in _merged_pauses(pauses, cursor, None):
        if lo > cursor:
            reached = _advance(calendar, cursor, remaining)
            if reached <= lo:
                return _instant(reached)
            remaining -= _span(calendar, cursor, lo)
        cursor = max(cursor, hi)
    return _instant(_advance(calendar, cursor, remaining))


# --- many spans at once, for reports ------------------------------------------------------------


def microseconds_of(value: datetime) -> int:
    """An aware datetime as integer microseconds since the Unix epoch: the unit of the bulk path."""
    _aware(value, "instant")
    return _micros(value)


@lru_cache(maxsize=256)
def _years_table(calendar: Calendar, first: int, last: int) -> tuple[Ints, Ints, Ints]:
    """The business intervals of years first to last as arrays, the running total across years."""
    starts: list[int] = []
    ends: list[int] = []
    before: list[int] = []
    offset = 0
    for year in range(first, last + 1):
        table = year_table(calendar, year)
        starts.extend(table.starts)
        ends.extend(table.ends)
        before.extend(offset + b for b in table.before)
        offset += table.total
    return (
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        np.array(before, dtype=np.int64),
    )


def business_microseconds_many(calendar: Calendar, starts: Ints, ends: Ints) -> Ints:
    """Exact business time of each span ``starts[i]`` to ``ends[i]`` (microseconds since the epoch,
    as ``microseconds_of`` gives): the same figures as ``business_microseconds`` without pauses, a
    vectorised bisect per end. A ticket's pauses are spans too: subtract their sums per ticket."""
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.shape != ends.shape:
        raise BusinessTimeError(f"{starts.shape[0]} starts but {ends.shape[0]} ends")
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    backwards = np.flatnonzero(ends < starts)
    if backwards.size:
        i = int(backwards[0])
        raise BusinessTimeError(
            f"span {i + 1}: start {_instant(int(starts[i])).isoformat()} "
            f"is after end {_instant(int(ends[i])).isoformat()}"
        )
    table_starts, table_ends, table_before = _years_table(
        calendar, _year_of(int(starts.min())), _year_of(int(ends.max()))
    )
    if table_starts.size == 0:
        return np.zeros(starts.shape, dtype=np.int64)

    def position(instants: Ints) -> Ints:
        index = np.searchsorted(table_starts, instants, side="right") - 1
        at = np.maximum(index, 0)
        inside = table_before[at] + np.minimum(instants, table_ends[at]) - table_starts[at]
        return np.where(index < 0, 0, inside)

    return position(ends) - position(starts)


def holidays_between(calendar: Calendar, start: datetime, end: datetime) -> list[tuple[date, str]]:
    """The bank holidays of the calendar's nation on the local dates from start to end."""
    first, last = start.astimezone(LONDON).date(), end.astimezone(LONDON).date()
    found: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        found.extend(
            (day, name) for day, name in bank_holidays(calendar.nation, year).items() if first <= day <= last
        )
    return found


# --- reading local times, for the calculator --------------------------------------------------


def parse_local(text: str, name: str) -> datetime:
    """An ISO date-time read as Europe/London time unless it carries an offset. A local time the
    clocks skip (spring) or show twice (autumn) is refused rather than guessed."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BusinessTimeError(f"{name} {text!r} is not a date and time like 2026-12-24T16:00") from None
    if value.tzinfo is not None:
        return value.astimezone(LONDON)
    first, second = value.replace(tzinfo=LONDON, fold=0), value.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() != second.utcoffset():
        there = first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
        if there != value:
            raise BusinessTimeError(
                f"{name} {text!r} does not exist in Europe/London: the clocks go forward an hour then"
            )
        raise BusinessTimeError(
            f"{name} {text!r} happens twice in Europe/London as the clocks go back: "
            "give the offset, +01:00 (the first) or +00:00 (the second)"
        )
    return first
