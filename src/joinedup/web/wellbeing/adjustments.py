"""The register of workplace adjustments occupational health's cases opened (issue 16: "the case
can open an adjustment record that HR sees without clinical content"), under /wellbeing/.

- HR officers (``wellbeing.adjustments``) and occupational health of the current partner: every
  adjustment of the partner;
- line managers (``wellbeing.adjustments_team``): their own team's.

Each row is the person, their post (job title and team), the adjustment in the employer's words,
when it starts, when it is reviewed, and where that stands today; never the case, its notes or its
report. Filters (status, a name or payroll number), 50 a page, CSV/XLSX of every filtered row
through web/exports.py (cells that would start a formula are neutralised there)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
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


def _filters(request: HttpRequest) -> tuple[str, str]:
    status = request.GET.get("status", "")
    status = status if status in {s.value for s in AdjustmentStatus} else ""
    return status, request.GET.get("q", "").strip()[:100]


def _respond(
    request: HttpRequest,
    found: QuerySet[AdjustmentRecord],
    *,
    as_of: date,
    status: str,
    search: str,
    title: str,
    name: str,
    context: dict[str, Any],
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return export_response(fmt, HEADER, _rows(found, as_of), f"{name}-{as_of}")
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/wellbeing/adjustments.html",
        {
            **context,
            "title": title,
            "page": page,
            "rows": [(r, adjustment_row(r, as_of=as_of)) for r in page],
            "statuses": [(s.value, ADJUSTMENT_STATUS_LABELS[s]) for s in AdjustmentStatus],
            "status": status,
            "search": search,
            "as_of": as_of,
            "query": urlencode({k: v for k, v in (("status", status), ("q", search)) if v}),
        },
    )


def _rows(found: Iterable[AdjustmentRecord], as_of: date) -> list[list[Any]]:
    return [adjustment_row(r, as_of=as_of) for r in found]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request)
    as_of = timezone.localdate()
    status, search = _filters(request)
    found = selectors.adjustment_register(
        request.user, partner=partner, as_of=as_of, status=status, search=search
    )
    return _respond(
        request,
        found,
        as_of=as_of,
        status=status,
        search=search,
        title="Workplace adjustments",
        name=f"workplace-adjustments-{partner.code}",
        context={"partner": partner},
    )


@login_required
def team_register(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    status, search = _filters(request)
    found = selectors.team_adjustments(request.user, as_of=as_of, status=status, search=search)
    return _respond(
        request,
        found,
        as_of=as_of,
        status=status,
        search=search,
        title="Your team's workplace adjustments",
        name="team-workplace-adjustments",
        context={"partner": None},
    )
