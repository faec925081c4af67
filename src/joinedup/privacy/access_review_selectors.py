"""Reads of the access review, each taking the viewer: who holds which role on a partner, the
sensitive reads of its data, and its re-certification reviews.

The data-protection officer (``privacy.access_review``) sees all of it for the partner. A review is
also open to its nominated manager — checked against the review's nominee, not a role. A review of
a partner the viewer is not a member of answers 404 (its existence is not revealed); on their own
partner, a viewer who is neither the DPO nor the nominee is refused with PermissionDenied (403).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import is_system
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import authorise, has_permission, member_partners
from joinedup.privacy.models import AccessReview, AccessReviewLine
from joinedup.wellbeing.models import AccessPart, CaseAccessEvent

PERMISSION = "privacy.access_review"

# Audit events that record a read or an export of personal data in bulk or of special-category
# data (the clinical notes' own reads are in occupational health's access log, merged below).
SENSITIVE_AUDIT_ACTIONS: dict[str, str] = {
    "privacy.sar_exported": "Subject-access export written at the command line",
    "privacy.sar_export_downloaded": "Subject-access export downloaded",
    "privacy.partner_exported": "Partner exit export written",
    "change.eli_exported": "Employee liability information exported (TUPE)",
}


def role_holders_for(user: Any, *, partner: Partner) -> QuerySet[Membership]:
    """Every role held on the partner, by user then role."""
    authorise(user, PERMISSION, partner)
    return (
        Membership.objects.filter(partner=partner).select_related("user").order_by("user__username", "role")
    )


@dataclass(frozen=True)
class SensitiveRead:
    at: datetime
    reader_id: int | None
    reader: str
    what: str
    subject: str


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """``since`` and ``until`` as whole days in the site's timezone, ``until`` included."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=zone) if since else None
    end = (
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        if until and until < date.max
        else None
    )
    return start, end


def _case_rows(partner: Partner, start: datetime | None, end: datetime | None) -> QuerySet[CaseAccessEvent]:
    found = CaseAccessEvent.objects.for_partner(partner)
    if start:
        found = found.filter(at__gte=start)
    if end:
        found = found.filter(at__lt=end)
    return found.order_by("-at", "-pk")


def _audit_rows(partner: Partner, start: datetime | None, end: datetime | None) -> QuerySet[AuditEvent]:
    found = AuditEvent.objects.for_partner(partner).filter(action__in=list(SENSITIVE_AUDIT_ACTIONS))
    if start:
        found = found.filter(occurred_at__gte=start)
    if end:
        found = found.filter(occurred_at__lt=end)
    return found.order_by("-occurred_at", "-seq")


def _case_read(event: CaseAccessEvent) -> SensitiveRead:
    return SensitiveRead(
        at=event.at,
        reader_id=event.actor_id,
        reader=event.actor_label,
        what=f"Occupational-health case: {AccessPart(event.part).label.lower()}",
        subject=f"case {event.case_id}",
    )


def _audited_read(event: AuditEvent) -> SensitiveRead:
    kind = event.object_type.rsplit(".", 1)[-1]
    return SensitiveRead(
        at=event.occurred_at,
        reader_id=event.actor_id,
        reader=event.actor_label,
        what=SENSITIVE_AUDIT_ACTIONS[event.action],
        subject=f"{kind} {event.object_id}".strip(),
    )


class SensitiveReads:
    """The two sources merged newest first, read lazily: iterated (an export streams every row),
    counted, or sliced (a page reads no more than ``stop`` rows of each source)."""

    def __init__(self, cases: QuerySet[CaseAccessEvent], audited: QuerySet[AuditEvent]) -> None:
        self.cases, self.audited = cases, audited

    def _merged(self, cases: Any, audited: Any) -> Iterator[SensitiveRead]:
        return heapq.merge(
            (_case_read(e) for e in cases),
            (_audited_read(e) for e in audited),
            key=lambda r: r.at,
            reverse=True,
        )

    def __iter__(self) -> Iterator[SensitiveRead]:
        return self._merged(self.cases.iterator(chunk_size=2000), self.audited.iterator(chunk_size=2000))

    def __len__(self) -> int:
        return int(self.cases.count()) + int(self.audited.count())

    def __getitem__(self, window: slice) -> list[SensitiveRead]:
        start, stop = window.start or 0, window.stop
        if stop is None:
            return list(itertools.islice(iter(self), start, None))
        return list(itertools.islice(self._merged(self.cases[:stop], self.audited[:stop]), start, stop))


def sensitive_reads_for(
    user: Any, *, partner: Partner, since: date | None = None, until: date | None = None
) -> SensitiveReads:
    """The partner's sensitive reads between ``since`` and ``until`` (both days included), newest
    first: occupational-health case reads and audited exports of personal data."""
    authorise(user, PERMISSION, partner)
    start, end = _bounds(since, until)
    return SensitiveReads(_case_rows(partner, start, end), _audit_rows(partner, start, end))


def reviews_for(user: Any, *, partner: Partner) -> QuerySet[AccessReview]:
    """The partner's reviews, newest first."""
    authorise(user, PERMISSION, partner)
    return AccessReview.objects.for_partner(partner).select_related("nominee").order_by("-opened_at", "-pk")


def reviews_nominated(user: Any) -> QuerySet[AccessReview]:
    """The reviews the user is the nominated manager of, on partners they are a member of."""
    found = AccessReview.objects.for_partners(member_partners(user)).filter(nominee_id=user.pk)
    return found.select_related("partner").order_by("-opened_at", "-pk")


def may_see(user: Any, review: AccessReview) -> bool:
    return (
        is_system(user) or user.pk == review.nominee_id or has_permission(user, PERMISSION, review.partner_id)
    )


def review_for(user: Any, *, review_id: int) -> AccessReview:
    """One review: 404 unless on a partner the user belongs to; 403 there for anyone but the DPO
    and the review's nominee."""
    if is_system(user):
        found = AccessReview.objects.unscoped(reason="the system reads an access review")
    else:
        found = AccessReview.objects.for_partners(member_partners(user))
    review = found.select_related("partner", "nominee").filter(pk=review_id).first()
    if review is None:
        raise Http404("No such access review.")
    if not may_see(user, review):
        raise PermissionDenied("Only the data-protection officer and the nominated manager see this review.")
    return review


def lines_of(user: Any, *, review: AccessReview) -> QuerySet[AccessReviewLine]:
    if not may_see(user, review):
        raise PermissionDenied("Only the data-protection officer and the nominated manager see this review.")
    return review.lines.select_related("user").order_by("user__username", "role")


def line_of(user: Any, *, review: AccessReview, line_id: int) -> AccessReviewLine:
    line = lines_of(user, review=review).filter(pk=line_id).first()
    if line is None:
        raise Http404("No such line on this review.")
    return line
