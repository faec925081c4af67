from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.payroll import calculation
from joinedup.payroll.engine import Basis, EmployeePeriod, Frequency, gross_to_net
from joinedup.payroll.models import (
    EmployerPensionRate,
    FlagKind,
    FlagStatus,
    PayItem,
    PayRun,
    Payslip,
    RunStatus,
    TakeOnBalance,
    VarianceFlag,
)
from joinedup.payroll.periods import pay_period
from joinedup.payroll.services import (
    flag_accept,
    payrun_approve,
    payrun_calculate,
    payrun_create,
    payrun_mark_paid,
)
from joinedup.people.models import Employment, Person
from joinedup.people.services import employment_change_terms, employment_end, person_update
from joinedup.testing.people import PeopleTestCase

NOVEMBER = date(2026, 11, 25)


def _tax_period(frequency: str, pay_date: date) -> tuple[int, int]:
    period = pay_period(frequency, pay_date)
    return period.tax_year, period.period


def pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


class PayrollTestCase(PeopleTestCase):
    payroll_officer: Any
    payroll_approver: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        both = [cls.council, cls.police]
        cls.payroll_officer = cls.make_user("payroll.officer", [(p, Role.PAYROLL_OFFICER) for p in both])
        cls.payroll_approver = cls.make_user("payroll.approver", [(p, Role.PAYROLL_APPROVER) for p in both])
        # The fixture employers went live on joinedup with take-on figures of nothing: their staff,
        # employed since 2022, are calculated as if nothing was paid earlier in the tax year (the
        # figures these tests assert). Without take-on rows, each first run after April is flagged.
        for employment in (
            cls.council_emp,
            cls.police_emp,
            cls.shared_person_council,
            cls.shared_person_police,
        ):
            for tax_year in (2025, 2026):
                TakeOnBalance.objects.create(
                    partner_id=employment.partner_id,
                    employment=employment,
                    tax_year=tax_year,
                    taxable_pay=0,
                    tax=0,
                    source_file="test fixture: nothing to take on",
                )
        for partner in both:
            EmployerPensionRate.objects.create(
                partner=partner,
                pension_scheme="lgps_main",
                effective_from=date(2026, 4, 1),
                rate_percent=Decimal("17.5"),
                source="test actuarial certificate",
            )

    def calculated(self, partner: Any = None, pay_date: date = NOVEMBER) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer,
            partner=partner or self.council,
            frequency="monthly",
            pay_date=pay_date,
        )
        return payrun_calculate(actor=self.payroll_officer, run=run)

    def slip(self, run: PayRun, employment: Employment) -> Payslip:
        return Payslip.objects.for_partner(run.partner_id).get(run=run, employment=employment)


class TestPayPeriods(PayrollTestCase):
    def test_a_pay_date_fixes_the_tax_month(self) -> None:
        # Tax month 8 of 2026/27 runs 6 November to 5 December.
        assert _tax_period("monthly", date(2026, 11, 25)) == (2026, 8)
        assert _tax_period("monthly", date(2026, 12, 5)) == (2026, 8)
        assert _tax_period("monthly", date(2026, 12, 6)) == (2026, 9)
        assert _tax_period("monthly", date(2027, 4, 5)) == (2026, 12)

    def test_a_weekly_pay_date_fixes_the_tax_week(self) -> None:
        # Tax week 1 of 2026/27 is 6-12 April 2026; 13 November 2026 is in week 32.
        assert _tax_period("weekly", date(2026, 4, 10)) == (2026, 1)
        period = pay_period("weekly", date(2026, 11, 13))
        assert (period.period, period.start, period.end) == (32, date(2026, 11, 9), date(2026, 11, 15))


class TestBasicPay(PayrollTestCase):
    def test_a_full_month_pays_a_twelfth_of_the_salary_times_fte(self) -> None:
        run = self.calculated()
        # SCP12 from 1 April 2025: £28,598 a year; 28,598 / 12 = 2,383.1666… → £2,383.17.
        assert self.slip(run, self.council_emp).basic_pay == 238317
        police_run = self.calculated(self.police)
        # 0.4 FTE: 28,598 x 0.4 / 12 = 953.2666… → £953.27.
        assert self.slip(police_run, self.shared_person_police).basic_pay == 95327

    def test_a_starter_is_paid_for_the_calendar_days_worked(self) -> None:
        starter = self.hire(
            self.council,
            "Nia",
            "Brown",
            "AA333444A",
            "WCC000050",
            start=date(2026, 11, 16),
            pay_point=self.scp5,
        )
        run = self.calculated()
        # SCP5 £25,989: 16-30 November is 15 of 30 days: 25,989 / 12 x 15 / 30 = 1,082.875 → £1,082.88.
        assert self.slip(run, starter).basic_pay == 108288

    def test_a_change_of_pay_point_mid_month_pays_each_rate_for_its_days(self) -> None:
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 11, 11),
            reason="Promotion",
            changes={"pay_point": self.scp25},
        )
        run = self.calculated()
        # 1-10 Nov on SCP12 (£28,598), 11-30 Nov on SCP25 (£33,699):
        # 28,598/12 x 10/30 + 33,699/12 x 20/30 = 794.3888… + 1,872.1666… = 2,666.5555… → £2,666.56.
        assert self.slip(run, self.council_emp).basic_pay == 266656

    def test_a_leaver_is_paid_to_their_last_day_and_not_after(self) -> None:
        from joinedup.people.services import employment_end

        employment_end(
            actor=self.shared_hr, employment=self.council_emp, end_date=date(2026, 11, 6), reason="Left"
        )
        run = self.calculated()
        # 1-6 November: 28,598 / 12 x 6 / 30 = 476.6333… → £476.63.
        assert self.slip(run, self.council_emp).basic_pay == 47663
        december = self.calculated(pay_date=date(2026, 12, 24))
        assert (
            not Payslip.objects.for_partner(self.council)
            .filter(run=december, employment=self.council_emp)
            .exists()
        )


class TestDeductions(PayrollTestCase):
    def test_the_engine_figures_agree_with_the_scalar_reference(self) -> None:
        run = self.calculated()
        slip = self.slip(run, self.council_emp)
        reference = gross_to_net(
            EmployeePeriod(
                2026,
                Frequency.MONTHLY,
                8,
                "1257L",
                Basis.CUMULATIVE,
                pounds(slip.gross_pay),
                pension_scheme="lgps_main",
                employer_pension_rate=Decimal("17.5"),
            )
        )
        assert (
            pounds(slip.pension_employee),
            pounds(slip.pension_employer),
            pounds(slip.tax),
            pounds(slip.ni_employee),
            pounds(slip.ni_employer),
            pounds(slip.net_pay),
        ) == (
            reference.pension_employee,
            reference.pension_employer,
            reference.tax,
            reference.ni_employee,
            reference.ni_employer,
            reference.net_pay,
        )
        assert slip.pension_employee > 0 and slip.ni_employee > 0

    def test_additions_are_taxed_and_deductions_after_tax_reduce_net_pay(self) -> None:
        base = self.slip(self.calculated(pay_date=date(2026, 10, 23)), self.council_emp)
        PayItem.objects.create(
            partner=self.council,
            employment=self.council_emp,
            kind="addition",
            code="overtime",
            description="Overtime",
            amount=Decimal("200.00"),
            start_date=date(2026, 11, 20),
            end_date=date(2026, 11, 20),
        )
        PayItem.objects.create(
            partner=self.council,
            employment=self.council_emp,
            kind="deduction",
            code="union_subs",
            description="UNISON",
            amount=Decimal("15.50"),
            start_date=date(2026, 4, 1),
        )
        slip = self.slip(self.calculated(), self.council_emp)
        assert slip.gross_pay == slip.basic_pay + 20000
        assert slip.deductions_after_tax == 1550
        assert [(line.code, line.amount) for line in slip.lines.order_by("code")] == [
            ("overtime", 20000),
            ("union_subs", 1550),
        ]
        assert slip.net_pay < base.net_pay + 20000 - 1550  # the overtime was taxed

    def test_pay_and_tax_to_date_carry_from_the_previous_approved_run(self) -> None:
        october = self.calculated(pay_date=date(2026, 10, 23))
        payrun_approve(actor=self.payroll_approver, run=october)
        before = self.slip(october, self.council_emp)
        november = self.slip(self.calculated(), self.council_emp)
        assert november.taxable_pay_to_date == before.taxable_pay_to_date + november.taxable_pay
        assert november.tax_paid_to_date == before.tax_paid_to_date + november.tax


class TestLifecycle(PayrollTestCase):
    def test_a_second_regular_run_for_the_same_period_is_refused(self) -> None:
        self.calculated()
        with pytest.raises(ValidationError, match="already has a monthly run"):
            payrun_create(
                actor=self.payroll_officer,
                partner=self.council,
                frequency="monthly",
                pay_date=date(2026, 11, 27),
            )
        assert PayRun.objects.for_partner(self.council).count() == 1

    def test_recalculating_replaces_every_payslip_without_doubling(self) -> None:
        run = self.calculated()
        first = list(
            Payslip.objects.for_partner(self.council).filter(run=run).values_list("employment_id", "net_pay")
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        again = list(
            Payslip.objects.for_partner(self.council).filter(run=run).values_list("employment_id", "net_pay")
        )
        assert sorted(again) == sorted(first)
        assert len(again) == Employment.objects.for_partner(self.council).count()

    def test_a_calculation_that_dies_half_way_resumes_to_the_same_payslips(self) -> None:
        clean = self.calculated(pay_date=date(2026, 10, 23))
        expected = sorted(
            Payslip.objects.for_partner(self.council)
            .filter(run=clean)
            .values_list("employment_id", "gross_pay", "tax", "ni_employee", "net_pay")
        )
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )
        real_write = calculation.write_batch
        calls = {"n": 0}

        def dies_on_second_batch(*args: Any, **kwargs: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            real_write(*args, **kwargs)

        with mock.patch.object(calculation, "write_batch", dies_on_second_batch), pytest.raises(RuntimeError):
            payrun_calculate(actor=self.payroll_officer, run=run, batch_size=1)
        run.refresh_from_db()
        assert (run.status, run.progress_done) == (RunStatus.CALCULATING, 1)
        payrun_calculate(actor=self.payroll_officer, run=run, batch_size=1)
        resumed = sorted(
            Payslip.objects.for_partner(self.council)
            .filter(run=run)
            .values_list("employment_id", "gross_pay", "tax", "ni_employee", "net_pay")
        )
        # Same people, same pay (October and November are both whole months on the same terms).
        assert [r[:2] for r in resumed] == [r[:2] for r in expected]

    def test_the_person_who_calculated_cannot_approve(self) -> None:
        lead = self.make_user(
            "payroll.lead", [(self.council, Role.PAYROLL_OFFICER), (self.council, Role.PAYROLL_APPROVER)]
        )
        run = payrun_create(actor=lead, partner=self.council, frequency="monthly", pay_date=NOVEMBER)
        payrun_calculate(actor=lead, run=run)
        with pytest.raises(PermissionDenied, match="another approver"):
            payrun_approve(actor=lead, run=run)
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED
        assert not AuditEvent.objects.for_partner(self.council).filter(action="payrun.approved").exists()

    def test_flags_must_be_accepted_before_approval(self) -> None:
        person_update(
            actor=self.shared_hr,
            person=self.council_emp.person,
            changes={"bank_sort_code": "", "bank_account_number": ""},
        )
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, employment=self.council_emp)
        assert (flag.kind, flag.status) == (FlagKind.NO_BANK_DETAILS, FlagStatus.OPEN)
        with pytest.raises(ValidationError, match="1 flagged item"):
            payrun_approve(actor=self.payroll_approver, run=run)
        flag_accept(actor=self.payroll_officer, flag=flag, note="Paid by cheque this month")
        payrun_approve(actor=self.payroll_approver, run=run)
        run.refresh_from_db()
        assert run.status == RunStatus.APPROVED

    def test_an_accepted_flag_stays_accepted_when_the_run_is_recalculated(self) -> None:
        Person.objects.unscoped(reason="test").filter(pk=self.council_emp.person_id).update(
            bank_account_number=""
        )
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, kind=FlagKind.NO_BANK_DETAILS)
        flag_accept(actor=self.payroll_officer, flag=flag, note="Cheque")
        payrun_calculate(actor=self.payroll_officer, run=run)
        assert list(
            VarianceFlag.objects.for_partner(self.council).filter(run=run).values_list("status", flat=True)
        ) == [FlagStatus.ACCEPTED]

    def test_hours_paid_below_the_living_wage_are_flagged(self) -> None:
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 11, 1),
            reason="Hours",
            changes={"weekly_hours": Decimal(60)},
        )
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, kind=FlagKind.BELOW_MINIMUM_WAGE)
        # £2,383.17 for 60 x 52 / 12 = 260 hours: £9.17 an hour, below the £12.71 National Living Wage.
        assert flag.detail == "£9.17 an hour for 60.00 hours a week; the National Living Wage is £12.71."

    def test_a_part_month_starter_is_held_to_the_minimum_for_the_days_employed(self) -> None:
        # National Minimum Wage Regulations 2015, reg. 6 and 7: pay is tested over the pay
        # reference period, and a starter works (and is paid for) only the part of it they
        # are employed. Starting 16 November: 15 of November's 30 days, half the month's hours.
        starter = self.hire(
            self.council, "Rosalind", "Franklin", "JT445566B", "WCC000077", start=date(2026, 11, 16)
        )
        run = self.calculated()
        assert self.slip(run, starter).gross_pay > 0
        assert not VarianceFlag.objects.for_partner(self.council).filter(
            run=run, employment=starter, kind=FlagKind.BELOW_MINIMUM_WAGE
        )

    def test_a_starter_after_the_pay_date_is_held_to_the_minimum_for_their_days(self) -> None:
        # Paid on 25 November for 27 to 30 November: 4 of the month's 30 days (reg. 6 and 7).
        starter = self.hire(
            self.council, "Rosalind", "Franklin", "JT445566B", "WCC000077", start=date(2026, 11, 27)
        )
        run = self.calculated()
        assert self.slip(run, starter).gross_pay > 0
        assert not VarianceFlag.objects.for_partner(self.council).filter(
            run=run, employment=starter, kind=FlagKind.BELOW_MINIMUM_WAGE
        )

    def test_a_part_month_leaver_is_held_to_the_minimum_for_the_days_employed(self) -> None:
        # Leaving on 9 November: paid for 9 of the month's 30 days, tested on their hours (reg. 6, 7).
        employment_end(
            actor=self.shared_hr, employment=self.council_emp, end_date=date(2026, 11, 9), reason="Resigned"
        )
        run = self.calculated()
        assert self.slip(run, self.council_emp).gross_pay > 0
        assert not VarianceFlag.objects.for_partner(self.council).filter(
            run=run, employment=self.council_emp, kind=FlagKind.BELOW_MINIMUM_WAGE
        )

    def test_a_part_month_starter_paid_below_the_minimum_is_still_flagged(self) -> None:
        # 60 hours a week for half of November: 130 hours, paid half of £2,383.17.
        starter = self.hire(
            self.council,
            "Rosalind",
            "Franklin",
            "JT445566B",
            "WCC000077",
            start=date(2026, 11, 16),
            weekly_hours=Decimal(60),
        )
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(
            run=run, employment=starter, kind=FlagKind.BELOW_MINIMUM_WAGE
        )
        assert flag.detail == "£9.17 an hour for 60.00 hours a week; the National Living Wage is £12.71."

    def test_a_closed_run_cannot_change(self) -> None:
        run = self.calculated()
        payrun_approve(actor=self.payroll_approver, run=run)
        payrun_mark_paid(actor=self.payroll_officer, run=run)
        before = list(Payslip.objects.for_partner(self.council).filter(run=run).values_list("pk", "net_pay"))
        with pytest.raises(ValidationError, match="cannot change"):
            payrun_calculate(actor=self.payroll_officer, run=run)
        assert (
            list(Payslip.objects.for_partner(self.council).filter(run=run).values_list("pk", "net_pay"))
            == before
        )

    def test_a_payroll_officer_of_another_partner_cannot_calculate(self) -> None:
        fire_officer = self.make_user("fire.payroll", [(self.fire, Role.PAYROLL_OFFICER)])
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )
        with pytest.raises(PermissionDenied):
            payrun_calculate(actor=fire_officer, run=run)
        run.refresh_from_db()
        assert run.status == RunStatus.DRAFT
        assert not Payslip.objects.for_partner(self.council).filter(run=run).exists()


class _Killed(Exception):
    """Stands for the process being killed part way through a calculation."""


class TestOutputsComeOnlyFromAWholeRun(PayrollTestCase):
    """Issue 20: after a calculation killed part way, the journal balanced for the part."""

    def killed_after_one_batch(self) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )
        real = calculation.calculate_batch
        batches: list[int] = []

        def dies_on_the_second_batch(*args: Any) -> Any:
            if batches:
                raise _Killed
            batches.append(1)
            return real(*args)

        with (
            mock.patch(
                "joinedup.payroll.run_calculation.calculation.calculate_batch", dies_on_the_second_batch
            ),
            pytest.raises(_Killed),
        ):
            payrun_calculate(actor=self.payroll_officer, run=run, batch_size=1)
        run.refresh_from_db()
        assert (run.status, run.payslips.count(), run.progress_total) == (RunStatus.CALCULATING, 1, 2)
        return run

    def test_the_journal_of_a_run_killed_part_way_is_refused_by_the_cli(self) -> None:
        from django.core.management import CommandError, call_command

        self.killed_after_one_batch()
        out = io.StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("payroll", "journal", "--partner", "WCC", "--pay-date", "2026-11-25", stdout=out)
        assert str(caught.value) == (
            "A payroll journal comes only from a calculated, approved or paid (closed) run; this one "
            "is calculating. Calculate it to the end first."
        )
        assert out.getvalue() == ""

    def test_the_journal_of_a_run_killed_part_way_is_refused_by_the_api(self) -> None:
        run = self.killed_after_one_batch()
        response = self.api(self.payroll_officer).get(f"/api/v1/pay-runs/{run.pk}/journal.csv")
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "status": [
                "A payroll journal comes only from a calculated, approved or paid (closed) run; this "
                "one is calculating. Calculate it to the end first."
            ]
        }

    def test_the_journal_of_a_whole_run_is_given_by_the_api(self) -> None:
        run = self.calculated()
        response = self.api(self.payroll_officer).get(f"/api/v1/pay-runs/{run.pk}/journal.csv")
        assert response.status_code == 200
        header, *rows = response.content.decode().splitlines()
        assert header == "partner,account,account_name,cost_centre,debit,credit,description"
        assert len(rows) > 2

    def test_the_journal_of_a_run_killed_part_way_is_refused_by_the_web_page(self) -> None:
        run = self.killed_after_one_batch()
        self.client.force_login(self.payroll_officer)
        response = self.client.get(f"/payroll/runs/{run.pk}/journal.csv", follow=True)
        assert response.redirect_chain == [(f"/payroll/runs/{run.pk}", 302)]
        assert "Calculate it to the end first." in response.content.decode()

    def test_a_run_marked_calculated_but_missing_payslips_gives_no_outputs(self) -> None:
        # As if a payslip were lost after the run was marked: the count, not the status alone.
        from joinedup.payroll.documents import bacs_file, fps_for_run
        from joinedup.payroll.journal import build_journal

        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        lost = run.payslips.exclude(employment=self.council_emp).first()
        assert lost is not None
        lost.delete()
        expected = "comes only from a fully calculated run: this one holds 1 of its 2 payslips."
        for name, output in (
            ("A payroll journal", build_journal),
            ("A BACS file", bacs_file),
            ("A Full Payment Submission", fps_for_run),
        ):
            with self.subTest(output=name), pytest.raises(ValidationError) as caught:
                output(run)
            assert caught.value.message_dict == {"status": [f"{name} {expected} Calculate it again first."]}

    def test_bacs_and_fps_of_a_run_killed_part_way_are_refused(self) -> None:
        from joinedup.payroll.documents import bacs_file, fps_for_run

        run = self.killed_after_one_batch()
        for output, message in (
            (bacs_file, "Only an approved run is paid."),
            (fps_for_run, "Only an approved run is reported to HMRC."),
        ):
            with pytest.raises(ValidationError) as caught:
                output(run)
            assert caught.value.message_dict == {"status": [message]}
