"""The forms of HR's record edits, the staff list and an employee's own changes, from the
GOV.UK toolkit; what a value must be beyond its shape is the people services' rule."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.people.models import Employment, OrgUnit, Post, TermsScheme
from joinedup.people.selectors import StaffStatus
from joinedup.web.forms import GovukForm, ModelChoice, date_field, text_field


class ContactForm(GovukForm):
    sections = [
        ("Address", ["address_line1", "address_line2", "town", "postcode"]),
        ("Contact", ["email", "phone"]),
        ("Emergency contact", ["emergency_contact_name", "emergency_contact_phone"]),
    ]
    address_line1 = text_field("Address line 1 (optional)", max_length=200, required=False)
    address_line2 = text_field("Address line 2 (optional)", max_length=200, required=False)
    town = text_field("Town or city (optional)", max_length=100, required=False)
    postcode = text_field("Postcode (optional)", max_length=10, required=False, hint="For example, SO23 8UJ")
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )
    phone = text_field("Phone (optional)", max_length=30, required=False)
    emergency_contact_name = text_field("Name (optional)", max_length=200, required=False)
    emergency_contact_phone = text_field("Phone number (optional)", max_length=30, required=False)

    FIELDS = (
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "email",
        "phone",
        "emergency_contact_name",
        "emergency_contact_phone",
    )


class BankChangeForm(GovukForm):
    sections = [("The new account", ["sort_code", "account_number", "account_name"])]
    sort_code = text_field("Sort code", max_length=10, hint="6 digits, like 40-11-62")
    account_number = text_field("Account number", max_length=12, hint="6 to 8 digits")
    account_name = text_field("Name on the account (optional)", max_length=100, required=False)


class RejectBankChangeForm(forms.Form):
    note = text_field("Why it is rejected", max_length=300, required=False)


class JobForm(GovukForm):
    sections = [
        ("The job", ["job_title", "org_unit"]),
        ("Line manager", ["line_manager", "effective_from"]),
        ("Why", ["reason"]),
    ]
    job_title = text_field("Job title (optional)", max_length=200, required=False)
    org_unit = ModelChoice(OrgUnit.objects.none(), label="Unit", required=False, empty="No unit")
    line_manager = ModelChoice(
        Employment.objects.none(),
        label="Line manager",
        required=False,
        empty="No line manager",
        labeller=lambda e: f"{e.person.full_name} ({e.payroll_number})",
    )
    effective_from = date_field("Line manager from", hint="Used only when the line manager changes")
    reason = text_field("Reason", max_length=200, hint="For example, restructure of the HR team")

    def __init__(self, *args: Any, units: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["line_manager"].queryset = managers  # type: ignore[attr-defined]


class StaffFilterForm(forms.Form):
    unit = forms.ModelChoiceField(OrgUnit.objects.none(), required=False, empty_label="Any", label="Unit")
    post = forms.ModelChoiceField(Post.objects.none(), required=False, empty_label="Any", label="Post")
    scheme = forms.ModelChoiceField(
        TermsScheme.objects.order_by("name"), required=False, empty_label="Any", label="Terms and conditions"
    )
    status = forms.ChoiceField(choices=StaffStatus.CHOICES, required=False, label="Status")

    def __init__(self, *args: Any, units: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
