"""A finance officer's budget against actual for the financial year so far, with the largest
variances; and, for the shared-services body's finance officers, the recharge statements issued
this month and the reconciliation of inter-partner balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from joinedup.core.dates import people_month
from joinedup.core.money import gbp
from joinedup.ledger import reports
from joinedup.ledger.models import Period
from joinedup.partnership.models import PartnerKind
from joinedup.partnership.permissions import has_permission
from joinedup.recharges import selectors as recharges
from joinedup.workspaces.tiles import Tile, link

# The variances the home page lists: the largest by size, over or under.
LARGEST = 5


@dataclass(frozen=True)
class Variance:
    cost_centre: str
    account: str
    budget_pence: int
    actual_pence: int

    @property
    def variance_pence(self) -> int:
        return self.actual_pence - self.budget_pence

    @property
    def budget(self) -> str:
        return gbp(self.budget_pence)

    @property
    def actual(self) -> str:
        return gbp(self.actual_pence)

    @property
    def variance(self) -> str:
        return gbp(self.variance_pence)


@dataclass(frozen=True)
class YearSoFar:
    first: Period
    last: Period
    # Every cost centre's own line of each account, as net expenditure (income counts against).
    lines: list[Variance]

    @property
    def href(self) -> str:
        return link(
            "ledger_budget",
            **{"from": f"{self.first.start_date:%Y-%m}", "to": f"{self.last.start_date:%Y-%m}"},
        )

    @property
    def over(self) -> int:
        return sum(1 for v in self.lines if v.variance_pence > 0)

    @property
    def under(self) -> int:
        return sum(1 for v in self.lines if v.variance_pence < 0)

    @property
    def largest(self) -> list[Variance]:
        ranked = sorted(
            (v for v in self.lines if v.variance_pence),
            key=lambda v: (-abs(v.variance_pence), v.cost_centre, v.account),
        )
        return ranked[:LARGEST]


def year_so_far(user: Any, *, partner: Any, today: date) -> YearSoFar | None:
    """Budget against actual from the first period of the financial year holding ``today`` to
    today's period, through ``ledger.reports.budget_vs_actual`` (a fixed number of queries
    whatever the number of lines). None for a partner with no periods yet."""
    # The partner's periods read once: today's and its year's first are both among them.
    periods = list(Period.objects.for_partner(partner).select_related("year"))
    last = reports.current_period(user, partner=partner, today=today, among=periods)
    if last is None:
        return None
    first = min((p for p in periods if p.year_id == last.year_id), key=lambda p: p.start_date)
    report = reports.budget_vs_actual(user, partner=partner, period_from=first, period_to=last)
    lines = [
        Variance(
            cost_centre=section.cost_centre.code,
            account=f"{line.account.code} {line.account.name}",
            budget_pence=line.net.budget,
            actual_pence=line.net.actual,
        )
        for section in report.sections
        for line in section.lines
    ]
    return YearSoFar(first=first, last=last, lines=lines)


def budget_tiles(found: YearSoFar | None) -> list[Tile]:
    if found is None:
        return []
    span = f"{people_month(found.first.start_date)} to {people_month(found.last.start_date)}"
    largest = found.largest
    detail = (
        f"Largest variance {largest[0].variance}: {largest[0].cost_centre} {largest[0].account}"
        if largest
        else ""
    )
    return [
        Tile(
            "budget_lines_over",
            "Budget lines over budget this year so far",
            found.over,
            found.href,
            f"Cost centres' accounts that spent more than their budget from {span} appear here.",
            detail=detail,
        ),
        Tile(
            "budget_lines_under",
            "Budget lines under budget this year so far",
            found.under,
            found.href,
            f"Cost centres' accounts that spent less than their budget from {span} appear here.",
        ),
    ]


def issues_recharges(user: Any, partner: Any) -> bool:
    """Whether ``partner`` is the shared-services body and ``user`` issues its recharges."""
    return partner.kind == PartnerKind.SHARED_SERVICE and has_permission(user, "recharges.manage", partner)


def recharge_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    """The shared-services body's finance officers: this month's statements and the
    reconciliation across partners. Nothing for any other partner's finance officers.

    One statement read per partner charged (a handful, not a count that grows with staff)."""
    if not issues_recharges(user, partner):
        return []
    month = f"{today:%Y-%m}"
    issued = sum(
        1
        for p in recharges.statement_partners(user)
        if recharges.statement_for(user, partner=p, month=month).lines
    )
    report = recharges.reconciliation(user, month=month)
    differences = report.differences
    return [
        Tile(
            "recharge_statements_issued",
            "Recharge statements issued this month",
            issued,
            link("recharges_home", month=month),
            f"Partners charged for {people_month(today)} appear here once the month's recharge is run.",
        ),
        Tile(
            "reconciliation_differences",
            "Inter-partner balances that do not agree",
            len(differences),
            link("recharges_reconciliation", month=month),
            "Pairs of partners whose debtor and creditor balances differ at the end of "
            f"{people_month(today)} appear here.",
            detail=f"{len(report.rows)} pairs of partners reconciled; "
            f"difference {gbp(report.total_difference)}",
        ),
    ]
