"""The people-at-risk pages (issue 12, "Programme and structure", "People at risk": "selection
pools and ring-fenced recruitment to new posts; redeployment matching of at-risk staff to
vacancies in any partner that agrees (grade, scheme, location), with trial periods recorded"):
the lead partner's HR makes a pool, each employer's HR puts its own people in it, offers them a
suitable vacancy and records the trial; anyone else is refused (403, or 404 when the programme
is not theirs to see) and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import AtRisk, ProgrammePartner, Redeployment, SelectionPool, StructureChange
from joinedup.change.tests.base import ChangeTestCase
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, OrgUnit, Post
from joinedup.testing.second_factor import sign_in


class AtRiskPageTestCase(ChangeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)

    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def url(self) -> str:
        return f"/change/structures/{self.structure.pk}/at-risk"

    def pools(self) -> list[tuple[str, str]]:
        return list(
            SelectionPool.objects.for_partner(self.council)
            .filter(structure=self.structure)
            .values_list("name", "criteria")
        )

    def row(self, partner: Partner, employment: Employment) -> AtRisk:
        return AtRisk.objects.for_partner(partner).get(structure=self.structure, employment=employment)


class TestSelectionPools(AtRiskPageTestCase):
    def test_hr_of_the_lead_makes_a_pool_and_puts_its_people_at_risk_in_it(self) -> None:
        client = self.web(self.council_hr)
        made = client.post(
            self.url(), {"form": "pool", "name": "HR advisers", "criteria": "Skills and experience"}
        )
        assert made.status_code == 302
        assert self.pools() == [("HR advisers", "Skills and experience")]
        pool = SelectionPool.objects.for_partner(self.council).get(name="HR advisers")
        ada = self.row(self.council, self.ada)
        put = client.post(self.url(), {"form": "assign", "at_risk": ada.pk, "pool": pool.pk}, follow=True)
        assert "Ada Byron is in the selection pool HR advisers." in put.content.decode()
        assert self.row(self.council, self.ada).pool == pool
        actions = AuditEvent.objects.for_partner(self.council).filter(action__startswith="change.pool_")
        assert sorted(actions.values_list("action", flat=True)) == [
            "change.pool_assigned",
            "change.pool_created",
        ]

    def test_a_second_pool_of_the_same_name_is_refused_beside_the_field(self) -> None:
        services.pool_create(actor=self.council_hr, structure=self.structure, name="HR advisers")
        page = self.web(self.council_hr).post(self.url(), {"form": "pool", "name": "HR advisers"})
        assert page.status_code == 200
        assert "The structure already has a pool called HR advisers." in page.content.decode()
        assert self.pools() == [("HR advisers", "")]

    def test_hr_of_another_employer_in_the_programme_may_not_make_the_leads_pool(self) -> None:
        # pool_create: the pools are the lead partner's rows, so its HR alone makes them.
        refused = self.web(self.police_hr).post(self.url(), {"form": "pool", "name": "Advisers"})
        assert refused.status_code == 403
        assert self.pools() == []

    def test_council_hr_cannot_put_police_staff_in_a_pool(self) -> None:
        pool = services.pool_create(actor=self.council_hr, structure=self.structure, name="Advisers")
        dan = self.row(self.police, self.dan)
        page = self.web(self.council_hr).post(
            self.url(), {"form": "assign", "at_risk": dan.pk, "pool": pool.pk}
        )
        # Dan is not among the people council HR may choose: he is not even shown to them.
        assert page.status_code == 200
        assert "Choose the person at risk from the list." in page.content.decode()
        assert self.row(self.police, self.dan).pool is None

    def test_hr_of_a_partner_outside_the_programme_gets_404_and_makes_nothing(self) -> None:
        client = self.web(self.fire_hr)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), {"form": "pool", "name": "Advisers"}).status_code == 404
        assert self.pools() == []

    def ring_fence(self, user: object, unit: OrgUnit, pool: SelectionPool) -> Any:
        return self.web(user).post(
            self.url(),
            {
                "form": "ring_fence",
                "pool": pool.pk,
                "code": "S-HRO",
                "title": "Shared HR officer",
                "org_unit": unit.pk,
                "scheme": self.njc.pk,
                "grade_min": self.n5.pk,
                "grade_max": self.n12.pk,
                "budgeted_fte": "1",
                "cost_centre": "CC-SHR",
                "location": "Winchester",
            },
        )

    def ring_fenced(self) -> list[tuple[str, str, str]]:
        return list(
            StructureChange.objects.for_partner(self.council)
            .filter(structure=self.structure, pool__isnull=False)
            .values_list("target_partner__code", "code", "pool__name")
        )

    def test_hr_proposes_a_new_post_ring_fenced_to_a_pool(self) -> None:
        pool = services.pool_create(actor=self.council_hr, structure=self.structure, name="HR advisers")
        made = self.ring_fence(self.council_hr, self.council_hr_unit, pool)
        assert made.status_code == 302
        assert self.ring_fenced() == [(self.council.code, "S-HRO", "HR advisers")]
        page = self.web(self.council_hr).get(self.url()).content.decode()
        assert f"Ring-fenced to it: {self.council.code} S-HRO Shared HR officer" in page

    def test_police_hr_cannot_ring_fence_a_post_in_a_council_unit(self) -> None:
        pool = services.pool_create(actor=self.council_hr, structure=self.structure, name="HR advisers")
        page = self.ring_fence(self.police_hr, self.council_hr_unit, pool)
        assert page.status_code == 200
        assert "Choose the unit from the list." in page.content.decode()
        assert self.ring_fenced() == []


class TestRedeploymentPages(AtRiskPageTestCase):
    vacancy: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A vacancy at the constabulary that suits Cara (HR manager, top of grade SCP25, in
        # Winchester): the same scheme and grade, no location of its own.
        cls.vacancy = cls.njc_post(cls.police, cls.police_hr_unit, "P-HRM", "HR manager", cls.n25, "1")

    def cara_at_risk(self) -> AtRisk:
        return self.row(self.council, self.cara)

    def person_url(self) -> str:
        return f"/change/at-risk/{self.cara_at_risk().pk}/"

    def offers(self) -> list[tuple[str, str, date | None, date | None, str]]:
        return list(
            Redeployment.objects.for_partner(self.council)
            .filter(at_risk=self.cara_at_risk())
            .values_list("vacancy__code", "status", "trial_start", "trial_end", "trial_outcome")
        )

    def test_the_constabulary_agrees_to_take_redeployment_from_the_programme_page_of_people_at_risk(
        self,
    ) -> None:
        client = self.web(self.police_hr)
        page = client.post(self.url(), {"form": "agree", "agrees": "yes"}, follow=True)
        assert "Wessex Constabulary takes redeployment from the programme." in page.content.decode()
        row = ProgrammePartner.objects.for_partner(self.council).get(
            programme=self.programme, partner=self.police
        )
        assert row.accepts_redeployment is True
        client.post(self.url(), {"form": "agree", "agrees": "no"})
        row.refresh_from_db()
        assert row.accepts_redeployment is False

    def test_council_hr_offers_cara_the_constabularys_vacancy_and_records_a_successful_trial(self) -> None:
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        client = self.web(self.council_hr)
        page = client.get(self.person_url())
        assert page.status_code == 200
        assert "P-HRM HR manager" in page.content.decode()
        offered = client.post(
            self.person_url(), {"form": "propose", "vacancy": self.vacancy.pk, "note": "Same grade"}
        )
        assert offered.status_code == 302
        assert self.offers() == [("P-HRM", "proposed", None, None, "")]
        offer = Redeployment.objects.for_partner(self.council).get(at_risk=self.cara_at_risk())
        # ERA 1996 s.138(3): a trial period of four weeks.
        trial = client.post(
            self.person_url(),
            {"form": "trial", "redeployment": offer.pk, "start": "2026-05-01", "end": "2026-05-28"},
        )
        assert trial.status_code == 302
        assert self.offers() == [("P-HRM", "trial", date(2026, 5, 1), date(2026, 5, 28), "")]
        done = client.post(
            self.person_url(),
            {"form": "outcome", "redeployment": offer.pk, "outcome": "successful", "note": "Settled in"},
            follow=True,
        )
        assert "The trial&#x27;s outcome is recorded." in done.content.decode()
        assert self.offers() == [("P-HRM", "confirmed", date(2026, 5, 1), date(2026, 5, 28), "successful")]
        assert self.cara_at_risk().status == "redeployed"
        actions = AuditEvent.objects.for_partner(self.council).filter(
            action__in=["change.redeployment_proposed", "change.trial_started"]
        )
        assert actions.count() == 2

    def test_a_trial_ending_before_it_starts_is_refused_and_nothing_changes(self) -> None:
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        offer = services.redeployment_propose(
            actor=self.council_hr, at_risk=self.cara_at_risk(), vacancy=self.vacancy
        )
        page = self.web(self.council_hr).post(
            self.person_url(),
            {"form": "trial", "redeployment": offer.pk, "start": "2026-05-28", "end": "2026-05-01"},
        )
        assert page.status_code == 200
        assert "The trial must end on or after its start." in page.content.decode()
        assert self.offers() == [("P-HRM", "proposed", None, None, "")]

    def test_a_vacancy_at_a_partner_that_has_not_agreed_is_not_offered(self) -> None:
        page = self.web(self.council_hr).post(
            self.person_url(), {"form": "propose", "vacancy": self.vacancy.pk}
        )
        assert page.status_code == 200
        assert "Choose the vacancy from the list." in page.content.decode()
        assert self.offers() == []

    def test_the_host_and_a_partner_outside_get_404_for_cara_and_change_nothing(self) -> None:
        # Cara is her employer's to see: the constabulary hosts the offer but does not see her.
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        offer = services.redeployment_propose(
            actor=self.council_hr, at_risk=self.cara_at_risk(), vacancy=self.vacancy
        )
        for user in (self.police_hr, self.fire_hr, self.union_rep):
            client = self.web(user)
            assert client.get(self.person_url()).status_code == 404
            trial = {"form": "trial", "redeployment": offer.pk, "start": "2026-05-01", "end": "2026-05-28"}
            assert client.post(self.person_url(), trial).status_code == 404
        assert self.offers() == [("P-HRM", "proposed", None, None, "")]
