"""An employer's pay calendar: each frequency's pay dates and cut-offs for changes in a tax year
(``?format=csv|xlsx`` downloads it), and the form its payroll manager sets a rule with through
``payroll.services.pay_calendar_set``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core.bank_holidays import HOLIDAYS_VERSION
from joinedup.core.calendar import tax_year_label, tax_year_of
from joinedup.partnership.permissions import has_permission
from joinedup.payroll import selectors, services
from joinedup.payroll.models import PayNation
from joinedup.people.models import PayFrequency
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, bound, choice_field, date_field, outcome, submit
from joinedup.workspaces import selectors as workspaces

HEADER = ("employer", "frequency", "tax_year", "period", "scheduled", "pay_date", "cut_off", "moved_because")


def _whole_number(label: str, what: str, *, required: bool, hint: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=hint,
        error_messages={"required": f"Enter the {what}.", "invalid": f"Enter the {what} as a whole number."},
    )


class PayCalendarForm(GovukForm):
    frequency = choice_field("Pay frequency", PayFrequency.choices)
    nation = choice_field(
        "Bank holidays of",
        PayNation.choices,
        what="nation",
        hint="A pay date on one of them moves to the day before",
    )
    day_of_month = _whole_number(
        "Pay day of the month (monthly pay)",
        "pay day of the month",
        required=False,
        hint="1 to 31; a shorter month pays on its last day",
    )
    anchor_date = date_field(
        "One pay date of the cycle (weekly, fortnightly or four-weekly pay)",
        required=False,
        what="pay date of the cycle",
        hint="For example, 2026-04-10: every 7, 14 or 28 days from it is a pay date",
    )
    cut_off_working_days = _whole_number(
        "Cut-off for changes, in working days before the pay date",
        "cut-off",
        required=True,
        hint="0 to 20; for example 5",
    )


def _tax_year(request: HttpRequest) -> int:
    raw = request.GET.get("tax_year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else tax_year_of(workspaces.today())


@login_required
def pay_calendar(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "payroll.view")
    tax_year = _tax_year(request)
    form = bound(PayCalendarForm, request, initial={"frequency": PayFrequency.MONTHLY})
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        saved = submit(form, lambda: services.pay_calendar_set(actor=request.user, partner=partner, **data))
        if saved is not None:
            messages.success(request, f"The {saved.get_frequency_display().lower()} pay calendar is set.")
            return redirect("web:pay_calendar")
    found, refusal = outcome(
        lambda: selectors.pay_calendar_rows(request.user, partner=partner, tax_year=tax_year)
    )
    calendars = found or []
    if request.GET.get("format") in ("csv", "xlsx") and not refusal:
        rows = (
            (
                partner.name,
                cal.frequency,
                tax_year_label(tax_year),
                row.period,
                row.scheduled,
                row.pay_date,
                row.cut_off,
                row.moved_because,
            )
            for cal, found_rows in calendars
            for row in found_rows
        )
        return export_response(request.GET["format"], HEADER, rows, f"pay-calendar-{partner.code}-{tax_year}")
    return render(
        request,
        "web/payroll/pay_calendar.html",
        {
            "calendars": calendars,
            "refusal": refusal,
            "tax_year": tax_year,
            "label": tax_year_label(tax_year),
            "years": [(y, tax_year_label(y)) for y in (tax_year - 1, tax_year, tax_year + 1)],
            "form": form,
            "can_set": has_permission(request.user, "payroll.set_calendar", partner),
            "holidays_version": HOLIDAYS_VERSION,
        },
    )
