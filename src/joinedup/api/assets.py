"""The asset register and software licences over JSON (issue 15): a partner's register
(filters: kind, status, text), an asset with its history, registering one, moving it along its
lifecycle, assigning it to a person; a partner's licences with seats in use against seats owned,
and a licence with the split lines the caller may see.

Reading needs ``servicedesk.view`` on the partner, changing ``servicedesk.assets``. Another
partner's asset or licence answers 404; a shared licence shows a partner only its own split line
and never another partner's people. Money is a decimal string of pounds and pence; dates are
YYYY-MM-DD."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, DecimalIn, IdIn, ObjectIn
from joinedup.partnership.permissions import partner_ids_with
from joinedup.partnership.selectors import partner_for
from joinedup.servicedesk import asset_selectors as selectors
from joinedup.servicedesk import assets
from joinedup.servicedesk.models import Asset, AssetKind, AssetStatus, SoftwareLicence

router = Router(tags=["assets"])


class AssetOut(Schema):
    id: int
    partner_id: int
    tag: str
    kind: str
    make: str
    model: str
    serial: str
    cost: Decimal
    purchased_on: date | None
    warranty_until: date | None
    status: str
    assigned_employment_id: int | None
    assigned_to: str
    disposed_on: date | None
    disposal_method: str
    certificate_number: str


class AssetEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    employment_id: int | None
    note: str
    actor: str
    at: datetime


class AssetDetailOut(AssetOut):
    history: list[AssetEventOut]


class AssetIn(Schema):
    tag: str = Field(max_length=40, description="Unique within the partner, e.g. WCC-LT-0001.")
    kind: str = Field(max_length=10, description=", ".join(AssetKind.values))
    make: str = Field(max_length=100)
    model: str = Field(max_length=100)
    serial: str = Field("", max_length=100)
    cost: DecimalIn
    purchased_on: DateIn | None = None
    warranty_until: DateIn | None = None
    status: str = Field(AssetStatus.ORDERED, max_length=10, description="ordered or in_stock")


class AssetStatusIn(ObjectIn):
    status: str = Field(max_length=10, description=", ".join(AssetStatus.values))
    note: str = Field("", max_length=300)


class AssetAssignmentIn(ObjectIn):
    employment_id: IdIn | None = Field(None, description="The person's employment; null to return it.")
    note: str = Field("", max_length=300)


class LicenceShareOut(Schema):
    partner_id: int
    partner_code: str
    basis: str
    share: Decimal
    pounds: Decimal
    seats_used: int
    over_used: bool


class LicenceOut(Schema):
    id: int
    partner_id: int
    product: str
    vendor: str
    seats: int
    seats_used: int
    over_used: bool
    annual_cost: Decimal
    starts_on: date
    ends_on: date
    shared: bool
    split_basis: str


class LicenceDetailOut(LicenceOut):
    lines: list[LicenceShareOut]


def _asset(asset: Asset) -> dict[str, Any]:
    holder = asset.assigned_to
    return {
        "id": asset.pk,
        "partner_id": asset.partner_id,
        "tag": asset.tag,
        "kind": asset.kind,
        "make": asset.make,
        "model": asset.model,
        "serial": asset.serial,
        "cost": asset.cost,
        "purchased_on": asset.purchased_on,
        "warranty_until": asset.warranty_until,
        "status": asset.status,
        "assigned_employment_id": asset.assigned_to_id,
        "assigned_to": holder.person.full_name if holder else "",
        "disposed_on": asset.disposed_on,
        "disposal_method": asset.disposal_method,
        "certificate_number": asset.certificate_number,
    }


def _detail(asset: Asset) -> dict[str, Any]:
    return {
        **_asset(asset),
        "history": [
            {
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "employment_id": e.employment_id,
                "note": e.note,
                "actor": e.actor_label,
                "at": e.at,
            }
            for e in selectors.asset_history(asset)
        ],
    }


def _licences(found: list[SoftwareLicence]) -> list[dict[str, Any]]:
    usage = selectors.licence_usage(found)
    return [
        {
            "id": licence.pk,
            "partner_id": licence.partner_id,
            "product": licence.product,
            "vendor": licence.vendor,
            "seats": licence.seats,
            "seats_used": usage[licence.pk].used,
            "over_used": usage[licence.pk].over_used,
            "annual_cost": licence.annual_cost,
            "starts_on": licence.starts_on,
            "ends_on": licence.ends_on,
            "shared": licence.shared,
            "split_basis": licence.split_basis,
        }
        for licence in found
    ]


@router.get("/partners/{partner_id}/servicedesk/assets", response=list[AssetOut])
@paginate(Pages, page_size=100)
def list_assets(request: HttpRequest, partner_id: int, kind: str = "", status: str = "", q: str = "") -> Any:
    """The partner's register by tag. ``q``: part of a tag, make, model, serial or the person's name."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        _asset(a)
        for a in selectors.assets_visible_to(
            request.user, partner=partner, kind=kind[:10], status=status[:10], q=q[:100]
        )
    ]


@router.post("/partners/{partner_id}/servicedesk/assets", response={201: AssetDetailOut})
def create_asset(request: HttpRequest, partner_id: int, body: AssetIn) -> Status[Any]:
    """Register an asset, ordered or in stock."""
    partner = partner_for(request.user, partner_id=partner_id)
    created = assets.asset_register(
        actor=request.user,
        partner=partner,
        details=assets.AssetDetails(
            tag=body.tag,
            kind=body.kind,
            make=body.make,
            model=body.model,
            serial=body.serial,
            cost=body.cost,
            purchased_on=body.purchased_on,
            warranty_until=body.warranty_until,
            status=body.status,
        ),
    )
    return Status(201, _detail(selectors.asset_for(request.user, asset_id=created.pk)))


@router.get("/servicedesk/assets/{asset_id}", response=AssetDetailOut)
def get_asset(request: HttpRequest, asset_id: int) -> Any:
    return _detail(selectors.asset_for(request.user, asset_id=asset_id))


@router.post("/servicedesk/assets/{asset_id}/status", response=AssetDetailOut)
def change_status(request: HttpRequest, asset_id: int, body: AssetStatusIn) -> Any:
    """Move the asset along its lifecycle (into stock, to repair and back). Deploying is
    assigning it to a person (``/assignment``); disposal needs its certificate (on the page)."""
    asset = selectors.asset_for_change(request.user, asset_id=asset_id)
    assets.asset_change_status(actor=request.user, asset=asset, to=body.status, note=body.note)
    return _detail(selectors.asset_for(request.user, asset_id=asset_id))


@router.post("/servicedesk/assets/{asset_id}/assignment", response=AssetDetailOut)
def change_assignment(request: HttpRequest, asset_id: int, body: AssetAssignmentIn) -> Any:
    """Assign the asset to a person of its partner (it is deployed with them), or, with a null
    ``employment_id``, take it back into stock."""
    asset = selectors.asset_for_change(request.user, asset_id=asset_id)
    if body.employment_id is None:
        assets.asset_unassign(actor=request.user, asset=asset, note=body.note)
    else:
        employment = selectors.employment_of(asset.partner_id, body.employment_id)
        if employment is None:
            raise ValidationError({"employment_id": "No such person employed by the asset's partner."})
        assets.asset_assign(actor=request.user, asset=asset, employment=employment, note=body.note)
    return _detail(selectors.asset_for(request.user, asset_id=asset_id))


@router.get("/partners/{partner_id}/servicedesk/licences", response=list[LicenceOut])
def list_licences(request: HttpRequest, partner_id: int, q: str = "") -> Any:
    """The licences the partner holds and the shared ones it pays a part of, with the seats in
    use (every partner's, as a count) against the seats owned."""
    partner = partner_for(request.user, partner_id=partner_id)
    return _licences(list(selectors.licences_visible_to(request.user, partner=partner, q=q[:100])[:500]))


@router.get("/servicedesk/licences/{licence_id}", response=LicenceDetailOut)
def get_licence(request: HttpRequest, licence_id: int) -> Any:
    """A licence, with the split lines of the partners the caller may view (every line for the
    holder's staff)."""
    licence = selectors.licence_for(request.user, licence_id=licence_id)
    lines = selectors.licence_split_lines(request.user, licence)
    viewable = set(partner_ids_with(request.user, selectors.VIEW))
    return {
        **_licences([licence])[0],
        "lines": [
            {
                "partner_id": line.partner_id,
                "partner_code": line.partner_code,
                "basis": line.basis,
                "share": line.share,
                "pounds": line.pounds,
                "seats_used": line.seats_used,
                "over_used": line.over_used,
            }
            for line in lines
            if line.partner_id in viewable or licence.partner_id in viewable
        ],
    }
