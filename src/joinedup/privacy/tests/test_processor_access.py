"""The processor access gate (issue 17): a contractor's user reaches a partner's data only as far
as the partner approved the contractor, and only from a country the partner approved; a refusal
answers 404 and leaves one audit event; the partner's own staff are unaffected."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.partnership.middleware import PartnerContextMiddleware
from joinedup.partnership.models import Role
from joinedup.partnership.permissions import (
    ROLE_PERMISSIONS,
    forget_cached_roles,
    has_permission,
    is_member,
    member_partner_ids,
    partner_ids_with,
)
from joinedup.people.models import Employment, Person
from joinedup.privacy import processors, records
from joinedup.privacy.access_country import country_of_address
from joinedup.privacy.middleware import ProcessorAccessMiddleware
from joinedup.privacy.models import Processor, ProcessorEngagement, ProcessorUser
from joinedup.privacy.processor_access import ACTION
from joinedup.privacy.processors import EngagementDetails, ProcessorDetails
from joinedup.testing.people import PeopleTestCase

HEADER = "X-Country"
RANGES = {"203.0.113.0/24": "IN", "198.51.100.0/24": "RU", "192.0.2.0/24": "GB", "192.0.2.128/25": "FR"}


def refusals(partner: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_partner(partner).filter(action=ACTION).order_by("seq"))


def refusal_count() -> int:
    return AuditEvent.objects.unscoped(reason="test: every partner's refusals").filter(action=ACTION).count()


@override_settings(JOINEDUP_COUNTRY_HEADER=HEADER, JOINEDUP_COUNTRY_IP_RANGES=RANGES)
class TestProcessorAccess(PeopleTestCase):
    contractor: Processor
    engagement: ProcessorEngagement
    contractor_user: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        records.records_generate(actor=cls.shared_dpo, partner=cls.council)
        cls.contractor = processors.processor_register(
            actor=cls.shared_dpo,
            partner=cls.council,
            details=ProcessorDetails(name="Offshore HR Ltd", kind="contractor", country="IN"),
        )
        cls.engagement = processors.engagement_propose(
            actor=cls.shared_dpo,
            partner=cls.council,
            processor=cls.contractor,
            details=EngagementDetails(
                record_keys=("people.hr_record", "partnership.users"),
                review_due=date(2027, 3, 31),
                transfer_mechanism="idta",
                transfer_risk_assessed_on=date(2026, 9, 1),
            ),
        )
        processors.engagement_approve(
            actor=cls.shared_dpo, engagement=cls.engagement, record_keys=("people.hr_record",)
        )
        # HR officer on the council (which approved the contractor) and the police (which did not).
        cls.contractor_user = cls.make_user(
            "offshore.hr", [(cls.council, Role.HR_OFFICER), (cls.police, Role.HR_OFFICER)]
        )
        ProcessorUser.objects.create(
            user=cls.contractor_user, processor=cls.contractor, since=timezone.now() - timedelta(days=1)
        )

    def get(self, user: Any, url: str, country: str | None = None, **extra: Any) -> Any:
        headers = {HEADER: country} if country else {}
        return self.api(user).get(url, headers=headers, **extra)

    def employment_url(self, employment: Employment) -> str:
        return f"/api/v1/employments/{employment.pk}"

    # --- approval --------------------------------------------------------------------------------

    def test_an_approved_processors_user_reads_the_partners_hr_records_from_the_processors_country(
        self,
    ) -> None:
        response = self.get(self.contractor_user, self.employment_url(self.council_emp), "IN")
        assert response.status_code == 200
        assert response.json()["id"] == self.council_emp.pk
        assert refusal_count() == 0

    def test_a_processors_user_without_the_partners_approval_gets_404_and_one_audit_event(self) -> None:
        response = self.get(self.contractor_user, self.employment_url(self.police_emp), "IN")
        assert response.status_code == 404
        [event] = refusals(self.police)
        assert event.actor_id == self.contractor_user.pk
        assert event.object_type == "auth.user" and event.object_id == str(self.contractor_user.pk)
        assert event.after == {
            "reason": "processor not approved for this data",
            "permissions": ["people.view"],
            "country": "IN",
            "processor": self.contractor.pk,
        }
        assert refusals(self.council) == []

    def test_the_partners_list_is_not_found_either_and_is_audited_once(self) -> None:
        url = f"/api/v1/partners/{self.police.pk}/employments"
        assert self.get(self.contractor_user, url, "IN").status_code == 404
        assert [e.after["permissions"] for e in refusals(self.police)] == [
            sorted(ROLE_PERMISSIONS[Role.HR_OFFICER])
        ]

    def test_approval_for_other_data_does_not_open_the_hr_records(self) -> None:
        processors.engagement_withdraw(actor=self.shared_dpo, engagement=self.engagement, reason="Re-scoped")
        engagement = ProcessorEngagement.objects.for_partner(self.council).get()
        processors.engagement_approve(
            actor=self.shared_dpo, engagement=engagement, record_keys=("partnership.users",)
        )
        response = self.get(self.contractor_user, f"/api/v1/partners/{self.council.pk}/employments", "IN")
        assert response.status_code == 404
        [event] = refusals(self.council)
        assert event.after["permissions"] == ["people.view"]
        assert event.after["reason"] == "processor not approved for this data"

    def api_hire(self, client: Any, partner: Any) -> Any:
        body = {
            "person": {
                "given_name": "Sam",
                "family_name": "Taken",
                "date_of_birth": "1990-01-01",
                "ni_number": "QQ123456C",
            },
            "payroll_number": "P-999",
            "start_date": "2026-01-05",
            "terms": {"fte": "1", "weekly_hours": "37", "scheme": "njc-test", "pay_point": self.scp12.code},
        }
        return client.post(
            f"/api/v1/partners/{partner.pk}/employments",
            data=json.dumps(body),
            content_type="application/json",
            headers={HEADER: "IN"},
        )

    def counts(self) -> tuple[int, int, int]:
        every = Employment.objects.unscoped(reason="test: every partner's employments")
        return (
            every.count(),
            Person.objects.unscoped(reason="test: every person").count(),
            AuditEvent.objects.unscoped(reason="test").count(),
        )

    def test_a_refused_write_changes_nothing(self) -> None:
        # The police never approved the contractor; the council approved it for its users' records
        # only, so the hire is refused inside the service, after its transaction began.
        processors.engagement_withdraw(actor=self.shared_dpo, engagement=self.engagement, reason="Re-scoped")
        engagement = ProcessorEngagement.objects.for_partner(self.council).get()
        processors.engagement_approve(
            actor=self.shared_dpo, engagement=engagement, record_keys=("partnership.users",)
        )
        client = self.api(self.contractor_user)
        employments, people, events = self.counts()
        assert self.api_hire(client, self.police).status_code == 404
        assert self.api_hire(client, self.council).status_code == 404
        # Nothing but the two refusals.
        assert self.counts() == (employments, people, events + 2)
        [police] = refusals(self.police)
        [council] = refusals(self.council)
        assert council.after["permissions"] == ["people.change"]
        assert police.after["reason"] == council.after["reason"] == "processor not approved for this data"

    def test_a_processor_users_page_of_an_unapproved_partners_person_is_not_found(self) -> None:
        client = self.signed_in(self.contractor_user)
        response = client.get(f"/people/{self.police_emp.person_id}", headers={HEADER: "IN"})
        assert response.status_code == 404
        assert len(refusals(self.police)) == 1
        assert client.get(f"/people/{self.council_emp.person_id}", headers={HEADER: "IN"}).status_code == 200
        assert refusal_count() == 1

    def test_a_web_requests_database_context_leaves_out_a_partner_the_gate_has_closed(self) -> None:
        # The permission checks refuse the police's data either way; row-level security must not
        # hold it open underneath them.
        assert rls.caller_partners(self.contractor_user) == sorted([self.council.pk, self.police.pk])
        assert PartnerContextMiddleware.partners_of(self.contractor_user) == [self.council.pk]
        forget_cached_roles(self.contractor_user)
        seen: list[str] = []

        def page(request: HttpRequest) -> HttpResponse:
            if connection.vendor == "postgresql":  # the context is a PostgreSQL setting
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting(%s, true)", [rls.PARTNERS_SETTING])
                    seen.append(str(cursor.fetchone()[0]))
            return HttpResponse()

        request = RequestFactory().get("/", headers={HEADER: "IN"})
        request.user = self.contractor_user
        response = ProcessorAccessMiddleware(PartnerContextMiddleware(page))(request)
        assert response.status_code == 200
        if rls.enforced():
            assert seen == [str(self.council.pk)]
        assert refusal_count() == 0

    def test_a_user_whose_time_with_the_processor_ended_is_not_gated(self) -> None:
        ProcessorUser.objects.filter(user=self.contractor_user).update(
            until=timezone.now() - timedelta(hours=1)
        )
        assert self.get(self.contractor_user, self.employment_url(self.police_emp), "GB").status_code == 200
        assert refusal_count() == 0

    # --- country ---------------------------------------------------------------------------------

    def test_a_processors_user_from_a_country_the_partner_has_not_approved_is_refused_by_header(self) -> None:
        response = self.get(self.contractor_user, self.employment_url(self.council_emp), "RU")
        assert response.status_code == 404
        [event] = refusals(self.council)
        assert event.after["reason"] == "request from a country the partner has not approved"
        assert event.after["country"] == "RU"
        # The UK is always approved.
        assert self.get(self.contractor_user, self.employment_url(self.council_emp), "GB").status_code == 200

    def test_the_country_comes_from_the_address_table_without_the_header(self) -> None:
        url = self.employment_url(self.council_emp)
        assert self.get(self.contractor_user, url, REMOTE_ADDR="203.0.113.9").status_code == 200
        assert self.get(self.contractor_user, url, REMOTE_ADDR="198.51.100.7").status_code == 404
        # The most specific range wins: 192.0.2.200 is France's /25 inside the UK's /24.
        assert self.get(self.contractor_user, url, REMOTE_ADDR="192.0.2.10").status_code == 200
        assert self.get(self.contractor_user, url, REMOTE_ADDR="192.0.2.200").status_code == 404
        assert [(e.after["country"], e.after["reason"]) for e in refusals(self.council)] == [
            ("RU", "request from a country the partner has not approved"),
            ("FR", "request from a country the partner has not approved"),
        ]

    def test_a_processors_user_from_an_unknown_country_is_refused(self) -> None:
        response = self.get(
            self.contractor_user, self.employment_url(self.council_emp), REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 404
        [event] = refusals(self.council)
        assert event.after["reason"] == "request from an unknown country"
        assert event.after["country"] == ""

    def test_countries_the_partner_approved_open_its_data_to_the_processor(self) -> None:
        processors.engagement_withdraw(
            actor=self.shared_dpo, engagement=self.engagement, reason="Adding France"
        )
        engagement = ProcessorEngagement.objects.for_partner(self.council).get()
        processors.engagement_approve(
            actor=self.shared_dpo, engagement=engagement, record_keys=("people.hr_record",), countries=("FR",)
        )
        assert self.get(self.contractor_user, self.employment_url(self.council_emp), "FR").status_code == 200
        assert refusal_count() == 0

    # --- the partner's own staff -----------------------------------------------------------------

    def test_the_partners_own_staff_are_unaffected_from_the_uk_an_approved_country_or_an_unknown_one(
        self,
    ) -> None:
        url = self.employment_url(self.council_emp)
        assert self.get(self.council_hr, url, "GB").status_code == 200
        assert self.get(self.council_hr, url).status_code == 200  # 127.0.0.1: in no range
        assert self.get(self.council_hr, url, REMOTE_ADDR="10.0.0.1").status_code == 200
        # India: the council approved its data being reached from there (its contractor's).
        assert self.get(self.council_hr, url, "IN").status_code == 200
        assert refusal_count() == 0

    def test_the_partners_own_staff_from_a_country_it_has_not_approved_are_refused(self) -> None:
        assert self.get(self.council_hr, self.employment_url(self.council_emp), "RU").status_code == 404
        [event] = refusals(self.council)
        assert event.actor_id == self.council_hr.pk
        assert event.after["reason"] == "request from a country the partner has not approved"
        assert event.after["processor"] is None

    # --- the hook in the permissions -------------------------------------------------------------

    def test_outside_a_request_the_approval_still_gates_and_no_country_is_checked(self) -> None:
        user = self.contractor_user
        assert is_member(user, self.council) is True
        assert has_permission(user, "people.view", self.council) is True
        assert has_permission(user, "people.view", self.police) is False
        assert member_partner_ids(user) == [self.council.pk]
        assert partner_ids_with(user, "people.view") == [self.council.pk]
        # change.* opens only with approval for a record of the change app.
        assert has_permission(user, "change.view", self.council) is False
        # Outside a request the refusal is written at once, once per partner.
        assert is_member(user, self.police) is False
        assert len(refusals(self.police)) == 1
        forget_cached_roles(user)
        assert has_permission(self.police_hr, "people.view", self.police) is True

    # --- linking a user to a processor -----------------------------------------------------------

    def test_the_dpo_links_a_user_to_one_processor_at_a_time_and_ends_it_audited(self) -> None:
        user = self.make_user("agency.temp", [(self.council, Role.HR_OFFICER)])
        link = processors.processor_user_link(
            actor=self.shared_dpo, partner=self.council, processor=self.contractor, user=user
        )
        with pytest.raises(ValidationError) as twice:
            processors.processor_user_link(
                actor=self.shared_dpo, partner=self.council, processor=self.contractor, user=user
            )
        assert twice.value.message_dict == {
            "user": ["This user works for a processor already: end that first."]
        }
        with pytest.raises(PermissionDenied):
            processors.processor_user_end(actor=self.council_hr, partner=self.council, link=link)
        processors.processor_user_end(actor=self.shared_dpo, partner=self.council, link=link)
        actions = list(
            AuditEvent.objects.for_partner(self.council)
            .filter(action__startswith="privacy.processor_user")
            .values_list("action", flat=True)
            .order_by("seq")
        )
        assert actions == ["privacy.processor_user_linked", "privacy.processor_user_ended"]
        assert ProcessorUser.objects.get(pk=link.pk).until is not None


def test_the_address_table_is_read_from_a_toml_file_most_specific_range_first(tmp_path: Any) -> None:
    table = tmp_path / "ranges.toml"
    table.write_text('[ranges]\n"10.0.0.0/8" = "GB"\n"10.9.0.0/16" = "in"\n"2001:db8::/32" = "FR"\n')
    with override_settings(JOINEDUP_COUNTRY_IP_RANGES=str(table)):
        assert country_of_address("10.1.2.3") == "GB"
        assert country_of_address("10.9.2.3") == "IN"
        assert country_of_address("2001:db8::1") == "FR"
        assert country_of_address("172.16.0.1") is None
        assert country_of_address("not an address") is None
