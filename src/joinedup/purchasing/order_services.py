"""Requisition to order to receipt, for one partner.

A requisition's lines charge the partner's own cost centres and expense accounts — never another
partner's, on the requisition or on the order made from it. Submitting it runs the budget check
(``budget``): over budget, a partner that warns lets it go for approval with the warning for the
approver to read; a partner that blocks refuses it. Approval follows the partner's scheme of
delegation (``delegation``): by someone whose limit covers the requisition's net total, never
by the person who raised it. An approved requisition becomes a purchase order numbered in the
partner's own series, to a supplier the partner has approved. Receipts record what arrived
(perhaps only part) and returns what went back; an order is received when every line is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system
from joinedup.ledger.models import Account, AccountType, CostCentre
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.services.errors import Errors
from joinedup.purchasing import budget, delegation
from joinedup.purchasing.models import (
    BudgetCheck,
    Category,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    RequisitionStatus,
    Supplier,
    SupplierPartner,
    SupplierStatus,
    line_net,
    line_vat,
)
from joinedup.purchasing.services import settings_of

VAT_RATES = (Decimal("20.00"), Decimal("5.00"), Decimal("0.00"))


@dataclass(frozen=True)
class LineIn:
    """A requisition line as asked for."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    cost_centre: CostCentre
    account: Account
    category: Category | None = None


def totals(lines: Sequence[RequisitionLine | PurchaseOrderLine]) -> tuple[Decimal, Decimal]:
    """Net and VAT of the lines, in pounds."""
    return sum((x.net for x in lines), Decimal("0.00")), sum((x.vat for x in lines), Decimal("0.00"))


def _places(value: Decimal, places: int, *, below: Decimal) -> bool:
    """Whether ``value`` is finite, not negative, below ``below`` and has at most ``places``
    decimal places (the bound first: quantizing a huge number overflows the context)."""
    return (
        value.is_finite()
        and Decimal(0) <= value < below
        and value == value.quantize(Decimal(1).scaleb(-places))
    )


def _check_lines(partner: Partner, lines: Sequence[LineIn], errors: Errors) -> None:
    if not lines:
        errors.add("lines", "Add at least one line.")
    for n, line in enumerate(lines, start=1):
        where = f"lines.{n}"
        if not line.description.strip() or len(line.description.strip()) > 300:
            errors.add(where, f"Line {n}: describe what is wanted, in 300 characters or fewer.")
        if not _places(line.quantity, 3, below=Decimal("1000000000")) or line.quantity <= 0:
            errors.add(
                where,
                f"Line {n}: the quantity is above zero and below 1,000,000,000, to three decimal places.",
            )
        if not _places(line.unit_price, 4, below=Decimal("10000000000")):
            errors.add(
                where, f"Line {n}: the unit price is pounds below £10,000,000,000, to four decimal places."
            )
        if line.vat_rate not in VAT_RATES:
            errors.add(where, f"Line {n}: the VAT rate is 20, 5 or 0 per cent.")
        # The rule of the acceptance test: nothing charges another partner's cost centre.
        if line.cost_centre.partner_id != partner.pk:
            errors.add(
                where, f"Line {n}: the cost centre is another partner's; charge one of {partner.code}'s."
            )
        elif not line.cost_centre.active:
            errors.add(where, f"Line {n}: cost centre {line.cost_centre.code} is closed.")
        if line.account.partner_id != partner.pk:
            errors.add(where, f"Line {n}: the account is another partner's; charge one of {partner.code}'s.")
        elif line.account.type != AccountType.EXPENSE or not line.account.active:
            errors.add(where, f"Line {n}: account {line.account.code} is not an active expense account.")
        if not errors.fields.get(where) and line_net(line.quantity, line.unit_price) >= Decimal(
            "1000000000000"
        ):
            errors.add(where, f"Line {n}: the line's value is too large.")


def _next_number(partner: Partner, field: str) -> int:
    settings_of(partner)
    row = PurchasingSettings.objects.for_partner(partner).select_for_update().get()
    number = int(getattr(row, field))
    setattr(row, field, number + 1)
    row.save(update_fields=[field])
    return number


def _standing(partner: Partner, supplier: Supplier) -> str | None:
    row = SupplierPartner.objects.for_partner(partner).filter(supplier=supplier).first()
    return row.status if row else None


@transaction.atomic
def requisition_create(
    *,
    actor: Any,
    partner: Partner,
    title: str,
    lines: Sequence[LineIn],
    supplier: Supplier | None = None,
    needed_by: date | None = None,
) -> Requisition:
    """A draft requisition of ``partner``, raised by ``actor``, who submits it for approval."""
    if is_system(actor):
        raise PermissionDenied("A requisition is raised by a person, so that another can approve it.")
    authorise(actor, "purchasing.requisition", partner)
    errors = Errors()
    title = title.strip()
    if not title or len(title) > 200:
        errors.add("title", "Say what the requisition is for, in 200 characters or fewer.")
    if supplier is not None and _standing(partner, supplier) == SupplierStatus.BLOCKED:
        errors.add("supplier", f"{partner.code} has blocked this supplier.")
    _check_lines(partner, lines, errors)
    errors.raise_if_any()
    number = _next_number(partner, "next_requisition_number")
    requisition = Requisition.objects.create(
        partner=partner,
        number=f"{partner.code}-REQ-{number:06d}",
        title=title,
        supplier=supplier,
        needed_by=needed_by,
        requested_by=actor,
    )
    rows = _make_lines(requisition, lines, start=1)
    net, vat = totals(rows)
    record_event(
        actor=actor,
        partner=partner,
        action="requisition.created",
        target=requisition,
        after={"number": requisition.number, "title": title, "lines": len(rows), "net": net, "vat": vat},
    )
    return requisition


def _make_lines(requisition: Requisition, lines: Sequence[LineIn], *, start: int) -> list[RequisitionLine]:
    rows = []
    for n, line in enumerate(lines, start=start):
        net = line_net(line.quantity, line.unit_price)
        rows.append(
            RequisitionLine(
                partner_id=requisition.partner_id,
                requisition=requisition,
                line_number=n,
                description=line.description.strip(),
                category=line.category,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net=net,
                vat=line_vat(net, line.vat_rate),
                cost_centre=line.cost_centre,
                account=line.account,
            )
        )
    return RequisitionLine.objects.bulk_create(rows)


def _locked(requisition: Requisition) -> Requisition:
    return Requisition.objects.for_partner(requisition.partner_id).select_for_update().get(pk=requisition.pk)


@transaction.atomic
def requisition_add_line(*, actor: Any, requisition: Requisition, line: LineIn) -> RequisitionLine:
    """Another line on a draft requisition, by the person who raised it."""
    requisition = _locked(requisition)
    authorise(actor, "purchasing.requisition", requisition.partner_id)
    if requisition.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the person who raised a requisition changes it.")
    if requisition.status != RequisitionStatus.DRAFT:
        raise ValidationError({"status": "Only a draft requisition takes more lines."})
    errors = Errors()
    _check_lines(requisition.partner, [line], errors)
    errors.raise_if_any()
    last = requisition.lines.order_by("-line_number").values_list("line_number", flat=True).first() or 0
    (row,) = _make_lines(requisition, [line], start=last + 1)
    record_event(
        actor=actor,
        partner=requisition.partner_id,
        action="requisition.line_added",
        target=requisition,
        after={"line": row.line_number, "description": row.description, "net": row.net, "vat": row.vat},
    )
    return row


@transaction.atomic
def requisition_submit(*, actor: Any, requisition: Requisition) -> Requisition:
    """Send a draft for approval, after the budget check: over budget, it goes with the warning
    (a partner that warns) or not at all (a partner that blocks)."""
    requisition = _locked(requisition)
    authorise(actor, "purchasing.requisition", requisition.partner_id)
    if requisition.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the person who raised a requisition submits it.")
    if requisition.status != RequisitionStatus.DRAFT:
        raise ValidationError({"status": "Only a draft requisition can be submitted."})
    if not requisition.lines.exists():
        raise ValidationError({"lines": "Add at least one line."})
    settings = settings_of(requisition.partner)
    check = budget.check_requisition(requisition, on=timezone.localdate())
    if check.over and settings.budget_check == BudgetCheck.BLOCK:
        raise ValidationError(
            {
                "budget": [
                    "Over budget, so the requisition cannot go for approval.",
                    *(line.message for line in check.over),
                ]
            }
        )
    requisition.status = RequisitionStatus.SUBMITTED
    requisition.submitted_at = timezone.now()
    requisition.budget_warning = check.warning
    requisition.save(update_fields=["status", "submitted_at", "budget_warning"])
    net, vat = totals(list(requisition.lines.all()))
    record_event(
        actor=actor,
        partner=requisition.partner_id,
        action="requisition.submitted",
        target=requisition,
        before={"status": RequisitionStatus.DRAFT},
        after={
            "status": requisition.status,
            "net": net,
            "vat": vat,
            "budget_warning": requisition.budget_warning,
        },
    )
    return requisition


def _decide(actor: Any, requisition: Requisition) -> Decimal:
    if is_system(actor):
        raise PermissionDenied("A requisition is approved by a person under the scheme of delegation.")
    authorise(actor, "purchasing.approve", requisition.partner_id)
    if requisition.requested_by_id == actor.pk:
        raise PermissionDenied("Nobody can approve or reject their own requisition.")
    if requisition.status != RequisitionStatus.SUBMITTED:
        raise ValidationError({"status": "Only a requisition waiting for approval can be decided."})
    net, _ = totals(list(requisition.lines.all()))
    return net


@transaction.atomic
def requisition_approve(*, actor: Any, requisition: Requisition, note: str = "") -> Requisition:
    """Approve under the partner's scheme of delegation: the approver's limit must cover the
    requisition's net total. A partner that blocks overspends checks the budget again."""
    requisition = _locked(requisition)
    net = _decide(actor, requisition)
    authority = delegation.authority_of(actor, requisition.partner_id)
    if authority is None:
        raise PermissionDenied(
            "The scheme of delegation gives you no authority to approve requisitions here."
        )
    if not authority.covers(net):
        line = delegation.lowest_covering(requisition.partner_id, net)
        who = f" It needs {line.title} ({line.source})." if line else " No one in the scheme may approve it."
        raise PermissionDenied(
            f"This requisition is £{net:,.2f} net, above your limit of {authority.limit_text} "
            f"as {authority.title}.{who}"
        )
    if settings_of(requisition.partner).budget_check == BudgetCheck.BLOCK:
        check = budget.check_requisition(requisition, on=timezone.localdate())
        if check.over:
            raise ValidationError(
                {
                    "budget": [
                        "Over budget, so the requisition cannot be approved.",
                        *(x.message for x in check.over),
                    ]
                }
            )
    requisition.status = RequisitionStatus.APPROVED
    requisition.decided_by = actor
    requisition.decided_at = timezone.now()
    requisition.decision_note = note.strip()[:300]
    requisition.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor=actor,
        partner=requisition.partner_id,
        action="requisition.approved",
        target=requisition,
        before={"status": RequisitionStatus.SUBMITTED},
        after={
            "status": requisition.status,
            "net": net,
            "authority": authority.title,
            "limit": authority.up_to,
            "source": authority.source,
        },
    )
    return requisition


@transaction.atomic
def requisition_reject(*, actor: Any, requisition: Requisition, note: str) -> Requisition:
    requisition = _locked(requisition)
    _decide(actor, requisition)
    if not note.strip():
        raise ValidationError({"note": "Say why the requisition is rejected."})
    requisition.status = RequisitionStatus.REJECTED
    requisition.decided_by = actor
    requisition.decided_at = timezone.now()
    requisition.decision_note = note.strip()[:300]
    requisition.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor=actor,
        partner=requisition.partner_id,
        action="requisition.rejected",
        target=requisition,
        before={"status": RequisitionStatus.SUBMITTED},
        after={"status": requisition.status, "note": requisition.decision_note},
    )
    return requisition


# --- orders -------------------------------------------------------------------------------------------


@transaction.atomic
def order_issue(
    *,
    actor: Any,
    requisition: Requisition,
    supplier: Supplier | None = None,
    order_date: date | None = None,
    delivery_address: str = "",
) -> PurchaseOrder:
    """The purchase order of an approved requisition, numbered in the partner's series, to a
    supplier the partner has approved (the requisition's, unless another is chosen)."""
    requisition = _locked(requisition)
    partner = requisition.partner
    authorise(actor, "purchasing.order", partner)
    if requisition.status != RequisitionStatus.APPROVED:
        raise ValidationError({"status": "Only an approved requisition becomes an order."})
    supplier = supplier or requisition.supplier
    if supplier is None:
        raise ValidationError({"supplier": "Choose the supplier to order from."})
    standing = _standing(partner, supplier)
    if standing != SupplierStatus.APPROVED:
        state = "has not approved" if standing is None else f"has this supplier {standing.replace('_', ' ')}:"
        raise ValidationError({"supplier": f"{partner.code} {state} order from an approved supplier."})
    lines = list(requisition.lines.select_related("cost_centre", "account"))
    errors = Errors()
    _check_lines(
        partner,
        [
            LineIn(x.description, x.quantity, x.unit_price, x.vat_rate, x.cost_centre, x.account, x.category)
            for x in lines
        ],
        errors,
    )
    errors.raise_if_any()
    settings = settings_of(partner)
    number = _next_number(partner, "next_po_number")
    order = PurchaseOrder.objects.create(
        partner=partner,
        number=f"{settings.po_prefix}{number:06d}",
        requisition=requisition,
        supplier=supplier,
        contract=requisition.contract,
        order_date=order_date or timezone.localdate(),
        delivery_address=delivery_address.strip()[:1000],
        issued_by=actor,
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            partner=partner,
            order=order,
            line_number=x.line_number,
            requisition_line=x,
            description=x.description,
            category=x.category,
            quantity=x.quantity,
            unit_price=x.unit_price,
            vat_rate=x.vat_rate,
            net=x.net,
            vat=x.vat,
            cost_centre=x.cost_centre,
            account=x.account,
        )
        for x in lines
    )
    requisition.status = RequisitionStatus.ORDERED
    requisition.save(update_fields=["status"])
    net, vat = totals(lines)
    record_event(
        actor=actor,
        partner=partner,
        action="order.issued",
        target=order,
        after={
            "number": order.number,
            "requisition": requisition.number,
            "supplier": supplier.name,
            "net": net,
            "vat": vat,
        },
    )
    return order


def received_quantities(order: PurchaseOrder) -> dict[int, Decimal]:
    """Net quantity received on each of the order's lines: receipts less returns."""
    got: dict[int, Decimal] = {line.pk: Decimal("0.000") for line in order.lines.all()}
    rows = (
        ReceiptLine.objects.for_partner(order.partner_id)
        .filter(receipt__order=order)
        .values("order_line_id", "receipt__kind")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "receipt__kind", "total")
    )
    for line_id, kind, total in rows:
        got[line_id] += total if kind == ReceiptKind.RECEIPT else -total
    return got


@transaction.atomic
def receipt_record(
    *,
    actor: Any,
    order: PurchaseOrder,
    lines: Sequence[tuple[PurchaseOrderLine, Decimal]],
    received_on: date,
    kind: str = ReceiptKind.RECEIPT,
    reference: str = "",
    note: str = "",
) -> Receipt:
    """What arrived against an order (all or part of it), or what went back (``kind`` return).
    Nothing is received beyond what was ordered, nor returned beyond what was received."""
    order = PurchaseOrder.objects.for_partner(order.partner_id).select_for_update().get(pk=order.pk)
    authorise(actor, "purchasing.receive", order.partner_id)
    if is_system(actor):
        raise PermissionDenied("A receipt is recorded by the person who saw the goods or the work.")
    if kind not in ReceiptKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(ReceiptKind.values)}."})
    if order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED):
        raise ValidationError({"status": f"The order is {order.get_status_display().lower()}."})
    ordered = {line.pk: line for line in order.lines.all()}
    got = received_quantities(order)
    errors = Errors()
    if not lines:
        errors.add("lines", "Enter the quantity of at least one line.")
    seen: set[int] = set()
    for line, quantity in lines:
        if line.pk not in ordered or line.pk in seen:
            errors.add("lines", "Each line is one of this order's lines, once.")
            continue
        seen.add(line.pk)
        label = f"Line {line.line_number}"
        if quantity <= 0 or not _places(quantity, 3, below=Decimal("1000000000")):
            errors.add(
                f"lines.{line.line_number}", f"{label}: the quantity is above zero, to three decimal places."
            )
        elif kind == ReceiptKind.RECEIPT and got[line.pk] + quantity > ordered[line.pk].quantity:
            errors.add(
                f"lines.{line.line_number}",
                f"{label}: {ordered[line.pk].quantity.normalize():f} ordered and "
                f"{got[line.pk].normalize():f} received already; {quantity.normalize():f} more is too many.",
            )
        elif kind == ReceiptKind.RETURN and quantity > got[line.pk]:
            errors.add(
                f"lines.{line.line_number}",
                f"{label}: only {got[line.pk].normalize():f} received, so no more than that goes back.",
            )
    if received_on > timezone.localdate():
        errors.add("received_on", "The date is today or earlier.")
    errors.raise_if_any()
    receipt = Receipt.objects.create(
        partner_id=order.partner_id,
        order=order,
        kind=kind,
        received_on=received_on,
        reference=reference.strip()[:60],
        note=note.strip()[:300],
        recorded_by=actor,
    )
    ReceiptLine.objects.bulk_create(
        ReceiptLine(partner_id=order.partner_id, receipt=receipt, order_line=line, quantity=quantity)
        for line, quantity in lines
    )
    before = order.status
    for line, quantity in lines:
        got[line.pk] += quantity if kind == ReceiptKind.RECEIPT else -quantity
    if all(got[pk] >= line.quantity for pk, line in ordered.items()):
        order.status = OrderStatus.RECEIVED
    elif any(v > 0 for v in got.values()):
        order.status = OrderStatus.PART_RECEIVED
    else:
        order.status = OrderStatus.ISSUED
    order.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=order.partner_id,
        action="order.returned" if kind == ReceiptKind.RETURN else "order.received",
        target=order,
        before={"status": before},
        after={
            "status": order.status,
            "receipt": receipt.pk,
            "received_on": received_on,
            "lines": {str(line.line_number): str(quantity) for line, quantity in lines},
        },
    )
    return receipt
