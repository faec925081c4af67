"""The daily release racing itself, and racing the employee's answer (each caller a thread with
its own PostgreSQL connection): a report waiting for its employee is released once, or answered
once, never both."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.testing.concurrency import at_once, committed, tally
from joinedup.wellbeing import reports
from joinedup.wellbeing.models import OutcomeReport
from joinedup.wellbeing.tests.casebase import CaseTestCase

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

DAILY = SystemActor(reason="release the outcome reports due")


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


class Scenario(CaseTestCase):
    report: OutcomeReport

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        helper = object.__new__(cls)  # the helpers read only the class's fixtures
        with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 1, 9, tzinfo=UTC)):
            cls.report = reports.report_issue(actor=cls.oh_clinician, report=helper.written(see_first=True))


def state(case: Any) -> tuple[str, list[str]]:
    with rls.system_context("test: read the report back"):
        report = OutcomeReport.objects.for_partner(case.council).get(pk=case.report.pk)
        actions = AuditEvent.objects.for_partner(case.council).filter(action__startswith="wellbeing.report_")
        return report.status, list(actions.order_by("seq").values_list("action", flat=True))


def test_two_daily_releases_at_once_release_the_report_once() -> None:
    case: Any = committed(Scenario)

    outcomes = at_once([lambda: reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 22))] * 2)

    assert sorted(len(o.value) for o in outcomes) == [0, 1]
    assert state(case) == (
        "released",
        ["wellbeing.report_written", "wellbeing.report_issued", "wellbeing.report_released"],
    )


def test_the_employees_answer_and_the_daily_release_at_once_do_one_or_the_other() -> None:
    case: Any = committed(Scenario)

    def withhold() -> Any:
        with rls.partner_context(rls.caller_partners(case.ada), user=case.ada):
            return reports.report_respond(actor=case.ada, report=case.report, response="withheld")

    outcomes = at_once([withhold, lambda: reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 22))])

    status, actions = state(case)
    if status == "withheld":
        assert tally(outcomes) == {"ok": 2} and outcomes[1].value == []
        assert actions[-1] == "wellbeing.report_answered"
    else:
        refused = "This report is not waiting for your answer."
        assert tally(outcomes) == {"ok": 1, f"ValidationError {{'response': [{refused!r}]}}": 1}
        assert (status, actions[-1]) == ("released", "wellbeing.report_released")
    assert len(actions) == 3
