"""A ticket's service-level clocks from its stored history: the selectors between the tickets'
``TicketEvent`` rows and the pure clocks (``clocks.ticket_clocks``).

``ticket_clocks(ticket)`` reads the ticket's events in (at, id) order, turns them into
``ClockEvent`` values and measures them under the agreement in force when the ticket was raised
(``levels.clocks_for``); None when the partner had no agreement then. ``clocks_many(tickets)``
does the same for a page of tickets with one query for all their events and one for their
partners' agreements (with targets), never a query per ticket.

The service-level events (``warning`` and ``breach``, written by ``sla_warnings``) are records
*about* the clocks, not changes to the ticket: they are left out of the clocks' input, so a
ticket's figures are the same before and after it was warned.

Callers hold a ticket they may see (``selectors.ticket_for`` or a queue); these read no
permission of their own, as ``levels.clocks_for`` does not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from joinedup.servicedesk import clocks, levels
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.models import EventKind, Ticket, TicketEvent
from joinedup.servicedesk.models.levels import ServiceLevelAgreement, ServiceLevelTarget

# Events about the clocks themselves, which the clocks do not read.
CLOCK_NOTICES = (EventKind.WARNING, EventKind.BREACH)


def _clock_event(event: TicketEvent) -> clocks.ClockEvent:
    return clocks.ClockEvent(
        at=event.at, status=event.status, priority=event.priority, responds=event.responds
    )


def _events_of(tickets: Sequence[Ticket]) -> dict[int, list[clocks.ClockEvent]]:
    by_ticket: dict[int, list[clocks.ClockEvent]] = defaultdict(list)
    if not tickets:
        return by_ticket
    partners = sorted({t.partner_id for t in tickets})
    rows = (
        TicketEvent.objects.for_partners(partners)
        .filter(ticket_id__in=[t.pk for t in tickets])
        .exclude(kind__in=CLOCK_NOTICES)
        .order_by("ticket_id", "at", "pk")
        .only("ticket_id", "at", "status", "priority", "responds")
    )
    for row in rows:
        by_ticket[row.ticket_id].append(_clock_event(row))
    return by_ticket


def ticket_clocks(ticket: Ticket, *, as_of: datetime | None = None) -> clocks.Clocks | None:
    """The ticket's response and resolution clocks as at ``as_of`` (default now), under the
    agreement in force when it was raised; None without one."""
    events = _events_of([ticket]).get(ticket.pk, [])
    if not events:
        return None
    return levels.clocks_for(
        partner=ticket.partner,
        service=ticket.service,
        events=events,
        as_of=as_of or timezone.now(),
        priority=ticket.priority,
    )


def _agreements_of(partner_ids: Sequence[int]) -> dict[int, list[ServiceLevelAgreement]]:
    """Each partner's agreements, newest first, with their targets: two queries in all."""
    found: dict[int, list[ServiceLevelAgreement]] = defaultdict(list)
    rows = (
        ServiceLevelAgreement.objects.for_partners(list(partner_ids))
        .order_by("partner_id", "-effective_from")
        .prefetch_related(
            Prefetch("targets", queryset=ServiceLevelTarget.objects.for_partners(list(partner_ids)))
        )
    )
    for agreement in rows:
        found[agreement.partner_id].append(agreement)
    return found


def clocks_many(
    tickets: Sequence[Ticket], *, as_of: datetime | None = None
) -> dict[int, clocks.Clocks | None]:
    """``ticket_clocks`` for each ticket, by ticket id: three queries whatever the number."""
    tickets = list(tickets)
    as_of = as_of or timezone.now()
    events = _events_of(tickets)
    agreements = _agreements_of(sorted({t.partner_id for t in tickets}))
    terms: dict[tuple[int, str], clocks.Terms] = {}
    result: dict[int, clocks.Clocks | None] = {}
    for ticket in tickets:
        history = events.get(ticket.pk, [])
        if not history:
            result[ticket.pk] = None
            continue
        day = history[0].at.astimezone(LONDON).date()
        agreement = next((a for a in agreements.get(ticket.partner_id, []) if a.effective_from <= day), None)
        if agreement is None:
            result[ticket.pk] = None
            continue
        key = (agreement.pk, ticket.service)
        if key not in terms:
            terms[key] = levels.terms_from(agreement, agreement.targets.all(), ticket.service)
        result[ticket.pk] = clocks.ticket_clocks(history, terms[key], as_of, priority=ticket.priority)
    return result


# --- how the pages and the API put a ticket's clocks -----------------------------------------


def next_due(found: clocks.Clocks) -> datetime:
    """The time the ticket must next meet: its response's until it is answered (a breached,
    unanswered one is due in the past), then its resolution's (the queue's order of breach risk)."""
    return found.response.due if found.response.stopped_at is None else found.resolution.due


def risk(found: clocks.Clocks) -> str:
    """``breached`` when either clock has breached, ``warning`` when either warns, else ""."""
    if clocks.BREACHED in (found.response.state, found.resolution.state):
        return clocks.BREACHED
    return "warning" if found.response.warning or found.resolution.warning else ""


def by_breach_risk(tickets: Sequence[Ticket], found: dict[int, clocks.Clocks | None]) -> list[Ticket]:
    """The tickets soonest due first (a breached one is due in the past, so it leads); those
    without an agreement last, oldest first."""

    def key(ticket: Ticket) -> tuple[int, float, float, int]:
        clock = found.get(ticket.pk)
        if clock is None:
            return (1, 0.0, ticket.raised_at.timestamp(), ticket.pk)
        return (0, next_due(clock).timestamp(), ticket.raised_at.timestamp(), ticket.pk)

    return sorted(tickets, key=key)
