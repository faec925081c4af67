"""Records of processing (UK GDPR Article 30(1)) and the processors that process a partner's
personal data (issue 17).

A ``ProcessingRecord`` is one partner's record of one declared processing
(``core.personal_data.Declaration``, from ``<app>/personal_data.py``). It is generated, then the
DPO may edit it: ``edited`` marks a record the DPO has changed, which regeneration never
overwrites; ``declaration`` keeps the declaration it was last generated from, so regeneration can
flag (``declaration_changed``) a record whose declaration has since changed under the DPO's edit,
and ``status`` flags one whose declaration the partner no longer uses (``withdrawn``: kept, never
deleted, for the DPO to review).

A ``Processor`` is an organisation (the shared-services body, a contractor, a contractor's
sub-processor with ``parent``) in a country; it is not any one partner's, so it uses Django's
plain manager. What it processes for a partner, where the partner's data goes, on what transfer
mechanism and whether the partner has approved it is the partner's ``ProcessorEngagement``.
List fields (categories, recipients, measures) are text, one item a line: what the DPO edits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__ = [
    "EngagementStatus",
    "ProcessingRecord",
    "Processor",
    "ProcessorEngagement",
    "ProcessorKind",
    "ProcessorUser",
    "RecordStatus",
    "TransferMechanism",
]


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # The partner no longer uses the declaring app, or the app no longer declares it.
    WITHDRAWN = "withdrawn", "Withdrawn: declaration no longer in use"


class ProcessingRecord(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    # The declaration's key ("people.hr_record"): the record's identity across regenerations.
    key = models.CharField(max_length=100)
    record_type = models.CharField(max_length=200)
    purpose = models.TextField()
    data_categories = models.TextField()
    data_subjects = models.TextField()
    special_categories = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=200)
    article_9_condition = models.CharField(max_length=200, blank=True)
    schedule_1_condition = models.CharField(max_length=300, blank=True)
    recipients = models.TextField(blank=True)
    retention = models.TextField()
    security_measures = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    edited = models.BooleanField(default=False)
    declaration_changed = models.BooleanField(default=False)
    # The declaration's fields as last generated (or acknowledged by an edit).
    declaration = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PartnerScopedManager["ProcessingRecord"]()

    class Meta:
        ordering = ["partner", "key"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="privacy_record_one_per_declaration")
        ]

    def __str__(self) -> str:
        return self.record_type


class ProcessorKind(models.TextChoices):
    SHARED_SERVICE = "shared_service", "Shared-services body"
    CONTRACTOR = "contractor", "Contractor"
    SUB_PROCESSOR = "sub_processor", "Sub-processor"


class Processor(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ProcessorKind.choices)
    # A sub-processor's processor (the contractor that engaged it).
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_processors"
    )
    # ISO 3166-1 alpha-2: where it processes the data.
    country = models.CharField(max_length=2)
    contact = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TransferMechanism(models.TextChoices):
    NONE = "none", "Not a restricted transfer (processed in the UK)"
    ADEQUACY = "adequacy", "UK adequacy regulations"
    IDTA = "idta", "International data transfer agreement (IDTA)"
    ADDENDUM = "addendum", "International data transfer addendum to the EU SCCs"


class EngagementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved by the partner"
    WITHDRAWN = "withdrawn", "Approval withdrawn"


class ProcessorEngagement(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    processor = models.ForeignKey(Processor, on_delete=models.PROTECT, related_name="engagements")
    # The declarations (ProcessingRecord keys) it processes for the partner, and, once approved,
    # those the partner approved it for.
    record_keys = models.JSONField(default=list)
    approved_keys = models.JSONField(default=list)
    # Countries (ISO 3166-1 alpha-2) the partner approves its data being reached from; the
    # processor's own country is always among them once approved.
    approved_countries = models.JSONField(default=list)
    transfer_mechanism = models.CharField(
        max_length=10, choices=TransferMechanism.choices, default=TransferMechanism.NONE
    )
    transfer_risk_assessed_on = models.DateField(null=True, blank=True)
    review_due = models.DateField()
    status = models.CharField(
        max_length=10, choices=EngagementStatus.choices, default=EngagementStatus.PROPOSED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["ProcessorEngagement"]()

    class Meta:
        ordering = ["partner", "processor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "processor"], name="privacy_engagement_one_per_processor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.processor} for {self.partner_id}"


class ProcessorUser(models.Model):
    """A user who works for a processor (a contractor's staff): the roles they are given on a
    partner open that partner's data only as far as the partner has approved the processor
    (privacy/processor_access.py). One processor at a time; ``until`` ends it (never deleted:
    who worked for whom, when, is part of the record)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    processor = models.ForeignKey(Processor, on_delete=models.PROTECT, related_name="users")
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["processor__name", "user_id", "since"]
        indexes = [models.Index(fields=["user", "since"], name="privacy_procuser_user_since")]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.processor}"
