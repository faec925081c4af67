"""Sample records for the output-format tests: one council employer and a monthly employee whose
payslip adds up. Figures are illustrative, not computed by the engine."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from joinedup.payroll.outputs.records import EmployeePayment, Employer, PayPeriod, PayslipLine


def employer(**changes: Any) -> Employer:
    base = Employer(
        name="Northshire County Council",
        paye_reference="961/WC10001",
        accounts_office_reference="961PA00010001",
        bank_sort_code="200000",
        bank_account_number="12345678",
        bank_account_name="Northshire CC Payroll",
        bacs_user_number="123456",
        address_lines=("County Hall", "Northtown", "NT1 1AA"),
    )
    return dataclasses.replace(base, **changes)


def period(**changes: Any) -> PayPeriod:
    base = PayPeriod(tax_year=2026, frequency="monthly", period=1, pay_date=date(2026, 4, 28))
    return dataclasses.replace(base, **changes)


LINES = (
    PayslipLine("Basic salary SCP 23", 300000, "addition"),
    PayslipLine("Essential car user allowance", 12000, "addition"),
    PayslipLine("Union subscription", 2500, "deduction"),
)


def employee(**changes: Any) -> EmployeePayment:
    """Payments £3,120.00 less tax £351.60, NI £156.21, pension £195.00, student loan £45.00 and union
    £25.00: net pay £2,347.19."""
    base = EmployeePayment(
        payroll_id="NCC-0001",
        ni_number="AB123456C",
        title="Ms",
        forename="Jane",
        surname="Example",
        date_of_birth=date(1980, 5, 17),
        gender="F",
        address_lines=("1 High Street", "Northtown"),
        postcode="NT1 1AA",
        tax_code="1257L",
        hours_band="D",
        gross_pay=312000,
        taxable_pay=292500,
        taxable_pay_to_date=292500,
        tax=35160,
        tax_to_date=35160,
        ni_letter="A",
        ni_gross_pay=312000,
        ni_gross_to_date=312000,
        earnings_at_lel=55900,
        earnings_lel_to_pt=48833,
        earnings_pt_to_uel=207267,
        earnings_at_lel_to_date=55900,
        earnings_lel_to_pt_to_date=48833,
        earnings_pt_to_uel_to_date=207267,
        ni_employee=15621,
        ni_employer=38800,
        ni_employee_to_date=15621,
        ni_employer_to_date=38800,
        student_loan=4500,
        student_loan_to_date=4500,
        student_loan_plan="02",
        pension_under_net_pay=19500,
        pension_under_net_pay_to_date=19500,
        employer_pension=60000,
        net_pay=234719,
        bank_sort_code="401162",
        bank_account_number="87654321",
        bank_account_name="J Example",
        lines=LINES,
    )
    return dataclasses.replace(base, **changes)
