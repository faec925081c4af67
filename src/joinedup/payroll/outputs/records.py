"""The input records every output format reads: frozen, Django-free, money in integer pence.

A pay run turns its results into these records; the formats (BACS, FPS, payslips, P45, P60) only
read them. Every amount is an ``int`` of pence, never a float. Signs follow the figure's meaning:
``tax`` is negative for a refund, every other period deduction is normally zero or positive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from joinedup.core.bacs import BacsCredit as BacsCredit  # it lived here; payroll imports it from here
from joinedup.core.calendar import rti_tax_year, tax_year_label

Frequency = Literal["weekly", "fortnightly", "four_weekly", "monthly"]
Gender = Literal["M", "F"]
StarterDeclaration = Literal["A", "B", "C", ""]
HoursBand = Literal["A", "B", "C", "D", "E"]
LineKind = Literal["addition", "deduction"]

FREQUENCIES: tuple[Frequency, ...] = ("weekly", "fortnightly", "four_weekly", "monthly")
WEEKS_IN_PERIOD: dict[Frequency, int] = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}

_PAYE_REFERENCE = re.compile(r"(?P<office>\d{3})/(?P<reference>\S.{0,13})")


@dataclass(frozen=True, slots=True)
class Employer:
    """The partner body as an employer: one PAYE scheme, one bank account, one BACS service user number."""

    name: str
    paye_reference: str  # "961/WC10001": tax office number (3 digits) "/" employer reference
    accounts_office_reference: str  # 13 characters, e.g. "961PA00010001"
    bank_sort_code: str  # 6 digits
    bank_account_number: str  # 8 digits
    bank_account_name: str
    bacs_user_number: str  # the service user number (SUN), 6 characters
    address_lines: tuple[str, ...] = ()  # printed on P45 and P60

    @property
    def tax_office_number(self) -> str:
        return self._paye_parts()[0]

    @property
    def tax_office_reference(self) -> str:
        return self._paye_parts()[1]

    def _paye_parts(self) -> tuple[str, str]:
        match = _PAYE_REFERENCE.fullmatch(self.paye_reference.strip())
        if not match:
            raise ValueError(
                f"employer {self.name!r}: PAYE reference {self.paye_reference!r} is not "
                "'NNN/REFERENCE' (a 3-digit tax office number, a slash, then the reference)"
            )
        return match.group("office"), match.group("reference").strip()


@dataclass(frozen=True, slots=True)
class PayPeriod:
    """One pay period: tax year by its first calendar year (2026 means 2026/27)."""

    tax_year: int
    frequency: Frequency
    period: int  # tax week (weekly, fortnightly, four-weekly) or tax month (monthly)
    pay_date: date
    periods_covered: int = 1

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown pay frequency {self.frequency!r}; expected one of {FREQUENCIES}")
        last = 12 if self.frequency == "monthly" else 56
        if not 1 <= self.period <= last:
            raise ValueError(f"{self.frequency} period {self.period} is outside 1 to {last}")
        if not 1 <= self.periods_covered <= 99:
            raise ValueError(f"periods covered {self.periods_covered} is outside 1 to 99")

    @property
    def tax_year_label(self) -> str:
        """'2026/27'."""
        return tax_year_label(self.tax_year)

    @property
    def related_tax_year(self) -> str:
        """HMRC's form in RTI: '26-27'."""
        return rti_tax_year(self.tax_year)

    @property
    def is_monthly(self) -> bool:
        return self.frequency == "monthly"

    @property
    def description(self) -> str:
        """'Month 1' or 'Week 23'."""
        return f"Month {self.period}" if self.is_monthly else f"Week {self.period}"


@dataclass(frozen=True, slots=True)
class PayslipLine:
    """A payment or a deduction shown on the payslip, other than the statutory deductions (income tax,
    employee NI, pension under net pay, student and postgraduate loans), which come from the figures."""

    description: str
    amount: int  # pence; a negative addition (e.g. salary sacrifice) is allowed
    kind: LineKind


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeePayment:
    """One employee's payment in one pay period, with the year-to-date figures for this employment."""

    payroll_id: str
    ni_number: str  # may be empty when HMRC has not issued one yet
    title: str
    forename: str
    surname: str
    date_of_birth: date
    gender: Gender
    address_lines: tuple[str, ...]
    postcode: str
    tax_code: str  # as issued: "1257L", "S1257L", "K585"; the W1/M1 basis is week1_month1
    week1_month1: bool = False
    hours_band: HoursBand
    start_date: date | None = None  # set on the first payment of a new employment
    leaving_date: date | None = None
    starter_declaration: StarterDeclaration = ""

    # pay and PAYE, pence
    gross_pay: int = 0
    taxable_pay: int = 0
    taxable_pay_to_date: int = 0
    tax: int = 0  # negative for a refund
    tax_to_date: int = 0

    # Class 1 NI, pence; the band figures are earnings, the contributions are money due
    ni_letter: str = "A"
    ni_gross_pay: int = 0
    ni_gross_to_date: int = 0
    earnings_at_lel: int = 0
    earnings_lel_to_pt: int = 0
    earnings_pt_to_uel: int = 0
    earnings_at_lel_to_date: int = 0
    earnings_lel_to_pt_to_date: int = 0
    earnings_pt_to_uel_to_date: int = 0
    ni_employee: int = 0
    ni_employer: int = 0
    ni_employee_to_date: int = 0
    ni_employer_to_date: int = 0
    # the employer's Class 1A on termination awards over GBP 30,000 this tax year (real time)
    class1a_to_date: int = 0
    # paid after the leaver's P45 was issued (0T week 1/month 1); needs leaving_date on the FPS
    payment_after_leaving: bool = False

    # loans, pence (whole pounds by law)
    student_loan: int = 0
    student_loan_to_date: int = 0
    student_loan_plan: str = ""  # HMRC's plan type: "01", "02", "04", "05"; "" for none
    postgraduate_loan: int = 0
    postgraduate_loan_to_date: int = 0

    # pensions, pence
    pension_under_net_pay: int = 0
    pension_under_net_pay_to_date: int = 0
    employer_pension: int = 0  # shown on the payslip as paid by the employer

    # statutory payments to date, pence (FPS and P60 report them once any is paid in the year)
    smp_to_date: int = 0
    spp_to_date: int = 0
    sap_to_date: int = 0
    shpp_to_date: int = 0
    spbp_to_date: int = 0
    sncp_to_date: int = 0

    net_pay: int = 0
    bank_sort_code: str = ""
    bank_account_number: str = ""
    bank_account_name: str = ""
    lines: tuple[PayslipLine, ...] = field(default_factory=tuple)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.forename, self.surname) if part.strip())

    @property
    def label(self) -> str:
        """How error messages name the employee: payroll id and name, never the NINO."""
        return f"employee {self.payroll_id} ({self.forename} {self.surname})"


def credits_from_payments(payments: Sequence[EmployeePayment], *, reference: str) -> list[BacsCredit]:
    """The BACS credits for a pay run's net pay; employees with nothing to pay are left out."""
    credits: list[BacsCredit] = []
    for payment in payments:
        if payment.net_pay < 0:
            raise ValueError(f"{payment.label}: net pay is negative ({payment.net_pay} pence)")
        if payment.net_pay == 0:
            continue
        credits.append(
            BacsCredit(
                sort_code=payment.bank_sort_code,
                account_number=payment.bank_account_number,
                name=payment.bank_account_name or f"{payment.forename} {payment.surname}",
                amount=payment.net_pay,
                reference=reference,
            )
        )
    return credits
