"""A requested calculation is queued in the transaction that marks the run "calculating": a
process that dies just after committing cannot leave a run calculating with nothing queued to
calculate it (found by `joinedup stress crash`; core.worker.queue_with_transaction)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from joinedup.payroll.models import PayRun, RunStatus
from joinedup.payroll.services import payrun_create, payrun_request_calculation
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase

# The queue production uses: a table of the same database, taken from by `joinedup worker`.
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DATABASE_QUEUE)
class TestQueuedCalculation(PayrollTestCase):
    def make_run(self) -> PayRun:
        return payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )

    def test_the_calculation_is_queued_inside_the_transaction_with_nothing_left_for_after_it(self) -> None:
        run = self.make_run()
        with self.captureOnCommitCallbacks(execute=False) as after_commit:
            payrun_request_calculation(actor=self.payroll_officer, run=run)
        queued = DBTaskResult.objects.get()
        assert (queued.status, queued.task_path) == ("READY", "joinedup.payroll.tasks.calculate_pay_run")
        assert queued.args_kwargs == {"args": [run.pk], "kwargs": {"actor_id": self.payroll_officer.pk}}
        assert after_commit == []

    def test_a_request_that_never_commits_leaves_neither_the_run_calculating_nor_a_task_queued(self) -> None:
        run = self.make_run()
        with pytest.raises(RuntimeError), transaction.atomic():
            payrun_request_calculation(actor=self.payroll_officer, run=run)
            raise RuntimeError("the process dies before its transaction commits")
        run.refresh_from_db()
        assert run.status == RunStatus.DRAFT
        assert DBTaskResult.objects.count() == 0
