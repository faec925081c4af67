"""Health surveillance (issue 16): programmes on their statutory basis (rules/surveillance.toml),
enrolments, checks with their outcome category and next due date, the due, overdue and done lists
on a day, managers seeing their own team's status and never an outcome, another partner's records
not found, refusals that change nothing, and one audit event per change without the outcome."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.partnership.models import Role
from joinedup.people.models import Employment
from joinedup.wellbeing import surveillance_selectors as selectors
from joinedup.wellbeing.models import SurveillanceCheck, SurveillanceEnrolment, SurveillanceProgramme
from joinedup.wellbeing.schedule import Status
from joinedup.wellbeing.surveillance import (
    ProgrammeDetails,
    check_record,
    enrol,
    enrol_many,
    enrolment_end,
    programme_change,
    programme_create,
)
from joinedup.wellbeing.tests.survbase import SurveillanceTestCase


class TestProgrammes(SurveillanceTestCase):
    def test_a_hearing_programme_takes_hses_intervals_from_the_noise_basis(self) -> None:
        assert (
            self.hearing.interval_months,
            self.hearing.initial_interval_months,
            self.hearing.initial_checks,
        ) == (
            36,
            12,
            2,
        )
        assert self.audit_count(self.council, "wellbeing.surveillance_programme_created") == 1

    def test_a_night_worker_programme_needs_the_partner_to_set_its_interval(self) -> None:
        # Working Time Regulations 1998 reg 7: "at regular intervals of whatever duration may be
        # appropriate", no figure.
        with pytest.raises(ValidationError) as caught:
            programme_create(
                actor=self.oh_admin,
                partner=self.council,
                details=ProgrammeDetails(
                    code="NW", name="Night work", kind="night_worker", basis="night_worker"
                ),
            )
        assert caught.value.message_dict == {
            "interval_months": [
                "Working Time Regulations 1998 (SI 1998/1833) reg 7 sets no interval: "
                "enter the interval in months the partner has set."
            ]
        }

    def test_a_driver_medical_follows_the_dvla_age_bands(self) -> None:
        drivers = programme_create(
            actor=self.oh_clinician,
            partner=self.fire,
            details=ProgrammeDetails(code="hgv", name="HGV drivers", kind="driver", basis="driver_group2"),
        )
        assert (drivers.code, drivers.by_age, drivers.interval_months) == ("HGV", True, 60)

    def test_it_refuses_a_code_used_a_bad_basis_and_half_a_first_interval(self) -> None:
        with pytest.raises(ValidationError) as caught:
            programme_create(
                actor=self.oh_admin,
                partner=self.council,
                details=ProgrammeDetails(
                    code="noise", name=" ", kind="x", basis="vibes", interval_months=0, initial_checks=2
                ),
            )
        assert caught.value.message_dict == {
            "name": ["Enter the programme's name."],
            "kind": ["Choose the kind of surveillance from the list."],
            "basis": ["Choose the programme's basis from the list."],
            "interval_months": ["Enter an interval from 1 to 120 months."],
            "initial_checks": [
                "Give both a shorter first interval and how many checks it follows, or neither."
            ],
        }

    def test_a_manager_may_not_create_or_change_a_programme_and_nothing_changes(self) -> None:
        details = ProgrammeDetails(
            code="SPIRO", name="Spirometry", kind="spirometry", basis="coshh", interval_months=12
        )
        with pytest.raises(PermissionDenied):
            programme_create(actor=self.manager, partner=self.council, details=details)
        with pytest.raises(PermissionDenied):
            programme_change(
                actor=self.manager, programme=self.hearing, name="Renamed", interval_months=1, active=False
            )
        assert SurveillanceProgramme.objects.for_partner(self.council).count() == 1
        hearing = SurveillanceProgramme.objects.for_partner(self.council).get()
        assert (hearing.name, hearing.interval_months, hearing.active) == ("Hearing checks", 36, True)
        assert self.audit_count(self.council, "wellbeing.surveillance_programme_changed") == 0

    def test_a_change_is_audited_with_before_and_after(self) -> None:
        programme_change(
            actor=self.oh_admin, programme=self.hearing, name="Audiometry", interval_months=24, active=True
        )
        (event,) = self.audits(self.council, "wellbeing.surveillance_programme_changed")
        assert (event.before, event.after) == (
            {"name": "Hearing checks", "interval_months": 36, "active": True},
            {"name": "Audiometry", "interval_months": 24, "active": True},
        )

    def test_another_partners_programme_is_not_found_by_oh_staff_who_do_not_serve_it(self) -> None:
        council_oh = self.make_user("council.oh", [(self.council, Role.OH_ADMIN)])
        assert selectors.programme_for(council_oh, programme_id=self.hearing.pk) == self.hearing
        with pytest.raises(Http404):
            selectors.programme_for(council_oh, programme_id=self.nights.pk)
        with pytest.raises(Http404):
            selectors.programme_for(self.manager, programme_id=self.hearing.pk)


class TestChecks(SurveillanceTestCase):
    def enrol_ada(self, programme: SurveillanceProgramme | None = None) -> SurveillanceEnrolment:
        return enrol(
            actor=self.oh_admin,
            programme=programme or self.hearing,
            employment=self.council_emp,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 1, 31),
        )

    def test_a_check_records_its_outcome_category_and_the_next_due_date(self) -> None:
        enrolment = self.enrol_ada()
        check = check_record(
            actor=self.oh_clinician, enrolment=enrolment, done_on=date(2025, 1, 31), outcome="fit"
        )
        assert (check.done_on, check.outcome, check.next_due_on) == (
            date(2025, 1, 31),
            "fit",
            date(2026, 1, 31),
        )
        assert (check.recorded_by_label, check.recorded_as) == ("oh.clinician", "oh_clinician")
        assert self.reload(enrolment).next_due_on == date(2026, 1, 31)
        second = check_record(
            actor=self.oh_admin, enrolment=enrolment, done_on=date(2026, 1, 30), outcome="fit"
        )
        third = check_record(
            actor=self.oh_admin, enrolment=enrolment, done_on=date(2026, 6, 1), outcome="referred"
        )
        # HSE: a year apart for the first two years, then three-yearly.
        assert (second.next_due_on, second.recorded_as) == (date(2027, 1, 30), "oh_admin")
        assert third.next_due_on == date(2029, 6, 1)

    def test_31_january_plus_a_one_month_interval_is_due_on_28_february(self) -> None:
        monthly = programme_create(
            actor=self.oh_admin,
            partner=self.council,
            details=ProgrammeDetails(
                code="SKIN", name="Skin checks", kind="skin", basis="coshh", interval_months=1
            ),
        )
        enrolment = self.enrol_ada(monthly)
        check = check_record(
            actor=self.oh_admin, enrolment=enrolment, done_on=date(2025, 1, 31), outcome="fit"
        )
        assert check.next_due_on == date(2025, 2, 28)

    def test_a_drivers_next_medical_follows_their_age(self) -> None:
        drivers = programme_create(
            actor=self.oh_admin,
            partner=self.council,
            details=ProgrammeDetails(code="HGV", name="HGV drivers", kind="driver", basis="driver_group2"),
        )
        enrolment = self.enrol_ada(drivers)  # born 14 March 1985: 39 at the check
        check = check_record(
            actor=self.oh_admin, enrolment=enrolment, done_on=date(2025, 1, 31), outcome="fit"
        )
        assert check.next_due_on == date(2030, 3, 14)  # her 45th birthday

    def test_the_audit_event_of_a_check_never_holds_its_outcome(self) -> None:
        enrolment = self.enrol_ada()
        check = check_record(
            actor=self.oh_clinician, enrolment=enrolment, done_on=date(2025, 1, 31), outcome="not_fit"
        )
        (event,) = self.audits(self.council, "wellbeing.surveillance_check_recorded")
        assert event.before == {"next_due_on": "2025-01-31"}
        assert event.after == {"check": check.pk, "done_on": "2025-01-31", "next_due_on": "2026-01-31"}
        assert "not_fit" not in str(event.before) + str(event.after)
        assert self.audit_count(self.council, "wellbeing.surveillance_enrolled") == 1

    def test_it_refuses_a_check_out_of_order_and_nothing_changes(self) -> None:
        enrolment = self.enrol_ada()
        check_record(actor=self.oh_admin, enrolment=enrolment, done_on=date(2025, 2, 3), outcome="fit")
        for done_on, outcome, message in [
            (
                date(2025, 2, 3),
                "fit",
                {"done_on": ["The last check was on 3 February 2025: a new one is recorded after it."]},
            ),
            (
                date(2025, 1, 5),
                "fit",
                {"done_on": ["A check cannot be dated before the enrolment started on 6 January 2025."]},
            ),
            (
                date(2099, 1, 1),
                "great",
                {
                    "outcome": ["Choose the outcome from the list."],
                    "done_on": ["A check cannot be recorded before it is done."],
                },
            ),
        ]:
            with pytest.raises(ValidationError) as caught:
                check_record(actor=self.oh_admin, enrolment=enrolment, done_on=done_on, outcome=outcome)
            assert caught.value.message_dict == message
        assert SurveillanceCheck.objects.for_partner(self.council).count() == 1
        assert self.reload(enrolment).next_due_on == date(2026, 2, 3)
        assert self.audit_count(self.council, "wellbeing.surveillance_check_recorded") == 1

    def test_a_manager_may_not_record_a_check_and_nothing_changes(self) -> None:
        enrolment = self.enrol_ada()
        with pytest.raises(PermissionDenied):
            check_record(actor=self.manager, enrolment=enrolment, done_on=date(2025, 1, 31), outcome="fit")
        with pytest.raises(PermissionDenied):
            enrolment_end(actor=self.manager, enrolment=enrolment, ended_on=date(2025, 3, 1), reason="Moved")
        assert SurveillanceCheck.objects.for_partner(self.council).count() == 0
        assert (self.reload(enrolment).next_due_on, self.reload(enrolment).ended_on) == (
            date(2025, 1, 31),
            None,
        )
        assert self.audit_count(self.council, "wellbeing.surveillance_check_recorded") == 0

    def test_oh_staff_of_another_partner_may_not_enrol_and_nothing_changes(self) -> None:
        police_oh = self.make_user("police.oh", [(self.police, Role.OH_ADMIN)])
        with pytest.raises(PermissionDenied):
            enrol(
                actor=police_oh,
                programme=self.hearing,
                employment=self.council_emp,
                first_due_on=date(2025, 2, 1),
            )
        assert SurveillanceEnrolment.objects.for_partner(self.council).count() == 0

    def test_it_refuses_another_partners_employment_and_a_second_open_enrolment(self) -> None:
        with pytest.raises(ValidationError) as caught:
            enrol(
                actor=self.oh_admin,
                programme=self.hearing,
                employment=self.police_emp,
                first_due_on=date(2025, 2, 1),
            )
        assert caught.value.message_dict == {
            "employment": ["WPOL000001 is not employed by this programme's partner."]
        }
        self.enrol_ada()
        with pytest.raises(ValidationError) as caught:
            self.enrol_ada()
        assert caught.value.message_dict == {
            "employment": ["Ada Lovelace is already enrolled in Hearing checks."]
        }
        assert SurveillanceEnrolment.objects.for_partner(self.council).count() == 1

    def test_an_ended_enrolment_takes_no_later_check_and_may_be_enrolled_again(self) -> None:
        enrolment = self.enrol_ada()
        enrolment_end(
            actor=self.oh_admin, enrolment=enrolment, ended_on=date(2025, 6, 30), reason="Moved to the office"
        )
        with pytest.raises(ValidationError) as caught:
            check_record(actor=self.oh_admin, enrolment=enrolment, done_on=date(2025, 7, 1), outcome="fit")
        assert caught.value.message_dict == {"done_on": ["The enrolment ended on 30 June 2025."]}
        again = enrol(
            actor=self.oh_admin,
            programme=self.hearing,
            employment=self.council_emp,
            enrolled_on=date(2026, 1, 5),
            first_due_on=date(2026, 1, 5),
        )
        assert again.pk != enrolment.pk
        assert self.audit_count(self.council, "wellbeing.surveillance_enrolment_ended") == 1

    def test_everyone_with_a_job_title_is_enrolled_at_once_with_one_audit_event(self) -> None:
        firefighters = [
            self.hire(self.fire, "Sam", "Jones", "AA111111A", "FIRE000001"),
            self.hire(self.fire, "Jo", "Bloggs", "AA333333C", "FIRE000002"),
        ]
        Employment.objects.for_partner(self.fire).filter(pk__in=[e.pk for e in firefighters]).update(
            job_title="Firefighter"
        )
        fitness = programme_create(
            actor=self.oh_admin,
            partner=self.fire,
            details=ProgrammeDetails(
                code="FIT", name="Fitness test", kind="fitness", basis="fitness", interval_months=12
            ),
        )
        found = selectors.employments_with_job_title(
            self.oh_admin, partner=self.fire, job_title="firefighter", on=date(2025, 4, 1)
        )
        made = enrol_many(
            actor=self.oh_admin,
            programme=fitness,
            employments=found,
            enrolled_on=date(2025, 4, 1),
            first_due_on=date(2025, 5, 1),
        )
        assert [e.employment.payroll_number for e in made] == ["FIRE000001", "FIRE000002"]
        (event,) = self.audits(self.fire, "wellbeing.surveillance_enrolled_many")
        assert event.after == {
            "employments": ["FIRE000001", "FIRE000002"],
            "enrolled_on": "2025-04-01",
            "first_due_on": "2025-05-01",
        }


class TestLists(SurveillanceTestCase):
    """Ada (Maggie's team) checked on 1 February 2025, next due 1 February 2026; Mary (not in the
    team) never checked, first due 15 March 2025; both enrolled on 6 January 2025."""

    ada: SurveillanceEnrolment
    mary: SurveillanceEnrolment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = enrol(
            actor=cls.oh_admin,
            programme=cls.hearing,
            employment=cls.council_emp,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 2, 1),
        )
        check_record(
            actor=cls.oh_clinician, enrolment=cls.ada, done_on=date(2025, 2, 1), outcome="fit_restricted"
        )
        cls.mary = enrol(
            actor=cls.oh_admin,
            programme=cls.hearing,
            employment=cls.shared_person_council,
            enrolled_on=date(2025, 1, 6),
            first_due_on=date(2025, 3, 15),
        )

    def statuses(self, as_of: date, user: object = None) -> list[tuple[str, Status, date, date | None]]:
        rows = selectors.surveillance_list(user or self.oh_admin, partner=self.council, as_of=as_of)
        return [(r.name, r.status, r.next_due_on, r.last_done_on) for r in rows]

    def test_on_the_due_date_it_is_due_and_the_day_after_overdue(self) -> None:
        assert self.statuses(date(2025, 3, 15)) == [
            ("Mary Seacole", Status.DUE, date(2025, 3, 15), None),
            ("Ada Lovelace", Status.DONE, date(2026, 2, 1), date(2025, 2, 1)),
        ]
        assert self.statuses(date(2025, 3, 16))[0] == (
            "Mary Seacole",
            Status.OVERDUE,
            date(2025, 3, 15),
            None,
        )

    def test_due_opens_30_days_before_the_due_date(self) -> None:
        assert self.statuses(date(2025, 2, 13))[0][1] == Status.DUE
        assert self.statuses(date(2025, 2, 12))[0][1] == Status.UPCOMING

    def test_a_past_day_is_read_from_the_checks_done_by_then(self) -> None:
        # On 31 January 2025 Ada's first check (1 February) was due and not yet done.
        assert self.statuses(date(2025, 1, 31)) == [
            ("Ada Lovelace", Status.DUE, date(2025, 2, 1), None),
            ("Mary Seacole", Status.UPCOMING, date(2025, 3, 15), None),
        ]
        assert self.statuses(date(2025, 1, 5)) == []  # before either was enrolled

    def test_the_lists_filter_by_status_and_oh_sees_the_outcome_category(self) -> None:
        overdue = selectors.surveillance_list(
            self.oh_admin, partner=self.council, as_of=date(2025, 4, 1), status="overdue"
        )
        assert [r.name for r in overdue] == ["Mary Seacole"]
        done = selectors.surveillance_list(
            self.oh_clinician, partner=self.council, as_of=date(2025, 4, 1), status="done"
        )
        assert [(r.name, r.last_outcome) for r in done] == [("Ada Lovelace", "fit_restricted")]
        rows = selectors.surveillance_list(self.oh_admin, partner=self.council, as_of=date(2025, 4, 1))
        assert selectors.status_counts(rows) == {"overdue": 1, "due": 0, "done": 1, "upcoming": 0}

    def test_a_manager_sees_only_their_team_and_never_an_outcome(self) -> None:
        rows = selectors.team_surveillance(self.manager, as_of=date(2025, 4, 1))
        assert [(r.name, r.programme, r.status, r.next_due_on, r.last_done_on) for r in rows] == [
            ("Ada Lovelace", "Hearing checks", Status.DONE, date(2026, 2, 1), date(2025, 2, 1))
        ]
        assert "last_outcome" not in {f.name for f in fields(rows[0])}
        assert "fit_restricted" not in repr(rows)
        assert (
            selectors.team_surveillance(self.manager, as_of=date(2026, 2, 2), status="overdue")[0].name
            == "Ada Lovelace"
        )

    def test_a_manager_may_not_read_the_partners_list_and_someone_who_manages_no_one_sees_nothing(
        self,
    ) -> None:
        with pytest.raises(PermissionDenied):
            selectors.surveillance_list(self.manager, partner=self.council, as_of=date(2025, 4, 1))
        police_manager = self.make_user("police.manager", [(self.police, Role.MANAGER)])
        assert selectors.team_surveillance(police_manager, as_of=date(2025, 4, 1)) == []
        with pytest.raises(Http404):
            selectors.enrolment_for(self.manager, enrolment_id=self.ada.pk)

    def test_oh_staff_of_another_partner_find_neither_the_enrolment_nor_its_checks(self) -> None:
        police_oh = self.make_user("police.oh", [(self.police, Role.OH_CLINICIAN)])
        with pytest.raises(Http404):
            selectors.checks_of(police_oh, enrolment_id=self.ada.pk)
        assert [
            (c.done_on, c.outcome) for c in selectors.checks_of(self.oh_clinician, enrolment_id=self.ada.pk)
        ] == [(date(2025, 2, 1), "fit_restricted")]

    def test_oh_lists_one_team_and_the_checks_done_in_a_period(self) -> None:
        # Ada holds a post in Council HR; Mary is recorded in no unit.
        team = selectors.surveillance_list(
            self.oh_admin, partner=self.council, as_of=date(2025, 4, 1), org_unit_id=self.council_unit.pk
        )
        assert [r.name for r in team] == ["Ada Lovelace"]
        done = selectors.checks_done(
            self.oh_admin, partner=self.council, since=date(2025, 2, 1), until=date(2025, 2, 28)
        )
        assert [(c.name, c.done_on, c.outcome, c.recorded_by, c.next_due_on) for c in done] == [
            ("Ada Lovelace", date(2025, 2, 1), "fit_restricted", "oh.clinician", date(2026, 2, 1))
        ]
        assert (
            selectors.checks_done(
                self.oh_admin, partner=self.council, since=date(2025, 2, 2), until=date(2025, 3, 1)
            )
            == []
        )
        with pytest.raises(PermissionDenied):
            selectors.checks_done(
                self.manager, partner=self.council, since=date(2025, 1, 1), until=date(2025, 12, 31)
            )

    def test_oh_reads_one_persons_programmes_and_oh_of_another_partner_finds_no_such_person(self) -> None:
        rows = selectors.surveillance_of_employment(
            self.oh_clinician, employment_id=self.council_emp.pk, as_of=date(2025, 4, 1)
        )
        assert [(r.programme, r.status, r.last_outcome) for r in rows] == [
            ("Hearing checks", Status.DONE, "fit_restricted")
        ]
        police_oh = self.make_user("police.oh", [(self.police, Role.OH_CLINICIAN)])
        with pytest.raises(Http404):
            selectors.surveillance_of_employment(
                police_oh, employment_id=self.council_emp.pk, as_of=date(2025, 4, 1)
            )
        with pytest.raises(Http404):
            selectors.surveillance_of_employment(
                self.manager, employment_id=self.council_emp.pk, as_of=date(2025, 4, 1)
            )

    def test_a_person_sees_their_own_surveillance_with_its_outcomes_and_nobody_elses(self) -> None:
        # Their own health record (UK GDPR Art. 15; Noise 2005 reg 9(3)).
        ada = self.make_user("ada.lovelace", [(self.council, Role.EMPLOYEE)])
        person = self.council_emp.person
        person.user = ada
        person.save()
        rows = selectors.own_surveillance(ada, as_of=date(2025, 4, 1))
        assert [(r.name, r.programme, r.last_outcome) for r in rows] == [
            ("Ada Lovelace", "Hearing checks", "fit_restricted")
        ]
        assert selectors.own_surveillance(self.manager, as_of=date(2025, 4, 1)) == []
        assert selectors.own_surveillance(self.oh_admin, as_of=date(2025, 4, 1)) == []
