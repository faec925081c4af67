"""Year-end pages: an employer's P60s for a tax year, a P60's PDF, and a leaver's P45."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from joinedup.payroll import year_end
from joinedup.web.current import current_partner
from joinedup.web.exports import export_response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _tax_year(request: HttpRequest) -> int:
    raw = request.GET.get("tax_year", "")
    if raw.isdigit() and len(raw) == 4:
        return int(raw)
    return year_end.last_ended_tax_year(timezone.localdate())


def _back(request: HttpRequest) -> HttpResponse:
    target = request.headers.get("Referer", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:my_payslips")


@login_required
def year_end_page(request: HttpRequest) -> HttpResponse:
    partner = current_partner(request)
    if partner is None:
        raise Http404("You hold no role on any partner.")
    tax_year = _tax_year(request)
    preview = request.GET.get("preview") == "1"
    refusal = ""
    try:
        p60s = year_end.p60s_for(request.user, partner=partner, tax_year=tax_year, preview=preview)
    except ValidationError as exc:
        p60s, refusal = [], " ".join(exc.messages)
    if request.GET.get("format") in ("csv", "xlsx") and not refusal:
        suffix = "-preview" if preview else ""
        return export_response(
            request.GET["format"],
            year_end.P60_CSV_HEADER,
            (year_end.p60_csv_row(p) for p in p60s),
            f"p60s-{partner.code}-{tax_year}{suffix}",
        )
    return render(
        request,
        "web/payroll/year_end.html",
        {
            "tax_year": tax_year,
            "label": year_end.tax_year_label(tax_year),
            "years": [(y, year_end.tax_year_label(y)) for y in (tax_year - 1, tax_year, tax_year + 1)],
            "p60s": p60s,
            "preview": preview,
            "refusal": refusal,
        },
    )


@login_required
def p60_pdf(request: HttpRequest, tax_year: int, employment_id: int) -> HttpResponse:
    try:
        p60 = year_end.p60_for(
            request.user,
            employment_id=employment_id,
            tax_year=tax_year,
            preview=request.GET.get("preview") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request)
    return _pdf(year_end.p60_pdf_bytes(p60), year_end.p60_filename(p60))


@login_required
def p45_pdf(request: HttpRequest, employment_id: int) -> HttpResponse:
    """Payroll staff issue a leaver's P45 on first download (recorded once); the leaver downloads
    their own once it has been issued."""
    try:
        p45 = year_end.p45_for(request.user, employment_id=employment_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request)
    return _pdf(year_end.p45_pdf_bytes(p45), year_end.p45_filename(p45))
