"""The breach log (UK GDPR Article 33(5): the controller documents every personal data breach).

A ``Breach`` is the incident: what happened, when, when it came to light, the categories of data,
the cause and the containment. One incident at the shared-services body can touch several
partners' data, and each partner is a controller in its own right with its own decision, so the
incident itself belongs to no partner (a plain manager, like a ``Processor``) and each partner's
part is an ``AffectedPartner`` row, partner-owned and guarded: how many of its people, which kinds
of people, and its decisions on telling the ICO (Article 33) and the people affected (Article 34),
each with its reason. A breach is only ever reached through a partner's row, so a partner's DPO
sees the incident's shared facts and their own partner's row, never another partner's.

Nothing here shows an incident's words in ``__str__``: ids only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = ["AffectedPartner", "Breach", "BreachDecision"]

TEXT_LIMIT = 2000
REASON_LIMIT = 1000


class BreachDecision(models.TextChoices):
    # The same values as privacy/breach_clock.py's Decision (the pure clock takes the string).
    UNDECIDED = "undecided", "Not yet decided"
    NOTIFY = "notify", "Notify"
    NOT_REQUIRED = "not_required", "Not required"


class Breach(models.Model):
    summary = models.CharField(max_length=TEXT_LIMIT)
    occurred_at = models.DateTimeField()
    # When the controller became aware (Article 33(1)): the 72 hours run from here.
    aware_at = models.DateTimeField()
    data_categories = models.CharField(max_length=REASON_LIMIT)
    cause = models.CharField(max_length=REASON_LIMIT)
    containment = models.CharField(max_length=TEXT_LIMIT, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The remedial action taken (Article 33(5)), written when the breach is closed.
    remedial_action = models.CharField(max_length=TEXT_LIMIT, blank=True)

    class Meta:
        ordering = ["-aware_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_at__lte=F("aware_at")), name="privacy_breach_aware_after"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(remedial_action=""),
                name="privacy_breach_closed_with_remedy",
            ),
        ]

    def __str__(self) -> str:
        return f"breach {self.pk}"

    __repr__ = __str__

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AffectedPartner(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="affected")
    people_affected = models.PositiveIntegerField()
    people_categories = models.CharField(max_length=REASON_LIMIT)
    ico_decision = models.CharField(
        max_length=12, choices=BreachDecision.choices, default=BreachDecision.UNDECIDED
    )
    ico_reason = models.CharField(max_length=REASON_LIMIT, blank=True)
    ico_notified_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=50, blank=True)
    # Article 33(1): a notification after 72 hours is "accompanied by reasons for the delay".
    delay_reason = models.CharField(max_length=REASON_LIMIT, blank=True)
    people_decision = models.CharField(
        max_length=12, choices=BreachDecision.choices, default=BreachDecision.UNDECIDED
    )
    people_reason = models.CharField(max_length=REASON_LIMIT, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PartnerScopedManager["AffectedPartner"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "breach"], name="privacy_breach_partner_once"),
            models.CheckConstraint(
                condition=Q(ico_decision__in=BreachDecision.values), name="privacy_breach_ico_decision"
            ),
            models.CheckConstraint(
                condition=Q(people_decision__in=BreachDecision.values), name="privacy_breach_people_decision"
            ),
            # Article 33(5): a decision either way is documented with its reason.
            models.CheckConstraint(
                condition=Q(ico_decision=BreachDecision.UNDECIDED) | ~Q(ico_reason=""),
                name="privacy_breach_ico_reasoned",
            ),
            models.CheckConstraint(
                condition=Q(people_decision=BreachDecision.UNDECIDED) | ~Q(people_reason=""),
                name="privacy_breach_people_reasoned",
            ),
            models.CheckConstraint(
                condition=Q(ico_notified_at__isnull=True)
                | (Q(ico_decision=BreachDecision.NOTIFY) & ~Q(ico_reference="")),
                name="privacy_breach_notified_referenced",
            ),
        ]

    def __str__(self) -> str:
        return f"breach {self.breach_id} at partner {self.partner_id}"

    __repr__ = __str__
