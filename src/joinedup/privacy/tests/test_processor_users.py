"""A processor's users on its engagement's page and over the API (web/privacy/records.py,
api/privacy_records.py): the partner's DPO links a user of the partner to the processor and ends
the link; another partner's staff are neither listed nor linked; a link of a user who works on a
partner whose DPO the caller is not is not ended by them. Another partner's DPO gets 404 and an
HR officer 403, and nothing changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as SESSION_KEY
from joinedup.privacy import processors, records
from joinedup.privacy.models import Processor, ProcessorEngagement, ProcessorUser
from joinedup.privacy.processors import EngagementDetails, ProcessorDetails
from joinedup.testing.base import PartnerTestCase

JSON = "application/json"


class ProcessorUsersTestCase(PartnerTestCase):
    council_dpo: Any
    police_dpo: Any
    contractor: Processor
    engagement: ProcessorEngagement
    temp: Any
    both: Any
    police_only: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_dpo = cls.make_user("council.dpo", [(cls.council, Role.DATA_PROTECTION_OFFICER)])
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])
        records.records_generate(actor=cls.shared_dpo, partner=cls.council)
        cls.contractor = processors.processor_register(
            actor=cls.shared_dpo,
            partner=cls.council,
            details=ProcessorDetails(name="Agency Staffing Ltd", kind="contractor", country="GB"),
        )
        cls.engagement = processors.engagement_propose(
            actor=cls.shared_dpo,
            partner=cls.council,
            processor=cls.contractor,
            details=EngagementDetails(record_keys=("partnership.users",), review_due=date(2027, 3, 31)),
        )
        cls.temp = cls.make_user("agency.temp", [(cls.council, Role.HR_OFFICER)])
        cls.both = cls.make_user(
            "agency.both", [(cls.council, Role.HR_OFFICER), (cls.police, Role.HR_OFFICER)]
        )
        # The same contractor's user on the police only: none of the council's business.
        cls.police_only = cls.make_user("agency.police", [(cls.police, Role.HR_OFFICER)])
        ProcessorUser.objects.create(
            user=cls.police_only, processor=cls.contractor, since=timezone.now() - timedelta(days=3)
        )

    def client_on(self, user: Any, partner: Any) -> Client:
        client = self.signed_in(user)
        session = client.session
        session[SESSION_KEY] = partner.pk
        session.save()
        return client

    def link(self, user: Any) -> ProcessorUser:
        return processors.processor_user_link(
            actor=self.shared_dpo, partner=self.council, processor=self.contractor, user=user
        )

    @staticmethod
    def state() -> tuple[Any, ...]:
        return (
            list(ProcessorUser.objects.order_by("pk").values()),
            AuditEvent.objects.unscoped(reason="test: every chain").count(),
        )

    def page(self) -> str:
        return f"/data-protection/processors/{self.engagement.pk}/"

    def api_url(self, tail: str = "") -> str:
        return f"/api/v1/privacy/partners/{self.council.pk}/engagements/{self.engagement.pk}/users{tail}"


class TestTheEngagementPage(ProcessorUsersTestCase):
    def test_the_dpo_links_a_user_by_username_sees_them_and_ends_the_link(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        added = client.post(f"{self.page()}users", {"username": "Agency.Temp"})
        assert (added.status_code, added["Location"]) == (302, self.page())
        link = ProcessorUser.objects.get(user=self.temp)
        assert (link.processor_id, link.until) == (self.contractor.pk, None)
        text = client.get(self.page()).content.decode()
        listed = text.split('data-testid="processor-users"')[1].split("</table>")[0]
        assert "agency.temp" in listed
        assert "Current" in listed
        assert "agency.police" not in listed
        assert "agency.temp now works for Agency Staffing Ltd." in text
        ended = client.post(f"{self.page()}users/{link.pk}/end")
        assert ended.status_code == 302
        link.refresh_from_db()
        assert link.until is not None
        actions = list(
            AuditEvent.objects.for_partner(self.council)
            .filter(action__startswith="privacy.processor_user")
            .order_by("seq")
            .values_list("action", "actor_id")
        )
        assert actions == [
            ("privacy.processor_user_linked", self.council_dpo.pk),
            ("privacy.processor_user_ended", self.council_dpo.pk),
        ]

    def test_a_user_without_a_role_on_the_partner_is_not_linked_and_nothing_changes(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        response = client.post(f"{self.page()}users", {"username": "agency.police"}, follow=True)
        assert "Nobody of that username holds a role on" in response.content.decode()
        assert self.state() == before

    def test_a_link_of_a_user_who_works_on_another_partner_too_is_not_ended_by_one_partners_dpo(
        self,
    ) -> None:
        link = self.link(self.both)
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        response = client.post(f"{self.page()}users/{link.pk}/end", follow=True)
        assert (
            "agency.both also holds roles on 1 partner you are not the data-protection officer of"
            in response.content.decode()
        )
        assert self.state() == before

    def test_another_partners_dpo_gets_404_and_nothing_changes(self) -> None:
        link = self.link(self.temp)
        client = self.client_on(self.police_dpo, self.police)
        before = self.state()
        assert client.get(self.page()).status_code == 404
        assert client.post(f"{self.page()}users", {"username": "agency.temp"}).status_code == 404
        assert client.post(f"{self.page()}users/{link.pk}/end").status_code == 404
        assert self.state() == before

    def test_a_link_of_another_partners_user_answers_404_through_this_partners_engagement(self) -> None:
        police_link = ProcessorUser.objects.get(user=self.police_only)
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        assert client.post(f"{self.page()}users/{police_link.pk}/end").status_code == 404
        assert self.state() == before

    def test_an_hr_officer_gets_403_and_nothing_changes(self) -> None:
        link = self.link(self.temp)
        client = self.client_on(self.council_hr, self.council)
        before = self.state()
        assert client.post(f"{self.page()}users", {"username": "agency.both"}).status_code == 403
        assert client.post(f"{self.page()}users/{link.pk}/end").status_code == 403
        assert self.state() == before


class TestTheProcessorUsersApi(ProcessorUsersTestCase):
    def test_the_dpo_lists_links_and_ends(self) -> None:
        api = self.api(self.council_dpo)
        assert api.get(self.api_url()).json() == []
        made = api.post(self.api_url(), {"username": "agency.temp"}, content_type=JSON)
        assert made.status_code == 201
        body = made.json()
        assert (body["username"], body["processor_id"], body["current"]) == (
            "agency.temp",
            self.contractor.pk,
            True,
        )
        assert [u["username"] for u in api.get(self.api_url()).json()] == ["agency.temp"]
        ended = api.post(self.api_url(f"/{body['id']}/end"), {}, content_type=JSON)
        assert ended.status_code == 200
        assert ended.json()["current"] is False

    def test_a_second_processor_at_once_is_refused_and_nothing_changes(self) -> None:
        self.link(self.temp)
        api = self.api(self.council_dpo)
        before = self.state()
        response = api.post(self.api_url(), {"username": "agency.temp"}, content_type=JSON)
        assert response.status_code == 422
        assert "works for a processor already" in response.content.decode()
        assert self.state() == before

    def test_another_partners_dpo_gets_404_and_nothing_changes(self) -> None:
        link = self.link(self.temp)
        api = self.api(self.police_dpo)
        before = self.state()
        answers = [
            api.get(self.api_url()).status_code,
            api.post(self.api_url(), {"username": "agency.both"}, content_type=JSON).status_code,
            api.post(self.api_url(f"/{link.pk}/end"), {}, content_type=JSON).status_code,
        ]
        assert answers == [404, 404, 404]
        assert self.state() == before

    def test_an_hr_officer_gets_403_and_nothing_changes(self) -> None:
        link = self.link(self.temp)
        api = self.api(self.council_hr)
        before = self.state()
        answers = [
            api.get(self.api_url()).status_code,
            api.post(self.api_url(), {"username": "agency.both"}, content_type=JSON).status_code,
            api.post(self.api_url(f"/{link.pk}/end"), {}, content_type=JSON).status_code,
        ]
        assert answers == [403, 403, 403]
        assert self.state() == before
