"""Business-case pages: the cases a user may see; a case at one of its versions (the partners
and who must approve, the baseline, each option's appraisal with its sensitivities, switching
value and the shares the reader may see, a chart of cumulative discounted cash flow, the versions
with every decision, and a decision form for each partner the reader decides for); the CSV/XLSX
of its tables; and the baseline import.

Every page finds the case through a selector first, so a case the reader's partners are not in
answers 404 before any form is read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import Function
from joinedup.core import tabular
from joinedup.partnership.models import Partner
from joinedup.web.businesscase.chart import cumulative_chart
from joinedup.web.businesscase.forms import (
    AllocationForm,
    BaselineForm,
    CaseForm,
    DecisionForm,
    ImportForm,
    LineForm,
    OptionForm,
)
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, bound, submit


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
    may_start = selectors.owner_choices(request.user).exists()
    return render(request, "web/businesscase/cases.html", {"cases": found, "may_start": may_start})


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
    # The rows hold the partnership's approval already; a union representative's only the
    # published versions, so an approval of a version not published to them is not shown either.
    approved = next((r.version for r in rows if r.approved_by_partnership), None)
    editing = selectors.editing(access.case) if may_manage else None
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
            "years": range(shown.horizon),
            "version_rows": rows,
            "approved": approved,
            "form": form,
            "deciders": deciders,
            "may_decide": bool(only) and bool(rows) and rows[0].version.pk == shown.pk,
            "may_manage": may_manage,
            # The edit links show on the version edits land on (the latest), for its managers.
            "may_edit": editing is not None and editing.version.pk == shown.pk,
            "editing": editing,
            "sharing": selectors.sharing_of(request.user, access),
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


# --- Exports of the case's other tables ----------------------------------------------------------------


def _export_format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    return fmt


OPTIONS_HEADER = [
    "Option",
    "Kind of option",
    "Line",
    "Cost or saving",
    "One-off",
    "Optimism bias (%)",
    "Delay (years)",
    "Risks",
]


@login_required
def options_export(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    """Every line of every option of the version, a column per year of its amounts."""
    fmt = _export_format(fmt)
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, _version_number(request))
    years = shown.horizon
    rows: list[list[Any]] = []
    for option, lines in selectors.options_with_lines(access.case, shown):
        for line in lines:
            amounts = [Decimal(a) for a in line.amounts]
            rows.append(
                [
                    option.name,
                    option.get_kind_display(),
                    line.name,
                    line.get_kind_display(),
                    line.one_off,
                    line.optimism_bias,
                    line.delay_years,
                    line.risk,
                    *amounts,
                    *([None] * (years - len(amounts))),
                ]
            )
    header = [*OPTIONS_HEADER, *(f"Year {year}" for year in range(years))]
    return export_response(fmt, header, rows, f"{access.case.name} v{shown.number} options")


SHARES_HEADER = ["Option", "Partner", "Costs", "Savings", "Net present value"]


@login_required
def shares_export(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    """The shares the reader may see: every partner's for the owner, its own for a partner."""
    fmt = _export_format(fmt)
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, _version_number(request))
    rows = [
        [a.option.name, s.partner, s.costs, s.savings, s.net_present_value]
        for a in selectors.option_appraisals(access, shown)
        for s in a.shares
    ]
    return export_response(fmt, SHARES_HEADER, rows, f"{access.case.name} v{shown.number} shares")


DECISIONS_HEADER = ["Version", "Partner", "Decision", "Date", "Decided by", "Minutes", "Conditions"]


@login_required
def decisions_export(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    """Every decision on every version the reader may see."""
    fmt = _export_format(fmt)
    access = selectors.case_for(request.user, case_id=case_id)
    rows = [
        [
            d.version.number,
            d.partner.name,
            d.get_outcome_display(),
            d.decided_on,
            d.get_body_display(),
            d.minutes_url,
            d.conditions,
        ]
        for d in selectors.decisions_visible(access)
    ]
    return export_response(fmt, DECISIONS_HEADER, rows, f"{access.case.name} decisions")


# --- Editing the case ----------------------------------------------------------------------------------
#
# Every edit page finds the case through the reader's partners first (404 for a case they are not
# in), then refuses (403) a reader who does not manage the case at its owner, then finds the row
# in the case's latest version (404 otherwise). Each form calls one service; its refusals are
# shown beside the fields with nothing changed.


def _managed(request: HttpRequest, case_id: int) -> selectors.Access:
    access = selectors.case_for(request.user, case_id=case_id)
    selectors.require_manage(request.user, access)
    return access


def _edit_page(
    request: HttpRequest,
    access: selectors.Access,
    form: Any,
    *,
    title: str,
    button: str,
    intro: str = "",
    extra: dict[str, Any] | None = None,
    template: str = "web/businesscase/edit.html",
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "case": access.case,
            "form": form,
            "title": title,
            "button": button,
            "intro": intro,
            "editing": selectors.editing(access.case),
            **(extra or {}),
        },
    )


def _saved(request: HttpRequest, text: str, editing: selectors.Editing) -> None:
    """Say what was saved, and when the edit made a new version, that it did and why."""
    if editing.makes_new_version:
        text += (
            f" Version {editing.version.number + 1} was made for it: the decisions of"
            f" {', '.join(editing.decided_by)} stay on version {editing.version.number}."
        )
    messages.success(request, text)


def _back(access: selectors.Access) -> HttpResponse:
    return redirect("web:businesscase_case", case_id=access.case.pk)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    owners = selectors.owner_choices(request.user)
    if not owners.exists():
        raise PermissionDenied("Business cases are started by a shared-services body's finance staff.")
    partners = Partner.objects.filter(active=True).order_by("name")
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        owners=owners,
        partners=partners,
        initial={"years": 10, "owner": owners[0].pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = submit(
            form,
            lambda: services.case_create(
                actor=request.user,
                owner=data["owner"],
                name=data["name"],
                partners=list(data["partners"]),
                must_approve=list(data["must_approve"]),
                years=data["years"],
                description=data["description"],
            ),
        )
        if case is not None:
            messages.success(request, f"Business case {case.name} started, with version 1.")
            return redirect("web:businesscase_case", case_id=case.pk)
    chosen = {str(v) for v in (form["partners"].value() or [])}
    approving = {str(v) for v in (form["must_approve"].value() or [])}
    return render(
        request,
        "web/businesscase/case_new.html",
        {"form": form, "partners": partners, "chosen": chosen, "approving": approving},
    )


@login_required
def option_new(request: HttpRequest, case_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    form = bound(OptionForm, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(access.case)
        option = submit(
            form,
            lambda: services.option_add(
                actor=request.user,
                case=access.case,
                kind=data["kind"],
                name=data["name"],
                description=data["description"],
            ),
        )
        if option is not None:
            _saved(request, f"Option {option.name} added.", editing)
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=option.pk)
    return _edit_page(request, access, form, title="Add an option", button="Add the option")


@login_required
def option_edit(request: HttpRequest, case_id: int, option_id: int) -> HttpResponse:
    """An option of the latest version: its name and kind, and its lines to add, change or remove."""
    access = _managed(request, case_id)
    option = selectors.option_for_edit(access, option_id)
    form = OptionForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": option.kind, "name": option.name, "description": option.description},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(access.case)
        changed = submit(
            form,
            lambda: services.option_change(
                actor=request.user,
                option=option,
                kind=data["kind"],
                name=data["name"],
                description=data["description"],
            ),
        )
        if changed is not None:
            _saved(request, f"Option {changed.name} saved.", editing)
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=changed.pk)
    return _edit_page(
        request,
        access,
        form,
        title=f"Option: {option.name}",
        button="Save the option",
        extra={"option": option, "lines": list(option.lines.order_by("pk"))},
        template="web/businesscase/option.html",
    )


def _confirm(
    request: HttpRequest, access: selectors.Access, *, title: str, text: str, button: str, back: str
) -> HttpResponse:
    return render(
        request,
        "web/businesscase/confirm.html",
        {
            "case": access.case,
            "title": title,
            "text": text,
            "button": button,
            "back": back,
            "editing": selectors.editing(access.case),
        },
    )


@login_required
def option_remove(request: HttpRequest, case_id: int, option_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    option = selectors.option_for_edit(access, option_id)
    if request.method == "POST":
        editing = selectors.editing(access.case)
        if attempt(request, lambda: services.option_remove(actor=request.user, option=option)):
            _saved(request, f"Option {option.name} removed.", editing)
        return _back(access)
    return _confirm(
        request,
        access,
        title=f"Remove the option {option.name}?",
        text="The option and every one of its lines leave the case.",
        button="Remove the option",
        back=reverse("web:businesscase_option", args=[access.case.pk, option.pk]),
    )


def _line_input(data: dict[str, Any]) -> services.LineInput:
    return services.LineInput(
        name=data["name"],
        kind=data["kind"],
        amounts=data["amounts"],
        optimism_bias=data["optimism_bias"] if data["optimism_bias"] is not None else Decimal(0),
        delay_years=data["delay_years"] or 0,
        one_off=data["timing"] == "one_off",
        risk=data["risk"],
    )


LINE_INTRO = (
    "A cost or a saving of the option, in pounds by year from year 0 (the year of the decision, not"
    " discounted). An optimism bias uplift is added to a cost; a saving that may come late is"
    " delayed by whole years instead (HM Treasury Green Book supplementary guidance)."
)


@login_required
def line_new(request: HttpRequest, case_id: int, option_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    option = selectors.option_for_edit(access, option_id)
    form = LineForm(
        request.POST if request.method == "POST" else None, initial={"delay_years": 0, "timing": "recurring"}
    )
    if request.method == "POST" and form.is_valid():
        editing = selectors.editing(access.case)
        line = submit(
            form,
            lambda: services.line_add(actor=request.user, option=option, line=_line_input(form.cleaned_data)),
        )
        if line is not None:
            _saved(request, f"Line {line.name} added to {line.option.name}.", editing)
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=line.option_id)
    return _edit_page(
        request,
        access,
        form,
        title=f"Add a line to {option.name}",
        button="Add the line",
        intro=LINE_INTRO
        + f" The case's horizon is {access.case.years} years (year 0 to {access.case.years - 1}).",
    )


@login_required
def line_edit(request: HttpRequest, case_id: int, line_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    line = selectors.line_for_edit(access, line_id)
    form = LineForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": line.name,
            "kind": line.kind,
            "timing": "one_off" if line.one_off else "recurring",
            "amounts": ", ".join(str(a) for a in line.amounts),
            "optimism_bias": line.optimism_bias.normalize() if line.optimism_bias else None,
            "delay_years": line.delay_years,
            "risk": line.risk,
        },
    )
    if request.method == "POST" and form.is_valid():
        editing = selectors.editing(access.case)
        changed = submit(
            form,
            lambda: services.line_change(actor=request.user, line=line, to=_line_input(form.cleaned_data)),
        )
        if changed is not None:
            _saved(request, f"Line {changed.name} saved.", editing)
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=changed.option_id)
    return _edit_page(
        request,
        access,
        form,
        title=f"Line: {line.name}",
        button="Save the line",
        intro=LINE_INTRO
        + f" The case's horizon is {access.case.years} years (year 0 to {access.case.years - 1}).",
        extra={"remove": reverse("web:businesscase_line_remove", args=[access.case.pk, line.pk])},
    )


@login_required
def line_remove(request: HttpRequest, case_id: int, line_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    line = selectors.line_for_edit(access, line_id)
    back = reverse("web:businesscase_option", args=[access.case.pk, line.option_id])
    if request.method == "POST":
        editing = selectors.editing(access.case)
        option = attempt(request, lambda: services.line_remove(actor=request.user, line=line))
        if option is not None:
            _saved(request, f"Line {line.name} removed from {option.name}.", editing)
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=option.pk)
        return redirect(back)
    return _confirm(
        request,
        access,
        title=f"Remove the line {line.name}?",
        text=f"The line leaves the option {line.option.name}.",
        button="Remove the line",
        back=back,
    )


@login_required
def allocation(request: HttpRequest, case_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    editing = selectors.editing(access.case)
    form = AllocationForm(
        request.POST if request.method == "POST" else None,
        rows=selectors.allocation_rows(access.case, editing.version),
    )
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form, lambda: services.allocation_set(actor=request.user, case=access.case, keys=form.keys())
        )
        if saved is not None:
            _saved(request, "Allocation keys saved.", editing)
            return _back(access)
    return _edit_page(
        request,
        access,
        form,
        title="Allocation keys",
        button="Save the keys",
        intro=(
            "Each partner's costs and savings are split by its key among the others' (any quantities:"
            " shares of budget, head counts), to the penny by largest remainder. Leave a partner's key"
            " blank when it bears no share."
        ),
    )


@login_required
def baseline_new(request: HttpRequest, case_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    involved = Partner.objects.filter(pk__in=selectors.involved_ids(access.case)).order_by("name")
    form = BaselineForm(
        request.POST if request.method == "POST" else None,
        partners=involved,
        initial={"payslips": 0, "invoices": 0, "tickets": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(access.case)
        row = submit(
            form,
            lambda: services.baseline_set(
                actor=request.user,
                case=access.case,
                partner=data["partner"],
                figures=_figures(data, data["function"]),
            ),
        )
        if row is not None:
            _saved(request, f"{row.partner.name}'s {row.get_function_display()} baseline saved.", editing)
            return _back(access)
    return _edit_page(
        request,
        access,
        form,
        title="Add a baseline row",
        button="Save the baseline",
        intro=(
            "What a partner spends on one function now. A row for a partner's function that exists"
            " already is replaced."
        ),
    )


def _figures(data: dict[str, Any], function: str) -> services.BaselineFigures:
    return services.BaselineFigures(
        function=function,
        staff_cost=data["staff_cost"],
        fte=data["fte"],
        non_staff_cost=data["non_staff_cost"],
        payslips=data["payslips"] or 0,
        invoices=data["invoices"] or 0,
        tickets=data["tickets"] or 0,
        source=data["source"] or "Entered by hand",
    )


@login_required
def baseline_edit(request: HttpRequest, case_id: int, baseline_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    row = selectors.baseline_for_edit(access, baseline_id)
    form = BaselineForm(
        request.POST if request.method == "POST" else None,
        fixed=True,
        initial={
            "staff_cost": row.staff_cost,
            "fte": row.fte,
            "non_staff_cost": row.non_staff_cost,
            "payslips": row.payslips,
            "invoices": row.invoices,
            "tickets": row.tickets,
            "source": row.source,
        },
    )
    if request.method == "POST" and form.is_valid():
        editing = selectors.editing(access.case)
        saved = submit(
            form,
            lambda: services.baseline_set(
                actor=request.user,
                case=access.case,
                partner=row.partner,
                figures=_figures(form.cleaned_data, row.function),
            ),
        )
        if saved is not None:
            _saved(request, f"{row.partner.name}'s {row.get_function_display()} baseline saved.", editing)
            return _back(access)
    return _edit_page(
        request,
        access,
        form,
        title=f"{row.partner.name}: {row.get_function_display()} baseline",
        button="Save the baseline",
        extra={"remove": reverse("web:businesscase_baseline_remove", args=[access.case.pk, row.pk])},
    )


@login_required
def baseline_remove(request: HttpRequest, case_id: int, baseline_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    row = selectors.baseline_for_edit(access, baseline_id)
    label = f"{row.partner.name}'s {row.get_function_display()} baseline"
    if request.method == "POST":
        editing = selectors.editing(access.case)
        if attempt(
            request,
            lambda: services.baseline_remove(
                actor=request.user, case=access.case, partner=row.partner, function=row.function
            ),
        ):
            _saved(request, f"{label} removed.", editing)
        return _back(access)
    return _confirm(
        request,
        access,
        title=f"Remove {label}?",
        text="The row leaves the case's baseline and the partnership's totals.",
        button="Remove the row",
        back=reverse("web:businesscase_baseline", args=[access.case.pk, row.pk]),
    )


@login_required
@require_POST
def sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    """A partner shares its baseline detail with the case's other partners, or stops: the
    partner's own decision (``businesscase.manage`` on it)."""
    access = selectors.case_for(request.user, case_id=case_id)
    mine = {s.partner.pk: s.partner for s in selectors.sharing_of(request.user, access)}
    text = request.POST.get("partner", "")
    partner = mine.get(int(text)) if text.isdigit() and len(text) < 12 else None
    if partner is None:
        raise PermissionDenied("You do not decide whether any partner of this case shares its baseline.")
    shared = request.POST.get("shared") == "1"
    if (
        attempt(
            request,
            lambda: services.baseline_share(
                actor=request.user, case=access.case, partner=partner, shared=shared
            ),
        )
        is not None
    ):
        messages.success(
            request,
            f"{partner.name}'s baseline detail is {'now' if shared else 'no longer'} shared"
            " with the case's partners.",
        )
    return _back(access)
