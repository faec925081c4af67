"""Work waiting on two partners: the council's, which its users' tiles count, and the police's,
the same kinds of rows again, which no council tile may count. Counts are read on ``TODAY``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from joinedup.change.consultation_services import consultation_open
from joinedup.change.services import programme_create
from joinedup.ledger.models import Journal, JournalSource, Period
from joinedup.ledger.services import LineInput, journal_post
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Partner, Role
from joinedup.payroll.models import FlagKind, FlagStatus, PayRun, Payslip, RunKind, RunStatus, VarianceFlag
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    ChargeStatus,
    Employment,
    Person,
    Secondment,
)
from joinedup.people.services import employment_change_terms
from joinedup.privacy.sar import sar_log
from joinedup.servicedesk.services import TicketIn, raise_ticket
from joinedup.wellbeing import cases

TODAY = date(2026, 11, 20)

FIGURES = [
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
]

# Every role, for the user whose home page holds every section.
EVERY_ROLE = [
    Role.PAYROLL_OFFICER,
    Role.PAYROLL_APPROVER,
    Role.HR_OFFICER,
    Role.FINANCE_OFFICER,
    Role.MANAGER,
    Role.EMPLOYEE,
    Role.SERVICE_ADMIN,
    Role.DATA_PROTECTION_OFFICER,
    Role.UNION_REP,
    Role.SERVICE_DESK_AGENT,
    Role.OH_CLINICIAN,
    Role.OH_ADMIN,
    Role.PURCHASING_OFFICER,
    Role.VIEWER,
]


def run(
    partner: Partner, *, period: int, pay_date: date, status: str, by: Any = None, **extra: Any
) -> PayRun:
    return PayRun.objects.create(
        partner=partner,
        frequency="monthly",
        tax_year=2026,
        period=period,
        pay_date=pay_date,
        period_start=pay_date.replace(day=1),
        period_end=(pay_date.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
        status=status,
        calculated_by=by,
        **extra,
    )


def payslip(pay_run: PayRun, employment: Employment, gross_pence: int = 250_000) -> Payslip:
    figures = dict.fromkeys(FIGURES, 100_000)
    figures["gross_pay"] = gross_pence
    return Payslip.objects.create(
        partner=pay_run.partner,
        run=pay_run,
        employment=employment,
        tax_code="1257L",
        ni_category="A",
        pension_scheme="lgps_main",
        **figures,
    )


class WorkWaitingTestCase(LedgerTestCase):
    council_payroll: Any
    council_approver: Any
    police_payroll: Any
    council_manager: Any
    council_everything: Any
    police_employee: Any
    council_leaver: Employment
    police_leaver: Employment
    calculated: PayRun

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.council_approver = cls.make_user("council.approver", [(cls.council, Role.PAYROLL_APPROVER)])
        cls.police_payroll = cls.make_user(
            "police.payroll", [(cls.police, Role.PAYROLL_OFFICER), (cls.police, Role.PAYROLL_APPROVER)]
        )
        cls.council_manager = cls.make_user("council.manager", [(cls.council, Role.MANAGER)])
        cls.council_everything = cls.make_user("council.everything", [(cls.council, r) for r in EVERY_ROLE])
        cls.police_employee = cls.make_user("police.employee", [(cls.police, Role.EMPLOYEE)])
        for partner in (cls.council, cls.police):
            cls.make_work(partner)
        cls.council_leaver = Employment.objects.for_partner(cls.council).get(payroll_number="WCC-LEAVER")
        cls.police_leaver = Employment.objects.for_partner(cls.police).get(payroll_number="WPOL-LEAVER")
        cls.calculated = PayRun.objects.for_partner(cls.council).get(
            kind=RunKind.SUPPLEMENTARY, calculated_by=cls.council_payroll
        )
        # The employee's own record, and the manager's.
        Person.objects.for_partner(cls.council).filter(pk=cls.council_emp.person_id).update(
            user=cls.council_employee
        )
        Person.objects.for_partner(cls.council).filter(pk=cls.shared_person_council.person_id).update(
            user=cls.council_manager
        )

    @classmethod
    def make_work(cls, partner: Partner) -> None:
        """The same work on each partner: runs in every state, a leaver without a P45, a starter,
        a change of terms, leave to decide, a secondment ending, a vacant post, a journal."""
        council = partner == cls.council
        emp, other = (
            (cls.council_emp, cls.shared_person_council)
            if council
            else (cls.police_emp, cls.shared_person_police)
        )
        code = partner.code
        payroll_user = cls.council_payroll if council else cls.police_payroll
        # People. A leaver who left last month; a starter this month; a leaver at the end of this
        # month (a leaver this month, and an employment ending within 60 days).
        leaver = cls.hire(
            partner,
            "Tim",
            "Berners",
            "AA112233A" if council else "AA112244A",
            f"{code}-LEAVER",
            start=date(2025, 1, 6),
        )
        Employment.objects.for_partner(partner).filter(pk=leaver.pk).update(end_date=date(2026, 10, 31))
        cls.hire(
            partner,
            "Alan",
            "Turing",
            "AB223344B" if council else "AB223355B",
            f"{code}-STARTER",
            start=date(2026, 11, 2),
        )
        Employment.objects.for_partner(partner).filter(pk=other.pk).update(end_date=date(2026, 11, 30))
        # The line manager's change of terms this month puts ``emp`` in ``other``'s team.
        employment_change_terms(
            actor=cls.shared_hr,
            employment=emp,
            effective_from=date(2026, 11, 1),
            reason="New line manager",
            changes={"line_manager": other},
        )
        Absence.objects.create(
            partner=partner,
            employment=emp,
            kind=AbsenceKind.ANNUAL_LEAVE,
            start_date=date(2026, 12, 21),
            end_date=date(2026, 12, 23),
            working_days=Decimal(3),
            status=AbsenceStatus.REQUESTED,
        )
        Absence.objects.create(
            partner=partner,
            employment=emp,
            kind=AbsenceKind.SICKNESS,
            start_date=date(2026, 11, 19),
            end_date=date(2026, 11, 21),
            working_days=Decimal(3),
            status=AbsenceStatus.RECORDED,
        )
        Secondment.objects.create(
            partner=partner,
            employment=emp,
            host_partner=cls.fire,
            role_title="Fire HR lead",
            start_date=date(2026, 6, 1),
            end_date=date(2026, 12, 31),
            status=ChargeStatus.APPROVED,
        )
        unit = cls.council_unit if council else cls.police_unit
        cls.make_post(partner, unit, f"{code}-VACANT", "Vacant adviser", Decimal(1))
        # Runs: paid (journal posted), approved (journal waiting, paid the leaver), calculated
        # with an open flag (approval waiting), draft (paying in five days).
        paid = run(partner, period=6, pay_date=date(2026, 9, 28), status=RunStatus.PAID, by=payroll_user)
        payslip(paid, emp)
        approved = run(
            partner, period=7, pay_date=date(2026, 10, 28), status=RunStatus.APPROVED, by=payroll_user
        )
        payslip(approved, emp)
        payslip(approved, leaver)
        calculated = run(
            partner,
            period=8,
            pay_date=date(2026, 12, 20),
            status=RunStatus.CALCULATED,
            by=payroll_user,
            kind=RunKind.SUPPLEMENTARY,
        )
        payslip(calculated, emp)
        VarianceFlag.objects.create(
            partner=partner,
            run=calculated,
            employment=emp,
            kind=FlagKind.TAX_CODE_CHANGED,
            detail="1257L to BR",
        )
        VarianceFlag.objects.create(
            partner=partner,
            run=calculated,
            employment=emp,
            kind=FlagKind.NET_CHANGE,
            detail="+12%",
            status=FlagStatus.ACCEPTED,
        )
        run(partner, period=8, pay_date=date(2026, 11, 25), status=RunStatus.DRAFT)
        september = Period.objects.for_partner(partner).get(start_date=date(2026, 9, 1))
        Journal.objects.create(
            partner=partner,
            period=september,
            date=date(2026, 9, 28),
            source=JournalSource.PAYROLL_RUN,
            idempotency_key=f"payroll-run:{paid.pk}",
            description="Payroll September",
            posted_at=datetime(2026, 9, 28, 12, tzinfo=UTC),
        )
        finance = cls.council_finance if council else cls.police_finance
        journal_post(
            actor=finance,
            partner=partner,
            date=date(2026, 11, 10),
            lines=[
                LineInput(
                    account="4200", debit=1234, cost_centre="HR" if council else "FIN", description="Paper"
                ),
                LineInput(account="B100", credit=1234),
            ],
            description="Paper",
        )
        # Two tickets nobody has picked up; a referral sent to occupational health; a consultation.
        requester = cls.council_everything if council else cls.police_employee
        for subject in ("Laptop will not start", "Password reset"):
            raise_ticket(
                actor=requester,
                partner=partner,
                details=TicketIn(
                    service="ict",
                    ticket_type="incident",
                    subject=subject,
                    description="Since this morning.",
                    impact="low",
                    urgency="high",
                ),
            )
        made = cases.referral_create(
            actor=cls.shared_hr,
            employment=emp,
            reason="Three periods of sickness absence this year.",
            questions="Is she fit for her role?",
            consent_date=date(2026, 11, 2),
            see_report_first=False,
        )
        cases.referral_send(actor=cls.shared_hr, referral=made)
        programme = programme_create(
            actor=cls.shared_hr,
            partner=partner,
            name="Back-office restructure",
            owner=cls.shared_hr,
            start_date=date(2026, 9, 1),
        )
        consultation_open(
            actor=cls.shared_hr,
            programme=programme,
            partner=partner,
            start_date=date(2026, 10, 1),
            reasons="Merging the HR teams of the partners.",
        )
        # A subject-access request received long ago (overdue) and one received this week.
        sar_log(actor=cls.shared_dpo, partner=partner, person_id=emp.person_id, received_on=date(2026, 8, 3))
        sar_log(
            actor=cls.shared_dpo, partner=partner, person_id=emp.person_id, received_on=date(2026, 11, 16)
        )
