"""TUPE transfers: choosing the employments that move to a new employer, and a transfer's record."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core.dates import people_date
from joinedup.people import selectors, services
from joinedup.web.current import partner_page
from joinedup.web.forms import (
    bound,
    submit,
)
from joinedup.web.people.forms import (
    TransferForm,
)

TRANSFER_PAGE_SIZE = 100


@login_required
def transfer_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.change")
    q = request.GET.get("q", "").strip()
    unit_id = _parse_int(request.GET.get("unit"))
    units = list(selectors.org_units_for(request.user, partner=partner).order_by("name"))
    unit_id = unit_id if any(u.pk == unit_id for u in units) else None
    matching = selectors.transfer_candidates(
        request.user, partner=partner, payroll_prefix=q, org_unit_id=unit_id
    )
    form = bound(
        TransferForm,
        request,
        destinations=selectors.transfer_destinations(request.user, partner=partner),
        candidates=selectors.transfer_candidates(request.user, partner=partner),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(matching) if data["all_matching"] else list(data["employments"])
        result = submit(
            form,
            lambda: services.tupe_transfer(
                actor=request.user,
                from_partner=partner,
                to_partner=data["to_partner"],
                transfer_date=data["transfer_date"],
                reference=data["reference"],
                employments=chosen,
                measures=data["measures"],
            ),
        )
        if result is not None:
            moved = len(result.new_employments)
            messages.success(
                request,
                f"{moved} employment{'s' if moved != 1 else ''} transferred to {data['to_partner'].name} "
                f"on {people_date(data['transfer_date'])}.",
            )
            return redirect("web:transfer", transfer_id=result.transfer.pk)
    page = Paginator(matching, TRANSFER_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    posts = selectors.current_posts(shown)
    rows = [(e, posts.get(e.pk)) for e in shown]
    ticked = {str(v) for v in (form["employments"].value() or [])} if form.is_bound else set()
    context = {
        "form": form,
        "partner": partner,
        "q": q,
        "units": units,
        "unit_id": unit_id,
        "page": page,
        "rows": rows,
        "ticked": ticked,
        "filters": _query(q=q, unit=unit_id),
        "transfers": list(selectors.transfers_for(request.user, partner=partner)[:20]),
    }
    return render(request, "web/people/transfer_new.html", context)


@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.transfer_for(request.user, transfer_id=transfer_id)
    items = list(selectors.transfer_items(transfer))
    return render(request, "web/people/transfer.html", {"transfer": transfer, "items": items})


def _parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _query(**params: Any) -> str:
    """``q=abc&unit=3`` for the parameters that have a value (for links that keep a filter)."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})
