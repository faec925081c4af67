"""Background work for payroll, run by `joinedup worker` (Django Tasks, database backend)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from joinedup.payroll.models import PayRun
from joinedup.payroll.run_calculation import payrun_calculate


@task()
def calculate_pay_run(run_id: int, actor_id: int | None) -> int:
    """Calculate a run; a worker that dies part-way leaves the run 'calculating', and running
    this again (or `joinedup payroll run`) calculates it afresh. Returns the payslip count."""
    run = PayRun.objects.unscoped(reason="a worker acts on the run it was given").get(pk=run_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    run = payrun_calculate(actor=actor, run=run)
    return run.progress_total
