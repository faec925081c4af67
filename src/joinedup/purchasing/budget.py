"""The budget check of a requisition: for each cost centre and account it charges, the ledger's
budget for the financial year against what is already spent (posted journal lines), what is
already committed (requisitions waiting for approval or approved, and orders not closed, less
what has been paid against them) and this requisition. A partner chooses (``PurchasingSettings``)
whether going over warns the approver or blocks the requisition.

Budgets and actuals are the ledger's integer pence; requisition lines are pounds to the penny,
turned into pence exactly. Orders count in the year of their date; requisitions count while
they wait, whenever they were raised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from joinedup.core.money import gbp, pounds_to_pence
from joinedup.ledger.models import Account as LedgerAccount
from joinedup.ledger.models import Budget, CostCentre, FinancialYear, JournalLine
from joinedup.purchasing.models import (
    InvoiceLine,
    InvoiceStatus,
    OrderStatus,
    PurchaseOrderLine,
    Requisition,
    RequisitionLine,
    RequisitionStatus,
)

OPEN_REQUISITIONS = (RequisitionStatus.SUBMITTED, RequisitionStatus.APPROVED)
OPEN_ORDERS = (OrderStatus.ISSUED, OrderStatus.PART_RECEIVED, OrderStatus.RECEIVED)


@dataclass(frozen=True)
class BudgetLine:
    """One cost centre and account, in pence."""

    cost_centre: CostCentre
    account: LedgerAccount
    budget: int
    has_budget: bool
    actual: int
    committed: int
    requested: int

    @property
    def available(self) -> int:
        return self.budget - self.actual - self.committed

    @property
    def over(self) -> bool:
        return self.requested > self.available

    @property
    def message(self) -> str:
        where = f"{self.cost_centre.code} / {self.account.code}"
        if not self.has_budget:
            return f"{where}: no budget is set for this cost centre and account this year."
        return (
            f"{where}: {gbp(self.requested)} asked for, {gbp(max(self.available, 0))} left of the "
            f"year's budget of {gbp(self.budget)} ({gbp(self.actual)} spent, "
            f"{gbp(self.committed)} committed)."
        )


@dataclass(frozen=True)
class BudgetCheck:
    year: FinancialYear | None
    lines: list[BudgetLine]

    @property
    def over(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.over]

    @property
    def warning(self) -> str:
        if self.year is None:
            return "No financial year is set up in the ledger for today: the budget could not be checked."
        return "\n".join(line.message for line in self.over)


def _year_on(partner_id: int, on: date) -> FinancialYear | None:
    return FinancialYear.objects.for_partner(partner_id).filter(start_date__lte=on, end_date__gte=on).first()


def check_requisition(requisition: Requisition, *, on: date) -> BudgetCheck:
    """The budget check of ``requisition``'s lines in the financial year holding ``on``."""
    partner_id = requisition.partner_id
    year = _year_on(partner_id, on)
    lines = list(RequisitionLine.objects.for_partner(partner_id).filter(requisition=requisition))
    requested: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        requested[(line.cost_centre_id, line.account_id)] += pounds_to_pence(line.net)
    if year is None or not requested:
        return BudgetCheck(year=year, lines=[])
    centres = {
        c.pk: c for c in CostCentre.objects.for_partner(partner_id).filter(pk__in={k[0] for k in requested})
    }
    accounts = {
        a.pk: a
        for a in LedgerAccount.objects.for_partner(partner_id).filter(pk__in={k[1] for k in requested})
    }
    keys = dict.fromkeys(requested, 0)

    def grouped(queryset: object, field: str) -> dict[tuple[int, int], int]:
        totals: dict[tuple[int, int], int] = dict(keys)
        for centre_id, account_id, amount in (
            queryset.order_by()  # type: ignore[attr-defined]
            .values("cost_centre_id", "account_id")
            .annotate(total=Sum(field))
            .values_list("cost_centre_id", "account_id", "total")
        ):
            if (centre_id, account_id) in totals and amount is not None:
                totals[(centre_id, account_id)] = amount
        return totals

    centre_ids = sorted({k[0] for k in requested})
    account_ids = sorted({k[1] for k in requested})
    budgets = grouped(
        Budget.objects.for_partner(partner_id).filter(
            period__year=year, cost_centre_id__in=centre_ids, account_id__in=account_ids
        ),
        "amount",
    )
    budgeted = set(
        Budget.objects.for_partner(partner_id)
        .filter(period__year=year, cost_centre_id__in=centre_ids, account_id__in=account_ids)
        .values_list("cost_centre_id", "account_id")
    )
    journal = JournalLine.objects.for_partner(partner_id).filter(
        period__year=year, cost_centre_id__in=centre_ids, account_id__in=account_ids
    )
    debits, credits = grouped(journal, "debit"), grouped(journal, "credit")
    waiting = grouped(
        RequisitionLine.objects.for_partner(partner_id)
        .filter(
            requisition__status__in=OPEN_REQUISITIONS,
            cost_centre_id__in=centre_ids,
            account_id__in=account_ids,
        )
        .exclude(requisition=requisition),
        "net",
    )
    order_lines = PurchaseOrderLine.objects.for_partner(partner_id).filter(
        order__status__in=OPEN_ORDERS,
        order__order_date__gte=year.start_date,
        order__order_date__lte=year.end_date,
        cost_centre_id__in=centre_ids,
        account_id__in=account_ids,
    )
    ordered = grouped(order_lines, "net")
    paid = grouped(
        InvoiceLine.objects.for_partner(partner_id).filter(
            invoice__status=InvoiceStatus.PAID, order_line__in=order_lines
        ),
        "net",
    )
    result = []
    for key, asked in requested.items():
        committed = pounds_to_pence(Decimal(waiting[key])) + max(
            pounds_to_pence(Decimal(ordered[key])) - pounds_to_pence(Decimal(paid[key])), 0
        )
        result.append(
            BudgetLine(
                cost_centre=centres[key[0]],
                account=accounts[key[1]],
                budget=int(budgets[key]),
                has_budget=key in budgeted,
                actual=int(debits[key]) - int(credits[key]),
                committed=committed,
                requested=asked,
            )
        )
    result.sort(key=lambda line: (line.cost_centre.code, line.account.code))
    return BudgetCheck(year=year, lines=result)
