"""Collective consultation on a programme's proposals, and its log with the recognised unions.

A ``Consultation`` is an employer's (``partner``: the partner whose staff the proposals would
dismiss) at one establishment, within a programme; the programme's partners all read it, as
they read the programme (``ProgrammeRowQuerySet``). Its log (``ConsultationEntry``: meetings,
questions and answers, proposals and counter-proposals, documents, the outcome) and the
documents attached (``ConsultationDocument``, their bytes kept outside the database by
core.attachments) carry the programme too, so the same rule, and the same row-level security,
covers them. Nothing here names a person at risk: the log is read by union representatives,
who see numbers, never an individual's data.

``RecognisedUnion``: the unions a partner recognises (the consultation is with each of them).
``UnionRepresentative``: which union a user holding the union_rep role at a partner speaks for
there; a rep writes the union side of that partner's consultations only as that union.

Imported by change/models.py, so Django registers these in the change app.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.change.models import ChangeProgramme, ProgrammeRowQuerySet
from joinedup.core.tenancy import PartnerScopedManager


class Union(models.TextChoices):
    UNISON = "UNISON", "UNISON"
    GMB = "GMB", "GMB"
    UNITE = "UNITE", "Unite the Union"
    POLICE_FEDERATION = "POLFED", "Police Federation of England and Wales"
    FBU = "FBU", "Fire Brigades Union"


class RecognisedUnion(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    union = models.CharField(max_length=10, choices=Union.choices)
    recognised_from = models.DateField(null=True, blank=True)

    objects = PartnerScopedManager["RecognisedUnion"]()

    class Meta:
        ordering = ["partner", "union"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "union"], name="change_union_recognised_once"),
            models.CheckConstraint(condition=Q(union__in=Union.values), name="change_union_known"),
        ]

    def __str__(self) -> str:
        return self.get_union_display()


class UnionRepresentative(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    union = models.CharField(max_length=10, choices=Union.choices)
    appointed_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["UnionRepresentative"]()

    class Meta:
        ordering = ["partner", "union"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="change_union_rep_once"),
            models.CheckConstraint(condition=Q(union__in=Union.values), name="change_union_rep_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.union}"


class Consultation(models.Model):
    """Collective consultation by one employer (``partner``) at one establishment (``establishment``:
    the location its posts name, or "" for the whole partner) on a programme's proposals.

    ``declared_number``: how many the employer proposes to dismiss there, when it proposes more
    than the people already recorded at risk (proposals come before people are selected); the
    duty is figured on the larger of the two (consultation_selectors.figures)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="consultations")
    establishment = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    declared_number = models.PositiveIntegerField(default=0)
    reasons = models.TextField(help_text="The reasons for the proposals (s.188(4)(a)).")
    selection_method = models.TextField(
        blank=True, help_text="The proposed method of selection (s.188(4)(d))."
    )
    dismissal_method = models.TextField(
        blank=True, help_text="How the dismissals will be carried out, and over what period (s.188(4)(e))."
    )
    proposed_first_dismissal = models.DateField(null=True, blank=True)
    proposed_last_dismissal = models.DateField(null=True, blank=True)
    hr1_sent_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["Consultation"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "partner", "establishment"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "establishment"], name="change_consultation_once"
            ),
            models.CheckConstraint(
                condition=Q(proposed_last_dismissal__isnull=True)
                | Q(proposed_first_dismissal__isnull=False)
                & Q(proposed_last_dismissal__gte=models.F("proposed_first_dismissal")),
                name="change_consultation_dismissal_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation {self.pk} in {self.programme_id}"

    @property
    def complete(self) -> bool:
        return self.completed_on is not None


class EntryKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"
    PROPOSAL = "proposal", "Proposal"
    COUNTER_PROPOSAL = "counter", "Counter-proposal"
    DOCUMENT = "document", "Document"
    OUTCOME = "outcome", "Outcome"


class Side(models.TextChoices):
    MANAGEMENT = "management", "Management"
    UNION = "union", "Union"


class ConsultationEntry(models.Model):
    """One item in the log. ``union``: the union it is from or for ("" for every union);
    ``reply_to``: the question an answer answers, the proposal a counter-proposal counters."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    side = models.CharField(max_length=10, choices=Side.choices)
    union = models.CharField(max_length=10, choices=Union.choices, blank=True)
    occurred_on = models.DateField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    attendees = models.TextField(blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("consultation",)
    objects = PartnerScopedManager["ConsultationEntry"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["consultation", "occurred_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="change_entry_kind_known"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="change_entry_side_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"


class ConsultationDocument(models.Model):
    """A document attached to a log entry. The bytes are in the attachment store under
    ``sha256`` (core.attachments); ``filename`` is the uploader's name for it, cleaned."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(ConsultationEntry, on_delete=models.PROTECT, related_name="documents")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("entry",)
    objects = PartnerScopedManager["ConsultationDocument"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename
