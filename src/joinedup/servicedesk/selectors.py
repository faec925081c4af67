"""Reads of tickets, each taking the viewer, so no caller can forget who is looking.

Who sees a ticket:

- its **requester**, always (and only their own, among the tickets they raised);
- a **manager** (``servicedesk.view_team``) the tickets their team raised: the requesters whose
  employment names them as line manager (``people.selectors.team_of``), read only;
- **agents and service administrators** (``servicedesk.view``) every ticket of the partners they
  hold it on;
- anyone else nothing: a ticket they may not see answers 404 (``ticket_for``).

Internal notes (and internal attachments, and the reasons for priority changes) are events with
``public`` false: ``history`` returns them only to a viewer with ``servicedesk.work`` or
``servicedesk.view`` on the ticket's partner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.core.actors import is_system
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, member_partners, partner_ids_with
from joinedup.people.selectors import team_of
from joinedup.servicedesk.models import Team, Ticket, TicketAttachment, TicketEvent, TicketStatus

OPEN_STATUSES = [s for s in TicketStatus.values if s not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)]


def _related(found: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return found.select_related("partner", "requester", "assignee", "team", "category")


def visible_tickets(user: Any) -> QuerySet[Ticket]:
    """Every ticket ``user`` may see, newest first."""
    if is_system(user):
        return _related(Ticket.objects.unscoped(reason="the system reads every ticket")).order_by(
            "-raised_at"
        )
    if not user.is_authenticated:
        return Ticket.objects.for_partners([]).order_by("pk")
    partners = [p.pk for p in member_partners(user)]
    seen = Q(requester_id=user.pk) | Q(partner_id__in=partner_ids_with(user, "servicedesk.view"))
    managed = partner_ids_with(user, "servicedesk.view_team")
    if managed:
        team = [e.pk for e in team_of(user) if e.partner_id in managed]
        if team:
            seen |= Q(requester_employment_id__in=team)
    return _related(Ticket.objects.for_partners(partners).filter(seen)).order_by("-raised_at", "-pk")


def ticket_for(user: Any, *, ticket_id: int) -> Ticket:
    """The ticket, if ``user`` may see it; 404 otherwise (another partner's, or a colleague's)."""
    found = visible_tickets(user).filter(pk=ticket_id).first()
    if found is None:
        raise Http404("No such ticket.")
    return found


def sees_internal(user: Any, ticket: Ticket) -> bool:
    """Whether ``user`` may read the ticket's internal notes: agents and service administrators."""
    return has_permission(user, "servicedesk.work", ticket.partner_id) or has_permission(
        user, "servicedesk.view", ticket.partner_id
    )


def can_work(user: Any, ticket: Ticket) -> bool:
    return has_permission(user, "servicedesk.work", ticket.partner_id)


def history(user: Any, *, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's events in order, as ``user`` may read them: internal ones only for agents and
    service administrators. Ask with a ticket from ``ticket_for``."""
    ticket_for(user, ticket_id=ticket.pk)
    events = TicketEvent.objects.for_partner(ticket.partner_id).filter(ticket=ticket)
    if not sees_internal(user, ticket):
        events = events.filter(public=True)
    return events.select_related("actor").order_by("at", "pk")


def attachments_of(user: Any, *, ticket: Ticket) -> QuerySet[TicketAttachment]:
    ticket_for(user, ticket_id=ticket.pk)
    found = TicketAttachment.objects.for_partner(ticket.partner_id).filter(ticket=ticket)
    if not sees_internal(user, ticket):
        found = found.filter(public=True)
    return found.order_by("uploaded_at", "pk")


def attachment_for(user: Any, *, ticket: Ticket, attachment_id: int) -> TicketAttachment:
    found = attachments_of(user, ticket=ticket).filter(pk=attachment_id).first()
    if found is None:
        raise Http404("No such attachment.")
    return found


def my_tickets(user: Any, *, open_only: bool = False) -> QuerySet[Ticket]:
    """The tickets ``user`` raised (or that were raised for them), newest first."""
    if is_system(user) or not user.is_authenticated:
        return Ticket.objects.for_partners([]).order_by("pk")
    found = Ticket.objects.for_partners([p.pk for p in member_partners(user)]).filter(requester_id=user.pk)
    if open_only:
        found = found.filter(status__in=OPEN_STATUSES)
    return _related(found).order_by("-raised_at", "-pk")


def team_tickets(user: Any) -> QuerySet[Ticket]:
    """The tickets raised by a manager's team (empty for anyone who manages no one)."""
    managed = partner_ids_with(user, "servicedesk.view_team")
    team = [e.pk for e in team_of(user) if e.partner_id in managed] if managed else []
    if not team:
        return Ticket.objects.for_partners([]).order_by("pk")
    found = Ticket.objects.for_partners(managed).filter(requester_employment_id__in=team)
    return _related(found).order_by("-raised_at", "-pk")


def queue(
    user: Any,
    *,
    team: Team | None = None,
    status: str = "",
    partner: Partner | None = None,
    priority: str = "",
    assignee: Any = None,
) -> QuerySet[Ticket]:
    """The open tickets an agent works, oldest first: of every partner they hold
    ``servicedesk.view`` on (or of ``partner``), narrowed to a team, a status, a priority or an
    assignee."""
    partners = partner_ids_with(user, "servicedesk.view")
    if partner is not None:
        partners = [p for p in partners if p == partner.pk]
    found = Ticket.objects.for_partners(partners)
    found = found.filter(status=status) if status else found.filter(status__in=OPEN_STATUSES)
    if team is not None:
        found = found.filter(team=team)
    if priority:
        found = found.filter(priority=priority)
    if assignee is not None:
        found = found.filter(assignee=assignee)
    return _related(found).order_by("raised_at", "pk")


def teams() -> QuerySet[Team]:
    return Team.objects.filter(active=True).order_by("name")
