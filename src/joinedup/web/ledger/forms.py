"""The form of a manual journal (its date and description, and a row per line), and the forms
that set budgets: a year's budget for one line, and an upload of many."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

from django import forms

from joinedup.core.money import pounds_to_pence
from joinedup.ledger import services
from joinedup.web.forms import GovukForm, UploadForm, choice_field, date_field, number_field, text_field


class JournalForm(GovukForm):
    date = date_field(
        "Date", hint="For example, 2026-08-14. It must fall in an open period.", what="date of the journal"
    )
    description = text_field("What the journal is for", max_length=200, what="description of the journal")


class LineForm(GovukForm):
    account = choice_field("Account", [])
    cost_centre = choice_field("Cost centre", [])
    counterparty = text_field("Other partner", max_length=20, required=False, what="other partner's code")
    debit = number_field(
        "Debit (£)", max_digits=14, places=2, example="125.50", min_value=0, required=False, what="debit"
    )
    credit = number_field(
        "Credit (£)", max_digits=14, places=2, example="125.50", min_value=0, required=False, what="credit"
    )
    description = text_field("Line description", max_length=200, required=False)

    def __init__(
        self, *args: Any, accounts: list[tuple[str, str]], centres: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = [("", "Choose an account"), *accounts]
        cast(forms.ChoiceField, self.fields["cost_centre"]).choices = [("", "None"), *centres]
        self.fields["cost_centre"].required = False

    def as_input(self) -> services.LineInput:
        data = self.cleaned_data
        return services.LineInput(
            account=data["account"],
            debit=_pence(data.get("debit")),
            credit=_pence(data.get("credit")),
            cost_centre=data.get("cost_centre") or "",
            counterparty=(data.get("counterparty") or "").strip().upper(),
            description=data.get("description") or "",
        )


def _pence(pounds: Decimal | None) -> int:
    # The field refuses more than two places; pounds_to_pence would refuse them too, never truncate.
    return pounds_to_pence(pounds) if pounds is not None else 0


LineFormSet = forms.formset_factory(LineForm, extra=6, max_num=200)


# --- budgets ----------------------------------------------------------------------------------

MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)  # periods 1 to 12 of a financial year


def _money(label: str, *, what: str) -> forms.DecimalField:
    return number_field(label, max_digits=14, places=2, example="125000.00", required=False, what=what)


class BudgetYearForm(GovukForm):
    """A year's budget for one account at one cost centre: an annual amount profiled evenly over
    the months, any month given fixed at its own figure (the service does the profiling)."""

    cost_centre = choice_field("Cost centre", [])
    account = choice_field("Account", [], hint="Expense and income accounts only.")
    year = choice_field("Financial year", [])
    annual = _money("Annual budget (£) (optional)", what="annual budget")
    sections: ClassVar[list[tuple[str, list[str]]]] = [
        ("What the budget is for", ["cost_centre", "account", "year"]),
        ("The year", ["annual"]),
        ("Months (optional)", [f"month_{n}" for n in range(1, 13)]),
    ]

    def __init__(
        self,
        *args: Any,
        centres: list[tuple[str, str]],
        accounts: list[tuple[str, str]],
        years: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cost_centre"]).choices = [("", "Choose a cost centre"), *centres]
        cast(forms.ChoiceField, self.fields["account"]).choices = [("", "Choose an account"), *accounts]
        cast(forms.ChoiceField, self.fields["year"]).choices = years
        for number, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"month_{number}"] = _money(f"{name} (£)", what=f"budget for {name}")

    def months(self) -> dict[int, int]:
        """The months given, by period number, in pence."""
        return {
            number: pounds_to_pence(self.cleaned_data[f"month_{number}"])
            for number in range(1, 13)
            if self.cleaned_data.get(f"month_{number}") is not None
        }

    def annual_pence(self) -> int | None:
        annual = self.cleaned_data.get("annual")
        return None if annual is None else pounds_to_pence(annual)


BudgetImportForm = UploadForm
