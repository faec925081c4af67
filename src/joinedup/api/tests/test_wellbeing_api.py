"""Occupational health over the API (issue 16, "Access"): per route, which roles get 200 and the
exact keys they get; that a note's words leave the building only in the notes route, to a
clinician of the case's partner; that each read of the notes writes one access event; and that a
refused write changes nothing. Isolation from other partners in every role is
tests/attack/test_isolation_matrix.py."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.test import Client

from joinedup.wellbeing import notes, reports
from joinedup.wellbeing.models import CaseAccessEvent, ClinicalNote, Referral
from joinedup.wellbeing.programmes import programme_create, usage_record
from joinedup.wellbeing.surveillance import ProgrammeDetails, enrol
from joinedup.wellbeing.surveillance import programme_create as surveillance_programme_create
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, NOTE, CaseTestCase

V1 = "/api/v1/wellbeing"
REFERRAL_KEYS = {
    "id",
    "partner",
    "employee",
    "payroll_number",
    "source",
    "status",
    "consent_given",
    "consent_date",
    "see_report_first",
    "created_at",
    "sent_at",
}
CASE_KEYS = {
    "id",
    "partner",
    "employee",
    "payroll_number",
    "source",
    "status",
    "priority",
    "clinician",
    "opened_at",
    "triaged_at",
    "closed_at",
}
DETAIL_KEYS = CASE_KEYS | {"appointments", "report"}
OUTCOME_KEYS = {
    "case_id",
    "outcome",
    "adjustments",
    "expected_return",
    "review_date",
    "status",
    "issued_at",
    "release_due",
    "released_at",
    "release_reason",
    "employee_response",
}
TEAM_KEYS = {
    "enrolment_id",
    "partner_id",
    "employment_id",
    "name",
    "payroll_number",
    "programme",
    "kind",
    "status",
    "next_due_on",
    "last_done_on",
}
NOT_FOUND = {"detail": "Not found."}
REASON = "Three periods of sickness absence this year; struggling at work."


def access_events() -> int:
    return CaseAccessEvent.objects.unscoped(reason="the test counts every access event").count()


def referrals() -> int:
    return Referral.objects.unscoped(reason="the test counts every referral").count()


class WellbeingApiTestCase(CaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.clients: dict[int, Client] = {}
        # Every response body the test read, with who asked and what: scanned for clinical text.
        self.seen: list[tuple[Any, str, str]] = []

    def client_of(self, user: Any) -> Client:
        if user.pk not in self.clients:
            self.clients[user.pk] = self.api(user)
        return self.clients[user.pk]

    def get(self, user: Any, path: str) -> Any:
        response = self.client_of(user).get(V1 + path)
        self.seen.append((user, path, response.content.decode()))
        return response

    def post(self, user: Any, path: str, body: dict[str, Any]) -> Any:
        response = self.client_of(user).post(V1 + path, json.dumps(body), content_type="application/json")
        self.seen.append((user, path, response.content.decode()))
        return response


class TestReferrals(WellbeingApiTestCase):
    def test_a_manager_refers_their_team_member_sends_it_and_lists_it_as_theirs(self) -> None:
        made = self.post(
            self.manager,
            "/referrals",
            {"employment_id": self.council_emp.pk, "reason": REASON, "consent_date": "2026-02-02"},
        )
        assert made.status_code == 201
        assert set(made.json()) == REFERRAL_KEYS
        assert (made.json()["source"], made.json()["status"], made.json()["consent_date"]) == (
            "manager",
            "draft",
            "2026-02-02",
        )
        sent = self.post(self.manager, f"/referrals/{made.json()['id']}/send", {})
        assert (sent.status_code, sent.json()["status"]) == (200, "sent")
        mine = self.get(self.manager, "/referrals/mine").json()
        assert mine["count"] == 1
        assert set(mine["items"][0]) == REFERRAL_KEYS
        # The referral's reason is the referrer's words about the employee's health: not echoed.
        assert REASON not in made.content.decode() + sent.content.decode() + json.dumps(mine)

    def test_a_manager_may_not_refer_someone_outside_their_team_and_nothing_changes(self) -> None:
        before = referrals()
        refused = self.post(
            self.other_manager,
            "/referrals",
            {"employment_id": self.council_emp.pk, "reason": REASON, "consent_date": "2026-02-02"},
        )
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "A manager may refer only a member of their own team to occupational health."
        }
        assert referrals() == before

    def test_a_finance_officer_may_not_refer_and_nothing_changes(self) -> None:
        before = referrals()
        refused = self.post(self.finance, "/referrals", {"employment_id": self.council_emp.pk, "reason": "x"})
        # Their partners for referring are none, so the employment is not one they can name.
        assert refused.status_code == 422
        assert refused.json()["errors"] == {"employment_id": ["No such employment."]}
        assert referrals() == before

    def test_only_the_referrer_sends_a_draft_and_nothing_changes_for_anyone_else(self) -> None:
        made = self.post(
            self.manager,
            "/referrals",
            {"employment_id": self.council_emp.pk, "reason": REASON, "consent_date": "2026-02-02"},
        ).json()
        # Occupational health and the employee see the referral but may not send it: 403; anyone
        # else does not see it: 404.
        for user in (self.oh_admin, self.ada):
            assert self.post(user, f"/referrals/{made['id']}/send", {}).status_code == 403, user
        for user in (self.council_hr, self.police_hr, self.other_manager):
            assert self.post(user, f"/referrals/{made['id']}/send", {}).json() == NOT_FOUND, user
        assert Referral.objects.for_partner(self.council).get(pk=made["id"]).status == "draft"

    def test_an_employee_refers_themselves_and_it_is_sent_with_their_consent(self) -> None:
        made = self.post(
            self.ada, "/self-referrals", {"reason": "I am not sleeping.", "see_report_first": True}
        )
        assert made.status_code == 201
        body = made.json()
        assert (body["source"], body["status"], body["consent_given"], body["see_report_first"]) == (
            "self",
            "sent",
            True,
            True,
        )
        assert self.get(self.ada, "/referrals/mine").json()["count"] == 1


class TestCases(WellbeingApiTestCase):
    def test_occupational_health_lists_a_partners_cases_and_narrows_them(self) -> None:
        case = self.assessed()
        self.opened(by=self.council_hr)
        for user in (self.oh_admin, self.oh_clinician):
            listed = self.get(user, f"/partners/{self.council.pk}/cases")
            assert listed.status_code == 200
            assert listed.json()["count"] == 2
            assert [set(item) for item in listed.json()["items"]] == [CASE_KEYS, CASE_KEYS]
        assessed = self.get(self.oh_admin, f"/partners/{self.council.pk}/cases?status=assessed").json()
        assert [c["id"] for c in assessed["items"]] == [case.pk]
        theirs = self.get(
            self.oh_admin, f"/partners/{self.council.pk}/cases?clinician_id={self.oh_clinician.pk}"
        )
        assert [c["id"] for c in theirs.json()["items"]] == [case.pk]
        bad = self.get(self.oh_admin, f"/partners/{self.council.pk}/cases?status=lost")
        assert bad.status_code == 422
        for user in (self.manager, self.finance, self.council_hr, self.ops_admin, self.ada):
            assert self.get(user, f"/partners/{self.council.pk}/cases").status_code == 403, user
        assert self.get(self.police_clinician, f"/partners/{self.council.pk}/cases").json() == NOT_FOUND

    def test_a_case_shows_to_occupational_health_and_its_employee_without_clinical_content(self) -> None:
        case = self.assessed()
        for user in (self.oh_admin, self.oh_clinician, self.ada):
            shown = self.get(user, f"/cases/{case.pk}")
            assert shown.status_code == 200, user
            assert set(shown.json()) == DETAIL_KEYS
            assert set(shown.json()["appointments"][0]) == {"id", "starts_at", "mode", "status", "clinician"}
            assert shown.json()["status"] == "assessed"
        for user in (self.manager, self.finance, self.council_hr, self.ops_admin, self.shared_dpo):
            assert self.get(user, f"/cases/{case.pk}").json() == NOT_FOUND, user
        assert self.get(self.police_clinician, f"/cases/{case.pk}").json() == NOT_FOUND

    def test_the_employee_lists_and_reads_their_own_cases_only(self) -> None:
        case = self.assessed()
        mine = self.get(self.ada, "/my-cases")
        assert mine.status_code == 200
        assert [set(c) for c in mine.json()] == [CASE_KEYS]
        assert set(self.get(self.ada, f"/my-cases/{case.pk}").json()) == DETAIL_KEYS
        assert self.get(self.mary, "/my-cases").json() == []
        assert self.get(self.oh_admin, f"/my-cases/{case.pk}").json() == NOT_FOUND


class TestNotes(WellbeingApiTestCase):
    def test_a_clinician_adds_a_note_and_the_answer_does_not_repeat_it(self) -> None:
        case = self.assessed()
        added = self.post(self.oh_clinician, f"/cases/{case.pk}/notes", {"text": NOTE})
        assert added.status_code == 201
        assert set(added.json()) == {"id", "author", "written_at"}
        assert NOTE not in added.content.decode()

    def test_no_one_else_adds_a_note_and_nothing_changes(self) -> None:
        case = self.assessed()
        stored = ClinicalNote.objects.for_partner(self.council).count()
        for user in (self.oh_admin, self.ada):
            assert self.post(user, f"/cases/{case.pk}/notes", {"text": NOTE}).status_code == 403
        for user in (self.manager, self.police_clinician, self.council_hr):
            assert self.post(user, f"/cases/{case.pk}/notes", {"text": NOTE}).json() == NOT_FOUND
        assert ClinicalNote.objects.for_partner(self.council).count() == stored

    def test_only_a_clinician_of_the_partner_reads_the_notes_and_each_read_writes_one_event(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        before = access_events()
        read = self.get(self.oh_clinician, f"/cases/{case.pk}/notes")
        assert read.status_code == 200
        [note] = read.json()
        assert set(note) == {"id", "author", "written_at", "text"}
        assert (note["text"], note["author"]) == (NOTE, "Oh.Clinician")
        assert access_events() == before + 1
        self.get(self.oh_clinician, f"/cases/{case.pk}/notes")
        assert access_events() == before + 2
        # The administrator and the employee see the case, not its notes: 403, and no event.
        for user in (self.oh_admin, self.ada):
            assert self.get(user, f"/cases/{case.pk}/notes").status_code == 403
        for user in (self.manager, self.police_clinician, self.shared_dpo, self.ops_admin):
            assert self.get(user, f"/cases/{case.pk}/notes").json() == NOT_FOUND
        assert access_events() == before + 2


class TestOutcomes(WellbeingApiTestCase):
    def issued(self, *, see_first: bool) -> Any:
        return reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=see_first))

    def test_the_referrer_reads_the_released_outcome_and_nobody_else_does(self) -> None:
        report = self.issued(see_first=False)
        referral_id = report.case.referral_id
        outcome = self.get(self.manager, f"/referrals/{referral_id}/outcome")
        assert outcome.status_code == 200
        assert set(outcome.json()) == {"referral_id", "released", "report"}
        assert set(outcome.json()["report"]) == OUTCOME_KEYS
        assert (outcome.json()["report"]["outcome"], outcome.json()["report"]["adjustments"]) == (
            "fit_with_adjustments",
            ADJUSTMENTS,
        )
        for user in (self.other_manager, self.oh_admin, self.oh_clinician, self.ada, self.council_hr):
            assert self.get(user, f"/referrals/{referral_id}/outcome").json() == NOT_FOUND, user

    def test_the_employee_sees_the_report_first_and_their_agreement_releases_it(self) -> None:
        report = self.issued(see_first=True)
        case_id, referral_id = report.case_id, report.case.referral_id
        waiting = self.get(self.manager, f"/referrals/{referral_id}/outcome").json()
        assert waiting == {"referral_id": referral_id, "released": False, "report": None}
        own = self.get(self.ada, f"/my-cases/{case_id}/report")
        assert own.status_code == 200
        assert set(own.json()) == {"case_id", "report"}
        assert set(own.json()["report"]) == OUTCOME_KEYS
        assert own.json()["report"]["status"] == "with_employee"
        # Only the employee answers: the referrer asking answers 404, and nothing changes.
        assert self.post(
            self.manager, f"/my-cases/{case_id}/report/response", {"response": "agreed"}
        ).json() == (NOT_FOUND)
        assert self.get(self.manager, f"/referrals/{referral_id}/outcome").json()["released"] is False
        agreed = self.post(self.ada, f"/my-cases/{case_id}/report/response", {"response": "agreed"})
        assert (agreed.status_code, agreed.json()["report"]["status"]) == (200, "released")
        assert agreed.json()["report"]["release_reason"] == "consent"
        assert self.get(self.manager, f"/referrals/{referral_id}/outcome").json()["released"] is True

    def test_the_employee_sees_who_has_read_their_case(self) -> None:
        report = self.issued(see_first=False)
        case = report.case
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        self.get(self.oh_clinician, f"/cases/{case.pk}/notes")
        self.get(self.manager, f"/referrals/{case.referral_id}/outcome")
        read = self.get(self.ada, f"/my-cases/{case.pk}/access")
        assert read.status_code == 200
        assert [(e["who"], e["part"]) for e in read.json()] == [
            ("Maggie.Manager", "outcome"),
            ("Oh.Clinician", "notes"),
        ]
        assert set(read.json()[0]) == {"at", "who", "part"}
        for user in (self.manager, self.oh_clinician, self.shared_dpo):
            assert self.get(user, f"/my-cases/{case.pk}/access").json() == NOT_FOUND

    def test_the_data_protection_officer_reads_the_partners_access_events_without_content(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        self.get(self.oh_clinician, f"/cases/{case.pk}/notes")
        log = self.get(self.shared_dpo, f"/partners/{self.council.pk}/access-events")
        assert log.status_code == 200
        assert log.json()["count"] == 1
        assert set(log.json()["items"][0]) == {"id", "case_id", "at", "who", "part"}
        assert log.json()["items"][0]["case_id"] == case.pk
        narrowed = self.get(self.shared_dpo, f"/partners/{self.council.pk}/access-events?oh_case_id=0")
        assert narrowed.json()["count"] == 0
        for user in (self.oh_clinician, self.oh_admin, self.ops_admin, self.council_hr):
            assert self.get(user, f"/partners/{self.council.pk}/access-events").status_code == 403


class TestSurveillanceAndProgrammes(WellbeingApiTestCase):
    def test_occupational_health_sees_outcomes_and_the_manager_status_only(self) -> None:
        programme = surveillance_programme_create(
            actor=self.oh_admin,
            partner=self.council,
            details=ProgrammeDetails(code="NOISE", name="Hearing checks", kind="audiometry", basis="noise"),
        )
        enrol(
            actor=self.oh_admin,
            programme=programme,
            employment=self.council_emp,
            first_due_on=date(2026, 1, 5),
            enrolled_on=date(2026, 1, 1),
        )
        listed = self.get(self.oh_admin, f"/partners/{self.council.pk}/surveillance?as_of=2026-02-01")
        assert listed.status_code == 200
        [row] = listed.json()
        assert set(row) == TEAM_KEYS | {"last_outcome"}
        assert (row["status"], row["next_due_on"], row["last_outcome"]) == ("overdue", "2026-01-05", "")
        team = self.get(self.manager, "/surveillance/team?as_of=2026-02-01")
        assert team.status_code == 200
        assert [set(r) for r in team.json()] == [TEAM_KEYS]
        assert team.json()[0]["status"] == "overdue"
        for user in (self.manager, self.council_hr, self.ada):
            assert self.get(user, f"/partners/{self.council.pk}/surveillance").status_code == 403
        for user in (self.ada, self.oh_admin, self.finance):
            assert self.get(user, "/surveillance/team").status_code == 403
        assert (
            self.get(self.oh_admin, f"/partners/{self.council.pk}/surveillance?status=late").status_code
            == 422
        )

    def test_programme_usage_shows_hidden_cells_as_null_and_never_their_number(self) -> None:
        eap = programme_create(
            actor=self.oh_admin, partner=self.council, name="Employee assistance", service="eap"
        )
        physio = programme_create(
            actor=self.oh_admin, partner=self.council, name="Physiotherapy", service="physiotherapy"
        )
        # As wellbeing/tests/test_programmes.py works it by hand: bereavement's 3 and work's 2 are
        # under 5, and six more cells go so that neither can be worked out from the totals.
        record = {"actor": self.oh_admin, "measure": "referrals"}
        usage_record(
            programme=eap,
            month=date(2026, 10, 1),
            counts={"stress": 5, "low_mood": 7, "bereavement": 3},
            **record,
        )
        usage_record(programme=eap, month=date(2026, 11, 1), counts={"stress": 7, "work": 6}, **record)
        usage_record(
            programme=physio, month=date(2026, 11, 1), counts={"work": 2, "musculoskeletal": 9}, **record
        )
        path = f"/partners/{self.council.pk}/programme-usage?first_month=2026-10&last_month=2026-11"
        for user in (self.oh_admin, self.oh_clinician, self.ops_admin, self.union_rep):
            assert self.get(user, path).status_code == 200, user
        body = self.get(self.union_rep, path).json()
        assert set(body) == {
            "partner_id",
            "first_month",
            "last_month",
            "measure",
            "minimum",
            "columns",
            "rows",
            "totals",
        }
        assert (body["first_month"], body["last_month"], body["minimum"]) == ("2026-10", "2026-11", 5)
        assert body["columns"] == ["Employee assistance", "Physiotherapy"]

        def grid(line: dict[str, Any]) -> list[int | None]:
            return [c["value"] for c in [*line["cells"], line["total"]]]

        assert [grid(r) for r in body["rows"]] == [
            [12, 0, 12],
            [None, 0, None],
            [None, 0, None],
            [0, 0, 0],
            [0, 0, 0],
            [None, None, 8],
            [0, 0, 0],
            [0, None, None],
            [0, 0, 0],
        ]
        assert grid(body["totals"]) == [28, 11, 39]
        assert body["rows"][2]["label"] == "Bereavement"
        assert body["rows"][2]["cells"][0] == {"value": None, "hidden": True}
        assert body["rows"][0]["cells"][0] == {"value": 12, "hidden": False}
        # Every hidden cell is null, and marked so.
        cells = [c for r in [*body["rows"], body["totals"]] for c in [*r["cells"], r["total"]]]
        assert sum(c["hidden"] for c in cells) == 8
        assert all(c["value"] is None for c in cells if c["hidden"])
        for user in (self.council_hr, self.manager, self.ada):
            assert self.get(user, path).status_code == 403, user
        assert self.get(self.police_hr, path).json() == NOT_FOUND
        assert self.get(self.union_rep, path.replace("2026-11", "2026-13")).status_code == 422


class TestNoClinicalTextLeaves(WellbeingApiTestCase):
    def test_no_response_but_the_notes_to_a_clinician_and_the_subjects_own_holds_clinical_text(self) -> None:
        """Every route, in turn, as everyone in the fixtures: the note's words are in the notes
        route's answer to the partner's clinician only; the adjustments in the referrer's released
        outcome and the employee's own report only; the referral's reason in none."""
        report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=False))
        case = report.case
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        people = [
            self.oh_clinician,
            self.oh_admin,
            self.ada,
            self.manager,
            self.other_manager,
            self.police_clinician,
            self.finance,
            self.council_hr,
            self.shared_dpo,
            self.ops_admin,
            self.union_rep,
            self.mary,
        ]
        council = self.council.pk
        reads = [
            "/referrals/mine",
            f"/referrals/{case.referral_id}/outcome",
            f"/partners/{council}/cases",
            f"/cases/{case.pk}",
            f"/cases/{case.pk}/notes",
            "/my-cases",
            f"/my-cases/{case.pk}",
            f"/my-cases/{case.pk}/report",
            f"/my-cases/{case.pk}/access",
            f"/partners/{council}/access-events",
            f"/partners/{council}/surveillance",
            "/surveillance/team",
            f"/partners/{council}/programme-usage",
        ]
        for user in people:
            for path in reads:
                self.get(user, path)
            self.post(user, f"/cases/{case.pk}/notes", {"text": "Seen again; improving."})
            self.post(user, f"/my-cases/{case.pk}/report/response", {"response": "agreed"})
        assert len(self.seen) == len(people) * (len(reads) + 2)
        note_words = {(u.username, p) for u, p, body in self.seen if "sertraline" in body}
        assert note_words == {("oh.clinician", f"/cases/{case.pk}/notes")}
        adjustment_words = {(u.username, p) for u, p, body in self.seen if "phased return" in body}
        assert adjustment_words == {
            ("maggie.manager", f"/referrals/{case.referral_id}/outcome"),
            ("ada.lovelace", f"/my-cases/{case.pk}/report"),
        }
        assert not [p for _, p, body in self.seen if "sickness absence this year" in body]
        assert not [p for _, p, body in self.seen if "Seen again" in body]
