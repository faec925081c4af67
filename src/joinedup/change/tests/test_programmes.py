"""A programme is seen by every partner involved in it and by no one else; each partner agrees
to be involved; a refused change leaves nothing behind."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.change import selectors, services
from joinedup.change.models import ChangeProgramme, Milestone, ProgrammePartner
from joinedup.change.tests.base import ChangeTestCase
from joinedup.people.services import org_unit_create


class TestProgrammes(ChangeTestCase):
    def test_every_partner_involved_sees_the_programme_and_its_partners(self) -> None:
        for user in (self.council_hr, self.police_hr, self.shared_hr):
            programme = selectors.programme_for(user, programme_id=self.programme.pk)
            assert [row.partner.code for row in selectors.involved_of(programme)] == ["WCC", "WPOL"]

    def test_hr_of_a_partner_not_involved_gets_404_for_the_programme(self) -> None:
        with pytest.raises(Http404):
            selectors.programme_for(self.fire_hr, programme_id=self.programme.pk)
        with pytest.raises(Http404):
            selectors.structure_for(self.fire_hr, structure_id=self.structure.pk)
        assert list(selectors.programmes_visible_to(self.fire_hr)) == []

    def test_a_union_rep_is_given_no_programme_and_no_individual(self) -> None:
        # Union representatives see aggregates only (issue 12): nothing of a programme's people.
        with pytest.raises(PermissionDenied, match="Your roles do not include workforce change"):
            selectors.programmes_visible_to(self.union_rep)
        with pytest.raises(Http404):
            selectors.programme_for(self.union_rep, programme_id=self.programme.pk)
        with pytest.raises(PermissionDenied):
            selectors.at_risk_of(self.union_rep, structure=self.structure)

    def test_it_refuses_to_involve_a_partner_where_the_caller_does_not_manage_change(self) -> None:
        before = ChangeProgramme.objects.for_partners([self.council, self.police]).count()
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied):
            services.programme_create(
                actor=self.council_hr,
                partner=self.council,
                name="Joint payroll",
                owner=self.council_hr,
                start_date=date(2026, 6, 1),
                partners=[self.police],
            )
        assert ChangeProgramme.objects.for_partners([self.council, self.police]).count() == before
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_it_records_a_programme_with_a_row_for_each_partner_and_one_event(self) -> None:
        programme = services.programme_create(
            actor=self.council_hr,
            partner=self.council,
            name="Council payroll review",
            owner=self.council_hr,
            start_date=date(2026, 6, 1),
        )
        assert programme.status == "draft"
        assert list(
            ProgrammePartner.objects.for_partner(self.council)
            .filter(programme=programme)
            .values_list("partner__code", flat=True)
        ) == ["WCC"]
        event = AuditEvent.objects.for_partner(self.council).get(
            action="change.programme_created", object_id=str(programme.pk)
        )
        assert event.after["partners"] == ["WCC"]
        with pytest.raises(Http404):
            selectors.programme_for(self.police_hr, programme_id=programme.pk)

    def test_it_refuses_a_second_programme_of_the_same_name(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.programme_create(
                actor=self.shared_hr,
                partner=self.council,
                name="One HR service",
                owner=self.shared_hr,
                start_date=date(2026, 6, 1),
            )
        assert refused.value.message_dict == {
            "name": ["Wessex County Council already has a programme called One HR service."]
        }

    def test_milestones_are_added_and_done_and_the_police_see_them(self) -> None:
        milestone = services.milestone_add(
            actor=self.council_hr, programme=self.programme, name="Consultation starts", due=date(2026, 2, 2)
        )
        services.milestone_done(actor=self.council_hr, milestone=milestone, done_on=date(2026, 2, 3))
        seen = selectors.milestones_of(
            selectors.programme_for(self.police_hr, programme_id=self.programme.pk)
        )
        assert [(m.name, m.due, m.done_on, m.done) for m in seen] == [
            ("Consultation starts", date(2026, 2, 2), date(2026, 2, 3), True)
        ]

    def test_the_police_cannot_change_the_councils_programme(self) -> None:
        # Involved, so they read it; its own rows are the lead's to change.
        with pytest.raises(PermissionDenied):
            services.milestone_add(
                actor=self.police_hr, programme=self.programme, name="Ours", due=date(2026, 3, 1)
            )
        assert Milestone.objects.for_partner(self.council).filter(programme=self.programme).count() == 0

    def test_the_status_moves_on_with_an_audit_event(self) -> None:
        services.programme_update(actor=self.council_hr, programme=self.programme, status="consultation")
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.programme_updated").get()
        assert (event.before, event.after) == ({"status": "draft"}, {"status": "consultation"})

    def test_the_scope_holds_the_units_posts_of_both_partners(self) -> None:
        assert [(p.partner.code, p.code) for p in selectors.scope_posts_of(self.programme)] == [
            ("WPOL", "P-HRA"),
            ("WCC", "C-HRA"),
            ("WCC", "C-HRM"),
        ]

    def test_a_post_of_a_partner_not_involved_cannot_enter_the_scope(self) -> None:
        unit = org_unit_create(actor=self.shared_hr, partner=self.fire, code="FHR", name="Fire HR")
        post = self.njc_post(self.fire, unit, "F-HRA", "HR adviser", self.n12, "1")
        with pytest.raises(ValidationError) as refused:
            services.scope_add(actor=self.shared_hr, programme=self.programme, posts=[post])
        assert refused.value.messages == [
            "A post or unit belongs to a partner not involved in the programme."
        ]
        assert self.programme.scope_posts.filter(post=post).count() == 0
