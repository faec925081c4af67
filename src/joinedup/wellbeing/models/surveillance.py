"""Health surveillance (issue 16): programmes a partner runs for the people whose work puts their
health at risk, who is enrolled, and each check done.

**Who a programme applies to** is an explicit enrolment of an employment, not a rule over posts,
grades or job titles. The duties are to the individual exposed (COSHH 2002 reg 11(1) "employees
exposed", Noise 2005 reg 9(1) "employees whose health is at risk", WTR 1998 reg 7 "night
workers"), as the partner's risk assessment identifies them; a post or grade does not say who
works nights or near noise, and job titles are free text. So the record is per person; the
services enrol many at once (the people with a job title, for the demo's firefighters) but what is
kept is who is enrolled, from when, with their first due date.

**A check** records its date, who recorded it (an OH clinician or administrator) and an outcome
category only. Results (audiograms, spirometry readings, the clinician's findings) are clinical
content and live in the OH case's clinical notes, never here. The next due date follows from the
programme's interval (``wellbeing.schedule.next_due``) and is kept on the check as worked out at
the time, so that where an enrolment stood on any past day is read, not re-derived.

All partner-owned and guarded (``PartnerScopedManager``; row-level security by declaration).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__ = [
    "CheckOutcome",
    "RecordedAs",
    "SurveillanceCheck",
    "SurveillanceEnrolment",
    "SurveillanceKind",
    "SurveillanceProgramme",
]


class SurveillanceKind(models.TextChoices):
    FITNESS = "fitness", "Fitness test"
    NIGHT_WORKER = "night_worker", "Night-worker health assessment"
    AUDIOMETRY = "audiometry", "Audiometry (hearing)"
    SPIROMETRY = "spirometry", "Spirometry (lung function)"
    SKIN = "skin", "Skin check"
    DRIVER = "driver", "Driver medical"
    OTHER = "other", "Other"


class SurveillanceProgramme(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SurveillanceKind.choices)
    # The key of its statutory basis in rules/surveillance.toml (noise, coshh, night_worker...).
    basis = models.CharField(max_length=30)
    interval_months = models.PositiveSmallIntegerField()
    initial_interval_months = models.PositiveSmallIntegerField(null=True, blank=True)
    initial_checks = models.PositiveSmallIntegerField(default=0)
    # Follow the basis's age bands (a Group 2 driver medical) instead of the interval.
    by_age = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["SurveillanceProgramme"]()

    class Meta:
        ordering = ["partner", "name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="wellbeing_survprog_code_once"),
            models.CheckConstraint(
                condition=Q(kind__in=SurveillanceKind.values), name="wellbeing_survprog_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1), name="wellbeing_survprog_interval_positive"
            ),
            models.CheckConstraint(
                condition=Q(initial_interval_months__isnull=True, initial_checks=0)
                | Q(initial_interval_months__gte=1, initial_checks__gte=1),
                name="wellbeing_survprog_initial_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SurveillanceEnrolment(models.Model):
    """An employment in a programme from ``enrolled_on`` until ``ended_on`` (no longer exposed,
    or left). ``next_due_on`` is the current due date (the first until a check is done), kept
    for the due and overdue lists' index; a past day's is read from the checks."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(SurveillanceProgramme, on_delete=models.PROTECT, related_name="enrolments")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField()
    first_due_on = models.DateField()
    next_due_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme", "employment")
    objects = PartnerScopedManager["SurveillanceEnrolment"]()

    class Meta:
        ordering = ["programme", "next_due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "employment"],
                condition=Q(ended_on__isnull=True),
                name="wellbeing_survenrol_once_open",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("enrolled_on")),
                name="wellbeing_survenrol_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["partner", "next_due_on"], name="wellbeing_survenrol_due")]

    def __str__(self) -> str:
        return f"{self.employment_id} in {self.programme_id}"


class CheckOutcome(models.TextChoices):
    """The category only: what was found and why is clinical content (the case's notes)."""

    FIT = "fit", "Fit"
    FIT_WITH_RESTRICTIONS = "fit_restricted", "Fit with restrictions"
    REFERRED = "referred", "Referred to a clinician"
    NOT_FIT = "not_fit", "Not fit"


class RecordedAs(models.TextChoices):
    CLINICIAN = "oh_clinician", "OH clinician"
    ADMIN = "oh_admin", "OH administrator"
    SYSTEM = "system", "The system"


class SurveillanceCheck(models.Model):
    """One check done, as recorded: never changed or deleted afterwards."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(SurveillanceEnrolment, on_delete=models.PROTECT, related_name="checks")
    done_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=CheckOutcome.choices)
    next_due_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    # In which capacity: an OH clinician, or an OH administrator entering the provider's result.
    recorded_as = models.CharField(max_length=20, choices=RecordedAs.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("enrolment",)
    objects = PartnerScopedManager["SurveillanceCheck"]()

    class Meta:
        ordering = ["enrolment", "done_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=CheckOutcome.values), name="wellbeing_survcheck_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(next_due_on__gt=models.F("done_on")), name="wellbeing_survcheck_next_after"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "enrolment", "done_on"], name="wellbeing_survcheck_by_date")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} checked {self.done_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("A check is recorded once: record a new check instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A check is never deleted (retention deletes by its own path).")
