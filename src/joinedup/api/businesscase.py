"""The partnership's business cases over JSON: the cases a caller may see, one case's versions and
decisions with whether the partnership has approved it, the appraisal of each option of a version
(net present value, payback, sensitivities, switching value, the shares the caller may see) and
the baseline (the caller's rows, the rows shared with it, the partnership's totals), and recording
a partner's decision on the latest version.

A case is read through a partner involved in it on which the caller may view business cases, or by
a union representative of such a partner once a version is published (published versions only);
to anyone else it does not exist (404). Money is a decimal string of pounds and pence."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn, IdIn
from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import BusinessCase, Decision, DecisionBody, Outcome
from joinedup.partnership.models import Partner
from joinedup.partnership.selectors import partner_for

router = Router(tags=["business case"])


class CaseOut(Schema):
    id: int
    name: str
    owner: str
    years: int
    description: str


class CaseDecisionOut(Schema):
    id: int
    partner: str
    version: int
    outcome: str
    decided_on: date
    body: str
    minutes_url: str
    conditions: str


class CaseVersionOut(Schema):
    number: int
    published: bool
    reason: str
    approved_by_partnership: bool
    decisions: list[CaseDecisionOut]


class CaseInvolvedOut(Schema):
    partner: str
    must_approve: bool


class CaseShareOut(Schema):
    partner: str
    costs: str
    savings: str
    net_present_value: str


class CaseOptionOut(Schema):
    name: str
    kind: str
    net_present_value: str
    present_value_costs: str
    present_value_savings: str
    payback_year: int | None
    discounted_payback_year: int | None
    switching_value_percent: str | None
    sensitivities: dict[str, str]
    cumulative_discounted: list[str]
    shares: list[CaseShareOut]


class CaseBaselineOut(Schema):
    partner: str
    function: str
    staff_cost: str
    fte: str
    non_staff_cost: str
    payslips: int
    invoices: int
    tickets: int
    shared: bool


class CaseTotalOut(Schema):
    function: str
    staff_cost: str
    fte: str
    non_staff_cost: str


class CaseDetailOut(CaseOut):
    partners: list[CaseInvolvedOut]
    approved_version: int | None
    version: int
    versions: list[CaseVersionOut]
    options: list[CaseOptionOut]
    baselines: list[CaseBaselineOut]
    totals: list[CaseTotalOut]
    total: CaseTotalOut
    baseline_not_shared: list[str]


class CaseDecisionIn(Schema):
    partner_id: IdIn
    outcome: Outcome
    decided_on: DateIn
    body: DecisionBody
    minutes_url: str = Field("", max_length=500)
    conditions: str = Field("", max_length=5000)


class CaseChangeIn(Schema):
    years: int = Field(..., ge=1, le=100)
    partner_ids: list[IdIn] = Field(..., max_length=100)
    must_approve_ids: list[IdIn] = Field(..., max_length=100)


class CaseChangeOut(CaseOut):
    version: int
    partners: list[CaseInvolvedOut]


def _case(case: BusinessCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "name": case.name,
        "owner": case.partner.code,
        "years": case.years,
        "description": case.description,
    }


def _decision(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "partner": d.partner.code,
        "version": d.version.number,
        "outcome": d.outcome,
        "decided_on": d.decided_on,
        "body": d.body,
        "minutes_url": d.minutes_url,
        "conditions": d.conditions,
    }


def _money(value: Decimal) -> str:
    return str(value)


@router.get("/businesscases", response=list[CaseOut])
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    return [_case(c) for c in selectors.cases_visible_to(request.user)]


@router.get("/businesscases/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int, version: int | None = None) -> dict[str, Any]:
    """The case as the caller may see it, at ``version`` (the latest it may read by default)."""
    access = selectors.case_for(request.user, case_id=case_id)
    shown = selectors.version_for(access, version)
    rows = selectors.version_rows(access)
    # From the versions the caller may read: a union representative hears of no approval of a
    # version not published to them.
    approved = next((row.version for row in rows if row.approved_by_partnership), None)
    baseline = selectors.baselines_of(access, shown)

    def total(t: selectors.FunctionTotal) -> dict[str, str]:
        return {
            "function": t.function,
            "staff_cost": _money(t.staff_cost),
            "fte": str(t.fte),
            "non_staff_cost": _money(t.non_staff_cost),
        }

    return {
        **_case(access.case),
        "partners": [
            {"partner": r.partner.code, "must_approve": r.must_approve}
            for r in selectors.involved_of(access.case)
        ],
        "approved_version": approved.number if approved is not None else None,
        "version": shown.number,
        "versions": [
            {
                "number": row.version.number,
                "published": row.version.published,
                "reason": row.version.reason,
                "approved_by_partnership": row.approved_by_partnership,
                "decisions": [_decision(d) for d in row.decisions],
            }
            for row in rows
        ],
        "options": [
            {
                "name": o.option.name,
                "kind": o.option.kind,
                "net_present_value": _money(o.result.net_present_value),
                "present_value_costs": _money(o.result.present_value_costs),
                "present_value_savings": _money(o.result.present_value_savings),
                "payback_year": o.result.payback_year,
                "discounted_payback_year": o.result.discounted_payback_year,
                "switching_value_percent": (
                    None
                    if o.result.switching_value_percent is None
                    else str(o.result.switching_value_percent)
                ),
                "sensitivities": {name: _money(v) for name, v in o.result.sensitivities.items()},
                "cumulative_discounted": [_money(v) for v in o.cumulative_discounted],
                "shares": [
                    {
                        "partner": s.partner,
                        "costs": _money(s.costs),
                        "savings": _money(s.savings),
                        "net_present_value": _money(s.net_present_value),
                    }
                    for s in o.shares
                ],
            }
            for o in selectors.option_appraisals(access, shown)
        ],
        "baselines": [
            {
                "partner": b.partner.code,
                "function": b.function,
                "staff_cost": _money(b.staff_cost),
                "fte": str(b.fte),
                "non_staff_cost": _money(b.non_staff_cost),
                "payslips": b.payslips,
                "invoices": b.invoices,
                "tickets": b.tickets,
                "shared": b.shared,
            }
            for b in baseline.rows
        ],
        "totals": [total(t) for t in baseline.totals],
        "total": total(baseline.total),
        "baseline_not_shared": baseline.hidden_partners,
    }


@router.post("/businesscases/{case_id}/decisions", response={201: CaseDecisionOut})
def record_decision(request: HttpRequest, case_id: int, body: CaseDecisionIn) -> Status[dict[str, Any]]:
    """The partner's decision on the case's latest version (the caller records it for a partner on
    which it may decide business cases)."""
    access = selectors.case_for(request.user, case_id=case_id)
    partner = partner_for(request.user, partner_id=body.partner_id)
    decision = services.decision_record(
        actor=request.user,
        version=services.latest_version(access.case),
        partner=partner,
        outcome=body.outcome,
        decided_on=body.decided_on,
        body=body.body,
        minutes_url=body.minutes_url,
        conditions=body.conditions,
    )
    return Status(201, _decision(decision))


@router.put("/businesscases/{case_id}", response=CaseChangeOut)
def change_case(request: HttpRequest, case_id: int, body: CaseChangeIn) -> dict[str, Any]:
    """The case's horizon and the partners it is for (the owner is always in it); after a partner's
    decision on the latest version the change makes a new version, and older versions keep their
    horizon."""
    access = selectors.case_for(request.user, case_id=case_id)
    wanted = sorted({*body.partner_ids, *body.must_approve_ids})
    found = {p.pk: p for p in Partner.objects.filter(pk__in=wanted, active=True)}
    missing = [pk for pk in wanted if pk not in found and pk != access.case.partner_id]
    if missing:
        raise ValidationError({"partner_ids": f"No partner has the id {missing[0]}."})
    owner = access.case.partner
    found[owner.pk] = owner
    version = services.case_change(
        actor=request.user,
        case=access.case,
        years=body.years,
        partners=[found[pk] for pk in body.partner_ids],
        must_approve=[found[pk] for pk in body.must_approve_ids],
    )
    return {
        **_case(access.case),
        "version": version.number,
        "partners": [
            {"partner": r.partner.code, "must_approve": r.must_approve}
            for r in selectors.involved_of(access.case)
        ],
    }
