"""The forms of the administration pages, from the GOV.UK toolkit; the rules are the
partnership and payroll services'."""

from __future__ import annotations

from django import forms

from joinedup.partnership.models import PartnerKind, Role
from joinedup.web import listing
from joinedup.web.forms import GovukForm, choice_field, text_field

YES_NO = [("yes", "Yes"), ("no", "No")]


class PartnerSettingsForm(GovukForm):
    sections = [
        ("The partner", ["name", "kind", "active"]),
        ("HMRC references", ["employer_paye_reference", "accounts_office_reference"]),
    ]
    name = text_field("Name", max_length=200)
    kind = choice_field("Kind of body", PartnerKind.choices)
    active = choice_field(
        "Active",
        YES_NO,
        hint=(
            "An inactive partner's staff cannot see or change its records, and only a platform "
            "administrator can make it active again."
        ),
        what="whether it is active",
    )
    employer_paye_reference = text_field(
        "Employer PAYE reference", max_length=14, required=False, hint="For example, 123/AB45678"
    )
    accounts_office_reference = text_field(
        "Accounts Office reference", max_length=13, required=False, hint="For example, 123PA00012345"
    )


class PayrollBankForm(GovukForm):
    sections = [
        (
            "The account wages are paid from",
            ["bank_sort_code", "bank_account_number", "bank_account_name", "bacs_user_number"],
        )
    ]
    bank_sort_code = text_field(
        "Sort code", max_length=8, required=False, hint="6 digits, for example 40-11-62"
    )
    bank_account_number = text_field("Account number", max_length=8, required=False, hint="8 digits")
    bank_account_name = text_field("Name on the account", max_length=100, required=False)
    bacs_user_number = text_field(
        "BACS service user number", max_length=6, required=False, hint="6 characters, from the partner's bank"
    )


class UserFilterForm(forms.Form):
    q = listing.filter_text("Name, username or email")
    role = listing.filter_choice("Role here", Role.choices, every="Every role")
    status = listing.filter_choice(
        "Status", [("active", "Active"), ("inactive", "Deactivated")], every="Active or deactivated"
    )


class NewUserForm(GovukForm):
    sections = [("The user", ["username", "full_name", "email"]), ("Their first role here", ["role"])]
    username = text_field("Username", max_length=150)
    full_name = text_field("Full name", max_length=300)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    role = choice_field("Role", Role.choices)


class GrantForm(GovukForm):
    sections = [("Give a role", ["partner", "role"])]
    partner = choice_field("Partner", [])
    role = choice_field("Role", Role.choices)

    def __init__(self, *args: object, partners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partner"].choices = partners  # type: ignore[attr-defined]
