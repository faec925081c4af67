"""The realisation benchmark runs end to end on a small ledger and prints its figures. Speed itself
is measured by running it (`joinedup bench realisation --lines 1000000`), never asserted."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase


class TestRealisationBenchmark(TestCase):
    def test_the_command_seeds_three_partners_and_prints_the_dashboards_figures(self) -> None:
        out = StringIO()
        call_command("bench", "realisation", "--lines", "3000", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert (figures["lines"], figures["partners"], figures["months"], figures["runs"]) == (3000, 3, 12, 5)
        checks = figures["checks"]
        # 1,000 lines a partner are 20 journals in random months (seeded): each partner's ledger has
        # 11 of the 12 months, and only reported months count, so the recharges counted are 33
        # partner-months x 5 services x £40,000; a £20,000 redundancy payment per partner; 300 staff
        # each in posts on the mapped teams.
        assert checks["months reported"] == "11"
        assert checks["recharges"] == "6600000.00"
        assert checks["one-off costs paid"] == "60000.00"
        assert float(checks["FTE now"]) > 0

    def test_it_refuses_too_few_lines(self) -> None:
        with pytest.raises(CommandError, match="lines must be at least 150"):
            call_command("bench", "realisation", "--lines", "10", stdout=StringIO())
