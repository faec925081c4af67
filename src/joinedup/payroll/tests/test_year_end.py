from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner, Role
from joinedup.payroll.documents import ni_bands
from joinedup.payroll.models import P45Issue, PayRun, Payslip, StarterYtd, VarianceFlag
from joinedup.payroll.services import flag_accept, payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.payroll.year_end import (
    P45NotIssued,
    SlipRow,
    is_final_period,
    p45_employment,
    p45_for,
    p45_issue,
    p45_pdf_bytes,
    p60_for,
    p60_pdf_bytes,
    p60s,
    year_figures,
)
from joinedup.people.models import Employment, Person
from joinedup.people.services import employment_change_terms, employment_end

APRIL = date(2026, 4, 24)
MAY = date(2026, 5, 22)
# Pay dates of the twelve tax months of 2026/27: 6 April 2026 to 5 April 2027.
MONTHS = [date(2026, m, 24) for m in range(4, 13)] + [date(2027, m, 24) for m in range(1, 4)]


class YearEndTestCase(PayrollTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Person.objects.unscoped(reason="test").update(
            gender="F", address_line1="1 High Street", town="Winchester"
        )
        Partner.objects.filter(pk=cls.council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )

    @classmethod
    def approved(cls, pay_date: date, partner: Any = None) -> PayRun:
        run = payrun_create(
            actor=cls.payroll_officer, partner=partner or cls.council, frequency="monthly", pay_date=pay_date
        )
        payrun_calculate(actor=cls.payroll_officer, run=run)
        for flag in VarianceFlag.objects.for_partner(run.partner_id).filter(run=run, status="open"):
            flag_accept(actor=cls.payroll_approver, flag=flag, note="Checked")
        return payrun_approve(actor=cls.payroll_approver, run=run)

    @classmethod
    def link(cls, employment: Employment, user: Any) -> None:
        person = employment.person
        person.user = user
        person.save(update_fields=["user"])

    def slips_of(self, employment: Employment, tax_year: int = 2026) -> list[Payslip]:
        return list(
            Payslip.objects.for_partner(employment.partner_id).filter(
                employment=employment, run__tax_year=tax_year
            )
        )


def _row(letter: str, bands: tuple[int, int, int], employee: int, to_date: int, tax_to_date: int) -> SlipRow:
    return SlipRow(
        pay_date=date(2026, 4, 24),
        tax_code="1257L",
        week1_month1=False,
        ni_category=letter,
        taxable_pay_to_date=to_date,
        tax_paid_to_date=tax_to_date,
        ni_bands=bands,
        ni_employee=employee,
        ni_employer=2 * employee,
        student_loan=100,
        postgraduate_loan=0,
        smp=0,
    )


class TestYearFigures:
    def test_pay_and_tax_are_the_last_to_date_figures_less_the_previous_employments(self) -> None:
        rows = [
            _row("A", (55900, 48900, 100), 8, 300000, 20000),
            _row("A", (55900, 48900, 200), 16, 610000, 41000),
        ]
        figures = year_figures(rows, previous_pay=50000, previous_tax=1000)
        assert (figures.pay, figures.tax, figures.total_pay, figures.total_tax) == (
            560000,
            40000,
            610000,
            41000,
        )
        assert figures.student_loan == 200

    def test_ni_is_summed_per_category_letter_in_the_order_first_used(self) -> None:
        rows = [
            _row("A", (55900, 48900, 100), 8, 1, 0),
            _row("C", (55900, 48900, 300), 0, 2, 0),
            _row("A", (55900, 48900, 200), 16, 3, 0),
        ]
        figures = year_figures(rows)
        assert [
            (n.letter, n.earnings_at_lel, n.earnings_lel_to_pt, n.earnings_pt_to_uel, n.employee)
            for n in figures.ni
        ] == [
            ("A", 111800, 97800, 300, 24),
            ("C", 55900, 48900, 300, 0),
        ]
        assert (figures.ni_letters, figures.ni_employee, figures.ni_employer) == ("A;C", 24, 48)

    def test_a_year_without_payslips_has_no_figures(self) -> None:
        with pytest.raises(ValueError, match="no payslips"):
            year_figures([])

    def test_the_final_period_is_month_12_or_the_last_weekly_pay_date_before_6_april(self) -> None:
        assert is_final_period(frequency="monthly", tax_year=2026, period=12, pay_date=date(2027, 3, 24))
        assert not is_final_period(frequency="monthly", tax_year=2026, period=11, pay_date=date(2027, 2, 24))
        # Week 52 of 2026/27 ends on 4 April 2027; week 53 is 5 April alone.
        assert is_final_period(frequency="weekly", tax_year=2026, period=52, pay_date=date(2027, 4, 2))
        assert not is_final_period(frequency="weekly", tax_year=2026, period=51, pay_date=date(2027, 3, 26))
        assert is_final_period(frequency="weekly", tax_year=2026, period=53, pay_date=date(2027, 4, 5))
        assert not is_final_period(
            frequency="fortnightly", tax_year=2026, period=50, pay_date=date(2027, 3, 19)
        )
        assert is_final_period(frequency="fortnightly", tax_year=2026, period=52, pay_date=date(2027, 4, 2))


class TestP45(YearEndTestCase):
    def leave_after_two_paid_months(self) -> tuple[PayRun, PayRun]:
        employment_end(
            actor=self.shared_hr, employment=self.council_emp, end_date=date(2026, 5, 20), reason="Resigned"
        )
        return self.approved(APRIL), self.approved(MAY)

    def test_a_leavers_p45_shows_the_sums_of_their_payslips_to_the_penny(self) -> None:
        self.leave_after_two_paid_months()
        slips = self.slips_of(self.council_emp)
        assert len(slips) == 2
        p45 = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert p45.figures.pay == sum(s.taxable_pay for s in slips)
        assert p45.figures.tax == sum(s.tax for s in slips)
        # April: £2,383.17 less 5.8% LGPS £138.22 = £2,244.95; May 1-20: 28,598/12 x 20/31
        # = £1,537.53 less £89.18 = £1,448.35. Together £3,693.30.
        assert (p45.figures.pay, p45.figures.previous_pay) == (369330, 0)
        # Cumulative 1257L to month 2: free pay £2,096.50; £3,693 - £2,096.50 = £1,596.50, taxable
        # to the whole pound below, £1,596 at 20% = £319.20.
        assert p45.figures.tax == 31920
        assert (p45.figures.tax_code, p45.figures.week1_month1) == ("1257L", False)
        assert p45.issue.leaving_date == date(2026, 5, 20)
        assert p45.issue.tax_year == 2026
        assert p45.payslip.run.pay_date == MAY

    def test_issuing_records_one_audit_event_and_issuing_again_changes_nothing(self) -> None:
        self.leave_after_two_paid_months()
        first = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        events = AuditEvent.objects.for_partner(self.council).filter(action="payroll.p45_issued")
        assert [(e.object_id, e.after["pay"], e.after["leaving_date"]) for e in events] == [
            (str(self.council_emp.pk), 369330, "2026-05-20")
        ]
        again = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert (first.issued_now, again.issued_now) == (True, False)
        assert again.figures == first.figures
        assert again.issue.pk == first.issue.pk
        assert P45Issue.objects.for_partner(self.council).count() == 1
        assert events.count() == 1
        assert p45_pdf_bytes(again, compress=False) == p45_pdf_bytes(first, compress=False)

    def test_the_pdf_names_the_leaver_with_their_ni_number_and_leaving_date(self) -> None:
        self.leave_after_two_paid_months()
        pdf = p45_pdf_bytes(
            p45_issue(actor=self.payroll_officer, employment=self.council_emp), compress=False
        )
        assert pdf.startswith(b"%PDF")
        for text in (b"Lovelace, Ada", b"AB 12 34 56 C", b"20 May 2026", b"\\2433,693.30", b"WCC000001"):
            assert text in pdf, text

    def test_it_refuses_an_employment_that_has_not_left_and_writes_nothing(self) -> None:
        self.approved(APRIL)
        with pytest.raises(ValidationError, match="WCC000001 has not left: a P45 is only for a leaver"):
            p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert P45Issue.objects.for_partner(self.council).count() == 0
        assert not AuditEvent.objects.for_partner(self.council).filter(action="payroll.p45_issued").exists()

    def test_it_refuses_a_leaver_whose_final_pay_is_not_approved(self) -> None:
        employment_end(
            actor=self.shared_hr, employment=self.council_emp, end_date=date(2026, 5, 20), reason="Resigned"
        )
        self.approved(APRIL)
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=MAY
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        with pytest.raises(ValidationError, match="final pay has not been approved yet"):
            p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert P45Issue.objects.for_partner(self.council).count() == 0

    def test_it_refuses_a_person_whose_sex_is_not_recorded(self) -> None:
        self.leave_after_two_paid_months()
        Person.objects.unscoped(reason="test").filter(pk=self.council_emp.person_id).update(gender="")
        with pytest.raises(ValidationError, match="HMRC needs the person's sex"):
            p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert P45Issue.objects.for_partner(self.council).count() == 0

    def test_someone_who_only_views_the_payroll_may_not_issue_and_nothing_is_recorded(self) -> None:
        self.leave_after_two_paid_months()
        before = AuditEvent.objects.for_partner(self.council).count()
        for viewer in (self.payroll_approver, self.ops_admin):
            with pytest.raises(PermissionDenied) as refused:
                p45_issue(actor=viewer, employment=self.council_emp)
            assert str(refused.value) == "You do not have permission to payroll.calculate for this partner."
        assert P45Issue.objects.for_partner(self.council).count() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == before

    def test_reading_a_p45_before_it_is_issued_refuses_and_writes_nothing(self) -> None:
        self.leave_after_two_paid_months()
        before = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(
            P45NotIssued, match="The P45 of WCC000001 has not been issued yet: issue it first"
        ):
            p45_for(self.payroll_officer, employment_id=self.council_emp.pk)
        assert P45Issue.objects.for_partner(self.council).count() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == before

    def test_reading_an_issued_p45_gives_the_same_figures_and_records_nothing(self) -> None:
        self.leave_after_two_paid_months()
        issued = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        before = AuditEvent.objects.for_partner(self.council).count()
        read = p45_for(self.payroll_approver, employment_id=self.council_emp.pk)
        assert (read.issue.pk, read.figures, read.issued_now) == (issued.issue.pk, issued.figures, False)
        assert p45_pdf_bytes(read, compress=False) == p45_pdf_bytes(issued, compress=False)
        assert P45Issue.objects.for_partner(self.council).count() == 1
        assert AuditEvent.objects.for_partner(self.council).count() == before

    def test_another_partners_officer_gets_404_and_nothing_is_recorded(self) -> None:
        self.leave_after_two_paid_months()
        police_officer = self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)])
        before = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(Http404):
            p45_employment(police_officer, employment_id=self.council_emp.pk)
        with pytest.raises(Http404):
            p45_for(police_officer, employment_id=self.council_emp.pk)
        assert P45Issue.objects.for_partner(self.council).count() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == before

    def test_the_leaver_gets_their_own_p45_once_issued(self) -> None:
        self.leave_after_two_paid_months()
        self.link(self.council_emp, self.council_employee)
        with pytest.raises(Http404):
            p45_for(self.council_employee, employment_id=self.council_emp.pk)
        issued = p45_issue(actor=self.payroll_officer, employment=self.council_emp)
        assert p45_for(self.council_employee, employment_id=self.council_emp.pk).figures == issued.figures
        with pytest.raises(Http404):
            p45_for(self.council_employee, employment_id=self.shared_person_council.pk)

    def test_the_command_issues_and_writes_the_p45_and_refuses_someone_still_employed(self) -> None:
        self.leave_after_two_paid_months()
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "p45.pdf"
            call_command(
                "payroll",
                "p45",
                "--partner",
                "wcc",
                "--payroll-number",
                "WCC000001",
                "-o",
                str(target),
                "--as",
                "payroll.officer",
                stdout=out,
            )
            assert target.read_bytes().startswith(b"%PDF")
            with pytest.raises(CommandError, match="WCC000002 has not left"):
                call_command(
                    "payroll", "p45", "--partner", "WCC", "--payroll-number", "WCC000002", "-o", str(target)
                )
        assert "P45 for WCC000001, left 20 May 2026; pay £3,693.30, tax £319.20" in " ".join(
            out.getvalue().split()
        )
        issued = P45Issue.objects.for_partner(self.council).get()
        assert (issued.employment_id, issued.issued_by) == (self.council_emp.pk, self.payroll_officer)
        assert AuditEvent.objects.for_partner(self.council).filter(action="payroll.p45_issued").count() == 1

    def test_the_command_refuses_someone_who_only_views_the_payroll(self) -> None:
        self.leave_after_two_paid_months()
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "p45.pdf"
            with pytest.raises(CommandError) as refused:
                call_command(
                    "payroll",
                    "p45",
                    "--partner",
                    "WCC",
                    "--payroll-number",
                    "WCC000001",
                    "-o",
                    str(target),
                    "--as",
                    "payroll.approver",
                )
            assert not target.exists()
        assert str(refused.value) == "You do not have permission to payroll.calculate for this partner."
        assert P45Issue.objects.for_partner(self.council).count() == 0

    def test_a_leaver_has_no_p60_and_a_preview_before_month_12_says_so(self) -> None:
        self.leave_after_two_paid_months()
        with pytest.raises(ValidationError, match="The final monthly run of 2026/27 is not approved yet"):
            p60s(self.council.pk, tax_year=2026)
        previews = p60s(self.council.pk, tax_year=2026, preview=True)
        assert [p.employment.payroll_number for p in previews] == ["WCC000002"]
        assert [p.final for p in previews] == [False]


class TestP60(YearEndTestCase):
    """Twelve monthly runs of 2026/27 for the council's three employees: Ada throughout; Mary, who
    reaches State Pension age in October (NI letter C); Nia, a starter in April with a P45."""

    starter: Employment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.starter = cls.hire(
            cls.council, "Nia", "Brown", "AA333444A", "WCC000050", start=date(2026, 4, 6), pay_point=cls.scp5
        )
        StarterYtd.objects.create(
            partner=cls.council,
            employment=cls.starter,
            tax_year=2026,
            taxable_pay_to_date=500000,
            tax_paid_to_date=60000,
        )
        employment_change_terms(
            actor=cls.shared_hr,
            employment=cls.shared_person_council,
            effective_from=date(2026, 10, 1),
            reason="State Pension age",
            changes={"ni_category": "C"},
        )
        for pay_date in MONTHS:
            cls.approved(pay_date)

    def test_p60_totals_equal_the_sums_of_the_years_payslips(self) -> None:
        found = {p.employment.pk: p for p in p60s(self.council.pk, tax_year=2026)}
        assert sorted(found) == sorted([self.council_emp.pk, self.shared_person_council.pk, self.starter.pk])
        for employment_id, p60 in found.items():
            slips = self.slips_of(Employment.objects.for_partner(self.council).get(pk=employment_id))
            assert len(slips) == 12
            f = p60.figures
            assert f.pay == sum(s.taxable_pay for s in slips)
            assert f.tax == sum(s.tax for s in slips)
            assert f.ni_employee == sum(s.ni_employee for s in slips)
            assert f.ni_employer == sum(s.ni_employer for s in slips)
            assert f.student_loan == sum(s.student_loan for s in slips)
            assert p60.final

    def test_ada_earns_a_years_salary_less_pension_with_ni_under_letter_a(self) -> None:
        f = p60_for(self.payroll_officer, employment_id=self.council_emp.pk, tax_year=2026).figures
        # 12 x (£2,383.17 - £138.22 LGPS) = £26,939.40.
        assert f.pay == 2693940
        # 2026/27 monthly bands: LEL £559, PT £1,048 on £2,383.17 NI pay; twelve months of each.
        assert [(n.letter, n.earnings_at_lel, n.earnings_lel_to_pt, n.earnings_pt_to_uel) for n in f.ni] == [
            ("A", 12 * 55900, 12 * 48900, 12 * 133517)
        ]

    def test_mary_has_ni_figures_for_each_letter_she_held(self) -> None:
        f = p60_for(self.payroll_officer, employment_id=self.shared_person_council.pk, tax_year=2026).figures
        slips = self.slips_of(self.shared_person_council)
        by_letter = {letter: [s for s in slips if s.ni_category == letter] for letter in ("A", "C")}
        assert [len(by_letter["A"]), len(by_letter["C"])] == [6, 6]
        expected = []
        for letter, own in by_letter.items():
            bands = [ni_bands(s.ni_pay, s.run) for s in own]
            expected.append(
                (letter, *(sum(b[i] for b in bands) for i in range(3)), sum(s.ni_employee for s in own))
            )
        assert [
            (n.letter, n.earnings_at_lel, n.earnings_lel_to_pt, n.earnings_pt_to_uel, n.employee)
            for n in f.ni
        ] == expected
        assert f.ni[1].employee == 0  # letter C: no employee contributions over State Pension age
        assert f.ni[1].employer > 0

    def test_a_starters_p60_adds_the_pay_and_tax_from_their_p45(self) -> None:
        f = p60_for(self.payroll_officer, employment_id=self.starter.pk, tax_year=2026).figures
        slips = self.slips_of(self.starter)
        last = max(slips, key=lambda s: s.run.pay_date)
        assert (f.previous_pay, f.previous_tax) == (500000, 60000)
        assert f.pay == sum(s.taxable_pay for s in slips)
        assert (f.total_pay, f.total_tax) == (last.taxable_pay_to_date, last.tax_paid_to_date)

    def test_the_pdf_shows_the_employee_and_each_letters_ni(self) -> None:
        p60 = p60_for(self.payroll_officer, employment_id=self.shared_person_council.pk, tax_year=2026)
        pdf = p60_pdf_bytes(p60, compress=False)
        assert pdf.startswith(b"%PDF")
        for text in (b"Seacole", b"JM 11 22 33 D", b"letter A", b"letter C", b"2026/27"):
            assert text in pdf, text

    def test_the_employee_gets_their_own_p60_and_404_for_a_colleagues(self) -> None:
        self.link(self.council_emp, self.council_employee)
        own = p60_for(self.council_employee, employment_id=self.council_emp.pk, tax_year=2026)
        assert own.figures.pay == 2693940
        with pytest.raises(Http404):
            p60_for(self.council_employee, employment_id=self.starter.pk, tax_year=2026)

    def test_the_command_writes_a_pdf_per_employee_and_a_summary_of_the_figures(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            call_command(
                "payroll", "p60", "--partner", "WCC", "--tax-year", "2026", "-o", folder, stdout=io.StringIO()
            )
            names = sorted(p.name for p in Path(folder).iterdir())
            with (Path(folder) / "p60s.csv").open(newline="") as summary:
                rows = list(csv.DictReader(summary))
        assert names == [
            "p60-2026-WCC000001.pdf",
            "p60-2026-WCC000002.pdf",
            "p60-2026-WCC000050.pdf",
            "p60s.csv",
        ]
        ada = rows[0]
        assert (ada["payroll_number"], ada["pay"], ada["total_pay"], ada["ni_letters"]) == (
            "WCC000001",
            "26939.40",
            "26939.40",
            "A",
        )
        assert [r["ni_letters"] for r in rows] == ["A", "A;C", "A"]
        assert (rows[2]["previous_pay"], rows[2]["previous_tax"]) == ("5000.00", "600.00")

    def test_another_partners_officer_gets_404(self) -> None:
        police_officer = self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)])
        with pytest.raises(Http404):
            p60_for(police_officer, employment_id=self.council_emp.pk, tax_year=2026)

    def test_the_preview_summary_shows_a_formula_like_name_as_text(self) -> None:
        # OWASP CSV injection: a name a spreadsheet would run is written with a leading apostrophe.
        person = self.council_emp.person
        person.given_name = '=HYPERLINK("http://x","y")'
        person.save()
        with tempfile.TemporaryDirectory() as folder:
            call_command(
                "payroll",
                "p60",
                "--partner",
                "WCC",
                "--tax-year",
                "2026",
                "--preview",
                "-o",
                folder,
                stdout=io.StringIO(),
            )
            with (Path(folder) / "p60s-preview.csv").open(newline="") as summary:
                rows = list(csv.DictReader(summary))
        assert (rows[0]["name"], rows[0]["pay"]) == ('\'=HYPERLINK("http://x","y") Lovelace', "26939.40")
