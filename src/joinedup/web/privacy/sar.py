"""The data-protection officer's subject-access pages (issue 17): the partner's log (due dates,
overdue highlighted, filters, CSV/XLSX), one request with its timeline and actions, the review of
its assembled export, and the download of the released export (never cached: the security
headers middleware sends ``Cache-Control: no-store`` on every signed-in response, and the
download says so itself). Everything needs ``privacy.sar``; another partner's request is 404."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.core.dates import people_date
from joinedup.privacy import sar as services
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.sar_export import SECTIONS
from joinedup.privacy.sar_selectors import SarFilters, sar_for, sar_log_for, sar_timeline
from joinedup.web import listing
from joinedup.web.current import partner_page

PERMISSION = "privacy.sar"
HEADER = ["Request", "Person id", "Person", "Status", "Received", "Identity asked", "Identity received",
          "Extended", "Due", "Overdue", "Closed"]  # fmt: skip


def _row(sar: SubjectAccessRequest, today: date) -> list[Any]:
    return [
        sar.pk, sar.person_id, sar.person.full_name, sar.get_status_display(), sar.received_on,
        sar.identity_requested_on, sar.identity_verified_on, sar.extended_on, sar.due_on,
        "yes" if sar.is_overdue(today) else "no", sar.closed_on,
    ]  # fmt: skip


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: "Give the date as YYYY-MM-DD."}) from None


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


SAR_SORTS = {
    "due": ("due_on", "received_on", "pk"),
    "received": ("received_on", "pk"),
    "status": ("status", "due_on", "pk"),
    "request": ("pk",),
    "person": ("person__family_name", "person__given_name", "pk"),
}


class SarListFilters(forms.Form):
    status = listing.filter_choice("Status", SarStatus.choices, every="Every status")
    open = listing.filter_choice("Open or closed", [("1", "Open only")], every="Open and closed")
    overdue = listing.filter_choice("Overdue", [("1", "Overdue only")], every="Overdue or not")
    person = listing.filter_text("Person", hint="Their name or person id")


def _narrow(found: QuerySet[SubjectAccessRequest], given: dict[str, Any]) -> QuerySet[SubjectAccessRequest]:
    person = given.get("person", "")
    if person.isdigit():
        return found.filter(person_id=int(person))
    for word in person.casefold().split():
        found = found.filter(person__search_name__contains=word)
    return found


@login_required
def sar_log(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            person = request.POST.get("person_id", "").strip()
            if not person.isdigit():
                raise ValidationError({"person_id": "Give the person's id, a whole number."})
            made = services.sar_log(
                actor=request.user,
                partner=partner,
                person_id=int(person),
                received_on=_day(request.POST.get("received_on", ""), "received_on"),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Request {made.pk} logged: due {people_date(made.due_on)}.")
            return redirect("web:privacy_sar", sar_id=made.pk)
    filters = SarListFilters(request.GET)
    given = listing.chosen(filters)
    # The home page's tiles link here with ?open=1 and ?overdue=1 (workspaces.oversight).
    found = sar_log_for(
        request.user,
        partner=partner,
        filters=SarFilters(
            status=given.get("status", ""),
            open_only=given.get("open") == "1",
            overdue_only=given.get("overdue") == "1",
        ),
        today=today,
    )
    listed = listing.list_page(
        request,
        found,
        sorts=SAR_SORTS,
        default="due",
        form=filters,
        narrow=_narrow,
        download=listing.Download(HEADER, lambda s: _row(s, today), f"subject-access-{partner.code.lower()}"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/privacy/sar/log.html",
        {
            **listed.context(),
            "partner": partner,
            "rows": [(s, s.is_overdue(today)) for s in listed.page],
            "today": today,
        },
    )


ACTIONS = ("identity_request", "identity_verified", "extend", "assemble", "release", "refuse", "withdraw")


def _act(request: HttpRequest, sar: SubjectAccessRequest, action: str) -> str:
    post, user = request.POST, request.user
    if action == "identity_request":
        services.sar_request_identity(actor=user, sar=sar, requested_on=_day(post.get("on", ""), "on"))
        return "Identity asked for: the clock is stopped until it arrives."
    if action == "identity_verified":
        services.sar_verify_identity(actor=user, sar=sar, verified_on=_day(post.get("on", ""), "on"))
        return "Identity confirmed: the month runs from that day."
    if action == "extend":
        services.sar_extend(
            actor=user, sar=sar, extended_on=_day(post.get("on", ""), "on"), reason=post.get("reason", "")
        )
        return "Extended by two further months."
    if action == "assemble":
        services.sar_assemble(actor=user, sar=sar)
        return "Export assembled: review it before release."
    if action == "release":
        services.sar_release(actor=user, sar=sar)
        return "Export released."
    if action == "refuse":
        services.sar_refuse(
            actor=user, sar=sar, refused_on=_day(post.get("on", ""), "on"), reason=post.get("reason", "")
        )
        return "Request refused."
    services.sar_withdraw(actor=user, sar=sar, withdrawn_on=_day(post.get("on", ""), "on"))
    return "Request withdrawn."


@login_required
def sar_page(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = sar_for(request.user, sar_id=sar_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Choose an action.")
        else:
            try:
                messages.success(request, _act(request, sar, action))
            except ValidationError as error:
                _errors(request, error)
            else:
                return redirect("web:privacy_sar", sar_id=sar.pk)
        sar = sar_for(request.user, sar_id=sar_id)
    today = timezone.localdate()
    return render(
        request,
        "web/privacy/sar/request.html",
        {
            "sar": sar,
            "overdue": sar.is_overdue(today),
            "timeline": sar_timeline(request.user, sar=sar),
            "today": today,
            "S": SarStatus,
        },
    )


@login_required
def sar_review(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = sar_for(request.user, sar_id=sar_id)
    if sar.status != SarStatus.READY_FOR_REVIEW:
        messages.error(request, "There is no assembled export waiting for review.")
        return redirect("web:privacy_sar", sar_id=sar.pk)
    export = services.export_of(request.user, sar)
    sections = [
        (name, export[name], json.dumps(export[name], indent=2, ensure_ascii=False)) for name in SECTIONS
    ]
    return render(
        request,
        "web/privacy/sar/review.html",
        {
            "sar": sar,
            "export": export,
            "person": json.dumps(export["person"], indent=2, ensure_ascii=False),
            "sections": sections,
        },
    )


@login_required
@require_POST
def sar_download(request: HttpRequest, sar_id: int) -> HttpResponse:
    """A POST, as the download writes (its audit event, or the deletion at expiry)."""
    sar = sar_for(request.user, sar_id=sar_id)
    try:
        download = services.sar_download(actor=request.user, sar=sar)
    except ValidationError as error:
        _errors(request, error)
        return redirect("web:privacy_sar", sar_id=sar.pk)
    if download.gone:
        response = render(request, "web/privacy/sar/gone.html", {"sar": sar}, status=410)
    else:
        response = HttpResponse(download.content, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
