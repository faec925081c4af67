"""A finance officer's budget against actual for the year so far, and the shared-services body's
recharge statements and reconciliation: counted exactly, the other partners' never."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from unittest import mock

from joinedup.ledger.models import Account, Budget, CostCentre, Period
from joinedup.ledger.services import LineInput, budget_set
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.workspaces.selectors import worklist
from joinedup.workspaces.tests.base import TODAY, WorkWaitingTestCase


def finance(user: Any, partner: Any, today: date = TODAY) -> dict[str, Any]:
    found = worklist(user, partner=partner, today=today)
    return {t.key: t for s in found.sections if s.role == "finance_officer" for t in s.tiles}


class BudgetsSet(WorkWaitingTestCase):
    def set_budget(
        self, partner: Any, centre: str, account: str, month: date, pence: int, actor: Any
    ) -> None:
        budget_set(
            actor=actor,
            cost_centre=CostCentre.objects.for_partner(partner).get(code=centre),
            account=Account.objects.for_partner(partner).get(code=account),
            period=Period.objects.for_partner(partner).get(start_date=month),
            amount=pence,
        )

    def setUp(self) -> None:
        # The council: HR's paper (£12.34 spent in November) budgeted at £10.00, over by £2.34;
        # HR's ICT budgeted at £50.00 in May with nothing spent, under by £50.00.
        self.set_budget(self.council, "HR", "4200", date(2026, 11, 1), 1_000, self.council_finance)
        self.set_budget(self.council, "HR", "4100", date(2026, 5, 1), 5_000, self.council_finance)
        # The police: paper with a budget far over it, and ICT with no budget at all.
        self.set_budget(self.police, "FIN", "4200", date(2026, 11, 1), 999_999, self.police_finance)
        self.post(
            [
                LineInput(account="4100", debit=70_000, cost_centre="FIN"),
                LineInput(account="4200", debit=80_000, cost_centre="FIN"),
                LineInput(account="B100", credit=150_000),
            ],
            actor=self.police_finance,
            partner=self.police,
            on=date(2026, 6, 10),
        )


class TestBudgetAgainstActual(BudgetsSet):
    def test_a_finance_officer_sees_the_lines_over_and_under_budget_for_the_year_so_far(self) -> None:
        tiles = finance(self.council_finance, self.council)
        assert (tiles["budget_lines_over"].count, tiles["budget_lines_under"].count) == (1, 1)
        # The year runs from April; the report range is April to this month.
        assert tiles["budget_lines_over"].href == "/ledger/budget?from=2026-04&to=2026-11"
        assert tiles["budget_lines_over"].detail == (
            "Largest variance -£50.00: HR 4100 ICT hardware, software and licences"
        )

    def test_the_largest_variances_are_listed_biggest_first(self) -> None:
        year = worklist(self.council_finance, partner=self.council, today=TODAY).budget
        assert year is not None
        assert [
            (v.cost_centre, v.account.split()[0], v.budget_pence, v.actual_pence) for v in year.largest
        ] == [
            ("HR", "4100", 5_000, 0),
            ("HR", "4200", 1_000, 1_234),
        ]

    def test_the_police_lines_are_the_polices_alone(self) -> None:
        tiles = finance(self.police_finance, self.police)
        # Paper (£12.34 and £800.00) against a £9,999.99 budget is under; June's ICT has none.
        assert (tiles["budget_lines_over"].count, tiles["budget_lines_under"].count) == (1, 1)
        assert Budget.objects.for_partner(self.council).count() == 2

    def test_a_year_before_its_first_period_counts_from_the_first_period(self) -> None:
        tiles = finance(self.council_finance, self.council, date(2026, 1, 5))
        # Before April 2026 the report shows the first period, April, alone.
        assert tiles["budget_lines_over"].href == "/ledger/budget?from=2026-04&to=2026-04"
        assert (tiles["budget_lines_over"].count, tiles["budget_lines_under"].count) == (0, 0)

    def test_a_non_shared_finance_officer_has_no_recharge_tiles(self) -> None:
        assert "recharge_statements_issued" not in finance(self.council_finance, self.council)


class TestRechargeTiles(RechargeTestCase):
    def test_the_shared_finance_officer_sees_statements_issued_and_balances_agreeing(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        tiles = finance(self.shared_finance, self.shared, date(2026, 10, 30))
        assert tiles["recharge_statements_issued"].count == 3
        assert tiles["recharge_statements_issued"].href == "/recharges/?month=2026-10"
        assert tiles["reconciliation_differences"].count == 0
        assert tiles["reconciliation_differences"].href == "/recharges/reconciliation/?month=2026-10"
        assert (
            tiles["reconciliation_differences"].detail == "3 pairs of partners reconciled; difference £0.00"
        )

    def test_a_one_sided_posting_is_a_difference_to_reconcile(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        self.post(
            [
                LineInput(account="B310", credit=500, counterparty="WSS"),
                LineInput(account="4200", debit=500, cost_centre="HR"),
            ],
            on=date(2026, 10, 20),
        )
        tiles = finance(self.shared_finance, self.shared, date(2026, 10, 30))
        assert tiles["reconciliation_differences"].count == 1

    def test_before_the_run_no_statement_is_issued(self) -> None:
        tiles = finance(self.shared_finance, self.shared, date(2026, 10, 30))
        assert tiles["recharge_statements_issued"].count == 0

    def test_the_councils_finance_officer_sees_no_recharge_tiles(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        tiles = finance(self.council_finance, self.council, date(2026, 10, 30))
        assert "recharge_statements_issued" not in tiles
        assert "reconciliation_differences" not in tiles


class TestFinanceOnTheHomePageAndApi(BudgetsSet):
    def test_the_home_page_lists_the_largest_variances_and_links_to_the_budget_report(self) -> None:
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            html = self.signed_in(self.council_finance).get("/").content.decode()
        table = html[html.index('data-testid="budget-variances"') :]
        table = table[: table.index("</table>")]
        rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*>([^<]+)</td>', table)
        assert [(centre, account.split()[0]) for centre, account in rows] == [("HR", "4100"), ("HR", "4200")]
        assert "£2.34" in table
        assert 'href="/ledger/budget?from=2026-04&amp;to=2026-11"' in html

    def test_the_report_the_tile_links_to_shows_the_same_range(self) -> None:
        response = self.signed_in(self.council_finance).get("/ledger/budget?from=2026-04&to=2026-11")
        assert response.status_code == 200
        report = response.context["report"]
        assert (report.first.start_date, report.last.start_date) == (date(2026, 4, 1), date(2026, 11, 1))

    def test_the_api_gives_the_budget_tiles_as_the_page_does(self) -> None:
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            body = self.api(self.council_finance).get("/api/v1/me/worklist").json()
        found = body["roles"]["finance_officer"]
        assert (found["budget_lines_over"]["count"], found["budget_lines_under"]["count"]) == (1, 1)
        assert found["budget_lines_over"]["href"] == "/ledger/budget?from=2026-04&to=2026-11"

    def test_the_api_gives_the_largest_variances_in_pence_as_the_page_lists_them(self) -> None:
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            body = self.api(self.council_finance).get("/api/v1/me/worklist").json()
        year = body["budget_year_so_far"]
        assert (year["period_from"], year["period_to"], year["lines_over"], year["lines_under"]) == (
            "2026-04",
            "2026-11",
            1,
            1,
        )
        assert [
            (v["cost_centre"], v["account"].split()[0], v["budget"], v["actual"], v["variance"])
            for v in year["largest_variances"]
        ] == [("HR", "4100", 5_000, 0, -5_000), ("HR", "4200", 1_000, 1_234, 234)]
        assert (body["pay_by_month"], body["fte_by_unit"]) == ([], [])

    def test_the_police_finance_officer_cannot_read_the_councils_worklist_and_nothing_changes(self) -> None:
        budgets = list(Budget.objects.for_partner(self.council).values_list("pk", "amount"))
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            response = self.api(self.police_finance).get(f"/api/v1/me/worklist?partner_id={self.council.pk}")
        assert response.status_code == 404
        assert list(Budget.objects.for_partner(self.council).values_list("pk", "amount")) == budgets
