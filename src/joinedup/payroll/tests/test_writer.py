"""On PostgreSQL, outside a transaction, payslips are written by background threads while the
next batch is calculated. The result must be exactly what writing in line gives: every payslip
once, the progress count complete, and a writer's failure raised in the caller's thread."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import TransactionTestCase

from joinedup.bench import payroll as bench
from joinedup.payroll import calculation
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.payroll.services import payrun_calculate, payrun_create
from joinedup.payroll.writer import BatchWriter
from joinedup.testing.base import FIXTURES

FIGURES = ("employment_id", "gross_pay", "tax", "ni_employee", "ni_employer", "pension_employee", "net_pay")


class TestBackgroundWriter(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("payslips are written in line on SQLite")
        self.partner = bench.seed_payroll_partner(23, partner_code="BENCHWRITER")
        self.pay_run = payrun_create(
            actor=FIXTURES, partner=self.partner, frequency="monthly", pay_date=bench.PAY_DATE
        )

    def slips(self, run: PayRun) -> list[tuple[Any, ...]]:
        return sorted(Payslip.objects.for_partner(self.partner).filter(run=run).values_list(*FIGURES))

    def test_it_writes_in_background_threads_outside_a_transaction(self) -> None:
        assert BatchWriter(self.pay_run).threaded is True
        BatchWriter(self.pay_run).close()

    def test_threads_write_every_payslip_once_with_the_figures_of_the_calculation(self) -> None:
        run = payrun_calculate(actor=FIXTURES, run=self.pay_run, batch_size=4)
        run.refresh_from_db()
        assert (run.status, run.progress_done, run.progress_total) == (RunStatus.CALCULATED, 23, 23)
        written = self.slips(run)
        assert len(written) == 23 == len({row[0] for row in written})
        inputs = calculation.gather(run)
        direct = calculation.calculate_batch(run, inputs)
        expected = sorted(tuple(direct.payslip(i)[f] for f in FIGURES) for i in range(len(direct)))
        assert written == expected

    def test_a_writers_failure_is_raised_in_the_caller_and_a_rerun_completes(self) -> None:
        real_write = calculation.write_batch
        calls = {"n": 0}

        def fails_on_third_batch(*args: Any, **kwargs: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")
            real_write(*args, **kwargs)

        with (
            mock.patch.object(calculation, "write_batch", fails_on_third_batch),
            pytest.raises(RuntimeError, match="disk full"),
        ):
            payrun_calculate(actor=FIXTURES, run=self.pay_run, batch_size=4)
        self.pay_run.refresh_from_db()
        assert self.pay_run.status == RunStatus.CALCULATING
        # Every batch counted is written and every batch written is counted; one never was.
        assert len(self.slips(self.pay_run)) == self.pay_run.progress_done < 23
        run = payrun_calculate(actor=FIXTURES, run=self.pay_run, batch_size=4)
        assert len(self.slips(run)) == 23
