"""Workforce change over JSON: programmes, their scope and milestones, proposed structures with
the comparison of current and proposed posts (FTE and cost with on-costs), applying a structure,
and the people it puts at risk with the vacancies that suit them.

A programme is read through any partner involved in it on which the caller may view change;
to anyone else it does not exist (404). People at risk are read through their employer only.
Money is a decimal string of pounds and pence ("44069.67"), as the service computes it."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn, DecimalIn, IdIn, ObjectIn
from joinedup.change import costing_selectors, impact_selectors, selectors, services
from joinedup.change.impact import ALL_ROW, PEOPLE_TOTAL
from joinedup.change.models import (
    AtRisk,
    ChangeKind,
    ChangeProgramme,
    ProposedStructure,
    StructureChange,
    VrInterest,
)
from joinedup.change.oncosts import Cost
from joinedup.change.redundancy import money_text, number_text
from joinedup.partnership.selectors import partner_for
from joinedup.people.models import OrgUnit, PayPoint, Post, TermsScheme
from joinedup.people.selectors import posts_for_any

router = Router(tags=["change"])


# --- schemas ---------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    name: str
    lead: str
    owner: str
    status: str
    start_date: date
    end_date: date | None
    description: str


class InvolvedOut(Schema):
    partner: str
    accepts_redeployment: bool


class MilestoneOut(Schema):
    id: int
    name: str
    due: date
    done_on: date | None


class StructureOut(Schema):
    id: int
    name: str
    effective_date: date
    applied_at: datetime | None = None
    applied_by: str


class ScopePostOut(Schema):
    id: int
    partner: str
    code: str
    title: str
    scheme: str
    grade_max: str
    budgeted_fte: Decimal
    location: str


class ProgrammeDetailOut(ProgrammeOut):
    partners: list[InvolvedOut]
    milestones: list[MilestoneOut]
    structures: list[StructureOut]
    scope: list[ScopePostOut]


class ChangeOut(Schema):
    id: int
    kind: str
    partner: str
    post: str
    title: str
    scheme: str
    grade_min: str
    grade_max: str
    budgeted_fte: Decimal | None
    location: str | None
    pool: str
    applied: bool


class StructureDetailOut(StructureOut):
    programme_id: int
    changes: list[ChangeOut]


class CostOut(Schema):
    salary: str
    employer_ni: str
    employer_pension: str
    total: str


class ComparisonRowOut(Schema):
    partner: str
    scheme: str
    grade: str
    current_fte: Decimal
    proposed_fte: Decimal
    current: CostOut
    proposed: CostOut
    cost_change: str


class ComparisonOut(Schema):
    structure_id: int
    costed_on: date
    tax_year: str
    rows: list[ComparisonRowOut]
    partners: list[ComparisonRowOut]
    total: ComparisonRowOut
    notes: list[str]


class AppliedOut(Schema):
    structure_id: int
    already_applied: bool
    message: str
    created: list[str]
    changed: list[str]
    ended: list[str]


class AtRiskOut(Schema):
    id: int
    partner: str
    payroll_number: str
    name: str
    post: str
    reasons: list[str]
    fte: Decimal
    pool: str
    status: str


class VacancyOut(Schema):
    post_id: int
    partner: str
    code: str
    title: str
    grade_max: str
    location: str
    vacant_fte: Decimal


class ProgrammeIn(Schema):
    partner_id: IdIn
    name: str = Field(min_length=1, max_length=200)
    start_date: DateIn
    end_date: DateIn | None = None
    description: str = Field("", max_length=5000)
    partner_ids: list[IdIn] = Field(default_factory=list, max_length=50)


class MilestoneIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    due: DateIn


class ScopeIn(ObjectIn):
    org_unit_ids: list[IdIn] = Field(default_factory=list, max_length=500)
    post_ids: list[IdIn] = Field(default_factory=list, max_length=5000)


class StructureIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    effective_date: DateIn


class ChangeIn(Schema):
    """A change to the structure. ``delete`` and ``change`` name the ``post_id``; ``create`` names
    the ``partner_id`` and gives every field. For a change, a field left out means "as now"."""

    kind: ChangeKind
    post_id: IdIn | None = None
    partner_id: IdIn | None = None
    code: str = Field("", max_length=30)
    title: str = Field("", max_length=200)
    org_unit_id: IdIn | None = None
    scheme: str = Field("", max_length=30, description="The terms scheme's code.")
    grade_min: str = Field("", max_length=30, description="A pay point's code on the scheme.")
    grade_max: str = Field("", max_length=30, description="A pay point's code on the scheme.")
    budgeted_fte: DecimalIn | None = None
    cost_centre: str = Field("", max_length=30)
    location: str | None = Field(None, max_length=100)
    reports_to_post_id: IdIn | None = None
    note: str = Field("", max_length=300)


# --- rendering -------------------------------------------------------------------------------


def _programme(programme: ChangeProgramme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "name": programme.name,
        "lead": programme.partner.code,
        "owner": programme.owner.get_username(),
        "status": programme.status,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "description": programme.description,
    }


def _structure(structure: ProposedStructure) -> dict[str, Any]:
    return {
        "id": structure.pk,
        "name": structure.name,
        "effective_date": structure.effective_date,
        "applied_at": structure.applied_at,
        "applied_by": structure.applied_by,
    }


def _change(change: StructureChange) -> dict[str, Any]:
    post = change.post
    return {
        "id": change.pk,
        "kind": change.kind,
        "partner": change.target_partner.code,
        "post": post.code if post else change.code,
        "title": change.title or (post.title if post else ""),
        "scheme": change.scheme.code if change.scheme else "",
        "grade_min": change.grade_min.code if change.grade_min else "",
        "grade_max": change.grade_max.code if change.grade_max else "",
        "budgeted_fte": change.budgeted_fte,
        "location": change.location,
        "pool": change.pool.name if change.pool else "",
        "applied": change.applied_at is not None,
    }


def _cost(cost: Cost) -> dict[str, str]:
    return {
        "salary": str(cost.salary),
        "employer_ni": str(cost.employer_ni),
        "employer_pension": str(cost.employer_pension),
        "total": str(cost.total),
    }


def _row(row: selectors.ComparisonRow) -> dict[str, Any]:
    return {
        "partner": row.partner,
        "scheme": row.scheme,
        "grade": row.grade,
        "current_fte": row.current_fte,
        "proposed_fte": row.proposed_fte,
        "current": _cost(row.current),
        "proposed": _cost(row.proposed),
        "cost_change": str(row.cost_change),
    }


def _at_risk(row: AtRisk) -> dict[str, Any]:
    return {
        "id": row.pk,
        "partner": row.partner.code,
        "payroll_number": row.employment.payroll_number,
        "name": row.employment.person.full_name,
        "post": row.post.code,
        "reasons": list(row.reasons),
        "fte": row.fte,
        "pool": row.pool.name if row.pool else "",
        "status": row.status,
    }


# --- programmes ------------------------------------------------------------------------------


@router.get("/change/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> Any:
    return [_programme(p) for p in selectors.programmes_visible_to(request.user)]


@router.post("/change/programmes", response={201: ProgrammeOut})
def create_programme(request: HttpRequest, body: ProgrammeIn) -> Status[dict[str, Any]]:
    """A programme led by ``partner_id``, involving it and ``partner_ids``; the caller owns it."""
    lead = partner_for(request.user, partner_id=body.partner_id)
    others = [partner_for(request.user, partner_id=pid) for pid in body.partner_ids]
    programme = services.programme_create(
        actor=request.user,
        partner=lead,
        name=body.name,
        owner=request.user,
        start_date=body.start_date,
        end_date=body.end_date,
        description=body.description,
        partners=others,
    )
    return Status(201, _programme(programme))


@router.get("/change/programmes/{programme_id}", response=ProgrammeDetailOut)
def get_programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    return {
        **_programme(programme),
        "partners": [
            {"partner": row.partner.code, "accepts_redeployment": row.accepts_redeployment}
            for row in selectors.involved_of(programme)
        ],
        "milestones": list(selectors.milestones_of(programme)),
        "structures": [_structure(s) for s in selectors.structures_of(programme)],
        "scope": [
            {
                "id": post.pk,
                "partner": post.partner.code,
                "code": post.code,
                "title": post.title,
                "scheme": post.scheme.code,
                "grade_max": post.grade_max.code,
                "budgeted_fte": post.budgeted_fte,
                "location": post.location,
            }
            for post in selectors.scope_posts_of(programme)
        ],
    }


@router.post("/change/programmes/{programme_id}/milestones", response={201: MilestoneOut})
def add_milestone(request: HttpRequest, programme_id: int, body: MilestoneIn) -> Status[Any]:
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    return Status(
        201, services.milestone_add(actor=request.user, programme=programme, name=body.name, due=body.due)
    )


@router.post("/change/programmes/{programme_id}/scope", response=list[ScopePostOut])
def add_scope(request: HttpRequest, programme_id: int, body: ScopeIn) -> Any:
    """Put units (with their posts, and the posts of the units beneath) and posts in scope; answers
    the whole scope."""
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    units = list(
        OrgUnit.objects.for_partners(selectors.involved_partner_ids(programme)).filter(
            pk__in=body.org_unit_ids
        )
    )
    posts = list(posts_for_any(request.user).filter(pk__in=body.post_ids))
    if len(units) != len(set(body.org_unit_ids)) or len(posts) != len(set(body.post_ids)):
        raise ValidationError("A unit or post is not one of the programme's partners'.")
    services.scope_add(actor=request.user, programme=programme, org_units=units, posts=posts)
    return get_programme(request, programme_id)["scope"]


@router.post("/change/programmes/{programme_id}/structures", response={201: StructureOut})
def create_structure(request: HttpRequest, programme_id: int, body: StructureIn) -> Status[dict[str, Any]]:
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    structure = services.structure_create(
        actor=request.user, programme=programme, name=body.name, effective_date=body.effective_date
    )
    return Status(201, _structure(structure))


# --- structures ------------------------------------------------------------------------------


@router.get("/change/structures/{structure_id}", response=StructureDetailOut)
def get_structure(request: HttpRequest, structure_id: int) -> dict[str, Any]:
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    return {
        **_structure(structure),
        "programme_id": structure.programme_id,
        "changes": [_change(c) for c in selectors.changes_of(structure)],
    }


def _scale_point(scheme: TermsScheme | None, code: str, field_name: str) -> PayPoint | None:
    if not code:
        return None
    point = PayPoint.objects.filter(scheme=scheme, code=code).first() if scheme else None
    if point is None:
        raise ValidationError({field_name: f"No point {code} on the scheme's scale."})
    return point


@router.post("/change/structures/{structure_id}/changes", response={201: ChangeOut})
def add_change(request: HttpRequest, structure_id: int, body: ChangeIn) -> Status[dict[str, Any]]:
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    partners = selectors.involved_partner_ids(structure.programme)
    post: Post | None = None
    if body.post_id is not None:
        post = posts_for_any(request.user).filter(pk=body.post_id, partner__in=partners).first()
        if post is None:
            raise ValidationError({"post_id": "No such post at a partner in the programme."})
    scheme = TermsScheme.objects.filter(code=body.scheme).first() if body.scheme else None
    if body.scheme and scheme is None:
        raise ValidationError({"scheme": f"No terms scheme {body.scheme}."})
    on_scale = scheme or (post.scheme if post else None)
    proposal = services.PostProposal(
        code=body.code,
        title=body.title,
        org_unit=OrgUnit.objects.for_partners(partners).filter(pk=body.org_unit_id).first()
        if body.org_unit_id
        else None,
        scheme=scheme,
        grade_min=_scale_point(on_scale, body.grade_min, "grade_min"),
        grade_max=_scale_point(on_scale, body.grade_max, "grade_max"),
        budgeted_fte=body.budgeted_fte,
        cost_centre=body.cost_centre,
        location=body.location,
        reports_to=posts_for_any(request.user).filter(pk=body.reports_to_post_id).first()
        if body.reports_to_post_id
        else None,
    )
    if body.org_unit_id and proposal.org_unit is None:
        raise ValidationError({"org_unit_id": "No such unit at a partner in the programme."})
    if body.kind == ChangeKind.CREATE:
        if body.partner_id is None:
            raise ValidationError({"partner_id": "Say which partner the new post belongs to."})
        change = services.structure_create_post(
            actor=request.user,
            structure=structure,
            partner=partner_for(request.user, partner_id=body.partner_id),
            proposal=proposal,
            note=body.note,
        )
    elif post is None:
        raise ValidationError({"post_id": "Say which post changes."})
    elif body.kind == ChangeKind.DELETE:
        change = services.structure_delete_post(
            actor=request.user, structure=structure, post=post, note=body.note
        )
    else:
        change = services.structure_change_post(
            actor=request.user, structure=structure, post=post, proposal=proposal, note=body.note
        )
    return Status(201, _change(change))


@router.get("/change/structures/{structure_id}/comparison", response=ComparisonOut)
def get_comparison(request: HttpRequest, structure_id: int) -> dict[str, Any]:
    """Current against proposed, FTE and cost by partner and grade (see change.oncosts)."""
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    found = selectors.structure_comparison(request.user, structure=structure)
    return {
        "structure_id": structure.pk,
        "costed_on": found.on,
        "tax_year": found.tax_year,
        "rows": [_row(r) for r in found.rows],
        "partners": [_row(r) for r in found.partners],
        "total": _row(found.total),
        "notes": found.notes,
    }


@router.post("/change/structures/{structure_id}/apply", response=AppliedOut)
def apply_structure(request: HttpRequest, structure_id: int) -> dict[str, Any]:
    """Make the structure's changes to the establishment (on or after its effective date). A
    structure already applied answers ``already_applied`` and changes nothing."""
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    done = services.structure_apply(actor=request.user, structure=structure)
    return {
        "structure_id": structure.pk,
        "already_applied": done.already,
        "message": done.message,
        "created": [p.code for p in done.created],
        "changed": [p.code for p in done.changed],
        "ended": [p.code for p in done.ended],
    }


@router.post("/change/structures/{structure_id}/at-risk", response=list[AtRiskOut])
def identify_at_risk(request: HttpRequest, structure_id: int) -> Any:
    """Record the people the structure puts at risk; answers everyone at risk the caller may see."""
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    services.at_risk_identify(actor=request.user, structure=structure)
    return [_at_risk(r) for r in selectors.at_risk_of(request.user, structure=structure)]


@router.get("/change/structures/{structure_id}/at-risk", response=list[AtRiskOut])
def list_at_risk(request: HttpRequest, structure_id: int) -> Any:
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    return [_at_risk(r) for r in selectors.at_risk_of(request.user, structure=structure)]


@router.get("/change/at-risk/{at_risk_id}/vacancies", response=list[VacancyOut])
def list_vacancies(request: HttpRequest, at_risk_id: int) -> Any:
    """Vacancies that suit the person (same scheme, grade within one point, same location) at
    their employer and at the programme's partners that accept redeployment."""
    at_risk = selectors.at_risk_for(request.user, at_risk_id=at_risk_id)
    return [
        {
            "post_id": v.post.pk,
            "partner": v.post.partner.code,
            "code": v.post.code,
            "title": v.post.title,
            "grade_max": v.post.grade_max.code,
            "location": v.post.location,
            "vacant_fte": v.vacant_fte,
        }
        for v in selectors.redeployment_matches(request.user, at_risk=at_risk)
    ]


# --- voluntary redundancy -------------------------------------------------------------------------


class VrInterestOut(Schema):
    id: int
    partner: str
    payroll_number: str
    name: str
    leaving_date: date
    status: str
    reason: str


class VrDecisionIn(Schema):
    decision: str = Field(description="accepted, declined or deferred")
    reason: str


def _vr_interest(row: VrInterest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "partner": row.partner.code,
        "payroll_number": row.employment.payroll_number,
        "name": row.employment.person.full_name,
        "leaving_date": row.leaving_date,
        "status": row.status,
        "reason": row.reason,
    }


@router.get("/change/vr-windows/{window_id}/interests", response=list[VrInterestOut])
def list_vr_interests(request: HttpRequest, window_id: int) -> Any:
    """The expressions of interest in a voluntary redundancy window, for its partner's HR."""
    window = selectors.vr_window_for(request.user, window_id=window_id)
    rows = selectors.vr_interests_of(request.user, window=window).select_related("partner")
    return [_vr_interest(r) for r in rows]


@router.get("/change/vr-interests/{interest_id}/quote", response=dict[str, Any])
def vr_quote(request: HttpRequest, interest_id: int) -> Any:
    """The whole indicative quote (change.redundancy.quote_as_dict, with ``notes`` on what it rests
    on and what the records do not hold): the employee's own, or any of the employer's for its HR."""
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    return selectors.vr_full_quote_for(request.user, interest=interest).as_dict()


def _hr_interest(request: HttpRequest, interest_id: int) -> VrInterest:
    """The interest, for HR of its employer; 404 to anyone else (the employee included)."""
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    if not selectors.may(request.user, "change.view", [interest.partner_id]):
        raise Http404("No such expression of interest.")
    return interest


@router.post("/change/vr-interests/{interest_id}/decide", response=VrInterestOut)
def decide_vr_interest(request: HttpRequest, interest_id: int, payload: VrDecisionIn) -> Any:
    interest = _hr_interest(request, interest_id)
    decided = services.vr_interest_decide(
        actor=request.user, interest=interest, decision=payload.decision, reason=payload.reason
    )
    return _vr_interest(decided)


# --- Costing and the workforce-impact report -------------------------------------------------------


class CostingLineOut(Schema):
    partner: str
    year: str  # the financial year, "2026/27"; "" for every year
    leavers: int
    redundancy: str
    notice: str
    holiday: str
    strain: str
    protection: str
    one_off: str
    savings: str
    net: str


class CostingOut(Schema):
    programme_id: int
    people_of: list[str]
    lines: list[CostingLineOut]
    by_partner: list[CostingLineOut]
    by_year: list[CostingLineOut]
    total: CostingLineOut
    recurring_savings_a_year: dict[str, str]
    problems: list[str]
    assumptions: list[str]


def _costing_line(line: Any) -> dict[str, Any]:
    return {
        "partner": line.partner,
        "year": line.label if line.year else "",
        "leavers": line.leavers,
        **{
            name: money_text(getattr(line, name))
            for name in (
                "redundancy",
                "notice",
                "holiday",
                "strain",
                "protection",
                "one_off",
                "savings",
                "net",
            )
        },
    }


@router.get("/change/programmes/{programme_id}/costing", response=CostingOut)
def get_costing(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    """One-off costs and recurring savings by partner and financial year (change.costing): people's
    costs of the partners on which the caller views change, every partner's post savings."""
    view = costing_selectors.programme_costing_for(request.user, programme_id=programme_id)
    c = view.costing
    return {
        "programme_id": view.programme.pk,
        "people_of": view.partners,
        "lines": [_costing_line(ln) for ln in c.lines],
        "by_partner": [_costing_line(ln) for ln in c.by_partner],
        "by_year": [_costing_line(ln) for ln in c.by_year],
        "total": _costing_line(c.total),
        "recurring_savings_a_year": {k: money_text(v) for k, v in c.recurring_by_partner.items()},
        "problems": c.problems,
        "assumptions": list(view.assumptions),
    }


class ImpactTableOut(Schema):
    characteristic: str
    columns: list[str] = Field(description="The body's columns, then the row total.")
    rows: list[str] = Field(description="The groups, then 'All' (the column totals).")
    cells: list[list[int | None]] = Field(description="Counts; null where hidden by suppression.")


class PostTableOut(Schema):
    title: str
    rows: list[dict[str, Any]]


class ImpactOut(Schema):
    programme_id: int
    partner: str
    partners_readable: list[str]
    on: date
    structure: str
    minimum_shown: int
    people: list[ImpactTableOut]
    posts: list[PostTableOut]
    notes: list[str]


@router.get("/change/programmes/{programme_id}/impact", response=ImpactOut)
def get_impact(request: HttpRequest, programme_id: int, partner: str = "") -> dict[str, Any]:
    """The workforce-impact report at one partner (``partner``: its code; by default the first the
    caller may read): aggregates only, counts under 5 and any that could be worked out from the
    totals hidden (null). For HR (change.view) and union reps (reports.view_aggregate)."""
    report, choices = impact_selectors.impact_report_for(
        request.user, programme_id=programme_id, partner_code=partner
    )
    return {
        "programme_id": programme_id,
        "partner": report.partner_code,
        "partners_readable": [p.code for p in choices],
        "on": report.on,
        "structure": report.structure,
        "minimum_shown": report.minimum,
        "people": [
            {
                "characteristic": title,
                "columns": [*table.columns, PEOPLE_TOTAL],
                "rows": [*table.rows, ALL_ROW],
                "cells": table.published(),
            }
            for title, table in report.people
        ],
        "posts": [
            {
                "title": pt.title,
                "rows": [
                    {
                        "group": group,
                        "posts_before": before,
                        "fte_before": number_text(fte_before),
                        "posts_after": after,
                        "fte_after": number_text(fte_after),
                    }
                    for group, before, fte_before, after, fte_after in pt.rows
                ],
            }
            for pt in report.posts
        ],
        "notes": report.notes,
    }


class VrFactsIn(Schema):
    contractual_notice_weeks: DecimalIn | None = Field(
        None, description="From the contract; null: not recorded"
    )
    pension_fund: str = ""
    annual_pension: DecimalIn | None = Field(None, description="The fund's estimate, pounds a year")
    pension_source: str = ""


@router.post("/change/vr-interests/{interest_id}/facts", response=dict[str, Any])
def record_vr_facts(request: HttpRequest, interest_id: int, payload: VrFactsIn) -> Any:
    """Record contractual notice and the pension fund's estimate; answers the quote they give."""
    interest = _hr_interest(request, interest_id)
    services.vr_interest_record_facts(
        actor=request.user,
        interest=interest,
        contractual_notice_weeks=payload.contractual_notice_weeks,
        pension_fund=payload.pension_fund,
        annual_pension=payload.annual_pension,
        pension_source=payload.pension_source,
    )
    return selectors.vr_full_quote_for(request.user, interest=interest).as_dict()


@router.post("/change/vr-interests/{interest_id}/confirm-leaving", response=VrInterestOut)
def confirm_vr_leaving(request: HttpRequest, interest_id: int) -> Any:
    """An accepted voluntary redundancy goes ahead: the employment ends on the leaving date and the
    final pay gets the redundancy payment, notice pay and holiday pay as pay items."""
    interest = _hr_interest(request, interest_id)
    return _vr_interest(services.vr_leaving_confirm(actor=request.user, interest=interest))


@router.get("/change/vr-interests/{interest_id}/letter", response={200: None})
def vr_letter(request: HttpRequest, interest_id: int) -> Any:
    """The decision letter as PDF: the employee's own, or any of the employer's for its HR."""
    interest = selectors.vr_interest_for(request.user, interest_id=interest_id)
    filename, content = services.vr_letter(actor=request.user, interest=interest)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class VrDelegationOut(Schema):
    id: int
    username: str
    title: str
    up_to: Decimal | None
    source: str


class VrDelegationIn(Schema):
    username: str
    title: str
    up_to: DecimalIn | None = Field(
        None, description="The most an exit may cost the employer; null: no limit"
    )
    source: str


def _delegation(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "username": row.user.get_username(),
        "title": row.title,
        "up_to": row.up_to,
        "source": row.source,
    }


@router.get("/change/partners/{partner_id}/vr-delegations", response=list[VrDelegationOut])
def list_vr_delegations(request: HttpRequest, partner_id: int) -> Any:
    """Who may accept voluntary redundancy at the partner, and up to what cost to the employer."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_delegation(r) for r in selectors.vr_delegations_of(request.user, partner=partner)]


@router.post("/change/partners/{partner_id}/vr-delegations", response=VrDelegationOut)
def set_vr_delegation(request: HttpRequest, partner_id: int, payload: VrDelegationIn) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    selectors.vr_delegations_of(request.user, partner=partner)  # 404 unless they may see it
    user = selectors.member_named(partner, username=payload.username)
    row = services.vr_delegation_set(
        actor=request.user,
        partner=partner,
        user=user,
        title=payload.title,
        up_to=payload.up_to,
        source=payload.source,
    )
    return _delegation(row)


@router.post("/change/vr-delegations/{delegation_id}/end", response=list[VrDelegationOut])
def end_vr_delegation(request: HttpRequest, delegation_id: int) -> Any:
    """End a delegation (the officer may no longer accept voluntary redundancy at the partner);
    answers the partner's delegations that remain."""
    delegation = selectors.vr_delegation_for(request.user, delegation_id=delegation_id)
    services.vr_delegation_end(actor=request.user, delegation=delegation)
    partner = delegation.partner
    return [_delegation(r) for r in selectors.vr_delegations_of(request.user, partner=partner)]
