"""The form of a manual journal: its date and description, and a row per line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from joinedup.core.money import pounds_to_pence
from joinedup.ledger import services
from joinedup.web.forms import GovukForm, choice_field, date_field, number_field, text_field


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
