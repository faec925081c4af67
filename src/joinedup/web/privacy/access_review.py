"""The access review's pages (issue 17): the data-protection officer's page of a partner — who
holds which role, the sensitive reads filtered by date (both with CSV/XLSX), its reviews and the
form that opens one — and a review's page, where its nominated manager certifies or revokes each
line. ``privacy.access_review`` opens the partner page; a review is open to the DPO and to its
nominee; another partner's review is 404."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.partnership.models import Membership, Partner, Role
from joinedup.partnership.permissions import has_permission
from joinedup.privacy import access_review as services
from joinedup.privacy.access_review_selectors import (
    SensitiveRead,
    line_of,
    lines_of,
    review_for,
    reviews_for,
    reviews_nominated,
    role_holders_for,
    sensitive_reads_for,
)
from joinedup.privacy.models import AccessReview, ReviewStatus
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response

PERMISSION = services.PERMISSION
ROLE_HEADER = ["User id", "Username", "Name", "Role", "Held since"]
READ_HEADER = ["When", "Reader id", "Reader", "What", "Subject"]
PAGE_ROWS = 500


def _role_row(m: Membership) -> list[Any]:
    return [m.user_id, m.user.username, m.user.get_full_name(), m.get_role_display(), m.created_at]


def _read_row(r: SensitiveRead) -> list[Any]:
    return [r.at, r.reader_id, r.reader, r.what, r.subject]


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: "Give the date as YYYY-MM-DD."}) from None


def _period(request: HttpRequest) -> tuple[date | None, date | None, list[str]]:
    try:
        return _day(request.GET.get("since", ""), "since"), _day(request.GET.get("until", ""), "until"), []
    except ValidationError as error:
        return None, None, error.messages


def _format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    return fmt


def _open(request: HttpRequest, partner: Partner) -> AccessReview | None:
    try:
        nominee = request.POST.get("nominee_id", "").strip()
        if not nominee.isdigit():
            raise ValidationError({"nominee_id": "Choose the nominated manager."})
        due_on = _day(request.POST.get("due_on", ""), "due_on")
        if due_on is None:
            raise ValidationError({"due_on": "Give the due date."})
        return services.review_open(
            actor=request.user, partner=partner, nominee_id=int(nominee), due_on=due_on
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None


class RoleFilters(forms.Form):
    role = listing.filter_choice("Role", Role.choices, every="Every role")
    search = listing.filter_text("User", hint="Their username or name")


ROLE_SORTS = {
    "user": ("user__username", "role", "pk"),
    "role": ("role", "user__username", "pk"),
    "since": ("created_at", "pk"),
}


def _narrow(found: QuerySet[Membership], given: dict[str, Any]) -> QuerySet[Membership]:
    if given.get("role"):
        found = found.filter(role=given["role"])
    for word in given.get("search", "").split():
        found = found.filter(
            Q(user__username__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return found


@login_required
def access_review(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    if request.method == "POST":
        made = _open(request, partner)
        if made is not None:
            messages.success(request, f"Access review {made.pk} opened: due {people_date(made.due_on)}.")
            return redirect("web:privacy_access_review_page", review_id=made.pk)
    since, until, errors = _period(request)
    holders = role_holders_for(request.user, partner=partner)
    filters = RoleFilters(request.GET)
    listed = listing.list_page(
        request,
        holders,
        sorts=ROLE_SORTS,
        default="user",
        form=filters,
        narrow=_narrow,
        download=listing.Download(ROLE_HEADER, _role_row, f"roles-{partner.code.lower()}"),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    reads = sensitive_reads_for(request.user, partner=partner, since=since, until=until)[:PAGE_ROWS]
    members = sorted({(m.user_id, m.user.username) for m in holders}, key=lambda u: u[1])
    reads_query = urlencode({k: v for k, v in request.GET.items() if k in ("since", "until")})
    return render(
        request,
        "web/privacy/access_review/partner.html",
        {
            **listed.context(),
            "partner": partner,
            "reads": reads,
            "page_rows": PAGE_ROWS,
            "since": since,
            "until": until,
            "errors": errors,
            "reads_query": reads_query,
            "reviews": reviews_for(request.user, partner=partner),
            "members": members,
            "today": timezone.localdate(),
        },
    )


@login_required
def roles_export(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    rows = (_role_row(m) for m in role_holders_for(request.user, partner=partner))
    return export_response(_format(fmt), ROLE_HEADER, rows, f"roles-{partner.code}-{timezone.localdate()}")


@login_required
def reads_export(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    since, until, errors = _period(request)
    if errors:
        raise Http404(errors[0])
    rows = (
        _read_row(r) for r in sensitive_reads_for(request.user, partner=partner, since=since, until=until)
    )
    return export_response(_format(fmt), READ_HEADER, rows, f"sensitive-reads-{partner.code}")


@login_required
def nominated(request: HttpRequest) -> HttpResponse:
    """The reviews the signed-in user is the nominated manager of."""
    return render(
        request, "web/privacy/access_review/mine.html", {"reviews": reviews_nominated(request.user)}
    )


@login_required
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for(request.user, review_id=review_id)
    if request.method == "POST":
        action, line_id = request.POST.get("action", ""), request.POST.get("line_id", "").strip()
        if action not in ("certify", "revoke") or not line_id.isdigit():
            messages.error(request, "Choose a line and whether to certify or revoke it.")
        else:
            line = line_of(request.user, review=review, line_id=int(line_id))
            decide = services.line_certify if action == "certify" else services.line_revoke
            try:
                decide(actor=request.user, line=line)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, f"{line.user.username}: {line.role} {action}d.")
                return redirect("web:privacy_access_review_page", review_id=review.pk)
    today = timezone.localdate()
    return render(
        request,
        "web/privacy/access_review/review.html",
        {
            "review": review,
            "lines": lines_of(request.user, review=review),
            "is_nominee": request.user.pk == review.nominee_id,
            "decidable": review.status == ReviewStatus.OPEN and today <= review.due_on,
            "is_dpo": has_permission(request.user, PERMISSION, review.partner_id),
        },
    )
