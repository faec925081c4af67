"""Service-level warnings and escalation: ``joinedup servicedesk sla-warnings``.

``sla_warnings(actor=..., as_of=...)`` measures every open ticket's clocks (``ticket_clocks``)
at ``as_of`` and, for each clock that has passed its agreement's warning per cent or breached,
and has not yet been noticed at that stage, appends one internal ``TicketEvent`` (kind
``warning`` or ``breach``; its status and priority the ticket's own, unchanged) and notifies the
assignee, or the team's members when nobody is assigned (``notifications.notify``: in the app,
and by email where mail is configured). One audit event records the run.

Stages, per ticket and clock (response, resolution): a warning, then a breach. Each is noticed
once in the ticket's life: running again warns nobody twice (the events written are the
record, read back before writing under the ticket's row lock). A clock that breached before it
was ever warned gets the breach alone. A response clock that has stopped (answered, late or
not) asks nothing of anyone, so it is not noticed.

The notices are internal (``public`` false): the requester never sees them, in the history,
the page or the API; the clocks skip them (``ticket_clocks.CLOCK_NOTICES``), so noticing a
ticket never changes its figures. Each notice is dated ``as_of`` (the instant measured), which
may not be in the future.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.dates import people_datetime
from joinedup.partnership.cli import operator
from joinedup.partnership.permissions import authorise, is_member
from joinedup.servicedesk import clocks, notifications, ticket_clocks
from joinedup.servicedesk.models import EventKind, Ticket, TicketEvent
from joinedup.servicedesk.selectors import OPEN_STATUSES

RESPONSE = "Response"
RESOLUTION = "Resolution"


@dataclass
class Run:
    as_of: datetime
    checked: int = 0
    warned: int = 0
    breached: int = 0
    tickets: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "checked": self.checked,
            "warned": self.warned,
            "breached": self.breached,
            "tickets": self.tickets,
        }


def _stage(clock: clocks.Clock) -> str:
    if clock.state == clocks.BREACHED:
        return EventKind.BREACH
    return EventKind.WARNING if clock.warning else ""


def _body(name: str, stage: str, clock: clocks.Clock) -> str:
    if stage == EventKind.BREACH:
        said = f"breached: {clock.elapsed_minutes:,} minutes against a target of {clock.target_minutes:,}"
    else:
        said = f"warning: {clock.elapsed_minutes:,} of {clock.target_minutes:,} minutes have run"
    return f"{name} {said}; due {people_datetime(clock.due, weekday=True)} (UK time)."


def _recipients(ticket: Ticket) -> list[Any]:
    people: list[Any]
    if ticket.assignee is not None:
        people = [ticket.assignee]
    elif ticket.team_id is not None:
        people = list(get_user_model().objects.filter(servicedesk_teams=ticket.team_id, is_active=True))
    else:
        people = []
    return sorted(
        (p for p in people if p.is_active and is_member(p, ticket.partner_id)), key=lambda p: p.username
    )


def _noticed(tickets: list[Ticket]) -> set[tuple[int, str, str]]:
    """(ticket, stage, clock name) of every notice already given."""
    rows = (
        TicketEvent.objects.for_partners(sorted({t.partner_id for t in tickets}))
        .filter(ticket_id__in=[t.pk for t in tickets], kind__in=ticket_clocks.CLOCK_NOTICES)
        .values_list("ticket_id", "kind", "body")
    )
    return {(ticket_id, kind, body.split(" ", 1)[0]) for ticket_id, kind, body in rows}


@transaction.atomic
def sla_warnings(*, actor: Any, as_of: datetime | None = None) -> Run:
    """Warn and escalate once per ticket, clock and stage (see the module docstring)."""
    now = timezone.now()
    as_of = as_of or now
    if timezone.is_naive(as_of):
        raise ValidationError({"as_of": "Give a time with its offset (or Europe/London)."})
    if as_of > now:
        raise ValidationError({"as_of": "The clocks cannot warn about a time that has not come."})
    run = Run(as_of=as_of)
    with rls.system_context("servicedesk sla-warnings reads every partner's open tickets"):
        tickets = list(
            Ticket.objects.unscoped(reason="sla-warnings measures every partner's open tickets")
            .filter(status__in=OPEN_STATUSES, raised_at__lte=as_of)
            .select_related("assignee", "team")
            .order_by("partner_id", "raised_at", "pk")
        )
        run.checked = len(tickets)
        found = ticket_clocks.clocks_many(tickets, as_of=as_of)
        noticed = _noticed(tickets)
        for ticket in tickets:
            measured = found.get(ticket.pk)
            if measured is None:
                continue
            for name, clock in ((RESPONSE, measured.response), (RESOLUTION, measured.resolution)):
                stage = _stage(clock)
                if not stage or clock.stopped_at is not None or (ticket.pk, stage, name) in noticed:
                    continue
                if _notice(actor, ticket, name, stage, clock, as_of, run):
                    noticed.add((ticket.pk, stage, name))
        record_event(
            actor=actor,
            partner=None,
            action="servicedesk.sla_warnings_run",
            object_type="servicedesk.sla_warnings",
            after={k: v for k, v in run.as_json().items() if k != "tickets"}
            | {"notices": [[t["reference"], t["clock"], t["stage"]] for t in run.tickets]},
        )
    return run


def scheduled_run() -> Run:
    """The run ``joinedup worker`` makes every JOINEDUP_SLA_WARNINGS_EVERY_MINUTES (core/worker.py)."""
    return sla_warnings(actor=operator("worker: servicedesk sla-warnings"))


def _notice(
    actor: Any, ticket: Ticket, name: str, stage: str, clock: clocks.Clock, as_of: datetime, run: Run
) -> bool:
    authorise(actor, "servicedesk.work", ticket.partner_id)
    # Under the ticket's row lock, read the notices again: a run at the same time wrote first.
    locked = Ticket.objects.for_partner(ticket.partner_id).select_for_update().get(pk=ticket.pk)
    if not locked.is_open:
        return False
    body = _body(name, stage, clock)
    given = TicketEvent.objects.for_partner(ticket.partner_id).filter(
        ticket=ticket, kind=stage, body__startswith=f"{name} "
    )
    if given.exists():
        return False
    TicketEvent.objects.create(
        ticket=ticket,
        partner_id=ticket.partner_id,
        at=as_of,
        kind=stage,
        status=locked.status,
        priority=locked.priority,
        actor=None,
        public=False,
        body=body,
        responds=False,
    )
    told = []
    for person in _recipients(ticket):
        notifications.notify(
            user=person,
            partner=ticket.partner_id,
            subject=notifications.ticket_subject(
                ticket.reference, f"Service level {'breached' if stage == EventKind.BREACH else 'warning'}"
            ),
            text=body,
            link=f"/servicedesk/tickets/{ticket.pk}/",
        )
        told.append(person.username)
    if stage == EventKind.BREACH:
        run.breached += 1
    else:
        run.warned += 1
    run.tickets.append(
        {
            "reference": ticket.reference,
            "clock": name.lower(),
            "stage": stage,
            "elapsed_minutes": clock.elapsed_minutes,
            "target_minutes": clock.target_minutes,
            "due": clock.due.isoformat(),
            "notified": told,
        }
    )
    return True
