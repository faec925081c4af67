"""The 72-hour clock of a personal data breach: pure datetime arithmetic, no Django.

UK GDPR Article 33(1): the controller notifies the Information Commissioner "without undue delay
and, where feasible, not later than 72 hours after having become aware of it … unless the
personal data breach is unlikely to result in a risk to the rights and freedoms of natural
persons". Where it is not made within 72 hours, the notification is "accompanied by reasons for
the delay". Article 33(5): the controller documents every breach, its effects and the remedial
action, whether notified or not, so a decision not to notify carries its reason.

The hours are elapsed hours, nights, weekends and bank holidays included (ICO, 'Personal data
breaches: a guide'), counted from the instant the controller became aware: no working-day roll,
unlike a subject-access request. The figures come from ``rules/breach_notification.toml`` as a
:class:`ClockRules`; the state is for one controller (one affected partner) at one instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["Clock", "ClockRules", "ClockState", "Decision", "clock", "ico_deadline"]


class Decision(StrEnum):
    """The controller's decision on telling the Commissioner (Article 33(1) and (5))."""

    UNDECIDED = "undecided"
    NOTIFY = "notify"
    NOT_REQUIRED = "not_required"


class ClockState(StrEnum):
    NOTIFIED_IN_TIME = "notified_in_time"
    NOTIFIED_LATE = "notified_late"
    NOT_NEEDED = "not_needed"
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


LABELS = {
    ClockState.NOTIFIED_IN_TIME: "ICO notified in time",
    ClockState.NOTIFIED_LATE: "ICO notified late",
    ClockState.NOT_NEEDED: "Not notifiable (reason recorded)",
    ClockState.DUE: "Due",
    ClockState.DUE_SOON: "Due within a day",
    ClockState.OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class ClockRules:
    notify_within: timedelta
    warn_within: timedelta


@dataclass(frozen=True)
class Clock:
    state: ClockState
    deadline: datetime
    # Until the deadline while the clock runs (due or due soon); None once it has stopped or passed.
    time_left: timedelta | None

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def hours_left(self) -> int | None:
        """Whole hours left, rounded down (the page's "31 hours left")."""
        return None if self.time_left is None else int(self.time_left.total_seconds() // 3600)

    @property
    def needs_attention(self) -> bool:
        return self.state in (ClockState.DUE_SOON, ClockState.OVERDUE)


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: a naive time cannot be put on the 72-hour clock.")


def ico_deadline(aware_at: datetime, rules: ClockRules) -> datetime:
    """The latest instant of a notification in time: awareness plus 72 hours (Article 33(1))."""
    _aware(aware_at, "aware_at")
    return aware_at + rules.notify_within


def clock(
    *,
    aware_at: datetime,
    now: datetime,
    decision: str,
    notified_at: datetime | None,
    rules: ClockRules,
) -> Clock:
    """Where one controller stands on the clock at ``now``."""
    _aware(now, "now")
    deadline = ico_deadline(aware_at, rules)
    if notified_at is not None:
        _aware(notified_at, "notified_at")
        late = notified_at > deadline
        return Clock(ClockState.NOTIFIED_LATE if late else ClockState.NOTIFIED_IN_TIME, deadline, None)
    if decision == Decision.NOT_REQUIRED:
        return Clock(ClockState.NOT_NEEDED, deadline, None)
    # Undecided, or decided to notify and not yet notified: the clock runs either way.
    if now > deadline:
        return Clock(ClockState.OVERDUE, deadline, None)
    left = deadline - now
    return Clock(ClockState.DUE_SOON if left <= rules.warn_within else ClockState.DUE, deadline, left)
