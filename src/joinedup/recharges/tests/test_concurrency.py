"""Issue 18: fifty recharge runs of the same month started in the same instant, each in its own
request (a thread with its own PostgreSQL connection, in the finance officer's partner context).
Exactly one run is made and posted; as when a month is run again one after another, every other
caller is handed that run and nothing more is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.ledger.models import Journal
from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import OCTOBER, RechargeTestCase
from joinedup.testing.concurrency import at_once, committed, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 50


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def run_month(user: Any) -> RechargeRun:
    """As the recharges page does it: one request, in the user's partner context."""
    with rls.partner_context(rls.caller_partners(user), user=user):
        return recharge_run(actor=user, month="2026-10")


def test_fifty_runs_of_one_month_at_once_make_one_run_and_hand_it_to_every_caller() -> None:
    case: Any = committed(RechargeTestCase)

    outcomes = at_once([lambda: run_month(case.shared_finance)] * CALLERS)

    assert tally(outcomes) == {"ok": 50}
    (run,) = RechargeRun.objects.for_partner(case.shared).filter(month=OCTOBER)
    assert {outcome.value.pk for outcome in outcomes} == {run.pk}
    assert RechargeLine.objects.for_partner(case.shared).filter(run=run).count() == 5
    keys = {
        partner.code: sorted(
            Journal.objects.for_partner(partner)
            .filter(source="recharge_run")
            .values_list("idempotency_key", flat=True)
        )
        for partner in (case.shared, case.council, case.police, case.fire)
    }
    assert keys == {
        "WSS": ["recharge:2026-10:WCC", "recharge:2026-10:WFRS", "recharge:2026-10:WPOL"],
        "WCC": ["recharge:2026-10:WCC"],
        "WPOL": ["recharge:2026-10:WPOL"],
        "WFRS": ["recharge:2026-10:WFRS"],
    }
    runs = AuditEvent.objects.for_partner(case.shared).filter(action="recharge.run")
    assert list(runs.values_list("object_id", flat=True)) == [str(run.pk)]
    with rls.system_context("test: count the run's journal events in every partner's chain"):
        posted = AuditEvent.objects.unscoped(reason="the run posts to four partners' chains").filter(
            action="journal.posted", after__recharge_run=run.pk
        )
        assert posted.count() == 6
    assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5
