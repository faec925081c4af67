"""The breach log over JSON (issue 17): a partner's breaches with their 72-hour clocks, one breach,
recording one, a partner's decisions and ICO notification, another affected partner, closing.

Everything here is the data-protection officer's (``privacy.breach``). A breach is shown as its
shared facts and the rows of the partners on which the caller holds the permission; a breach none
of whose partners the caller is a member of answers 404; on their own partner without the
permission, 403 and nothing changes. Times in requests carry their offset (``Z`` or ``+01:00``):
the 72 hours are counted from an instant, not a wall-clock reading. Schemas are prefixed
``Breach`` so they clobber no other app's in the OpenAPI document."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import re
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema

from joinedup.api.openapi import Pages
from joinedup.api.schemas import IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import breach as services
from joinedup.privacy.breach_selectors import BreachView, breach_for, breach_log_for, row_of
from joinedup.privacy.models import AffectedPartner, BreachDecision
from joinedup.privacy.models.breach import REASON_LIMIT, TEXT_LIMIT

router = Router(tags=["privacy"])

# An instant with its offset, in the years 1900 to 2999 (pydantic alone would take seconds since
# 1970, or a naive time the 72 hours cannot be counted from).
MOMENT_PATTERN = (
    r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)


def _moment(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(MOMENT_PATTERN, value):
        raise ValueError("Write the time as YYYY-MM-DDTHH:MM with its offset (Z or +01:00).")
    return datetime.fromisoformat(value)


MomentIn = Annotated[
    datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN}),
]
DecisionIn = Annotated[str, Field(pattern="^(notify|not_required)$")]
PeopleDecisionIn = Annotated[str, Field(pattern="^(undecided|notify|not_required)$")]
CountIn = Annotated[int, Field(ge=0, le=2_147_483_647)]


class BreachPartnerOut(Schema):
    partner_id: int
    partner: str
    people_affected: int
    people_categories: str
    ico_decision: str
    ico_reason: str
    ico_notified_at: datetime | None
    ico_reference: str
    delay_reason: str
    people_decision: str
    people_reason: str
    ico_deadline: datetime
    clock: str
    hours_left: int | None


class BreachOut(Schema):
    id: int
    summary: str
    occurred_at: datetime
    aware_at: datetime
    data_categories: str
    cause: str
    containment: str
    closed_at: datetime | None
    remedial_action: str
    partners: list[BreachPartnerOut]


class BreachLogOut(Schema):
    id: int
    summary: str
    aware_at: datetime
    closed_at: datetime | None
    partner: BreachPartnerOut


class BreachRecordIn(Schema):
    summary: str = Field(min_length=1, max_length=TEXT_LIMIT)
    occurred_at: MomentIn
    aware_at: MomentIn
    data_categories: str = Field(min_length=1, max_length=REASON_LIMIT)
    cause: str = Field(min_length=1, max_length=REASON_LIMIT)
    containment: str = Field("", max_length=TEXT_LIMIT)
    people_affected: CountIn
    people_categories: str = Field(min_length=1, max_length=REASON_LIMIT)


class BreachDecisionIn(Schema):
    ico_decision: DecisionIn
    ico_reason: str = Field(min_length=1, max_length=REASON_LIMIT)
    people_decision: PeopleDecisionIn = BreachDecision.UNDECIDED.value
    people_reason: str = Field("", max_length=REASON_LIMIT)
    people_affected: CountIn | None = None


class BreachNotificationIn(Schema):
    notified_at: MomentIn
    reference: str = Field(min_length=1, max_length=services.REFERENCE_LIMIT)
    delay_reason: str = Field("", max_length=REASON_LIMIT)


class BreachPartnerIn(Schema):
    partner_id: IdIn
    people_affected: CountIn
    people_categories: str = Field(min_length=1, max_length=REASON_LIMIT)


class BreachClosureIn(Schema):
    remedial_action: str = Field(min_length=1, max_length=TEXT_LIMIT)


def _partner_out(row: AffectedPartner) -> dict[str, Any]:
    clock = services.clock_of(row)
    return {
        "partner_id": row.partner_id,
        "partner": row.partner.code,
        "people_affected": row.people_affected,
        "people_categories": row.people_categories,
        "ico_decision": row.ico_decision,
        "ico_reason": row.ico_reason,
        "ico_notified_at": row.ico_notified_at,
        "ico_reference": row.ico_reference,
        "delay_reason": row.delay_reason,
        "people_decision": row.people_decision,
        "people_reason": row.people_reason,
        "ico_deadline": clock.deadline,
        "clock": clock.state.value,
        "hours_left": clock.hours_left,
    }


def _out(view: BreachView) -> dict[str, Any]:
    b = view.breach
    return {
        "id": b.pk,
        "summary": b.summary,
        "occurred_at": b.occurred_at,
        "aware_at": b.aware_at,
        "data_categories": b.data_categories,
        "cause": b.cause,
        "containment": b.containment,
        "closed_at": b.closed_at,
        "remedial_action": b.remedial_action,
        "partners": [_partner_out(row) for row in view.rows],
    }


class _Rendered:
    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [
            {
                "id": row.breach_id,
                "summary": row.breach.summary,
                "aware_at": row.breach.aware_at,
                "closed_at": row.breach.closed_at,
                "partner": _partner_out(row),
            }
            for row in self.rows[window]
        ]


@router.get("/privacy/partners/{partner_id}/breaches", response=list[BreachLogOut])
@paginate(Pages, page_size=50)
def breach_log(request: HttpRequest, partner_id: int, open: bool = False) -> Any:
    """The partner's part in each breach with its 72-hour clock, most recent awareness first;
    ``open`` leaves out closed breaches."""
    partner = partner_for(request.user, partner_id=partner_id)
    return _Rendered(breach_log_for(request.user, partner=partner, open_only=open))


@router.post("/privacy/partners/{partner_id}/breaches", response={201: BreachOut})
def breach_create(request: HttpRequest, partner_id: int, body: BreachRecordIn) -> Status[dict[str, Any]]:
    """Record a breach and the partner's people affected; the ICO is due to hear of it within 72
    hours of ``aware_at`` (UK GDPR Article 33(1))."""
    partner = partner_for(request.user, partner_id=partner_id)
    row = services.breach_record(
        actor=request.user,
        partner=partner,
        facts=services.BreachFacts(
            summary=body.summary,
            occurred_at=body.occurred_at,
            aware_at=body.aware_at,
            data_categories=body.data_categories,
            cause=body.cause,
            containment=body.containment,
        ),
        impact=services.Impact(
            people_affected=body.people_affected, people_categories=body.people_categories
        ),
    )
    return Status(201, _out(breach_for(request.user, breach_id=row.breach_id)))


@router.get("/privacy/breaches/{breach_id}", response=BreachOut)
def breach_get(request: HttpRequest, breach_id: int) -> dict[str, Any]:
    """One breach: its facts, and your partners' parts in it with their clocks."""
    return _out(breach_for(request.user, breach_id=breach_id))


@router.post("/privacy/breaches/{breach_id}/partners", response={201: BreachOut})
def breach_partner_add(request: HttpRequest, breach_id: int, body: BreachPartnerIn) -> Status[dict[str, Any]]:
    """Another of your partners is affected by the same breach: its own people, its own decision."""
    view = breach_for(request.user, breach_id=breach_id)
    partner = partner_for(request.user, partner_id=body.partner_id)
    services.breach_add_partner(
        actor=request.user,
        breach=view.breach,
        partner=partner,
        impact=services.Impact(
            people_affected=body.people_affected, people_categories=body.people_categories
        ),
    )
    return Status(201, _out(breach_for(request.user, breach_id=breach_id)))


@router.post("/privacy/breaches/{breach_id}/partners/{partner_id}/decision", response=BreachOut)
def breach_decision(
    request: HttpRequest, breach_id: int, partner_id: int, body: BreachDecisionIn
) -> dict[str, Any]:
    """The partner's decisions: tell the ICO or not (Article 33), tell the people or not (Article
    34), each with its reason."""
    row = row_of(breach_for(request.user, breach_id=breach_id), partner_id)
    services.breach_decide(
        actor=request.user,
        row=row,
        ico_decision=body.ico_decision,
        ico_reason=body.ico_reason,
        people_decision=body.people_decision,
        people_reason=body.people_reason,
        people_affected=body.people_affected,
    )
    return _out(breach_for(request.user, breach_id=breach_id))


@router.post("/privacy/breaches/{breach_id}/partners/{partner_id}/ico-notification", response=BreachOut)
def breach_ico_notification(
    request: HttpRequest, breach_id: int, partner_id: int, body: BreachNotificationIn
) -> dict[str, Any]:
    """The partner told the ICO: when, the ICO's reference, and after 72 hours the reasons for the
    delay."""
    row = row_of(breach_for(request.user, breach_id=breach_id), partner_id)
    services.breach_notify_ico(
        actor=request.user,
        row=row,
        notified_at=body.notified_at,
        reference=body.reference,
        delay_reason=body.delay_reason,
    )
    return _out(breach_for(request.user, breach_id=breach_id))


@router.post("/privacy/breaches/{breach_id}/closure", response=BreachOut)
def breach_closure(request: HttpRequest, breach_id: int, body: BreachClosureIn) -> dict[str, Any]:
    """Close the breach once every partner has decided (and notified where it decided to), with
    the remedial action taken."""
    view = breach_for(request.user, breach_id=breach_id)
    services.breach_close(actor=request.user, breach=view.breach, remedial_action=body.remedial_action)
    return _out(breach_for(request.user, breach_id=breach_id))
