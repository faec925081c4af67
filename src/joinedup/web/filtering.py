"""The filters in force on a list, for MOJ's filter panel ({% filter_layout %}): each shown as a
tag that links to the same list without it, and a link that clears them all.

A view says which query keys are filters and how each chosen value reads; sorting and the page
are not filters, so removing a filter keeps the sort and starts again at page one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest

from joinedup.web.templatetags.components import people_date


@dataclass(frozen=True)
class Chosen:
    heading: str  # what the filter is: "Status"
    label: str  # the value chosen, as people read it: "In progress"
    remove: str  # the list's address without this filter


@dataclass(frozen=True)
class Filters:
    chosen: list[Chosen]
    clear: str  # the list's address without any filter


def _address(request: HttpRequest, drop: set[str]) -> str:
    query = request.GET.copy()
    for key in (*drop, "page"):
        query.pop(key, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def filters(request: HttpRequest, given: Iterable[tuple[str, str, str]]) -> Filters:
    """``given``: (query key, heading, label of the value in force, or "" when none) for each of
    the list's filters, in the panel's order."""
    given = list(given)
    keys = {key for key, _, _ in given}
    chosen = [Chosen(heading, label, _address(request, {key})) for key, heading, label in given if label]
    return Filters(chosen=chosen, clear=_address(request, keys))


def chosen_in_form(form: forms.Form) -> list[tuple[str, str, str]]:
    """A valid filter form's fields as ``filters`` takes them: each choice field's key, label and
    the label of the choice in force ("" when none)."""
    found = []
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, "", [], False):
            label = ""
        elif isinstance(field, forms.ModelChoiceField):
            label = str(field.label_from_instance(value))
        elif isinstance(field, forms.ChoiceField):
            label = _choice_labels(field.choices).get(str(value), str(value))
        elif isinstance(value, date):
            label = people_date(value)  # as every date on the page reads, not as typed
        else:
            label = str(value)
        found.append((name, str(field.label or name), label))
    return found


def _choice_labels(choices: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, label in choices:
        if isinstance(label, list | tuple):  # a named group of choices
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(key)] = str(label)
    return labels
