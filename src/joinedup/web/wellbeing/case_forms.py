"""The forms of the occupational-health case pages. They parse; every rule (consent, who may
refer, the workflow, the report's release) is the services' (wellbeing/cases.py, notes.py,
reports.py)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from joinedup.web.forms import choice_field, date_field, notes_field, text_field
from joinedup.wellbeing.models import AppointmentMode, AppointmentStatus, CasePriority, Outcome


class ReferralForm(forms.Form):
    reason = text_field(
        "Why you are referring them",
        max_length=10000,
        what="reason for the referral",
        hint="What you have noticed at work. Occupational health reads this; keep to the facts.",
        widget=forms.Textarea,
    )
    questions = notes_field(
        "Questions for occupational health (optional)",
        hint="For example, is she fit for her role, and which adjustments would help?",
        max_length=10000,
    )
    consent_date = date_field(
        "Date the employee gave informed consent (optional)",
        required=False,
        what="date of consent",
        hint="Leave it empty to save a draft; a referral is sent only with consent. For example, 2026-04-01",
    )
    see_report_first = forms.BooleanField(
        label="The employee wants to see the report before you do", required=False
    )


class ConsentForm(forms.Form):
    consent_date = date_field("Date the employee gave informed consent", what="date of consent")
    see_report_first = forms.BooleanField(
        label="The employee wants to see the report before you do", required=False
    )


class SelfReferralForm(forms.Form):
    reason = text_field(
        "Why you would like to see occupational health",
        max_length=10000,
        what="reason",
        hint="Only occupational health reads this.",
        widget=forms.Textarea,
    )
    questions = notes_field("Anything you would like them to answer (optional)", max_length=10000)
    see_report_first = forms.BooleanField(
        label="I want to see the report before anyone else does", required=False
    )

    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(partners) > 1:
            self.fields["partner"] = choice_field(
                "Which employer is this referral about",
                [("", "Choose the employer")] + [(str(p.pk), p.name) for p in partners],
                what="employer",
            )


class TriageForm(forms.Form):
    priority = choice_field("Priority", CasePriority.choices)

    def __init__(self, *args: Any, clinicians: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"] = choice_field(
            "Clinician",
            [("", "Choose the clinician")]
            + [(str(c.pk), c.get_full_name() or c.username) for c in clinicians],
        )


class AppointmentForm(forms.Form):
    day = date_field("Day of the appointment", what="day of the appointment")
    at = forms.TimeField(
        label="Time",
        help_text="24-hour clock, UK time. For example, 10:30",
        input_formats=["%H:%M"],
        error_messages={
            "required": "Enter the time of the appointment.",
            "invalid": "Enter the time on the 24-hour clock, like 10:30.",
        },
    )
    mode = choice_field("How it is held", AppointmentMode.choices, what="way it is held")

    def starts_at(self) -> datetime:
        day, at = self.cleaned_data["day"], self.cleaned_data["at"]
        return timezone.make_aware(datetime.combine(day, time(at.hour, at.minute)))


RECORDABLE = [
    (AppointmentStatus.ATTENDED, AppointmentStatus.ATTENDED.label),
    (AppointmentStatus.DID_NOT_ATTEND, AppointmentStatus.DID_NOT_ATTEND.label),
    (AppointmentStatus.CANCELLED, AppointmentStatus.CANCELLED.label),
]


class AppointmentRecordForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput)
    status = choice_field("What happened", RECORDABLE, what="outcome of the appointment")


class AdjustmentForm(forms.Form):
    what = text_field(
        "The adjustment, in the employer's words",
        max_length=2000,
        what="adjustment",
        hint="What HR puts in place; no clinical detail. For example, a phased return over four weeks.",
        widget=forms.Textarea,
    )
    starts_on = date_field("Starts on", what="day it starts")
    review_on = date_field("Review on (optional)", required=False, what="review date")


class NoteForm(forms.Form):
    text = text_field("Clinical note", max_length=20000, what="note", widget=forms.Textarea)


class ReportForm(forms.Form):
    outcome = choice_field("Outcome", Outcome.choices)
    adjustments = notes_field(
        "Adjustments (optional)",
        hint="What the referrer reads: no diagnosis or treatment. Needed when fit with adjustments.",
        max_length=10000,
    )
    expected_return = date_field("Expected return to work (optional)", required=False, what="expected return")
    review_date = date_field("Review date (optional)", required=False, what="review date")
