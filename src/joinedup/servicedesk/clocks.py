"""Service-level clocks: a ticket's response and resolution clocks from its event history.

Pure computation (contract "servicedesk-pure"): ``ClockEvent`` values, the agreement's terms as
plain values (``Terms``: business hours, nation, which waiting pauses, the warning threshold,
a ``Target`` per priority) and an ``as_of`` instant in; ``Clocks`` out. The same input always
gives the same output, so a past month's report, run again with the same events, the agreement
then in force and the same ``as_of``, gives the same figures. Business time is counted only by
``business_time`` (``business_minutes``, ``due_at``, ``business_microseconds_many``), so the
clocks, the reports and the ``joinedup servicedesk business-time`` calculator agree.

The rules:

- **History.** Events are taken in time order (ties keep their given order); the first is the
  ticket's creation and both clocks start at it. Events after ``as_of`` are ignored, as if not
  yet happened, so a report "as at" a past instant sees what was known then.
- **Which target.** The ticket's priority after its last event (at or before ``as_of``) chooses
  the target, and both clocks are measured from creation against it: a priority change
  re-targets from creation (the common service-desk rule — a P3 raised to P1 two hours in is
  judged as a P1 from the start, and a P1 lowered to P3 as a P3; no clock restarts). A target's
  clock is the agreement's business hours, or ``24x7`` (every minute that passes, ignoring bank
  holidays: e.g. P1 incidents); a re-targeted ticket's whole history is measured on the new
  priority's clock.
- **Response.** From creation to the first event with ``responds=True``. It never pauses (asking
  the requester something is itself a response). Met when that first response came within the
  target minutes; breached when it came later, or has not come and the target has passed.
- **Resolution.** Runs from creation while the ticket is not paused and not stopped. Paused:
  ``waiting_requester`` always; ``waiting_third_party`` when the agreement says so (otherwise
  that status runs the clock). Stopped: ``resolved`` and ``closed``. ``reopened`` (or any other
  status) runs it again, from the reopening, with the minutes already counted kept: a reopened
  ticket is judged on its total. Met when it is stopped within target; breached as soon as the
  running total exceeds the target (reopening a met ticket can breach it).
- **Minutes.** Whole business minutes, counted exactly and truncated once at the end (as
  ``business_minutes``): a clock of N minutes is met up to and including the instant its N-th
  minute completes (``due``), breached at any later minute.
- **Due.** ``due_at`` from creation with the pauses so far: the pause the ticket is in now is
  counted up to ``as_of`` (the due time if it resumed now); a stopped ticket's due time leaves out
  the stop it is in (when it was, or would have been, due).
- **Warning.** An open clock (response not yet given; resolution running or paused) that has not
  breached warns once ``elapsed * 100 >= target * warning_percent``.

Bulk: ``running_spans`` gives the intervals a ticket's resolution clock runs in;
``minutes_many`` turns many tickets' spans into whole minutes with one vectorised call per
calendar (``business_microseconds_many``), the same figures as ``ticket_clocks``' elapsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from joinedup.servicedesk.business_time import (
    MINUTE,
    BusinessTimeError,
    Calendar,
    Hours,
    business_microseconds_many,
    business_minutes,
    due_at,
    microseconds_of,
)

Ints = npt.NDArray[np.int64]

PAUSED_ALWAYS = frozenset({"waiting_requester"})
WAITING_THIRD_PARTY = "waiting_third_party"
STOPPED = frozenset({"resolved", "closed"})
BUSINESS = "business"
ALWAYS = "24x7"
CLOCKS = (BUSINESS, ALWAYS)

MET = "met"
BREACHED = "breached"
RUNNING = "running"
PAUSED = "paused"


@dataclass(frozen=True)
class ClockEvent:
    at: datetime  # aware
    status: str  # TicketStatus value after the event
    priority: str  # Priority value after the event
    responds: bool


@dataclass(frozen=True)
class Target:
    """One priority's targets, in minutes on its clock: the agreement's business hours or 24x7."""

    priority: str
    response_minutes: int
    resolution_minutes: int
    clock: str = BUSINESS


@dataclass(frozen=True)
class Terms:
    """What an agreement says about one service's tickets, as plain values."""

    hours: Hours
    nation: str
    targets: Mapping[str, Target]  # by priority
    third_party_pauses: bool = False
    warning_percent: int = 75

    def calendar_for(self, target: Target) -> Calendar:
        if target.clock == ALWAYS:
            return Calendar(Hours(always=True), self.nation)
        return Calendar(self.hours, self.nation)

    def target(self, priority: str) -> Target:
        try:
            return self.targets[priority]
        except KeyError:
            raise BusinessTimeError(f"the agreement has no target for priority {priority!r}") from None


@dataclass(frozen=True)
class Clock:
    target_minutes: int
    elapsed_minutes: int
    due: datetime
    state: str  # met, breached, running, paused
    warning: bool
    stopped_at: datetime | None  # the response, or the resolution that stopped the clock


@dataclass(frozen=True)
class Clocks:
    priority: str
    clock: str  # business or 24x7: the calendar both were measured on
    response: Clock
    resolution: Clock


def _history(events: Sequence[ClockEvent], as_of: datetime) -> list[ClockEvent]:
    if not events:
        raise BusinessTimeError("a ticket's history needs at least its created event")
    limit = microseconds_of(as_of)
    ordered = sorted(events, key=lambda e: microseconds_of(e.at))
    if microseconds_of(ordered[0].at) > limit:
        raise BusinessTimeError(f"as_of {as_of.isoformat()} is before the ticket was created")
    return [e for e in ordered if microseconds_of(e.at) <= limit]


def _halts(status: str, third_party_pauses: bool) -> bool:
    if status in STOPPED or status in PAUSED_ALWAYS:
        return True
    return third_party_pauses and status == WAITING_THIRD_PARTY


def running_spans(
    events: Sequence[ClockEvent], as_of: datetime, *, third_party_pauses: bool
) -> list[tuple[datetime, datetime]]:
    """The intervals, from creation to ``as_of``, in which the resolution clock runs."""
    history = _history(events, as_of)
    spans: list[tuple[datetime, datetime]] = []
    for event, following in zip(history, [*history[1:], None], strict=True):
        end = following.at if following is not None else as_of
        if not _halts(event.status, third_party_pauses) and microseconds_of(end) > microseconds_of(event.at):
            spans.append((event.at, end))
    return spans


def _halted_spans(
    history: list[ClockEvent], as_of: datetime, third_party_pauses: bool
) -> list[tuple[datetime, datetime]]:
    spans: list[tuple[datetime, datetime]] = []
    for event, following in zip(history, [*history[1:], None], strict=True):
        if _halts(event.status, third_party_pauses):
            spans.append((event.at, following.at if following is not None else as_of))
    return spans


def _warns(elapsed: int, target: int, percent: int) -> bool:
    return elapsed <= target and elapsed * 100 >= target * percent


def ticket_clocks(
    events: Sequence[ClockEvent], terms: Terms, as_of: datetime, *, priority: str | None = None
) -> Clocks:
    """The ticket's response and resolution clocks as at ``as_of`` (see the module's rules).
    ``priority``: target this priority rather than the history's last (a caller holding the
    ticket's current priority; the two agree when the history is complete)."""
    history = _history(events, as_of)
    created = history[0].at
    priority = priority or history[-1].priority
    target = terms.target(priority)
    calendar = terms.calendar_for(target)

    # Response: creation to the first responding event, never paused.
    responded = next((e.at for e in history if e.responds), None)
    response_elapsed = business_minutes(calendar, created, responded or as_of)
    response_target = target.response_minutes
    if responded is not None:
        response_state = MET if response_elapsed <= response_target else BREACHED
    else:
        response_state = BREACHED if response_elapsed > response_target else RUNNING
    response = Clock(
        target_minutes=response_target,
        elapsed_minutes=response_elapsed,
        due=due_at(calendar, created, response_target),
        state=response_state,
        warning=responded is None and _warns(response_elapsed, response_target, terms.warning_percent),
        stopped_at=responded,
    )

    # Resolution: creation to as_of less the paused and stopped spans.
    halted = _halted_spans(history, as_of, terms.third_party_pauses)
    resolution_elapsed = business_minutes(calendar, created, as_of, halted)
    resolution_target = target.resolution_minutes
    now = history[-1].status
    stopped = now in STOPPED
    # A stopped ticket's due time leaves out the stop it is in; a paused one's counts it to as_of.
    due = due_at(calendar, created, resolution_target, halted[:-1] if stopped else halted)
    if stopped:
        state = MET if resolution_elapsed <= resolution_target else BREACHED
    elif resolution_elapsed > resolution_target:
        state = BREACHED
    elif _halts(now, terms.third_party_pauses):
        state = PAUSED
    else:
        state = RUNNING
    resolution = Clock(
        target_minutes=resolution_target,
        elapsed_minutes=resolution_elapsed,
        due=due,
        state=state,
        warning=not stopped and _warns(resolution_elapsed, resolution_target, terms.warning_percent),
        stopped_at=history[-1].at if stopped else None,
    )
    return Clocks(priority=priority, clock=target.clock, response=response, resolution=resolution)


def minutes_many(calendar: Calendar, owner: Ints, starts: Ints, ends: Ints, tickets: int) -> Ints:
    """Whole business minutes per ticket: ``owner[i]`` (0 … tickets-1, in non-decreasing order) is
    the ticket whose clock runs from ``starts[i]`` to ``ends[i]`` (microseconds since the epoch,
    ``business_time.microseconds_of``). One vectorised pass; the same figures as summing each
    ticket's spans with ``business_minutes`` (exact microseconds, truncated once per ticket)."""
    owner = np.asarray(owner, dtype=np.int64)
    if owner.size and np.any(np.diff(owner) < 0):
        raise BusinessTimeError("the spans must be grouped by ticket, in ticket order")
    micros = business_microseconds_many(calendar, starts, ends)
    running = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(micros, dtype=np.int64)])
    bounds = np.searchsorted(owner, np.arange(tickets + 1, dtype=np.int64), side="left")
    totals: Ints = (running[bounds[1:]] - running[bounds[:-1]]) // MINUTE
    return totals
