"""The component library's page (/components/): every component of web/components/ drawn with
made-up figures, so a change to one is seen in one place. Nothing on it comes from a partner.

Also the shape the timeline component reads (TimelineItem), for views that show a history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from joinedup.web.current import partner_page
from joinedup.web.filtering import Chosen, Filters
from joinedup.web.sorting import Sort
from joinedup.web.templatetags.components import STATUS_COLOURS


@dataclass(frozen=True)
class TimelineItem:
    title: str
    when: datetime
    byline: str = ""
    description: str = ""


@dataclass(frozen=True)
class SampleRow:
    name: str
    started: date
    salary: Decimal
    status: str


SAMPLE_ROWS = (
    SampleRow("Alex Example", date(2019, 4, 1), Decimal("31250.00"), "active"),
    SampleRow("Jo Placeholder", date(2021, 1, 4), Decimal("41999.99"), "closed"),
    SampleRow("Sam Sample", date(2023, 11, 25), Decimal("28704.50"), "pending"),
)


def _sample_timeline() -> list[TimelineItem]:
    when = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    return [
        TimelineItem("payrun.approve", when, "payroll.manager", "PayRun 12"),
        TimelineItem("payrun.calculate", when.replace(hour=9, minute=5), "payroll.officer", "PayRun 12"),
    ]


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    # Staff only: a signed-in user with a role on some partner (the partner is not used).
    partner_page(request)
    sort = Sort("name", False, {"name": ("name",), "started": ("started",)}, query="section=sortable")
    statuses: dict[str, list[str]] = {}
    for key, colour in STATUS_COLOURS.items():
        statuses.setdefault(colour, []).append(key)
    context = {
        "rows": SAMPLE_ROWS,
        "sort": sort,
        "statuses": sorted(statuses.items()),
        "timeline": _sample_timeline(),
        "sample_day": date(2026, 11, 25),
        "sample_moment": datetime(2026, 6, 30, 13, 30, tzinfo=UTC),
        "sample_amount": Decimal("1234.56"),
        "sample_pence": 123456,
        "sample_filters": Filters(
            chosen=[Chosen("Status", "Active", reverse("web:components"))], clear=reverse("web:components")
        ),
    }
    return render(request, "web/components/library.html", context)
