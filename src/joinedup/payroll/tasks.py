"""Background work for payroll, run by `joinedup worker` (Django Tasks, database backend)."""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django_tasks import task

from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.core.failpoints import failpoint
from joinedup.payroll.models import PayRun, RunStatus
from joinedup.payroll.run_calculation import payrun_calculate

# Seconds to wait before each new attempt when the database goes away under a live worker (a
# restart, a failover, `pg_ctl -m immediate`). Without them the worker reconnects only to record
# the task FAILED, and the run stays "calculating" with nothing queued to finish it (found by
# `joinedup stress crash --database-kill`). About half a minute in all, then the error stands.
RECONNECT_WAITS = (0.5, 1, 2, 4, 8, 16)


@task()
def calculate_pay_run(
    run_id: int, actor_id: int | None, system_reason: str = "", operator: str | None = None
) -> int:
    """Calculate a run; a worker that dies part-way leaves the run 'calculating', and running
    this again (or `joinedup payroll run`) calculates it afresh. Returns the payslip count.

    The worker acts as the user who asked (``actor_id``), or, when the system asked, as the
    system with that request's reason and operator, so the audit trail names the requester."""
    for attempt, wait in enumerate((*RECONNECT_WAITS, None)):
        try:
            return _calculate(run_id, actor_id, system_reason, operator, again=attempt > 0)
        except (OperationalError, InterfaceError):
            if wait is None:
                raise
            # The connection is broken, not the work: a calculation replaces what an earlier
            # attempt wrote, so it may start again once the database answers.
            with contextlib.suppress(DatabaseError):
                connection.close()
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _calculate(
    run_id: int, actor_id: int | None, system_reason: str, operator: str | None, *, again: bool
) -> int:
    # A worker serves every partner: the task names its work for the database too. The run's
    # own writes still go through the service's authorisation and the writers' partner context.
    with rls.session_context(f"worker: calculate pay run {run_id}"):
        failpoint("payrun.task_started")
        run = PayRun.objects.unscoped(reason="a worker acts on the run it was given").get(pk=run_id)
        if again and run.status != RunStatus.CALCULATING:
            # An earlier attempt finished and committed before its connection was lost.
            return run.progress_total
        actor = (
            get_user_model().objects.get(pk=actor_id)
            if actor_id is not None
            else SystemActor(
                reason=f"{system_reason or 'pay run calculation'} (in the background)", operator=operator
            )
        )
        run = payrun_calculate(actor=actor, run=run, batch_size=settings.PAYRUN_BATCH_SIZE)
        failpoint("payrun.task_returning")
        return run.progress_total
