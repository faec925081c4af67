"""The contracts register over JSON: list (filters: a partner that lets or calls off, due for
renewal, status), read (with extension options, call-off partners, spend against the value and
the renewal alerts sent), create, update, take an extension.

A contract answers 404 to anyone whose partners neither let it nor may call off it. Changing one
needs ``purchasing.contracts`` on the partner that let it. Money is a decimal string of pounds
and pence ("50000.00"); dates are YYYY-MM-DD."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, DecimalIn, IdIn, ObjectIn
from joinedup.partnership.models import Partner
from joinedup.partnership.selectors import partner_for
from joinedup.purchasing import contracts, selectors
from joinedup.purchasing.models import Category, Contract

router = Router(tags=["contracts"])


class ExtensionOut(Schema):
    sequence: int
    months: int
    taken: bool


class AlertOut(Schema):
    threshold_months: int
    end_date: date
    sent_to: str
    sent_on: date


class ContractOut(Schema):
    id: int
    partner_id: int
    reference: str
    title: str
    supplier_id: int
    supplier: str
    category: str
    cpv_code: str
    value: Decimal
    start_date: date
    original_end_date: date
    end_date: date
    owner: str
    status: str
    due_threshold_months: int | None


class ContractDetailOut(ContractOut):
    extensions: list[ExtensionOut]
    call_off_partner_ids: list[int]
    spend: Decimal
    spend_by_partner: dict[str, Decimal]
    remaining: Decimal
    alerts: list[AlertOut]


class ExtensionIn(Schema):
    months: int = Field(ge=1, le=120)
    taken: bool = False


class ContractIn(Schema):
    reference: str = Field(max_length=40)
    title: str = Field(max_length=200)
    supplier_id: IdIn
    category: str = Field(max_length=12, description="The category's code, e.g. ST01.")
    cpv_code: str = Field("", max_length=12)
    value: DecimalIn
    start_date: DateIn
    end_date: DateIn = Field(description="The end before any extension.")
    owner: str = Field(max_length=150, description="The owner's username.")
    extensions: list[ExtensionIn] = Field(default_factory=list, max_length=10)
    call_off_partner_ids: list[IdIn] = Field(default_factory=list, max_length=50)


class ContractUpdateIn(ObjectIn):
    title: str | None = Field(None, max_length=200)
    supplier_id: IdIn | None = None
    category: str | None = Field(None, max_length=12)
    cpv_code: str | None = Field(None, max_length=12)
    value: DecimalIn | None = None
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    owner: str | None = Field(None, max_length=150)


def _contract(contract: Contract, today: date) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "partner_id": contract.partner_id,
        "reference": contract.reference,
        "title": contract.title,
        "supplier_id": contract.supplier_id,
        "supplier": contract.supplier.name,
        "category": contract.category.code,
        "cpv_code": contract.cpv_code,
        "value": contract.value,
        "start_date": contract.start_date,
        "original_end_date": contract.original_end_date,
        "end_date": contract.end_date,
        "owner": contract.owner.get_username(),
        "status": contract.status,
        "due_threshold_months": contracts.due_threshold(contract, today),
    }


def _detail(contract: Contract) -> dict[str, Any]:
    spend = contracts.contract_spend(contract)
    return {
        **_contract(contract, timezone.localdate()),
        "extensions": [
            {"sequence": o.sequence, "months": o.months, "taken": o.taken}
            for o in contracts.extensions_of(contract)
        ],
        "call_off_partner_ids": [p.pk for p in contracts.call_off_partners(contract)],
        "spend": spend.total,
        "spend_by_partner": {str(k): v for k, v in spend.by_partner.items()},
        "remaining": spend.remaining,
        "alerts": [
            {
                "threshold_months": a.threshold_months,
                "end_date": a.end_date,
                "sent_to": a.sent_to,
                "sent_on": a.sent_on,
            }
            for a in contracts.alerts_of(contract)
        ],
    }


def _category(code: str) -> Category:
    found = Category.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise ValidationError({"category": "No such category."})
    return found


def _owner(username: str) -> Any:
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise ValidationError({"owner": "No such user."})
    return found


def _partners(ids: list[int]) -> list[Partner]:
    found = list(Partner.objects.filter(pk__in=ids, active=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"call_off_partner_ids": "No such partner."})
    return found


@router.get("/purchasing/contracts", response=list[ContractOut])
@paginate(Pages, page_size=50)
def list_contracts(
    request: HttpRequest, partner_id: IdIn | None = None, due: bool = False, status: str = ""
) -> Any:
    """Contracts the caller's partners let or may call off, soonest end first. ``partner_id``: only
    those that partner lets or calls off; ``due``: live ones due for renewal today (six months or
    less from their current end); ``status``: live or ended."""
    today = timezone.localdate()
    found = contracts.contracts_visible_to(
        request.user, partner=partner_id, status=status[:8], due_on=today if due else None
    )
    return [_contract(c, today) for c in found]


@router.get("/purchasing/contracts/{contract_id}", response=ContractDetailOut)
def get_contract(request: HttpRequest, contract_id: int) -> Any:
    return _detail(contracts.contract_for(request.user, contract_id=contract_id))


@router.post("/purchasing/partners/{partner_id}/contracts", response={201: ContractDetailOut})
def create_contract(request: HttpRequest, partner_id: int, body: ContractIn) -> Status[Any]:
    """Enter a contract let by this partner."""
    partner = partner_for(request.user, partner_id=partner_id)
    created = contracts.contract_create(
        actor=request.user,
        partner=partner,
        reference=body.reference,
        title=body.title,
        supplier=selectors.supplier_for(request.user, supplier_id=body.supplier_id),
        category=_category(body.category),
        cpv_code=body.cpv_code,
        value=body.value,
        start_date=body.start_date,
        end_date=body.end_date,
        owner=_owner(body.owner),
        extensions=[contracts.ExtensionIn(months=e.months, taken=e.taken) for e in body.extensions],
        call_off_partners=_partners(body.call_off_partner_ids),
    )
    return Status(201, _detail(created))


@router.post("/purchasing/contracts/{contract_id}", response=ContractDetailOut)
def update_contract(request: HttpRequest, contract_id: int, body: ContractUpdateIn) -> Any:
    """Change the fields given (``end_date``: the end before extensions)."""
    found = contracts.contract_for_change(request.user, contract_id=contract_id)
    given = body.dict(exclude_unset=True)
    changes: dict[str, Any] = {
        k: v for k, v in given.items() if k not in ("supplier_id", "category", "owner")
    }
    if "supplier_id" in given:
        changes["supplier"] = (
            selectors.supplier_for(request.user, supplier_id=given["supplier_id"])
            if given["supplier_id"]
            else None
        )
    if "category" in given:
        changes["category"] = _category(given["category"]) if given["category"] else None
    if "owner" in given:
        changes["owner"] = _owner(given["owner"]) if given["owner"] else None
    return _detail(contracts.contract_edit(actor=request.user, contract=found, **changes))


@router.post("/purchasing/contracts/{contract_id}/extension", response=ContractDetailOut)
def take_extension(request: HttpRequest, contract_id: int) -> Any:
    """Take the next extension option: the end moves on, and the renewal alerts with it."""
    found = contracts.contract_for_change(request.user, contract_id=contract_id)
    contracts.contract_take_extension(actor=request.user, contract=found)
    return _detail(contracts.contract_for(request.user, contract_id=contract_id))
