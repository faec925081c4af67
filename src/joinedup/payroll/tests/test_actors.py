"""Who the audit trail says calculated a pay run: the user who asked (also when a worker does
the work), or the system for the OS user who ran `joinedup payroll run` without ``--as``."""

from __future__ import annotations

import getpass
from io import StringIO

import pytest
from django.core.management import call_command

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import SystemActor
from joinedup.payroll.models import PayRun, RunStatus
from joinedup.payroll.services import payrun_create, payrun_request_calculation
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase


class TestWhoCalculated(PayrollTestCase):
    def events(self, *actions: str) -> list[tuple[str, int | None, str]]:
        found = AuditEvent.objects.for_partner(self.council).filter(action__in=actions).order_by("seq")
        return [(e.action, e.actor_id, e.actor_label) for e in found]

    def test_a_cli_run_without_as_records_the_os_user_and_the_command(self) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(getpass, "getuser", lambda: "ops-on-call")
            call_command("payroll", "run", "--partner", "WCC", "--pay-date", "2026-11-25", stdout=StringIO())
        run = PayRun.objects.for_partner(self.council).get()
        assert (run.status, run.created_by, run.calculated_by) == (RunStatus.CALCULATED, None, None)
        label = "system (operator ops-on-call): joinedup payroll run"
        assert self.events("payrun.created", "payrun.calculated") == [
            ("payrun.created", None, label),
            ("payrun.calculated", None, label),
        ]

    def test_a_background_calculation_acts_as_the_user_who_asked(self) -> None:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )
        with self.captureOnCommitCallbacks(execute=True):
            payrun_request_calculation(actor=self.payroll_officer, run=run)
        run.refresh_from_db()
        assert (run.status, run.calculated_by) == (RunStatus.CALCULATED, self.payroll_officer)
        officer = (self.payroll_officer.pk, "payroll.officer")
        assert self.events("payrun.calculation_requested", "payrun.calculated") == [
            ("payrun.calculation_requested", *officer),
            ("payrun.calculated", *officer),
        ]

    def test_a_background_calculation_the_system_asked_for_keeps_its_reason_and_operator(self) -> None:
        system = SystemActor(reason="joinedup payroll run", operator="root")
        run = payrun_create(actor=system, partner=self.council, frequency="monthly", pay_date=NOVEMBER)
        with self.captureOnCommitCallbacks(execute=True):
            payrun_request_calculation(actor=system, run=run)
        run.refresh_from_db()
        assert (run.status, run.calculated_by) == (RunStatus.CALCULATED, None)
        assert self.events("payrun.calculation_requested", "payrun.calculated") == [
            ("payrun.calculation_requested", None, "system (operator root): joinedup payroll run"),
            ("payrun.calculated", None, "system (operator root): joinedup payroll run (in the background)"),
        ]
