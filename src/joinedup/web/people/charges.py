"""Charges to the current partner for other partners' employees (cost split shares and
secondment recharges), for its HR and finance officers to approve or reject: each partner
decides for itself whether it bears another's cost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.people import selectors, services
from joinedup.people.models import ChargeStatus
from joinedup.people.selectors import ChargeRequest
from joinedup.web import listing
from joinedup.web.current import current_partner
from joinedup.web.forms import attempt

CHARGE_KINDS = {"cost_split": "Cost split share", "secondment": "Secondment recharge"}


class ChargeFilters(forms.Form):
    status = listing.filter_choice("Status", ChargeStatus.choices, every="Every status")
    kind = listing.filter_choice("Kind", CHARGE_KINDS.items(), every="Every kind")
    search = listing.filter_text("Employee", hint="Their name or payroll number")


# A charge is one of two kinds of record: (kind, id) is what is unique.
CHARGE_SORTS = {
    "starts": ("starts", "kind", "id"),
    "employee": ("person_name", "kind", "id"),
    "percent": ("percent", "kind", "id"),
    "status": ("status", "kind", "id"),
}
CHARGE_HEADER = [
    "kind",
    "employer",
    "charged",
    "payroll_number",
    "employee",
    "percent",
    "starts",
    "ends",
    "reason",
    "status",
]


def _charge_row(r: ChargeRequest) -> list[object]:
    return [
        r.kind,
        r.employer.code,
        r.charged.code,
        r.payroll_number,
        r.person_name,
        r.percent,
        r.starts,
        r.ends,
        r.reason,
        r.status,
    ]


def _narrowed(every: list[ChargeRequest], given: dict[str, Any]) -> list[ChargeRequest]:
    words = given.get("search", "").casefold().split()
    return [
        r
        for r in every
        if given.get("status", r.status) == r.status
        and given.get("kind", r.kind) == r.kind
        and all(w in r.person_name.casefold() or w == r.payroll_number.casefold() for w in words)
    ]


@login_required
def charge_requests(request: HttpRequest) -> HttpResponse:
    partner = current_partner(request)
    if partner is None:
        raise Http404("No partner.")
    every = selectors.charge_requests_for(request.user, partner=partner, status=None)
    filters = ChargeFilters(request.GET)
    listed = listing.rows_page(
        request,
        _narrowed(every, listing.chosen(filters)),
        sorts=CHARGE_SORTS,
        default="starts",
        descending=True,
        form=filters,
        download=listing.Download(CHARGE_HEADER, _charge_row, f"charges-{partner.code.lower()}"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    pending = [r for r in every if r.status == ChargeStatus.PENDING]
    context = {**listed.context(), "partner": partner, "pending": pending, "kinds": CHARGE_KINDS}
    return render(request, "web/people/charge_requests.html", context)


@login_required
@require_POST
def decide_charge(request: HttpRequest, charge_kind: str, request_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")
    done: object | None
    if charge_kind == "cost_split":
        share = selectors.cost_share_for(request.user, share_id=request_id)
        done = attempt(
            request,
            lambda: services.cost_share_decide(actor=request.user, share=share, approve=approve, note=note),
        )
    elif charge_kind == "secondment":
        secondment = selectors.secondment_to_decide(request.user, secondment_id=request_id)
        done = attempt(
            request,
            lambda: services.secondment_decide(
                actor=request.user, secondment=secondment, approve=approve, note=note
            ),
        )
    else:
        raise Http404("No such kind of charge.")
    if done is not None:
        messages.success(request, "Charge approved." if approve else "Charge rejected.")
    return redirect("web:charge_requests")
