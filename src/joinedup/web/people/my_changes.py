"""An employee's own changes from their record (/me): their address and contact details,
their bank details (which take effect only when an HR or payroll officer verifies them),
their leave history and cancelling a leave request that still waits for a decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.core.dates import people_date
from joinedup.people import selectors, services
from joinedup.people.models import Employment, Person
from joinedup.web.forms import attempt, bound, submit
from joinedup.web.people.record_forms import BankChangeForm, ContactForm


def _me(request: HttpRequest) -> Person:
    person: Person | None = getattr(request.user, "person", None)
    if person is None:
        raise Http404("Your sign-in is not linked to an employee record.")
    return person


def _paying_employment(request: HttpRequest, person: Person) -> Employment:
    """The employer who verifies a change the person asks for: that of their longest-standing
    current employment (any one of them pays into the same account)."""
    employments = sorted(
        selectors.employments_of(request.user, person), key=lambda e: (e.end_date is not None, e.pk)
    )
    if not employments:
        raise Http404("You have no employment.")
    return employments[0]


@login_required
def my_contact(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    initial = {name: getattr(person, name) for name in ContactForm.FIELDS}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        done = submit(
            form, lambda: services.person_update(actor=request.user, person=person, changes=changes)
        )
        if done is not None:
            messages.success(request, "Your address and contact details are saved.")
            return redirect("web:me")
    return render(request, "web/people/contact.html", {"form": form, "person": person, "back": "web:me"})


@login_required
def my_bank(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    employment = _paying_employment(request, person)
    form = bound(BankChangeForm, request)
    if request.method == "POST" and form.is_valid():
        change = submit(
            form,
            lambda: services.bank_change_request(
                actor=request.user, person=person, partner=employment.partner, **form.cleaned_data
            ),
        )
        if change is not None:
            messages.success(
                request,
                f"Change asked for. {employment.partner.name}'s HR or payroll team will check it with "
                "you before it takes effect; until then your pay goes to the account held.",
            )
            return redirect("web:me")
    context = {
        "form": form,
        "person": person,
        "own": True,
        "waiting": selectors.pending_bank_change(request.user, person),
    }
    return render(request, "web/people/bank_change.html", context)


@login_required
def my_leave(request: HttpRequest) -> HttpResponse:
    _me(request)
    absences = list(selectors.own_absences(request.user))
    return render(request, "web/people/my_leave.html", {"absences": absences})


@login_required
@require_POST
def cancel_leave(request: HttpRequest, absence_id: int) -> HttpResponse:
    absence = selectors.own_absence(request.user, absence_id=absence_id)
    if attempt(request, lambda: services.absence_cancel_own(actor=request.user, absence=absence)):
        messages.success(
            request,
            f"Your request for {people_date(absence.start_date)} to {people_date(absence.end_date)} "
            "is cancelled.",
        )
    return redirect("web:my_leave")
