"""Payables pages, for the payables clerk and the finance officer: the partner's invoices (listed,
filtered, searched, exported), an invoice entered on a form or many imported from a file, an
invoice with its lines, its three-way match and the tolerance it is matched within, its possible
duplicates and its history, with approval, release from the exceptions queue, cancellation and
credit notes; the exceptions queue; and payment runs (made, approved, marked paid, cancelled,
exported), with the BACS file and each supplier's remittance advice.

Every rule is a service's (``purchasing/invoices.py``, ``purchasing/payments.py``): the pages
parse, call and show what was refused. An invoice, run or payment is found through a selector
before any form is read, so another partner's answers 404; a member without the permission a
service asks for gets 403 and nothing changes. Downloads that carry bank details or payments are
``Cache-Control: no-store``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control

from joinedup.core import tabular
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.purchasing import contracts, delegation, payments, selectors
from joinedup.purchasing import invoices as invoicing
from joinedup.purchasing.models import Invoice, InvoiceKind, InvoiceStatus, PaymentRunStatus
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import UploadForm, attempt, date_field, refusal, submit
from joinedup.web.purchasing.forms import (
    InvoiceForm,
    NoteForm,
    PaymentRunForm,
    ReasonForm,
    slot_name,
)
from joinedup.web.purchasing.views import _choices, _posted, chosen_contract, contract_link_form

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")
_TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _no_store(response: HttpResponse) -> HttpResponse:
    """Bank details and payments are not kept by a browser or a proxy."""
    patch_cache_control(response, no_store=True)
    return response


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


class InvoiceFilters(forms.Form):
    # "status" is also the home page's tiles' key (workspaces.purchasing): each links here with it.
    status = listing.filter_choice("Status", InvoiceStatus.choices, every="Every status")
    q = listing.filter_text("Supplier or invoice number")


INVOICE_SORTS = {
    "invoice_date": ("invoice_date", "pk"),
    "number": ("number", "pk"),
    "supplier": ("supplier__name", "-invoice_date", "-pk"),
    "due_date": ("due_date", "-invoice_date", "-pk"),
    "gross": ("gross", "-invoice_date", "-pk"),
    "status": ("status", "-invoice_date", "-pk"),
}

INVOICE_DOWNLOAD_HEADER = [
    "Supplier",
    "Kind",
    "Number",
    "Invoice date",
    "Due date",
    "Order",
    "Net",
    "VAT",
    "Gross",
    "Status",
    "Reasons held",
]


def _invoice_cells(i: Invoice) -> list[object]:
    return [
        i.supplier.name,
        i.get_kind_display(),
        i.number,
        i.invoice_date,
        i.due_date,
        i.order.number if i.order is not None else "",
        i.net,
        i.vat,
        i.gross,
        i.get_status_display(),
        " ".join(e["reason"] for e in i.exceptions),
    ]


# --- invoices ------------------------------------------------------------------------------------------


@login_required
def invoices(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    filters = InvoiceFilters(request.GET)
    given = listing.chosen(filters)
    found = selectors.invoices_of(
        request.user, partner=partner, status=given.get("status", ""), q=given.get("q", "")
    )
    listed = listing.list_page(
        request,
        found,
        sorts=INVOICE_SORTS,
        default="invoice_date",
        descending=True,
        form=filters,
        download=listing.Download(
            INVOICE_DOWNLOAD_HEADER, _invoice_cells, f"invoices-{partner.code.lower()}"
        ),
        per_page=PAGE_SIZE,
    )
    if isinstance(listed, HttpResponse):
        return _no_store(listed)
    return render(
        request,
        "web/purchasing/invoices.html",
        {
            **listed.context(),
            "partner": partner,
            "may_invoice": has_permission(request.user, "purchasing.invoice", partner),
        },
    )


def _place_invoice_errors(form: InvoiceForm, used: list[int]) -> Any:
    """A service's errors beside the fields they name: ``lines.2.account`` is the account of the
    second line typed, wherever on the form it was typed."""

    def place(exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            parts = key.split(".")
            name = key
            if (
                parts[0] == "lines"
                and len(parts) == 3
                and parts[1].isdigit()
                and 0 < int(parts[1]) <= len(used)
            ):
                name = slot_name(used[int(parts[1]) - 1], parts[2])
            form.add_error(name if name in form.fields else None, errors)

    return place


@login_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.invoice")
    credits: Invoice | None = None
    credits_id = request.POST.get("credits") if request.method == "POST" else request.GET.get("credits")
    if credits_id:
        if not credits_id.isdigit():
            raise Http404("No such invoice.")
        credits = selectors.invoice_for(request.user, invoice_id=int(credits_id))
        if credits.partner_id != partner.pk or credits.kind != InvoiceKind.INVOICE:
            raise Http404("No such invoice.")
    standing = selectors.standings(request.user, partner=partner)
    register = {s.pk: s for s in selectors.suppliers(request.user).filter(pk__in=list(standing))}
    choices = [(str(pk), s.name) for pk, s in sorted(register.items(), key=lambda x: (x[1].name, x[0]))]
    initial: dict[str, Any] = {"kind": InvoiceKind.INVOICE}
    if credits is not None:
        initial = {
            "kind": InvoiceKind.CREDIT_NOTE,
            "supplier": str(credits.supplier_id),
            "order": credits.order.number if credits.order is not None else "",
        }
    form = InvoiceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        suppliers=choices,
        **_choices(partner),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        order = None
        if data["order"]:
            order = (
                selectors.orders_of(request.user, partner=partner)
                .filter(number__iexact=data["order"])
                .first()
            )
            if order is None:
                form.add_error("order", f"{partner.code} has no purchase order {data['order']}.")
        if not form.errors:
            used = form.used_slots()
            entries = [
                invoicing.LineEntry(
                    description=data[slot_name(slot, "description")],
                    quantity=data[slot_name(slot, "quantity")],
                    unit_price=data[slot_name(slot, "unit_price")],
                    vat_rate=Decimal(data[slot_name(slot, "vat_rate")]),
                    cost_centre=data[slot_name(slot, "cost_centre")] or "",
                    account=data[slot_name(slot, "account")] or "",
                    order_line=data[slot_name(slot, "order_line")],
                )
                for slot in used
            ]
            created = submit(
                form,
                lambda: invoicing.invoice_enter(
                    actor=request.user,
                    partner=partner,
                    supplier=register[int(data["supplier"])],
                    kind=data["kind"],
                    number=data["number"],
                    invoice_date=data["invoice_date"],
                    due_date=data["due_date"],
                    order=order,
                    credits=credits,
                    lines=entries,
                ),
                place=_place_invoice_errors(form, used),
            )
            if created is not None:
                messages.success(
                    request,
                    f"{created.get_kind_display()} {created.number} entered: "
                    f"{created.get_status_display().lower()}.",
                )
                return redirect("web:purchasing_invoice", purchase_invoice_id=created.pk)
    return render(
        request,
        "web/purchasing/invoice_new.html",
        {"partner": partner, "form": form, "credits": credits},
    )


@login_required
def invoice_import(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.invoice")
    sent = request.method == "POST"
    form = UploadForm(request.POST if sent else None, request.FILES if sent else None)
    result = None
    if sent and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "upload"
        result = invoicing.invoices_import(
            actor=request.user, partner=partner, source=upload.read(), filename=name
        )
        if result.ok:
            messages.success(
                request,
                f"{len(result.invoices)} invoice(s) entered from {name}; "
                f"{result.exceptions} went to the exceptions queue.",
            )
            return redirect("web:purchasing_invoices")
    return render(
        request,
        "web/purchasing/invoice_import.html",
        {"form": form, "partner": partner, "result": result, "columns": invoicing.INVOICE_COLUMNS.columns},
    )


@login_required
def invoice_template(request: HttpRequest, fmt: str) -> HttpResponse:
    partner_page(request, "purchasing.invoice")
    if fmt not in _TEMPLATE_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(
        tabular.template(invoicing.INVOICE_COLUMNS, fmt), content_type=_TEMPLATE_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="invoices-template.{fmt}"'
    return response


@login_required
def invoice(request: HttpRequest, purchase_invoice_id: int) -> HttpResponse:
    found = selectors.invoice_for(request.user, invoice_id=purchase_invoice_id)
    partner = found.partner
    note_form = NoteForm(_posted(request, "approve"))
    reason_form = ReasonForm(_posted(request, "cancel"))
    # An order's invoice follows its order's contract; only one without an order is linked itself.
    linkable = (
        contracts.contracts_to_link(partner=partner, supplier_id=found.supplier_id)
        if found.order_id is None
        else []
    )
    link_form = contract_link_form(request, linkable, found.contract_id)
    # 403 before the form is read, as the service would refuse it.
    if note_form.is_bound:
        authorise(request.user, "purchasing.approve", partner)
    elif reason_form.is_bound or link_form.is_bound:
        authorise(request.user, "purchasing.invoice", partner)
    if link_form.is_bound and link_form.is_valid():
        chosen = chosen_contract(link_form, linkable)
        linked = submit(
            link_form,
            lambda: contracts.invoice_set_contract(actor=request.user, invoice=found, contract=chosen),
        )
        if linked is not None:
            messages.success(
                request,
                f"{found.get_kind_display()} {found.number} is under contract {chosen.reference}."
                if chosen
                else f"{found.get_kind_display()} {found.number} is not under a contract.",
            )
            return redirect("web:purchasing_invoice", purchase_invoice_id=found.pk)
    done: Any = None
    if note_form.is_bound and note_form.is_valid():
        done = submit(
            note_form,
            lambda: invoicing.invoice_approve(
                actor=request.user, invoice=found, note=note_form.cleaned_data["note"]
            ),
        )
    elif reason_form.is_bound and reason_form.is_valid():
        done = submit(
            reason_form,
            lambda: invoicing.invoice_cancel(
                actor=request.user, invoice=found, reason=reason_form.cleaned_data["reason"]
            ),
        )
    if done is not None:
        messages.success(
            request, f"{done.get_kind_display()} {done.number}: {done.get_status_display().lower()}."
        )
        if request.POST.get("next") == "exceptions":
            return redirect("web:purchasing_exceptions")
        return redirect("web:purchasing_invoice", purchase_invoice_id=found.pk)
    lines = list(selectors.invoice_lines(found))
    decidable = found.status in (InvoiceStatus.AWAITING_APPROVAL, InvoiceStatus.EXCEPTION)
    return render(
        request,
        "web/purchasing/invoice.html",
        {
            "invoice": found,
            "partner": partner,
            "lines": lines,
            "match": selectors.invoice_match(found, lines),
            "duplicates": [e for e in found.exceptions if str(e.get("kind", "")).startswith("duplicate_")],
            "discrepancies": [
                e for e in found.exceptions if not str(e.get("kind", "")).startswith("duplicate_")
            ],
            "credit_notes": list(selectors.credit_notes_of(found)),
            "history": selectors.history_of(request.user, found),
            "note_form": note_form,
            "reason_form": reason_form,
            "link_form": link_form,
            "failed": next((f for f in (note_form, reason_form, link_form) if f.errors), None),
            "may_link": found.order_id is None
            and has_permission(request.user, "purchasing.invoice", partner),
            "authority": delegation.authority_of(request.user, partner) if decidable else None,
            "may_approve": decidable
            and has_permission(request.user, "purchasing.approve", partner)
            and found.entered_by_id != request.user.pk,
            "may_cancel": found.status in invoicing.OPEN_STATUSES
            and has_permission(request.user, "purchasing.invoice", partner),
            "may_credit": found.kind == InvoiceKind.INVOICE
            and found.status != InvoiceStatus.CANCELLED
            and has_permission(request.user, "purchasing.invoice", partner),
        },
    )


class ExceptionFilters(forms.Form):
    q = listing.filter_text("Supplier or invoice number")
    order = listing.filter_choice(
        "Order", [("with", "Against an order"), ("without", "Without an order")], every="With or without"
    )


# Oldest first by default: the queue is worked in the order invoices arrived.
EXCEPTION_SORTS = {
    "received_date": ("received_date", "pk"),
    "supplier": ("supplier__name", "received_date", "pk"),
    "gross": ("gross", "received_date", "pk"),
}


def _narrow_exceptions(rows: Any, given: dict[str, Any]) -> Any:
    rows = selectors.search_invoices(rows, given.get("q", ""))
    if "order" in given:
        rows = rows.filter(order__isnull=given["order"] == "without")
    return rows


@login_required
def exceptions(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    listed = listing.list_page(
        request,
        invoicing.exceptions_queue(request.user, partner=partner).select_related("supplier", "order"),
        sorts=EXCEPTION_SORTS,
        default="received_date",
        form=ExceptionFilters(request.GET),
        narrow=_narrow_exceptions,
        download=listing.Download(
            ["Supplier", "Number", "Order", "Received", "Invoice date", "Due date", "Gross", "Reasons held"],
            lambda i: [
                i.supplier.name,
                i.number,
                i.order.number if i.order is not None else "",
                i.received_date,
                i.invoice_date,
                i.due_date,
                i.gross,
                " ".join(e["reason"] for e in i.exceptions),
            ],
            f"exceptions-{partner.code.lower()}",
        ),
        per_page=PAGE_SIZE,
    )
    if isinstance(listed, HttpResponse):
        return _no_store(listed)
    return render(
        request,
        "web/purchasing/exceptions.html",
        {
            **listed.context(),
            "partner": partner,
            "may_approve": has_permission(request.user, "purchasing.approve", partner),
            "may_cancel": has_permission(request.user, "purchasing.invoice", partner),
        },
    )


# --- payment runs --------------------------------------------------------------------------------------


class PaymentRunFilters(forms.Form):
    status = listing.filter_choice("Status", PaymentRunStatus.choices, every="Every status")
    paid_from = date_field("Payment date from", required=False, what="first payment date")
    paid_to = date_field("Payment date to", required=False, what="last payment date")


PAYMENT_RUN_SORTS = {
    "payment_date": ("payment_date", "pk"),
    "reference": ("reference", "pk"),
    "total": ("total", "-payment_date", "-pk"),
    "status": ("status", "-payment_date", "-pk"),
}


def _narrow_payment_runs(rows: Any, given: dict[str, Any]) -> Any:
    if "status" in given:
        rows = rows.filter(status=given["status"])
    if "paid_from" in given:
        rows = rows.filter(payment_date__gte=given["paid_from"])
    if "paid_to" in given:
        rows = rows.filter(payment_date__lte=given["paid_to"])
    return rows


@login_required
def payment_runs(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    form = PaymentRunForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        authorise(request.user, "purchasing.pay", partner)  # 403 before the form is read
        if form.is_valid():
            run = submit(
                form,
                lambda: payments.payment_run_create(
                    actor=request.user,
                    partner=partner,
                    due_by=form.cleaned_data["due_by"],
                    payment_date=form.cleaned_data["payment_date"],
                ),
            )
            if run is not None:
                messages.success(request, f"Payment run {run.reference} made: £{run.total:,} to pay.")
                return redirect("web:purchasing_payment_run", payment_run_id=run.pk)
    listed = listing.list_page(
        request,
        selectors.payment_runs_of(request.user, partner=partner),
        sorts=PAYMENT_RUN_SORTS,
        default="payment_date",
        descending=True,
        form=PaymentRunFilters(request.GET),
        narrow=_narrow_payment_runs,
        download=listing.Download(
            ["Reference", "Invoices due by", "Payment date", "Total", "Status", "Made by"],
            lambda r: [
                r.reference,
                r.due_by,
                r.payment_date,
                r.total,
                r.get_status_display(),
                r.created_by.get_full_name() or r.created_by.get_username(),
            ],
            f"payment-runs-{partner.code.lower()}",
        ),
        per_page=PAGE_SIZE,
    )
    if isinstance(listed, HttpResponse):
        return _no_store(listed)
    return render(
        request,
        "web/purchasing/payment_runs.html",
        {
            **listed.context(),
            "partner": partner,
            "form": form,
            "may_pay": has_permission(request.user, "purchasing.pay", partner),
        },
    )


@login_required
def payment_run(request: HttpRequest, payment_run_id: int) -> HttpResponse:
    run = selectors.payment_run_for(request.user, payment_run_id=payment_run_id)
    reason_form = ReasonForm(_posted(request, "cancel"))
    action = request.POST.get("form", "") if request.method == "POST" else ""
    if action:
        authorise(request.user, "purchasing.pay", run.partner_id)  # 403 before the form is read
    done: Any = None
    if action == "approve":
        done = attempt(request, lambda: payments.payment_run_approve(actor=request.user, run=run))
    elif action == "paid":
        done = attempt(request, lambda: payments.payment_run_mark_paid(actor=request.user, run=run))
    elif action == "cancel" and reason_form.is_valid():
        done = submit(
            reason_form,
            lambda: payments.payment_run_cancel(
                actor=request.user, run=run, reason=reason_form.cleaned_data["reason"]
            ),
        )
    if done is not None:
        messages.success(request, f"Payment run {done.reference}: {done.get_status_display().lower()}.")
    if action and not reason_form.errors:
        return redirect("web:purchasing_payment_run", payment_run_id=run.pk)
    paid = list(selectors.payments_in(run))
    included = list(selectors.invoices_in(run))
    by_payment: dict[int, list[Invoice]] = defaultdict(list)
    for item in included:
        if item.payment_id is not None:
            by_payment[item.payment_id].append(item)
    may_pay = has_permission(request.user, "purchasing.pay", run.partner)
    return render(
        request,
        "web/purchasing/payment_run.html",
        {
            "run": run,
            "partner": run.partner,
            "rows": [(p, by_payment.get(p.pk, [])) for p in paid],
            "invoice_count": len(included),
            "held_back": run.held_back,
            "journals": payments.journals_of(run),
            "history": selectors.history_of(request.user, run),
            "reason_form": reason_form,
            "may_pay": may_pay,
            "may_approve": may_pay
            and run.status == PaymentRunStatus.DRAFT
            and run.created_by_id != request.user.pk,
            "may_mark_paid": may_pay and run.status == PaymentRunStatus.APPROVED,
            "may_cancel": may_pay and run.status in (PaymentRunStatus.DRAFT, PaymentRunStatus.APPROVED),
            "bacs_ready": may_pay and run.status in (PaymentRunStatus.APPROVED, PaymentRunStatus.PAID),
        },
    )


@login_required
def payment_run_export(request: HttpRequest, payment_run_id: int, fmt: str) -> HttpResponse:
    run = selectors.payment_run_for(request.user, payment_run_id=payment_run_id)
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such format.")
    header = ["Supplier", "Payment reference", "Kind", "Number", "Invoice date", "Due date", "Amount"]
    rows = (
        [
            i.supplier.name,
            i.payment.reference if i.payment is not None else "",
            i.get_kind_display(),
            i.number,
            i.invoice_date,
            i.due_date,
            selectors.signed_gross(i),
        ]
        for i in selectors.invoices_in(run)
    )
    return _no_store(export_response(fmt, header, rows, f"payment-run-{run.reference}"))


@login_required
def payment_run_bacs(request: HttpRequest, payment_run_id: int) -> HttpResponse:
    run = selectors.payment_run_for(request.user, payment_run_id=payment_run_id)
    try:
        text = payments.bacs_file(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("web:purchasing_payment_run", payment_run_id=run.pk)
    return _download(text, "text/plain; charset=ascii", f"bacs-{run.reference}.txt")


@login_required
def remittance(request: HttpRequest, supplier_payment_id: int, fmt: str) -> HttpResponse:
    payment = selectors.payment_for(request.user, payment_id=supplier_payment_id)
    if fmt == "csv":
        return _download(
            payments.remittance_csv(actor=request.user, payment=payment),
            "text/csv; charset=utf-8",
            f"remittance-{payment.pk}.csv",
        )
    if fmt == "pdf":
        return _download(
            payments.remittance_pdf(actor=request.user, payment=payment),
            "application/pdf",
            f"remittance-{payment.pk}.pdf",
        )
    raise Http404("No such format.")
