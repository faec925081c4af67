"""Onboarding through the command line, the page and the API: each parses, authorises and calls
privacy/onboarding.py; a refusal changes nothing; another partner's checklist answers 404."""

from __future__ import annotations

import io
import json

from django.core.management import CommandError, call_command

from joinedup.partnership.models import Membership, Partner
from joinedup.privacy.tests.test_onboarding import OnboardingTestCase, counts

FORM = {
    "code": "NDC",
    "name": "North Wessex District Council",
    "kind": "council",
    "year": "2026",
    "pension_rates": "lgps_main=19.5\nlgps_5050=19.5",
    "pension_source": "Wessex Pension Fund valuation 2025",
    "admin": "ops.admin",
    "dpo": "shared.dpo",
}


class TestOnboardCommand(OnboardingTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("onboard", *args, stdout=out)
        return out.getvalue()

    def test_it_onboards_and_prints_the_checklist_as_json(self) -> None:
        out = self.run_command(
            "--code", "NDC", "--name", "North Wessex District Council", "--kind", "council", "--year", "2026",
            "--admin", "ops.admin", "--pension", "lgps_main=19.5", "--pension", "lgps_5050=19.5",
            "--pension-source", "Wessex Pension Fund valuation 2025", "--json",
        )  # fmt: skip
        answer = json.loads(out)
        assert answer["partner"]["code"] == "NDC"
        assert answer["year"] == "2026/27"
        assert answer["periods_created"] == 12
        assert answer["terms_schemes"] == ["njc"]
        assert answer["pension_rates"] == [
            "lgps_main 19.5% from 2026-04-01",
            "lgps_5050 19.5% from 2026-04-01",
        ]
        assert answer["grants"] == [{"username": "ops.admin", "role": "service_admin"}]
        assert [(i["key"], i["done"]) for i in answer["checklist"]["items"]] == [
            ("partner", True),
            ("pension_rates", True),
            ("posts", False),
            ("people", False),
            ("opening_balances", False),
            ("suppliers", False),
        ]
        posts = answer["checklist"]["items"][2]
        assert posts["command"] == "joinedup people import FILE --partner NDC --kind posts"

    def test_a_duplicate_code_is_refused_with_the_reason_and_nothing_changes(self) -> None:
        before = counts()
        with self.assertRaises(CommandError) as caught:
            self.run_command("--code", "wcc", "--name", "Another council", "--kind", "council")
        assert str(caught.exception) == "Nothing was created.\ncode: A partner with code WCC already exists."
        assert counts() == before

    def test_a_user_without_onboarding_is_refused_and_nothing_changes(self) -> None:
        before = counts()
        with self.assertRaises(CommandError) as caught:
            self.run_command(
                "--code", "NDC", "--name", "North Wessex", "--kind", "council", "--as", "council.hr"
            )  # fmt: skip
        assert "service administrator" in str(caught.exception)
        assert counts() == before


class TestOnboardingPage(OnboardingTestCase):
    def test_the_service_admin_onboards_a_partner_and_sees_its_checklist(self) -> None:
        client = self.signed_in(self.ops_admin)
        page = client.get("/data-protection/onboarding/")
        assert page.status_code == 200
        assert b"Onboard a new partner" in page.content
        response = client.post("/data-protection/onboarding/", FORM)
        partner = Partner.objects.get(code="NDC")
        assert response.status_code == 302
        assert response["Location"] == f"/data-protection/onboarding/{partner.pk}/"
        checklist = client.get(response["Location"])
        assert checklist.status_code == 200
        assert checklist.content.count(b"govuk-tag--green") == 2  # the ledger and the pension rates
        assert checklist.content.count(b"govuk-tag--grey") == 4
        granted = Membership.objects.filter(partner=partner).values_list("user__username", flat=True)
        assert sorted(granted) == ["ops.admin", "shared.dpo"]

    def test_a_refused_onboarding_shows_why_and_creates_nothing(self) -> None:
        client = self.signed_in(self.ops_admin)
        before = counts()
        response = client.post("/data-protection/onboarding/", {**FORM, "code": "WPOL", "dpo": "nobody.here"})
        assert response.status_code == 200
        assert b"A partner with code WPOL already exists." in response.content
        assert b"No active user &#x27;nobody.here&#x27;." in response.content
        assert counts() == before

    def test_a_user_without_onboarding_gets_403_and_nothing_changes(self) -> None:
        client = self.signed_in(self.council_hr)
        before = counts()
        assert client.get("/data-protection/onboarding/").status_code == 403
        assert client.post("/data-protection/onboarding/", FORM).status_code == 403
        assert counts() == before

    def test_another_partners_checklist_answers_404(self) -> None:
        client = self.signed_in(self.police_hr)
        assert client.get(f"/data-protection/onboarding/{self.council.pk}/").status_code == 404
        # A member without privacy.onboard is refused its own partner's checklist.
        assert client.get(f"/data-protection/onboarding/{self.police.pk}/").status_code == 403


class TestOnboardingApi(OnboardingTestCase):
    def test_the_checklist_reads_as_json(self) -> None:
        partner = self.onboard().partner
        response = self.api(self.ops_admin).get(f"/api/v1/partners/{partner.pk}/onboarding")
        assert response.status_code == 200
        body = response.json()
        assert body["partner"] == {"id": partner.pk, "code": "NDC", "name": "North Wessex District Council"}
        assert (body["done"], body["total"], body["complete"]) == (1, 6, False)
        assert body["items"][1] == {
            "key": "pension_rates",
            "label": "Employer pension rates",
            "done": False,
            "count": 1,
            "detail": "no rate yet for lgps_5050",
            "command": "joinedup onboard --code NDC … --pension SCHEME=RATE (at onboarding)",
        }

    def test_another_partner_answers_404_and_a_member_without_the_permission_403(self) -> None:
        partner = self.onboard().partner
        police_hr, council_hr = self.api(self.police_hr), self.api(self.council_hr)
        before = counts()
        assert police_hr.get(f"/api/v1/partners/{partner.pk}/onboarding").status_code == 404
        assert council_hr.get(f"/api/v1/partners/{self.council.pk}/onboarding").status_code == 403
        assert counts() == before
