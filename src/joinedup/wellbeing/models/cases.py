"""Occupational-health referrals and cases: the special-category part of joinedup.

A **referral** asks occupational health to see one employment's holder: by their line manager or
an HR officer of the employment's partner, or by the employee themselves. It is sent only with
the employee's informed consent, recorded with its date. A **case** is opened from a sent
referral by an OH administrator or clinician, triaged, and moves along ``CaseStatus``; it holds
**appointments**, **clinical notes**, one **outcome report** and any **adjustment records**.

Every row belongs to the employment's partner (guarded by ``PartnerScopedManager`` and, on
PostgreSQL, by row-level security by declaration); the children of a case declare the case in
``partner_shared_with``.

Clinical notes hold only ciphertext (``wellbeing/crypto.py``: a key kept outside the database,
rotatable), and no model here shows clinical text in ``__str__`` or ``__repr__``: the repr of a
model is what error pages, logs and debuggers print. The outcome report is not clinical (it is
what the referrer reads), but its adjustments are still kept out of the audit trail.

``CaseAccessEvent`` is the log of every read of a case's clinical content (and of a released
outcome by someone other than the employee): written by the selectors that read it, never
updated, read by the employee (their own case) and by the partner's data-protection officer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

__all__: list[str] = [
    "APPEND_ONLY",
    "AccessPart",
    "AdjustmentRecord",
    "Appointment",
    "AppointmentMode",
    "AppointmentStatus",
    "Case",
    "CaseAccessEvent",
    "CaseAttachment",
    "CasePriority",
    "CaseQuestionnaire",
    "CaseStatus",
    "ClinicalNote",
    "EmployeeResponse",
    "Outcome",
    "OutcomeReport",
    "Referral",
    "ReferralSource",
    "ReferralStatus",
    "ReleaseReason",
    "ReportStatus",
]


class ReferralSource(models.TextChoices):
    MANAGER = "manager", "Line manager"
    HR = "hr", "HR officer"
    SELF = "self", "Self-referral"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent to occupational health"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    TRIAGED = "triaged", "Triaged"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    ASSESSED = "assessed", "Assessed"
    REPORT_WRITTEN = "report_written", "Report written"
    REPORT_RELEASED = "report_released", "Report released"
    CLOSED = "closed", "Closed"


class CasePriority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    SOON = "soon", "Soon"
    ROUTINE = "routine", "Routine"


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    VIDEO = "video", "Video"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    FIT = "fit", "Fit for work"
    FIT_WITH_ADJUSTMENTS = "fit_with_adjustments", "Fit for work with adjustments"
    TEMPORARILY_UNFIT = "temporarily_unfit", "Temporarily unfit for work"
    UNFIT = "unfit", "Unfit for work"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft (the clinician's)"
    WITH_EMPLOYEE = "with_employee", "With the employee to see first"
    RELEASED = "released", "Released to the referrer"
    WITHHELD = "withheld", "Withheld by the employee"


class EmployeeResponse(models.TextChoices):
    AGREED = "agreed", "Agreed to its release"
    CORRECTION = "correction", "Asked for a correction"
    WITHHELD = "withheld", "Withheld consent to its release"


class ReleaseReason(models.TextChoices):
    ON_ISSUE = "on_issue", "Released on issue (the employee did not ask to see it first)"
    CONSENT = "consent", "Released with the employee's consent"
    NO_RESPONSE = "no_response", "Released after the employee did not respond in time"


class AccessPart(models.TextChoices):
    NOTES = "notes", "Clinical notes"
    DRAFT_REPORT = "draft_report", "The clinician's draft report"
    OUTCOME = "outcome", "The released outcome report"
    ATTACHMENTS = "attachments", "Attachments"
    QUESTIONNAIRES = "questionnaires", "Questionnaire answers"


class Referral(models.Model):
    """A request for an occupational-health assessment of one employment's holder. The reason and
    the questions are the referrer's words (they know them); they are still kept out of the audit
    trail, which records only that a referral was made."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=ReferralSource.choices)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    questions = models.TextField(blank=True)
    consent_given = models.BooleanField(default=False)
    consent_date = models.DateField(null=True, blank=True)
    see_report_first = models.BooleanField(
        default=False, help_text="The employee wants to see the outcome report before the referrer."
    )
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerScopedManager["Referral"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ReferralSource.values), name="wellbeing_referral_source"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="wellbeing_referral_status"
            ),
            # Consent is a fact with a date, or not given at all.
            models.CheckConstraint(
                condition=(Q(consent_given=True) & Q(consent_date__isnull=False))
                | (Q(consent_given=False) & Q(consent_date__isnull=True)),
                name="wellbeing_referral_consent_dated",
            ),
            # No referral leaves without the employee's consent.
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.SENT) | Q(consent_given=True),
                name="wellbeing_referral_sent_with_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "created_at"], name="wellbeing_referral_queue"),
            models.Index(fields=["referred_by", "created_at"], name="wellbeing_referral_referrer"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.source}, {self.status})"

    __repr__ = __str__


class Case(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    priority = models.CharField(max_length=10, choices=CasePriority.choices, blank=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerScopedManager["Case"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("referral", "employment")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="wellbeing_case_status"),
            models.CheckConstraint(
                condition=Q(priority="") | Q(priority__in=CasePriority.values), name="wellbeing_case_priority"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "opened_at"], name="wellbeing_case_queue"),
            models.Index(fields=["clinician", "status"], name="wellbeing_case_clinician"),
            # The case lists, newest first (selectors.cases_for): every case of the clinician's
            # partners, read backwards until a page is full, and a clinician's own. Without them
            # the database sorts every matching case for the first page (bench/wellbeing.py).
            models.Index(fields=["opened_at", "id"], name="wellbeing_case_newest"),
            models.Index(fields=["clinician", "opened_at", "id"], name="wellbeing_case_mine_newest"),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.status})"

    __repr__ = __str__


class Appointment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appointments")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=AppointmentMode.choices)
    status = models.CharField(
        max_length=15, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["Appointment"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=AppointmentMode.values), name="wellbeing_appointment_mode"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="wellbeing_appointment_status"
            ),
        ]
        indexes = [models.Index(fields=["clinician", "starts_at"], name="wellbeing_appointment_diary")]

    def __str__(self) -> str:
        return f"appointment {self.pk} ({self.mode}, {self.status})"

    __repr__ = __str__


class ClinicalNote(models.Model):
    """A clinician's note on a case. ``ciphertext`` is a Fernet token under the occupational-health
    key (wellbeing/crypto.py); the text exists only in the memory of a clinician's read
    (``selectors.case_notes``), never on this model."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    ciphertext = models.TextField()

    objects = PartnerScopedManager["ClinicalNote"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        indexes = [models.Index(fields=["case", "written_at"], name="wellbeing_note_case")]

    def __str__(self) -> str:
        return f"clinical note {self.pk} on case {self.case_id}"

    __repr__ = __str__


class CaseAttachment(models.Model):
    """A document a clinician attached to a case (a GP's letter, a specialist's report, a scan).
    Its name and its bytes are clinical, so both are Fernet tokens under the occupational-health
    keys, like a note's text (wellbeing/attachments.py); ``content_type`` (the sniffed kind) and
    ``size`` are what the audit trail and the lists may say. Kept in the database rather than the
    file store (core/attachments.py) on purpose: the row and its content commit or roll back
    together, a backup holds both or neither, and erasing the row erases the document, with no
    orphan file named by a hash for anyone to find."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name_ciphertext = models.TextField()
    content_ciphertext = models.BinaryField()

    objects = PartnerScopedManager["CaseAttachment"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        indexes = [models.Index(fields=["case", "uploaded_at"], name="wellbeing_attachment_case")]

    def __str__(self) -> str:
        return f"attachment {self.pk} on case {self.case_id}"

    __repr__ = __str__


class CaseQuestionnaire(models.Model):
    """A questionnaire (rules/questionnaires.toml: ``key`` as in force on ``version``) a clinician
    sent the employee from their case, and, once answered, the answers with their score and band:
    clinical content, so one Fernet token under the occupational-health keys (``answers_ciphertext``,
    empty until answered), like a note (wellbeing/questionnaires.py)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="questionnaires")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=30)
    version = models.DateField(help_text="The effective_from of the rule-file entry it was sent as.")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers_ciphertext = models.TextField(blank=True)

    objects = PartnerScopedManager["CaseQuestionnaire"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        constraints = [
            # Answered means answers are held, and only then.
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(answers_ciphertext=""))
                | (Q(answered_at__isnull=False) & ~Q(answers_ciphertext="")),
                name="wellbeing_questionnaire_answered_holds_answers",
            )
        ]
        indexes = [models.Index(fields=["case", "sent_at"], name="wellbeing_questionnaire_case")]

    def __str__(self) -> str:
        return f"questionnaire {self.pk} on case {self.case_id}"

    __repr__ = __str__


class OutcomeReport(models.Model):
    """The fitness-for-work report to the referrer: a document of its own, not the notes. The
    clinician drafts it, then issues it: to the employee first when they asked to see it
    (``see_report_first`` on the referral), else straight to the referrer. ``release_due`` is the
    date on which an issued report the employee has not answered is released
    (wellbeing/rules/report_release.toml)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="report")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=25, choices=Outcome.choices)
    adjustments = models.TextField(blank=True)
    expected_return = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    written_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    release_due = models.DateField(null=True, blank=True)
    employee_response = models.CharField(max_length=12, choices=EmployeeResponse.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=12, choices=ReleaseReason.choices, blank=True)

    objects = PartnerScopedManager["OutcomeReport"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="wellbeing_report_outcome"),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="wellbeing_report_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RELEASED)
                | (Q(released_at__isnull=False) & ~Q(release_reason="")),
                name="wellbeing_report_released_why",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status", "release_due"], name="wellbeing_report_due")]

    def __str__(self) -> str:
        return f"outcome report {self.pk} ({self.status})"

    __repr__ = __str__


class AdjustmentRecord(models.Model):
    """A workplace adjustment the case recommends, for HR to put in place and review: what, from
    when, and when to review it. Written in the employer's words, with no clinical content."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adjustment_records")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    what = models.TextField()
    starts_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["AdjustmentRecord"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case", "employment")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("starts_on")),
                name="wellbeing_adjustment_review_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"adjustment record {self.pk} on case {self.case_id}"

    __repr__ = __str__


APPEND_ONLY = "A case's access events are append-only: a read is recorded once and never changed or removed."


class _AccessEventQuerySet(PartnerScopedQuerySet["CaseAccessEvent"]):
    """The bulk ways round ``save`` and ``delete`` (``update``, ``bulk_update``, a queryset's
    ``delete``) are refused too; on PostgreSQL the database refuses them as well (migration
    ``append_only_access_events`` and audit/append_only.py)."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError(APPEND_ONLY)

    def _raw_delete(self, using: str | None) -> int:
        raise ValueError(APPEND_ONLY)


class CaseAccessEvent(models.Model):
    """One read of a case's clinical content (or of its released outcome by someone other than
    the employee): who, when, which case, which part. Append-only; never holds content.

    The employee and the data-protection officer rely on this log, so nothing rewrites it: the
    model refuses a save of an existing row and any delete, and on PostgreSQL the application's
    role holds no UPDATE or TRUNCATE on the table and a trigger refuses UPDATE and DELETE even to
    the owner. Retention erasure removes a case's content and leaves its events; only a partner's
    exit erasure removes them (``erase_for_partner_exit``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_events")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    part = models.CharField(max_length=15, choices=AccessPart.choices)

    objects = PartnerScopedManager["CaseAccessEvent"](_AccessEventQuerySet)
    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(part__in=AccessPart.values), name="wellbeing_access_part"),
        ]
        indexes = [
            models.Index(fields=["case", "at"], name="wellbeing_access_case"),
            models.Index(fields=["partner", "at"], name="wellbeing_access_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.part} of case {self.case_id} read by {self.actor_label} at {self.at:%Y-%m-%d %H:%M}"

    __repr__ = __str__

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(APPEND_ONLY)

    @classmethod
    def erase_for_partner_exit(cls, partner_id: int, using: str) -> int:
        """Delete every event of a partner that is leaving, for its exit erasure alone (privacy/exit.py,
        after the partner confirmed receipt of the export that holds them): the one delete the
        trigger of migration 0006 lets through, for the partner named in the transaction."""
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('joinedup.partner_exit', %s, true)", [str(partner_id)])
            cursor.execute(f"DELETE FROM {cls._meta.db_table} WHERE partner_id = %s", [partner_id])  # noqa: S608
            erased = int(cursor.rowcount)
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('joinedup.partner_exit', '', true)")
        return erased
