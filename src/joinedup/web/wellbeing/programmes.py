"""Wellbeing-programme pages (issue 16), under /wellbeing/programmes/.

- OH administrators (``wellbeing.programmes`` on the current partner): the partner's programmes
  (add one, close or reopen it), a month's counts entered by measure and reason, and counts
  imported from a file, all or nothing, with every problem by row (the shared upload form).
- The usage report, for those with ``wellbeing.usage_reports`` or ``reports.view_aggregate``
  (a union representative) on the current partner: the table as ``core.suppression`` publishes
  it, every hidden cell shown as [c] as the workforce-impact report does, a chart of the reason
  totals that are shown, and CSV/XLSX of that same suppressed table: no download carries a
  number the page hides.

Pages are ``Cache-Control: no-store`` (core.middleware.SecurityHeadersMiddleware, every signed-in page)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_month
from joinedup.core.suppression import HIDDEN, Table
from joinedup.partnership.permissions import authorise
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, UploadForm, choice_field, submit, text_field
from joinedup.wellbeing import programme_selectors as selectors
from joinedup.wellbeing import programmes as services
from joinedup.wellbeing.models import ProgrammeService, UsageMeasure, UsageReason, WellbeingProgramme
from joinedup.wellbeing.schedule import add_months

MANAGE = selectors.MANAGE
MONTH = re.compile(r"(\d{4})-(\d{2})")
ALL = "All programmes"
BAR_WIDTH = 300
MEASURE_LABELS = dict(UsageMeasure.choices)
SERVICE_LABELS = dict(ProgrammeService.choices)


def chosen_month(text: str, default: date) -> date:
    """The first day of ``YYYY-MM`` when it reads as a month, else ``default``."""
    found = MONTH.fullmatch(text or "")
    if found and 1 <= int(found[2]) <= 12 and 2000 <= int(found[1]) <= 2100:
        return date(int(found[1]), int(found[2]), 1)
    return default


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


# --- forms --------------------------------------------------------------------------------------


class ProgrammeForm(GovukForm):
    name = text_field("Name", max_length=200)
    service = choice_field("Service", ProgrammeService.choices)
    provider = text_field("Provider (optional)", max_length=200, required=False)


class CountsForm(GovukForm):
    month = forms.RegexField(
        label="Month",
        regex=MONTH,
        help_text="Year and month, like 2026-10.",
        error_messages={"required": "Enter the month.", "invalid": "Enter the month like 2026-10."},
    )
    measure = choice_field("What is counted", UsageMeasure.choices, what="measure")

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        for reason in UsageReason:
            self.fields[reason.value] = forms.IntegerField(
                label=f"{reason.label} (optional)",
                required=False,
                min_value=0,
                max_value=services.MAX_COUNT,
                error_messages={
                    "invalid": "Enter a whole number.",
                    "min_value": f"Enter a count from 0 to {services.MAX_COUNT:,}.",
                    "max_value": f"Enter a count from 0 to {services.MAX_COUNT:,}.",
                },
            )

    def counts(self) -> dict[str, int]:
        return {
            r.value: self.cleaned_data[r.value] for r in UsageReason if self.cleaned_data[r.value] is not None
        }


# --- OH administrators --------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    form = ProgrammeForm(_posted(request, "programme"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        made = submit(
            form,
            lambda: services.programme_create(
                actor=request.user,
                partner=partner,
                name=data["name"],
                service=data["service"],
                provider=data["provider"],
            ),
        )
        if made is not None:
            messages.success(request, f"{made.name} added.")
            return redirect("web:wellbeing_programme", wellbeing_programme_id=made.pk)
    return render(
        request,
        "web/wellbeing/programmes/list.html",
        {
            "partner": partner,
            "programmes": [
                (p, SERVICE_LABELS.get(p.service, p.service))
                for p in selectors.programmes_for(request.user, partner=partner)
            ],
            "form": form,
        },
    )


def _programme_post(
    request: HttpRequest, programme: WellbeingProgramme, form: CountsForm
) -> HttpResponse | None:
    if request.method != "POST":
        return None
    authorise(request.user, MANAGE, programme.partner_id)
    if request.POST.get("form") in ("close", "reopen"):
        services.programme_set_active(
            actor=request.user, programme=programme, active=request.POST["form"] == "reopen"
        )
        messages.success(request, f"{programme.name} is {'open' if programme.active else 'closed'}.")
        return redirect("web:wellbeing_programme", wellbeing_programme_id=programme.pk)
    if form.is_bound and form.is_valid():
        month = chosen_month(form.cleaned_data["month"], date(1, 1, 1))
        if month.year == 1:
            form.add_error("month", "Enter the month like 2026-10.")
            return None
        changed = submit(
            form,
            lambda: services.usage_record(
                actor=request.user,
                programme=programme,
                month=month,
                measure=form.cleaned_data["measure"],
                counts=form.counts(),
            ),
        )
        if changed is not None:
            messages.success(request, f"{len(changed)} count(s) changed for {people_month(month)}.")
            return redirect("web:wellbeing_programme", wellbeing_programme_id=programme.pk)
    return None


@login_required
def programme_page(request: HttpRequest, wellbeing_programme_id: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, programme_id=wellbeing_programme_id)
    form = CountsForm(_posted(request, "counts"))
    response = _programme_post(request, programme, form)
    if response is not None:
        return response
    this_month = timezone.localdate().replace(day=1)
    entries = selectors.usage_entries(
        request.user,
        programme_id=programme.pk,
        first_month=add_months(this_month, -11),
        last_month=this_month,
    )
    reasons = dict(UsageReason.choices)
    return render(
        request,
        "web/wellbeing/programmes/programme.html",
        {
            "partner": programme.partner,
            "programme": programme,
            "service": SERVICE_LABELS.get(programme.service, programme.service),
            "entries": [
                (u, MEASURE_LABELS.get(u.measure, u.measure), reasons.get(u.reason, u.reason))
                for u in entries
            ],
            "form": form,
            "reason_fields": [form[r.value] for r in UsageReason],
        },
    )


@login_required
def usage_import(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    sent = request.method == "POST"
    form = UploadForm(request.POST if sent else None, request.FILES if sent else None)
    result = None
    if sent and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "upload"
        result = services.usage_import_file(
            actor=request.user, partner=partner, source=upload.read(), filename=name
        )
        if result.ok:
            messages.success(request, f"{result.rows} count(s) imported from {name}.")
            return redirect("web:wellbeing_programmes")
    return render(
        request,
        "web/wellbeing/programmes/import.html",
        {"form": form, "partner": partner, "result": result, "columns": services.USAGE_COLUMNS.columns},
    )


# --- the usage report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    width: int
    y: int


def total_bars(table: Table) -> list[Bar]:
    """A bar a reason for its total over every programme, drawn only when the table shows that
    total; a hidden one is labelled [c] with no bar, so the chart gives nothing away either."""
    total_column = len(table.columns)
    shown = [table.shown(r, total_column) for r in table.body_rows]
    most = max((v for v in shown if v is not None), default=0) or 1
    return [
        Bar(
            label=table.rows[r],
            text=HIDDEN if value is None else str(value),
            width=0 if value is None else value * BAR_WIDTH // most,
            y=r * 24,
        )
        for r, value in zip(table.body_rows, shown, strict=True)
    ]


def published_rows(table: Table) -> list[list[Any]]:
    """The table as published: a row a reason and the totals row, each cell its number or [c]."""
    labels = [*table.rows, ALL]
    return [
        [labels[r], *(HIDDEN if v is None else v for v in line)] for r, line in enumerate(table.published())
    ]


@login_required
def usage_report(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request)
    this_month = timezone.localdate().replace(day=1)
    last = chosen_month(request.GET.get("to", ""), this_month)
    first = chosen_month(request.GET.get("from", ""), add_months(last, -11))
    if first > last:
        first = last
    measure = request.GET.get("measure", "")
    measure = measure if measure in UsageMeasure.values else UsageMeasure.REFERRALS
    report = selectors.usage_report(
        request.user, partner=partner, first_month=first, last_month=last, measure=measure
    )
    header = ["Reason", *report.table.columns, ALL]
    rows = published_rows(report.table)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        name = f"wellbeing-{measure}-{partner.code}-{first:%Y-%m}-to-{last:%Y-%m}"
        return export_response(fmt, header, rows, name)
    bars = total_bars(report.table)
    return render(
        request,
        "web/wellbeing/programmes/usage.html",
        {
            "partner": partner,
            "report": report,
            "measure_label": MEASURE_LABELS[measure],
            "measures": UsageMeasure.choices,
            "header": header,
            "rows": rows,
            "bars": bars,
            "bar_width": BAR_WIDTH,
            "chart_height": max(len(bars), 1) * 24,
            "first": f"{first:%Y-%m}",
            "last": f"{last:%Y-%m}",
        },
    )
