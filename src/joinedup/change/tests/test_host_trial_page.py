"""The host partner records a trial's outcome from the web (issue 12, "People at risk":
"redeployment … to vacancies in any partner that agrees …, with trial periods recorded"; ERA 1996
s.138(3)). Cara Jones, at risk at the council, is on a trial in the constabulary's vacancy P-HRM:
the constabulary's HR, who manage the post, find the trial on the people-at-risk page and record
its outcome on the redeployment's page (/change/redeployments/<id>/). They never see Cara's
at-risk record itself (test_at_risk_pages: 404)."""

from __future__ import annotations

from datetime import date

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import AtRisk, Redeployment
from joinedup.change.tests.test_at_risk_pages import AtRiskPageTestCase
from joinedup.people.models import Post

TRIAL = (date(2026, 5, 1), date(2026, 5, 28))  # ERA 1996 s.138(3): four weeks


class TestTheHostRecordsTheOutcome(AtRiskPageTestCase):
    vacancy: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.vacancy = cls.njc_post(cls.police, cls.police_hr_unit, "P-HRM", "HR manager", cls.n25, "1")
        services.redeployment_agree(
            actor=cls.police_hr, programme=cls.programme, partner=cls.police, agrees=True
        )

    def cara_at_risk(self) -> AtRisk:
        return self.row(self.council, self.cara)

    def offer(self, *, trial: bool = True) -> Redeployment:
        offer = services.redeployment_propose(
            actor=self.council_hr, at_risk=self.cara_at_risk(), vacancy=self.vacancy
        )
        if trial:
            services.redeployment_trial(
                actor=self.council_hr, redeployment=offer, start=TRIAL[0], end=TRIAL[1]
            )
        return offer

    def page(self, offer: Redeployment) -> str:
        return f"/change/redeployments/{offer.pk}/"

    def state(self, offer: Redeployment) -> tuple[str, str, str, str]:
        offer.refresh_from_db()
        return offer.status, offer.trial_outcome, offer.note, self.cara_at_risk().status

    def outcomes(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="change.trial_outcome").count()

    def test_the_host_finds_the_trial_and_records_it_unsuccessful_with_the_reason(self) -> None:
        offer = self.offer()
        client = self.web(self.police_hr)
        listed = client.get(self.url()).content.decode()
        assert f'href="/change/redeployments/{offer.pk}/"' in listed
        assert "P-HRM HR manager</a>: in a trial period, trial 1 May 2026 to 28 May 2026" in listed
        page = client.get(self.page(offer))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Cara Jones, Wessex County Council" in text
        assert "Record the outcome of the trial" in text
        done = client.post(
            self.page(offer),
            {"outcome": "unsuccessful", "note": "Needs payroll experience the post requires"},
            follow=True,
        )
        assert "The trial in post P-HRM is recorded as unsuccessful." in done.content.decode()
        assert self.state(offer) == (
            "unsuccessful",
            "unsuccessful",
            "Needs payroll experience the post requires",
            "at_risk",
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="change.trial_outcome")
        assert (event.actor_id, event.after["outcome"]) == (self.police_hr.pk, "unsuccessful")

    def test_a_successful_trial_recorded_by_the_host_redeploys_cara(self) -> None:
        offer = self.offer()
        self.web(self.police_hr).post(self.page(offer), {"outcome": "successful", "note": ""})
        assert self.state(offer) == ("confirmed", "successful", "", "redeployed")

    def test_form_errors_and_a_trial_not_started_write_nothing(self) -> None:
        offer = self.offer()
        client = self.web(self.police_hr)
        page = client.post(self.page(offer), {"outcome": "maybe"})
        assert page.status_code == 200
        assert "Choose the outcome of the trial from the list." in page.content.decode()
        assert self.state(offer) == ("trial", "", "", "at_risk")
        proposed = services.redeployment_propose(
            actor=self.council_hr,
            at_risk=self.row(self.council, self.ada),
            vacancy=self.njc_post(self.police, self.police_hr_unit, "P-HRA2", "HR adviser", self.n12, "1"),
        )
        page = client.post(self.page(proposed), {"outcome": "successful"})
        assert page.status_code == 200
        assert "Only a redeployment in its trial period has an outcome to record." in page.content.decode()
        assert self.state(proposed)[:2] == ("proposed", "")
        assert self.outcomes() == 0

    def test_a_partner_outside_and_a_union_rep_get_404_and_nothing_changes(self) -> None:
        offer = self.offer()
        for user in (self.fire_hr, self.union_rep, self.council_employee):
            client = self.web(user)
            assert client.get(self.page(offer)).status_code == 404
            assert client.post(self.page(offer), {"outcome": "successful"}).status_code == 404
        assert self.state(offer) == ("trial", "", "", "at_risk")
        assert self.outcomes() == 0

    def test_the_employer_reads_the_same_page_from_cara_s_offers(self) -> None:
        offer = self.offer()
        client = self.web(self.council_hr)
        person = client.get(f"/change/at-risk/{self.cara_at_risk().pk}/").content.decode()
        assert f'href="/change/redeployments/{offer.pk}/"' in person
        assert client.get(self.page(offer)).status_code == 200
