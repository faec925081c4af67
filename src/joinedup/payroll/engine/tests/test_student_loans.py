"""Student and postgraduate loan deductions (SI 2009/470 Part 4; HMRC employer guidance).

2026-27 monthly thresholds: plan 1 2,241.66; plan 2 2,448.75; plan 4 2,816.25; plan 5 2,083.33;
postgraduate 1,750.00. Weekly: plan 2 565.09. 9% (postgraduate 6%) of NI-able pay above the
threshold, rounded down to the pound; non-cumulative.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

import pytest

from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import available_tax_years, load_rules
from joinedup.payroll.engine.student_loans import calculate_loans, parse_plans
from joinedup.payroll.engine.tests.support import both_paths


def loans(
    plans: str, earnings: str, frequency: Frequency = Frequency.MONTHLY, pension: str = "none"
) -> tuple[int, int]:
    """(student loan, postgraduate loan) in pence via both paths."""
    record = EmployeePeriod(
        tax_year=2026,
        frequency=frequency,
        period=1,
        tax_code="1257L",
        basis=Basis.CUMULATIVE,
        gross_pay=Decimal(earnings),
        student_loan_plans=parse_plans(plans),
        pension_scheme=pension,
    )
    slip = both_paths(record)
    return slip["student_loan"], slip["postgraduate_loan"]


def test_it_deducts_nothing_at_the_threshold() -> None:
    assert loans("2", "2448.75") == (0, 0)
    assert loans("PG", "1750.00") == (0, 0)


def test_it_rounds_the_deduction_down_to_the_pound() -> None:
    # (2459.86 - 2448.75) x 9% = 11.11 x 0.09 = 0.9999 -> 0
    assert loans("2", "2459.86") == (0, 0)
    # (2459.87 - 2448.75) x 9% = 11.12 x 0.09 = 1.0008 -> 1
    assert loans("2", "2459.87") == (1_00, 0)


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ("1", 68_00),  # (3000 - 2241.66) x 9% = 68.2506 -> 68
        ("2", 49_00),  # (3000 - 2448.75) x 9% = 49.6125 -> 49
        ("4", 16_00),  # (3000 - 2816.25) x 9% = 16.5375 -> 16
        ("5", 82_00),  # (3000 - 2083.33) x 9% = 82.5003 -> 82
    ],
)
def test_it_uses_each_plans_own_threshold(plan: str, expected: int) -> None:
    assert loans(plan, "3000.00") == (expected, 0)


def test_it_takes_postgraduate_loan_at_6_percent_alongside_an_undergraduate_plan() -> None:
    # PG: (3000 - 1750) x 6% = 75.00, independent of plan 2's 49
    assert loans("2;PG", "3000.00") == (49_00, 75_00)


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        ("1;2", 68_00),  # plan 1's threshold is the lowest
        ("2;4", 49_00),  # plan 2's
        ("2;5", 82_00),  # plan 5's
        ("1;2;4;5", 82_00),  # plan 5's
    ],
)
def test_it_uses_the_lowest_threshold_when_an_employee_has_several_plans(plans: str, expected: int) -> None:
    # HMRC employer guidance: one undergraduate deduction, at the lowest threshold of the plans.
    assert loans(plans, "3000.00") == (expected, 0)


def test_it_uses_weekly_two_weekly_and_four_weekly_thresholds() -> None:
    # weekly plan 2: (600 - 565.09) x 9% = 3.1419 -> 3
    assert loans("2", "600.00", Frequency.WEEKLY) == (3_00, 0)
    # two-weekly: threshold 2 x 565.09 = 1130.18: (1200 - 1130.18) x 9% = 6.2838 -> 6
    assert loans("2", "1200.00", Frequency.FORTNIGHTLY) == (6_00, 0)
    # four-weekly: 4 x 565.09 = 2260.36: (2400 - 2260.36) x 9% = 12.5676 -> 12
    assert loans("2", "2400.00", Frequency.FOUR_WEEKLY) == (12_00, 0)


def test_it_deducts_on_ni_pay_not_on_pay_after_the_pension() -> None:
    # LGPS takes 195.00 of 3000 (6.5%), but the plan 2 deduction is still on 3000: 49.
    assert loans("2", "3000.00", pension="lgps_main") == (49_00, 0)


@pytest.mark.parametrize("year", available_tax_years())
def test_its_period_thresholds_are_the_annual_figure_divided_and_rounded_down(year: int) -> None:
    # HMRC publishes the weekly and monthly thresholds as annual / 52 and / 12 to the penny below
    # (e.g. 2025-26 plan 4: 32,745 / 52 = 629.711.. -> 629.71).
    for plan in load_rules(year).student_loans.values():
        assert plan.weekly == (plan.annual / 52).quantize(Decimal("0.01"), ROUND_FLOOR)
        assert plan.monthly == (plan.annual / 12).quantize(Decimal("0.01"), ROUND_FLOOR)


def test_it_refuses_plan_5_before_it_came_into_force() -> None:
    # Plan 5 deductions start 6 April 2026; the 2025-26 file has no plan 5.
    with pytest.raises(ValueError, match="not in force in 2025-26"):
        calculate_loans(load_rules(2025), {"plan_5"}, Frequency.MONTHLY, Decimal("3000"))


def test_it_reads_plans_written_as_in_the_input_file() -> None:
    assert parse_plans(" 1; pg ") == {"plan_1", "postgraduate"}
    assert parse_plans("") == frozenset()
    with pytest.raises(ValueError, match="unknown student loan plan '3'"):
        parse_plans("3")
