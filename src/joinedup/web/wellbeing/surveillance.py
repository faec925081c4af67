"""Health-surveillance pages (issue 16), under /wellbeing/.

- OH (``wellbeing.surveillance`` on the current partner): the partner's programmes (create one,
  its statutory basis and default interval shown from rules/surveillance.toml; rename, re-time or
  close it), enrolments (one employment by payroll number, or everyone with a job title), a
  check recorded with its outcome category, and the due / overdue / done list with filters
  (programme, team, due within N days, as-of date), counts by status as a bar chart, and CSV/XLSX
  with the last outcome category.
- Managers (``wellbeing.surveillance_team``): "My team's health surveillance", status only. The
  rows they get (``TeamStatus``) carry no outcome, and neither do this page's export columns.
- Everyone: their own surveillance, with their own outcome categories (their own health record).

A programme or enrolment of a partner the reader does not serve in OH answers 404. Every page
and download is ``Cache-Control: no-store`` (core.middleware.SecurityHeadersMiddleware): it names
people and their health surveillance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.people.models import Employment, OrgUnit
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, choice_field, date_field, submit, text_field
from joinedup.wellbeing import surveillance as services
from joinedup.wellbeing import surveillance_selectors as selectors
from joinedup.wellbeing.models import CheckOutcome, SurveillanceKind, SurveillanceProgramme
from joinedup.wellbeing.schedule import Status
from joinedup.wellbeing.surveillance_rules import Basis, basis_keys, basis_on

MANAGE = selectors.MANAGE
TEAM = selectors.TEAM
STATUS_LABELS = {
    Status.OVERDUE: "Overdue",
    Status.DUE: "Due",
    Status.DONE: "Done",
    Status.UPCOMING: "Upcoming",
}
STATUS_COLOURS = {
    Status.OVERDUE: "#d4351c",
    Status.DUE: "#f47738",
    Status.DONE: "#00703c",
    Status.UPCOMING: "#1d70b8",
}
OUTCOME_LABELS = dict(CheckOutcome.choices)
KIND_LABELS = dict(SurveillanceKind.choices)
# The team view's columns: status and dates, no outcome (surveillance_selectors' docstring).
TEAM_HEADER = ["Name", "Payroll number", "Programme", "Status", "Next due", "Last check"]
OH_HEADER = [*TEAM_HEADER, "Last outcome"]
BAR_WIDTH = 300
MAX_WITHIN = 366


def _day(text: str, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- the chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int
    colour: str
    y: int


def status_bars(counts: dict[str, int]) -> list[Bar]:
    """One bar a status, scaled to the largest."""
    most = max(counts.values(), default=0) or 1
    return [
        Bar(
            label=STATUS_LABELS[status],
            count=counts[status.value],
            width=counts[status.value] * BAR_WIDTH // most,
            colour=STATUS_COLOURS[status],
            y=n * 28,
        )
        for n, status in enumerate(Status)
    ]


def team_rows(rows: Sequence[selectors.TeamStatus]) -> list[list[Any]]:
    return [
        [r.name, r.payroll_number, r.programme, STATUS_LABELS[r.status], r.next_due_on, r.last_done_on]
        for r in rows
    ]


def oh_rows(rows: Sequence[selectors.SurveillanceRow]) -> list[list[Any]]:
    return [
        [*line, OUTCOME_LABELS.get(r.last_outcome, "")] for line, r in zip(team_rows(rows), rows, strict=True)
    ]


# --- forms --------------------------------------------------------------------------------------


def _interval(label: str, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=services.LONGEST_INTERVAL,
        error_messages={
            "required": "Enter the interval in months.",
            "invalid": "Enter the interval as a whole number of months.",
            "min_value": f"Enter an interval from 1 to {services.LONGEST_INTERVAL} months.",
            "max_value": f"Enter an interval from 1 to {services.LONGEST_INTERVAL} months.",
        },
    )


class ProgrammeForm(GovukForm):
    code = text_field("Code", max_length=30, hint="Up to 30 letters, digits and hyphens, like FIRE-FIT.")
    name = text_field("Name", max_length=200)
    kind = choice_field("Kind of surveillance", SurveillanceKind.choices, what="kind of surveillance")
    basis = choice_field("Basis", [(k, k) for k in basis_keys()], what="basis")
    interval_months = _interval("Interval in months (optional: the basis's interval if left empty)")
    initial_interval_months = _interval("Shorter first interval in months (optional)")
    initial_checks = forms.IntegerField(
        label="Checks the shorter interval follows (optional)",
        required=False,
        min_value=0,
        max_value=20,
        error_messages={"invalid": "Enter how many checks the shorter interval follows."},
    )


class ProgrammeChangeForm(GovukForm):
    name = text_field("Name", max_length=200)
    interval_months = _interval("Interval in months", required=True)
    active = forms.BooleanField(label="Open to new enrolments", required=False)


class EnrolForm(GovukForm):
    payroll_number = text_field("Payroll number", max_length=30)
    first_due_on = date_field("First check due", what="date the first check is due")


class EnrolTitleForm(GovukForm):
    job_title = text_field("Job title", max_length=200, hint="Everyone employed with this title today.")
    first_due_on = date_field("First check due", what="date the first check is due")


class EndForm(GovukForm):
    ended_on = date_field("Ended on", what="date the enrolment ends")
    reason = text_field(
        "Why it ends", max_length=200, hint="For example: moved to a role without noise exposure; left."
    )


class CheckForm(GovukForm):
    done_on = date_field("Done on", what="date of the check")
    outcome = choice_field("Outcome", [("", "Choose the outcome"), *CheckOutcome.choices], what="outcome")


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _employment_errors(form: forms.Form, field: str) -> Callable[[ValidationError], None]:
    """The service's errors about the employment beside the field that named it."""

    def place(exc: ValidationError) -> None:
        for name, errors in exc.message_dict.items():
            target = field if name == "employment" else name
            form.add_error(target if target in form.fields else None, errors)

    return place


def _bases(on: date) -> list[Basis]:
    return [basis_on(key, on) for key in basis_keys()]


# --- OH: the list -------------------------------------------------------------------------------


class SurveillanceFilters(forms.Form):
    def __init__(self, data: Any, *, programmes: Any, teams: Any) -> None:
        super().__init__(data)
        self.fields["programme"] = listing.filter_choice(
            "Programme", [(str(p.pk), p.name) for p in programmes], every="Every programme"
        )
        self.fields["team"] = listing.filter_choice(
            "Team", [(str(t.pk), t.name) for t in teams], every="Every team"
        )
        self.fields["status"] = listing.filter_choice(
            "Status", [(s.value, STATUS_LABELS[s]) for s in Status], every="Every status"
        )
        self.fields["within"] = forms.IntegerField(
            label="Due within (days)", required=False, min_value=1, max_value=MAX_WITHIN
        )
        self.fields["as_of"] = forms.DateField(label="As of", required=False, help_text="YYYY-MM-DD")


SURVEILLANCE_SORTS = {
    "due": ("next_due_on", "enrolment_id"),
    "name": ("name", "enrolment_id"),
    "programme": ("programme", "next_due_on", "enrolment_id"),
    "last": ("last_done_on", "enrolment_id"),
}


@login_required
def surveillance_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    programmes = selectors.programmes_for(request.user, partner=partner)
    filters = SurveillanceFilters(
        request.GET, programmes=programmes, teams=OrgUnit.objects.for_partner(partner).order_by("name")
    )
    given = listing.chosen(filters)
    as_of = given.get("as_of") or timezone.localdate()
    within = given.get("within") or selectors.DUE_WITHIN_DAYS
    rows = selectors.surveillance_list(
        request.user,
        partner=partner,
        as_of=as_of,
        # As asked, even when not one of the choices: another partner's programme matches no one.
        programme_id=_number(request.GET.get("programme", "")),
        org_unit_id=_number(request.GET.get("team", "")),
        due_within_days=within,
    )
    counts = selectors.status_counts(rows)
    status = given.get("status", "")
    listed = listing.rows_page(
        request,
        [r for r in rows if r.status == status] if status else rows,
        sorts=SURVEILLANCE_SORTS,
        default="due",
        form=filters,
        download=listing.Download(
            OH_HEADER, lambda r: oh_rows([r])[0], f"health-surveillance-{partner.code}-{as_of}"
        ),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/wellbeing/surveillance/list.html",
        {
            **listed.context(),
            "partner": partner,
            "rows": [
                (r, STATUS_LABELS[r.status], OUTCOME_LABELS.get(r.last_outcome, "")) for r in listed.page
            ],
            "bars": status_bars(counts),
            "bar_width": BAR_WIDTH,
            "as_of": as_of,
            "programme": given.get("programme", ""),
        },
    )


# --- OH: programmes -----------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    form = ProgrammeForm(_posted(request, "programme"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        made = submit(
            form,
            lambda: services.programme_create(
                actor=request.user,
                partner=partner,
                details=services.ProgrammeDetails(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    basis=data["basis"],
                    interval_months=data["interval_months"],
                    initial_interval_months=data["initial_interval_months"],
                    initial_checks=data["initial_checks"] or 0,
                ),
            ),
        )
        if made is not None:
            messages.success(request, f"Programme {made.code} created.")
            return redirect("web:wellbeing_surveillance_programme", surveillance_programme_id=made.pk)
    return render(
        request,
        "web/wellbeing/surveillance/programmes.html",
        {
            "partner": partner,
            "programmes": [
                (p, KIND_LABELS.get(p.kind, p.kind))
                for p in selectors.programmes_for(request.user, partner=partner)
            ],
            "bases": _bases(timezone.localdate()),
            "form": form,
        },
    )


def _programme_post(
    request: HttpRequest, programme: SurveillanceProgramme
) -> tuple[HttpResponse | None, dict[str, Any]]:
    change = ProgrammeChangeForm(
        _posted(request, "change"),
        initial={
            "name": programme.name,
            "interval_months": programme.interval_months,
            "active": programme.active,
        },
    )
    enrol = EnrolForm(_posted(request, "enrol"))
    by_title = EnrolTitleForm(_posted(request, "enrol_title"))
    forms_ = {"change_form": change, "enrol_form": enrol, "title_form": by_title}
    if request.method != "POST":
        return None, forms_
    authorise(request.user, MANAGE, programme.partner_id)
    done = ""
    if change.is_bound and change.is_valid():
        data = change.cleaned_data
        if submit(
            change,
            lambda: services.programme_change(
                actor=request.user,
                programme=programme,
                name=data["name"],
                interval_months=data["interval_months"],
                active=data["active"],
            ),
        ):
            done = f"{data['name']} saved."
    elif enrol.is_bound and enrol.is_valid():
        number = enrol.cleaned_data["payroll_number"].strip()
        employment = (
            Employment.objects.for_partner(programme.partner_id)
            .select_related("person")
            .filter(payroll_number__iexact=number)
            .first()
        )
        if employment is None:
            enrol.add_error(
                "payroll_number", f"{programme.partner.code} has no one with payroll number {number}."
            )
        elif submit(
            enrol,
            lambda: services.enrol(
                actor=request.user,
                programme=programme,
                employment=employment,
                first_due_on=enrol.cleaned_data["first_due_on"],
            ),
            place=_employment_errors(enrol, "payroll_number"),
        ):
            done = f"{employment.person.full_name} enrolled."
    elif by_title.is_bound and by_title.is_valid():
        title = by_title.cleaned_data["job_title"]
        people = selectors.employments_with_job_title(
            request.user, partner=programme.partner_id, job_title=title, on=timezone.localdate()
        )
        if not people:
            by_title.add_error(
                "job_title", f"No one at {programme.partner.code} is employed as {title} today."
            )
        elif submit(
            by_title,
            lambda: services.enrol_many(
                actor=request.user,
                programme=programme,
                employments=people,
                first_due_on=by_title.cleaned_data["first_due_on"],
            ),
            place=_employment_errors(by_title, "job_title"),
        ):
            done = f"{len(people)} people enrolled."
    if done:
        messages.success(request, done)
        return redirect(
            "web:wellbeing_surveillance_programme", surveillance_programme_id=programme.pk
        ), forms_
    return None, forms_


@login_required
def programme_page(request: HttpRequest, surveillance_programme_id: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, programme_id=surveillance_programme_id)
    response, forms_ = _programme_post(request, programme)
    if response is not None:
        return response
    today = timezone.localdate()
    rows = selectors.surveillance_list(
        request.user, partner=programme.partner_id, as_of=today, programme_id=programme.pk
    )
    return render(
        request,
        "web/wellbeing/surveillance/programme.html",
        {
            "partner": programme.partner,
            "programme": programme,
            "kind": KIND_LABELS.get(programme.kind, programme.kind),
            "basis": basis_on(programme.basis, today),
            "rows": [(r, STATUS_LABELS[r.status], OUTCOME_LABELS.get(r.last_outcome, "")) for r in rows],
            **forms_,
        },
    )


# --- OH: an enrolment and its checks ------------------------------------------------------------


@login_required
def enrolment_page(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_for(request.user, enrolment_id=enrolment_id)
    form = CheckForm(_posted(request, "check"))
    end_form = EndForm(_posted(request, "end"))
    if request.method == "POST":
        authorise(request.user, MANAGE, enrolment.partner_id)
        if end_form.is_bound and end_form.is_valid():
            ended = submit(
                end_form,
                lambda: services.enrolment_end(
                    actor=request.user,
                    enrolment=enrolment,
                    ended_on=end_form.cleaned_data["ended_on"],
                    reason=end_form.cleaned_data["reason"],
                ),
            )
            if ended is not None:
                messages.success(request, f"Enrolment ended on {people_date(ended.ended_on)}.")
                return redirect("web:wellbeing_surveillance_enrolment", enrolment_id=enrolment.pk)
        elif form.is_bound and form.is_valid():
            made = submit(
                form,
                lambda: services.check_record(
                    actor=request.user,
                    enrolment=enrolment,
                    done_on=form.cleaned_data["done_on"],
                    outcome=form.cleaned_data["outcome"],
                ),
            )
            if made is not None:
                messages.success(request, f"Check recorded: the next is due {people_date(made.next_due_on)}.")
                return redirect("web:wellbeing_surveillance_enrolment", enrolment_id=enrolment.pk)
    checks = selectors.checks_of(request.user, enrolment_id=enrolment.pk)
    return render(
        request,
        "web/wellbeing/surveillance/enrolment.html",
        {
            "partner": enrolment.partner,
            "enrolment": enrolment,
            "checks": [(c, OUTCOME_LABELS.get(c.outcome, c.outcome)) for c in checks],
            "form": form,
            "end_form": end_form,
            "errors_shown": form.errors or end_form.errors,
        },
    )


# --- checks done: downloads ----------------------------------------------------------------------

CHECKS_HEADER = ["Name", "Payroll number", "Programme", "Done on", "Outcome", "Recorded by", "Next due"]
# A manager's: when each check was done, never what it found.
TEAM_CHECKS_HEADER = ["Name", "Payroll number", "Programme", "Done on", "Next due"]
CHECKS_PERIOD_DAYS = 365  # the download's default: the last year of checks


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    until = _day(request.GET.get("until", ""), today)
    since = _day(request.GET.get("since", ""), until - timedelta(days=CHECKS_PERIOD_DAYS))
    return (since, until) if since <= until else (until, since)


def _format(request: HttpRequest) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


class ChecksFilters(forms.Form):
    def __init__(self, data: Any, *, programmes: Any) -> None:
        super().__init__(data)
        self.fields["programme"] = listing.filter_choice(
            "Programme", [(str(p.pk), p.name) for p in programmes], every="Every programme"
        )
        self.fields["outcome"] = listing.filter_choice("Outcome", CheckOutcome.choices, every="Every outcome")
        self.fields["since"] = forms.DateField(label="Done from", required=False, help_text="YYYY-MM-DD")
        self.fields["until"] = forms.DateField(label="Done to", required=False, help_text="YYYY-MM-DD")


CHECKS_SORTS = {
    "done": ("done_on", "check_id"),
    "name": ("name", "done_on", "check_id"),
    "programme": ("programme", "done_on", "check_id"),
    "next": ("next_due_on", "check_id"),
}


def _check_row(r: selectors.CheckDone) -> list[Any]:
    return [
        r.name, r.payroll_number, r.programme, r.done_on, OUTCOME_LABELS.get(r.outcome, r.outcome),
        r.recorded_by, r.next_due_on,
    ]  # fmt: skip


@login_required
def checks_download(request: HttpRequest) -> HttpResponse:
    """The partner's checks done in a period (``since``, ``until``; the last year by default),
    with each check's outcome category: occupational health only."""
    partner = partner_page(request, MANAGE)
    filters = ChecksFilters(request.GET, programmes=selectors.programmes_for(request.user, partner=partner))
    given = listing.chosen(filters)
    since, until = _period(request)
    rows = selectors.checks_done(
        request.user,
        partner=partner,
        since=since,
        until=until,
        programme_id=_number(request.GET.get("programme", "")),
    )
    outcome = given.get("outcome", "")
    listed = listing.rows_page(
        request,
        [r for r in rows if r.outcome == outcome] if outcome else rows,
        sorts=CHECKS_SORTS,
        default="done",
        form=filters,
        download=listing.Download(
            CHECKS_HEADER, _check_row, f"surveillance-checks-{partner.code}-{since}-to-{until}"
        ),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    context = {
        **listed.context(),
        "partner": partner,
        "rows": [(c, OUTCOME_LABELS.get(c.outcome, c.outcome)) for c in listed.page],
        "since": since,
        "until": until,
    }
    return render(request, "web/wellbeing/surveillance/checks.html", context)


@login_required
def team_checks_download(request: HttpRequest) -> HttpResponse:
    """The checks done for the manager's team in a period: when, never what they found."""
    if not partner_ids_with(request.user, TEAM):
        raise PermissionDenied("You do not manage anyone's health surveillance.")
    since, until = _period(request)
    rows = selectors.team_checks_done(request.user, since=since, until=until)
    table = [[r.name, r.payroll_number, r.programme, r.done_on, r.next_due_on] for r in rows]
    return export_response(
        _format(request), TEAM_CHECKS_HEADER, table, f"team-surveillance-checks-{since}-to-{until}"
    )


# --- managers and employees ---------------------------------------------------------------------


@login_required
def team_page(request: HttpRequest) -> HttpResponse:
    if not partner_ids_with(request.user, TEAM):
        raise PermissionDenied("You do not manage anyone's health surveillance.")
    today = timezone.localdate()
    rows = selectors.team_surveillance(request.user, as_of=today)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return export_response(fmt, TEAM_HEADER, team_rows(rows), f"team-health-surveillance-{today}")
    return render(
        request,
        "web/wellbeing/surveillance/team.html",
        {
            "rows": [(r, STATUS_LABELS[r.status]) for r in rows],
            "bars": status_bars(selectors.status_counts(rows)),
            "bar_width": BAR_WIDTH,
            "today": today,
        },
    )


@login_required
def my_surveillance(request: HttpRequest) -> HttpResponse:
    rows = selectors.own_surveillance(request.user, as_of=timezone.localdate())
    return render(
        request,
        "web/wellbeing/surveillance/mine.html",
        {
            "rows": [(r, STATUS_LABELS[r.status], OUTCOME_LABELS.get(r.last_outcome, "")) for r in rows],
        },
    )
