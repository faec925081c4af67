from __future__ import annotations

from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.people.models import Employment, EmploymentTerms
from joinedup.testing.people import PeopleTestCase

HIRE: dict[str, Any] = {
    "person": {
        "given_name": "Florence",
        "family_name": "Nightingale",
        "date_of_birth": "1990-05-12",
        "ni_number": "jn 12 34 56 b",
        "bank_sort_code": "20-00-00",
        "bank_account_number": "55779911",
    },
    "payroll_number": "WCC000010",
    "start_date": "2026-09-01",
    "terms": {
        "fte": "0.5",
        "weekly_hours": "18.5",
        "scheme": "njc-test",
        "pay_point": "SCP5",
        "pension_scheme": "lgps_main",
    },
}


class TestHireOverTheApi(PeopleTestCase):
    def test_an_hr_officer_hires_and_reads_back_masked_bank_details(self) -> None:
        client = self.api(self.council_hr)
        response = client.post(
            f"/api/v1/partners/{self.council.pk}/employments", HIRE, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        employment = response.json()
        assert (employment["partner_id"], employment["payroll_number"]) == (self.council.pk, "WCC000010")
        person = client.get(f"/api/v1/people/{employment['person_id']}").json()["person"]
        assert person["ni_number"] == "JN123456B"
        assert (person["bank_sort_code"], person["bank_account_number"]) == ("20-**-**", "****9911")

    def test_bad_fields_answer_422_naming_each_field_and_change_nothing(self) -> None:
        body = {
            **HIRE,
            "person": {**HIRE["person"], "ni_number": "nonsense"},
            "terms": {**HIRE["terms"], "fte": "2"},
        }
        events = AuditEvent.objects.for_partner(self.council).count()
        response = self.api(self.council_hr).post(
            f"/api/v1/partners/{self.council.pk}/employments", body, content_type="application/json"
        )
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {"ni_number", "fte"}
        assert Employment.objects.for_partner(self.council).count() == 2
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_an_unknown_pay_point_is_a_field_error(self) -> None:
        body = {**HIRE, "terms": {**HIRE["terms"], "pay_point": "SCP99"}}
        response = self.api(self.council_hr).post(
            f"/api/v1/partners/{self.council.pk}/employments", body, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"pay_point": ["No point 'SCP99' on the Test Green Book scale."]}

    def test_a_viewer_without_hr_rights_is_forbidden_and_nothing_changes(self) -> None:
        response = self.api(self.union_rep).post(
            f"/api/v1/partners/{self.council.pk}/employments", HIRE, content_type="application/json"
        )
        assert response.status_code == 403
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000010").exists()


class TestTermsOverTheApi(PeopleTestCase):
    def test_a_dated_change_and_the_record_as_at_a_past_date(self) -> None:
        client = self.api(self.council_hr)
        url = f"/api/v1/employments/{self.council_emp.pk}/terms"
        response = client.post(
            url,
            {"effective_from": "2026-04-01", "reason": "Increment", "pay_point": "SCP25"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert [t["pay_point"] for t in client.get(url).json()] == ["SCP12", "SCP25"]
        assert [t["pay_point"] for t in client.get(url, {"as_at": "2026-03-31"}).json()] == ["SCP12"]
        assert [t["pay_point"] for t in client.get(url, {"as_at": "2026-04-01"}).json()] == ["SCP25"]

    def test_a_change_to_another_partners_employment_is_404_and_changes_nothing(self) -> None:
        response = self.api(self.council_hr).post(
            f"/api/v1/employments/{self.police_emp.pk}/terms",
            {"effective_from": "2026-04-01", "reason": "x", "pay_point": "SCP25"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert (
            EmploymentTerms.objects.for_partner(self.police).filter(employment=self.police_emp).count() == 1
        )


class TestSearchOverTheApi(PeopleTestCase):
    def test_it_searches_across_the_callers_partners_only(self) -> None:
        body = self.api(self.ops_admin).get("/api/v1/people", {"q": "seacole"}).json()
        assert [(h["name"], len(h["employments"])) for h in body] == [("Mary Seacole", 2)]
        body = self.api(self.police_hr).get("/api/v1/people", {"q": "seacole"}).json()
        assert [e["payroll_number"] for e in body[0]["employments"]] == ["WPOL000002"]

    def test_the_establishment_shows_filled_and_vacant_fte(self) -> None:
        lines = self.api(self.council_hr).get(f"/api/v1/partners/{self.council.pk}/establishment").json()
        assert [(ln["post"]["code"], ln["filled_fte"], ln["vacant_fte"], ln["status"]) for ln in lines] == [
            ("C-HR-01", "1.0000", "1.0000", "part filled")
        ]
