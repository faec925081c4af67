"""The register of workplace adjustments occupational health's cases opened (issue 16: "the case
can open an adjustment record that HR sees without clinical content"), under /wellbeing/.

- HR officers (``wellbeing.adjustments``) and occupational health of the current partner: every
  adjustment of the partner;
- line managers (``wellbeing.adjustments_team``): their own team's.

Each row is the person, their post (job title and team), the adjustment in the employer's words,
when it starts, when it is reviewed, and where that stands today; never the case, its notes or its
report. Filters (status, a name or payroll number), 50 a page sorted by the server (a manager's
team all on one, sorted in the browser), CSV/XLSX of every filtered row through web/listing.py
(cells that would start a formula are neutralised there)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.wellbeing import selectors
from joinedup.wellbeing.models import AdjustmentRecord
from joinedup.wellbeing.selectors import ADJUSTMENT_STATUS_LABELS, AdjustmentStatus, adjustment_status

PAGE = 50
HEADER = ["Name", "Payroll number", "Post", "Team", "Adjustment", "Starts", "Review", "Status"]


def adjustment_row(record: AdjustmentRecord, *, as_of: date) -> list[Any]:
    employment = record.employment
    status = adjustment_status(record.starts_on, record.review_on, as_of=as_of)
    return [
        employment.person.full_name,
        employment.payroll_number,
        employment.job_title,
        employment.org_unit.name if employment.org_unit else "",
        record.what,
        record.starts_on,
        record.review_on,
        ADJUSTMENT_STATUS_LABELS[status],
    ]


class AdjustmentFilters(forms.Form):
    status = listing.filter_choice(
        "Status", [(s.value, ADJUSTMENT_STATUS_LABELS[s]) for s in AdjustmentStatus], every="Any status"
    )
    q = listing.filter_text("Name or payroll number")


# Soonest review first, those with no review last (the selector's own order), as a sort key.
_NO_REVIEW = date(9999, 12, 31)
ADJUSTMENT_SORTS = {
    "review": ("review_key", "pk"),
    "name": ("employment__person__family_name", "employment__person__given_name", "pk"),
    "starts": ("starts_on", "pk"),
}
# A manager's team is bounded, so its register is all on one page and sorted in the browser.
TEAM_ROWS = 1000


def _respond(
    request: HttpRequest,
    found: Callable[[str, str], QuerySet[AdjustmentRecord]],
    *,
    as_of: date,
    title: str,
    name: str,
    context: dict[str, Any],
    per_page: int = PAGE,
) -> HttpResponse:
    filters = AdjustmentFilters(request.GET)
    given = listing.chosen(filters)
    rows = found(given.get("status", ""), given.get("q", ""))
    listed = listing.list_page(
        request,
        rows.annotate(review_key=Coalesce("review_on", Value(_NO_REVIEW))),
        sorts=ADJUSTMENT_SORTS,
        default="review",
        form=filters,
        download=listing.Download(HEADER, lambda r: adjustment_row(r, as_of=as_of), f"{name}-{as_of}"),
        per_page=per_page,
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/wellbeing/adjustments.html",
        {
            **context,
            **listed.context(),
            "title": title,
            "rows": [(r, adjustment_row(r, as_of=as_of)) for r in listed.page],
            "as_of": as_of,
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request)
    as_of = timezone.localdate()
    return _respond(
        request,
        lambda status, search: selectors.adjustment_register(
            request.user, partner=partner, as_of=as_of, status=status, search=search
        ),
        as_of=as_of,
        title="Workplace adjustments",
        name=f"workplace-adjustments-{partner.code}",
        context={"partner": partner},
    )


@login_required
def team_register(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    return _respond(
        request,
        lambda status, search: selectors.team_adjustments(
            request.user, as_of=as_of, status=status, search=search
        ),
        as_of=as_of,
        title="Your team's workplace adjustments",
        name="team-workplace-adjustments",
        context={"partner": None, "short": True},
        per_page=TEAM_ROWS,
    )
