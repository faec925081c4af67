"""``joinedup ledger …``: each subcommand's output, and its refusals (which change nothing)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.ledger.models import Budget, FinancialYear, Period, PeriodStatus
from joinedup.ledger.tests.fixtures import LedgerReportsTestCase


def ledger(*args: str) -> str:
    out = StringIO()
    call_command("ledger", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """The CommandError's message and what went to standard error."""
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("ledger", *args, stdout=StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


class TestLedgerCommand(LedgerReportsTestCase):
    tmp: Path

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    def file(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def periods(self) -> list[tuple[int, str]]:
        return list(
            Period.objects.for_partner(self.council).order_by("start_date").values_list("number", "status")
        )

    def test_setup_gives_a_partner_its_next_year(self) -> None:
        out = ledger("setup", "--partner", "wcc", "--year", "2027", "--as", "council.finance")
        assert out.strip() == (
            "Wessex County Council: financial year 2027/28; "
            "created 0 account(s), 0 cost centre(s), 12 period(s)."
        )
        assert FinancialYear.objects.for_partner(self.council).count() == 2

    def test_setup_is_refused_to_a_viewer(self) -> None:
        message, _ = refused("setup", "--partner", "WCC", "--year", "2027", "--as", "council.viewer")
        assert "ledger.setup" in message
        assert FinancialYear.objects.for_partner(self.council).count() == 1

    def test_the_trial_balance_prints_each_account_and_equal_totals(self) -> None:
        out = ledger("trial-balance", "--partner", "WCC", "--period", "2026-05", "--as", "council.finance")
        assert "Wessex County Council: trial balance, 2026/27 period 2 (May 2026)" in out
        assert "Printing, stationery and postage" in out and "£153.46" in out
        total = next(line for line in out.splitlines() if "Total" in line)
        assert [cell.strip() for cell in total.split("│")[3:6]] == ["£178.96", "£178.96", "£0.00"]

    def test_the_trial_balance_as_csv_to_standard_output(self) -> None:
        out = ledger("trial-balance", "--partner", "WCC", "--period", "2026-05", "--csv", "-")
        assert out.splitlines() == [
            "\ufeffaccount,name,type,group,debits,credits,balance",
            '4200,"Printing, stationery and postage",expense,Supplies and services,153.46,0.00,153.46',
            "9000,Fees and charges,income,Income,0.00,25.50,-25.50",
            "B100,Bank: main account,asset,Bank,25.50,153.46,-127.96",
            ",Total,,,178.96,178.96,0.00",
        ]

    def test_the_trial_balance_of_a_month_without_a_period_is_refused(self) -> None:
        message, _ = refused("trial-balance", "--partner", "WCC", "--period", "2031-01")
        assert message == "Wessex County Council has no financial period for January 2031."

    def test_an_unknown_partner_or_user_is_refused(self) -> None:
        assert refused("trial-balance", "--partner", "NOPE", "--period", "2026-05")[0] == (
            "No partner with code 'NOPE'."
        )
        assert refused("close", "--partner", "WCC", "--period", "2026-05", "--as", "nobody")[0] == (
            "No user 'nobody'."
        )

    def test_close_closes_the_period_and_refuses_to_close_it_twice(self) -> None:
        out = ledger("close", "--partner", "WCC", "--period", "2026-04", "--as", "council.finance")
        assert out.strip() == "Wessex County Council: 2026/27 period 1 (April 2026) is closed."
        assert self.periods()[0] == (1, PeriodStatus.CLOSED)
        message, _ = refused("close", "--partner", "WCC", "--period", "2026-04", "--as", "council.finance")
        assert message == "2026/27 period 1 (April 2026) is already closed."

    def test_close_is_refused_to_another_partners_finance_officer(self) -> None:
        message, _ = refused("close", "--partner", "WCC", "--period", "2026-04", "--as", "police.finance")
        assert "ledger.view" in message
        assert {status for _, status in self.periods()} == {PeriodStatus.OPEN}

    def test_post_posts_the_files_journals(self) -> None:
        path = self.file(
            "july.csv",
            "date,account,cost_centre,debit,credit\n2026-07-01,4200,HR,12.34,\n2026-07-01,B100,,,12.34\n",
        )
        written = self.written(self.council)
        out = ledger("post", "--partner", "WCC", "--file", path, "--as", "council.finance")
        lines = out.strip().splitlines()
        assert lines[0].startswith("Posted journal ") and lines[0].endswith(
            " dated 1 July 2026 (2026/27 period 4 (July 2026)): £12.34."
        )
        assert lines[1] == "2 row(s), 1 journal(s) posted."
        assert self.written(self.council) == (written[0] + 1, written[1] + 2)
        again = ledger("post", "--partner", "WCC", "--file", path, "--as", "council.finance")
        assert "1 journal(s) of this file were posted before." in again
        assert self.written(self.council) == (written[0] + 1, written[1] + 2)

    def test_post_refuses_a_bad_file_lists_its_problems_and_writes_the_report(self) -> None:
        path = self.file(
            "bad.csv",
            "date,account,cost_centre,debit,credit\n2026-07-01,4200,HR,12.34,\n2026-07-01,B100,,,12.00\n",
        )
        report = self.tmp / "problems.csv"
        written = self.written(self.council)
        message, err = refused(
            "post", "--partner", "WCC", "--file", path, "--report", str(report), "--as", "council.finance"
        )
        assert message == f"1 problem(s) in {path}; nothing was written."
        assert "row 2" in err.lower() and "must balance to the penny" in err
        assert "must balance to the penny" in report.read_text(encoding="utf-8")
        assert self.written(self.council) == written

    def test_post_refuses_a_file_it_cannot_read(self) -> None:
        message, _ = refused("post", "--partner", "WCC", "--file", str(self.tmp / "missing.csv"))
        assert message.startswith(f"Cannot read {self.tmp / 'missing.csv'}:")

    def test_budgets_sets_the_files_budgets(self) -> None:
        path = self.file("budgets.csv", "cost_centre,account,period,amount\nHR,1000,2026-07,2500.00\n")
        out = ledger("budgets", "--partner", "WCC", "--file", path, "--as", "council.finance")
        assert out.strip() == "Wessex County Council: 1 budget(s) set."
        assert Budget.objects.for_partner(self.council).get(account__code="1000").amount == 250_000

    def test_budgets_refuses_a_bad_file_and_sets_nothing(self) -> None:
        path = self.file(
            "budgets.csv", "cost_centre,account,period,amount\nHR,1000,2026-07,2500.00\nHR,B100,2026-07,1\n"
        )
        before: list[Any] = list(Budget.objects.for_partner(self.council).values_list("id", "amount"))
        message, err = refused("budgets", "--partner", "WCC", "--file", path, "--as", "council.finance")
        assert message == f"1 problem(s) in {path}; nothing was written."
        assert "Budgets are set on expense and income accounts" in err
        assert list(Budget.objects.for_partner(self.council).values_list("id", "amount")) == before
