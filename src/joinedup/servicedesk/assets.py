"""Writes to the asset register and the software licences (issue 15): one atomic function per
change, keyword-only, with the actor explicit, ``servicedesk.assets`` on the partner the change
is for, and one audit event. Reads are in ``asset_selectors``.

An asset's every change is also an ``AssetEvent`` in its own history (the audit trail proves
who did what across the platform; the history is what the asset's page shows). Status moves
follow ``models.assets.TRANSITIONS``; deploying is assigning to a person (``asset_assign``) and
disposal needs a certificate (``asset_dispose``), so ``asset_change_status`` refuses both with
the service to use instead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import attachments
from joinedup.core.actors import actor_label, is_system
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Employment
from joinedup.servicedesk.models import (
    TRANSITIONS,
    Asset,
    AssetEvent,
    AssetEventKind,
    AssetKind,
    AssetStatus,
    DisposalMethod,
    LicenceSeat,
    LicenceSplit,
    SoftwareLicence,
    SplitBasis,
)

PERMISSION = "servicedesk.assets"
HUNDRED = Decimal(100)
TAG = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,39}")
PENNY_PLACES = -2
PERCENT_PLACES = -4


def _statusactor_label(status: str) -> str:
    return str(AssetStatus(status).label).lower()


def _check_money(amount: Decimal, field: str, what: str) -> None:
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: f"The {what} must be an amount of £0.00 or more."})
    if int(amount.as_tuple().exponent) < PENNY_PLACES:
        raise ValidationError({field: f"The {what} must be in pounds and pence, like 849.99."})


def _event(
    *, actor: Any, asset: Asset, kind: str, before: str, note: str = "", employment: Employment | None = None
) -> AssetEvent:
    return AssetEvent.objects.create(
        partner_id=asset.partner_id,
        asset=asset,
        kind=kind,
        from_status=before,
        to_status=asset.status,
        employment=employment,
        note=note[:300],
        actor=None if is_system(actor) else actor,
        actor_label=actor_label(actor),
    )


def _locked(asset: Asset) -> Asset:
    """The asset as it is now, locked until the change commits: two agents moving one asset at
    once take turns, and the second sees the first's status."""
    return Asset.objects.for_partner(asset.partner_id).select_for_update().get(pk=asset.pk)


def _audit(actor: Any, asset: Asset, action: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    record_event(
        actor=actor, partner=asset.partner_id, action=action, target=asset, before=before, after=after
    )


# --- assets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetDetails:
    """What registering an asset takes (the import reads one from each row)."""

    tag: str
    kind: str
    make: str
    model: str
    cost: Decimal
    serial: str = ""
    purchased_on: date | None = None
    warranty_until: date | None = None
    status: str = AssetStatus.ORDERED


def clean_details(details: AssetDetails) -> AssetDetails:
    """The details as they will be stored, or ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    tag = details.tag.strip().upper()
    if not TAG.fullmatch(tag):
        errors["tag"] = (
            "Enter the asset tag: up to 40 letters, digits, dots, slashes and hyphens, like WCC-LT-0001."
        )
    if details.kind not in AssetKind.values:
        errors["kind"] = "Choose the kind of asset from the list."
    if not details.make.strip():
        errors["make"] = "Enter the make."
    if not details.model.strip():
        errors["model"] = "Enter the model."
    try:
        _check_money(details.cost, "cost", "cost")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if details.status not in (AssetStatus.ORDERED, AssetStatus.IN_STOCK):
        errors["status"] = "A new asset is either ordered or in stock; deploy it by assigning it to someone."
    if details.purchased_on and details.warranty_until and details.warranty_until < details.purchased_on:
        errors["warranty_until"] = "The warranty cannot end before the asset was bought."
    if errors:
        raise ValidationError(errors)
    return AssetDetails(
        tag=tag,
        kind=details.kind,
        make=details.make.strip(),
        model=details.model.strip(),
        cost=details.cost,
        serial=details.serial.strip(),
        purchased_on=details.purchased_on,
        warranty_until=details.warranty_until,
        status=details.status,
    )


def _create(actor: Any, partner: Partner, details: AssetDetails) -> Asset:
    if Asset.objects.for_partner(partner).filter(tag=details.tag).exists():
        raise ValidationError({"tag": f"{partner.code} already has an asset tagged {details.tag}."})
    asset = Asset.objects.create(
        partner=partner,
        tag=details.tag,
        kind=details.kind,
        make=details.make,
        model=details.model,
        serial=details.serial,
        cost=details.cost,
        purchased_on=details.purchased_on,
        warranty_until=details.warranty_until,
        status=details.status,
    )
    _event(actor=actor, asset=asset, kind=AssetEventKind.REGISTERED, before="")
    return asset


@transaction.atomic
def asset_register(*, actor: Any, partner: Partner, details: AssetDetails) -> Asset:
    """Add an asset to the partner's register, ordered or in stock."""
    authorise(actor, PERMISSION, partner)
    clean = clean_details(details)
    asset = _create(actor, partner, clean)
    _audit(
        actor,
        asset,
        "servicedesk.asset_registered",
        {},
        {
            "tag": asset.tag,
            "kind": asset.kind,
            "make": asset.make,
            "model": asset.model,
            "serial": asset.serial,
            "cost": asset.cost,
            "status": asset.status,
        },
    )
    return asset


@transaction.atomic
def assets_import(*, actor: Any, partner: Partner, rows: Sequence[AssetDetails]) -> list[Asset]:
    """Register every row, or none (the caller has checked each row and reported all problems)."""
    authorise(actor, PERMISSION, partner)
    made = [_create(actor, partner, clean_details(row)) for row in rows]
    record_event(
        actor=actor,
        partner=partner,
        action="servicedesk.assets_imported",
        object_type="servicedesk.asset",
        after={"count": len(made), "tags": [a.tag for a in made]},
    )
    return made


def _move_allowed(before: str, to: str) -> None:
    if to not in AssetStatus.values:
        raise ValidationError({"status": "Choose the status from the list."})
    if to == before:
        raise ValidationError({"status": f"The asset is already {_statusactor_label(to)}."})
    if to not in TRANSITIONS[before]:
        allowed = sorted(TRANSITIONS[before])
        then = ", ".join(_statusactor_label(s) for s in allowed) if allowed else "nothing: disposal is final"
        was, now = _statusactor_label(before), _statusactor_label(to)
        raise ValidationError({"status": f"An asset {was} cannot become {now}; it may become {then}."})


@transaction.atomic
def asset_change_status(*, actor: Any, asset: Asset, to: str, note: str = "") -> Asset:
    """Move the asset along its lifecycle: received into stock, sent for repair, back from
    repair (to the person who had it, or to stock), returned to stock (no longer anyone's)."""
    authorise(actor, PERMISSION, asset.partner_id)
    asset = _locked(asset)
    before = asset.status
    _move_allowed(before, to)
    if to == AssetStatus.DEPLOYED and asset.assigned_to_id is None:
        raise ValidationError({"status": "Deploy an asset by assigning it to a person."})
    if to == AssetStatus.DISPOSED:
        raise ValidationError({"status": "Dispose of an asset with its disposal certificate."})
    holder = asset.assigned_to
    if to == AssetStatus.IN_STOCK:
        asset.assigned_to = None
    asset.status = to
    asset.save(update_fields=["status", "assigned_to"])
    _event(actor=actor, asset=asset, kind=AssetEventKind.STATUS, before=before, note=note, employment=holder)
    _audit(
        actor,
        asset,
        "servicedesk.asset_status_changed",
        {"status": before, "assigned_to": holder.pk if holder else None},
        {"status": to, "assigned_to": asset.assigned_to_id, "note": note},
    )
    return asset


def _employment_of(partner_id: int, employment: Employment) -> Employment:
    if employment.partner_id != partner_id:
        raise ValidationError({"employment": "Choose a person employed by the partner that owns it."})
    if employment.end_date is not None and employment.end_date < timezone.localdate():
        raise ValidationError({"employment": "That employment has ended: choose a current one."})
    return employment


@transaction.atomic
def asset_assign(*, actor: Any, asset: Asset, employment: Employment, note: str = "") -> Asset:
    """Give the asset to a person of its own partner: it is deployed with them (from stock, or
    handed on from someone else)."""
    authorise(actor, PERMISSION, asset.partner_id)
    asset = _locked(asset)
    _employment_of(asset.partner_id, employment)
    before, previous = asset.status, asset.assigned_to_id
    if before != AssetStatus.DEPLOYED:
        _move_allowed(before, AssetStatus.DEPLOYED)
    elif previous == employment.pk:
        raise ValidationError({"employment": "The asset is already assigned to that person."})
    asset.status = AssetStatus.DEPLOYED
    asset.assigned_to = employment
    asset.save(update_fields=["status", "assigned_to"])
    _event(
        actor=actor,
        asset=asset,
        kind=AssetEventKind.ASSIGNED,
        before=before,
        note=note,
        employment=employment,
    )
    _audit(
        actor,
        asset,
        "servicedesk.asset_assigned",
        {"status": before, "assigned_to": previous},
        {"status": asset.status, "assigned_to": employment.pk},
    )
    return asset


@transaction.atomic
def asset_unassign(*, actor: Any, asset: Asset, note: str = "") -> Asset:
    """Take the asset back from its person into stock."""
    authorise(actor, PERMISSION, asset.partner_id)
    asset = _locked(asset)
    holder = asset.assigned_to
    if holder is None:
        raise ValidationError({"employment": "The asset is not assigned to anyone."})
    before = asset.status
    asset.status = AssetStatus.IN_STOCK
    asset.assigned_to = None
    asset.save(update_fields=["status", "assigned_to"])
    _event(
        actor=actor, asset=asset, kind=AssetEventKind.UNASSIGNED, before=before, note=note, employment=holder
    )
    _audit(
        actor,
        asset,
        "servicedesk.asset_unassigned",
        {"status": before, "assigned_to": holder.pk},
        {"status": asset.status, "assigned_to": None},
    )
    return asset


@dataclass(frozen=True)
class Certificate:
    """A disposal certificate: its number, how the asset went, when, and the document."""

    number: str
    method: str
    disposed_on: date
    filename: str
    content: bytes


@transaction.atomic
def asset_dispose(*, actor: Any, asset: Asset, certificate: Certificate) -> Asset:
    """Dispose of an asset from stock or repair, with the recycler's or buyer's certificate
    stored beside it. Final: a disposed asset moves no more."""
    authorise(actor, PERMISSION, asset.partner_id)
    asset = _locked(asset)
    _move_allowed(asset.status, AssetStatus.DISPOSED)
    errors: dict[str, str] = {}
    number = certificate.number.strip()
    if not number:
        errors["certificate_number"] = "Enter the disposal certificate's number."
    if certificate.method not in DisposalMethod.values:
        errors["method"] = "Choose how the asset was disposed of."
    if certificate.disposed_on > timezone.localdate():
        errors["disposed_on"] = "The disposal date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    checked = attachments.check(certificate.filename, certificate.content)
    attachments.store(certificate.content)
    before, holder = asset.status, asset.assigned_to
    asset.status = AssetStatus.DISPOSED
    asset.assigned_to = None
    asset.disposed_on = certificate.disposed_on
    asset.disposal_method = certificate.method
    asset.certificate_number = number
    asset.certificate_filename = checked.filename
    asset.certificate_content_type = checked.content_type
    asset.certificate_size = checked.size
    asset.certificate_sha256 = checked.sha256
    asset.save()
    _event(
        actor=actor,
        asset=asset,
        kind=AssetEventKind.DISPOSED,
        before=before,
        note=f"Certificate {number}",
        employment=holder,
    )
    _audit(
        actor,
        asset,
        "servicedesk.asset_disposed",
        {"status": before},
        {
            "status": asset.status,
            "disposed_on": certificate.disposed_on,
            "method": certificate.method,
            "certificate_number": number,
            "certificate_sha256": checked.sha256,
        },
    )
    return asset


# --- software licences --------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceDetails:
    product: str
    vendor: str
    seats: int
    annual_cost: Decimal
    starts_on: date
    ends_on: date
    shared: bool = False


@transaction.atomic
def licence_add(*, actor: Any, partner: Partner, details: LicenceDetails) -> SoftwareLicence:
    """Record a licence the partner holds; ``shared``: held by the shared-services body for
    the partners that share its cost (``licence_set_split`` says how)."""
    authorise(actor, PERMISSION, partner)
    errors: dict[str, str] = {}
    if not details.product.strip():
        errors["product"] = "Enter the product."
    if not details.vendor.strip():
        errors["vendor"] = "Enter the vendor."
    if details.seats < 1:
        errors["seats"] = "A licence has at least 1 seat."
    try:
        _check_money(details.annual_cost, "annual_cost", "annual cost")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if details.ends_on < details.starts_on:
        errors["ends_on"] = "The term cannot end before it starts."
    if details.shared and partner.kind != PartnerKind.SHARED_SERVICE:
        errors["shared"] = "Only the shared-services body holds a shared licence."
    if errors:
        raise ValidationError(errors)
    licence = SoftwareLicence.objects.create(
        partner=partner,
        product=details.product.strip(),
        vendor=details.vendor.strip(),
        seats=details.seats,
        annual_cost=details.annual_cost,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        shared=details.shared,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="servicedesk.licence_added",
        target=licence,
        after={
            "product": licence.product,
            "vendor": licence.vendor,
            "seats": licence.seats,
            "annual_cost": licence.annual_cost,
            "starts_on": licence.starts_on,
            "ends_on": licence.ends_on,
            "shared": licence.shared,
        },
    )
    return licence


@dataclass(frozen=True)
class SplitLine:
    partner: Partner
    share: Decimal  # a percentage, or a number of seats, as the basis says


def _check_split(licence: SoftwareLicence, basis: str, lines: Sequence[SplitLine]) -> None:
    if basis not in SplitBasis.values:
        raise ValidationError({"basis": "Split the cost by percentages or by seats."})
    if not lines:
        raise ValidationError({"lines": "Give at least one partner's share."})
    ids = [line.partner.pk for line in lines]
    if len(set(ids)) != len(ids):
        raise ValidationError({"lines": "Give each partner's share once."})
    if any(line.partner.kind == PartnerKind.SHARED_SERVICE or not line.partner.active for line in lines):
        raise ValidationError({"lines": "The cost is shared by the partners the body serves, not by itself."})
    shares = [line.share for line in lines]
    if any(not s.is_finite() or s <= 0 for s in shares):
        raise ValidationError({"lines": "Each partner's share must be more than 0."})
    if basis == SplitBasis.PERCENT:
        if any(int(s.as_tuple().exponent) < PERCENT_PLACES for s in shares):
            raise ValidationError({"lines": "Give percentages to at most 4 decimal places."})
        if sum(shares) != HUNDRED:
            raise ValidationError({"lines": f"The percentages add up to {sum(shares)}%, not 100%."})
    else:
        if any(s != s.to_integral_value() for s in shares):
            raise ValidationError({"lines": "Give whole seats."})
        if sum(shares) != licence.seats:
            raise ValidationError(
                {"lines": f"The seats add up to {sum(shares)}, not the licence's {licence.seats}."}
            )


@transaction.atomic
def licence_set_split(
    *, actor: Any, licence: SoftwareLicence, basis: str, lines: Sequence[SplitLine]
) -> list[LicenceSplit]:
    """Say how a shared licence's cost is split: by percentages adding up to 100, or by seats
    adding up to the licence's. Replaces the split there was."""
    authorise(actor, PERMISSION, licence.partner_id)
    licence = SoftwareLicence.objects.for_partner(licence.partner_id).select_for_update().get(pk=licence.pk)
    if not licence.shared:
        raise ValidationError({"basis": "Only a shared licence has its cost split between partners."})
    _check_split(licence, basis, lines)
    # The holder's scope sees every line of its licence (SplitQuerySet).
    existing = LicenceSplit.objects.for_partner(licence.partner_id).filter(licence=licence)
    before = {
        "basis": licence.split_basis,
        "lines": {str(s.partner_id): s.percent if s.percent is not None else s.seats for s in existing},
    }
    existing.delete()
    made = [
        LicenceSplit.objects.create(
            partner=line.partner,
            licence=licence,
            percent=line.share if basis == SplitBasis.PERCENT else None,
            seats=int(line.share) if basis == SplitBasis.SEATS else None,
        )
        for line in lines
    ]
    licence.split_basis = basis
    licence.save(update_fields=["split_basis"])
    record_event(
        actor=actor,
        partner=licence.partner_id,
        action="servicedesk.licence_split_set",
        target=licence,
        before=before,
        after={"basis": basis, "lines": {str(line.partner.pk): line.share for line in lines}},
    )
    return made


def _holds_or_shares(licence: SoftwareLicence, partner_id: int) -> bool:
    if licence.partner_id == partner_id:
        return True
    return (
        LicenceSplit.objects.for_partner(partner_id).filter(licence=licence, partner_id=partner_id).exists()
    )


@transaction.atomic
def seat_assign(*, actor: Any, licence: SoftwareLicence, employment: Employment) -> LicenceSeat:
    """Give a person a seat of a licence their employer holds or shares. Seats beyond those
    owned are recorded and flagged (``asset_selectors.licence_usage``), not refused: the person
    is already using the product, and the flag is what prompts buying more or releasing some."""
    authorise(actor, PERMISSION, employment.partner_id)
    if not _holds_or_shares(licence, employment.partner_id):
        raise ValidationError({"employment": "That person's employer neither holds nor shares this licence."})
    if employment.end_date is not None and employment.end_date < timezone.localdate():
        raise ValidationError({"employment": "That employment has ended: choose a current one."})
    if licence.ends_on < timezone.localdate():
        raise ValidationError({"licence": "The licence's term has ended."})
    taken = LicenceSeat.objects.for_partner(employment.partner_id).filter(
        licence=licence, employment=employment, released_at__isnull=True
    )
    if taken.exists():
        raise ValidationError({"employment": "That person already has a seat of this licence."})
    try:
        with transaction.atomic():
            seat = LicenceSeat.objects.create(
                partner_id=employment.partner_id,
                licence=licence,
                employment=employment,
                assigned_by=None if is_system(actor) else actor,
            )
    except IntegrityError as exc:  # a second request for the same person at the same moment
        raise ValidationError({"employment": "That person already has a seat of this licence."}) from exc
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="servicedesk.seat_assigned",
        target=seat,
        after={"licence": licence.pk, "employment": employment.pk},
    )
    return seat


@transaction.atomic
def seat_release(*, actor: Any, seat: LicenceSeat) -> LicenceSeat:
    """Free a seat: the person no longer uses the product."""
    authorise(actor, PERMISSION, seat.partner_id)
    seat = LicenceSeat.objects.for_partner(seat.partner_id).select_for_update().get(pk=seat.pk)
    if seat.released_at is not None:
        raise ValidationError({"seat": "The seat has already been released."})
    seat.released_at = timezone.now()
    seat.released_by = None if is_system(actor) else actor
    seat.save(update_fields=["released_at", "released_by"])
    record_event(
        actor=actor,
        partner=seat.partner_id,
        action="servicedesk.seat_released",
        target=seat,
        before={"licence": seat.licence_id, "employment": seat.employment_id},
        after={"released_at": seat.released_at},
    )
    return seat
