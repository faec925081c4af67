"""The ledger's reports over the hand-worked ledger of :mod:`joinedup.ledger.tests.fixtures`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.ledger import reports
from joinedup.ledger.models import Account, AccountType, CostCentre, Period
from joinedup.ledger.selectors import trial_balance
from joinedup.ledger.services import journal_reverse
from joinedup.ledger.tests.fixtures import IN_MAY, LATER_IN_MAY, LedgerReportsTestCase


def figures(f: reports.Figures) -> tuple[int, int, int, Decimal | None]:
    return (f.budget, f.actual, f.variance, f.variance_percent)


class TestBudgetVsActual(LedgerReportsTestCase):
    def report(self, **kwargs: object) -> reports.BudgetVsActual:
        options: dict[str, object] = {"period_from": self.may, "period_to": self.may, **kwargs}
        return reports.budget_vs_actual(self.council_finance, partner=self.council, **options)  # type: ignore[arg-type]

    def test_each_line_shows_budget_actual_variance_and_percentage_to_the_penny(self) -> None:
        report = self.report()
        assert [(s.cost_centre.code, s.depth) for s in report.sections] == [("HR", 0), ("CC-C-HR-01", 1)]
        hr, team = report.sections
        assert [(line.account.code, figures(line.figures)) for line in hr.lines] == [
            ("4200", (10_000, 12_345, 2_345, Decimal("23.5"))),  # 23.45% rounds half up
        ]
        assert [(line.account.code, figures(line.figures)) for line in team.lines] == [
            ("4200", (5_000, 3_001, -1_999, Decimal("-40.0"))),  # -39.98%
            ("9000", (2_000, 2_550, 550, Decimal("27.5"))),  # income over budget is above zero
        ]

    def test_income_counts_against_spending_and_totals_roll_up_the_tree(self) -> None:
        report = self.report()
        hr, team = report.sections
        assert figures(team.own) == (3_000, 451, -2_549, Decimal("-85.0"))
        assert figures(team.total) == figures(team.own)
        assert figures(hr.own) == (10_000, 12_345, 2_345, Decimal("23.5"))
        assert figures(hr.total) == (13_000, 12_796, -204, Decimal("-1.6"))
        assert figures(report.total) == (13_000, 12_796, -204, Decimal("-1.6"))
        assert (report.first, report.last) == (self.may, self.may)

    def test_a_range_of_periods_adds_them_and_a_nil_budget_has_no_percentage(self) -> None:
        report = self.report(period_from=self.april, period_to=self.june)
        assert [s.cost_centre.code for s in report.sections] == ["HR", "CC-C-HR-01", "UNALLOCATED"]
        hr, _, unallocated = report.sections
        assert figures(hr.lines[0].figures) == (10_000, 13_122, 3_122, Decimal("31.2"))
        assert [(line.account.code, figures(line.figures)) for line in unallocated.lines] == [
            ("9100", (0, 100_000, 100_000, None))
        ]
        assert figures(unallocated.total) == (0, -100_000, -100_000, None)
        assert figures(report.total) == (13_000, -86_427, -99_427, Decimal("-764.8"))
        assert report.periods == [self.april, self.may, self.june]

    def test_a_cost_centre_narrows_the_report_to_its_subtree(self) -> None:
        report = self.report(cost_centre=self.team)
        assert [(s.cost_centre.code, s.depth) for s in report.sections] == [("CC-C-HR-01", 1)]
        assert figures(report.total) == (3_000, 451, -2_549, Decimal("-85.0"))

    def test_a_reversed_journal_leaves_only_the_budget(self) -> None:
        journal_reverse(actor=self.council_finance, journal=self.may_stationery)
        hr = self.report().sections[0]
        assert figures(hr.lines[0].figures) == (10_000, 0, -10_000, Decimal("-100.0"))

    def test_every_figure_is_the_sum_of_the_lines_behind_it(self) -> None:
        for section in self.report(period_from=self.april, period_to=self.june).sections:
            for line in section.lines:
                behind = reports.lines_behind(
                    self.council_finance,
                    partner=self.council,
                    cost_centre=section.cost_centre,
                    account=line.account,
                    period_from=self.april,
                    period_to=self.june,
                )
                movement = sum(row.debit - row.credit for row in behind)
                income = line.account.type == AccountType.INCOME
                assert (-movement if income else movement) == line.figures.actual

    def test_a_period_range_that_runs_backwards_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.report(period_from=self.june, period_to=self.may)
        assert caught.value.message_dict == {"to": ["The range ends before it starts."]}

    def test_another_partners_finance_officer_is_refused(self) -> None:
        with pytest.raises(PermissionDenied):
            reports.budget_vs_actual(
                self.police_finance, partner=self.council, period_from=self.may, period_to=self.may
            )


class TestLinesBehind(LedgerReportsTestCase):
    def behind(self, centre: CostCentre, account: Account, **kwargs: object) -> list[tuple[str, int, int]]:
        rows = reports.lines_behind(
            self.council_finance,
            partner=self.council,
            cost_centre=centre,
            account=account,
            period_from=self.may,
            **kwargs,  # type: ignore[arg-type]
        )
        return [(row.journal.description, row.debit, row.credit) for row in rows]

    def test_it_returns_exactly_the_lines_behind_one_figure(self) -> None:
        assert self.behind(self.hr, self.stationery_account) == [("Stationery", 12_345, 0)]
        assert self.behind(self.team, self.income_account) == [("Training income", 0, 2_550)]

    def test_below_takes_the_cost_centres_under_it(self) -> None:
        assert self.behind(self.hr, self.stationery_account, include_below=True) == [
            ("Stationery", 12_345, 0),
            ("Stationery", 3_001, 0),
        ]

    def test_a_range_takes_every_period_in_it(self) -> None:
        assert self.behind(self.hr, self.stationery_account, period_to=self.june) == [
            ("Stationery", 12_345, 0),
            ("Late stationery", 777, 0),
        ]

    def test_another_partners_cost_centre_is_refused(self) -> None:
        police_hr = CostCentre.objects.for_partner(self.police).get(code="UNALLOCATED")
        with pytest.raises(ValidationError) as caught:
            self.behind(police_hr, self.stationery_account)
        assert list(caught.value.message_dict) == ["costcentre"]


class TestAccountLedger(LedgerReportsTestCase):
    def ledger(self, date_from: date, date_to: date, **kwargs: int) -> reports.AccountLedger:
        return reports.account_ledger(
            self.council_finance,
            partner=self.council,
            account=self.bank,
            date_from=date_from,
            date_to=date_to,
            **kwargs,
        )

    def test_it_brings_forward_the_opening_balance_and_runs_the_balance_line_by_line(self) -> None:
        may = self.ledger(date(2026, 5, 1), date(2026, 5, 31))
        assert may.opening == 100_000
        assert [(e.line.date, e.line.debit, e.line.credit, e.balance) for e in may.entries] == [
            (IN_MAY, 0, 15_346, 84_654),
            (LATER_IN_MAY, 2_550, 0, 87_204),
        ]
        assert (may.debits, may.credits, may.closing, may.count, may.pages) == (2_550, 15_346, 87_204, 2, 1)

    def test_the_next_range_opens_with_the_last_ones_closing_balance(self) -> None:
        june = self.ledger(date(2026, 6, 1), date(2026, 6, 30))
        assert (june.opening, june.closing) == (87_204, 86_427)
        assert [e.balance for e in june.entries] == [86_427]

    def test_a_later_page_carries_the_balance_of_the_earlier_ones(self) -> None:
        second = self.ledger(date(2026, 4, 1), date(2026, 6, 30), page=2, page_size=2)
        assert [(e.line.debit, e.line.credit, e.balance) for e in second.entries] == [
            (2_550, 0, 87_204),
            (0, 777, 86_427),
        ]
        assert (second.opening, second.count, second.pages) == (0, 4, 2)

    def test_a_range_that_ends_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.ledger(date(2026, 5, 31), date(2026, 5, 1))
        assert caught.value.message_dict == {"date_to": ["The range ends before it starts."]}

    def test_another_partners_account_is_refused(self) -> None:
        police_bank = Account.objects.for_partner(self.police).get(code="B100")
        with pytest.raises(ValidationError):
            reports.account_ledger(
                self.council_finance,
                partner=self.council,
                account=police_bank,
                date_from=date(2026, 5, 1),
                date_to=date(2026, 5, 31),
            )


class TestCostCentreReport(LedgerReportsTestCase):
    def test_it_shows_the_cost_centre_and_those_below_by_account_and_period(self) -> None:
        report = reports.cost_centre_report(
            self.council_finance,
            partner=self.council,
            cost_centre=self.hr,
            period_from=self.april,
            period_to=self.june,
        )
        assert [c.code for c in report.included] == ["HR", "CC-C-HR-01"]
        assert report.periods == [self.april, self.may, self.june]
        assert [(row.account.code, row.by_period, row.total) for row in report.rows] == [
            ("4200", {self.may.pk: 15_346, self.june.pk: 777}, 16_123),
            ("9000", {self.may.pk: -2_550}, -2_550),
        ]
        assert [report.period_total(p) for p in report.periods] == [0, 12_796, 777]
        assert report.total == 13_573

    def test_a_cost_centre_without_children_shows_only_its_own_lines(self) -> None:
        report = reports.cost_centre_report(
            self.council_finance,
            partner=self.council,
            cost_centre=self.team,
            period_from=self.may,
            period_to=self.may,
        )
        assert [(row.account.code, row.total) for row in report.rows] == [("4200", 3_001), ("9000", -2_550)]


class TestTrialBalance(LedgerReportsTestCase):
    def test_a_periods_debits_equal_its_credits(self) -> None:
        balance = trial_balance(self.council_finance, partner=self.council, period=self.may)
        assert [(r.account.code, r.debits, r.credits, r.balance) for r in balance.rows] == [
            ("4200", 15_346, 0, 15_346),
            ("9000", 0, 2_550, -2_550),
            ("B100", 2_550, 15_346, -12_796),
        ]
        assert (balance.total_debits, balance.total_credits, balance.net) == (17_896, 17_896, 0)

    def test_a_date_range_covers_every_period_in_it(self) -> None:
        balance = trial_balance(
            self.council_finance, partner=self.council, date_from=date(2026, 4, 1), date_to=date(2026, 6, 30)
        )
        assert [(r.account.code, r.debits, r.credits) for r in balance.rows] == [
            ("4200", 16_123, 0),
            ("9000", 0, 2_550),
            ("9100", 0, 100_000),
            ("B100", 102_550, 16_123),
        ]
        assert (balance.total_debits, balance.total_credits) == (118_673, 118_673)

    def test_the_download_rows_are_pounds_with_a_total_that_nets_to_nothing(self) -> None:
        balance = trial_balance(self.council_finance, partner=self.council, period=self.may)
        rows = reports.trial_balance_rows(balance)
        assert rows[0] == [
            "4200",
            "Printing, stationery and postage",
            "expense",
            "Supplies and services",
            Decimal("153.46"),
            Decimal("0.00"),
            Decimal("153.46"),
        ]
        assert rows[-1] == ["", "Total", "", "", Decimal("178.96"), Decimal("178.96"), Decimal("0.00")]

    def test_a_period_and_a_range_together_are_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            trial_balance(
                self.council_finance, partner=self.council, period=self.may, date_from=date(2026, 5, 1)
            )
        assert caught.value.message_dict == {"period": ["Give a period or a date range, not both."]}


class TestPeriodsAndJournals(LedgerReportsTestCase):
    def ways_to_find(self) -> list[list[Period] | None]:
        """Asked of the database, or looked for among periods a page already read (every
        partner's here: only the partner's own count)."""
        every = list(
            Period.objects.for_partners([self.police, self.council])
            .select_related("year")
            .order_by("-start_date")
        )
        return [None, every]

    def test_a_month_names_its_period(self) -> None:
        for among in self.ways_to_find():
            with self.subTest(among=among is not None), self.assertNumQueries(0 if among else 1):
                found = reports.period_for_month(
                    self.council_finance, partner=self.council, month="2026-05", among=among
                )
            assert found == self.may

    def test_a_month_that_is_not_one_or_has_no_period_is_refused(self) -> None:
        for among in self.ways_to_find():
            for month, message in (
                ("2026-13", "'2026-13' is not a month: write it like 2026-08."),
                ("May 2026", "'May 2026' is not a month: write it like 2026-08."),
                ("2027-05", "Wessex County Council has no financial period for May 2027."),
            ):
                with (
                    self.subTest(month=month, among=among is not None),
                    pytest.raises(ValidationError) as caught,
                ):
                    reports.period_for_month(
                        self.council_finance, partner=self.council, month=month, among=among
                    )
                assert caught.value.message_dict == {"period": [message]}

    def test_the_current_period_is_the_one_containing_today_or_the_nearest(self) -> None:
        for among in self.ways_to_find():

            def on(today: date, among: list[Period] | None = among) -> object:
                return reports.current_period(
                    self.council_finance, partner=self.council, today=today, among=among
                )

            with self.subTest(among=among is not None):
                assert on(date(2026, 5, 20)) == self.may
                assert on(date(2020, 1, 1)) == self.april
                assert on(date(2030, 1, 1)).number == 12  # type: ignore[attr-defined]
                assert on(date(2030, 1, 1)).partner_id == self.council.pk  # type: ignore[attr-defined]

    def test_among_no_periods_of_its_own_a_partner_has_no_current_one(self) -> None:
        police = list(Period.objects.for_partner(self.police).select_related("year"))
        assert police
        for among in ([], police):
            found = reports.current_period(
                self.council_finance, partner=self.council, today=date(2026, 5, 20), among=among
            )
            assert found is None

    def test_another_partners_journal_is_not_found(self) -> None:
        assert (
            reports.journal_for(self.council_finance, journal_id=self.may_stationery.pk)
            == self.may_stationery
        )
        with pytest.raises(Http404):
            reports.journal_for(self.police_finance, journal_id=self.may_stationery.pk)

    def test_a_journal_knows_its_reversal(self) -> None:
        assert reports.reversal_of(self.training) is None
        reversal = journal_reverse(actor=self.council_finance, journal=self.training)
        assert reports.reversal_of(self.training) == reversal
        assert [(line.account.code, line.debit, line.credit) for line in reports.lines_of(reversal)] == [
            ("B100", 0, 2_550),
            ("9000", 2_550, 0),
        ]
