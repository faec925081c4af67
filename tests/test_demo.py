from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from joinedup.audit.verification import verify_all
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import partner_ids_with


class TestDemoPartnership(TestCase):
    def test_it_seeds_the_wessex_partnership_with_its_sign_ins(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "200", stdout=out)
        assert sorted(Partner.objects.values_list("code", flat=True)) == ["WCC", "WFRS", "WPOL", "WSS"]
        users = get_user_model().objects
        assert len(partner_ids_with(users.get(username="ops.admin"), "partnership.view")) == 4
        council_hr_partners = partner_ids_with(users.get(username="council.hr"), "partnership.view")
        assert council_hr_partners == [Partner.objects.get(code="WCC").pk]
        assert Membership.objects.filter(role="employee").count() == 200 + 1  # + council.employee
        assert "council.hr" in out.getvalue()
        assert "password for all: wessex-demo-2026" in out.getvalue()
        assert [r.broken for r in verify_all()] == [None] * 5

    def test_running_it_again_adds_nothing(self) -> None:
        call_command("demo", "--no-serve", "--employees", "50", stdout=StringIO())
        counts = (Partner.objects.count(), get_user_model().objects.count(), Membership.objects.count())
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "50", stdout=out)
        assert (
            Partner.objects.count(),
            get_user_model().objects.count(),
            Membership.objects.count(),
        ) == counts
        assert "already present" in out.getvalue()
