"""Gross to net for one employee and one payment: the scalar reference composition.

Order (net pay arrangement): pension contribution -> pay subject to PAYE -> income tax;
NI and loans on NI-able pay (not reduced by the pension); then
net = gross - pension_employee - tax - ni_employee - student_loan - postgraduate_loan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from joinedup.core.money import ZERO
from joinedup.payroll.engine.ni import calculate_ni
from joinedup.payroll.engine.paye import calculate_paye
from joinedup.payroll.engine.pensions import NO_SCHEME, calculate_pension
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import TaxYearRules, load_rules
from joinedup.payroll.engine.student_loans import calculate_loans


@dataclass(frozen=True, slots=True)
class EmployeePeriod:
    """One employee's payment. Money in pounds."""

    tax_year: int  # first calendar year: 2026 is 2026-27
    frequency: Frequency
    period: int  # tax week (weekly, fortnightly, four-weekly) or tax month
    tax_code: str
    basis: Basis
    gross_pay: Decimal  # before the employee's pension contribution
    previous_taxable_pay: Decimal = ZERO
    previous_tax_paid: Decimal = ZERO
    ni_category: str = "A"
    ni_pay: Decimal | None = None  # defaults to gross_pay
    student_loan_plans: frozenset[str] = field(default_factory=frozenset)  # "plan_1", ..., "postgraduate"
    pension_scheme: str = NO_SCHEME
    pensionable_pay: Decimal | None = None  # defaults to gross_pay
    employer_pension_rate: Decimal = ZERO  # per cent, set per employer and scheme
    # The earnings period for NI and student loans when it is not ``frequency``: a payment after
    # the employment ended outside a regular pattern is NI'd on a week (SSCR 2001 reg. 4(b)(ii)).
    ni_frequency: Frequency | None = None


@dataclass(frozen=True, slots=True)
class Payslip:
    pension_employee: Decimal
    pension_employer: Decimal
    taxable_pay: Decimal
    taxable_pay_to_date: Decimal
    tax: Decimal
    tax_paid_to_date: Decimal
    ni_employee: Decimal
    ni_employer: Decimal
    student_loan: Decimal
    postgraduate_loan: Decimal
    net_pay: Decimal


def gross_to_net(employee: EmployeePeriod, rules: TaxYearRules | None = None) -> Payslip:
    if rules is None:
        rules = load_rules(employee.tax_year)
    ni_pay = employee.gross_pay if employee.ni_pay is None else employee.ni_pay
    pensionable = employee.gross_pay if employee.pensionable_pay is None else employee.pensionable_pay

    pension = calculate_pension(
        rules, employee.pension_scheme, employee.frequency, pensionable, employee.employer_pension_rate
    )
    taxable_pay = employee.gross_pay - pension.employee
    paye = calculate_paye(
        rules,
        employee.tax_code,
        employee.frequency,
        employee.period,
        employee.basis,
        taxable_pay,
        employee.previous_taxable_pay,
        employee.previous_tax_paid,
    )
    ni_frequency = employee.frequency if employee.ni_frequency is None else employee.ni_frequency
    ni = calculate_ni(rules, employee.ni_category, ni_frequency, ni_pay)
    loans = calculate_loans(rules, employee.student_loan_plans, ni_frequency, ni_pay)
    net = (
        employee.gross_pay
        - pension.employee
        - paye.tax
        - ni.employee
        - loans.student_loan
        - loans.postgraduate_loan
    )
    return Payslip(
        pension_employee=pension.employee,
        pension_employer=pension.employer,
        taxable_pay=taxable_pay,
        taxable_pay_to_date=paye.taxable_pay_to_date,
        tax=paye.tax,
        tax_paid_to_date=paye.tax_paid_to_date,
        ni_employee=ni.employee,
        ni_employer=ni.employer,
        student_loan=loans.student_loan,
        postgraduate_loan=loans.postgraduate_loan,
        net_pay=net,
    )
