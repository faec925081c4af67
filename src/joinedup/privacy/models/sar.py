"""Subject-access requests (UK GDPR Article 15): the partner's log of them, and the export each
one is answered with.

A request belongs to one partner (the controller the person asked) and is about one person; a
person employed by two partners makes a request to each, and each partner answers for its own
records only. ``due_on`` is kept on the row (the log is filtered and sorted by it) and is always
what the pure ``privacy/sar_deadline.py`` says for the row's dates: the services set it, nothing
else writes it.

The export is assembled once, stored encrypted (``core/crypto.py``) in ``export_ciphertext``,
reviewed by the DPO and released; the requester downloads exactly what was reviewed. It expires
``SAR_EXPORT_DAYS`` after release, when the ciphertext is deleted and the download answers 410.
Nothing here shows personal data in ``__str__``: ids and statuses only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = ["SarStatus", "SubjectAccessRequest"]


class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_IDENTITY = "awaiting_identity", "Awaiting identity"
    IN_PROGRESS = "in_progress", "In progress"
    READY_FOR_REVIEW = "ready_for_review", "Ready for review"
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A request in one of these is answered (or will not be): it is never overdue.
CLOSED_STATUSES = (SarStatus.RELEASED, SarStatus.REFUSED, SarStatus.WITHDRAWN)


class SubjectAccessRequest(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    identity_requested_on = models.DateField(null=True, blank=True)
    identity_verified_on = models.DateField(null=True, blank=True)
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    # The statutory date (sar_deadline.due_date); null while the clock is stopped for identity.
    due_on = models.DateField(null=True, blank=True)
    # Null when the system logged it (the demo, an import): the audit event names it.
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    assembled_at = models.DateTimeField(null=True, blank=True)
    export_ciphertext = models.TextField(blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    export_deleted_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)

    objects = PartnerScopedManager["SubjectAccessRequest"]()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SarStatus.values), name="privacy_sar_status"),
            models.CheckConstraint(
                condition=Q(identity_verified_on__isnull=True) | Q(identity_requested_on__isnull=False),
                name="privacy_sar_identity_asked_first",
            ),
            # An extension is a decision with a date and a reason, or none at all.
            models.CheckConstraint(
                condition=(Q(extended_on__isnull=True) & Q(extension_reason=""))
                | (Q(extended_on__isnull=False) & ~Q(extension_reason="")),
                name="privacy_sar_extension_reasoned",
            ),
            models.CheckConstraint(
                condition=~Q(status=SarStatus.RELEASED)
                | (Q(released_at__isnull=False) & Q(expires_at__isnull=False)),
                name="privacy_sar_released_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=SarStatus.REFUSED) | ~Q(refusal_reason=""),
                name="privacy_sar_refusal_reasoned",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "due_on"], name="privacy_sar_log"),
            models.Index(fields=["partner", "person"], name="privacy_sar_person"),
        ]

    def __str__(self) -> str:
        return f"subject-access request {self.pk} ({self.status})"

    __repr__ = __str__

    @property
    def is_extended(self) -> bool:
        return self.extended_on is not None

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today
