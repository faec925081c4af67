"""Who acts: a user, or the system on its own account — never nobody.

Every write names its actor, and the audit trail records it. A person acts as their user. The
platform acts as a ``SystemActor`` that says why (a nightly job, the demo seeder, a command run
without ``--as``) and, when an operator started it, who. ``None`` is refused everywhere an actor
is taken, so a forgotten actor fails loudly instead of acting with every permission unrecorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own account, with the reason and the operator (an OS user
    who started it, if one did). It is allowed everything a permission check asks, so create
    one only where no user is acting: commands without ``--as``, seeding, background jobs."""

    reason: str
    operator: str | None = None

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("A system actor needs a reason: say what the system is doing.")

    @property
    def label(self) -> str:
        """How the audit trail names it: ``system: demo seeding`` or
        ``system (operator root): joinedup payroll run``."""
        who = f"system (operator {self.operator})" if self.operator else "system"
        return f"{who}: {self.reason}"

    def __str__(self) -> str:
        return self.label


NO_ACTOR = (
    "An actor is required: pass the acting user, or SystemActor(reason=...) when the system "
    "acts on its own account. None is refused, so that no write goes unattributed."
)


def is_system(actor: Any) -> bool:
    """True for the system, False for a user; refuses ``None``."""
    if actor is None:
        raise TypeError(NO_ACTOR)
    return isinstance(actor, SystemActor)


def user_of(actor: Any) -> Any:
    """The user to store in a ``…_by`` column: the acting user, or None when the system acts."""
    return None if is_system(actor) else actor


def actor_label(actor: Any) -> str:
    """How a record names who acted: the system's label, or the user's username."""
    return str(actor.label) if is_system(actor) else str(actor.get_username())


def actor_name(actor: Any, *, limit: int = 150) -> str:
    """The system's label, or the user's full name (their username when they have none), cut to
    ``limit`` characters to fit the column that keeps it."""
    label = actor.label if is_system(actor) else str(actor.get_full_name() or actor.username)
    return str(label)[:limit]
