"""Changes to people, one form each: hire, terms, leaving, sickness, cost split, secondment.

Each form view parses with a form from forms.py, finds and authorises through a selector,
calls one service through ``submit`` (its refusals shown beside the fields) and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.partnership.permissions import has_permission
from joinedup.payroll.selectors import approved_pay_end
from joinedup.people import selectors, services
from joinedup.people.models import (
    Employment,
)
from joinedup.web.current import partner_page
from joinedup.web.forms import (
    bound,
    submit,
)
from joinedup.web.people.forms import (
    CostSplitForm,
    EndEmploymentForm,
    HireForm,
    SecondmentForm,
    SicknessForm,
    TermsChangeForm,
)


@login_required
def change_terms(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    if not has_permission(request.user, "people.change", employment.partner_id):
        raise PermissionDenied("You cannot change this employment.")
    current = selectors.terms_as_at(employment, timezone.localdate())
    if current is None:
        raise Http404("No terms in force today.")
    initial = {
        "pay_point": current.pay_point,
        "fte": current.fte,
        "weekly_hours": current.weekly_hours,
        "pension_scheme": current.pension_scheme,
    }
    form = bound(TermsChangeForm, request, initial=initial, scheme_id=current.scheme_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("pay_point", "fte", "weekly_hours", "pension_scheme")}
        done = submit(
            form,
            lambda: services.employment_change_terms(
                actor=request.user,
                employment=employment,
                effective_from=data["effective_from"],
                reason=data["reason"],
                changes=changes,
                override_reason=data["override_reason"],
            ),
        )
        if done is not None:
            messages.success(request, f"Change from {people_date(data['effective_from'])} recorded.")
            return redirect("web:person", person_id=employment.person_id)
    return render(
        request, "web/people/change_terms.html", {"form": form, "employment": employment, "current": current}
    )


@login_required
def hire(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.change")
    form = bound(HireForm, request, posts=selectors.posts_for(request.user, partner=partner))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.PersonDetails(
            **{name: data[name] for name in ("given_name", "family_name", "date_of_birth", "ni_number")},
            **{name: data[name] for name in ("postcode", "bank_sort_code", "bank_account_number")},
        )
        terms = services.Terms(
            **{
                name: data[name]
                for name in (
                    "contract_type",
                    "fte",
                    "weekly_hours",
                    "scheme",
                    "pay_point",
                    "tax_code",
                    "ni_category",
                    "student_loan_plans",
                    "pension_scheme",
                )
            }
        )
        employment = submit(
            form,
            lambda: services.employment_start(
                actor=request.user,
                partner=partner,
                person=details,
                payroll_number=data["payroll_number"],
                start_date=data["start_date"],
                terms=terms,
                continuous_service_date=data["continuous_service_date"],
                pay_frequency=data["pay_frequency"],
                post=data["post"],
            ),
        )
        if employment is not None:
            messages.success(
                request,
                f"{details.given_name} {details.family_name} starts with {partner.name} on "
                f"{people_date(employment.start_date)}, payroll number {employment.payroll_number}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    return render(request, "web/people/hire.html", {"form": form, "partner": partner})


@login_required
def end_employment(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    form = bound(EndEmploymentForm, request)
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.employment_end(
                actor=request.user,
                employment=employment,
                paid_to=approved_pay_end(employment),
                **form.cleaned_data,
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"{employment.person.full_name} leaves {employment.partner.name} on "
                f"{people_date(form.cleaned_data['end_date'])}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    return _employment_form(request, "web/people/end_employment.html", form, employment)


@login_required
def record_sickness(request: HttpRequest, employment_id: int) -> HttpResponse:
    # A line manager finds their reports through their team; whether they (or anyone else)
    # may record sickness is the service's decision.
    employment = selectors.employment_for_team_or_staff(request.user, employment_id=employment_id)
    form = bound(SicknessForm, request)
    if request.method == "POST" and form.is_valid():
        absence = submit(
            form,
            lambda: services.sickness_record(actor=request.user, employment=employment, **form.cleaned_data),
        )
        if absence is not None:
            messages.success(
                request,
                f"Sickness recorded for {employment.person.full_name}: "
                f"{people_date(absence.start_date)} to {people_date(absence.end_date)}.",
            )
            if has_permission(request.user, "people.view", employment.partner_id):
                return redirect("web:person", person_id=employment.person_id)
            return redirect("web:team")
    return _employment_form(request, "web/people/sickness.html", form, employment)


@login_required
def cost_split(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    initial = {"partner_1": employment.partner_id}
    form = bound(CostSplitForm, request, partners=selectors.active_partners(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            form,
            lambda: services.cost_split_set(
                actor=request.user,
                employment=employment,
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                shares=data["shares"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            shared = ", ".join(f"{p.code} {pc.normalize():f}%" for p, pc in data["shares"])
            messages.success(request, f"Cost of {employment.payroll_number} shared: {shared}.")
            return redirect("web:person", person_id=employment.person_id)
    splits = list(selectors.cost_splits_of(employment))
    return _employment_form(request, "web/people/cost_split.html", form, employment, splits=splits)


@login_required
def secondment(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    hosts = selectors.active_partners(excluding=employment.partner_id)
    form = bound(SecondmentForm, request, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        made = submit(
            form,
            lambda: services.secondment_create(
                actor=request.user, employment=employment, **form.cleaned_data
            ),
        )
        if made is not None:
            messages.success(
                request,
                f"{employment.person.full_name} is seconded to {made.host_partner.name} from "
                f"{people_date(made.start_date)} to {people_date(made.end_date)}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    secondments = list(selectors.secondments_of(employment))
    return _employment_form(request, "web/people/secondment.html", form, employment, secondments=secondments)


def _employment_form(
    request: HttpRequest, template: str, form: forms.Form, employment: Employment, **extra: Any
) -> HttpResponse:
    # A line manager without people.view goes back to their team, not to a record they cannot see.
    can_view_person = has_permission(request.user, "people.view", employment.partner_id)
    context = {"form": form, "employment": employment, "can_view_person": can_view_person, **extra}
    return render(request, template, context)
