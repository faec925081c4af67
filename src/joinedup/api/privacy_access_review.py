"""The access review over JSON (issue 17): who holds which role on a partner, its sensitive reads
(filtered by date), its re-certification reviews, and the nominated manager's decisions.

The partner's roles, reads and reviews are the data-protection officer's (``privacy.access_review``);
a review is also open to its nominated manager, who alone certifies or revokes its lines. A partner
or review you are not a member of answers 404; on your own partner without the permission (and not
the nominee), 403 and nothing changes. Schemas are prefixed ``AccessReview`` so they clobber no
other app's in the OpenAPI document."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import access_review as services
from joinedup.privacy.access_review_selectors import (
    line_of,
    lines_of,
    review_for,
    reviews_for,
    role_holders_for,
    sensitive_reads_for,
)
from joinedup.privacy.models import AccessReview, AccessReviewLine

router = Router(tags=["privacy"])


class AccessReviewRoleOut(Schema):
    user_id: int
    username: str
    role: str
    held_since: datetime


class AccessReviewReadOut(Schema):
    at: datetime
    reader_id: int | None
    reader: str
    what: str
    subject: str


class AccessReviewLineOut(Schema):
    id: int
    user_id: int
    username: str
    role: str
    decision: str
    decided_at: datetime | None


class AccessReviewOut(Schema):
    id: int
    partner: str
    nominee_id: int
    due_on: date
    status: str
    opened_at: datetime
    closed_at: datetime | None
    lines: list[AccessReviewLineOut]


class AccessReviewIn(Schema):
    nominee_id: IdIn
    due_on: DateIn


class AccessReviewEmptyIn(Schema):
    pass


def _line(line: AccessReviewLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "user_id": line.user_id,
        "username": line.user.username,
        "role": line.role,
        "decision": line.decision,
        "decided_at": line.decided_at,
    }


def _out(request: HttpRequest, review: AccessReview) -> dict[str, Any]:
    return {
        "id": review.pk,
        "partner": review.partner.code,
        "nominee_id": review.nominee_id,
        "due_on": review.due_on,
        "status": review.status,
        "opened_at": review.opened_at,
        "closed_at": review.closed_at,
        "lines": [_line(line) for line in lines_of(request.user, review=review)],
    }


@router.get("/privacy/partners/{partner_id}/roles", response=list[AccessReviewRoleOut])
@paginate(Pages, page_size=100)
def role_holders(request: HttpRequest, partner_id: int) -> Any:
    """Every role held on the partner, by username then role."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        {"user_id": m.user_id, "username": m.user.username, "role": m.role, "held_since": m.created_at}
        for m in role_holders_for(request.user, partner=partner)
    ]


@router.get("/privacy/partners/{partner_id}/sensitive-reads", response=list[AccessReviewReadOut])
@paginate(Pages, page_size=100)
def sensitive_reads(
    request: HttpRequest, partner_id: int, since: date | None = None, until: date | None = None
) -> Any:
    """Reads of occupational-health case content and audited exports of personal data, newest
    first, from ``since`` to ``until`` (both days included)."""
    partner = partner_for(request.user, partner_id=partner_id)
    return sensitive_reads_for(request.user, partner=partner, since=since, until=until)


@router.get("/privacy/partners/{partner_id}/access-reviews", response=list[AccessReviewOut])
@paginate(Pages, page_size=20)
def review_list(request: HttpRequest, partner_id: int) -> Any:
    """The partner's re-certification reviews, newest first, with their lines."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        _out(request, review)
        for review in reviews_for(request.user, partner=partner).select_related("partner")
    ]


@router.post("/privacy/partners/{partner_id}/access-reviews", response={201: AccessReviewOut})
def review_create(request: HttpRequest, partner_id: int, body: AccessReviewIn) -> Status[dict[str, Any]]:
    """Open a re-certification of every role on the partner, decided by the nominated manager (a
    member of the partner) by ``due_on``; what is pending after it lapses."""
    partner = partner_for(request.user, partner_id=partner_id)
    made = services.review_open(
        actor=request.user, partner=partner, nominee_id=body.nominee_id, due_on=body.due_on
    )
    return Status(201, _out(request, review_for(request.user, review_id=made.pk)))


@router.get("/privacy/access-reviews/{review_id}", response=AccessReviewOut)
def review_get(request: HttpRequest, review_id: int) -> dict[str, Any]:
    """One review with its lines: for the DPO and the nominated manager."""
    return _out(request, review_for(request.user, review_id=review_id))


@router.post(
    "/privacy/access-reviews/{review_id}/lines/{review_line_id}/certify", response=AccessReviewLineOut
)
def line_certify(
    request: HttpRequest, review_id: int, review_line_id: int, body: AccessReviewEmptyIn
) -> dict[str, Any]:
    """The nominated manager certifies that the user still needs the role."""
    line = line_of(request.user, review=review_for(request.user, review_id=review_id), line_id=review_line_id)
    return _line(services.line_certify(actor=request.user, line=line))


@router.post(
    "/privacy/access-reviews/{review_id}/lines/{review_line_id}/revoke", response=AccessReviewLineOut
)
def line_revoke(
    request: HttpRequest, review_id: int, review_line_id: int, body: AccessReviewEmptyIn
) -> dict[str, Any]:
    """The nominated manager revokes the role: it is removed now."""
    line = line_of(request.user, review=review_for(request.user, review_id=review_id), line_id=review_line_id)
    return _line(services.line_revoke(actor=request.user, line=line))
