"""Business-case pages: the cases a user may see; a case at one of its versions (the partners
and who must approve, the baseline, each option's appraisal with its sensitivities, switching
value and the shares the reader may see, a chart of cumulative discounted cash flow, the versions
with every decision, and a decision form for each partner the reader decides for); the CSV/XLSX
of its tables; and the baseline import.

Every page finds the case through a selector first, so a case the reader's partners are not in
answers 404 before any form is read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import Function
from joinedup.core import tabular
from joinedup.web.businesscase.chart import cumulative_chart
from joinedup.web.businesscase.forms import DecisionForm, ImportForm
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, submit


def _version_number(request: HttpRequest) -> int | None:
    text = request.GET.get("version", "")
    if not text:
        return None
    if not text.isdigit() or len(text) > 6:
        raise Http404("No such version.")
    return int(text)


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    found = list(selectors.cases_visible_to(request.user))
    return render(request, "web/businesscase/cases.html", {"cases": found})


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, _version_number(request))
    deciders = selectors.deciding_partners(request.user, access)
    only = list(deciders[:2])
    may_manage = selectors.may_manage(request.user, access)
    form = DecisionForm(
        request.POST if request.POST.get("form") == "decision" else None,
        partners=deciders,
        initial={"partner": only[0].pk} if len(only) == 1 else None,
    )
    if request.method == "POST" and request.POST.get("form") == "publish" and may_manage:
        if attempt(
            request,
            lambda: services.version_publish(
                actor=request.user, version=shown, published=request.POST.get("published") == "1"
            ),
        ):
            messages.success(
                request, f"Version {shown.number} is {'published' if shown.published else 'not published'}."
            )
        return redirect(f"{request.path}?version={shown.number}")
    if request.method == "POST" and form.is_bound and only and form.is_valid():
        data = form.cleaned_data
        decision = submit(
            form,
            lambda: services.decision_record(
                actor=request.user,
                version=shown,
                partner=data["partner"],
                outcome=data["outcome"],
                decided_on=data["decided_on"],
                body=data["body"],
                minutes_url=data["minutes_url"],
                conditions=data["conditions"],
            ),
        )
        if decision is not None:
            messages.success(
                request,
                f"{decision.partner.name}: {decision.get_outcome_display()}"
                f" on version {shown.number} recorded.",
            )
            return redirect("web:businesscase_case", case_id=access.case.pk)
    appraisals = selectors.option_appraisals(access, shown)
    rows = selectors.version_rows(access)
    approved = selectors.partnership_approval(access.case)
    return render(
        request,
        "web/businesscase/case.html",
        {
            "case": access.case,
            "access": access,
            "version": shown,
            "involved": selectors.involved_of(access.case),
            "baseline": selectors.baselines_of(access, shown),
            "functions": dict(Function.choices),
            "appraisals": appraisals,
            "chart": cumulative_chart([(a.option.name, a.cumulative_discounted) for a in appraisals]),
            "years": range(access.case.years),
            "version_rows": rows,
            "approved": approved,
            "form": form,
            "deciders": deciders,
            "may_decide": bool(only) and bool(rows) and rows[0].version.pk == shown.pk,
            "may_manage": may_manage,
        },
    )


APPRAISAL_HEADER = [
    "Option",
    "Kind",
    "Net present value",
    "Present value of costs",
    "Present value of savings",
    "Payback year",
    "Discounted payback year",
    "Switching value (%)",
]


def _appraisal_rows(request: HttpRequest, case_id: int) -> tuple[list[str], list[list[Any]], str]:
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, _version_number(request))
    appraisals = selectors.option_appraisals(access, shown)
    sensitivities = list(appraisals[0].result.sensitivities) if appraisals else []
    partners = sorted({s.partner for a in appraisals for s in a.shares})
    header = [
        *APPRAISAL_HEADER,
        *(f"NPV, {name}" for name in sensitivities),
        *(f"{code} share of NPV" for code in partners),
    ]
    rows = []
    for a in appraisals:
        shares = {s.partner: s.net_present_value for s in a.shares}
        rows.append(
            [
                a.option.name,
                a.option.get_kind_display(),
                a.result.net_present_value,
                a.result.present_value_costs,
                a.result.present_value_savings,
                a.result.payback_year,
                a.result.discounted_payback_year,
                a.result.switching_value_percent,
                *(a.result.sensitivities[name] for name in sensitivities),
                *(shares.get(code) for code in partners),
            ]
        )
    return header, rows, f"{access.case.name} v{shown.number} appraisal"


@login_required
def appraisal_export(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    header, rows, name = _appraisal_rows(request, case_id)
    return export_response(fmt, header, rows, name)


BASELINE_HEADER = [
    "Partner",
    "Function",
    "Staff cost",
    "FTE",
    "Non-staff cost",
    "Payslips",
    "Invoices",
    "Tickets",
    "Shared with the partnership",
    "Source",
]


@login_required
def baseline_export(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    """The baseline rows the reader may see, then the partnership's totals by function."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, _version_number(request))
    baseline = selectors.baselines_of(access, shown)
    labels = dict(Function.choices)
    rows: list[list[Any]] = [
        [
            b.partner.name,
            labels.get(b.function, b.function),
            b.staff_cost,
            b.fte,
            b.non_staff_cost,
            b.payslips,
            b.invoices,
            b.tickets,
            b.shared,
            b.source,
        ]
        for b in baseline.rows
    ]
    rows += [
        ["Partnership total", t.label, t.staff_cost, t.fte, t.non_staff_cost, None, None, None, None, ""]
        for t in [*baseline.totals, baseline.total]
    ]
    return export_response(fmt, BASELINE_HEADER, rows, f"{access.case.name} v{shown.number} baseline")


@login_required
def baseline_import(request: HttpRequest, case_id: int) -> HttpResponse:
    access = selectors.case_for(request.user, case_id=case_id)
    if not selectors.may_manage(request.user, access):
        raise Http404("No such page.")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tabular.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.baselines_import(
            actor=request.user, case=access.case, source=upload.read(), filename=upload.name
        )
        if result.ok:
            messages.success(request, f"{result.saved} baseline rows imported.")
            return redirect("web:businesscase_case", case_id=access.case.pk)
        errors = result.errors
    return render(
        request,
        "web/businesscase/import.html",
        {"case": access.case, "form": form, "errors": errors, "columns": services.BASELINE_COLUMNS.names},
    )
