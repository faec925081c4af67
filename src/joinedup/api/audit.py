from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import AuditEventOut
from joinedup.audit.models import AuditEvent
from joinedup.partnership.audit_trail import audit_event_for, audit_events_for
from joinedup.partnership.selectors import partner_for

router = Router(tags=["audit"])


@router.get("/partners/{partner_id}/audit-events", response=list[AuditEventOut])
@paginate(Pages, page_size=50)
def list_audit_events(request: HttpRequest, partner_id: int, action: str = "") -> QuerySet[AuditEvent]:
    """Audit events of one partner, newest first; for its service administrators and DPOs."""
    partner = partner_for(request.user, partner_id=partner_id)
    return audit_events_for(request.user, partner=partner, action=action)


@router.get("/partners/{partner_id}/audit-events/{event_id}", response=AuditEventOut)
def get_audit_event(request: HttpRequest, partner_id: int, event_id: int) -> AuditEvent:
    partner = partner_for(request.user, partner_id=partner_id)
    return audit_event_for(request.user, partner=partner, event_id=event_id)
