"""The pure arithmetic of health surveillance (wellbeing/schedule.py): months with end-of-month
clamping, intervals with a shorter first run (HSE's noise guidance), the DVLA's Group 2 age bands,
and where an enrolment stands on a day."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.wellbeing.schedule import (
    AgeBand,
    Status,
    add_months,
    age_on,
    birthday,
    next_due,
    next_due_by_age,
    status_on,
)
from joinedup.wellbeing.surveillance_rules import basis_on

GROUP2 = basis_on("driver_group2", date(2026, 1, 1)).age_bands


def test_31_january_plus_one_month_is_the_last_day_of_february() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # a leap year


def test_the_clamp_is_not_carried_on_so_due_dates_count_from_the_check() -> None:
    assert add_months(add_months(date(2026, 1, 31), 1), 1) == date(2026, 3, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)


def test_months_cross_years_both_ways() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_someone_born_on_29_february_has_their_birthday_on_28_february_in_a_common_year() -> None:
    assert birthday(date(1980, 2, 29), 45) == date(2025, 2, 28)
    assert age_on(date(1980, 2, 29), date(2025, 2, 27)) == 44
    assert age_on(date(1980, 2, 29), date(2025, 2, 28)) == 45


def test_a_fixed_interval_runs_from_the_check() -> None:
    assert next_due(date(2026, 1, 31), interval_months=12) == date(2027, 1, 31)
    assert next_due(date(2026, 8, 31), interval_months=6) == date(2027, 2, 28)


def test_hearing_checks_are_a_year_apart_for_two_years_then_three_yearly() -> None:
    # HSE's guidance on the Control of Noise at Work Regulations 2005 reg 9 (rules/surveillance.toml):
    # baseline, a check a year later, another a year after that, then every three years.
    noise = basis_on("noise", date(2026, 1, 1))
    assert (noise.interval_months, noise.initial_interval_months, noise.initial_checks) == (36, 12, 2)
    timing = {"interval_months": 36, "initial_interval_months": 12, "initial_checks": 2}
    assert next_due(date(2026, 3, 2), checks_done=1, **timing) == date(2027, 3, 2)
    assert next_due(date(2027, 3, 2), checks_done=2, **timing) == date(2028, 3, 2)
    assert next_due(date(2028, 3, 2), checks_done=3, **timing) == date(2031, 3, 2)


def test_it_refuses_an_interval_under_a_month() -> None:
    with pytest.raises(ValueError, match="at least one month"):
        next_due(date(2026, 1, 1), interval_months=0)


def test_a_group_2_driver_under_45_is_next_due_on_their_45th_birthday() -> None:
    assert next_due_by_age(date(2026, 5, 1), born_on=date(1990, 7, 9), bands=GROUP2) == date(2035, 7, 9)


def test_from_45_a_group_2_medical_is_every_5_years_but_not_past_65() -> None:
    assert next_due_by_age(date(2026, 5, 1), born_on=date(1980, 7, 9), bands=GROUP2) == date(2031, 5, 1)
    # 63 at the check: five years on would be 68, so the medical falls on the 65th birthday.
    assert next_due_by_age(date(2026, 5, 1), born_on=date(1963, 1, 20), bands=GROUP2) == date(2028, 1, 20)


def test_from_65_a_group_2_medical_is_every_year() -> None:
    assert next_due_by_age(date(2026, 5, 1), born_on=date(1960, 1, 20), bands=GROUP2) == date(2027, 5, 1)


def test_bands_that_leave_an_age_out_are_refused() -> None:
    with pytest.raises(ValueError, match="do not cover"):
        next_due_by_age(
            date(2026, 5, 1), born_on=date(1950, 1, 1), bands=[AgeBand(until_age=65, interval_months=60)]
        )


@pytest.mark.parametrize(
    ("as_of", "last_done_on", "expected"),
    [
        (date(2026, 10, 1), None, Status.DUE),  # the due date is 30 days away: inside the window
        (date(2026, 9, 30), None, Status.UPCOMING),  # 31 days away, never checked
        (date(2026, 9, 30), date(2025, 10, 31), Status.DONE),  # 31 days away, checked before
        (date(2026, 10, 31), None, Status.DUE),  # on the due date itself it is due, not overdue
        (date(2026, 11, 1), None, Status.OVERDUE),  # the day after
    ],
)
def test_status_on_a_day_at_the_boundaries(as_of: date, last_done_on: date | None, expected: Status) -> None:
    assert (
        status_on(as_of, next_due_on=date(2026, 10, 31), last_done_on=last_done_on, due_within_days=30)
        == expected
    )
