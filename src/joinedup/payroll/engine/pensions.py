"""Pension contributions under a net pay arrangement: the scalar reference.

The employee contribution rate comes from the scheme's tier table for the tax year, chosen on the
actual pensionable pay of the period annualised (x 52, 26, 13 or 12): LGPS Regulations 2013
reg. 9, and likewise the Police 2015, Firefighters 2015 and NHS 2015 tables. A tier applies up to
and including its ``up_to``. The employer rate is not a rule: each employer supplies its own
(for the LGPS, the rate in the fund actuary's rates and adjustments certificate).

Both contributions are pensionable pay x rate, rounded to the nearest penny with a half penny
rounded up (see :func:`joinedup.payroll.engine.money.round_nearest_penny_half_up`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import ZERO, round_nearest_penny_half_up
from joinedup.payroll.engine.periods import Frequency
from joinedup.payroll.engine.ruleset import PENSION_SCHEMES, PensionScheme, TaxYearRules

NO_SCHEME = "none"


@dataclass(frozen=True, slots=True)
class PensionResult:
    employee: Decimal
    employer: Decimal
    employee_rate: Decimal  # per cent


def scheme_rules(rules: TaxYearRules, scheme: str) -> PensionScheme:
    found = rules.pensions.get(scheme)
    if found is None:
        raise ValueError(
            f"unknown pension scheme {scheme!r} (use none or one of {', '.join(PENSION_SCHEMES)})"
        )
    return found


def employee_rate(scheme: PensionScheme, annual_pay: Decimal) -> Decimal:
    for tier in scheme.tiers:
        if tier.up_to is None or annual_pay <= tier.up_to:
            return tier.rate
    raise AssertionError("the last tier is open-ended")  # pragma: no cover - the loader ensures it


def calculate_pension(
    rules: TaxYearRules,
    scheme: str,
    frequency: Frequency,
    pensionable_pay: Decimal,
    employer_rate: Decimal = ZERO,
) -> PensionResult:
    if scheme == NO_SCHEME:
        return PensionResult(employee=ZERO, employer=ZERO, employee_rate=ZERO)
    found = scheme_rules(rules, scheme)
    rate = employee_rate(found, pensionable_pay * frequency.periods_in_year)
    return PensionResult(
        employee=round_nearest_penny_half_up(pensionable_pay * rate / 100),
        employer=round_nearest_penny_half_up(pensionable_pay * employer_rate / 100),
        employee_rate=rate,
    )
