"""The occupational-health case pages (issue 16): referring (a manager, an HR officer, the
employee), occupational health's inbox, case list and case page, the clinician's notes and
report, the employee's own page with their answer to a report they see first, and the DPO's
access log. Who may see each, that clinical text shows on the clinician's case page only, that
each view of it is one access event, and that refused posts change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.partnership.models import Role
from joinedup.wellbeing import cases, notes, reports, selectors
from joinedup.wellbeing.models import (
    Appointment,
    Case,
    CaseAccessEvent,
    ClinicalNote,
    OutcomeReport,
    Referral,
)
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, NOTE, CaseTestCase

REFER = {
    "form": "refer",
    "reason": "Three periods of sickness absence this year.",
    "questions": "Is she fit for her role?",
    "consent_date": "2026-02-02",
}


def body(response: Any) -> str:
    return str(response.content.decode())


class WellbeingPageTestCase(CaseTestCase):
    def events(self, case: Case) -> list[tuple[str, str]]:
        found = CaseAccessEvent.objects.for_partner(case.partner_id).filter(case=case).order_by("pk")
        return [(e.actor_label, e.part) for e in found]

    @staticmethod
    def label(user: Any) -> str:
        return str(user.get_full_name() or user.username)

    def case_url(self, case: Case) -> str:
        return f"/wellbeing/cases/{case.pk}/"


class TestReferring(WellbeingPageTestCase):
    def test_a_line_manager_refers_their_team_member_with_consent_and_it_is_sent(self) -> None:
        client = self.signed_in(self.manager)
        listed = body(client.get("/wellbeing/referrals/"))
        assert f'href="/wellbeing/refer/{self.council_emp.pk}">Refer Ada Lovelace</a>' in listed
        response = client.post(f"/wellbeing/refer/{self.council_emp.pk}", REFER)
        made = Referral.objects.for_partner(self.council).get()
        assert (response.status_code, response["Location"]) == (302, f"/wellbeing/referrals/{made.pk}/")
        assert (made.source, made.status, made.consent_date) == ("manager", "sent", date(2026, 2, 2))
        page = body(client.get(f"/wellbeing/referrals/{made.pk}/"))
        assert "Sent to occupational health" in page

    def test_a_referral_without_consent_is_a_draft_until_consent_is_recorded_and_it_is_sent(self) -> None:
        client = self.signed_in(self.manager)
        client.post(f"/wellbeing/refer/{self.council_emp.pk}", {**REFER, "consent_date": ""})
        made = Referral.objects.for_partner(self.council).get()
        assert (made.status, made.consent_given) == ("draft", False)
        url = f"/wellbeing/referrals/{made.pk}/"
        assert "Send to occupational health" not in body(client.get(url))
        assert client.post(url, {"form": "consent", "consent_date": "2026-02-03"}).status_code == 302
        assert client.post(url, {"form": "send"}).status_code == 302
        made.refresh_from_db()
        assert (made.status, made.consent_date) == ("sent", date(2026, 2, 3))

    def test_consent_dated_in_the_future_is_refused_beside_the_field(self) -> None:
        response = self.signed_in(self.manager).post(
            f"/wellbeing/refer/{self.council_emp.pk}", {**REFER, "consent_date": "2999-01-01"}
        )
        assert response.status_code == 200
        assert "The date of consent cannot be in the future." in body(response)
        assert Referral.objects.for_partner(self.council).count() == 0

    def test_a_manager_outside_the_team_gets_404_and_a_role_without_referring_gets_403(self) -> None:
        url = f"/wellbeing/refer/{self.council_emp.pk}"
        for user, status in ((self.other_manager, 404), (self.finance, 403), (self.oh_admin, 403)):
            client = self.signed_in(user)
            assert (user.username, client.get(url).status_code) == (user.username, status)
            assert (user.username, client.post(url, REFER).status_code) == (user.username, status)
        assert Referral.objects.for_partner(self.council).count() == 0

    def test_an_hr_officer_finds_a_member_of_staff_by_payroll_number(self) -> None:
        client = self.signed_in(self.shared_hr)
        response = client.get("/wellbeing/referrals/", {"payroll": "WCC000001"})
        assert (response.status_code, response["Location"]) == (
            302,
            f"/wellbeing/refer/{self.council_emp.pk}",
        )
        missing = body(client.get("/wellbeing/referrals/", {"payroll": "NOPE1"}))
        assert (
            "No one with payroll number NOPE1 works for an organisation you are an HR officer of." in missing
        )
        assert client.post(f"/wellbeing/refer/{self.police_emp.pk}", REFER).status_code == 302
        assert Referral.objects.for_partner(self.police).get().source == "hr"

    def test_an_employee_refers_themselves_and_sees_it_on_their_page(self) -> None:
        client = self.signed_in(self.ada)
        response = client.post(
            "/wellbeing/self-referral", {"form": "self_refer", "reason": "Back pain at my desk."}
        )
        assert (response.status_code, response["Location"]) == (302, "/wellbeing/my/")
        made = Referral.objects.for_partner(self.council).get()
        assert (made.source, made.status, made.consent_given) == ("self", "sent", True)
        assert "Sent to occupational health" in body(client.get("/wellbeing/my/"))

    def test_an_employee_of_two_partners_chooses_one(self) -> None:
        client = self.signed_in(self.mary)
        form = {"form": "self_refer", "reason": "Stress."}
        assert "Choose the employer." in body(client.post("/wellbeing/self-referral", form))
        assert client.post("/wellbeing/self-referral", {**form, "partner": self.police.pk}).status_code == 302
        assert Referral.objects.for_partner(self.police).count() == 1

    def test_occupational_health_opens_a_case_from_a_waiting_referral(self) -> None:
        made = self.referral()
        client = self.signed_in(self.oh_admin)
        waiting = body(client.get("/wellbeing/referrals/waiting"))
        assert f'href="/wellbeing/referrals/{made.pk}/">Ada Lovelace</a>' in waiting
        response = client.post(f"/wellbeing/referrals/{made.pk}/", {"form": "open"})
        case = Case.objects.for_partner(self.council).get()
        assert (response.status_code, response["Location"]) == (302, f"/wellbeing/cases/{case.pk}/")
        assert "Ada Lovelace" not in body(client.get("/wellbeing/referrals/waiting"))

    def test_a_manager_may_not_open_a_case_and_nothing_changes(self) -> None:
        made = self.referral()
        response = self.signed_in(self.manager).post(f"/wellbeing/referrals/{made.pk}/", {"form": "open"})
        assert response.status_code == 403
        assert Case.objects.for_partner(self.council).count() == 0

    def test_a_colleague_and_another_partners_clinician_get_404_for_a_referral(self) -> None:
        made = self.referral()
        for user in (self.council_employee, self.police_clinician, self.other_manager):
            client = self.signed_in(user)
            assert client.get(f"/wellbeing/referrals/{made.pk}/").status_code == 404
            assert client.post(f"/wellbeing/referrals/{made.pk}/", {"form": "withdraw"}).status_code == 404
        made.refresh_from_db()
        assert made.status == "sent"


class TestRunningACase(WellbeingPageTestCase):
    def test_the_administrator_triages_books_and_records_an_appointment(self) -> None:
        case = self.opened()
        client = self.signed_in(self.oh_admin)
        url = self.case_url(case)
        triage = {"form": "triage", "triage-priority": "soon", "triage-clinician": self.oh_clinician.pk}
        assert client.post(url, triage).status_code == 302
        book = {"form": "book", "book-day": "2026-03-02", "book-at": "10:30", "book-mode": "video"}
        assert client.post(url, book).status_code == 302
        appointment = Appointment.objects.for_partner(self.council).get()
        assert appointment.starts_at.isoformat() == "2026-03-02T10:30:00+00:00"
        record = {"form": "record", "record-appointment": appointment.pk, "record-status": "did_not_attend"}
        assert client.post(url, record).status_code == 302
        assert (self.fresh(case).status, self.appointments(case)) == (
            "triaged",
            [("video", "did_not_attend")],
        )
        adjust = {
            "form": "adjustment",
            "adjustment-what": "A desk near the door.",
            "adjustment-starts_on": "2026-03-09",
        }
        assert client.post(url, adjust).status_code == 302
        page = body(client.get(url))
        assert "A desk near the door." in page and "Did not attend" in page
        assert 'data-testid="clinical"' not in page

    def test_an_appointment_on_a_case_with_no_clinician_yet_is_refused_in_the_error_summary(self) -> None:
        case = self.opened()
        book = {"form": "book", "book-day": "2026-03-02", "book-at": "10:30", "book-mode": "video"}
        page = body(self.signed_in(self.oh_admin).post(self.case_url(case), book))
        assert "Choose an occupational-health clinician of this case&#x27;s partner." in page
        assert Appointment.objects.for_partner(self.council).count() == 0

    def test_the_clinician_adds_a_note_and_each_view_of_the_case_page_is_one_access_event(self) -> None:
        case = self.assessed()
        client = self.signed_in(self.oh_clinician)
        url = self.case_url(case)
        assert client.post(url, {"form": "note", "note-text": NOTE}).status_code == 302
        assert self.events(case) == []
        page = body(client.get(url))
        assert NOTE in page
        assert self.events(case) == [(self.label(self.oh_clinician), "notes")]
        client.get(url)
        assert self.events(case) == [
            (self.label(self.oh_clinician), "notes"),
            (self.label(self.oh_clinician), "notes"),
        ]

    def test_the_administrator_may_not_add_a_note_and_nothing_changes(self) -> None:
        case = self.assessed()
        response = self.signed_in(self.oh_admin).post(
            self.case_url(case), {"form": "note", "note-text": NOTE}
        )
        assert response.status_code == 403
        assert ClinicalNote.objects.for_partner(self.council).count() == 0

    def test_clinical_text_appears_on_the_clinicians_case_page_and_nowhere_else(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        referral = case.referral
        assert NOTE in body(self.signed_in(self.oh_clinician).get(self.case_url(case)))
        pages = [
            (self.oh_clinician, "/wellbeing/cases/"),
            (self.oh_clinician, f"/wellbeing/cases/{case.pk}/report"),
            (self.oh_clinician, "/wellbeing/referrals/waiting"),
            (self.oh_admin, "/wellbeing/cases/"),
            (self.oh_admin, self.case_url(case)),
            (self.oh_admin, f"/wellbeing/referrals/{referral.pk}/"),
            (self.manager, "/wellbeing/referrals/"),
            (self.manager, f"/wellbeing/referrals/{referral.pk}/"),
            (self.ada, "/wellbeing/my/"),
            (self.ada, f"/wellbeing/my/{case.pk}/"),
            (self.shared_dpo, "/wellbeing/access-log/"),
        ]
        for user, url in pages:
            response = self.signed_in(user).get(url)
            assert (url, response.status_code) == (url, 200)
            assert "sertraline" not in body(response), url

    def test_the_report_page_is_the_clinicians_and_each_view_is_one_access_event(self) -> None:
        case = self.assessed()
        url = f"/wellbeing/cases/{case.pk}/report"
        for user in (self.oh_admin, self.ada):
            assert self.signed_in(user).get(url).status_code in (403, 404)
            assert self.signed_in(user).post(url, {"form": "write", "outcome": "fit"}).status_code in (
                403,
                404,
            )
        assert OutcomeReport.objects.for_partner(self.council).count() == 0
        client = self.signed_in(self.oh_clinician)
        written = {"form": "write", "outcome": "fit_with_adjustments", "adjustments": ADJUSTMENTS}
        assert client.post(url, written).status_code == 302
        assert client.post(url, {"form": "issue"}).status_code == 302
        assert self.events(case) == []
        page = body(client.get(url))
        assert "Released to the referrer" in page
        assert self.events(case) == [(self.label(self.oh_clinician), "draft_report")]

    def test_a_report_without_adjustments_for_fit_with_adjustments_is_refused_beside_the_field(self) -> None:
        case = self.assessed()
        response = self.signed_in(self.oh_clinician).post(
            f"/wellbeing/cases/{case.pk}/report", {"form": "write", "outcome": "fit_with_adjustments"}
        )
        assert "Say which adjustments would make them fit for work." in body(response)
        assert OutcomeReport.objects.for_partner(self.council).count() == 0

    def test_another_partners_clinician_gets_404_and_changes_nothing(self) -> None:
        case = self.assessed()
        client = self.signed_in(self.police_clinician)
        for url in (self.case_url(case), f"/wellbeing/cases/{case.pk}/report", f"/wellbeing/my/{case.pk}/"):
            assert client.get(url).status_code == 404
            assert client.post(url, {"form": "note", "note-text": NOTE}).status_code == 404
        assert ClinicalNote.objects.for_partner(self.council).count() == 0
        assert self.events(case) == []

    def test_the_manager_and_a_colleague_get_404_for_the_case_pages(self) -> None:
        case = self.opened()
        for user in (self.manager, self.council_employee):
            client = self.signed_in(user)
            for url in (self.case_url(case), f"/wellbeing/my/{case.pk}/"):
                assert client.get(url).status_code == 404
            assert client.post(self.case_url(case), {"form": "close"}).status_code == 404
        assert self.fresh(case).status == "referred"

    def test_the_employee_reaches_their_case_only_on_their_own_page(self) -> None:
        case = self.opened()
        client = self.signed_in(self.ada)
        assert client.get(self.case_url(case)).status_code == 404
        assert "Referred" in body(client.get(f"/wellbeing/my/{case.pk}/"))

    def test_case_lists_and_pages_refuse_those_without_occupational_health_roles(self) -> None:
        for url in ("/wellbeing/cases/", "/wellbeing/referrals/waiting", "/wellbeing/access-log/"):
            assert self.signed_in(self.finance).get(url).status_code == 403
        assert self.signed_in(self.finance).get("/wellbeing/referrals/").status_code == 403


class TestTheEmployeeAndTheReferrer(WellbeingPageTestCase):
    def test_the_employee_agrees_to_release_and_the_referrer_reads_the_outcome_which_is_logged(self) -> None:
        report = self.written(see_first=True)
        reports.report_issue(actor=self.oh_clinician, report=report)
        case = report.case
        ada = self.signed_in(self.ada)
        mine = body(ada.get(f"/wellbeing/my/{case.pk}/"))
        assert "Agree to its release" in mine and "Ask for a correction" in mine and "Withhold it" in mine
        assert ADJUSTMENTS in mine
        manager = self.signed_in(self.manager)
        waiting = body(manager.get(f"/wellbeing/referrals/{case.referral_id}/"))
        assert "Occupational health has not released the report yet." in waiting
        assert ADJUSTMENTS not in waiting
        response = ada.post(f"/wellbeing/my/{case.pk}/", {"form": "respond", "response": "agreed"})
        assert response.status_code == 302
        released = body(manager.get(f"/wellbeing/referrals/{case.referral_id}/"))
        assert "Fit for work with adjustments" in released and ADJUSTMENTS in released
        assert self.events(case) == [(self.label(self.manager), "outcome")]
        reads = body(ada.get(f"/wellbeing/my/{case.pk}/"))
        assert self.label(self.manager) in reads and "The released outcome report" in reads

    def test_the_employee_withholds_the_report_and_the_referrer_never_reads_it(self) -> None:
        report = self.written(see_first=True)
        reports.report_issue(actor=self.oh_clinician, report=report)
        case = report.case
        ada = self.signed_in(self.ada)
        answer = {"form": "respond", "response": "withheld"}
        assert ada.post(f"/wellbeing/my/{case.pk}/", answer).status_code == 302
        report.refresh_from_db()
        assert report.status == "withheld"
        referrer = body(self.signed_in(self.manager).get(f"/wellbeing/referrals/{case.referral_id}/"))
        assert "Occupational health has not released the report yet." in referrer
        assert ADJUSTMENTS not in referrer
        assert self.events(case) == []

    def test_asking_for_a_correction_sends_the_report_back_to_the_clinicians_draft(self) -> None:
        report = self.written(see_first=True)
        reports.report_issue(actor=self.oh_clinician, report=report)
        answer = {"form": "respond", "response": "correction"}
        assert self.signed_in(self.ada).post(f"/wellbeing/my/{report.case_id}/", answer).status_code == 302
        report.refresh_from_db()
        assert (report.status, report.employee_response) == ("draft", "correction")

    def test_only_the_employee_may_answer_their_report_and_nothing_changes(self) -> None:
        report = self.written(see_first=True)
        reports.report_issue(actor=self.oh_clinician, report=report)
        for user in (self.manager, self.oh_clinician):
            response = self.signed_in(user).post(
                f"/wellbeing/my/{report.case_id}/", {"form": "respond", "response": "agreed"}
            )
            assert response.status_code == 404
        report.refresh_from_db()
        assert (report.status, report.employee_response) == ("with_employee", "")

    def test_the_dpo_reads_the_access_log_without_content(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        self.signed_in(self.oh_clinician).get(self.case_url(case))
        page = body(
            self.signed_in(self.shared_dpo).get("/wellbeing/access-log/", {"partner": self.council.pk})
        )
        assert (
            f"Case {case.pk}" in page and self.label(self.oh_clinician) in page and "Clinical notes" in page
        )
        assert "sertraline" not in page


class TestEveryPage(WellbeingPageTestCase):
    def test_every_wellbeing_page_is_not_stored_by_the_browser(self) -> None:
        case = self.assessed()
        client = self.signed_in(self.oh_clinician)
        for url in (
            "/wellbeing/",
            "/wellbeing/cases/",
            self.case_url(case),
            f"/wellbeing/cases/{case.pk}/report",
        ):
            response = client.get(url)
            assert (url, response.status_code, response["Cache-Control"]) == (url, 200, "no-store")

    def test_the_menu_shows_occupational_health_to_holders_of_a_wellbeing_permission(self) -> None:
        link = '<a class="govuk-service-navigation__link" href="/wellbeing/">Occupational health</a>'
        assert link in body(self.signed_in(self.ada).get("/"))
        assert link in body(self.signed_in(self.oh_admin).get("/"))
        payroll = self.make_user("council.payroll", [(self.council, Role.PAYROLL_OFFICER)])
        assert link not in body(self.signed_in(payroll).get("/"))

    def test_the_home_page_lists_what_each_role_may_use(self) -> None:
        employee = body(self.signed_in(self.ada).get("/wellbeing/"))
        assert "Refer yourself to occupational health" in employee and "Cases" not in employee
        admin = body(self.signed_in(self.oh_admin).get("/wellbeing/"))
        assert "Referrals waiting" in admin and "Cases" in admin
        # Surveillance and programmes: OH runs them; everyone has their own surveillance; the
        # suppressed usage report is for OH and union reps, never an employee's to read.
        assert "Health surveillance: due, overdue and done" in admin and "Wellbeing programmes" in admin
        assert "My health surveillance" in employee
        assert "Health surveillance: due" not in employee and "programmes' usage" not in employee
        rep = body(self.signed_in(self.union_rep).get("/wellbeing/"))
        assert "Wellbeing programmes' usage" in rep and "Cases" not in rep


class TestWhoHasReadMyCase(WellbeingPageTestCase):
    """Issue 16, Acceptance: "every clinical read leaves one access event; the employee's 'who has
    read my case' page lists them" — every one, with who, in what capacity, when and which part."""

    def read_by_clinician_and_referrer(self) -> Case:
        report = self.written()
        case = self.fresh(report.case)
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        reports.report_issue(actor=self.oh_clinician, report=report)
        clinician = self.signed_in(self.oh_clinician)
        clinician.get(self.case_url(case))
        clinician.get(f"{self.case_url(case)}report")
        self.signed_in(self.manager).get(f"/wellbeing/referrals/{case.referral_id}/")
        return case

    def rows(self, page: str) -> list[list[str]]:
        table = page.split('data-testid="reads"', 1)[1].split("</table>", 1)[0]
        found = []
        for row in table.split('<tr class="govuk-table__row">')[2:]:
            cells = [c.split("</td>", 1)[0] for c in row.split('<td class="govuk-table__cell">')[1:]]
            found.append([cells[1], cells[2], cells[3]])
        return found

    def test_my_occupational_health_links_each_cases_reads(self) -> None:
        case = self.read_by_clinician_and_referrer()
        mine = body(self.signed_in(self.ada).get("/wellbeing/my/"))
        assert f'href="/wellbeing/my/{case.pk}/reads/">Who has read case {case.pk}</a>' in mine

    def test_the_page_lists_every_read_newest_first_with_who_as_what_and_which_part(self) -> None:
        case = self.read_by_clinician_and_referrer()
        logged = self.events(case)
        page = body(self.signed_in(self.ada).get(f"/wellbeing/my/{case.pk}/reads/"))
        clinician, manager = self.label(self.oh_clinician), self.label(self.manager)
        expected = {
            "notes": [clinician, "Occupational health clinician", "Clinical notes"],
            "draft_report": [clinician, "Occupational health clinician", "The clinician&#x27;s draft report"],
            "outcome": [manager, "The person who referred you", "The released outcome report"],
        }
        assert self.rows(page) == [expected[part] for _, part in reversed(logged)]
        assert len(logged) == 3
        assert f"{len(logged)} reads." in page
        # The data-protection officer answering Ada's own subject-access request reads the notes too.
        selectors.case_notes_for_subject_access(self.shared_dpo, partner=self.council, case_id=case.pk)
        again = body(self.signed_in(self.ada).get(f"/wellbeing/my/{case.pk}/reads/"))
        assert self.rows(again)[0] == [
            self.label(self.shared_dpo),
            "Data-protection officer, answering your subject-access request",
            "Clinical notes",
        ]
        assert NOTE not in page and ADJUSTMENTS not in page

    def test_every_read_is_listed_a_hundred_a_page_and_the_case_page_links_them(self) -> None:
        case = self.read_by_clinician_and_referrer()
        for _ in range(100):
            selectors.case_notes(self.oh_clinician, case_id=case.pk)
        total = len(self.events(case))
        ada = self.signed_in(self.ada)
        first = body(ada.get(f"/wellbeing/my/{case.pk}/reads/"))
        second = body(ada.get(f"/wellbeing/my/{case.pk}/reads/", {"page": 2}))
        assert total == 103
        assert "103 reads." in first and "Page 1 of 2" in first
        assert len(self.rows(first)) == 100
        assert self.rows(second)[-1] == [
            self.label(self.oh_clinician),
            "Occupational health clinician",
            "Clinical notes",
        ]
        assert len(self.rows(second)) == 3
        on_case = body(ada.get(f"/wellbeing/my/{case.pk}/"))
        assert "The latest 20 of 103 reads." in on_case
        assert f'href="/wellbeing/my/{case.pk}/reads/">See every read of your case</a>' in on_case

    def test_nobody_else_sees_the_page_of_someone_elses_case(self) -> None:
        case = self.read_by_clinician_and_referrer()
        before = self.events(case)
        for user in (self.mary, self.manager, self.oh_clinician, self.council_hr, self.shared_dpo):
            assert self.signed_in(user).get(f"/wellbeing/my/{case.pk}/reads/").status_code == 404, user
        assert self.events(case) == before


def csv_rows(response: Any) -> list[list[str]]:
    return [line.split(",") for line in response.content.decode("utf-8-sig").splitlines()[1:]]


class TestTheLists(WellbeingPageTestCase):
    """Cases, referrals made and referrals waiting on web/listing.py: filters, sort, downloads."""

    def two_referrals(self) -> tuple[Referral, Referral]:
        ada = self.referral()
        mary = self.referral(by=self.shared_hr, employment=self.shared_person_council)
        return ada, mary

    def test_an_employee_search_narrows_the_cases_and_their_csv_holds_exactly_those(self) -> None:
        ada, mary = self.two_referrals()
        opened = [cases.case_open(actor=self.oh_admin, referral=r) for r in (ada, mary)]
        client = self.signed_in(self.oh_admin)
        page = client.get("/wellbeing/cases/", {"employee": "seacole"})
        assert [c.pk for c in page.context["page"]] == [opened[1].pk]
        download = client.get("/wellbeing/cases/", {"employee": "WCC000002", "format": "csv"})
        assert [row[:5] for row in csv_rows(download)] == [
            [str(opened[1].pk), "Mary Seacole", "WCC000002", "Wessex County Council", "Referred"]
        ]
        by_name = client.get("/wellbeing/cases/", {"sort": "employee"})
        assert [c.pk for c in by_name.context["page"]] == [opened[0].pk, opened[1].pk]
        backwards = client.get("/wellbeing/cases/", {"sort": "employee", "order": "desc"})
        assert [c.pk for c in backwards.context["page"]] == [opened[1].pk, opened[0].pk]

    def test_a_source_filter_narrows_the_waiting_referrals_and_their_csv_holds_exactly_those(self) -> None:
        ada, mary = self.two_referrals()
        client = self.signed_in(self.oh_admin)
        page = client.get("/wellbeing/referrals/waiting", {"source": "hr"})
        assert [r.pk for r in page.context["page"]] == [mary.pk]
        download = client.get("/wellbeing/referrals/waiting", {"source": "hr", "format": "csv"})
        assert [row[:5] for row in csv_rows(download)] == [
            [str(mary.pk), "Mary Seacole", "WCC000002", "Wessex County Council", "HR officer"]
        ]
        backwards = client.get("/wellbeing/referrals/waiting", {"sort": "employee", "order": "desc"})
        assert [r.pk for r in backwards.context["page"]] == [mary.pk, ada.pk]

    def test_a_search_narrows_the_referrals_made_and_their_csv_holds_exactly_those(self) -> None:
        ada = self.referral(by=self.shared_hr)
        mary = self.referral(by=self.shared_hr, employment=self.shared_person_council)
        client = self.signed_in(self.shared_hr)
        page = client.get("/wellbeing/referrals/", {"employee": "lovelace"})
        assert [r.pk for r in page.context["page"]] == [ada.pk]
        download = client.get("/wellbeing/referrals/", {"employee": "WCC000002", "format": "csv"})
        assert [row[:4] for row in csv_rows(download)] == [
            [str(mary.pk), "Mary Seacole", "WCC000002", "Wessex County Council"]
        ]
        by_name = client.get("/wellbeing/referrals/", {"sort": "employee"})
        assert [r.pk for r in by_name.context["page"]] == [ada.pk, mary.pk]

    def test_no_list_download_holds_a_referrals_words(self) -> None:
        self.two_referrals()
        client = self.signed_in(self.oh_clinician)
        for url in ("/wellbeing/cases/", "/wellbeing/referrals/waiting"):
            for fmt in ("csv", "xlsx"):
                download = client.get(url, {"format": fmt})
                assert download.status_code == 200
                assert b"sickness absence" not in download.content, (url, fmt)

    def test_a_part_filter_narrows_the_access_log_and_its_csv_holds_exactly_those_reads(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        self.signed_in(self.oh_clinician).get(self.case_url(case))
        self.signed_in(self.oh_clinician).get(self.case_url(case))
        reads = list(
            CaseAccessEvent.objects.for_partner(self.council).order_by("pk").values_list("pk", flat=True)
        )
        client = self.signed_in(self.shared_dpo)
        council = str(self.council.pk)
        asked = {"partner": council, "part": "notes"}
        page = client.get("/wellbeing/access-log/", asked)
        assert [e.pk for e in page.context["page"]] == list(reversed(reads))
        outcome = client.get("/wellbeing/access-log/", {"partner": council, "part": "outcome"})
        assert list(outcome.context["page"]) == []
        download = client.get("/wellbeing/access-log/", {**asked, "format": "csv"})
        label = self.label(self.oh_clinician)
        assert [row[1:] for row in csv_rows(download)] == [[label, str(case.pk), "Clinical notes"]] * 2
        assert "sertraline" not in download.content.decode()
        oldest_first = client.get("/wellbeing/access-log/", {"partner": council, "sort": "when"})
        assert [e.pk for e in oldest_first.context["page"]] == reads
