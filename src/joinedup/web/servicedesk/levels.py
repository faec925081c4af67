"""Service-level pages (issue 15): the current partner's agreement, every dated version with
its targets as a table, and the form to add a new version (service administrators, who hold
``servicedesk.setup``). Another partner's version answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.servicedesk import levels
from joinedup.servicedesk.models.levels import ServiceLevelAgreement, SlaClock, SlaNation
from joinedup.web.current import partner_page
from joinedup.web.forms import GovukForm, add_errors, choice_field, date_field, notes_field, text_field

TARGETS_HINT = (
    "One target a line: service (or all), priority, response minutes, resolution minutes, and "
    "24x7 for a target measured round the clock. For example: all p1 15 240 24x7"
)


def targets_text(agreement: ServiceLevelAgreement | None) -> str:
    if agreement is None:
        return "all p1 15 240 24x7\nall p2 60 480\nall p3 240 1440\nall p4 480 2400"
    return "\n".join(
        f"{t.service or 'all'} {t.priority} {t.response_minutes} {t.resolution_minutes}"
        + (" 24x7" if t.clock == SlaClock.ALWAYS else "")
        for t in agreement.targets.all()
    )


def parse_targets(text: str) -> list[levels.TargetEntry]:
    """The form's lines as targets; a line that does not read raises with its number."""
    entries: list[levels.TargetEntry] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        clock = SlaClock.BUSINESS
        if len(words) == 5 and words[4].lower() == SlaClock.ALWAYS:
            clock = SlaClock.ALWAYS
            words = words[:4]
        if len(words) != 4 or not words[2].isdigit() or not words[3].isdigit():
            problems.append(f"Line {number} ({line.strip()}): write service, priority, two whole minutes.")
            continue
        service = "" if words[0].lower() == "all" else words[0].lower()
        entries.append(levels.TargetEntry(words[1].lower(), int(words[2]), int(words[3]), service, clock))
    if problems:
        raise ValidationError({"targets": problems})
    return entries


class AgreementForm(GovukForm):
    effective_from = date_field("Takes effect on", what="date it takes effect")
    nation = choice_field("Bank holidays of", SlaNation.choices, what="nation")
    business_hours = text_field(
        "Business hours", max_length=200, hint="Local times, e.g. 08:30-17:00 (Monday to Friday) or 24x7"
    )
    third_party_pauses = forms.ChoiceField(
        label="Does waiting on a third party pause the resolution clock?",
        choices=[("no", "No: the clock runs"), ("yes", "Yes: the clock pauses")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether waiting on a third party pauses the clock."},
    )
    warning_percent = forms.IntegerField(
        label="Warn when this per cent of a target has run",
        min_value=1,
        max_value=100,
        error_messages={"required": "Enter the warning threshold.", "invalid": "Enter a whole per cent."},
    )
    targets = notes_field("Targets", hint=TARGETS_HINT, max_length=4000)
    note = text_field("What this version is", max_length=200, hint="e.g. Schedule 3, 2027 review")


@login_required
def agreements_page(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "servicedesk.view")
    history = list(levels.agreements(actor=request.user, partner=partner))
    today = timezone.localdate()
    current = next((a for a in history if a.effective_from <= today), None)
    may_setup = has_permission(request.user, "servicedesk.setup", partner)
    latest = history[0] if history else None
    initial: dict[str, Any] = {
        "effective_from": today,
        "nation": latest.nation if latest else SlaNation.ENGLAND_AND_WALES,
        "business_hours": latest.business_hours if latest else "mon-fri 08:30-17:00",
        "third_party_pauses": "yes" if latest and latest.third_party_pauses else "no",
        "warning_percent": latest.warning_percent if latest else 75,
        "targets": targets_text(latest),
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        # Refused before the form is read: a reader without the permission gets the 403 page.
        authorise(request.user, "servicedesk.setup", partner)
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = levels.agreement_add(
                    actor=request.user,
                    partner=partner,
                    effective_from=data["effective_from"],
                    nation=data["nation"],
                    business_hours=data["business_hours"],
                    third_party_pauses=data["third_party_pauses"] == "yes",
                    warning_percent=data["warning_percent"],
                    targets=parse_targets(data["targets"]),
                    note=data["note"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"The agreement from {people_date(added.effective_from)} is added.")
                return redirect("web:servicedesk_levels")
    return render(
        request,
        "web/servicedesk/levels.html",
        {"partner": partner, "history": history, "current": current, "form": form, "may_setup": may_setup},
    )


@login_required
def agreement_page(request: HttpRequest, agreement_id: int) -> HttpResponse:
    partner = partner_page(request, "servicedesk.view")
    try:
        agreement = levels.agreement_get(actor=request.user, partner=partner, agreement_id=agreement_id)
    except ServiceLevelAgreement.DoesNotExist:
        raise Http404("No such agreement.") from None
    return render(request, "web/servicedesk/level.html", {"partner": partner, "agreement": agreement})
