"""Recharges over JSON: the shared-services body's pools, agreements and recharge runs; each
partner's statement of charges (JSON, CSV, PDF); the reconciliation of inter-partner balances;
and a partner's spend over £500 (Transparency Code) as CSV. Money is integer pence; months are
written ``2026-10``.

A statement is readable by the charged partner's finance officers and by the shared-services
body's, who issue them; to anyone else the partner does not exist (404). Reading a statement
grants nothing on the partner's ledger."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import P, QueryEx, Router, Schema, Status

from joinedup.api.schemas import DateIn
from joinedup.partnership.selectors import partner_for
from joinedup.recharges import outputs, selectors, services, transparency
from joinedup.recharges.models import RechargeRun

router = Router(tags=["recharges"])


class PoolOut(Schema):
    id: int
    service: str
    name: str
    cost_centres: list[str]
    accounts: list[str]
    active: bool

    @staticmethod
    def resolve_cost_centres(obj: Any) -> list[str]:
        return list(obj.cost_centre_codes)

    @staticmethod
    def resolve_accounts(obj: Any) -> list[str]:
        return list(obj.account_codes)


class AgreementOut(Schema):
    id: int
    partner: str
    service: str
    driver: str
    percentage: Decimal | None
    effective_from: dt.date
    effective_to: dt.date | None
    live: bool
    note: str

    @staticmethod
    def resolve_partner(obj: Any) -> str:
        return str(obj.charged_partner.code)


class RunOut(Schema):
    id: int
    month: str
    status: str
    total: int
    created_at: dt.datetime


class RunLineOut(Schema):
    charged_by: str
    partner: str
    kind: str
    service: str
    description: str
    driver: str
    driver_source: str
    quantity: Decimal
    rate: Decimal | None
    pool_amount: int
    amount: int


class RunDetailOut(RunOut):
    lines: list[RunLineOut]


class RunIn(Schema):
    month: str


class StatementLineOut(Schema):
    service: str
    driver: str
    source: str
    description: str
    quantity: Decimal
    rate: Decimal | None
    amount: int
    charged_by: str


class TrendOut(Schema):
    service: str
    amounts: list[int]


class StatementOut(Schema):
    partner: str
    month: str
    lines: list[StatementLineOut]
    total: int
    trend_months: list[str]
    trend: list[TrendOut]


class ReconciliationRowOut(Schema):
    debtor: str
    creditor: str
    debtor_balance: int
    creditor_balance: int
    difference: int


class ReconciliationOut(Schema):
    as_at: dt.date
    rows: list[ReconciliationRowOut]
    total_difference: int


def _run(run: RechargeRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "month": f"{run.month:%Y-%m}",
        "status": run.status,
        "total": run.total,
        "created_at": run.created_at,
    }


def _run_detail(run: RechargeRun) -> dict[str, Any]:
    return {
        **_run(run),
        "lines": [
            {
                "charged_by": line.partner.code,
                "partner": line.charged_partner.code,
                "kind": line.kind,
                "service": line.service,
                "description": line.description,
                "driver": line.driver,
                "driver_source": line.driver_source,
                "quantity": line.quantity,
                "rate": line.rate,
                "pool_amount": line.pool_amount,
                "amount": line.amount,
            }
            for line in selectors.run_lines(run)
        ],
    }


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/recharges/pools", response=list[PoolOut])
def list_pools(request: HttpRequest) -> Any:
    return list(selectors.pools_of(request.user))


@router.get("/recharges/agreements", response=list[AgreementOut])
def list_agreements(request: HttpRequest) -> Any:
    """Every agreement to the shared-services body's staff; to a partner, its own."""
    return list(selectors.agreements_of(request.user))


@router.get("/recharges/runs", response=list[RunOut])
def list_runs(request: HttpRequest) -> Any:
    return [_run(run) for run in selectors.runs_of(request.user)]


@router.post("/recharges/runs", response={201: RunDetailOut})
def create_run(request: HttpRequest, body: RunIn) -> Status[dict[str, Any]]:
    """Run the month's recharge; asking again returns the run already made, posting nothing new."""
    run = services.recharge_run(actor=request.user, month=body.month)
    return Status(201, _run_detail(selectors.run_for(request.user, run_id=run.pk)))


@router.get("/recharges/runs/{recharge_run_id}", response=RunDetailOut)
def get_run(request: HttpRequest, recharge_run_id: int) -> dict[str, Any]:
    return _run_detail(selectors.run_for(request.user, run_id=recharge_run_id))


def _statement(request: HttpRequest, partner_id: int, month: str) -> selectors.Statement:
    partner = selectors.statement_partner(request.user, partner_id=partner_id)
    return selectors.statement_for(request.user, partner=partner, month=month)


# The file routes come first: the bare route's {month} would also match "2026-10.csv".
@router.get("/partners/{partner_id}/statements/{month}.csv")
def get_statement_csv(request: HttpRequest, partner_id: int, month: str) -> HttpResponse:
    statement = _statement(request, partner_id, month)
    name = f"charges-{statement.partner.code}-{statement.month:%Y-%m}.csv"
    return _download(outputs.statement_csv(statement), "text/csv; charset=utf-8", name)


@router.get("/partners/{partner_id}/statements/{month}.pdf")
def get_statement_pdf(request: HttpRequest, partner_id: int, month: str) -> HttpResponse:
    statement = _statement(request, partner_id, month)
    name = f"charges-{statement.partner.code}-{statement.month:%Y-%m}.pdf"
    return _download(outputs.statement_pdf(statement), "application/pdf", name)


@router.get("/partners/{partner_id}/statements/{month}", response=StatementOut)
def get_statement(request: HttpRequest, partner_id: int, month: str) -> dict[str, Any]:
    statement = _statement(request, partner_id, month)
    return {
        "partner": statement.partner.code,
        "month": f"{statement.month:%Y-%m}",
        "lines": [
            {
                "service": line.service,
                "driver": line.driver,
                "source": line.source,
                "description": line.description,
                "quantity": line.quantity,
                "rate": line.rate,
                "amount": line.amount,
                "charged_by": line.issuer,
            }
            for line in statement.lines
        ],
        "total": statement.total,
        "trend_months": [f"{m:%Y-%m}" for m in statement.trend_months],
        "trend": [{"service": label, "amounts": amounts} for label, amounts in statement.trend],
    }


@router.get("/recharges/reconciliation", response=ReconciliationOut)
def get_reconciliation(request: HttpRequest, month: str) -> dict[str, Any]:
    """Inter-partner debtor balances against the counterparties' creditor balances at the end
    of ``?month=2026-10``."""
    report = selectors.reconciliation(request.user, month=month)
    return {
        "as_at": report.as_at,
        "rows": [
            {
                "debtor": r.debtor,
                "creditor": r.creditor,
                "debtor_balance": r.debtor_balance,
                "creditor_balance": r.creditor_balance,
                "difference": r.difference,
            }
            for r in report.rows
        ],
        "total_difference": report.total_difference,
    }


@router.get("/partners/{partner_id}/transparency.csv")
def get_transparency_csv(
    request: HttpRequest,
    partner_id: int,
    date_from: QueryEx[DateIn | None, P(alias="from")] = None,
    date_to: QueryEx[DateIn | None, P(alias="to")] = None,
) -> HttpResponse:
    """Spend over £500 from purchase invoices dated ``?from=2026-04-01&to=2026-06-30`` (by
    default, the financial year to date)."""
    partner = partner_for(request.user, partner_id=partner_id)
    date_to = date_to or timezone.localdate()
    date_from = date_from or transparency.year_start(date_to)
    rows = transparency.spend_over_threshold(
        request.user, partner=partner, date_from=date_from, date_to=date_to
    )
    name = f"spend-over-500-{partner.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
    return _download(transparency.spend_csv(rows), "text/csv; charset=utf-8", name)
