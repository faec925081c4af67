"""Satisfaction: the requester's answer to "How satisfied are you with how this was handled?",
asked once for each resolution of a ticket (issue 15; servicedesk/satisfaction.py asks and
records it).

One row per resolution (the ``TicketEvent`` that resolved the ticket): a ticket reopened and
resolved again is asked again, about the new resolution. Answering again before the ticket is
closed replaces the score (and the comment, when one is given), audited each time; the history
keeps every answer as a ``rated`` event. Partner-owned like the ticket: guarded and under
row-level security by declaration."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__ = ["SatisfactionResponse", "SatisfactionScore"]


class SatisfactionScore(models.IntegerChoices):
    """The five-point scale, best first on the page; 5 is very satisfied, 1 very dissatisfied,
    so a mean score reads "higher is better"."""

    VERY_SATISFIED = 5, "Very satisfied"
    SATISFIED = 4, "Satisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    DISSATISFIED = 2, "Dissatisfied"
    VERY_DISSATISFIED = 1, "Very dissatisfied"


class SatisfactionResponse(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.PROTECT, related_name="satisfaction_responses"
    )
    # The event that resolved the ticket, which this answer is about.
    resolution = models.ForeignKey("servicedesk.TicketEvent", on_delete=models.PROTECT, related_name="+")
    # When the resolution was made (copied from its event), so the monthly report selects a
    # month's answers by one indexed column.
    resolved_at = models.DateTimeField()
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=SatisfactionScore.choices)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["SatisfactionResponse"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("ticket", "resolution")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "resolution"], name="servicedesk_satisfaction_once_per_resolution"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="servicedesk_satisfaction_score_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "resolved_at"], name="servicedesk_satisfaction_month"),
        ]

    def __str__(self) -> str:
        return f"{self.score} for ticket {self.ticket_id}"
