"""People pages: search, a person's record, the establishment, dated changes, an employee's
own view with leave requests, and a manager's team with approvals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.audit.models import AuditEvent
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.people import selectors, services
from joinedup.people.models import AbsenceKind, Employment, PayPoint, PensionScheme
from joinedup.web.current import current_partner
from joinedup.web.exports import export_response


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    hits = selectors.people_search(request.user, q=q, limit=100) if q else []
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = [
            [
                h.person.full_name,
                h.person.ni_number,
                e.partner.code,
                e.payroll_number,
                e.start_date,
                e.end_date,
            ]
            for h in hits
            for e in h.employments
        ]
        header = ["name", "ni_number", "partner", "payroll_number", "start_date", "end_date"]
        return export_response(request.GET["format"], header, rows, f"people-{q or 'search'}")
    searchable = bool(partner_ids_with(request.user, "people.view"))
    return render(request, "web/people/search.html", {"q": q, "hits": hits, "searchable": searchable})


def _history(person_employments: list[Employment]) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for employment in person_employments:
        events += AuditEvent.objects.for_partner(employment.partner_id).filter(
            object_type="people.employment", object_id=str(employment.pk)
        )
    return sorted(events, key=lambda e: e.occurred_at, reverse=True)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(request.user, person_id=person_id)
    employments = list(selectors.employments_of(request.user, person).select_related("partner"))
    as_at = _parse_date(request.GET.get("as_at")) or timezone.localdate()
    rows = []
    for employment in employments:
        rows.append(
            {
                "employment": employment,
                "terms": selectors.terms_as_at(employment, as_at),
                "history": list(selectors.terms_history(employment)),
                "splits": list(selectors.cost_splits_of(employment)),
                "absences": list(employment.absences.for_partner(employment.partner_id)),
                "balance": selectors.leave_balance(employment, on=as_at),
                "can_change": has_permission(request.user, "people.change", employment.partner_id),
            }
        )
    return render(
        request,
        "web/people/person.html",
        {"person": person, "rows": rows, "as_at": as_at, "events": _history(employments)},
    )


@login_required
def establishment(request: HttpRequest) -> HttpResponse:
    partner = current_partner(request)
    if partner is None:
        raise Http404("You hold no role on any partner.")
    on = _parse_date(request.GET.get("on")) or timezone.localdate()
    lines = selectors.establishment(request.user, partner=partner, on=on)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = [
            [
                ln.post.code,
                ln.post.title,
                ln.post.org_unit.name,
                ln.post.cost_centre,
                ln.post.budgeted_fte,
                ln.filled_fte,
                ln.vacant_fte,
                ln.status,
            ]
            for ln in lines
        ]
        header = [
            "post",
            "title",
            "unit",
            "cost_centre",
            "budgeted_fte",
            "filled_fte",
            "vacant_fte",
            "status",
        ]
        return export_response(
            request.GET["format"], header, rows, f"establishment-{partner.code.lower()}-{on}"
        )
    totals = {
        "budgeted": sum((ln.post.budgeted_fte for ln in lines), start=0),
        "filled": sum((ln.filled_fte for ln in lines), start=0),
        "vacant_posts": sum(1 for ln in lines if ln.status == "vacant"),
    }
    return render(request, "web/people/establishment.html", {"lines": lines, "on": on, "totals": totals})


class TermsChangeForm(forms.Form):
    effective_from = forms.DateField(label="Takes effect on", help_text="For example, 2027-04-01")
    pay_point = forms.ModelChoiceField(queryset=PayPoint.objects.none(), label="Pay point")
    fte = forms.DecimalField(label="FTE", max_digits=5, decimal_places=4, min_value=0, max_value=1)
    weekly_hours = forms.DecimalField(label="Weekly hours", max_digits=5, decimal_places=2, min_value=0)
    pension_scheme = forms.ChoiceField(choices=PensionScheme.choices)
    reason = forms.CharField(max_length=200)
    override_reason = forms.CharField(
        max_length=500, required=False, label="Reason for overriding protected terms (only if they worsen)"
    )

    def __init__(self, *args: Any, scheme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = PayPoint.objects.filter(scheme_id=scheme_id).order_by("sort")
        self.fields["pay_point"].queryset = points  # type: ignore[attr-defined]


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
    form = TermsChangeForm(request.POST or None, initial=initial, scheme_id=current.scheme_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("pay_point", "fte", "weekly_hours", "pension_scheme")}
        try:
            services.employment_change_terms(
                actor=request.user,
                employment=employment,
                effective_from=data["effective_from"],
                reason=data["reason"],
                changes=changes,
                override_reason=data["override_reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Change from {data['effective_from']:%d %B %Y} recorded.")
            return redirect("web:person", person_id=employment.person_id)
    return render(
        request, "web/people/change_terms.html", {"form": form, "employment": employment, "current": current}
    )


class LeaveRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, v) for k, v in AbsenceKind.choices if k != AbsenceKind.SICKNESS])
    start_date = forms.DateField(help_text="For example, 2026-08-03")
    end_date = forms.DateField()
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "web/people/me.html", {"person": None})
    employments = [e for e in selectors.employments_of(request.user, person) if e.end_date is None]
    form = LeaveRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and employments:
        employment = next(
            (e for e in employments if str(e.pk) == request.POST.get("employment")), employments[0]
        )
        try:
            services.absence_request(actor=request.user, employment=employment, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
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
    try:
        services.absence_decide(
            actor=request.user, absence=absence, approve=request.POST.get("decision") == "approve"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Request {absence.get_status_display().lower()}.")
    return redirect("web:team")


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)
