"""The business-hours clock, against hand-worked cases.

Bank holidays: gov.uk, "UK bank holidays" (https://www.gov.uk/bank-holidays), which lists
England and Wales, Scotland and Northern Ireland separately, with substitute days; the clock
reads them from the holidays package, whose data is checked against that list here. The clocks
change at 01:00 GMT on the last Sunday of March and October (The Summer Time Order 2002)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.bank_holidays import bank_holidays
from joinedup.servicedesk import business_time as bt
from joinedup.servicedesk.business_time import LONDON, BusinessTimeError, Calendar, business_minutes, due_at

OFFICE = bt.parse_hours("08:30-17:00")
ENGLAND = Calendar(OFFICE, "england-and-wales")
SCOTLAND = Calendar(OFFICE, "scotland")
NORTHERN_IRELAND = Calendar(OFFICE, "northern-ireland")
ALWAYS = Calendar(bt.parse_hours("24x7"), "england-and-wales")
EVERY_DAY = Calendar(bt.parse_hours("mon-sun 08:30-17:00"), "england-and-wales")
FULL_DAY = 510  # 08:30 to 17:00


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def whole_day(calendar: Calendar, day: date) -> int:
    return business_minutes(
        calendar, at(day.year, day.month, day.day), at(day.year, day.month, day.day) + timedelta(days=1)
    )


# --- the issue's example ------------------------------------------------------------------------


def test_the_issues_example_counts_1680_minutes_in_england_and_wales() -> None:
    """Thu 24 Dec 2026 16:00 to Mon 4 Jan 2027 10:00, 08:30-17:00 Monday to Friday:
    Thu 24 Dec 16:00-17:00 = 60; Fri 25 Dec Christmas Day; Sat 26 and Sun 27 weekend;
    Mon 28 Dec Boxing Day (substitute day, 26 Dec being a Saturday); Tue 29, Wed 30, Thu 31 Dec
    3 x 510 = 1,530; Fri 1 Jan New Year's Day; Sat 2 and Sun 3 weekend; Mon 4 Jan 08:30-10:00 = 90.
    60 + 1,530 + 90 = 1,680 (gov.uk: 25 Dec, 28 Dec substitute day, 1 Jan)."""
    assert business_minutes(ENGLAND, at(2026, 12, 24, 16), at(2027, 1, 4, 10)) == 1680


def test_the_issues_example_in_scotland_loses_the_4_january_substitute_for_2_january() -> None:
    """As above, but 2 January is a bank holiday in Scotland; in 2027 it is a Saturday, so the
    substitute day is Monday 4 January (gov.uk, Scotland 2027): 1,680 - 90 = 1,590."""
    assert business_minutes(SCOTLAND, at(2026, 12, 24, 16), at(2027, 1, 4, 10)) == 1590


def test_the_issues_example_in_northern_ireland_matches_england() -> None:
    assert business_minutes(NORTHERN_IRELAND, at(2026, 12, 24, 16), at(2027, 1, 4, 10)) == 1680


def test_the_issues_example_round_the_clock_counts_every_minute() -> None:
    """24x7 ignores bank holidays: 24 Dec 16:00 to 4 Jan 10:00 is 11 days less 6 hours,
    258 hours = 15,480 minutes (no change of clocks between)."""
    assert business_minutes(ALWAYS, at(2026, 12, 24, 16), at(2027, 1, 4, 10)) == 15480


# --- the bank holidays, checked against gov.uk ----------------------------------------------------


def test_the_package_lists_england_and_wales_2026_as_gov_uk_does() -> None:
    """gov.uk England and Wales 2026: 1 Jan, 3 Apr Good Friday, 6 Apr Easter Monday, 4 May,
    25 May, 31 Aug, 25 Dec, 28 Dec Boxing Day (substitute day). The package also names Saturday
    26 Dec itself, which closes nothing that the weekend has not."""
    assert bank_holidays("england-and-wales", 2026) == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 4, 3): "Good Friday",
        date(2026, 4, 6): "Easter Monday",
        date(2026, 5, 4): "May Day",
        date(2026, 5, 25): "Spring Bank Holiday",
        date(2026, 8, 31): "Late Summer Bank Holiday",
        date(2026, 12, 25): "Christmas Day",
        date(2026, 12, 26): "Boxing Day",
        date(2026, 12, 28): "Boxing Day (observed)",
    }


def test_wales_has_the_same_bank_holidays_as_england() -> None:
    """gov.uk publishes one list for England and Wales; the package keeps Wales (WLS) apart,
    so check the clock's choice of England's list stands for both."""
    for year in range(2018, 2031):
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert set(bank_holidays("england-and-wales", year)) == set(wales), year


@pytest.mark.parametrize("calendar", [ENGLAND, SCOTLAND, NORTHERN_IRELAND], ids=lambda c: c.nation)
def test_the_one_off_bank_holidays_close_every_nation(calendar: Calendar) -> None:
    """gov.uk: Monday 19 Sep 2022, the State Funeral of Queen Elizabeth II; Monday 8 May 2023,
    the coronation of King Charles III; Friday 3 Jun 2022, the Platinum Jubilee."""
    for day in (date(2022, 9, 19), date(2023, 5, 8), date(2022, 6, 3)):
        assert whole_day(calendar, day) == 0, day
    assert whole_day(calendar, date(2022, 9, 20)) == FULL_DAY


def test_scotland_closes_on_2_january_and_england_does_not() -> None:
    """gov.uk, Scotland 2026: Friday 2 January, the 2nd January bank holiday."""
    assert whole_day(SCOTLAND, date(2026, 1, 2)) == 0
    assert whole_day(ENGLAND, date(2026, 1, 2)) == FULL_DAY


def test_scotland_closes_on_st_andrews_day_and_its_substitute() -> None:
    """gov.uk, Scotland: St Andrew's Day 30 Nov 2026 is a Monday; in 2025 it fell on a Sunday, so
    Monday 1 December was the substitute day, and in 2024 (a Saturday) Monday 2 December."""
    for day in (date(2026, 11, 30), date(2025, 12, 1), date(2024, 12, 2)):
        assert whole_day(SCOTLAND, day) == 0, day
        assert whole_day(ENGLAND, day) == FULL_DAY, day


def test_northern_ireland_closes_on_st_patricks_day_and_the_twelfth() -> None:
    """gov.uk, Northern Ireland: 17 March 2026 (a Tuesday), St Patrick's Day; 12 July 2026 is a
    Sunday, so the Battle of the Boyne holiday is Monday 13 July; 12 July 2027 is a Monday."""
    for day in (date(2026, 3, 17), date(2026, 7, 13), date(2027, 7, 12)):
        assert whole_day(NORTHERN_IRELAND, day) == 0, day
        assert whole_day(ENGLAND, day) == FULL_DAY, day


def test_a_weekend_counts_nothing() -> None:
    """Fri 6 Nov 2026 16:00 to Mon 9 Nov 10:00: 60 on Friday, nothing on Saturday or Sunday,
    90 on Monday = 150."""
    assert business_minutes(ENGLAND, at(2026, 11, 6, 16), at(2026, 11, 9, 10)) == 150
    assert whole_day(ENGLAND, date(2026, 11, 7)) == 0
    assert whole_day(ENGLAND, date(2026, 11, 8)) == 0


# --- the clocks changing --------------------------------------------------------------------------


def test_round_the_clock_the_day_the_clocks_go_forward_has_1380_minutes() -> None:
    """29 Mar 2026: at 01:00 GMT the clocks go forward to 02:00 BST, so the day has 23 hours."""
    assert whole_day(ALWAYS, date(2026, 3, 29)) == 1380
    # 00:30 GMT to 03:30 BST is two hours that actually pass.
    assert business_minutes(ALWAYS, at(2026, 3, 29, 0, 30), at(2026, 3, 29, 3, 30)) == 120


def test_round_the_clock_the_day_the_clocks_go_back_has_1500_minutes() -> None:
    """25 Oct 2026: at 02:00 BST the clocks go back to 01:00 GMT, so the day has 25 hours."""
    assert whole_day(ALWAYS, date(2026, 10, 25)) == 1500
    assert business_minutes(ALWAYS, at(2026, 10, 25, 0, 30), at(2026, 10, 25, 3, 30)) == 240


def test_business_hours_are_local_clock_times_whatever_the_clocks_do() -> None:
    """08:30-17:00 is 510 minutes on the Sunday the clocks change (opening every day), and the
    Friday-to-Monday span over each change is two ordinary days."""
    assert whole_day(EVERY_DAY, date(2026, 3, 29)) == FULL_DAY
    assert whole_day(EVERY_DAY, date(2026, 10, 25)) == FULL_DAY
    assert business_minutes(ENGLAND, at(2026, 3, 27, 8, 30), at(2026, 3, 30, 17)) == 2 * FULL_DAY
    assert business_minutes(ENGLAND, at(2026, 10, 23, 8, 30), at(2026, 10, 26, 17)) == 2 * FULL_DAY


# --- pauses ---------------------------------------------------------------------------------------


def test_a_pause_stops_the_clock_only_for_business_time_inside_it() -> None:
    """Fri 6 Nov 16:00 to Mon 9 Nov 10:00 is 150; paused from Fri 16:30 to Mon 09:00, which covers
    30 business minutes on Friday, the weekend, and 30 on Monday: 150 - 60 = 90."""
    pause = (at(2026, 11, 6, 16, 30), at(2026, 11, 9, 9))
    assert business_minutes(ENGLAND, at(2026, 11, 6, 16), at(2026, 11, 9, 10), [pause]) == 90


def test_overlapping_pauses_are_not_counted_twice() -> None:
    pauses = [(at(2026, 11, 6, 16, 30), at(2026, 11, 7, 12)), (at(2026, 11, 7, 10), at(2026, 11, 9, 9))]
    assert business_minutes(ENGLAND, at(2026, 11, 6, 16), at(2026, 11, 9, 10), pauses) == 90


def test_a_pause_wholly_outside_business_time_or_the_span_changes_nothing() -> None:
    """A pause on Saturday, and one before the start, stop nothing; one running past the end
    counts only up to the end (Mon 09:30-10:00 = 30): 150 - 30 = 120."""
    start, end = at(2026, 11, 6, 16), at(2026, 11, 9, 10)
    weekend = (at(2026, 11, 7, 9), at(2026, 11, 7, 17))
    before = (at(2026, 11, 5, 9), at(2026, 11, 6, 16))
    assert business_minutes(ENGLAND, start, end, [weekend, before]) == 150
    assert business_minutes(ENGLAND, start, end, [(at(2026, 11, 9, 9, 30), at(2026, 11, 9, 12))]) == 120


# --- partial minutes and bad input ----------------------------------------------------------------


def test_partial_minutes_are_truncated_once_at_the_end() -> None:
    """16:00:30 to 17:00 is 59 minutes 30 seconds: 59. Two halves of a minute either side of a
    pause still make a whole one: 16:00:30-16:10 less a pause 16:05-16:05:30 is 9 min exactly."""
    assert business_minutes(ENGLAND, at(2026, 11, 6, 16, 0, 30), at(2026, 11, 6, 17)) == 59
    pause = (at(2026, 11, 6, 16, 5), at(2026, 11, 6, 16, 5, 30))
    assert business_minutes(ENGLAND, at(2026, 11, 6, 16, 0, 30), at(2026, 11, 6, 16, 10), [pause]) == 9


def test_it_refuses_a_start_after_the_end() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        business_minutes(ENGLAND, at(2026, 11, 9, 10), at(2026, 11, 6, 16))
    assert str(caught.value) == "start 2026-11-09T10:00:00+00:00 is after end 2026-11-06T16:00:00+00:00"


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        business_minutes(ENGLAND, datetime(2026, 11, 6, 16), at(2026, 11, 9, 10))  # noqa: DTZ001
    assert str(caught.value) == "start 2026-11-06T16:00:00 has no time zone: give an aware datetime"
    with pytest.raises(BusinessTimeError) as caught:
        business_minutes(
            ENGLAND,
            at(2026, 11, 6, 16),
            at(2026, 11, 9, 10),
            [(at(2026, 11, 6, 16), datetime(2026, 11, 7))],  # noqa: DTZ001
        )
    assert str(caught.value) == "pause 1 end 2026-11-07T00:00:00 has no time zone: give an aware datetime"
    with pytest.raises(BusinessTimeError):
        due_at(ENGLAND, datetime(2026, 11, 6, 16), 10)  # noqa: DTZ001


def test_it_refuses_years_beyond_the_holiday_data() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        business_minutes(ENGLAND, at(2100, 12, 31), at(2101, 1, 2))
    assert (
        str(caught.value) == "2101-01-02T00:00:00+00:00 is outside the years the calendar covers (1990-2100)"
    )


def test_an_aware_time_in_another_zone_is_the_same_instant() -> None:
    """09:30 UTC in summer is 10:30 BST: 08:30-10:30 BST is 120 minutes."""
    assert business_minutes(ENGLAND, at(2026, 7, 1, 8, 30), datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == 120


# --- hours and local times ------------------------------------------------------------------------


def test_hours_read_windows_by_day() -> None:
    hours = bt.parse_hours("mon-fri 08:00-18:00, sat 09:00-12:30")
    assert str(hours) == "mon-fri 08:00-18:00, sat 09:00-12:30"
    assert str(bt.parse_hours("08:30-17:00")) == "mon-fri 08:30-17:00"
    assert str(bt.parse_hours("24X7")) == "24x7"
    saturday = Calendar(hours, "england-and-wales")
    assert whole_day(saturday, date(2026, 11, 7)) == 210
    assert whole_day(Calendar(bt.parse_hours("mon-sun 00:00-24:00")), date(2026, 10, 25)) == 1500


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9-5", "hours '9-5': expected 24x7 or [DAY[-DAY]] HH:MM-HH:MM, e.g. 08:30-17:00"),
        ("17:00-08:30", "hours '17:00-08:30': the window ends before it starts"),
        ("08:30-25:00", "'25:00' is not a time of day"),
        ("fri-mon 08:30-17:00", "hours 'fri-mon 08:30-17:00': the days run backwards"),
        ("sun-xyz 08:30-17:00", "hours 'sun-xyz 08:30-17:00': 'xyz' is not a day (mon … sun)"),
        ("08:00-12:00, mon 11:00-13:00", "hours '08:00-12:00, mon 11:00-13:00': two windows overlap on mon"),
    ],
)
def test_it_refuses_hours_it_cannot_read(text: str, reason: str) -> None:
    with pytest.raises(BusinessTimeError) as caught:
        bt.parse_hours(text)
    assert str(caught.value) == reason


def test_it_refuses_a_calendar_it_does_not_know() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        Calendar(OFFICE, "wales")
    assert (
        str(caught.value)
        == "'wales' is not a calendar: choose one of england-and-wales, scotland, northern-ireland"
    )


def test_a_local_time_the_clocks_skip_or_repeat_is_refused_not_guessed() -> None:
    assert bt.parse_local("2026-12-24T16:00", "--from") == at(2026, 12, 24, 16)
    # The second 01:30, in GMT (compared in UTC: PEP 495 makes a fold unequal across zones).
    second = bt.parse_local("2026-10-25T01:30+00:00", "--from")
    assert second.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert second.utcoffset() == timedelta(0)
    with pytest.raises(BusinessTimeError) as caught:
        bt.parse_local("2026-03-29T01:30", "--from")
    assert str(caught.value) == (
        "--from '2026-03-29T01:30' does not exist in Europe/London: the clocks go forward an hour then"
    )
    with pytest.raises(BusinessTimeError) as caught:
        bt.parse_local("2026-10-25T01:30", "--to")
    assert str(caught.value) == (
        "--to '2026-10-25T01:30' happens twice in Europe/London as the clocks go back: "
        "give the offset, +01:00 (the first) or +00:00 (the second)"
    )


# --- the inverse: due times -----------------------------------------------------------------------


def test_a_due_time_is_the_instant_the_last_minute_completes() -> None:
    """From Thu 24 Dec 2026 16:00: 60 minutes are done at 17:00 that day (not 08:30 on the next
    open day); 61 at 08:31 on Tue 29 Dec; 1,680 at 10:00 on Mon 4 Jan 2027 (the issue's example)."""
    start = at(2026, 12, 24, 16)
    assert due_at(ENGLAND, start, 60) == at(2026, 12, 24, 17)
    assert due_at(ENGLAND, start, 61) == at(2026, 12, 29, 8, 31)
    assert due_at(ENGLAND, start, 1680) == at(2027, 1, 4, 10)
    assert due_at(ENGLAND, start, 0) == start


def test_a_due_time_moves_on_by_the_business_time_paused() -> None:
    """A 4-hour target from Mon 9 Nov 2026 09:00 is due at 13:00; paused 10:00-11:30 it is due at
    14:30; paused from 16:00 to Tuesday 10:00 with 8 hours to run: 09:00-16:00 is 7 hours, then
    10:00-11:00 Tuesday."""
    start = at(2026, 11, 9, 9)
    assert due_at(ENGLAND, start, 240) == at(2026, 11, 9, 13)
    assert due_at(ENGLAND, start, 240, [(at(2026, 11, 9, 10), at(2026, 11, 9, 11, 30))]) == at(
        2026, 11, 9, 14, 30
    )
    assert due_at(ENGLAND, start, 480, [(at(2026, 11, 9, 16), at(2026, 11, 10, 10))]) == at(2026, 11, 10, 11)


def test_a_due_time_round_the_clock_crosses_the_change_of_clocks_in_real_minutes() -> None:
    """24 hours of real time from Sat 28 Mar 2026 12:00 GMT ends at 13:00 BST on Sunday."""
    assert due_at(ALWAYS, at(2026, 3, 28, 12), 24 * 60) == at(2026, 3, 29, 13)


CALENDARS = [
    ENGLAND,
    SCOTLAND,
    NORTHERN_IRELAND,
    ALWAYS,
    EVERY_DAY,
    Calendar(bt.parse_hours("mon-fri 08:00-12:00, mon-fri 13:00-17:30"), "scotland"),
]
# Hypothesis takes naive bounds; the instants it draws are aware (UTC).
instants = st.datetimes(
    min_value=datetime(2021, 1, 1),  # noqa: DTZ001
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(
    calendar=st.sampled_from(CALENDARS),
    start=instants,
    minutes=st.integers(min_value=0, max_value=200_000),
    pauses=st.lists(st.tuples(instants, st.integers(min_value=0, max_value=7 * 24 * 3600)), max_size=4),
)
def test_the_due_time_and_the_clock_agree(
    calendar: Calendar, start: datetime, minutes: int, pauses: list[tuple[datetime, int]]
) -> None:
    """business_minutes(start, due_at(start, n)) == n, and a microsecond earlier it is n - 1:
    the due time is the earliest instant the target is met, pauses or not."""
    stops = [(begin, begin + timedelta(seconds=length)) for begin, length in pauses]
    due = due_at(calendar, start, minutes, stops)
    assert business_minutes(calendar, start, due, stops) == minutes
    if minutes:
        assert business_minutes(calendar, start, due - timedelta(microseconds=1), stops) == minutes - 1


@given(
    calendar=st.sampled_from(CALENDARS),
    spans=st.lists(
        st.tuples(instants, st.integers(min_value=0, max_value=400 * 24 * 3600)), min_size=1, max_size=20
    ),
)
def test_the_bulk_path_gives_the_same_figures_as_the_clock(
    calendar: Calendar, spans: list[tuple[datetime, int]]
) -> None:
    """Reports over many tickets use the vectorised bisect: it must agree to the microsecond."""
    pairs = [(start, start + timedelta(seconds=length)) for start, length in spans]
    starts = np.array([bt.microseconds_of(start) for start, _ in pairs], dtype=np.int64)
    ends = np.array([bt.microseconds_of(end) for _, end in pairs], dtype=np.int64)
    assert bt.business_microseconds_many(calendar, starts, ends).tolist() == [
        bt.business_microseconds(calendar, start, end) for start, end in pairs
    ]


def test_the_bulk_path_refuses_a_span_that_runs_backwards() -> None:
    starts = np.array([bt.microseconds_of(at(2026, 11, 9, 10))], dtype=np.int64)
    ends = np.array([bt.microseconds_of(at(2026, 11, 6, 16))], dtype=np.int64)
    with pytest.raises(BusinessTimeError) as caught:
        bt.business_microseconds_many(ENGLAND, starts, ends)
    assert (
        str(caught.value) == "span 1: start 2026-11-09T10:00:00+00:00 is after end 2026-11-06T16:00:00+00:00"
    )


def test_christmas_on_a_weekend_moves_both_days_to_the_next_weekdays() -> None:
    """gov.uk, England and Wales 2027: Christmas Day is a Saturday and Boxing Day a Sunday, so
    Monday 27 and Tuesday 28 December are substitute days; in 2022 Christmas Day was a Sunday,
    so Tuesday 27 December was its substitute (Boxing Day being on Monday 26th)."""
    for day in (date(2027, 12, 27), date(2027, 12, 28), date(2022, 12, 26), date(2022, 12, 27)):
        assert whole_day(ENGLAND, day) == 0, day
    assert whole_day(ENGLAND, date(2027, 12, 29)) == FULL_DAY


def test_a_span_over_whole_years_counts_each_year_once() -> None:
    """Round the clock from 31 Dec 2025 12:00 to 1 Jan 2028 12:00 is 731 days (2026 and 2027 have
    365 each; each year's hour lost in March comes back in October): 1,052,640 minutes."""
    assert business_minutes(ALWAYS, at(2025, 12, 31, 12), at(2028, 1, 1, 12)) == 731 * 1440
