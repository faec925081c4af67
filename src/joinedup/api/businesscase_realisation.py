"""Benefits realisation over JSON: a case's realisation against the version approved by the
partnership (the figures of the board pack, as the caller may see them: its own partners' rows,
those of partners that shared their baseline, and the partnership's totals; a union representative
the totals of a published approved version only), the case's go-live date, and each partner's
mapping of its ledger cost centres to the case's functions.

A case the caller's partners are not in, and a partner the caller is not a member of, do not exist
(404). Money is a decimal string of pounds and pence."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from joinedup.api.schemas import DateIn, IdIn
from joinedup.businesscase import realisation, selectors, services
from joinedup.businesscase.models import Function
from joinedup.partnership.permissions import partner_ids_with
from joinedup.partnership.selectors import partner_for

router = Router(tags=["business case"])


class RealisedFunctionOut(Schema):
    partner: str | None
    function: str
    months: int
    baseline: str
    plan: str
    own_cost: str
    recharges: str
    actual: str
    saving: str
    planned_saving: str
    baseline_fte: str
    fte: str | None
    ledger_baseline: str | None


class RealisedPartnerOut(Schema):
    partner: str | None
    months: int
    spent_before: str
    own_cost: str
    recharges: str
    now: str
    saving: str
    planned_saving: str
    one_off_estimate: str
    one_off_paid: str


class RealisedMonthOut(Schema):
    month: date
    partners: int
    baseline: str
    actual: str
    saving: str
    planned_saving: str
    cumulative_saving: str
    cumulative_plan: str


class OneOffOut(Schema):
    month: date
    paid: str
    cumulative: str


class MappedOut(Schema):
    partner_id: int
    cost_centre_id: int
    code: str
    name: str
    function: str


class RealisationOut(Schema):
    live: bool
    version: int | None
    option: str | None
    live_from: date | None
    functions: list[RealisedFunctionOut]
    function_totals: list[RealisedFunctionOut]
    partners: list[RealisedPartnerOut]
    total: RealisedPartnerOut | None
    months: list[RealisedMonthOut]
    one_offs: list[OneOffOut]
    one_off_estimate: str | None
    one_off_estimate_as_written: str | None
    what_was_summed: list[str]
    mapped: list[MappedOut]
    detail_not_shared: list[str]


class GoLiveIn(Schema):
    live_from: DateIn | None = None


class GoLiveOut(Schema):
    id: int
    live_from: date | None


class MappingIn(Schema):
    cost_centre_id: IdIn
    function: Function | None = None


class MappingSetIn(Schema):
    mapping: list[MappingIn] = Field(..., max_length=10_000)


class MappingOut(Schema):
    cost_centre_id: int
    code: str
    name: str
    function: str | None


def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _function(row: realisation.FunctionRow, partner: str | None) -> dict[str, Any]:
    return {
        "partner": partner,
        "function": row.function,
        "months": row.months,
        "baseline": str(row.baseline),
        "plan": str(row.plan),
        "own_cost": str(row.own_cost),
        "recharges": str(row.recharges),
        "actual": str(row.actual),
        "saving": str(row.saving),
        "planned_saving": str(row.planned_saving),
        "baseline_fte": str(row.baseline_fte),
        "fte": _m(row.fte),
        "ledger_baseline": _m(row.drawn_baseline),
    }


def _position(p: realisation.PartnerPosition, partner: str | None) -> dict[str, Any]:
    return {
        "partner": partner,
        "months": p.months,
        "spent_before": str(p.baseline),
        "own_cost": str(p.own_cost),
        "recharges": str(p.recharges),
        "now": str(p.actual),
        "saving": str(p.saving),
        "planned_saving": str(p.planned_saving),
        "one_off_estimate": str(p.one_off_estimate),
        "one_off_paid": str(p.one_off_actual),
    }


@router.get("/businesscases/{case_id}/realisation", response=RealisationOut)
def get_realisation(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case's realisation; ``live`` false (and the lists empty) before the case is approved by
    the partnership and has a go-live date."""
    access = selectors.case_for(request.user, case_id=case_id)
    r = realisation.realisation(access)
    if r is None:
        return {
            "live": False,
            "version": None,
            "option": None,
            "live_from": access.case.live_from,
            "functions": [],
            "function_totals": [],
            "partners": [],
            "total": None,
            "months": [],
            "one_offs": [],
            "one_off_estimate": None,
            "one_off_estimate_as_written": None,
            "what_was_summed": [],
            "mapped": [],
            "detail_not_shared": [],
        }
    return {
        "live": True,
        "version": r.version.number,
        "option": r.option.name if r.option else None,
        "live_from": r.live_from,
        "functions": [_function(row, row.partner.code) for row in r.rows],
        "function_totals": [_function(row, None) for row in r.function_totals],
        "partners": [_position(p, p.partner.code) for p in r.positions],
        "total": _position(r.total, None) if r.total else None,
        "months": [
            {
                "month": m.month,
                "partners": m.partners,
                "baseline": str(m.baseline),
                "actual": str(m.actual),
                "saving": str(m.saving),
                "planned_saving": str(m.planned_saving),
                "cumulative_saving": str(m.cumulative_saving),
                "cumulative_plan": str(m.cumulative_plan),
            }
            for m in r.by_month
        ],
        "one_offs": [
            {"month": o.month, "paid": str(o.actual), "cumulative": str(o.cumulative)} for o in r.one_offs
        ],
        "one_off_estimate": str(r.one_off_estimate),
        "one_off_estimate_as_written": str(r.one_off_estimate_unbiased),
        "what_was_summed": r.description,
        "mapped": [
            {
                "partner_id": m.partner_id,
                "cost_centre_id": m.cost_centre_id,
                "code": m.code,
                "name": m.name,
                "function": m.function,
            }
            for m in r.mapped
        ],
        "detail_not_shared": r.hidden_partners,
    }


@router.put("/businesscases/{case_id}/go-live", response=GoLiveOut)
def put_go_live(request: HttpRequest, case_id: int, body: GoLiveIn) -> dict[str, Any]:
    """Set (or, with null, clear) the first day of the month the case went live."""
    access = selectors.case_for(request.user, case_id=case_id)
    case = services.case_go_live(actor=request.user, case=access.case, live_from=body.live_from)
    return {"id": case.pk, "live_from": case.live_from}


def _mapping(partner: Any) -> list[dict[str, Any]]:
    return [
        {"cost_centre_id": c.pk, "code": c.code, "name": c.name, "function": function or None}
        for c, function in realisation.cost_centres_for_mapping(partner)
    ]


@router.get("/partners/{partner_id}/cost-centre-functions", response=list[MappingOut])
def get_mapping(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """Every cost centre of the partner with the function it counts in (null: none)."""
    partner = partner_for(request.user, partner_id=partner_id)
    if partner.pk not in partner_ids_with(request.user, "businesscase.view"):
        raise PermissionDenied("Your roles here do not include business cases.")
    return _mapping(partner)


@router.put("/partners/{partner_id}/cost-centre-functions", response=list[MappingOut])
def put_mapping(request: HttpRequest, partner_id: int, body: MappingSetIn) -> list[dict[str, Any]]:
    """Map the cost centres named (function null: unmap); the others keep their mapping."""
    partner = partner_for(request.user, partner_id=partner_id)
    services.cost_centre_functions_set(
        actor=request.user,
        partner=partner,
        mapping={item.cost_centre_id: (item.function or "") for item in body.mapping},
    )
    return _mapping(partner)
