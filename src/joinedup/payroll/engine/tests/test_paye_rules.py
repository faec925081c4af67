"""PAYE rules beyond HMRC's published cases, each worked by hand from the cited rule.

Figures: 2026-27 rule file. Monthly basic rate band for n months = 37,700 x n / 12; weekly
= 37,700 x n / 52 (725 for one week). Free pay 1257L: GBP 1,048.26 a month, GBP 241.92 a week.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from joinedup.core.money import ZERO
from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.paye import calculate_paye, period_one_pay_adjustment
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.tests.support import both_paths

D = Decimal
MONTHLY, WEEKLY = Frequency.MONTHLY, Frequency.WEEKLY
CUMULATIVE, WEEK1 = Basis.CUMULATIVE, Basis.WEEK1_MONTH1


def pay(
    code: str,
    frequency: Frequency,
    period: int,
    gross: str,
    previous_taxable: str = "0",
    previous_tax: str = "0",
    basis: Basis = CUMULATIVE,
) -> dict[str, int]:
    """Tax fields in pence via both paths (no pension, so taxable pay = gross)."""
    record = EmployeePeriod(
        tax_year=2026,
        frequency=frequency,
        period=period,
        tax_code=code,
        basis=basis,
        gross_pay=D(gross),
        previous_taxable_pay=D(previous_taxable),
        previous_tax_paid=D(previous_tax),
    )
    return both_paths(record)


def test_it_works_out_standard_free_pay_as_the_pay_adjustment_tables_do() -> None:
    # Spec para 4.2 / Table A, code 1257: q = 1256 div 500 = 2, r = 1256 mod 500 + 1 = 257.
    # Monthly: 2579 / 12 = 214.916.. -> 214.92; 5000 / 12 = 416.666.. -> 416.67; 214.92 + 2 x 416.67.
    assert period_one_pay_adjustment(1257, 12) == D("1048.26")
    # Weekly: 2579 / 52 = 49.596.. -> 49.60; 5000 / 52 = 96.153.. -> 96.16; 49.60 + 2 x 96.16.
    assert period_one_pay_adjustment(1257, 52) == D("241.92")
    # Code 500: q = 0, r = 500: 5009 / 12 = 417.416.. -> 417.42.
    assert period_one_pay_adjustment(500, 12) == D("417.42")
    # 0T has no free pay.
    assert period_one_pay_adjustment(0, 12) == ZERO


def test_it_taxes_0t_on_all_pay_from_the_first_pound() -> None:
    # 0T month 1: free pay 0; 1000.99 -> 1000 (down to the pound) x 20% = 200.00.
    assert pay("0T", MONTHLY, 1, "1000.99", basis=WEEK1)["tax"] == 200_00


def test_it_limits_k_code_tax_to_half_the_pay_and_collects_the_shortfall_later() -> None:
    # Overriding limit (PAYE Regs 2003 reg. 2, spec para 4): tax in a period <= 50% of its pay.
    # K1000: q = 1, r = 500: 5009/12 -> 417.42, + 416.67 = 834.09 additional pay a month.
    # Month 1, pay 100: Tn = 100 + 834.09 -> 934; 934 x 20% = 186.80 due; limit 50.00.
    month1 = pay("K1000", MONTHLY, 1, "100.00")
    assert month1["tax"] == 50_00
    # Month 2, pay 1000: 1100 + 2 x 834.09 = 2768.18 -> 2768 x 20% = 553.60 due, 50.00 paid
    # -> 503.60, over the limit of 500.00.
    month2 = pay("K1000", MONTHLY, 2, "1000.00", "100.00", "50.00")
    assert month2["tax"] == 500_00
    # Month 3, pay 3000: 4100 + 3 x 834.09 = 6602.27 -> 6602 x 20% = 1320.40 due, 550.00 paid
    # -> 770.40, within the limit of 1500: the shortfall carried forward is collected.
    month3 = pay("K1000", MONTHLY, 3, "3000.00", "1100.00", "550.00")
    assert month3["tax"] == 770_40
    assert month3["tax_paid_to_date"] == 1320_40


def test_it_limits_k_code_tax_on_a_week1_basis_too() -> None:
    # K500 week 1: 5009 / 52 = 96.326.. -> 96.33; 50 + 96.33 -> 146 x 20% = 29.20; limit 25.00.
    assert pay("K500", WEEKLY, 1, "50.00", basis=WEEK1)["tax"] == 25_00


def test_it_applies_the_overriding_limit_to_every_code_since_april_2015() -> None:
    # HMRC Employer Bulletin Dec 2014 / spec v13+: the 50% limit covers all codes, not only K.
    # BR cumulative month 2 after GBP 10,000 of untaxed pay: 10,100 x 20% = 2,020.00 due;
    # limit 50% x 100.00 = 50.00.
    assert pay("BR", MONTHLY, 2, "100.00", "10000.00", "0.00")["tax"] == 50_00


def test_it_never_limits_a_refund() -> None:
    # 1257L month 2: 1100 - 2 x 1048.26 < 0 -> Tn 0, nothing due; all 300.00 paid comes back.
    assert pay("1257L", MONTHLY, 2, "100.00", "1000.00", "300.00")["tax"] == -300_00


def test_it_refunds_all_tax_paid_when_the_code_becomes_nt_on_a_cumulative_basis() -> None:
    # Spec para 7 (and HMRC's Gen_cumul sheets, period 10): NT means nothing due to date.
    slip = pay("NT", MONTHLY, 5, "2000.00", "8000.00", "1234.56")
    assert slip["tax"] == -1234_56
    assert slip["tax_paid_to_date"] == 0


def test_it_takes_no_tax_and_makes_no_refund_under_nt_on_a_week1_basis() -> None:
    # Spec para 11: week 1/month 1 NT.
    slip = pay("NT", MONTHLY, 5, "2000.00", "8000.00", "1234.56", basis=WEEK1)
    assert slip["tax"] == 0
    assert slip["tax_paid_to_date"] == 1234_56


def test_it_taxes_week_53_on_a_week1_basis_and_keeps_the_year_to_date() -> None:
    # Spec para 14: a week 53 payment is taxed with week 1 free pay and bands, whatever the basis.
    # 1000 - 241.92 = 758.08 -> 758: 725 x 20% = 145.00 + 33 x 40% = 13.20 -> 158.20.
    slip = pay("1257L", WEEKLY, 53, "1000.00", "50000.00", "7500.00")
    assert slip["tax"] == 158_20
    assert slip["tax_paid_to_date"] == 7658_20
    assert slip["taxable_pay_to_date"] == 51000_00


def test_it_taxes_fortnightly_week_54_with_two_weeks_free_pay_and_bands() -> None:
    # Spec para 14: 2000 - 2 x 241.92 = 1516.16 -> 1516; basic 37700 x 2/52 = 1450:
    # 1450 x 20% = 290.00 + 66 x 40% = 26.40 -> 316.40.
    assert pay("1257L", Frequency.FORTNIGHTLY, 54, "2000.00", "40000.00", "6000.00")["tax"] == 316_40


def test_it_taxes_four_weekly_week_56_with_four_weeks_free_pay_and_bands() -> None:
    # Spec para 14: 4000 - 4 x 241.92 = 3032.32 -> 3032; basic 37700 x 4/52 = 2900:
    # 2900 x 20% = 580.00 + 132 x 40% = 52.80 -> 632.80.
    assert pay("1257L", Frequency.FOUR_WEEKLY, 56, "4000.00", "40000.00", "6000.00")["tax"] == 632_80


def test_it_taxes_scottish_week_53_through_the_five_scottish_bands() -> None:
    # S1257L week 53: Tn = 758 (as above). Weekly band tops: starter 3967/52 = 76.29,
    # basic 16956/52 = 326.08, intermediate 31092/52 = 597.92, higher 62430/52: Tn is in higher.
    # Full bands: (3967 x 19 + 12989 x 20 + 14136 x 21) / 100 / 52 = 632009 / 5200 = 121.540192..
    # Slice: (758 x 52 - 31092) x 42% / 52 = 8324 x 0.42 / 52 = 67.232307.. -> 67.2323 (4 dp).
    # Sum 188.772492.. -> 188.77.
    assert pay("S1257L", WEEKLY, 53, "1000.00", "50000.00", "7500.00")["tax"] == 188_77


def test_it_uses_the_tax_week_of_the_payday_for_fortnightly_cumulative_pay() -> None:
    # Spec para 13.1: week 2: 1000 - 2 x 241.92 = 516.16 -> 516 x 20% = 103.20.
    assert pay("1257L", Frequency.FORTNIGHTLY, 2, "1000.00")["tax"] == 103_20
    # Week 4: 2000 - 4 x 241.92 = 1032.32 -> 1032 x 20% = 206.40, less 103.20 paid = 103.20.
    assert pay("1257L", Frequency.FORTNIGHTLY, 4, "1000.00", "1000.00", "103.20")["tax"] == 103_20


@pytest.mark.parametrize("code", ["1257L W1", "1257LM1", "1257L X", "1257l w1"])
def test_it_operates_a_code_marked_w1_m1_or_x_on_a_week1_basis(code: str) -> None:
    # Month 6, payroll says cumulative, the code says month 1: 2000 - 1048.26 = 951.74 -> 951
    # x 20% = 190.20, ignoring pay and tax to date.
    assert pay(code, MONTHLY, 6, "2000.00", "10000.00", "0.00")["tax"] == 190_20


def test_it_refunds_on_a_cumulative_code_when_pay_falls() -> None:
    # Month 2 pay 0 after month 1 pay 2000 taxed 190.20: 2000 - 2096.52 < 0 -> 190.20 back.
    assert pay("1257L", MONTHLY, 2, "0.00", "2000.00", "190.20")["tax"] == -190_20


@pytest.mark.parametrize("code", ["D2", "SD4", "CD2"])
def test_it_rejects_a_flat_code_the_region_does_not_have(code: str) -> None:
    with pytest.raises(ValueError, match="not in use"):
        calculate_paye(load_rules(2026), code, MONTHLY, 1, CUMULATIVE, D("100"))


@pytest.mark.parametrize(
    ("frequency", "period"),
    [(MONTHLY, 0), (MONTHLY, 13), (WEEKLY, 54), (Frequency.FORTNIGHTLY, 53), (Frequency.FOUR_WEEKLY, 54)],
)
def test_it_rejects_a_period_the_frequency_cannot_have(frequency: Frequency, period: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        calculate_paye(load_rules(2026), "1257L", frequency, period, CUMULATIVE, D("100"))


def test_it_taxes_sd3_at_the_scottish_top_rate_in_2026_27() -> None:
    # SD3 = top rate 48% on all pay: 1000 x 48% = 480.00.
    assert pay("SD3", MONTHLY, 1, "1000.00", basis=WEEK1)["tax"] == 480_00


def test_it_uses_the_2025_26_scottish_bands_for_2025_26() -> None:
    # 2025-26 starter width 2,827: month 1 S1257L on 1500: 1500 - 1048.26 = 451.74 -> 451.
    # Starter top 2827/12 = 235.583..: 2827 x 19 / 1200 = 44.7608.. (exact) + slice
    # (451 x 12 - 2827) x 20% / 12 = 2585 x 0.2 / 12 = 43.08333.. -> 43.0833; 87.8441.. -> 87.84.
    result = calculate_paye(load_rules(2025), "S1257L", MONTHLY, 1, CUMULATIVE, D("1500.00"))
    assert result.tax == D("87.84")
