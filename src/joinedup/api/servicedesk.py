"""Service-desk tickets over JSON: raise one (for yourself, or as an agent for someone else), list
the tickets you may see, read one and its history, reply, add an internal note, assign, and move
its status (resolved, closed and reopened included) or priority.

Who sees what is the selectors' rule (servicedesk/selectors.py): a requester their own tickets,
a manager their team's, agents and service administrators every ticket of their partners. A
ticket you may not see answers 404. A history read by anyone but an agent or administrator
holds no internal notes. A ticket's linked assets (``assets`` on its detail) are listed to those
who read its partner's asset register; agents link and unlink them."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.servicedesk import clocks, selectors, services, ticket_assets, ticket_clocks
from joinedup.servicedesk.models import Asset, Category, Team, Ticket, TicketEvent

router = Router(tags=["servicedesk"])


class TicketOut(Schema):
    id: int
    reference: str
    partner: str
    service: str
    type: str
    category: str
    impact: str
    urgency: str
    priority: str
    status: str
    subject: str
    description: str
    requester: str
    team: str
    assignee: str
    raised_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    complaint_stage: int | None


class TicketClockOut(Schema):
    target_minutes: int = Field(description="The target, in minutes on the clock (business or 24x7).")
    elapsed_minutes: int = Field(description="Whole minutes counted so far (pauses left out).")
    due: datetime = Field(description="When the target falls due, pauses so far allowed for.")
    state: str = Field(description="met, breached, running or paused.")
    warning: bool = Field(description="Open, not breached, and past the agreement's warning per cent.")
    stopped_at: datetime | None = Field(description="The response, or the resolution that stopped it.")


class TicketServiceLevelOut(Schema):
    as_of: datetime = Field(description="The instant the clocks were measured at (the request's).")
    priority: str = Field(description="The priority whose targets apply (the ticket's now).")
    clock: str = Field(description="business (the agreement's hours) or 24x7.")
    resolve_by: datetime | None = Field(description="When the desk aims to resolve it; null once resolved.")
    response: TicketClockOut | None = Field(description="Agents and administrators only; else null.")
    resolution: TicketClockOut | None = Field(description="Agents and administrators only; else null.")


class TicketAssetOut(Schema):
    id: int
    tag: str
    kind: str
    make: str
    model: str
    status: str


class TicketDetailOut(TicketOut):
    assets: list[TicketAssetOut] = Field(
        description="The linked assets, for a reader of the partner's asset register (empty for others)."
    )
    service_level: TicketServiceLevelOut | None = Field(
        description="The ticket's service-level clocks under the agreement in force when it was "
        "raised; null when its partner had none. The requester and managers see only resolve_by."
    )


class TicketAssetIn(Schema):
    asset_id: IdIn


class TicketEventOut(Schema):
    id: int
    at: datetime
    kind: str
    status: str
    priority: str
    actor: str
    public: bool
    body: str
    responds: bool


class TicketRaiseIn(Schema):
    service: str = Field(max_length=20)
    type: str = Field(max_length=20)
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20000)
    impact: str = Field("low", max_length=10)
    urgency: str = Field("low", max_length=10)
    category_id: IdIn | None = None
    partner_id: IdIn | None = Field(None, description="Needed when the requester works for several partners.")
    requester_id: IdIn | None = Field(None, description="An agent raising the ticket for someone else.")


class TicketMessageIn(Schema):
    body: str = Field(min_length=1, max_length=20000)


class TicketAssignIn(Schema):
    team_id: IdIn | None = None
    assignee_id: IdIn | None = None


class TicketStatusIn(Schema):
    status: str = Field(max_length=20)
    body: str = Field(
        "", max_length=20000, description="A message to the requester; the resolution or the reason."
    )


class TicketPriorityIn(Schema):
    priority: str = Field(max_length=2)
    reason: str = Field(min_length=1, max_length=2000)


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "partner": ticket.partner.code,
        "service": ticket.service,
        "type": ticket.ticket_type,
        "category": ticket.category.name if ticket.category is not None else "",
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "priority": ticket.priority,
        "status": ticket.status,
        "subject": ticket.subject,
        "description": ticket.description,
        "requester": services.name_of(ticket.requester),
        "team": ticket.team.name if ticket.team is not None else "",
        "assignee": services.name_of(ticket.assignee) if ticket.assignee_id else "",
        "raised_at": ticket.raised_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "complaint_stage": ticket.complaint_stage,
    }


def _asset(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "tag": asset.tag,
        "kind": asset.kind,
        "make": asset.make,
        "model": asset.model,
        "status": asset.status,
    }


def _detail(user: Any, ticket: Ticket) -> dict[str, Any]:
    assets = ticket_assets.assets_of_ticket(user, ticket=ticket)
    return {
        **_ticket(ticket),
        "assets": [_asset(a) for a in assets],
        "service_level": _service_level(user, ticket),
    }


def _event(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "status": event.status,
        "priority": event.priority,
        "actor": services.name_of(event.actor) if event.actor_id else "system",
        "public": event.public,
        "body": event.body,
        "responds": event.responds,
    }


class _Rendered:
    """A queryset the paginator slices, each row rendered only when its page is read."""

    def __init__(self, rows: Any, render: Any) -> None:
        self.rows, self.render = rows, render

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.render(row) for row in self.rows[window]]


def _user(user_id: int, field: str) -> Any:
    found = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise ValidationError({field: "No such user."})
    return found


def _found(request: HttpRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_for(request.user, ticket_id=ticket_id)


@router.post("/servicedesk/tickets", response={201: TicketOut})
def raise_ticket(request: HttpRequest, body: TicketRaiseIn) -> Status[dict[str, Any]]:
    """Raise a ticket: your own (``partner_id`` when you work for several partners), or, as an
    agent, one for ``requester_id``. Its priority comes from impact and urgency."""
    partner = partner_for(request.user, partner_id=body.partner_id) if body.partner_id else None
    category = None
    if body.category_id is not None:
        category = Category.objects.filter(pk=body.category_id, active=True).first()
        if category is None:
            raise ValidationError({"category_id": "No such category."})
    ticket = services.raise_ticket(
        actor=request.user,
        requester=_user(body.requester_id, "requester_id") if body.requester_id else None,
        partner=partner,
        details=services.TicketIn(
            service=body.service,
            ticket_type=body.type,
            subject=body.subject,
            description=body.description,
            impact=body.impact,
            urgency=body.urgency,
            category=category,
        ),
    )
    return Status(201, _ticket(ticket))


@router.get("/servicedesk/tickets", response=list[TicketOut])
@paginate(Pages, page_size=50)
def list_tickets(request: HttpRequest, status: str = "", mine: bool = False) -> Any:
    """The tickets you may see, newest first (``mine``: only those you raised)."""
    found = selectors.my_tickets(request.user) if mine else selectors.visible_tickets(request.user)
    if status:
        found = found.filter(status=status[:20])
    return _Rendered(found, _ticket)


def _clock(found: clocks.Clock) -> dict[str, Any]:
    return {
        "target_minutes": found.target_minutes,
        "elapsed_minutes": found.elapsed_minutes,
        "due": found.due,
        "state": found.state,
        "warning": found.warning,
        "stopped_at": found.stopped_at,
    }


def _service_level(user: Any, ticket: Ticket) -> dict[str, Any] | None:
    as_of = timezone.now()
    found = ticket_clocks.ticket_clocks(ticket, as_of=as_of)
    if found is None:
        return None
    internal = selectors.sees_internal(user, ticket)
    return {
        "as_of": as_of,
        "priority": found.priority,
        "clock": found.clock,
        "resolve_by": found.resolution.due if ticket.is_open else None,
        "response": _clock(found.response) if internal else None,
        "resolution": _clock(found.resolution) if internal else None,
    }


@router.get("/servicedesk/tickets/{ticket_id}", response=TicketDetailOut)
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """One ticket, with its linked assets and its service-level clocks (``service_level``)."""
    return _detail(request.user, _found(request, ticket_id))


@router.post("/servicedesk/tickets/{ticket_id}/assets", response={201: TicketDetailOut})
def link_asset(request: HttpRequest, ticket_id: int, body: TicketAssetIn) -> Status[dict[str, Any]]:
    """Link an asset of the ticket's partner to the ticket (agents). Another partner's asset
    answers 404, as one that does not exist."""
    ticket = _found(request, ticket_id)
    ticket_assets.link_asset(actor=request.user, ticket=ticket, asset=body.asset_id)
    return Status(201, _detail(request.user, _found(request, ticket_id)))


@router.post("/servicedesk/tickets/{ticket_id}/assets/unlink", response=TicketDetailOut)
def unlink_asset(request: HttpRequest, ticket_id: int, body: TicketAssetIn) -> dict[str, Any]:
    """Take an asset's link to the ticket away (agents)."""
    ticket = _found(request, ticket_id)
    ticket_assets.unlink_asset(actor=request.user, ticket=ticket, asset=body.asset_id)
    return _detail(request.user, _found(request, ticket_id))


@router.get("/servicedesk/tickets/{ticket_id}/history", response=list[TicketEventOut])
def ticket_history(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's events in order; internal notes only for agents and administrators."""
    ticket = _found(request, ticket_id)
    return [_event(e) for e in selectors.history(request.user, ticket=ticket)]


@router.post("/servicedesk/tickets/{ticket_id}/replies", response={201: TicketEventOut})
def reply(request: HttpRequest, ticket_id: int, body: TicketMessageIn) -> Status[dict[str, Any]]:
    """A public reply, by the requester or an agent."""
    event = services.reply(actor=request.user, ticket=_found(request, ticket_id), body=body.body)
    return Status(201, _event(event))


@router.post("/servicedesk/tickets/{ticket_id}/notes", response={201: TicketEventOut})
def add_note(request: HttpRequest, ticket_id: int, body: TicketMessageIn) -> Status[dict[str, Any]]:
    """An internal note (agents only), never shown to the requester."""
    event = services.add_note(actor=request.user, ticket=_found(request, ticket_id), body=body.body)
    return Status(201, _event(event))


@router.post("/servicedesk/tickets/{ticket_id}/assignment", response=TicketOut)
def assign(request: HttpRequest, ticket_id: int, body: TicketAssignIn) -> dict[str, Any]:
    """Give the ticket to a team, an agent of its partner, or both."""
    ticket = _found(request, ticket_id)
    team = None
    if body.team_id is not None:
        team = Team.objects.filter(pk=body.team_id).first()
        if team is None:
            raise ValidationError({"team_id": "No such team."})
    assignee = _user(body.assignee_id, "assignee_id") if body.assignee_id else None
    return _ticket(services.assign(actor=request.user, ticket=ticket, team=team, assignee=assignee))


@router.post("/servicedesk/tickets/{ticket_id}/status", response=TicketOut)
def set_status(request: HttpRequest, ticket_id: int, body: TicketStatusIn) -> dict[str, Any]:
    """Move the ticket on: a working status (agents), ``resolved`` with the resolution in
    ``body`` (agents), ``closed`` or ``reopened`` with the reason in ``body`` (the requester or an
    agent). 422 names the statuses the ticket may move to."""
    ticket = _found(request, ticket_id)
    actor = request.user
    if body.status == "resolved":
        ticket = services.resolve(actor=actor, ticket=ticket, resolution=body.body)
    elif body.status == "closed":
        ticket = services.close(actor=actor, ticket=ticket)
    elif body.status == "reopened":
        ticket = services.reopen(actor=actor, ticket=ticket, reason=body.body)
    else:
        ticket = services.set_status(actor=actor, ticket=ticket, status=body.status, body=body.body)
    return _ticket(ticket)


@router.post("/servicedesk/tickets/{ticket_id}/priority", response=TicketOut)
def change_priority(request: HttpRequest, ticket_id: int, body: TicketPriorityIn) -> dict[str, Any]:
    """An agent sets the priority (p1 to p4) with a reason, kept internal."""
    ticket = _found(request, ticket_id)
    return _ticket(
        services.change_priority(
            actor=request.user, ticket=ticket, priority=body.priority, reason=body.reason
        )
    )
