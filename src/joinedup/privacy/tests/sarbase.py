"""Subject-access fixtures: Mary Seacole, employed by the council and the constabulary at once, with
records of each kind at each partner (terms, absence, payslips, a ticket, and at the council an
occupational-health case with a clinical note), and a DPO of the constabulary only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.partnership.models import Role
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.people.services import absence_request
from joinedup.privacy.models import SubjectAccessRequest
from joinedup.servicedesk.services import TicketIn, raise_ticket
from joinedup.wellbeing import cases, notes
from joinedup.wellbeing.models import Case
from joinedup.wellbeing.tests.casebase import CaseTestCase

CLINICAL = "Low mood since March; sertraline 50 mg started by GP."


def payslip(employment: Any, *, tax_year: int, period: int, pay_date: date, status: str) -> Payslip:
    run = PayRun.objects.create(
        partner_id=employment.partner_id,
        frequency="monthly",
        tax_year=tax_year,
        period=period,
        pay_date=pay_date,
        period_start=pay_date.replace(day=1),
        period_end=pay_date,
        status=status,
    )
    figures = dict.fromkeys(
        [
            "basic_pay",
            "gross_pay",
            "pensionable_pay",
            "pension_employee",
            "pension_employer",
            "taxable_pay",
            "taxable_pay_to_date",
            "tax",
            "tax_paid_to_date",
            "ni_pay",
            "ni_employee",
            "ni_employer",
            "student_loan",
            "postgraduate_loan",
            "net_pay",
        ],
        100000,
    )
    return Payslip.objects.create(
        partner_id=employment.partner_id,
        run=run,
        employment=employment,
        tax_code="1257L",
        ni_category="A",
        pension_scheme="lgps_main",
        **figures,
    )


class SarTestCase(CaseTestCase):
    police_dpo: Any
    mary_case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])
        mary_council, mary_police = cls.shared_person_council, cls.shared_person_police
        for employment in (mary_council, mary_police):
            absence_request(
                actor=cls.shared_hr,
                employment=employment,
                kind="annual_leave",
                start_date=date(2026, 8, 3),
                end_date=date(2026, 8, 7),
            )
            payslip(employment, tax_year=2025, period=12, pay_date=date(2026, 3, 27), status=RunStatus.PAID)
            payslip(
                employment, tax_year=2026, period=1, pay_date=date(2026, 4, 28), status=RunStatus.APPROVED
            )
            raise_ticket(
                actor=cls.mary,
                partner=employment.partner,
                details=TicketIn(
                    service="payroll",
                    ticket_type="query",
                    subject="My payslip",
                    description="Is my tax code right?",
                ),
            )
        referral = cases.referral_create(
            actor=cls.shared_hr,
            employment=mary_council,
            reason="Two periods of sickness absence.",
            consent_date=date(2026, 2, 2),
        )
        referral = cases.referral_send(actor=cls.shared_hr, referral=referral)
        case = cases.case_open(actor=cls.oh_admin, referral=referral)
        cls.mary_case = cases.case_triage(
            actor=cls.oh_admin, case=case, priority="soon", clinician=cls.oh_clinician
        )
        notes.note_add(actor=cls.oh_clinician, case=cls.mary_case, text=CLINICAL)

    # --- helpers --------------------------------------------------------------------------------

    @staticmethod
    def everything(model: type[models.Model], **lookup: Any) -> dict[int, set[Any]]:
        """Every row of ``model`` matching ``lookup`` across every partner, by partner: the truth the
        exports are compared with."""
        with rls.system_context("test: everything joinedup holds about one person"):
            rows = model.objects.unscoped(reason="test: everything about one person").filter(**lookup)  # type: ignore[attr-defined]
            found: dict[int, set[Any]] = {}
            for pk, partner_id in rows.values_list("pk", "partner_id"):
                found.setdefault(partner_id, set()).add(pk)
            return found

    @staticmethod
    def state(partner: Any) -> tuple[int, int]:
        return (
            SubjectAccessRequest.objects.for_partner(partner).count(),
            AuditEvent.objects.for_partner(partner).count(),
        )

    @staticmethod
    def refused(call: Any) -> bool:
        try:
            call()
        except PermissionDenied:
            return True
        return False
