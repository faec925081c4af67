"""Pension contributions under the net pay arrangement, at each tier edge.

Tier chosen on pensionable pay annualised (x 12 monthly, x 52 weekly); a tier applies up to and
including its top. Contributions rounded to the nearest penny, a half penny up.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.pensions import calculate_pension
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.tests.support import both_paths


def pension(
    scheme: str,
    pensionable: str,
    frequency: Frequency = Frequency.MONTHLY,
    employer_rate: str = "0",
    year: int = 2026,
) -> dict[str, int]:
    record = EmployeePeriod(
        tax_year=year,
        frequency=frequency,
        period=1,
        tax_code="1257L",
        basis=Basis.CUMULATIVE,
        gross_pay=Decimal(pensionable),
        pension_scheme=scheme,
        employer_pension_rate=Decimal(employer_rate),
    )
    return both_paths(record)


@pytest.mark.parametrize(
    ("scheme", "monthly_pay", "expected"),
    [
        # LGPS main 2026-27: 18,400 top of 5.5%. 1533.33 x 12 = 18,399.96 -> 5.5%: 84.33315 -> 84.33
        ("lgps_main", "1533.33", 84_33),
        # 1533.34 x 12 = 18,400.08 -> 5.8%: 88.93372 -> 88.93
        ("lgps_main", "1533.34", 88_93),
        # 84,000 top of 8.5%: 7000.00 x 12 = 84,000 exactly -> 8.5% (inclusive): 595.00
        ("lgps_main", "7000.00", 595_00),
        # 7000.01 -> 9.9%: 693.00099 -> 693.00
        ("lgps_main", "7000.01", 693_00),
        # LGPS 50/50: half rates: 4.25% -> 297.50; 4.95% -> 346.500495 -> 346.50
        ("lgps_5050", "7000.00", 297_50),
        ("lgps_5050", "7000.01", 346_50),
        # Police 2015: 27,000 / 12 = 2250: 12.44% -> 279.90; 2250.01 -> 13.44%: 302.401344 -> 302.40
        ("police_2015", "2250.00", 279_90),
        ("police_2015", "2250.01", 302_40),
        # 60,000 / 12 = 5000: 13.44% -> 672.00; 5000.01 -> 13.78%: 689.001378 -> 689.00
        ("police_2015", "5000.00", 672_00),
        ("police_2015", "5000.01", 689_00),
        # Firefighters 2015: 27,818 top. 2318.16 x 12 = 27,817.92 -> 11.0%: 254.9976 -> 255.00;
        # 2318.17 x 12 = 27,818.04 -> 12.9%: 299.04393 -> 299.04
        ("firefighters_2015", "2318.16", 255_00),
        ("firefighters_2015", "2318.17", 299_04),
        # NHS 2015: 13,259 top. 1104.91 x 12 = 13,258.92 -> 5.2%: 57.45532 -> 57.46;
        # 1104.92 x 12 = 13,259.04 -> 6.5%: 71.8198 -> 71.82
        ("nhs_2015", "1104.91", 57_46),
        ("nhs_2015", "1104.92", 71_82),
        # no scheme: nothing
        ("none", "5000.00", 0),
    ],
)
def test_it_picks_the_tier_on_annualised_actual_pay(scheme: str, monthly_pay: str, expected: int) -> None:
    assert pension(scheme, monthly_pay)["pension_employee"] == expected


def test_it_annualises_weekly_pay_by_52() -> None:
    # 353.84 x 52 = 18,399.68 -> 5.5%: 19.4612 -> 19.46; 353.85 x 52 = 18,400.20 -> 5.8%: 20.5233 -> 20.52
    assert pension("lgps_main", "353.84", Frequency.WEEKLY)["pension_employee"] == 19_46
    assert pension("lgps_main", "353.85", Frequency.WEEKLY)["pension_employee"] == 20_52


def test_it_rounds_half_a_penny_up() -> None:
    # 1.00 x 5.5% = 5.5p -> 6p; 3.00 x 5.5% = 16.5p -> 17p; employer 1.00 x 19.5% = 19.5p -> 20p
    assert pension("lgps_main", "1.00")["pension_employee"] == 6
    assert pension("lgps_main", "3.00")["pension_employee"] == 17
    assert pension("lgps_main", "1.00", employer_rate="19.5")["pension_employer"] == 20


def test_it_takes_the_employer_rate_as_an_input() -> None:
    # 3000 x 19.5% = 585.00; with no scheme the employer rate is ignored
    assert pension("lgps_main", "3000.00", employer_rate="19.5")["pension_employer"] == 585_00
    assert pension("none", "3000.00", employer_rate="19.5")["pension_employer"] == 0


def test_it_reduces_taxable_pay_but_not_ni_pay() -> None:
    # Net pay arrangement: 3000 monthly LGPS 6.5% = 195.00; taxable 2805: 2805 - 1048.26 = 1756.74
    # -> 1756 x 20% = 351.20; NI on 3000: (3000 - 1048) x 8% = 156.16;
    # net 3000 - 195.00 - 351.20 - 156.16 = 2297.64
    slip = pension("lgps_main", "3000.00")
    assert slip["pension_employee"] == 195_00
    assert slip["taxable_pay"] == 2805_00
    assert slip["tax"] == 351_20
    assert slip["ni_employee"] == 156_16
    assert slip["net_pay"] == 2297_64


def test_it_uses_the_2025_26_lgps_bands_for_2025_26() -> None:
    # 2025-26 top of 8.5% is 81,000 = 6750 x 12: 6750.00 -> 573.75; 6750.01 -> 9.9%: 668.25099 -> 668.25
    assert pension("lgps_main", "6750.00", year=2025)["pension_employee"] == 573_75
    assert pension("lgps_main", "6750.01", year=2025)["pension_employee"] == 668_25


def test_it_rejects_an_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="unknown pension scheme"):
        calculate_pension(load_rules(2026), "lgps_scotland", Frequency.MONTHLY, Decimal("100"))
