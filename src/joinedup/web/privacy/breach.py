"""The breach log's pages (issue 17), under /data-protection/breaches/, for the current
partner's data-protection officer (``privacy.breach``): the partner's breaches with each one's
72-hour clock (due, due within a day, overdue, notified in time or late, not notifiable), CSV and
XLSX; recording a breach; one breach with the partner's decisions, its ICO notification, another
affected partner and closing. A breach none of whose partners is the user's answers 404.

Times typed into the forms are read in the site's timezone (settings.TIME_ZONE); the pages show
them in it too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_datetime
from joinedup.partnership.permissions import partner_ids_with
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import breach as services
from joinedup.privacy.breach import clock_of
from joinedup.privacy.breach_selectors import breach_for, breach_log_for, breach_timeline, clocks, row_of
from joinedup.privacy.models import AffectedPartner, BreachDecision
from joinedup.web import listing
from joinedup.web.current import partner_page

PERMISSION = services.PERMISSION
HEADER = ["Breach", "Summary", "Occurred", "Aware", "ICO deadline", "Clock", "Hours left",
          "Data categories", "People affected", "People categories", "ICO decision", "ICO reason",
          "ICO notified", "ICO reference", "People decision", "People reason", "Closed"]  # fmt: skip


def _row(row: AffectedPartner, clock: Any) -> list[Any]:
    b = row.breach
    return [
        b.pk, b.summary, b.occurred_at, b.aware_at, clock.deadline, clock.label, clock.hours_left,
        b.data_categories, row.people_affected, row.people_categories, row.get_ico_decision_display(),
        row.ico_reason, row.ico_notified_at, row.ico_reference, row.get_people_decision_display(),
        row.people_reason, b.closed_at,
    ]  # fmt: skip


def _moment(text: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: "Give the date and time, such as 2026-12-06 14:30."}) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _count(text: str, field: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 10:
        raise ValidationError({field: "Give the number of people affected, a whole number."})
    return int(text)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class BreachFilters(forms.Form):
    open = listing.filter_choice("Open or closed", [("1", "Open only")], every="Open and closed")
    ico_decision = listing.filter_choice("ICO decision", BreachDecision.choices, every="Every decision")
    search = listing.filter_text("Search", hint="A breach number or words of its summary")


# The ICO deadline is 72 hours from awareness, so sorting by awareness sorts by deadline too.
BREACH_SORTS = {
    "aware": ("breach__aware_at", "breach_id"),
    "breach": ("breach_id",),
    "people": ("people_affected", "breach_id"),
}


def _narrow(found: QuerySet[AffectedPartner], given: dict[str, Any]) -> QuerySet[AffectedPartner]:
    if given.get("ico_decision"):
        found = found.filter(ico_decision=given["ico_decision"])
    search = given.get("search", "")
    if search.isdigit():
        return found.filter(breach__id=int(search)) if len(search) < 19 else found.none()
    return found.filter(breach__summary__icontains=search) if search else found


@login_required
def breach_log(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    now = timezone.now()
    filters = BreachFilters(request.GET)
    # The home page's tile links here with ?open=1 (workspaces.oversight).
    found = breach_log_for(
        request.user, partner=partner, open_only=listing.chosen(filters).get("open") == "1"
    )
    listed = listing.list_page(
        request,
        found,
        sorts=BREACH_SORTS,
        default="aware",
        descending=True,
        form=filters,
        narrow=_narrow,
        download=listing.Download(
            HEADER, lambda row: _row(row, clock_of(row, now=now)), f"breaches-{partner.code}-{now:%Y-%m-%d}"
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/privacy/breach/log.html",
        {**listed.context(), "partner": partner, "rows": clocks(list(listed.page), now=now)},
    )


@login_required
def breach_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    if request.method == "POST":
        post = request.POST
        try:
            row = services.breach_record(
                actor=request.user,
                partner=partner,
                facts=services.BreachFacts(
                    summary=post.get("summary", ""),
                    occurred_at=_moment(post.get("occurred_at", ""), "occurred_at"),
                    aware_at=_moment(post.get("aware_at", ""), "aware_at"),
                    data_categories=post.get("data_categories", ""),
                    cause=post.get("cause", ""),
                    containment=post.get("containment", ""),
                ),
                impact=services.Impact(
                    people_affected=_count(post.get("people_affected", ""), "people_affected"),
                    people_categories=post.get("people_categories", ""),
                ),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            deadline = people_datetime(services.clock_of(row).deadline)
            messages.success(request, f"Breach {row.breach_id} recorded: tell the ICO by {deadline}.")
            return redirect("web:privacy_breach", breach_id=row.breach_id)
    return render(request, "web/privacy/breach/new.html", {"partner": partner, "post": request.POST})


ACTIONS = ("decide", "notify", "add_partner", "close")


def _act(request: HttpRequest, view: Any, action: str) -> str:
    post, user = request.POST, request.user
    if action == "close":
        services.breach_close(actor=user, breach=view.breach, remedial_action=post.get("remedial_action", ""))
        return "Breach closed."
    if action == "add_partner":
        code = post.get("partner_id", "").strip()
        if not code.isdigit() or len(code) > 18:
            raise ValidationError({"partner_id": "Choose a partner."})
        partner = partner_for(user, partner_id=int(code))
        services.breach_add_partner(
            actor=user,
            breach=view.breach,
            partner=partner,
            impact=services.Impact(
                people_affected=_count(post.get("people_affected", ""), "people_affected"),
                people_categories=post.get("people_categories", ""),
            ),
        )
        return f"{partner.name} added to the breach."
    which = post.get("partner_id", "").strip()
    row = row_of(view, int(which) if which.isdigit() and len(which) <= 18 else 0)
    if action == "decide":
        services.breach_decide(
            actor=user,
            row=row,
            ico_decision=post.get("ico_decision", ""),
            ico_reason=post.get("ico_reason", ""),
            people_decision=post.get("people_decision", BreachDecision.UNDECIDED),
            people_reason=post.get("people_reason", ""),
        )
        return "Decision recorded."
    services.breach_notify_ico(
        actor=user,
        row=row,
        notified_at=_moment(post.get("notified_at", ""), "notified_at"),
        reference=post.get("reference", ""),
        delay_reason=post.get("delay_reason", ""),
    )
    return "ICO notification recorded."


@login_required
def breach_page(request: HttpRequest, breach_id: int) -> HttpResponse:
    view = breach_for(request.user, breach_id=breach_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Choose an action.")
        else:
            try:
                messages.success(request, _act(request, view, action))
            except ValidationError as error:
                _errors(request, error)
            else:
                return redirect("web:privacy_breach", breach_id=breach_id)
        view = breach_for(request.user, breach_id=breach_id)
    seen = {row.partner_id for row in view.rows}
    addable = [p for p in partner_ids_with(request.user, PERMISSION) if p not in seen]
    return render(
        request,
        "web/privacy/breach/breach.html",
        {
            "breach": view.breach,
            "rows": clocks(view.rows, now=timezone.now()),
            "timeline": breach_timeline(request.user, view=view),
            "addable": [partner_for(request.user, partner_id=p) for p in addable],
            "decisions": BreachDecision.choices,
        },
    )
