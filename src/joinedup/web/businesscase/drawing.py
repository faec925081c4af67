"""Pages that draw a case's figures from the rest of joinedup (businesscase/drawing.py): an
option's one-off costs from a workforce-change programme's costing, and a partner's baseline from
its ledger and people data. Both find the case (404) and check the reader manages it (403) before
reading any form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from joinedup.businesscase import drawing, selectors
from joinedup.core.calendar import year_label
from joinedup.partnership.models import Partner
from joinedup.web.businesscase.forms import DrawBaselineForm, DrawOneOffsForm
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
                    f"{drawn.start:%B %Y} to {drawn.end:%B %Y}: {len(drawn.rows)} "
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
