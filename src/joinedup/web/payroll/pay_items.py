"""A one-off payment for an employment (a bonus, pay in lieu of notice, accrued holiday pay, a
redundancy payment), added by payroll or HR of the employer through
``payroll.services.pay_item_add_one_off``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core.dates import people_date
from joinedup.partnership.permissions import has_permission
from joinedup.payroll.models import PayItemTreatment
from joinedup.payroll.services import ONE_OFF_PERMISSIONS, pay_item_add_one_off
from joinedup.people import selectors as people
from joinedup.web.forms import GovukForm, bound, choice_field, date_field, number_field, submit, text_field

REGULAR_CHOICES = [
    ("no", "No: an irregular payment, such as a bonus, accrued holiday pay or a redundancy payment"),
    ("yes", "Yes: part of their regular pattern of pay, such as overtime or an allowance paid in arrears"),
]


class OneOffPayItemForm(GovukForm):
    code = forms.SlugField(
        label="Code",
        max_length=30,
        help_text="Letters, numbers, hyphens and underscores, for example bonus or holiday_pay",
        error_messages={
            "required": "Enter the code.",
            "invalid": "The code is letters, numbers, hyphens and underscores only, like holiday_pay.",
            "max_length": "The code must be 30 characters or fewer.",
        },
    )
    description = text_field("Description", max_length=100, hint="As the payslip shows it")
    amount = number_field("Amount in pounds", max_digits=10, places=2, example="250.00", what="amount")
    paid_on = date_field(
        "Paid on", what="date it is paid", hint="A day in the pay period that pays it, for example 2026-04-01"
    )
    treatment = choice_field("How it is taxed", PayItemTreatment.choices)
    regular = forms.ChoiceField(
        label="Part of the regular pattern of pay?",
        choices=REGULAR_CHOICES,
        initial="no",
        widget=forms.RadioSelect,
        help_text=(
            "This matters only when it is paid after the employee has left and their P45 was "
            "issued: tax is then on code 0T month 1 either way, but National Insurance on a "
            "regular payment uses their usual pay period, and on an irregular one a single week "
            "(SSCR 2001 regs. 3(5) and 4(b); HMRC NIM08400 and NIM08410). The FPS reports it as a "
            "payment after leaving."
        ),
        error_messages={
            "required": "Say whether it is part of the regular pattern of pay.",
            "invalid_choice": "Say whether it is part of the regular pattern of pay.",
        },
    )
    reason = text_field("Reason", max_length=200, hint="Why it is paid; kept in the audit trail")


@login_required
def one_off_pay_item(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = people.employment_for(request.user, employment_id=employment_id)
    if not any(has_permission(request.user, p, employment.partner_id) for p in ONE_OFF_PERMISSIONS):
        raise PermissionDenied("You cannot add payments for this employment.")
    form = bound(OneOffPayItemForm, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = submit(
            form,
            lambda: pay_item_add_one_off(
                actor=request.user,
                employment=employment,
                code=data["code"],
                description=data["description"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                treatment=data["treatment"],
                regular=data["regular"] == "yes",
                reason=data["reason"],
            ),
        )
        if item is not None:
            messages.success(
                request,
                f"£{item.amount:,} {item.description} added for {employment.payroll_number}, paid in the "
                f"period holding {people_date(item.start_date)}.",
            )
            return redirect("web:person", person_id=employment.person_id)
    context = {
        "form": form,
        "employment": employment,
        "can_view_person": has_permission(request.user, "people.view", employment.partner_id),
    }
    return render(request, "web/payroll/one_off_pay_item.html", context)
