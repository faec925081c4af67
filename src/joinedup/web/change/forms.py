"""Forms of the workforce-change pages. They parse and say what is missing; the rules (who may,
what a structure may change) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.web.forms import GovukForm, ModelChoice, date_field, notes_field, text_field


class ProgrammeForm(GovukForm):
    name = text_field("Name", max_length=200, hint="For example, One HR and payroll service")
    start_date = date_field("Start date")
    end_date = date_field("End date (optional)", required=False)
    description = notes_field("Description (optional)", max_length=5000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date.")
        return data


class MilestoneForm(GovukForm):
    name = text_field("Milestone", max_length=200, hint="For example, Consultation opens")
    due = date_field("Due")


class StructureForm(GovukForm):
    name = text_field("Structure name", max_length=200, hint="For example, Shared HR team")
    effective_date = date_field("Takes effect on")


class DeletePostForm(GovukForm):
    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"] = ModelChoice(
            posts, label="Post to delete", labeller=lambda p: f"{p.partner.code} {p.code} {p.title}"
        )
        self.fields["note"] = text_field("Reason (optional)", max_length=300, required=False)


class ApplyForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have checked the changes and want to make them to the establishment",
        error_messages={"required": "Confirm that you want to make these changes."},
    )
