"""The engine's money: the scalar rounding rules come from :mod:`joinedup.core.money` (pure, so the
engine may import it); this module adds rates in parts per million and the integer forms of those
rules that the vectorised path uses.

Scalar path: money is ``decimal.Decimal`` pounds, rounded by the helpers of
:mod:`joinedup.core.money`, each named for its rule. Where a value comes from a division (say by
12 or 52), callers divide and round in one expression; Python's default 28-digit context is then
exact for our purposes: a quotient that lies exactly on the rounding grid is representable and so
computed exactly, and one that does not lies at least 1/(52 x 10^6) of a unit away from the grid,
far more than the 28-digit rounding error for the sums of money involved (below 10^12 pounds).

Vector path: money is ``int`` / ``numpy.int64`` pence and rates are integer parts per million
(ppm: 8% = 80_000). The ``*_div`` helpers are the exact integer equivalents: they divide a
numerator by a positive denominator and round in the named direction, with no floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import overload

import numpy as np
import numpy.typing as npt

PPM = 1_000_000  # a rate of 1 (100%) in parts per million

I64 = npt.NDArray[np.int64]


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
