"""Recharge pages: the statements a user may read, one statement (page, CSV, PDF), the
shared-services body's runs with a form to run a month, the reconciliation of inter-partner
balances, and the current partner's spend over £500 (Transparency Code) as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core.dates import people_month
from joinedup.partnership.permissions import has_permission
from joinedup.recharges import outputs, selectors, services, transparency
from joinedup.web import listing
from joinedup.web.current import current_partner, partner_page
from joinedup.web.forms import GovukForm, bound, date_field, submit


class MonthForm(GovukForm):
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        label="Month",
        help_text="For example, 2026-10",
        error_messages={
            "required": "Enter the month.",
            "invalid": "Enter the month as year and month, like 2026-10.",
        },
    )


class RangeForm(GovukForm):
    date_from = date_field("From", hint="For example, 2026-04-01", what="first day")
    date_to = date_field("To", hint="For example, 2026-06-30", what="last day")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last day must be the same as or after the first day.")
        return data


def _issuer(request: HttpRequest) -> bool:
    try:
        selectors.runs_of(request.user)
    except (PermissionDenied, ValidationError):
        return False
    return True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partners = selectors.statement_partners(request.user)
    issuer = _issuer(request)
    if not partners and not issuer:
        raise PermissionDenied("Your roles do not include reading recharge statements.")
    form = bound(MonthForm, request)
    if request.method == "POST":
        if not issuer:
            raise PermissionDenied("Only the shared-services body's finance officers run the recharge.")
        if form.is_valid():
            month = form.cleaned_data["month"]
            run = submit(
                form,
                lambda: services.recharge_run(actor=request.user, month=month),
                place=lambda exc: form.add_error(None, exc.messages),
            )
            if run is not None:
                messages.success(request, f"Recharge for {people_month(run.month)} posted.")
                return redirect("web:recharges_home")
    today = timezone.localdate()
    month = request.GET.get("month") or f"{today:%Y-%m}"
    partner = current_partner(request)
    return render(
        request,
        "web/recharges/home.html",
        {
            "partners": partners,
            "runs": list(selectors.runs_of(request.user)) if issuer else [],
            "issuer": issuer,
            "form": form,
            "month": month,
            "month_shown": _month_shown(month),
            "can_export_spend": partner is not None and has_permission(request.user, "ledger.view", partner),
        },
    )


def _month_shown(month: str) -> date | None:
    """The month asked for, to show as people read it; None when it is not a month (the link
    still carries what was asked, and the statement page says what is wrong with it)."""
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError:
        return None


def _statement(request: HttpRequest, code: str, month: str) -> selectors.Statement:
    partner = selectors.statement_partner(request.user, code=code)
    try:
        return selectors.statement_for(request.user, partner=partner, month=month)
    except ValidationError as exc:
        raise Http404("No such month.") from exc


@login_required
def statement(request: HttpRequest, code: str, month: str) -> HttpResponse:
    found = _statement(request, code, month)
    return render(
        request,
        "web/recharges/statement.html",
        {
            "statement": found,
            "lines": [
                (line, outputs.format_quantity(line.quantity), outputs.format_rate(line.rate))
                for line in found.lines
            ],
            "trend_totals": [
                sum(amounts[i] for _, amounts in found.trend) for i in range(len(found.trend_months))
            ],
        },
    )


def _download(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statement_csv(request: HttpRequest, code: str, month: str) -> HttpResponse:
    found = _statement(request, code, month)
    name = f"charges-{found.partner.code}-{month}.csv"
    return _download(outputs.statement_csv(found), "text/csv; charset=utf-8", name)


@login_required
def statement_pdf(request: HttpRequest, code: str, month: str) -> HttpResponse:
    found = _statement(request, code, month)
    return _download(
        outputs.statement_pdf(found), "application/pdf", f"charges-{found.partner.code}-{month}.pdf"
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    if not _issuer(request):
        raise PermissionDenied("Only the shared-services body's finance officers reconcile balances.")
    month = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        report = selectors.reconciliation(request.user, month=month)
    except ValidationError as exc:
        raise Http404("No such month.") from exc
    return render(request, "web/recharges/reconciliation.html", {"report": report, "month": month})


SPEND_SOURCES = {"invoice": "Paid through purchasing", "journal": "Posted to the ledger by hand"}


class SpendFilters(RangeForm):
    """The range is asked for whole (both days) once either is given; otherwise the year so far."""

    source = listing.filter_choice("Source", SPEND_SOURCES.items(), every="Every source")
    beneficiary = listing.filter_text("Beneficiary", hint="Part of the supplier's name")


@dataclass(frozen=True)
class SpendLine:
    """A row of the published list and its place in the selector's order (a unique tie-break:
    an invoice has a row per line)."""

    n: int
    spend: transparency.SpendRow

    @property
    def date(self) -> date:
        return self.spend.date

    @property
    def beneficiary(self) -> str:
        return self.spend.beneficiary

    @property
    def department(self) -> str:
        return self.spend.department

    @property
    def amount(self) -> int:
        return self.spend.amount

    @property
    def source(self) -> str:
        return "invoice" if self.spend.invoice_id is not None else "journal"


SPEND_SORTS = {
    "date": ("date", "n"),
    "beneficiary": ("beneficiary", "n"),
    "department": ("department", "n"),
    "amount": ("amount", "n"),
}


def _spend_kept(line: SpendLine, given: dict[str, Any]) -> bool:
    words = given.get("beneficiary", "").casefold().split()
    named = line.beneficiary.casefold()
    return given.get("source", line.source) == line.source and all(w in named for w in words)


@login_required
def spend(request: HttpRequest) -> HttpResponse:
    """Spend over £500 in a range (the year so far unless asked), narrowed and sorted; its
    download keeps the columns of the Transparency Code's published file."""
    partner = partner_page(request, "ledger.view")
    today = timezone.localdate()
    asked = "date_from" in request.GET or "date_to" in request.GET
    form = SpendFilters(
        request.GET if asked else None,
        initial={"date_from": transparency.year_start(today), "date_to": today},
    )
    first, last = transparency.year_start(today), today
    found: list[transparency.SpendRow] | None = []
    if asked and form.is_valid():
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    if not asked or form.is_valid():
        found = submit(
            form,
            lambda: transparency.spend_over_threshold(
                request.user, partner=partner, date_from=first, date_to=last
            ),
            place=lambda exc: form.add_error("date_to", exc.messages),
        )
    given = listing.chosen(form)
    lines = [SpendLine(n, row) for n, row in enumerate(found or [])]
    rule = transparency.load_rule()
    listed = listing.rows_page(
        request,
        [line for line in lines if _spend_kept(line, given)],
        sorts=SPEND_SORTS,
        default="date",
        form=form,
        download=listing.Download(
            rule.columns,
            lambda line: line.spend.cells(),
            f"spend-over-500-{partner.code}-{first:%Y%m%d}-{last:%Y%m%d}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    context = {**listed.context(), "form": form, "rule": rule, "first": first, "last": last}
    return render(request, "web/recharges/spend.html", context)
