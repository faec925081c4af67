"""Reads of the subject-access log, each taking the viewer.

A request is found among the partners the viewer is a member of: another partner's answers 404
(its existence is not revealed); on their own partner, a viewer without ``privacy.sar`` (the DPO's)
is refused with PermissionDenied (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import is_system
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, member_partners
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.models.sar import CLOSED_STATUSES

PERMISSION = "privacy.sar"


@dataclass(frozen=True)
class SarFilters:
    status: str = ""
    open_only: bool = False
    overdue_only: bool = False
    person_id: int | None = None


def sar_log_for(
    user: Any, *, partner: Partner, filters: SarFilters, today: date
) -> QuerySet[SubjectAccessRequest]:
    """The partner's requests, soonest due first (stopped clocks last), filtered."""
    authorise(user, PERMISSION, partner)
    found = SubjectAccessRequest.objects.for_partner(partner).select_related("person")
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.open_only or filters.overdue_only:
        found = found.exclude(status__in=CLOSED_STATUSES)
    if filters.overdue_only:
        found = found.filter(due_on__lt=today)
    if filters.person_id is not None:
        found = found.filter(person_id=filters.person_id)
    return found.order_by("due_on", "received_on", "pk")


def sar_for(user: Any, *, sar_id: int) -> SubjectAccessRequest:
    """One request: 404 unless on a partner the user belongs to; 403 there without ``privacy.sar``."""
    if is_system(user):
        found = SubjectAccessRequest.objects.unscoped(reason="the system reads a subject-access request")
    else:
        found = SubjectAccessRequest.objects.for_partners(member_partners(user))
    sar = found.select_related("person", "partner").filter(pk=sar_id).first()
    if sar is None:
        raise Http404("No such subject-access request.")
    authorise(user, PERMISSION, sar.partner_id)
    return sar


def sar_timeline(user: Any, *, sar: SubjectAccessRequest) -> QuerySet[AuditEvent]:
    """What happened to the request, oldest first, from the partner's audit chain."""
    authorise(user, PERMISSION, sar.partner_id)
    return (
        AuditEvent.objects.for_partner(sar.partner_id)
        .filter(object_type="privacy.subjectaccessrequest", object_id=str(sar.pk))
        .order_by("seq")
    )


STATUS_CHOICES = SarStatus.choices
