"""HR rules that are pure date and money arithmetic on top of the scheme data."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError

from joinedup.core.calendar import financial_year_of, financial_year_start, weekdays_between
from joinedup.core.dates import people_date
from joinedup.people.models import PayPoint, PayRate

HALF = Decimal("0.5")


def pay_rate_on(point: PayPoint, on: date) -> Decimal:
    """The full-time annual salary of ``point`` on ``on``: the latest award on or before it."""
    if point.withdrawn_from is not None and on >= point.withdrawn_from:
        raise ValidationError(
            {"pay_point": f"{point} was withdrawn from the scale on {people_date(point.withdrawn_from)}."}
        )
    rate = PayRate.objects.filter(point=point, effective_from__lte=on).order_by("-effective_from").first()
    if rate is None:
        raise ValidationError({"pay_point": f"{point} has no pay rate on {people_date(on)}."})
    return rate.annual


def working_days_between(start: date, end: date) -> Decimal:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive. Bank holidays are not
    deducted yet: schemes that give them on top of leave would count them as leave."""
    return Decimal(weekdays_between(start, end))


def leave_year_start(on: date) -> date:
    """Leave years run from 1 April, as the four schemes' local agreements commonly set."""
    return financial_year_start(financial_year_of(on))


def complete_years(since: date, on: date) -> int:
    years = on.year - since.year
    if (on.month, on.day) < (since.month, since.day):
        years -= 1
    return max(years, 0)


def prorate_leave(full_time_days: Decimal, fte: Decimal) -> Decimal:
    """Part-time entitlement, rounded up to the next half day (the usual practice, in the
    employee's favour)."""
    exact = full_time_days * fte
    return (exact / HALF).to_integral_value(rounding=ROUND_CEILING) * HALF
