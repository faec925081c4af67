"""Voluntary redundancy pages: the employee's own (/me/voluntary-redundancy: the windows open
to them, expressing interest, their indicative quote, withdrawing) and HR's list of the
expressions of interest in a window with a decision for each.

Each finds its object through a selector first (an employee's own, or the employer's HR), so
anyone else gets 404 before a form is read; the services decide who may do what."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.change import selectors, services
from joinedup.change.models import VrInterest
from joinedup.partnership.permissions import has_permission
from joinedup.web.change.forms import VrDecisionForm, VrDelegationForm, VrFactsForm, VrInterestForm
from joinedup.web.current import partner_page
from joinedup.web.forms import attempt, bound, submit


def _quote(user: Any, interest: VrInterest) -> selectors.VrQuote | None:
    try:
        return selectors.vr_full_quote_for(user, interest=interest)
    except (ValueError, ValidationError):
        # The quote needs terms and a pay rate on the day; a page still lists the interest.
        return None


@login_required
def my_vr(request: HttpRequest) -> HttpResponse:
    open_windows = selectors.open_vr_windows(request.user)
    form = VrInterestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        wanted = (request.POST.get("window"), request.POST.get("employment"))
        chosen = next((o for o in open_windows if (str(o.window.pk), str(o.employment.pk)) == wanted), None)
        if chosen is None:
            raise Http404("No such open window.")
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("web:my_vr")
        done = attempt(
            request,
            lambda: services.vr_interest_submit(
                actor=request.user,
                window=chosen.window,
                employment=chosen.employment,
                leaving_date=form.cleaned_data["leaving_date"],
            ),
        )
        if done is not None:
            messages.success(request, "Your interest in voluntary redundancy is sent to HR.")
        return redirect("web:my_vr")
    interests = [(i, _quote(request.user, i)) for i in selectors.own_vr_interests(request.user)]
    return render(
        request,
        "web/change/my_vr.html",
        {"open_windows": open_windows, "interests": interests, "form": VrInterestForm()},
    )


@login_required
@require_POST
def my_vr_withdraw(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    if attempt(request, lambda: services.vr_interest_withdraw(actor=request.user, interest=interest)):
        messages.success(request, "Your expression of interest is withdrawn.")
    return redirect("web:my_vr")


@login_required
def vr_window(request: HttpRequest, window_id: int) -> HttpResponse:
    window = selectors.vr_window_for(request.user, window_id=window_id)
    interests = [(i, _quote(request.user, i)) for i in selectors.vr_interests_of(request.user, window=window)]
    return render(
        request,
        "web/change/vr_window.html",
        {"window": window, "programme": window.programme, "interests": interests, "form": VrDecisionForm()},
    )


def _hr_interest(request: HttpRequest, interest_id: int) -> VrInterest:
    """The interest, for HR of its employer; 404 to anyone else (the employee included)."""
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    if not selectors.may(request.user, "change.view", [interest.partner_id]):
        raise Http404("No such expression of interest.")
    return interest


@login_required
def vr_interest(request: HttpRequest, interest_id: int) -> HttpResponse:
    """One expression of interest for HR: the whole quote with its notes, the facts it rests on,
    the decision, the letter, and confirming the leaving once accepted."""
    interest = _hr_interest(request, interest_id)
    facts = VrFactsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "contractual_notice_weeks": interest.contractual_notice_weeks,
            "pension_fund": interest.pension_fund,
            "annual_pension": interest.annual_pension,
            "pension_source": interest.pension_source,
        },
    )
    if request.method == "POST" and facts.is_valid():
        data = facts.cleaned_data
        done = attempt(
            request,
            lambda: services.vr_interest_record_facts(
                actor=request.user,
                interest=interest,
                contractual_notice_weeks=data["contractual_notice_weeks"],
                pension_fund=data["pension_fund"],
                annual_pension=data["annual_pension"],
                pension_source=data["pension_source"],
            ),
            denied=True,
        )
        if done is not None:
            messages.success(request, "The quote's facts are recorded.")
        return redirect("web:change_vr_interest", interest_id=interest.pk)
    return render(
        request,
        "web/change/vr_interest.html",
        {
            "interest": interest,
            "window": interest.window,
            "quote": _quote(request.user, interest),
            "facts": facts,
            "form": VrDecisionForm(),
        },
    )


@login_required
@require_POST
def vr_confirm_leaving(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = _hr_interest(request, interest_id)
    if attempt(
        request, lambda: services.vr_leaving_confirm(actor=request.user, interest=interest), denied=True
    ):
        messages.success(
            request, "Leaving confirmed: the employment ends and the final pay has the payments."
        )
    return redirect("web:change_vr_interest", interest_id=interest.pk)


@login_required
def vr_letter(request: HttpRequest, interest_id: int) -> HttpResponse:
    """The decision letter as PDF: the employee's own, or any of the employer's for its HR."""
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    try:
        filename, content = services.vr_letter(actor=request.user, interest=interest)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def vr_decide(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = _hr_interest(request, interest_id)
    form = VrDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: services.vr_interest_decide(
                actor=request.user, interest=interest, decision=data["decision"], reason=data["reason"]
            ),
            denied=True,
        )
        if done is not None:
            messages.success(request, f"Decision recorded: {done.get_status_display().lower()}.")
    return redirect("web:change_vr_window", window_id=interest.window_id)


# --- The partner's scheme of delegation for voluntary redundancy ----------------------------------


@login_required
def vr_delegations(request: HttpRequest) -> HttpResponse:
    """Who may accept voluntary redundancy at the current partner, and up to what cost: read by
    those who manage its change or its members, set and ended by those who manage its members
    (a delegation is a grant; the services decide)."""
    partner = partner_page(request)
    may_set = has_permission(request.user, "partnership.manage_members", partner)
    if not (may_set or has_permission(request.user, "change.view", partner)):
        raise PermissionDenied("Your roles at this partner do not include its scheme of delegation.")
    form = bound(VrDelegationForm, request, users=selectors.vr_delegation_candidates(partner))
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("Only those who manage the partner's members set its delegations.")
        if form.is_valid():
            data = form.cleaned_data
            row = submit(
                form,
                lambda: services.vr_delegation_set(
                    actor=request.user,
                    partner=partner,
                    user=data["user"],
                    title=data["title"],
                    up_to=data["up_to"],
                    source=data["source"],
                ),
            )
            if row is not None:
                messages.success(request, f"{row.user.get_username()} may accept exits as {row.title}.")
                return redirect("web:change_vr_delegations")
    return render(
        request,
        "web/change/vr_delegations.html",
        {
            "partner": partner,
            "delegations": list(selectors.vr_delegations_of(request.user, partner=partner)),
            "form": form,
            "may_set": may_set,
        },
    )


@login_required
@require_POST
def vr_delegation_end(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = selectors.vr_delegation_for(request.user, delegation_id=delegation_id)
    if attempt(
        request, lambda: services.vr_delegation_end(actor=request.user, delegation=delegation) or True
    ):
        messages.success(
            request, f"{delegation.user.get_username()} may no longer accept exits as {delegation.title}."
        )
    return redirect("web:change_vr_delegations")
