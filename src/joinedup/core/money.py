"""Money: the one place that converts between pounds and pence, rounds, and shows amounts.

Pure on purpose: this module imports nothing but the standard library, so the payroll engine
(``joinedup.payroll.engine``, no Django, strict mypy), the pure output formats
(``joinedup.payroll.outputs``) and every Django app may all import it. Keep it that way: no
Django, no database, no clock, no float.

Two representations, never float:

- ``Decimal`` pounds in the domain. Each rounding helper is named for the rule it applies and
  cites it; callers say which rule they mean instead of writing ``quantize`` themselves.
- ``int`` pence in storage and bulk computation. :func:`pounds_to_pence` is exact and refuses a
  sub-penny amount (the ledger's rule: £1.005 is a mistake to correct, not a penny to lose);
  round first, with a named rule, when a calculation may leave a fraction of a penny.

Each rule helper takes an exact or near-exact value; where a value comes from a division (say
by 12 or 52), divide and round in one expression: Python's default 28-digit context is exact
for our purposes (see :mod:`joinedup.payroll.engine.money` for the argument and for the integer
forms of these rules that the vectorised engine uses).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

__all__ = [
    "PENCE_PER_POUND",
    "PENNY",
    "POUND",
    "TEN_THOUSANDTH",
    "ZERO",
    "SubPennyAmount",
    "gbp",
    "is_whole_pounds",
    "largest_remainder_pence",
    "pence_to_pounds",
    "plain_pounds",
    "pounds_to_pence",
    "round_down_to_penny",
    "round_down_to_pound",
    "round_down_to_ten_thousandth",
    "round_nearest_penny_half_down",
    "round_nearest_penny_half_up",
    "round_up_to_penny",
    "share_to_the_penny",
]

POUND = Decimal("1")
PENNY = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
ZERO = Decimal("0")
PENCE_PER_POUND = 100  # a definition, not a rate


# --- rounding rules (Decimal pounds in, Decimal pounds out) -----------------------------------


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
    penny. Also statutory payments' weekly rates where the regulations round a fraction of a
    penny up (SMP Regs 1986 reg. 21(7), and the like)."""
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
    """The ordinary rule, where no statute sets one: the nearest penny with a half penny rounded
    up, as spreadsheet ROUND() does. Pension contributions (the schemes' own worked examples; the
    scheme is never short of the contribution its rate implies), salary for a pay period, and
    recharges of a shared post's cost."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


# --- pounds <-> pence -----------------------------------------------------------------------


class SubPennyAmount(ValueError):
    """An amount in pounds that is not a whole number of pence: refused, never truncated."""


def pounds_to_pence(amount: Decimal) -> int:
    """Exact: £12.34 -> 1234. A fraction of a penny (£1.005) raises :class:`SubPennyAmount`;
    round it first with the rule that applies if the fraction comes from a calculation."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise SubPennyAmount(f"£{amount} is not an amount of money")
    pence = amount * PENCE_PER_POUND
    if pence != pence.to_integral_value():
        raise SubPennyAmount(f"£{amount} is not a whole number of pence")
    return int(pence)


def pence_to_pounds(pence: int) -> Decimal:
    """1234 -> Decimal('12.34'), always two places (100 -> Decimal('1.00')); exact."""
    return Decimal(_pence(pence)).scaleb(-2)


def is_whole_pounds(pence: int) -> bool:
    return _pence(pence) % PENCE_PER_POUND == 0


# --- showing amounts (integer pence in, text out; no float on the way) --------------------------


def gbp(pence: int) -> str:
    """For people: 123456 -> '£1,234.56'; -1234 -> '-£12.34'."""
    sign, pounds, pennies = _parts(pence)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def plain_pounds(pence: int) -> str:
    """For files (CSV, and HMRC's monetary type): 123456 -> '1234.56', -5 -> '-0.05', 0 -> '0.00'
    (two decimals, no grouping, no sign for zero)."""
    sign, pounds, pennies = _parts(pence)
    return f"{sign}{pounds}.{pennies:02d}"


def _parts(value: int) -> tuple[str, int, int]:
    amount = _pence(value)
    pounds, pennies = divmod(abs(amount), PENCE_PER_POUND)
    return ("-" if amount < 0 else ""), pounds, pennies


def _pence(value: object) -> int:
    # NumPy's int64 is an Integral; a bool, float or Decimal here is a bug upstream, never rounded.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"money must be integer pence, got {type(value).__name__} {value!r}")
    return int(value)


# --- sharing an amount (Decimal pounds in, Decimal pounds out, adding up exactly) -------------


def largest_remainder_pence(pence: int, weights: Sequence[Decimal]) -> list[int]:
    """``pence`` shared in proportion to ``weights`` (any non-negative numbers, not all zero),
    each share whole pence and the shares adding up to ``pence`` exactly. Largest remainder
    (Hamilton's method): every share is first rounded towards zero, then the pennies left go one
    each to the shares that lost most, ties to the earlier share; a negative total is shared the
    same way with every share negative. Integer arithmetic throughout (the weights scaled to
    whole numbers exactly), so no digit of a weight is lost."""
    if any(w < 0 for w in weights):
        raise ValueError("A share cannot be negative.")
    exponent = min([0, *(int(w.as_tuple().exponent) for w in weights)])
    scaled = [_scaled(w, exponent) for w in weights]
    whole = sum(scaled)
    if whole == 0:
        raise ValueError("Every share is zero, so there is nothing to share by.")
    magnitude = abs(pence)
    shares: list[int] = []
    rests: list[int] = []
    for weight in scaled:
        share, rest = divmod(weight * magnitude, whole)
        shares.append(share)
        rests.append(rest if weight else -1)
    left = magnitude - sum(shares)
    for i in sorted(range(len(shares)), key=lambda i: (-rests[i], i))[:left]:
        shares[i] += 1
    sign = -1 if pence < 0 else 1
    return [sign * s for s in shares]


def _scaled(weight: Decimal, exponent: int) -> int:
    """``weight x 10^-exponent`` exactly, as an integer (``exponent`` is at most the weight's)."""
    sign, digits, own = weight.as_tuple()
    value: int = int("".join(map(str, digits)) or "0") * 10 ** (int(own) - exponent)
    return -value if sign else value


def share_to_the_penny(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` pounds (whole pence) shared by ``weights`` with :func:`largest_remainder_pence`:
    a shared licence's cost split by percentages or seats."""
    return [pence_to_pounds(p) for p in largest_remainder_pence(pounds_to_pence(total), weights)]
