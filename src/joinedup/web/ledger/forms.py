"""The form of a manual journal: its date and description, and a row per line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from joinedup.core.money import pounds_to_pence
from joinedup.ledger import services


class JournalForm(forms.Form):
    date = forms.DateField(label="Date", help_text="For example, 2026-08-14. It must fall in an open period.")
    description = forms.CharField(label="What the journal is for", max_length=200)


class LineForm(forms.Form):
    account = forms.ChoiceField(label="Account")
    cost_centre = forms.ChoiceField(label="Cost centre", required=False)
    counterparty = forms.CharField(label="Other partner", max_length=20, required=False)
    debit = forms.DecimalField(
        label="Debit (£)", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    credit = forms.DecimalField(
        label="Credit (£)", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label="Line description", max_length=200, required=False)

    def __init__(
        self, *args: Any, accounts: list[tuple[str, str]], centres: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = [("", "Choose an account"), *accounts]
        cast(forms.ChoiceField, self.fields["cost_centre"]).choices = [("", "None"), *centres]

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
