"""Health-surveillance pages (issue 16): OH's programmes, enrolments, checks and the due / overdue /
done list with its chart and downloads; a manager's team page with status only (never an outcome
category: surveillance_selectors' docstring, UK GDPR Art. 9); an employee's own page. Who may not
use a page gets 403, an object of a partner they do not serve 404, and a refused POST changes
nothing. Every page is Cache-Control: no-store."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.testing.second_factor import sign_in
from joinedup.wellbeing.models import (
    CheckOutcome,
    SurveillanceCheck,
    SurveillanceEnrolment,
    SurveillanceProgramme,
)
from joinedup.wellbeing.surveillance import check_record, enrol
from joinedup.wellbeing.tests.survbase import SurveillanceTestCase

LIST = "/wellbeing/surveillance/"
PROGRAMMES = "/wellbeing/surveillance/programmes/"
TEAM = "/wellbeing/surveillance/team/"
MINE = "/wellbeing/my-surveillance/"
# Every outcome category as a word a page or a file could carry: its label and its stored value
# (a word of its own: "shrink-to-fit" in the page's head is not an outcome).
OUTCOME_WORDS = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(w)}(?![\w-])" for value, label in CheckOutcome.choices for w in (value, label)
    )
)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_text(body: bytes) -> str:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return "\n".join(
        " ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)
    )


class SurveillancePagesTestCase(SurveillanceTestCase):
    """Ada (Maggie's team) enrolled in hearing checks on 6 January 2025, checked on 1 February 2025
    and found not fit (next due 1 February 2026, the noise basis's first 12-month interval); Mary
    (not in the team) enrolled the same day, never checked, first due 15 March 2025. Ada signs in
    as ``ada``; ``council_oh`` is an OH administrator of the council only."""

    ada: SurveillanceEnrolment
    mary: SurveillanceEnrolment
    ada_user: Any
    council_oh: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = enrol(
            actor=cls.oh_admin,
            programme=cls.hearing,
            employment=cls.council_emp,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 1, 31),
        )
        check_record(actor=cls.oh_admin, enrolment=cls.ada, done_on=date(2025, 2, 1), outcome="not_fit")
        cls.mary = enrol(
            actor=cls.oh_admin,
            programme=cls.hearing,
            employment=cls.shared_person_council,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 3, 15),
        )
        cls.ada_user = cls.make_user("ada", [(cls.council, Role.EMPLOYEE)])
        person = cls.council_emp.person
        person.user = cls.ada_user
        person.save()
        cls.council_oh = cls.make_user("council.oh", [(cls.council, Role.OH_ADMIN)])

    def client_for(self, user: Any) -> Client:
        return sign_in(Client(), user)

    def state(self) -> tuple[int, int, int]:
        return (
            SurveillanceProgramme.objects.unscoped(reason="test: counting").count(),
            SurveillanceEnrolment.objects.unscoped(reason="test: counting").count(),
            SurveillanceCheck.objects.unscoped(reason="test: counting").count(),
        )


class TestTheOccupationalHealthList(SurveillancePagesTestCase):
    def test_oh_sees_everyone_enrolled_with_status_dates_and_last_outcome_and_counts_by_status(self) -> None:
        response = self.client_for(self.council_oh).get(LIST, {"as_of": "2025-06-01"})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        rows = [(r.name, r.next_due_on, r.last_done_on, s, o) for r, s, o in response.context["rows"]]
        assert rows == [
            ("Mary Seacole", date(2025, 3, 15), None, "Overdue", ""),
            ("Ada Lovelace", date(2026, 2, 1), date(2025, 2, 1), "Done", "Not fit"),
        ]
        assert [(b.label, b.count, b.width) for b in response.context["bars"]] == [
            ("Overdue", 1, 300),
            ("Due", 0, 0),
            ("Done", 1, 300),
            ("Upcoming", 0, 0),
        ]
        assert b'data-testid="chart"' in response.content

    def test_it_filters_by_status_team_programme_and_due_within_days(self) -> None:
        client = self.client_for(self.council_oh)

        def names(**query: Any) -> list[tuple[str, str]]:
            found = client.get(LIST, {"as_of": "2025-06-01", **query}).context["rows"]
            return [(r.name, s) for r, s, _ in found]

        assert names(status="overdue") == [("Mary Seacole", "Overdue")]
        assert names(team=str(self.council_unit.pk)) == [("Ada Lovelace", "Done")]
        # 1 February 2026 is 245 days after 1 June 2025: within 250 days it is due.
        assert names(within="250", status="due") == [("Ada Lovelace", "Due")]
        assert names(programme=str(self.nights.pk)) == []  # the police's: nobody of the council's
        # On 10 March 2025 Mary's first check (15 March) is 5 days off.
        assert names(as_of="2025-03-10") == [("Mary Seacole", "Due"), ("Ada Lovelace", "Done")]

    def test_the_download_carries_status_dates_and_the_outcome_category(self) -> None:
        client = self.client_for(self.council_oh)
        response = client.get(LIST, {"as_of": "2025-06-01", "format": "csv"})
        assert "no-store" in response["Cache-Control"]
        assert csv_rows(response.content) == [
            ["Name", "Payroll number", "Programme", "Status", "Next due", "Last check", "Last outcome"],
            ["Mary Seacole", "WCC000002", "Hearing checks", "Overdue", "2025-03-15", "", ""],
            ["Ada Lovelace", "WCC000001", "Hearing checks", "Done", "2026-02-01", "2025-02-01", "Not fit"],
        ]
        xlsx = client.get(LIST, {"as_of": "2025-06-01", "format": "xlsx"})
        assert "Not fit" in xlsx_text(xlsx.content)

    def test_sorting_by_name_orders_the_list_and_a_status_filter_narrows_its_csv(self) -> None:
        client = self.client_for(self.council_oh)
        by_name = client.get(LIST, {"as_of": "2025-06-01", "sort": "name"})
        assert [r.name for r, _, _ in by_name.context["rows"]] == ["Ada Lovelace", "Mary Seacole"]
        backwards = client.get(LIST, {"as_of": "2025-06-01", "sort": "name", "order": "desc"})
        assert [r.name for r, _, _ in backwards.context["rows"]] == ["Mary Seacole", "Ada Lovelace"]
        overdue = client.get(LIST, {"as_of": "2025-06-01", "status": "overdue", "format": "csv"})
        assert csv_rows(overdue.content)[1:] == [
            ["Mary Seacole", "WCC000002", "Hearing checks", "Overdue", "2025-03-15", "", ""]
        ]

    def test_managers_employees_and_union_reps_may_not_read_it(self) -> None:
        for user in (self.manager, self.ada_user, self.union_rep):
            response = self.client_for(user).get(LIST)
            assert response.status_code == 403, user


class TestProgrammesAndEnrolments(SurveillancePagesTestCase):
    def test_the_programmes_page_shows_each_basis_with_its_default_interval(self) -> None:
        response = self.client_for(self.council_oh).get(PROGRAMMES)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert [(p.code, kind) for p, kind in response.context["programmes"]] == [
            ("NOISE", "Audiometry (hearing)")
        ]
        bases = {b.key: b for b in response.context["bases"]}
        assert (bases["noise"].interval_months, bases["noise"].initial_interval_months) == (36, 12)
        assert "36 months (12 months after each of the first 2)" in response.content.decode()

    def test_oh_creates_a_programme_that_takes_its_bases_interval(self) -> None:
        response = self.client_for(self.council_oh).post(
            PROGRAMMES,
            {"form": "programme", "code": "fire-fit", "name": "Fitness", "kind": "fitness", "basis": "noise"},
        )
        made = SurveillanceProgramme.objects.for_partner(self.council).get(code="FIRE-FIT")
        assert response.status_code == 302 and response["Location"] == f"{PROGRAMMES}{made.pk}/"
        assert (made.name, made.interval_months, made.initial_interval_months, made.initial_checks) == (
            "Fitness",
            36,
            12,
            2,
        )

    def test_a_programme_with_a_bad_code_is_shown_again_with_the_services_message(self) -> None:
        before = self.state()
        response = self.client_for(self.council_oh).post(
            PROGRAMMES,
            {"form": "programme", "code": "no spaces", "name": "X", "kind": "fitness", "basis": "noise"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == [
            "Enter a code of up to 30 letters, digits and hyphens, like FIRE-FIT."
        ]
        assert self.state() == before

    def test_oh_changes_a_programme_and_enrols_one_person_and_everyone_with_a_job_title(self) -> None:
        page = f"{PROGRAMMES}{self.hearing.pk}/"
        client = self.client_for(self.council_oh)
        changed = client.post(
            page, {"form": "change", "name": "Hearing", "interval_months": "24", "active": "on"}
        )
        assert changed.status_code == 302
        hearing = SurveillanceProgramme.objects.for_partner(self.council).get(pk=self.hearing.pk)
        assert (hearing.name, hearing.interval_months, hearing.active) == ("Hearing", 24, True)
        # Maggie by payroll number; Ada is enrolled already, so enrolling her again is refused.
        one = client.post(
            page, {"form": "enrol", "payroll_number": "wcc000099", "first_due_on": "2026-12-31"}
        )
        assert one.status_code == 302
        again = client.post(
            page, {"form": "enrol", "payroll_number": "WCC000001", "first_due_on": "2026-12-31"}
        )
        assert again.context["enrol_form"].errors["payroll_number"] == [
            "Ada Lovelace is already enrolled in Hearing."
        ]
        nobody = client.post(
            page, {"form": "enrol", "payroll_number": "WPOL000001", "first_due_on": "2026-12-31"}
        )
        assert nobody.context["enrol_form"].errors["payroll_number"] == [
            "WCC has no one with payroll number WPOL000001."
        ]
        night = SurveillanceProgramme.objects.for_partner(self.council).create(
            partner=self.council,
            code="N",
            name="Nights",
            kind="night_worker",
            basis="night_worker",
            interval_months=12,
        )
        title = self.council_emp.job_title
        many = client.post(
            f"{PROGRAMMES}{night.pk}/",
            {"form": "enrol_title", "job_title": title, "first_due_on": "2026-12-31"},
        )
        assert many.status_code == 302
        enrolled = SurveillanceEnrolment.objects.for_partner(self.council).filter(programme=night)
        assert sorted(e.employment.payroll_number for e in enrolled) == ["WCC000001"]
        assert sorted(
            e.employment.payroll_number
            for e in SurveillanceEnrolment.objects.for_partner(self.council).filter(programme=self.hearing)
        ) == ["WCC000001", "WCC000002", "WCC000099"]

    def test_oh_records_a_check_with_its_outcome_category(self) -> None:
        page = f"/wellbeing/surveillance/enrolments/{self.mary.pk}/"
        client = self.client_for(self.council_oh)
        assert client.get(page).status_code == 200
        response = client.post(page, {"form": "check", "done_on": "2025-03-14", "outcome": "fit_restricted"})
        assert response.status_code == 302
        check = SurveillanceCheck.objects.for_partner(self.council).get(enrolment=self.mary)
        # The noise basis: 12 months after the first check.
        assert (check.done_on, check.outcome, check.next_due_on) == (
            date(2025, 3, 14),
            "fit_restricted",
            date(2026, 3, 14),
        )
        shown = client.get(page)
        assert [(c.done_on, o) for c, o in shown.context["checks"]] == [
            (date(2025, 3, 14), "Fit with restrictions")
        ]

    def test_another_partners_programme_and_enrolment_are_not_found_and_posts_change_nothing(self) -> None:
        police_enrolment = enrol(
            actor=self.oh_admin,
            programme=self.nights,
            employment=self.police_emp,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 2, 1),
        )
        before = self.state()
        client = self.client_for(self.council_oh)
        programme = f"{PROGRAMMES}{self.nights.pk}/"
        enrolment = f"/wellbeing/surveillance/enrolments/{police_enrolment.pk}/"
        assert client.get(programme).status_code == 404
        assert (
            client.post(programme, {"form": "change", "name": "X", "interval_months": "6"}).status_code == 404
        )
        assert client.get(enrolment).status_code == 404
        assert (
            client.post(enrolment, {"form": "check", "done_on": "2025-03-01", "outcome": "fit"}).status_code
            == 404
        )
        assert self.state() == before

    def test_a_manager_may_not_create_enrol_or_record_and_nothing_changes(self) -> None:
        before = self.state()
        client = self.client_for(self.manager)
        created = client.post(
            PROGRAMMES, {"form": "programme", "code": "X", "name": "X", "kind": "fitness", "basis": "noise"}
        )
        assert created.status_code == 403
        enrolled = client.post(
            f"{PROGRAMMES}{self.hearing.pk}/",
            {"form": "enrol", "payroll_number": "WCC000099", "first_due_on": "2026-12-31"},
        )
        assert enrolled.status_code == 404
        checked = client.post(
            f"/wellbeing/surveillance/enrolments/{self.ada.pk}/",
            {"form": "check", "done_on": "2026-01-05", "outcome": "fit"},
        )
        assert checked.status_code == 404
        assert self.state() == before


class TestTheManagersAndTheEmployeesPages(SurveillancePagesTestCase):
    def test_a_manager_sees_their_teams_status_and_never_an_outcome_category(self) -> None:
        client = self.client_for(self.manager)
        response = client.get(TEAM)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert [(r.name, r.next_due_on, r.last_done_on, s) for r, s in response.context["rows"]] == [
            ("Ada Lovelace", date(2026, 2, 1), date(2025, 2, 1), "Overdue")
        ]
        assert OUTCOME_WORDS.search(response.content.decode()) is None
        exported = client.get(TEAM, {"format": "csv"})
        assert csv_rows(exported.content) == [
            ["Name", "Payroll number", "Programme", "Status", "Next due", "Last check"],
            ["Ada Lovelace", "WCC000001", "Hearing checks", "Overdue", "2026-02-01", "2025-02-01"],
        ]
        assert OUTCOME_WORDS.search(exported.content.decode()) is None
        workbook = client.get(TEAM, {"format": "xlsx"})
        assert "Ada Lovelace" in xlsx_text(workbook.content)
        assert OUTCOME_WORDS.search(xlsx_text(workbook.content)) is None
        # The words are there to be found: OH's page of the same person carries the category.
        oh_page = self.client_for(self.council_oh).get(LIST)
        assert OUTCOME_WORDS.search(oh_page.content.decode()) is not None

    def test_only_managers_have_a_team_page(self) -> None:
        for user in (self.ada_user, self.union_rep, self.council_oh):
            assert self.client_for(user).get(TEAM).status_code == 403, user
            assert self.client_for(user).get(TEAM, {"format": "csv"}).status_code == 403, user

    def test_an_employee_sees_their_own_surveillance_with_their_own_outcome(self) -> None:
        response = self.client_for(self.ada_user).get(MINE)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert [(r.programme, s, o) for r, s, o in response.context["rows"]] == [
            ("Hearing checks", "Overdue", "Not fit")
        ]
        maggie = self.client_for(self.manager).get(MINE)
        assert maggie.context["rows"] == []
        assert "You are not enrolled in any health surveillance." in maggie.content.decode()


def ended_events(partner: Any) -> int:
    found = AuditEvent.objects.for_partner(partner).filter(action="wellbeing.surveillance_enrolment_ended")
    return found.count()


class TestEndingAnEnrolment(SurveillancePagesTestCase):
    def page(self, enrolment: SurveillanceEnrolment) -> str:
        return f"/wellbeing/surveillance/enrolments/{enrolment.pk}/"

    def test_oh_ends_an_enrolment_with_its_reason_and_the_audit_trail_records_it(self) -> None:
        client = self.client_for(self.council_oh)
        response = client.post(
            self.page(self.mary),
            {"form": "end", "ended_on": "2025-04-30", "reason": "Moved to an office role."},
        )
        assert response.status_code == 302
        ended = SurveillanceEnrolment.objects.for_partner(self.council).get(pk=self.mary.pk)
        assert (ended.ended_on, ended.ended_reason) == (date(2025, 4, 30), "Moved to an office role.")
        assert ended_events(self.council) == 1
        shown = client.get(self.page(self.mary)).content.decode()
        assert "ended 30 April 2025" in shown and "Moved to an office role." in shown
        assert 'data-testid="end-enrolment"' not in shown

    def test_an_end_before_the_enrolment_began_is_shown_again_with_the_services_message(self) -> None:
        before = self.state()
        response = self.client_for(self.council_oh).post(
            self.page(self.mary), {"form": "end", "ended_on": "2024-12-31", "reason": "Left."}
        )
        assert response.status_code == 200
        assert response.context["end_form"].errors == {
            "ended_on": ["An enrolment cannot end before it started."]
        }
        assert "<title>Error: " in response.content.decode()
        assert "govuk-error-summary" in response.content.decode()
        assert SurveillanceEnrolment.objects.for_partner(self.council).get(pk=self.mary.pk).ended_on is None
        assert self.state() == before

    def test_a_missing_reason_is_refused_beside_its_field(self) -> None:
        response = self.client_for(self.council_oh).post(
            self.page(self.mary), {"form": "end", "ended_on": "2025-04-30", "reason": ""}
        )
        assert response.status_code == 200
        assert list(response.context["end_form"].errors) == ["reason"]
        assert SurveillanceEnrolment.objects.for_partner(self.council).get(pk=self.mary.pk).ended_on is None

    def test_a_manager_or_another_partners_oh_may_not_end_it_and_nothing_changes(self) -> None:
        police_oh = self.make_user("police.oh", [(self.police, Role.OH_ADMIN)])
        for user in (self.manager, police_oh):
            response = self.client_for(user).post(
                self.page(self.mary), {"form": "end", "ended_on": "2025-04-30", "reason": "Left."}
            )
            assert response.status_code == 404, user
        assert SurveillanceEnrolment.objects.for_partner(self.council).get(pk=self.mary.pk).ended_on is None
        assert ended_events(self.council) == 0


CHECKS = "/wellbeing/surveillance/checks/"
TEAM_CHECKS = "/wellbeing/surveillance/team/checks/"
PERIOD = {"since": "2025-01-01", "until": "2025-12-31"}


class TestTheChecksDoneDownloads(SurveillancePagesTestCase):
    def test_oh_downloads_the_checks_done_in_a_period_with_their_outcomes(self) -> None:
        client = self.client_for(self.council_oh)
        response = client.get(CHECKS, {**PERIOD, "format": "csv"})
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"] == (
            f'attachment; filename="surveillance-checks-{self.council.code}-2025-01-01-to-2025-12-31.csv"'
        )
        assert csv_rows(response.content) == [
            ["Name", "Payroll number", "Programme", "Done on", "Outcome", "Recorded by", "Next due"],
            [
                "Ada Lovelace",
                "WCC000001",
                "Hearing checks",
                "2025-02-01",
                "Not fit",
                "oh.admin",
                "2026-02-01",
            ],
        ]
        workbook = client.get(CHECKS, {**PERIOD, "format": "xlsx"})
        assert "Not fit" in xlsx_text(workbook.content)
        outside = client.get(CHECKS, {"since": "2025-03-01", "until": "2025-12-31", "format": "csv"})
        assert len(csv_rows(outside.content)) == 1

    def test_an_outcome_filter_narrows_the_checks_page_and_its_csv_holds_exactly_those(self) -> None:
        client = self.client_for(self.council_oh)
        page = client.get(CHECKS, {**PERIOD, "outcome": "not_fit"})
        assert [(c.name, outcome) for c, outcome in page.context["rows"]] == [("Ada Lovelace", "Not fit")]
        assert client.get(CHECKS, {**PERIOD, "outcome": "fit"}).context["rows"] == []
        response = client.get(CHECKS, {**PERIOD, "outcome": "not_fit", "format": "csv"})
        assert [row[:5] for row in csv_rows(response.content)[1:]] == [
            ["Ada Lovelace", "WCC000001", "Hearing checks", "2025-02-01", "Not fit"]
        ]

    def test_a_manager_downloads_their_teams_checks_done_without_any_outcome(self) -> None:
        client = self.client_for(self.manager)
        response = client.get(TEAM_CHECKS, {**PERIOD, "format": "csv"})
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert csv_rows(response.content) == [
            ["Name", "Payroll number", "Programme", "Done on", "Next due"],
            ["Ada Lovelace", "WCC000001", "Hearing checks", "2025-02-01", "2026-02-01"],
        ]
        assert OUTCOME_WORDS.search(response.content.decode()) is None
        workbook = client.get(TEAM_CHECKS, {**PERIOD, "format": "xlsx"})
        assert "Ada Lovelace" in xlsx_text(workbook.content)
        assert OUTCOME_WORDS.search(xlsx_text(workbook.content)) is None

    def test_only_oh_downloads_the_partners_checks_and_only_managers_their_teams(self) -> None:
        for user in (self.manager, self.ada_user, self.union_rep):
            assert self.client_for(user).get(CHECKS, PERIOD).status_code == 403, user
        for user in (self.ada_user, self.union_rep, self.council_oh):
            assert self.client_for(user).get(TEAM_CHECKS, PERIOD).status_code == 403, user
