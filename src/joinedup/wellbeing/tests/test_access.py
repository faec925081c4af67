"""Who reads what of a case: the permission matrix over every role, the access events every
clinical read leaves, and another partner's case answering 404 (issue 16, Access)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.core import rls
from joinedup.people.services import absence_request, sickness_record
from joinedup.wellbeing import cases, notes, reports, selectors
from joinedup.wellbeing.models import Case, CaseAccessEvent
from joinedup.wellbeing.tests.casebase import APPOINTMENT_AT, NOTE, CaseTestCase

COLUMNS = (
    "case",
    "notes",
    "draft report",
    "absence",
    "outcome",
    "own report",
    "own access list",
    "access log",
)


def outcome_of(call: Callable[[], Any]) -> str:
    try:
        call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


def events(case: Case) -> list[tuple[str, str]]:
    found = CaseAccessEvent.objects.for_partner(case.partner_id).filter(case=case).order_by("at", "pk")
    return [(e.actor_label, e.part) for e in found]


class ReleasedCase(CaseTestCase):
    """Ada's case, referred by her manager, with a note and a released outcome."""

    case: Case

    def setUp(self) -> None:
        super().setUp()
        report = self.written()
        self.case = self.fresh(report.case)
        notes.note_add(actor=self.oh_clinician, case=self.case, text=NOTE)
        reports.report_issue(actor=self.oh_clinician, report=report)

    def reads(self, user: Any) -> tuple[str, ...]:
        case_id, referral_id = self.case.pk, self.case.referral_id
        calls: list[Callable[[], Any]] = [
            lambda: selectors.case_for(user, case_id=case_id),
            lambda: selectors.case_notes(user, case_id=case_id),
            lambda: selectors.clinician_report(user, case_id=case_id),
            lambda: selectors.case_sickness_absence(user, case_id=case_id),
            lambda: selectors.referral_outcome(user, referral_id=referral_id),
            lambda: selectors.my_report(user, case_id=case_id),
            lambda: selectors.my_case_access(user, case_id=case_id),
            lambda: selectors.access_events_for(user, partner=self.council),
        ]
        return tuple(outcome_of(call) for call in calls)


class TestTheMatrix(ReleasedCase):
    def test_every_role_reads_exactly_what_issue_16_allows(self) -> None:
        users = {
            "clinician of the partner": self.oh_clinician,
            "clinician of another partner": self.police_clinician,
            "OH administrator": self.oh_admin,
            "referring manager": self.manager,
            "another manager": self.other_manager,
            "HR officer (not the referrer)": self.council_hr,
            "HR officer of another partner": self.police_hr,
            "the employee": self.ada,
            "a colleague": self.mary,
            "service administrator": self.ops_admin,
            "finance officer": self.finance,
            "data-protection officer": self.shared_dpo,
            "union rep": self.union_rep,
        }
        found = {name: dict(zip(COLUMNS, self.reads(user), strict=True)) for name, user in users.items()}
        #      case   notes  draft  absence outcome own   access  log
        expected = {
            "clinician of the partner": ("ok", "ok", "ok", "ok", "404", "404", "404", "403"),
            "clinician of another partner": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "OH administrator": ("ok", "403", "403", "403", "404", "404", "404", "403"),
            "referring manager": ("404", "404", "404", "404", "ok", "404", "404", "403"),
            "another manager": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "HR officer (not the referrer)": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "HR officer of another partner": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "the employee": ("ok", "403", "403", "403", "404", "ok", "ok", "403"),
            "a colleague": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "service administrator": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "finance officer": ("404", "404", "404", "404", "404", "404", "404", "403"),
            "data-protection officer": ("404", "404", "404", "404", "404", "404", "404", "ok"),
            "union rep": ("404", "404", "404", "404", "404", "404", "404", "403"),
        }
        assert found == {name: dict(zip(COLUMNS, row, strict=True)) for name, row in expected.items()}
        # Exactly one event per clinical read allowed (notes, draft report) and per read of the
        # released outcome by its referrer; nothing for the refusals.
        assert events(self.case) == [
            ("Oh.Clinician", "notes"),
            ("Oh.Clinician", "draft_report"),
            ("Maggie.Manager", "outcome"),
        ]

    def test_an_hr_officer_reads_the_outcome_of_the_referral_they_made(self) -> None:
        referral = self.referral(by=self.council_hr, employment=self.shared_person_council)
        case = cases.case_open(actor=self.oh_admin, referral=referral)
        case = cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=self.oh_clinician)
        appointment = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="video"
        )
        cases.appointment_record(actor=self.oh_admin, appointment=appointment, status="attended")
        report = reports.report_write(actor=self.oh_clinician, case=case, outcome="fit")
        reports.report_issue(actor=self.oh_clinician, report=report)
        assert selectors.referral_outcome(self.council_hr, referral_id=referral.pk) == report
        for other in (self.shared_hr, self.manager):
            assert outcome_of(partial(selectors.referral_outcome, other, referral_id=referral.pk)) == "404"


class TestAccessEvents(ReleasedCase):
    def test_each_clinical_read_writes_exactly_one_event(self) -> None:
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        assert events(self.case) == [("Oh.Clinician", "notes")]
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        selectors.clinician_report(self.oh_clinician, case_id=self.case.pk)
        assert events(self.case) == [
            ("Oh.Clinician", "notes"),
            ("Oh.Clinician", "notes"),
            ("Oh.Clinician", "draft_report"),
        ]

    def test_reads_without_clinical_content_write_no_event(self) -> None:
        selectors.case_for(self.oh_admin, case_id=self.case.pk)
        selectors.case_for(self.ada, case_id=self.case.pk)
        selectors.my_report(self.ada, case_id=self.case.pk)
        list(selectors.appointments_of(self.oh_admin, case_id=self.case.pk))
        assert events(self.case) == []

    def test_administrators_and_the_employee_follow_the_report_without_reading_it(self) -> None:
        progress = selectors.report_progress(self.oh_admin, case_id=self.case.pk)
        assert progress is not None
        assert (progress.status, progress.release_reason, progress.release_due) == (
            "released",
            "on_issue",
            None,
        )
        assert selectors.report_progress(self.ada, case_id=self.case.pk) == progress
        assert outcome_of(partial(selectors.report_progress, self.manager, case_id=self.case.pk)) == "404"
        assert events(self.case) == []

    def test_denied_attempts_change_nothing(self) -> None:
        for user in (self.oh_admin, self.police_clinician, self.ada, self.council_hr, self.shared_dpo):
            outcome_of(partial(selectors.case_notes, user, case_id=self.case.pk))
            outcome_of(partial(selectors.clinician_report, user, case_id=self.case.pk))
        assert events(self.case) == []

    def test_the_employee_sees_who_has_read_their_case_and_a_colleague_cannot(self) -> None:
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        selectors.referral_outcome(self.manager, referral_id=self.case.referral_id)
        seen = selectors.my_case_access(self.ada, case_id=self.case.pk)
        assert [(e.actor_label, e.part) for e in seen] == [
            ("Maggie.Manager", "outcome"),
            ("Oh.Clinician", "notes"),
        ]
        assert outcome_of(lambda: selectors.my_case_access(self.mary, case_id=self.case.pk)) == "404"

    def test_the_dpo_reads_the_log_of_their_partners_cases_without_content(self) -> None:
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        [event] = selectors.access_events_for(self.shared_dpo, partner=self.council)
        assert (event.case_id, event.actor, event.part) == (self.case.pk, self.oh_clinician, "notes")
        assert {f.name for f in CaseAccessEvent._meta.get_fields()} == {
            "id",
            "case",
            "partner",
            "actor",
            "actor_label",
            "at",
            "part",
        }
        police_dpo = self.make_user("police.dpo", [(self.police, "data_protection_officer")])
        assert outcome_of(lambda: selectors.access_events_for(police_dpo, partner=self.council)) == "403"
        assert list(selectors.access_events_for(police_dpo, partner=self.police)) == []


class TestAnotherPartner(ReleasedCase):
    def test_another_partners_case_is_not_found_and_its_services_are_refused(self) -> None:
        for user in (self.police_clinician, self.police_hr):
            assert outcome_of(partial(selectors.case_for, user, case_id=self.case.pk)) == "404"
            assert self.case not in list(selectors.cases_for(user))
        assert (
            outcome_of(lambda: notes.note_add(actor=self.police_clinician, case=self.case, text="x")) == "403"
        )
        assert outcome_of(lambda: cases.case_close(actor=self.police_clinician, case=self.case)) == "403"
        assert self.fresh(self.case).status == "report_released"

    def test_under_row_level_security_a_clinician_reads_only_their_partners_cases(self) -> None:
        # On PostgreSQL the policies decide too: each caller in the partner context a request
        # would give them (on SQLite the context is a plain transaction).
        with rls.partner_context(rls.caller_partners(self.oh_clinician), user=self.oh_clinician):
            assert [n.text for n in selectors.case_notes(self.oh_clinician, case_id=self.case.pk)] == [NOTE]
        with rls.partner_context(rls.caller_partners(self.police_clinician), user=self.police_clinician):
            assert (
                outcome_of(lambda: selectors.case_for(self.police_clinician, case_id=self.case.pk)) == "404"
            )
        with rls.partner_context(rls.caller_partners(self.ada), user=self.ada):
            assert [e.part for e in selectors.my_case_access(self.ada, case_id=self.case.pk)] == ["notes"]
            assert [c.pk for c in selectors.my_cases(self.ada)] == [self.case.pk]


class TestSicknessAbsence(ReleasedCase):
    def test_the_clinician_sees_the_persons_sickness_absence_at_the_cases_partner_only(self) -> None:
        sick = sickness_record(
            actor=self.shared_hr,
            employment=self.council_emp,
            start_date=date(2026, 1, 5),
            end_date=date(2026, 1, 9),
        )
        absence_request(
            actor=self.shared_hr,
            employment=self.council_emp,
            kind="annual_leave",
            start_date=date(2026, 2, 9),
            end_date=date(2026, 2, 10),
        )
        sickness_record(
            actor=self.shared_hr,
            employment=self.shared_person_council,
            start_date=date(2026, 1, 5),
            end_date=date(2026, 1, 6),
        )
        assert list(selectors.case_sickness_absence(self.oh_clinician, case_id=self.case.pk)) == [sick]


class TestACliniciansOwnCase(CaseTestCase):
    def test_a_clinician_stays_out_of_the_clinical_content_of_their_own_case(self) -> None:
        nurse = self.make_user(
            "nurse.nightingale", [(self.council, "oh_clinician"), (self.council, "employee")]
        )
        employment = self.hire(self.council, "Florence", "Nightingale", "AB777777C", "WCC000777")
        self.link(employment, nurse)
        case = cases.case_open(
            actor=self.oh_admin, referral=self.referral(by=self.council_hr, employment=employment)
        )
        with pytest.raises(ValidationError) as caught:
            cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=nurse)
        assert caught.value.message_dict == {
            "clinician": ["Choose a clinician other than the employee the case is about."]
        }
        case = cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=self.oh_clinician)
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        assert selectors.case_for(nurse, case_id=case.pk) == case
        for read in (selectors.case_notes, selectors.clinician_report):
            with pytest.raises(PermissionDenied) as refused:
                read(nurse, case_id=case.pk)
            assert str(refused.value) == cases.OWN_CASE
        with pytest.raises(PermissionDenied):
            notes.note_add(actor=nurse, case=case, text="My own note.")
        assert events(case) == []
