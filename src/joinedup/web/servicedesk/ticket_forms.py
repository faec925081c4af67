"""The ticket pages' forms (GOV.UK fields from web.forms); the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.core.attachments import MAX_BYTES
from joinedup.servicedesk.models import Category, Level, Priority, Service, TicketStatus, TicketType
from joinedup.web.forms import ModelChoice, choice_field, text_field

WORKING = [
    (s, TicketStatus(s).label)
    for s in ("assigned", "in_progress", "waiting_requester", "waiting_third_party")
]


class TicketForm(forms.Form):
    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(partners) > 1:
            self.fields["partner"] = choice_field(
                "Which organisation is this for?",
                [("", "Choose"), *((p.pk, p.name) for p in partners)],
                what="organisation",
            )
            self.order_fields(["partner"])

    service = choice_field("Service", Service.choices)
    ticket_type = choice_field("Type", TicketType.choices, what="type of ticket")
    category = ModelChoice(Category.objects.filter(active=True), label="Category (optional)", required=False)
    subject = text_field("Subject", max_length=200, hint="In a few words.")
    description = text_field("Description", max_length=20000, widget=forms.Textarea)
    impact = choice_field(
        "Impact", Level.choices, hint="High: a whole service or team; medium: several people; low: you alone."
    )
    urgency = choice_field(
        "Urgency", Level.choices, hint="High: work has stopped; medium: work is slowed; low: it can wait."
    )


class MessageForm(forms.Form):
    body = text_field("Message", max_length=20000, widget=forms.Textarea, what="message")


class ReasonForm(forms.Form):
    reason = text_field("Reason", max_length=2000, widget=forms.Textarea)


class AssignForm(forms.Form):
    def __init__(self, *args: Any, teams: Any, agents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"] = ModelChoice(teams, label="Team (optional)", required=False)
        self.fields["assignee"] = choice_field(
            "Agent (optional)", [("", "None"), *((a.pk, a.get_full_name() or a.username) for a in agents)]
        )
        self.fields["assignee"].required = False


class StatusForm(forms.Form):
    status = choice_field("New status", WORKING, what="status")
    body = text_field(
        "Message to the requester (optional)", max_length=20000, required=False, widget=forms.Textarea
    )


class PriorityForm(forms.Form):
    priority = choice_field("Priority", Priority.choices)
    reason = text_field("Reason", max_length=2000)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text=f"PDF, Word, Excel, OpenDocument, text, CSV, PNG or JPEG, up to {MAX_BYTES // 1048576} MB.",
        error_messages={"required": "Choose a document to attach."},
    )


class AssetLinkForm(forms.Form):
    asset = text_field("Asset tag", max_length=40, hint="As on its label, like WCC-LT-0001.")
