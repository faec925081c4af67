from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.money import (
    SubPennyAmount,
    gbp,
    pence_to_pounds,
    plain_pounds,
    pounds_to_pence,
    round_down_to_penny,
    round_down_to_pound,
    round_nearest_penny_half_down,
    round_nearest_penny_half_up,
    round_up_to_penny,
)


@pytest.mark.parametrize(
    ("pence", "plain", "shown"),
    [
        (0, "0.00", "£0.00"),
        (5, "0.05", "£0.05"),
        (-5, "-0.05", "-£0.05"),
        (123456789, "1234567.89", "£1,234,567.89"),
        (-1234, "-12.34", "-£12.34"),
        (100, "1.00", "£1.00"),
    ],
)
def test_pence_show_as_pounds_exactly(pence: int, plain: str, shown: str) -> None:
    assert (plain_pounds(pence), gbp(pence)) == (plain, shown)


def test_amounts_beyond_float_precision_stay_exact() -> None:
    # 2**53 + 1 pence cannot be held exactly by a float.
    assert plain_pounds(2**53 + 1) == "90071992547409.93"


# --- the named rounding rules, each as HMRC or the ledger states it -----------------------------

D = Decimal


def test_ni_rounds_to_the_nearest_penny_with_half_a_penny_rounding_down() -> None:
    # NIM11002 / SSCR 2001 reg. 12(1)(b): a fraction of half a penny or less is disregarded
    assert round_nearest_penny_half_down(D("41.925")) == D("41.92")
    assert round_nearest_penny_half_down(D("41.9251")) == D("41.93")
    assert round_nearest_penny_half_down(D("41.9249")) == D("41.92")


def test_paye_tax_rounds_down_to_the_penny_and_taxable_pay_down_to_the_pound() -> None:
    # PAYE specification (tax tables, "Tax due to date ... rounded down to the nearest penny";
    # "taxable pay to date ... rounded down to the nearest pound")
    assert round_down_to_penny(D("311.4599")) == D("311.45")
    assert round_down_to_pound(D("1557.99")) == D("1557")
    assert round_up_to_penny(D("104.7501")) == D("104.76")  # free pay parts round up


def test_the_ordinary_rule_rounds_half_a_penny_up() -> None:
    assert round_nearest_penny_half_up(D("2.345")) == D("2.35")


def test_pounds_become_pence_exactly() -> None:
    assert pounds_to_pence(D("1234.56")) == 123456
    assert pounds_to_pence(D("-0.05")) == -5
    assert pounds_to_pence(D("10.500")) == 1050  # trailing zeros are not a fraction of a penny


@pytest.mark.parametrize("amount", ["1.005", "0.001", "-12.345"])
def test_it_refuses_a_fraction_of_a_penny_instead_of_truncating_it(amount: str) -> None:
    with pytest.raises(SubPennyAmount, match=f"£{amount} is not a whole number of pence"):
        pounds_to_pence(D(amount))


@pytest.mark.parametrize("amount", [D("NaN"), D("Infinity"), 1.5])
def test_it_refuses_what_is_not_an_amount_of_money(amount: object) -> None:
    with pytest.raises(SubPennyAmount, match="is not an amount of money"):
        pounds_to_pence(amount)  # type: ignore[arg-type]


def test_pence_become_pounds_with_two_places_and_no_float() -> None:
    assert str(pence_to_pounds(100)) == "1.00"
    assert str(pence_to_pounds(-5)) == "-0.05"
    assert pence_to_pounds(2**53 + 1) == D("90071992547409.93")
    with pytest.raises(TypeError, match="money must be integer pence"):
        pence_to_pounds(1.5)  # type: ignore[arg-type]


@given(st.integers(-(10**15), 10**15))
def test_pence_and_pounds_convert_there_and_back(pence: int) -> None:
    assert pounds_to_pence(pence_to_pounds(pence)) == pence
    assert plain_pounds(pence) == str(pence_to_pounds(pence))


def test_the_money_and_calendar_modules_load_no_django() -> None:
    # the payroll engine and the output formats import both, and they must stay pure
    code = (
        "import sys, joinedup.core.money, joinedup.core.calendar\n"
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    src = Path(__file__).resolve().parents[3]
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(src)}
    ).stdout
    assert output.strip() == "[]"
