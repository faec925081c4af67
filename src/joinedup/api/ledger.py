"""A partner's ledger over JSON: chart, cost centres, periods, trial balance, budget against
actual, journals (read, post, reverse). Money is integer pence, as stored; periods are named by
their month, ``2026-08``."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import P, QueryEx, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, ObjectIn
from joinedup.ledger import reports, selectors, services
from joinedup.ledger.models import Journal, Period
from joinedup.partnership.models import Partner
from joinedup.partnership.selectors import partner_for

router = Router(tags=["ledger"])


# --- schemas -----------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    code: str
    name: str
    type: str
    group: str
    inter_partner: bool
    active: bool


class CostCentreOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    parent_code: str | None
    org_unit_id: int | None
    active: bool

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class PeriodOut(Schema):
    id: int
    month: str
    year: str
    number: int
    start_date: dt.date
    end_date: dt.date
    status: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.start_date:%Y-%m}"

    @staticmethod
    def resolve_year(obj: Any) -> str:
        return str(obj.year.label)


class TrialBalanceRowOut(Schema):
    account: str
    name: str
    type: str
    debits: int
    credits: int
    balance: int


class TrialBalanceOut(Schema):
    period: PeriodOut
    rows: list[TrialBalanceRowOut]
    total_debits: int
    total_credits: int


class FiguresOut(Schema):
    budget: int
    actual: int
    variance: int
    variance_percent: Decimal | None


class BudgetLineOut(Schema):
    account: str
    account_name: str
    account_type: str
    figures: FiguresOut


class CostCentreSectionOut(Schema):
    cost_centre: str
    cost_centre_id: int
    name: str
    parent: str | None
    depth: int
    lines: list[BudgetLineOut]
    own: FiguresOut
    total: FiguresOut


class BudgetVsActualOut(Schema):
    period_from: str
    period_to: str
    sections: list[CostCentreSectionOut]
    total: FiguresOut


class LineOut(Schema):
    id: int
    account: str
    cost_centre: str | None
    counterparty: str | None
    debit: int
    credit: int
    description: str

    @staticmethod
    def resolve_account(obj: Any) -> str:
        return str(obj.account.code)

    @staticmethod
    def resolve_cost_centre(obj: Any) -> str | None:
        return obj.cost_centre.code if obj.cost_centre_id else None

    @staticmethod
    def resolve_counterparty(obj: Any) -> str | None:
        return obj.counterparty.code if obj.counterparty_id else None


class JournalOut(Schema):
    id: int
    partner_id: int
    period: str
    date: dt.date
    source: str
    source_ref: str
    description: str
    reverses_id: int | None
    posted_by: str | None
    posted_at: dt.datetime

    @staticmethod
    def resolve_period(obj: Any) -> str:
        return f"{obj.period.start_date:%Y-%m}"

    @staticmethod
    def resolve_posted_by(obj: Any) -> str | None:
        return obj.posted_by.get_username() if obj.posted_by_id else None


class JournalDetailOut(JournalOut):
    lines: list[LineOut]
    reversed_by_id: int | None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(reports.lines_of(obj))

    @staticmethod
    def resolve_reversed_by_id(obj: Any) -> int | None:
        reversal = reports.reversal_of(obj)
        return reversal.pk if reversal else None


class LineIn(Schema):
    account: str
    debit: int = 0
    credit: int = 0
    cost_centre: str = ""
    counterparty: str = ""
    description: str = ""


class JournalIn(Schema):
    date: DateIn
    description: str
    lines: list[LineIn]
    idempotency_key: str | None = None


class ReverseIn(ObjectIn):
    date: DateIn | None = None
    description: str = ""


# --- helpers --------------------------------------------------------------------------------------


def _period(request: HttpRequest, partner: Partner, month: str | None) -> Period:
    """The month asked for, or the current one (so the bare URL answers with something useful)."""
    if month:
        return reports.period_for_month(request.user, partner=partner, month=month)
    found = reports.current_period(request.user, partner=partner, today=timezone.localdate())
    if found is None:
        raise ValidationError({"period": f"{partner.name} has no financial periods: set up a year first."})
    return found


def _figures(figures: reports.Figures) -> dict[str, Any]:
    return {
        "budget": figures.budget,
        "actual": figures.actual,
        "variance": figures.variance,
        "variance_percent": figures.variance_percent,
    }


# --- routes -----------------------------------------------------------------------------------------


@router.get("/partners/{partner_id}/accounts", response=list[AccountOut])
@paginate(Pages, page_size=50)
def list_accounts(request: HttpRequest, partner_id: int) -> Any:
    return selectors.accounts_of(request.user, partner=partner_for(request.user, partner_id=partner_id))


@router.get("/partners/{partner_id}/cost-centres", response=list[CostCentreOut])
@paginate(Pages, page_size=50)
def list_cost_centres(request: HttpRequest, partner_id: int) -> Any:
    return selectors.cost_centres_of(request.user, partner=partner_for(request.user, partner_id=partner_id))


@router.get("/partners/{partner_id}/periods", response=list[PeriodOut])
@paginate(Pages, page_size=50)
def list_periods(request: HttpRequest, partner_id: int) -> Any:
    return selectors.periods_of(request.user, partner=partner_for(request.user, partner_id=partner_id))


@router.get("/partners/{partner_id}/trial-balance", response=TrialBalanceOut)
def trial_balance(request: HttpRequest, partner_id: int, period: str | None = None) -> dict[str, Any]:
    """Movements on each account in one period (``?period=2026-08``; default the current one)."""
    partner = partner_for(request.user, partner_id=partner_id)
    chosen = _period(request, partner, period)
    balance = selectors.trial_balance(request.user, partner=partner, period=chosen)
    return {
        "period": chosen,
        "rows": [
            {
                "account": row.account.code,
                "name": row.account.name,
                "type": row.account.type,
                "debits": row.debits,
                "credits": row.credits,
                "balance": row.balance,
            }
            for row in balance.rows
        ],
        "total_debits": balance.total_debits,
        "total_credits": balance.total_credits,
    }


@router.get("/partners/{partner_id}/budget-vs-actual", response=BudgetVsActualOut)
def budget_vs_actual(
    request: HttpRequest,
    partner_id: int,
    period_from: QueryEx[str | None, P(alias="from")] = None,
    period_to: QueryEx[str | None, P(alias="to")] = None,
) -> dict[str, Any]:
    """Budget against actual by cost centre and account, rolled up the cost-centre tree, over
    ``?from=2026-04&to=2026-08`` (default: the current period alone)."""
    partner = partner_for(request.user, partner_id=partner_id)
    first = _period(request, partner, period_from)
    last = _period(request, partner, period_to) if period_to else first
    if period_to and not period_from:
        first = last
    report = reports.budget_vs_actual(request.user, partner=partner, period_from=first, period_to=last)
    return {
        "period_from": f"{report.first.start_date:%Y-%m}",
        "period_to": f"{report.last.start_date:%Y-%m}",
        "sections": [
            {
                "cost_centre": s.cost_centre.code,
                "cost_centre_id": s.cost_centre.pk,
                "name": s.cost_centre.name,
                "parent": s.cost_centre.parent.code if s.cost_centre.parent else None,
                "depth": s.depth,
                "lines": [
                    {
                        "account": line.account.code,
                        "account_name": line.account.name,
                        "account_type": line.account.type,
                        "figures": _figures(line.figures),
                    }
                    for line in s.lines
                ],
                "own": _figures(s.own),
                "total": _figures(s.total),
            }
            for s in report.sections
        ],
        "total": _figures(report.total),
    }


@router.get("/partners/{partner_id}/journals", response=list[JournalOut])
@paginate(Pages, page_size=50)
def list_journals(
    request: HttpRequest, partner_id: int, period: str | None = None, source: str | None = None
) -> Any:
    """Newest first; ``?period=2026-08`` and ``?source=manual`` narrow the list."""
    partner = partner_for(request.user, partner_id=partner_id)
    journals = selectors.journals_of(request.user, partner=partner)
    if period:
        journals = journals.filter(
            period=reports.period_for_month(request.user, partner=partner, month=period)
        )
    if source:
        journals = journals.filter(source=source)
    return journals.order_by("-date", "-id")


@router.post("/partners/{partner_id}/journals", response={201: JournalDetailOut})
def post_journal(request: HttpRequest, partner_id: int, body: JournalIn) -> Status[Journal]:
    """Post a manual journal. 422 with the fields at fault (``lines[1].account``) and nothing
    written when it does not balance or names what the chart lacks."""
    partner = partner_for(request.user, partner_id=partner_id)
    journal = services.journal_post(
        actor=request.user,
        partner=partner,
        date=body.date,
        lines=[services.LineInput(**line.dict()) for line in body.lines],
        description=body.description,
        idempotency_key=body.idempotency_key,
    )
    return Status(201, (reports.journal_for(request.user, journal_id=journal.pk)))


@router.get("/journals/{journal_id}", response=JournalDetailOut)
def get_journal(request: HttpRequest, journal_id: int) -> Journal:
    return reports.journal_for(request.user, journal_id=journal_id)


@router.post("/journals/{journal_id}/reverse", response={201: JournalDetailOut})
def reverse_journal(request: HttpRequest, journal_id: int, body: ReverseIn) -> Status[Journal]:
    """Post the journal's mirror image (dated ``date`` or the original's); asking again returns
    the same reversal."""
    journal = reports.journal_for(request.user, journal_id=journal_id)
    reversal = services.journal_reverse(
        actor=request.user, journal=journal, date=body.date, description=body.description
    )
    return Status(201, (reports.journal_for(request.user, journal_id=reversal.pk)))
