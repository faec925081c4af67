"""Cases: opening, triage, appointments, the status workflow, adjustment records."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.wellbeing import cases, selectors
from joinedup.wellbeing.models import AdjustmentRecord, Case
from joinedup.wellbeing.tests.casebase import APPOINTMENT_AT, CaseTestCase


class TestWorkflow(CaseTestCase):
    def test_a_case_goes_from_referred_to_assessed_with_one_audit_event_a_step(self) -> None:
        case = self.opened()
        assert (case.status, case.partner, case.employment) == ("referred", self.council, self.council_emp)
        case = cases.case_triage(
            actor=self.oh_admin, case=case, priority="urgent", clinician=self.oh_clinician
        )
        assert (case.status, case.priority, case.clinician) == ("triaged", "urgent", self.oh_clinician)
        appointment = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="phone"
        )
        assert (self.fresh(case).status, appointment.clinician, appointment.starts_at) == (
            "appointment_booked",
            self.oh_clinician,
            APPOINTMENT_AT,
        )
        cases.appointment_record(actor=self.oh_clinician, appointment=appointment, status="attended")
        assert self.fresh(case).status == "assessed"
        assert self.appointments(case) == [("phone", "attended")]
        assert self.audit_actions(self.council) == [
            "wellbeing.referral_created",
            "wellbeing.referral_sent",
            "wellbeing.case_opened",
            "wellbeing.case_triaged",
            "wellbeing.appointment_booked",
            "wellbeing.appointment_recorded",
        ]

    def test_a_missed_appointment_sends_the_case_back_to_triaged(self) -> None:
        case = cases.case_triage(
            actor=self.oh_admin, case=self.opened(), priority="routine", clinician=self.oh_clinician
        )
        first = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="in_person"
        )
        cases.appointment_record(actor=self.oh_admin, appointment=first, status="did_not_attend")
        assert self.fresh(case).status == "triaged"
        second = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="video"
        )
        cases.appointment_record(actor=self.oh_admin, appointment=second, status="cancelled")
        assert self.fresh(case).status == "triaged"
        assert self.appointments(case) == [("in_person", "did_not_attend"), ("video", "cancelled")]

    def test_an_appointment_time_needs_its_time_zone(self) -> None:
        case = cases.case_triage(
            actor=self.oh_admin, case=self.opened(), priority="routine", clinician=self.oh_clinician
        )
        with pytest.raises(ValidationError) as caught:
            cases.appointment_book(
                actor=self.oh_admin,
                case=case,
                starts_at=datetime(2026, 3, 2, 10, 30),  # noqa: DTZ001 — the naive time it refuses
                mode="video",
            )
        assert caught.value.message_dict == {"starts_at": ["Give the appointment's time with its time zone."]}
        assert self.appointments(case) == []

    def test_an_appointment_is_not_booked_before_triage(self) -> None:
        case = self.opened()
        with pytest.raises(ValidationError) as caught:
            cases.appointment_book(
                actor=self.oh_admin,
                case=case,
                starts_at=APPOINTMENT_AT,
                mode="video",
                clinician=self.oh_clinician,
            )
        assert caught.value.message_dict == {
            "status": ["Appointments are booked on a triaged or assessed case, not one that is referred."]
        }

    def test_a_recorded_appointment_is_not_recorded_again(self) -> None:
        case = cases.case_triage(
            actor=self.oh_admin, case=self.opened(), priority="routine", clinician=self.oh_clinician
        )
        appointment = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="video"
        )
        cases.appointment_record(actor=self.oh_admin, appointment=appointment, status="attended")
        with pytest.raises(ValidationError) as caught:
            cases.appointment_record(actor=self.oh_admin, appointment=appointment, status="cancelled")
        assert caught.value.message_dict == {"status": ["This appointment is attended already."]}

    def test_the_clinician_must_be_a_clinician_of_the_cases_partner(self) -> None:
        case = self.opened()
        for wrong in (self.police_clinician, self.oh_admin):
            with pytest.raises(ValidationError) as caught:
                cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=wrong)
            assert caught.value.message_dict == {
                "clinician": ["Choose an occupational-health clinician of this case's partner."]
            }
        assert self.fresh(case).status == "referred"

    def test_a_closed_case_moves_nowhere(self) -> None:
        case = cases.case_close(actor=self.oh_admin, case=self.opened())
        assert case.status == "closed" and case.closed_at is not None
        with pytest.raises(ValidationError) as caught:
            cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=self.oh_clinician)
        assert caught.value.message_dict == {
            "status": ["A case that is closed cannot become triaged: it may become nothing (it is closed)."]
        }

    def test_a_case_is_opened_only_from_a_sent_referral_and_only_once(self) -> None:
        case = self.opened()
        with pytest.raises(ValidationError) as caught:
            cases.case_open(actor=self.oh_admin, referral=case.referral)
        assert caught.value.message_dict == {"referral": ["A case is open from this referral already."]}
        draft = cases.referral_create(actor=self.manager, employment=self.council_emp, reason="Absence.")
        with pytest.raises(ValidationError) as caught:
            cases.case_open(actor=self.oh_admin, referral=draft)
        assert caught.value.message_dict == {
            "referral": ["A case is opened only from a referral that has been sent."]
        }


class TestWhoManagesCases(CaseTestCase):
    def test_only_occupational_health_of_the_partner_opens_and_runs_cases(self) -> None:
        referral = self.referral()
        for user in (
            self.manager,
            self.council_hr,
            self.ops_admin,
            self.finance,
            self.shared_dpo,
            self.union_rep,
            self.ada,
            self.police_clinician,
        ):
            with pytest.raises(PermissionDenied):
                cases.case_open(actor=user, referral=referral)
        assert Case.objects.for_partner(self.council).count() == 0
        case = cases.case_open(actor=self.oh_clinician, referral=referral)
        with pytest.raises(PermissionDenied):
            cases.case_triage(
                actor=self.police_clinician, case=case, priority="soon", clinician=self.oh_clinician
            )
        assert self.fresh(case).status == "referred"


class TestAdjustmentRecords(CaseTestCase):
    def test_the_case_opens_an_adjustment_record_hr_sees_without_clinical_content(self) -> None:
        case = self.assessed()
        record = cases.adjustment_record_create(
            actor=self.oh_clinician,
            case=case,
            what="Phased return: three days a week for four weeks.",
            starts_on=date(2026, 3, 16),
            review_on=date(2026, 4, 13),
        )
        assert (record.partner, record.employment, record.review_on) == (
            self.council,
            self.council_emp,
            date(2026, 4, 13),
        )
        assert list(selectors.adjustment_records_for(self.council_hr, partner=self.council)) == [record]
        for user in (self.manager, self.finance, self.union_rep, self.ada, self.police_hr):
            with pytest.raises(PermissionDenied):
                selectors.adjustment_records_for(user, partner=self.council)

    def test_an_adjustment_is_reviewed_after_it_starts(self) -> None:
        with pytest.raises(ValidationError) as caught:
            cases.adjustment_record_create(
                actor=self.oh_admin,
                case=self.assessed(),
                what="Later start",
                starts_on=date(2026, 3, 16),
                review_on=date(2026, 3, 1),
            )
        assert caught.value.message_dict == {
            "review_on": ["The review is on or after the day the adjustment starts."]
        }
        assert AdjustmentRecord.objects.for_partner(self.council).count() == 0
