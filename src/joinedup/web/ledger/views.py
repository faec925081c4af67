"""Ledger pages for the partner the user is working on: the ledger's home with its periods, the
trial balance (with downloads), an account's ledger, budget against actual with drill-down to
the lines behind each figure and a cost centre's report. Journals and period close are in
journals.py.

Every page reads through the ledger's selectors and reports, which authorise ``ledger.view``;
objects named in the URL are looked up within the current partner, so another partner's
account, cost centre, period or journal answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from joinedup.core.dates import people_month
from joinedup.core.money import pence_to_pounds
from joinedup.ledger import reports, selectors
from joinedup.ledger.models import Account, CostCentre, Journal, JournalLine, Period
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import outcome

# --- finding things within the current partner ------------------------------------------------


def _partner(request: HttpRequest) -> Partner:
    return partner_page(request, "ledger.view")


def _account(request: HttpRequest, partner: Partner, account_id: int) -> Account:
    found = selectors.accounts_of(request.user, partner=partner).filter(pk=account_id).first()
    if found is None:
        raise Http404("No such account.")
    return found


def _cost_centre(request: HttpRequest, partner: Partner, cost_centre_id: Any) -> CostCentre:
    try:
        pk = int(cost_centre_id)
    except (TypeError, ValueError) as exc:
        raise Http404("No such cost centre.") from exc
    found = selectors.cost_centres_of(request.user, partner=partner).filter(pk=pk).first()
    if found is None:
        raise Http404("No such cost centre.")
    return found


def _period(request: HttpRequest, partner: Partner, period_id: int) -> Period:
    found = selectors.periods_of(request.user, partner=partner).filter(pk=period_id).first()
    if found is None:
        raise Http404("No such period.")
    return found


def _journal(request: HttpRequest, partner: Partner, journal_id: int) -> Journal:
    journal = reports.journal_for(request.user, journal_id=journal_id)
    if journal.partner_id != partner.pk:
        # Pages show the partner being worked on; switch partner to see another's journal.
        raise Http404("No such journal.")
    return journal


@dataclass(frozen=True)
class _Range:
    """The periods a report covers, from ``?from=2026-04&to=2026-08`` (or ``?period=``),
    defaulting to the current period; ``problem`` says why a month given was refused."""

    first: Period
    last: Period
    problem: str = ""
    problem_field: str = "range-from"  # the picker's field the problem is about

    @property
    def query(self) -> str:
        return urlencode({"from": f"{self.first.start_date:%Y-%m}", "to": f"{self.last.start_date:%Y-%m}"})


def _periods(request: HttpRequest, partner: Partner) -> list[Period]:
    """The partner's periods by start date, read once for the request: the picker lists them
    and the range is found among them (four queries of the periods table were one)."""
    kept: tuple[int, list[Period]] | None = getattr(request, "_joinedup_periods", None)
    if kept is None or kept[0] != partner.pk:
        kept = (partner.pk, list(selectors.periods_of(request.user, partner=partner)))
        request._joinedup_periods = kept  # type: ignore[attr-defined]
    return kept[1]


def _month(request: HttpRequest, partner: Partner, text: str, fallback: Period) -> tuple[Period, str]:
    if not text:
        return fallback, ""
    periods = _periods(request, partner)
    found, problem = outcome(
        lambda: reports.period_for_month(request.user, partner=partner, month=text, among=periods)
    )
    return found or fallback, problem


def _range(request: HttpRequest, partner: Partner) -> _Range:
    today = reports.current_period(
        request.user, partner=partner, today=timezone.localdate(), among=_periods(request, partner)
    )
    if today is None:
        raise Http404(f"{partner.name} has no financial periods yet: set up a year first.")
    single = request.GET.get("period", "")
    first, problem = _month(request, partner, request.GET.get("from", "") or single, today)
    last, problem_to = _month(request, partner, request.GET.get("to", "") or single, first)
    if problem or problem_to:
        return _Range(first, last, problem or problem_to, "range-from" if problem else "range-to")
    if last.start_date < first.start_date:
        refusal = "The range ends before it starts: choose a last month on or after the first."
        return _Range(first, first, refusal, "range-to")
    return _Range(first, last)


def _periods_context(request: HttpRequest, partner: Partner, chosen: _Range) -> dict[str, Any]:
    return {
        "partner": partner,
        "periods": _periods(request, partner),
        "range": chosen,
        "can_post": has_permission(request.user, "ledger.post", partner),
        "can_close": has_permission(request.user, "ledger.close", partner),
        "can_budget": has_permission(request.user, "ledger.budget", partner),
    }


# --- home, trial balance ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    if not selectors.periods_of(request.user, partner=partner).exists():
        # A partner whose ledger is not set up yet: say so rather than answer "not found".
        return render(request, "web/ledger/not_set_up.html", {"partner": partner})
    chosen = _range(request, partner)
    return render(request, "web/ledger/home.html", _periods_context(request, partner, chosen))


@login_required
def trial_balance(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    chosen = _range(request, partner)
    if chosen.first == chosen.last:
        balance = selectors.trial_balance(request.user, partner=partner, period=chosen.first)
    else:
        balance = selectors.trial_balance(
            request.user, partner=partner, date_from=chosen.first.start_date, date_to=chosen.last.end_date
        )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"trial-balance-{partner.code}-{chosen.first.start_date:%Y-%m}-{chosen.last.start_date:%Y-%m}"
        return export_response(fmt, reports.TRIAL_BALANCE_HEADER, reports.trial_balance_rows(balance), name)
    context = _periods_context(request, partner, chosen)
    context.update(balance=balance, date_from=chosen.first.start_date, date_to=chosen.last.end_date)
    return render(request, "web/ledger/trial_balance.html", context)


# --- accounts ---------------------------------------------------------------------------------


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    chosen = _range(request, partner)
    context = _periods_context(request, partner, chosen)
    context["accounts"] = list(selectors.accounts_of(request.user, partner=partner))
    return render(request, "web/ledger/accounts.html", context)


def _date(text: str, fallback: date) -> tuple[date, str]:
    if not text:
        return fallback, ""
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return fallback, f"{text!r} is not a date: write it like 2026-08-31."


@login_required
def account_ledger(request: HttpRequest, account_id: int) -> HttpResponse:
    partner = _partner(request)
    account = _account(request, partner, account_id)
    chosen = _range(request, partner)
    date_from, problem_from = _date(request.GET.get("date_from", ""), chosen.first.start_date)
    date_to, problem_to = _date(request.GET.get("date_to", ""), chosen.last.end_date)
    problem = problem_from or problem_to
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    try:
        ledger = reports.account_ledger(
            request.user, partner=partner, account=account, date_from=date_from, date_to=date_to, page=page
        )
    except ValidationError as exc:
        problem = " ".join(exc.messages)
        date_from, date_to = chosen.first.start_date, chosen.last.end_date
        ledger = reports.account_ledger(
            request.user, partner=partner, account=account, date_from=date_from, date_to=date_to
        )
    context = _periods_context(request, partner, chosen)
    context.update(
        account=account,
        ledger=ledger,
        problem=problem,
        query=urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}),
    )
    return render(request, "web/ledger/account_ledger.html", context)


# --- budget against actual, drill-down, cost centres --------------------------------------------


@login_required
def budget_vs_actual(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    chosen = _range(request, partner)
    centre = None
    if request.GET.get("cost_centre"):
        centre = _cost_centre(request, partner, request.GET["cost_centre"])
    report = reports.budget_vs_actual(
        request.user, partner=partner, period_from=chosen.first, period_to=chosen.last, cost_centre=centre
    )
    drill = reverse("web:ledger_lines")
    sections = [
        (
            section,
            [
                (
                    line,
                    f"{drill}?{chosen.query}&cost_centre={section.cost_centre.pk}&account={line.account.pk}",
                )
                for line in section.lines
            ],
        )
        for section in report.sections
    ]
    context = _periods_context(request, partner, chosen)
    context.update(report=report, sections=sections, cost_centre=centre)
    return render(request, "web/ledger/budget.html", context)


class LineFilters(forms.Form):
    """The budget page's drill-down links here with ``from``, ``to``, ``cost_centre``, ``account``
    and ``below``: each is a field of the same name."""

    search = listing.filter_text("Journal description or line description")
    account = listing.filter_choice("Account", [], every="Every account")
    cost_centre = listing.filter_choice("Cost centre", [], every="Every cost centre")
    below = listing.filter_choice(
        "Cost centres below it", [("1", "With the cost centres below")], every="Only the cost centre itself"
    )

    def __init__(
        self, data: Any, *, periods: list[Period], accounts: list[Account], centres: list[CostCentre]
    ) -> None:
        super().__init__(data)
        months = [(f"{p.start_date:%Y-%m}", people_month(p.start_date)) for p in periods]
        # "from" is a keyword, so these two are named here rather than above.
        self.fields["from"] = listing.filter_choice("From", months, every="This period")
        self.fields["to"] = listing.filter_choice("To", months, every="The first month")
        self.order_fields(["search", "from", "to", "account", "cost_centre", "below"])
        cast(forms.ChoiceField, self.fields["account"]).choices = [
            ("", "Every account"),
            *((str(a.pk), f"{a.code} {a.name}") for a in accounts),
        ]
        cast(forms.ChoiceField, self.fields["cost_centre"]).choices = [
            ("", "Every cost centre"),
            *((str(c.pk), f"{c.code} {c.name}") for c in centres),
        ]


LINE_SORTS = {
    "date": ("date", "id"),
    "journal": ("journal_id", "id"),
    "debit": ("debit", "id"),
    "credit": ("credit", "id"),
}


def _narrow_lines(rows: QuerySet[JournalLine], given: dict[str, Any]) -> QuerySet[JournalLine]:
    if "search" in given:
        text = given["search"]
        rows = rows.filter(Q(description__icontains=text) | Q(journal__description__icontains=text))
    return rows


@login_required
def lines_behind(request: HttpRequest) -> HttpResponse:
    """The journal lines behind one figure of budget against actual, or of every figure."""
    partner = _partner(request)
    # A partner whose ledger has no periods yet has no lines either: an empty list, not a 404.
    chosen = _range(request, partner) if _periods(request, partner) else None
    accounts = list(selectors.accounts_of(request.user, partner=partner).order_by("code"))
    centres = list(selectors.cost_centres_of(request.user, partner=partner).order_by("code"))
    filters = LineFilters(request.GET, periods=_periods(request, partner), accounts=accounts, centres=centres)
    given = listing.chosen(filters)
    # Another partner's account or cost centre named in the address answers 404, as before.
    if request.GET.get("account") and "account" not in given:
        raise Http404("No such account.")
    if request.GET.get("cost_centre") and "cost_centre" not in given:
        raise Http404("No such cost centre.")
    account = next((a for a in accounts if str(a.pk) == given.get("account")), None)
    centre = next((c for c in centres if str(c.pk) == given.get("cost_centre")), None)
    below = centre is not None and "below" in given
    lines = reports.lines_behind(
        request.user,
        partner=partner,
        cost_centre=centre,
        account=account,
        period_from=chosen.first if chosen else None,
        period_to=chosen.last if chosen else None,
        include_below=below,
    )
    months = f"-{chosen.first.start_date:%Y-%m}-{chosen.last.start_date:%Y-%m}" if chosen else ""
    listed = listing.list_page(
        request,
        lines,
        sorts=LINE_SORTS,
        default="date",
        form=filters,
        narrow=_narrow_lines,
        download=listing.Download(
            ["date", "journal", "period", "account", "cost_centre", "description", "debit", "credit"],
            lambda ln: [
                ln.date,
                ln.journal_id,
                f"{ln.period.start_date:%Y-%m}",
                ln.account.code,
                ln.cost_centre.code if ln.cost_centre else "",
                ln.description or ln.journal.description,
                pence_to_pounds(ln.debit),
                pence_to_pounds(ln.credit),
            ],
            f"ledger-lines-{partner.code.lower()}{months}",
        ),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    shown = cast(QuerySet[JournalLine], listed.page.paginator.object_list)
    totals = shown.aggregate(debits=Sum("debit"), credits=Sum("credit"))
    context = _periods_context(request, partner, chosen) if chosen else {"partner": partner}
    context.update(
        listed.context(),
        cost_centre=centre,
        account=account,
        below=below,
        debits=totals["debits"] or 0,
        credits=totals["credits"] or 0,
    )
    return render(request, "web/ledger/lines.html", context)


@login_required
def cost_centres(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    chosen = _range(request, partner)
    context = _periods_context(request, partner, chosen)
    context["cost_centres"] = list(selectors.cost_centres_of(request.user, partner=partner))
    return render(request, "web/ledger/cost_centres.html", context)


@login_required
def cost_centre_report(request: HttpRequest, cost_centre_id: int) -> HttpResponse:
    partner = _partner(request)
    centre = _cost_centre(request, partner, cost_centre_id)
    chosen = _range(request, partner)
    report = reports.cost_centre_report(
        request.user, partner=partner, cost_centre=centre, period_from=chosen.first, period_to=chosen.last
    )
    rows = [(row, [row.by_period.get(p.pk, 0) for p in report.periods]) for row in report.rows]
    context = _periods_context(request, partner, chosen)
    context.update(
        report=report,
        rows=rows,
        period_totals=[report.period_total(p) for p in report.periods],
    )
    return render(request, "web/ledger/cost_centre.html", context)
