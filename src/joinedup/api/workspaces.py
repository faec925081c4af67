"""The caller's worklist over JSON: the home page's tiles, keyed by role and then tile, for one
partner, and the figures its charts and variance table show. The same selectors count both, so
another client shows the same figures. Money is integer pence, as the ledger's API gives it."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from joinedup.partnership.permissions import member_partners
from joinedup.partnership.selectors import partner_for
from joinedup.workspaces import selectors as workspaces
from joinedup.workspaces.budget import YearSoFar

router = Router(tags=["workspaces"])

# FTE to four places, as posts hold it, whichever database summed it.
FTE = Decimal("0.0001")


class WorklistPartnerOut(Schema):
    id: int
    code: str
    name: str


class TileOut(Schema):
    count: int
    href: str
    label: str
    detail: str


class PayMonthOut(Schema):
    month: str  # "2026-11"
    gross_pay: int
    payslips: int


class UnitFteOut(Schema):
    unit: str
    budgeted_fte: Decimal
    in_post_fte: Decimal


class VarianceOut(Schema):
    cost_centre: str
    account: str
    budget: int
    actual: int
    variance: int  # actual less budget: over budget is positive


class BudgetYearOut(Schema):
    period_from: str  # "2026-04"
    period_to: str
    lines_over: int
    lines_under: int
    largest_variances: list[VarianceOut]


class WorklistOut(Schema):
    partner: WorklistPartnerOut
    # role → tile key → tile, e.g. {"payroll_officer": {"flags_to_review": {"count": 3, ...}}}.
    # A role the caller holds with no tiles yet is present with no tiles.
    roles: dict[str, dict[str, TileOut]]
    # The charts' figures, each empty (or null) unless a role held draws that chart: gross pay
    # and payslips by month for payroll roles (13 months, oldest first); FTE by unit for HR
    # officers; the year's budget against actual for finance officers.
    pay_by_month: list[PayMonthOut]
    fte_by_unit: list[UnitFteOut]
    budget_year_so_far: BudgetYearOut | None


@router.get("/me/worklist", response=WorklistOut)
def my_worklist(request: HttpRequest, partner_id: int | None = None) -> dict[str, object]:
    """What is waiting for the caller on one partner (``partner_id``, or their first partner by
    name): for each role they hold there, each tile's count and the address of the filtered list
    page behind it. 404 for a partner the caller holds no role on."""
    if partner_id is None:
        partners = member_partners(request.user)
        if not partners:
            raise Http404("You hold no role on any partner.")
        partner = partners[0]
    else:
        partner = partner_for(request.user, partner_id=partner_id)
    found = workspaces.worklist(request.user, partner=partner, today=workspaces.today())
    return {
        "partner": {"id": partner.pk, "code": partner.code, "name": partner.name},
        "roles": {
            section.role: {
                tile.key: {"count": tile.count, "href": tile.href, "label": tile.label, "detail": tile.detail}
                for tile in section.tiles
            }
            for section in found.sections
        },
        "pay_by_month": [
            {"month": f"{m.month:%Y-%m}", "gross_pay": m.gross_pence, "payslips": m.headcount}
            for m in found.pay_months
        ],
        "fte_by_unit": [
            {"unit": u.unit, "budgeted_fte": u.budgeted.quantize(FTE), "in_post_fte": u.in_post.quantize(FTE)}
            for u in found.fte_units
        ],
        "budget_year_so_far": _budget(found.budget),
    }


def _budget(year: YearSoFar | None) -> dict[str, object] | None:
    if year is None:
        return None
    return {
        "period_from": f"{year.first.start_date:%Y-%m}",
        "period_to": f"{year.last.start_date:%Y-%m}",
        "lines_over": year.over,
        "lines_under": year.under,
        "largest_variances": [
            {
                "cost_centre": v.cost_centre,
                "account": v.account,
                "budget": v.budget_pence,
                "actual": v.actual_pence,
                "variance": v.variance_pence,
            }
            for v in year.largest
        ],
    }
