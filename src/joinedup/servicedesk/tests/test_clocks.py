"""Service-level clocks from a ticket's event history, against hand-worked cases.

The rules checked are clocks.py's (its docstring): response from creation to the first
responding event, never paused; resolution paused while waiting on the requester (and on a third
party when the agreement says so), stopped while resolved or closed, run again on reopening;
a priority change re-targets from creation; a warning at 75% of the target before a breach.
Bank holidays: gov.uk, "UK bank holidays" (https://www.gov.uk/bank-holidays), per nation with
substitute days. The clocks change at 01:00 GMT on the last Sunday of March and October (The
Summer Time Order 2002). Business hours in every case: 08:30-17:00 Monday to Friday, 510 minutes
a day, local (Europe/London) clock times.

Targets (minutes): P1 15 response / 240 resolution on the 24x7 clock; P2 60 / 480; P3 240 /
1,440; P4 480 / 2,400 in business hours."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from joinedup.servicedesk.business_time import LONDON, Calendar, microseconds_of, parse_hours
from joinedup.servicedesk.clocks import (
    ALWAYS,
    BREACHED,
    MET,
    PAUSED,
    RUNNING,
    ClockEvent,
    Target,
    Terms,
    minutes_many,
    running_spans,
    ticket_clocks,
)

OFFICE = parse_hours("08:30-17:00")
TARGETS = {
    "p1": Target("p1", 15, 240, ALWAYS),
    "p2": Target("p2", 60, 480),
    "p3": Target("p3", 240, 1440),
    "p4": Target("p4", 480, 2400),
}
ENGLAND = Terms(hours=OFFICE, nation="england-and-wales", targets=TARGETS)
SCOTLAND = Terms(hours=OFFICE, nation="scotland", targets=TARGETS)
NORTHERN_IRELAND = Terms(hours=OFFICE, nation="northern-ireland", targets=TARGETS)
THIRD_PARTY_PAUSES = Terms(hours=OFFICE, nation="england-and-wales", targets=TARGETS, third_party_pauses=True)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def ev(when: datetime, status: str, priority: str = "p3", responds: bool = False) -> ClockEvent:
    return ClockEvent(at=when, status=status, priority=priority, responds=responds)


# --- weekends --------------------------------------------------------------------------------


WEEKEND = [
    ev(at(2026, 11, 6, 16), "new"),  # Friday
    ev(at(2026, 11, 9, 9), "in_progress", responds=True),  # Monday
    ev(at(2026, 11, 11, 10, 30), "resolved", responds=True),  # Wednesday
]


def test_a_p3_raised_on_friday_afternoon_is_answered_within_target_on_monday() -> None:
    """Response: Fri 6 Nov 2026 16:00-17:00 = 60; Sat, Sun closed; Mon 08:30-09:00 = 30; 90 ≤ 240.
    Due: 240 = 60 (Fri) + 180 from Mon 08:30 = Mon 9 Nov 11:30."""
    clocks = ticket_clocks(WEEKEND, ENGLAND, at(2026, 11, 30))
    assert clocks.response.elapsed_minutes == 90
    assert clocks.response.state == MET
    assert clocks.response.due == at(2026, 11, 9, 11, 30)
    assert clocks.response.stopped_at == at(2026, 11, 9, 9)


def test_a_p3_resolved_the_next_wednesday_is_met_and_its_due_time_skips_the_weekend() -> None:
    """Resolution: Fri 60 + Mon 510 + Tue 510 + Wed 08:30-10:30 120 = 1,200 ≤ 1,440: met.
    Due: 60 + 510 + 510 = 1,080 by Tue 17:00; 360 more from Wed 08:30 = Wed 11 Nov 14:30."""
    clocks = ticket_clocks(WEEKEND, ENGLAND, at(2026, 11, 30))
    assert clocks.resolution.elapsed_minutes == 1200
    assert clocks.resolution.state == MET
    assert clocks.resolution.due == at(2026, 11, 11, 14, 30)
    assert clocks.resolution.stopped_at == at(2026, 11, 11, 10, 30)
    assert clocks.resolution.warning is False


def test_the_same_history_as_a_p2_breaches_on_the_monday() -> None:
    """P2, 480 minutes: 60 (Fri) + 420 from Mon 08:30 = due Mon 9 Nov 15:30; 1,200 > 480 breached.
    Response 90 > 60 breached too."""
    p2 = [ev(e.at, e.status, "p2", e.responds) for e in WEEKEND]
    clocks = ticket_clocks(p2, ENGLAND, at(2026, 11, 30))
    assert (clocks.resolution.elapsed_minutes, clocks.resolution.state) == (1200, BREACHED)
    assert clocks.resolution.due == at(2026, 11, 9, 15, 30)
    assert (clocks.response.elapsed_minutes, clocks.response.state) == (90, BREACHED)


# --- Christmas and New Year --------------------------------------------------------------------


def test_christmas_2027_in_england_and_wales_skips_both_substitute_days_and_new_years() -> None:
    """P4 raised Fri 24 Dec 2027 16:00, no reply by Tue 4 Jan 2028 10:00. Sat 25 and Sun 26 Dec
    fall at the weekend, so Mon 27 (Christmas) and Tue 28 Dec (Boxing Day) are substitute days;
    Sat 1 Jan 2028 gives Mon 3 Jan. Fri 24 Dec 16:00-17:00 = 60; Wed 29, Thu 30, Fri 31 Dec
    3 x 510 = 1,530; Tue 4 Jan 08:30-10:00 = 90: 1,680.
    Response (480): 60 on the 24th, 420 from Wed 29 Dec 08:30 = due 15:30; 1,680 > 480 breached.
    Resolution (2,400): running; 1,680 x 100 = 168,000 < 2,400 x 75 = 180,000, no warning;
    720 more from Tue 4 Jan 10:00: 420 that day, 300 from Wed 5 Jan 08:30 = due 13:30."""
    history = [ev(at(2027, 12, 24, 16), "new", "p4")]
    clocks = ticket_clocks(history, ENGLAND, at(2028, 1, 4, 10))
    assert clocks.response.elapsed_minutes == 1680
    assert clocks.response.state == BREACHED
    assert clocks.response.due == at(2027, 12, 29, 15, 30)
    assert clocks.response.warning is False
    assert clocks.resolution.elapsed_minutes == 1680
    assert clocks.resolution.state == RUNNING
    assert clocks.resolution.warning is False
    assert clocks.resolution.due == at(2028, 1, 5, 13, 30)


def test_christmas_2022_counts_tuesday_27_december_as_the_substitute_christmas_day() -> None:
    """Sun 25 Dec 2022: Mon 26 is Boxing Day and Tue 27 the substitute for Christmas Day.
    Fri 23 Dec 15:00-17:00 = 120; Wed 28 Dec 08:30-10:00 = 90: 210."""
    history = [
        ev(at(2022, 12, 23, 15), "new", "p4"),
        ev(at(2022, 12, 28, 10), "resolved", "p4", responds=True),
    ]
    clocks = ticket_clocks(history, ENGLAND, at(2023, 1, 31))
    assert clocks.resolution.elapsed_minutes == 210
    assert clocks.response.elapsed_minutes == 210


def test_scotland_also_closes_on_2_january() -> None:
    """Raised Wed 31 Dec 2025 16:00, answered Mon 5 Jan 2026 09:30. Scotland: Thu 1 and Fri 2 Jan
    are bank holidays: 60 + 60 = 120. England and Wales work Fri 2 Jan: 60 + 510 + 60 = 630."""
    history = [ev(at(2025, 12, 31, 16), "new"), ev(at(2026, 1, 5, 9, 30), "in_progress", responds=True)]
    assert ticket_clocks(history, SCOTLAND, at(2026, 1, 5, 9, 30)).response.elapsed_minutes == 120
    assert ticket_clocks(history, ENGLAND, at(2026, 1, 5, 9, 30)).response.elapsed_minutes == 630


def test_northern_ireland_closes_on_st_patricks_day() -> None:
    """Raised Mon 16 Mar 2026 16:30, resolved Wed 18 Mar 09:00. Northern Ireland: Tue 17 Mar is
    St Patrick's Day: 30 + 30 = 60. England and Wales: 30 + 510 + 30 = 570."""
    history = [ev(at(2026, 3, 16, 16, 30), "new"), ev(at(2026, 3, 18, 9), "resolved", responds=True)]
    assert ticket_clocks(history, NORTHERN_IRELAND, at(2026, 3, 31)).resolution.elapsed_minutes == 60
    assert ticket_clocks(history, ENGLAND, at(2026, 3, 31)).resolution.elapsed_minutes == 570


def test_northern_ireland_closes_on_monday_13_july_2026_for_the_twelfth_on_a_sunday() -> None:
    """Sun 12 Jul 2026 (Battle of the Boyne) gives the substitute Mon 13 Jul. Raised Fri 10 Jul
    16:00, answered Tue 14 Jul 08:45: Northern Ireland 60 + 15 = 75; England and Wales
    60 + 510 + 15 = 585."""
    history = [ev(at(2026, 7, 10, 16), "new"), ev(at(2026, 7, 14, 8, 45), "in_progress", responds=True)]
    assert ticket_clocks(history, NORTHERN_IRELAND, at(2026, 7, 31)).response.elapsed_minutes == 75
    assert ticket_clocks(history, ENGLAND, at(2026, 7, 31)).response.elapsed_minutes == 585


# --- the clocks changing -------------------------------------------------------------------------


def test_business_hours_are_local_across_the_clocks_going_forward() -> None:
    """Raised Fri 27 Mar 2026 16:00 GMT, resolved Mon 30 Mar 09:30 BST: 60 + 60 = 120 (business
    hours are clock times, the lost hour is at 01:00 on Sunday). P2 resolution (480): 60 on Fri,
    420 from Mon 08:30 BST = due Mon 15:30 BST (14:30 UTC)."""
    history = [ev(at(2026, 3, 27, 16), "new", "p2"), ev(at(2026, 3, 30, 9, 30), "resolved", "p2", True)]
    clocks = ticket_clocks(history, ENGLAND, at(2026, 3, 31))
    assert clocks.resolution.elapsed_minutes == 120
    assert clocks.resolution.due == datetime(2026, 3, 30, 14, 30, tzinfo=UTC)


def test_a_24x7_p1_across_the_clocks_going_forward_counts_the_hours_that_pass() -> None:
    """P1 raised Sat 28 Mar 2026 22:00 GMT, resolved Sun 29 Mar 06:00 BST: 8 hours on the wall
    clock, 7 that pass (01:00 GMT became 02:00 BST) = 420 > 240 breached. Due: 22:00 UTC + 4 h =
    02:00 UTC = 03:00 BST. Response at 22:10 GMT: 10 ≤ 15 met."""
    history = [
        ev(at(2026, 3, 28, 22), "new", "p1"),
        ev(at(2026, 3, 28, 22, 10), "in_progress", "p1", True),
        ev(at(2026, 3, 29, 6), "resolved", "p1", True),
    ]
    clocks = ticket_clocks(history, ENGLAND, at(2026, 3, 31))
    assert clocks.clock == ALWAYS
    assert (clocks.resolution.elapsed_minutes, clocks.resolution.state) == (420, BREACHED)
    assert clocks.resolution.due == at(2026, 3, 29, 3)
    assert (clocks.response.elapsed_minutes, clocks.response.state) == (10, MET)


def test_a_24x7_p1_across_the_clocks_going_back_counts_the_extra_hour() -> None:
    """P1 raised Sat 24 Oct 2026 22:00 BST (21:00 UTC), resolved Sun 25 Oct 02:00 GMT (02:00 UTC):
    4 hours on the wall clock, 5 that pass (02:00 BST became 01:00 GMT) = 300 > 240 breached.
    Due: 21:00 UTC + 4 h = 01:00 UTC = 01:00 GMT, the second 01:00 of the night."""
    history = [
        ev(at(2026, 10, 24, 22), "new", "p1", True),
        ev(at(2026, 10, 25, 2), "resolved", "p1", True),
    ]
    clocks = ticket_clocks(history, ENGLAND, at(2026, 10, 31))
    assert (clocks.resolution.elapsed_minutes, clocks.resolution.state) == (300, BREACHED)
    assert clocks.resolution.due.astimezone(UTC) == datetime(2026, 10, 25, 1, tzinfo=UTC)
    assert clocks.response.elapsed_minutes == 0


def test_business_hours_are_local_across_the_clocks_going_back() -> None:
    """Raised Fri 23 Oct 2026 16:00 BST, answered Mon 26 Oct 09:00 GMT: 60 + 30 = 90 ≤ 240."""
    history = [ev(at(2026, 10, 23, 16), "new"), ev(at(2026, 10, 26, 9), "in_progress", responds=True)]
    clocks = ticket_clocks(history, ENGLAND, at(2026, 10, 26, 9))
    assert (clocks.response.elapsed_minutes, clocks.response.state) == (90, MET)


# --- pauses and reopening ------------------------------------------------------------------------


WAITING = [
    ev(at(2026, 11, 2, 9), "new"),  # Monday
    ev(at(2026, 11, 2, 9, 30), "waiting_requester", responds=True),
    ev(at(2026, 11, 4, 11), "in_progress"),  # the requester replies on Wednesday
    ev(at(2026, 11, 4, 12), "resolved", responds=True),
]


def test_waiting_on_the_requester_pauses_the_resolution_clock() -> None:
    """09:00-09:30 = 30 running; paused until Wed 11:00; 11:00-12:00 = 60: 90 (not the 1,200 of
    Mon 09:00-17:00 480 + Tue 510 + Wed 08:30-12:00 210). Response 30."""
    clocks = ticket_clocks(WAITING, ENGLAND, at(2026, 11, 30))
    assert clocks.resolution.elapsed_minutes == 90
    assert clocks.resolution.state == MET
    assert clocks.response.elapsed_minutes == 30


def test_a_ticket_waiting_on_the_requester_shows_paused_and_its_due_time_moves_with_the_pause() -> None:
    """As at Tue 3 Nov 12:00: 30 minutes ran before the pause; due (1,440) if it resumed now:
    1,410 more from Tue 12:00 = 300 that day, 510 Wed, 510 Thu, 90 from Fri 08:30 = Fri 6 Nov 10:00."""
    clocks = ticket_clocks(WAITING, ENGLAND, at(2026, 11, 3, 12))
    assert clocks.resolution.elapsed_minutes == 30
    assert clocks.resolution.state == PAUSED
    assert clocks.resolution.due == at(2026, 11, 6, 10)


THIRD_PARTY = [
    ev(at(2026, 11, 2, 9), "new"),
    ev(at(2026, 11, 2, 10), "waiting_third_party", responds=True),
    ev(at(2026, 11, 3, 10), "in_progress"),
    ev(at(2026, 11, 3, 11), "resolved", responds=True),
]


def test_waiting_on_a_third_party_pauses_only_when_the_agreement_says_so() -> None:
    """Paused: Mon 09:00-10:00 60 + Tue 10:00-11:00 60 = 120. Not paused: Mon 09:00-17:00 480 +
    Tue 08:30-11:00 150 = 630."""
    assert ticket_clocks(THIRD_PARTY, THIRD_PARTY_PAUSES, at(2026, 11, 30)).resolution.elapsed_minutes == 120
    assert ticket_clocks(THIRD_PARTY, ENGLAND, at(2026, 11, 30)).resolution.elapsed_minutes == 630


def test_waiting_on_a_third_party_shows_running_when_the_agreement_does_not_pause_it() -> None:
    """As at Mon 2 Nov 16:00, waiting on the supplier since 10:00: 420 minutes; paused by
    agreement it would show 60."""
    as_of = at(2026, 11, 2, 16)
    counted = ticket_clocks(THIRD_PARTY, ENGLAND, as_of).resolution
    paused = ticket_clocks(THIRD_PARTY, THIRD_PARTY_PAUSES, as_of).resolution
    assert (counted.elapsed_minutes, counted.state) == (420, RUNNING)
    assert (paused.elapsed_minutes, paused.state) == (60, PAUSED)


REOPENED = [
    ev(at(2026, 11, 2, 9), "new", "p2"),
    ev(at(2026, 11, 2, 11), "resolved", "p2", True),
    ev(at(2026, 11, 3, 14), "reopened", "p2"),
    ev(at(2026, 11, 3, 15, 30), "resolved", "p2", True),
]


def test_reopening_a_resolved_ticket_runs_its_clock_again_from_the_total_so_far() -> None:
    """P2 (480). Resolved Mon 11:00 after 120: met. Reopened Tue 14:00, as at 14:30: 120 + 30 =
    150, running. Resolved again 15:30: 120 + 90 = 210 ≤ 480, met. Stopped, the due time leaves
    out the stop it is in: Mon 09:00 + 120 to 11:00, paused to Tue 14:00, 360 more: 180 Tue
    (to 17:00) and 180 from Wed 08:30 = Wed 4 Nov 11:30."""
    first = ticket_clocks(REOPENED, ENGLAND, at(2026, 11, 2, 12)).resolution
    assert (first.elapsed_minutes, first.state) == (120, MET)
    again = ticket_clocks(REOPENED, ENGLAND, at(2026, 11, 3, 14, 30)).resolution
    assert (again.elapsed_minutes, again.state) == (150, RUNNING)
    final = ticket_clocks(REOPENED, ENGLAND, at(2026, 11, 30)).resolution
    assert (final.elapsed_minutes, final.state) == (210, MET)
    assert final.due == at(2026, 11, 4, 11, 30)


def test_reopening_can_breach_a_ticket_met_at_its_first_resolution() -> None:
    """P2 with 480: resolved Mon after 120 (met), reopened Tue 08:30 and resolved Tue 15:00
    (390): 510 > 480 breached."""
    history = [
        *REOPENED[:2],
        ev(at(2026, 11, 3, 8, 30), "reopened", "p2"),
        ev(at(2026, 11, 3, 15), "resolved", "p2"),
    ]
    final = ticket_clocks(history, ENGLAND, at(2026, 11, 30)).resolution
    assert (final.elapsed_minutes, final.state) == (510, BREACHED)


# --- warnings and priority changes ------------------------------------------------------------


def test_a_warning_comes_at_75_percent_of_the_target_before_the_breach() -> None:
    """P2 raised Mon 2 Nov 09:00, 480 minutes, due Mon 17:00. 75% is 360: at 14:59, 359 minutes, no
    warning; at 15:00, 360, warning; at 17:00, 480, still met-able (the 480th minute is within
    target) and warning; at Tue 08:31, 481, breached and no longer a warning."""
    history = [ev(at(2026, 11, 2, 9), "new", "p2", True)]
    cases = {
        at(2026, 11, 2, 14, 59): (359, RUNNING, False),
        at(2026, 11, 2, 15): (360, RUNNING, True),
        at(2026, 11, 2, 17): (480, RUNNING, True),
        at(2026, 11, 3, 8, 31): (481, BREACHED, False),
    }
    for as_of, expected in cases.items():
        clock = ticket_clocks(history, ENGLAND, as_of).resolution
        assert (clock.elapsed_minutes, clock.state, clock.warning) == expected, as_of
        assert clock.due == at(2026, 11, 2, 17)


def test_a_priority_change_re_targets_from_creation_on_the_new_priority_s_clock() -> None:
    """Raised P3 Mon 2 Nov 09:00; raised to P1 at 10:00 by the agent's first reply; resolved
    12:00. Judged as a P1 from creation on the 24x7 clock: response 60 > 15 breached,
    resolution 180 ≤ 240 met; due 09:00 + 4 h = 13:00."""
    history = [
        ev(at(2026, 11, 2, 9), "new", "p3"),
        ev(at(2026, 11, 2, 10), "in_progress", "p1", True),
        ev(at(2026, 11, 2, 12), "resolved", "p1", True),
    ]
    clocks = ticket_clocks(history, ENGLAND, at(2026, 11, 30))
    assert (clocks.priority, clocks.clock) == ("p1", ALWAYS)
    assert (clocks.response.elapsed_minutes, clocks.response.state) == (60, BREACHED)
    assert (clocks.resolution.elapsed_minutes, clocks.resolution.state) == (180, MET)
    assert clocks.resolution.due == at(2026, 11, 2, 13)
    # As at 09:30, before the change, it was a P3 on business hours: 30 minutes of 240 to respond.
    earlier = ticket_clocks(history, ENGLAND, at(2026, 11, 2, 9, 30))
    assert (earlier.priority, earlier.response.elapsed_minutes, earlier.response.state) == ("p3", 30, RUNNING)


# --- reproducible, and the bulk form agrees -----------------------------------------------------


HISTORIES = [WEEKEND, WAITING, THIRD_PARTY, REOPENED, [ev(at(2027, 12, 24, 16), "new", "p4")]]


def test_a_report_run_twice_gives_identical_results() -> None:
    """Pure: the same events, terms and as_of give equal clocks, in any order of the events."""
    as_of = at(2028, 1, 4, 10)
    first = [ticket_clocks(h, THIRD_PARTY_PAUSES, as_of) for h in HISTORIES]
    second = [ticket_clocks(list(reversed(h)), THIRD_PARTY_PAUSES, as_of) for h in HISTORIES]
    assert first == second


def test_the_bulk_form_gives_each_tickets_resolution_minutes_as_the_clock_does() -> None:
    """minutes_many over every ticket's running spans = ticket_clocks' elapsed: 1,200, 90, 120,
    210 and (as at Tue 4 Jan 2028 10:00) 1,680."""
    as_of = at(2028, 1, 4, 10)
    owner, starts, ends = [], [], []
    for index, history in enumerate(HISTORIES):
        for start, end in running_spans(history, as_of, third_party_pauses=True):
            owner.append(index)
            starts.append(microseconds_of(start))
            ends.append(microseconds_of(end))
    bulk = minutes_many(
        Calendar(OFFICE, "england-and-wales"),
        np.array(owner, dtype=np.int64),
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        len(HISTORIES),
    )
    assert bulk.tolist() == [1200, 90, 120, 210, 1680]
    one_by_one = [ticket_clocks(h, THIRD_PARTY_PAUSES, as_of).resolution.elapsed_minutes for h in HISTORIES]
    assert bulk.tolist() == one_by_one
