"""The tax year from 6 April, the financial year from 1 April, tax periods and weekdays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.calendar import (
    financial_year_of,
    financial_year_start,
    rti_tax_year,
    tax_month_of,
    tax_period_of,
    tax_week_of,
    tax_year_end,
    tax_year_label,
    tax_year_of,
    tax_year_start,
    weekdays_between,
    year_label,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(days)
def test_every_date_belongs_to_exactly_one_tax_year(day: date) -> None:
    # ITEPA 2003 s.4: the tax year runs from 6 April to the following 5 April
    year = tax_year_of(day)
    assert tax_year_start(year) <= day <= tax_year_end(year)
    assert not tax_year_start(year + 1) <= day <= tax_year_end(year + 1)
    assert not tax_year_start(year - 1) <= day <= tax_year_end(year - 1)


@given(days)
def test_every_date_belongs_to_exactly_one_financial_year(day: date) -> None:
    year = financial_year_of(day)
    assert financial_year_start(year) <= day < financial_year_start(year + 1)


@given(days)
def test_tax_months_run_1_to_12_from_the_6th(day: date) -> None:
    month = tax_month_of(day)
    assert 1 <= month <= 12
    # the month changes on the 6th of a calendar month and only then
    following = tax_month_of(day + timedelta(days=1))
    assert following == (month % 12 + 1 if (day + timedelta(days=1)).day == 6 else month)


@given(days)
def test_tax_weeks_run_1_to_53_with_week_53_only_the_last_day_or_two(day: date) -> None:
    week = tax_week_of(day)
    assert 1 <= week <= 53
    # 52 weeks are 364 days: day 365 (and 366 in a year holding 29 February) is week 53
    day_of_year = (day - tax_year_start(tax_year_of(day))).days + 1
    assert (week == 53) == (day_of_year > 364)
    assert week == (day_of_year - 1) // 7 + 1


@given(days, st.sampled_from(["weekly", "fortnightly", "four_weekly"]))
def test_a_weekly_based_pay_date_takes_the_tax_week_and_a_monthly_one_the_tax_month(
    day: date, frequency: str
) -> None:
    assert tax_period_of(frequency, day) == tax_week_of(day)
    assert tax_period_of("monthly", day) == tax_month_of(day)


@pytest.mark.parametrize(
    ("day", "year", "month", "week"),
    [
        (date(2026, 4, 5), 2025, 12, 53),  # the last day of 2025/26
        (date(2026, 4, 6), 2026, 1, 1),
        (date(2026, 4, 12), 2026, 1, 1),
        (date(2026, 4, 13), 2026, 1, 2),
        (date(2026, 5, 5), 2026, 1, 5),
        (date(2026, 5, 6), 2026, 2, 5),
        (date(2027, 3, 6), 2026, 12, 48),
        (date(2027, 4, 4), 2026, 12, 52),
        (date(2027, 4, 5), 2026, 12, 53),
        (date(2028, 4, 4), 2027, 12, 53),  # 2027/28 holds 29 February 2028: two days in week 53
    ],
)
def test_hmrc_tax_periods_of_known_dates(day: date, year: int, month: int, week: int) -> None:
    assert (tax_year_of(day), tax_month_of(day), tax_week_of(day)) == (year, month, week)


def test_years_are_named_by_both_calendar_years() -> None:
    assert (tax_year_label(2026), tax_year_label(2099, separator="-"), year_label(2026)) == (
        "2026/27",
        "2099-00",
        "2026/27",
    )
    assert rti_tax_year(2026) == "26-27"  # RTI's RelatedTaxYear
    assert (tax_year_start(2026), tax_year_end(2026), financial_year_start(2026)) == (
        date(2026, 4, 6),
        date(2027, 4, 5),
        date(2026, 4, 1),
    )


@given(days, st.integers(-10, 800))
def test_weekdays_are_counted_as_day_by_day_counting_would(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    by_day = sum(1 for n in range(length + 1) if (start + timedelta(days=n)).weekday() < 5)
    assert weekdays_between(start, end) == by_day


def test_weekdays_of_a_known_fortnight() -> None:
    # Monday 3 August 2026 to Sunday 16 August 2026: two working weeks
    assert weekdays_between(date(2026, 8, 3), date(2026, 8, 16)) == 10
    assert weekdays_between(date(2026, 8, 8), date(2026, 8, 9)) == 0  # a weekend
