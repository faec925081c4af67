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
        first = run_exit_benchmark(30, payslip_months=0)
        assert (first.partner, first.seeded) == ("EXIT30", True)
        assert first.largest["people.Employment"] == 30
        assert first.largest["people.Person"] == 30
        again = run_exit_benchmark(30, payslip_months=0)
        assert (again.seeded, again.rows) == (False, first.rows)

    def test_it_exports_a_payslip_with_two_lines_for_each_employee_in_each_month(self) -> None:
        result = run_exit_benchmark(20, payslip_months=3)
        assert result.partner == "EXIT20P3"
        assert (result.largest["payroll.Payslip"], result.largest["payroll.PayslipLine"]) == (60, 120)
        payroll = result.groups["payroll"]
        assert payroll.rows == 60 + 120 + 3
        assert set(result.stages) == {
            "partner's tables",
            "shared rows",
            "manifest and audit summary",
            "verify",
        }
        assert result.bytes == sum(g.bytes for g in result.groups.values())

    def test_the_command_prints_one_json_object(self) -> None:
        out = StringIO()
        call_command("bench", "exit", "--employees", "5", "--payslip-months", "2", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert (figures["employees"], figures["payslip_months"], figures["target_seconds_at_100000"]) == (
            5,
            2,
            300,
        )
        assert figures["largest_tables"]["payroll.PayslipLine"] == 20
        assert figures["groups"]["payroll"]["rows"] == 10 + 20 + 2
