"""Wellbeing programmes (issue 16): the employee assistance programme, counselling,
physiotherapy... a partner offers, and how much they are used, as monthly counts by measure
(referrals, sessions) and reason category, entered by OH administrators from the providers'
returns. Counts only, never people: the providers keep who used them. Reported in aggregate only,
with small-number suppression (``wellbeing.programme_selectors``).

Partner-owned and guarded (``PartnerScopedManager``; row-level security by declaration).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__ = [
    "ProgrammeService",
    "ProgrammeUsage",
    "UsageMeasure",
    "UsageReason",
    "WellbeingProgramme",
]


class ProgrammeService(models.TextChoices):
    EAP = "eap", "Employee assistance programme"
    COUNSELLING = "counselling", "Counselling"
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    TRAUMA = "trauma", "Trauma support"
    OTHER = "other", "Other"


class UsageMeasure(models.TextChoices):
    REFERRALS = "referrals", "Referrals"
    SESSIONS = "sessions", "Sessions"


class UsageReason(models.TextChoices):
    """Broad categories, as the providers' returns give them; no finer (a rare reason in a small
    partner would point at a person even when suppressed elsewhere)."""

    STRESS = "stress", "Stress or anxiety"
    LOW_MOOD = "low_mood", "Low mood or depression"
    BEREAVEMENT = "bereavement", "Bereavement"
    RELATIONSHIPS = "relationships", "Relationships or family"
    MONEY_LEGAL = "money_legal", "Money or legal"
    WORK = "work", "Work-related"
    TRAUMA = "trauma", "Trauma"
    MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal"
    OTHER = "other", "Other"


class WellbeingProgramme(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=20, choices=ProgrammeService.choices)
    provider = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["WellbeingProgramme"]()

    class Meta:
        ordering = ["partner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="wellbeing_wbprog_name_once"),
            models.CheckConstraint(
                condition=Q(service__in=ProgrammeService.values), name="wellbeing_wbprog_service_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeUsage(models.Model):
    """One count: a programme's ``measure`` for ``reason`` in the month starting ``month``."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(WellbeingProgramme, on_delete=models.PROTECT, related_name="usage")
    month = models.DateField(help_text="The first day of the month counted.")
    measure = models.CharField(max_length=20, choices=UsageMeasure.choices)
    reason = models.CharField(max_length=20, choices=UsageReason.choices)
    count = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_by_label = models.CharField(max_length=200)
    entered_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["ProgrammeUsage"]()

    class Meta:
        ordering = ["programme", "month", "measure", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "month", "measure", "reason"],
                name="wellbeing_usage_one_count",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="wellbeing_usage_first_of_month"),
            models.CheckConstraint(
                condition=Q(measure__in=UsageMeasure.values), name="wellbeing_usage_measure_known"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=UsageReason.values), name="wellbeing_usage_reason_known"
            ),
        ]
        indexes = [models.Index(fields=["partner", "month"], name="wellbeing_usage_by_month")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m} {self.measure} {self.reason}: {self.count}"
