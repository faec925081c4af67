"""Purchasing's payables over JSON: invoices and credit notes (enter, read, approve or release from
the exceptions queue, cancel), the exceptions queue, and payment runs (make, approve, mark paid,
cancel; the BACS file; each supplier's remittance advice as CSV or PDF). Money is Decimal pounds
written as strings ("120.00"), as purchasing stores it.

Another partner's invoice, run or payment answers 404; a member of the partner without the
permission, 403."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from joinedup.api.schemas import DateIn, DecimalIn, IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.purchasing import invoices, payments
from joinedup.purchasing.models import Invoice, PaymentRun, PurchaseOrder, Supplier

router = Router(tags=["payables"])


class InvoiceLineIn(Schema):
    description: str
    quantity: DecimalIn
    unit_price: DecimalIn
    vat_rate: DecimalIn
    cost_centre: str = ""
    account: str = ""
    order_line: IdIn | None = None
    category: str = ""
    vat_recoverable: bool = True


class InvoiceIn(Schema):
    supplier_id: IdIn
    kind: str = "invoice"
    number: str
    invoice_date: DateIn
    due_date: DateIn | None = None
    order_number: str = ""
    credits_invoice_id: IdIn | None = None
    lines: list[InvoiceLineIn]


class ExceptionOut(Schema):
    kind: str
    line: int | None
    reason: str


class InvoiceLineOut(Schema):
    line_number: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    cost_centre: str
    account: str


class InvoiceOut(Schema):
    id: int
    partner: str
    supplier_id: int
    supplier: str
    kind: str
    number: str
    invoice_date: dt.date
    due_date: dt.date
    order: str | None
    net: Decimal
    vat: Decimal
    gross: Decimal
    status: str
    exceptions: list[ExceptionOut]


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]


class InvoiceNoteIn(Schema):
    note: str = ""


class PayablesReasonIn(Schema):
    reason: str


class PaymentRunIn(Schema):
    due_by: DateIn
    payment_date: DateIn


class PaymentOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    amount: Decimal
    reference: str
    account_ending: str


class HeldBackOut(Schema):
    supplier: int
    name: str
    reason: str
    invoices: int


class PaymentRunOut(Schema):
    id: int
    partner: str
    reference: str
    due_by: dt.date
    payment_date: dt.date
    status: str
    total: Decimal
    payments: list[PaymentOut]
    held_back: list[HeldBackOut]


def _invoice(invoice: Invoice, *, lines: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": invoice.pk,
        "partner": invoice.partner.code,
        "supplier_id": invoice.supplier_id,
        "supplier": invoice.supplier.name,
        "kind": invoice.kind,
        "number": invoice.number,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "order": invoice.order.number if invoice.order is not None else None,
        "net": invoice.net,
        "vat": invoice.vat,
        "gross": invoice.gross,
        "status": invoice.status,
        "exceptions": invoice.exceptions,
    }
    if lines:
        out["lines"] = [
            {
                "line_number": line.line_number,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate,
                "net": line.net,
                "vat": line.vat,
                "cost_centre": line.cost_centre.code,
                "account": line.account.code,
            }
            for line in invoice.lines.select_related("cost_centre", "account").order_by("line_number")
        ]
    return out


def _run(request: HttpRequest, run: PaymentRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "partner": run.partner.code,
        "reference": run.reference,
        "due_by": run.due_by,
        "payment_date": run.payment_date,
        "status": run.status,
        "total": run.total,
        "payments": [
            {
                "id": p.pk,
                "supplier_id": p.supplier_id,
                "supplier": p.supplier.name,
                "amount": p.amount,
                "reference": p.reference,
                "account_ending": p.bank_details.account_number[-4:],
            }
            for p in payments.payments_of(request.user, run).select_related("bank_details").order_by("id")
        ],
        "held_back": run.held_back,
    }


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/partners/{partner_id}/purchasing/invoices", response=list[InvoiceOut])
def list_invoices(request: HttpRequest, partner_id: int, status: str = "") -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    found = invoices.invoices_visible_to(request.user, partner=partner).select_related("partner")
    if status:
        found = found.filter(status=status)
    return [_invoice(i) for i in found[:500]]


@router.get("/partners/{partner_id}/purchasing/exceptions", response=list[InvoiceOut])
def list_exceptions(request: HttpRequest, partner_id: int) -> Any:
    """The exceptions queue: invoices that did not match or look like duplicates, with reasons."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [
        _invoice(i)
        for i in invoices.exceptions_queue(request.user, partner=partner).select_related("partner")
    ]


@router.post("/partners/{partner_id}/purchasing/invoices", response={201: InvoiceDetailOut})
def enter_invoice(request: HttpRequest, partner_id: int, body: InvoiceIn) -> Status[dict[str, Any]]:
    """Enter an invoice or credit note: it is checked for duplicates, matched against its order
    (``order_number``) and receipts, and filed approved, waiting for approval, or in the exceptions
    queue with its reasons. 422 with the fields at fault (``lines.1.account``) otherwise."""
    partner = partner_for(request.user, partner_id=partner_id)
    order = None
    if body.order_number:
        order = PurchaseOrder.objects.for_partner(partner).get(number=body.order_number)
    credits = None
    if body.credits_invoice_id is not None:
        credits = Invoice.objects.for_partner(partner).get(pk=body.credits_invoice_id)
    invoice = invoices.invoice_enter(
        actor=request.user,
        partner=partner,
        supplier=Supplier.objects.get(pk=body.supplier_id),
        kind=body.kind,
        number=body.number,
        invoice_date=body.invoice_date,
        due_date=body.due_date,
        order=order,
        credits=credits,
        lines=[invoices.LineEntry(**line.model_dump()) for line in body.lines],
    )
    return Status(201, _invoice(invoices.invoice_for(request.user, invoice_id=invoice.pk), lines=True))


@router.get("/purchasing/invoices/{purchase_invoice_id}", response=InvoiceDetailOut)
def get_invoice(request: HttpRequest, purchase_invoice_id: int) -> dict[str, Any]:
    return _invoice(invoices.invoice_for(request.user, invoice_id=purchase_invoice_id), lines=True)


@router.post("/purchasing/invoices/{purchase_invoice_id}/approve", response=InvoiceOut)
def approve_invoice(request: HttpRequest, purchase_invoice_id: int, body: InvoiceNoteIn) -> dict[str, Any]:
    """Approve an invoice waiting for approval, or release one from the exceptions queue (``note``
    says why), within the approver's delegated limit; never the person who entered it."""
    invoice = invoices.invoice_for(request.user, invoice_id=purchase_invoice_id)
    invoices.invoice_approve(actor=request.user, invoice=invoice, note=body.note)
    return _invoice(invoices.invoice_for(request.user, invoice_id=purchase_invoice_id))


@router.post("/purchasing/invoices/{purchase_invoice_id}/cancel", response=InvoiceOut)
def cancel_invoice(request: HttpRequest, purchase_invoice_id: int, body: PayablesReasonIn) -> dict[str, Any]:
    invoice = invoices.invoice_for(request.user, invoice_id=purchase_invoice_id)
    invoices.invoice_cancel(actor=request.user, invoice=invoice, reason=body.reason)
    return _invoice(invoices.invoice_for(request.user, invoice_id=purchase_invoice_id))


@router.get("/partners/{partner_id}/purchasing/payment-runs", response=list[PaymentRunOut])
def list_payment_runs(request: HttpRequest, partner_id: int) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    runs = payments.payment_runs_visible_to(request.user, partner=partner).select_related("partner")
    return [_run(request, run) for run in runs[:100]]


@router.post("/partners/{partner_id}/purchasing/payment-runs", response={201: PaymentRunOut})
def create_payment_run(request: HttpRequest, partner_id: int, body: PaymentRunIn) -> Status[dict[str, Any]]:
    """Pay the approved invoices due by ``due_by`` on ``payment_date``: one payment per supplier to
    its verified bank details; suppliers that cannot be paid are listed in ``held_back``."""
    partner = partner_for(request.user, partner_id=partner_id)
    run = payments.payment_run_create(
        actor=request.user, partner=partner, due_by=body.due_by, payment_date=body.payment_date
    )
    return Status(201, _run(request, payments.payment_run_for(request.user, payment_run_id=run.pk)))


@router.get("/purchasing/payment-runs/{payment_run_id}", response=PaymentRunOut)
def get_payment_run(request: HttpRequest, payment_run_id: int) -> dict[str, Any]:
    return _run(request, payments.payment_run_for(request.user, payment_run_id=payment_run_id))


@router.post("/purchasing/payment-runs/{payment_run_id}/approve", response=PaymentRunOut)
def approve_payment_run(request: HttpRequest, payment_run_id: int) -> dict[str, Any]:
    """Approve a draft run (not by the person who made it), releasing its BACS file."""
    run = payments.payment_run_for(request.user, payment_run_id=payment_run_id)
    payments.payment_run_approve(actor=request.user, run=run)
    return _run(request, payments.payment_run_for(request.user, payment_run_id=payment_run_id))


@router.post("/purchasing/payment-runs/{payment_run_id}/paid", response=PaymentRunOut)
def mark_payment_run_paid(request: HttpRequest, payment_run_id: int) -> dict[str, Any]:
    """The file has gone to the bank: mark the invoices paid and post the invoices and the payment."""
    run = payments.payment_run_for(request.user, payment_run_id=payment_run_id)
    payments.payment_run_mark_paid(actor=request.user, run=run)
    return _run(request, payments.payment_run_for(request.user, payment_run_id=payment_run_id))


@router.post("/purchasing/payment-runs/{payment_run_id}/cancel", response=PaymentRunOut)
def cancel_payment_run(request: HttpRequest, payment_run_id: int, body: PayablesReasonIn) -> dict[str, Any]:
    run = payments.payment_run_for(request.user, payment_run_id=payment_run_id)
    payments.payment_run_cancel(actor=request.user, run=run, reason=body.reason)
    return _run(request, payments.payment_run_for(request.user, payment_run_id=payment_run_id))


@router.get("/purchasing/payment-runs/{payment_run_id}/bacs.txt")
def get_payment_run_bacs(request: HttpRequest, payment_run_id: int) -> HttpResponse:
    """The approved run's BACS Standard 18 file (CRLF lines), for finance officers only."""
    run = payments.payment_run_for(request.user, payment_run_id=payment_run_id)
    text = payments.bacs_file(actor=request.user, run=run)
    return _download(text, "text/plain; charset=ascii", f"bacs-{run.reference}.txt")


@router.get("/purchasing/payments/{supplier_payment_id}/remittance.csv")
def get_remittance_csv(request: HttpRequest, supplier_payment_id: int) -> HttpResponse:
    payment = payments.payment_for(request.user, payment_id=supplier_payment_id)
    content = payments.remittance_csv(actor=request.user, payment=payment)
    return _download(content, "text/csv; charset=utf-8", f"remittance-{payment.pk}.csv")


@router.get("/purchasing/payments/{supplier_payment_id}/remittance.pdf")
def get_remittance_pdf(request: HttpRequest, supplier_payment_id: int) -> HttpResponse:
    payment = payments.payment_for(request.user, payment_id=supplier_payment_id)
    content = payments.remittance_pdf(actor=request.user, payment=payment)
    return _download(content, "application/pdf", f"remittance-{payment.pk}.pdf")
