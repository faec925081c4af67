"""The forms for each change to people, the TUPE transfer pages and the spreadsheet import:
each renders for the right user, does its change on a valid post, shows every problem on an
invalid one and changes nothing, and refuses (403, or 404 for another partner's object) with
nothing changed."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from joinedup.audit.models import AuditEvent
from joinedup.core import tabular
from joinedup.partnership.models import Role
from joinedup.people import imports as people_imports
from joinedup.people.imports import EMPLOYMENT_COLUMNS, POST_COLUMNS, import_employments
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    CostSplit,
    Employment,
    Person,
    Post,
    PostHolding,
    Secondment,
    TupeTransfer,
)
from joinedup.people.services import employment_change_terms, person_update
from joinedup.testing.people import PeopleTestCase


def employments(partner: Any) -> list[str]:
    return sorted(Employment.objects.for_partner(partner).values_list("payroll_number", flat=True))


def people_count() -> int:
    return Person.objects.unscoped(reason="test: count everyone").count()


def error_beside(page: str, field: str, message: str) -> bool:
    """The message is in the error summary, linked to the field, and beside the field."""
    linked = f'<a href="#id_{field}">{message}</a>' in page
    beside = f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in page
    return linked and beside


class TestHirePage(PeopleTestCase):
    def form(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "given_name": "Katherine",
            "family_name": "Johnson",
            "date_of_birth": "1990-08-26",
            "ni_number": "jk 44 55 66 a",
            "postcode": "so23 8uj",
            "bank_sort_code": "20-00-00",
            "bank_account_number": "55554444",
            "payroll_number": "WCC000500",
            "start_date": "2026-04-01",
            "continuous_service_date": "",
            "contract_type": "permanent",
            "post": self.council_post.pk,
            "scheme": self.scheme.pk,
            "pay_point": self.scp25.pk,
            "fte": "0.8",
            "weekly_hours": "29.6",
            "pay_frequency": "monthly",
            "pension_scheme": "lgps_main",
            "tax_code": "1257L",
            "ni_category": "A",
            "student_loan_plans": "2;PG",
        }
        data.update(overrides)
        return data

    def test_an_hr_officer_sees_a_labelled_form_offering_their_partners_posts(self) -> None:
        response = self.signed_in(self.council_hr).get("/people/new")
        page = response.content.decode()
        assert response.status_code == 200
        assert '<label class="govuk-label" for="id_given_name">Given name</label>' in page
        assert '<label class="govuk-label" for="id_pay_point">Pay point</label>' in page
        assert "Test Green Book / SCP12" in page
        assert "C-HR-01 HR adviser" in page
        assert "P-FIN-01" not in page

    def test_an_hr_officer_hires_a_new_starter(self) -> None:
        client = self.signed_in(self.council_hr)
        response = client.post("/people/new", self.form())
        hired = Employment.objects.for_partner(self.council).get(payroll_number="WCC000500")
        assert response.status_code == 302
        assert response["Location"] == f"/people/{hired.person_id}"
        assert (hired.person.full_name, hired.person.ni_number, hired.person.postcode) == (
            "Katherine Johnson",
            "JK445566A",
            "SO23 8UJ",
        )
        terms = hired.terms.for_partner(self.council).get()
        assert (terms.pay_point, terms.fte, terms.student_loan_plans) == (self.scp25, Decimal("0.8"), "2;PG")
        assert [h.post for h in hired.post_holdings.for_partner(self.council)] == [self.council_post]
        page = client.get(response["Location"]).content.decode()
        assert "Katherine Johnson starts with Wessex County Council on 1 April 2026" in page

    def test_a_shared_hr_officer_hires_for_the_partner_they_are_working_for(self) -> None:
        client = self.signed_in(self.shared_hr)
        client.post("/partner", {"partner": self.police.pk})
        response = client.post("/people/new", self.form(payroll_number="WPOL000500", post=""))
        assert response.status_code == 302
        assert "WPOL000500" in employments(self.police)
        assert "WPOL000500" not in employments(self.council)

    def test_a_hire_with_problems_shows_every_one_and_creates_nothing(self) -> None:
        before = (people_count(), employments(self.council))
        response = self.signed_in(self.council_hr).post(
            "/people/new",
            self.form(
                ni_number="QQ 12 34 56",
                payroll_number="WCC000001",
                fte="1.5",
                tax_code="XYZ",
            ),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        # The service's rules, mapped back onto the form: every one at once.
        assert error_beside(
            page, "payroll_number", "Payroll number WCC000001 is already used by Wessex County Council."
        )
        assert error_beside(page, "fte", "FTE must be more than 0 and at most 1.")
        assert '<a href="#id_ni_number">' in page
        assert '<a href="#id_tax_code">' in page
        assert (people_count(), employments(self.council)) == before

    def test_a_date_is_typed_year_first_and_nothing_else_is_guessed(self) -> None:
        before = employments(self.council)
        response = self.signed_in(self.council_hr).post("/people/new", self.form(start_date="04/01/2026"))
        page = response.content.decode()
        assert error_beside(
            page, "start_date", "Enter the start date as a date, year first, like 2026-04-01."
        )
        assert employments(self.council) == before

    def test_an_empty_form_says_what_is_missing(self) -> None:
        page = self.signed_in(self.council_hr).post("/people/new", {}).content.decode()
        assert error_beside(page, "given_name", "Enter the given name.")
        assert error_beside(page, "family_name", "Enter the family name.")
        assert error_beside(page, "date_of_birth", "Enter the date of birth.")
        assert error_beside(page, "ni_number", "Enter the National Insurance number.")
        assert error_beside(page, "pay_point", "Choose the pay point.")

    def test_a_service_admin_may_not_hire_and_nothing_changes(self) -> None:
        before = (people_count(), employments(self.council))
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.council.pk})
        assert client.get("/people/new").status_code == 403
        response = client.post("/people/new", self.form())
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()
        assert (people_count(), employments(self.council)) == before


class TestEndEmploymentPage(PeopleTestCase):
    def url(self, employment: Employment | None = None) -> str:
        return f"/employments/{(employment or self.council_emp).pk}/end"

    def test_an_hr_officer_sees_the_form(self) -> None:
        page = self.signed_in(self.council_hr).get(self.url()).content.decode()
        assert '<label class="govuk-label" for="id_end_date">Last day of employment</label>' in page
        assert "Ada Lovelace, Wessex County Council WCC000001" in page

    def test_an_hr_officer_records_a_leaver(self) -> None:
        client = self.signed_in(self.council_hr)
        response = client.post(self.url(), {"end_date": "2026-06-30", "reason": "Resigned"})
        assert response.status_code == 302
        assert response["Location"] == f"/people/{self.council_emp.person_id}"
        self.council_emp.refresh_from_db()
        assert (self.council_emp.end_date, self.council_emp.end_reason) == (date(2026, 6, 30), "Resigned")
        holding = PostHolding.objects.for_partner(self.council).get(employment=self.council_emp)
        assert holding.end_date == date(2026, 6, 30)
        assert "Ada Lovelace leaves Wessex County Council on 30 June 2026." in client.get(
            response["Location"]
        ).content.decode("utf-8")

    def test_a_leaving_date_before_the_start_is_refused_and_nothing_changes(self) -> None:
        response = self.signed_in(self.council_hr).post(self.url(), {"end_date": "2020-01-31", "reason": ""})
        page = response.content.decode()
        assert response.status_code == 200
        assert error_beside(page, "reason", "Enter the reason for leaving.")
        response = self.signed_in(self.council_hr).post(
            self.url(), {"end_date": "2020-01-31", "reason": "Left"}
        )
        assert error_beside(response.content.decode(), "end_date", "The end date is before the start date.")
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None

    def test_another_partners_employment_is_not_found_and_nothing_changes(self) -> None:
        client = self.signed_in(self.police_hr)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), {"end_date": "2026-06-30", "reason": "Resigned"}).status_code == 404
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None

    def test_a_service_admin_may_see_but_not_end_an_employment(self) -> None:
        client = self.signed_in(self.ops_admin)
        assert client.get(self.url()).status_code == 403
        assert client.post(self.url(), {"end_date": "2026-06-30", "reason": "Resigned"}).status_code == 403
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None


class TestSicknessPage(PeopleTestCase):
    FORM = {"start_date": "2026-11-02", "end_date": "2026-11-04", "notes": "Flu", "fit_note_from": ""}

    def url(self) -> str:
        return f"/employments/{self.council_emp.pk}/sickness"

    def sickness(self) -> list[tuple[date, date]]:
        found = Absence.objects.for_partner(self.council).filter(kind=AbsenceKind.SICKNESS)
        return list(found.values_list("start_date", "end_date"))

    def make_manager(self) -> None:
        """Makes the council_employee user Ada's line manager, through an employment of their own."""
        manager = self.hire(self.council, "Maggie", "Manager", "AA222222B", "WCC000099")
        manager.person.user = self.council_employee
        manager.person.save()
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2024, 1, 1),
            reason="New manager",
            changes={"line_manager": manager},
        )

    def test_an_hr_officer_records_sickness(self) -> None:
        client = self.signed_in(self.council_hr)
        assert '<label class="govuk-label" for="id_fit_note_from">' in client.get(self.url()).content.decode()
        response = client.post(
            self.url(), {**self.FORM, "fit_note_from": "2026-11-02", "fit_note_to": "2026-11-09"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/people/{self.council_emp.person_id}"
        absence = Absence.objects.for_partner(self.council).get(employment=self.council_emp)
        assert (absence.start_date, absence.end_date, absence.working_days) == (
            date(2026, 11, 2),
            date(2026, 11, 4),
            Decimal(3),
        )
        assert (absence.fit_note_from, absence.fit_note_to, absence.notes) == (
            date(2026, 11, 2),
            date(2026, 11, 9),
            "Flu",
        )

    def test_the_line_manager_records_sickness_for_their_report(self) -> None:
        self.make_manager()
        client = self.signed_in(self.council_employee)
        page = client.get(self.url()).content.decode()
        assert "Record sickness absence" in page
        assert "Back to your team" in page
        response = client.post(self.url(), self.FORM)
        assert response.status_code == 302
        assert response["Location"] == "/team"
        assert self.sickness() == [(date(2026, 11, 2), date(2026, 11, 4))]

    def test_wrong_dates_are_refused_and_nothing_is_recorded(self) -> None:
        response = self.signed_in(self.council_hr).post(
            self.url(), {**self.FORM, "end_date": "2026-11-01", "fit_note_from": "2026-11-02"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert error_beside(page, "end_date", "The absence ends before it starts.")
        assert error_beside(page, "fit_note_to", "Give both dates of the fit note.")
        assert self.sickness() == []

    def test_an_employee_who_is_not_the_manager_cannot_find_a_colleague(self) -> None:
        client = self.signed_in(self.council_employee)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), self.FORM).status_code == 404
        assert self.sickness() == []

    def test_another_partners_hr_cannot_find_the_employment(self) -> None:
        assert self.signed_in(self.police_hr).post(self.url(), self.FORM).status_code == 404
        assert self.sickness() == []

    def test_a_service_admin_who_is_not_the_manager_is_refused_by_the_service(self) -> None:
        response = self.signed_in(self.ops_admin).post(self.url(), self.FORM)
        assert response.status_code == 403
        assert self.sickness() == []


class TestCostSplitPage(PeopleTestCase):
    def url(self) -> str:
        return f"/employments/{self.council_emp.pk}/cost-split"

    def splits(self) -> list[tuple[date, list[tuple[str, Decimal]]]]:
        return [
            (s.effective_from, sorted((x.charged_partner.code, x.percent) for x in s.shares.all()))
            for s in CostSplit.objects.for_partner(self.council).filter(employment=self.council_emp)
        ]

    def test_the_form_starts_with_the_employer_as_the_first_share(self) -> None:
        page = self.signed_in(self.council_hr).get(self.url()).content.decode()
        assert '<label class="govuk-label" for="id_partner_1">Partner 1</label>' in page
        assert f'<option value="{self.council.pk}" selected>Wessex County Council</option>' in page
        assert '<label class="govuk-label" for="id_percent_4">Share 4 (%)</label>' in page

    def test_an_hr_officer_shares_a_post_50_50(self) -> None:
        response = self.signed_in(self.shared_hr).post(
            self.url(),
            {
                "effective_from": "2026-04-01",
                "effective_to": "2027-03-31",
                "reason": "Joint head of HR",
                "partner_1": self.council.pk,
                "percent_1": "50",
                "partner_2": self.police.pk,
                "percent_2": "50",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == f"/people/{self.council_emp.person_id}"
        assert self.splits() == [(date(2026, 4, 1), [("WCC", Decimal(50)), ("WPOL", Decimal(50))])]

    def test_shares_that_do_not_add_up_are_refused_and_nothing_is_split(self) -> None:
        form = {
            "effective_from": "2026-04-01",
            "reason": "Joint head of HR",
            "partner_1": self.council.pk,
            "percent_1": "60",
            "partner_2": self.police.pk,
            "percent_2": "30",
        }
        page = self.signed_in(self.council_hr).post(self.url(), form).content.decode()
        assert "There is a problem" in page
        assert error_beside(page, "shares", "The shares add up to 90%, not 100%.")
        page = self.signed_in(self.council_hr).post(self.url(), {**form, "percent_2": ""}).content.decode()
        assert error_beside(page, "percent_2", "Enter Wessex Constabulary&#x27;s share.")
        assert self.splits() == []

    def test_another_partners_hr_cannot_find_it_and_a_service_admin_cannot_change_it(self) -> None:
        form = {
            "effective_from": "2026-04-01",
            "reason": "x",
            "partner_1": self.council.pk,
            "percent_1": "100",
        }
        assert self.signed_in(self.police_hr).post(self.url(), form).status_code == 404
        assert self.signed_in(self.ops_admin).get(self.url()).status_code == 403
        assert self.signed_in(self.ops_admin).post(self.url(), form).status_code == 403
        assert self.splits() == []


class TestSecondmentPage(PeopleTestCase):
    FORM = {
        "role_title": "Interim finance lead",
        "start_date": "2026-09-01",
        "end_date": "2027-02-28",
        "recharge_percent": "75",
    }

    def url(self) -> str:
        return f"/employments/{self.council_emp.pk}/secondment"

    def secondments(self) -> list[tuple[str, str, Decimal]]:
        found = Secondment.objects.for_partner(self.council).filter(employment=self.council_emp)
        return [(s.host_partner.code, s.role_title, s.recharge_percent) for s in found]

    def test_the_hosts_offered_are_the_other_active_partners(self) -> None:
        page = self.signed_in(self.council_hr).get(self.url()).content.decode()
        assert '<label class="govuk-label" for="id_host_partner">Host partner</label>' in page
        assert f'<option value="{self.police.pk}">Wessex Constabulary</option>' in page
        assert f'<option value="{self.council.pk}"' not in page

    def test_an_hr_officer_seconds_someone_to_the_police(self) -> None:
        response = self.signed_in(self.council_hr).post(
            self.url(), {**self.FORM, "host_partner": self.police.pk}
        )
        assert response.status_code == 302
        assert self.secondments() == [("WPOL", "Interim finance lead", Decimal(75))]

    def test_a_secondment_that_ends_before_it_starts_is_refused(self) -> None:
        response = self.signed_in(self.council_hr).post(
            self.url(),
            {**self.FORM, "host_partner": self.police.pk, "end_date": "2026-08-01", "role_title": ""},
        )
        page = response.content.decode()
        assert error_beside(page, "role_title", "Enter the role at the host.")
        response = self.signed_in(self.council_hr).post(
            self.url(), {**self.FORM, "host_partner": self.police.pk, "end_date": "2026-08-01"}
        )
        assert error_beside(response.content.decode(), "end_date", "The secondment ends before it starts.")
        assert self.secondments() == []

    def test_the_employer_cannot_be_the_host(self) -> None:
        page = (
            self.signed_in(self.council_hr)
            .post(self.url(), {**self.FORM, "host_partner": self.council.pk})
            .content.decode()
        )
        assert error_beside(page, "host_partner", "Choose the host partner from the list.")
        assert self.secondments() == []

    def test_another_partners_hr_cannot_find_it_and_a_service_admin_cannot_change_it(self) -> None:
        form = {**self.FORM, "host_partner": self.police.pk}
        assert self.signed_in(self.police_hr).get(self.url()).status_code == 404
        assert self.signed_in(self.police_hr).post(self.url(), form).status_code == 404
        assert self.signed_in(self.ops_admin).post(self.url(), form).status_code == 403
        assert self.secondments() == []


class TestTransferPages(PeopleTestCase):
    def form(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "to_partner": self.police.pk,
            "transfer_date": "2026-10-01",
            "reference": "TUPE-2026-01",
            "measures": "None envisaged",
            "employments": [self.council_emp.pk],
        }
        data.update(overrides)
        return data

    def on_council(self, user: Any) -> Client:
        client = self.signed_in(user)
        client.post("/partner", {"partner": self.council.pk})
        return client

    def state(self) -> tuple[int, list[str], list[str]]:
        return (
            TupeTransfer.objects.for_partner(self.council).count(),
            employments(self.council),
            employments(self.police),
        )

    def test_the_form_lists_the_current_partners_open_employments(self) -> None:
        page = self.on_council(self.shared_hr).get("/transfers/new").content.decode()
        assert '<label class="govuk-label govuk-checkboxes__label" for="employment-' in page
        assert "WCC000001 Ada Lovelace" in page
        assert "C-HR-01 HR adviser" in page
        assert "WCC000002 Mary Seacole" in page
        assert "WPOL000001" not in page
        assert '<label class="govuk-label" for="id_to_partner">New employer</label>' in page

    def test_the_list_filters_by_payroll_number_and_by_unit(self) -> None:
        client = self.on_council(self.shared_hr)
        page = client.get("/transfers/new", {"q": "wcc000002"}).content.decode()
        assert "WCC000002 Mary Seacole" in page
        assert "Ada Lovelace" not in page
        page = client.get("/transfers/new", {"unit": self.council_unit.pk}).content.decode()
        assert "WCC000001 Ada Lovelace" in page
        assert "Mary Seacole" not in page

    def test_an_hr_officer_at_both_partners_transfers_staff_and_both_see_the_transfer(self) -> None:
        client = self.on_council(self.shared_hr)
        response = client.post("/transfers/new", self.form())
        transfer = TupeTransfer.objects.for_partner(self.council).get()
        assert response.status_code == 302
        assert response["Location"] == f"/transfers/{transfer.pk}"
        assert transfer.reference == "TUPE-2026-01" and transfer.to_partner == self.police
        moved = Employment.objects.for_partner(self.police).get(payroll_number="WCC000001")
        assert (moved.start_date, moved.transferred_from) == (date(2026, 10, 1), self.council_emp)
        page = client.get(response["Location"]).content.decode()
        assert "1 employment transferred to Wessex Constabulary on 1 October 2026." in page
        for user in (self.council_hr, self.police_hr):
            page = self.signed_in(user).get(f"/transfers/{transfer.pk}").content.decode()
            assert "1 employment moved" in page
            assert re.search(
                r"Ada Lovelace</a></td>\s*<td[^>]*>WCC000001</td>\s*<td[^>]*>WCC000001</td>", page
            )
        fire_hr = self.make_user("fire.hr", [(self.fire, Role.HR_OFFICER)])
        assert self.signed_in(fire_hr).get(f"/transfers/{transfer.pk}").status_code == 404

    def test_all_that_match_the_filter_can_move_at_once(self) -> None:
        client = self.on_council(self.shared_hr)
        response = client.post(
            f"/transfers/new?unit={self.council_unit.pk}", self.form(employments=[], all_matching="on")
        )
        assert response.status_code == 302
        assert employments(self.police) == ["WCC000001", "WPOL000001", "WPOL000002"]
        assert employments(self.council) == ["WCC000001", "WCC000002"]  # the old one stays, ended

    def test_a_transfer_of_nobody_is_refused_and_nothing_changes(self) -> None:
        before = self.state()
        page = (
            self.on_council(self.shared_hr).post("/transfers/new", self.form(employments=[])).content.decode()
        )
        assert "There is a problem" in page
        assert error_beside(page, "employments", "Choose the employments that transfer.")
        page = (
            self.on_council(self.shared_hr).post("/transfers/new", self.form(reference="")).content.decode()
        )
        assert error_beside(page, "reference", "Enter the reference.")
        assert (
            'checked>\n            <label class="govuk-label govuk-checkboxes__label" for="employment-'
            in page
        )
        assert self.state() == before

    def test_an_hr_officer_cannot_transfer_to_a_partner_where_they_hold_no_hr_role(self) -> None:
        before = self.state()
        client = self.signed_in(self.council_hr)
        page = client.get("/transfers/new").content.decode()
        assert "You can transfer staff only to a partner where you are also an HR officer" in page
        page = client.post("/transfers/new", self.form()).content.decode()
        assert error_beside(page, "to_partner", "Choose the new employer from the list.")
        assert self.state() == before

    def test_a_service_admin_is_refused_and_nothing_changes(self) -> None:
        before = self.state()
        client = self.on_council(self.ops_admin)
        assert client.get("/transfers/new").status_code == 403
        assert client.post("/transfers/new", self.form()).status_code == 403
        assert self.state() == before


HEADER = ",".join(EMPLOYMENT_COLUMNS.names[:10]) + "\n"
GOOD = [
    "WCC000101,Ivy,Walker,1991-07-01,AA123456A,2026-04-01,njc-test,SCP5,1,37",
    "WCC000102,Leo,Green,1979-01-31,AA123457B,2026-04-01,njc-test,SCP12,0.5,18.5",
    "WCC000103,Mary,Seacole,1985-03-14,JM112233D,2026-05-01,njc-test,SCP25,0.6,22.2",
]
BAD = [
    GOOD[0],
    "WCC000102,Leo,Green,1979-02-30,AA123457B,2026-04-01,njc-test,SCP99,2,18.5",
    "WCC000001,Ann,Other,1980-01-01,QQ123456C,2026-04-01,nope,SCP5,1,37",
]


def upload(rows: list[str], name: str = "starters.csv", header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + "".join(r + "\n" for r in rows)).encode(), "text/csv")


class TestImportPages(PeopleTestCase):
    def state(self) -> tuple[int, list[str], int]:
        imported = AuditEvent.objects.for_partner(self.council).filter(action="employment.imported").count()
        return people_count(), employments(self.council), imported

    def test_an_hr_officer_sees_the_upload_form_and_the_templates(self) -> None:
        page = self.signed_in(self.council_hr).get("/people/import").content.decode()
        assert '<label class="govuk-label govuk-label--m" for="id_file">Upload a file</label>' in page
        assert (
            '<label class="govuk-label govuk-checkboxes__label" for="id_dry_run">Check only (dry run)</label>'
            in page
        )
        assert 'href="/people/import/templates/employments.csv"' in page
        assert 'href="/people/import/templates/posts.xlsx"' in page

    def test_a_clean_file_imports(self) -> None:
        client = self.signed_in(self.council_hr)
        response = client.post("/people/import", {"kind": "employments", "file": upload(GOOD)})
        assert response.status_code == 302
        assert response["Location"] == "/people/import/report"
        assert employments(self.council) == ["WCC000001", "WCC000002", "WCC000101", "WCC000102", "WCC000103"]
        page = client.get(response["Location"]).content.decode()
        summary = "3 row(s) of starters.csv are valid; created 2 people, 3 employments."
        assert page.count(summary) == 2  # the success banner, and the report itself

    def test_an_excel_file_imports_too(self) -> None:
        workbook = io.BytesIO()
        tabular.write_xlsx([row.split(",") for row in GOOD], HEADER.strip().split(","), workbook)
        xlsx = SimpleUploadedFile("starters.xlsx", workbook.getvalue(), "application/octet-stream")
        response = self.signed_in(self.council_hr).post(
            "/people/import", {"kind": "employments", "file": xlsx}
        )
        assert response.status_code == 302
        assert employments(self.council) == ["WCC000001", "WCC000002", "WCC000101", "WCC000102", "WCC000103"]

    def test_a_bad_file_shows_every_problem_and_imports_nothing(self) -> None:
        before = self.state()
        client = self.signed_in(self.council_hr)
        response = client.post("/people/import", {"kind": "employments", "file": upload(BAD)}, follow=True)
        page = response.content.decode()
        expected = import_employments(
            actor=self.council_hr,
            partner=self.council,
            source=upload(BAD).read(),
            filename="x.csv",
            dry_run=True,
        ).errors
        assert len(expected) >= 6
        assert "There is a problem" in page
        assert f"{len(expected)} problems" in page
        cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', page, flags=re.S)
        shown = [tuple(cells[i : i + 4]) for i in range(0, len(cells), 4)]
        assert shown == [(str(e.row), e.column, escape(e.value), escape(e.reason)) for e in expected]
        assert 'href="/people/import/problems.csv"' in page
        assert self.state() == before

    def test_the_problems_download_as_csv(self) -> None:
        client = self.signed_in(self.council_hr)
        client.post("/people/import", {"kind": "employments", "file": upload(BAD)})
        response = client.get("/people/import/problems.csv")
        expected = import_employments(
            actor=self.council_hr,
            partner=self.council,
            source=upload(BAD).read(),
            filename="x.csv",
            dry_run=True,
        ).errors
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="starters-problems.csv"'
        assert response.content.decode("utf-8") == tabular.errors_as_csv(expected)

    def test_a_dry_run_reports_what_it_would_create_and_changes_nothing(self) -> None:
        before = self.state()
        client = self.signed_in(self.council_hr)
        response = client.post(
            "/people/import", {"kind": "employments", "file": upload(GOOD), "dry_run": "on"}, follow=True
        )
        page = response.content.decode()
        assert "3 row(s) of starters.csv are valid; would create 2 people, 3 employments." in page
        assert "nothing has been imported" in page
        assert self.state() == before

    def test_a_clean_posts_file_imports_posts(self) -> None:
        posts = (
            "code,title,org_unit_code,org_unit_name,scheme,grade_min,grade_max,budgeted_fte,cost_centre,start_date\n"
            "C-PAY-01,Payroll officer,PAY,Payroll,njc-test,SCP5,SCP12,3,R100,2026-04-01\n"
        )
        response = self.signed_in(self.council_hr).post(
            "/people/import",
            {"kind": "posts", "file": upload([], name="posts.csv", header=posts)},
            follow=True,
        )
        assert "created 1 org units, 1 posts" in response.content.decode()
        assert sorted(Post.objects.for_partner(self.council).values_list("code", flat=True)) == [
            "C-HR-01",
            "C-PAY-01",
        ]

    def test_more_than_200_problems_are_paginated(self) -> None:
        rows = [
            f"WCC{n:06d},A,B,1990-01-01,AA{n:06d}A,2026-04-01,njc-test,SCP5,1,99999" for n in range(200, 450)
        ]
        client = self.signed_in(self.council_hr)
        first = client.post("/people/import", {"kind": "employments", "file": upload(rows)}, follow=True)
        page = first.content.decode()
        assert "250 problems, 1 to 200 shown" in page
        assert "Page 1 of 2" in page
        second = client.get("/people/import/report", {"page": 2}).content.decode()
        assert "250 problems, 201 to 250 shown" in second
        assert second.count("weekly_hours</td>") == 50

    def test_a_file_over_the_size_limit_is_refused_with_a_clear_error(self) -> None:
        before = self.state()
        with mock.patch.object(people_imports, "MAX_BYTES", 1024 * 1024):
            big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1), "text/csv")
            response = self.signed_in(self.council_hr).post(
                "/people/import", {"kind": "employments", "file": big}
            )
        page = response.content.decode()
        assert response.status_code == 200
        assert error_beside(
            page, "file", "The selected file must be smaller than 1 MB: split it into smaller files."
        )
        assert self.state() == before

    def test_no_file_says_to_choose_one(self) -> None:
        page = (
            self.signed_in(self.council_hr).post("/people/import", {"kind": "employments"}).content.decode()
        )
        assert error_beside(page, "file", "Choose a CSV or Excel (XLSX) file to upload.")

    def test_the_templates_download(self) -> None:
        client = self.signed_in(self.council_hr)
        csv = client.get("/people/import/templates/employments.csv")
        assert csv["Content-Disposition"] == 'attachment; filename="employments-template.csv"'
        assert csv.content.decode("utf-8-sig").splitlines()[0] == ",".join(EMPLOYMENT_COLUMNS.names)
        xlsx = client.get("/people/import/templates/posts.xlsx")
        assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert xlsx.content[:2] == b"PK"  # a zip: an XLSX workbook
        assert len(xlsx.content) == len(tabular.template(POST_COLUMNS, "xlsx"))
        assert client.get("/people/import/templates/payslips.csv").status_code == 404

    def test_a_service_admin_may_not_import_and_nothing_changes(self) -> None:
        before = self.state()
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.council.pk})
        assert client.get("/people/import").status_code == 403
        response = client.post("/people/import", {"kind": "employments", "file": upload(GOOD)})
        assert response.status_code == 403
        assert self.state() == before

    def test_without_a_report_the_report_page_leads_to_the_upload(self) -> None:
        client = self.signed_in(self.council_hr)
        response = client.get("/people/import/report")
        assert response.status_code == 302
        assert response["Location"] == "/people/import"
        assert client.get("/people/import/problems.csv").status_code == 404


class TestLinksToTheForms(PeopleTestCase):
    def test_an_hr_officer_finds_each_change_on_the_person_page(self) -> None:
        page = self.signed_in(self.council_hr).get(f"/people/{self.council_emp.person_id}").content.decode()
        for path in ("end", "sickness", "cost-split", "secondment", "terms/new"):
            assert f'href="/employments/{self.council_emp.pk}/{path}"' in page

    def test_a_service_admin_sees_the_record_without_the_change_links(self) -> None:
        page = self.signed_in(self.ops_admin).get(f"/people/{self.council_emp.person_id}").content.decode()
        assert "Ada Lovelace" in page
        assert f"/employments/{self.council_emp.pk}/" not in page

    def test_the_establishment_and_search_pages_link_to_hire_import_and_transfer(self) -> None:
        client = self.signed_in(self.council_hr)
        for url in ("/establishment", "/people"):
            page = client.get(url).content.decode()
            assert 'href="/people/new"' in page
            assert 'href="/people/import' in page
            assert 'href="/transfers/new"' in page
        admin = self.signed_in(self.ops_admin)
        for url in ("/establishment", "/people"):
            assert 'href="/people/new"' not in admin.get(url).content.decode()


class TestPersonHistory(PeopleTestCase):
    """The History tab is the audit trail of the person and their employments: shown to those
    who hold audit.view or, for HR, people.view_history on the employing partner, read in one
    query for all the employments."""

    def test_an_hr_officer_sees_the_history_with_before_and_after_values(self) -> None:
        person = self.council_emp.person
        person_update(actor=self.shared_hr, person=person, changes={"town": "Winchester"})
        page = self.signed_in(self.council_hr).get(f"/people/{person.pk}").content.decode()
        history = page.split('id="history"', 1)[1]
        assert "person.updated" in history and "employment.started" in history
        assert '<td class="govuk-table__cell">town: </td>' in history
        assert '<td class="govuk-table__cell">town: Winchester</td>' in history

    def test_a_payroll_officer_reads_the_record_without_its_history(self) -> None:
        payroll = self.make_user("council.payroll", [(self.council, Role.PAYROLL_OFFICER)])
        page = self.signed_in(payroll).get(f"/people/{self.council_emp.person_id}").content.decode()
        assert "Ada Lovelace" in page
        assert 'href="#history"' not in page
        assert 'id="history"' not in page
        assert "employment.started" not in page

    def test_a_service_admin_sees_both_employments_history_read_in_one_query(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        person_id = self.shared_person_council.person_id
        client = self.signed_in(self.ops_admin)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/people/{person_id}").content.decode()
        table = AuditEvent._meta.db_table
        assert sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries) == 1
        history = page.split('id="history"', 1)[1]
        assert history.count("employment.started") == 2  # one per partner employing Mary Seacole


class TestLeaveRequests(PeopleTestCase):
    """An employee asks for leave from one of their own current employments (people.services.
    absence_request_own): the one they choose, never another one in its place."""

    def setUp(self) -> None:
        self.mary = self.make_user(
            "mary.seacole", [(self.council, Role.EMPLOYEE), (self.police, Role.EMPLOYEE)]
        )
        person = self.shared_person_council.person
        person.user = self.mary
        person.save(update_fields=["user"])
        self.leave = {"kind": "annual_leave", "start_date": "2026-11-02", "end_date": "2026-11-03"}

    def requested(self) -> list[tuple[int, str]]:
        return sorted(
            Absence.objects.unscoped(reason="test")
            .filter(employment__person__user=self.mary)
            .values_list("employment_id", "status")
        )

    def test_the_employee_requests_leave_from_the_employment_they_choose(self) -> None:
        police = self.shared_person_police
        response = self.signed_in(self.mary).post("/me", {**self.leave, "employment": police.pk})
        assert response.status_code == 302
        assert self.requested() == [(police.pk, "requested")]

    def test_leave_for_someone_elses_employment_is_refused_and_nothing_is_requested(self) -> None:
        page = (
            self.signed_in(self.mary)
            .post("/me", {**self.leave, "employment": self.council_emp.pk})
            .content.decode()
        )
        assert "Choose one of your current employments for the leave." in page
        assert self.requested() == []
        assert not Absence.objects.for_partner(self.council).filter(employment=self.council_emp).exists()

    def test_leave_for_an_employment_id_that_matches_nothing_is_refused(self) -> None:
        page = self.signed_in(self.mary).post("/me", {**self.leave, "employment": "abc"}).content.decode()
        assert "Choose one of your current employments for the leave." in page
        assert self.requested() == []

    def test_with_two_employments_the_employee_must_choose_one(self) -> None:
        page = self.signed_in(self.mary).post("/me", self.leave).content.decode()
        assert "Choose which of your employments the leave is from." in page
        assert self.requested() == []


class TestEstablishmentList(PeopleTestCase):
    def vacancy(self) -> Any:
        return self.make_post(self.council, self.council_unit, "C-HR-02", "HR assistant", Decimal(1))

    def test_filtering_vacant_posts_narrows_the_list_and_the_csv_holds_exactly_those(self) -> None:
        self.vacancy()
        client = self.signed_in(self.council_hr)
        page = client.get("/establishment", {"status": "vacant"})
        assert [p.code for p in page.context["page"]] == ["C-HR-02"]
        assert "Wessex County Council: 1 post" in page.content.decode()
        csv = client.get("/establishment", {"status": "vacant", "format": "csv"})
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "post,title,unit,cost_centre,budgeted_fte,filled_fte,vacant_fte,status"
        (row,) = [line.split(",") for line in lines[1:]]
        assert (row[0], row[1], row[2], row[3], row[7]) == (
            "C-HR-02",
            "HR assistant",
            "Council HR",
            "CC-C-HR-02",
            "vacant",
        )
        assert (Decimal(row[4]), Decimal(row[5]), Decimal(row[6])) == (Decimal(1), Decimal(0), Decimal(1))

    def test_a_post_is_found_by_its_title_and_part_filled_posts_by_status(self) -> None:
        self.vacancy()
        client = self.signed_in(self.council_hr)
        found = client.get("/establishment", {"search": "adviser"}).context["page"]
        assert [(p.code, p.fill_status) for p in found] == [("C-HR-01", "part filled")]
        part = client.get("/establishment", {"status": "part filled"}).context["page"]
        assert [p.code for p in part] == ["C-HR-01"]

    def test_posts_sort_by_budgeted_fte_both_ways(self) -> None:
        self.vacancy()
        client = self.signed_in(self.council_hr)
        up = client.get("/establishment", {"sort": "budgeted", "order": "asc"}).context["page"]
        assert [p.code for p in up] == ["C-HR-02", "C-HR-01"]
        down = client.get("/establishment", {"sort": "budgeted", "order": "desc"}).context["page"]
        assert [p.code for p in down] == ["C-HR-01", "C-HR-02"]

    def test_another_partners_hr_officer_lists_and_downloads_none_of_our_posts(self) -> None:
        client = self.signed_in(self.police_hr)
        posts = Post.objects.for_partner(self.council).count()
        assert [p.code for p in client.get("/establishment").context["page"]] == ["P-FIN-01"]
        csv = client.get("/establishment", {"search": "C-HR", "format": "csv"})
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "post,title,unit,cost_centre,budgeted_fte,filled_fte,vacant_fte,status"
        ]
        assert Post.objects.for_partner(self.council).count() == posts

    def test_a_unit_of_another_partner_is_no_filter_here(self) -> None:
        client = self.signed_in(self.police_hr)
        page = client.get("/establishment", {"unit": self.council_unit.pk})
        assert [p.code for p in page.context["page"]] == ["P-FIN-01"]
        assert "Select a valid choice" in page.content.decode()

    def test_an_employee_is_refused_the_establishment_and_its_download(self) -> None:
        client = self.signed_in(self.council_employee)
        posts = Post.objects.for_partner(self.council).count()
        assert client.get("/establishment").status_code == 403
        assert client.get("/establishment", {"format": "xlsx"}).status_code == 403
        assert Post.objects.for_partner(self.council).count() == posts
