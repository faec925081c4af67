"""Pay frequencies, calculation bases and the tax period a payment falls in.

Definitions only (weeks in a year, months in a year); no rates or thresholds.

Period numbers are tax weeks for weekly, fortnightly and four-weekly pay (the week the payday
falls in, 1-52) and tax months for monthly pay (1-12), as the PAYE spec and RTI use them. The
extra payments of a year with 53 paydays are numbered as RTI numbers them: week 53 (weekly),
week 54 (fortnightly) and week 56 (four-weekly). PAYE spec v24 para 14: such a payment is taxed
on a week 1 basis using the tables for week 1, 2 or 4, whatever the code's basis.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

WEEKS_IN_YEAR = 52
MONTHS_IN_YEAR = 12


class Frequency(enum.Enum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"

    @property
    def weeks(self) -> int:
        """Weeks in one pay period (0 for monthly)."""
        return _WEEKS[self]

    @property
    def periods_in_year(self) -> int:
        """Regular pay periods in a year: used to annualise pay (52, 26, 13 or 12)."""
        return MONTHS_IN_YEAR if self is Frequency.MONTHLY else WEEKS_IN_YEAR // self.weeks

    @property
    def tax_periods_in_year(self) -> int:
        """N in the PAYE spec: 52 tax weeks, or 12 tax months."""
        return MONTHS_IN_YEAR if self is Frequency.MONTHLY else WEEKS_IN_YEAR

    @property
    def extra_period(self) -> int | None:
        """The RTI number of the 53rd/27th/14th payment of a year, if the frequency has one."""
        return None if self is Frequency.MONTHLY else WEEKS_IN_YEAR + self.weeks


_WEEKS = {Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 2, Frequency.FOUR_WEEKLY: 4, Frequency.MONTHLY: 0}


class Basis(enum.Enum):
    CUMULATIVE = "cumulative"
    WEEK1_MONTH1 = "week1_month1"


@dataclass(frozen=True, slots=True)
class TaxPeriod:
    """How PAYE treats one payment: ``n`` periods' worth of free pay and band widths out of
    ``tax_periods_in_year``, on this payment alone or on pay to date."""

    n: int
    tax_periods_in_year: int
    cumulative: bool


def validate_period(frequency: Frequency, period: int) -> None:
    """Raise ValueError if ``period`` is not a tax week/month a payment of this frequency can
    have."""
    last = frequency.tax_periods_in_year
    if 1 <= period <= last or period == frequency.extra_period:
        return
    extra = f" or {frequency.extra_period}" if frequency.extra_period else ""
    raise ValueError(f"period {period} is out of range for {frequency.value} pay (1-{last}{extra})")


def tax_period(frequency: Frequency, period: int, basis: Basis) -> TaxPeriod:
    """PAYE spec paras 4, 8, 13 and 14.

    Cumulative: free pay and bands for ``period`` weeks/months to date. Week 1/month 1, and every
    week 53/54/56 payment: free pay and bands for one pay period (1, 2 or 4 weeks, or 1 month).
    """
    validate_period(frequency, period)
    year = frequency.tax_periods_in_year
    one_period = 1 if frequency is Frequency.MONTHLY else frequency.weeks
    if basis is Basis.WEEK1_MONTH1 or period == frequency.extra_period:
        return TaxPeriod(n=one_period, tax_periods_in_year=year, cumulative=False)
    return TaxPeriod(n=period, tax_periods_in_year=year, cumulative=True)
