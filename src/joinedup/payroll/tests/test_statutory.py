"""Statutory Sick Pay and Statutory Maternity Pay: the pure rules to the penny, the rule file's
validation, and both payments on a pay run's payslips."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.payroll.models import (
    FlagKind,
    FlagStatus,
    PayRun,
    Payslip,
    PayslipLine,
    RunStatus,
    VarianceFlag,
)
from joinedup.payroll.services import payrun_calculate
from joinedup.payroll.statutory import (
    MONDAY_TO_FRIDAY,
    RULES_FILE,
    StatutoryRulesError,
    average_weekly_earnings,
    linked_periods,
    load_statutory_rules,
    rules_on,
    smp_for_period,
    ssp_daily_rate,
    ssp_for_period,
)
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase
from joinedup.people.models import Employment
from joinedup.people.services import absence_decide, absence_request, sickness_record


def ssp(
    spells: list[tuple[date, date]],
    start: date,
    end: date,
    awe: str = "600",
    qualifying_days: frozenset[int] = MONDAY_TO_FRIDAY,
) -> tuple[int, int, str]:
    result = ssp_for_period(
        spells=spells,
        period_start=start,
        period_end=end,
        earnings_on=lambda _day: Decimal(awe),
        qualifying_days=qualifying_days,
    )
    return result.pence, result.days, result.reason


NOV_2026 = (date(2026, 11, 1), date(2026, 11, 30))
NOV_2025 = (date(2025, 11, 1), date(2025, 11, 30))
OCT_2025 = (date(2025, 10, 1), date(2025, 10, 31))


class TestTheRuleFile:
    def test_it_holds_the_rates_for_each_tax_year_with_the_lel_from_the_engine_rules(self) -> None:
        before, after = rules_on(date(2026, 4, 5)), rules_on(date(2026, 4, 6))
        assert (
            before.tax_year,
            before.ssp.weekly_rate,
            before.smp.weekly_rate,
            before.lower_earnings_limit,
        ) == (
            "2025-26",
            Decimal("118.75"),
            Decimal("187.18"),
            Decimal(125),
        )
        assert (after.tax_year, after.ssp.weekly_rate, after.smp.weekly_rate, after.lower_earnings_limit) == (
            "2026-27",
            Decimal("123.25"),
            Decimal("194.32"),
            Decimal(129),
        )
        # ERA 2025 s.10: no waiting days, a one-day PIW from 6 April 2026; no LEL test, 80% instead.
        assert (
            before.ssp.waiting_days,
            before.ssp.piw_min_days,
            before.ssp.lower_earnings_limit_applies,
        ) == (
            3,
            4,
            True,
        )
        assert (after.ssp.waiting_days, after.ssp.piw_min_days, after.ssp.lower_earnings_limit_applies) == (
            0,
            1,
            False,
        )
        assert (before.ssp.earnings_percent, after.ssp.earnings_percent) == (None, Decimal(80))

    def test_it_lists_what_is_unconfirmed(self) -> None:
        unconfirmed = rules_on(date(2026, 11, 1)).unconfirmed
        assert any(item.startswith("years[1].ssp.weekly_rate: ") for item in unconfirmed)

    def test_a_missing_figure_names_the_file_and_the_key(self, tmp_path: Path) -> None:
        broken = tmp_path / "statutory_payments.toml"
        text = RULES_FILE.read_text()
        broken.write_text(
            text.replace("[years.smp.higher_rate_weeks]\nvalue = 6\n", "[years.smp.higher_rate_weeks]\n", 1)
        )
        with pytest.raises(
            StatutoryRulesError,
            match=r"^statutory_payments.toml: years\[0\].smp.higher_rate_weeks.value: missing$",
        ):
            load_statutory_rules(broken)

    def test_a_float_for_money_is_refused(self, tmp_path: Path) -> None:
        broken = tmp_path / "statutory_payments.toml"
        broken.write_text(RULES_FILE.read_text().replace('value = "123.25"', "value = 123.25", 1))
        with pytest.raises(
            StatutoryRulesError, match=r"years\[1\].ssp.weekly_rate.value: expected a string of pounds"
        ):
            load_statutory_rules(broken)

    def test_a_figure_without_a_source_is_refused(self, tmp_path: Path) -> None:
        broken = tmp_path / "statutory_payments.toml"
        broken.write_text(RULES_FILE.read_text().replace('source = "SSCBA 1992 s.166(1)(a)"\n', "", 1))
        with pytest.raises(
            StatutoryRulesError, match=r"years\[1\].smp.higher_rate_weeks.source: every figure needs a source"
        ):
            load_statutory_rules(broken)


class TestSspFirstDayRule:
    def test_from_6_april_2026_ssp_is_paid_from_the_first_day(self) -> None:
        # ERA 2025 s.10(4)-(6): no waiting days from 6 April 2026. Mon 9 - Fri 13 Nov 2026:
        # 5 qualifying days x £123.25 / 5 = £24.65 a day.
        assert ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026) == (12325, 5, "")

    def test_before_6_april_2026_the_first_three_qualifying_days_are_waiting_days(self) -> None:
        # SSCBA s.155(1) (2025/26): Mon 10 - Fri 14 Nov 2025, Mon-Wed unpaid, Thu and Fri at £23.75.
        assert ssp([(date(2025, 11, 10), date(2025, 11, 14))], *NOV_2025) == (4750, 2, "waiting day")

    def test_a_single_day_is_a_piw_from_2026_but_not_before(self) -> None:
        # ERA 2025 s.10(3): a PIW of one day from 6 April 2026; SSCBA s.152(2): four days before.
        assert ssp([(date(2026, 11, 10), date(2026, 11, 10))], *NOV_2026) == (2465, 1, "")
        assert ssp([(date(2025, 11, 10), date(2025, 11, 12))], *NOV_2025) == (0, 0, "")
        # …though its days are still shown to the payroll officer.
        short = ssp_for_period(
            spells=[(date(2025, 11, 10), date(2025, 11, 12))],
            period_start=NOV_2025[0],
            period_end=NOV_2025[1],
            earnings_on=lambda _day: Decimal(600),
        )
        assert short.absent_days == 3

    def test_before_2026_earnings_below_the_lel_give_no_ssp(self) -> None:
        # SSCBA Sch. 11 para. 2(c): £124.99 a week is below the 2025/26 LEL of £125.
        pence, days, reason = ssp([(date(2025, 11, 3), date(2025, 11, 14))], *NOV_2025, awe="124.99")
        assert (pence, days) == (0, 0)
        assert reason == "waiting day; average weekly earnings £124.99 below the LEL £125"


class TestSspEarningsCap:
    def test_from_2026_low_earners_get_80_percent_of_earnings(self) -> None:
        # ERA 2025: the lower of £123.25 and 80% of £120 = £96 a week; £19.20 a day x 5.
        assert ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026, awe="120") == (9600, 5, "")

    def test_80_percent_is_the_cap_only_below_the_flat_rate(self) -> None:
        # 80% of £154.06 = £123.248 < £123.25: the earnings rate, cut to 4 places a day
        # (24.6496 x 5 = 123.248), the week rounded up to £123.25.
        assert ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026, awe="154.06")[0] == 12325
        # 80% of £150 = £120 a week.
        assert ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026, awe="150")[0] == 12000
        # 80% of £1,000 = £800: the flat £123.25.
        assert ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026, awe="1000")[0] == 12325


class TestSspDailyRatesAndRounding:
    def test_the_daily_rate_is_cut_to_four_places(self) -> None:
        # SSCBA s.157(3) and HMRC's unrounded daily rates: 123.25 / 3 = 41.08333… → 41.0833.
        assert ssp_daily_rate(Decimal("123.25"), 3) == Decimal("41.0833")
        assert ssp_daily_rate(Decimal("123.25"), 7) == Decimal("17.6071")
        assert ssp_daily_rate(Decimal("123.25"), 5) == Decimal("24.65")

    def test_each_weeks_total_rounds_up_to_the_penny(self) -> None:
        mon_wed_fri = frozenset({0, 2, 4})
        # One qualifying day: 41.0833 → £41.09.
        assert (
            ssp([(date(2026, 11, 9), date(2026, 11, 9))], *NOV_2026, qualifying_days=mon_wed_fri)[0] == 4109
        )
        # A whole week: 3 x 41.0833 = 123.2499 → £123.25, never a penny more than the weekly rate.
        assert (
            ssp([(date(2026, 11, 9), date(2026, 11, 13))], *NOV_2026, qualifying_days=mon_wed_fri)[0] == 12325
        )
        # Two weeks, rounded week by week: Wed+Fri (82.1666 → 82.17) and Mon (41.0833 → 41.09).
        assert (
            ssp([(date(2026, 11, 11), date(2026, 11, 16))], *NOV_2026, qualifying_days=mon_wed_fri)[0]
            == 8217 + 4109
        )

    def test_a_part_of_a_week_in_the_pay_period_is_paid_in_that_period(self) -> None:
        # Sick Wed 28 Oct - Tue 3 Nov 2026: the November period pays Mon 2 and Tue 3 only.
        assert ssp([(date(2026, 10, 28), date(2026, 11, 3))], *NOV_2026) == (4930, 2, "")


class TestSspLinking:
    first = (date(2025, 9, 1), date(2025, 9, 4))  # Mon-Thu: three waiting days, Thursday paid

    def test_piws_eight_weeks_apart_or_less_link_and_serve_no_new_waiting_days(self) -> None:
        # SSCBA s.152(3): the gap Fri 5 Sep - Sun 26 Oct 2025 is 52 days, so the PIW of
        # Mon 27 - Fri 31 Oct 2025 links: all 5 days paid at £23.75.
        assert ssp([self.first, (date(2025, 10, 27), date(2025, 10, 31))], *OCT_2025) == (11875, 5, "")

    def test_the_56th_day_links_and_the_57th_does_not(self) -> None:
        linked = (date(2025, 10, 31), date(2025, 11, 3))  # gap of exactly 56 days
        assert len(linked_periods([self.first, linked])) == 1
        # Fri 31 Oct and Mon 3 Nov paid: Friday in October, Monday in November.
        assert ssp([self.first, linked], *NOV_2025) == (2375, 1, "")
        apart = (date(2025, 11, 1), date(2025, 11, 4))  # 57 days: a new period, Mon and Tue wait
        assert len(linked_periods([self.first, apart])) == 2
        assert ssp([self.first, apart], *NOV_2025) == (0, 0, "waiting day")

    def test_at_most_28_weeks_are_paid_in_a_period_of_entitlement(self) -> None:
        # SSCBA s.155(4): sick from Mon 6 Apr 2026 without a break, 28 x 5 = 140 qualifying days
        # run out on Fri 16 Oct 2026. October pays Thu 1 - Fri 16: 12 days, weekly totals
        # £49.30 + £123.25 + £123.25.
        spell = [(date(2026, 4, 6), date(2027, 1, 31))]
        assert ssp(spell, date(2026, 10, 1), date(2026, 10, 31)) == (
            29580,
            12,
            "28 weeks of SSP already paid",
        )
        assert ssp(spell, *NOV_2026) == (0, 0, "28 weeks of SSP already paid")


class TestSmp:
    def smp(
        self, start: date, period: tuple[date, date], awe: str, leave_end: date | None = None
    ) -> tuple[int, int, str]:
        result = smp_for_period(
            pay_period_start=start,
            leave_end=leave_end or start + timedelta(weeks=52),
            period_start=period[0],
            period_end=period[1],
            awe=Decimal(awe),
        )
        return result.pence, result.days, result.reason

    def test_six_weeks_at_90_percent_then_the_flat_rate(self) -> None:
        # SSCBA s.166: AWE £600, 90% = £540 for weeks 1-6 (Sun 1 Nov - Sat 12 Dec 2026).
        # November: 4 weeks x £540 + 2 days of week 5 at £540 x 2/7 = £154.2857… → £154.29.
        assert self.smp(date(2026, 11, 1), NOV_2026, "600") == (231429, 30, "")
        # December: 5 days of week 5 (385.714… → £385.72), week 6 £540, weeks 7 and 8 at the flat
        # £194.32, and 5 days of week 9 at £194.32 x 5/7 = £138.80.
        december = (date(2026, 12, 1), date(2026, 12, 31))
        assert self.smp(date(2026, 11, 1), december, "600") == (38572 + 54000 + 19432 * 2 + 13880, 31, "")

    def test_after_six_weeks_90_percent_applies_when_it_is_lower_than_the_flat_rate(self) -> None:
        # AWE £200: 90% = £180 < £194.32, so weeks 7-39 are £180 too.
        start = date(2026, 11, 1)
        week_7 = (start + timedelta(weeks=6), start + timedelta(weeks=7) - timedelta(days=1))
        assert self.smp(start, week_7, "200") == (18000, 7, "")

    def test_a_fraction_of_a_penny_rounds_up(self) -> None:
        # SMP (General) Regs 1986 reg. 28: 90% of £333.33 = £299.997 → £300.00 for the week.
        start = date(2026, 11, 1)
        assert self.smp(start, (start, start + timedelta(days=6)), "333.33")[0] == 30000

    def test_earnings_below_the_lel_give_no_smp(self) -> None:
        # SSCBA s.164(2)(b): the 2026/27 LEL is £129 a week.
        assert self.smp(date(2026, 11, 1), NOV_2026, "128.99") == (
            0,
            0,
            "average weekly earnings £128.99 below the LEL £129",
        )
        assert self.smp(date(2026, 11, 1), NOV_2026, "129")[0] > 0

    def test_the_pay_period_ends_after_39_weeks(self) -> None:
        # Sun 1 Nov 2026 + 39 weeks: the last day is Sat 31 Jul 2027. £194.32 / 7 = £27.76 a day.
        july, august = (date(2027, 7, 1), date(2027, 7, 31)), (date(2027, 8, 1), date(2027, 8, 31))
        assert self.smp(date(2026, 11, 1), july, "600") == (31 * 2776, 31, "")
        assert self.smp(date(2026, 11, 1), august, "600") == (
            0,
            0,
            "the 39-week maternity pay period has ended",
        )

    def test_returning_early_ends_smp(self) -> None:
        assert self.smp(date(2026, 11, 1), NOV_2026, "600", leave_end=date(2026, 11, 7)) == (54000, 7, "")


class TestAverageWeeklyEarnings:
    def test_monthly_pay_is_the_pay_in_the_relevant_period_times_12_over_52(self) -> None:
        # Sick from 9 Nov: last pay day before is 23 Oct; the last pay day at least 8 weeks
        # before that is 25 Aug; so 25 Sep and 23 Oct count: £4,000 x 12 / 52 / 2 = £461.538…
        paid = [
            (date(2026, 7, 24), 200000),
            (date(2026, 8, 25), 200000),
            (date(2026, 9, 25), 200000),
            (date(2026, 10, 23), 200000),
        ]
        awe = average_weekly_earnings(paid, date(2026, 11, 9), monthly=True, contractual_weekly=Decimal(0))
        assert awe == Decimal("461.5384615384615384615384615")

    def test_weekly_pay_is_averaged_over_the_weeks_it_covers(self) -> None:
        # Paid on Fridays 4 Sep (n=0) to 6 Nov 2026 (n=9). Sick from Mon 16 Nov: the last pay day
        # before is 6 Nov; the last at least 8 weeks before that is 11 Sep (n=1); so n = 2…9,
        # eight payments over 56 days.
        fridays = [(date(2026, 9, 4) + timedelta(weeks=n), 50000 + n) for n in range(10)]
        awe = average_weekly_earnings(
            fridays, date(2026, 11, 16), monthly=False, contractual_weekly=Decimal(0)
        )
        assert awe == Decimal("500.055")  # £4,000.44 / 8

    def test_without_8_weeks_of_pay_it_is_the_contractual_pay(self) -> None:
        paid = [(date(2026, 10, 23), 200000)]
        assert average_weekly_earnings(
            paid, date(2026, 11, 9), monthly=True, contractual_weekly=Decimal("549.96")
        ) == Decimal("549.96")
        assert average_weekly_earnings(
            [], date(2026, 11, 9), monthly=True, contractual_weekly=Decimal(1)
        ) == Decimal(1)


class TestStatutoryPayOnPayRuns(PayrollTestCase):
    def lines(self, run: PayRun, employment: Employment) -> dict[str, tuple[str, int]]:
        return {
            line.code: (line.description, line.amount)
            for line in PayslipLine.objects.for_partner(self.council).filter(
                payslip__run=run, payslip__employment=employment
            )
        }

    def test_a_week_of_sickness_puts_ssp_on_the_payslip_within_contractual_pay(self) -> None:
        sickness_record(
            actor=self.shared_hr,
            employment=self.council_emp,
            start_date=date(2026, 11, 9),
            end_date=date(2026, 11, 13),
        )
        run = self.calculated()
        slip = self.slip(run, self.council_emp)
        # ERA 2025 s.10: from the first day. No earlier pay, so contractual earnings (£28,598 / 52
        # = £549.96 a week); 80% of that is above £123.25, so 5 x £24.65.
        assert self.lines(run, self.council_emp) == {
            "SSP": ("Statutory Sick Pay (5 qualifying days)", 12325),
            "SSP-OFFSET": ("SSP included in contractual pay", -12325),
        }
        # Basic pay untouched (occupational sick pay not modelled: full pay, inclusive of SSP).
        assert (slip.basic_pay, slip.additions, slip.gross_pay) == (238317, 0, 238317)
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, employment=self.council_emp)
        assert (flag.kind, flag.status) == (FlagKind.STATUTORY_PAY, FlagStatus.OPEN)
        assert flag.detail.startswith("Sickness 5 days: SSP £123.25. Occupational sick/maternity pay")
        # Nobody else is touched.
        assert self.lines(run, self.shared_person_council) == {}

    def test_maternity_leave_puts_smp_on_the_payslip(self) -> None:
        leave = absence_request(
            actor=self.shared_hr,
            employment=self.shared_person_council,
            kind="maternity",
            start_date=date(2026, 11, 1),
            end_date=date(2027, 7, 30),
        )
        run_before_approval = self.calculated()
        assert self.lines(run_before_approval, self.shared_person_council) == {}
        absence_decide(actor=self.shared_hr, absence=leave, approve=True)
        run = payrun_calculate(actor=self.payroll_officer, run=run_before_approval)
        # 90% of £549.9615… = £494.9653… a week: 4 weeks at £494.97 (rounded up, reg. 28) and
        # 2 days at £494.9653 x 2/7 = £141.4186… → £141.42.
        assert self.lines(run, self.shared_person_council) == {
            "SMP": ("Statutory Maternity Pay (30 days)", 212130),
            "SMP-OFFSET": ("SMP included in contractual pay", -212130),
        }
        assert self.slip(run, self.shared_person_council).gross_pay == 238317

    def test_the_approved_runs_pay_sets_average_weekly_earnings(self) -> None:
        # Low pay on earlier payslips: 80% of it is below £123.25 (ERA 2025), so SSP follows it.
        for pay_date in (date(2026, 8, 25), date(2026, 9, 25), date(2026, 10, 23)):
            run = self.calculated(pay_date=pay_date)
            Payslip.objects.for_partner(self.council).filter(run=run, employment=self.council_emp).update(
                gross_pay=50000
            )
            run.status = RunStatus.APPROVED
            run.save(update_fields=["status"])
        sickness_record(
            actor=self.shared_hr,
            employment=self.council_emp,
            start_date=date(2026, 11, 9),
            end_date=date(2026, 11, 13),
        )
        run = self.calculated()
        # The last pay day before 9 Nov is 23 Oct; the last at least 8 weeks before that is 25 Aug,
        # so 25 Sep and 23 Oct count: £1,000 x 12 / 52 / 2 = £115.3846… a week; 80% = £92.3077,
        # £18.4615 a day (cut to 4 places), x 5 = £92.3075 → £92.31 (rounded up).
        assert self.lines(run, self.council_emp)["SSP"] == ("Statutory Sick Pay (5 qualifying days)", 9231)

    def test_gathering_reads_absences_and_earnings_in_a_fixed_number_of_queries(self) -> None:
        from joinedup.payroll import calculation
        from joinedup.payroll.services import payrun_create

        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=NOVEMBER
        )
        sickness_record(
            actor=self.shared_hr,
            employment=self.council_emp,
            start_date=date(2026, 11, 9),
            end_date=date(2026, 11, 13),
        )
        with CaptureQueriesContext(connection) as one:
            calculation.gather(run)
        sickness_record(
            actor=self.shared_hr,
            employment=self.shared_person_council,
            start_date=date(2026, 11, 2),
            end_date=date(2026, 11, 3),
        )
        with CaptureQueriesContext(connection) as two:
            inputs = calculation.gather(run)
        assert len(two) == len(one)
        assert sorted(line.code for record in inputs for line in record.lines) == sorted(
            ["SSP", "SSP-OFFSET"] * 2
        )
