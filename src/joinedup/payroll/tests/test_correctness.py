"""Issue 20, payroll correctness: NI categories against age, pay dates, BACS processing days and
the payment posted when a run is marked paid."""

from __future__ import annotations

import csv
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum

from joinedup.audit.models import AuditEvent
from joinedup.core.money import gbp
from joinedup.ledger.models import Journal, JournalLine, Period, PeriodStatus
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner
from joinedup.payroll import calculation, variance
from joinedup.payroll.documents import bacs_file, fps_for_run, payment_record, payslip_pdf_bytes
from joinedup.payroll.models import (
    FlagKind,
    FlagStatus,
    PayRun,
    RunStatus,
    TakeOnBalance,
    TakeOnNi,
    VarianceFlag,
)
from joinedup.payroll.payments import post_payment_later
from joinedup.payroll.services import (
    payment_waits_for,
    payrun_approve,
    payrun_calculate,
    payrun_create,
    payrun_mark_paid,
)
from joinedup.payroll.take_on import take_on_import
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase
from joinedup.payroll.year_end import p60s
from joinedup.people.models import EmploymentTerms, Person
from joinedup.people.services import PersonDetails, employment_change_terms, employment_start
from joinedup.testing.base import FIXTURES

OCTOBER = date(2026, 10, 23)


def _terms_count(employment: Any) -> int:
    return EmploymentTerms.objects.for_partner(employment.partner_id).filter(employment=employment).count()


class TestNiCategoryAge(PayrollTestCase):
    def test_hr_refuses_category_m_for_someone_over_21_and_changes_nothing(self) -> None:
        # SSCBA 1992 s.9A: category M (employer 0% to the UST) is for employees under 21.
        # Mary Seacole was born on 14 March 1985: 41 on 1 November 2026.
        before = _terms_count(self.shared_person_council)
        with pytest.raises(ValidationError) as caught:
            employment_change_terms(
                actor=self.shared_hr,
                employment=self.shared_person_council,
                effective_from=date(2026, 11, 1),
                reason="Category",
                changes={"ni_category": "M"},
            )
        assert caught.value.message_dict == {
            "ni_category": [
                "Category M is only for employees under 21; this person is 41 on 1 November 2026 "
                "(turned 21 on 14 March 2006)."
            ]
        }
        assert _terms_count(self.shared_person_council) == before

    def test_hr_refuses_category_h_for_an_apprentice_of_25_at_the_start(self) -> None:
        # SSCBA 1992 s.9B: category H is for apprentices under 25.
        with pytest.raises(ValidationError, match="Category H is only for apprentices under 25"):
            self.hire(self.council, "Ned", "Ludd", "AB998877C", "WCC000077", ni_category="H")
        assert not Person.objects.unscoped(reason="test").filter(ni_number="AB998877C").exists()

    def test_hr_accepts_category_m_for_someone_under_21(self) -> None:
        young = employment_start(
            actor=self.shared_hr,
            partner=self.council,
            person=PersonDetails(
                given_name="Tess",
                family_name="Young",
                date_of_birth=date(2007, 1, 10),
                ni_number="AB112299C",
                postcode="SO23 8UJ",
            ),
            payroll_number="WCC000078",
            start_date=date(2026, 9, 1),
            terms=self.terms(ni_category="M"),
        )
        assert EmploymentTerms.objects.for_partner(self.council).get(employment=young).ni_category == "M"

    def test_the_checks_before_approval_flag_a_21st_birthday_on_or_before_the_pay_date(self) -> None:
        # Born 20 November 2005: 20 when put on M in 2025, 21 on 20 November 2026, before the 25th.
        person = self.shared_person_council.person
        person.date_of_birth = date(2005, 11, 20)
        person.save(update_fields=["date_of_birth"])
        EmploymentTerms.objects.for_partner(self.council).filter(
            employment=self.shared_person_council
        ).update(ni_category="M")
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, kind=FlagKind.NI_CATEGORY_AGE)
        assert flag.employment_id == self.shared_person_council.pk
        assert flag.detail == (
            "Category M is only for employees under 21; this person is 21 on 25 November 2026 "
            "(turned 21 on 20 November 2026). Change the category in HR."
        )

    def test_no_flag_while_the_birthday_is_after_the_pay_date(self) -> None:
        person = self.shared_person_council.person
        person.date_of_birth = date(2005, 11, 26)
        person.save(update_fields=["date_of_birth"])
        EmploymentTerms.objects.for_partner(self.council).filter(
            employment=self.shared_person_council
        ).update(ni_category="M")
        run = self.calculated()
        assert (
            not VarianceFlag.objects.for_partner(self.council)
            .filter(run=run, kind=FlagKind.NI_CATEGORY_AGE)
            .exists()
        )


class TestPayDates(PayrollTestCase):
    def test_a_pay_date_in_a_tax_year_without_rules_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            payrun_create(
                actor=self.payroll_officer,
                partner=self.council,
                frequency="monthly",
                pay_date=date(2031, 5, 23),
            )
        assert caught.value.message_dict["pay_date"] == [
            "23 May 2031 is in tax year 2031/32, which has no payroll rules yet "
            "(rules are held for 2025/26, 2026/27)."
        ]
        assert not PayRun.objects.for_partner(self.council).exists()

    def test_a_pay_date_before_the_last_approved_run_is_refused(self) -> None:
        payrun_approve(actor=self.payroll_approver, run=self.calculated())
        with pytest.raises(ValidationError) as caught:
            payrun_create(
                actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=OCTOBER
            )
        assert caught.value.message_dict["pay_date"] == [
            "Wessex County Council has already approved a monthly run paid on 25 November 2026: "
            "a new monthly run cannot be dated before it."
        ]
        assert PayRun.objects.for_partner(self.council).count() == 1

    def test_a_weekly_run_may_fall_before_an_approved_monthly_one(self) -> None:
        payrun_approve(actor=self.payroll_approver, run=self.calculated())
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="weekly", pay_date=OCTOBER
        )
        assert (run.frequency, run.pay_date) == ("weekly", OCTOBER)
        assert PayRun.objects.for_partner(self.council).count() == 2

    def test_a_bacs_file_whose_pay_date_has_passed_needs_a_new_processing_date(self) -> None:
        from joinedup.payroll.models import PayrollSettings

        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WCC SALARIES",
            bacs_user_number="123456",
        )
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        # A run dated 25 November, paid on 5 December.
        with pytest.raises(ValidationError) as caught:
            bacs_file(run, today=date(2026, 12, 5))
        assert caught.value.message_dict == {
            "processing_date": [
                "The pay date 25 November 2026 has passed: give a new processing date "
                "(today, 5 December 2026, or later) for the BACS file."
            ]
        }
        text, _ = bacs_file(run, processing_date=date(2026, 12, 7), today=date(2026, 12, 5))
        # UHL1 carries the processing day as a Julian date: 2026 day 341 is 7 December.
        uhl1 = next(line for line in text.splitlines() if line.startswith("UHL1"))
        assert uhl1.startswith("UHL1 26341")


class TestApiPayDates(PayrollTestCase):
    def test_a_bacs_file_for_a_pay_date_gone_needs_a_processing_date_on_the_api(self) -> None:
        from joinedup.payroll.models import PayrollSettings

        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WCC SALARIES",
            bacs_user_number="123456",
        )
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated(pay_date=date(2026, 4, 24)))
        client = self.api(self.payroll_officer)
        refused = client.get(f"/api/v1/pay-runs/{run.pk}/bacs.txt")
        assert refused.status_code == 422
        assert refused.json()["errors"]["processing_date"][0].startswith(
            "The pay date 24 April 2026 has passed"
        )
        assert client.get(f"/api/v1/pay-runs/{run.pk}/bacs.txt?processing_date=0").status_code == 422

    def test_a_number_is_not_a_pay_date(self) -> None:
        response = self.api(self.payroll_officer).post(
            f"/api/v1/partners/{self.council.pk}/pay-runs", {"pay_date": 0}, content_type="application/json"
        )
        assert response.status_code == 422
        assert not PayRun.objects.for_partner(self.council).exists()


class TestPaidMeansPaid(PayrollTestCase):
    def paid(self) -> PayRun:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        return payrun_mark_paid(actor=self.payroll_officer, run=run)

    def test_marking_a_run_paid_posts_the_payment_once_and_clears_the_net_pay_creditor(self) -> None:
        ledger_setup_partner(actor=FIXTURES, partner=self.council, year=2026)
        run = self.paid()
        net = run.payslips.aggregate(n=Sum("net_pay"))["n"]
        payment = Journal.objects.for_partner(self.council).get(idempotency_key=f"payroll-payment:{run.pk}")
        lines = sorted(
            JournalLine.objects.for_partner(self.council)
            .filter(journal=payment)
            .values_list("account__code", "debit", "credit")
        )
        # Debit the net-pay creditor (B320), credit the payroll bank account (B110).
        assert lines == [("B110", 0, net), ("B320", net, 0)]
        creditor = JournalLine.objects.for_partner(self.council).filter(account__code="B320")
        totals = creditor.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] == totals["c"] == net
        event = AuditEvent.objects.for_partner(self.council).filter(action="payrun.paid").latest("seq")
        assert event.after["payment_journal"] == payment.pk
        assert event.after["payment_waits_for"] == []
        # The explicit command finds the journal posted and posts nothing more.
        assert post_payment_later(actor=self.payroll_officer, run=run) == payment
        assert (
            Journal.objects.for_partner(self.council)
            .filter(idempotency_key__startswith="payroll-payment")
            .count()
            == 1
        )

    def test_a_closed_period_marks_the_run_paid_and_the_payment_waits_for_the_command(self) -> None:
        ledger_setup_partner(actor=FIXTURES, partner=self.council, year=2026)
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        Period.objects.for_partner(self.council).filter(start_date=date(2026, 11, 1)).update(
            status=PeriodStatus.CLOSED
        )
        run = payrun_mark_paid(actor=self.payroll_officer, run=run)
        assert run.status == RunStatus.PAID
        assert not Journal.objects.for_partner(self.council).filter(
            idempotency_key__startswith="payroll-payment"
        )
        waits = payment_waits_for(run)
        assert len(waits) == 1 and waits[0].startswith("WCC's ") and waits[0].endswith(" is closed")
        with pytest.raises(ValidationError, match="The payment cannot be posted yet"):
            post_payment_later(actor=self.payroll_officer, run=run)
        Period.objects.for_partner(self.council).filter(start_date=date(2026, 11, 1)).update(
            status=PeriodStatus.OPEN
        )
        journal = post_payment_later(actor=self.payroll_officer, run=run)
        assert journal is not None and journal.idempotency_key == f"payroll-payment:{run.pk}"
        assert payment_waits_for(run) == []


def _pounds(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"{whole}.{part:02d}"


class TestFiguresToDate(PayrollTestCase):
    def approved(self, pay_date: date) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=pay_date
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        return payrun_approve(actor=self.payroll_approver, run=run)

    def test_every_output_shows_the_same_figures_to_date_across_two_approved_months(self) -> None:
        # Ada went live with take-on figures for April to September; then October and November.
        balance = TakeOnBalance.objects.for_partner(self.council).get(
            employment=self.council_emp, tax_year=2026
        )
        balance.taxable_pay, balance.tax = 1_349_100, 150_000
        balance.save(update_fields=["taxable_pay", "tax"])
        TakeOnNi.objects.create(
            partner=self.council,
            balance=balance,
            letter="A",
            ni_pay=1_429_902,
            earnings_at_lel=335_400,
            earnings_lel_to_pt=293_400,
            earnings_pt_to_uel=801_102,
            ni_employee=64_088,
            ni_employer=151_938,
        )
        Person.objects.unscoped(reason="test").update(
            gender="F", address_line1="1 High Street", town="Winchester"
        )
        Partner.objects.filter(pk=self.council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )
        october = self.approved(OCTOBER)
        november = self.approved(NOVEMBER)
        slips = [self.slip(run, self.council_emp) for run in (october, november)]
        taxable = 1_349_100 + sum(s.taxable_pay for s in slips)
        tax = 150_000 + sum(s.tax for s in slips)
        ni_pay = 1_429_902 + sum(s.ni_pay for s in slips)
        ni_employee = 64_088 + sum(s.ni_employee for s in slips)
        ni_employer = 151_938 + sum(s.ni_employer for s in slips)
        # The calculation carried the same figures: take-on, then October, into November.
        assert (slips[1].taxable_pay_to_date, slips[1].tax_paid_to_date) == (taxable, tax)

        # Payslip PDF (its record) — the reported bug: NI to date was £0.00.
        record = payment_record(slips[1])
        assert (record.taxable_pay_to_date, record.tax_to_date) == (taxable, tax)
        assert (record.ni_gross_to_date, record.ni_employee_to_date, record.ni_employer_to_date) == (
            ni_pay,
            ni_employee,
            ni_employer,
        )
        pdf = payslip_pdf_bytes(slips[1])
        assert pdf.startswith(b"%PDF")
        # Payslip page.
        page = self.signed_in(self.payroll_officer).get(f"/payslips/{slips[1].pk}").content.decode()
        assert f'data-testid="ytd-taxable">{gbp(taxable)}<' in page
        assert f'data-testid="ytd-tax">{gbp(tax)}<' in page
        assert f'data-testid="ytd-ni-pay">{gbp(ni_pay)}<' in page
        assert f'data-testid="ytd-ni-employee">{gbp(ni_employee)}<' in page
        # The run's CSV.
        client = self.signed_in(self.payroll_officer)
        client.post("/partner", {"partner": self.council.pk})
        lines = client.get(f"/payroll/runs/{november.pk}?format=csv").content.decode("utf-8-sig").splitlines()
        rows = {r["payroll_number"]: r for r in csv.DictReader(lines)}
        ada = rows["WCC000001"]
        columns = ("taxable_pay_to_date", "tax_to_date", "ni_pay_to_date", "ni_employee_to_date")
        assert [Decimal(ada[c]) * 100 for c in columns] == [taxable, tax, ni_pay, ni_employee]
        # FPS.
        root = ET.fromstring(fps_for_run(november))  # noqa: S314 — our own output
        employee = next(e for e in root.findall(".//{*}Employee") if e.findtext(".//{*}PayId") == "WCC000001")
        assert employee.findtext(".//{*}FiguresToDate/{*}TaxablePay") == _pounds(taxable)
        assert employee.findtext(".//{*}FiguresToDate/{*}TotalTax") == _pounds(tax)
        assert employee.findtext(".//{*}GrossEarningsForNICsYTD") == _pounds(ni_pay)
        assert employee.findtext(".//{*}EmpeeContribnsYTD") == _pounds(ni_employee)
        # P60 (a preview: the year is not over).
        p60 = next(
            p for p in p60s(self.council.pk, tax_year=2026, preview=True) if p.employment == self.council_emp
        )
        assert (p60.figures.pay, p60.figures.tax) == (taxable, tax)
        assert (p60.figures.ni_employee, p60.figures.ni_employer) == (ni_employee, ni_employer)


TAKE_ON_HEADER = (
    "payroll_number,ni_letter,taxable_pay,tax,ni_pay,"
    "earnings_at_lel,earnings_lel_to_pt,earnings_pt_to_uel,ni_employee,ni_employer\n"
)


class TestTakeOn(PayrollTestCase):
    def setUp(self) -> None:
        self.joiner = self.hire(self.council, "Nia", "Brown", "AA333444A", "WCC000060")  # employed since 2022

    def balances(self) -> int:
        return TakeOnBalance.objects.for_partner(self.council).filter(source_file__startswith="old").count()

    def test_a_file_with_a_bad_row_imports_nothing_and_reports_every_problem(self) -> None:
        data = (
            TAKE_ON_HEADER
            + "WCC000060,A,14000.00,1600.00,14299.02,3354.00,2934.00,8011.02,640.88,1519.38\n"
            + "WCC999999,A,100.00,0,100.00,0,0,0,0,0\n"
            + "WCC000060,A,1.00,0,1.00,0,0,0,0,0\n"
            + "WCC000001,Q,12.345,0,1.00,5.00,0,0,0,0\n"
        ).encode()
        events = AuditEvent.objects.for_partner(self.council).count()
        result = take_on_import(
            actor=self.payroll_officer, partner=self.council, tax_year=2026, source=data, filename="old.csv"
        )
        # Every bad row by row number (the header is row 1), column and reason; nothing written.
        assert [(e.row, e.column, e.reason) for e in result.errors] == [
            (3, "payroll_number", "Wessex County Council has no employment with this number"),
            (4, "ni_letter", "Row 2 has this employee and letter"),
            (5, "payroll_number", "Take-on figures for this tax year are already held"),
            (
                5,
                "ni_letter",
                "Enter a National Insurance category letter: one of A B C D E F H I J K L M N S V X Z",
            ),
            (
                5,
                "taxable_pay",
                "Has 3 decimal places; at most 2 decimal places are allowed "
                "(round it in the spreadsheet if that is what you mean)",
            ),
            (5, "earnings_pt_to_uel", "The band earnings add up to more than the earnings for NI"),
        ]
        assert self.balances() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_the_cli_writes_the_problem_report_and_imports_nothing(self) -> None:
        folder = Path(tempfile.mkdtemp())
        source, report = folder / "old.csv", folder / "problems.csv"
        source.write_text(TAKE_ON_HEADER + "WCC999999,A,100.00,0,100.00,0,0,0,0,0\n", encoding="utf-8")
        with pytest.raises(CommandError, match=r"1 problem\(s\) in old.csv; nothing was imported"):
            call_command(
                "payroll",
                "take-on",
                "--partner",
                "WCC",
                "--tax-year",
                "2026",
                "--file",
                str(source),
                "--report",
                str(report),
                stdout=StringIO(),
                stderr=StringIO(),
            )
        assert report.read_text(encoding="utf-8-sig").splitlines() == [
            "row,column,value,reason",
            "2,payroll_number,WCC999999,Wessex County Council has no employment with this number",
        ]
        assert self.balances() == 0

    def test_october_tax_with_take_on_is_the_hmrc_cumulative_figure(self) -> None:
        data = (
            TAKE_ON_HEADER + "WCC000060,A,14000.00,1600.00,14299.02,3354.00,2934.00,8011.02,640.88,1519.38\n"
        ).encode()
        result = take_on_import(
            actor=self.payroll_officer, partner=self.council, tax_year=2026, source=data, filename="old.csv"
        )
        assert (result.ok, result.employments) == (True, 1)
        event = AuditEvent.objects.for_partner(self.council).filter(action="payroll.take_on_imported").get()
        assert (event.after["rows"], event.after["taxable_pay"], event.after["tax"]) == (
            1,
            1_400_000,
            160_000,
        )
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=OCTOBER
        )
        slip = self.slip(payrun_calculate(actor=self.payroll_officer, run=run), self.joiner)
        # HMRC PAYE tables (Specification for PAYE Tax Table Routines): month 7 on 1257L, free pay
        # 7 x £1,048.26; taxable pay to date rounded down to the pound; 20% within the basic band
        # (£37,700 x 7/12); tax due to date less tax paid to date (£1,600 on the old payroll).
        to_date = Decimal(1_400_000 + slip.taxable_pay) / 100
        taxable = (to_date - 7 * Decimal("1048.26")).to_integral_value(rounding=ROUND_FLOOR)
        assert taxable < Decimal(37_700) * 7 / 12
        due = (taxable * Decimal("0.20")).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        assert slip.tax == int(due * 100) - 160_000
        assert slip.tax_paid_to_date == int(due * 100)
        assert slip.taxable_pay_to_date == 1_400_000 + slip.taxable_pay
        assert (
            not VarianceFlag.objects.for_partner(self.council)
            .filter(run=run, employment=self.joiner, kind=FlagKind.NO_PAY_TO_DATE)
            .exists()
        )

    def test_a_cumulative_code_with_nothing_to_date_after_month_1_is_flagged(self) -> None:
        starter = self.hire(self.council, "Tom", "New", "AA333445A", "WCC000061", start=date(2026, 11, 16))
        run = self.calculated()
        flags = VarianceFlag.objects.for_partner(self.council).filter(run=run, kind=FlagKind.NO_PAY_TO_DATE)
        # Nia has worked here since 2022 but no payslip, P45 or take-on figures say what she was paid
        # since April; Tom started this year (a starter declaration's case); the fixtures have take-on rows.
        assert [f.employment_id for f in flags] == [self.joiner.pk]
        assert flags[0].detail.startswith(
            "Cumulative code 1257L in period 8 with no pay or tax to date: no earlier payslip this tax year, "
            "no P45 figures and no take-on figures."
        )
        assert starter.pk not in {f.employment_id for f in flags}


class TestChecksGivenWhatTheCalculationRead(PayrollTestCase):
    """The calculation hands the checks before approval what it read already (each payslip's
    figures, the last payslips, who has nothing to date); ``raise_flags`` called alone reads them
    itself. Either way the run gets the same flags."""

    def setUp(self) -> None:
        self.joiner = self.hire(self.council, "Nia", "Brown", "AA333444A", "WCC000060")  # employed since 2022

    def flags(self, run: PayRun) -> list[tuple[int, str, str]]:
        return sorted(
            VarianceFlag.objects.for_partner(self.council)
            .filter(run=run)
            .values_list("employment_id", "kind", "detail")
        )

    def raised_alone(self, run: PayRun) -> list[tuple[int, str, str]]:
        problems = calculation.problems_by_employment(calculation.gather(run))
        VarianceFlag.objects.for_partner(self.council).filter(run=run).delete()
        variance.raise_flags(run, problems)
        return self.flags(run)

    def test_a_first_run_gets_the_same_flags_from_the_checks_alone(self) -> None:
        run = self.calculated()
        flags = self.flags(run)
        assert (self.joiner.pk, FlagKind.NO_PAY_TO_DATE) in {(e, kind) for e, kind, _ in flags}
        assert self.raised_alone(run) == flags

    def test_a_run_after_an_approved_one_gets_the_same_flags_from_the_checks_alone(self) -> None:
        october = self.calculated(pay_date=OCTOBER)
        VarianceFlag.objects.for_partner(self.council).filter(run=october).update(
            status=FlagStatus.ACCEPTED, note="Checked."
        )
        payrun_approve(actor=self.payroll_approver, run=october)
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 11, 1),
            reason="New code from HMRC",
            changes={"tax_code": "1100L"},
        )
        run = self.calculated()
        flags = self.flags(run)
        # Compared with October's payslip, which the calculation read for pay to date.
        assert (self.council_emp.pk, FlagKind.TAX_CODE_CHANGED, "Tax code 1100L, was 1257L.") in flags
        assert self.raised_alone(run) == flags


class TestBacsCommand(PayrollTestCase):
    def test_the_cli_refuses_a_processing_day_already_gone(self) -> None:
        from joinedup.payroll.models import PayrollSettings

        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WCC SALARIES",
            bacs_user_number="123456",
        )
        payrun_approve(actor=self.payroll_approver, run=self.calculated())
        target = Path(tempfile.mkdtemp()) / "bacs.txt"
        with pytest.raises(CommandError, match="The processing date 2 January 2026 has passed"):
            call_command(
                "payroll",
                "bacs",
                "--partner",
                "WCC",
                "--pay-date",
                "2026-11-25",
                "--processing-date",
                "2026-01-02",
                "-o",
                str(target),
                stdout=StringIO(),
            )
        assert not target.exists()
