"""Every rounding rule the engine uses, named after the rule, in one place.

Scalar path: money is ``decimal.Decimal`` pounds. Each helper takes an exact or near-exact value
and rounds it the way the cited rule says. Where a value comes from a division (say by 12 or 52),
callers divide and round in one expression; Python's default 28-digit context is then exact for
our purposes: a quotient that lies exactly on the rounding grid is representable and so computed
exactly, and one that does not lies at least 1/(52 x 10^6) of a unit away from the grid, far more
than the 28-digit rounding error for the sums of money involved (below 10^12 pounds).

Vector path: money is ``int`` / ``numpy.int64`` pence and rates are integer parts per million
(ppm: 8% = 80_000). The ``*_div`` helpers are the exact integer equivalents: they divide a
numerator by a positive denominator and round in the named direction, with no floats.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from typing import overload

import numpy as np
import numpy.typing as npt

POUND = Decimal("1")
PENNY = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
ZERO = Decimal("0")

PENCE_PER_POUND = 100
PPM = 1_000_000  # a rate of 1 (100%) in parts per million

I64 = npt.NDArray[np.int64]


# --- scalar (Decimal) -------------------------------------------------------------------------


def round_down_to_pound(amount: Decimal) -> Decimal:
    """PAYE spec: taxable pay (to date) is rounded down to the whole pound; BR/D codes tax whole
    pounds. Student loan deductions are rounded down to the whole pound (SI 2009/470 Part 4)."""
    return amount.quantize(POUND, rounding=ROUND_FLOOR)


def round_down_to_penny(amount: Decimal) -> Decimal:
    """PAYE spec: tax due (to date) is rounded down to the penny; the 50% overriding limit is
    taken down to the penny; published student loan period thresholds are the annual figure
    divided and rounded down to the penny."""
    return amount.quantize(PENNY, rounding=ROUND_FLOOR)


def round_up_to_penny(amount: Decimal) -> Decimal:
    """PAYE spec: each part of the period-1 free pay or additional pay is rounded up to the
    penny."""
    return amount.quantize(PENNY, rounding=ROUND_CEILING)


def round_down_to_ten_thousandth(amount: Decimal) -> Decimal:
    """PAYE: the tax on the slice of taxable pay in the marginal band is carried to four decimal
    places of a pound, dropping the rest, before the total is rounded down to the penny. This is
    the one reading of the spec that reproduces every HMRC 2026-27 test case; with exact
    arithmetic throughout, Scottish weekly cumulative week 4 comes out 1p high."""
    return amount.quantize(TEN_THOUSANDTH, rounding=ROUND_FLOOR)


def round_nearest_penny_half_down(amount: Decimal) -> Decimal:
    """NIM11002 / SSCR 2001 reg. 12(1)(b): NICs under the exact percentage method are rounded to
    the nearest penny, and a fraction of exactly half a penny is disregarded (rounds down)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_DOWN)


def round_nearest_penny_half_up(amount: Decimal) -> Decimal:
    """Pension contributions: no statute sets a rounding rule for member contributions, so the
    engine takes the ordinary meaning, the nearest penny with a half penny rounded up, as the
    schemes' own worked examples and spreadsheet ROUND() do. Rounding the half penny up (rather
    than down as for NI) means the scheme is never short of the contribution its rate implies."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def pounds_to_pence(amount: Decimal) -> int:
    """Exact conversion; the amount must be a whole number of pence."""
    pence = amount * PENCE_PER_POUND
    if pence != pence.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(pence)


def pence_to_pounds(pence: int) -> Decimal:
    return (Decimal(pence) / PENCE_PER_POUND).quantize(PENNY)


def percent_to_ppm(percent: Decimal) -> int:
    """8 (per cent) -> 80_000 parts per million; must be exact."""
    ppm = percent * (PPM // 100)
    if ppm != ppm.to_integral_value():
        raise ValueError(f"{percent}% is finer than a millionth")
    return int(ppm)


# --- integer equivalents (int or int64 arrays; denominators are positive) --------------------


@overload
def floor_div(numerator: int, denominator: int) -> int: ...
@overload
def floor_div(numerator: I64, denominator: int | I64) -> I64: ...
def floor_div(numerator: int | I64, denominator: int | I64) -> int | I64:
    """Round down (towards minus infinity); the integer form of ROUND_FLOOR."""
    return numerator // denominator


@overload
def ceil_div(numerator: int, denominator: int) -> int: ...
@overload
def ceil_div(numerator: I64, denominator: int | I64) -> I64: ...
def ceil_div(numerator: int | I64, denominator: int | I64) -> int | I64:
    """Round up (towards plus infinity); the integer form of ROUND_CEILING."""
    return -((-numerator) // denominator)


@overload
def half_down_div(numerator: int, denominator: int) -> int: ...
@overload
def half_down_div(numerator: I64, denominator: int) -> I64: ...
def half_down_div(numerator: int | I64, denominator: int) -> int | I64:
    """Nearest, with an exact half rounded down (NIM11002); ROUND_HALF_DOWN for numerator >= 0."""
    return (numerator + (denominator - 1) // 2) // denominator


@overload
def half_up_div(numerator: int, denominator: int) -> int: ...
@overload
def half_up_div(numerator: I64, denominator: int) -> I64: ...
def half_up_div(numerator: int | I64, denominator: int) -> int | I64:
    """Nearest, with an exact half rounded up (pensions); ROUND_HALF_UP for numerator >= 0."""
    return (numerator + denominator // 2) // denominator
