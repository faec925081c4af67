"""A run's totals: summed from its payslips until it is approved, kept on the run from then on
(its payslips cannot change after approval), so its page does not sum every payslip each time."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.payroll.figures import SUMMARY_FIGURES
from joinedup.payroll.models import PayRun, Payslip
from joinedup.payroll.services import payrun_approve, payrun_mark_paid, run_totals
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase


class TestRunTotals(PayrollTestCase):
    def payslip_sums(self, run: PayRun) -> dict[str, int]:
        slips = list(Payslip.objects.for_partner(run.partner_id).filter(run=run))
        assert len(slips) == 2  # the council's two employments: the sums below add two payslips
        return {name: sum(getattr(s, name) for s in slips) for name in SUMMARY_FIGURES}

    def test_a_calculated_run_is_summed_from_its_payslips_whatever_is_kept(self) -> None:
        run = self.calculated()
        run.approved_totals = dict.fromkeys(SUMMARY_FIGURES, 1)  # not approved: never read
        assert run_totals(run) == self.payslip_sums(run)
        assert run_totals(run)["net_pay"] > 0

    def test_approval_keeps_the_totals_and_they_are_read_without_a_query(self) -> None:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        expected = self.payslip_sums(run)
        run = PayRun.objects.for_partner(self.council).get(pk=run.pk)
        assert run.approved_totals == expected
        with self.assertNumQueries(0):
            totals = run_totals(run)
        assert totals == expected
        assert list(totals) == list(SUMMARY_FIGURES)  # the page's order, whatever jsonb keeps
        event = AuditEvent.objects.for_partner(self.council).get(action="payrun.approved")
        assert event.after["totals"] == expected

    def test_a_paid_run_reads_the_totals_kept_at_approval(self) -> None:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        run = payrun_mark_paid(actor=self.payroll_officer, run=run)
        expected = self.payslip_sums(run)
        with self.assertNumQueries(0):
            totals = run_totals(run)
        assert totals == expected

    def test_totals_kept_without_a_figure_added_since_are_summed_again(self) -> None:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        run.approved_totals = {name: 0 for name in SUMMARY_FIGURES if name != "ni_class1a"}
        assert run_totals(run) == self.payslip_sums(run)

    def test_the_migration_keeps_the_totals_of_runs_approved_before_it(self) -> None:
        approved = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        calculated = self.calculated(partner=self.police)
        PayRun.objects.for_partners([self.council, self.police]).update(approved_totals=None)
        migration: Any = import_module("joinedup.payroll.migrations.0009_run_totals_kept_at_approval")
        migration.keep_totals_of_approved_runs(apps, SimpleNamespace(connection=connection))
        approved.refresh_from_db()
        calculated.refresh_from_db()
        assert approved.approved_totals == self.payslip_sums(approved)
        assert calculated.approved_totals is None
