"""The exit benchmark runs end to end on a few employees, seeds once for each N, and exports what
it seeded: one employment, one person and one set of terms for each employee, and the export
verifies. Speed itself is measured by running it (`joinedup bench exit --employees 100000`),
never asserted."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from joinedup.bench.exit import run_exit_benchmark


class TestExitBenchmark(TestCase):
    def test_it_exports_every_employee_it_seeded_once_for_each_n(self) -> None:
        first = run_exit_benchmark(30)
        assert (first.partner, first.seeded) == ("EXIT30", True)
        assert first.largest["people.Employment"] == 30
        assert first.largest["people.Person"] == 30
        again = run_exit_benchmark(30)
        assert (again.seeded, again.rows) == (False, first.rows)

    def test_the_command_prints_one_json_object(self) -> None:
        out = StringIO()
        call_command("bench", "exit", "--employees", "5", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert (figures["employees"], figures["target_seconds_at_100000"]) == (5, 300)
        assert figures["largest_tables"]["people.Employment"] == 5
