"""A payment's NI earnings period may differ from its pay frequency: a payment after the employment
has ended that is not part of a regular pattern has a week's earnings period (SSCR 2001 reg.
4(b)(ii); NIM08410), while PAYE stays monthly (0T month 1). Student loans follow NI's period
(GOV.UK 'paying an employee after giving them a P45': treat an irregular payment as weekly)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from joinedup.payroll.engine import (
    Basis,
    EmployeePeriod,
    Frequency,
    batch_from_records,
    calculate,
    gross_to_net,
)
from joinedup.payroll.engine.ruleset import load_rules

MONTHLY_BONUS = EmployeePeriod(
    tax_year=2026,
    frequency=Frequency.MONTHLY,
    period=9,
    tax_code="0T",
    basis=Basis.WEEK1_MONTH1,
    gross_pay=Decimal("1000.00"),
    student_loan_plans=frozenset({"plan_2"}),
)


def test_a_monthly_payment_ni_d_on_a_week_uses_the_weekly_thresholds() -> None:
    weekly = gross_to_net(replace(MONTHLY_BONUS, ni_frequency=Frequency.WEEKLY))
    # 2026-27 category A weekly: PT £242, UEL £967, ST £96.
    # Employee: 8% x (967 - 242) + 2% x (1,000 - 967) = 58.00 + 0.66 = £58.66.
    # Employer: 15% x (1,000 - 96) = £135.60.
    assert (weekly.ni_employee, weekly.ni_employer) == (Decimal("58.66"), Decimal("135.60"))
    # Tax is still 0T month 1: 20% of £1,000 = £200.00.
    assert weekly.tax == Decimal("200.00")


def test_on_its_monthly_period_the_same_payment_pays_no_employee_ni() -> None:
    monthly = gross_to_net(MONTHLY_BONUS)
    # Monthly PT £1,048 is above £1,000; employer: 15% x (1,000 - 417) = £87.45.
    assert (monthly.ni_employee, monthly.ni_employer) == (Decimal("0.00"), Decimal("87.45"))


def test_the_vector_path_agrees_with_the_scalar_reference_on_a_mixed_batch() -> None:
    records = [
        MONTHLY_BONUS,
        replace(MONTHLY_BONUS, ni_frequency=Frequency.WEEKLY),
        replace(MONTHLY_BONUS, gross_pay=Decimal("4321.09")),
    ]
    result = calculate(batch_from_records(load_rules(2026), records))
    for i, record in enumerate(records):
        scalar = gross_to_net(record)
        for name in ("tax", "ni_employee", "ni_employer", "student_loan", "net_pay"):
            assert int(getattr(result, name)[i]) == int(getattr(scalar, name) * 100), (i, name)
