"""Purchasing pages: the current partner's requisitions and orders (with those waiting for the
reader's approval), the supplier register with the partner's own standing and notes, contacts
and bank details (entered by one person, verified by another by call-back), a requisition from
raising it to ordering, and an order with its receipts and its PDF.

A requisition or order is found through a selector first, so another partner's answers 404
before any form is read; a supplier is the partnership's, and its page shows the current
partner's standing only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.ledger.models import Account, AccountType, CostCentre
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.purchasing import budget, contracts, delegation, documents, order_services, selectors, services
from joinedup.purchasing.models import Contract, RequisitionStatus, Supplier, SupplierStatus
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.forms import attempt, submit
from joinedup.web.purchasing.forms import (
    BankChangeForm,
    ContactForm,
    ContractLinkForm,
    DecisionForm,
    LineForm,
    ReceiptForm,
    RejectForm,
    RequisitionForm,
    StatusForm,
    SupplierForm,
    VerifyForm,
)


def _posted(request: HttpRequest, name: str) -> Any:
    """The POST data when this page's form ``name`` was sent, else None (an unbound form)."""
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def contract_link_form(
    request: HttpRequest, linkable: list[Contract], current: int | None
) -> ContractLinkForm:
    """The form that links an invoice or order to one of ``linkable`` (sent as form "contract")."""
    return ContractLinkForm(
        _posted(request, "contract"),
        contracts=[(c.pk, f"{c.reference}: {c.title}") for c in linkable],
        initial={"contract": current},
    )


def chosen_contract(form: ContractLinkForm, linkable: list[Contract]) -> Contract | None:
    """The contract a valid link form chose (None: unlink); the choices were only ``linkable``."""
    return {c.pk: c for c in linkable}.get(form.cleaned_data["contract"])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    today = timezone.localdate()
    requisitions = list(selectors.requisitions_of(request.user, partner=partner)[:50])
    authority = delegation.authority_of(request.user, partner)
    waiting = [
        r
        for r in selectors.requisitions_of(request.user, partner=partner, status=RequisitionStatus.SUBMITTED)
        if authority is not None and r.requested_by_id != request.user.pk
    ]
    return render(
        request,
        "web/purchasing/home.html",
        {
            "partner": partner,
            "requisitions": requisitions,
            "orders": list(selectors.orders_of(request.user, partner=partner)[:50]),
            "waiting": waiting,
            "authority": authority,
            "may_requisition": has_permission(request.user, "purchasing.requisition", partner),
            "due_contracts": [
                (c, contracts.due_threshold(c, today))
                for c in contracts.contracts_visible_to(request.user, partner=partner, due_on=today)[:20]
            ],
            "may_invoice": has_permission(request.user, "purchasing.invoice", partner),
            "may_view_spend": has_permission(request.user, "purchasing.view_spend", partner),
        },
    )


# --- suppliers ----------------------------------------------------------------------------------------


class SupplierFilters(forms.Form):
    standing = listing.filter_choice(
        "Standing",
        [*SupplierStatus.choices, (selectors.NO_STANDING, "Not approved")],
        every="Every standing",
    )
    q = listing.filter_text("Name, company or VAT number")


SUPPLIER_SORTS = {
    "name": ("name", "pk"),
    "standing": ("standing", "name", "pk"),
}


@login_required
def suppliers(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    form = SupplierForm(_posted(request, "supplier"))
    if form.is_bound and form.is_valid():
        created = submit(
            form, lambda: services.supplier_create(actor=request.user, partner=partner, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, f"{created.name} registered and approved for {partner.name}.")
            return redirect("web:purchasing_supplier", supplier_id=created.pk)
    filters = SupplierFilters(request.GET)
    given = listing.chosen(filters)
    found = selectors.supplier_register(
        request.user, partner=partner, q=given.get("q", ""), standing=given.get("standing", "")
    )
    listed = listing.list_page(
        request,
        found,
        sorts=SUPPLIER_SORTS,
        default="name",
        form=filters,
        download=listing.Download(
            [
                "Supplier",
                "Company number",
                "VAT number",
                "Email",
                f"Standing for {partner.code}",
                "Reference",
                "Payment terms (days)",
            ],
            lambda s: [
                s.name,
                s.companies_house_number,
                s.vat_number,
                s.email,
                s.standing_label,
                s.reference or "",
                s.payment_terms_days,
            ],
            f"suppliers-{partner.code.lower()}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/purchasing/suppliers.html",
        {
            **listed.context(),
            "partner": partner,
            "form": form,
            "may_manage": has_permission(request.user, "purchasing.manage_suppliers", partner),
        },
    )


@login_required
def supplier(request: HttpRequest, supplier_id: int) -> HttpResponse:
    partner = partner_page(request, "purchasing.view")
    found: Supplier = selectors.supplier_for(request.user, supplier_id=supplier_id)
    standing = selectors.standing_of(request.user, partner=partner, supplier=found)
    contacts = selectors.contacts_of(found)
    changes = list(selectors.bank_changes_of(found))
    pending = next((c for c in changes if c.status == "pending"), None)
    status_form = StatusForm(
        _posted(request, "status"),
        initial={
            "status": standing.status if standing else "approved",
            "payment_terms_days": standing.payment_terms_days if standing else 30,
            "notes": standing.notes if standing else "",
        },
    )
    contact_form = ContactForm(_posted(request, "contact"))
    bank_form = BankChangeForm(_posted(request, "bank"))
    verify_form = VerifyForm(_posted(request, "verify"), contacts=contacts)
    reject_form = RejectForm(_posted(request, "reject"))
    done: object = None
    if status_form.is_bound and status_form.is_valid():
        done = submit(
            status_form,
            lambda: services.supplier_status_set(
                actor=request.user, partner=partner, supplier=found, **status_form.cleaned_data
            ),
        )
    elif contact_form.is_bound and contact_form.is_valid():
        done = submit(
            contact_form,
            lambda: services.supplier_contact_add(
                actor=request.user, partner=partner, supplier=found, **contact_form.cleaned_data
            ),
        )
    elif bank_form.is_bound and bank_form.is_valid():
        done = submit(
            bank_form,
            lambda: services.bank_change_enter(
                actor=request.user, partner=partner, supplier=found, **bank_form.cleaned_data
            ),
        )
    elif verify_form.is_bound and verify_form.is_valid() and pending is not None:
        done = submit(
            verify_form,
            lambda: services.bank_change_verify(
                actor=request.user,
                partner=partner,
                change=pending,
                contact=verify_form.cleaned_data["contact"],
                called_number=verify_form.cleaned_data["called_number"],
            ),
        )
    elif reject_form.is_bound and reject_form.is_valid() and pending is not None:
        done = submit(
            reject_form,
            lambda: services.bank_change_reject(
                actor=request.user, partner=partner, change=pending, note=reject_form.cleaned_data["note"]
            ),
        )
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("web:purchasing_supplier", supplier_id=found.pk)
    return render(
        request,
        "web/purchasing/supplier.html",
        {
            "partner": partner,
            "supplier": found,
            "standing": standing,
            "addresses": found.addresses.all(),
            "contacts": contacts,
            "current": selectors.current_bank_details(found),
            "changes": changes,
            "pending": pending,
            "status_form": status_form,
            "contact_form": contact_form,
            "bank_form": bank_form,
            "verify_form": verify_form,
            "reject_form": reject_form,
            "may_manage": has_permission(request.user, "purchasing.manage_suppliers", partner),
            "may_verify": has_permission(request.user, "purchasing.verify_bank_details", partner)
            and pending is not None
            and pending.entered_by_id != request.user.pk,
        },
    )


# --- requisitions ---------------------------------------------------------------------------------------


def _choices(partner: Any) -> dict[str, list[tuple[str, str]]]:
    centres = CostCentre.objects.for_partner(partner).filter(active=True).order_by("code")
    accounts = (
        Account.objects.for_partner(partner).filter(active=True, type=AccountType.EXPENSE).order_by("code")
    )
    return {
        "centres": [(c.code, f"{c.code} {c.name}") for c in centres],
        "accounts": [(a.code, f"{a.code} {a.name}") for a in accounts],
    }


def _line_in(partner: Any, data: dict[str, Any]) -> order_services.LineIn:
    return order_services.LineIn(
        description=data["description"],
        quantity=data["quantity"],
        unit_price=data["unit_price"],
        vat_rate=Decimal(data["vat_rate"]),
        cost_centre=CostCentre.objects.for_partner(partner).get(code=data["cost_centre"]),
        account=Account.objects.for_partner(partner).get(code=data["account"]),
    )


@login_required
def requisition_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.requisition")
    approved = selectors.standings(request.user, partner=partner)
    register = {s.pk: s for s in selectors.suppliers(request.user).filter(pk__in=list(approved))}
    choices = [(str(pk), s.name) for pk, s in sorted(register.items(), key=lambda x: x[1].name)]
    form = RequisitionForm(_posted(request, "requisition"), suppliers=choices, **_choices(partner))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = submit(
            form,
            lambda: order_services.requisition_create(
                actor=request.user,
                partner=partner,
                title=data["title"],
                supplier=register.get(int(data["supplier"])),
                needed_by=data["needed_by"],
                lines=[_line_in(partner, data)],
            ),
        )
        if created is not None:
            messages.success(request, f"Requisition {created.number} saved as a draft.")
            return redirect("web:purchasing_requisition", requisition_id=created.pk)
    return render(request, "web/purchasing/requisition_new.html", {"partner": partner, "form": form})


@login_required
def requisition(request: HttpRequest, requisition_id: int) -> HttpResponse:
    found = selectors.requisition_for(request.user, requisition_id=requisition_id)
    partner = found.partner
    line_form = LineForm(_posted(request, "line"), **_choices(partner))
    decision_form = DecisionForm(_posted(request, "decision"))
    action = request.POST.get("form", "") if request.method == "POST" else ""
    done: Any = None
    if action == "line" and line_form.is_valid():
        done = submit(
            line_form,
            lambda: order_services.requisition_add_line(
                actor=request.user, requisition=found, line=_line_in(partner, line_form.cleaned_data)
            ),
        )
    elif action == "submit":
        done = attempt(
            request, lambda: order_services.requisition_submit(actor=request.user, requisition=found)
        )
    elif action == "decision" and decision_form.is_valid():
        note = decision_form.cleaned_data["note"]
        if request.POST.get("decision") == "reject":
            done = attempt(
                request,
                lambda: order_services.requisition_reject(actor=request.user, requisition=found, note=note),
            )
        else:
            done = attempt(
                request,
                lambda: order_services.requisition_approve(actor=request.user, requisition=found, note=note),
            )
    elif action == "order":
        order = attempt(request, lambda: order_services.order_issue(actor=request.user, requisition=found))
        if order is not None:
            messages.success(request, f"Order {order.number} issued.")
            return redirect("web:purchasing_order", order_id=order.pk)
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("web:purchasing_requisition", requisition_id=found.pk)
    lines = list(selectors.requisition_lines(found))
    net, vat = order_services.totals(lines)
    check = None
    if found.status in (RequisitionStatus.DRAFT, RequisitionStatus.SUBMITTED):
        check = budget.check_requisition(found, on=timezone.localdate())
    return render(
        request,
        "web/purchasing/requisition.html",
        {
            "requisition": found,
            "lines": lines,
            "net": net,
            "vat": vat,
            "check": check,
            "line_form": line_form,
            "decision_form": decision_form,
            "covering": delegation.lowest_covering(partner, net),
            "mine": found.requested_by_id == request.user.pk,
            "may_approve": has_permission(request.user, "purchasing.approve", partner),
            "may_order": has_permission(request.user, "purchasing.order", partner),
        },
    )


# --- orders ----------------------------------------------------------------------------------------------


@login_required
def order(request: HttpRequest, order_id: int) -> HttpResponse:
    found = selectors.order_for(request.user, order_id=order_id)
    lines = list(selectors.order_lines(found))
    form = ReceiptForm(_posted(request, "receipt"), lines=lines)
    may_link = has_permission(request.user, "purchasing.order", found.partner)
    linkable = contracts.contracts_to_link(partner=found.partner_id, supplier_id=found.supplier_id)
    link_form = contract_link_form(request, linkable, found.contract_id)
    if link_form.is_bound:
        # 403 before the form is read, as the service would refuse it.
        authorise(request.user, "purchasing.order", found.partner)
        if link_form.is_valid():
            chosen = chosen_contract(link_form, linkable)
            linked = submit(
                link_form,
                lambda: contracts.order_set_contract(actor=request.user, order=found, contract=chosen),
            )
            if linked is not None:
                messages.success(
                    request,
                    f"Order {found.number} is under contract {chosen.reference}."
                    if chosen
                    else f"Order {found.number} is not under a contract.",
                )
                return redirect("web:purchasing_order", order_id=found.pk)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        given = [(line, data[f"line_{line.pk}"]) for line in lines if data.get(f"line_{line.pk}")]
        done = submit(
            form,
            lambda: order_services.receipt_record(
                actor=request.user,
                order=found,
                lines=given,
                received_on=data["received_on"],
                kind=data["kind"],
                reference=data["reference"],
            ),
        )
        if done is not None:
            messages.success(request, "Recorded.")
            return redirect("web:purchasing_order", order_id=found.pk)
    net, vat = order_services.totals(lines)
    received = order_services.received_quantities(found)
    return render(
        request,
        "web/purchasing/order.html",
        {
            "order": found,
            "rows": [(line, received.get(line.pk)) for line in lines],
            "net": net,
            "vat": vat,
            "receipts": selectors.receipts_of(found),
            "form": form,
            "link_form": link_form,
            "failed": form if form.errors else link_form if link_form.errors else None,
            "may_link": may_link,
            "may_receive": has_permission(request.user, "purchasing.receive", found.partner),
        },
    )


@login_required
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    found = selectors.order_for(request.user, order_id=order_id)
    response = HttpResponse(
        documents.order_pdf(found, list(selectors.order_lines(found))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{found.number}.pdf"'
    return response
