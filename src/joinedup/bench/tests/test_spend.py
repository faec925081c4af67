"""The spend benchmark runs end to end on a few thousand lines, with its contracts register, and
its off-contract figure from the roll-up equals the line-level definition. Speed itself is
measured by running it (`joinedup bench spend --lines 1000000`), never asserted."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from joinedup.core import rls
from joinedup.purchasing.models import Contract, Invoice


class TestSpendBenchmark(TestCase):
    def test_it_times_the_cube_and_off_contract_spend_which_equals_the_line_level_figure(self) -> None:
        out = StringIO()
        call_command("bench", "spend", "--lines", "5000", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert (figures["lines"], len(figures["partners"]), figures["runs"]) == (5000, 3, 5)
        assert (
            "off-contract spend (register, view's roll-up rows, part-way months' lines)" in figures["best_ms"]
        )
        assert "whole spend view (query, cube, candidates, names)" in figures["best_ms"]
        checks = figures["checks"]
        assert checks["off-contract equals the line-level definition"] == 1
        assert checks["off-contract spend (pence)"] > 0
        with rls.system_context("test: the benchmark's register"):
            assert (
                Contract.objects.unscoped(reason="test").filter(reference__startswith="BSC5000-").count() == 8
            )
            assert Invoice.objects.unscoped(reason="test").filter(contract__isnull=False).exists()

    def test_a_second_run_reuses_the_seed_and_its_contracts(self) -> None:
        call_command("bench", "spend", "--lines", "500", "--json", stdout=StringIO())
        out = StringIO()
        call_command("bench", "spend", "--lines", "500", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert figures["seeded_now"] is False
        assert figures["checks"]["off-contract equals the line-level definition"] == 1

    def test_it_refuses_too_few_lines(self) -> None:
        with pytest.raises(CommandError, match="lines must be at least 5"):
            call_command("bench", "spend", "--lines", "4", stdout=StringIO())
