"""A partner's monthly service-level report over JSON (issue 15, "Reports"): per service and
priority, as at the month's end (servicedesk/service_levels.py gives the rules). Reading needs
``servicedesk.reports`` on the partner; a partner the caller holds no role on answers 404."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Router, Schema

from joinedup.core.dates import people_month
from joinedup.partnership.selectors import partner_for
from joinedup.servicedesk.report_pdf import Section, service_level_pdf
from joinedup.servicedesk.reports import service_level_report
from joinedup.servicedesk.service_levels import BUCKETS, SATISFACTION_MIN_ANSWERS, last_whole_month

router = Router(tags=["service desk"])
MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"


class ServiceLevelRowOut(Schema):
    service: str
    priority: str
    raised: int
    resolved: int
    open_at_end: int
    no_agreement: int
    response_met: int
    response_breached: int
    resolution_met: int
    resolution_breached: int
    response_median_minutes: int | None
    response_p90_minutes: int | None
    resolution_median_minutes: int | None
    resolution_p90_minutes: int | None
    backlog_business_days: dict[str, int]


class SatisfactionRowOut(Schema):
    service: str
    answers: int
    satisfied: int
    # Percent to one place and the mean of 1-5 to two; null under satisfaction_minimum_answers.
    satisfied_percent: Decimal | None
    mean_score: Decimal | None


class ServiceLevelReportOut(Schema):
    partner_id: int
    month: str
    start: datetime
    end: datetime
    percentile_method: str
    backlog_buckets: list[str]
    rows: list[ServiceLevelRowOut]
    satisfaction_minimum_answers: int
    satisfaction: list[SatisfactionRowOut]


@router.get("/servicedesk/partners/{partner_id}/reports/service-levels", response=ServiceLevelReportOut)
def service_levels_report(request: HttpRequest, partner_id: int, month: str = "") -> dict[str, Any]:
    """The month's (``YYYY-MM``, Europe/London; the last whole month by default) service levels
    per service and priority, as at the month's end: running it again later gives the same
    figures."""
    partner = partner_for(request.user, partner_id=partner_id)
    if month and not re.fullmatch(MONTH_PATTERN, month):
        raise ValidationError({"month": "Give the month as YYYY-MM, e.g. 2026-11."})
    year, number = (int(month[:4]), int(month[5:])) if month else last_whole_month(timezone.localdate())
    month = f"{year}-{number:02d}"
    report = service_level_report(actor=request.user, partner=partner, year=year, month=number)
    return {
        "partner_id": partner.pk,
        "month": month,
        "start": report.start,
        "end": report.end,
        "percentile_method": "nearest rank",
        "backlog_buckets": list(BUCKETS),
        "rows": [
            {
                "service": r.service,
                "priority": r.priority,
                "raised": r.raised,
                "resolved": r.resolved,
                "open_at_end": r.open_at_end,
                "no_agreement": r.no_agreement,
                "response_met": r.response_met,
                "response_breached": r.response_breached,
                "resolution_met": r.resolution_met,
                "resolution_breached": r.resolution_breached,
                "response_median_minutes": r.response_median,
                "response_p90_minutes": r.response_p90,
                "resolution_median_minutes": r.resolution_median,
                "resolution_p90_minutes": r.resolution_p90,
                "backlog_business_days": r.backlog,
            }
            for r in report.rows
        ],
        "satisfaction_minimum_answers": SATISFACTION_MIN_ANSWERS,
        # Per service: the requesters' answers about the month's resolutions.
        "satisfaction": [
            {
                "service": r.service,
                "answers": r.answers,
                "satisfied": r.satisfied,
                "satisfied_percent": r.share_satisfied,
                "mean_score": r.mean_score,
            }
            for r in report.satisfaction
        ],
    }


@router.get("/servicedesk/partners/{partner_id}/reports/service-levels.pdf", response={200: None})
def service_levels_report_pdf(request: HttpRequest, partner_id: int, month: str = "") -> HttpResponse:
    """The same month's report as the partnership board's PDF (the figures above, laid out)."""
    partner = partner_for(request.user, partner_id=partner_id)
    if month and not re.fullmatch(MONTH_PATTERN, month):
        raise ValidationError({"month": "Give the month as YYYY-MM, e.g. 2026-11."})
    year, number = (int(month[:4]), int(month[5:])) if month else last_whole_month(timezone.localdate())
    report = service_level_report(actor=request.user, partner=partner, year=year, month=number)
    content = service_level_pdf(
        partners=partner.name,
        month_label=people_month(date(year, number, 1)),
        sections=[Section(partner.name, report)],
        now=timezone.now(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"service-levels-{partner.code}-{year}-{number:02d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, no_store=True)
    return response
