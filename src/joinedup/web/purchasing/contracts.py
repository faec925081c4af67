"""Contracts register pages: the list (filters: a partner that lets or calls off, status, supplier,
ending before a date, due for renewal; sorted by end, value, reference or supplier; CSV and XLSX
of what is filtered), a contract with its spend against its value, extension options, call-off
partners and the renewal alerts sent, and the forms to enter, change, extend and end one.

A contract no partner of the reader's lets or calls off answers 404 before any form is read."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import has_permission
from joinedup.purchasing import contracts, selectors
from joinedup.purchasing.contracts import ExtensionIn
from joinedup.purchasing.models import Category, Contract, ContractStatus, Supplier
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.forms import attempt, date_field, submit
from joinedup.web.purchasing.forms import CallOffForm, ContractForm, EndContractForm, NewContractForm

EXPORT_HEADER = [
    "Reference",
    "Title",
    "Let by",
    "Supplier",
    "Category",
    "CPV code",
    "Value",
    "Start",
    "End",
    "Status",
    "Due for renewal (months)",
]


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _choices(partner: Partner, user: Any) -> dict[str, list[tuple[int, str]]]:
    owners = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(partner=partner).values("user_id"),
        )
        .order_by("username")
    )
    return {
        "suppliers": [(s.pk, s.name) for s in selectors.suppliers(user)[:500]],
        "categories": [(c.pk, str(c)) for c in Category.objects.filter(active=True).order_by("code")],
        "owners": [
            (u.pk, u.get_full_name() or u.get_username())
            for u in owners
            if has_permission(u, "purchasing.view", partner)
        ],
    }


def _partners() -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in Partner.objects.filter(active=True).order_by("name")]


class ContractFilters(forms.Form):
    partner = listing.filter_choice("Let or called off by", [], every="Any partner")
    status = listing.filter_choice("Status", ContractStatus.choices, every="Every status")
    supplier = listing.filter_choice("Supplier", [], every="Every supplier")
    ends_before = date_field("Ending before", required=False, what="date the contracts end before")
    # The purchasing home page links here with ?due=1.
    due = listing.filter_choice(
        "Renewal", [("1", "Due for renewal (6 months or less to its end)")], every="Due or not"
    )

    def __init__(self, data: Any, *, partners: list[tuple[int, str]], suppliers: list[tuple[int, str]]):
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["partner"]).choices = [("", "Any partner"), *partners]
        cast(forms.ChoiceField, self.fields["supplier"]).choices = [("", "Every supplier"), *suppliers]


CONTRACT_SORTS = {
    "end_date": ("end_date", "reference", "pk"),
    "reference": ("reference", "pk"),
    "supplier": ("supplier__name", "end_date", "pk"),
    "value": ("value", "end_date", "pk"),
}


def _narrow_contracts(rows: Any, given: dict[str, Any]) -> Any:
    if "supplier" in given:
        rows = rows.filter(supplier_id=int(given["supplier"]))
    if "ends_before" in given:
        rows = rows.filter(end_date__lt=given["ends_before"])
    return rows


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    current = partner_page(request, "purchasing.view")
    today = timezone.localdate()
    visible = contracts.contracts_visible_to(request.user)
    filters = ContractFilters(
        request.GET,
        partners=_partners(),
        suppliers=sorted(
            set(visible.values_list("supplier_id", "supplier__name")), key=lambda s: (s[1], s[0])
        ),
    )
    given = listing.chosen(filters)
    found = contracts.contracts_visible_to(
        request.user,
        partner=int(given["partner"]) if "partner" in given else None,
        status=given.get("status", ""),
        due_on=today if "due" in given else None,
    )
    listed = listing.list_page(
        request,
        found,
        sorts=CONTRACT_SORTS,
        default="end_date",
        form=filters,
        narrow=_narrow_contracts,
        download=listing.Download(
            EXPORT_HEADER,
            lambda c: [
                c.reference,
                c.title,
                c.partner.code,
                c.supplier.name,
                c.category.code,
                c.cpv_code,
                c.value,
                c.start_date,
                c.end_date,
                c.get_status_display(),
                contracts.due_threshold(c, today),
            ],
            "contracts",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/purchasing/contracts.html",
        {
            **listed.context(),
            "partner": current,
            "rows": [(c, contracts.due_threshold(c, today)) for c in listed.page],
            "may_manage": has_permission(request.user, "purchasing.contracts", current),
        },
    )


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "purchasing.contracts")
    form = NewContractForm(
        _posted(request, "contract"), partners=_partners(), **_choices(partner, request.user)
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = submit(
            form,
            lambda: contracts.contract_create(
                actor=request.user,
                partner=partner,
                reference=data["reference"],
                title=data["title"],
                supplier=Supplier.objects.filter(pk=data["supplier"]).first(),
                category=Category.objects.filter(pk=data["category"]).first(),
                cpv_code=data["cpv_code"],
                value=data["value"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                owner=get_user_model().objects.filter(pk=data["owner"]).first(),
                extensions=[ExtensionIn(months=m) for m in data["extension_months"]],
                call_off_partners=list(Partner.objects.filter(pk__in=data["call_off"])),
            ),
        )
        if created is not None:
            messages.success(request, f"Contract {created.reference} entered.")
            return redirect("web:purchasing_contract", contract_id=created.pk)
    return render(
        request, "web/purchasing/contract_form.html", {"partner": partner, "form": form, "contract": None}
    )


@login_required
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    found: Contract = contracts.contract_for_change(request.user, contract_id=contract_id)
    initial = {
        "title": found.title,
        "supplier": found.supplier_id,
        "category": found.category_id,
        "cpv_code": found.cpv_code,
        "value": found.value,
        "start_date": found.start_date,
        "end_date": found.original_end_date,
        "owner": found.owner_id,
    }
    form = ContractForm(
        _posted(request, "contract"), initial=initial, **_choices(found.partner, request.user)
    )
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        data["supplier"] = Supplier.objects.filter(pk=data["supplier"]).first()
        data["category"] = Category.objects.filter(pk=data["category"]).first()
        data["owner"] = get_user_model().objects.filter(pk=data["owner"]).first()
        done = submit(form, lambda: contracts.contract_edit(actor=request.user, contract=found, **data))
        if done is not None:
            messages.success(request, "Saved.")
            return redirect("web:purchasing_contract", contract_id=found.pk)
    return render(
        request,
        "web/purchasing/contract_form.html",
        {"partner": found.partner, "form": form, "contract": found},
    )


@login_required
def contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    found: Contract = contracts.contract_for(request.user, contract_id=contract_id)
    may_manage = has_permission(request.user, "purchasing.contracts", found.partner_id)
    callers = contracts.call_off_partners(found)
    end_form = EndContractForm(_posted(request, "end"))
    add_form = CallOffForm(
        _posted(request, "call_off"),
        partners=[
            (pk, name)
            for pk, name in _partners()
            if pk != found.partner_id and pk not in {p.pk for p in callers}
        ],
    )
    action = request.POST.get("form", "") if request.method == "POST" else ""
    done: Any = None
    if action:
        found = contracts.contract_for_change(request.user, contract_id=contract_id)
    if action == "extend":
        done = attempt(request, lambda: contracts.contract_take_extension(actor=request.user, contract=found))
    elif action == "remove_call_off":
        gone = Partner.objects.filter(pk=request.POST.get("partner", "0") or 0).first()
        if gone is not None:
            done = attempt(
                request,
                lambda: contracts.contract_remove_call_off(actor=request.user, contract=found, partner=gone),
            )
    elif action == "call_off" and add_form.is_valid():
        added = Partner.objects.get(pk=add_form.cleaned_data["partner"])
        done = submit(
            add_form,
            lambda: contracts.contract_add_call_off(actor=request.user, contract=found, partner=added),
        )
    elif action == "end" and end_form.is_valid():
        done = submit(
            end_form,
            lambda: contracts.contract_end(actor=request.user, contract=found, **end_form.cleaned_data),
        )
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("web:purchasing_contract", contract_id=found.pk)
    spend = contracts.contract_spend(found)
    names = {p.pk: p.name for p in [found.partner, *callers]}
    today = timezone.localdate()
    return render(
        request,
        "web/purchasing/contract.html",
        {
            "contract": found,
            "callers": callers,
            "extensions": contracts.extensions_of(found),
            "alerts": contracts.alerts_of(found),
            "spend": spend,
            "spend_rows": [(names.get(pid, pid), amount) for pid, amount in spend.by_partner.items()],
            "percent": (spend.total * 100 / found.value).quantize(1) if found.value else None,
            "due": contracts.due_threshold(found, today),
            "may_manage": may_manage and found.status == ContractStatus.LIVE,
            "end_form": end_form,
            "add_form": add_form,
        },
    )
