"""The pay calendar worked by hand for 2026/27 (6 April 2026 to 5 April 2027).

Bank holidays: gov.uk, "UK bank holidays" (https://www.gov.uk/bank-holidays), per nation, as the
``holidays`` package holds them: England and Wales 2026 has Good Friday 3 April, Easter Monday
6 April, 4 May, 25 May, 31 August, Christmas Day (a Friday) and Boxing Day on Saturday 26 December
with its substitute Monday 28 December; 1 January 2027 is a Friday. Scotland adds 2 January
(2 January 2027 is a Saturday, so its substitute is Monday 4 January) and St Andrew's Day
(30 November 2026, a Monday), and has no Easter Monday or late-August holiday.
Weekdays: 25 April 2026 and 25 July 2026 are Saturdays; 25 October 2026 is a Sunday."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.payroll.pay_calendar import (
    PayCalendarError,
    PayRule,
    next_pay,
    tax_year_calendar,
    working_days_before,
)

ENGLAND = "england-and-wales"
SCOTLAND = "scotland"


def monthly(day: int, nation: str = ENGLAND, cut_off: int = 5) -> PayRule:
    return PayRule(frequency="monthly", nation=nation, cut_off_working_days=cut_off, day_of_month=day)


def pay_dates(rule: PayRule) -> list[date]:
    return [row.pay_date for row in tax_year_calendar(rule, 2026)]


def row_paying(rule: PayRule, scheduled: date) -> tuple[int, date, date, str]:
    (row,) = [r for r in tax_year_calendar(rule, 2026) if r.scheduled == scheduled]
    return row.period, row.pay_date, row.cut_off, row.moved_because


def test_monthly_pay_on_the_25th_moves_back_from_weekends_and_bank_holidays() -> None:
    """Sat 25 Apr -> Fri 24; Mon 25 May (spring bank holiday) -> Fri 22; Sat 25 Jul -> Fri 24;
    Sun 25 Oct -> Fri 23; Fri 25 Dec (Christmas Day) -> Thu 24; the rest stand."""
    assert pay_dates(monthly(25)) == [
        date(2026, 4, 24),
        date(2026, 5, 22),
        date(2026, 6, 25),
        date(2026, 7, 24),
        date(2026, 8, 25),
        date(2026, 9, 25),
        date(2026, 10, 23),
        date(2026, 11, 25),
        date(2026, 12, 24),
        date(2027, 1, 25),
        date(2027, 2, 25),
        date(2027, 3, 25),
    ]


def test_a_pay_day_on_a_saturday_is_paid_on_the_friday_with_the_cut_off_five_working_days_before() -> None:
    """Pay Fri 24 Apr; five working days back: Thu 23, Wed 22, Tue 21, Mon 20, Fri 17 April."""
    assert row_paying(monthly(25), date(2026, 4, 25)) == (1, date(2026, 4, 24), date(2026, 4, 17), "Saturday")


def test_a_pay_day_on_christmas_day_is_paid_on_christmas_eve() -> None:
    """Pay Thu 24 Dec 2026 (tax month 9, 6 Dec to 5 Jan); cut-off: 23, 22, 21, 18, 17 December."""
    assert row_paying(monthly(25), date(2026, 12, 25)) == (
        9,
        date(2026, 12, 24),
        date(2026, 12, 17),
        "Christmas Day",
    )


def test_a_pay_day_on_the_boxing_day_substitute_goes_back_past_christmas() -> None:
    """Mon 28 Dec 2026 is Boxing Day's substitute; Sun 27 and Sat 26 are the weekend, Fri 25
    Christmas Day: paid Thu 24 Dec. A cut-off of 4 working days: 23, 22, 21, 18 December."""
    assert row_paying(monthly(28, cut_off=4), date(2026, 12, 28)) == (
        9,
        date(2026, 12, 24),
        date(2026, 12, 18),
        "Boxing Day (observed)",
    )


def test_st_andrews_day_moves_a_scottish_employers_pay_day_and_not_an_english_ones() -> None:
    """30 Nov 2026 is a Monday: in Scotland St Andrew's Day, so paid Fri 27 Nov with a cut-off of
    3 working days on Tue 24 Nov; in England paid on the day, cut-off Wed 25 Nov."""
    assert row_paying(monthly(30, SCOTLAND, cut_off=3), date(2026, 11, 30)) == (
        8,
        date(2026, 11, 27),
        date(2026, 11, 24),
        "Saint Andrew's Day",
    )
    assert row_paying(monthly(30, ENGLAND, cut_off=3), date(2026, 11, 30)) == (
        8,
        date(2026, 11, 30),
        date(2026, 11, 25),
        "",
    )


def test_the_scottish_2_january_substitute_moves_pay_back_into_december() -> None:
    """Mon 4 Jan 2027 is Scotland's substitute for Sat 2 January: back past the weekend and
    New Year's Day (Fri 1 Jan) to Thu 31 Dec 2026. England pays on Monday 4 January. Both are tax
    month 9. Cut-off 2 working days: Scotland Tue 29 Dec (28 is Boxing Day's substitute);
    England Wed 30 Dec (1 January is closed)."""
    assert row_paying(monthly(4, SCOTLAND, cut_off=2), date(2027, 1, 4)) == (
        9,
        date(2026, 12, 31),
        date(2026, 12, 29),
        "New Year Holiday (observed)",
    )
    assert row_paying(monthly(4, ENGLAND, cut_off=2), date(2027, 1, 4)) == (
        9,
        date(2027, 1, 4),
        date(2026, 12, 30),
        "",
    )


def test_a_pay_day_early_in_the_month_belongs_to_the_tax_year_of_its_moved_date() -> None:
    """Day 4: Sat 4 Apr 2026 goes back past Good Friday to Thu 2 Apr, in 2025/26, so it is not in
    2026/27's list; Sun 4 Apr 2027 goes back to Fri 2 Apr 2027 (tax month 12 of 2026/27). Mon
    4 May 2026 is the early May bank holiday: Fri 1 May."""
    dates = pay_dates(monthly(4))
    assert len(dates) == 12
    assert dates[0] == date(2026, 5, 1)
    assert dates[-1] == date(2027, 4, 2)
    assert tax_year_calendar(monthly(4), 2026)[-1].period == 12


def test_day_31_pays_on_the_last_day_of_a_shorter_month() -> None:
    """30 April 2026 (a Thursday); 28 February 2027 is a Sunday: Friday 26 February."""
    dates = pay_dates(monthly(31))
    assert dates[0] == date(2026, 4, 30)
    assert dates[10] == date(2027, 2, 26)


def test_weekly_pay_on_fridays_moves_for_christmas_new_year_and_good_friday() -> None:
    """Fridays from 10 Apr 2026 (tax week 1) to 2 Apr 2027 (week 52): 52 pay days. Christmas Day
    and New Year's Day pay on the Thursdays before (week 38: 24 Dec; week 39: 31 Dec); Good Friday
    26 Mar 2027 on Thursday 25 March."""
    rule = PayRule(frequency="weekly", nation=ENGLAND, cut_off_working_days=1, anchor_date=date(2026, 4, 10))
    rows = tax_year_calendar(rule, 2026)
    assert len(rows) == 52
    assert (rows[0].period, rows[0].pay_date) == (1, date(2026, 4, 10))
    assert (rows[-1].period, rows[-1].pay_date) == (52, date(2027, 4, 2))
    moved = [(r.period, r.pay_date, r.cut_off) for r in rows if r.moved_because]
    assert moved == [
        (38, date(2026, 12, 24), date(2026, 12, 23)),
        (39, date(2026, 12, 31), date(2026, 12, 30)),
        (51, date(2027, 3, 25), date(2027, 3, 24)),
    ]


def test_a_fortnightly_anchor_from_another_year_still_lands_on_its_cycle() -> None:
    """An anchor of Fri 3 Jan 2020: fortnights later are Fri 17 Apr 2026 (2,296 days, 164
    fortnights) and so on."""
    rule = PayRule(
        frequency="fortnightly", nation=ENGLAND, cut_off_working_days=0, anchor_date=date(2020, 1, 3)
    )
    rows = tax_year_calendar(rule, 2026)
    assert rows[0].pay_date == date(2026, 4, 17)
    assert rows[0].cut_off == date(2026, 4, 17)
    assert len(rows) == 26


def test_the_next_pay_date_skips_one_already_moved_before_today() -> None:
    """On Sat 25 Apr 2026 the April pay went out on Friday 24: the next is Fri 22 May."""
    row = next_pay(monthly(25), date(2026, 4, 25))
    assert (row.pay_date, row.cut_off) == (date(2026, 5, 22), date(2026, 5, 15))
    assert next_pay(monthly(25), date(2026, 4, 24)).pay_date == date(2026, 4, 24)


def test_counting_working_days_back_skips_weekends_and_bank_holidays() -> None:
    """From Tue 7 Apr 2026 back 2 working days in England: Mon 6 (Easter Monday) and Fri 3 (Good
    Friday) are closed, so Thu 2 and Wed 1 April. Scotland works Easter Monday: Mon 6, Thu 2."""
    assert working_days_before(date(2026, 4, 7), 2, ENGLAND) == date(2026, 4, 1)
    assert working_days_before(date(2026, 4, 7), 2, SCOTLAND) == date(2026, 4, 2)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (monthly(0), "The pay day is a day of the month from 1 to 31."),
        (monthly(32), "The pay day is a day of the month from 1 to 31."),
        (monthly(25, cut_off=-1), "The cut-off is 0 to 20 working days before the pay date."),
        (monthly(25, nation="wales"), "Choose England and Wales, Scotland or Northern Ireland."),
        (PayRule(frequency="weekly", nation=ENGLAND, cut_off_working_days=1), "Enter one weekly pay date."),
    ],
)
def test_a_rule_it_cannot_follow_is_refused_with_the_reason(rule: PayRule, message: str) -> None:
    with pytest.raises(PayCalendarError) as raised:
        tax_year_calendar(rule, 2026)
    assert str(raised.value) == message
