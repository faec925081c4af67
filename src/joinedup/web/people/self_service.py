"""An employee's own record with their leave requests, and a line manager's team with the
requests waiting for their decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.people import selectors, services
from joinedup.web.forms import attempt, bound, submit
from joinedup.web.people.forms import (
    LeaveRequestForm,
)


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "web/people/me.html", {"person": None})
    employments = [e for e in selectors.employments_of(request.user, person) if e.end_date is None]
    form = bound(LeaveRequestForm, request)
    if request.method == "POST" and form.is_valid():
        # Which of their employments the leave is from is the service's to check.
        chosen = request.POST.get("employment")
        done = submit(
            form,
            lambda: services.absence_request_own(
                actor=request.user, employment_id=chosen, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "Leave requested. Your manager has been asked to approve it.")
            return redirect("web:me")
    today = timezone.localdate()
    rows = [
        {
            "employment": e,
            "terms": selectors.terms_as_at(e, today),
            "balance": selectors.leave_balance(e, on=today),
            "absences": list(e.absences.for_partner(e.partner_id)),
        }
        for e in employments
    ]
    return render(request, "web/people/me.html", {"person": person, "rows": rows, "form": form})


@login_required
def my_team(request: HttpRequest) -> HttpResponse:
    team = selectors.team_of(request.user)
    pending = selectors.pending_requests_for_manager(request.user)
    return render(request, "web/people/team.html", {"team": team, "pending": pending})


@login_required
@require_POST
def decide_absence(request: HttpRequest, absence_id: int) -> HttpResponse:
    pending = {a.pk: a for a in selectors.pending_requests_for_manager(request.user)}
    absence = pending.get(absence_id) or selectors.absence_for(request.user, absence_id=absence_id)
    approve = request.POST.get("decision") == "approve"
    decided = attempt(
        request, lambda: services.absence_decide(actor=request.user, absence=absence, approve=approve)
    )
    if decided is not None:
        messages.success(request, f"Request {decided.get_status_display().lower()}.")
    return redirect("web:team")
