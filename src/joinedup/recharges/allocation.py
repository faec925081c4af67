"""Sharing a cost pool between partners, in whole pence: pure, no Django, no I/O.

Largest remainder (Hamilton's method): every share is first rounded towards zero, then the
pennies left over go one each to the shares that lost most in rounding, ties broken by the
partner's code, so the same inputs always give the same pennies and the shares add up to the
pool exactly. :func:`joinedup.payroll.journal.split_pennies` does the same for percentages that
add up to 100 (a shared post's cost split); pools are shared by measured quantities — head
counts, FTE, tickets — whose total is anything, so this takes weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import largest_remainder_pence, pence_to_pounds

HUNDRED = Decimal(100)


class AllocationError(ValueError):
    """A pool cannot be shared as its agreements say (the message says why, for people)."""


def largest_remainder(total: int, weights: Mapping[str, Decimal]) -> dict[str, int]:
    """Share ``total`` pence in proportion to ``weights`` (keyed by partner code), by
    :func:`joinedup.core.money.largest_remainder_pence` with ties to the earlier partner code.

    Keys with zero weight get nothing; a negative total (a pool in credit) is shared the same
    way with every share negative. The shares sum to ``total`` exactly."""
    if any(w < 0 for w in weights.values()):
        raise AllocationError("A driver quantity cannot be negative.")
    if not any(weights.values()):
        raise AllocationError("Every quantity is zero, so there is nothing to share the pool by.")
    codes = sorted(weights)
    pence = dict(zip(codes, largest_remainder_pence(total, [weights[c] for c in codes]), strict=True))
    return {key: pence[key] for key in weights}


@dataclass(frozen=True)
class Agreement:
    """What one partner's service agreement says about sharing one pool."""

    partner: str  # code
    driver: str
    percentage: Decimal | None = None  # for the fixed_percentage driver


@dataclass(frozen=True)
class Share:
    partner: str
    driver: str
    quantity: Decimal
    rate: Decimal | None  # pounds per unit: the pool shared by the driver / its total quantity
    amount: int  # pence


FIXED = "fixed_percentage"
RATE_PLACES = Decimal("0.0001")


def share_pool(
    total: int, agreements: Sequence[Agreement], quantities: Mapping[str, Mapping[str, Decimal]]
) -> list[Share]:
    """The partners' shares of a pool of ``total`` pence.

    Fixed-percentage agreements take their percentage of the pool; what is left is shared by
    the one measured driver the other agreements name, in proportion to ``quantities[driver]
    [partner]``. Partners measuring zero get nothing. The shares add up to ``total`` exactly.
    Raises :class:`AllocationError` when the agreements cannot share it: fixed percentages
    over 100, or not 100 with nobody to share the rest, two measured drivers in one pool, or a
    driver that measures zero for everyone."""
    if not agreements:
        return []
    fixed = [a for a in agreements if a.driver == FIXED]
    measured = [a for a in agreements if a.driver != FIXED]
    percent = sum((a.percentage or Decimal(0) for a in fixed), Decimal(0))
    if any(a.percentage is None or not 0 < a.percentage <= HUNDRED for a in fixed):
        raise AllocationError("A fixed-percentage agreement needs a percentage above 0 and at most 100.")
    if percent > HUNDRED:
        raise AllocationError(f"The fixed percentages add up to {percent}%, more than 100%.")
    if not measured and percent != HUNDRED:
        raise AllocationError(
            f"The fixed percentages add up to {percent}%, and no partner shares the rest by a driver."
        )
    drivers = sorted({a.driver for a in measured})
    if len(drivers) > 1:
        raise AllocationError(
            f"One pool is shared by one driver; these agreements name {', '.join(drivers)}."
        )
    measured_weight = HUNDRED - percent
    pounds = pence_to_pounds(total)
    unit_rate: dict[str, Decimal | None] = {FIXED: (pounds / HUNDRED).quantize(RATE_PLACES)}
    if measured and measured_weight > 0:
        driver = drivers[0]
        found = {a.partner: quantities.get(driver, {}).get(a.partner, Decimal(0)) for a in measured}
        whole = sum(found.values(), Decimal(0))
        if whole == 0:
            names = ", ".join(sorted(found))
            raise AllocationError(
                f"The {driver} driver measures zero for every partner sharing it ({names})."
            )
        # One exact scale: a fixed partner weighs percentage x whole, a measured one
        # (100 - fixed) x quantity; both are 100 x whole times the partner's fraction of the pool.
        weights = {a.partner: (a.percentage or Decimal(0)) * whole for a in fixed}
        for code, quantity in found.items():
            weights[code] = measured_weight * quantity
        unit_rate[driver] = (pounds * measured_weight / HUNDRED / whole).quantize(RATE_PLACES)
    else:
        weights = {a.partner: a.percentage or Decimal(0) for a in fixed}
        for a in measured:
            unit_rate[a.driver] = None
    amounts = largest_remainder(total, weights)
    out = []
    for a in agreements:
        if a.driver == FIXED:
            quantity = a.percentage or Decimal(0)
        else:
            quantity = quantities.get(a.driver, {}).get(a.partner, Decimal(0))
        out.append(Share(a.partner, a.driver, quantity, unit_rate.get(a.driver), amounts.get(a.partner, 0)))
    return sorted(out, key=lambda s: s.partner)
