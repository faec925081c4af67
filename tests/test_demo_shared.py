"""The demo partnership, seeded once at 50 employees for every check of it in
``tests/demo_checks/``. Each check runs in its own transaction, rolled back after it, so no
check sees another's changes; seeding the demo for each of them instead cost a minute or more
apiece on each database, which CI's time could not afford."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from joinedup.bench.demo.dual import DUAL_PEOPLE
from joinedup.partnership.models import Partner
from joinedup.people.models import Person
from tests.demo_checks.businesscase import DemoBusinessCaseChecks
from tests.demo_checks.consultation import DemoConsultationChecks
from tests.demo_checks.month import DemoBudgetsChecks, DemoMonthChecks, DemoRechargesChecks
from tests.demo_checks.privacy import DemoPeopleOfTwoPartnersChecks
from tests.demo_checks.purchasing import DemoPurchasingYearChecks
from tests.demo_checks.servicedesk import DemoServiceDeskChecks
from tests.demo_checks.servicedesk_assets import DemoAssetRegisterChecks
from tests.demo_checks.transfers import DemoTransfersChecks
from tests.demo_checks.vr import DemoVoluntaryRedundancyChecks
from tests.demo_checks.wellbeing import DemoWellbeingChecks


# One process runs every check, so the demo is seeded once per database, not once per process.
@pytest.mark.xdist_group("demo")
class TestTheDemoPartnership(
    DemoBusinessCaseChecks,
    DemoConsultationChecks,
    DemoMonthChecks,
    DemoBudgetsChecks,
    DemoRechargesChecks,
    DemoPeopleOfTwoPartnersChecks,
    DemoPurchasingYearChecks,
    DemoServiceDeskChecks,
    DemoAssetRegisterChecks,
    DemoTransfersChecks,
    DemoVoluntaryRedundancyChecks,
    DemoWellbeingChecks,
    TestCase,
):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", "--no-serve", "--employees", "50", stdout=StringIO())
        cls.partners = {p.code: p for p in Partner.objects.all()}
        cls.users = {u.username: u for u in get_user_model().objects.all()}
        cls.rhys = Person.objects.unscoped(reason="the demo's checks follow one person of two partners").get(
            ni_number=DUAL_PEOPLE[0].ni_number
        )
