"""The appraisal, checked against cases worked by hand (exact fractions, rounded once).

Discounting: HM Treasury, The Green Book (2003), Annex 6, Table 6.1 — 3.5% for years 0-30,
3.0% for 31-75, 2.5% for 76-125; year 0 is not discounted, and the factors are chained across a
change of rate (the factor of year 31 is 1/(1.035^30 x 1.03))."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from joinedup.businesscase import appraisal as a

D = Decimal
GREEN_BOOK = a.green_book()


def test_it_discounts_the_issues_example_at_three_and_a_half_percent() -> None:
    # -3,700,000 + 1,200,000/1.035 + 1,500,000/1.035^2
    # = -3,700,000 + 1,159,420.2899 + 1,400,266.0505 = -1,140,313.66
    flows = [D(-3_700_000), D(1_200_000), D(1_500_000)]
    assert a.net_present_value(flows, GREEN_BOOK) == D("-1140313.66")
    assert a.payback_year(flows) is None
    assert a.payback_year(a.present_values(flows, GREEN_BOOK)) is None


def test_payback_is_the_first_year_whose_cumulative_flow_reaches_zero() -> None:
    # Cumulative: -3.7m, -2.5m, -1.0m, +0.5m (year 3); discounted: -3.7m, -2.54m, -1.14m,
    # +0.21m (year 3). NPV 212,600.40.
    flows = [D(-3_700_000), D(1_200_000), D(1_500_000), D(1_500_000)]
    assert a.net_present_value(flows, GREEN_BOOK) == D("212600.40")
    assert a.payback_year(flows) == 3
    assert a.payback_year(a.present_values(flows, GREEN_BOOK)) == 3
    assert a.payback_year([D(-100), D(100)]) == 1  # reaching exactly zero counts


def test_year_zero_is_not_discounted() -> None:
    assert a.net_present_value([D("123.45")], GREEN_BOOK) == D("123.45")
    assert GREEN_BOOK.factors(1) == (D(1),)


def test_past_year_thirty_the_declining_rate_applies() -> None:
    # Green Book Annex 6 Table 6.1: 3.0% from year 31. Year 30: 1/1.035^30 = 0.356278;
    # year 31: 0.356278/1.03 = 0.345901. £1m in each: 356,278.41 + 345,901.37 = 702,179.78.
    flows = [D(0)] * 30 + [D(1_000_000), D(1_000_000)]
    factors = GREEN_BOOK.factors(32)
    assert (a.schedule_factor_text(factors[30]), a.schedule_factor_text(factors[31])) == (
        "0.356278",
        "0.345901",
    )
    assert a.net_present_value(flows, GREEN_BOOK) == D("702179.78")
    assert (GREEN_BOOK.rate(30), GREEN_BOOK.rate(31), GREEN_BOOK.rate(75), GREEN_BOOK.rate(76)) == (
        D("3.5"),
        D("3.0"),
        D("3.0"),
        D("2.5"),
    )


def test_past_year_seventy_five_the_rate_declines_again() -> None:
    # 2.5% from year 76: £1m in year 75 and in year 76 = 186,129.65.
    flows = [D(0)] * 75 + [D(1_000_000), D(1_000_000)]
    assert a.net_present_value(flows, GREEN_BOOK) == D("186129.65")


def test_a_constant_rate_can_be_given() -> None:
    five = a.schedule_named("5")
    assert a.net_present_value([D(-100), D(105)], five) == D("0.00")
    assert a.payback_year(a.present_values([D(-100), D(105)], five)) == 1


def test_it_rounds_once_at_the_end_not_year_by_year() -> None:
    # At 20%, a penny in years 1-3 is worth 0.00833 + 0.00694 + 0.00579 = 0.02106: 0.02, where
    # rounding each year first would give 0.03.
    flows = [D(0), D("0.01"), D("0.01"), D("0.01")]
    assert a.net_present_value(flows, a.schedule_named("20")) == D("0.02")


def test_it_refuses_cash_flows_it_cannot_appraise() -> None:
    for flows, message in (
        ([], "at least one year"),
        ([D("1.001")], "whole number of pence"),
        ([D("NaN")], "not an amount"),
    ):
        with pytest.raises(a.AppraisalError, match=message):
            a.check_cashflows(flows)
    for text, message in (("green-paper", "neither green-book nor a rate"), ("-100", "cannot be used")):
        with pytest.raises(a.AppraisalError, match=message):
            a.schedule_named(text)


# A case worked by hand: six years (0-5) at the Green Book rate.
#   set-up cost £1,000,000 in year 0, optimism bias 20%          -> 1,200,000
#   running cost £50,000 in years 1-5, optimism bias 10%        -> 55,000 a year
#   saving £400,000 in years 1-5, benefits one year late         -> years 2-5 (year 6 is past the horizon)
CASE = (
    a.Line(name="Set-up", kind=a.COST, amounts=(D(1_000_000),), optimism_bias=D(20), one_off=True),
    a.Line(name="Running", kind=a.COST, amounts=(D(0),) + (D(50_000),) * 5, optimism_bias=D(10)),
    a.Line(name="Posts deleted", kind=a.SAVING, amounts=(D(0),) + (D(400_000),) * 5, delay_years=1),
)


def test_it_appraises_a_case_with_its_optimism_bias() -> None:
    result = a.appraise(CASE, years=6, schedule=GREEN_BOOK)
    assert result.costs == (D("1200000.00"),) + (D("55000.00"),) * 5
    assert result.savings == (D("0.00"), D("0.00")) + (D("400000.00"),) * 4
    assert (result.present_value_costs, result.present_value_savings, result.net_present_value) == (
        D("1448327.88"),
        D("1419547.52"),
        D("-28780.36"),
    )
    # Cumulative: -1.2m, -1.255m, -0.91m, -0.565m, -0.22m, +0.125m; discounted never reaches 0.
    assert (result.payback_year, result.discounted_payback_year) == (5, None)


def test_its_sensitivities_are_the_ones_the_board_asks_for() -> None:
    result = a.appraise(CASE, years=6, schedule=GREEN_BOOK)
    assert result.sensitivities == {
        "savings +20%": D("255129.14"),
        "savings +10%": D("113174.39"),
        "savings -10%": D("-170735.11"),
        "savings -20%": D("-312689.86"),
        "savings one year late": D("-402184.64"),  # years 3-5 only
        "optimism bias off": D("580268.33"),  # 1m, 50k a year, savings from year 1
    }
    # NPV / PV of savings: the savings would have to rise by 2.03% for the case to break even.
    assert result.switching_value_percent == D("-2.03")


def test_the_switching_value_is_the_fall_in_savings_that_brings_the_npv_to_zero() -> None:
    lines = (
        a.Line(name="Cost", kind=a.COST, amounts=(D(100),)),
        a.Line(name="Saving", kind=a.SAVING, amounts=(D(150),)),
    )
    result = a.appraise(lines, years=1, schedule=a.schedule_named("0"))
    assert (result.net_present_value, result.switching_value_percent) == (D("50.00"), D("33.33"))


def test_each_partner_gets_its_share_to_the_penny_and_the_shares_add_up() -> None:
    # Keys 5:3:2. NPV -2,878,036p: 5/10 = -1,439,018; 3/10 = -863,410.8; 2/10 = -575,607.2; the
    # penny left over goes to the largest remainder (0.8, the fire service).
    result = a.appraise(
        CASE, years=6, schedule=GREEN_BOOK, allocation={"WCC": D(5), "WFRS": D(3), "WPOL": D(2)}
    )
    assert [(s.partner, s.costs, s.savings, s.net_present_value) for s in result.shares] == [
        ("WCC", D("737500.00"), D("800000.00"), D("-14390.18")),
        ("WFRS", D("442500.00"), D("480000.00"), D("-8634.11")),
        ("WPOL", D("295000.00"), D("320000.00"), D("-5756.07")),
    ]
    assert sum(s.net_present_value for s in result.shares) == result.net_present_value


def test_it_refuses_lines_it_cannot_appraise() -> None:
    cases = (
        (a.Line(name="x", kind="gift", amounts=(D(1),)), "kind must be one of cost, saving"),
        (a.Line(name="x", kind=a.COST, amounts=(D(-1),)), "0 or more"),
        (a.Line(name="x", kind=a.COST, amounts=(D(1),) * 3), "past the 2-year horizon"),
        (a.Line(name="x", kind=a.SAVING, amounts=(D(1),), optimism_bias=D(5)), "a delay in years"),
        (a.Line(name="x", kind=a.COST, amounts=(D("0.001"),)), "pounds and pence"),
    )
    for line, message in cases:
        with pytest.raises(a.AppraisalError, match=message):
            a.appraise([line], years=2, schedule=GREEN_BOOK)


class TestTheRuleFile:
    def test_it_names_its_source(self) -> None:
        assert "The Green Book" in GREEN_BOOK.source
        assert "Table 6.1" in GREEN_BOOK.source

    def test_it_refuses_a_schedule_that_does_not_start_at_year_zero(self, tmp_path: Path) -> None:
        broken = tmp_path / "discounting.toml"
        text = a.RULES_FILE.read_text(encoding="utf-8").replace("from_year = 0\n", "from_year = 1\n", 1)
        broken.write_text(text, encoding="utf-8")
        with pytest.raises(a.DiscountRulesError, match="bands must start at year 0"):
            a.load_schedules(broken)

    def test_it_refuses_a_schedule_without_its_source(self, tmp_path: Path) -> None:
        broken = tmp_path / "discounting.toml"
        lines = a.RULES_FILE.read_text(encoding="utf-8").splitlines()
        broken.write_text(
            "\n".join(line for line in lines if not line.startswith("source")), encoding="utf-8"
        )
        with pytest.raises(a.DiscountRulesError, match="needs a name and a source"):
            a.load_schedules(broken)
