"""The data-protection officer's subject-access pages (issue 17): the partner's log (due dates,
overdue highlighted, filters, CSV/XLSX), one request with its timeline and actions, the review of
its assembled export, and the download of the released export (never cached: the security
headers middleware sends ``Cache-Control: no-store`` on every signed-in response, and the
download says so itself). Everything needs ``privacy.sar``; another partner's request is 404."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.privacy import sar as services
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.sar_export import SECTIONS
from joinedup.privacy.sar_selectors import SarFilters, sar_for, sar_log_for, sar_timeline
from joinedup.web import filtering
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.sorting import sort_from

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
}


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
            messages.success(request, f"Request {made.pk} logged: due {made.due_on:%-d %B %Y}.")
            return redirect("web:privacy_sar", sar_id=made.pk)
    status = request.GET.get("status", "")
    status = status if status in SarStatus.values else ""
    filters = SarFilters(
        status=status,
        open_only=request.GET.get("open") == "1",
        overdue_only=request.GET.get("overdue") == "1",
    )
    found = sar_log_for(request.user, partner=partner, filters=filters, today=today)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return export_response(
            fmt, HEADER, (_row(s, today) for s in found), f"subject-access-{partner.code}-{today}"
        )
    kept = ("status", "open", "overdue")
    filter_query = urlencode({k: v for k, v in request.GET.items() if k in kept and v})
    # Paged, so sorted by the server (web/sorting.py): soonest due first unless asked.
    sort = sort_from(request, SAR_SORTS, default="due", query=filter_query)
    page = Paginator(found.order_by(*sort.order_by), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/privacy/sar/log.html",
        {
            "partner": partner,
            "page": page,
            "rows": [(s, s.is_overdue(today)) for s in page],
            "sort": sort,
            "query": f"{filter_query}&{sort.params}" if filter_query else sort.params,
            "filter_query": filter_query,
            "filters": filtering.filters(
                request,
                [
                    ("status", "Status", SarStatus(status).label if status else ""),
                    ("open", "Open", "Open only" if filters.open_only else ""),
                    ("overdue", "Overdue", "Overdue only" if filters.overdue_only else ""),
                ],
            ),
            "statuses": SarStatus.choices,
            "status": status,
            "open": filters.open_only,
            "overdue": filters.overdue_only,
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
