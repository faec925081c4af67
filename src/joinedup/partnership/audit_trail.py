"""Reading the audit trail: a partner's events, to those whose role on that partner allows it.

The audit app sits below partnership (every change to partners, users and roles is audited), so
the reads that check a role live here, above both, and the audit app imports nothing of
partnership."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise


def audit_events_for(user: Any, *, partner: Partner, action: str = "") -> QuerySet[AuditEvent]:
    authorise(user, "audit.view", partner)
    events = AuditEvent.objects.for_partner(partner)
    if action:
        events = events.filter(action__startswith=action)
    return events.order_by("-seq")


def audit_event_for(user: Any, *, partner: Partner, event_id: int) -> AuditEvent:
    authorise(user, "audit.view", partner)
    return AuditEvent.objects.for_partner(partner).get(pk=event_id)
