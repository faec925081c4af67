"""Figures a business case draws from the rest of joinedup, over JSON: an option's one-off costs
from a workforce-change programme's costing, and a partner's baseline from its ledger and people
data (businesscase/drawing.py); and the case's horizon and partners.

A case the caller's partners are not in does not exist (404); changing it is for those who manage
business cases at its owner (403). Money is a decimal string of pounds and pence."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from joinedup.api.schemas import DateIn, IdIn
from joinedup.businesscase import drawing, selectors
from joinedup.core.calendar import year_label
from joinedup.partnership.models import Partner

router = Router(tags=["business case"])


class DrawOneOffsIn(Schema):
    programme_id: IdIn | None = None
    year0: int | None = Field(
        None, ge=2000, le=2200, description="The financial year that is year 0, by its first year."
    )


class DrawnLineOut(Schema):
    id: int
    name: str
    amounts: list[str]
    optimism_bias: str
    source: str


class DrawOneOffsOut(Schema):
    option_id: int
    version: int
    programme: str
    year0: str
    changed: bool
    lines: list[DrawnLineOut]
    problems: list[str]


class DrawBaselineIn(Schema):
    partner_id: IdIn
    start: DateIn | None = None


class DrawnBaselineOut(Schema):
    function: str
    staff_cost: str
    fte: str
    non_staff_cost: str
    payslips: int
    invoices: int
    tickets: int
    drawn_start: date
    drawn_end: date
    query: str


class DrawBaselineOut(Schema):
    partner: str
    version: int
    start: date
    end: date
    changed: bool
    rows: list[DrawnBaselineOut]


@router.post("/businesscases/{case_id}/options/{option_id}/draw-one-offs", response=DrawOneOffsOut)
def draw_one_offs(request: HttpRequest, case_id: int, option_id: int, body: DrawOneOffsIn) -> dict[str, Any]:
    """Link the option (of the latest version) to a programme, or keep its link, and write its
    one-off cost lines from the programme's costing; ``changed`` false when they already held it."""
    access = selectors.case_for(request.user, case_id=case_id)
    option = selectors.option_for_edit(access, option_id)
    drawn = drawing.option_draw_one_offs(
        actor=request.user, option=option, programme_id=body.programme_id, year0=body.year0
    )
    lines = drawn.option.lines.filter(drawn_from__isnull=False).order_by("pk")
    return {
        "option_id": drawn.option.pk,
        "version": drawn.option.version.number,
        "programme": drawn.programme.name,
        "year0": year_label(drawn.year0),
        "changed": drawn.changed,
        "lines": [
            {
                "id": ln.pk,
                "name": ln.name,
                "amounts": list(ln.amounts),
                "optimism_bias": str(ln.optimism_bias),
                "source": ln.source,
            }
            for ln in lines
        ],
        "problems": drawn.problems,
    }


@router.post("/businesscases/{case_id}/baselines/draw", response=DrawBaselineOut)
def draw_baseline(request: HttpRequest, case_id: int, body: DrawBaselineIn) -> dict[str, Any]:
    """Write a partner's baseline from its ledger and people data over twelve months from ``start``
    (by default the twelve before the case went live); ``changed`` false when it already held them."""
    access = selectors.case_for(request.user, case_id=case_id)
    partner = Partner.objects.filter(pk=body.partner_id, pk__in=selectors.involved_ids(access.case)).first()
    if partner is None:
        raise ValidationError({"partner_id": "No partner of this business case has that id."})
    drawn = drawing.baselines_draw(actor=request.user, case=access.case, partner=partner, start=body.start)
    return {
        "partner": partner.code,
        "version": drawn.rows[0].version.number if drawn.rows else 0,
        "start": drawn.start,
        "end": drawn.end,
        "changed": drawn.changed,
        "rows": [
            {
                "function": b.function,
                "staff_cost": str(b.staff_cost),
                "fte": str(b.fte),
                "non_staff_cost": str(b.non_staff_cost),
                "payslips": b.payslips,
                "invoices": b.invoices,
                "tickets": b.tickets,
                "drawn_start": b.drawn_start,
                "drawn_end": b.drawn_end,
                "query": b.drawn_query,
            }
            for b in drawn.rows
        ],
    }
