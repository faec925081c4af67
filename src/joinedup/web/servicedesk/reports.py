"""The monthly service-level report page (issue 15, "Reports"): per service and priority for the
current partner, or, with ``across=all``, summed over every partner the reader reports on (the
shared-services body's view); a month picker (the last whole month by default), a bar chart of
resolutions met and breached, CSV/XLSX downloads of the table and a PDF for the partnership board
(report_pdf.py); the requesters' satisfaction per partner and service (share and mean left out
under five answers), downloadable with its comments (``?table=satisfaction`` / ``comments``).
``servicedesk.reports``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from joinedup.core.dates import people_month
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.levels import SERVICE_LABELS
from joinedup.servicedesk.reports import (
    PERMISSION,
    ServiceLevelReport,
    satisfaction_comments,
    service_level_report,
)
from joinedup.servicedesk.service_levels import (
    BUCKETS,
    SATISFACTION_MIN_ANSWERS,
    Row,
    SatisfactionRow,
    last_whole_month,
)
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.servicedesk.report_pdf import pdf_response

MONTH = re.compile(r"(\d{4})-(\d{2})")
EXPORT_HEADER = [
    "Service",
    "Priority",
    "Raised",
    "Resolved",
    "Open at month end",
    "Response met",
    "Response breached",
    "Resolution met",
    "Resolution breached",
    "Response median (business minutes)",
    "Response 90th percentile",
    "Resolution median (business minutes)",
    "Resolution 90th percentile",
    *(f"Backlog {b} business days" for b in BUCKETS),
    "Raised before any agreement",
]
BAR_WIDTH = 400
# The satisfaction tables' exports (``?table=satisfaction`` or ``comments`` with the format).
SATISFACTION_HEADER = [
    "Partner",
    "Service",
    "Answers",
    "Satisfied or very satisfied (%)",
    "Mean score (5 very satisfied, 1 very dissatisfied)",
    "Note",
]
COMMENTS_HEADER = ["Partner", "Ticket", "Service", "Resolved", "Answer", "Comment"]
FEWER = f"fewer than {SATISFACTION_MIN_ANSWERS} answers"


def chosen_month(text: str, today: date) -> tuple[int, int]:
    """``YYYY-MM`` when it reads as a month, else the last whole month before ``today``."""
    found = MONTH.fullmatch(text or "")
    if found and 1 <= int(found[2]) <= 12 and 2000 <= int(found[1]) <= 2100:
        return int(found[1]), int(found[2])
    return last_whole_month(today)


def export_rows(report: ServiceLevelReport) -> list[list[Any]]:
    return [
        [
            SERVICE_LABELS.get(r.service, r.service),
            r.priority.upper(),
            r.raised,
            r.resolved,
            r.open_at_end,
            r.response_met,
            r.response_breached,
            r.resolution_met,
            r.resolution_breached,
            r.response_median,
            r.response_p90,
            r.resolution_median,
            r.resolution_p90,
            *(r.backlog[b] for b in BUCKETS),
            r.no_agreement,
        ]
        for r in report.rows
    ]


def _partner_codes(ids: list[int]) -> dict[int, str]:
    return dict(Partner.objects.filter(pk__in=ids).values_list("pk", "code"))


def satisfaction_table(report: ServiceLevelReport) -> list[tuple[str, str, SatisfactionRow]]:
    """(partner code, service label, row) for the page and the export."""
    codes = _partner_codes(report.partner_ids)
    return [
        (codes.get(r.partner, str(r.partner)), SERVICE_LABELS.get(r.service, r.service), r)
        for r in report.satisfaction
    ]


def satisfaction_export_rows(report: ServiceLevelReport) -> list[list[Any]]:
    return [
        [code, label, r.answers, r.share_satisfied, r.mean_score, FEWER if r.suppressed else ""]
        for code, label, r in satisfaction_table(report)
    ]


def comments_export_rows(actor: Any, partner: Partner | None, year: int, month: int) -> list[list[Any]]:
    found = satisfaction_comments(actor=actor, partner=partner, year=year, month=month)
    codes = _partner_codes(sorted({c.partner_id for c in found}))
    return [
        [
            codes.get(c.partner_id, ""),
            c.reference,
            SERVICE_LABELS.get(c.service, c.service),
            c.resolved_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
            c.answer,
            c.comment,
        ]
        for c in found
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    met: int
    breached: int
    met_width: int
    breached_width: int
    y: int


def bars(rows: list[Row]) -> list[Bar]:
    """One bar a row: resolutions met then breached, scaled to the largest row's total."""
    most = max((r.resolution_met + r.resolution_breached for r in rows), default=0) or 1
    return [
        Bar(
            label=f"{SERVICE_LABELS.get(r.service, r.service)} {r.priority.upper()}",
            met=r.resolution_met,
            breached=r.resolution_breached,
            met_width=r.resolution_met * BAR_WIDTH // most,
            breached_width=r.resolution_breached * BAR_WIDTH // most,
            y=n * 28,
        )
        for n, r in enumerate(rows)
    ]


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    year, month = chosen_month(request.GET.get("month", ""), timezone.localdate())
    readable = partner_ids_with(request.user, PERMISSION)
    across = request.GET.get("across") == "all" and len(readable) > 1
    report = service_level_report(
        actor=request.user, partner=None if across else partner, year=year, month=month
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        scope = "all-partners" if across else partner.code
        table = request.GET.get("table", "")
        if table == "satisfaction":
            return export_response(
                fmt,
                SATISFACTION_HEADER,
                satisfaction_export_rows(report),
                f"satisfaction-{scope}-{year}-{month:02d}",
            )
        if table == "comments":
            return export_response(
                fmt,
                COMMENTS_HEADER,
                comments_export_rows(request.user, None if across else partner, year, month),
                f"satisfaction-comments-{scope}-{year}-{month:02d}",
            )
        return export_response(
            fmt, EXPORT_HEADER, export_rows(report), f"service-levels-{scope}-{year}-{month:02d}"
        )
    if fmt == "pdf":
        return pdf_response(
            request,
            report=report,
            partner=partner,
            across=across,
            month_label=people_month(date(year, month, 1)),
        )
    chart = bars(report.rows)
    return render(
        request,
        "web/servicedesk/reports.html",
        {
            "partner": partner,
            "report": report,
            "month": f"{year}-{month:02d}",
            "month_label": people_month(date(year, month, 1)),
            "across": across,
            "may_go_across": len(readable) > 1,
            "buckets": BUCKETS,
            "table": [(SERVICE_LABELS.get(r.service, r.service), r) for r in report.rows],
            "bars": chart,
            "chart_height": max(len(chart), 1) * 28,
            "bar_width": BAR_WIDTH,
            "satisfaction": satisfaction_table(report),
            "fewer": FEWER,
        },
    )
