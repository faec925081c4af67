"""The pay-run benchmark runs end to end on a tiny size and returns sensible figures. Speed
itself is measured by running it (`joinedup bench payrun`), never asserted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from joinedup.bench import payroll as bench
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.people.models import Employment


class TestPayrunBenchmark(TestCase):
    def test_it_runs_a_pay_run_end_to_end_and_times_every_stage(self) -> None:
        result = bench.run_payrun_benchmark(30, batch_size=7)
        partner = Partner.objects.get(code=result.partner_code)
        assert result.partner_code.startswith("BENCH")
        employments = Employment.objects.for_partner(partner)
        assert employments.count() == 30
        assert set(employments.values_list("pay_frequency", flat=True)) == {"monthly"}
        run = PayRun.objects.for_partner(partner).get()
        assert run.status == RunStatus.APPROVED and run.pay_date == bench.PAY_DATE
        assert Payslip.objects.for_partner(partner).filter(run=run).count() == 30 == result.payslips
        assert list(result.stages) == list(bench.STAGES)
        assert all(seconds >= 0 for seconds in result.stages.values())
        assert abs(sum(result.stages.values()) - result.seconds) < 1e-9
        assert 0 <= result.engine_call_seconds <= result.stages["engine"]
        assert result.payslips_per_second > 0
        assert result.bacs_credits + result.bacs_left_out == 30 and result.bacs_bytes > 0
        assert result.journal_lines > 0 and result.flags >= 0
        report = result.report()
        for stage in bench.STAGES:
            assert f"| {stage} |" in report
        assert "payslips/s" in report

    def test_every_employee_is_on_a_point_with_a_rate(self) -> None:
        result = bench.run_payrun_benchmark(10, partner_code="BENCHTEST1")
        assert result.partner_code == "BENCHTEST1"
        partner = Partner.objects.get(code="BENCHTEST1")
        slips = Payslip.objects.for_partner(partner)
        assert slips.count() == 10 and not slips.filter(basic_pay__lte=0).exists()

    def test_the_command_prints_the_figures_and_refuses_a_partner_code_already_used(self) -> None:
        out = StringIO()
        call_command("bench", "payrun", "--employees", "5", "--partner-code", "BENCHTEST2", stdout=out)
        text = out.getvalue()
        assert "pay run of 5 employees" in text and "payslips/s" in text and "| bacs |" in text
        with pytest.raises(CommandError, match="already exists"):
            call_command(
                "bench", "payrun", "--employees", "5", "--partner-code", "BENCHTEST2", stdout=StringIO()
            )

    def test_it_times_an_earlier_partner_again_without_seeding_or_doubling(self) -> None:
        first = bench.run_payrun_benchmark(6, partner_code="BENCHTEST3")
        again = bench.run_payrun_benchmark(999, reuse="BENCHTEST3")
        partner = Partner.objects.get(code="BENCHTEST3")
        assert again.employees == 6 == first.employees
        assert Employment.objects.for_partner(partner).count() == 6
        run = PayRun.objects.for_partner(partner).get()
        assert run.status == RunStatus.APPROVED
        assert Payslip.objects.for_partner(partner).filter(run=run).count() == 6 == again.payslips

    def test_it_reuses_only_benchmark_partners(self) -> None:
        with pytest.raises(ValueError, match="Only a benchmark partner"):
            bench.run_payrun_benchmark(1, reuse="WCC")
        with pytest.raises(ValueError, match="No partner has code BENCHNONE"):
            bench.run_payrun_benchmark(1, reuse="BENCHNONE")

    def test_earlier_runs_give_the_timed_run_history_to_read(self) -> None:
        result = bench.run_payrun_benchmark(4, partner_code="BENCHTEST4", prior_months=2)
        partner = Partner.objects.get(code="BENCHTEST4")
        runs = PayRun.objects.for_partner(partner).order_by("pay_date")
        assert [(r.pay_date.month, r.status) for r in runs] == [
            (9, RunStatus.APPROVED),
            (10, RunStatus.APPROVED),
            (11, RunStatus.APPROVED),
        ]
        slip = Payslip.objects.for_partner(partner).filter(run=runs.last()).first()
        # November is tax month 8: five months taken on from the old payroll (April to August),
        # then September, October and November on joinedup, each the same pay.
        assert slip is not None and slip.taxable_pay_to_date == 8 * slip.taxable_pay
        assert result.prior_runs == 2 and "2 earlier approved run(s)" in result.report()
        with pytest.raises(ValueError, match="Prior months must be 0 to 7"):
            bench.run_payrun_benchmark(1, reuse="BENCHTEST4", prior_months=8)
