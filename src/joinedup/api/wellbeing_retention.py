"""Retention of occupational-health cases over JSON (wellbeing/retention_runs.py): what is due for
deletion on a day, the legal holds, and placing and lifting a hold. For the partner's
occupational-health administrators and its data-protection officer (``wellbeing.retention``).

Every answer carries ids, names, references and dates; never a referral's reason, a note or an
adjustment. Another partner's case or hold answers 404; a role without the permission on its own
partner's list answers 403, and nothing changes."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn
from joinedup.partnership.selectors import partner_for
from joinedup.wellbeing import retention_runs
from joinedup.wellbeing.models import CaseLegalHold
from joinedup.wellbeing.retention_runs import REASON_LIMIT, REFERENCE_LIMIT, DueCase

router = Router(tags=["wellbeing"])


class OhRetentionCaseOut(Schema):
    case_id: int
    employee: str
    payroll_number: str
    closed_on: date
    retention_ends: date | None
    rule: str
    holds: list[str] = Field(description="References of the legal holds in force.")


class OhLegalHoldOut(Schema):
    id: int
    case_id: int
    employee: str
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime
    in_force: bool
    lifted_by: str
    lifted_at: datetime | None
    lift_reason: str


class OhRetentionOut(Schema):
    partner_id: int
    as_of: date
    due: list[OhRetentionCaseOut]
    held: list[OhRetentionCaseOut]
    within_minimum: int = Field(description="Closed cases still within their retention.")
    holds: list[OhLegalHoldOut] = Field(description="Every hold, in force first, then lifted ones.")


class OhLegalHoldIn(Schema):
    reference: str = Field(min_length=1, max_length=REFERENCE_LIMIT, description="A claim or case number.")
    reason: str = Field(min_length=1, max_length=REASON_LIMIT)


class OhLegalHoldLiftIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_LIMIT)


def _due(row: DueCase) -> dict[str, Any]:
    case = row.case
    return {
        "case_id": case.pk,
        "employee": str(case.employment.person.full_name),
        "payroll_number": case.employment.payroll_number,
        "closed_on": timezone.localtime(case.closed_at).date() if case.closed_at else None,
        "retention_ends": row.retention_ends,
        "rule": row.rule.key,
        "holds": list(row.holds),
    }


def _hold(hold: CaseLegalHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "case_id": hold.case_id,
        "employee": str(hold.case.employment.person.full_name),
        "reference": hold.reference,
        "reason": hold.reason,
        "placed_by": hold.placed_by_label,
        "placed_at": hold.placed_at,
        "in_force": hold.lifted_at is None,
        "lifted_by": hold.lifted_by_label,
        "lifted_at": hold.lifted_at,
        "lift_reason": hold.lift_reason,
    }


@router.get("/wellbeing/partners/{partner_id}/retention", response=OhRetentionOut)
def retention(request: HttpRequest, partner_id: int, as_of: DateIn | None = None) -> dict[str, Any]:
    """The partner's closed cases whose retention has ended on ``as_of`` (default today): due for
    deletion, or kept by a legal hold; how many are still within their retention; every hold."""
    partner = partner_for(request.user, partner_id=partner_id)
    found = retention_runs.retention_overview(
        request.user, partner=partner, as_of=as_of or timezone.localdate()
    )
    return {
        "partner_id": partner.pk,
        "as_of": found.as_of,
        "due": [_due(d) for d in found.due],
        "held": [_due(d) for d in found.held],
        "within_minimum": found.within_minimum,
        "holds": [_hold(h) for h in found.holds],
    }


@router.post("/wellbeing/cases/{oh_case_id}/legal-holds", response={201: OhLegalHoldOut})
def place_hold(request: HttpRequest, oh_case_id: int, body: OhLegalHoldIn) -> Status[dict[str, Any]]:
    """Place a legal hold on the case: its content is not erased while the hold is in force."""
    case = retention_runs.retention_case(request.user, case_id=oh_case_id)
    hold = retention_runs.place_legal_hold(
        actor=request.user, case=case, reason=body.reason, reference=body.reference
    )
    return Status(201, _hold(retention_runs.hold_for(request.user, hold_id=hold.pk)))


@router.post("/wellbeing/legal-holds/{oh_legal_hold_id}/lift", response=OhLegalHoldOut)
def lift_hold(request: HttpRequest, oh_legal_hold_id: int, body: OhLegalHoldLiftIn) -> dict[str, Any]:
    """Lift a legal hold; it is kept, with who lifted it, when and why."""
    hold = retention_runs.hold_for(request.user, hold_id=oh_legal_hold_id)
    lifted = retention_runs.lift_legal_hold(actor=request.user, hold=hold, reason=body.reason)
    return _hold(retention_runs.hold_for(request.user, hold_id=lifted.pk))
