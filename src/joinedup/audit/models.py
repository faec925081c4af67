from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Coalesce

from joinedup.core.tenancy import PartnerScopedManager


class AuditEvent(models.Model):
    """One change, append-only. Events form a hash chain per partner (events about no single
    partner, such as creating a user, form the global chain): each stores the hash of the one
    before, so a row edited or removed behind the application's back breaks the chain.

    The actor is kept as an id and a name rather than a foreign key: deleting a user must not
    rewrite history (and on PostgreSQL a trigger refuses any UPDATE or DELETE here)."""

    partner = models.ForeignKey(
        "partnership.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(help_text="Position in the partner's chain, from 1.")
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Version 1 hashes cover before/after; version 2 (every event since migration 0004) covers
    # content_digest instead, so the content can be redacted with the chain intact (chain.py).
    hash_version = models.PositiveSmallIntegerField(default=1)
    content_digest = models.CharField(max_length=64, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by_seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The seq of the audit.events_redacted event in this chain."
    )

    objects = PartnerScopedManager["AuditEvent"]()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "seq"],
                name="audit_event_partner_seq",
                condition=models.Q(partner__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["seq"], name="audit_event_global_seq", condition=models.Q(partner__isnull=True)
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "-occurred_at"], name="audit_event_partner_time"),
            models.Index(fields=["partner", "object_type", "object_id"], name="audit_event_partner_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.seq}"


class AuditChainHead(models.Model):
    """The latest link of each chain. Locking this row serialises writers of one partner's
    chain, and comparing it with the last event detects deletion of the newest events."""

    partner = models.OneToOneField(
        "partnership.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # One global head. On the column itself this never held: NULLs are distinct in a
            # unique index, so two first global events at once each made a head (issue 18).
            models.UniqueConstraint(
                Coalesce("partner", models.Value(0), output_field=models.BigIntegerField()),
                name="audit_head_one_global",
                condition=models.Q(partner__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"head of {self.partner_id or 'global'} at {self.seq}"
