"""Implausible HR dates are refused where they enter: the hire service (and so its forms and
the API), the people import (every bad row reported, nothing written) and leaving (not before
pay already approved). The minimum age is the dated rule in people/working_age.toml: 16, the
minimum school leaving age (Education Act 1996 s.8; SI 1997/1970)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from joinedup.payroll.services import payrun_approve
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase
from joinedup.people import plausibility
from joinedup.people.imports import import_employments
from joinedup.people.models import Employment, Person
from joinedup.people.services import PersonDetails, employment_end, employment_start
from joinedup.people.tests.test_imports import GOOD, csv_file
from joinedup.testing.people import PeopleTestCase

TODAY = date(2026, 12, 5)


def test_a_birthday_on_29_february_comes_of_age_on_1_march_in_a_common_year() -> None:
    assert plausibility.age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert plausibility.age_on(date(2008, 2, 29), date(2024, 3, 1)) == 16


def test_the_minimum_age_rule_is_dated_and_cites_its_source() -> None:
    rule = plausibility.rule("minimum_age_at_start", date(2026, 9, 1))
    assert rule.years == 16
    assert "Education Act 1996 s.8" in rule.source


def test_births_in_the_future_or_a_century_ago_are_refused() -> None:
    assert plausibility.birth_problem(date(2030, 1, 1), today=TODAY) == "The date of birth is in the future."
    assert plausibility.birth_problem(date(1800, 1, 1), today=TODAY) == (
        "The date of birth is 100 or more years ago. Check it."
    )
    assert plausibility.birth_problem(date(1926, 12, 6), today=TODAY) is None  # 99 years old


def test_a_start_before_birth_or_under_age_is_refused() -> None:
    born = date(2010, 9, 2)
    assert plausibility.start_problem(born, date(2009, 1, 1)) == (
        "The employment cannot start before the person was born."
    )
    assert plausibility.start_problem(born, date(2026, 9, 1)) == (
        "The person would be 15 on the start date; the minimum age to employ is 16."
    )
    assert plausibility.start_problem(born, date(2026, 9, 2)) is None


class TestHireRefusesImplausibleDates(PeopleTestCase):
    def hire_tom(self, born: date, start: date) -> Employment:
        return employment_start(
            actor=self.council_hr,
            partner=self.council,
            person=PersonDetails(
                given_name="Tom", family_name="Thumb", date_of_birth=born, ni_number="AC923451A"
            ),
            payroll_number="WCC000777",
            start_date=start,
            terms=self.terms(),
        )

    def test_it_refuses_a_birth_in_the_future_as_a_field_error(self) -> None:
        with pytest.raises(ValidationError) as info:
            self.hire_tom(date(2030, 1, 1), date(2026, 9, 1))
        assert info.value.message_dict == {"date_of_birth": ["The date of birth is in the future."]}
        assert not Person.objects.unscoped(reason="test").filter(ni_number="AC923451A").exists()

    def test_it_refuses_a_fourteen_year_old_starter(self) -> None:
        with pytest.raises(ValidationError) as info:
            self.hire_tom(date(2012, 1, 1), date(2026, 9, 1))
        assert info.value.message_dict == {
            "start_date": ["The person would be 14 on the start date; the minimum age to employ is 16."]
        }
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000777").exists()

    def test_the_api_names_the_field(self) -> None:
        from joinedup.api.tests.test_people_api import HIRE

        body = {**HIRE, "person": {**HIRE["person"], "date_of_birth": "1920-05-12"}}
        response = self.api(self.council_hr).post(
            f"/api/v1/partners/{self.council.pk}/employments",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "date_of_birth": ["The date of birth is 100 or more years ago. Check it."]
        }
        assert Employment.objects.for_partner(self.council).count() == 2


class TestImportRefusesImplausibleDates(PeopleTestCase):
    def test_every_implausible_row_is_reported_and_nothing_is_imported(self) -> None:
        people_before = Person.objects.unscoped(reason="test").count()
        rows = [
            GOOD[0],
            "WCC000201,Fut,Ure,2030-01-01,AC923451A,2026-04-01,njc-test,SCP5,1,37,,,",
            "WCC000202,Old,Age,1800-01-01,AC923452A,2026-04-01,njc-test,SCP5,1,37,,,",
            "WCC000203,Too,Young,2012-06-01,AC923453A,2026-04-01,njc-test,SCP5,1,37,,,",
            "WCC000204,Un,Born,1990-06-01,AC923454A,1989-04-01,njc-test,SCP5,1,37,,,",
        ]
        report = import_employments(
            actor=self.council_hr, partner=self.council, source=csv_file(*rows), filename="dates.csv"
        )
        assert [(e.row, e.column, e.reason) for e in report.errors] == [
            (3, "date_of_birth", "The date of birth is in the future."),
            (4, "date_of_birth", "The date of birth is 100 or more years ago. Check it."),
            (5, "start_date", "The person would be 13 on the start date; the minimum age to employ is 16."),
            (6, "start_date", "The employment cannot start before the person was born."),
        ]
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000101").exists()
        assert Person.objects.unscoped(reason="test").count() == people_before


class TestLeavingBeforeApprovedPay(PayrollTestCase):
    def test_an_end_before_the_last_approved_payslips_period_end_is_refused(self) -> None:
        from joinedup.payroll.selectors import approved_pay_end

        payrun_approve(actor=self.payroll_approver, run=self.calculated(pay_date=NOVEMBER))
        assert approved_pay_end(self.council_emp) == date(2026, 11, 30)
        response = self.api(self.council_hr).post(
            f"/api/v1/employments/{self.council_emp.pk}/end",
            json.dumps({"end_date": "2026-11-15", "reason": "Resigned"}),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": [
                "Pay up to 30 November 2026 is already approved for this employment, so it cannot end "
                "before then. Correct the pay first, or end it on or after that date."
            ]
        }
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None
        ended = employment_end(
            actor=self.council_hr,
            employment=self.council_emp,
            end_date=date(2026, 11, 30),
            reason="Resigned",
            paid_to=approved_pay_end(self.council_emp),
        )
        assert ended.end_date == date(2026, 11, 30)


def test_the_minimum_age_follows_the_school_leaving_age_of_the_start_date() -> None:
    # 15 from 1 April 1947 (School Leaving Age Order 1947); 16 from 1 September 1972 (SI 1972/444).
    assert plausibility.rule("minimum_age_at_start", date(1972, 8, 31)).years == 15
    assert plausibility.rule("minimum_age_at_start", date(1972, 9, 1)).years == 16
    assert plausibility.rule("minimum_age_at_start", date(1940, 1, 1)).years == 15
