"""Reads of the breach log, each taking the viewer.

A viewer sees a breach through the rows of the partners on which they hold ``privacy.breach``:
the incident's shared facts and those rows, never another partner's row (not its count, not its
decision, not that it exists). A breach none of whose partners the viewer is a member of answers
404; on their own partner's breach without ``privacy.breach``, PermissionDenied (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, member_partner_ids, partner_ids_with
from joinedup.privacy import breach_clock
from joinedup.privacy.breach import PERMISSION, clock_of
from joinedup.privacy.models import AffectedPartner, Breach


@dataclass(frozen=True)
class BreachView:
    """A breach as one viewer may see it: its shared facts and the viewer's partners' rows."""

    breach: Breach
    rows: list[AffectedPartner]


def breach_log_for(user: Any, *, partner: Partner, open_only: bool = False) -> QuerySet[AffectedPartner]:
    """The partner's part in each breach, most recent awareness first."""
    authorise(user, PERMISSION, partner)
    found = AffectedPartner.objects.for_partner(partner).select_related("breach", "partner")
    if open_only:
        found = found.filter(breach__closed_at__isnull=True)
    return found.order_by("-breach__aware_at", "-breach_id")


def breach_for(user: Any, *, breach_id: int) -> BreachView:
    """One breach: 404 unless one of its partners is the user's; 403 there without the permission."""
    # breach__id, not breach_id: the breach's own id field takes an id past 64 bits as matching
    # nothing, where the foreign key's column sent it to SQLite (OverflowError; found by fuzzing).
    member = AffectedPartner.objects.for_partners(member_partner_ids(user)).filter(breach__id=breach_id)
    partners = list(member.values_list("partner_id", flat=True))
    if not partners:
        raise Http404("No such breach.")
    allowed = set(partner_ids_with(user, PERMISSION))
    if allowed.isdisjoint(partners):
        authorise(user, PERMISSION, partners[0])  # raises: a member without the permission
    rows = list(
        AffectedPartner.objects.for_partners(sorted(allowed.intersection(partners)))
        .filter(breach__id=breach_id)
        .select_related("breach", "partner")
        .order_by("partner__name", "pk")
    )
    return BreachView(breach=rows[0].breach, rows=rows)


def row_of(view: BreachView, partner_id: int) -> AffectedPartner:
    """The viewer's row of the breach for ``partner_id``; 404 for a partner they cannot see."""
    for row in view.rows:
        if row.partner_id == partner_id:
            return row
    raise Http404("No such partner on this breach.")


def clocks(rows: list[AffectedPartner], *, now: datetime) -> list[tuple[AffectedPartner, breach_clock.Clock]]:
    return [(row, clock_of(row, now=now)) for row in rows]


def breach_timeline(user: Any, *, view: BreachView) -> QuerySet[AuditEvent]:
    """What happened to the breach, oldest first, from the chains of the viewer's partners."""
    partners = [row.partner_id for row in view.rows]
    for partner in partners:
        authorise(user, PERMISSION, partner)
    return (
        AuditEvent.objects.for_partners(partners)
        .filter(object_type="privacy.breach", object_id=str(view.breach.pk))
        .order_by("occurred_at", "seq")
    )
