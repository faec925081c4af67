"""Dates as people read them (issue 19: "every date shown as people read it ("25 November 2026")")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.dates import people_date, people_datetime, people_month, people_utc_moment


def test_the_issues_example_reads_25_november_2026() -> None:
    assert people_date(date(2026, 11, 25)) == "25 November 2026"


def test_a_single_digit_day_has_no_leading_zero() -> None:
    assert people_date(date(2026, 12, 5)) == "5 December 2026"


def test_the_weekday_is_named_when_asked_for() -> None:
    assert people_date(date(2026, 11, 25), weekday=True) == "Wednesday 25 November 2026"


def test_an_iso_date_as_json_keeps_it_reads_the_same() -> None:
    assert people_date("2026-11-25") == "25 November 2026"


def test_nothing_reads_as_nothing() -> None:
    assert (people_date(None), people_datetime(None), people_month(None)) == ("", "", "")


def test_a_bst_datetime_late_in_the_evening_is_the_next_day_in_london() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert people_date(late) == "1 July 2026"
    assert people_datetime(late) == "1 July 2026 at 00:30"
    assert people_month(late) == "July 2026"


def test_a_gmt_datetime_late_in_the_evening_stays_on_its_day() -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert people_date(late) == "31 December 2026"
    assert people_datetime(late, weekday=True) == "Thursday 31 December 2026 at 23:30"
    assert people_month(late) == "December 2026"


def test_a_naive_datetime_is_read_as_it_is() -> None:
    # as a form field may hand one over: its clock is taken as London's already
    assert people_datetime(datetime(2026, 11, 25, 14, 30)) == "25 November 2026 at 14:30"  # noqa: DTZ001


def test_a_month_reads_in_full() -> None:
    assert people_month(date(2026, 3, 1)) == "March 2026"


@pytest.mark.parametrize(
    ("helper", "value", "message"),
    [
        (people_date, 20261125, "people_date takes a date, not int"),
        (people_datetime, date(2026, 11, 25), "people_datetime takes a datetime, not date"),
        (people_month, "2026-11", "people_month takes a date, not str"),
    ],
)
def test_a_value_that_is_not_a_date_is_refused(helper, value, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=message):
        helper(value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_no_date_reads_with_a_leading_zero_or_a_short_month(day: date) -> None:
    text = people_date(day)
    assert text == f"{day.day} {day:%B} {day.year}"
    assert not text.startswith("0")


def test_an_audit_checkpoint_reads_to_the_second_in_utc_even_in_summer() -> None:
    signed = datetime(2026, 6, 5, 23, 30, 5, tzinfo=UTC)
    assert people_utc_moment(signed) == "5 June 2026 at 23:30:05 UTC"
