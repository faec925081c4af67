"""Equality monitoring on the person record (people/equality.py): special-category answers read
and recorded only by HR and the DPO of a partner employing the person, audited without the
answers, and in no API response or export for anyone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.people.equality import (
    age_band,
    age_band_labels,
    categories,
    protected_characteristics_of,
    protected_characteristics_set,
)
from joinedup.people.models import Person, ProtectedCharacteristics
from joinedup.testing.people import PeopleTestCase

ANSWERS = {"sex": "female", "ethnicity": "black_caribbean", "disability": "yes"}


def _records() -> int:
    return ProtectedCharacteristics.objects.unscoped(reason="test: count every record").count()


class TestTheCategories:
    def test_the_ethnic_groups_are_the_19_of_the_2021_census_in_5_groups_and_may_be_declined(self) -> None:
        cats = categories()
        assert len(cats.ethnicity) == 20  # 19 ONS tick boxes and "Prefer not to say"
        assert list(cats.ethnic_groups) == ["asian", "black", "mixed", "white", "other"]
        assert cats.ethnic_groups[cats.ethnic_group_of["white_roma"]] == "White"
        assert cats.ethnicity["prefer_not_to_say"] == "Prefer not to say"
        assert "Census 2021" in cats.ethnicity_source

    def test_the_age_band_turns_on_the_birthday(self) -> None:
        born = date(1971, 6, 15)
        assert age_band(born, date(1996, 6, 14)) == "Under 25"
        assert age_band(born, date(1996, 6, 15)) == "25-34"
        assert age_band(born, date(2026, 6, 14)) == "45-54"
        assert age_band(born, date(2026, 6, 15)) == "55-64"
        assert age_band(born, date(2036, 6, 15)) == "65 and over"
        assert age_band_labels() == ["Under 25", "25-34", "35-44", "45-54", "55-64", "65 and over"]


class TestProtectedCharacteristics(PeopleTestCase):
    payroll: Any
    person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.person = cls.council_emp.person

    def test_hr_records_the_answers_and_reads_them_back(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        found = protected_characteristics_of(self.council_hr, person=self.person)
        assert found is not None
        assert (found.sex, found.ethnicity, found.disability) == ("female", "black_caribbean", "yes")

    def test_the_audit_event_names_the_questions_never_the_answers(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        event = AuditEvent.objects.for_partner(self.council).get(
            action="person.protected_characteristics_recorded"
        )
        assert event.after == {"questions_changed": ["disability", "ethnicity", "sex"]}
        assert "black_caribbean" not in str(event.before) + str(event.after)
        protected_characteristics_set(
            actor=self.council_hr, person=self.person, **{**ANSWERS, "disability": "no"}
        )
        latest = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="person.protected_characteristics_recorded")
            .order_by("pk")
            .last()
        )
        assert latest is not None and latest.after == {"questions_changed": ["disability"]}

    def test_saving_the_same_answers_again_records_nothing(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        assert (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="person.protected_characteristics_recorded")
            .count()
            == 1
        )

    def test_the_dpo_reads_and_records_them(self) -> None:
        protected_characteristics_set(actor=self.shared_dpo, person=self.person, sex="male")
        found = protected_characteristics_of(self.shared_dpo, person=self.person)
        assert found is not None and found.sex == "male"

    def test_it_refuses_an_answer_not_offered(self) -> None:
        with pytest.raises(ValidationError) as caught:
            protected_characteristics_set(actor=self.council_hr, person=self.person, ethnicity="martian")
        assert caught.value.message_dict == {"ethnicity": ["Choose one of the answers offered."]}
        assert _records() == 0

    def test_a_payroll_officer_a_union_rep_and_another_partners_hr_get_404_and_change_nothing(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        for user in (self.payroll, self.union_rep, self.police_hr, self.council_employee):
            with self.subTest(user.username):
                with pytest.raises(Http404):
                    protected_characteristics_of(user, person=self.person)
                with pytest.raises(Http404):
                    protected_characteristics_set(actor=user, person=self.person, sex="male")
        found = protected_characteristics_of(self.council_hr, person=self.person)
        assert found is not None and found.sex == "female"

    def test_the_page_shows_hr_the_answers_and_answers_404_to_others(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        url = f"/people/{self.person.pk}/equality"
        page = self.signed_in(self.council_hr).get(url)
        assert page.status_code == 200
        assert "Caribbean" in page.content.decode()
        person_page = self.signed_in(self.council_hr).get(f"/people/{self.person.pk}").content.decode()
        assert 'data-testid="equality-link"' in person_page
        assert "Caribbean" not in person_page
        for user in (self.payroll, self.union_rep, self.police_hr):
            with self.subTest(user.username):
                assert self.signed_in(user).get(url).status_code == 404
                posted = self.signed_in(user).post(url, {"sex": "male"})
                assert posted.status_code == 404
        assert ProtectedCharacteristics.objects.unscoped(reason="test").get().sex == "female"

    def test_hr_saves_the_answers_through_the_page(self) -> None:
        url = f"/people/{self.person.pk}/equality"
        response = self.signed_in(self.council_hr).post(
            url, {"sex": "male", "ethnicity": "", "disability": "no"}
        )
        assert response.status_code == 302
        saved = ProtectedCharacteristics.objects.unscoped(reason="test").get()
        assert (saved.sex, saved.ethnicity, saved.disability) == ("male", "", "no")

    def test_no_api_response_or_export_carries_them_even_for_hr(self) -> None:
        protected_characteristics_set(actor=self.council_hr, person=self.person, **ANSWERS)
        api = self.api(self.council_hr)
        for path in (f"/api/v1/people/{self.person.pk}", f"/api/v1/employments/{self.council_emp.pk}"):
            body = api.get(path).content.decode()
            for text in ("black_caribbean", "Caribbean", "ethnicity", "disability"):
                assert text not in body, (path, text)
        client = self.signed_in(self.council_hr)
        for path in ("/people?format=csv&q=" + self.person.family_name, "/staff?format=csv"):
            body = client.get(path).content.decode("utf-8-sig")
            assert "Caribbean" not in body and "ethnic" not in body.lower(), path

    def test_a_person_without_answers_reads_as_none_not_an_error(self) -> None:
        assert protected_characteristics_of(self.council_hr, person=self.person) is None


def test_permission_denied_is_not_used_for_readers_without_the_right() -> None:
    # A reader who may see but not change would get 403; no role has one without the other.
    from joinedup.partnership.permissions import ROLE_PERMISSIONS

    for role, granted in ROLE_PERMISSIONS.items():
        assert ("people.view_special_category" in granted) == ("people.change_special_category" in granted), (
            role
        )
    holders = sorted(r for r, g in ROLE_PERMISSIONS.items() if "people.view_special_category" in g)
    assert holders == [Role.DATA_PROTECTION_OFFICER, Role.HR_OFFICER]
    assert PermissionDenied is not None
