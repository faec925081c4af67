"""Proposing a changed post from the structure page (issue 12, "Programme and structure": a
proposed structure records deleted, new and changed posts; a change of grade, hours or location
is material: change.restructure.material_reasons). The service is change.services
.structure_change_post; the page parses the form, and a refusal changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import ProposedStructure, StructureChange
from joinedup.change.tests.base import ChangeTestCase
from joinedup.testing.second_factor import sign_in


class TestChangingAPostFromTheStructurePage(ChangeTestCase):
    second: ProposedStructure

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A second structure of the programme, which changes nothing yet.
        cls.second = services.structure_create(
            actor=cls.shared_hr,
            programme=cls.programme,
            name="Leaner HR team",
            effective_date=date(2026, 7, 1),
        )

    def url(self) -> str:
        return f"/change/structures/{self.second.pk}/"

    def web(self, user: Any) -> Client:
        return sign_in(Client(), user)

    def changes(self) -> list[tuple[str, str, Any, Any, Any]]:
        return list(
            StructureChange.objects.for_partner(self.council)
            .filter(structure=self.second)
            .values_list("kind", "post__code", "grade_max__code", "budgeted_fte", "location")
        )

    def events(self) -> Any:
        return AuditEvent.objects.for_partner(self.council).filter(
            action="change.structure_change", object_id=str(self.second.pk)
        )

    def form(self, **changes: Any) -> dict[str, Any]:
        return {"form": "change", "post": self.manager_post.pk, **changes}

    def test_hr_proposes_a_lower_grade_fewer_hours_and_a_new_location(self) -> None:
        client = self.web(self.council_hr)
        page = client.get(self.url()).content.decode()
        assert "Propose changing a post" in page
        done = client.post(
            self.url(),
            self.form(grade_max=self.n12.pk, budgeted_fte="0.8", location="Basingstoke", note="Smaller role"),
            follow=True,
        )
        assert "Changes to post C-HRM proposed." in done.content.decode()
        assert self.changes() == [("change", "C-HRM", "SCP12", Decimal("0.8000"), "Basingstoke")]
        event = self.events().get()
        assert event.after["post"] == "C-HRM"
        assert (event.after["grade_max"], event.after["location"]) == ("SCP12", "Basingstoke")
        # Cara's post goes down a grade, loses hours and moves: she is at risk for all three.
        at_risk = services.at_risk_identify(actor=self.council_hr, structure=self.second)
        assert [(r.employment.payroll_number, sorted(r.reasons)) for r in at_risk] == [
            ("WCC100001", ["fte_down", "grade_down", "location"])
        ]

    def test_fields_left_empty_keep_the_post_as_it_is(self) -> None:
        self.web(self.council_hr).post(self.url(), self.form(title="HR team leader"))
        change = StructureChange.objects.for_partner(self.council).get(structure=self.second)
        assert (change.title, change.grade_max, change.budgeted_fte, change.location) == (
            "HR team leader",
            None,
            None,
            None,
        )

    def test_form_errors_and_refusals_are_shown_beside_the_fields_and_write_nothing(self) -> None:
        client = self.web(self.council_hr)
        page = client.post(self.url(), self.form(budgeted_fte="lots"))
        assert page.status_code == 200
        assert "Enter the budgeted FTE as a number, like 0.8." in page.content.decode()
        # The service's rule: a grade's top above its bottom, and a change that changes something.
        page = client.post(self.url(), self.form(grade_min=self.n25.pk, grade_max=self.n12.pk))
        assert "The top of the grade is below its bottom." in page.content.decode()
        page = client.post(self.url(), self.form())
        assert "The proposal leaves the post as it is." in page.content.decode()
        assert self.changes() == []
        assert self.events().count() == 0

    def test_police_hr_cannot_change_a_council_post_and_nothing_changes(self) -> None:
        page = self.web(self.police_hr).post(self.url(), self.form(location="Basingstoke"))
        # The council's posts are not among those police HR may choose.
        assert page.status_code == 200
        assert "Choose the post to change from the list." in page.content.decode()
        assert self.changes() == []
        assert self.events().count() == 0

    def test_a_union_rep_of_the_council_cannot_open_the_structure_and_nothing_changes(self) -> None:
        # Union reps see only aggregates (change.union), never a structure's posts.
        page = self.web(self.union_rep).post(self.url(), self.form(location="Basingstoke"))
        assert page.status_code == 404
        assert self.changes() == []
        assert self.events().count() == 0

    def test_a_partner_outside_the_programme_gets_404_and_changes_nothing(self) -> None:
        client = self.web(self.fire_hr)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), self.form(location="Basingstoke")).status_code == 404
        assert self.changes() == []
        assert self.events().count() == 0
