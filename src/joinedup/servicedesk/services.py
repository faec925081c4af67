"""Writes to tickets: one atomic function per change, keyword-only, with an explicit actor; each
authorises, changes the ticket, appends one ``TicketEvent`` (the history the service-level
clocks read) and records one audit event.

Who may do what, on the ticket's partner:

- the **requester** raises (``servicedesk.raise`` there), replies, attaches, reopens a resolved
  ticket within ``REOPEN_WITHIN`` of its resolution, confirms it closed, and escalates their
  complaint to stage 2;
- an **agent** (``servicedesk.work``) raises on someone's behalf, replies, adds internal notes,
  assigns, moves the status along ``TRANSITIONS``, resolves, closes, reopens, changes the
  priority with a reason, and escalates a complaint;
- anyone else is refused (PermissionDenied), and nothing changes.

Who is told (``notifications.notify``, in the app and by email after the commit): the requester
of an agent's public reply, of a wait on them and of the resolution; the assignee (or, with none,
the team's agents) of the requester's reply and reopening; a new assignee of the assignment. A
notification carries only public text: an internal note, an internal attachment or a priority
reason tells nobody. Its subject starts with the ticket's reference, which a reply by email
carries back (email_in.py, inbound.py).

``responds`` on an event (SERVICEDESK-CONTRACT.md) is set here, where the event is written: a
public reply by someone other than the requester, or an agent moving the ticket to in progress
or resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import attachments
from joinedup.core.actors import is_system, user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import (
    authorise,
    has_permission,
    is_member,
    member_partners,
    partner_ids_with,
)
from joinedup.people.models import Employment, Person
from joinedup.servicedesk import satisfaction
from joinedup.servicedesk.models import (
    Category,
    EventKind,
    Level,
    Priority,
    Service,
    Team,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketSequence,
    TicketStatus,
    TicketType,
)
from joinedup.servicedesk.notifications import notify, ticket_subject
from joinedup.servicedesk.priority import priority_of

S = TicketStatus

# A resolved ticket may be reopened by its requester (or an agent) for this long; after that the
# requester raises a new one.
REOPEN_WITHIN = timedelta(days=10)

# The working statuses an agent moves a ticket between with ``set_status``. Resolving, closing
# and reopening have their own functions (they stamp or clear the resolution), so they are not
# reached through this table; each is listed in ``REACHED_BY``.
WORKING = (S.ASSIGNED, S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY)
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED}),
    S.WAITING_REQUESTER: frozenset({S.IN_PROGRESS, S.WAITING_THIRD_PARTY, S.RESOLVED}),
    S.WAITING_THIRD_PARTY: frozenset({S.IN_PROGRESS, S.WAITING_REQUESTER, S.RESOLVED}),
    S.REOPENED: frozenset(
        {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED}
    ),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset(),
}
REACHED_BY: dict[str, str] = {S.RESOLVED: "resolve", S.CLOSED: "close", S.REOPENED: "reopen"}
# An agent moving a ticket to one of these has answered the requester (the response clock stops).
RESPONDING_STATUSES = frozenset({S.IN_PROGRESS, S.RESOLVED})


def _label(status: str) -> str:
    return str(S(status).label).lower()


def _check_move(ticket: Ticket, to: str) -> None:
    if to not in TRANSITIONS.get(ticket.status, frozenset()):
        allowed = sorted(TRANSITIONS.get(ticket.status, frozenset()))
        onward = ", ".join(_label(s) for s in allowed) or "nothing (it is closed)"
        now = _label(ticket.status)
        message = f"A ticket that is {now} cannot become {_label(to)}: it may become {onward}."
        raise ValidationError({"status": message})


# --- who is acting --------------------------------------------------------------------------------


def name_of(user: Any) -> str:
    """How a ticket names a user: their full name, or their user name when none is held."""
    return str(user.get_full_name() or user.username) if user is not None else ""


def is_agent(actor: Any, partner: Partner | int) -> bool:
    return has_permission(actor, "servicedesk.work", partner)


def _is_requester(actor: Any, ticket: Ticket) -> bool:
    return not is_system(actor) and actor.pk == ticket.requester_id


def _agent_or_requester(actor: Any, ticket: Ticket, what: str) -> None:
    if _is_requester(actor, ticket) or is_agent(actor, ticket.partner_id):
        return
    raise PermissionDenied(f"Only the requester or a service-desk agent may {what} this ticket.")


def _locked(ticket: Ticket) -> Ticket:
    """The ticket read again under a row lock, so two changes at once apply one after the other."""
    locked: Ticket = Ticket.objects.for_partner(ticket.partner_id).select_for_update().get(pk=ticket.pk)
    return locked


def _event(
    ticket: Ticket,
    *,
    actor: Any,
    kind: str,
    body: str = "",
    public: bool = True,
    responds: bool = False,
    at: Any = None,
    message_id: str = "",
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        partner_id=ticket.partner_id,
        at=at or timezone.now(),
        kind=kind,
        status=ticket.status,
        priority=ticket.priority,
        actor=user_of(actor),
        public=public,
        body=body,
        responds=responds,
        message_id=message_id,
    )


def _audit(actor: Any, ticket: Ticket, action: str, **after: Any) -> None:
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action=f"servicedesk.ticket_{action}",
        target=ticket,
        after={"reference": ticket.reference, "status": ticket.status, "priority": ticket.priority, **after},
    )


def _text(value: str, field: str, message: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters."})
    return text


# --- telling people ---------------------------------------------------------------------------------


def ticket_link(ticket: Ticket) -> str:
    """The ticket's page, as a path in the site (web/servicedesk/urls.py)."""
    return f"/servicedesk/tickets/{ticket.pk}/"


def _tell(
    ticket: Ticket,
    users: list[Any],
    *,
    actor: Any,
    headline: str,
    text: str,
    link: str = "",
    email_text: str | None = None,
) -> None:
    """Notify each of ``users`` (not the actor, not anyone without a role on the partner now)
    with ``text``, which must be public: the requester may read every word of it. ``link``: a
    path in the site other than the ticket's page."""
    subject = ticket_subject(ticket.reference, f"{headline}: {ticket.subject}")
    told: set[int] = set()
    for user in users:
        if user is None or user.pk in told or user.pk == getattr(actor, "pk", None):
            continue
        told.add(user.pk)
        if is_member(user, ticket.partner_id):
            notify(
                user=user,
                partner=ticket.partner_id,
                subject=subject,
                text=text,
                link=link or ticket_link(ticket),
                email_text=email_text,
            )


def _workers(ticket: Ticket) -> list[Any]:
    """Who works the ticket: its assignee, else the agents of its team (none when it has neither)."""
    if ticket.assignee_id is not None:
        return [ticket.assignee]
    if ticket.team is None:
        return []
    members = ticket.team.members.filter(is_active=True).order_by("pk")
    return [m for m in members if is_agent(m, ticket.partner_id)]


def _tell_requester(ticket: Ticket, *, actor: Any, headline: str, text: str) -> None:
    _tell(ticket, [ticket.requester], actor=actor, headline=headline, text=text)


def _tell_workers(ticket: Ticket, *, actor: Any, headline: str, text: str) -> None:
    _tell(ticket, _workers(ticket), actor=actor, headline=headline, text=text)


# --- raising ----------------------------------------------------------------------------------------


def requester_partners(requester: Any) -> list[int]:
    """The partners ``requester`` works for, in the service desk's sense: those on which they may
    raise tickets (an employee's role)."""
    return partner_ids_with(requester, "servicedesk.raise")


def _requester_partner(requester: Any, partner: Partner | None) -> int:
    mine = requester_partners(requester)
    if partner is not None:
        if partner.pk not in mine:
            raise ValidationError({"partner": f"The requester does not work for {partner.name}."})
        return int(partner.pk)
    if not mine:
        raise ValidationError({"partner": "The requester works for no partner the service desk serves."})
    if len(mine) > 1:
        raise ValidationError(
            {"partner": "The requester works for several partners: choose the one this is for."}
        )
    return mine[0]


def _employment_of(requester: Any, partner_id: int) -> int | None:
    """The id of the requester's employment on the partner today (the latest begun), or None.
    Only the id is stored on the ticket, so only the columns that choose it are read
    (``Employment.is_active_on``: begun by today, which the filter asks, and not ended before)."""
    today = timezone.localdate()
    found = (
        Employment.objects.for_partner(partner_id)
        .filter(person__user_id=requester.pk, start_date__lte=today)
        .order_by("-start_date", "pk")
        .values_list("pk", "end_date")
    )
    return next((pk for pk, end_date in found if end_date is None or today <= end_date), None)


def _next_number(partner_id: int) -> int:
    """The next number of the partner's series. The UPDATE takes the write lock before the
    number is read (PostgreSQL locks the row, SQLite the database), so concurrent raisers queue;
    RETURNING hands back the number it wrote in the same statement (SQLite 3.35 and later)."""
    number = _bump_sequence(partner_id)
    if number is None:
        try:
            with transaction.atomic():
                TicketSequence.objects.create(partner_id=partner_id, last=0)
        except IntegrityError:
            pass  # another raiser made it first
        number = _bump_sequence(partner_id)
    if number is None:
        raise TicketSequence.DoesNotExist(f"No ticket series for partner {partner_id}.")
    return number


def _bump_sequence(partner_id: int) -> int | None:
    # The ORM's update() returns only a row count, so this one statement is written out; the
    # table and column names come from the model, the partner id is bound. Row-level security
    # still applies to it on PostgreSQL, as to the guarded manager's own queries.
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    last = connection.ops.quote_name("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE partner_id = %s RETURNING {last}",  # noqa: S608
            [partner_id],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


@dataclass(frozen=True)
class TicketIn:
    service: str
    ticket_type: str
    subject: str
    description: str
    impact: str = Level.LOW
    urgency: str = Level.LOW
    category: Category | None = None
    about_person: Person | None = None


def _check_choice(value: str, choices: Any, field: str, what: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"Choose a {what}: {', '.join(choices.values)}."})
    return value


@transaction.atomic
def raise_ticket(
    *, actor: Any, details: TicketIn, requester: Any = None, partner: Partner | None = None
) -> Ticket:
    """A new ticket for ``requester`` (the actor, unless an agent raises it on someone's behalf),
    for the partner they work for (``partner`` when they work for several)."""
    requester = actor if requester is None else requester
    if is_system(requester):
        raise ValidationError({"requester": "A ticket's requester is a person."})
    partner_id = _requester_partner(requester, partner)
    if requester.pk == getattr(actor, "pk", None):
        authorise(actor, "servicedesk.raise", partner_id)
    else:
        authorise(actor, "servicedesk.work", partner_id)
    service = _check_choice(details.service, Service, "service", "service")
    ticket_type = _check_choice(details.ticket_type, TicketType, "ticket_type", "type")
    impact = _check_choice(details.impact, Level, "impact", "level of impact")
    urgency = _check_choice(details.urgency, Level, "urgency", "level of urgency")
    if details.category is not None and details.category.service != service:
        raise ValidationError({"category": "That category belongs to another service."})
    subject = _text(details.subject, "subject", "Say in a few words what this is about.", 200)
    description = _text(details.description, "description", "Describe the problem or what you need.", 20000)
    employment = _employment_of(requester, partner_id)
    # From the number on, the partner's series is locked until the commit (and the audit chain's
    # head from the audit event on): every raiser of the partner waits that long, so only the
    # writes come after it.
    number = _next_number(partner_id)
    # The requester's partners were read with their memberships (permissions' per-request
    # cache), so the partner's code costs no query.
    owner = next(p for p in member_partners(requester) if p.pk == partner_id)
    ticket = Ticket.objects.create(
        partner=owner,
        number=number,
        reference=f"{owner.code}-{number:06d}",
        service=service,
        ticket_type=ticket_type,
        category=details.category,
        impact=impact,
        urgency=urgency,
        priority=priority_of(impact, urgency),
        requester=requester,
        requester_employment_id=employment,
        raised_by=user_of(actor) or requester,
        about_person=details.about_person,
        subject=subject,
        description=description,
        complaint_stage=1 if ticket_type == TicketType.COMPLAINT else None,
    )
    _event(ticket, actor=actor, kind=EventKind.CREATED, body=description, at=ticket.raised_at)
    _audit(actor, ticket, "raised", service=service, type=ticket_type, requester=requester.pk)
    return ticket


# --- conversation -------------------------------------------------------------------------------------


@transaction.atomic
def reply(*, actor: Any, ticket: Ticket, body: str, message_id: str = "") -> TicketEvent:
    """A public reply. The requester's reply to a ticket waiting on them puts it back in progress
    (their clock runs again); a resolved or closed ticket takes no reply (reopen it first).
    ``message_id``: the reply came by email (inbound.py), with this Message-ID, which the ticket's
    partner takes once only. The requester is told of anyone else's reply; the ticket's workers
    of the requester's."""
    _agent_or_requester(actor, ticket, "reply to")
    ticket = _locked(ticket)
    text = _text(body, "body", "Write your reply.", 20000)
    if ticket.status in (S.RESOLVED, S.CLOSED):
        raise ValidationError({"body": f"This ticket is {_label(ticket.status)}: reopen it to reply."})
    from_requester = _is_requester(actor, ticket)
    if from_requester and ticket.status == S.WAITING_REQUESTER:
        ticket.status = S.IN_PROGRESS
        ticket.save(update_fields=["status"])
    event = _event(
        ticket,
        actor=actor,
        kind=EventKind.REPLY,
        body=text,
        responds=not from_requester,
        message_id=message_id,
    )
    if message_id:
        _audit(actor, ticket, "replied", event=event.pk, by_email=True)
    else:
        _audit(actor, ticket, "replied", event=event.pk)
    if from_requester:
        _tell_workers(ticket, actor=actor, headline=f"Reply from {name_of(actor)}", text=text)
    else:
        _tell_requester(ticket, actor=actor, headline="Reply to your ticket", text=text)
    return event


@transaction.atomic
def add_note(*, actor: Any, ticket: Ticket, body: str) -> TicketEvent:
    """An internal note, for agents and service administrators only, never shown to the requester."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    ticket = _locked(ticket)
    text = _text(body, "body", "Write the note.", 20000)
    event = _event(ticket, actor=actor, kind=EventKind.NOTE, body=text, public=False)
    _audit(actor, ticket, "noted", event=event.pk)
    return event


@transaction.atomic
def add_attachment(
    *, actor: Any, ticket: Ticket, filename: str, content: bytes, public: bool = True
) -> TicketAttachment:
    """A document on the ticket (core.attachments checks its kind and size and keeps it outside
    the database). Only an agent may attach one internally (``public=False``)."""
    _agent_or_requester(actor, ticket, "attach a document to")
    if not public:
        authorise(actor, "servicedesk.work", ticket.partner_id)
    ticket = _locked(ticket)
    if ticket.status == S.CLOSED:
        raise ValidationError({"file": "This ticket is closed."})
    checked = attachments.check(filename, content)
    attachments.store(content)
    event = _event(ticket, actor=actor, kind=EventKind.ATTACHMENT, body=checked.filename, public=public)
    found = TicketAttachment.objects.create(
        ticket=ticket,
        partner_id=ticket.partner_id,
        event=event,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        public=public,
        uploaded_by=actor,
    )
    _audit(actor, ticket, "attached", filename=checked.filename, size=checked.size, public=public)
    return found


# --- working the ticket --------------------------------------------------------------------------------


@transaction.atomic
def assign(*, actor: Any, ticket: Ticket, team: Team | None = None, assignee: Any = None) -> Ticket:
    """Give the ticket to a team, an agent, or both (the agent then a member of the team). The
    agent must work this partner's tickets. A new or reopened ticket becomes assigned."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    if team is None and assignee is None:
        raise ValidationError({"team": "Choose a team or an agent."})
    if assignee is not None and not is_agent(assignee, ticket.partner_id):
        raise ValidationError({"assignee": f"{name_of(assignee)} does not work this partner's tickets."})
    if team is not None and not team.active:
        raise ValidationError({"team": f"{team.name} is no longer in use."})
    if team is not None and assignee is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": f"{name_of(assignee)} is not a member of {team.name}."})
    ticket = _locked(ticket)
    if ticket.status == S.CLOSED:
        raise ValidationError({"team": "This ticket is closed."})
    before = {"team": ticket.team_id, "assignee": ticket.assignee_id}
    if team is not None:
        ticket.team = team
        # An agent outside the new team lets the ticket go with it.
        if (
            assignee is None
            and ticket.assignee_id is not None
            and not team.members.filter(pk=ticket.assignee_id).exists()
        ):
            ticket.assignee = None
    if assignee is not None:
        ticket.assignee = assignee
    if ticket.status in (S.NEW, S.REOPENED):
        ticket.status = S.ASSIGNED
    ticket.save(update_fields=["team", "assignee", "status"])
    names = [
        str(ticket.team) if ticket.team_id else "",
        name_of(ticket.assignee) if ticket.assignee_id else "",
    ]
    _event(ticket, actor=actor, kind=EventKind.ASSIGNED, body=" / ".join(n for n in names if n))
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action="servicedesk.ticket_assigned",
        target=ticket,
        before=before,
        after={"team": ticket.team_id, "assignee": ticket.assignee_id, "status": ticket.status},
    )
    if ticket.assignee_id is not None and ticket.assignee_id != before["assignee"]:
        _tell(
            ticket,
            [ticket.assignee],
            actor=actor,
            headline="Assigned to you",
            text=f"{name_of(actor)} assigned {ticket.reference} to you: {ticket.subject}",
        )
    return ticket


@transaction.atomic
def set_status(*, actor: Any, ticket: Ticket, status: str, body: str = "") -> Ticket:
    """Move the ticket between the working statuses (``TRANSITIONS``); ``body``, if given, is a
    public message to the requester with the change (what the ticket now waits for)."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    if status in REACHED_BY:
        raise ValidationError({"status": f"Use {REACHED_BY[status]} to make a ticket {_label(status)}."})
    if status not in WORKING:
        raise ValidationError({"status": f"{status!r} is not a status a ticket can be moved to."})
    ticket = _locked(ticket)
    _check_move(ticket, status)
    before = ticket.status
    ticket.status = status
    ticket.save(update_fields=["status"])
    _event(
        ticket, actor=actor, kind=EventKind.STATUS, body=body.strip(), responds=status in RESPONDING_STATUSES
    )
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action="servicedesk.ticket_status_changed",
        target=ticket,
        before={"status": before},
        after={"reference": ticket.reference, "status": status},
    )
    if status == S.WAITING_REQUESTER:
        _tell_requester(
            ticket,
            actor=actor,
            headline="Waiting on you",
            text=body.strip() or "The service desk is waiting on you: please reply to this ticket.",
        )
    return ticket


@transaction.atomic
def resolve(*, actor: Any, ticket: Ticket, resolution: str) -> Ticket:
    """The agent's answer that settles the ticket, shown to the requester (the resolution clock
    stops). A complaint's resolution is its stage's response."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    text = _text(resolution, "resolution", "Say how it was resolved.", 20000)
    ticket = _locked(ticket)
    _check_move(ticket, S.RESOLVED)
    now = timezone.now()
    ticket.status = S.RESOLVED
    ticket.resolved_at = now
    ticket.save(update_fields=["status", "resolved_at"])
    resolution_event = _event(ticket, actor=actor, kind=EventKind.STATUS, body=text, responds=True, at=now)
    _audit(actor, ticket, "resolved", resolved_at=now)
    # The resolution's notification asks the satisfaction question (satisfaction.py): its link,
    # in the app and in the email, opens the one-click answer page of this resolution.
    link = satisfaction.survey_link(ticket_id=ticket.pk, resolution_id=resolution_event.pk)
    asked = f"{text}\n\n{satisfaction.QUESTION} Answer with one click:"
    _tell(
        ticket,
        [ticket.requester],
        actor=actor,
        headline="Resolved",
        text=asked,
        link=link,
        email_text=f"{asked}\n\n{satisfaction.email_choices(link)}",
    )
    return ticket


@transaction.atomic
def close(*, actor: Any, ticket: Ticket) -> Ticket:
    """Close a resolved ticket: the requester confirms, or an agent closes it."""
    _agent_or_requester(actor, ticket, "close")
    ticket = _locked(ticket)
    _check_move(ticket, S.CLOSED)
    now = timezone.now()
    ticket.status = S.CLOSED
    ticket.closed_at = now
    ticket.save(update_fields=["status", "closed_at"])
    _event(ticket, actor=actor, kind=EventKind.STATUS, at=now)
    _audit(actor, ticket, "closed", closed_at=now)
    return ticket


@transaction.atomic
def reopen(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Reopen a resolved ticket within ``REOPEN_WITHIN`` of its resolution (the resolution clock
    runs again); the reason is public."""
    _agent_or_requester(actor, ticket, "reopen")
    text = _text(reason, "reason", "Say why the ticket is not resolved.", 20000)
    ticket = _locked(ticket)
    _check_move(ticket, S.REOPENED)
    if ticket.resolved_at is not None and timezone.now() - ticket.resolved_at > REOPEN_WITHIN:
        raise ValidationError(
            {"reason": f"This ticket was resolved more than {REOPEN_WITHIN.days} days ago: raise a new one."}
        )
    ticket.status = S.REOPENED
    ticket.resolved_at = None
    ticket.save(update_fields=["status", "resolved_at"])
    _event(ticket, actor=actor, kind=EventKind.STATUS, body=text)
    _audit(actor, ticket, "reopened", reason=text)
    if _is_requester(actor, ticket):
        _tell_workers(ticket, actor=actor, headline=f"Reopened by {name_of(actor)}", text=text)
    return ticket


@transaction.atomic
def change_priority(*, actor: Any, ticket: Ticket, priority: str, reason: str) -> Ticket:
    """An agent sets another priority than the matrix gave, and says why (kept internal)."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    _check_choice(priority, Priority, "priority", "priority")
    text = _text(reason, "reason", "Say why the priority changes.", 2000)
    ticket = _locked(ticket)
    if ticket.status == S.CLOSED:
        raise ValidationError({"priority": "This ticket is closed."})
    if priority == ticket.priority:
        raise ValidationError({"priority": f"The ticket is already {Priority(priority).label}."})
    before = ticket.priority
    ticket.priority = priority
    ticket.save(update_fields=["priority"])
    _event(ticket, actor=actor, kind=EventKind.PRIORITY, body=text, public=False)
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action="servicedesk.ticket_priority_changed",
        target=ticket,
        before={"priority": before},
        after={"reference": ticket.reference, "priority": priority, "reason": text},
    )
    return ticket


@transaction.atomic
def escalate_complaint(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Take a complaint to stage 2 of the complaints procedure, at the complainant's request or
    an agent's. A resolved (stage 1 answered) complaint is reopened for the stage 2 review."""
    _agent_or_requester(actor, ticket, "escalate")
    text = _text(reason, "reason", "Say why the complaint goes to stage 2.", 20000)
    ticket = _locked(ticket)
    if ticket.ticket_type != TicketType.COMPLAINT:
        raise ValidationError({"reason": "Only a complaint is escalated through the complaints stages."})
    if ticket.complaint_stage != 1:
        raise ValidationError({"reason": "This complaint is at stage 2 already, the last stage."})
    if ticket.status == S.CLOSED:
        raise ValidationError({"reason": "This complaint is closed."})
    ticket.complaint_stage = 2
    fields = ["complaint_stage"]
    if ticket.status == S.RESOLVED:
        ticket.status = S.REOPENED
        ticket.resolved_at = None
        fields += ["status", "resolved_at"]
    ticket.save(update_fields=fields)
    _event(ticket, actor=actor, kind=EventKind.STATUS, body=f"Escalated to stage 2: {text}")
    _audit(actor, ticket, "complaint_escalated", complaint_stage=2, reason=text)
    return ticket
