"""Statutory redundancy pay (Employment Rights Act 1996 s.162), enhanced schemes, notice (s.86),
holiday pay and pension strain: hand-worked cases around every boundary, and properties.

Each case's working is in its comment. "Year k" is the k-th year counted back from the leaving
date: it starts on the leaving date + 1 day, k years back, and its band is the one whose age the
employee had reached on that first day (s.162(2)). Pure: no database."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.change import redundancy as r
from joinedup.change.redundancy import (
    QuoteInputError,
    QuoteRequest,
    StrainFactorMissing,
    StrainFactors,
    enhanced_redundancy,
    holiday_pay,
    notice_pay,
    pension_strain,
    redundancy_quote,
    scheme_named,
    statutory_notice_weeks,
    statutory_redundancy,
)

D = Decimal


def srp(born: str, start: str, leaving: str, pay: str) -> r.StatutoryRedundancy:
    return statutory_redundancy(
        date_of_birth=date.fromisoformat(born),
        start=date.fromisoformat(start),
        leaving=date.fromisoformat(leaving),
        weekly_pay=D(pay),
    )


def bands(result: r.StatutoryRedundancy) -> dict[str, int]:
    return {band.band: band.years for band in result.by_band}


class TestStatutoryRedundancyPay:
    def test_the_issues_example_counts_the_last_twenty_years_at_the_capped_weeks_pay(self) -> None:
        # ERA 1996 s.162(1)-(3). Born 1 May 1969; service 1 Sep 2004 - 30 Sep 2026 = 22 whole years,
        # the last 20 counted (s.162(3)): years 1-20 start 1 Oct 2025 … 1 Oct 2006. 41st birthday
        # 1 May 2010: years 1-16 (first days 1 Oct 2025 … 1 Oct 2010) at 1.5 = 24 weeks; years
        # 17-20 (1 Oct 2009 … 1 Oct 2006) at 1 = 4 weeks. 28 weeks. £812.50 > £751 cap from
        # 6 Apr 2026 (s.227): 28 x £751 = £21,028.00.
        result = srp("1969-05-01", "2004-09-01", "2026-09-30", "812.50")
        assert (result.years_of_service, result.years_counted) == (22, 20)
        assert bands(result) == {"under 22": 0, "22 to 40": 4, "41 and over": 16}
        assert result.weeks == D("28")
        assert (result.weekly_pay_cap, result.cap_applied, result.week_pay_used) == (D("751"), True, D("751"))
        assert result.amount == D("21028.00")
        assert result.counted_years[0].first_day == date(2025, 10, 1)
        assert result.counted_years[0].last_day == date(2026, 9, 30)
        assert result.counted_years[-1].first_day == date(2006, 10, 1)

    def test_a_year_in_which_the_41st_birthday_falls_is_paid_at_one_week(self) -> None:
        # s.162(2)(a): 1.5 weeks only for a year "consisting wholly of weeks" at 41 or over.
        # Born 15 Mar 1980, service 1 Jun 2016 - 31 May 2026 = 10 years. 41st birthday 15 Mar 2021.
        # Years 1-5 start 1 Jun 2025 … 1 Jun 2021 (after the birthday): 5 x 1.5 = 7.5. Year 6
        # (1 Jun 2020 - 31 May 2021) holds the birthday: 1 week; years 6-10: 5 x 1 = 5.
        # 12.5 weeks x £500.00 (under the £751 cap) = £6,250.00.
        result = srp("1980-03-15", "2016-06-01", "2026-05-31", "500.00")
        assert bands(result) == {"under 22": 0, "22 to 40": 5, "41 and over": 5}
        assert result.counted_years[5].first_day == date(2020, 6, 1)
        assert result.counted_years[5].band == "22 to 40"
        assert (result.weeks, result.cap_applied, result.amount) == (D("12.5"), False, D("6250.00"))

    def test_a_41st_birthday_on_a_years_first_day_earns_that_year_the_higher_band(self) -> None:
        # Born 1 Jun 1980: 41st birthday 1 Jun 2021 = year 5's first day (1 Jun 2021 - 31 May 2022),
        # so years 1-5 at 1.5 = 7.5 and years 6-10 at 1 = 5: 12.5 weeks x £500 = £6,250.00.
        # Born a day later (2 Jun 1980): the birthday falls inside year 5, so years 1-4 at 1.5 = 6
        # and years 5-10 at 1 = 6: 12 weeks x £500 = £6,000.00.
        on_the_day = srp("1980-06-01", "2016-06-01", "2026-05-31", "500.00")
        a_day_later = srp("1980-06-02", "2016-06-01", "2026-05-31", "500.00")
        assert (bands(on_the_day)["41 and over"], on_the_day.amount) == (5, D("6250.00"))
        assert (bands(a_day_later)["41 and over"], a_day_later.amount) == (4, D("6000.00"))

    def test_a_year_in_which_the_22nd_birthday_falls_is_paid_at_half_a_week(self) -> None:
        # s.162(2)(b)-(c). Born 10 Jan 2000, service from 1 Sep 2018 (aged 18: service under 18
        # counts since 2006) to 31 Aug 2026 = 8 years. 22nd birthday 10 Jan 2022. Years 1-4
        # start 1 Sep 2025 … 1 Sep 2022: 4 x 1 = 4. Year 5 (1 Sep 2021 - 31 Aug 2022) holds the
        # birthday: 0.5; years 5-8: 4 x 0.5 = 2. 6 weeks x £400.00 = £2,400.00.
        result = srp("2000-01-10", "2018-09-01", "2026-08-31", "400.00")
        assert bands(result) == {"under 22": 4, "22 to 40": 4, "41 and over": 0}
        assert (result.weeks, result.amount) == (D("6"), D("2400.00"))

    def test_exactly_two_years_service_qualifies(self) -> None:
        # s.155: two years' continuous service at the relevant date. 1 Sep 2024 - 31 Aug 2026 is
        # exactly two years; aged 34-36, both years at 1 week: 2 x £600.00 = £1,200.00.
        result = srp("1990-01-01", "2024-09-01", "2026-08-31", "600.00")
        assert (result.qualifies, result.years_counted, result.weeks, result.amount) == (
            True,
            2,
            D("2"),
            D("1200.00"),
        )

    def test_a_day_short_of_two_years_pays_nothing_and_says_why(self) -> None:
        # s.155: 1 Sep 2024 - 30 Aug 2026 is one whole year (and 364 days): no statutory payment.
        result = srp("1990-01-01", "2024-09-01", "2026-08-30", "600.00")
        assert (result.qualifies, result.years_of_service, result.years_counted) == (False, 1, 0)
        assert (result.weeks, result.amount) == (D("0"), D("0.00"))
        assert result.reason == (
            "Fewer than 2 years' continuous service at the leaving date (1 whole years): "
            "no statutory redundancy payment (ERA 1996 s.155)"
        )

    def test_twenty_years_at_the_top_band_and_the_cap_is_the_maximum_payment(self) -> None:
        # s.162(3) with s.227: born 1 Jan 1960, service 1 Jan 1990 - 30 Jun 2026 = 36 years, 20
        # counted; year 20 starts 1 Jul 2006, after the 41st birthday (1 Jan 2001): 20 x 1.5 =
        # 30 weeks x £751 = £22,530.00, the published maximum from 6 April 2026.
        result = srp("1960-01-01", "1990-01-01", "2026-06-30", "1000.00")
        assert (result.years_of_service, result.years_counted) == (36, 20)
        assert (result.weeks, result.amount) == (D("30"), D("22530.00"))

    def test_the_earliest_years_are_the_ones_dropped_beyond_twenty(self) -> None:
        # s.162(1)/(3): counted back from the end. Born 1 Jan 1980, service 1 Jun 2005 - 31 May 2026
        # = 21 years; the 21st year back (1 Jun 2005 - 31 May 2006) is dropped. 41st birthday
        # 1 Jan 2021: years 1-5 (from 1 Jun 2025 … 1 Jun 2021) at 1.5 = 7.5; years 6-20 at 1 = 15.
        # 22.5 weeks x £700.00 = £15,750.00.
        result = srp("1980-01-01", "2005-06-01", "2026-05-31", "700.00")
        assert (result.years_of_service, result.years_counted) == (21, 20)
        assert result.counted_years[-1].first_day == date(2006, 6, 1)
        assert (result.weeks, result.amount) == (D("22.5"), D("15750.00"))

    def test_the_cap_changes_for_a_leaving_date_of_6_april_2026(self) -> None:
        # s.227 as raised by the 2025 and 2026 Increase of Limits Orders: the limit in force on
        # the relevant date. Born 1 Jan 1970, from 6 Apr 2016: 10 years either way, all at 1.5
        # = 15 weeks. Leaving 5 Apr 2026: 15 x £719 = £10,785.00; leaving 6 Apr 2026: 15 x £751 =
        # £11,265.00.
        before = srp("1970-01-01", "2016-04-06", "2026-04-05", "800.00")
        after = srp("1970-01-01", "2016-04-06", "2026-04-06", "800.00")
        assert (before.weeks, before.weekly_pay_cap, before.amount) == (D("15"), D("719"), D("10785.00"))
        assert (after.weeks, after.weekly_pay_cap, after.amount) == (D("15"), D("751"), D("11265.00"))

    def test_weekly_pay_under_the_cap_is_used_as_it_is(self) -> None:
        # Born 1 Jan 1970, 6 Apr 2016 - 6 Apr 2026: 15 weeks x £750.99 (a penny under £751) =
        # £11,264.85; the cap is not applied.
        result = srp("1970-01-01", "2016-04-06", "2026-04-06", "750.99")
        assert (result.cap_applied, result.week_pay_used, result.amount) == (
            False,
            D("750.99"),
            D("11264.85"),
        )

    def test_a_half_penny_rounds_up(self) -> None:
        # No statute sets the rounding: nearest penny, half up. Born 1 Jan 2003, 1 Jun 2021 -
        # 31 May 2024, 3 years all before the 22nd birthday (1 Jan 2025): 1.5 weeks x £333.33 =
        # £499.995 -> £500.00. The cap in force on 31 May 2024 is £700.
        result = srp("2003-01-01", "2021-06-01", "2024-05-31", "333.33")
        assert (result.weeks, result.weekly_pay_cap, result.amount) == (D("1.5"), D("700"), D("500.00"))

    def test_a_29_february_birthday_is_reached_on_1_march_in_a_common_year(self) -> None:
        # Born 29 Feb 1984: 41st birthday taken as 1 Mar 2025. Service 1 Mar 2016 - 28 Feb 2026 =
        # 10 years; year 1 starts 1 Mar 2025, on the birthday: 1.5; years 2-10 (from 1 Mar 2024
        # back) at 1 = 9. 10.5 weeks x £600.00 = £6,300.00.
        result = srp("1984-02-29", "2016-03-01", "2026-02-28", "600.00")
        assert (bands(result)["41 and over"], result.weeks, result.amount) == (1, D("10.5"), D("6300.00"))

    def test_it_refuses_a_leaving_date_before_the_start(self) -> None:
        with pytest.raises(QuoteInputError) as caught:
            srp("1969-05-01", "2004-09-01", "2003-09-30", "812.50")
        assert str(caught.value) == (
            "The leaving date (30 September 2003) is before the start of continuous service "
            "(1 September 2004)"
        )

    def test_it_refuses_a_start_before_birth_and_sub_penny_pay(self) -> None:
        with pytest.raises(
            QuoteInputError, match=r"^The start of continuous service \(1 January 1960\) is not"
        ):
            srp("1969-05-01", "1960-01-01", "2026-09-30", "812.50")
        with pytest.raises(QuoteInputError, match=r"^The weekly pay must be in whole pence, not £812.505$"):
            srp("1969-05-01", "2004-09-01", "2026-09-30", "812.505")

    def test_it_refuses_a_leaving_date_before_the_first_dated_cap(self) -> None:
        with pytest.raises(
            QuoteInputError, match=r"^No weekly pay cap in redundancy.toml covers 5 April 2024"
        ):
            srp("1969-05-01", "2004-09-01", "2024-04-05", "812.50")


# --- properties ---------------------------------------------------------------------------------

born = st.dates(min_value=date(1950, 1, 1), max_value=date(2006, 12, 31))
leaving_days = st.dates(min_value=date(2024, 4, 6), max_value=date(2030, 12, 31))
pay = st.integers(min_value=0, max_value=500_000).map(lambda pence: D(pence) / 100)


Employee = tuple[date, date, date, Decimal]  # born, start, leaving, weekly pay


@st.composite
def employee(draw: st.DrawFn) -> Employee:
    birth = draw(born)
    leaving = draw(leaving_days)
    start = draw(st.dates(min_value=birth + timedelta(days=16 * 365), max_value=leaving))
    return birth, start, leaving, draw(pay)


@given(employee(), st.integers(min_value=1, max_value=4000))
def test_more_service_never_pays_less(person: Employee, extra_days: int) -> None:
    # s.162: an earlier start adds whole years at the far end, each worth at least half a week.
    birth, start, leaving, weekly = person
    earlier = max(start - timedelta(days=extra_days), birth + timedelta(days=1))
    shorter = statutory_redundancy(date_of_birth=birth, start=start, leaving=leaving, weekly_pay=weekly)
    longer = statutory_redundancy(date_of_birth=birth, start=earlier, leaving=leaving, weekly_pay=weekly)
    assert longer.weeks >= shorter.weeks
    assert longer.amount >= shorter.amount


@given(employee())
def test_never_more_than_thirty_weeks_at_the_cap(person: Employee) -> None:
    # s.162(2)-(3) with s.227: at most 20 years x 1.5 weeks at the cap in force.
    birth, start, leaving, weekly = person
    result = statutory_redundancy(date_of_birth=birth, start=start, leaving=leaving, weekly_pay=weekly)
    rules = r.redundancy_rules()
    assert result.years_counted <= 20
    assert result.weeks <= D(30) == rules.max_weeks
    assert result.amount <= 30 * rules.weekly_pay_cap_on(leaving)
    assert result.weeks == sum((band.weeks for band in result.by_band), D(0))
    assert sum(band.years for band in result.by_band) == result.years_counted


@given(employee())
def test_the_year_by_year_working_agrees_with_the_band_counts(
    person: Employee,
) -> None:
    # The band counts are arithmetic (years since each birthday); the working searches each
    # counted year's band from its first day. Two readings of s.162(2) that must agree.
    birth, start, leaving, weekly = person
    result = statutory_redundancy(date_of_birth=birth, start=start, leaving=leaving, weekly_pay=weekly)
    per_band = Counter(year.band for year in result.counted_years)
    assert [per_band[band.band] for band in result.by_band] == [band.years for band in result.by_band]
    assert sum((year.weeks for year in result.counted_years), D(0)) == result.weeks


@given(employee(), pay)
def test_more_pay_never_pays_less(person: Employee, other: Decimal) -> None:
    birth, start, leaving, weekly = person
    low, high = sorted((weekly, other))
    a = statutory_redundancy(date_of_birth=birth, start=start, leaving=leaving, weekly_pay=low)
    b = statutory_redundancy(date_of_birth=birth, start=start, leaving=leaving, weekly_pay=high)
    assert a.amount <= b.amount


# --- enhanced schemes ---------------------------------------------------------------------------

ISSUE_EXAMPLE = QuoteRequest(
    date_of_birth=date(1969, 5, 1), start=date(2004, 9, 1), leaving=date(2026, 9, 30), weekly_pay=D("812.50")
)


def issue_statutory() -> r.StatutoryRedundancy:
    return srp("1969-05-01", "2004-09-01", "2026-09-30", "812.50")


class TestEnhancedSchemes:
    def test_the_county_council_scheme_pays_one_and_a_half_times_the_weeks_at_actual_pay(self) -> None:
        # 28 statutory weeks x 1.5 = 42 weeks x £812.50 actual (no cap) = £34,125.00, under the
        # £60,000 lump-sum cap.
        statutory = issue_statutory()
        result = enhanced_redundancy(statutory, scheme_named("Wessex County Council 2026 scheme"))
        assert (result.weeks, result.week_pay_used, result.amount) == (D("42"), D("812.50"), D("34125.00"))
        assert (result.lump_sum_cap_applied, result.statutory_floor_applied) == (False, False)

    def test_a_scheme_is_found_by_key_or_name_in_any_case(self) -> None:
        assert scheme_named("  WCC-2026 ").name == "Wessex County Council 2026 scheme"
        assert scheme_named("wessex county council 2026 SCHEME").key == "wcc-2026"

    def test_an_unknown_scheme_is_refused_with_the_known_ones(self) -> None:
        with pytest.raises(
            r.UnknownScheme, match=r"^No enhanced scheme is called 'Nope'. Known schemes: wcc-2026"
        ):
            scheme_named("Nope")

    def test_the_lump_sum_cap_and_the_maximum_weeks_limit_the_payment(self) -> None:
        # 28 weeks x 2 = 56, limited to 40 weeks x £812.50 = £32,500.00, capped at £30,000.00.
        statutory = issue_statutory()
        scheme = dataclasses.replace(
            scheme_named("wcc-2026"), multiplier=D(2), maximum_weeks=D(40), lump_sum_cap=D("30000")
        )
        result = enhanced_redundancy(statutory, scheme)
        assert (result.weeks_before_limit, result.weeks, result.before_cap) == (D(56), D(40), D("32500.00"))
        assert (result.lump_sum_cap_applied, result.amount) == (True, D("30000.00"))

    def test_a_scheme_never_pays_less_than_the_statutory_payment(self) -> None:
        # A cap of £1,000 under the statutory £21,028.00: the statutory payment is still due.
        statutory = issue_statutory()
        scheme = dataclasses.replace(scheme_named("wcc-2026"), weekly_pay="capped", lump_sum_cap=D("1000"))
        result = enhanced_redundancy(statutory, scheme)
        assert (result.statutory_floor_applied, result.amount) == (True, D("21028.00"))


# --- notice, holiday ----------------------------------------------------------------------------


class TestNoticeAndHoliday:
    @pytest.mark.parametrize(
        ("start", "leaving", "weeks"),
        [
            ("2026-01-01", "2026-01-30", 0),  # s.86(1): under one month, no statutory notice
            ("2026-01-01", "2026-01-31", 1),  # one month: one week (s.86(1)(a))
            ("2024-09-01", "2026-08-30", 1),  # a day short of two years: still one week
            ("2024-09-01", "2026-08-31", 2),  # two years: a week a year (s.86(1)(b))
            ("2014-10-01", "2026-09-30", 12),  # twelve years: twelve weeks (s.86(1)(c))
            ("2004-09-01", "2026-09-30", 12),  # 22 years: still twelve
        ],
    )
    def test_statutory_notice_follows_section_86(self, start: str, leaving: str, weeks: int) -> None:
        result = statutory_notice_weeks(start=date.fromisoformat(start), leaving=date.fromisoformat(leaving))
        assert result == weeks

    def test_pay_in_lieu_is_the_longer_notice_at_actual_pay(self) -> None:
        # Statutory 12 weeks, contractual 13: 13 x £812.50 = £10,562.50 (no s.227 cap on notice pay).
        result = notice_pay(
            start=date(2004, 9, 1),
            leaving=date(2026, 9, 30),
            weekly_pay=D("812.50"),
            contractual_notice_weeks=D(13),
        )
        assert (result.statutory_weeks, result.weeks, result.amount) == (12, D(13), D("10562.50"))

    def test_holiday_pay_is_days_untaken_times_the_daily_rate_rounded_once(self) -> None:
        # £500.00 a week over 3 working days = £166.666…; 2 days = £333.333… -> £333.33.
        assert holiday_pay(days_untaken=D(2), daily_rate=D("500.00") / 3).amount == D("333.33")


# --- pension strain -----------------------------------------------------------------------------

BY_YEAR = StrainFactors.from_rows(
    "Wessex Pension Fund",
    date(2026, 4, 1),
    [("F", 55, 0, D("4.120")), ("F", 56, 0, D("3.810")), ("F", 57, 0, D("3.456")), ("M", 57, 0, D("3.201"))],
)
BY_MONTH = StrainFactors.from_rows(
    "Wessex Pension Fund", date(2026, 4, 1), [("F", 57, 4, D("3.4")), ("F", 57, 5, D("3.39"))]
)


class TestPensionStrain:
    def test_the_strain_is_the_factor_for_age_and_sex_times_the_pension(self) -> None:
        # Born 1 May 1969, leaving 30 Sep 2026: 57 years 4 months. By whole years, a woman of 57:
        # 3.456 x £9,876.54 = £34,133.322… -> £34,133.32.
        result = pension_strain(
            date_of_birth=date(1969, 5, 1),
            leaving=date(2026, 9, 30),
            sex="F",
            annual_pension=D("9876.54"),
            factors=BY_YEAR,
        )
        assert (result.eligible, result.age_years, result.age_months) == (True, 57, 4)
        assert (result.factor, result.amount) == (D("3.456"), D("34133.32"))

    def test_a_table_by_months_uses_the_completed_months(self) -> None:
        # 57 years 4 months: 3.4 x £10,000.00 = £34,000.00.
        result = pension_strain(
            date_of_birth=date(1969, 5, 1),
            leaving=date(2026, 9, 30),
            sex="F",
            annual_pension=D("10000.00"),
            factors=BY_MONTH,
        )
        assert (result.factor, result.amount) == (D("3.4"), D("34000.00"))

    def test_a_member_aged_55_on_the_leaving_date_has_a_strain(self) -> None:
        # LGPS Regulations 2013 reg. 30(7): aged 55 or over. Born 30 Sep 1971, leaving on the 55th
        # birthday: 4.120 x £5,000.00 = £20,600.00. A day earlier: no strain.
        on_birthday = pension_strain(
            date_of_birth=date(1971, 9, 30),
            leaving=date(2026, 9, 30),
            sex="F",
            annual_pension=D("5000.00"),
            factors=BY_YEAR,
        )
        day_before = pension_strain(
            date_of_birth=date(1971, 9, 30),
            leaving=date(2026, 9, 29),
            sex="F",
            annual_pension=D("5000.00"),
            factors=BY_YEAR,
        )
        assert (on_birthday.eligible, on_birthday.amount) == (True, D("20600.00"))
        assert (day_before.eligible, day_before.amount) == (False, D("0"))
        assert day_before.reason == "Aged 54 on the leaving date, under 55: no immediate pension, no strain"

    def test_the_minimum_age_is_57_for_leaving_dates_from_6_april_2028(self) -> None:
        # Finance Act 2022 s.10 (unconfirmed for the LGPS): a woman of 56 leaving on 6 Apr 2028.
        result = pension_strain(
            date_of_birth=date(1971, 9, 30),
            leaving=date(2028, 4, 6),
            sex="F",
            annual_pension=D("5000.00"),
            factors=BY_YEAR,
        )
        assert (result.eligible, result.reason) == (
            False,
            "Aged 56 on the leaving date, under 57: no immediate pension, no strain",
        )

    def test_a_missing_factor_is_an_error_not_a_nil_cost(self) -> None:
        with pytest.raises(
            StrainFactorMissing,
            match=r"^The Wessex Pension Fund strain factor table from 1 April 2026 has no factor "
            r"for a man aged 56$",
        ):
            pension_strain(
                date_of_birth=date(1970, 1, 1),
                leaving=date(2026, 9, 30),
                sex="M",
                annual_pension=D("5000.00"),
                factors=BY_YEAR,
            )
        with pytest.raises(StrainFactorMissing, match="no strain factor table"):
            pension_strain(
                date_of_birth=date(1970, 1, 1),
                leaving=date(2026, 9, 30),
                sex="M",
                annual_pension=D("5000.00"),
                factors=None,
            )


class TestWholeQuote:
    def test_the_quote_adds_the_parts_and_splits_the_tax_free_part(self) -> None:
        # Scheme £34,125.00 (£30,000.00 tax free under ITEPA 2003 s.403, £4,125.00 taxable);
        # notice 12 weeks x £812.50 = £9,750.00; holiday 7.5 days x £162.50 = £1,218.75;
        # to the employee £45,093.75; strain 3.456 x £9,876.54 = £34,133.32; cost £79,227.07.
        request = dataclasses.replace(
            ISSUE_EXAMPLE,
            contractual_notice_weeks=D(12),
            holiday_days_untaken=D("7.5"),
            pension_member=True,
            sex="F",
            annual_pension=D("9876.54"),
        )
        quote = redundancy_quote(request, scheme=scheme_named("wcc-2026"), strain_factors=BY_YEAR)
        assert (quote.redundancy_payment, quote.tax_free, quote.taxable) == (
            D("34125.00"),
            D("30000"),
            D("4125.00"),
        )
        assert (quote.notice.amount, quote.holiday.amount) == (D("9750.00"), D("1218.75"))
        assert (quote.to_employee, quote.employer_cost) == (D("45093.75"), D("79227.07"))
        data = r.quote_as_dict(quote)
        assert (data["statutory_weeks"], data["statutory_pay"], data["years_counted"]) == (
            "28",
            "21028.00",
            20,
        )
        assert data["scheme"]["pay"] == "34125.00"
        assert data["strain"]["cost"] == "34133.32"


# --- the rule files -----------------------------------------------------------------------------


class TestRuleFiles:
    def test_the_caps_are_dated_and_sourced(self) -> None:
        rules = r.redundancy_rules()
        assert [(day.isoformat(), cap) for day, cap in rules.weekly_pay_caps] == [
            ("2024-04-06", D("700")),
            ("2025-04-06", D("719")),
            ("2026-04-06", D("751")),
        ]
        assert (rules.max_years_counted, rules.minimum_years, rules.tax_free_threshold) == (20, 2, D("30000"))
        assert any(note.startswith("weekly_pay_cap[2]: The Order's number") for note in rules.unconfirmed)

    def test_a_figure_without_a_source_stops_the_loader_naming_the_key(self, tmp_path: Path) -> None:
        text = r.RULES_FILE.read_text(encoding="utf-8")
        broken = tmp_path / "redundancy.toml"
        broken.write_text(
            text.replace(
                'source = "ERA 1996 s.162(3): where more than twenty years',
                'note = "ERA 1996 s.162(3): where',
            ),
            encoding="utf-8",
        )
        with pytest.raises(
            r.RedundancyRulesError, match=r"^redundancy.toml: max_years_counted.source: every figure"
        ):
            r.load_redundancy_rules(broken)

    def test_a_scheme_with_an_unknown_pay_basis_is_refused(self, tmp_path: Path) -> None:
        broken = tmp_path / "enhanced_schemes.toml"
        broken.write_text(
            r.SCHEMES_FILE.read_text(encoding="utf-8").replace(
                'weekly_pay = "actual"', 'weekly_pay = "full"', 1
            ),
            encoding="utf-8",
        )
        with pytest.raises(
            r.RedundancyRulesError, match=r"^enhanced_schemes.toml: schemes.wcc-2026.weekly_pay: expected"
        ):
            r.load_enhanced_schemes(broken)
