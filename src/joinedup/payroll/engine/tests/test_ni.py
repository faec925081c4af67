"""Class 1 NI by the exact percentage method, at each threshold and rounding boundary.

2026-27 monthly thresholds: PT 1,048, UEL = UST = AUST = VUST 4,189, ST 417, FUST = IZUST 2,083.
Weekly: PT 242, UEL 967, ST 96. Two- and four-weekly: weekly x 2 and x 4 (SSCR 2001 reg. 11).
Rates: employee 8% (PT-UEL), 2% above; B 1.85%; employer 15%.
Rounding (NIM11002, SSCR 2001 reg. 12(1)(b)): nearest penny, half a penny or less disregarded.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.ni import calculate_ni
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.tests.support import both_paths


def ni(
    letter: str, earnings: str, frequency: Frequency = Frequency.MONTHLY, year: int = 2026
) -> tuple[int, int]:
    """(employee, employer) in pence via both paths."""
    record = EmployeePeriod(
        tax_year=year,
        frequency=frequency,
        period=1,
        tax_code="NT",
        basis=Basis.CUMULATIVE,
        gross_pay=Decimal(earnings),
        ni_category=letter,
    )
    slip = both_paths(record)
    return slip["ni_employee"], slip["ni_employer"]


# (letter, monthly earnings, employee pence, employer pence), worked by hand:
CATEGORY_CASES = [
    # A: no employee NI at the PT; employer (1048 - 417) x 15% = 94.65; nothing at the ST;
    # (4189 - 1048) x 8% = 251.28; (4189 - 417) x 15% = 565.80
    ("A", "1048.00", 0, 94_65),
    ("A", "417.00", 0, 0),
    ("A", "4189.00", 251_28, 565_80),
    # above the UEL: 251.28 + (5000 - 4189) x 2% = 16.22 -> 267.50; (5000 - 417) x 15% = 687.45
    ("A", "5000.00", 267_50, 687_45),
    # B: 3141 x 1.85% = 58.1085 -> 58.11; above the UEL 2% as A: 58.1085 + 16.22 = 74.3285 -> 74.33
    ("B", "4189.00", 58_11, 565_80),
    ("B", "5000.00", 74_33, 687_45),
    # C: no employee NI over State Pension age
    ("C", "5000.00", 0, 687_45),
    # H: employer 0% to the AUST: (5000 - 4189) x 15% = 121.65
    ("H", "4189.00", 251_28, 0),
    ("H", "5000.00", 267_50, 121_65),
    # J: 2% from the PT: 3141 x 2% = 62.82; (5000 - 1048) x 2% = 79.04
    ("J", "4189.00", 62_82, 565_80),
    ("J", "5000.00", 79_04, 687_45),
    # M: employer 0% to the UST
    ("M", "4189.00", 251_28, 0),
    ("M", "5000.00", 267_50, 121_65),
    # V: employer 0% to the VUST
    ("V", "4189.00", 251_28, 0),
    ("V", "5000.00", 267_50, 121_65),
    # Z: J's employee rate and M's employer relief
    ("Z", "4189.00", 62_82, 0),
    ("Z", "5000.00", 79_04, 121_65),
    # X: no NI at all
    ("X", "5000.00", 0, 0),
    # F, I, L, S (freeport) and N, E, D, K (investment zone): employer 0% to 2,083;
    # (3000 - 2083) x 15% = 137.55. Employee as A, B, J, C: (3000 - 1048) x 8% = 156.16;
    # x 1.85% = 36.112 -> 36.11; x 2% = 39.04.
    # at the FUST: employee (2083 - 1048) x 8% = 82.80, employer nothing
    ("F", "2083.00", 82_80, 0),
    ("F", "3000.00", 156_16, 137_55),
    ("I", "3000.00", 36_11, 137_55),
    ("L", "3000.00", 39_04, 137_55),
    ("S", "3000.00", 0, 137_55),
    ("N", "2083.00", 82_80, 0),
    ("N", "3000.00", 156_16, 137_55),
    ("E", "3000.00", 36_11, 137_55),
    ("D", "3000.00", 39_04, 137_55),
    ("K", "3000.00", 0, 137_55),
]


@pytest.mark.parametrize(("letter", "earnings", "employee", "employer"), CATEGORY_CASES)
def test_it_charges_each_category_its_rates_between_its_thresholds(
    letter: str, earnings: str, employee: int, employer: int
) -> None:
    assert ni(letter, earnings) == (employee, employer)


def test_it_rounds_half_a_penny_down_on_the_additional_rate() -> None:
    # NIM11002: 251.28 + 0.25 x 2% = 251.285 -> 251.28 (exactly half: disregarded)
    assert ni("A", "4189.25")[0] == 251_28
    # 251.28 + 0.26 x 2% = 251.2852 -> 251.29 (more than half: up)
    assert ni("A", "4189.26")[0] == 251_29


def test_it_rounds_half_a_penny_down_on_the_employer_rate() -> None:
    # NIM11002: 0.10 x 15% = 1.5p -> 1p; 0.11 x 15% = 1.65p -> 2p
    assert ni("A", "417.10")[1] == 1
    assert ni("A", "417.11")[1] == 2
    # 0.30 x 15% = 4.5p -> 4p
    assert ni("A", "417.30")[1] == 4


def test_it_rounds_half_a_penny_down_on_the_reduced_rate() -> None:
    # NIM11002: 10.00 x 1.85% = 18.5p -> 18p; 10.01 x 1.85% = 18.5185p -> 19p
    assert ni("B", "1058.00")[0] == 18
    assert ni("B", "1058.01")[0] == 19


def test_it_rounds_to_the_nearest_penny_on_the_main_rate() -> None:
    # NIM11002: 0.19 x 8% = 1.52p -> 2p; 0.06 x 8% = 0.48p -> 0p (8% can never give exactly 0.5p)
    assert ni("A", "1048.19")[0] == 2
    assert ni("A", "1048.06")[0] == 0


def test_it_uses_weekly_thresholds_for_weekly_pay() -> None:
    # (967 - 242) x 8% = 58.00; (967 - 96) x 15% = 130.65
    # at the PT: no employee NI; employer (242 - 96) x 15% = 21.90
    assert ni("A", "242.00", Frequency.WEEKLY) == (0, 21_90)
    assert ni("A", "967.00", Frequency.WEEKLY) == (58_00, 130_65)


def test_it_doubles_the_weekly_thresholds_for_fortnightly_pay() -> None:
    # SSCR 2001 reg. 11: PT 484, UEL 1,934, ST 192: (1934 - 484) x 8% = 116.00;
    # (1934 - 192) x 15% = 261.30
    assert ni("A", "1934.00", Frequency.FORTNIGHTLY) == (116_00, 261_30)
    assert ni("A", "484.00", Frequency.FORTNIGHTLY)[0] == 0


def test_it_quadruples_the_weekly_thresholds_for_four_weekly_pay() -> None:
    # PT 968, UEL 3,868, ST 384: (3868 - 968) x 8% = 232.00; (3868 - 384) x 15% = 522.60
    assert ni("A", "3868.00", Frequency.FOUR_WEEKLY) == (232_00, 522_60)


def test_it_uses_the_same_primary_and_secondary_figures_in_2025_26() -> None:
    # Only the LEL changed between the years; it does not enter the deductions.
    assert ni("A", "5000.00", year=2025) == (267_50, 687_45)


def test_it_rejects_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown National Insurance category"):
        calculate_ni(load_rules(2026), "Q", Frequency.MONTHLY, Decimal("100"))


def test_it_charges_no_ni_on_nil_pay() -> None:
    assert ni("A", "0.00") == (0, 0)


# Per category, monthly 2026-27: (letter, employee: PT + x and the pence expected, employer
# threshold). Employee rates: 8% can never leave exactly half a penny, so it is checked either
# side (0.19 x 8% = 1.52p -> 2p; 0.06 x 8% = 0.48p -> 0p); 1.85%: 10.00 -> 18.5p -> 18p and
# 10.01 -> 18.5185p -> 19p; 2%: 0.25 -> 0.5p -> 0p and 0.26 -> 0.52p -> 1p.
EIGHT = [("0.19", 2), ("0.06", 0)]
REDUCED = [("10.00", 18), ("10.01", 19)]
TWO = [("0.25", 0), ("0.26", 1)]
NONE = [("0.26", 0)]
ROUNDING_BY_CATEGORY = [
    ("A", EIGHT, "417"), ("B", REDUCED, "417"), ("C", NONE, "417"), ("H", EIGHT, "4189"),
    ("J", TWO, "417"), ("M", EIGHT, "4189"), ("V", EIGHT, "4189"), ("Z", TWO, "4189"),
    ("F", EIGHT, "2083"), ("I", REDUCED, "2083"), ("L", TWO, "2083"), ("S", NONE, "2083"),
    ("N", EIGHT, "2083"), ("E", REDUCED, "2083"), ("D", TWO, "2083"), ("K", NONE, "2083"),
]  # fmt: skip


@pytest.mark.parametrize(("letter", "employee_cases", "employer_threshold"), ROUNDING_BY_CATEGORY)
def test_it_rounds_each_categorys_contributions_to_the_nearest_penny_half_down(
    letter: str, employee_cases: list[tuple[str, int]], employer_threshold: str
) -> None:
    # NIM11002 / SSCR 2001 reg. 12(1)(b), employee side just above the PT (1,048):
    for above, pence in employee_cases:
        assert ni(letter, str(Decimal("1048") + Decimal(above)))[0] == pence
    # employer side just above where the category's 15% starts: 0.10 x 15% = 1.5p -> 1p; 0.11 -> 2p
    assert ni(letter, str(Decimal(employer_threshold) + Decimal("0.10")))[1] == 1
    assert ni(letter, str(Decimal(employer_threshold) + Decimal("0.11")))[1] == 2
