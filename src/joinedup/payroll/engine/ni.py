"""Class 1 National Insurance by the exact percentage method: the scalar reference.

SSCR 2001 reg. 12(1) (HMRC manual NIM11002): employee (primary) and employer (secondary)
contributions are calculated separately, each on the whole earnings of the period, and each
rounded to the nearest penny with a fraction of half a penny or less disregarded. The engine sums
the exact amounts of every band of a contribution and rounds the total once.

Thresholds are the earnings period's: weekly and monthly as HMRC publishes them, two- and
four-weekly as the weekly figure times 2 or 4 (SSCR 2001 reg. 11). Earnings are NI-able pay for
the period; a net pay arrangement pension does not reduce them. Directors' annual earnings
periods are not handled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import ZERO, round_nearest_penny_half_down
from joinedup.payroll.engine.periods import Frequency
from joinedup.payroll.engine.ruleset import NICategory, NIStep, TaxYearRules, Threshold


@dataclass(frozen=True, slots=True)
class NIResult:
    employee: Decimal
    employer: Decimal


def category(rules: TaxYearRules, letter: str) -> NICategory:
    found = rules.national_insurance.categories.get(letter)
    if found is None:
        known = "".join(sorted(rules.national_insurance.categories))
        raise ValueError(f"unknown National Insurance category {letter!r} (known: {known})")
    return found


def exact_contribution(
    steps: tuple[NIStep, ...], thresholds: Mapping[str, Threshold], frequency: Frequency, earnings: Decimal
) -> Decimal:
    """Sum over the steps of rate x the earnings between a step's threshold and the next's."""
    total = ZERO
    for i, step in enumerate(steps):
        lower = thresholds[step.threshold].for_period(frequency)
        if i + 1 < len(steps):
            upper = thresholds[steps[i + 1].threshold].for_period(frequency)
            in_band = min(earnings, upper) - lower
        else:
            in_band = earnings - lower
        if in_band > 0:
            total += in_band * step.rate / 100
    return total


def calculate_ni(rules: TaxYearRules, letter: str, frequency: Frequency, earnings: Decimal) -> NIResult:
    cat = category(rules, letter)
    thresholds = rules.national_insurance.thresholds
    return NIResult(
        employee=round_nearest_penny_half_down(
            exact_contribution(cat.employee, thresholds, frequency, earnings)
        ),
        employer=round_nearest_penny_half_down(
            exact_contribution(cat.employer, thresholds, frequency, earnings)
        ),
    )
