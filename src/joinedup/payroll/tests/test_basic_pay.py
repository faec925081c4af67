"""Basic pay's shortcut for the usual case (employed all period, terms and rate unchanged inside
it) gives exactly what the stretch-by-stretch sum gives — the sum is the rule; the shortcut
only skips the work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.payroll.calculation import Stint, Terms, basic_pay, prorated_pay
from joinedup.payroll.periods import PERIODS_PER_YEAR, PayPeriod
from joinedup.people.models import PayFrequency, Proration

PERIOD = PayPeriod(2026, 8, date(2026, 11, 1), date(2026, 11, 30))


def _terms(effective_from: date, fte: Decimal, proration: str, point: int = 7) -> Terms:
    return Terms(
        1,
        effective_from,
        fte,
        Decimal(37),
        proration,
        "NJC",
        point,
        "7",
        "1257L",
        "cumulative",
        "A",
        "",
        "none",
    )


@settings(max_examples=300, deadline=None)
@given(
    annual=st.integers(min_value=0, max_value=30_000_000).map(lambda p: Decimal(p) / 100),
    fte=st.integers(min_value=1, max_value=10_000).map(lambda n: Decimal(n) / 10_000),
    since=st.integers(min_value=0, max_value=2_000),
    rate_since=st.integers(min_value=0, max_value=2_000),
    proration=st.sampled_from([Proration.CALENDAR_DAYS, Proration.WORKING_DAYS]),
)
def test_the_shortcut_equals_the_stretch_by_stretch_sum(
    annual: Decimal, fte: Decimal, since: int, rate_since: int, proration: str
) -> None:
    versions = [_terms(PERIOD.start - timedelta(days=since), fte, proration)]
    rates = {7: ([PERIOD.start - timedelta(days=rate_since)], [annual])}
    stint = Stint(1, date(2020, 1, 1), None)
    shortcut = basic_pay(stint, versions, rates, PERIOD, "monthly")
    assert shortcut == prorated_pay(
        PERIOD.start, PERIOD.end, versions, rates, PERIOD, PERIODS_PER_YEAR[PayFrequency.MONTHLY]
    )


def test_a_pay_award_inside_the_period_is_prorated_not_shortcut() -> None:
    # Green Book style: £30,000 to 14 Nov, £31,200 from 15 Nov, calendar days: 14/30 and 16/30.
    versions = [_terms(date(2025, 4, 1), Decimal(1), Proration.CALENDAR_DAYS)]
    rates = {7: ([date(2025, 4, 1), date(2026, 11, 15)], [Decimal(30000), Decimal(31200)])}
    pence, problems = basic_pay(Stint(1, date(2020, 1, 1), None), versions, rates, PERIOD, "monthly")
    # 30000/12 x 14/30 = 1166.666…, 31200/12 x 16/30 = 1386.666…; sum 2553.33
    assert (pence, problems) == (255333, [])


def test_a_point_with_no_rate_is_a_problem_not_a_shortcut() -> None:
    versions = [_terms(date(2025, 4, 1), Decimal(1), Proration.CALENDAR_DAYS)]
    pence, problems = basic_pay(Stint(1, date(2020, 1, 1), None), versions, {}, PERIOD, "monthly")
    assert pence == 0 and [kind for kind, _ in problems] == ["no_pay_rate"]
