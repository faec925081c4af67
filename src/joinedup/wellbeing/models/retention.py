"""Retention of occupational-health cases (wellbeing/retention_runs.py): legal holds that stop a
case's deletion, and the record that a case's content was erased.

A **legal hold** (``CaseLegalHold``) names a case, a reference (a claim, a tribunal, an
information request) and why; it stops the case's content being erased for as long as it is not
lifted. A lifted hold is kept, with who lifted it, when and why: the history of holds is itself
evidence. Issue 17 (privacy) lists holds across apps and places them through the services.

A **case erasure** (``CaseErasure``) is the case's skeleton's note that its content is gone: when,
by whom, under which retention rule (its key and the date it took effect), the day retention
ended, and how many of each kind of thing were removed. It holds no content.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = ["CaseErasure", "CaseLegalHold"]


class CaseLegalHold(models.Model):
    case = models.ForeignKey("wellbeing.Case", on_delete=models.PROTECT, related_name="legal_holds")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=100)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_by_label = models.CharField(max_length=150)
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_by_label = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = PartnerScopedManager["CaseLegalHold"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        constraints = [
            # A lifted hold says who lifted it and why; a hold in force says neither.
            models.CheckConstraint(
                condition=(Q(lifted_at__isnull=True) & Q(lifted_by_label="") & Q(lift_reason=""))
                | (Q(lifted_at__isnull=False) & ~Q(lifted_by_label="") & ~Q(lift_reason="")),
                name="wellbeing_hold_lifted_why",
            ),
            # One hold in force per case and reference: placing it twice is one hold.
            models.UniqueConstraint(
                fields=["partner", "case", "reference"],
                condition=Q(lifted_at__isnull=True),
                name="wellbeing_hold_one_in_force",
            ),
        ]
        indexes = [models.Index(fields=["partner", "lifted_at", "placed_at"], name="wellbeing_hold_list")]

    def __str__(self) -> str:
        state = "in force" if self.lifted_at is None else "lifted"
        return f"legal hold {self.pk} on case {self.case_id} ({state})"

    __repr__ = __str__

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class CaseErasure(models.Model):
    case = models.OneToOneField("wellbeing.Case", on_delete=models.PROTECT, related_name="erasure")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    erased_at = models.DateTimeField(default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_by_label = models.CharField(max_length=150)
    rule = models.CharField(max_length=60)
    rule_effective_from = models.DateField()
    retention_ended_on = models.DateField()
    removed = models.JSONField(default=dict)

    objects = PartnerScopedManager["CaseErasure"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        indexes = [models.Index(fields=["partner", "erased_at"], name="wellbeing_erasure_list")]

    def __str__(self) -> str:
        return f"erasure of case {self.case_id} under {self.rule} on {self.erased_at:%Y-%m-%d}"

    __repr__ = __str__
