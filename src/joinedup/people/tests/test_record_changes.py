"""HR's everyday edits of a record: bank details that take effect only when a second person
verifies them (a known payroll-fraud route), the job title, unit and line manager, an
employee's own leave cancellation, and HR's narrow view of the history of their people."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import SystemActor
from joinedup.partnership.audit_trail import person_history
from joinedup.partnership.models import Role
from joinedup.people import selectors
from joinedup.people.models import (
    Absence,
    AbsenceStatus,
    BankChangeStatus,
    BankDetailsChange,
    Employment,
    EmploymentTerms,
    Person,
)
from joinedup.people.services import (
    absence_cancel_own,
    absence_decide,
    absence_request,
    bank_change_reject,
    bank_change_request,
    bank_change_verify,
    employment_change_job,
    person_update,
)
from joinedup.testing.people import PeopleTestCase


def fresh(person: Person) -> Person:
    return Person.objects.unscoped(reason="test: read back").get(pk=person.pk)


def changes_of(person: Person) -> list[str]:
    return list(
        BankDetailsChange.objects.unscoped(reason="test: every change")
        .filter(person=person)
        .values_list("status", flat=True)
    )


class TestBankChanges(PeopleTestCase):
    council_payroll: Any
    ada: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.ada = cls.council_emp.person
        cls.ada.user = cls.council_employee
        cls.ada.save()

    def ask(self, actor: Any, **overrides: Any) -> BankDetailsChange:
        values: dict[str, Any] = {
            "person": self.ada,
            "partner": self.council,
            "sort_code": "40-11-62",
            "account_number": "87654321",
            "account_name": "A Lovelace",
        }
        values.update(overrides)
        return bank_change_request(actor=actor, **values)

    def test_it_pays_the_old_account_until_a_second_person_verifies_the_change(self) -> None:
        change = self.ask(self.council_hr)
        held = fresh(self.ada)
        assert (held.bank_sort_code, held.bank_account_number) == ("200000", "12345678")
        assert selectors.people_with_pending_bank_change(self.council, [self.ada.pk]) == {self.ada.pk}
        bank_change_verify(actor=self.council_payroll, change=change)
        held = fresh(self.ada)
        assert (held.bank_sort_code, held.bank_account_number, held.bank_account_name) == (
            "401162",
            "87654321",
            "A Lovelace",
        )
        assert changes_of(self.ada) == [BankChangeStatus.VERIFIED]
        assert selectors.people_with_pending_bank_change(self.council, [self.ada.pk]) == set()
        actions = list(
            AuditEvent.objects.for_partner(self.council)
            .filter(object_type="people.person", object_id=str(self.ada.pk))
            .order_by("seq")
            .values_list("action", "actor_label")
        )
        assert actions == [
            ("person.bank_change_requested", "council.hr"),
            ("person.bank_change_verified", "council.payroll"),
        ]
        requested = AuditEvent.objects.for_partner(self.council).get(action="person.bank_change_requested")
        assert requested.before == {"sort_code": "20-**-**", "bank_account": "****5678", "account_name": ""}
        assert requested.after == {
            "sort_code": "40-**-**",
            "bank_account": "****4321",
            "account_name": "A Lovelace",
            "change": change.pk,
        }

    def test_it_refuses_verification_by_the_person_who_asked(self) -> None:
        change = self.ask(self.council_hr)
        with pytest.raises(PermissionDenied, match=re.escape("A second person must verify this change")):
            bank_change_verify(actor=self.council_hr, change=change)
        assert fresh(self.ada).bank_account_number == "12345678"
        assert changes_of(self.ada) == [BankChangeStatus.PENDING]

    def test_it_refuses_verification_by_the_person_paid(self) -> None:
        change = self.ask(self.council_hr)
        with pytest.raises(
            PermissionDenied, match=re.escape("Nobody can verify a change to their own bank details")
        ):
            bank_change_verify(actor=self.council_employee, change=change)
        assert fresh(self.ada).bank_account_number == "12345678"

    def test_the_system_cannot_be_the_second_person(self) -> None:
        change = self.ask(self.council_employee)
        with pytest.raises(PermissionDenied, match=re.escape("the system cannot be the second person")):
            bank_change_verify(actor=SystemActor(reason="nightly job"), change=change)
        assert fresh(self.ada).bank_account_number == "12345678"
        assert changes_of(self.ada) == [BankChangeStatus.PENDING]

    def test_an_employee_asks_for_their_own_change_and_hr_verifies_it(self) -> None:
        change = self.ask(self.council_employee)
        bank_change_verify(actor=self.council_hr, change=change)
        assert fresh(self.ada).bank_account_number == "87654321"

    def test_it_refuses_an_officer_of_another_partner(self) -> None:
        change = self.ask(self.council_hr)
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied, match=re.escape("people.verify_bank_change")):
            bank_change_verify(actor=self.police_hr, change=change)
        with pytest.raises(PermissionDenied):
            self.ask(self.police_hr)
        with pytest.raises(PermissionDenied, match=re.escape("This partner does not employ this person.")):
            self.ask(self.police_hr, partner=self.police)
        assert fresh(self.ada).bank_account_number == "12345678"
        assert changes_of(self.ada) == [BankChangeStatus.PENDING]
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_it_refuses_a_second_change_while_one_waits(self) -> None:
        self.ask(self.council_hr)
        with pytest.raises(
            ValidationError, match=re.escape("A bank change is already waiting to be verified")
        ):
            self.ask(self.council_employee, account_number="11112222")
        assert changes_of(self.ada) == [BankChangeStatus.PENDING]

    def test_it_refuses_details_that_are_not_a_bank_account(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.ask(self.council_hr, sort_code="12", account_number="12345678")
        assert list(caught.value.message_dict) == ["bank_sort_code"]
        with pytest.raises(ValidationError, match=re.escape("These are the bank details already held.")):
            self.ask(self.council_hr, sort_code="20-00-00", account_number="12345678")
        assert changes_of(self.ada) == []

    def test_a_rejected_change_leaves_the_account_as_it_was(self) -> None:
        change = self.ask(self.council_employee)
        with pytest.raises(ValidationError, match=re.escape("Say why the change is rejected.")):
            bank_change_reject(actor=self.council_hr, change=change, note=" ")
        bank_change_reject(
            actor=self.council_hr, change=change, note="Could not reach her on the number held"
        )
        assert fresh(self.ada).bank_account_number == "12345678"
        assert changes_of(self.ada) == [BankChangeStatus.REJECTED]
        event = AuditEvent.objects.for_partner(self.council).get(action="person.bank_change_rejected")
        assert event.after == {"status": "rejected", "note": "Could not reach her on the number held"}
        with pytest.raises(ValidationError, match=re.escape("This change is already rejected.")):
            bank_change_verify(actor=self.council_payroll, change=change)

    def test_the_ordinary_details_form_cannot_change_bank_details(self) -> None:
        with pytest.raises(ValidationError) as caught:
            person_update(actor=self.council_hr, person=self.ada, changes={"bank_account_number": "87654321"})
        assert caught.value.message_dict == {
            "bank_account_number": ["Bank details change only when a second person verifies the change."]
        }
        assert fresh(self.ada).bank_account_number == "12345678"


class TestJobChanges(PeopleTestCase):
    def change(self, actor: Any, **overrides: Any) -> Employment:
        values: dict[str, Any] = {
            "employment": self.council_emp,
            "job_title": "Senior HR adviser",
            "org_unit": self.council_unit,
            "line_manager": self.shared_person_council,
            "effective_from": date(2026, 4, 1),
            "reason": "Promotion",
        }
        values.update(overrides)
        return employment_change_job(actor=actor, **values)

    def test_it_records_title_unit_and_a_dated_line_manager_in_one_event(self) -> None:
        self.change(self.council_hr)
        employment = Employment.objects.for_partner(self.council).get(pk=self.council_emp.pk)
        assert (employment.job_title, employment.org_unit_id) == ("Senior HR adviser", self.council_unit.pk)
        managers = list(
            EmploymentTerms.objects.for_partner(self.council)
            .filter(employment=employment)
            .order_by("effective_from")
            .values_list("effective_from", "line_manager_id")
        )
        assert managers == [(date(2022, 6, 1), None), (date(2026, 4, 1), self.shared_person_council.pk)]
        event = AuditEvent.objects.for_partner(self.council).get(action="employment.job_changed")
        # Hired into the HR adviser post, she started with its title and unit.
        assert event.before == {"job_title": "HR adviser", "line_manager": ""}
        assert event.after == {
            "job_title": "Senior HR adviser",
            "line_manager": "WCC000002",
            "effective_from": "2026-04-01",
            "reason": "Promotion",
        }

    def test_it_refuses_a_unit_or_manager_of_another_partner(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.change(self.council_hr, org_unit=self.police_unit, line_manager=self.police_emp)
        assert caught.value.message_dict == {
            "org_unit": ["Choose a unit of the same partner."],
            "line_manager": ["The line manager must be employed by the same partner."],
        }
        assert (
            Employment.objects.for_partner(self.council).get(pk=self.council_emp.pk).job_title == "HR adviser"
        )

    def test_it_refuses_hr_of_another_partner_and_changes_nothing(self) -> None:
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied):
            self.change(self.police_hr)
        assert (
            Employment.objects.for_partner(self.council).get(pk=self.council_emp.pk).job_title == "HR adviser"
        )
        assert (
            EmploymentTerms.objects.for_partner(self.council).filter(employment=self.council_emp).count() == 1
        )
        assert AuditEvent.objects.for_partner(self.council).count() == events


class TestOwnLeave(PeopleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        person = cls.council_emp.person
        person.user = cls.council_employee
        person.save()

    def request(self) -> Absence:
        return absence_request(
            actor=self.council_employee,
            employment=self.council_emp,
            kind="annual_leave",
            start_date=date(2026, 7, 6),
            end_date=date(2026, 7, 10),
        )

    def test_an_employee_cancels_their_own_request_while_it_waits(self) -> None:
        absence = absence_cancel_own(actor=self.council_employee, absence=self.request())
        assert absence.status == AbsenceStatus.CANCELLED
        event = AuditEvent.objects.for_partner(self.council).get(action="absence.cancelled")
        assert (event.before, event.after) == ({"status": "requested"}, {"status": "cancelled"})
        assert [a.status for a in selectors.own_absences(self.council_employee)] == ["cancelled"]

    def test_it_refuses_to_cancel_a_decided_request(self) -> None:
        absence = absence_decide(actor=self.council_hr, absence=self.request(), approve=True)
        with pytest.raises(ValidationError, match=re.escape("this one is approved")):
            absence_cancel_own(actor=self.council_employee, absence=absence)
        assert Absence.objects.for_partner(self.council).get(pk=absence.pk).status == AbsenceStatus.APPROVED

    def test_it_refuses_to_cancel_someone_elses_request(self) -> None:
        absence = self.request()
        with pytest.raises(PermissionDenied, match=re.escape("You can only cancel your own leave requests.")):
            absence_cancel_own(actor=self.council_hr, absence=absence)
        assert Absence.objects.for_partner(self.council).get(pk=absence.pk).status == AbsenceStatus.REQUESTED


class TestPersonHistory(PeopleTestCase):
    def test_hr_reads_the_history_of_the_people_they_manage_without_the_audit_trail(self) -> None:
        mary = self.shared_person_council.person
        person_update(actor=self.shared_hr, person=mary, changes={"town": "Winchester"})
        employments = [self.shared_person_council, self.shared_person_police]
        seen = person_history(self.council_hr, person=mary, employments=employments)
        assert seen is not None
        assert [(e.action, e.partner_id) for e in seen] == [
            ("person.updated", self.council.pk),
            ("employment.started", self.council.pk),
        ]
        assert (seen[0].before, seen[0].after) == ({"town": ""}, {"town": "Winchester"})

    def test_it_shows_no_history_to_those_without_the_right(self) -> None:
        employments = [self.council_emp]
        assert person_history(self.police_hr, person=self.council_emp.person, employments=employments) is None
        assert person_history(self.union_rep, person=self.council_emp.person, employments=employments) is None
