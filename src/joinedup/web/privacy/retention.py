"""The retention page (/data-protection/retention/), for the current partner's data-protection
officer (``privacy.retention``; issue 17).

It lists each record type's schedule (the statutory minimum and its source, the default, the
partner's own period and what the run then does), the partner's legal holds (in force, then
lifted with who, when and why) and the audit events of past runs (the run keeps no report of its
own: each batch is one event); what a run today would remove is counted when asked for (a dry
run of the partner's types). The DPO lengthens a period (below the statutory minimum is refused,
beside the field, and nothing changes), places a hold on a type (for one person, by their id, or
for everyone, until lifted or to an end date) and lifts one or changes its end date (their own
routes, naming the hold). The schedule downloads as CSV or
XLSX. Every rule is privacy/retention.py's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.privacy import retention, retention_selectors
from joinedup.privacy.models import RetentionRecordType
from joinedup.privacy.retention import REASON_LIMIT, REFERENCE_LIMIT
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, choice_field, date_field, submit, text_field

PERMISSION = retention.PERMISSION
BIG = 2**63 - 1


def _whole(
    label: str, what: str, example: str, *, required: bool = True, top: int = BIG
) -> forms.IntegerField:
    message = f"Enter the {what} as a whole number, like {example}."
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=top,
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class ScheduleForm(forms.Form):
    record_type = choice_field("Record type", RetentionRecordType.choices)
    # Up to a century: longer is a typing mistake, not a schedule.
    months = _whole("Months", "number of months", "84", top=1200)
    reason = text_field("Why", max_length=500, what="reason for the period", widget=forms.Textarea)


class HoldForm(forms.Form):
    record_type = choice_field("Record type", RetentionRecordType.choices)
    person = _whole("Person's id (optional)", "person's id", "1024", required=False)
    reference = text_field(
        "Reference",
        max_length=REFERENCE_LIMIT,
        what="hold's reference",
        hint="The claim, tribunal or request it is for, for example ET/1234/26.",
    )
    reason = text_field("Why the records are held", max_length=REASON_LIMIT, what="reason for the hold",
                        widget=forms.Textarea)  # fmt: skip
    ends_on = date_field(
        "Held until (optional)",
        required=False,
        what="last day of the hold",
        hint="The last day the records are held, like 2027-03-31. Leave empty to hold until lifted.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].help_text = "Leave empty to hold every record of the type."


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _schedule(request: HttpRequest, partner: Partner, form: ScheduleForm) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    saved = submit(
        form,
        lambda: retention.set_retention_schedule(
            actor=request.user,
            partner=partner,
            record_type=d["record_type"],
            months=d["months"],
            reason=d["reason"],
        ),
    )
    if saved is None:
        return False
    messages.success(request, f"{saved.get_record_type_display()}: kept for {saved.months} months.")
    return True


def _place(request: HttpRequest, partner: Partner, form: HoldForm) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    person = None
    if d["person"] is not None:
        try:
            person = retention_selectors.person_of(request.user, partner=partner, person_id=d["person"])
        except Http404:
            form.add_error("person", f"{partner.name} has no employee with the id {d['person']}.")
            return False
    hold = submit(
        form,
        lambda: retention.place_retention_hold(
            actor=request.user,
            partner=partner,
            record_type=d["record_type"],
            reference=d["reference"],
            reason=d["reason"],
            person=person,
            ends_on=d["ends_on"],
        ),
    )
    if hold is None:
        return False
    messages.success(request, f"Legal hold {hold.reference} placed.")
    return True


def _preview(request: HttpRequest, partner: Partner) -> list[tuple[retention.TypeReport, int]]:
    found = retention_selectors.preview(request.user, partner=partner, as_of=timezone.localdate())
    return [(t, t.expired - t.held) for t in found]


@login_required
def retention_page(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    schedule_form = ScheduleForm(_posted(request, "schedule"), prefix="schedule")
    hold_form = HoldForm(_posted(request, "place"), prefix="place")
    if schedule_form.is_bound and _schedule(request, partner, schedule_form):
        return redirect("web:privacy_retention")
    if hold_form.is_bound and _place(request, partner, hold_form):
        return redirect("web:privacy_retention")
    today = timezone.localdate()
    return render(
        request,
        "web/privacy/retention.html",
        {
            "partner": partner,
            "today": today,
            "schedules": retention_selectors.schedule_rows(request.user, partner=partner, today=today),
            "holds": list(retention_selectors.holds_for(request.user, partner=partner)[:500]),
            # Counting what has expired reads every payslip of the partner: asked for, not on every view.
            "preview": _preview(request, partner) if request.GET.get("preview") == "1" else None,
            "runs": list(retention_selectors.run_events_for(request.user, partner=partner)),
            "schedule_form": schedule_form,
            "hold_form": hold_form,
        },
    )


@login_required
@require_POST
def hold_lift(request: HttpRequest, retention_hold_id: int) -> HttpResponse:
    """Lift a hold of the current partner's; another partner's answers 404. A refusal (no
    reason, lifted already) is shown on the page and the hold stays as it was."""
    partner = partner_page(request, PERMISSION)
    hold = retention_selectors.holds_for(request.user, partner=partner).filter(pk=retention_hold_id).first()
    if hold is None:
        raise Http404("No such legal hold.")
    reason = request.POST.get("reason", "")[:REASON_LIMIT]
    lifted = attempt(
        request, lambda: retention.lift_retention_hold(actor=request.user, hold=hold, reason=reason)
    )
    if lifted is not None:
        messages.success(request, f"Legal hold {lifted.reference} lifted.")
    return redirect("web:privacy_retention")


class HoldEndForm(forms.Form):
    ends_on = date_field("Held until", required=False, what="last day of the hold")


@login_required
@require_POST
def hold_end(request: HttpRequest, retention_hold_id: int) -> HttpResponse:
    """Change (or clear) the end date of a hold of the current partner's; another partner's
    answers 404. A refusal (a day before today, a lifted hold) is shown on the page and the hold
    stays as it was."""
    partner = partner_page(request, PERMISSION)
    hold = retention_selectors.holds_for(request.user, partner=partner).filter(pk=retention_hold_id).first()
    if hold is None:
        raise Http404("No such legal hold.")
    form = HoldEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["ends_on"]))
        return redirect("web:privacy_retention")
    ends_on = form.cleaned_data["ends_on"]
    changed = attempt(
        request, lambda: retention.set_retention_hold_end(actor=request.user, hold=hold, ends_on=ends_on)
    )
    if changed is not None:
        until = f"held until {people_date(changed.ends_on)}" if changed.ends_on else "held until lifted"
        messages.success(request, f"Legal hold {changed.reference}: {until}.")
    return redirect("web:privacy_retention")


@login_required
def schedule_export(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    rows = retention_selectors.export_rows(request.user, partner=partner, today=timezone.localdate())
    return export_response(
        fmt, retention_selectors.EXPORT_COLUMNS, rows, f"retention-schedule-{partner.code}"
    )
