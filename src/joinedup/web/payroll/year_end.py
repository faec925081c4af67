"""Year-end pages: an employer's P60s for a tax year, a P60's PDF, and a leaver's P45 — issued by a
POST from the pay run's page, downloaded once issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from joinedup.core.dates import people_date
from joinedup.payroll import selectors, year_end
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, outcome, refusal


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
    partner = partner_page(request, "payroll.view")
    tax_year = _tax_year(request)
    preview = request.GET.get("preview") == "1"
    found, reason = outcome(
        lambda: year_end.p60s_for(request.user, partner=partner, tax_year=tax_year, preview=preview)
    )
    p60s = found or []
    if request.GET.get("format") in ("csv", "xlsx") and not reason:
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
            "refusal": reason,
        },
    )


@login_required
def p60_pdf(request: HttpRequest, tax_year: int, employment_id: int) -> HttpResponse:
    preview = request.GET.get("preview") == "1"
    p60 = attempt(
        request,
        lambda: year_end.p60_for(
            request.user, employment_id=employment_id, tax_year=tax_year, preview=preview
        ),
    )
    # The PDF itself can be refused too (no employer PAYE reference yet): said, not a 500.
    pdf = None if p60 is None else attempt(request, lambda: year_end.p60_pdf_bytes(p60))
    if p60 is None or pdf is None:
        return _back(request)
    return _pdf(pdf, year_end.p60_filename(p60))


@login_required
@require_POST
def p45_issue(request: HttpRequest, run_id: int, employment_id: int) -> HttpResponse:
    """Issue a leaver's P45 from the page of the pay run that paid them, and go back to it."""
    run = selectors.run_for(request.user, run_id=run_id)
    employment = year_end.p45_employment(request.user, employment_id=employment_id)
    if employment.partner_id != run.partner_id:
        raise Http404("No such employment.")
    p45 = attempt(request, lambda: year_end.p45_issue(actor=request.user, employment=employment), denied=True)
    if p45 is not None:
        done = "issued" if p45.issued_now else "was already issued"
        messages.success(
            request,
            f"P45 of {employment.payroll_number} {employment.person.full_name} {done}, leaving date "
            f"{people_date(p45.issue.leaving_date)}.",
        )
    return redirect("web:pay_run", run_id=run.pk)


@login_required
def p45_pdf(request: HttpRequest, employment_id: int) -> HttpResponse:
    """An issued P45 for payroll staff and for the leaver. Never issues it: before it is issued
    payroll staff are told so, the leaver (like anyone else) gets 404."""
    try:
        p45 = year_end.p45_for(request.user, employment_id=employment_id)
    except year_end.P45NotIssued as exc:
        return render(request, "web/payroll/p45_not_issued.html", {"reason": str(exc)}, status=409)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return _back(request)
    pdf = attempt(request, lambda: year_end.p45_pdf_bytes(p45))
    if pdf is None:
        return _back(request)
    return _pdf(pdf, year_end.p45_filename(p45))
