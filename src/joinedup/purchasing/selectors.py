"""Reads of purchasing, for the pages, the API and the commands.

A partner's purchasing rows (requisitions, orders, receipts, its standing with a supplier and its
notes) are read through that partner: someone with no role on it gets 404, someone with a role
but without ``purchasing.view`` 403. The partnership's register (suppliers, categories, bank
details masked) is read by anyone holding ``purchasing.view`` on some partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, is_member, partner_ids_with
from joinedup.purchasing import contracts, spend
from joinedup.purchasing import invoices as invoicing
from joinedup.purchasing.duplicates import normalise_number
from joinedup.purchasing.matching import Discrepancy, InvoiceLineFacts, OrderLineFacts, Tolerance, match_line
from joinedup.purchasing.models import (
    BankChangeStatus,
    BankDetailChange,
    Category,
    CategoryAccount,
    DelegationLimit,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Payment,
    PaymentRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    Receipt,
    Requisition,
    RequisitionLine,
    SpendMonth,
    Supplier,
    SupplierBankDetails,
    SupplierContact,
    SupplierPartner,
    SupplierStatus,
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


# Filtering the register by a partner's standing: "none" is a supplier the partner has not approved.
NO_STANDING = "none"


def supplier_register(user: Any, *, partner: Partner, q: str = "", standing: str = "") -> QuerySet[Supplier]:
    """The register (``suppliers``), each supplier with ``partner``'s own standing for it:
    ``standing`` (its status, "" where the partner has none) and ``standing_label``, the
    partner's ``reference`` and ``payment_terms_days``; of one standing when given (``NO_STANDING``
    for none)."""
    authorise(user, "purchasing.view", partner)
    own = SupplierPartner.objects.for_partner(partner).filter(supplier=OuterRef("pk"))
    found = suppliers(user, q=q).annotate(
        standing=Coalesce(Subquery(own.values("status")[:1]), Value("")),
        standing_label=Case(
            *(When(standing=value, then=Value(str(label))) for value, label in SupplierStatus.choices),
            default=Value("Not approved"),
        ),
        reference=Subquery(own.values("reference")[:1]),
        payment_terms_days=Subquery(own.values("payment_terms_days")[:1]),
    )
    if standing == NO_STANDING:
        return found.filter(standing="")
    return found.filter(standing=standing) if standing else found


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


# --- invoices and payment runs ---------------------------------------------------------------------------


def invoices_of(user: Any, *, partner: Partner, status: str = "", q: str = "") -> QuerySet[Invoice]:
    """The partner's invoices and credit notes, newest first: of one status when given, and
    whose supplier's name or whose number holds ``q`` (INV-0012 also finds "inv 12")."""
    authorise(user, "purchasing.view", partner)
    found = Invoice.objects.for_partner(partner).select_related("supplier", "order")
    if status:
        found = found.filter(status=status)
    return search_invoices(found, q).order_by("-invoice_date", "-id")


def search_invoices(found: QuerySet[Invoice], q: str) -> QuerySet[Invoice]:
    """Those of ``found`` whose supplier's name or whose number holds ``q`` (INV-0012 also finds
    "inv 12"); all of them when ``q`` is blank."""
    text = q.strip()
    if not text:
        return found
    wanted = Q(supplier__name__icontains=text) | Q(number__icontains=text)
    key = normalise_number(text)[:60]
    if key:
        wanted |= Q(number_key=key)
    return found.filter(wanted)


def invoice_for(user: Any, *, invoice_id: int) -> Invoice:
    """An invoice of a partner ``user`` holds a role on (else 404), if they may read purchasing
    there (else 403)."""
    found: Invoice = _partner_object(
        user,
        Invoice.objects.select_related(
            "partner", "supplier", "order", "credits", "payment__run", "entered_by", "approved_by"
        ),
        invoice_id,
    )
    return found


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        InvoiceLine.objects.for_partner(invoice.partner_id)
        .filter(invoice=invoice)
        .select_related("cost_centre", "account", "category", "order_line")
        .order_by("line_number")
    )


def credit_notes_of(invoice: Invoice) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_partner(invoice.partner_id).filter(credits=invoice).order_by("invoice_date", "id")
    )


@dataclass(frozen=True)
class MatchRow:
    """One invoice line against its order line as things stand now: what was ordered, received
    (less returns) and charged on the partner's other held invoices, and what does not match."""

    line: InvoiceLine
    order: OrderLineFacts | None
    discrepancies: list[Discrepancy]


@dataclass(frozen=True)
class InvoiceMatch:
    tolerance: Tolerance
    rows: list[MatchRow]

    @property
    def matches(self) -> bool:
        return not any(row.discrepancies for row in self.rows)


def invoice_match(invoice: Invoice, lines: list[InvoiceLine]) -> InvoiceMatch | None:
    """The three-way match of an invoice against its order, with the partner's tolerance, as it
    stands today (later receipts and returns count); None for a credit note or a non-PO invoice,
    which are not matched."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.order_id is None:
        return None
    partner = invoice.partner
    tolerance = invoicing.tolerance_of(partner)
    facts = invoicing.order_line_facts(
        partner, [line.order_line for line in lines if line.order_line is not None], excluding=invoice.pk
    )
    rows = []
    for line in lines:
        order = facts.get(line.order_line_id) if line.order_line_id is not None else None
        given = InvoiceLineFacts(quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate)
        rows.append(MatchRow(line, order, match_line(given, order, tolerance)))
    return InvoiceMatch(tolerance, rows)


def history_of(user: Any, target: Invoice | PaymentRun) -> list[AuditEvent]:
    """The audit events about one invoice or payment run, oldest first, to anyone who may read the
    partner's purchasing: who entered, approved, cancelled or paid it is part of the record."""
    authorise(user, "purchasing.view", target.partner_id)
    return list(
        AuditEvent.objects.for_partner(target.partner_id)
        .filter(object_type=target._meta.label_lower, object_id=str(target.pk))
        .order_by("seq")
    )


def payment_runs_of(user: Any, *, partner: Partner) -> QuerySet[PaymentRun]:
    authorise(user, "purchasing.view", partner)
    return PaymentRun.objects.for_partner(partner).select_related("created_by").order_by("-created_at", "-id")


def payment_run_for(user: Any, *, payment_run_id: int) -> PaymentRun:
    found: PaymentRun = _partner_object(
        user,
        PaymentRun.objects.select_related("partner", "created_by", "approved_by", "journal"),
        payment_run_id,
    )
    return found


def payment_for(user: Any, *, payment_id: int) -> Payment:
    found: Payment = _partner_object(
        user, Payment.objects.select_related("supplier", "run", "bank_details"), payment_id
    )
    return found


def payments_in(run: PaymentRun) -> QuerySet[Payment]:
    return (
        Payment.objects.for_partner(run.partner_id)
        .filter(run=run)
        .select_related("supplier", "bank_details")
        .order_by("supplier__name", "id")
    )


def invoices_in(run: PaymentRun) -> QuerySet[Invoice]:
    """The invoices and credit notes a run pays, by supplier."""
    return (
        Invoice.objects.for_partner(run.partner_id)
        .filter(payment__run=run)
        .select_related("supplier", "payment")
        .order_by("supplier__name", "kind", "invoice_date", "id")
    )


def signed_gross(invoice: Invoice) -> Decimal:
    """What an invoice adds to a payment: a credit note takes its amount off."""
    return invoice.gross if invoice.kind == InvoiceKind.INVOICE else -invoice.gross


# --- spend analysis -----------------------------------------------------------------------------------

SPEND_READ = (
    "purchasing: the partnership's paid spend, for a reader holding purchasing.view_spend on each partner"
)


def spend_partner_ids(user: Any, *, partner: Partner | None) -> list[int]:
    """Whose spend ``user`` reads: one partner's (404 to a non-member, 403 without
    ``purchasing.view_spend``), or, with no partner, every partner on which the user holds
    ``purchasing.view_spend`` (the shared-services body's officers hold it on each partner they
    buy for); PermissionDenied when there is none."""
    if partner is not None:
        if not is_member(user, partner):
            raise Http404("No such partner.")
        authorise(user, "purchasing.view_spend", partner)
        return [partner.pk]
    ids = partner_ids_with(user, "purchasing.view_spend")
    if not ids:
        raise PermissionDenied("Your roles do not include spend analysis.")
    return ids


def spend_rows(partner_ids: list[int], *, month_from: int | None, month_to: int | None) -> spend.SpendRows:
    """These partners' paid spend by category, supplier and month (``spend.month_key``) in the
    range, from the monthly roll-up (``SpendMonth``): one query. Callers check access first
    (:func:`spend_partner_ids`); across partners the read runs in a named system context, so a
    caller whose request context holds fewer partners (an API token) still sees what its roles
    allow, and nothing more, since the query names the partners."""
    rows = SpendMonth.objects.for_partners(partner_ids)
    if month_from is not None:
        rows = rows.filter(month__gte=month_from)
    if month_to is not None:
        rows = rows.filter(month__lte=month_to)
    query = rows.values_list(
        "partner_id", "category_id", "supplier_id", "month", "on_contract", "net", "quantity", "lines"
    )
    if len(partner_ids) > 1:
        with rls.system_context(SPEND_READ):
            found = list(query)
    else:
        found = list(query)
    if not found:
        return spend.SpendRows.empty()
    table = np.array(
        [(p, c or spend.NO_CATEGORY, s, m, 1 if on else 0, n, q, k) for p, c, s, m, on, n, q, k in found],
        dtype=np.int64,
    )
    return spend.SpendRows(*(table[:, i].copy() for i in range(8)))


@dataclass(frozen=True)
class SpendView:
    partners: dict[int, Partner]
    categories: dict[int, Category]
    suppliers: dict[int, str]
    rows: spend.SpendRows
    candidates: list[spend.Candidate]
    month_from: int | None
    month_to: int | None

    @property
    def total(self) -> int:
        return int(self.rows.net.sum())

    def by(self, *names: str) -> spend.Rollup:
        return spend.rollup(self.rows, names)

    def category_label(self, category_id: int) -> str:
        found = self.categories.get(category_id)
        return str(found) if found is not None else "Uncategorised"


def spend_view(
    user: Any, *, partner: Partner | None, month_from: int | None = None, month_to: int | None = None
) -> SpendView:
    """Spend analysis as ``user`` may see it: one partner's own spend, or (no partner) the
    spend of every partner the user holds ``purchasing.view_spend`` on, with its consolidation
    candidates (two or more partners buying a category from two or more suppliers; within one
    partner's view, that partner buying it from two or more). Four queries whatever the size:
    the monthly roll-up, and the names of the partners, categories and suppliers in it."""
    ids = spend_partner_ids(user, partner=partner)
    rows = spend_rows(ids, month_from=month_from, month_to=month_to)
    candidates = spend.consolidation(rows, min_partners=min(2, len(ids)))
    category_ids = sorted(set(rows.category.tolist()) - {spend.NO_CATEGORY})
    supplier_ids = sorted(set(rows.supplier.tolist()))
    return SpendView(
        partners={p.pk: p for p in Partner.objects.filter(pk__in=ids).order_by("name")},
        categories={c.pk: c for c in Category.objects.filter(pk__in=category_ids)},
        suppliers=dict(Supplier.objects.filter(pk__in=supplier_ids).values_list("pk", "name")),
        rows=rows,
        candidates=candidates,
        month_from=month_from,
        month_to=month_to,
    )


def off_contract_pence(view: SpendView) -> int:
    """Paid spend in the view's partners and months that a live contract of theirs covered but
    that did not go through it (``contracts.off_contract_rows``), pence."""
    return sum(row.pence for row in off_contract_rows(view))


def off_contract_rows(view: SpendView) -> list[contracts.OffContractRow]:
    """That spend by partner, category and supplier, largest first, from the view's roll-up rows
    (and the lines of months a contract starts or ends part-way through). Months without bounds
    take those of the spend found; no spend, none off contract."""
    if not len(view.rows) or not view.partners:
        return []
    return contracts.off_contract_rows(view.rows, month_from=view.month_from, month_to=view.month_to)
