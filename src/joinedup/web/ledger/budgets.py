"""Setting budgets for the partner the user is working on: a year's budget for one account at
one cost centre (an annual figure profiled evenly over the months, any month overridden), and
an all-or-nothing upload of many from CSV or XLSX with a report of every bad row.

The pages parse and render; the profiling, the checks and the audit are the ledger services'
(``budget_set_year``) and the import's (``import_budgets``, as ``joinedup ledger budgets``
runs it). Cost centres and accounts are chosen within the current partner, so another
partner's answers 404 in a link and is refused in a form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.core import tabular
from joinedup.core.money import plain_pounds
from joinedup.ledger import imports, selectors, services
from joinedup.ledger.models import REVENUE_TYPES, Budget, FinancialYear
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.web.forms import submit
from joinedup.web.ledger.forms import BudgetImportForm, BudgetYearForm
from joinedup.web.ledger.views import _partner

_TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _budget_partner(request: HttpRequest) -> Partner:
    partner = _partner(request)
    authorise(request.user, "ledger.budget", partner)
    return partner


def _years(request: HttpRequest, partner: Partner) -> list[FinancialYear]:
    seen: dict[int, FinancialYear] = {}
    for period in selectors.periods_of(request.user, partner=partner).select_related("year"):
        seen.setdefault(period.year.pk, period.year)
    return list(seen.values())


def _default_year(years: list[FinancialYear]) -> FinancialYear | None:
    today = timezone.localdate()
    current = [y for y in years if y.start_date <= today <= y.end_date]
    return current[0] if current else (years[-1] if years else None)


def _initial(request: HttpRequest, partner: Partner, year: FinancialYear | None) -> dict[str, Any]:
    """From a link (``?cost_centre=<id>&account=<id>``): that line, with the year's months as
    they are set now. Another partner's cost centre or account answers 404."""
    initial: dict[str, Any] = {"year": str(year.pk) if year else ""}
    centre_id, account_id = request.GET.get("cost_centre"), request.GET.get("account")
    centre = account = None
    if centre_id:
        centre = selectors.cost_centres_of(request.user, partner=partner).filter(pk=_id(centre_id)).first()
        if centre is None:
            raise Http404("No such cost centre.")
        initial["cost_centre"] = centre.code
    if account_id:
        account = selectors.accounts_of(request.user, partner=partner).filter(pk=_id(account_id)).first()
        if account is None:
            raise Http404("No such account.")
        initial["account"] = account.code
    if centre and account and year:
        for number, amount in (
            Budget.objects.for_partner(partner)
            .filter(cost_centre=centre, account=account, period__year=year)
            .values_list("period__number", "amount")
        ):
            initial[f"month_{number}"] = plain_pounds(amount)
    return initial


def _id(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise Http404("No such record.") from exc


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    partner = _budget_partner(request)
    years = _years(request, partner)
    if not years:
        return render(request, "web/ledger/not_set_up.html", {"partner": partner})
    centres = list(selectors.cost_centres_of(request.user, partner=partner).filter(active=True))
    accounts = list(
        selectors.accounts_of(request.user, partner=partner).filter(active=True, type__in=list(REVENUE_TYPES))
    )
    kwargs = {
        "centres": [(c.code, f"{c.code} {c.name}") for c in centres],
        "accounts": [(a.code, f"{a.code} {a.name}") for a in accounts],
        "years": [(str(y.pk), str(y)) for y in years],
    }
    if request.method == "POST":
        form = BudgetYearForm(request.POST, **kwargs)
    else:
        form = BudgetYearForm(initial=_initial(request, partner, _default_year(years)), **kwargs)
    if request.method == "POST" and form.is_valid():
        centre = next(c for c in centres if c.code == form.cleaned_data["cost_centre"])
        account = next(a for a in accounts if a.code == form.cleaned_data["account"])
        year = next(y for y in years if str(y.pk) == form.cleaned_data["year"])
        written = submit(
            form,
            lambda: services.budget_set_year(
                actor=request.user,
                cost_centre=centre,
                year=year,
                account=account,
                annual=form.annual_pence(),
                months=form.months(),
            ),
        )
        if written is not None:
            messages.success(
                request,
                f"Budget set for {account.code} {account.name} at {centre.code}, {year}: "
                f"{len(written)} month(s).",
            )
            return redirect(
                f"/ledger/budget?from={year.start_date:%Y-%m}&to={year.end_date:%Y-%m}&cost_centre={centre.pk}"
            )
    return render(request, "web/ledger/budgets.html", {"form": form, "partner": partner})


@login_required
def budget_import(request: HttpRequest) -> HttpResponse:
    partner = _budget_partner(request)
    form = BudgetImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.import_budgets(
            actor=request.user, partner=partner, source=upload.read(), filename=upload.name or "upload"
        )
        if result.ok:
            messages.success(request, f"{result.budgets} budget(s) set from {upload.name}.")
            return redirect("web:ledger_budgets_import")
    return render(
        request,
        "web/ledger/budget_import.html",
        {"form": form, "partner": partner, "result": result, "columns": imports.BUDGET_COLUMNS.columns},
    )


@login_required
def budget_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _budget_partner(request)
    if fmt not in _TEMPLATE_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(tabular.template(imports.BUDGET_COLUMNS, fmt), content_type=_TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="budgets-template.{fmt}"'
    return response
