"""Retention: each partner's schedule per record type, and its legal holds (issue 17).

The periods and their statutory minimums are in rules/retention.toml; a ``RetentionSchedule``
row is one partner's longer (never shorter than the minimum) period for one type. A
``RetentionHold`` stops the retention run removing a type's records of the partner — all of
them, or one person's — until it is lifted, or until the end of its ``ends_on`` day if it has one
(a claim's limitation date, a tribunal's hearing). A lifted hold stays, with who lifted it, when
and why; so does one past its end date. Nothing here
shows personal data in ``__str__``: ids, types and references."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = ["RetentionHold", "RetentionRecordType", "RetentionSchedule"]


class RetentionRecordType(models.TextChoices):
    PAYSLIPS = "payslips", "Payroll records (payslips)"
    TICKETS = "tickets", "Service-desk tickets"
    RECRUITMENT = "recruitment", "Recruitment records"


class RetentionSchedule(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RetentionRecordType.choices)
    months = models.PositiveIntegerField(help_text="From the point the type runs from.")
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_by_label = models.CharField(max_length=150)
    set_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["RetentionSchedule"]()

    class Meta:
        ordering = ["partner", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "record_type"], name="privacy_retention_one_schedule"),
            models.CheckConstraint(
                condition=Q(record_type__in=RetentionRecordType.values),
                name="privacy_retention_schedule_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} schedule of {self.partner_id}: {self.months} months"


class RetentionHold(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RetentionRecordType.choices)
    # Empty: every record of the type for the partner.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(max_length=100, help_text="The matter: a claim, a tribunal case, a request.")
    reason = models.CharField(max_length=2000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_by_label = models.CharField(max_length=150)
    placed_at = models.DateTimeField(default=timezone.now)
    # Inclusive; empty: until lifted.
    ends_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_by_label = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=2000, blank=True)

    objects = PartnerScopedManager["RetentionHold"]()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record_type__in=RetentionRecordType.values), name="privacy_retention_hold_type"
            ),
        ]
        indexes = [models.Index(fields=["partner", "record_type", "lifted_at"], name="privacy_hold_in_force")]

    def __str__(self) -> str:
        return f"hold {self.reference} on {self.record_type} of {self.partner_id}"

    def in_force_on(self, day: date) -> bool:
        return self.lifted_at is None and (self.ends_on is None or day <= self.ends_on)

    @staticmethod
    def in_force_q(day: date) -> Q:
        """The holds in force on ``day`` (lifted ones never are, whatever the day)."""
        return Q(lifted_at__isnull=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
