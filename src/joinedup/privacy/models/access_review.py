"""The access review (issue 17): the data-protection officer opens a re-certification of who holds
which role on the partner, with a due date and a nominated manager (a member of the partner); the
review snapshots each membership (user, role) as a line; the nominee certifies or revokes each
line; after the due date every line still pending lapses and its role is removed.

A line keeps the user and the role it was opened for, not the membership row: a revoked or lapsed
membership is deleted by the partnership app, and the line stays as the record of the decision.
Nothing here shows a name in ``__str__``: ids and decisions only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = ["AccessReview", "AccessReviewLine", "LineDecision", "ReviewStatus"]


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class LineDecision(models.TextChoices):
    PENDING = "pending", "Awaiting the manager"
    CERTIFIED = "certified", "Certified"
    REVOKED = "revoked", "Revoked"
    LAPSED = "lapsed", "Lapsed (not re-certified by the due date)"


class AccessReview(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    # The last day the nominee may certify; the lapse run removes what is pending after it.
    due_on = models.DateField()
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    # Null when the system opened it: the audit event names it.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerScopedManager["AccessReview"]()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="privacy_review_status"),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.OPEN) | Q(closed_at__isnull=False),
                name="privacy_review_closed_dated",
            ),
            # One re-certification at a time per partner: two would ask the same question twice.
            models.UniqueConstraint(
                fields=["partner"], condition=Q(status="open"), name="privacy_review_one_open"
            ),
        ]
        indexes = [models.Index(fields=["partner", "status", "due_on"], name="privacy_review_due")]

    def __str__(self) -> str:
        return f"access review {self.pk} ({self.status}, due {self.due_on})"

    __repr__ = __str__


class AccessReviewLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(AccessReview, on_delete=models.PROTECT, related_name="lines")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    decision = models.CharField(max_length=10, choices=LineDecision.choices, default=LineDecision.PENDING)
    # Null for a lapse (the system decided) and while pending.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerScopedManager["AccessReviewLine"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("review",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=LineDecision.values), name="privacy_review_line_decision"
            ),
            models.CheckConstraint(
                condition=Q(decision=LineDecision.PENDING) | Q(decided_at__isnull=False),
                name="privacy_review_line_decided_dated",
            ),
            models.UniqueConstraint(
                fields=["partner", "review", "user", "role"], name="privacy_review_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"access review line {self.pk} ({self.role}: {self.decision})"

    __repr__ = __str__
