"""The ledger benchmark runs end to end on a tiny ledger and prints its figures. Speed itself is
measured by running it (`joinedup bench ledger --lines 1000000`), never asserted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from joinedup.bench import ledger as bench
from joinedup.ledger.models import REVENUE_TYPES, Account, Journal, JournalLine
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.services import partner_create
from joinedup.testing.base import FIXTURES


class TestLedgerBenchmark(TestCase):
    def test_the_command_seeds_a_balanced_ledger_and_prints_the_figures(self) -> None:
        out = StringIO()
        call_command("bench", "ledger", "--lines", "2000", "--partner-code", "BENCHLEDGER1", stdout=out)
        text = out.getvalue()
        partner = Partner.objects.get(code="BENCHLEDGER1")
        assert Journal.objects.for_partner(partner).count() == 40
        assert JournalLine.objects.for_partner(partner).count() == 2000
        accounts = Account.objects.for_partner(partner).count()
        revenue = Account.objects.for_partner(partner).filter(type__in=list(REVENUE_TYPES)).count()
        assert (
            f"ledger of 2,000 journal lines (40 journals, 127 cost centres, {accounts} accounts, "
            f"{100 * revenue * 12:,} budget lines)" in text  # a budget per team, revenue account and month
        )
        for report in ("trial balance, one period", "trial balance, the year", "budget vs actual, the year"):
            assert f"| {report} | " in text
        assert "year's net (pence, must be 0) 0" in text
        assert "cost centres in budget vs actual 125" in text

    def test_the_reports_it_times_see_every_line(self) -> None:
        result = bench.run_ledger_benchmark(120, partner_code="BENCHLEDGER2", runs=1)
        assert (result.lines, result.journals) == (100, 2)  # rounded down to whole journals
        assert all(len(seconds) == 1 for seconds in result.timings.values())
        partner = Partner.objects.get(code="BENCHLEDGER2")
        lines = JournalLine.objects.for_partner(partner)
        debits, credits = sum(line.debit for line in lines), sum(line.credit for line in lines)
        assert result.checks["year's debits (pence)"] == debits == credits > 0
        assert result.checks["year's net (pence, must be 0)"] == 0

    def test_it_refuses_a_partner_code_already_used_and_too_few_lines(self) -> None:
        partner_create(actor=FIXTURES, name="Taken", code="TAKEN", kind=PartnerKind.COUNCIL)
        with pytest.raises(CommandError, match="already exists"):
            call_command("bench", "ledger", "--lines", "50", "--partner-code", "TAKEN", stdout=StringIO())
        with pytest.raises(CommandError, match="at least 50"):
            call_command("bench", "ledger", "--lines", "49", stdout=StringIO())
