"""Transfer and secondment plan pages: a programme's plans, a plan with its staff list and the
employee liability information's due date, the ELI export, the comparison of a transfer with a
secondment, the team's terms side by side with the cost of harmonising them (a chart and a
table), and the measures letter.

Each finds its plan through the selectors first, so HR of a partner not involved gets 404 before
anything is read; the services decide who may change what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from joinedup.change import selectors, transfer_selectors, transfer_services
from joinedup.change.harmonise import Option
from joinedup.change.models import TransferPlan, TransferPlanStatus
from joinedup.change.transfer_letters import measures_letter_pdf
from joinedup.partnership.models import Partner
from joinedup.web.change.forms import TransferMemberForm, TransferPlanForm, TransferPlanUpdateForm
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, bound, submit

FORMATS = ("csv", "xlsx")
CHART_WIDTH = 480  # SVG units of the longest bar
HUNDRED = Decimal(100)


@login_required
def programme_plans(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme's plans, and a new one for those who manage change at its lead partner (the
    plan is the programme's: change.manage there, as the service says)."""
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    may_create = bool(selectors.may(request.user, "change.manage", [programme.partner_id]))
    involved = Partner.objects.filter(pk__in=selectors.involved_partner_ids(programme)).order_by("name")
    form = bound(TransferPlanForm, request, partners=involved)
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied(
                "Only those who manage change at the programme's lead partner plan transfers."
            )
        if form.is_valid():
            data = form.cleaned_data
            made = submit(
                form,
                lambda: transfer_services.plan_create(
                    actor=request.user,
                    programme=programme,
                    name=data["name"],
                    kind=data["kind"],
                    receiving_partner=data["receiving_partner"],
                    transfer_date=data["transfer_date"],
                    secondment_end=data["secondment_end"],
                    recharge_percent=(
                        HUNDRED if data["recharge_percent"] is None else data["recharge_percent"]
                    ),
                    measures=data["measures"],
                ),
            )
            if made is not None:
                messages.success(request, f"Plan {made.name} made: add the people it moves.")
                return redirect("web:change_transfer_plan", made.pk)
    plans = [
        (plan, transfer_selectors.eli_status(plan))
        for plan in transfer_selectors.plans_of(request.user, programme=programme)
    ]
    return render(
        request,
        "web/change/transfer_plans.html",
        {"programme": programme, "plans": plans, "form": form, "may_create": may_create},
    )


def _editable(plan: TransferPlan) -> bool:
    return plan.status not in (TransferPlanStatus.COMPLETED, TransferPlanStatus.WITHDRAWN)


@login_required
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan with its staff list; its employers' HR add the people in the programme's scope one
    at a time (or all at once, plan_from_scope) and take them off (member_remove)."""
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    may_manage = selectors.may(request.user, "change.manage", selectors.involved_partner_ids(found.programme))
    addable = transfer_selectors.addable_employments(request.user, plan=found) if _editable(found) else []
    sent = request.POST.get("form") if request.method == "POST" else None
    form = TransferMemberForm(request.POST if sent == "member" else None, employments=addable)
    update = TransferPlanUpdateForm(
        request.POST if sent == "update" else None,
        initial={
            "status": found.status,
            "transfer_date": found.transfer_date,
            "eli_given_on": found.eli_given_on,
            "measures": found.measures,
        },
    )
    if sent == "member":
        if not [p for p in may_manage if p != found.receiving_partner_id]:
            raise PermissionDenied("You manage workforce change at none of the plan's employers.")
        if form.is_valid():
            employment = form.cleaned_data["employment"]
            added = submit(
                form,
                lambda: transfer_services.plan_add_member(
                    actor=request.user, plan=found, employment=employment
                ),
            )
            if added is not None:
                messages.success(request, f"{employment.payroll_number} added to the staff list.")
                return redirect("web:change_transfer_plan", found.pk)
    elif sent == "update":
        if found.partner_id not in may_manage:
            raise PermissionDenied(
                "Only those who manage change at the programme's lead partner change the plan."
            )
        if update.is_valid():
            data = update.cleaned_data
            changed = submit(
                update,
                lambda: transfer_services.plan_update(
                    actor=request.user,
                    plan=found,
                    transfer_date=data["transfer_date"],
                    measures=data["measures"],
                    status=data["status"],
                    eli_given_on=data["eli_given_on"],
                ),
            )
            if changed is not None:
                messages.success(request, "The plan is saved.")
                return redirect("web:change_transfer_plan", found.pk)
    elif request.method == "POST":
        return redirect("web:change_transfer_plan", found.pk)  # no form of this page: nothing to do
    members = transfer_selectors.members_of(request.user, plan=found)
    return render(
        request,
        "web/change/transfer_plan.html",
        {
            "plan": found,
            "programme": found.programme,
            "members": members,
            "eli": transfer_selectors.eli_status(found),
            "may_manage": may_manage,
            "editable": _editable(found),
            "form": form,
            "addable": addable,
            "update": update,
            "may_update": _editable(found) and found.partner_id in may_manage,
        },
    )


@login_required
@require_POST
def plan_from_scope(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    added = attempt(request, lambda: transfer_services.plan_add_scope(actor=request.user, plan=found))
    if added is not None:
        messages.success(request, f"{len(added)} added to the staff list from the programme's scope.")
    return redirect("web:change_transfer_plan", found.pk)


@login_required
@require_POST
def plan_carry_out(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    done = attempt(request, lambda: transfer_services.plan_carry_out(actor=request.user, plan=found))
    if done is not None:
        messages.success(request, "Recorded in the people module: " + "; ".join(done) + ".")
    return redirect("web:change_transfer_plan", found.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = transfer_selectors.member_for(request.user, member_id=member_id)
    done = attempt(
        request, lambda: transfer_services.plan_remove_member(actor=request.user, member=member) or True
    )
    if done:
        messages.success(request, f"{member.employment.payroll_number} taken off the staff list.")
    return redirect("web:change_transfer_plan", member.plan_id)


@login_required
def eli(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The employee liability information (TUPE 2006 reg. 11), CSV by default or XLSX; recorded on
    each employer's audit chain; never cached."""
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    fmt = request.GET.get("format", "csv")
    fmt = fmt if fmt in FORMATS else "csv"
    rows = transfer_selectors.eli_rows(request.user, plan=found)
    transfer_services.eli_export_record(
        actor=request.user,
        plan=found,
        people=transfer_selectors.eli_people_by_employer(request.user, plan=found),
        fmt=fmt,
    )
    response = export_response(fmt, transfer_selectors.ELI_HEADER, rows, f"eli-plan-{found.pk}")
    patch_cache_control(response, no_store=True)
    return response


@login_required
def comparison(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    try:
        result = transfer_selectors.transfer_comparison(request.user, plan=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:change_transfer_plan", found.pk)
    partners = sorted(set(result.transfer.cost_by_partner) | set(result.secondment.cost_by_partner))
    rows = [
        (code, result.transfer.cost_by_partner.get(code), result.secondment.cost_by_partner.get(code))
        for code in partners
    ]
    return render(
        request,
        "web/change/transfer_comparison.html",
        {"plan": found, "programme": found.programme, "result": result, "rows": rows},
    )


def _protection_years(request: HttpRequest) -> int:
    try:
        years = int(request.GET.get("protection_years", "3"))
    except ValueError:
        return 3
    return min(max(years, 0), 10)


def _chart(options: list[Option]) -> list[dict[str, Any]]:
    """Bars for the first year's and the lasting yearly cost of each option, scaled to the longest,
    as SVG geometry (no inline style: the content security policy allows none)."""
    values = [abs(a) for o in options for a in (o.total[0], o.total[-1])] or [Decimal(0)]
    longest = max(values) or Decimal(1)
    bars = []
    for index, option in enumerate(options):
        for offset, (label, amount) in enumerate(
            (("first year", option.total[0]), ("from then on", option.total[-1]))
        ):
            width = int(abs(amount) / longest * CHART_WIDTH)
            bars.append(
                {
                    "y": (index * 2 + offset) * 22,
                    "width": max(width, 1),
                    "amount": amount,
                    "saving": amount < 0,
                    "label": f"{option.scheme}: {option.label}, {label}",
                }
            )
    return bars


@login_required
def terms(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    years = _protection_years(request)
    try:
        view = transfer_selectors.terms_side_by_side(request.user, plan=found, protection_years=years)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:change_transfer_plan", found.pk)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        header, rows = transfer_selectors.terms_table(view)
        response = export_response(fmt, header, rows, f"terms-plan-{found.pk}")
        patch_cache_control(response, no_store=True)
        return response
    bars = _chart(view.options)
    return render(
        request,
        "web/change/transfer_terms.html",
        {
            "plan": found,
            "programme": found.programme,
            "view": view,
            "years": list(range(1, years + 2)),
            "bars": bars,
            "chart_height": len(bars) * 22,
        },
    )


@login_required
def measures_letter(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The measures letter (TUPE reg. 13(2)(d)) from one employer of the staff on the plan: the
    first of the user's own partners with staff on it."""
    found = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    counts = transfer_selectors.eli_people_by_employer(request.user, plan=found)
    members = transfer_selectors.members_of(request.user, plan=found)
    employer = members[0].partner.name if members else found.partner.name
    content = measures_letter_pdf(
        employer=employer,
        receiving=found.receiving_partner.name,
        plan_name=found.name,
        kind_label=found.get_kind_display(),
        transfer_date=found.transfer_date,
        people=counts.get(members[0].partner_id, 0) if members else 0,
        measures=found.measures,
        today=timezone.localdate(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="measures-plan-{found.pk}.pdf"'
    patch_cache_control(response, no_store=True)
    return response
