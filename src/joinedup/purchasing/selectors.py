"""Reads of purchasing, for the pages, the API and the commands.

A partner's purchasing rows (requisitions, orders, receipts, its standing with a supplier and its
notes) are read through that partner: someone with no role on it gets 404, someone with a role
but without ``purchasing.view`` 403. The partnership's register (suppliers, categories, bank
details masked) is read by anyone holding ``purchasing.view`` on some partner.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.purchasing.models import (
    BankChangeStatus,
    BankDetailChange,
    Category,
    CategoryAccount,
    DelegationLimit,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    Receipt,
    Requisition,
    RequisitionLine,
    Supplier,
    SupplierBankDetails,
    SupplierContact,
    SupplierPartner,
)


def _member_partner_ids(user: Any) -> list[int]:
    return partner_ids_with(user, "partnership.view")


def _partner_object(user: Any, queryset: Any, pk: int, permission: str = "purchasing.view") -> Any:
    """The row if it belongs to a partner ``user`` holds a role on (else 404) and the user may
    ``permission`` there (else 403)."""
    found = queryset.for_partners(_member_partner_ids(user)).filter(pk=pk).first()
    if found is None:
        raise Http404("No such record.")
    authorise(user, permission, found.partner_id)
    return found


def _register_reader(user: Any) -> None:
    if not partner_ids_with(user, "purchasing.view"):
        raise PermissionDenied("Your roles do not include purchasing.")


# --- the register -------------------------------------------------------------------------------------


def suppliers(user: Any, *, q: str = "") -> QuerySet[Supplier]:
    _register_reader(user)
    found = Supplier.objects.all()
    if q.strip():
        text = q.strip()
        found = found.filter(
            Q(name__icontains=text) | Q(companies_house_number=text.upper()) | Q(vat_number=text.upper())
        )
    return found.order_by("name", "id")


def supplier_for(user: Any, *, supplier_id: int) -> Supplier:
    _register_reader(user)
    found = Supplier.objects.filter(pk=supplier_id).first()
    if found is None:
        raise Http404("No such supplier.")
    return found


def standing_of(user: Any, *, partner: Partner, supplier: Supplier) -> SupplierPartner | None:
    """``partner``'s status, terms and private notes for the supplier; None when it has none."""
    authorise(user, "purchasing.view", partner)
    return SupplierPartner.objects.for_partner(partner).filter(supplier=supplier).first()


def standings(user: Any, *, partner: Partner) -> dict[int, SupplierPartner]:
    authorise(user, "purchasing.view", partner)
    return {row.supplier_id: row for row in SupplierPartner.objects.for_partner(partner)}


def contacts_of(supplier: Supplier) -> QuerySet[SupplierContact]:
    return supplier.contacts.order_by("name", "id")


def current_bank_details(supplier: Supplier) -> SupplierBankDetails | None:
    return SupplierBankDetails.objects.filter(supplier=supplier, current_until__isnull=True).first()


def bank_changes_of(supplier: Supplier) -> QuerySet[BankDetailChange]:
    return supplier.bank_changes.select_related("entered_by", "decided_by", "called_contact").order_by(
        "-entered_at"
    )


def bank_changes_waiting(user: Any) -> QuerySet[BankDetailChange]:
    """Changes waiting for a second person, for someone who may verify them."""
    if not partner_ids_with(user, "purchasing.verify_bank_details"):
        raise PermissionDenied("Your roles do not include verifying bank details.")
    return (
        BankDetailChange.objects.filter(status=BankChangeStatus.PENDING)
        .select_related("supplier", "entered_by")
        .order_by("entered_at")
    )


def bank_change_for(user: Any, *, bank_change_id: int) -> BankDetailChange:
    _register_reader(user)
    found = (
        BankDetailChange.objects.select_related("supplier", "entered_by").filter(pk=bank_change_id).first()
    )
    if found is None:
        raise Http404("No such change of bank details.")
    return found


def categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("code")


def category_accounts(user: Any, *, partner: Partner) -> QuerySet[CategoryAccount]:
    authorise(user, "purchasing.view", partner)
    return (
        CategoryAccount.objects.for_partner(partner)
        .select_related("category", "account")
        .order_by("category__code")
    )


def delegation_scheme(user: Any, *, partner: Partner) -> list[DelegationLimit]:
    authorise(user, "purchasing.view", partner)
    lines = DelegationLimit.objects.for_partner(partner).select_related("user")
    return sorted(lines, key=lambda d: (d.up_to is None, d.up_to or 0, d.title))


def settings_of(user: Any, *, partner: Partner) -> PurchasingSettings:
    """The partner's settings, or (unsaved) the defaults it would start with: reading writes nothing."""
    authorise(user, "purchasing.view", partner)
    found = PurchasingSettings.objects.for_partner(partner).first()
    return found or PurchasingSettings(partner=partner, po_prefix=f"{partner.code}-PO-")


# --- requisitions, orders, receipts --------------------------------------------------------------------


def requisitions_of(user: Any, *, partner: Partner, status: str = "") -> QuerySet[Requisition]:
    authorise(user, "purchasing.view", partner)
    found = Requisition.objects.for_partner(partner).select_related("requested_by", "supplier", "decided_by")
    return found.filter(status=status) if status else found


def requisition_for(user: Any, *, requisition_id: int) -> Requisition:
    found: Requisition = _partner_object(
        user, Requisition.objects.select_related("partner", "supplier"), requisition_id
    )
    return found


def requisition_lines(requisition: Requisition) -> QuerySet[RequisitionLine]:
    return requisition.lines.select_related("cost_centre", "account", "category").order_by("line_number")


def orders_of(user: Any, *, partner: Partner, status: str = "") -> QuerySet[PurchaseOrder]:
    authorise(user, "purchasing.view", partner)
    found = PurchaseOrder.objects.for_partner(partner).select_related("supplier", "issued_by")
    return found.filter(status=status) if status else found


def order_for(user: Any, *, order_id: int) -> PurchaseOrder:
    found: PurchaseOrder = _partner_object(
        user, PurchaseOrder.objects.select_related("partner", "supplier", "requisition"), order_id
    )
    return found


def order_lines(order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return order.lines.select_related("cost_centre", "account", "category").order_by("line_number")


def receipts_of(order: PurchaseOrder) -> QuerySet[Receipt]:
    return (
        order.receipts.select_related("recorded_by")
        .prefetch_related("lines__order_line")
        .order_by("received_on", "id")
    )
