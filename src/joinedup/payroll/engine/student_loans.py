"""Student and postgraduate loan deductions: the scalar reference.

Education (Student Loans) (Repayment) Regulations 2009 Part 4 and HMRC's employer guidance
('Collect student loan and postgraduate loan deductions'):

* non-cumulative: each payment on its own, against the pay-period threshold;
* on the earnings used for Class 1 NI (so before a net pay arrangement pension);
* the plan rate (9%, postgraduate 6%) of the earnings above the threshold, rounded down to the
  whole pound;
* an employee repays only one of plans 1, 2, 4 and 5 at a time: with more than one, the plan with
  the lowest threshold is used; a postgraduate loan is repaid alongside, independently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import ZERO, round_down_to_pound
from joinedup.payroll.engine.periods import Frequency
from joinedup.payroll.engine.ruleset import POSTGRADUATE, STUDENT_LOAN_PLANS, LoanPlan, TaxYearRules

# How plans are written in input files.
PLAN_NAMES = {"1": "plan_1", "2": "plan_2", "4": "plan_4", "5": "plan_5", "PG": POSTGRADUATE}


@dataclass(frozen=True, slots=True)
class LoanResult:
    student_loan: Decimal
    postgraduate_loan: Decimal
    plan_used: str | None  # the undergraduate plan whose threshold applied


def parse_plans(text: str) -> frozenset[str]:
    """``"1;PG"`` -> {"plan_1", "postgraduate"}; empty -> none; ValueError for anything else."""
    plans = set()
    for token in text.split(";"):
        token = token.strip().upper()
        if not token:
            continue
        if token not in PLAN_NAMES:
            raise ValueError(f"unknown student loan plan {token!r} (use 1, 2, 4, 5 or PG, separated by ;)")
        plans.add(PLAN_NAMES[token])
    return frozenset(plans)


def plan_rules(rules: TaxYearRules, plan: str) -> LoanPlan:
    if plan not in (*STUDENT_LOAN_PLANS, POSTGRADUATE):
        raise ValueError(f"unknown student loan plan {plan!r}")
    found = rules.student_loans.get(plan)
    if found is None:
        raise ValueError(f"student loan {plan} is not in force in {rules.tax_year}")
    return found


def deduction(plan: LoanPlan, frequency: Frequency, earnings: Decimal) -> Decimal:
    above = earnings - plan.threshold(frequency)
    if above <= 0:
        return ZERO
    return round_down_to_pound(above * plan.rate / 100)


def calculate_loans(
    rules: TaxYearRules, plans: Iterable[str], frequency: Frequency, earnings: Decimal
) -> LoanResult:
    chosen = set(plans)
    undergraduate = [plan_rules(rules, p) for p in sorted(chosen - {POSTGRADUATE})]
    student_loan, used = ZERO, None
    if undergraduate:
        lowest = min(undergraduate, key=lambda p: (p.threshold(frequency), p.key))
        student_loan, used = deduction(lowest, frequency, earnings), lowest.key
    postgraduate = ZERO
    if POSTGRADUATE in chosen:
        postgraduate = deduction(plan_rules(rules, POSTGRADUATE), frequency, earnings)
    return LoanResult(student_loan=student_loan, postgraduate_loan=postgraduate, plan_used=used)
