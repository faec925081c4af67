"""The people-at-risk pages (issue 12, "Programme and structure", "People at risk": "selection
pools and ring-fenced recruitment to new posts; redeployment matching of at-risk staff to
vacancies in any partner that agrees (grade, scheme, location), with trial periods recorded"):
the lead partner's HR makes a pool, each employer's HR puts its own people in it, offers them a
suitable vacancy and records the trial; anyone else is refused (403, or 404 when the programme
is not theirs to see) and nothing changes."""

from __future__ import annotations

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import AtRisk, SelectionPool
from joinedup.change.tests.base import ChangeTestCase
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

    def row(self, partner: object, employment: object) -> AtRisk:
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
