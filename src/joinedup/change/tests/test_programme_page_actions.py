"""The programme and structure pages' own actions (issue 12, "Programme and structure": a
programme's "milestones, status"; a proposed structure as a set of changes, one of which may be
taken out again): the lead partner's HR moves the programme on and records milestones done; the
partner whose establishment a change touches withdraws it; anyone else is refused (403, or 404
when the programme is not theirs to see) and nothing changes."""

from __future__ import annotations

from datetime import date

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import ChangeProgramme, Milestone, ProgrammePartner, ScopePost, StructureChange
from joinedup.change.tests.base import ChangeTestCase
from joinedup.people.models import OrgUnit
from joinedup.people.services import org_unit_create
from joinedup.testing.second_factor import sign_in


class PageTestCase(ChangeTestCase):
    milestone: Milestone

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.milestone = services.milestone_add(
            actor=cls.shared_hr, programme=cls.programme, name="Consultation opens", due=date(2026, 3, 2)
        )

    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def url(self) -> str:
        return f"/change/programmes/{self.programme.pk}/"

    def status(self) -> tuple[str, date | None]:
        found = ChangeProgramme.objects.for_partner(self.council).get(pk=self.programme.pk)
        return found.status, found.end_date

    def done_on(self) -> date | None:
        return Milestone.objects.for_partner(self.council).get(pk=self.milestone.pk).done_on


class TestTheProgrammesStatusAndMilestones(PageTestCase):
    def test_hr_of_the_lead_moves_the_programme_into_consultation(self) -> None:
        response = self.web(self.council_hr).post(
            self.url(), {"form": "status", "status": "consultation", "end_date": "2027-03-31"}
        )
        assert response.status_code == 302
        assert self.status() == ("consultation", date(2027, 3, 31))
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.programme_updated").get()
        assert (event.before, event.after) == (
            {"status": "draft", "end_date": None},
            {"status": "consultation", "end_date": "2027-03-31"},
        )

    def test_an_end_before_the_start_is_refused_beside_the_field(self) -> None:
        page = self.web(self.council_hr).post(
            self.url(), {"form": "status", "status": "approved", "end_date": "2025-12-31"}
        )
        assert (
            'href="#id_end_date">The end date must be the same as or after the start date.'
            in page.content.decode()
        )
        assert self.status() == ("draft", None)

    def test_hr_of_the_lead_records_a_milestone_done(self) -> None:
        data = {"form": "milestone_done", "milestone": self.milestone.pk, "done_on": "2026-03-02"}
        assert self.web(self.council_hr).post(self.url(), data).status_code == 302
        assert self.done_on() == date(2026, 3, 2)
        page = self.web(self.council_hr).get(self.url()).content.decode()
        assert "2 March 2026" in page and 'data-testid="milestone-done-form"' not in page  # none left

    def test_hr_of_an_involved_partner_that_does_not_lead_changes_nothing(self) -> None:
        events = AuditEvent.objects.for_partner(self.council).count()
        client = self.web(self.police_hr)
        assert b'data-testid="status-form"' not in client.get(self.url()).content
        status = {"form": "status", "status": "closed", "end_date": ""}
        done = {"form": "milestone_done", "milestone": self.milestone.pk, "done_on": "2026-03-02"}
        assert client.post(self.url(), status).status_code == 403
        assert client.post(self.url(), done).status_code == 403
        assert (self.status(), self.done_on()) == (("draft", None), None)
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_a_partner_not_involved_gets_404(self) -> None:
        status = {"form": "status", "status": "closed", "end_date": ""}
        assert self.web(self.fire_hr).post(self.url(), status).status_code == 404
        assert self.status() == ("draft", None)


class TestWithdrawingAChange(PageTestCase):
    def manager_change(self) -> StructureChange:
        return StructureChange.objects.for_partner(self.council).get(
            structure=self.structure, post=self.manager_post
        )

    def structure_url(self) -> str:
        return f"/change/structures/{self.structure.pk}/"

    def test_hr_of_the_posts_partner_withdraws_a_change(self) -> None:
        change = self.manager_change()
        response = self.web(self.council_hr).post(
            self.structure_url(), {"form": "withdraw", "change": change.pk}
        )
        assert response.status_code == 302
        assert not StructureChange.objects.for_partner(self.council).filter(pk=change.pk).exists()
        event = AuditEvent.objects.for_partner(self.council).filter(
            action="change.structure_change_withdrawn"
        )
        assert event.get().before == {"change": change.pk, "kind": "change", "post": "C-HRM"}

    def test_a_change_with_people_at_risk_from_it_stays_and_the_page_says_why(self) -> None:
        services.at_risk_identify(actor=self.shared_hr, structure=self.structure)
        deleted = StructureChange.objects.for_partner(self.council).get(
            structure=self.structure, post=self.adviser_post
        )
        client = self.web(self.council_hr)
        response = client.post(self.structure_url(), {"form": "withdraw", "change": deleted.pk}, follow=True)
        assert "People are recorded at risk from this change." in response.content.decode()
        assert StructureChange.objects.for_partner(self.council).filter(pk=deleted.pk).exists()

    def test_another_partners_hr_may_not_withdraw_it_and_nothing_changes(self) -> None:
        change = self.manager_change()
        events = AuditEvent.objects.for_partner(self.council).count()
        data = {"form": "withdraw", "change": change.pk}
        assert self.web(self.police_hr).post(self.structure_url(), data).status_code == 403
        assert self.web(self.fire_hr).post(self.structure_url(), data).status_code == 404
        assert StructureChange.objects.for_partner(self.council).filter(pk=change.pk).exists()
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_a_change_of_another_structure_is_404(self) -> None:
        other = services.structure_create(
            actor=self.shared_hr, programme=self.programme, name="Another", effective_date=date(2026, 6, 1)
        )
        data = {"form": "withdraw", "change": self.manager_change().pk}
        assert self.web(self.council_hr).post(f"/change/structures/{other.pk}/", data).status_code == 404
        assert StructureChange.objects.for_partner(self.council).filter(pk=self.manager_change().pk).exists()


class TestTheScopeAndThePartnersFromThePage(PageTestCase):
    finance: OrgUnit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.finance = org_unit_create(
            actor=cls.shared_hr, partner=cls.council, code="CFN", name="Council finance"
        )
        cls.njc_post(cls.council, cls.finance, "C-FIN", "Finance officer", cls.n12, "1")

    def scope(self) -> list[str]:
        posts = ScopePost.objects.for_partner(self.council).filter(programme=self.programme)
        return sorted(posts.values_list("post__code", flat=True))

    def involved(self) -> list[str]:
        rows = ProgrammePartner.objects.for_partners([self.council, self.police, self.fire])
        return sorted(rows.filter(programme=self.programme).values_list("partner__code", flat=True))

    def test_hr_brings_a_unit_of_its_own_partner_into_the_scope(self) -> None:
        response = self.web(self.council_hr).post(
            self.url(), {"form": "scope", "org_unit": self.finance.pk, "post_code": ""}
        )
        assert response.status_code == 302
        assert self.scope() == ["C-FIN", "C-HRA", "C-HRM", "P-HRA"]
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.scope_added")
        assert event.order_by("-seq")[0].after == {"units": ["CFN"], "posts": ["C-FIN"]}

    def test_choosing_nothing_is_refused(self) -> None:
        page = self.web(self.council_hr).post(self.url(), {"form": "scope", "org_unit": "", "post_code": ""})
        assert "Choose a unit or a post to add to the scope." in page.content.decode()
        assert self.scope() == ["C-HRA", "C-HRM", "P-HRA"]

    def test_hr_brings_a_single_post_in_by_its_code(self) -> None:
        data = {"form": "scope", "org_unit": "", "post_code": "C-FIN"}
        assert self.web(self.council_hr).post(self.url(), data).status_code == 302
        assert self.scope() == ["C-FIN", "C-HRA", "C-HRM", "P-HRA"]

    def test_another_partners_post_code_is_not_found(self) -> None:
        data = {"form": "scope", "org_unit": "", "post_code": "C-FIN"}
        page = self.web(self.police_hr).post(self.url(), data).content.decode()
        assert "None of your partners in the programme has a current post C-FIN." in page
        assert self.scope() == ["C-HRA", "C-HRM", "P-HRA"]

    def test_hr_of_another_partner_cannot_bring_the_councils_unit_in(self) -> None:
        events = AuditEvent.objects.for_partner(self.council).count()
        page = self.web(self.police_hr).post(
            self.url(), {"form": "scope", "org_unit": self.finance.pk, "post_code": ""}
        )
        assert "Choose the organisational unit from the list." in page.content.decode()
        assert (
            self.web(self.fire_hr)
            .post(self.url(), {"form": "scope", "org_unit": self.finance.pk})
            .status_code
            == 404
        )
        assert self.scope() == ["C-HRA", "C-HRM", "P-HRA"]
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_hr_of_both_partners_involves_the_fire_service(self) -> None:
        response = self.web(self.shared_hr).post(self.url(), {"form": "involve", "partner": self.fire.pk})
        assert response.status_code == 302
        assert self.involved() == ["WCC", "WFRS", "WPOL"]

    def test_hr_of_the_lead_alone_cannot_involve_a_partner_it_does_not_manage(self) -> None:
        page = self.web(self.council_hr).post(self.url(), {"form": "involve", "partner": self.fire.pk})
        assert "Choose the partner to involve from the list." in page.content.decode()
        assert self.involved() == ["WCC", "WPOL"]
