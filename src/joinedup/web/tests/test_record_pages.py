"""HR's record edits, the staff list and an employee's own changes as pages: each does its
change on a valid post through the one service, shows the service's refusal, changes nothing
when refused, and answers 404 for another partner's record."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.people.models import (
    Absence,
    AbsenceStatus,
    BankChangeStatus,
    BankDetailsChange,
    Employment,
    Person,
)
from joinedup.people.services import absence_request, bank_change_request
from joinedup.testing.people import PeopleTestCase


def person(pk: int) -> Person:
    return Person.objects.unscoped(reason="test: read back").get(pk=pk)


def bank_changes(person_id: int) -> list[str]:
    return list(
        BankDetailsChange.objects.unscoped(reason="test: every change")
        .filter(person_id=person_id)
        .values_list("status", flat=True)
    )


class RecordPagesTestCase(PeopleTestCase):
    council_payroll: Any
    ada_id: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.ada_id = cls.council_emp.person_id
        ada = cls.council_emp.person
        ada.user = cls.council_employee
        ada.save()


class TestContactDetails(RecordPagesTestCase):
    def form(self, **overrides: Any) -> dict[str, str]:
        data = {
            "address_line1": "1 Castle Avenue",
            "address_line2": "",
            "town": "Winchester",
            "postcode": "so23 8uj",
            "email": "ada@example.org",
            "phone": "01962 000000",
            "emergency_contact_name": "",
            "emergency_contact_phone": "",
        }
        data.update(overrides)
        return data

    def test_hr_changes_the_address_and_the_audit_keeps_before_and_after(self) -> None:
        response = self.signed_in(self.council_hr).post(f"/people/{self.ada_id}/contact", self.form())
        assert response.status_code == 302 and response["Location"] == f"/people/{self.ada_id}"
        held = person(self.ada_id)
        assert (held.address_line1, held.town, held.postcode) == ("1 Castle Avenue", "Winchester", "SO23 8UJ")
        event = AuditEvent.objects.for_partner(self.council).get(action="person.updated")
        assert event.before == {"email": "", "phone": "", "address_line1": "", "town": ""}
        assert event.after == {
            "email": "ada@example.org",
            "phone": "01962 000000",
            "address_line1": "1 Castle Avenue",
            "town": "Winchester",
        }

    def test_a_bad_postcode_is_shown_beside_the_field_and_nothing_changes(self) -> None:
        response = self.signed_in(self.council_hr).post(
            f"/people/{self.ada_id}/contact", self.form(postcode="nowhere")
        )
        assert response.status_code == 200
        assert "Enter a full UK postcode, like SW1A 1AA" in response.content.decode()
        assert person(self.ada_id).town == ""

    def test_hr_of_another_partner_gets_404_and_nothing_changes(self) -> None:
        response = self.signed_in(self.police_hr).post(f"/people/{self.ada_id}/contact", self.form())
        assert response.status_code == 404
        assert person(self.ada_id).town == ""

    def test_an_employee_changes_their_own_address(self) -> None:
        response = self.signed_in(self.council_employee).post("/me/contact", self.form(email=""))
        assert response.status_code == 302 and response["Location"] == "/me"
        assert person(self.ada_id).town == "Winchester"
        event = AuditEvent.objects.for_partner(self.council).get(action="person.updated")
        assert event.actor_label == "council.employee"


class TestBankChangePages(RecordPagesTestCase):
    new = {"sort_code": "40-11-62", "account_number": "87654321", "account_name": "A Lovelace"}

    def test_hr_asks_a_second_officer_verifies_and_only_then_the_account_changes(self) -> None:
        response = self.signed_in(self.council_hr).post(f"/people/{self.ada_id}/bank", self.new)
        assert response.status_code == 302
        assert person(self.ada_id).bank_account_number == "12345678"
        (change,) = BankDetailsChange.objects.for_partner(self.council)
        page = self.signed_in(self.council_payroll).get(f"/people/{self.ada_id}").content.decode()
        assert "Bank change pending" in page and "Verify the change" in page
        own_page = self.signed_in(self.council_hr).get(f"/people/{self.ada_id}").content.decode()
        assert "Bank change pending" in own_page and "Verify the change" not in own_page
        verified = self.signed_in(self.council_payroll).post(
            f"/bank-changes/{change.pk}/decision", {"decision": "verify"}
        )
        assert verified.status_code == 302
        assert person(self.ada_id).bank_account_number == "87654321"
        assert bank_changes(self.ada_id) == [BankChangeStatus.VERIFIED]

    def test_the_requester_verifying_is_refused_with_a_message_and_nothing_changes(self) -> None:
        change = bank_change_request(
            actor=self.council_hr,
            person=person(self.ada_id),
            partner=self.council,
            sort_code="401162",
            account_number="87654321",
        )
        client = self.signed_in(self.council_hr)
        response = client.post(f"/bank-changes/{change.pk}/decision", {"decision": "verify"}, follow=True)
        assert (
            "A second person must verify this change, not the person who asked for it."
            in response.content.decode()
        )
        assert person(self.ada_id).bank_account_number == "12345678"
        assert bank_changes(self.ada_id) == [BankChangeStatus.PENDING]

    def test_another_partners_officer_gets_404_for_the_change(self) -> None:
        change = bank_change_request(
            actor=self.council_hr,
            person=person(self.ada_id),
            partner=self.council,
            sort_code="401162",
            account_number="87654321",
        )
        response = self.signed_in(self.police_hr).post(
            f"/bank-changes/{change.pk}/decision", {"decision": "verify"}
        )
        assert response.status_code == 404
        assert self.signed_in(self.police_hr).post(f"/people/{self.ada_id}/bank", self.new).status_code == 404
        assert bank_changes(self.ada_id) == [BankChangeStatus.PENDING]
        assert person(self.ada_id).bank_account_number == "12345678"

    def test_an_employee_asks_for_their_own_change_and_hr_rejects_it(self) -> None:
        response = self.signed_in(self.council_employee).post("/me/bank", self.new)
        assert response.status_code == 302
        assert "Bank change pending" in self.signed_in(self.council_employee).get("/me").content.decode()
        (change,) = BankDetailsChange.objects.for_partner(self.council)
        assert change.requested_by_id == self.council_employee.pk
        self.signed_in(self.council_hr).post(
            f"/bank-changes/{change.pk}/decision", {"decision": "reject", "note": "Not confirmed by phone"}
        )
        assert bank_changes(self.ada_id) == [BankChangeStatus.REJECTED]
        assert person(self.ada_id).bank_account_number == "12345678"

    def test_an_employee_cannot_verify_their_own_change(self) -> None:
        change = bank_change_request(
            actor=self.council_hr,
            person=person(self.ada_id),
            partner=self.council,
            sort_code="401162",
            account_number="87654321",
        )
        response = self.signed_in(self.council_employee).post(
            f"/bank-changes/{change.pk}/decision", {"decision": "verify"}
        )
        assert response.status_code == 404
        assert bank_changes(self.ada_id) == [BankChangeStatus.PENDING]


class TestJobPage(RecordPagesTestCase):
    def test_hr_changes_the_job_title_unit_and_line_manager(self) -> None:
        form = {
            "job_title": "Senior HR adviser",
            "org_unit": self.council_unit.pk,
            "line_manager": self.shared_person_council.pk,
            "effective_from": "2026-04-01",
            "reason": "Promotion",
        }
        response = self.signed_in(self.council_hr).post(f"/employments/{self.council_emp.pk}/job", form)
        assert response.status_code == 302
        employment = Employment.objects.for_partner(self.council).get(pk=self.council_emp.pk)
        assert (employment.job_title, employment.org_unit_id) == ("Senior HR adviser", self.council_unit.pk)
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="employment.job_changed").count() == 1
        )

    def test_a_manager_of_another_partner_is_not_offered_and_is_refused(self) -> None:
        client = self.signed_in(self.council_hr)
        page = client.get(f"/employments/{self.council_emp.pk}/job").content.decode()
        assert "WPOL000001" not in page
        form = {
            "job_title": "",
            "org_unit": "",
            "line_manager": self.police_emp.pk,
            "effective_from": "2026-04-01",
            "reason": "x",
        }
        response = client.post(f"/employments/{self.council_emp.pk}/job", form)
        assert "Choose the line manager from the list." in response.content.decode()

    def test_hr_of_another_partner_gets_404(self) -> None:
        assert (
            self.signed_in(self.police_hr).get(f"/employments/{self.council_emp.pk}/job").status_code == 404
        )


class TestStaffList(RecordPagesTestCase):
    def test_it_filters_by_post_and_status_and_shows_a_pending_bank_change(self) -> None:
        bank_change_request(
            actor=self.council_employee,
            person=person(self.ada_id),
            partner=self.council,
            sort_code="401162",
            account_number="87654321",
        )
        client = self.signed_in(self.council_hr)
        page = client.get("/staff").content.decode()
        assert "2 employments on" in page
        assert "Ada Lovelace" in page and "Mary Seacole" in page and "Grace Hopper" not in page
        assert page.count("Bank change pending") == 1
        by_post = client.get(f"/staff?post={self.council_post.pk}").content.decode()
        assert "1 employment on" in by_post and "Mary Seacole" not in by_post
        by_unit = client.get(f"/staff?unit={self.council_unit.pk}&status=current").content.decode()
        assert "1 employment on" in by_unit and "Ada Lovelace" in by_unit
        # Each filter in force is a tag in the panel; removing the unit keeps the status.
        assert re.findall(r'<a class="moj-filter__tag" href="([^"]+)">.*?</span> ([^<]+)</a>', by_unit) == [
            ("/staff?status=current", self.council_unit.name),
            (f"/staff?unit={self.council_unit.pk}", "In post"),
        ]
        assert "0 employments on" in client.get("/staff?status=left").content.decode()

    def test_it_exports_the_filtered_list(self) -> None:
        response = self.signed_in(self.council_hr).get(f"/staff?scheme={self.scheme.pk}&format=xlsx")
        assert response["Content-Disposition"].startswith('attachment; filename="staff-wcc-')
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert [row[:2] for row in sheet.iter_rows(values_only=True)] == [
            ("name", "payroll_number"),
            ("Ada Lovelace", "WCC000001"),
            ("Mary Seacole", "WCC000002"),
        ]

    def test_a_post_of_another_partner_is_not_a_filter(self) -> None:
        page = self.signed_in(self.council_hr).get(f"/staff?post={self.police_post.pk}").content.decode()
        assert "Grace Hopper" not in page
        assert "2 employments on" in page


class TestOwnLeave(RecordPagesTestCase):
    def request(self) -> Absence:
        return absence_request(
            actor=self.council_employee,
            employment=self.council_emp,
            kind="annual_leave",
            start_date=date(2026, 7, 6),
            end_date=date(2026, 7, 10),
        )

    def test_an_employee_sees_their_leave_history_and_cancels_a_waiting_request(self) -> None:
        absence = self.request()
        client = self.signed_in(self.council_employee)
        page = client.get("/me/leave").content.decode()
        assert "Annual leave" in page and "6 July 2026" in page and "Requested" in page
        response = client.post(f"/me/leave/{absence.pk}/cancel")
        assert response.status_code == 302 and response["Location"] == "/me/leave"
        assert Absence.objects.for_partner(self.council).get(pk=absence.pk).status == AbsenceStatus.CANCELLED

    def test_someone_elses_request_answers_404_and_stays_requested(self) -> None:
        absence = self.request()
        response = self.signed_in(self.council_hr).post(f"/me/leave/{absence.pk}/cancel")
        assert response.status_code == 404
        assert Absence.objects.for_partner(self.council).get(pk=absence.pk).status == AbsenceStatus.REQUESTED
