"""What a post costs its employer in a year: salary, employer's National Insurance and employer's
pension contribution, for comparing an establishment before and after a restructure.

Pure: it takes the tax year's rules (the payroll engine's dated rule files, read with
``payroll.engine.ruleset.load_rules``) and the partner's employer pension rate, and returns
Decimal pounds rounded by the named rules of ``core.money``. Nothing here is a statutory figure.

The conventions, the same on both sides of a comparison so that the difference is the
restructure's alone:

- A post is costed at the top of its grade (``grade_max``), the usual basis of establishment
  budgets, at the rate in force on the structure's effective date.
- A post of more than one FTE is that many full-time people and, for a fraction left over, one
  part-time person: National Insurance is charged per person, above each one's threshold, so two
  half-time posts cost more in NI than one full-time post would.
- Employer NI is category A's employer steps on the year's pay against the annual thresholds
  (SSCBA 1992 s.9; the Secondary Threshold of the rule file), rounded to the nearest penny with
  half a penny rounding down (NIM11002), as a budget estimate: payroll charges it period by period.
- The employer pension contribution is the partner's rate for the scheme the post's terms
  scheme joins (the fund actuary's rate, held by payroll as ``EmployerPensionRate``) on the
  whole salary, rounded half up (the schemes' own worked examples).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import ZERO, round_nearest_penny_half_down, round_nearest_penny_half_up
from joinedup.payroll.engine.ni import category
from joinedup.payroll.engine.ruleset import TaxYearRules

# The pension scheme a terms scheme's staff join (a definition, not a rate): council and police
# staff are in the Local Government Pension Scheme, wholetime firefighters in the Firefighters'
# Pension Scheme 2015, NHS staff in the NHS Pension Scheme. A terms scheme not listed has no
# pension on-cost, and the comparison says so.
PENSION_SCHEME_OF_TERMS = {
    "njc": "lgps_main",
    "police_staff": "lgps_main",
    "grey_book": "firefighters_2015",
    "nhs_afc": "nhs_2015",
}

# Posts are costed as employees without a special category (no apprentice, under-21 or veteran
# relief): the standard letter.
NI_CATEGORY = "A"
ONE = Decimal(1)


@dataclass(frozen=True)
class Cost:
    salary: Decimal
    employer_ni: Decimal
    employer_pension: Decimal

    @property
    def on_costs(self) -> Decimal:
        return self.employer_ni + self.employer_pension

    @property
    def total(self) -> Decimal:
        return self.salary + self.employer_ni + self.employer_pension

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.salary + other.salary,
            self.employer_ni + other.employer_ni,
            self.employer_pension + other.employer_pension,
        )


NO_COST = Cost(ZERO, ZERO, ZERO)


def employer_ni_a_year(rules: TaxYearRules, pay: Decimal) -> Decimal:
    """Category A employer NI on a year's pay, against the annual thresholds (SSCBA 1992 s.9:
    the secondary percentage on earnings above the Secondary Threshold), NIM11002 rounding."""
    steps = category(rules, NI_CATEGORY).employer
    thresholds = rules.national_insurance.thresholds
    exact = ZERO
    for i, step in enumerate(steps):
        lower = thresholds[step.threshold].annual
        upper = thresholds[steps[i + 1].threshold].annual if i + 1 < len(steps) else None
        in_band = (pay if upper is None else min(pay, upper)) - lower
        if in_band > 0:
            exact += in_band * step.rate / 100
    return round_nearest_penny_half_down(exact)


def person_cost(rules: TaxYearRules, *, annual_rate: Decimal, fte: Decimal, pension_rate: Decimal) -> Cost:
    """One person at ``fte`` of a full-time ``annual_rate``, with a ``pension_rate`` per cent."""
    salary = round_nearest_penny_half_up(annual_rate * fte)
    return Cost(
        salary=salary,
        employer_ni=employer_ni_a_year(rules, salary),
        employer_pension=round_nearest_penny_half_up(salary * pension_rate / 100),
    )


def post_cost(rules: TaxYearRules, *, annual_rate: Decimal, fte: Decimal, pension_rate: Decimal) -> Cost:
    """A post of ``fte`` budgeted FTE: whole FTEs as full-time people, the fraction left over as
    one part-time person (see the module's conventions)."""
    whole, part = divmod(fte, ONE)
    total = NO_COST
    if whole:
        one = person_cost(rules, annual_rate=annual_rate, fte=ONE, pension_rate=pension_rate)
        total = Cost(one.salary * whole, one.employer_ni * whole, one.employer_pension * whole)
    if part:
        total += person_cost(rules, annual_rate=annual_rate, fte=part, pension_rate=pension_rate)
    return total
