"""Payments to a leaver after their P45 was issued (HMRC, GOV.UK 'Employees leaving your business:
paying an employee after giving them a P45'; Income Tax (PAYE) Regulations 2003 reg. 37):

- income tax on code 0T on a week 1/month 1 basis (S0T, C0T for Scottish and Welsh taxpayers);
- NI (none on a redundancy payment) and student loans as normal, but an irregular payment such as
  accrued holiday pay or an unexpected bonus on a week's earnings period (SSCR 2001 reg. 4(b)(ii),
  NIM08410), a payment in the regular pattern (overtime paid a month in arrears) on the usual one
  (reg. 3(5), NIM08400);
- reported on the next FPS with the original leaving date and payroll ID and the 'payment after
  leaving' indicator; no second P45.

The leaver here left on 20 November 2026, was paid to then in November, and was given a P45."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from joinedup.payroll.calculation import EmployeeInput, after_leaving
from joinedup.payroll.documents import fps_for_run
from joinedup.payroll.journal import build_journal
from joinedup.payroll.models import PayItem, PayItemTreatment, PayRun, Payslip
from joinedup.payroll.run_calculation import run_totals
from joinedup.payroll.selectors import first_open_pay_day
from joinedup.payroll.services import pay_item_add_one_off
from joinedup.payroll.tests.test_pay_runs import NOVEMBER
from joinedup.payroll.tests.test_year_end import YearEndTestCase
from joinedup.payroll.year_end import p45_issue
from joinedup.people.services import employment_end

LEFT = date(2026, 11, 20)
DECEMBER = date(2026, 12, 24)


class PaymentAfterLeavingCase(YearEndTestCase):
    def leave(self, *, p45: bool = True) -> Payslip:
        """End the employment on 20 November, approve November's pay, issue the P45."""
        employment_end(
            paid_to=None, actor=self.shared_hr, employment=self.council_emp, end_date=LEFT, reason="Left"
        )
        november = self.approved(NOVEMBER)
        if p45:
            p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        return self.slip(november, self.council_emp)

    def pay(self, amount: str, code: str, **options: object) -> PayItem:
        return pay_item_add_one_off(
            actor=self.payroll_officer,
            employment=self.council_emp,
            code=code,
            description=code.replace("_", " ").capitalize(),
            amount=Decimal(amount),
            paid_on=date(2026, 12, 10),
            reason="Owed on leaving",
            **options,  # type: ignore[arg-type]
        )

    def december(self) -> tuple[PayRun, Payslip]:
        run = self.calculated(pay_date=DECEMBER)
        return run, self.slip(run, self.council_emp)


class TestTaxAndNi(PaymentAfterLeavingCase):
    def test_a_bonus_after_the_p45_is_taxed_on_0t_month_1_and_its_ni_on_a_week(self) -> None:
        final = self.leave()
        self.pay("1000.00", "bonus")
        _, slip = self.december()
        assert (slip.tax_code, slip.week1_month1, slip.after_leaving) == ("0T", True, True)
        assert (slip.basic_pay, slip.gross_pay, slip.pension_employee) == (0, 100_000, 0)
        # 0T month 1: no free pay, 20% of £1,000 = £200.00.
        assert (slip.taxable_pay, slip.tax) == (100_000, 20_000)
        # NI on a week (2026-27 category A weekly PT £242, UEL £967, ST £96):
        # 8% x (967 - 242) + 2% x (1,000 - 967) = £58.66; employer 15% x (1,000 - 96) = £135.60.
        assert (slip.ni_frequency, slip.ni_employee, slip.ni_employer) == ("weekly", 5_866, 13_560)
        assert slip.net_pay == 100_000 - 20_000 - 5_866
        # The year to date goes on from the final pay (HMRC: add it to the year-to-date figures).
        assert slip.taxable_pay_to_date == final.taxable_pay_to_date + 100_000
        assert slip.tax_paid_to_date == final.tax_paid_to_date + 20_000

    def test_late_overtime_in_the_regular_pattern_keeps_the_monthly_earnings_period(self) -> None:
        self.leave()
        self.pay("500.00", "overtime", regular=True)
        _, slip = self.december()
        assert (slip.tax_code, slip.week1_month1, slip.tax) == ("0T", True, 10_000)  # 20% of £500
        # Monthly: below the PT of £1,048, so no employee NI; employer 15% x (500 - 417) = £12.45.
        assert (slip.ni_frequency, slip.ni_employee, slip.ni_employer) == ("", 0, 1_245)

    def test_a_regular_and_an_irregular_payment_together_are_one_regular_payment(self) -> None:
        self.leave()
        self.pay("500.00", "overtime", regular=True)
        self.pay("500.00", "bonus")
        _, slip = self.december()
        # Monthly on £1,000: employee nothing (PT £1,048); employer 15% x (1,000 - 417) = £87.45.
        assert (slip.ni_frequency, slip.ni_employee, slip.ni_employer) == ("", 0, 8_745)

    def test_a_redundancy_award_after_the_p45_is_taxed_on_0t_over_30000_with_class1a(self) -> None:
        self.leave()
        self.pay("40000.00", "redundancy", treatment=PayItemTreatment.TERMINATION_AWARD)
        run, slip = self.december()
        assert (slip.tax_code, slip.week1_month1, slip.gross_pay, slip.taxable_pay) == (
            "0T",
            True,
            4_000_000,
            1_000_000,
        )
        # 0T month 1 on £10,000: 20% of £3,141.6666… (37,700 / 12) + 40% of the rest
        # (£6,858.3333…) = £628.3333… + £2,743.3333… = £3,371.66 (down to the penny).
        assert slip.tax == 337_166
        # Not earnings for Class 1 (SSCR 2001 Sch. 3 Part X); the employer's Class 1A: 15% x £10,000.
        assert (slip.ni_pay, slip.ni_employee, slip.ni_employer, slip.ni_class1a) == (0, 0, 0, 150_000)
        assert slip.net_pay == 4_000_000 - 337_166
        assert run_totals(run)["ni_class1a"] == 150_000

    def test_a_scottish_or_welsh_taxpayer_keeps_their_prefix_on_0t(self) -> None:
        for code, expected in (("S1257L", "S0T"), ("C1257L", "C0T"), ("K100", "0T"), ("SBR", "S0T")):
            record = EmployeeInput(employment_id=1, basic_pence=0, tax_code=code)
            after_leaving(record, "monthly")
            assert (record.tax_code, record.week1_month1, record.ni_frequency) == (expected, True, "weekly")
        weekly = EmployeeInput(employment_id=1, basic_pence=0)
        after_leaving(weekly, "weekly")
        assert weekly.ni_frequency == ""  # a weekly-paid leaver's week is their own period


class TestWithoutAP45(PaymentAfterLeavingCase):
    def test_a_late_item_before_the_p45_is_paid_on_the_usual_code(self) -> None:
        self.leave(p45=False)
        self.pay("1000.00", "bonus")
        _, slip = self.december()
        assert (slip.tax_code, slip.week1_month1, slip.after_leaving, slip.ni_frequency) == (
            "1257L",
            False,
            False,
            "",
        )
        assert (slip.basic_pay, slip.gross_pay) == (0, 100_000)

    def test_a_leavers_recurring_items_stop_when_they_leave(self) -> None:
        PayItem.objects.create(
            partner=self.council,
            employment=self.council_emp,
            kind="addition",
            code="allowance",
            description="Standby allowance",
            amount=Decimal("50.00"),
            start_date=date(2026, 10, 1),
        )
        self.leave()
        run = self.calculated(pay_date=DECEMBER)
        assert (
            not Payslip.objects.for_partner(self.council)
            .filter(run=run, employment=self.council_emp)
            .exists()
        )


class TestReporting(PaymentAfterLeavingCase):
    def test_the_fps_reports_the_payment_after_leaving_with_the_original_leaving_date(self) -> None:
        self.leave()
        self.pay("40000.00", "redundancy", treatment=PayItemTreatment.TERMINATION_AWARD)
        december = self.approved(DECEMBER)
        root = ET.fromstring(fps_for_run(december))  # noqa: S314 — our own output
        [leaver] = [e for e in root.findall(".//{*}Employee") if e.findtext(".//{*}PayId") == "WCC000001"]
        assert leaver.findtext(".//{*}LeavingDate") == "2026-11-20"
        payment = leaver.find(".//{*}Payment")
        assert payment is not None
        assert payment.findtext("{*}PmtAfterLeaving") == "yes"
        code = payment.find("{*}TaxCode")
        assert code is not None and (code.text, code.get("BasisNonCumulative")) == ("0T", "yes")
        assert payment.findtext("{*}TaxDeductedOrRefunded") == "3371.66"
        # NIM13203: Class 1A on the award over £30,000 reported in real time, year to date.
        assert payment.findtext("{*}Class1ANICsYTD") == "1500.00"
        tags = [child.tag.split("}")[1] for child in payment]
        assert tags.index("PeriodsCovered") < tags.index("PmtAfterLeaving") < tags.index("HoursWorked")
        assert tags.index("TaxablePay") < tags.index("Class1ANICsYTD") < tags.index("TaxDeductedOrRefunded")
        others = [e for e in root.findall(".//{*}Employee") if e is not leaver]
        assert all(e.find(".//{*}PmtAfterLeaving") is None for e in others)
        assert all(e.find(".//{*}Class1ANICsYTD") is None for e in others)

    def test_the_journal_charges_class1a_as_an_employer_cost_owed_to_hmrc(self) -> None:
        self.leave()
        self.pay("40000.00", "redundancy", treatment=PayItemTreatment.TERMINATION_AWARD)
        run, slip = self.december()
        lines = build_journal(run)  # balances, or it raises
        assert sum(ln.debit for ln in lines if ln.account == "employer_class1a") == 150_000
        slips = Payslip.objects.for_partner(self.council).filter(run=run)
        owed = sum(s.tax + s.ni_employee + s.ni_employer + s.ni_class1a + s.student_loan for s in slips)
        assert sum(ln.credit for ln in lines if ln.account == "hmrc") == owed
        assert slip.ni_class1a == 150_000

    def test_the_p45_is_not_issued_again(self) -> None:
        self.leave()
        first = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        self.pay("1000.00", "bonus")
        self.approved(DECEMBER)
        again = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert (again.issued_now, again.figures) == (False, first.figures)


class TestTheFirstOpenPayDay(PaymentAfterLeavingCase):
    def test_a_day_in_a_closed_period_moves_past_every_closed_run_that_follows(self) -> None:
        assert first_open_pay_day(self.council_emp, LEFT) == LEFT
        self.calculated(pay_date=NOVEMBER)
        assert first_open_pay_day(self.council_emp, LEFT) == LEFT  # calculated, not approved
        PayRun.objects.for_partner(self.council).delete()
        self.approved(NOVEMBER)
        assert first_open_pay_day(self.council_emp, LEFT) == date(2026, 12, 1)
        self.approved(DECEMBER)
        assert first_open_pay_day(self.council_emp, LEFT) == date(2027, 1, 1)
        assert first_open_pay_day(self.council_emp, date(2027, 1, 5)) == date(2027, 1, 5)
