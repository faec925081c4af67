"""Reading the audit trail: a partner's events, to those whose role on that partner allows it.

The audit app sits below partnership (every change to partners, users and roles is audited), so
the reads that check a role live here, above both, and the audit app imports nothing of
partnership."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with

LONDON = ZoneInfo("Europe/London")


class PartnerOwned(Protocol):
    pk: Any
    partner_id: int


def audit_events_for(
    user: Any,
    *,
    partner: Partner,
    action: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The partner's events, newest first: those whose action starts with ``action``, about
    ``object_type``, on the days from ``date_from`` to ``date_to`` (both included, London days)."""
    authorise(user, "audit.view", partner)
    events = AuditEvent.objects.for_partner(partner)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    # The database keeps UTC; a day is the day in London, where people read the trail.
    if date_from is not None:
        events = events.filter(occurred_at__gte=datetime.combine(date_from, time.min, tzinfo=LONDON))
    if date_to is not None:
        after = date_to + timedelta(days=1)
        events = events.filter(occurred_at__lt=datetime.combine(after, time.min, tzinfo=LONDON))
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


def person_history(user: Any, *, person: Any, employments: Iterable[PartnerOwned]) -> list[AuditEvent] | None:
    """Every audit event about a person and their employments, newest first, at the partners
    where ``user`` may read the history of the records: those who read the whole audit trail
    (``audit.view``) and HR, who read only the history of the people they manage
    (``people.view_history``). None when the user may read it at none of them."""
    allowed = set(partner_ids_with(user, "audit.view")) | set(partner_ids_with(user, "people.view_history"))
    wanted = [e for e in employments if e.partner_id in allowed]
    partner_ids = sorted({e.partner_id for e in wanted})
    if not partner_ids:
        return None
    about = Q(object_type="people.person", object_id=str(person.pk))
    for employment in wanted:
        about |= Q(
            partner_id=employment.partner_id, object_type="people.employment", object_id=str(employment.pk)
        )
    events = AuditEvent.objects.for_partners(partner_ids).filter(about)
    return list(events.order_by("-occurred_at", "-id"))
