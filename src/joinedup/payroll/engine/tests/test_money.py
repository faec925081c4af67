"""The rounding helpers, and the integer forms the vector path uses agreeing with them."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.money import (
    pence_to_pounds,
    pounds_to_pence,
    round_down_to_penny,
    round_down_to_pound,
    round_down_to_ten_thousandth,
    round_nearest_penny_half_down,
    round_nearest_penny_half_up,
    round_up_to_penny,
)
from joinedup.payroll.engine.money import ceil_div, floor_div, half_down_div, half_up_div, percent_to_ppm

D = Decimal


def test_it_rounds_half_a_penny_down_for_ni() -> None:
    # NIM11002: a fraction of half a penny or less is disregarded
    assert round_nearest_penny_half_down(D("0.005")) == D("0.00")
    assert round_nearest_penny_half_down(D("0.0051")) == D("0.01")
    assert round_nearest_penny_half_down(D("52.6558")) == D("52.66")


def test_it_rounds_half_a_penny_up_for_pensions() -> None:
    assert round_nearest_penny_half_up(D("0.055")) == D("0.06")
    assert round_nearest_penny_half_up(D("0.0549")) == D("0.05")


def test_it_rounds_taxable_pay_down_to_the_pound_and_free_pay_up_to_the_penny() -> None:
    assert round_down_to_pound(D("1756.99")) == D("1756")
    assert round_down_to_pound(D("-0.01")) == D("-1")
    assert round_up_to_penny(D("214.9166")) == D("214.92")
    assert round_down_to_penny(D("1037.6667")) == D("1037.66")
    assert round_down_to_ten_thousandth(D("19.86923077")) == D("19.8692")


def test_it_converts_pounds_pence_and_percentages_exactly() -> None:
    assert pounds_to_pence(D("1048.26")) == 104826
    assert pence_to_pounds(-5) == D("-0.05")
    assert percent_to_ppm(D("1.85")) == 18500


@given(st.integers(-(10**15), 10**15), st.integers(1, 10**7))
def test_its_integer_roundings_match_the_decimal_ones(numerator: int, denominator: int) -> None:
    exact = D(numerator) / D(denominator)
    assert floor_div(numerator, denominator) == int(exact.to_integral_value(rounding="ROUND_FLOOR"))
    assert ceil_div(numerator, denominator) == int(exact.to_integral_value(rounding="ROUND_CEILING"))
    array = np.array([numerator], dtype=np.int64)
    assert int(floor_div(array, denominator)[0]) == floor_div(numerator, denominator)
    assert int(ceil_div(array, denominator)[0]) == ceil_div(numerator, denominator)


@given(st.integers(0, 10**15), st.integers(1, 10**7))
def test_its_integer_half_roundings_match_the_decimal_ones_for_contributions(
    numerator: int, denominator: int
) -> None:
    # NI and pension contributions are never negative, so the half rules are used on amounts >= 0.
    exact = D(numerator) / D(denominator)
    assert half_down_div(numerator, denominator) == int(exact.to_integral_value(rounding="ROUND_HALF_DOWN"))
    assert half_up_div(numerator, denominator) == int(exact.to_integral_value(rounding="ROUND_HALF_UP"))
    array = np.array([numerator], dtype=np.int64)
    assert int(half_down_div(array, denominator)[0]) == half_down_div(numerator, denominator)
    assert int(half_up_div(array, denominator)[0]) == half_up_div(numerator, denominator)
