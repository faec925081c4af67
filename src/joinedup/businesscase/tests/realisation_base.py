"""A business case gone live, with a year of ledger and people figures to realise it against.

On top of "One back office" (tests/base.py: the council's payroll baseline £450,000 a year, the
constabulary's £225,000, shared; a saving of £300 a year from year 1 split 60:40, a one-off set-up
cost of £1,000 with a 10% uplift): both partners approve version 1, and the case goes live on
1 April 2026. The council maps its cost centre CC-C-HR-01 (that of Ada Lovelace's post, FTE 1) to
payroll. Its ledger has:

- 2025/26, the twelve months before go-live: £36,000 a month of salaries (1000) on CC-C-HR-01,
  so the baseline drawn from the ledger is £432,000;
- April 2026: £30,000 of salaries on CC-C-HR-01, £1,000 of fees (9000, income: not a cost) on it,
  and £2,000 of salaries on an unmapped cost centre (CC-OTHER).

The shared service recharged the council £5,000 for payroll in April 2026. A redundancy payment of
£12,000.00 is in the council's approved April pay run, and one of £7,000.00 in a draft run (not
counted). The constabulary's ledger has no lines: it has reported no month.

Worked: the council's April baseline is £450,000 / 12 = £37,500.00; it spent £30,000.00 itself and
£5,000.00 in recharges, £35,000.00; saving £2,500.00. Planned: year 1's net recurring saving £300,
the council's 60% £180.00, a twelfth £15.00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from joinedup.businesscase import services
from joinedup.businesscase.tests.base import BusinessCaseTestCase
from joinedup.ledger.models import CostCentre
from joinedup.ledger.services import CostCentreInput, LineInput, journal_post, ledger_setup_partner
from joinedup.payroll.models import PayItem, PayItemTreatment, PayRun, Payslip, RunStatus
from joinedup.people.models import Employment
from joinedup.recharges.models import CostPool, RechargeLine, RechargeRun
from joinedup.testing.base import FIXTURES
from joinedup.testing.people import PeopleTestCase

LIVE = date(2026, 4, 1)


def _payslip(run: PayRun, employment: Employment) -> Payslip:
    zero = dict.fromkeys(
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
        0,
    )
    return Payslip.objects.create(
        partner=run.partner,
        run=run,
        employment=employment,
        tax_code="1257L",
        ni_category="A",
        pension_scheme="lgps_main",
        **zero,
    )


class RealisationTestCase(BusinessCaseTestCase, PeopleTestCase):
    mapped: CostCentre

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        version = services.latest_version(cls.case)
        for partner, user in ((cls.council, cls.council_finance), (cls.police, cls.police_finance)):
            services.decision_record(
                actor=user,
                version=version,
                partner=partner,
                outcome="approved",
                decided_on=date(2026, 1, 20),
                body="cabinet",
            )
        services.case_go_live(actor=cls.shared_finance, case=cls.case, live_from=LIVE)
        centres = [CostCentreInput("CC-C-HR-01", "Council HR"), CostCentreInput("CC-OTHER", "Other")]
        for year in (2025, 2026):
            for partner in (cls.council, cls.police):
                ledger_setup_partner(actor=FIXTURES, partner=partner, year=year, cost_centres=centres)
        cls.mapped = CostCentre.objects.for_partner(cls.council).get(code="CC-C-HR-01")
        services.cost_centre_functions_set(
            actor=cls.council_finance, partner=cls.council, mapping={cls.mapped.pk: "payroll"}
        )

        def post(on: date, lines: list[LineInput]) -> None:
            journal_post(actor=FIXTURES, partner=cls.council, date=on, lines=lines, description="test")

        for n in range(12):
            month = date(2025 + (3 + n) // 12, (3 + n) % 12 + 1, 15)
            post(
                month,
                [
                    LineInput("1000", debit=3_600_000, cost_centre="CC-C-HR-01"),
                    LineInput("B100", credit=3_600_000),
                ],
            )
        post(
            date(2026, 4, 20),
            [
                LineInput("1000", debit=3_000_000, cost_centre="CC-C-HR-01"),
                LineInput("1000", debit=200_000, cost_centre="CC-OTHER"),
                LineInput("B100", credit=3_200_000),
            ],
        )
        post(
            date(2026, 4, 21),
            [LineInput("B100", debit=100_000), LineInput("9000", credit=100_000, cost_centre="CC-C-HR-01")],
        )
        pool = CostPool.objects.create(partner=cls.shared, service="payroll", name="Payroll")
        run = RechargeRun.objects.create(partner=cls.shared, month=LIVE, total=500_000)
        RechargeLine.objects.create(
            partner=cls.shared,
            run=run,
            month=LIVE,
            charged_partner=cls.council,
            pool=pool,
            service="payroll",
            description="Payroll",
            quantity=Decimal(1),
            amount=500_000,
        )
        for status, period, amount in ((RunStatus.APPROVED, 1, "12000.00"), (RunStatus.DRAFT, 2, "7000.00")):
            start = date(2026, 3 + period, 1)
            pay_run = PayRun.objects.create(
                partner=cls.council,
                frequency="monthly",
                tax_year=2026,
                period=period,
                pay_date=start.replace(day=25),
                period_start=start,
                period_end=start.replace(day=28),
                status=status,
            )
            _payslip(pay_run, cls.council_emp)
            PayItem.objects.create(
                partner=cls.council,
                employment=cls.council_emp,
                kind="addition",
                code="redundancy",
                description="Redundancy payment",
                amount=Decimal(amount),
                start_date=start.replace(day=10),
                end_date=start.replace(day=10),
                treatment=PayItemTreatment.TERMINATION_AWARD,
            )
