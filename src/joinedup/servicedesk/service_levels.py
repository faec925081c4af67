"""The monthly service-level report's arithmetic: tickets' histories in, one row per service and
priority out.

Pure computation (contract "servicedesk-pure"): each ticket's events (time-ordered
``(at, status, priority, responds)`` tuples, service-level notices already left out) and the
agreement's terms it was raised under (``clocks.Terms``, or None without one) in; ``Row`` values
out. Business time is counted only by ``clocks.minutes_many`` (one vectorised call per calendar),
so the figures are those ``clocks.ticket_clocks`` gives each ticket as at the month's end.

The rules, for a month from local (Europe/London) midnight ``start`` to the next month's ``end``:

- **As at the month's end.** Only events before ``end`` are read; the clocks run to ``end``.
  Events added later (a reply next month, a reopening) change nothing, so the report of a past
  month run again gives the same figures.
- **Group.** The ticket's service and its priority after its last event before ``end``.
- **Raised** in the month: its first event is in [start, end). **Open at month end**: its last
  status before ``end`` is not resolved or closed. **Resolved** in the month: not open, and the
  run of resolved/closed statuses it ends in began in [start, end) (a ticket resolved on the 31st
  and closed on the 2nd was resolved in the earlier month).
- **Met or breached**, for tickets resolved in the month under an agreement: response met when
  answered (the first responding event) within its target, breached when its business minutes
  (answered or not) exceed it; a ticket resolved unanswered within its response target is
  neither. Resolution met when its business minutes (paused and stopped spans left out) are
  within target, else breached. Tickets raised before any agreement count in the volumes and in
  ``no_agreement``, never in met or breached.
- **Median and 90th percentile** of the response and resolution business minutes of the tickets
  resolved in the month under an agreement, by the **nearest-rank** method: the p-th percentile
  of n sorted values is the value at rank ceil(p * n / 100) (1-based), always one of the values;
  the median is the 50th percentile so (the lower middle of an even count).
- **Backlog age** of tickets open at month end, in business days: the weekdays that are not bank
  holidays of the agreement's nation (England and Wales without one) after the local day it was
  raised, up to and including the month's last day (raised on the last day: 0). Buckets 0-2,
  3-5, 6-10 and over 10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from joinedup.core.bank_holidays import bank_holidays
from joinedup.servicedesk.business_time import (
    EPOCH,
    LONDON,
    ONE_MICROSECOND,
    Calendar,
    microseconds_of,
)
from joinedup.servicedesk.clocks import (
    PAUSED_ALWAYS,
    STOPPED,
    WAITING_THIRD_PARTY,
    Target,
    Terms,
    minutes_many,
)

BUCKETS = ("0-2", "3-5", "6-10", "over 10")
DEFAULT_NATION = "england-and-wales"

# (at, status, priority, responds): a TicketEvent's clock fields, as values_list reads them.
Event = tuple[datetime, str, str, bool]


@dataclass(frozen=True)
class History:
    ticket: int
    service: str
    events: Sequence[Event]  # in time order
    terms: Terms | None  # the agreement in force when it was raised


@dataclass
class Row:
    service: str
    priority: str
    raised: int = 0
    resolved: int = 0
    open_at_end: int = 0
    no_agreement: int = 0
    response_met: int = 0
    response_breached: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0
    response_median: int | None = None
    response_p90: int | None = None
    resolution_median: int | None = None
    resolution_p90: int | None = None
    backlog: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, at local (Europe/London) midnight."""
    start = datetime(year, month, 1, tzinfo=LONDON)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LONDON)
    return start, end


def last_whole_month(today: date) -> tuple[int, int]:
    """The month before ``today``'s: a report's default."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The ``percent``-th percentile by nearest rank: the sorted value at rank ceil(p * n / 100)
    (at least 1); None for no values."""
    if not 0 < percent <= 100:
        raise ValueError("a percentile is from 1 to 100")
    n = len(values)
    if n == 0:
        return None
    rank = max(1, -(-percent * n // 100))
    return int(sorted(values)[rank - 1])


def bucket(days: int) -> str:
    if days <= 2:
        return BUCKETS[0]
    if days <= 5:
        return BUCKETS[1]
    if days <= 10:
        return BUCKETS[2]
    return BUCKETS[3]


def business_days(nation: str, raised: Sequence[date], last_day: date) -> list[int]:
    """Weekdays that are not the nation's bank holidays after each day raised, to ``last_day``."""
    if not raised:
        return []
    years = range(min(raised).year, last_day.year + 1)
    off = sorted(day for year in years for day in bank_holidays(nation, year))
    begin = np.array([d + timedelta(days=1) for d in raised], dtype="datetime64[D]")
    stop = np.full(len(raised), np.datetime64(last_day + timedelta(days=1), "D"))
    begin = np.minimum(begin, stop)
    counted = np.busday_count(begin, stop, holidays=np.array(off, dtype="datetime64[D]"))
    return [int(n) for n in counted]


def _halts(status: str, terms: Terms) -> bool:
    return (
        status in STOPPED
        or status in PAUSED_ALWAYS
        or (terms.third_party_pauses and status == WAITING_THIRD_PARTY)
    )


@dataclass
class _Spans:
    owner: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    count: int = 0


@dataclass
class _Group:
    target: Target
    halting: frozenset[str]
    response: _Spans
    resolution: _Spans
    judged: list[tuple[Row, int, int, bool]]


def _minutes(spans: _Spans, calendar: Calendar) -> list[int]:
    found = minutes_many(
        calendar,
        np.array(spans.owner, dtype=np.int64),
        np.array(spans.starts, dtype=np.int64),
        np.array(spans.ends, dtype=np.int64),
        spans.count,
    )
    return [int(n) for n in found]


def report(histories: Sequence[History], start: datetime, end: datetime) -> list[Row]:
    """The month's rows, by service then priority (see the module's rules)."""
    start_us, end_us = microseconds_of(start), microseconds_of(end)
    last_day = (end.astimezone(LONDON) - timedelta(days=1)).date()
    rows: dict[tuple[str, str], Row] = {}
    # Per calendar: the response and resolution spans of the month's resolved tickets, and
    # for each the (row, target, answered) it is judged against.
    responses: dict[Calendar, _Spans] = {}
    resolutions: dict[Calendar, _Spans] = {}
    judged: dict[Calendar, list[tuple[Row, int, int, bool]]] = {}
    backlog: dict[str, list[tuple[Row, date]]] = {}
    # Each (terms, priority)'s target, halting statuses and the lists its tickets go to, found
    # once: hashing a calendar (a frozen dataclass) for each of a million tickets' months showed.
    groups: dict[tuple[int, str], _Group] = {}

    for history in histories:
        if not history.events:
            continue
        microseconds_of(history.events[0][0])  # refuses a naive time (BusinessTimeError)
        # Inline, as microseconds_of counts: a month of a million tickets has 160,000 events, and
        # a naive time among them fails the subtraction (TypeError).
        events = [
            (when, status, priority, responds)
            for at, status, priority, responds in history.events
            if (when := (at - EPOCH) // ONE_MICROSECOND) < end_us
        ]
        if not events:
            continue
        created, last_status, priority = events[0][0], events[-1][1], events[-1][2]
        row = rows.get((history.service, priority))
        if row is None:
            row = rows[(history.service, priority)] = Row(history.service, priority)
        if created >= start_us:
            row.raised += 1
        if last_status not in STOPPED:
            row.open_at_end += 1
            nation = history.terms.nation if history.terms is not None else DEFAULT_NATION
            raised_day = history.events[0][0].astimezone(LONDON).date()
            backlog.setdefault(nation, []).append((row, raised_day))
            continue
        stopped_at = events[-1][0]
        for at, status, _, _ in reversed(events):
            if status not in STOPPED:
                break
            stopped_at = at
        if stopped_at < start_us:
            continue
        row.resolved += 1
        terms = history.terms
        if terms is None:
            row.no_agreement += 1
            continue
        group = groups.get((id(terms), priority))
        if group is None:
            target = terms.target(priority)
            calendar = terms.calendar_for(target)
            group = groups[(id(terms), priority)] = _Group(
                target=target,
                halting=frozenset(
                    s for s in {*STOPPED, *PAUSED_ALWAYS, WAITING_THIRD_PARTY} if _halts(s, terms)
                ),
                response=responses.setdefault(calendar, _Spans()),
                resolution=resolutions.setdefault(calendar, _Spans()),
                judged=judged.setdefault(calendar, []),
            )
        answered = next((at for at, _, _, responds in events if responds), None)
        response = group.response
        response.owner.append(response.count)
        response.starts.append(created)
        response.ends.append(answered if answered is not None else end_us)
        response.count += 1
        resolution = group.resolution
        for (at, status, _, _), following in zip(events, [*events[1:], None], strict=True):
            until = following[0] if following is not None else end_us
            if status not in group.halting and until > at:
                resolution.owner.append(resolution.count)
                resolution.starts.append(at)
                resolution.ends.append(until)
        resolution.count += 1
        group.judged.append(
            (row, group.target.response_minutes, group.target.resolution_minutes, answered is not None)
        )

    response_minutes: dict[tuple[str, str], list[int]] = {}
    resolution_minutes: dict[tuple[str, str], list[int]] = {}
    for calendar, tickets in judged.items():
        answer = _minutes(responses[calendar], calendar)
        resolve = _minutes(resolutions[calendar], calendar)
        for (row, response_target, resolution_target, was_answered), took, lasted in zip(
            tickets, answer, resolve, strict=True
        ):
            key = (row.service, row.priority)
            response_minutes.setdefault(key, []).append(took)
            resolution_minutes.setdefault(key, []).append(lasted)
            if took > response_target:
                row.response_breached += 1
            elif was_answered:
                row.response_met += 1
            if lasted > resolution_target:
                row.resolution_breached += 1
            else:
                row.resolution_met += 1

    for nation, waiting in backlog.items():
        ages = business_days(nation, [day for _, day in waiting], last_day)
        for (row, _), days in zip(waiting, ages, strict=True):
            row.backlog[bucket(days)] += 1

    for key, row in rows.items():
        row.response_median = nearest_rank(response_minutes.get(key, []), 50)
        row.response_p90 = nearest_rank(response_minutes.get(key, []), 90)
        row.resolution_median = nearest_rank(resolution_minutes.get(key, []), 50)
        row.resolution_p90 = nearest_rank(resolution_minutes.get(key, []), 90)
    return [rows[key] for key in sorted(rows)]


# --- satisfaction (the one-question survey on resolution; satisfaction.py) ----------------------

# A cell of fewer answers shows its count but neither the share satisfied nor the mean: with one
# to four answers they would tell a reader how the few requesters answered.
SATISFACTION_MIN_ANSWERS = 5
SATISFIED_SCORES = frozenset({4, 5})  # satisfied, very satisfied (5 is the best of five)
ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")

# (partner id, service, score 1-5): one requester's answer about one resolution in the month.
Answer = tuple[int, str, int]


@dataclass
class SatisfactionRow:
    """One partner's answers about one service's resolutions in the month. ``share_satisfied``
    (percent, one place) and ``mean_score`` (two places) are None with fewer than
    ``SATISFACTION_MIN_ANSWERS`` answers."""

    partner: int
    service: str
    answers: int = 0
    satisfied: int = 0
    score_total: int = 0
    share_satisfied: Decimal | None = None
    mean_score: Decimal | None = None

    @property
    def suppressed(self) -> bool:
        return self.answers < SATISFACTION_MIN_ANSWERS


def percent_one_place(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` as a percentage to one decimal place, a half rounding up (77.75 ->
    77.8), the way a reader rounds by hand. core.money's helpers round money to the penny or pound
    and this module may not import core (contract servicedesk-pure), so the one rule lives here.
    Exact: tenths of a percent rounded half up are floor((2000 * part + whole) / (2 * whole)),
    in integers, then one Decimal division by ten."""
    if whole <= 0:
        raise ValueError("a share of nothing")
    tenths = (2000 * part + whole) // (2 * whole)
    return (Decimal(tenths) / 10).quantize(ONE_PLACE)


def mean_two_places(total: int, count: int) -> Decimal:
    """``total / count`` to two decimal places, a half rounding up (3.125 -> 3.13)."""
    if count <= 0:
        raise ValueError("a mean of nothing")
    return (Decimal(total) / Decimal(count)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def satisfaction(answers: Sequence[Answer]) -> list[SatisfactionRow]:
    """The month's satisfaction rows, by partner then service: the answers about resolutions in
    the month (the caller selects them), how many were satisfied or very satisfied, their share
    and the mean score, both left out under ``SATISFACTION_MIN_ANSWERS``."""
    rows: dict[tuple[int, str], SatisfactionRow] = {}
    for partner, service, score in answers:
        if not 1 <= score <= 5:
            raise ValueError(f"a satisfaction score is 1 to 5, not {score}")
        row = rows.get((partner, service))
        if row is None:
            row = rows[(partner, service)] = SatisfactionRow(partner, service)
        row.answers += 1
        row.score_total += score
        if score in SATISFIED_SCORES:
            row.satisfied += 1
    for row in rows.values():
        if not row.suppressed:
            row.share_satisfied = percent_one_place(row.satisfied, row.answers)
            row.mean_score = mean_two_places(row.score_total, row.answers)
    return [rows[key] for key in sorted(rows)]
