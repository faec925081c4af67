"""An employer's pay calendar over JSON: each frequency's rule, and its pay dates and cut-offs for
a tax year; its payroll manager sets a rule with ``PUT``."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from joinedup.api.schemas import DateIn
from joinedup.core.bank_holidays import HOLIDAYS_VERSION
from joinedup.core.calendar import tax_year_of
from joinedup.partnership.selectors import partner_for
from joinedup.payroll import selectors, services
from joinedup.payroll.models import PayCalendar
from joinedup.payroll.pay_calendar import CalendarRow
from joinedup.workspaces import selectors as workspaces

router = Router(tags=["payroll"])


class PayDateOut(Schema):
    period: int
    scheduled: date
    pay_date: date
    cut_off: date
    moved_because: str


class PayCalendarOut(Schema):
    frequency: str
    nation: str
    day_of_month: int | None
    anchor_date: date | None
    cut_off_working_days: int


class PayCalendarYearOut(PayCalendarOut):
    dates: list[PayDateOut]


class PayCalendarsOut(Schema):
    partner_id: int
    tax_year: int
    # The holidays package's version, so a past calendar can be reproduced with the same data.
    holidays_version: str
    calendars: list[PayCalendarYearOut]


class PayCalendarIn(Schema):
    frequency: str = Field(max_length=20, description="monthly, weekly, fortnightly or four_weekly")
    nation: str = Field(max_length=20, description="england-and-wales, scotland or northern-ireland")
    day_of_month: int | None = Field(None, description="Monthly pay: 1 to 31.")
    anchor_date: DateIn | None = Field(None, description="Weekly, fortnightly, four-weekly: one pay date.")
    cut_off_working_days: int = Field(description="0 to 20 working days before the pay date.")


def _year_out(calendar: PayCalendar, rows: list[CalendarRow]) -> dict[str, Any]:
    return {
        **PayCalendarOut.from_orm(calendar).dict(),
        "dates": [
            {
                "period": r.period,
                "scheduled": r.scheduled,
                "pay_date": r.pay_date,
                "cut_off": r.cut_off,
                "moved_because": r.moved_because,
            }
            for r in rows
        ],
    }


@router.get("/partners/{partner_id}/pay-calendar", response=PayCalendarsOut)
def get_pay_calendar(request: HttpRequest, partner_id: int, tax_year: int | None = None) -> dict[str, Any]:
    """Each of the employer's pay calendars with its pay dates and cut-offs in the tax year
    (default: the current one)."""
    partner = partner_for(request.user, partner_id=partner_id)
    year = tax_year if tax_year is not None else tax_year_of(workspaces.today())
    found = selectors.pay_calendar_rows(request.user, partner=partner, tax_year=year)
    return {
        "partner_id": partner.pk,
        "tax_year": year,
        "holidays_version": HOLIDAYS_VERSION,
        "calendars": [_year_out(cal, rows) for cal, rows in found],
    }


@router.put("/partners/{partner_id}/pay-calendar", response=PayCalendarOut)
def set_pay_calendar(request: HttpRequest, partner_id: int, body: PayCalendarIn) -> PayCalendar:
    """Set the rule of one frequency's calendar (replacing the one it had)."""
    partner = partner_for(request.user, partner_id=partner_id)
    return services.pay_calendar_set(actor=request.user, partner=partner, **body.dict())
