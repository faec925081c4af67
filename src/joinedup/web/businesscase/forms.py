"""Forms of the business-case pages. They parse and say what is missing; the rules (who may
decide for which partner, which version may be decided on, what an option's line may hold) are
the services'."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from django import forms

from joinedup.businesscase.models import DecisionBody, Function, LineKind, OptionKind, Outcome
from joinedup.web.forms import (
    GovukForm,
    ModelChoice,
    choice_field,
    date_field,
    notes_field,
    number_field,
    text_field,
)

# How many years of amounts a line may list: the longest horizon a case may have.
MOST_YEARS = 100


def whole_number(
    label: str, *, what: str, required: bool = True, most: int = 2_000_000_000
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=most,
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter the {what} as a whole number, like 12.",
            "min_value": f"The {what} must be 0 or more.",
            "max_value": f"The {what} must be {most:,} or less.",
        },
    )


class DecisionForm(GovukForm):
    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = ModelChoice(partners, label="Partner deciding", labeller=lambda p: p.name)
        self.order_fields(["partner"])

    outcome = choice_field("Decision", Outcome.choices)
    decided_on = date_field("Date of the decision", what="date of the decision")
    body = choice_field("Decided by", DecisionBody.choices)
    minutes_url = text_field(
        "Link to the minutes (optional)", max_length=500, required=False, hint="Starting https://"
    )
    conditions = notes_field("Conditions (for an approval with conditions)", max_length=5000)


class ImportForm(forms.Form):
    file = forms.FileField(label="Baseline file (CSV or XLSX)")


class CaseForm(GovukForm):
    """A new case: its owner, name, horizon, and the partners it is for (checkboxes, shown by the
    template: ``partners`` and ``must_approve``)."""

    def __init__(self, *args: Any, owners: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ModelChoice(owners, label="Owned by", labeller=lambda p: p.name)
        self.fields["partners"] = forms.ModelMultipleChoiceField(
            partners,
            required=False,
            label="Partners the case is for",
            error_messages={"invalid_choice": "Choose partners from the list."},
        )
        self.fields["must_approve"] = forms.ModelMultipleChoiceField(
            partners,
            required=False,
            label="Partners that must approve it",
            error_messages={"invalid_choice": "Choose partners from the list."},
        )
        self.order_fields(["owner", "name", "years", "description"])

    name = text_field("Name of the case", max_length=200, what="case's name")
    years = whole_number("Horizon in years (year 0 included)", what="horizon", most=100)
    description = notes_field("Description (optional)", max_length=5000)

    # Shown as checkboxes by the template, not by _field.html.
    checkbox_fields = ("partners", "must_approve")

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.checkbox_fields]


class OptionForm(GovukForm):
    kind = choice_field("Kind of option", OptionKind.choices)
    name = text_field("Name of the option", max_length=200, what="option's name")
    description = notes_field("Description (optional)", max_length=5000)


def parse_amounts(text: str) -> tuple[Decimal, ...]:
    """Pounds by year from year 0, separated by commas or spaces (a blank year is £0): what a
    person types is named back to them by year."""
    parts = [p.strip().replace("£", "") for p in text.replace("\n", ",").split(",")]
    if len(parts) == 1 and " " in parts[0]:
        parts = parts[0].split()
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) > MOST_YEARS:
        raise forms.ValidationError(f"Give at most {MOST_YEARS} years of amounts.")
    out = []
    for year, part in enumerate(parts):
        try:
            amount = Decimal(part) if part else Decimal(0)
        except decimal.InvalidOperation:
            raise forms.ValidationError(
                f"Year {year}: {part[:20]!r} is not an amount; give pounds, like 250000 or 1200.50."
            ) from None
        out.append(amount)
    if not out:
        raise forms.ValidationError("Enter the amounts by year, from year 0.")
    return tuple(out)


class LineForm(GovukForm):
    name = text_field("Name of the line", max_length=200, what="line's name")
    kind = choice_field("Cost or saving", LineKind.choices, what="kind of line")
    timing = choice_field(
        "One-off or recurring",
        [("recurring", "Recurring"), ("one_off", "One-off (set-up, redundancy, systems)")],
        what="timing",
    )
    amounts = text_field(
        "Pounds by year, from year 0",
        max_length=4000,
        what="amounts by year",
        hint="Separated by commas, year 0 first; a blank year is £0. For example: 1400000, 600000",
        widget=forms.Textarea,
    )
    optimism_bias = number_field(
        "Optimism bias uplift on a cost, percent (optional)",
        max_digits=6,
        places=2,
        example="20",
        required=False,
        min_value=0,
        what="optimism bias uplift",
        hint="HM Treasury Green Book supplementary guidance: the percentage added to this cost",
    )
    # Blank is none (a 0 would show blank again: the field template leaves out falsy values).
    delay_years = whole_number(
        "Delay of a saving, in years (optional)", what="delay", most=99, required=False
    )
    risk = notes_field("Risks (optional)", max_length=5000)

    def clean_amounts(self) -> tuple[Decimal, ...]:
        return parse_amounts(self.cleaned_data["amounts"])


class BaselineForm(GovukForm):
    """A partner's baseline for one function; ``fixed``: editing a row, whose partner and
    function are its identity and not changed here."""

    def __init__(self, *args: Any, partners: Any = None, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed:
            del self.fields["function"]
        else:
            self.fields["partner"] = ModelChoice(partners, label="Partner", labeller=lambda p: p.name)
            self.order_fields(["partner", "function"])

    function = choice_field("Function", Function.choices)
    staff_cost = number_field(
        "Staff cost a year (£)", max_digits=14, places=2, example="1250000.00", min_value=0, what="staff cost"
    )
    fte = number_field(
        "Full-time equivalent staff", max_digits=9, places=2, example="41.5", min_value=0, what="FTE"
    )
    non_staff_cost = number_field(
        "Non-staff cost a year (£)",
        max_digits=14,
        places=2,
        example="310000.00",
        min_value=0,
        what="non-staff cost",
    )
    payslips = whole_number("Payslips a year (optional)", what="payslips a year", required=False)
    invoices = whole_number("Invoices a year (optional)", what="invoices a year", required=False)
    tickets = whole_number("ICT tickets a year (optional)", what="tickets a year", required=False)
    source = text_field(
        "Source (optional)", max_length=200, required=False, hint="Where the figures come from"
    )


class AllocationForm(GovukForm):
    """One key per partner involved (blank: the partner bears no share)."""

    def __init__(self, *args: Any, rows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = {}
        for row in rows:
            name = f"key_{row.partner.pk}"
            self.partners[name] = row.partner
            self.fields[name] = number_field(
                f"{row.partner.name} (optional)",
                max_digits=14,
                places=4,
                example="40.2",
                required=False,
                what=f"key of {row.partner.name}",
            )
            if row.key is not None and not self.is_bound:
                self.initial[name] = row.key.normalize()

    def keys(self) -> dict[Any, Decimal]:
        return {
            partner: self.cleaned_data[name]
            for name, partner in self.partners.items()
            if self.cleaned_data.get(name) is not None
        }


class DrawOneOffsForm(GovukForm):
    """Which programme an option's redundancy and pension strain lines come from, and which
    financial year is the case's year 0 for them."""

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A plain choice, not a query: the programmes were read in the service's system context
        # (the case's owner need not be in a programme of its partners).
        self.fields["programme"] = choice_field(
            "Workforce-change programme",
            [
                ("", "Choose the programme"),
                *((str(p.pk), f"{p.name} ({p.partner.name})") for p in programmes),
            ],
        )
        self.order_fields(["programme"])

    year0 = forms.IntegerField(
        label="Financial year that is year 0 of the case (optional)",
        required=False,
        min_value=2000,
        max_value=2200,
        help_text="By its first year: 2025 for 2025/26. Empty: the year the programme starts in.",
        error_messages={
            "invalid": "Enter the financial year by its first year, like 2025.",
            "min_value": "Enter the financial year by its first year, like 2025.",
            "max_value": "Enter the financial year by its first year, like 2025.",
        },
    )


class DrawBaselineForm(GovukForm):
    """Whose baseline to draw from the ledger and people data, over which twelve months."""

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = ModelChoice(partners, label="Partner", labeller=lambda p: p.name)
        self.order_fields(["partner"])

    start = date_field(
        "First day of the twelve months (optional)",
        required=False,
        hint="The first of a month, like 2025-10-01. Empty: the twelve months before the case went live.",
        what="first day of the twelve months",
    )


class CaseChangeForm(GovukForm):
    """A case's horizon and the partners it is for (checkboxes, shown by the template)."""

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (
            ("partners", "Partners the case is for"),
            ("must_approve", "Partners that must approve it"),
        ):
            self.fields[name] = forms.ModelMultipleChoiceField(
                partners,
                required=False,
                label=label,
                error_messages={"invalid_choice": "Choose partners from the list."},
            )

    years = whole_number("Horizon in years (year 0 included)", what="horizon", most=100)

    checkbox_fields = ("partners", "must_approve")

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.checkbox_fields]
