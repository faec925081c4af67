"""Equality monitoring answers on a person's record: read and recorded by HR and the DPO of a
partner employing the person (people/equality.py decides); anyone else gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.partnership.permissions import has_permission
from joinedup.people import equality
from joinedup.web.forms import GovukForm, add_errors


def _choices(question: str) -> list[tuple[str, str]]:
    return [("", "Not recorded"), *equality.categories().choices(question)]


class EqualityForm(GovukForm):
    sections = [("Equality monitoring (special-category data)", ["sex", "ethnicity", "disability"])]
    sex = forms.ChoiceField(label="Sex", required=False, choices=lambda: _choices("sex"))
    ethnicity = forms.ChoiceField(
        label="Ethnic group (ONS Census 2021 categories)",
        required=False,
        choices=lambda: _choices("ethnicity"),
    )
    disability = forms.ChoiceField(
        label="Do they consider themselves disabled?", required=False, choices=lambda: _choices("disability")
    )


@login_required
def person_equality(request: HttpRequest, person_id: int) -> HttpResponse:
    person = equality.person_for_equality(request.user, person_id=person_id)
    record = equality.protected_characteristics_of(request.user, person=person)
    initial = {name: getattr(record, name, "") if record else "" for name in equality.FIELDS}
    form = EqualityForm(request.POST if request.method == "POST" else None, initial=initial)
    may_change = any(
        has_permission(request.user, equality.CHANGE, pid) for pid in equality.employers_of(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            equality.protected_characteristics_set(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name}'s equality monitoring answers are saved.")
            return redirect("web:person_equality", person_id=person.pk)
    labels = equality.categories()
    shown = {
        "Sex": labels.sex.get(initial["sex"], "Not recorded"),
        "Age band": equality.age_band(person.date_of_birth, timezone.localdate()),
        "Ethnic group": labels.ethnicity.get(initial["ethnicity"], "Not recorded"),
        "Disability": labels.disability.get(initial["disability"], "Not recorded"),
    }
    return render(
        request,
        "web/people/equality.html",
        {
            "person": person,
            "form": form,
            "shown": shown,
            "may_change": may_change,
            "source": labels.ethnicity_source,
        },
    )
