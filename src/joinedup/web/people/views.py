"""People pages: search, a person's record, the establishment, dated changes, an employee's
own view with leave requests, a manager's team with approvals, and a form for each change to
people (hire, leave, sickness, cost split, secondment, TUPE transfer) and the spreadsheet import.

Each form view parses with a Django form, finds and authorises through a selector (404 for
another partner's object, 403 without the right), calls one service and renders; the rules are
the services'."""

from __future__ import annotations

import base64
import json
import re
import zlib
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.audit.models import AuditEvent
from joinedup.core import tabular
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.partnership.selectors import partner_for
from joinedup.people import imports, selectors, services
from joinedup.people.models import (
    AbsenceKind,
    ContractType,
    Employment,
    PayFrequency,
    PayPoint,
    PensionScheme,
    Post,
    TermsScheme,
)
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
    context = {"q": q, "hits": hits, "searchable": searchable, "can_change": _can_change_here(request)}
    return render(request, "web/people/search.html", context)


def _can_change_here(request: HttpRequest) -> bool:
    """Whether to offer the change forms (hire, import, transfer) for the current partner."""
    partner = current_partner(request)
    return partner is not None and has_permission(request.user, "people.change", partner)


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
    context = {"lines": lines, "on": on, "totals": totals, "can_change": _can_change_here(request)}
    return render(request, "web/people/establishment.html", context)


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


# --- fields in GOV.UK style: a label, a hint and errors that say what to do -------------------

DATE_EXAMPLE = "2026-04-01"


def _what(label: str) -> str:
    """The words an error message uses for a field: 'Start date (optional)' is 'start date',
    but 'National Insurance number' and 'FTE' keep their capitals."""
    text = label.removesuffix(" (optional)")
    words = text.split()
    keep = text.isupper() or (len(words) > 1 and words[1][:1].isupper())
    return text if keep else text[0].lower() + text[1:]


def _date(label: str, *, required: bool = True, hint: str = "", what: str = "") -> forms.DateField:
    """A date typed as YYYY-MM-DD, and only that: 01/04/2026 is ambiguous."""
    what = what or _what(label)
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint or f"For example, {DATE_EXAMPLE}",
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter the {what} as a date, year first, like {DATE_EXAMPLE}.",
        },
    )


def _text(
    label: str, *, max_length: int, required: bool = True, hint: str = "", **kwargs: Any
) -> forms.CharField:
    """Text, stripped of surrounding spaces; what it must look like is the service's rule."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        error_messages={
            "required": f"Enter the {_what(label)}.",
            "max_length": f"The {_what(label)} must be {max_length} characters or fewer.",
        },
        **kwargs,
    )


def _notes(label: str, *, hint: str = "", max_length: int = 2000) -> forms.CharField:
    return _text(label, max_length=max_length, required=False, hint=hint, widget=forms.Textarea)


def _number(
    label: str,
    *,
    max_digits: int,
    places: int,
    example: str,
    required: bool = True,
    hint: str = "",
    what: str = "",
) -> forms.DecimalField:
    what = what or _what(label)
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=places,
        required=required,
        help_text=hint,
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter the {what} as a number, like {example}.",
            "max_digits": f"The {what} has too many digits.",
            "max_whole_digits": f"The {what} is too large.",
            "max_decimal_places": f"The {what} can have at most {places} decimal places.",
        },
    )


def _choice(label: str, choices: Any, *, hint: str = "", what: str = "") -> forms.ChoiceField:
    what = what or _what(label)
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=hint,
        error_messages={
            "required": f"Choose the {what}.",
            "invalid_choice": f"Choose the {what} from the list.",
        },
    )


class _ModelChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of model rows, each labelled by ``labeller(row)`` when given, else by ``str(row)``."""

    def __init__(
        self,
        queryset: Any,
        *,
        label: str,
        required: bool = True,
        empty: str = "",
        labeller: Any = None,
        **kw: Any,
    ) -> None:
        what = _what(label)
        self.labeller = labeller
        super().__init__(
            queryset,
            label=label,
            required=required,
            empty_label=empty or ("None" if not required else f"Choose the {what}"),
            error_messages={
                "required": f"Choose the {what}.",
                "invalid_choice": f"Choose the {what} from the list.",
            },
            **kw,
        )

    def label_from_instance(self, obj: Any) -> str:
        return str(self.labeller(obj)) if self.labeller else str(obj)


class _GovukForm(forms.Form):
    """A form whose fields are shown in titled groups (``sections``: legend, field names)."""

    sections: ClassVar[list[tuple[str, list[str]]]] = []

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.sections]


def _bound(form_class: type[forms.Form], request: HttpRequest, **kwargs: Any) -> Any:
    """The form bound to the POST (even an empty one, so that it reports what is missing)."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


# --- hire -------------------------------------------------------------------------------------


class HireForm(_GovukForm):
    sections = [
        ("The person", ["given_name", "family_name", "date_of_birth", "ni_number", "postcode"]),
        ("Bank account for their pay", ["bank_sort_code", "bank_account_number"]),
        (
            "The employment",
            ["payroll_number", "start_date", "continuous_service_date", "contract_type", "post"],
        ),
        (
            "Pay, pension and tax",
            [
                "scheme",
                "pay_point",
                "fte",
                "weekly_hours",
                "pay_frequency",
                "pension_scheme",
                "tax_code",
                "ni_category",
                "student_loan_plans",
            ],
        ),
    ]

    given_name = _text("Given name", max_length=100)
    family_name = _text("Family name", max_length=100)
    date_of_birth = _date("Date of birth", hint="For example, 1988-02-29")
    ni_number = _text("National Insurance number", max_length=20, hint="For example, QQ 12 34 56 C")
    postcode = _text("Postcode (optional)", max_length=10, required=False)
    bank_sort_code = _text(
        "Sort code (optional)", max_length=10, required=False, hint="6 digits, like 20-00-00"
    )
    bank_account_number = _text(
        "Account number (optional)", max_length=12, required=False, hint="6 to 8 digits"
    )
    payroll_number = _text("Payroll number", max_length=20, hint="For example, WCC001234")
    start_date = _date("Start date")
    continuous_service_date = _date(
        "Continuous service from (optional)",
        required=False,
        hint="Only if it is earlier than the start date (service with another public body, say)",
        what="continuous service date",
    )
    contract_type = _choice("Contract type", ContractType.choices)
    scheme = _ModelChoice(TermsScheme.objects.order_by("name"), label="Terms and conditions")
    pay_point = _ModelChoice(
        PayPoint.objects.select_related("scheme").order_by("scheme__name", "sort"),
        label="Pay point",
        labeller=lambda p: f"{p.scheme.name} / {p.code}",
    )
    fte = _number("FTE", max_digits=5, places=4, example="0.5", hint="1 for full time, 0.5 for half time")
    weekly_hours = _number("Weekly hours", max_digits=5, places=2, example="37")
    pay_frequency = _choice("Paid", PayFrequency.choices, what="pay frequency")
    pension_scheme = _choice("Pension scheme", PensionScheme.choices)
    tax_code = _text("Tax code", max_length=10, hint="From their P45 or starter checklist, like 1257L")
    ni_category = _text("National Insurance category letter", max_length=2, hint="Usually A")
    student_loan_plans = _text(
        "Student loan plans (optional)", max_length=20, required=False, hint="Separated by ;, like 2;PG"
    )

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "contract_type": ContractType.PERMANENT,
                "pay_frequency": PayFrequency.MONTHLY,
                "tax_code": "1257L",
                "ni_category": "A",
                "fte": "1",
            },
        )
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["post"] = _ModelChoice(
            posts.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).order_by("code"),
            label="Post (optional)",
            required=False,
            empty="No post",
        )


@login_required
def hire(request: HttpRequest) -> HttpResponse:
    partner = selectors.partner_to_change(request.user, partner=current_partner(request))
    form = _bound(HireForm, request, posts=selectors.posts_for(request.user, partner=partner))
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
        try:
            employment = services.employment_start(
                actor=request.user,
                partner=partner,
                person=details,
                payroll_number=data["payroll_number"],
                start_date=data["start_date"],
                terms=terms,
                continuous_service_date=data["continuous_service_date"],
                pay_frequency=data["pay_frequency"],
                post=data["post"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{details.given_name} {details.family_name} starts with {partner.name} on "
                f"{employment.start_date:%-d %B %Y}, payroll number {employment.payroll_number}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    return render(request, "web/people/hire.html", {"form": form, "partner": partner})


# --- leaving, sickness, cost split, secondment -------------------------------------------------


class EndEmploymentForm(_GovukForm):
    end_date = _date("Last day of employment")
    reason = _text(
        "Reason for leaving", max_length=200, hint="For example, resignation, retirement, end of fixed term"
    )


@login_required
def end_employment(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    form = _bound(EndEmploymentForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(actor=request.user, employment=employment, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{employment.person.full_name} leaves {employment.partner.name} on "
                f"{form.cleaned_data['end_date']:%-d %B %Y}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    return _employment_form(request, "web/people/end_employment.html", form, employment)


class SicknessForm(_GovukForm):
    start_date = _date("First day of sickness")
    end_date = _date(
        "Last day of sickness", hint="If they are still off, the day they expect to return to work"
    )
    fit_note_from = _date("Fit note from (optional)", required=False, what="first day of the fit note")
    fit_note_to = _date("Fit note to (optional)", required=False, what="last day of the fit note")
    notes = _notes("Notes (optional)", hint="Only what HR needs. Notes are kept out of the audit trail.")


@login_required
def record_sickness(request: HttpRequest, employment_id: int) -> HttpResponse:
    # A line manager finds their reports through their team; whether they (or anyone else)
    # may record sickness is the service's decision.
    employment = selectors.employment_for_team_or_staff(request.user, employment_id=employment_id)
    form = _bound(SicknessForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.sickness_record(actor=request.user, employment=employment, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Sickness recorded for {employment.person.full_name}: "
                f"{absence.start_date:%-d %B %Y} to {absence.end_date:%-d %B %Y}.",
            )
            if has_permission(request.user, "people.view", employment.partner_id):
                return redirect("web:person", person_id=employment.person_id)
            return redirect("web:team")
    return _employment_form(request, "web/people/sickness.html", form, employment)


COST_SHARE_ROWS = 4


class CostSplitForm(_GovukForm):
    effective_from = _date("Shared from", what="date the sharing starts")
    effective_to = _date(
        "Shared until (optional)",
        required=False,
        hint="The last day; leave blank if there is no end date yet",
        what="last day of the sharing",
    )
    reason = _text(
        "Reason", max_length=200, hint="For example, joint chief executive agreed by both cabinets"
    )
    # Where the service's errors about the shares as a whole go (it answers on "shares").
    shares = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, COST_SHARE_ROWS + 1):
            self.fields[f"partner_{n}"] = _ModelChoice(
                partners, label=f"Partner {n}", required=False, empty="None"
            )
            self.fields[f"percent_{n}"] = _number(
                f"Share {n} (%)",
                max_digits=6,
                places=3,
                example="50",
                required=False,
                what=f"percentage for share {n}",
            )

    def share_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"partner_{n}"], self[f"percent_{n}"]) for n in range(1, COST_SHARE_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shares: list[tuple[Partner, Decimal]] = []
        for n in range(1, COST_SHARE_ROWS + 1):
            partner, percent = data.get(f"partner_{n}"), data.get(f"percent_{n}")
            if partner is not None and percent is None and f"percent_{n}" not in self.errors:
                self.add_error(f"percent_{n}", f"Enter {partner.name}'s share.")
            elif partner is None and percent is not None and f"partner_{n}" not in self.errors:
                self.add_error(f"partner_{n}", f"Choose the partner that pays share {n}.")
            elif partner is not None and percent is not None:
                shares.append((partner, percent))
        data["shares"] = shares
        return data


@login_required
def cost_split(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    initial = {"partner_1": employment.partner_id}
    form = _bound(CostSplitForm, request, partners=selectors.active_partners(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cost_split_set(
                actor=request.user,
                employment=employment,
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                shares=data["shares"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            shared = ", ".join(f"{p.code} {pc.normalize():f}%" for p, pc in data["shares"])
            messages.success(request, f"Cost of {employment.payroll_number} shared: {shared}.")
            return redirect("web:person", person_id=employment.person_id)
    splits = list(selectors.cost_splits_of(employment))
    return _employment_form(request, "web/people/cost_split.html", form, employment, splits=splits)


class SecondmentForm(_GovukForm):
    role_title = _text("Role at the host", max_length=200, hint="For example, Interim head of finance")
    start_date = _date("First day of the secondment")
    end_date = _date("Last day of the secondment")
    recharge_percent = _number(
        "Recharge (%)",
        max_digits=6,
        places=3,
        example="100",
        hint="The share of their cost the host pays back: 100 for all of it",
        what="recharge percentage",
    )

    def __init__(self, *args: Any, hosts: QuerySet[Partner], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"recharge_percent": "100"})
        super().__init__(*args, **kwargs)
        self.fields["host_partner"] = _ModelChoice(hosts, label="Host partner")
        self.order_fields(["host_partner"])


@login_required
def secondment(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    hosts = selectors.active_partners(excluding=employment.partner_id)
    form = _bound(SecondmentForm, request, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.secondment_create(actor=request.user, employment=employment, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{employment.person.full_name} is seconded to {made.host_partner.name} from "
                f"{made.start_date:%-d %B %Y} to {made.end_date:%-d %B %Y}.",
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


# --- TUPE transfers ---------------------------------------------------------------------------

TRANSFER_PAGE_SIZE = 100


class TransferForm(_GovukForm):
    transfer_date = _date("Transfer date", hint="The first day with the new employer, like 2026-10-01")
    reference = _text("Reference", max_length=100, hint="For example, TUPE-2026-01")
    measures = _notes("Measures envisaged (optional)", hint="As consulted on with the staff and unions")
    all_matching = forms.BooleanField(required=False)

    def __init__(
        self, *args: Any, destinations: QuerySet[Partner], candidates: QuerySet[Employment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_partner"] = _ModelChoice(destinations, label="New employer")
        self.fields["employments"] = forms.ModelMultipleChoiceField(
            candidates,
            required=False,
            error_messages={
                "invalid_choice": "Employment %(value)s is not one of this partner's current employments.",
                "invalid_pk_value": "Choose the employments from the list.",
            },
        )
        self.order_fields(["to_partner"])

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [("The transfer", [self[n] for n in ("to_partner", "transfer_date", "reference", "measures")])]


@login_required
def transfer_new(request: HttpRequest) -> HttpResponse:
    partner = selectors.partner_to_change(request.user, partner=current_partner(request))
    q = request.GET.get("q", "").strip()
    unit_id = _parse_int(request.GET.get("unit"))
    units = list(selectors.org_units_for(request.user, partner=partner).order_by("name"))
    unit_id = unit_id if any(u.pk == unit_id for u in units) else None
    matching = selectors.transfer_candidates(
        request.user, partner=partner, payroll_prefix=q, org_unit_id=unit_id
    )
    form = _bound(
        TransferForm,
        request,
        destinations=selectors.transfer_destinations(request.user, partner=partner),
        candidates=selectors.transfer_candidates(request.user, partner=partner),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(matching) if data["all_matching"] else list(data["employments"])
        try:
            result = services.tupe_transfer(
                actor=request.user,
                from_partner=partner,
                to_partner=data["to_partner"],
                transfer_date=data["transfer_date"],
                reference=data["reference"],
                employments=chosen,
                measures=data["measures"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            moved = len(result.new_employments)
            messages.success(
                request,
                f"{moved} employment{'s' if moved != 1 else ''} transferred to {data['to_partner'].name} "
                f"on {data['transfer_date']:%-d %B %Y}.",
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


# --- spreadsheet import -----------------------------------------------------------------------

IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_ERRORS_PAGE_SIZE = 200
IMPORT_KINDS = {
    "employments": ("Employments: new starters, with their personal details", imports.EMPLOYMENT_COLUMNS),
    "posts": ("Posts: the establishment", imports.POST_COLUMNS),
}
_DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind, label) for kind, (label, _) in IMPORT_KINDS.items()],
        error_messages={
            "required": "Choose what the file holds.",
            "invalid_choice": "Choose what the file holds.",
        },
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose a CSV or Excel (XLSX) file to upload.",
            "empty": "The selected file is empty.",
            "invalid": "Choose a CSV or Excel (XLSX) file to upload.",
        }
    )
    dry_run = forms.BooleanField(required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                f"The selected file must be smaller than {IMPORT_MAX_BYTES // (1024 * 1024)} MB: "
                "split it into smaller files."
            )
        return upload


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    partner = selectors.partner_to_change(request.user, partner=current_partner(request))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
    else:
        form = ImportForm(initial={"kind": request.GET.get("kind", "employments")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = (
            imports.import_employments if form.cleaned_data["kind"] == "employments" else imports.import_posts
        )
        report = run(
            actor=request.user,
            partner=partner,
            source=upload.read(),
            filename=upload.name or "upload",
            dry_run=form.cleaned_data["dry_run"],
        )
        _keep_report(request, report, partner)
        if report.ok and not report.dry_run:
            messages.success(request, report.summary())
        return redirect("web:import_report")
    kinds = [(kind, label) for kind, (label, _) in IMPORT_KINDS.items()]
    context = {"form": form, "partner": partner, "kinds": kinds, "max_mb": IMPORT_MAX_BYTES // (1024 * 1024)}
    return render(request, "web/people/import.html", context)


@login_required
def import_report(request: HttpRequest) -> HttpResponse:
    report = _last_report(request)
    if report is None:
        messages.info(request, "There is no import report to show: upload a file to check or import it.")
        return redirect("web:people_import")
    errors = _report_errors(report)
    page = Paginator(errors, IMPORT_ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "errors": errors,
        "page": page,
        "paginated": len(errors) > IMPORT_ERRORS_PAGE_SIZE,
    }
    return render(request, "web/people/import_report.html", context)


@login_required
def import_problems(request: HttpRequest) -> HttpResponse:
    report = _last_report(request)
    if report is None:
        raise Http404("No import report.")
    body = tabular.errors_as_csv(_report_errors(report))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", report["filename"].rsplit(".", 1)[0]).strip("-") or "import"
    response = HttpResponse(body.encode("utf-8"), content_type=_DOWNLOAD_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in IMPORT_KINDS or fmt not in _DOWNLOAD_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(tabular.template(IMPORT_KINDS[kind][1], fmt), content_type=_DOWNLOAD_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response


# The last import report is kept in a session record of its own, in the sessions table, whose
# key is kept in the user's session: the user's session stays small (it is read on every
# request) however many problems a large file has, every web server sees the report, and it
# expires (and is cleared by ``clearsessions``) like any session.
_REPORT_SESSION_KEY = "joinedup_import_report"
_REPORT_TTL_SECONDS = 24 * 60 * 60


def _keep_report(request: HttpRequest, report: imports.ImportReport, partner: Partner) -> None:
    errors = [[e.row, e.column, e.value, e.reason] for e in report.errors]
    store = SessionStore()
    store["report"] = {
        "partner_id": partner.pk,
        "partner_name": partner.name,
        "kind": report.kind,
        "filename": report.filename,
        "rows": report.rows,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "summary": report.summary(),
        "error_count": len(errors),
        "errors": base64.b64encode(zlib.compress(json.dumps(errors).encode("utf-8"))).decode("ascii"),
    }
    store.set_expiry(_REPORT_TTL_SECONDS)
    store.save()
    previous = request.session.get(_REPORT_SESSION_KEY)
    if previous:
        SessionStore(session_key=previous).delete()
    request.session[_REPORT_SESSION_KEY] = store.session_key


def _last_report(request: HttpRequest) -> dict[str, Any] | None:
    """The user's last import report, if it has not expired, and if they may still change
    people at the partner it was for (the values in it come from that partner's file)."""
    key = request.session.get(_REPORT_SESSION_KEY)
    report: dict[str, Any] | None = SessionStore(session_key=key).get("report") if key else None
    if report is not None:
        selectors.partner_to_change(
            request.user, partner=partner_for(request.user, partner_id=report["partner_id"])
        )
    return report


def _report_errors(report: dict[str, Any]) -> list[tabular.RowError]:
    rows = json.loads(zlib.decompress(base64.b64decode(report["errors"])))
    return [tabular.RowError(row, column, reason, value) for row, column, value, reason in rows]
