"""Reading the audit trail: a partner's events, to those whose role on that partner allows it.

The audit app sits below partnership (every change to partners, users and roles is audited), so
the reads that check a role live here, above both, and the audit app imports nothing of
partnership."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with


class PartnerOwned(Protocol):
    pk: Any
    partner_id: int


def audit_events_for(user: Any, *, partner: Partner, action: str = "") -> QuerySet[AuditEvent]:
    authorise(user, "audit.view", partner)
    events = AuditEvent.objects.for_partner(partner)
    if action:
        events = events.filter(action__startswith=action)
    return events.order_by("-seq")


def audit_event_for(user: Any, *, partner: Partner, event_id: int) -> AuditEvent:
    authorise(user, "audit.view", partner)
    return AuditEvent.objects.for_partner(partner).get(pk=event_id)


def events_about(user: Any, *, object_type: str, objects: Iterable[PartnerOwned]) -> list[AuditEvent] | None:
    """The audit events about ``objects`` (rows of one model, of any partners), newest first,
    in one query: those at partners where ``user`` holds ``audit.view``. None when the user holds
    it on none of the objects' partners — nothing to show, not even that there is nothing."""
    wanted = list(objects)
    allowed = set(partner_ids_with(user, "audit.view"))
    ids_by_partner: dict[int, list[str]] = {}
    for obj in wanted:
        if obj.partner_id in allowed:
            ids_by_partner.setdefault(obj.partner_id, []).append(str(obj.pk))
    if not ids_by_partner:
        return None
    about = Q()
    for partner_id, ids in ids_by_partner.items():
        about |= Q(partner_id=partner_id, object_id__in=ids)
    events = AuditEvent.objects.for_partners(ids_by_partner).filter(about, object_type=object_type)
    return list(events.order_by("-occurred_at", "-id"))
