"""Retention schedules, legal holds and past retention runs over JSON (issue 17), for the
partner's data-protection officer (``privacy.retention``; privacy/retention.py).

A partner you are not a member of, or another partner's hold, answers 404; on your own partner
without the permission, 403; nothing changes either way. A period below the statutory minimum is
refused (422) naming the minimum and its source; so is a hold's end date before today. Holds
carry ids and references; the only personal data is the held person's id."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn, IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import retention, retention_selectors
from joinedup.privacy.models import RetentionHold
from joinedup.privacy.retention import REASON_LIMIT, REFERENCE_LIMIT

router = Router(tags=["privacy"])


class PrivacyRetentionScheduleOut(Schema):
    record_type: str
    title: str
    runs_from: str
    minimum_months: int = Field(description="The statutory minimum: no period is set below it.")
    default_months: int
    scheduled_months: int | None = Field(description="The partner's own period, if it set one.")
    months: int = Field(description="The period the retention run uses.")
    action: str = Field(description="What the run does when the period ends: anonymise or delete.")
    source: str
    held: bool = Field(description="False: joinedup holds no such records yet.")
    delegated: str = Field(description="Another app's run removes these (occupational health's).")
    set_by: str
    set_at: datetime | None
    reason: str


class PrivacyRetentionScheduleIn(Schema):
    months: int = Field(ge=0, le=1200)
    reason: str = Field(min_length=1, max_length=500)


class PrivacyRetentionHoldOut(Schema):
    id: int
    record_type: str
    person_id: int | None = Field(description="Empty: every record of the type is held.")
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime
    ends_on: date | None = Field(description="The last day the hold keeps the records; empty: until lifted.")
    in_force: bool = Field(description="Not lifted, and today is on or before its end date.")
    lifted_by: str
    lifted_at: datetime | None
    lift_reason: str


class PrivacyRetentionHoldIn(Schema):
    record_type: str = Field(max_length=20)
    person_id: IdIn | None = None
    reference: str = Field(min_length=1, max_length=REFERENCE_LIMIT)
    reason: str = Field(min_length=1, max_length=REASON_LIMIT)
    ends_on: DateIn | None = None


class PrivacyRetentionHoldEndIn(Schema):
    ends_on: DateIn | None = Field(description="The hold's new last day (inclusive); null: until lifted.")


class PrivacyRetentionLiftIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_LIMIT)


class PrivacyRetentionRunEventOut(Schema):
    occurred_at: datetime
    action: str
    actor: str
    as_of: str
    record_type: str
    months: int | None
    count: int | None
    first_id: int | None
    last_id: int | None


class PrivacyRetentionPreviewOut(Schema):
    record_type: str
    months: int
    expired: int = Field(description="Past their period and not yet removed, held ones included.")
    held: int
    would_remove: int
    note: str


def _schedule(row: retention_selectors.ScheduleRow) -> dict[str, Any]:
    s = row.schedule
    return {
        "record_type": row.record_type,
        "title": row.title,
        "runs_from": row.runs_from,
        "minimum_months": row.minimum_months,
        "default_months": row.default_months,
        "scheduled_months": row.scheduled_months,
        "months": row.months,
        "action": row.action,
        "source": row.source,
        "held": row.held,
        "delegated": row.delegated,
        "set_by": s.set_by_label if s else "",
        "set_at": s.set_at if s else None,
        "reason": s.reason if s else "",
    }


def _hold(hold: RetentionHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "record_type": hold.record_type,
        "person_id": hold.person_id,
        "reference": hold.reference,
        "reason": hold.reason,
        "placed_by": hold.placed_by_label,
        "placed_at": hold.placed_at,
        "ends_on": hold.ends_on,
        "in_force": hold.in_force_on(timezone.localdate()),
        "lifted_by": hold.lifted_by_label,
        "lifted_at": hold.lifted_at,
        "lift_reason": hold.lift_reason,
    }


@router.get("/privacy/partners/{partner_id}/retention/schedules", response=list[PrivacyRetentionScheduleOut])
def list_schedules(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """Every record type's retention: the statutory minimum and its source, the default, the
    partner's own period and what the run does when it ends."""
    partner = partner_for(request.user, partner_id=partner_id)
    today = timezone.localdate()
    return [
        _schedule(r) for r in retention_selectors.schedule_rows(request.user, partner=partner, today=today)
    ]


@router.put(
    "/privacy/partners/{partner_id}/retention/schedules/{record_type}", response=PrivacyRetentionScheduleOut
)
def set_schedule(
    request: HttpRequest, partner_id: int, record_type: str, body: PrivacyRetentionScheduleIn
) -> dict[str, Any]:
    """Set the partner's period for a record type; below the statutory minimum is refused.
    Audited with the period before and after."""
    partner = partner_for(request.user, partner_id=partner_id)
    retention.set_retention_schedule(
        actor=request.user, partner=partner, record_type=record_type, months=body.months, reason=body.reason
    )
    rows = retention_selectors.schedule_rows(request.user, partner=partner, today=timezone.localdate())
    return _schedule(next(r for r in rows if r.record_type == record_type))


@router.get("/privacy/partners/{partner_id}/retention/holds", response=list[PrivacyRetentionHoldOut])
def list_holds(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """The partner's legal holds, in force first, then lifted ones."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_hold(h) for h in retention_selectors.holds_for(request.user, partner=partner)[:1000]]


@router.post("/privacy/partners/{partner_id}/retention/holds", response={201: PrivacyRetentionHoldOut})
def place_hold(request: HttpRequest, partner_id: int, body: PrivacyRetentionHoldIn) -> Status[dict[str, Any]]:
    """Hold a record type's records of the partner, one person's (``person_id``, someone the
    partner employs or employed) or everyone's: the retention run removes none while it is in
    force."""
    partner = partner_for(request.user, partner_id=partner_id)
    person = (
        retention_selectors.person_of(request.user, partner=partner, person_id=body.person_id)
        if body.person_id is not None
        else None
    )
    hold = retention.place_retention_hold(
        actor=request.user,
        partner=partner,
        record_type=body.record_type,
        reference=body.reference,
        reason=body.reason,
        person=person,
        ends_on=body.ends_on,
    )
    return Status(201, _hold(hold))


@router.post("/privacy/retention-holds/{retention_hold_id}/lift", response=PrivacyRetentionHoldOut)
def lift_hold(request: HttpRequest, retention_hold_id: int, body: PrivacyRetentionLiftIn) -> dict[str, Any]:
    """Lift a hold in force; it is kept, with who lifted it, when and why."""
    hold = retention.hold_for(request.user, hold_id=retention_hold_id)
    return _hold(retention.lift_retention_hold(actor=request.user, hold=hold, reason=body.reason))


@router.put("/privacy/retention-holds/{retention_hold_id}/ends-on", response=PrivacyRetentionHoldOut)
def set_hold_end(
    request: HttpRequest, retention_hold_id: int, body: PrivacyRetentionHoldEndIn
) -> dict[str, Any]:
    """Change a hold's end date, or clear it (null: until lifted); not a day before today, nor on
    a lifted or ended hold. Audited with the date before and after."""
    hold = retention.hold_for(request.user, hold_id=retention_hold_id)
    return _hold(retention.set_retention_hold_end(actor=request.user, hold=hold, ends_on=body.ends_on))


@router.get("/privacy/partners/{partner_id}/retention/runs", response=list[PrivacyRetentionRunEventOut])
def list_runs(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """What past retention runs removed from the partner, newest first: one audit event per
    batch (the latest 200)."""
    partner = partner_for(request.user, partner_id=partner_id)
    rows = []
    for e in retention_selectors.run_events_for(request.user, partner=partner):
        after = e.after or {}
        rows.append(
            {
                "occurred_at": e.occurred_at,
                "action": e.action,
                "actor": e.actor_label,
                "as_of": str(after.get("as_of", "")),
                "record_type": str(after.get("record_type", e.object_type)),
                "months": after.get("months"),
                "count": after.get("count"),
                "first_id": after.get("first_id"),
                "last_id": after.get("last_id"),
            }
        )
    return rows


@router.get("/privacy/partners/{partner_id}/retention/preview", response=list[PrivacyRetentionPreviewOut])
def preview(request: HttpRequest, partner_id: int, as_of: DateIn | None = None) -> list[dict[str, Any]]:
    """What a retention run on ``as_of`` (today by default; not a day in the future) would remove
    from the partner, per record type. Changes nothing."""
    partner = partner_for(request.user, partner_id=partner_id)
    day: date = as_of or timezone.localdate()
    return [
        {
            "record_type": t.record_type,
            "months": t.months,
            "expired": t.expired,
            "held": t.held,
            "would_remove": t.expired - t.held,
            "note": t.note,
        }
        for t in retention_selectors.preview(request.user, partner=partner, as_of=day)
    ]
