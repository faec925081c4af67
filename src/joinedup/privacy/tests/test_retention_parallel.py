"""The system's retention run on PostgreSQL works ranges at once, each on its own connection
(``PRIVACY_RETENTION_WORKERS``), with the same end state as one range after another: exactly the
expired records anonymised, one audit event per range, the chains verifying, and nothing more on
a second run."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.payroll.models import Payslip, PayslipLine
from joinedup.privacy import retention

# The module, not its classes: a test class imported here would be collected and run again.
from joinedup.privacy.tests import test_retention as serial
from joinedup.testing.concurrency import committed

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs the ranges one after another: the parallel run is PostgreSQL's")


@override_settings(PRIVACY_RETENTION_WORKERS=2)
def test_ranges_worked_at_once_leave_the_same_end_state_as_one_after_another() -> None:
    case: Any = committed(serial.TestRetentionRunInIdRanges)
    case.hold_mary(case)
    real = retention._remove_batch
    threads: list[str] = []

    def counted(**kwargs: Any) -> int:
        threads.append(threading.current_thread().name)
        return real(**kwargs)

    with (
        mock.patch.object(retention, "BATCH", 1),
        mock.patch.object(retention, "_remove_batch", counted),
        serial.frozen(),
    ):
        report = retention.retention_run(actor=serial.SYSTEM, as_of=serial.AS_OF)
        again = retention.retention_run(actor=serial.SYSTEM, as_of=serial.AS_OF)

    # The council's three payslip ranges on both workers (a partner with one range works it itself).
    assert {"retention_0", "retention_1"} <= set(threads)
    council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
    # Ada's four 2019 payslips past retention (Mary's held) and the old ticket.
    assert council["payslips"] == (4, 1, 3)
    assert council["tickets"] == (1, 0, 1)
    assert sum(t.removed for t in again.types) == 0
    with rls.system_context("test: the parallel run's end state"):
        anonymised = Payslip.objects.unscoped(reason="test").filter(partner=case.council, tax_code="")
        assert sorted(anonymised.values_list("pk", flat=True)) == serial.TestRetentionRunInIdRanges.expired(
            case
        )
        lines = PayslipLine.objects.unscoped(reason="test").filter(partner=case.council)
        assert sorted(lines.values_list("payslip_id", flat=True)) == sorted(
            [case.ada_2020.pk, case.mary_2019.pk]
        )
        events = AuditEvent.objects.unscoped(reason="test").filter(
            partner=case.council, action="privacy.retention_anonymised", object_type="payslips"
        )
        expired = serial.TestRetentionRunInIdRanges.expired(case)
        assert sorted((e.object_id, e.after["count"]) for e in events) == sorted(
            (f"{pk}-{pk}", 1) for pk in expired
        )
    assert [chain.broken for chain in verify_all()] == [None] * len(verify_all())
