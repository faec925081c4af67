"""Retention of occupational-health cases (wellbeing/retention_runs.py): a closed case's content is
erased once the ``occupational_health`` rule of rules/retention.toml says its retention has ended
(six years after the employment ends: NHS England Records Management Code of Practice 2021,
Limitation Act 1980 ss.2 and 5), unless a legal hold is in force; the skeleton, the access log and
the audit chain stay."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Role
from joinedup.people.models import Employment
from joinedup.wellbeing import attachments, cases, notes, questionnaires, retention_runs, selectors
from joinedup.wellbeing.models import (
    AdjustmentRecord,
    Case,
    CaseAccessEvent,
    CaseAttachment,
    CaseErasure,
    CaseLegalHold,
    CaseQuestionnaire,
    ClinicalNote,
    OutcomeReport,
    Referral,
)
from joinedup.wellbeing.retention_runs import (
    erase_case_content,
    hold_for,
    lift_legal_hold,
    place_legal_hold,
    retention_case,
    retention_run,
)
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, NOTE, CaseTestCase

SYSTEM = SystemActor(reason="retention tests")
CLOSED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEFT = date(2026, 3, 31)  # Ada's employment ends: her cases are kept until 2032-03-31
MARY_LEFT = date(2027, 6, 30)  # Mary's council employment: kept until 2033-06-30
AS_OF = date(2032, 4, 1)


def ended(employment: Any, on: date) -> None:
    Employment.objects.for_partner(employment.partner_id).filter(pk=employment.pk).update(end_date=on)


class RetentionTestCase(CaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.council_oh = self.make_user("council.ohadmin", [(self.council, Role.OH_ADMIN)])
        self.expired = self.closed_case(self.full_case())
        self.held = self.closed_case(self.opened())
        self.within = self.closed_case(self.opened(by=self.shared_hr, employment=self.shared_person_council))
        self.still = self.closed_case(self.opened(by=self.shared_hr, employment=self.police_emp))
        ended(self.council_emp, LEFT)
        ended(self.shared_person_council, MARY_LEFT)
        self.hold = place_legal_hold(
            actor=self.shared_dpo, case=self.held, reason="Employment tribunal claim", reference="ET/1234/26"
        )

    def full_case(self) -> Case:
        """A case with everything: a note, a written report with adjustments, an adjustment record
        and a clinician's read of the notes (an access event)."""
        report = self.written()
        case = self.fresh(report.case)
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        cases.adjustment_record_create(
            actor=self.oh_admin, case=case, what="Phased return", starts_on=date(2026, 3, 2), review_on=None
        )
        selectors.case_notes(self.oh_clinician, case_id=case.pk)
        attachments.attachment_add(
            actor=self.oh_clinician, case=case, filename="audiogram.pdf", content=b"%PDF-1.7\n%%EOF\n"
        )
        questionnaires.questionnaire_send(actor=self.oh_clinician, case=case, key="phq9")
        return case

    def closed_case(self, case: Case) -> Case:
        cases.case_close(actor=self.oh_admin, case=case)
        Case.objects.for_partner(case.partner_id).filter(pk=case.pk).update(closed_at=CLOSED_AT)
        return self.fresh(case)

    def run_on(self, day: date = AS_OF, **kwargs: Any) -> retention_runs.RunResult:
        with mock.patch.object(timezone, "localdate", return_value=day):
            return retention_run(actor=SYSTEM, today=day, **kwargs)


class TestRetentionRun(RetentionTestCase):
    def test_it_erases_exactly_the_expired_case_and_nothing_held_or_within_its_retention(self) -> None:
        # retention.toml occupational_health: six years after the employment ends (2026-03-31).
        done = self.run_on()
        assert done.as_json() == {
            "as_of": "2032-04-01",
            "dry_run": False,
            "due": 1,
            "erased": 1,
            "held": 1,
            "skipped_within_minimum": 2,
            "due_cases": [self.expired.pk],
            "erased_cases": [self.expired.pk],
        }
        erasure = CaseErasure.objects.for_partner(self.council).get()
        assert (erasure.case_id, erasure.rule, erasure.rule_effective_from, erasure.retention_ended_on) == (
            self.expired.pk,
            "occupational_health",
            date(2023, 8, 1),
            date(2032, 3, 31),
        )
        assert erasure.removed == {
            "clinical_notes": 1,
            "referral_texts": 2,
            "report_adjustments": 1,
            "adjustment_records": 1,
            "attachments": 1,
            "questionnaires": 1,
        }
        # Attachments and questionnaires go with their rows (issue 16: attachments, questionnaires).
        assert not CaseAttachment.objects.for_partner(self.council).filter(case=self.expired).exists()
        assert not CaseQuestionnaire.objects.for_partner(self.council).filter(case=self.expired).exists()
        # The held case and the ones within their retention keep everything.
        kept = Referral.objects.for_partner(self.council).filter(
            pk__in=[self.held.referral_id, self.within.referral_id]
        )
        assert [r.reason for r in kept] == [
            "Three periods of sickness absence this year; struggling at work."
        ] * 2

    def test_the_day_before_retention_ends_nothing_is_erased(self) -> None:
        done = self.run_on(date(2032, 3, 30))
        assert (done.due, done.erased, done.held, done.skipped_within_minimum) == (0, 0, 0, 4)
        assert not CaseErasure.objects.for_partners([self.council.pk, self.police.pk]).exists()

    def test_on_the_day_retention_ends_the_case_is_due(self) -> None:
        # retention_ends gives "the first day the record may be deleted".
        assert self.run_on(date(2032, 3, 31)).erased_cases == [self.expired.pk]

    def test_the_erased_content_is_gone_from_the_database_and_the_skeleton_stays(self) -> None:
        self.run_on()
        assert not ClinicalNote.objects.for_partner(self.council).filter(case=self.expired).exists()
        referral = Referral.objects.for_partner(self.council).get(pk=self.expired.referral_id)
        assert (referral.reason, referral.questions, referral.status, referral.consent_date) == (
            "",
            "",
            "sent",
            date(2026, 2, 2),
        )
        report = OutcomeReport.objects.for_partner(self.council).get(case=self.expired)
        assert (report.adjustments, report.outcome, report.review_date) == (
            "",
            "fit_with_adjustments",
            date(2026, 6, 1),
        )
        assert AdjustmentRecord.objects.for_partner(self.council).get(case=self.expired).what == ""
        case = self.fresh(self.expired)
        assert (case.status, case.closed_at, case.employment_id) == ("closed", CLOSED_AT, self.council_emp.pk)
        # The access log stays: it names who read the case, never what.
        assert CaseAccessEvent.objects.for_partner(self.council).filter(case=self.expired).count() == 1
        # Grep the rows: no word of the referral, the note's ciphertext or the adjustments is left.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reason, questions FROM wellbeing_referral WHERE id = %s", [self.expired.referral_id]
            )
            assert cursor.fetchall() == [("", "")]
            cursor.execute(
                "SELECT count(*) FROM wellbeing_clinicalnote WHERE case_id = %s", [self.expired.pk]
            )
            assert cursor.fetchone() == (0,)
            cursor.execute(
                "SELECT adjustments FROM wellbeing_outcomereport WHERE case_id = %s", [self.expired.pk]
            )
            assert cursor.fetchall() == [("",)]
        assert ADJUSTMENTS not in str(list(OutcomeReport.objects.for_partner(self.council).values()))

    def test_running_it_again_changes_nothing(self) -> None:
        self.run_on()
        events = AuditEvent.objects.for_partner(self.council).count()
        again = self.run_on()
        assert (again.due, again.erased, again.held, again.skipped_within_minimum) == (0, 0, 1, 2)
        assert AuditEvent.objects.for_partner(self.council).count() == events
        assert CaseErasure.objects.for_partner(self.council).count() == 1

    def test_the_audit_event_has_the_rule_its_source_and_counts_and_no_content(self) -> None:
        self.run_on()
        event = AuditEvent.objects.for_partner(self.council).get(action="wellbeing.case_content_erased")
        assert (event.object_id, event.after["rule"], event.after["retention_ended_on"]) == (
            str(self.expired.pk),
            "occupational_health",
            "2032-03-31",
        )
        assert "Records Management Code of Practice" in event.after["source"]
        assert event.after["removed"]["clinical_notes"] == 1
        text = str(event.after) + str(event.before)
        for words in (NOTE, ADJUSTMENTS, "Three periods of sickness", "Is she fit", "Phased return"):
            assert words not in text
        # The chain still verifies: erasing content rewrote no event (joinedup audit verify).
        assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5

    def test_a_dry_run_says_what_is_due_and_erases_nothing(self) -> None:
        done = self.run_on(dry_run=True)
        assert (done.due, done.erased, done.due_cases) == (1, 0, [self.expired.pk])
        assert not CaseErasure.objects.for_partner(self.council).exists()
        assert ClinicalNote.objects.for_partner(self.council).filter(case=self.expired).count() == 1

    def test_lifting_the_hold_makes_the_held_case_due_at_the_next_run(self) -> None:
        lift_legal_hold(actor=self.oh_admin, hold=self.hold, reason="Claim settled")
        assert self.run_on().erased_cases == [self.expired.pk, self.held.pk]

    def test_it_refuses_a_day_in_the_future(self) -> None:
        with pytest.raises(ValidationError, match="1 April 2032 is in the future"):
            retention_run(actor=SYSTEM, today=AS_OF)

    def test_a_clinician_may_not_run_it_and_nothing_changes(self) -> None:
        with mock.patch.object(timezone, "localdate", return_value=AS_OF), pytest.raises(PermissionDenied):
            retention_run(actor=self.oh_clinician, today=AS_OF)
        assert not CaseErasure.objects.for_partner(self.council).exists()

    def test_an_oh_admin_runs_it_for_their_own_partner_only(self) -> None:
        ended(self.police_emp, LEFT)
        with mock.patch.object(timezone, "localdate", return_value=AS_OF):
            done = retention_run(actor=self.council_oh, today=AS_OF)
        assert done.erased_cases == [self.expired.pk]
        assert not CaseErasure.objects.for_partner(self.police).exists()


class TestEraseCaseContent(RetentionTestCase):
    def erase(self, case: Case, actor: Any = SYSTEM) -> Any:
        with mock.patch.object(timezone, "localdate", return_value=AS_OF):
            return erase_case_content(actor=actor, case=case, today=AS_OF)

    def test_it_refuses_a_held_case(self) -> None:
        with pytest.raises(ValidationError, match="under legal hold ET/1234/26"):
            self.erase(self.held)

    def test_it_refuses_a_case_within_its_retention(self) -> None:
        with pytest.raises(ValidationError, match="kept until 30 June 2033"):
            self.erase(self.within)

    def test_it_refuses_a_case_of_someone_still_employed(self) -> None:
        with pytest.raises(ValidationError, match="kept while the employment lasts"):
            self.erase(self.still)

    def test_it_refuses_an_open_case(self) -> None:
        with pytest.raises(ValidationError, match="is open"):
            self.erase(self.opened(by=self.shared_hr))

    def test_a_clinician_may_not_erase_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            self.erase(self.expired, actor=self.oh_clinician)
        assert ClinicalNote.objects.for_partner(self.council).filter(case=self.expired).count() == 1
        assert not CaseErasure.objects.for_partner(self.council).exists()


class TestLegalHolds(RetentionTestCase):
    def test_placing_a_hold_is_audited_with_ids_reference_and_dates_only(self) -> None:
        event = AuditEvent.objects.for_partner(self.council).get(action="wellbeing.legal_hold_placed")
        assert (event.object_id, event.after["case"], event.after["reference"]) == (
            str(self.hold.pk),
            self.held.pk,
            "ET/1234/26",
        )
        assert "tribunal claim" not in str(event.after)
        assert (self.hold.placed_by, self.hold.lifted_at, self.hold.reason) == (
            self.shared_dpo,
            None,
            "Employment tribunal claim",
        )

    def test_lifting_keeps_the_hold_with_who_when_and_why(self) -> None:
        lifted = lift_legal_hold(actor=self.oh_admin, hold=self.hold, reason="Claim settled")
        kept = CaseLegalHold.objects.for_partner(self.council).get(pk=self.hold.pk)
        assert (kept.lifted_by, kept.lift_reason, kept.lifted_at) == (
            self.oh_admin,
            "Claim settled",
            lifted.lifted_at,
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="wellbeing.legal_hold_lifted")
        assert "Claim settled" not in str(event.after)
        with pytest.raises(ValidationError, match="was lifted on"):
            lift_legal_hold(actor=self.oh_admin, hold=kept, reason="Again")

    def test_the_same_reference_is_not_held_twice_and_blank_input_changes_nothing(self) -> None:
        with pytest.raises(ValidationError, match="already held under ET/1234/26"):
            place_legal_hold(actor=self.oh_admin, case=self.held, reason="Again", reference="ET/1234/26")
        with pytest.raises(ValidationError, match="Enter the hold's reference"):
            place_legal_hold(actor=self.oh_admin, case=self.held, reason="Why", reference="  ")
        with pytest.raises(ValidationError, match="Enter why the case is held"):
            place_legal_hold(actor=self.oh_admin, case=self.held, reason="", reference="X/1")
        assert CaseLegalHold.objects.for_partner(self.council).count() == 1

    def test_a_clinician_or_a_manager_may_not_hold_and_nothing_changes(self) -> None:
        for who in (self.oh_clinician, self.manager, self.shared_hr):
            with pytest.raises(PermissionDenied):
                place_legal_hold(actor=who, case=self.expired, reason="No", reference="X/1")
            with pytest.raises(PermissionDenied):
                lift_legal_hold(actor=who, hold=self.hold, reason="No")
        assert CaseLegalHold.objects.for_partner(self.council).get().lifted_at is None

    def test_another_partners_case_and_hold_answer_404(self) -> None:
        police_hold = place_legal_hold(actor=SYSTEM, case=self.still, reason="Claim", reference="P/1")
        with pytest.raises(Http404):
            retention_case(self.council_oh, case_id=self.still.pk)
        with pytest.raises(Http404):
            hold_for(self.council_oh, hold_id=police_hold.pk)
        assert hold_for(self.council_oh, hold_id=self.hold.pk) == self.hold
        with pytest.raises(PermissionDenied):
            place_legal_hold(actor=self.council_oh, case=self.still, reason="No", reference="X/2")
        assert CaseLegalHold.objects.for_partner(self.police).count() == 1

    def test_an_erased_case_cannot_be_held(self) -> None:
        self.run_on()
        with pytest.raises(ValidationError, match="there is nothing to hold"):
            place_legal_hold(actor=self.oh_admin, case=self.expired, reason="Late", reference="X/3")
