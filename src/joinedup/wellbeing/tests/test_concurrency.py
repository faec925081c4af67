"""Two OH staff recording the same check at the same instant (each its own request: a thread with
its own PostgreSQL connection, in their partner context) record it once: the enrolment is locked
for the change, so the second sees the first's check and is told so. Five administrators entering
the same month's counts at once leave one row per count, not a unique-constraint error."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from joinedup.core import rls
from joinedup.testing.concurrency import at_once, committed, tally
from joinedup.wellbeing.models import (
    ProgrammeUsage,
    SurveillanceCheck,
    SurveillanceEnrolment,
    WellbeingProgramme,
)
from joinedup.wellbeing.programmes import programme_create, usage_record
from joinedup.wellbeing.surveillance import check_record, enrol
from joinedup.wellbeing.tests.survbase import SurveillanceTestCase

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


class Scenario(SurveillanceTestCase):
    ada: SurveillanceEnrolment
    eap: WellbeingProgramme

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = enrol(
            actor=cls.oh_admin,
            programme=cls.hearing,
            employment=cls.council_emp,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 2, 1),
        )
        cls.eap = programme_create(actor=cls.oh_admin, partner=cls.council, name="EAP", service="eap")


def as_oh(case: Any, user: Any, call: Any) -> Any:
    with rls.partner_context(rls.caller_partners(user), user=user):
        return call()


def test_the_same_check_recorded_twice_at_once_is_recorded_once() -> None:
    case: Any = committed(Scenario)

    def record(user: Any) -> Any:
        return as_oh(
            case,
            user,
            lambda: check_record(actor=user, enrolment=case.ada, done_on=date(2025, 2, 3), outcome="fit"),
        )

    outcomes = at_once([lambda: record(case.oh_admin), lambda: record(case.oh_clinician)])

    refused = "The last check was on 3 February 2025: a new one is recorded after it."
    assert tally(outcomes) == {"ok": 1, f"ValidationError {{'done_on': [{refused!r}]}}": 1}
    with rls.system_context("test: read back the checks"):
        assert SurveillanceCheck.objects.for_partner(case.council).count() == 1


def test_the_same_months_counts_entered_at_once_leave_one_row_each() -> None:
    case: Any = committed(Scenario)

    def entry() -> Any:
        return as_oh(
            case,
            case.oh_admin,
            lambda: usage_record(
                actor=case.oh_admin,
                programme=case.eap,
                month=date(2026, 10, 1),
                measure="referrals",
                counts={"stress": 7, "work": 5},
            ),
        )

    outcomes = at_once([entry] * 5)

    assert tally(outcomes) == {"ok": 5}
    assert sorted(str(o.value) for o in outcomes) == ["{'stress': (None, 7), 'work': (None, 5)}"] + ["{}"] * 4
    with rls.system_context("test: read back the counts"):
        rows = ProgrammeUsage.objects.for_partner(case.council).order_by("reason")
        assert [(u.reason, u.count) for u in rows] == [("stress", 7), ("work", 5)]
