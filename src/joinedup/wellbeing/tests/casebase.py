"""Occupational-health case fixtures on the people fixtures: Ada (council) with her line manager
Maggie, Mary (council and constabulary), a manager with no team, a clinician of the constabulary
only, a finance officer, and helpers that take a case from referral to assessment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.people.services import employment_change_terms
from joinedup.testing.people import PeopleTestCase
from joinedup.wellbeing import cases, reports
from joinedup.wellbeing.models import Appointment, Case, OutcomeReport, Referral

NOTE = "Low mood since March; sleeping four hours a night; sertraline 50 mg started by GP."
ADJUSTMENTS = "A phased return over four weeks, starting at three days a week."
APPOINTMENT_AT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


class CaseTestCase(PeopleTestCase):
    ada: Any
    mary: Any
    manager: Any
    other_manager: Any
    police_clinician: Any
    finance: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = cls.make_user("ada.lovelace", [(cls.council, Role.EMPLOYEE)])
        cls.link(cls.council_emp, cls.ada)
        cls.mary = cls.make_user("mary.seacole", [(cls.council, Role.EMPLOYEE), (cls.police, Role.EMPLOYEE)])
        cls.link(cls.shared_person_council, cls.mary)
        cls.manager = cls.make_user(
            "maggie.manager", [(cls.council, Role.MANAGER), (cls.council, Role.EMPLOYEE)]
        )
        managing = cls.hire(cls.council, "Maggie", "Manager", "AA222222B", "WCC000099")
        cls.link(managing, cls.manager)
        employment_change_terms(
            actor=cls.shared_hr,
            employment=cls.council_emp,
            effective_from=date(2024, 1, 1),
            reason="New manager",
            changes={"line_manager": managing},
        )
        cls.other_manager = cls.make_user("mo.manager", [(cls.council, Role.MANAGER)])
        cls.police_clinician = cls.make_user("police.clinician", [(cls.police, Role.OH_CLINICIAN)])
        cls.finance = cls.make_user("council.finance", [(cls.council, Role.FINANCE_OFFICER)])

    @staticmethod
    def link(employment: Any, user: Any) -> None:
        person = employment.person
        person.user = user
        person.save()

    # --- taking a case along -------------------------------------------------------------------

    def referral(self, *, see_first: bool = False, by: Any = None, employment: Any = None) -> Referral:
        made = cases.referral_create(
            actor=by or self.manager,
            employment=employment or self.council_emp,
            reason="Three periods of sickness absence this year; struggling at work.",
            questions="Is she fit for her role? What adjustments would help?",
            consent_date=date(2026, 2, 2),
            see_report_first=see_first,
        )
        return cases.referral_send(actor=by or self.manager, referral=made)

    def opened(self, **kwargs: Any) -> Case:
        return cases.case_open(actor=self.oh_admin, referral=self.referral(**kwargs))

    def assessed(self, **kwargs: Any) -> Case:
        case = self.opened(**kwargs)
        case = cases.case_triage(actor=self.oh_admin, case=case, priority="soon", clinician=self.oh_clinician)
        appointment = cases.appointment_book(
            actor=self.oh_admin, case=case, starts_at=APPOINTMENT_AT, mode="video"
        )
        cases.appointment_record(actor=self.oh_admin, appointment=appointment, status="attended")
        return Case.objects.for_partner(case.partner_id).get(pk=case.pk)

    def written(self, **kwargs: Any) -> OutcomeReport:
        case = self.assessed(**kwargs)
        return reports.report_write(
            actor=self.oh_clinician,
            case=case,
            outcome="fit_with_adjustments",
            adjustments=ADJUSTMENTS,
            expected_return=date(2026, 3, 16),
            review_date=date(2026, 6, 1),
        )

    @staticmethod
    def fresh(case: Case) -> Case:
        return Case.objects.for_partner(case.partner_id).get(pk=case.pk)

    @staticmethod
    def appointments(case: Case) -> list[tuple[str, str]]:
        found = Appointment.objects.for_partner(case.partner_id).filter(case=case).order_by("pk")
        return [(a.mode, a.status) for a in found]

    @staticmethod
    def audit_actions(partner: Any) -> list[str]:
        found = AuditEvent.objects.for_partner(partner).filter(action__startswith="wellbeing.")
        return list(found.order_by("seq").values_list("action", flat=True))
