"""The UK years and weeks the law and the accounts count in: the one place that knows them.

Pure on purpose: standard library only, so the payroll engine and the pure output formats may
import it as well as every Django app. All dates here are plain ``datetime.date`` (the dates the
law cares about are dates, not instants).

- The tax year runs from 6 April to 5 April (ITEPA 2003 s.4; the PAYE Regulations' tax weeks and
  tax months count from 6 April). ``2026`` names the year 6 April 2026 to 5 April 2027, "2026/27".
- Tax month *m* runs from the 6th of the *m*-th month after March to the 5th of the next; tax
  week *w* is the seven days from 6 April + 7(w - 1). Days 365 and 366 of the year (5 April, and
  4 April in a year holding 29 February) fall in week 53 (PAYE spec: week 53).
- A public body's financial year runs from 1 April to 31 March.
- Working days here are Monday to Friday. Bank holidays are not taken off: no figure counts
  them yet (proration and absence count weekdays), so no holiday calendar is pinned.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

__all__ = [
    "FINANCIAL_YEAR_FIRST_MONTH",
    "MONTHS_IN_YEAR",
    "WEEKS_IN_YEAR",
    "financial_year_of",
    "financial_year_start",
    "rti_tax_year",
    "tax_month_of",
    "tax_period_of",
    "tax_week_of",
    "tax_year_end",
    "tax_year_label",
    "tax_year_of",
    "tax_year_start",
    "weekdays_between",
    "year_label",
]

MONTHS_IN_YEAR: Final = 12
WEEKS_IN_YEAR: Final = 52
DAYS_IN_WEEK: Final = 7
_APRIL: Final = 4
FINANCIAL_YEAR_FIRST_MONTH: Final = _APRIL  # period 1 of a financial year is April
_TAX_YEAR_FIRST_DAY: Final = 6  # 6 April
_FINANCIAL_YEAR_FIRST_DAY: Final = 1  # 1 April
_SATURDAY: Final = 5  # date.weekday(): Monday 0 ... Sunday 6
MONTHLY: Final = "monthly"  # the frequency whose periods are tax months; the others count tax weeks


# --- the tax year (6 April) -------------------------------------------------------------------


def tax_year_of(day: date) -> int:
    """The tax year ``day`` falls in, by its first calendar year: 5 April 2027 -> 2026."""
    return day.year if (day.month, day.day) >= (_APRIL, _TAX_YEAR_FIRST_DAY) else day.year - 1


def tax_year_start(tax_year: int) -> date:
    """6 April ``tax_year``."""
    return date(tax_year, _APRIL, _TAX_YEAR_FIRST_DAY)


def tax_year_end(tax_year: int) -> date:
    """5 April ``tax_year + 1``, the last day of the tax year."""
    return tax_year_start(tax_year + 1) - timedelta(days=1)


def tax_month_of(day: date) -> int:
    """Tax month 1-12: 6 April to 5 May is month 1, 6 March to 5 April month 12."""
    months_since_april = day.month - _APRIL - (1 if day.day < _TAX_YEAR_FIRST_DAY else 0)
    return months_since_april % MONTHS_IN_YEAR + 1


def tax_week_of(day: date) -> int:
    """Tax week 1-53: the seven days from 6 April are week 1; the last day or two of the year
    (5 April, and 4 April after a 29 February) are week 53."""
    return (day - tax_year_start(tax_year_of(day))).days // DAYS_IN_WEEK + 1


def tax_period_of(frequency: str, pay_date: date) -> int:
    """The tax period HMRC fixes by the date of payment: the tax month for monthly pay, the tax
    week for weekly, fortnightly and four-weekly pay (as RTI numbers them)."""
    return tax_month_of(pay_date) if frequency == MONTHLY else tax_week_of(pay_date)


def tax_year_label(tax_year: int, separator: str = "/") -> str:
    """2026 -> '2026/27' (or '2026-27' with ``separator='-'``, as rule files are named)."""
    return f"{tax_year}{separator}{(tax_year + 1) % 100:02d}"


def rti_tax_year(tax_year: int) -> str:
    """HMRC's form in RTI (RelatedTaxYear): 2026 -> '26-27'."""
    return f"{tax_year % 100:02d}-{(tax_year + 1) % 100:02d}"


# --- the financial year (1 April) -------------------------------------------------------------


def financial_year_of(day: date) -> int:
    """The financial year ``day`` falls in, by its first calendar year: 31 March 2027 -> 2026."""
    return day.year if day.month >= _APRIL else day.year - 1


def financial_year_start(start_year: int) -> date:
    """1 April ``start_year``."""
    return date(start_year, _APRIL, _FINANCIAL_YEAR_FIRST_DAY)


def year_label(start_year: int) -> str:
    """A year that straddles two calendar years, by its first: 2026 -> '2026/27'."""
    return tax_year_label(start_year)


# --- working days -----------------------------------------------------------------------------


def weekdays_between(start: date, end: date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive (0 if ``end`` is before
    ``start``); counted in whole weeks, so a long range costs no more than a short one."""
    days = (end - start).days + 1
    if days <= 0:
        return 0
    whole_weeks, rest = divmod(days, DAYS_IN_WEEK)
    first = start.weekday()
    extra = sum(1 for offset in range(rest) if (first + offset) % DAYS_IN_WEEK < _SATURDAY)
    return whole_weeks * (DAYS_IN_WEEK - 2) + extra
