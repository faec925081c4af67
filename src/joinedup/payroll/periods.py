"""Tax periods and pay periods from a pay date, and the rounding of pay.

HMRC fixes the tax period by the date of payment: tax month 1 runs 6 April to 5 May, tax
week 1 from 6 April for seven days. Salaried staff are paid for a pay period: the calendar
month of the pay date (monthly), or the tax week(s) ending with the pay date's week."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from joinedup.core.calendar import tax_period_of, tax_year_of, tax_year_start
from joinedup.core.money import pounds_to_pence, round_nearest_penny_half_up
from joinedup.people.models import PayFrequency

MONTHS_IN_YEAR = 12
DAYS_IN_WEEK = 7
PERIODS_PER_YEAR = {
    PayFrequency.MONTHLY: 12,
    PayFrequency.WEEKLY: 52,
    PayFrequency.FORTNIGHTLY: 26,
    PayFrequency.FOUR_WEEKLY: 13,
}
WEEKS_PER_PERIOD = {PayFrequency.WEEKLY: 1, PayFrequency.FORTNIGHTLY: 2, PayFrequency.FOUR_WEEKLY: 4}


@dataclass(frozen=True)
class PayPeriod:
    tax_year: int
    period: int
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def pay_period(frequency: str, pay_date: date) -> PayPeriod:
    tax_year = tax_year_of(pay_date)
    year_start = tax_year_start(tax_year)
    period = tax_period_of(frequency, pay_date)
    if frequency == PayFrequency.MONTHLY:
        last = calendar.monthrange(pay_date.year, pay_date.month)[1]
        return PayPeriod(tax_year, period, pay_date.replace(day=1), pay_date.replace(day=last))
    weeks = WEEKS_PER_PERIOD[PayFrequency(frequency)]
    end = year_start + timedelta(days=period * DAYS_IN_WEEK - 1)
    return PayPeriod(tax_year, period, end - timedelta(days=weeks * DAYS_IN_WEEK - 1), end)


def to_pence_half_up(amount: Decimal) -> int:
    """Pay for a period, rounded to the nearest penny with half a penny rounding up: the
    ordinary rule for salary, which no statute fixes (tax and NI have their own rules in
    the engine)."""
    return pounds_to_pence(round_nearest_penny_half_up(amount))


@dataclass(frozen=True)
class WageBand:
    min_age: int
    hourly: Decimal
    name: str


@cache
def _minimum_wage_sets() -> tuple[tuple[date, tuple[WageBand, ...]], ...]:
    path = Path(__file__).parent / "rules" / "minimum_wage.toml"
    data = tomllib.loads(path.read_text())
    sets = []
    for index, entry in enumerate(data["rates"]):
        try:
            bands = tuple(
                sorted(
                    (
                        WageBand(int(b["min_age"]), Decimal(str(b["hourly"])), str(b["name"]))
                        for b in entry["bands"]
                    ),
                    key=lambda b: -b.min_age,
                )
            )
            sets.append((date.fromisoformat(entry["effective_from"]), bands))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"minimum_wage.toml: rates[{index}]: {exc}") from exc
    return tuple(sorted(sets))


def minimum_hourly_rate(on: date, age: int) -> WageBand | None:
    """The minimum hourly rate for ``age`` on ``on`` (None below 16, or before the first set)."""
    chosen: tuple[WageBand, ...] = ()
    for start, bands in _minimum_wage_sets():
        if start <= on:
            chosen = bands
    return next((band for band in chosen if age >= band.min_age), None)
