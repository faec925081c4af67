"""Transfer and secondment plans over JSON: a programme's plans, a plan's staff list (each person
seen by their employer and the receiving body only), the employee liability information as CSV or
XLSX, the comparison of a TUPE transfer with a secondment, and the team's terms side by side with
the cost of harmonising them.

A plan is read through a partner involved in its programme on which the caller may view change;
to anyone else it does not exist (404). Money is a decimal string of pounds and pence."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import io
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn, DecimalIn, IdIn, ObjectIn
from joinedup.change import selectors, transfer_selectors, transfer_services
from joinedup.change.models import TransferKind, TransferPlan, TransferPlanStatus
from joinedup.change.oncosts import Cost
from joinedup.core import tabular
from joinedup.partnership.selectors import partner_for
from joinedup.people.models import Employment

router = Router(tags=["change"])
# The longest pay protection the page and the API offer to cost: a bound on the work, not a rule.
MAX_PROTECTION_YEARS = 10


class PlanOut(Schema):
    id: int
    programme_id: int
    name: str
    kind: str
    receiving_partner: str
    transfer_date: date
    secondment_end: date | None
    recharge_percent: Decimal
    status: str
    eli_due: date
    eli_given_on: date | None
    eli_late: bool
    eli_message: str


class MemberOut(Schema):
    id: int
    partner: str
    payroll_number: str
    name: str


class PlanDetailOut(PlanOut):
    measures: str
    members: list[MemberOut]


class PlanIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: TransferKind
    receiving_partner_id: IdIn
    transfer_date: DateIn
    secondment_end: DateIn | None = None
    recharge_percent: DecimalIn = Decimal(100)
    measures: str = Field("", max_length=10000)


class PlanUpdateIn(ObjectIn):
    transfer_date: DateIn | None = None
    measures: str | None = Field(None, max_length=10000)
    status: TransferPlanStatus | None = None
    eli_given_on: DateIn | None = None


class MembersIn(ObjectIn):
    """Add people to the staff list: ``employment_ids``, and with ``from_scope`` everyone holding a
    post in the programme's scope the day before the transfer at the caller's employers."""

    employment_ids: list[IdIn] = Field(default_factory=list, max_length=5000)
    from_scope: bool = False


class CostOut(Schema):
    salary: str
    employer_ni: str
    employer_pension: str
    total: str


class ArrangementOut(Schema):
    kind: str
    label: str
    employer: str
    terms: str
    pension: str
    records: str
    cost_by_partner: dict[str, CostOut]
    total: CostOut


class TransferComparisonOut(Schema):
    plan_id: int
    costed_on: date
    tax_year: str
    people: int
    receiving_is_lgps_employer: bool
    transfer: ArrangementOut
    secondment: ArrangementOut
    notes: list[str]


def _plan(plan: TransferPlan) -> dict[str, Any]:
    status = transfer_selectors.eli_status(plan)
    return {
        "id": plan.pk,
        "programme_id": plan.programme_id,
        "name": plan.name,
        "kind": plan.kind,
        "receiving_partner": plan.receiving_partner.code,
        "transfer_date": plan.transfer_date,
        "secondment_end": plan.secondment_end,
        "recharge_percent": plan.recharge_percent,
        "status": plan.status,
        "eli_due": status.due,
        "eli_given_on": plan.eli_given_on,
        "eli_late": status.late,
        "eli_message": status.message,
    }


def _detail(request: HttpRequest, plan: TransferPlan) -> dict[str, Any]:
    return {
        **_plan(plan),
        "measures": plan.measures,
        "members": [
            {
                "id": m.pk,
                "partner": m.partner.code,
                "payroll_number": m.employment.payroll_number,
                "name": m.employment.person.full_name,
            }
            for m in transfer_selectors.members_of(request.user, plan=plan)
        ],
    }


def _cost(cost: Cost) -> dict[str, str]:
    return {
        "salary": f"{cost.salary:.2f}",
        "employer_ni": f"{cost.employer_ni:.2f}",
        "employer_pension": f"{cost.employer_pension:.2f}",
        "total": f"{cost.total:.2f}",
    }


@router.get("/change/programmes/{programme_id}/transfer-plans", response=list[PlanOut])
def list_plans(request: HttpRequest, programme_id: int) -> Any:
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    return [_plan(p) for p in transfer_selectors.plans_of(request.user, programme=programme)]


@router.post("/change/programmes/{programme_id}/transfer-plans", response={201: PlanDetailOut})
def create_plan(request: HttpRequest, programme_id: int, body: PlanIn) -> Status[dict[str, Any]]:
    programme = selectors.programme_for(request.user, programme_id=programme_id)
    plan = transfer_services.plan_create(
        actor=request.user,
        programme=programme,
        name=body.name,
        kind=body.kind,
        receiving_partner=partner_for(request.user, partner_id=body.receiving_partner_id),
        transfer_date=body.transfer_date,
        secondment_end=body.secondment_end,
        recharge_percent=body.recharge_percent,
        measures=body.measures,
    )
    return Status(201, _detail(request, plan))


@router.get("/change/transfer-plans/{plan_id}", response=PlanDetailOut)
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return _detail(request, transfer_selectors.plan_for(request.user, plan_id=plan_id))


@router.post("/change/transfer-plans/{plan_id}/update", response=PlanDetailOut)
def update_plan(request: HttpRequest, plan_id: int, body: PlanUpdateIn) -> Any:
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    transfer_services.plan_update(
        actor=request.user,
        plan=plan,
        transfer_date=body.transfer_date,
        measures=body.measures,
        status=body.status,
        eli_given_on=body.eli_given_on,
    )
    return _detail(request, plan)


@router.post("/change/transfer-plans/{plan_id}/members", response=PlanDetailOut)
def add_members(request: HttpRequest, plan_id: int, body: MembersIn) -> Any:
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    if body.from_scope:
        transfer_services.plan_add_scope(actor=request.user, plan=plan)
    # An employment is found through the caller's own partners: another's is 404.
    for employment_id in body.employment_ids:
        employment = (
            Employment.objects.for_partners(selectors.viewing_partners(request.user))
            .filter(pk=employment_id)
            .first()
        )
        if employment is None:
            raise Http404("No such employment.")
        transfer_services.plan_add_member(actor=request.user, plan=plan, employment=employment)
    return _detail(request, plan)


@router.post("/change/transfer-plans/{plan_id}/carry-out", response=list[str])
def carry_out_plan(request: HttpRequest, plan_id: int) -> Any:
    """Record the plan in the people module (a TUPE transfer per employer, or a secondment per
    person) and complete it; answers what was recorded."""
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    return transfer_services.plan_carry_out(actor=request.user, plan=plan)


@router.post("/change/transfer-plan-members/{member_id}/remove", response=PlanDetailOut)
def remove_member(request: HttpRequest, member_id: int) -> Any:
    member = transfer_selectors.member_for(request.user, member_id=member_id)
    transfer_services.plan_remove_member(actor=request.user, member=member)
    return _detail(request, member.plan)


@router.get("/change/transfer-plans/{plan_id}/eli")
def employee_liability_information(
    request: HttpRequest, plan_id: int, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponse:
    """The employee liability information (TUPE 2006 reg. 11) of the people on the plan the caller
    may see, as CSV or XLSX; recorded on each employer's audit chain; never cached."""
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    rows = transfer_selectors.eli_rows(request.user, plan=plan)
    people = transfer_selectors.eli_people_by_employer(request.user, plan=plan)
    transfer_services.eli_export_record(actor=request.user, plan=plan, people=people, fmt=format)
    buffer = io.BytesIO()
    if format == "xlsx":
        tabular.write_xlsx(rows, transfer_selectors.ELI_HEADER, buffer, sheet_title="ELI")
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        text = io.StringIO()
        tabular.write_csv(rows, transfer_selectors.ELI_HEADER, text)
        buffer.write(text.getvalue().encode("utf-8"))
        kind = "text/csv; charset=utf-8"
    response = HttpResponse(buffer.getvalue(), content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="eli-plan-{plan.pk}.{format}"'
    patch_cache_control(response, no_store=True)
    return response


@router.get("/change/transfer-plans/{plan_id}/comparison", response=TransferComparisonOut)
def transfer_comparison(request: HttpRequest, plan_id: int) -> Any:
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    found = transfer_selectors.transfer_comparison(request.user, plan=plan)

    def arrangement(a: transfer_selectors.Arrangement) -> dict[str, Any]:
        return {
            "kind": a.kind,
            "label": a.label,
            "employer": a.employer,
            "terms": a.terms,
            "pension": a.pension,
            "records": a.records,
            "cost_by_partner": {code: _cost(c) for code, c in a.cost_by_partner.items()},
            "total": _cost(a.total),
        }

    return {
        "plan_id": plan.pk,
        "costed_on": found.on,
        "tax_year": found.tax_year,
        "people": found.people,
        "receiving_is_lgps_employer": found.receiving_is_lgps_employer,
        "transfer": arrangement(found.transfer),
        "secondment": arrangement(found.secondment),
        "notes": found.notes,
    }


@router.get("/change/transfer-plans/{plan_id}/terms", response=dict[str, Any])
def terms_side_by_side(request: HttpRequest, plan_id: int, protection_years: int = 3) -> Any:
    """The team's terms side by side, grouped by scheme, and the cost of harmonising them to each
    scheme (levelling up; levelling down with ``protection_years`` of pay protection), per partner
    and per year."""
    plan = transfer_selectors.plan_for(request.user, plan_id=plan_id)
    if not 0 <= protection_years <= MAX_PROTECTION_YEARS:
        raise ValidationError({"protection_years": "Pay protection is from 0 to 10 years."})
    view = transfer_selectors.terms_side_by_side(request.user, plan=plan, protection_years=protection_years)
    header, rows = transfer_selectors.terms_table(view)
    return {
        "plan_id": plan.pk,
        "on": view.on.isoformat(),
        "protection_years": view.protection_years,
        "members": [dict(zip(header, [str(c) for c in row], strict=True)) for row in rows],
        "options": [
            {
                "scheme": o.scheme,
                "method": o.method,
                "label": o.label,
                "by_partner": {code: [f"{a:.2f}" for a in years] for code, years in o.by_partner.items()},
                "total": [f"{a:.2f}" for a in o.total],
            }
            for o in view.options
        ],
        "notes": view.notes,
    }
