"""Payroll pages: an employer's pay runs, a run with its progress, flags and payslips, one
payslip, and an employee's own payslips."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.core.dates import people_date
from joinedup.partnership.permissions import has_permission
from joinedup.payroll import run_files, selectors, services, year_end
from joinedup.payroll.documents import bacs_processing_problem, payslip_pdf_bytes
from joinedup.payroll.figures import SUMMARY_FIGURES
from joinedup.payroll.models import FlagStatus, Payslip, RunStatus
from joinedup.payroll.year_to_date import YTD_COLUMNS, year_to_date, year_to_date_of, ytd_cells
from joinedup.people.models import PayFrequency
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, attempt, bound, choice_field, date_field, submit, text_field
from joinedup.workspaces import selectors as workspaces
from joinedup.workspaces.payroll import WAITING_LABELS, runs_filtered


class NewRunForm(GovukForm):
    frequency = choice_field("Frequency", PayFrequency.choices, what="pay frequency")
    pay_date = date_field("Pay date", hint="For example, 2026-11-25")


class RunFilters(forms.Form):
    status = listing.filter_choice("Status", RunStatus.choices, every="Every status")


RUN_SORTS = {
    "pay_date": ("pay_date", "pk"),
    "status": ("status", "-pay_date", "-pk"),
    "payslips": ("progress_total", "-pay_date", "-pk"),
}


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "payroll.view")
    form = bound(NewRunForm, request, initial={"frequency": PayFrequency.MONTHLY})
    if request.method == "POST" and form.is_valid():
        run = submit(
            form, lambda: services.payrun_create(actor=request.user, partner=partner, **form.cleaned_data)
        )
        if run is not None:
            messages.success(request, f"Pay run for {people_date(run.pay_date)} created.")
            return redirect("web:pay_run", run_id=run.pk)
    # The home page's tiles link here with their filter (workspaces.payroll.runs_filtered).
    filters = RunFilters(request.GET)
    waiting = request.GET.get("waiting", "")
    waiting = waiting if waiting in WAITING_LABELS else ""
    found = runs_filtered(
        request.user,
        partner=partner,
        status=listing.chosen(filters).get("status", ""),
        waiting=waiting,
        today=workspaces.today(),
    )
    listed = listing.list_page(
        request,
        found,
        sorts=RUN_SORTS,
        default="pay_date",
        descending=True,
        form=filters,
        extras=[listing.Extra("waiting", "From the home page", WAITING_LABELS.get(waiting, ""), waiting)],
        download=listing.Download(
            ["pay_date", "frequency", "tax_year", "period", "kind", "status", "payslips"],
            lambda r: [r.pay_date, r.frequency, r.tax_year, r.period, r.kind, r.status, r.progress_total],
            f"pay-runs-{partner.code.lower()}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    context = {
        **listed.context(),
        "form": form,
        "can_calculate": has_permission(request.user, "payroll.calculate", partner),
    }
    return render(request, "web/payroll/runs.html", context)


def _run_context(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = selectors.run_for(request.user, run_id=run_id)
    totals = services.run_totals(run)
    flags = list(selectors.flags_of(run))
    return {
        "run": run,
        "totals": totals,
        "flags": flags,
        "open_flags": sum(1 for f in flags if f.status == FlagStatus.OPEN),
        "can_calculate": has_permission(request.user, "payroll.calculate", run.partner_id),
        "can_approve": has_permission(request.user, "payroll.approve", run.partner_id),
        "can_download_bacs": run_files.may_download(request.user, run, run_files.BACS),
        "can_download_fps": run_files.may_download(request.user, run, run_files.FPS),
        "sent_back_note": selectors.sent_back_note(run),
        # Until it is paid, the run's page warns of what its BACS file would refuse (a pay date
        # already gone, or not a processing day): the rule and its words are payroll.documents'.
        "pay_date_warning": (
            bacs_processing_problem(run, None, today=timezone.localdate())
            if run.status != RunStatus.PAID
            else None
        ),
        "percent": int(100 * run.progress_done / run.progress_total) if run.progress_total else 0,
    }


def _live_context(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """Everything the changing part of the run's page (_live.html) shows."""
    context = _run_context(request, run_id)
    run = context["run"]
    slips = selectors.payslips_of(run)
    page = Paginator(slips, 50).get_page(request.GET.get("page"))
    # The page's 50 payslips are found by sorting just their ids by payroll number, then read
    # whole: sorting every payslip of the run with its employment and person to keep 50 took
    # twice as long (23 ms against 10 at 55,000 payslips on SQLite). One statement either way.
    page.object_list = slips.filter(pk__in=cast("QuerySet[Payslip]", page.object_list).values("pk"))
    context["page"] = page
    context["p45s_issued"] = year_end.p45_issued_ids(run.partner_id, (s.employment_id for s in page))
    return context


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    if request.GET.get("format") in ("csv", "xlsx"):
        run = selectors.run_for(request.user, run_id=run_id)
        slips = selectors.payslips_of(run)
        header = ["payroll_number", "name", "tax_code", *SUMMARY_FIGURES]
        figures = len(header)
        header += YTD_COLUMNS
        ytd = year_to_date(run)
        rows = (
            [s.employment.payroll_number, s.employment.person.full_name, s.tax_code]
            + [_pounds_cell(getattr(s, name)) for name in header[3:figures]]
            + [_pounds_cell(value) for value in ytd_cells(ytd.get(s.employment_id))]
            for s in slips.iterator(chunk_size=2000)
        )
        return export_response(request.GET["format"], header, rows, f"payslips-{run.pk}")
    return render(request, "web/payroll/run.html", _live_context(request, run_id))


def _pounds_cell(pence: int) -> Any:
    from joinedup.core.money import pence_to_pounds

    return pence_to_pounds(pence)


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The changing part of the run's page, which htmx asks for every second while the run is
    queued or calculating; the answer once it has finished shows the totals, flags and payslips
    and asks no more."""
    return render(request, "web/payroll/_live.html", _live_context(request, run_id))


@login_required
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """Approval in two steps: the totals and any open flags to look at, then the approval."""
    context = _run_context(request, run_id)
    run = context["run"]
    if request.method == "POST":
        if attempt(request, lambda: services.payrun_approve(actor=request.user, run=run), denied=True):
            messages.success(request, "Run approved.")
        return redirect("web:pay_run", run_id=run.pk)
    if not context["can_approve"]:
        raise PermissionDenied("Only payroll approvers approve a run.")
    return render(request, "web/payroll/approve.html", context)


class SendBackForm(GovukForm):
    note = text_field(
        "What needs changing",
        max_length=2000,
        what="note saying what the payroll officer needs to change",
        hint="The payroll officer sees this on the run's page.",
        widget=forms.Textarea,
    )


@login_required
def run_send_back(request: HttpRequest, run_id: int) -> HttpResponse:
    context = _run_context(request, run_id)
    run = context["run"]
    if not context["can_approve"]:
        raise PermissionDenied("Only payroll approvers send a run back.")
    form = bound(SendBackForm, request)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.payrun_send_back(actor=request.user, run=run, **form.cleaned_data)  # noqa: E731
        if submit(form, call) is not None:
            messages.success(request, "Run sent back to the payroll officer.")
            return redirect("web:pay_run", run_id=run.pk)
    return render(request, "web/payroll/send_back.html", {**context, "form": form})


@login_required
@require_POST
def accept_flags(request: HttpRequest, run_id: int) -> HttpResponse:
    """Several flags of a run accepted for one reason."""
    run = selectors.run_for(request.user, run_id=run_id)
    ids = [int(v) for v in request.POST.getlist("flag") if v.isdigit()]
    note = request.POST.get("note", "")
    accepted = attempt(
        request, lambda: services.flags_accept(actor=request.user, run=run, flag_ids=ids, note=note)
    )
    if accepted:
        messages.success(request, f"{len(accepted)} flag{'' if len(accepted) == 1 else 's'} accepted.")
    return redirect("web:pay_run", run_id=run.pk)


@login_required
@require_POST
def run_action(request: HttpRequest, run_id: int, action: str) -> HttpResponse:
    run = selectors.run_for(request.user, run_id=run_id)
    actions = {
        "calculate": (
            services.payrun_request_calculation,
            "Calculation queued: this page shows its progress.",
        ),
        "close": (services.payrun_mark_paid, "Run marked paid and closed."),
    }
    if action not in actions:
        raise Http404("No such action.")
    service, done = actions[action]
    if attempt(request, lambda: service(actor=request.user, run=run), denied=True) is not None:
        messages.success(request, done)
        reread = selectors.run_for(request.user, run_id=run.pk)
        for waiting in services.payment_waits_for(reread) if action == "close" else []:
            messages.warning(request, f"The payment is not in the ledger yet: {waiting}.")
    return redirect("web:pay_run", run_id=run.pk)


@login_required
@require_POST
def accept_flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = selectors.flag_for(request.user, flag_id=flag_id)
    note = request.POST.get("note", "")
    if attempt(request, lambda: services.flag_accept(actor=request.user, flag=flag, note=note)) is not None:
        messages.success(request, "Flag accepted.")
    return redirect("web:pay_run", run_id=flag.run_id)


@login_required
def run_journal(request: HttpRequest, run_id: int) -> HttpResponse:
    return _run_file(request, run_id, run_files.JOURNAL)


@login_required
def run_bacs(request: HttpRequest, run_id: int) -> HttpResponse:
    # ?processing_date=YYYY-MM-DD: needed once the pay date has passed (the page says so).
    return _run_file(request, run_id, run_files.BACS, processing_date=request.GET.get("processing_date"))


def _date_or_none(text: str | None) -> Any:
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError({"processing_date": "Enter the processing date like 2026-12-07."}) from exc


@login_required
def run_fps(request: HttpRequest, run_id: int) -> HttpResponse:
    return _run_file(request, run_id, run_files.FPS)


def _run_file(
    request: HttpRequest, run_id: int, kind: str, processing_date: str | None = None
) -> HttpResponse:
    """A file of the run to download; 403 to those who may not take it, and back to the run's
    page with the reason when the run cannot produce it yet."""
    run = selectors.run_for(request.user, run_id=run_id)
    found = attempt(
        request,
        lambda: run_files.run_file(
            request.user, run=run, kind=kind, processing_date=_date_or_none(processing_date)
        ),
    )
    if found is None:
        return redirect("web:pay_run", run_id=run.pk)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    if kind == run_files.BACS:
        response["X-Left-Out"] = str(len(found.left_out))
    return response


@login_required
def payslip_pdf(request: HttpRequest, payslip_id: int) -> HttpResponse:
    slip = selectors.payslip_for(request.user, payslip_id=payslip_id)
    response = HttpResponse(payslip_pdf_bytes(slip), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="payslip-{slip.run.pay_date}-{slip.employment.payroll_number}.pdf"'
    )
    return response


@login_required
def payslip_detail(request: HttpRequest, payslip_id: int) -> HttpResponse:
    slip = selectors.payslip_for(request.user, payslip_id=payslip_id)
    ytd = year_to_date_of(slip)
    return render(
        request, "web/payroll/payslip.html", {"slip": slip, "lines": list(slip.lines.all()), "ytd": ytd}
    )


@login_required
def my_payslips(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/payroll/my_payslips.html",
        {
            "slips": list(selectors.my_payslips(request.user)),
            "p60s": year_end.my_p60s(request.user),
            "p45s": year_end.my_p45s(request.user),
        },
    )
