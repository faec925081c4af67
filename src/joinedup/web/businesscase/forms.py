"""Forms of the business-case pages. They parse and say what is missing; the rules (who may
decide for which partner, which version may be decided on) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.businesscase.models import DecisionBody, Outcome
from joinedup.web.forms import GovukForm, ModelChoice, choice_field, date_field, notes_field, text_field


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
