"""The shipped scheme files: every one loads, and values, dates and leave are as published."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from joinedup.people.schemes import (
    SchemeLookupError,
    UnpublishedRateError,
    all_schemes,
    load_scheme,
)

SCHEMES = ("grey_book", "nhs_afc", "njc", "police_staff")


def test_the_loader_reads_every_scheme_file() -> None:
    assert [scheme.code for scheme in all_schemes()] == list(SCHEMES)


@pytest.mark.parametrize("code", SCHEMES)
def test_every_scheme_names_its_terms_and_sources(code: str) -> None:
    scheme = load_scheme(code)
    assert scheme.name and scheme.body and scheme.source
    assert scheme.standard_weekly_hours > 0
    assert scheme.increment_rule in ("april_1", "incremental_date", "competence")
    assert scheme.proration in ("calendar_days", "working_days")
    for scale in scheme.scales:
        assert scale.source
        assert not scale.unconfirmed or scale.note


@pytest.mark.parametrize("code", SCHEMES)
def test_money_is_decimal_pounds_and_pence_never_a_float(code: str) -> None:
    for scale in load_scheme(code).scales:
        for point in scale.points:
            if point.annual is not None:
                assert isinstance(point.annual, Decimal)
                assert point.annual.as_tuple().exponent == -2


def test_the_standard_weeks_are_37_hours_42_for_firefighters_and_37_and_a_half_in_the_nhs() -> None:
    hours = {scheme.code: scheme.standard_weekly_hours for scheme in all_schemes()}
    assert hours == {
        "njc": Decimal(37),
        "police_staff": Decimal(37),
        "grey_book": Decimal(42),
        "nhs_afc": Decimal("37.5"),
    }


# --- values as published ----------------------------------------------------------------------


def test_njc_2024_25_spine_is_the_1290_pound_award() -> None:
    # NJC for Local Government Services pay agreement 2024 (circular of 22 October 2024):
    # GBP 1,290 on SCP 2 to 43 from 1 April 2024.
    njc = load_scheme("njc")
    assert njc.annual("SCP2", date(2024, 4, 1)) == Decimal("23656.00")
    assert njc.annual("SCP43", date(2024, 4, 1)) == Decimal("52805.00")


def test_njc_2025_26_spine_is_3_2_per_cent_on_every_point() -> None:
    # NJC pay agreement 2025 (agreed 23 July 2025): 3.2% on all pay points from 1 April 2025.
    njc = load_scheme("njc")
    before, after = njc.scale_on(date(2025, 3, 31)), njc.scale_on(date(2025, 4, 1))
    assert after.annual("SCP6") == Decimal("25989.00")
    assert after.annual("SCP43") == Decimal("54495.00")
    for point in before.points:
        assert point.annual is not None
        expected = (point.annual * Decimal("1.032")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert after.annual(point.code) == expected


def test_njc_scp2_is_deleted_from_1_april_2026() -> None:
    # NJC pay agreement 2025: deletion of pay point 2 from 1 April 2026.
    njc = load_scheme("njc")
    assert njc.annual("SCP2", date(2026, 3, 31)) == Decimal("24413.00")
    with pytest.raises(SchemeLookupError, match=r"no point 'SCP2' \(deleted on 2026-04-01\)"):
        njc.annual("SCP2", date(2026, 4, 1))
    assert njc.scale_on(date(2026, 4, 1)).deleted == ("SCP2",)
    assert njc.annual("SCP3", date(2026, 4, 1)) == Decimal("24796.00")


def test_grey_book_competent_firefighter_from_1_july_2024() -> None:
    # Circular NJC/3/24 'Pay award 2024' (20 May 2024), Appendix A: 4.0% from 1 July 2024.
    grey = load_scheme("grey_book")
    assert grey.annual("FF-TRAINEE", date(2024, 7, 1)) == Decimal("28265.00")
    assert grey.annual("FF-COMPETENT", date(2024, 7, 1)) == Decimal("37675.00")
    assert grey.annual("AM-COMPETENT-B", date(2024, 7, 1)) == Decimal("72054.00")


def test_grey_book_2025_rates_are_3_2_per_cent_rounded_to_the_pound() -> None:
    # NJC pay award 2025: 3.2% on basic pay from 1 July 2025; annual figures to the nearest pound.
    grey = load_scheme("grey_book")
    before, after = grey.scale_on(date(2025, 6, 30)), grey.scale_on(date(2025, 7, 1))
    assert after.annual("FF-COMPETENT") == Decimal("38881.00")
    for point in before.points:
        assert point.annual is not None
        expected = (point.annual * Decimal("1.032")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert after.annual(point.code) == expected


def test_nhs_band_5_entry_and_band_9_top_for_2025_26() -> None:
    # NHS Pay Review Body 38th report, accepted 22 May 2025: 3.6% from 1 April 2025 (England).
    afc = load_scheme("nhs_afc")
    assert afc.annual("B5-1", date(2025, 4, 1)) == Decimal("31049.00")
    assert afc.annual("B6-3", date(2025, 4, 1)) == Decimal("46580.00")
    assert afc.annual("B9-2", date(2025, 4, 1)) == Decimal("125637.00")


def test_police_staff_values_are_not_guessed_so_pay_on_them_fails_loudly() -> None:
    scale = load_scheme("police_staff").scale_on(date(2025, 1, 1))
    assert scale.unconfirmed
    assert all(point.annual is None for point in scale.points)
    with pytest.raises(UnpublishedRateError, match="police_staff: PSC20 has no published value"):
        scale.annual("PSC20")


# --- dated sets ---------------------------------------------------------------------------------


def test_a_pay_award_is_a_new_dated_set_of_values() -> None:
    njc = load_scheme("njc")
    old, new = njc.scales[0], njc.scales[1]
    assert new.effective_from == date(2025, 4, 1)
    assert old.annual("SCP10") == Decimal("26835.00")
    assert new.annual("SCP10") == Decimal("27694.00")
    assert old.codes == new.codes


@pytest.mark.parametrize(
    ("code", "award_day", "point", "before", "on"),
    [
        ("njc", date(2025, 4, 1), "SCP10", "26835.00", "27694.00"),
        ("grey_book", date(2025, 7, 1), "FF-COMPETENT", "37675.00", "38881.00"),
    ],
)
def test_scale_on_picks_the_old_set_the_day_before_an_award_and_the_new_one_on_the_day(
    code: str, award_day: date, point: str, before: str, on: str
) -> None:
    scheme = load_scheme(code)
    day_before = date.fromordinal(award_day.toordinal() - 1)
    assert scheme.scale_on(day_before).annual(point) == Decimal(before)
    assert scheme.scale_on(award_day).effective_from == award_day
    assert scheme.scale_on(award_day).annual(point) == Decimal(on)


@pytest.mark.parametrize(
    ("code", "first"),
    [("njc", date(2024, 4, 1)), ("nhs_afc", date(2025, 4, 1)), ("grey_book", date(2024, 7, 1))],
)
def test_scale_on_refuses_a_date_before_the_first_set(code: str, first: date) -> None:
    scheme = load_scheme(code)
    day_before = date.fromordinal(first.toordinal() - 1)
    with pytest.raises(SchemeLookupError, match=f"earliest held starts on {first.isoformat()}"):
        scheme.scale_on(day_before)
    assert scheme.scale_on(first).effective_from == first


def test_an_unknown_scheme_or_point_is_a_lookup_error() -> None:
    with pytest.raises(SchemeLookupError, match="no scheme file for 'gold_book'"):
        load_scheme("gold_book")
    with pytest.raises(SchemeLookupError, match="no point 'B10-1'"):
        load_scheme("nhs_afc").annual("B10-1", date(2025, 6, 1))


# --- leave ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "by_years"),
    [
        # Green Book national minimum from 1 April 2023: 23 days, 26 after five years.
        ("njc", {0: 23, 4: 23, 5: 26, 30: 26}),
        # PSC Handbook: 24 days, 29 after five years.
        ("police_staff", {0: 24, 4: 24, 5: 29, 20: 29}),
        # As published for full-time firefighters (unconfirmed against the Grey Book table).
        ("grey_book", {0: 30, 4: 30, 5: 33, 25: 33}),
        # AfC Handbook Section 13: 27 days, 29 after five years, 33 after ten.
        ("nhs_afc", {0: 27, 4: 27, 5: 29, 9: 29, 10: 33, 40: 33}),
    ],
)
def test_leave_days_rise_with_complete_years_of_service(code: str, by_years: dict[int, int]) -> None:
    scheme = load_scheme(code)
    assert {years: scheme.leave_days(years) for years in by_years} == by_years
    assert scheme.bank_holidays_extra


def test_the_green_book_adds_two_extra_statutory_days_on_top_of_leave() -> None:
    assert load_scheme("njc").leave_extra_days == 2
    assert load_scheme("nhs_afc").leave_extra_days == 0


def test_negative_service_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        load_scheme("njc").leave_days(-1)


def test_unchecked_terms_are_flagged_in_the_file() -> None:
    assert load_scheme("grey_book").unconfirmed_terms == ("leave",)
    assert load_scheme("police_staff").unconfirmed_terms == ("increment_rule",)
    assert load_scheme("nhs_afc").unconfirmed_terms == ()
