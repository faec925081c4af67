"""Ledger pages for the partner the user is working on: the ledger's home with its periods, the
trial balance (with downloads), an account's ledger, budget against actual with drill-down to
the lines behind each figure, a cost centre's report, journals (list, detail, a manual journal,
a reversal) and period close.

Every page reads through the ledger's selectors and reports, which authorise ``ledger.view``;
objects named in the URL are looked up within the current partner, so another partner's
account, cost centre, period or journal answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from joinedup.ledger import reports, selectors, services
from joinedup.ledger.models import Account, CostCentre, Journal, JournalSource, Period, PeriodStatus
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.web.current import current_partner
from joinedup.web.exports import export_response

# --- finding things within the current partner ------------------------------------------------


def _partner(request: HttpRequest) -> Partner:
    partner = current_partner(request)
    if partner is None:
        raise Http404("You hold no role on any partner.")
    authorise(request.user, "ledger.view", partner)
    return partner


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

    @property
    def query(self) -> str:
        return urlencode({"from": f"{self.first.start_date:%Y-%m}", "to": f"{self.last.start_date:%Y-%m}"})


def _month(request: HttpRequest, partner: Partner, text: str, fallback: Period) -> tuple[Period, str]:
    if not text:
        return fallback, ""
    try:
        return reports.period_for_month(request.user, partner=partner, month=text), ""
    except ValidationError as exc:
        return fallback, " ".join(exc.messages)


def _range(request: HttpRequest, partner: Partner) -> _Range:
    today = reports.current_period(request.user, partner=partner, today=timezone.localdate())
    if today is None:
        raise Http404(f"{partner.name} has no financial periods yet: set up a year first.")
    single = request.GET.get("period", "")
    first, problem = _month(request, partner, request.GET.get("from", "") or single, today)
    last, problem_to = _month(request, partner, request.GET.get("to", "") or single, first)
    problem = problem or problem_to
    if last.start_date < first.start_date:
        return _Range(first, first, "The range ends before it starts: showing its first month.")
    return _Range(first, last, problem)


def _periods_context(request: HttpRequest, partner: Partner, chosen: _Range) -> dict[str, Any]:
    return {
        "partner": partner,
        "periods": list(selectors.periods_of(request.user, partner=partner)),
        "range": chosen,
        "can_post": has_permission(request.user, "ledger.post", partner),
        "can_close": has_permission(request.user, "ledger.close", partner),
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


@login_required
def lines_behind(request: HttpRequest) -> HttpResponse:
    """The journal lines behind one figure of budget against actual."""
    partner = _partner(request)
    chosen = _range(request, partner)
    centre = _cost_centre(request, partner, request.GET.get("cost_centre"))
    try:
        account = _account(request, partner, int(request.GET.get("account", "")))
    except ValueError as exc:
        raise Http404("No such account.") from exc
    below = request.GET.get("below") == "1"
    lines = list(
        reports.lines_behind(
            request.user,
            partner=partner,
            cost_centre=centre,
            account=account,
            period_from=chosen.first,
            period_to=chosen.last,
            include_below=below,
        )
    )
    context = _periods_context(request, partner, chosen)
    context.update(
        cost_centre=centre,
        account=account,
        below=below,
        lines=lines,
        debits=sum(line.debit for line in lines),
        credits=sum(line.credit for line in lines),
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


# --- journals ---------------------------------------------------------------------------------


@login_required
def journals(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    found = selectors.journals_of(request.user, partner=partner)
    filters: dict[str, str] = {}
    problem = ""
    if request.GET.get("period"):
        try:
            period = reports.period_for_month(request.user, partner=partner, month=request.GET["period"])
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            found = found.filter(period=period)
            filters["period"] = request.GET["period"]
    if request.GET.get("source") in JournalSource.values:
        found = found.filter(source=request.GET["source"])
        filters["source"] = request.GET["source"]
    page = Paginator(found.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/ledger/journals.html",
        {
            "page": page,
            "periods": list(selectors.periods_of(request.user, partner=partner)),
            "sources": JournalSource.choices,
            "filters": filters,
            "query": urlencode(filters),
            "problem": problem,
            "can_post": has_permission(request.user, "ledger.post", partner),
        },
    )


@login_required
def journal_detail(request: HttpRequest, journal_id: int) -> HttpResponse:
    partner = _partner(request)
    journal = _journal(request, partner, journal_id)
    lines = list(reports.lines_of(journal))
    return render(
        request,
        "web/ledger/journal.html",
        {
            "journal": journal,
            "lines": lines,
            "debits": sum(line.debit for line in lines),
            "credits": sum(line.credit for line in lines),
            "reversal": reports.reversal_of(journal),
            "can_post": has_permission(request.user, "ledger.post", partner),
        },
    )


class JournalForm(forms.Form):
    date = forms.DateField(label="Date", help_text="For example, 2026-08-14. It must fall in an open period.")
    description = forms.CharField(label="What the journal is for", max_length=200)


class LineForm(forms.Form):
    account = forms.ChoiceField(label="Account")
    cost_centre = forms.ChoiceField(label="Cost centre", required=False)
    counterparty = forms.CharField(label="Other partner", max_length=20, required=False)
    debit = forms.DecimalField(
        label="Debit (£)", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    credit = forms.DecimalField(
        label="Credit (£)", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label="Line description", max_length=200, required=False)

    def __init__(
        self, *args: Any, accounts: list[tuple[str, str]], centres: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = [("", "Choose an account"), *accounts]
        cast(forms.ChoiceField, self.fields["cost_centre"]).choices = [("", "None"), *centres]

    def as_input(self) -> services.LineInput:
        data = self.cleaned_data
        return services.LineInput(
            account=data["account"],
            debit=_pence(data.get("debit")),
            credit=_pence(data.get("credit")),
            cost_centre=data.get("cost_centre") or "",
            counterparty=(data.get("counterparty") or "").strip().upper(),
            description=data.get("description") or "",
        )


def _pence(pounds: Decimal | None) -> int:
    # The field allows two places at most, so this is exact.
    return int(pounds * 100) if pounds is not None else 0


LineFormSet = forms.formset_factory(LineForm, extra=6, max_num=200)


def _route_errors(exc: ValidationError, form: JournalForm, lines: list[LineForm]) -> None:
    """The service names ``lines[1].account``; the page shows it beside that field of that row."""
    for key, errors in exc.message_dict.items():
        if key.startswith("lines[") and "]" in key:
            index_text, _, field_name = key[len("lines[") :].partition("]")
            line = lines[int(index_text)]
            field_name = field_name.lstrip(".")
            line.add_error(field_name if field_name in line.fields else None, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


@login_required
def journal_new(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    authorise(request.user, "ledger.post", partner)
    kwargs = {
        "accounts": [
            (a.code, f"{a.code} {a.name}")
            for a in selectors.accounts_of(request.user, partner=partner).filter(active=True)
        ],
        "centres": [
            (c.code, f"{c.code} {c.name}")
            for c in selectors.cost_centres_of(request.user, partner=partner).filter(active=True)
        ],
    }
    data = request.POST if request.method == "POST" else None
    form = JournalForm(data)
    formset = LineFormSet(data, form_kwargs=kwargs)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [line for line in formset.forms if line.has_changed()]
        try:
            journal = services.journal_post(
                actor=request.user,
                partner=partner,
                date=form.cleaned_data["date"],
                lines=[line.as_input() for line in filled],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _route_errors(exc, form, filled)
        else:
            messages.success(request, f"Journal {journal.pk} posted.")
            return redirect("web:ledger_journal", journal_id=journal.pk)
    line_errors = [
        (n, error)
        for n, line in enumerate(formset.forms, start=1)
        for error in [*line.non_field_errors(), *(e for f in line for e in f.errors)]
    ]
    return render(
        request,
        "web/ledger/journal_form.html",
        {"form": form, "formset": formset, "line_errors": line_errors},
    )


@login_required
def journal_reverse(request: HttpRequest, journal_id: int) -> HttpResponse:
    """A confirmation page; posting it reverses the journal."""
    partner = _partner(request)
    journal = _journal(request, partner, journal_id)
    authorise(request.user, "ledger.post", partner)
    existing = reports.reversal_of(journal)
    if existing is not None:
        messages.success(request, f"Journal {journal.pk} was reversed by journal {existing.pk}.")
        return redirect("web:ledger_journal", journal_id=existing.pk)
    problem = ""
    if request.method == "POST":
        on, problem = _date(request.POST.get("date", "").strip(), journal.date)
        if not problem:
            try:
                reversal = services.journal_reverse(actor=request.user, journal=journal, date=on)
            except ValidationError as exc:
                problem = " ".join(exc.messages)
            else:
                messages.success(request, f"Journal {journal.pk} reversed by journal {reversal.pk}.")
                return redirect("web:ledger_journal", journal_id=reversal.pk)
    return render(
        request,
        "web/ledger/confirm.html",
        {
            "title": f"Reverse journal {journal.pk}",
            "caption": journal.description,
            "body": (
                "A reversing journal posts every debit of this journal as a credit and every credit as a "
                "debit. The original stays as it is. A journal is reversed once."
            ),
            "problem": problem,
            "ask_date": True,
            "default_date": request.POST.get("date", journal.date.isoformat()),
            "button": "Reverse the journal",
            "back": reverse("web:ledger_journal", args=[journal.pk]),
        },
    )


# --- periods ------------------------------------------------------------------------------------


@login_required
def period_close(request: HttpRequest, period_id: int) -> HttpResponse:
    """A confirmation page; posting it closes the period."""
    partner = _partner(request)
    period = _period(request, partner, period_id)
    authorise(request.user, "ledger.close", partner)
    problem = "" if period.status == PeriodStatus.OPEN else f"{period} is already closed."
    if request.method == "POST" and not problem:
        try:
            services.period_close(actor=request.user, period=period)
        except (ValidationError, PermissionDenied) as exc:
            problem = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, f"{period} is closed.")
            return redirect("web:ledger_home")
    return render(
        request,
        "web/ledger/confirm.html",
        {
            "title": f"Close {period}",
            "caption": partner.name,
            "body": (
                f"Nothing more can be posted into {period} once it is closed: corrections go into an open "
                "period. A closed period is not reopened here."
            ),
            "problem": problem,
            "ask_date": False,
            "button": "Close the period",
            "back": reverse("web:ledger_home"),
        },
    )
