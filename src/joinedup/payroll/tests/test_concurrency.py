"""Issue 18: fifty payroll approvers press "approve" on the same run in the same instant, each
in their own request (a thread with its own PostgreSQL connection, in their own partner
context, as the web middleware would run it). Exactly one approval takes effect; the others
are told why not, as they would be one after another."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.partnership.models import Role
from joinedup.payroll.models import PayRun, RunStatus, VarianceFlag
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase
from joinedup.testing.concurrency import at_once, committed, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 50


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def as_request(user: Any, service: Any, **kwargs: Any) -> Any:
    """The call as a web request makes it: one transaction in the user's partner context."""
    with rls.partner_context(rls.caller_partners(user), user=user):
        return service(actor=user, **kwargs)


def test_fifty_approvers_at_once_approve_the_run_once_and_the_other_49_are_told_it_is_approved() -> None:
    case: Any = committed(PayrollTestCase)
    run = payrun_create(
        actor=case.payroll_officer, partner=case.council, frequency="monthly", pay_date=NOVEMBER
    )
    run = payrun_calculate(actor=case.payroll_officer, run=run)
    assert (run.status, VarianceFlag.objects.for_partner(case.council).filter(run=run).count()) == (
        RunStatus.CALCULATED,
        0,
    )
    # Fifty different approvers: four eyes lets any approver but the calculator approve.
    approvers = [
        case.make_user(f"approver.{n:02d}", [(case.council, Role.PAYROLL_APPROVER)]) for n in range(CALLERS)
    ]

    outcomes = at_once([partial(as_request, user, payrun_approve, run=run) for user in approvers])

    assert tally(outcomes) == {
        "ok": 1,
        "ValidationError {'status': ['Only a calculated run can be approved; this one is approved.']}": 49,
    }
    (winner,) = [approvers[i] for i, outcome in enumerate(outcomes) if outcome.error is None]
    run = PayRun.objects.for_partner(case.council).get(pk=run.pk)
    assert (run.status, run.approved_by_id) == (RunStatus.APPROVED, winner.pk)
    approved = AuditEvent.objects.for_partner(case.council).filter(
        action="payrun.approved", object_id=str(run.pk)
    )
    assert list(approved.values_list("actor_id", flat=True)) == [winner.pk]
    assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5
