"""The requester's answer to a resolved ticket's satisfaction question over JSON (issue 15;
servicedesk/satisfaction.py gives the rules): a POST with the score (5 very satisfied to 1 very
dissatisfied) and, optionally, a comment answers about the ticket's standing resolution. Only the
ticket's requester answers: anyone else, and another partner's ticket, 404; a ticket that is not
resolved, or closed with an answer given, 422."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from joinedup.servicedesk import satisfaction

router = Router(tags=["servicedesk"])


class SatisfactionIn(Schema):
    score: int = Field(
        ge=1, le=5, description="5 very satisfied, 4 satisfied, 3 neither, 2, 1 very dissatisfied."
    )
    comment: str | None = Field(
        default=None,
        max_length=satisfaction.COMMENT_LIMIT,
        description="Omitted: any comment given before stays.",
    )


class SatisfactionOut(Schema):
    ticket_id: int
    resolution_event_id: int
    score: int
    answer: str
    comment: str
    answered_at: datetime
    changed_at: datetime


@router.post("/servicedesk/tickets/{ticket_id}/satisfaction", response=SatisfactionOut)
def answer(request: HttpRequest, ticket_id: int, body: SatisfactionIn) -> dict[str, Any]:
    """Answer (or, before the ticket is closed, answer again) "How satisfied are you with how
    this was handled?" about the ticket's latest resolution."""
    ticket = satisfaction.requesters_ticket(request.user, ticket_id=ticket_id)
    resolution = satisfaction.latest_resolution(ticket)
    if resolution is None:
        raise ValidationError({"score": "This ticket is not resolved: there is nothing to answer yet."})
    found = satisfaction.answer_satisfaction(
        actor=request.user, ticket=ticket, resolution=resolution, score=body.score, comment=body.comment
    )
    return {
        "ticket_id": ticket.pk,
        "resolution_event_id": resolution.pk,
        "score": found.score,
        "answer": found.get_score_display(),
        "comment": found.comment,
        "answered_at": found.answered_at,
        "changed_at": found.changed_at,
    }
