"""Health-surveillance fixtures on the people fixtures: a council line manager (Maggie) whose team
is Ada, a police manager with no team here, a hearing programme at the council (the noise basis's
intervals) and a night-worker programme at the police, and OH's clinician and administrator on
every partner (the shared test base)."""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner, Role
from joinedup.people.models import Employment
from joinedup.people.services import employment_change_terms
from joinedup.testing.people import PeopleTestCase
from joinedup.wellbeing.models import SurveillanceEnrolment, SurveillanceProgramme
from joinedup.wellbeing.surveillance import ProgrammeDetails, programme_create


class SurveillanceTestCase(PeopleTestCase):
    manager: Any
    managing: Employment
    hearing: SurveillanceProgramme
    nights: SurveillanceProgramme

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.manager = cls.make_user(
            "maggie.manager", [(cls.council, Role.MANAGER), (cls.council, Role.EMPLOYEE)]
        )
        cls.managing = cls.hire(cls.council, "Maggie", "Manager", "AA222222B", "WCC000099")
        person = cls.managing.person
        person.user = cls.manager
        person.save()
        employment_change_terms(
            actor=cls.shared_hr,
            employment=cls.council_emp,
            effective_from=date(2024, 1, 1),
            reason="New manager",
            changes={"line_manager": cls.managing},
        )
        cls.hearing = programme_create(
            actor=cls.oh_admin,
            partner=cls.council,
            details=ProgrammeDetails(code="NOISE", name="Hearing checks", kind="audiometry", basis="noise"),
        )
        cls.nights = programme_create(
            actor=cls.oh_admin,
            partner=cls.police,
            details=ProgrammeDetails(
                code="NIGHTS",
                name="Night-worker assessment",
                kind="night_worker",
                basis="night_worker",
                interval_months=12,
            ),
        )

    def audit_count(self, partner: Partner, action: str) -> int:
        return AuditEvent.objects.for_partner(partner).filter(action=action).count()

    def audits(self, partner: Partner, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.for_partner(partner).filter(action=action).order_by("pk"))

    def reload(self, enrolment: SurveillanceEnrolment) -> SurveillanceEnrolment:
        return SurveillanceEnrolment.objects.for_partner(enrolment.partner_id).get(pk=enrolment.pk)
