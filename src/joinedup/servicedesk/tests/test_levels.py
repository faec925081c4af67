"""Service-level agreements: dated versions, their validation, which version governs a ticket,
the clocks through the agreement, the page and the read-only API (issue 15, "Service levels per
partner agreement"; docs/architecture.md, "Another partner's object answers 404")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.servicedesk import levels
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.clocks import BREACHED, MET, ClockEvent
from joinedup.servicedesk.levels import TargetEntry
from joinedup.servicedesk.models.levels import ServiceLevelAgreement, ServiceLevelTarget
from joinedup.testing.base import FIXTURES, PartnerTestCase

TARGETS = [
    TargetEntry("p1", 15, 240, clock="24x7"),
    TargetEntry("p2", 60, 480),
    TargetEntry("p3", 240, 1440),
    TargetEntry("p4", 480, 2400),
]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


class ServiceLevelTestCase(PartnerTestCase):
    admin: Any
    agent: Any
    first: ServiceLevelAgreement

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])
        cls.agent = cls.make_user("council.agent", [(cls.council, Role.SERVICE_DESK_AGENT)])
        cls.first = levels.agreement_add(
            actor=FIXTURES,
            partner=cls.council,
            effective_from=date(2026, 4, 1),
            nation="england-and-wales",
            business_hours="08:30-17:00",
            targets=[*TARGETS, TargetEntry("p3", 120, 960, service="payroll")],
            note="Schedule 3, 2026",
        )

    def add(self, **changes: object) -> ServiceLevelAgreement:
        values: dict[str, object] = {
            "actor": self.admin,
            "partner": self.council,
            "effective_from": date(2026, 12, 1),
            "nation": "england-and-wales",
            "business_hours": "08:00-18:00",
            "targets": TARGETS,
            "note": "Schedule 3, 2027 review",
            "today": date(2026, 11, 20),
        }
        values.update(changes)
        return levels.agreement_add(**values)  # type: ignore[arg-type]


class AgreementTests(ServiceLevelTestCase):
    def test_a_service_admin_adds_a_new_version_with_its_hours_normalised_and_one_audit_event(self) -> None:
        before = (
            AuditEvent.objects.for_partner(self.council).filter(action="servicedesk.agreement_added").count()
        )
        added = self.add(business_hours=" 08:00-18:00 ", third_party_pauses=True, warning_percent=80)
        assert added.business_hours == "mon-fri 08:00-18:00"
        assert (added.third_party_pauses, added.warning_percent) == (True, 80)
        rows = ServiceLevelTarget.objects.for_partner(self.council).filter(agreement=added)
        assert sorted((t.priority, t.response_minutes, t.resolution_minutes, t.clock) for t in rows) == [
            ("p1", 15, 240, "24x7"),
            ("p2", 60, 480, "business"),
            ("p3", 240, 1440, "business"),
            ("p4", 480, 2400, "business"),
        ]
        after = (
            AuditEvent.objects.for_partner(self.council).filter(action="servicedesk.agreement_added").count()
        )
        assert after == before + 1

    def test_it_refuses_targets_that_miss_a_priority_or_resolve_before_responding(self) -> None:
        targets = [TargetEntry("p1", 15, 240), TargetEntry("p2", 60, 30)]
        with self.assertRaises(ValidationError) as caught:
            self.add(targets=targets)
        assert caught.exception.message_dict["targets"] == [
            "P2 (all services): the resolution target (30 minutes) is shorter than the response target "
            "(60 minutes).",
            "Give an all-services target for every priority: P3, P4 missing.",
        ]

    def test_it_refuses_hours_that_do_not_parse_and_says_why(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(business_hours="9 till 5")
        assert caught.exception.message_dict["business_hours"] == [
            "Business hours '9 till 5': expected 24x7 or [DAY[-DAY]] HH:MM-HH:MM, e.g. 08:30-17:00."
        ]

    def test_it_refuses_a_change_dated_in_the_past_so_past_reports_stand(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(effective_from=date(2026, 11, 1))
        assert caught.exception.message_dict["effective_from"] == [
            "A change cannot take effect in the past (today is 20 November 2026): tickets already raised "
            "keep the agreement they were raised under."
        ]
        with self.assertRaises(ValidationError) as caught:
            self.add(effective_from=date(2026, 4, 1))
        assert caught.exception.message_dict["effective_from"] == [
            "A new version must take effect after the latest one, which took effect on 1 April 2026."
        ]

    def test_an_agent_may_read_but_not_change_the_agreement_and_nothing_changes(self) -> None:
        count = ServiceLevelAgreement.objects.for_partner(self.council).count()
        with self.assertRaises(PermissionDenied):
            self.add(actor=self.agent)
        assert ServiceLevelAgreement.objects.for_partner(self.council).count() == count
        assert [a.pk for a in levels.agreements(actor=self.agent, partner=self.council)] == [self.first.pk]


class InForceTests(ServiceLevelTestCase):
    def test_the_version_in_force_when_a_ticket_was_raised_governs_it_after_a_change(self) -> None:
        """Raised Mon 30 Nov 2026 16:00, resolved Tue 1 Dec 09:00, P2 (480). Under the April
        version (08:30-17:00): 60 + 30 = 90. The December version (08:00-18:00) would count
        120 + 60 = 180, but it governs only tickets raised from 1 December."""
        second = self.add()
        assert levels.agreement_in_force(self.council, at(2026, 11, 30, 23, 59)) == self.first
        assert levels.agreement_in_force(self.council, at(2026, 12, 1)) == second
        assert levels.agreement_in_force(self.council, at(2026, 3, 31, 12)) is None
        events = [
            ClockEvent(at(2026, 11, 30, 16), "new", "p2", False),
            ClockEvent(at(2026, 12, 1, 9), "resolved", "p2", True),
        ]
        clocks = levels.clocks_for(partner=self.council, service="ict", events=events, as_of=at(2026, 12, 31))
        assert clocks is not None
        assert (clocks.resolution.elapsed_minutes, clocks.resolution.state) == (90, MET)
        moved = [
            ClockEvent(at(2026, 12, 1, 16), "new", "p2", False),
            ClockEvent(at(2026, 12, 2, 9), "resolved", "p2", True),
        ]
        later = levels.clocks_for(partner=self.council, service="ict", events=moved, as_of=at(2026, 12, 31))
        assert later is not None and later.resolution.elapsed_minutes == 180

    def test_a_service_s_own_target_overrides_the_all_services_one(self) -> None:
        """Payroll P3: 120 to respond. Raised Mon 2 Nov 2026 09:00, answered 11:30: 150 > 120
        breached for payroll, met for ICT (240)."""
        assert levels.target_for(self.first, "payroll", "p3").response_minutes == 120
        assert levels.target_for(self.first, "ict", "p3").response_minutes == 240
        events = [
            ClockEvent(at(2026, 11, 2, 9), "new", "p3", False),
            ClockEvent(at(2026, 11, 2, 11, 30), "in_progress", "p3", True),
        ]
        as_of = at(2026, 11, 30)
        payroll = levels.clocks_for(partner=self.council, service="payroll", events=events, as_of=as_of)
        ict = levels.clocks_for(partner=self.council, service="ict", events=events, as_of=as_of)
        assert payroll is not None and ict is not None
        assert (payroll.response.elapsed_minutes, payroll.response.state) == (150, BREACHED)
        assert ict.response.state == MET

    def test_another_partners_agreement_is_not_found_through_this_partner(self) -> None:
        police = levels.agreement_add(
            actor=FIXTURES,
            partner=self.police,
            effective_from=date(2026, 4, 1),
            nation="england-and-wales",
            business_hours="24x7",
            targets=TARGETS,
            note="Police",
        )
        with self.assertRaises(ServiceLevelAgreement.DoesNotExist):
            levels.agreement_get(actor=self.admin, partner=self.council, agreement_id=police.pk)


class PageAndApiTests(ServiceLevelTestCase):
    def test_the_page_shows_the_history_and_targets_and_adds_a_version(self) -> None:
        client = self.signed_in(self.admin)
        page = client.get("/servicedesk/levels/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Schedule 3, 2026" in text and "mon-fri 08:30-17:00" in text
        assert "Payroll" in text and ">960<" in text
        response = client.post(
            "/servicedesk/levels/",
            {
                "effective_from": "2099-01-04",
                "nation": "scotland",
                "business_hours": "08:00-18:00",
                "third_party_pauses": "yes",
                "warning_percent": "80",
                "targets": "all p1 15 240 24x7\nall p2 60 480\nall p3 240 1440\nall p4 480 2400",
                "note": "2099 review",
            },
        )
        assert response.status_code == 302
        added = ServiceLevelAgreement.objects.for_partner(self.council).get(effective_from=date(2099, 1, 4))
        assert (added.nation, added.business_hours, added.third_party_pauses) == (
            "scotland",
            "mon-fri 08:00-18:00",
            True,
        )

    def test_the_page_shows_a_target_line_that_does_not_read(self) -> None:
        response = self.signed_in(self.admin).post(
            "/servicedesk/levels/",
            {
                "effective_from": "2099-01-04",
                "nation": "scotland",
                "business_hours": "08:00-18:00",
                "third_party_pauses": "no",
                "warning_percent": "75",
                "targets": "all p1 fifteen 240",
                "note": "2099 review",
            },
        )
        assert response.status_code == 200
        assert (
            "Line 1 (all p1 fifteen 240): write service, priority, two whole minutes."
            in response.content.decode()
        )
        assert not ServiceLevelAgreement.objects.for_partner(self.council).filter(
            effective_from=date(2099, 1, 4)
        )

    def test_an_agent_cannot_post_a_version(self) -> None:
        response = self.signed_in(self.agent).post("/servicedesk/levels/", {"note": "x"})
        assert response.status_code == 403
        assert ServiceLevelAgreement.objects.for_partner(self.council).count() == 1

    def test_the_api_lists_the_versions_and_answers_404_for_another_partners(self) -> None:
        api = self.api(self.agent)
        listed = api.get(f"/api/v1/servicedesk/partners/{self.council.pk}/service-levels").json()
        assert [(a["effective_from"], a["business_hours"]) for a in listed] == [
            ("2026-04-01", "mon-fri 08:30-17:00")
        ]
        assert {
            "service": "payroll",
            "priority": "p3",
            "response_minutes": 120,
            "resolution_minutes": 960,
            "clock": "business",
        } in listed[0]["targets"]
        one = api.get(f"/api/v1/servicedesk/partners/{self.council.pk}/service-levels/{self.first.pk}")
        assert one.status_code == 200
        assert api.get(f"/api/v1/servicedesk/partners/{self.police.pk}/service-levels").status_code == 404
        police = levels.agreement_add(
            actor=FIXTURES,
            partner=self.police,
            effective_from=date(2026, 4, 1),
            nation="england-and-wales",
            business_hours="24x7",
            targets=TARGETS,
            note="Police",
        )
        foreign = api.get(f"/api/v1/servicedesk/partners/{self.council.pk}/service-levels/{police.pk}")
        assert foreign.status_code == 404


class DemoTests(ServiceLevelTestCase):
    def test_the_demo_gives_each_partner_its_agreement_once(self) -> None:
        """Police P1 counts round the clock: raised Sat 7 Nov 2026 22:00, resolved Sun 01:00 =
        180 of 240, met; the fire service pauses while waiting on a third party."""
        from joinedup.bench.demo.servicedesk_levels import seed_demo_service_levels

        admin = self.make_user("demo.admin", [(p, Role.SERVICE_ADMIN) for p in (self.police, self.fire)])
        partners = {"WCC": self.council, "WPOL": self.police, "WFRS": self.fire}
        said: list[str] = []
        seed_demo_service_levels(partners=partners, users={"ops.admin": admin}, say=said.append)
        seed_demo_service_levels(partners=partners, users={"ops.admin": admin}, say=said.append)
        # The council already has this test's agreement, so the demo adds the other two, once.
        assert said == ["Service-level agreements: 2", "Service-level agreements: 0"]
        police = levels.agreement_in_force(self.police, at(2026, 11, 7, 22))
        fire = levels.agreement_in_force(self.fire, at(2026, 11, 7, 22))
        assert police is not None and fire is not None
        assert (police.business_hours, fire.business_hours) == ("mon-fri 08:00-18:00", "mon-fri 08:30-17:00")
        assert (police.third_party_pauses, fire.third_party_pauses) == (False, True)
        events = [
            ClockEvent(at(2026, 11, 7, 22), "new", "p1", False),
            ClockEvent(at(2026, 11, 8, 1), "resolved", "p1", True),
        ]
        clocks = levels.clocks_for(partner=self.police, service="ict", events=events, as_of=at(2026, 11, 30))
        assert clocks is not None
        resolution = clocks.resolution
        assert (clocks.clock, resolution.elapsed_minutes, resolution.state) == ("24x7", 180, MET)
