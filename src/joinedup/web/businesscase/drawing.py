"""The case's horizon and partners; and pages that draw a case's figures from the rest of
joinedup (businesscase/drawing.py): an option's one-off costs from a workforce-change programme's
costing, and a partner's baseline from its ledger and people data. Each finds the case (404) and
checks the reader manages it (403) before reading any form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.businesscase import drawing, selectors, services
from joinedup.core.calendar import year_label
from joinedup.core.dates import people_month
from joinedup.partnership.models import Partner
from joinedup.web.businesscase.forms import CaseChangeForm, DrawBaselineForm, DrawOneOffsForm
from joinedup.web.businesscase.views import _back, _edit_page, _managed
from joinedup.web.forms import submit


@login_required
def option_draw(request: HttpRequest, case_id: int, option_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    option = selectors.option_for_edit(access, option_id)
    programmes = drawing.programmes_for_case(access.case)
    form = DrawOneOffsForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes,
        initial={"programme": option.programme_id, "year0": option.programme_year0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(access.case)
        drawn = submit(
            form,
            lambda: drawing.option_draw_one_offs(
                actor=request.user, option=option, programme_id=int(data["programme"]), year0=data["year0"]
            ),
        )
        if drawn is not None:
            if not drawn.changed:
                text = f"The lines already hold {drawn.programme.name}'s costing: nothing changed."
            else:
                text = (
                    f"{len(drawn.lines)} one-off cost line{'s' if len(drawn.lines) != 1 else ''} drawn from "
                    f"{drawn.programme.name}'s costing, year 0 being {year_label(drawn.year0)}."
                )
                if editing.makes_new_version:
                    text += (
                        f" Version {editing.version.number + 1} was made for it: the decisions of"
                        f" {', '.join(editing.decided_by)} stay on version {editing.version.number}."
                    )
            messages.success(request, text)
            for problem in drawn.problems:
                messages.warning(request, f"The programme's costing says: {problem}")
            return redirect("web:businesscase_option", case_id=access.case.pk, option_id=drawn.option.pk)
    return _edit_page(
        request,
        access,
        form,
        title=f"Draw one-off costs for {option.name}",
        button="Draw the costs",
        intro=(
            "Redundancy pay, pay in lieu of notice, accrued holiday, pension strain and pay protection, "
            "from the programme's costing: one line per partner and kind of cost, each marked with the "
            "programme and the date it was drawn. Drawing again brings the lines up to date; lines "
            "entered by hand are not touched."
        ),
    )


@login_required
def baseline_draw(request: HttpRequest, case_id: int) -> HttpResponse:
    access = _managed(request, case_id)
    partners = Partner.objects.filter(
        pk__in=[pk for pk in selectors.involved_ids(access.case) if pk != access.case.partner_id]
    ).order_by("name")
    form = DrawBaselineForm(request.POST if request.method == "POST" else None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(access.case)
        drawn = submit(
            form,
            lambda: drawing.baselines_draw(
                actor=request.user, case=access.case, partner=data["partner"], start=data["start"]
            ),
        )
        if drawn is not None:
            if not drawn.changed:
                text = f"{drawn.partner.name}'s baseline already holds these figures: nothing changed."
            else:
                text = (
                    f"{drawn.partner.name}'s baseline drawn from its ledger and people data, "
                    f"{people_month(drawn.start)} to {people_month(drawn.end)}: {len(drawn.rows)} "
                    f"function{'s' if len(drawn.rows) != 1 else ''}."
                )
                if editing.makes_new_version:
                    text += (
                        f" Version {editing.version.number + 1} was made for it: the decisions of"
                        f" {', '.join(editing.decided_by)} stay on version {editing.version.number}."
                    )
            messages.success(request, text)
            return _back(access)
    return _edit_page(
        request,
        access,
        form,
        title="Draw a baseline from the ledger",
        button="Draw the baseline",
        intro=(
            "For a partner whose ledger is on joinedup: each function it has mapped cost centres to gets "
            "its staff cost, non-staff cost, FTE and volumes over twelve months, with the query shown "
            "beside the figures. Every one of the twelve months must be in its ledger."
        ),
    )


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's horizon and partners (and which of them must approve)."""
    access = _managed(request, case_id)
    case = access.case
    involved = selectors.involved_of(case)
    partners = Partner.objects.filter(active=True).exclude(pk=case.partner_id).order_by("name")
    form = CaseChangeForm(
        request.POST if request.method == "POST" else None,
        partners=Partner.objects.filter(active=True).order_by("name"),
        initial={
            "years": selectors.latest_of(case).horizon,
            "partners": [r.partner_id for r in involved if r.partner_id != case.partner_id],
            "must_approve": [r.partner_id for r in involved if r.must_approve],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = selectors.editing(case)
        version = submit(
            form,
            lambda: services.case_change(
                actor=request.user,
                case=case,
                years=data["years"],
                partners=list(data["partners"]),
                must_approve=list(data["must_approve"]),
            ),
        )
        if version is not None:
            text = f"{case.name}: horizon {case.years} years, {len(data['partners'])} partners."
            if editing.makes_new_version and version.pk != editing.version.pk:
                text += (
                    f" Version {version.number} was made for it: the decisions of"
                    f" {', '.join(editing.decided_by)} stay on version {editing.version.number}."
                )
            messages.success(request, text)
            return _back(access)
    chosen = {str(v) for v in (form["partners"].value() or [])}
    approving = {str(v) for v in (form["must_approve"].value() or [])}
    return render(
        request,
        "web/businesscase/case_edit.html",
        {
            "form": form,
            "case": case,
            "partners": partners,
            "approvers": [case.partner, *partners],
            "chosen": chosen,
            "approving": approving,
            "editing": selectors.editing(case),
        },
    )
