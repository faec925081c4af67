"""Forms of the consultation pages. They parse; who may add what is the services' rule."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.change.models import EntryKind, Union
from joinedup.core.attachments import MAX_BYTES
from joinedup.web.forms import GovukForm, ModelChoice, choice_field, date_field, notes_field, text_field
from joinedup.web.templatetags.components import people_date


class ConsultationForm(GovukForm):
    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = ModelChoice(partners, label="Employer consulting", labeller=lambda p: p.name)
        self.order_fields(["partner"])

    establishment = text_field(
        "Establishment (optional)",
        max_length=100,
        required=False,
        hint="A location the employer's posts name, such as Winchester. Leave empty for the whole employer.",
    )
    start_date = date_field("Consultation begins")
    declared_number = forms.IntegerField(
        label="Number proposed redundant (optional)",
        required=False,
        min_value=0,
        help_text="When more are proposed than the people recorded at risk so far. The larger is used.",
        error_messages={"invalid": "Enter the number as a whole number, like 104."},
    )
    reasons = notes_field("Reasons for the proposals", max_length=5000)
    selection_method = notes_field("Proposed method of selection (optional)", max_length=5000)
    dismissal_method = notes_field("How dismissals will be carried out (optional)", max_length=5000)
    proposed_first_dismissal = date_field(
        "First dismissal proposed to take effect (optional)", required=False
    )
    proposed_last_dismissal = date_field("Last dismissal proposed to take effect (optional)", required=False)


class EntryForm(GovukForm):
    """An entry in the log; ``kinds`` are those the user's side may add."""

    def __init__(self, *args: Any, kinds: list[str], replies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EntryKind.choices)
        self.fields["kind"] = choice_field(
            "What to add", [(k, labels[k]) for k in kinds], what="kind of entry"
        )
        self.fields["reply_to"] = ModelChoice(
            replies,
            label="In reply to (optional)",
            required=False,
            labeller=lambda e: f"{e.get_kind_display()}: {e.title}",
        )
        self.order_fields(["kind", "occurred_on", "title"])

    occurred_on = date_field("Date")
    title = text_field("Title", max_length=200, hint="For example, Second consultation meeting")
    body = notes_field("Minutes, question, answer or proposal", max_length=50000)
    attendees = notes_field("Attendees (meetings)", max_length=5000)
    union = forms.ChoiceField(
        label="Union (a question management records)",
        required=False,
        choices=[("", "Not for one union"), *Union.choices],
    )


MAX_MB = MAX_BYTES // (1024 * 1024)


class DocumentForm(GovukForm):
    def __init__(self, *args: Any, entries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"] = ModelChoice(
            entries,
            label="Attach to",
            labeller=lambda e: f"{people_date(e.occurred_on)} {e.get_kind_display()}: {e.title}",
        )
        self.order_fields(["entry", "file"])

    file = forms.FileField(
        label="Document",
        help_text=f"PDF, Word, Excel, OpenDocument, text, CSV, PNG or JPEG, at most {MAX_MB} MB.",
        error_messages={
            "required": "Choose a document to attach.",
            "invalid": "Choose a document to attach.",
        },
    )


class Hr1SentForm(GovukForm):
    sent_on = date_field("HR1 sent on")


class CompleteForm(GovukForm):
    outcome = notes_field("Outcome", max_length=10000)

    def clean_outcome(self) -> str:
        value = self.cleaned_data.get("outcome", "")
        if not value:
            raise forms.ValidationError("Record the outcome of the consultation.")
        return str(value)
