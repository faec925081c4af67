"""The one-question satisfaction survey on a ticket's resolution (issue 15).

When an agent resolves a ticket (``services.resolve``) the requester is asked "How satisfied are
you with how this was handled?" in the resolution's notification, in the app and by email. Its
link carries a signed token (``survey_token``: ``django.core.signing`` with its own salt, the
ticket's id and the resolution event's id, good for ``TOKEN_MAX_AGE``), so it works from an email
as it does in the app.

**A GET never records an answer.** Mail scanners and link previewers follow every link in an
email; if opening the link answered, a scanner would answer "very satisfied" (or whichever score
the link named) for every requester. The link opens a small page (web/servicedesk/satisfaction.py)
whose five answers are POST buttons behind the CSRF check of a signed-in session: the one click
that records is the requester's own, on that page or on the notification in the app, and a
forwarded email answers for nobody else, since the page is only the requester's (anyone else's
answers 404, like another partner's ticket).

The rules (``answer_satisfaction``): one answer per resolution — a ticket reopened and resolved
again is asked again, about the new resolution; answering again before the ticket is closed
replaces the score (and the comment, when one is given), audited; after closing the answer
stands. An optional comment follows the click. Each answer is appended to the ticket's history
as a public ``rated`` event, so agents see it beside the resolution. Its audit event carries the
score and whether a comment was given, never the comment's words (which may be about a person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system, user_of
from joinedup.partnership.permissions import is_member
from joinedup.servicedesk import selectors
from joinedup.servicedesk.models import (
    EventKind,
    SatisfactionResponse,
    SatisfactionScore,
    Ticket,
    TicketEvent,
    TicketStatus,
)

QUESTION = "How satisfied are you with how this was handled?"
SALT = "joinedup.servicedesk.satisfaction"
TOKEN_MAX_AGE = timedelta(days=30)
LINK_PREFIX = "/servicedesk/satisfaction/"
COMMENT_LIMIT = 2000
NOT_FOUND = "No such ticket."
BAD_LINK = "This link to the satisfaction question is not valid: it may have been cut short or changed."
EXPIRED_LINK = (
    f"This link to the satisfaction question has expired (links last {TOKEN_MAX_AGE.days} days): "
    "nothing was recorded."
)
REOPENED = "This ticket was reopened after this resolution: you will be asked again when it is resolved."
CHOOSE = "Choose how satisfied you are, from very satisfied to very dissatisfied."
CLOSED = "This ticket is closed, so your answer stands."


class SurveyLinkError(Exception):
    """A token that is not one of ours, or is too old; ``message`` says which, for the requester."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def survey_token(*, ticket_id: int, resolution_id: int) -> str:
    return signing.dumps({"t": ticket_id, "r": resolution_id}, salt=SALT)


def survey_link(*, ticket_id: int, resolution_id: int) -> str:
    """The survey page of one resolution, as a path in the site (a notification's link)."""
    return f"{LINK_PREFIX}{survey_token(ticket_id=ticket_id, resolution_id=resolution_id)}/"


def email_choices(link: str) -> str:
    """The email's answers, one line each: the label and the survey page's full address with that
    answer pre-chosen (``?score=``). Opening one records nothing; its page's button does."""
    site = settings.SITE_URL
    return "\n".join(f"{label}: {site}{link}?score={value}" for value, label in SatisfactionScore.choices)


def read_token(token: str) -> tuple[int, int]:
    """The (ticket id, resolution event id) a token carries; SurveyLinkError when it is forged,
    cut short or older than ``TOKEN_MAX_AGE``."""
    try:
        found = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise SurveyLinkError(EXPIRED_LINK) from expired
    except signing.BadSignature as bad:
        raise SurveyLinkError(BAD_LINK) from bad
    if (
        not isinstance(found, dict)
        or not isinstance(found.get("t"), int)
        or not isinstance(found.get("r"), int)
    ):
        raise SurveyLinkError(BAD_LINK)
    return found["t"], found["r"]


def latest_resolution(ticket: Ticket) -> TicketEvent | None:
    """The event that resolved the ticket last, while it stands (the ticket is resolved or
    closed); None for a ticket that is open (never resolved, or reopened since)."""
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return None
    found: TicketEvent | None = (
        TicketEvent.objects.for_partner(ticket.partner_id)
        .filter(ticket=ticket, kind=EventKind.STATUS, status=TicketStatus.RESOLVED)
        .order_by("-at", "-pk")
        .first()
    )
    return found


@dataclass(frozen=True)
class Survey:
    ticket: Ticket
    resolution: TicketEvent
    answer: SatisfactionResponse | None
    # Why no answer may be given now (reopened since; closed with an answer), or "".
    refused: str


def requesters_ticket(user: Any, *, ticket_id: int) -> Ticket:
    """The ticket, for its requester only: 404 for anyone else (who may see it or not)."""
    ticket = selectors.ticket_for(user, ticket_id=ticket_id)
    # An agent or manager who may see the ticket is still not its requester: 404 as for anyone's.
    if ticket.requester_id != getattr(user, "pk", None):
        raise Http404(NOT_FOUND)
    return ticket


def _refusal(ticket: Ticket, resolution: TicketEvent, answer: SatisfactionResponse | None) -> str:
    latest = latest_resolution(ticket)
    if latest is None or latest.pk != resolution.pk:
        return REOPENED
    if answer is not None and ticket.status == TicketStatus.CLOSED:
        return CLOSED
    return ""


def survey_for(user: Any, *, token: str) -> Survey:
    """The survey a token names, for its requester only: SurveyLinkError for a bad or expired
    token, 404 for anyone but the ticket's requester (another partner's ticket included)."""
    ticket_id, resolution_id = read_token(token)
    ticket = requesters_ticket(user, ticket_id=ticket_id)
    resolution = (
        TicketEvent.objects.for_partner(ticket.partner_id)
        .filter(pk=resolution_id, ticket=ticket, kind=EventKind.STATUS, status=TicketStatus.RESOLVED)
        .first()
    )
    if resolution is None:
        raise Http404(NOT_FOUND)
    answer = SatisfactionResponse.objects.for_partner(ticket.partner_id).filter(resolution=resolution).first()
    return Survey(
        ticket=ticket, resolution=resolution, answer=answer, refused=_refusal(ticket, resolution, answer)
    )


def current_survey_link(user: Any, ticket: Ticket) -> str:
    """The survey link of the ticket's standing resolution, for its requester; "" for anyone
    else or an open ticket (the ticket page offers the question with it)."""
    if is_system(user) or ticket.requester_id != user.pk:
        return ""
    resolution = latest_resolution(ticket)
    if resolution is None:
        return ""
    return survey_link(ticket_id=ticket.pk, resolution_id=resolution.pk)


def score_of(value: Any) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if score not in SatisfactionScore.values:
        raise ValidationError(
            {"score": "Choose how satisfied you are, from very satisfied to very dissatisfied."}
        )
    return score


@transaction.atomic
def answer_satisfaction(
    *, actor: Any, ticket: Ticket, resolution: TicketEvent, score: int, comment: str | None = None
) -> SatisfactionResponse:
    """Record the requester's answer about ``resolution`` (``comment`` None keeps the one given
    before; "" clears it). Only the ticket's requester, still a member of its partner, may answer
    (anyone else: 404); a resolution reopened since, or a closed ticket's given answer, refuses."""
    if is_system(actor) or actor.pk != ticket.requester_id or not is_member(actor, ticket.partner_id):
        raise Http404(NOT_FOUND)
    if resolution.ticket_id != ticket.pk:
        raise Http404(NOT_FOUND)
    score = score_of(score)
    text = None if comment is None else comment.strip()
    if text is not None and len(text) > COMMENT_LIMIT:
        raise ValidationError({"comment": f"Keep it to {COMMENT_LIMIT} characters."})
    ticket = Ticket.objects.for_partner(ticket.partner_id).select_for_update().get(pk=ticket.pk)
    responses = SatisfactionResponse.objects.for_partner(ticket.partner_id)
    answer = responses.filter(resolution=resolution).first()
    refused = _refusal(ticket, resolution, answer)
    if refused:
        raise ValidationError({"score": refused})
    now = timezone.now()
    before = None if answer is None else {"score": answer.score, "comment_given": bool(answer.comment)}
    if answer is None:
        answer = responses.create(
            partner_id=ticket.partner_id,
            ticket=ticket,
            resolution=resolution,
            resolved_at=resolution.at,
            requester=user_of(actor),
            score=score,
            comment=text or "",
            answered_at=now,
            changed_at=now,
        )
    else:
        answer.score = score
        if text is not None:
            answer.comment = text
        answer.changed_at = now
        answer.save(update_fields=["score", "comment", "changed_at"])
    label = SatisfactionScore(score).label
    body = f"Satisfaction: {label}" + (f"\n\n{text}" if text else "")
    TicketEvent.objects.create(
        ticket=ticket,
        partner_id=ticket.partner_id,
        at=now,
        kind=EventKind.RATED,
        status=ticket.status,
        priority=ticket.priority,
        actor=user_of(actor),
        public=True,
        body=body,
    )
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action="servicedesk.satisfaction_answered" if before is None else "servicedesk.satisfaction_changed",
        target=answer,
        before=before,
        after={
            "reference": ticket.reference,
            "resolution": resolution.pk,
            "score": score,
            "comment_given": bool(answer.comment),
        },
    )
    return answer
