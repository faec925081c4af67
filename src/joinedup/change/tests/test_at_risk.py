"""People at risk: who a structure puts at risk and why, seen only by their employer; selection
pools; and redeployment to suitable vacancies at partners that agree, with a trial period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.change import selectors, services
from joinedup.change.models import AtRisk, Redeployment
from joinedup.change.restructure import PostShape, is_match, material_reasons
from joinedup.change.tests.base import ChangeTestCase
from joinedup.people.models import Post

SORT = {1: 10, 2: 20, 3: 30}  # pay point id -> its place on the scale
RANK = {1: 0, 2: 1, 3: 2}


def shape(**values: object) -> PostShape:
    base: dict[str, object] = {
        "partner_id": 1,
        "code": "P1",
        "title": "Adviser",
        "org_unit_id": 1,
        "scheme_id": 1,
        "grade_min_id": 1,
        "grade_max_id": 2,
        "budgeted_fte": Decimal(1),
        "cost_centre": "CC",
        "location": "Winchester",
        "reports_to_id": None,
    }
    base.update(values)
    return PostShape(**base)  # type: ignore[arg-type]


class TestWhatIsMaterial:
    def test_deleting_a_post_puts_its_people_at_risk(self) -> None:
        assert material_reasons(shape(), None, SORT) == ["deleted"]

    def test_a_lower_grade_fewer_hours_another_scheme_or_place_is_material(self) -> None:
        assert material_reasons(shape(), shape(grade_max_id=1), SORT) == ["grade_down"]
        assert material_reasons(shape(), shape(budgeted_fte=Decimal("0.5")), SORT) == ["fte_down"]
        assert material_reasons(shape(), shape(scheme_id=2, grade_max_id=3), SORT) == ["scheme"]
        assert material_reasons(shape(), shape(location="Eastleigh"), SORT) == ["location"]
        assert material_reasons(shape(), shape(grade_max_id=1, location="Andover"), SORT) == [
            "grade_down",
            "location",
        ]

    def test_a_new_title_unit_cost_centre_reporting_line_or_a_higher_grade_is_not(self) -> None:
        proposed = shape(title="Partner", org_unit_id=9, cost_centre="X", reports_to_id=4, grade_max_id=3)
        assert material_reasons(shape(), proposed, SORT) == []
        assert material_reasons(shape(), shape(location=" winchester "), SORT) == []


class TestWhatMatches:
    def test_a_vacancy_matches_on_the_same_scheme_within_one_point_at_the_same_place(self) -> None:
        own = shape()
        assert is_match(own, shape(grade_max_id=1), RANK)
        assert is_match(own, shape(grade_max_id=3, location=""), RANK)
        assert not is_match(own, shape(scheme_id=2), RANK)
        assert not is_match(own, shape(location="Eastleigh"), RANK)
        assert not is_match(shape(grade_max_id=1), shape(grade_max_id=3), RANK)


class TestPeopleAtRisk(ChangeTestCase):
    def identify(self) -> list[AtRisk]:
        return services.at_risk_identify(actor=self.shared_hr, structure=self.structure)

    def test_it_puts_at_risk_the_holders_of_deleted_and_materially_changed_posts(self) -> None:
        made = self.identify()
        assert sorted((r.employment.payroll_number, r.post.code, r.reasons, r.fte) for r in made) == [
            ("WCC100001", "C-HRM", ["grade_down"], Decimal("1.0000")),
            ("WCC100002", "C-HRA", ["deleted"], Decimal("1.0000")),
            ("WCC100003", "C-HRA", ["deleted"], Decimal("1.0000")),
            ("WPOL100004", "P-HRA", ["deleted"], Decimal("1.0000")),
        ]
        event = AuditEvent.objects.for_partner(self.police).get(action="change.at_risk_identified")
        assert event.after["employments"] == [self.dan.pk]

    def test_identifying_again_adds_nobody(self) -> None:
        self.identify()
        assert self.identify() == []
        assert AtRisk.objects.for_partners([self.council, self.police]).count() == 4

    def test_each_employer_sees_only_its_own_staff_at_risk(self) -> None:
        self.identify()
        police = [
            r.employment.payroll_number
            for r in selectors.at_risk_of(self.police_hr, structure=self.structure)
        ]
        council = [
            r.employment.payroll_number
            for r in selectors.at_risk_of(self.council_hr, structure=self.structure)
        ]
        assert police == ["WPOL100004"]
        assert council == ["WCC100002", "WCC100003", "WCC100001"]  # by family name: Byron, Hale, Jones

    def test_hr_of_another_partner_gets_404_for_the_programmes_people(self) -> None:
        self.identify()
        council_row = AtRisk.objects.for_partner(self.council).get(employment=self.ada)
        for outsider in (self.police_hr, self.fire_hr):
            with pytest.raises(Http404):
                selectors.at_risk_for(outsider, at_risk_id=council_row.pk)

    def test_it_refuses_an_hr_officer_of_one_employer_and_records_no_one(self) -> None:
        with pytest.raises(PermissionDenied):
            services.at_risk_identify(actor=self.council_hr, structure=self.structure)
        assert AtRisk.objects.for_partners([self.council, self.police]).count() == 0

    def test_a_pool_gathers_people_at_risk_for_ring_fenced_posts(self) -> None:
        self.identify()
        pool = services.pool_create(
            actor=self.council_hr,
            structure=self.structure,
            name="HR advisers",
            criteria="Skills and experience",
        )
        for employment in (self.ada, self.bob):
            row = AtRisk.objects.for_partner(self.council).get(employment=employment)
            services.pool_assign(actor=self.council_hr, pool=pool, at_risk=row)
        ring_fenced = services.structure_create_post(
            actor=self.council_hr,
            structure=self.structure,
            partner=self.council,
            proposal=services.PostProposal(
                code="S-HRO",
                title="Shared HR officer",
                org_unit=self.council_hr_unit,
                scheme=self.njc,
                grade_min=self.n5,
                grade_max=self.n12,
                budgeted_fte=Decimal(1),
                cost_centre="CC-SHR",
            ),
            pool=pool,
        )
        assert ring_fenced.pool == pool
        members = AtRisk.objects.for_partner(self.council).filter(pool=pool)
        assert sorted(m.employment.payroll_number for m in members) == ["WCC100002", "WCC100003"]

    def test_police_staff_cannot_be_put_in_a_pool_by_council_hr(self) -> None:
        self.identify()
        pool = services.pool_create(actor=self.council_hr, structure=self.structure, name="Advisers")
        dan = AtRisk.objects.for_partner(self.police).get(employment=self.dan)
        with pytest.raises(PermissionDenied):
            services.pool_assign(actor=self.council_hr, pool=pool, at_risk=dan)
        dan.refresh_from_db()
        assert dan.pool is None


class TestRedeployment(ChangeTestCase):
    vacancy: Post
    too_low: Post
    elsewhere: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Vacancies at the constabulary for Cara (HR manager, top of grade SCP25).
        cls.vacancy = cls.njc_post(cls.police, cls.police_hr_unit, "P-HRM", "HR manager", cls.n25, "1")
        cls.too_low = cls.njc_post(cls.police, cls.police_hr_unit, "P-HRS", "HR assistant", cls.n5, "1")
        cls.elsewhere = cls.njc_post(
            cls.police,
            cls.police_hr_unit,
            "P-HRB",
            "HR business partner",
            cls.n12,
            "1",
            location="Bournemouth",
        )
        services.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)

    def cara_at_risk(self) -> AtRisk:
        return AtRisk.objects.for_partner(self.council).get(employment=self.cara)

    def matches(self, at_risk: AtRisk) -> list[str]:
        return [
            v.post.code
            for v in selectors.redeployment_matches(self.council_hr, at_risk=at_risk, on=date(2026, 3, 1))
        ]

    def test_another_partners_vacancies_are_offered_only_once_it_agrees(self) -> None:
        assert self.matches(self.cara_at_risk()) == []
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        # P-HRM: SCP25 like hers, no location of its own. P-HRS: SCP5, two points down. P-HRB:
        # SCP12, one point down, but in Bournemouth and she works in Winchester.
        assert self.matches(self.cara_at_risk()) == ["P-HRM"]

    def test_a_partner_agrees_for_itself_only(self) -> None:
        with pytest.raises(PermissionDenied):
            services.redeployment_agree(
                actor=self.council_hr, programme=self.programme, partner=self.police, agrees=True
            )

    def test_a_trial_period_is_recorded_and_a_successful_one_redeploys(self) -> None:
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        offer = services.redeployment_propose(
            actor=self.council_hr, at_risk=self.cara_at_risk(), vacancy=self.vacancy
        )
        assert (offer.partner, offer.host_partner, offer.status) == (self.council, self.police, "proposed")
        # ERA 1996 s.138(3): a trial period of four weeks.
        services.redeployment_trial(
            actor=self.council_hr, redeployment=offer, start=date(2026, 5, 1), end=date(2026, 5, 28)
        )
        services.redeployment_outcome(
            actor=self.police_hr, redeployment=offer, successful=True, note="Settled in"
        )
        offer.refresh_from_db()
        assert (offer.status, offer.trial_start, offer.trial_end, offer.trial_outcome) == (
            "confirmed",
            date(2026, 5, 1),
            date(2026, 5, 28),
            "successful",
        )
        assert self.cara_at_risk().status == "redeployed"
        # The host sees the redeployment; a partner outside it does not.
        assert selectors.redeployment_for(self.police_hr, redeployment_id=offer.pk) == offer
        with pytest.raises(Http404):
            selectors.redeployment_for(self.fire_hr, redeployment_id=offer.pk)

    def test_it_refuses_a_vacancy_that_does_not_suit_and_records_nothing(self) -> None:
        services.redeployment_agree(
            actor=self.police_hr, programme=self.programme, partner=self.police, agrees=True
        )
        with pytest.raises(ValidationError) as refused:
            services.redeployment_propose(
                actor=self.council_hr, at_risk=self.cara_at_risk(), vacancy=self.too_low
            )
        assert refused.value.message_dict == {
            "vacancy": ["Post P-HRS is not a suitable vacancy for this person."]
        }
        assert Redeployment.objects.for_partners([self.council, self.police]).count() == 0
