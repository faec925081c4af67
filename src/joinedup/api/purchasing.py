"""Purchasing over JSON: the partnership's supplier register (each partner's standing and private
notes read through that partner; bank details masked; a change of them entered by one person and
verified by another), categories and each partner's accounts for them, the scheme of delegation
and settings, requisitions (create, add lines, submit with the budget check, approve or reject
under the scheme), purchase orders (issue, read, PDF) and receipts.

A partner's records answer 404 to anyone without a role on it. Money is a decimal string of
pounds and pence ("125.00"); unit prices have up to four decimal places, quantities three."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, DecimalIn, IdIn, ObjectIn
from joinedup.ledger.models import Account, CostCentre
from joinedup.partnership.selectors import partner_for
from joinedup.purchasing import documents, order_services, selectors, services
from joinedup.purchasing.models import (
    BankDetailChange,
    Category,
    PurchaseOrder,
    Requisition,
    Supplier,
    SupplierPartner,
)

router = Router(tags=["purchasing"])


# --- schemas --------------------------------------------------------------------------------------


class SupplierOut(Schema):
    id: int
    name: str
    kind: str
    companies_house_number: str
    vat_number: str
    email: str
    active: bool


class StandingOut(Schema):
    status: str
    reference: str
    payment_terms_days: int
    notes: str


class ContactOut(Schema):
    id: int
    name: str
    role: str
    email: str
    phone: str


class BankOut(Schema):
    sort_code: str
    account_number: str
    account_name: str
    current_from: datetime


class BankChangeOut(Schema):
    id: int
    supplier_id: int
    status: str
    sort_code: str
    account_number: str
    account_name: str
    notified_by: str
    entered_by: str
    entered_at: datetime
    decided_by: str
    decided_at: datetime | None
    method: str
    called_number: str
    note: str


class SupplierDetailOut(SupplierOut):
    standing: StandingOut | None
    contacts: list[ContactOut]
    bank_details: BankOut | None
    bank_changes: list[BankChangeOut]


class SupplierIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field("company", max_length=20)
    companies_house_number: str = Field("", max_length=20)
    vat_number: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address_line1: str = Field("", max_length=200)
    address_line2: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


class StatusIn(Schema):
    status: str = Field(max_length=20)
    notes: str | None = Field(None, max_length=10000)
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    reference: str | None = Field(None, max_length=30)


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class BankChangeIn(Schema):
    sort_code: str = Field(max_length=20)
    account_number: str = Field(max_length=20)
    account_name: str = Field(max_length=100)
    notified_by: str = Field(max_length=200)
    building_society_reference: str = Field("", max_length=18)


class VerifyIn(Schema):
    contact_id: IdIn
    called_number: str = Field(max_length=30)


class NoteIn(Schema):
    note: str = Field(max_length=300)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent: str


class CategoryIn(Schema):
    code: str = Field(min_length=1, max_length=12)
    name: str = Field(min_length=1, max_length=200)
    parent: str = Field("", max_length=12)


class CategoryAccountOut(Schema):
    category: str
    account: str


class CategoryAccountIn(Schema):
    category: str = Field(max_length=12)
    account: str = Field(max_length=20)


class DelegationOut(Schema):
    id: int
    title: str
    role: str
    username: str
    up_to: Decimal | None
    source: str


class DelegationIn(Schema):
    title: str = Field(max_length=100)
    source: str = Field(max_length=200)
    role: str = Field("", max_length=30)
    username: str = Field("", max_length=150)
    up_to: DecimalIn | None = None


class SettingsOut(Schema):
    budget_check: str
    po_prefix: str


class SettingsIn(ObjectIn):
    budget_check: str | None = Field(None, max_length=5)
    po_prefix: str | None = Field(None, max_length=10)


class PurchaseLineOut(Schema):
    line_number: int
    description: str
    category: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    cost_centre: str
    account: str


class RequisitionOut(Schema):
    id: int
    partner: str
    number: str
    title: str
    status: str
    supplier_id: int | None
    needed_by: date | None
    requested_by: str
    submitted_at: datetime | None
    budget_warning: str
    decided_by: str
    decision_note: str
    net: Decimal
    vat: Decimal


class RequisitionSummaryOut(Schema):
    id: int
    number: str
    title: str
    status: str
    supplier_id: int | None
    requested_by: str
    submitted_at: datetime | None

    @staticmethod
    def resolve_requested_by(obj: Requisition) -> str:
        return obj.requested_by.get_username()


class RequisitionDetailOut(RequisitionOut):
    lines: list[PurchaseLineOut]


class PurchaseLineIn(Schema):
    description: str = Field(min_length=1, max_length=300)
    quantity: DecimalIn
    unit_price: DecimalIn
    vat_rate: DecimalIn = Decimal("20.00")
    cost_centre: str = Field(max_length=30)
    account: str = Field(max_length=20)
    category: str = Field("", max_length=12)


class RequisitionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    supplier_id: IdIn | None = None
    needed_by: DateIn | None = None
    lines: list[PurchaseLineIn] = Field(min_length=1, max_length=200)


class RequisitionDecisionIn(ObjectIn):
    note: str = Field("", max_length=300)


class OrderIn(ObjectIn):
    supplier_id: IdIn | None = None
    delivery_address: str = Field("", max_length=1000)


class OrderOut(Schema):
    id: int
    partner: str
    number: str
    status: str
    supplier_id: int
    supplier: str
    requisition_id: int | None
    order_date: date
    issued_by: str
    net: Decimal
    vat: Decimal


class OrderSummaryOut(Schema):
    id: int
    number: str
    status: str
    supplier_id: int
    supplier: str
    order_date: date

    @staticmethod
    def resolve_supplier(obj: PurchaseOrder) -> str:
        return obj.supplier.name


class ReceiptLineOut(Schema):
    line_number: int
    quantity: Decimal


class ReceiptOut(Schema):
    id: int
    kind: str
    received_on: date
    reference: str
    recorded_by: str
    lines: list[ReceiptLineOut]


class OrderDetailOut(OrderOut):
    lines: list[PurchaseLineOut]
    received: dict[int, Decimal]
    receipts: list[ReceiptOut]


class ReceiptLineIn(Schema):
    line_number: int = Field(ge=1, le=32767)
    quantity: DecimalIn


class ReceiptIn(Schema):
    kind: str = Field("receipt", max_length=8)
    received_on: DateIn
    reference: str = Field("", max_length=60)
    note: str = Field("", max_length=300)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)


# --- helpers --------------------------------------------------------------------------------------


def _who(user: Any) -> str:
    return "" if user is None else user.get_username()


def _supplier(supplier: Supplier) -> dict[str, Any]:
    return {name: getattr(supplier, name) for name in SupplierOut.model_fields}


def _standing(row: SupplierPartner | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "status": row.status,
        "reference": row.reference,
        "payment_terms_days": row.payment_terms_days,
        "notes": row.notes,
    }


def _bank_change(change: BankDetailChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "supplier_id": change.supplier_id,
        "status": change.status,
        "sort_code": change.masked_sort_code,
        "account_number": change.masked_account,
        "account_name": change.account_name,
        "notified_by": change.notified_by,
        "entered_by": _who(change.entered_by),
        "entered_at": change.entered_at,
        "decided_by": _who(change.decided_by),
        "decided_at": change.decided_at,
        "method": change.method,
        "called_number": change.called_number,
        "note": change.note,
    }


def _line(line: Any) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "description": line.description,
        "category": line.category.code if line.category else "",
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "vat_rate": line.vat_rate,
        "net": line.net,
        "vat": line.vat,
        "cost_centre": line.cost_centre.code,
        "account": line.account.code,
    }


def _requisition(requisition: Requisition) -> dict[str, Any]:
    lines = list(selectors.requisition_lines(requisition))
    net, vat = order_services.totals(lines)
    return {
        "id": requisition.pk,
        "partner": requisition.partner.code,
        "number": requisition.number,
        "title": requisition.title,
        "status": requisition.status,
        "supplier_id": requisition.supplier_id,
        "needed_by": requisition.needed_by,
        "requested_by": _who(requisition.requested_by),
        "submitted_at": requisition.submitted_at,
        "budget_warning": requisition.budget_warning,
        "decided_by": _who(requisition.decided_by),
        "decision_note": requisition.decision_note,
        "net": net,
        "vat": vat,
        "lines": [_line(x) for x in lines],
    }


def _order(order: PurchaseOrder) -> dict[str, Any]:
    lines = list(selectors.order_lines(order))
    net, vat = order_services.totals(lines)
    by_id = {x.pk: x.line_number for x in lines}
    received = order_services.received_quantities(order)
    return {
        "id": order.pk,
        "partner": order.partner.code,
        "number": order.number,
        "status": order.status,
        "supplier_id": order.supplier_id,
        "supplier": order.supplier.name,
        "requisition_id": order.requisition_id,
        "order_date": order.order_date,
        "issued_by": _who(order.issued_by),
        "net": net,
        "vat": vat,
        "lines": [_line(x) for x in lines],
        "received": {by_id[pk]: quantity for pk, quantity in received.items()},
        "receipts": [
            {
                "id": r.pk,
                "kind": r.kind,
                "received_on": r.received_on,
                "reference": r.reference,
                "recorded_by": _who(r.recorded_by),
                "lines": [
                    {"line_number": x.order_line.line_number, "quantity": x.quantity} for x in r.lines.all()
                ],
            }
            for r in selectors.receipts_of(order)
        ],
    }


def _line_in(partner: Any, index: int, line: PurchaseLineIn) -> order_services.LineIn:
    centre = CostCentre.objects.for_partner(partner).filter(code=line.cost_centre).first()
    account = Account.objects.for_partner(partner).filter(code=line.account).first()
    category = Category.objects.filter(code=line.category.upper()).first() if line.category else None
    errors: dict[str, str] = {}
    if centre is None:
        errors[f"lines[{index}].cost_centre"] = f"{partner.code} has no cost centre {line.cost_centre}."
    if account is None:
        errors[f"lines[{index}].account"] = f"{partner.code} has no account {line.account}."
    if line.category and category is None:
        errors[f"lines[{index}].category"] = f"There is no category {line.category}."
    if errors or centre is None or account is None:
        raise ValidationError(errors)
    return order_services.LineIn(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
        cost_centre=centre,
        account=account,
        category=category,
    )


def _register_supplier(request: HttpRequest, supplier_id: int | None) -> Supplier | None:
    return None if supplier_id is None else selectors.supplier_for(request.user, supplier_id=supplier_id)


# --- the register ---------------------------------------------------------------------------------


@router.get("/purchasing/suppliers", response=list[SupplierOut])
@paginate(Pages, page_size=50)
def list_suppliers(request: HttpRequest, q: str = "") -> Any:
    """The partnership's supplier register (``q``: part of the name, or a company or VAT number)."""
    return selectors.suppliers(request.user, q=q[:200])


@router.post("/purchasing/partners/{partner_id}/suppliers", response={201: SupplierOut})
def create_supplier(request: HttpRequest, partner_id: int, body: SupplierIn) -> Status[Any]:
    """Register a supplier, approved for this partner."""
    partner = partner_for(request.user, partner_id=partner_id)
    return Status(201, services.supplier_create(actor=request.user, partner=partner, **body.dict()))


@router.get("/purchasing/partners/{partner_id}/suppliers/{supplier_id}", response=SupplierDetailOut)
def get_supplier(request: HttpRequest, partner_id: int, supplier_id: int) -> dict[str, Any]:
    """A supplier with this partner's standing and notes, its contacts, its current bank details
    (masked) and the changes of them."""
    partner = partner_for(request.user, partner_id=partner_id)
    supplier = selectors.supplier_for(request.user, supplier_id=supplier_id)
    standing = selectors.standing_of(request.user, partner=partner, supplier=supplier)
    current = selectors.current_bank_details(supplier)
    return {
        **_supplier(supplier),
        "standing": _standing(standing),
        "contacts": list(selectors.contacts_of(supplier)),
        "bank_details": None
        if current is None
        else {
            "sort_code": current.masked_sort_code,
            "account_number": current.masked_account,
            "account_name": current.account_name,
            "current_from": current.current_from,
        },
        "bank_changes": [_bank_change(c) for c in selectors.bank_changes_of(supplier)],
    }


@router.post("/purchasing/partners/{partner_id}/suppliers/{supplier_id}/status", response=StandingOut)
def set_status(request: HttpRequest, partner_id: int, supplier_id: int, body: StatusIn) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    supplier = selectors.supplier_for(request.user, supplier_id=supplier_id)
    row = services.supplier_status_set(actor=request.user, partner=partner, supplier=supplier, **body.dict())
    return _standing(row)


@router.post("/purchasing/partners/{partner_id}/suppliers/{supplier_id}/contacts", response={201: ContactOut})
def add_contact(request: HttpRequest, partner_id: int, supplier_id: int, body: ContactIn) -> Status[Any]:
    partner = partner_for(request.user, partner_id=partner_id)
    supplier = selectors.supplier_for(request.user, supplier_id=supplier_id)
    return Status(
        201,
        services.supplier_contact_add(actor=request.user, partner=partner, supplier=supplier, **body.dict()),
    )


@router.post(
    "/purchasing/partners/{partner_id}/suppliers/{supplier_id}/bank-changes", response={201: BankChangeOut}
)
def enter_bank_change(
    request: HttpRequest, partner_id: int, supplier_id: int, body: BankChangeIn
) -> Status[Any]:
    """Enter new bank details as the supplier sent them; they are paid to only once a second
    person has verified them."""
    partner = partner_for(request.user, partner_id=partner_id)
    supplier = selectors.supplier_for(request.user, supplier_id=supplier_id)
    change = services.bank_change_enter(actor=request.user, partner=partner, supplier=supplier, **body.dict())
    return Status(201, _bank_change(change))


@router.get("/purchasing/bank-changes", response=list[BankChangeOut])
def waiting_bank_changes(request: HttpRequest) -> Any:
    """Changes of bank details waiting for a second person."""
    return [_bank_change(c) for c in selectors.bank_changes_waiting(request.user)]


@router.post("/purchasing/partners/{partner_id}/bank-changes/{bank_change_id}/verify", response=BankChangeOut)
def verify_bank_change(request: HttpRequest, partner_id: int, bank_change_id: int, body: VerifyIn) -> Any:
    """Verify by call-back: the contact called and the number dialled, one held before the change."""
    partner = partner_for(request.user, partner_id=partner_id)
    change = selectors.bank_change_for(request.user, bank_change_id=bank_change_id)
    contact = selectors.contacts_of(change.supplier).filter(pk=body.contact_id).first()
    if contact is None:
        raise ValidationError({"contact_id": "Choose one of the supplier's contacts."})
    services.bank_change_verify(
        actor=request.user, partner=partner, change=change, contact=contact, called_number=body.called_number
    )
    return _bank_change(selectors.bank_change_for(request.user, bank_change_id=bank_change_id))


@router.post("/purchasing/partners/{partner_id}/bank-changes/{bank_change_id}/reject", response=BankChangeOut)
def reject_bank_change(request: HttpRequest, partner_id: int, bank_change_id: int, body: NoteIn) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    change = selectors.bank_change_for(request.user, bank_change_id=bank_change_id)
    return _bank_change(
        services.bank_change_reject(actor=request.user, partner=partner, change=change, note=body.note)
    )


# --- categories, delegation, settings -------------------------------------------------------------


@router.get("/purchasing/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> Any:
    selectors.suppliers(request.user)  # the register's readers read its categories too
    return [
        {"id": c.pk, "code": c.code, "name": c.name, "parent": c.parent.code if c.parent else ""}
        for c in selectors.categories()
    ]


@router.post("/purchasing/partners/{partner_id}/categories", response={201: CategoryOut})
def add_category(request: HttpRequest, partner_id: int, body: CategoryIn) -> Status[dict[str, Any]]:
    partner = partner_for(request.user, partner_id=partner_id)
    parent = Category.objects.filter(code=body.parent.upper()).first() if body.parent else None
    if body.parent and parent is None:
        raise ValidationError({"parent": f"There is no category {body.parent}."})
    category = services.category_add(
        actor=request.user, partner=partner, code=body.code, name=body.name, parent=parent
    )
    return Status(
        201, {"id": category.pk, "code": category.code, "name": category.name, "parent": body.parent.upper()}
    )


@router.get("/purchasing/partners/{partner_id}/category-accounts", response=list[CategoryAccountOut])
def list_category_accounts(request: HttpRequest, partner_id: int) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        {"category": row.category.code, "account": row.account.code}
        for row in selectors.category_accounts(request.user, partner=partner)
    ]


@router.post("/purchasing/partners/{partner_id}/category-accounts", response=CategoryAccountOut)
def set_category_account(request: HttpRequest, partner_id: int, body: CategoryAccountIn) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    category = Category.objects.filter(code=body.category.upper()).first()
    account = Account.objects.for_partner(partner).filter(code=body.account).first()
    if category is None or account is None:
        raise ValidationError(
            {
                "category" if category is None else "account": "No such category."
                if category is None
                else "No such account."
            }
        )
    services.category_account_set(actor=request.user, partner=partner, category=category, account=account)
    return {"category": category.code, "account": account.code}


def _delegation(line: Any) -> dict[str, Any]:
    return {
        "id": line.pk,
        "title": line.title,
        "role": line.role,
        "username": _who(line.user),
        "up_to": line.up_to,
        "source": line.source,
    }


@router.get("/purchasing/partners/{partner_id}/delegation", response=list[DelegationOut])
def get_delegation(request: HttpRequest, partner_id: int) -> Any:
    """The partner's scheme of delegation for purchasing, lowest limit first."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_delegation(x) for x in selectors.delegation_scheme(request.user, partner=partner)]


@router.post("/purchasing/partners/{partner_id}/delegation", response=DelegationOut)
def set_delegation(request: HttpRequest, partner_id: int, body: DelegationIn) -> Any:
    """Set the line of a role (``role``) or a named person (``username``); ``up_to`` null: no limit."""
    partner = partner_for(request.user, partner_id=partner_id)
    user = None
    if body.username:
        user = get_user_model().objects.filter(username=body.username, memberships__partner=partner).first()
        if user is None:
            raise ValidationError({"username": f"No one of {partner.code} is called {body.username}."})
    line = services.delegation_set(
        actor=request.user,
        partner=partner,
        title=body.title,
        up_to=body.up_to,
        source=body.source,
        role=body.role,
        user=user,
    )
    return _delegation(line)


@router.get("/purchasing/partners/{partner_id}/settings", response=SettingsOut)
def get_settings(request: HttpRequest, partner_id: int) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return selectors.settings_of(request.user, partner=partner)


@router.post("/purchasing/partners/{partner_id}/settings", response=SettingsOut)
def set_settings(request: HttpRequest, partner_id: int, body: SettingsIn) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return services.settings_set(
        actor=request.user, partner=partner, budget_check=body.budget_check, po_prefix=body.po_prefix
    )


# --- requisitions ---------------------------------------------------------------------------------


@router.get("/purchasing/partners/{partner_id}/requisitions", response=list[RequisitionOut])
def list_requisitions(request: HttpRequest, partner_id: int, status: str = "") -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        _requisition(r)
        for r in selectors.requisitions_of(request.user, partner=partner, status=status[:20])[:500]
    ]


@router.post("/purchasing/partners/{partner_id}/requisitions", response={201: RequisitionDetailOut})
def create_requisition(request: HttpRequest, partner_id: int, body: RequisitionIn) -> Status[dict[str, Any]]:
    """A draft requisition; ``submit`` sends it for approval."""
    partner = partner_for(request.user, partner_id=partner_id)
    lines = [_line_in(partner, n, line) for n, line in enumerate(body.lines)]
    requisition = order_services.requisition_create(
        actor=request.user,
        partner=partner,
        title=body.title,
        lines=lines,
        supplier=_register_supplier(request, body.supplier_id),
        needed_by=body.needed_by,
    )
    return Status(201, _requisition(requisition))


@router.get("/purchasing/requisitions/{requisition_id}", response=RequisitionDetailOut)
def get_requisition(request: HttpRequest, requisition_id: int) -> dict[str, Any]:
    return _requisition(selectors.requisition_for(request.user, requisition_id=requisition_id))


@router.post("/purchasing/requisitions/{requisition_id}/lines", response={201: RequisitionDetailOut})
def add_requisition_line(
    request: HttpRequest, requisition_id: int, body: PurchaseLineIn
) -> Status[dict[str, Any]]:
    requisition = selectors.requisition_for(request.user, requisition_id=requisition_id)
    order_services.requisition_add_line(
        actor=request.user, requisition=requisition, line=_line_in(requisition.partner, 0, body)
    )
    return Status(201, _requisition(requisition))


@router.post("/purchasing/requisitions/{requisition_id}/submit", response=RequisitionDetailOut)
def submit_requisition(request: HttpRequest, requisition_id: int) -> dict[str, Any]:
    """Send for approval after the budget check: 422 when over budget at a partner that blocks."""
    requisition = selectors.requisition_for(request.user, requisition_id=requisition_id)
    return _requisition(order_services.requisition_submit(actor=request.user, requisition=requisition))


@router.post("/purchasing/requisitions/{requisition_id}/approve", response=RequisitionDetailOut)
def approve_requisition(
    request: HttpRequest, requisition_id: int, body: RequisitionDecisionIn
) -> dict[str, Any]:
    """Approve under the scheme of delegation: 403 above the caller's limit, or their own."""
    requisition = selectors.requisition_for(request.user, requisition_id=requisition_id)
    return _requisition(
        order_services.requisition_approve(actor=request.user, requisition=requisition, note=body.note)
    )


@router.post("/purchasing/requisitions/{requisition_id}/reject", response=RequisitionDetailOut)
def reject_requisition(request: HttpRequest, requisition_id: int, body: NoteIn) -> dict[str, Any]:
    requisition = selectors.requisition_for(request.user, requisition_id=requisition_id)
    return _requisition(
        order_services.requisition_reject(actor=request.user, requisition=requisition, note=body.note)
    )


@router.post("/purchasing/requisitions/{requisition_id}/order", response={201: OrderDetailOut})
def issue_order(request: HttpRequest, requisition_id: int, body: OrderIn) -> Status[dict[str, Any]]:
    """The purchase order of an approved requisition, numbered in the partner's series."""
    requisition = selectors.requisition_for(request.user, requisition_id=requisition_id)
    order = order_services.order_issue(
        actor=request.user,
        requisition=requisition,
        supplier=_register_supplier(request, body.supplier_id),
        delivery_address=body.delivery_address,
    )
    return Status(201, _order(order))


# --- orders and receipts --------------------------------------------------------------------------


@router.get("/purchasing/partners/{partner_id}/orders", response=list[OrderSummaryOut])
@paginate(Pages, page_size=50)
def list_orders(request: HttpRequest, partner_id: int, status: str = "") -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return selectors.orders_of(request.user, partner=partner, status=status[:20])


@router.get("/purchasing/orders/{order_id}", response=OrderDetailOut)
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return _order(selectors.order_for(request.user, order_id=order_id))


@router.get("/purchasing/orders/{order_id}/order.pdf", response={200: None})
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for(request.user, order_id=order_id)
    response = HttpResponse(
        documents.order_pdf(order, list(selectors.order_lines(order))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{order.number}.pdf"'
    return response


@router.post("/purchasing/orders/{order_id}/receipts", response={201: OrderDetailOut})
def record_receipt(request: HttpRequest, order_id: int, body: ReceiptIn) -> Status[dict[str, Any]]:
    """What arrived (``kind`` receipt) or went back (``return``), by line number and quantity."""
    order = selectors.order_for(request.user, order_id=order_id)
    by_number = {x.line_number: x for x in selectors.order_lines(order)}
    missing = [x.line_number for x in body.lines if x.line_number not in by_number]
    if missing:
        raise ValidationError({"lines": f"The order has no line {missing[0]}."})
    order_services.receipt_record(
        actor=request.user,
        order=order,
        lines=[(by_number[x.line_number], x.quantity) for x in body.lines],
        received_on=body.received_on,
        kind=body.kind,
        reference=body.reference,
        note=body.note,
    )
    return Status(201, _order(selectors.order_for(request.user, order_id=order_id)))
