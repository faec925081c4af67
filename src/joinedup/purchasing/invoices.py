"""Invoices and credit notes: entry on a form or from a file, duplicate detection, three-way match,
the exceptions queue and approval under the partner's scheme of delegation.

Where an invoice goes when it is entered (``invoice_enter``, ``invoices_import``):

* a possible duplicate of one already held (``duplicates.py``'s three rules), or a line that does
  not match its order and receipts within the partner's tolerances (``matching.py``): the
  **exceptions queue**, each reason listed on the invoice;
* otherwise a credit note, or an invoice against an order that matches: **approved** (the order
  was approved under the scheme of delegation when it was raised; the match proves it was
  delivered as ordered);
* otherwise (an invoice with no order): **waiting for approval** under the scheme of delegation.

``invoice_approve`` approves an invoice waiting for approval, or releases one from the exceptions
queue with a note saying why; the approver is never the person who entered it, and their
delegated limit covers the invoice's net. ``invoice_cancel`` takes an unpaid invoice out.
Payment runs (``payments.py``) pay approved invoices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import tabular
from joinedup.core.actors import is_system, user_of
from joinedup.core.money import pounds_to_pence
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.ledger.models import Account, AccountType, CostCentre
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, member_partners
from joinedup.purchasing import delegation
from joinedup.purchasing.duplicates import DuplicateMatch, InvoiceKey, find_duplicates, normalise_number
from joinedup.purchasing.matching import EXACT, InvoiceLineFacts, OrderLineFacts, Tolerance, match_line
from joinedup.purchasing.models import (
    Category,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    ReceiptKind,
    ReceiptLine,
    Supplier,
    SupplierPartner,
    SupplierStatus,
    line_net,
    line_vat,
)

OPEN_STATUSES = (
    InvoiceStatus.RECEIVED,
    InvoiceStatus.EXCEPTION,
    InvoiceStatus.AWAITING_APPROVAL,
    InvoiceStatus.APPROVED,
)
# The statuses whose invoices count as held, for duplicates and for quantities already invoiced.
HELD_STATUSES = (*OPEN_STATUSES, InvoiceStatus.IN_PAYMENT, InvoiceStatus.PAID)
MAX_LINES = 500
# Dates a supplier's invoice may carry: a typing slip (0026, 2206) is refused, not paid on.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
MONEY_MAX = Decimal("999999999999.99")  # what an amount column holds (14 digits, 2 places)
MAX_QUANTITY = Decimal("999999999.999")
QUANTUM = Decimal("0.001")  # quantities have three places
MAX_UNIT_PRICE = Decimal("9999999999.9999")


@dataclass(frozen=True)
class LineEntry:
    """One line as typed. ``order_line`` is the order's line number; ``cost_centre`` and
    ``account`` are codes on the partner's ledger, taken from the order line when left empty."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    cost_centre: str = ""
    account: str = ""
    order_line: int | None = None
    category: str = ""
    vat_recoverable: bool = True


@dataclass
class _Resolved:
    entry: LineEntry
    order_line: PurchaseOrderLine | None
    cost_centre: CostCentre
    account: Account
    category: Category | None
    net: Decimal
    vat: Decimal


# --- delegation ---------------------------------------------------------------------------------------


def _check_delegation(actor: Any, invoice: Invoice) -> None:
    """The scheme of delegation, as for requisitions (``delegation.py``): the approver did not
    enter the invoice, and their line covers its net."""
    if not is_system(actor) and invoice.entered_by_id == actor.pk:
        raise ValidationError({"invoice": "You entered this invoice: someone else must approve it."})
    authority = delegation.authority_of(actor, invoice.partner_id)
    if authority is None:
        raise ValidationError(
            {"invoice": "The scheme of delegation gives you no limit: you cannot approve invoices."}
        )
    if authority.up_to is not None and invoice.net > authority.up_to:
        raise ValidationError(
            {"invoice": f"The net £{invoice.net:,} is over your delegated limit of £{authority.up_to:,}."}
        )


# --- reading -------------------------------------------------------------------------------------------


def invoices_visible_to(actor: Any, *, partner: Partner) -> QuerySet[Invoice]:
    authorise(actor, "purchasing.view", partner)
    return Invoice.objects.for_partner(partner).select_related("supplier", "order")


def invoice_for(actor: Any, *, invoice_id: int) -> Invoice:
    """An invoice of a partner the actor is a member of (another partner's is missing: 404), if
    they may read purchasing there (403 otherwise)."""
    invoice = (
        Invoice.objects.for_partners(member_partners(actor))
        .select_related("partner", "supplier", "order")
        .get(pk=invoice_id)
    )
    authorise(actor, "purchasing.view", invoice.partner)
    return invoice


def exceptions_queue(actor: Any, *, partner: Partner) -> QuerySet[Invoice]:
    """The partner's invoices waiting in the exceptions queue, oldest first, each with its reasons
    (``invoice.exceptions``: a list of ``{"kind", "line", "reason"}``)."""
    return (
        invoices_visible_to(actor, partner=partner)
        .filter(status=InvoiceStatus.EXCEPTION)
        .order_by("received_date", "id")
    )


def tolerance_of(partner: Partner) -> Tolerance:
    found = PurchasingSettings.objects.for_partner(partner).first()
    if found is None:
        return EXACT
    return Tolerance(
        price_percent=found.price_tolerance_percent,
        price_absolute=found.price_tolerance_amount,
        quantity_percent=found.quantity_tolerance_percent,
        quantity_absolute=found.quantity_tolerance_amount,
    )


def order_line_facts(
    partner: Partner, order_lines: Iterable[PurchaseOrderLine], *, excluding: int | None = None
) -> dict[int, OrderLineFacts]:
    """What matching needs of each order line: received less returned, and already invoiced (less
    credit notes) on held invoices other than ``excluding``."""
    lines = list(order_lines)
    ids = [line.pk for line in lines]
    received: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, kind, quantity in (
        ReceiptLine.objects.for_partner(partner)
        .filter(order_line_id__in=ids)
        .values_list("order_line_id", "receipt__kind", "quantity")
    ):
        received[line_id] += quantity if kind == ReceiptKind.RECEIPT else -quantity
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    held = InvoiceLine.objects.for_partner(partner).filter(
        order_line_id__in=ids, invoice__status__in=HELD_STATUSES
    )
    if excluding is not None:
        held = held.exclude(invoice_id=excluding)
    totals = held.values_list("order_line_id", "invoice__kind").annotate(total=Sum("quantity"))
    for line_id, kind, total in totals:
        total = total.quantize(QUANTUM)  # SQLite sums decimals as binary floats
        invoiced[line_id] += total if kind == InvoiceKind.INVOICE else -total
    return {
        line.pk: OrderLineFacts(
            quantity_ordered=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            quantity_received=received[line.pk],
            quantity_invoiced_before=invoiced[line.pk],
        )
        for line in lines
    }


# --- entering -----------------------------------------------------------------------------------------


def _supplier_standing(partner: Partner, supplier: Supplier) -> SupplierPartner:
    standing = SupplierPartner.objects.for_partner(partner).filter(supplier=supplier).first()
    if standing is None:
        raise ValidationError({"supplier": f"{supplier.name} is not a supplier of {partner.code}."})
    if standing.status == SupplierStatus.BLOCKED:
        raise ValidationError({"supplier": f"{supplier.name} is blocked for {partner.code}."})
    return standing


class _Lookup:
    """The partner's cost centres, expense accounts and categories by code, read once."""

    def __init__(self, partner: Partner) -> None:
        self.cost_centres = {c.code: c for c in CostCentre.objects.for_partner(partner).filter(active=True)}
        self.accounts = {
            a.code: a
            for a in Account.objects.for_partner(partner).filter(active=True, type=AccountType.EXPENSE)
        }
        self.categories = {c.code: c for c in Category.objects.filter(active=True)}


def _places(value: Decimal) -> int:
    """Decimal places that carry a digit: 1.50 has 1, 2 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _resolve_lines(
    partner: Partner,
    order: PurchaseOrder | None,
    entries: Sequence[LineEntry],
    lookup: _Lookup,
) -> tuple[list[_Resolved], dict[str, str]]:
    """Each line with its ledger codes and amounts, or the problems keyed ``lines.N.field``."""
    errors: dict[str, str] = {}
    order_lines: dict[int, PurchaseOrderLine] = {}
    if order is not None:
        order_lines = {
            line.line_number: line
            for line in PurchaseOrderLine.objects.for_partner(partner)
            .filter(order=order)
            .select_related("cost_centre", "account", "category")
        }
    resolved: list[_Resolved] = []
    for number, entry in enumerate(entries, start=1):
        where = f"lines.{number}"
        order_line = None
        if entry.order_line is not None:
            if order is None:
                errors[f"{where}.order_line"] = "Name the order before its lines."
            elif entry.order_line not in order_lines:
                errors[f"{where}.order_line"] = f"Order {order.number} has no line {entry.order_line}."
            else:
                order_line = order_lines[entry.order_line]
        if not entry.description.strip():
            errors[f"{where}.description"] = "Describe the line."
        if not (entry.quantity.is_finite() and Decimal(0) < entry.quantity <= MAX_QUANTITY):
            errors[f"{where}.quantity"] = f"The quantity must be more than 0 and at most {MAX_QUANTITY:,}."
        elif _places(entry.quantity) > 3:
            errors[f"{where}.quantity"] = "A quantity has at most 3 decimal places."
        if not (entry.unit_price.is_finite() and Decimal(0) <= entry.unit_price <= MAX_UNIT_PRICE):
            errors[f"{where}.unit_price"] = f"The unit price must be from 0 to {MAX_UNIT_PRICE:,}."
        elif _places(entry.unit_price) > 4:
            errors[f"{where}.unit_price"] = "A unit price has at most 4 decimal places."
        if not (entry.vat_rate.is_finite() and Decimal(0) <= entry.vat_rate <= Decimal(100)):
            errors[f"{where}.vat_rate"] = "The VAT rate is a percentage from 0 to 100."
        elif _places(entry.vat_rate) > 2:
            errors[f"{where}.vat_rate"] = "A VAT rate has at most 2 decimal places."
        centre_code = entry.cost_centre or (order_line.cost_centre.code if order_line else "")
        account_code = entry.account or (order_line.account.code if order_line else "")
        centre = lookup.cost_centres.get(centre_code)
        account = lookup.accounts.get(account_code)
        if centre is None:
            errors[f"{where}.cost_centre"] = (
                f"{partner.code} has no cost centre {centre_code!r}."
                if centre_code
                else "Name a cost centre."
            )
        if account is None:
            errors[f"{where}.account"] = (
                f"{partner.code} has no expense account {account_code!r}."
                if account_code
                else "Name an expense account."
            )
        category = None
        if entry.category:
            category = lookup.categories.get(entry.category)
            if category is None:
                errors[f"{where}.category"] = f"There is no category {entry.category!r}."
        elif order_line is not None:
            category = order_line.category
        if (
            centre is None
            or account is None
            or f"{where}.quantity" in errors
            or f"{where}.unit_price" in errors
        ):
            continue
        net = line_net(entry.quantity, entry.unit_price)
        vat = line_vat(net, entry.vat_rate) if f"{where}.vat_rate" not in errors else Decimal(0)
        if net + vat > MONEY_MAX:
            errors[f"{where}.unit_price"] = f"The line comes to more than £{MONEY_MAX:,}."
            continue
        resolved.append(_Resolved(entry, order_line, centre, account, category, net, vat))
    if sum((line.net + line.vat for line in resolved), Decimal(0)) > MONEY_MAX:
        errors[f"lines.{len(entries)}.unit_price"] = f"The invoice comes to more than £{MONEY_MAX:,}."
    return resolved, errors


def _exceptions(
    partner: Partner,
    *,
    kind: str,
    order: PurchaseOrder | None,
    lines: Sequence[_Resolved],
    duplicates: Sequence[DuplicateMatch],
    excluding: int | None = None,
    tolerance: Tolerance | None = None,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"kind": f"duplicate_{match.rule}", "line": None, "reason": f"Possible duplicate: {match.reason}."}
        for match in duplicates
    ]
    if kind != InvoiceKind.INVOICE or order is None:
        return found
    facts = order_line_facts(
        partner, [r.order_line for r in lines if r.order_line is not None], excluding=excluding
    )
    tolerance = tolerance or tolerance_of(partner)
    for number, line in enumerate(lines, start=1):
        invoice_facts = InvoiceLineFacts(
            quantity=line.entry.quantity, unit_price=line.entry.unit_price, vat_rate=line.entry.vat_rate
        )
        order_facts = facts.get(line.order_line.pk) if line.order_line is not None else None
        for discrepancy in match_line(invoice_facts, order_facts, tolerance):
            found.append(
                {"kind": discrepancy.kind, "line": number, "reason": f"Line {number}: {discrepancy.reason}"}
            )
    return found


def _held_keys(partner: Partner, *, gross: Iterable[Decimal], suppliers: Iterable[int]) -> list[InvoiceKey]:
    """The partner's held invoices that could be duplicates of invoices of these amounts or suppliers."""
    held = (
        Invoice.objects.for_partner(partner)
        .filter(status__in=HELD_STATUSES)
        .filter(Q(gross__in=set(gross)) | Q(supplier_id__in=set(suppliers)))
        .values_list("pk", "supplier_id", "number", "gross", "invoice_date", "kind")
    )
    return [
        InvoiceKey(
            ref=pk,
            supplier=(supplier, kind),
            number=number,
            gross_pence=pounds_to_pence(amount),
            invoice_date=on,
            label=f"{number} (invoice {pk})",
        )
        for pk, supplier, number, amount, on, kind in held
    ]


def _key(
    ref: Any, supplier: Supplier, kind: str, number: str, gross: Decimal, on: date, label: str
) -> InvoiceKey:
    # A credit note is compared with credit notes: it repeats its invoice's amount by design.
    return InvoiceKey(
        ref=ref,
        supplier=(supplier.pk, kind),
        number=number,
        gross_pence=pounds_to_pence(gross),
        invoice_date=on,
        label=label,
    )


def _save(
    *,
    actor: Any,
    partner: Partner,
    supplier: Supplier,
    kind: str,
    number: str,
    invoice_date: date,
    received_date: date,
    due_date: date,
    order: PurchaseOrder | None,
    credits: Invoice | None,
    lines: Sequence[_Resolved],
    exceptions: list[dict[str, Any]],
) -> Invoice:
    if exceptions:
        status = InvoiceStatus.EXCEPTION
    elif kind == InvoiceKind.CREDIT_NOTE or order is not None:
        status = InvoiceStatus.APPROVED
    else:
        status = InvoiceStatus.AWAITING_APPROVAL
    net = sum((line.net for line in lines), Decimal("0.00"))
    vat = sum((line.vat for line in lines), Decimal("0.00"))
    invoice = Invoice.objects.create(
        partner=partner,
        supplier=supplier,
        kind=kind,
        number=number,
        number_key=normalise_number(number)[:60],
        invoice_date=invoice_date,
        received_date=received_date,
        due_date=due_date,
        order=order,
        credits=credits,
        net=net,
        vat=vat,
        gross=net + vat,
        status=status,
        exceptions=exceptions,
        entered_by=user_of(actor),
        approved_at=timezone.now() if status == InvoiceStatus.APPROVED else None,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            partner=partner,
            invoice=invoice,
            line_number=number,
            order_line=line.order_line,
            description=line.entry.description[:300],
            category=line.category,
            quantity=line.entry.quantity,
            unit_price=line.entry.unit_price,
            vat_rate=line.entry.vat_rate,
            net=line.net,
            vat=line.vat,
            vat_recoverable=line.entry.vat_recoverable,
            cost_centre=line.cost_centre,
            account=line.account,
        )
        for number, line in enumerate(lines, start=1)
    )
    return invoice


def _summary(invoice: Invoice) -> dict[str, Any]:
    return {
        "supplier": invoice.supplier_id,
        "kind": invoice.kind,
        "number": invoice.number,
        "order": invoice.order_id,
        "net": str(invoice.net),
        "vat": str(invoice.vat),
        "gross": str(invoice.gross),
        "status": invoice.status,
        "exceptions": [e["kind"] for e in invoice.exceptions],
    }


@transaction.atomic
def invoice_enter(
    *,
    actor: Any,
    partner: Partner,
    supplier: Supplier,
    number: str,
    invoice_date: date,
    lines: Sequence[LineEntry],
    kind: str = InvoiceKind.INVOICE,
    received_date: date | None = None,
    due_date: date | None = None,
    order: PurchaseOrder | None = None,
    credits: Invoice | None = None,
) -> Invoice:
    """Enter one invoice or credit note, check it for duplicates, match it, and file it: approved,
    waiting for approval, or in the exceptions queue with its reasons."""
    authorise(actor, "purchasing.invoice", partner)
    errors: dict[str, str] = {}
    if kind not in InvoiceKind.values:
        errors["kind"] = "An invoice or a credit note."
    number = number.strip()
    if not number or len(number) > 60:
        errors["number"] = "Give the supplier's invoice number (up to 60 characters)."
    standing = _supplier_standing(partner, supplier)
    if order is not None:
        if order.partner_id != partner.pk:
            raise ValidationError({"order": "Not an order of this partner."})
        if order.supplier_id != supplier.pk:
            errors["order"] = f"Order {order.number} is to another supplier."
    if credits is not None:
        if credits.partner_id != partner.pk or credits.kind != InvoiceKind.INVOICE:
            errors["credits"] = "A credit note credits an invoice of this partner."
        elif credits.supplier_id != supplier.pk:
            errors["credits"] = f"Invoice {credits.number} is from another supplier."
        if kind != InvoiceKind.CREDIT_NOTE:
            errors["credits"] = "Only a credit note credits an invoice."
    if not lines:
        errors["lines"] = "An invoice has at least one line."
    elif len(lines) > MAX_LINES:
        errors["lines"] = f"An invoice has at most {MAX_LINES} lines."
    received = received_date or timezone.localdate()
    if not EARLIEST <= invoice_date <= LATEST:
        raise ValidationError({"invoice_date": f"An invoice date from {EARLIEST:%Y} to {LATEST:%Y}."})
    due = due_date or invoice_date + timedelta(days=standing.payment_terms_days)
    if due < invoice_date:
        errors["due_date"] = "The due date cannot be before the invoice date."
    resolved, line_errors = _resolve_lines(partner, order, lines, _Lookup(partner))
    errors.update(line_errors)
    if errors:
        raise ValidationError(errors)
    gross = sum((r.net + r.vat for r in resolved), Decimal(0))
    label = f"{number}"
    held = _held_keys(partner, gross=[gross], suppliers=[supplier.pk])
    duplicates = find_duplicates(held, [_key("new", supplier, kind, number, gross, invoice_date, label)])
    exceptions = _exceptions(partner, kind=kind, order=order, lines=resolved, duplicates=duplicates)
    invoice = _save(
        actor=actor,
        partner=partner,
        supplier=supplier,
        kind=kind,
        number=number,
        invoice_date=invoice_date,
        received_date=received,
        due_date=due,
        order=order,
        credits=credits,
        lines=resolved,
        exceptions=exceptions,
    )
    record_event(
        actor=actor, partner=partner, action="invoice.entered", target=invoice, after=_summary(invoice)
    )
    return invoice


# --- deciding ----------------------------------------------------------------------------------------


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.for_partner(invoice.partner_id)
        .select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def invoice_approve(*, actor: Any, invoice: Invoice, note: str = "") -> Invoice:
    """Approve an invoice waiting for approval, or release one from the exceptions queue (``note``
    says why its reasons are accepted). The approver did not enter it and their delegated limit
    covers its net."""
    authorise(actor, "purchasing.approve", invoice.partner_id)
    invoice = _locked(invoice)
    before = invoice.status
    if before not in (InvoiceStatus.AWAITING_APPROVAL, InvoiceStatus.EXCEPTION):
        raise ValidationError(
            {
                "invoice": "Only an invoice waiting for approval or in the exceptions queue is approved; "
                f"this one is {invoice.get_status_display().lower()}."
            }
        )
    if before == InvoiceStatus.EXCEPTION and not note.strip():
        raise ValidationError({"note": "Say why the exceptions are accepted."})
    _check_delegation(actor, invoice)
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_by = user_of(actor)
    invoice.approved_at = timezone.now()
    invoice.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        actor=actor,
        partner=invoice.partner,
        action="invoice.approved",
        target=invoice,
        before={"status": before},
        after={"status": invoice.status, "note": note.strip()[:300], "net": str(invoice.net)},
    )
    return invoice


@transaction.atomic
def invoice_cancel(*, actor: Any, invoice: Invoice, reason: str) -> Invoice:
    """Take an unpaid invoice out (a duplicate confirmed, an invoice sent to the wrong body)."""
    authorise(actor, "purchasing.invoice", invoice.partner_id)
    invoice = _locked(invoice)
    if invoice.status not in OPEN_STATUSES:
        raise ValidationError(
            {"invoice": f"An invoice {invoice.get_status_display().lower()} cannot be cancelled."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is cancelled."})
    before = invoice.status
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=invoice.partner,
        action="invoice.cancelled",
        target=invoice,
        before={"status": before},
        after={"status": invoice.status, "reason": reason.strip()[:300]},
    )
    return invoice


# --- importing ---------------------------------------------------------------------------------------

INVOICE_COLUMNS = RowSpec(
    [
        Column(
            "supplier",
            tabular.text(max_length=30),
            example="ACME01",
            help="The partner's supplier reference.",
        ),
        Column(
            "kind",
            tabular.choice(["invoice", "credit_note"]),
            required=False,
            default="invoice",
            example="invoice",
        ),
        Column("number", tabular.text(max_length=60), example="INV-1042"),
        Column("invoice_date", tabular.iso_date(), example="2026-05-14"),
        Column("due_date", tabular.iso_date(), required=False, default=None, example="2026-06-13"),
        Column("order", tabular.text(max_length=30), required=False, default="", example="WCC-PO-000012"),
        Column(
            "order_line", tabular.integer(min=1, max=MAX_LINES), required=False, default=None, example="1"
        ),
        Column("description", tabular.text(max_length=300), example="A4 paper, 80gsm"),
        Column("quantity", tabular.decimal(places=3, min=Decimal("0.001"), max=MAX_QUANTITY), example="10"),
        Column("unit_price", tabular.decimal(places=4, min=0, max=MAX_UNIT_PRICE), example="4.25"),
        Column("vat_rate", tabular.decimal(places=2, min=0, max=Decimal(100)), example="20"),
        Column("cost_centre", tabular.text(max_length=30), required=False, default="", example="HR"),
        Column("account", tabular.text(max_length=20), required=False, default="", example="4200"),
        Column("category", tabular.text(max_length=12), required=False, default="", example=""),
    ]
)


@dataclass
class InvoiceImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    invoices: list[Invoice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exceptions(self) -> int:
        return sum(1 for invoice in self.invoices if invoice.status == InvoiceStatus.EXCEPTION)


# Which column a problem found by the line checks belongs to.
_FIELD_COLUMN = {
    "order_line": "order_line",
    "description": "description",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "vat_rate": "vat_rate",
    "cost_centre": "cost_centre",
    "account": "account",
    "category": "category",
}


def invoices_import(*, actor: Any, partner: Partner, source: Any, filename: str = "") -> InvoiceImportResult:
    """Import invoices and credit notes from CSV or XLSX, one row per line, rows of the same
    supplier, kind and number making one invoice. All or nothing: every bad row is reported by row,
    column and reason, and nothing is saved unless every row is good. Duplicates (against held
    invoices and within the file) and match failures are not errors: those invoices go to the
    exceptions queue with their reasons, as on the form."""
    authorise(actor, "purchasing.invoice", partner)
    parsed = tabular.read_rows(source, INVOICE_COLUMNS, filename=filename, max_rows=50_000)
    result = InvoiceImportResult(rows=len(parsed.rows))
    standings = {
        s.reference.upper(): s
        for s in SupplierPartner.objects.for_partner(partner).exclude(reference="").select_related("supplier")
    }
    orders = {o.number.upper(): o for o in PurchaseOrder.objects.for_partner(partner)}
    lookup = _Lookup(partner)
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for number, row in parsed.numbered():
        supplier_code = str(row.get("supplier", "")).upper()
        standing = standings.get(supplier_code)
        if "supplier" in row and standing is None:
            parsed.add_error(
                number, "supplier", f"{partner.code} has no supplier with this reference", row["supplier"]
            )
        elif standing is not None and standing.status == SupplierStatus.BLOCKED:
            parsed.add_error(
                number, "supplier", f"This supplier is blocked for {partner.code}", row["supplier"]
            )
        if row.get("order") and str(row["order"]).upper() not in orders:
            parsed.add_error(number, "order", f"{partner.code} has no order with this number", row["order"])
        if "number" in row and "supplier" in row:
            groups[(supplier_code, row.get("kind", "invoice"), str(row["number"]).strip().upper())].append(
                (number, row)
            )
    # Each invoice's rows must agree on what belongs to the invoice, not the line.
    prepared = []
    for rows in groups.values():
        first_number, first = rows[0]
        for number, row in rows[1:]:
            for column in ("invoice_date", "due_date", "order"):
                if row.get(column) != first.get(column):
                    parsed.add_error(
                        number,
                        column,
                        f"Differs from row {first_number}, the same invoice's first row",
                        row.get(column),
                    )
        standing = standings.get(str(first["supplier"]).upper())
        if standing is None or standing.status == SupplierStatus.BLOCKED or "invoice_date" not in first:
            continue
        if not EARLIEST <= first["invoice_date"] <= LATEST:
            parsed.add_error(
                first_number,
                "invoice_date",
                f"An invoice date from {EARLIEST:%Y} to {LATEST:%Y}",
                first["invoice_date"],
            )
            continue
        order = orders.get(str(first.get("order", "")).upper()) if first.get("order") else None
        if order is not None and order.supplier_id != standing.supplier_id:
            parsed.add_error(first_number, "order", "This order is to another supplier", first["order"])
            continue
        if len(rows) > MAX_LINES:
            parsed.add_error(
                rows[MAX_LINES][0], "number", f"An invoice has at most {MAX_LINES} lines", first["number"]
            )
            continue
        entries = []
        for _, row in rows:
            if not {"description", "quantity", "unit_price", "vat_rate"} <= set(row):
                break
            entries.append(
                LineEntry(
                    description=row["description"],
                    quantity=row["quantity"],
                    unit_price=row["unit_price"],
                    vat_rate=row["vat_rate"],
                    cost_centre=row.get("cost_centre", ""),
                    account=row.get("account", ""),
                    order_line=row.get("order_line"),
                    category=row.get("category", ""),
                )
            )
        else:
            resolved, line_errors = _resolve_lines(partner, order, entries, lookup)
            for key, message in line_errors.items():
                _, index, column = key.split(".")
                row_number, row = rows[int(index) - 1]
                parsed.add_error(
                    row_number, _FIELD_COLUMN[column], message.rstrip("."), row.get(_FIELD_COLUMN[column])
                )
            due = first.get("due_date") or first["invoice_date"] + timedelta(days=standing.payment_terms_days)
            if due < first["invoice_date"]:
                parsed.add_error(
                    first_number,
                    "due_date",
                    "The due date cannot be before the invoice date",
                    first.get("due_date"),
                )
            if not line_errors:
                prepared.append((first_number, standing, order, first, resolved, due))
    if not parsed.ok:
        result.errors = parsed.errors
        return result
    with transaction.atomic():
        keys = [
            _key(
                f"row {row_number}",
                standing.supplier,
                first.get("kind", "invoice"),
                str(first["number"]).strip(),
                sum((r.net + r.vat for r in resolved), Decimal(0)),
                first["invoice_date"],
                f"{str(first['number']).strip()} (row {row_number} of the file)",
            )
            for row_number, standing, _, first, resolved, _ in prepared
        ]
        held = _held_keys(
            partner,
            gross=[Decimal(k.gross_pence) / 100 for k in keys],
            suppliers=[s.supplier_id for _, s, *_ in prepared],
        )
        matches: dict[Any, list[DuplicateMatch]] = defaultdict(list)
        for match in find_duplicates(held, keys):
            matches[match.invoice].append(match)
        tolerance = tolerance_of(partner)
        for invoice_key, (_, standing, order, first, resolved, due) in zip(keys, prepared, strict=True):
            kind = first.get("kind", "invoice")
            exceptions = _exceptions(
                partner,
                kind=kind,
                order=order,
                lines=resolved,
                duplicates=matches[invoice_key.ref],
                tolerance=tolerance,
            )
            result.invoices.append(
                _save(
                    actor=actor,
                    partner=partner,
                    supplier=standing.supplier,
                    kind=kind,
                    number=str(first["number"]).strip(),
                    invoice_date=first["invoice_date"],
                    received_date=timezone.localdate(),
                    due_date=due,
                    order=order,
                    credits=None,
                    lines=resolved,
                    exceptions=exceptions,
                )
            )
        record_event(
            actor=actor,
            partner=partner,
            action="invoice.imported",
            object_type="purchasing.Invoice",
            after={
                "file": filename,
                "rows": result.rows,
                "invoices": len(result.invoices),
                "exceptions": result.exceptions,
            },
        )
    return result
