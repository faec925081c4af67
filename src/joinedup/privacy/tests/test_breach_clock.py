"""The 72-hour clock of a personal data breach (privacy/breach_clock.py), on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from joinedup.privacy.breach_clock import ClockRules, ClockState, clock, ico_deadline

RULES = ClockRules(notify_within=timedelta(hours=72), warn_within=timedelta(hours=24))
# Aware on a Friday afternoon: the weekend counts (ICO: the 72 hours are not working hours).
AWARE = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def state(now: datetime, decision: str = "undecided", notified_at: datetime | None = None) -> ClockState:
    return clock(aware_at=AWARE, now=now, decision=decision, notified_at=notified_at, rules=RULES).state


def test_the_deadline_is_72_hours_after_awareness_weekend_included() -> None:
    # UK GDPR Art. 33(1): "not later than 72 hours after having become aware of it".
    assert ico_deadline(AWARE, RULES) == datetime(2026, 12, 7, 15, 30, tzinfo=UTC)


def test_the_deadline_is_an_instant_whatever_the_offset_it_was_given_in() -> None:
    # 16:30 in Paris is 15:30 UTC: the same 72 hours.
    paris = AWARE.astimezone(timezone(timedelta(hours=1)))
    assert ico_deadline(paris, RULES) == datetime(2026, 12, 7, 15, 30, tzinfo=UTC)


def test_an_undecided_breach_is_due_with_the_hours_left() -> None:
    found = clock(
        aware_at=AWARE, now=AWARE + timedelta(hours=10), decision="undecided", notified_at=None, rules=RULES
    )
    assert (found.state, found.hours_left, found.needs_attention) == (ClockState.DUE, 62, False)


def test_a_breach_within_24_hours_of_its_deadline_is_due_soon() -> None:
    found = clock(
        aware_at=AWARE, now=AWARE + timedelta(hours=48), decision="notify", notified_at=None, rules=RULES
    )
    assert (found.state, found.hours_left, found.needs_attention) == (ClockState.DUE_SOON, 24, True)
    assert state(AWARE + timedelta(hours=47, minutes=59)) == ClockState.DUE


def test_the_last_instant_is_still_in_time_and_the_next_is_overdue() -> None:
    deadline = AWARE + timedelta(hours=72)
    assert state(deadline) == ClockState.DUE_SOON
    assert state(deadline + timedelta(seconds=1)) == ClockState.OVERDUE
    assert state(deadline + timedelta(seconds=1), decision="notify") == ClockState.OVERDUE


def test_a_notification_by_the_deadline_is_in_time_and_after_it_late() -> None:
    # Art. 33(1): a notification after 72 hours comes "accompanied by reasons for the delay".
    later = AWARE + timedelta(days=30)
    assert state(later, "notify", AWARE + timedelta(hours=72)) == ClockState.NOTIFIED_IN_TIME
    assert state(later, "notify", AWARE + timedelta(hours=72, minutes=1)) == ClockState.NOTIFIED_LATE


def test_a_breach_decided_not_notifiable_stops_the_clock_even_after_the_deadline() -> None:
    # Art. 33(1): no notification when the breach is "unlikely to result in a risk"; Art. 33(5)
    # documents the reason (the services insist on it).
    found = clock(
        aware_at=AWARE, now=AWARE + timedelta(days=5), decision="not_required", notified_at=None, rules=RULES
    )
    assert (found.state, found.hours_left, found.label) == (
        ClockState.NOT_NEEDED,
        None,
        "Not notifiable (reason recorded)",
    )


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware_at must be timezone-aware"):
        ico_deadline(datetime(2026, 12, 4, 15, 30), RULES)  # noqa: DTZ001 — the naive time refused
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        state(datetime(2026, 12, 4, 16, 30))  # noqa: DTZ001 — the naive time refused
