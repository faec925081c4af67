"""levels: each partner's service-level agreement, dated, with its targets (issue 15).

An agreement is never edited: a change is a new version with a later ``effective_from``. The
version in force when a ticket was raised (the latest taking effect on or before the local date
of its creation) governs that ticket for its whole life, so a past month's report gives the same
figures after the agreement changes. Business hours are stored as ``business_time.parse_hours``
reads them back (normalised text: ``mon-fri 08:30-17:00`` or ``24x7``). Every version has an
all-services target for every priority (the fallback); a service may have its own targets for
some priorities. Both are partner-owned and guarded (``PartnerScopedManager``, row-level
security by declaration); a target always shares its agreement's partner."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.core.tenancy import PartnerScopedManager
from joinedup.servicedesk.models.tickets import Priority, Service

__all__ = [
    "ServiceLevelAgreement",
    "ServiceLevelTarget",
    "SlaClock",
    "SlaNation",
]

# The contract's vocabulary is the tickets' (SERVICEDESK-CONTRACT.md): one set of choices, so a
# target's service and priority can never drift from a ticket's.
SERVICE_CHOICES = Service.choices
PRIORITY_CHOICES = Priority.choices
ALL_SERVICES = ""


class SlaNation(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class SlaClock(models.TextChoices):
    BUSINESS = "business", "The agreement's business hours"
    ALWAYS = "24x7", "24x7 (every minute)"


class ServiceLevelAgreement(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(help_text="Governs tickets raised on or after this local date.")
    nation = models.CharField(max_length=20, choices=SlaNation.choices)
    business_hours = models.CharField(max_length=200, help_text="e.g. 08:30-17:00, or 24x7")
    third_party_pauses = models.BooleanField(
        default=False, help_text="Waiting on a third party pauses the resolution clock."
    )
    warning_percent = models.PositiveSmallIntegerField(
        default=75, help_text="Warn when this per cent of a target has run."
    )
    note = models.CharField(max_length=200, help_text="What changed, and the agreement's reference.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["ServiceLevelAgreement"]()

    class Meta:
        ordering = ["partner", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "effective_from"], name="servicedesk_sla_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1) & Q(warning_percent__lte=100),
                name="servicedesk_sla_warning_percent",
            ),
            models.CheckConstraint(condition=Q(nation__in=SlaNation.values), name="servicedesk_sla_nation"),
        ]

    def __str__(self) -> str:
        return f"service levels of {self.partner_id} from {people_date(self.effective_from)}"


class ServiceLevelTarget(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(ServiceLevelAgreement, on_delete=models.CASCADE, related_name="targets")
    service = models.CharField(
        max_length=20, choices=SERVICE_CHOICES, blank=True, help_text="Empty: all services."
    )
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    clock = models.CharField(max_length=8, choices=SlaClock.choices, default=SlaClock.BUSINESS)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("agreement",)
    objects = PartnerScopedManager["ServiceLevelTarget"]()

    class Meta:
        ordering = ["agreement", "service", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "agreement", "service", "priority"], name="servicedesk_sla_target_once"
            ),
            models.CheckConstraint(
                condition=Q(response_minutes__gte=1) & Q(resolution_minutes__gte=F("response_minutes")),
                name="servicedesk_sla_target_minutes",
            ),
            models.CheckConstraint(
                condition=Q(clock__in=SlaClock.values), name="servicedesk_sla_target_clock"
            ),
        ]

    def __str__(self) -> str:
        minutes = f"{self.response_minutes}/{self.resolution_minutes}"
        return f"{self.priority} {self.service or 'all services'}: {minutes}"
