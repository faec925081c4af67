"""The asset register and software licences (issue 15).

**Assets** are hardware a partner owns: partner-owned and guarded (``PartnerScopedManager``,
row-level security by declaration), each with a tag unique within its partner (``WCC-LT-0001``)
that people and, later, tickets name it by. Its status follows one lifecycle, ``TRANSITIONS``:
ordered → in stock → deployed ↔ in repair → disposed, with a way back to stock from deployed
and repair; a disposed asset is final. A deployed asset is assigned to an employment of its own
partner (the person as that partner employs them); disposal needs a certificate (its number, the
method, the date and the document itself in the attachment store, ``core.attachments``), which
the database insists on too. Every change is an ``AssetEvent``: append-only, with its actor and
time, so an asset's history is read, never rebuilt.

**Software licences** belong to one partner, or are **shared**: held by the shared-services
body and paid for by the partners in the proportions of their ``LicenceSplit`` lines
(percentages adding up to 100, or seats adding up to the licence's). A licence is seen by the
partner that holds it and by each partner with a split line (``LicenceQuerySet``, and the same
rule in row-level security); a split line by its own partner and by the holder, never by
another partner; a seat (``LicenceSeat``: a licence given to a person) only by the partner
that employs the person, so no partner ever sees who holds another's seats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

__all__ = [
    "TRANSITIONS",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "AssetKind",
    "AssetStatus",
    "DisposalMethod",
    "LicenceSeat",
    "LicenceSplit",
    "SoftwareLicence",
    "SplitBasis",
]


def _money(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class AssetKind(models.TextChoices):
    LAPTOP = "laptop", "Laptop"
    DESKTOP = "desktop", "Desktop"
    PHONE = "phone", "Phone"
    TABLET = "tablet", "Tablet"
    MONITOR = "monitor", "Monitor"
    PRINTER = "printer", "Printer"
    NETWORK = "network", "Network equipment"
    OTHER = "other", "Other"


class AssetStatus(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    IN_STOCK = "in_stock", "In stock"
    DEPLOYED = "deployed", "Deployed"
    IN_REPAIR = "in_repair", "In repair"
    DISPOSED = "disposed", "Disposed"


# status -> the statuses it may move to. Deploying is assigning to a person, and disposal needs
# a certificate: each has its own service; the table says only whether the move is allowed.
TRANSITIONS: dict[str, frozenset[str]] = {
    AssetStatus.ORDERED: frozenset({AssetStatus.IN_STOCK}),
    AssetStatus.IN_STOCK: frozenset({AssetStatus.DEPLOYED, AssetStatus.IN_REPAIR, AssetStatus.DISPOSED}),
    AssetStatus.DEPLOYED: frozenset({AssetStatus.IN_STOCK, AssetStatus.IN_REPAIR}),
    AssetStatus.IN_REPAIR: frozenset({AssetStatus.DEPLOYED, AssetStatus.IN_STOCK, AssetStatus.DISPOSED}),
    AssetStatus.DISPOSED: frozenset(),
}


class DisposalMethod(models.TextChoices):
    """How an asset left the partner; the certificate is the recycler's or buyer's (WEEE)."""

    RECYCLED = "recycled", "Recycled (WEEE)"
    DESTROYED = "destroyed", "Data-bearing parts destroyed, rest recycled"
    RESOLD = "resold", "Resold"
    DONATED = "donated", "Donated"
    RETURNED = "returned", "Returned to the supplier or lessor"


class Asset(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    tag = models.CharField("asset tag", max_length=40)
    kind = models.CharField(max_length=10, choices=AssetKind.choices)
    make = models.CharField(max_length=100)
    model = models.CharField(max_length=100)
    serial = models.CharField("serial number", max_length=100, blank=True)
    cost = _money()
    purchased_on = models.DateField(null=True, blank=True)
    warranty_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AssetStatus.choices, default=AssetStatus.ORDERED)
    assigned_to = models.ForeignKey(
        "people.Employment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disposed_on = models.DateField(null=True, blank=True)
    disposal_method = models.CharField(max_length=10, choices=DisposalMethod.choices, blank=True)
    certificate_number = models.CharField(max_length=60, blank=True)
    certificate_filename = models.CharField(max_length=120, blank=True)
    certificate_content_type = models.CharField(max_length=100, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["Asset"]()

    class Meta:
        ordering = ["partner", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "tag"], name="servicedesk_asset_tag_once"),
            models.CheckConstraint(
                condition=Q(kind__in=AssetKind.values), name="servicedesk_asset_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssetStatus.values), name="servicedesk_asset_status_known"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="servicedesk_asset_cost_not_negative"),
            # Deployed means with someone; in stock, ordered or disposed means with no one.
            models.CheckConstraint(
                condition=Q(status=AssetStatus.DEPLOYED, assigned_to__isnull=False)
                | Q(status=AssetStatus.IN_REPAIR)
                | Q(
                    status__in=[AssetStatus.ORDERED, AssetStatus.IN_STOCK, AssetStatus.DISPOSED],
                    assigned_to__isnull=True,
                ),
                name="servicedesk_asset_assigned_when_deployed",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssetStatus.DISPOSED)
                | (
                    Q(disposed_on__isnull=False)
                    & ~Q(disposal_method="")
                    & ~Q(certificate_number="")
                    & ~Q(certificate_sha256="")
                ),
                name="servicedesk_asset_disposed_with_certificate",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status", "kind"], name="servicedesk_asset_filter")]

    def __str__(self) -> str:
        return f"{self.tag} {self.make} {self.model}"


class AssetEventKind(models.TextChoices):
    REGISTERED = "registered", "Registered"
    STATUS = "status", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    UNASSIGNED = "unassigned", "Returned"
    DISPOSED = "disposed", "Disposed"


class AssetEvent(models.Model):
    """One change to an asset, as it happened: never changed or deleted afterwards."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=AssetEventKind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    employment = models.ForeignKey(
        "people.Employment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("asset",)
    objects = PartnerScopedManager["AssetEvent"]()

    class Meta:
        ordering = ["asset", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssetEventKind.values), name="servicedesk_assetevent_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("An asset's history is append-only: record a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("An asset's history is append-only: its events are never deleted.")


# --- Software licences ------------------------------------------------------------------------

LICENCE_VISIBLE = """
CREATE OR REPLACE FUNCTION joinedup_servicedesk_licence_visible(licence bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'licences policy: does one of the partners hold the licence or share its cost'
AS $$
    SELECT EXISTS (SELECT 1 FROM servicedesk_softwarelicence l
                   WHERE l.id = licence AND l.partner_id = ANY (partners))
        OR EXISTS (SELECT 1 FROM servicedesk_licencesplit s
                   WHERE s.licence_id = licence AND s.partner_id = ANY (partners))
$$
"""

LICENCE_HELD = """
CREATE OR REPLACE FUNCTION joinedup_servicedesk_licence_held(licence bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'licence splits policy: does one of the partners hold the licence'
AS $$
    SELECT EXISTS (SELECT 1 FROM servicedesk_softwarelicence l
                   WHERE l.id = licence AND l.partner_id = ANY (partners))
$$
"""


class LicenceQuerySet(PartnerScopedQuerySet[Any]):
    """A licence: seen by the partner that holds it and by each partner with a split line."""

    rls_functions: ClassVar[tuple[str, ...]] = (LICENCE_VISIBLE,)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        shares = LicenceSplit.objects.unscoped(reason="subquery inside a licence scope").filter(
            licence=OuterRef("pk"), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(shares))

    def rls_condition(self, partners: str) -> str:
        return f"partner_id = ANY ({partners}) OR joinedup_servicedesk_licence_visible(id, {partners})"


class SplitQuerySet(PartnerScopedQuerySet[Any]):
    """A split line: seen by its own partner and by the partner that holds the licence."""

    rls_functions: ClassVar[tuple[str, ...]] = (LICENCE_HELD,)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        held = SoftwareLicence.objects.unscoped(reason="subquery inside a licence split scope").filter(
            pk=OuterRef("licence"), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(held))

    def rls_condition(self, partners: str) -> str:
        return f"partner_id = ANY ({partners}) OR joinedup_servicedesk_licence_held(licence_id, {partners})"


class SplitBasis(models.TextChoices):
    PERCENT = "percent", "Percentages of the cost"
    SEATS = "seats", "Seats per partner"


class SoftwareLicence(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    product = models.CharField(max_length=200)
    vendor = models.CharField(max_length=200)
    seats = models.PositiveIntegerField()
    annual_cost = _money()
    starts_on = models.DateField()
    ends_on = models.DateField()
    shared = models.BooleanField(default=False)
    split_basis = models.CharField(max_length=8, choices=SplitBasis.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["SoftwareLicence"](LicenceQuerySet)

    class Meta:
        ordering = ["product", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="servicedesk_licence_has_seats"),
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0), name="servicedesk_licence_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="servicedesk_licence_term_ordered"
            ),
            models.CheckConstraint(
                condition=Q(split_basis="") | Q(shared=True, split_basis__in=SplitBasis.values),
                name="servicedesk_licence_split_only_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.vendor})"


class LicenceSplit(models.Model):
    """One partner's part of a shared licence: ``percent`` of its cost, or ``seats`` of its
    seats (and that fraction of its cost), as the licence's ``split_basis`` says."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(SoftwareLicence, on_delete=models.PROTECT, related_name="splits")
    percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    seats = models.PositiveIntegerField(null=True, blank=True)

    objects = PartnerScopedManager["LicenceSplit"](SplitQuerySet)

    class Meta:
        ordering = ["licence", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "partner"], name="servicedesk_split_once"),
            models.CheckConstraint(
                condition=Q(percent__isnull=False, seats__isnull=True, percent__gt=0)
                | Q(percent__isnull=True, seats__isnull=False, seats__gt=0),
                name="servicedesk_split_percent_or_seats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} for {self.partner_id}"


class LicenceSeat(models.Model):
    """A seat of a licence given to a person, as their employer (``partner``) employs them;
    released, not deleted, when they no longer need it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(SoftwareLicence, on_delete=models.PROTECT, related_name="seat_set")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PartnerScopedManager["LicenceSeat"]()

    class Meta:
        ordering = ["licence", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "licence", "employment"],
                condition=Q(released_at__isnull=True),
                name="servicedesk_seat_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} to {self.employment_id}"
