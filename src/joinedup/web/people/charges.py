"""Charges to the current partner for other partners' employees (cost split shares and
secondment recharges), for its HR and finance officers to approve or reject: each partner
decides for itself whether it bears another's cost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.people import selectors, services
from joinedup.people.models import ChargeStatus
from joinedup.web.current import current_partner
from joinedup.web.forms import attempt


@login_required
def charge_requests(request: HttpRequest) -> HttpResponse:
    partner = current_partner(request)
    if partner is None:
        raise Http404("No partner.")
    every = selectors.charge_requests_for(request.user, partner=partner, status=None)
    pending = [r for r in every if r.status == ChargeStatus.PENDING]
    decided = [r for r in every if r.status != ChargeStatus.PENDING]
    context = {"partner": partner, "pending": pending, "decided": decided}
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
