"""A programme's costing (one-off costs and recurring savings by partner and financial year) and
its workforce-impact report (suppressed counts, with charts, CSV/XLSX and PDF). The costing is
for those who view the programme's change; the report also for the union representatives of its
partners, who see nothing else about its people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.change import costing_selectors, impact_selectors
from joinedup.change.impact import PEOPLE_TOTAL, chart_bars
from joinedup.change.impact_outputs import IMPACT_HEADER, impact_pdf
from joinedup.core.suppression import Table
from joinedup.web.current import current_partner
from joinedup.web.exports import export_response


@login_required
def costing(request: HttpRequest, programme_id: int) -> HttpResponse:
    view = costing_selectors.programme_costing_for(request.user, programme_id=programme_id)
    return render(request, "web/change/costing.html", {"view": view, "programme": view.programme})


@login_required
def impact(request: HttpRequest, programme_id: int) -> HttpResponse:
    report, choices = impact_selectors.impact_report_for(
        request.user, programme_id=programme_id, partner_code=_partner_code(request, programme_id)
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"workforce-impact-{programme_id}-{report.partner}"
        return export_response(fmt, IMPACT_HEADER, report.long_rows(), name)
    tables = [
        {"title": title, "table": table, "bars": chart_bars(table), "rows": _rows(table)}
        for title, table in report.people
    ]
    return render(
        request,
        "web/change/impact.html",
        {
            "report": report,
            "tables": tables,
            "choices": choices,
            "programme_id": programme_id,
            "total_label": PEOPLE_TOTAL,
        },
    )


@login_required
def impact_pdf_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    report, _ = impact_selectors.impact_report_for(
        request.user, programme_id=programme_id, partner_code=_partner_code(request, programme_id)
    )
    response = HttpResponse(impact_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="workforce-impact-{programme_id}.pdf"'
    return response


def _partner_code(request: HttpRequest, programme_id: int) -> str:
    """The partner asked for, else the partner the user is working on when the report may be
    read there, else the first whose report the user may read (the selector decides)."""
    asked = request.GET.get("partner", "")
    if asked:
        return asked
    here = current_partner(request)
    programme = impact_selectors.programme_for(request.user, programme_id=programme_id)
    codes = [p.code for p in impact_selectors.partners_reportable(request.user, programme)]
    return here.code if here is not None and here.code in codes else ""


def _rows(table: Table) -> list[dict[str, object]]:
    width = len(table.columns) + 1
    labels = [*table.rows, "All"]
    return [
        {"group": labels[r], "cells": [table.text(r, c) for c in range(width)]} for r in range(len(labels))
    ]
