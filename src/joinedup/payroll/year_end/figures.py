"""The year-end figures, pure: plain payslip rows in, an employment's totals for the tax year out,
and the dates of the tax year. No queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from joinedup.core.calendar import tax_year_end, tax_year_of
from joinedup.core.calendar import tax_year_label as calendar_tax_year_label
from joinedup.payroll.periods import MONTHS_IN_YEAR, WEEKS_PER_PERIOD
from joinedup.people.models import PayFrequency


@dataclass(frozen=True, slots=True)
class SlipRow:
    """One approved payslip of the tax year, as the year-end forms need it. Pence."""

    pay_date: date
    tax_code: str
    week1_month1: bool
    ni_category: str
    taxable_pay_to_date: int
    tax_paid_to_date: int
    ni_bands: tuple[int, int, int]  # earnings at the LEL, LEL to PT, PT to UEL
    ni_employee: int
    ni_employer: int
    student_loan: int
    postgraduate_loan: int
    smp: int


@dataclass(frozen=True, slots=True)
class NiLetterTotals:
    letter: str
    earnings_at_lel: int
    earnings_lel_to_pt: int
    earnings_pt_to_uel: int
    employee: int
    employer: int


@dataclass(frozen=True, slots=True)
class YearFigures:
    """An employment's tax year up to its last payslip. ``pay`` and ``tax`` are this employment's
    alone; ``previous_*`` come from a starter's P45 (the payslips' to-date figures include them)."""

    tax_code: str
    week1_month1: bool
    pay: int
    tax: int
    previous_pay: int
    previous_tax: int
    ni: tuple[NiLetterTotals, ...]  # one per category letter, in the order first used
    student_loan: int
    postgraduate_loan: int
    smp: int

    @property
    def total_pay(self) -> int:
        return self.previous_pay + self.pay

    @property
    def total_tax(self) -> int:
        return self.previous_tax + self.tax

    @property
    def ni_letters(self) -> str:
        return ";".join(n.letter for n in self.ni)

    @property
    def ni_employee(self) -> int:
        return sum(n.employee for n in self.ni)

    @property
    def ni_employer(self) -> int:
        return sum(n.employer for n in self.ni)


def year_figures(rows: Sequence[SlipRow], *, previous_pay: int = 0, previous_tax: int = 0) -> YearFigures:
    """The year's figures from its payslips in pay order. Pay and tax are the last payslip's
    to-date figures less the previous employment's; NI, loans and SMP are not carried to date on
    a payslip, so they are the sums of the year's payslips, NI per category letter."""
    if not rows:
        raise ValueError("no payslips in the tax year")
    last = rows[-1]
    letters: dict[str, list[int]] = {}
    for row in rows:
        sums = letters.setdefault(row.ni_category, [0, 0, 0, 0, 0])
        for i, value in enumerate((*row.ni_bands, row.ni_employee, row.ni_employer)):
            sums[i] += value
    return YearFigures(
        tax_code=last.tax_code,
        week1_month1=last.week1_month1,
        pay=last.taxable_pay_to_date - previous_pay,
        tax=last.tax_paid_to_date - previous_tax,
        previous_pay=previous_pay,
        previous_tax=previous_tax,
        ni=tuple(NiLetterTotals(letter, *sums) for letter, sums in letters.items()),
        student_loan=sum(r.student_loan for r in rows),
        postgraduate_loan=sum(r.postgraduate_loan for r in rows),
        smp=sum(r.smp for r in rows),
    )


def is_final_period(*, frequency: str, tax_year: int, period: int, pay_date: date) -> bool:
    """Whether a run is the year's last for its frequency: month 12, or a weekly-based run whose
    next pay date would fall in the next tax year (week 52, or 53/54/56 where the year has one)."""
    if frequency == PayFrequency.MONTHLY:
        return period == MONTHS_IN_YEAR
    weeks = WEEKS_PER_PERIOD[PayFrequency(frequency)]
    return pay_date + timedelta(weeks=weeks) > year_end(tax_year)


def year_end(tax_year: int) -> date:
    """5 April that ends the tax year (2026 means 2026/27, ending 5 April 2027)."""
    return tax_year_end(tax_year)


def employed_at_year_end(end_date: date | None, tax_year: int) -> bool:
    return end_date is None or end_date >= year_end(tax_year)


def tax_year_label(tax_year: int) -> str:
    return calendar_tax_year_label(tax_year)


def last_ended_tax_year(today: date) -> int:
    return tax_year_of(today) - 1
