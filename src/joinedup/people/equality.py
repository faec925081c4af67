"""Equality monitoring on the person record: sex, ethnicity and disability (the age band is
derived from the date of birth). Special-category data (UK GDPR art. 9): read and recorded only
by those holding ``people.view_special_category`` / ``people.change_special_category`` (HR and
the DPO) on a partner that employs the person; nothing else in joinedup reads the table but the
aggregate counts of the workforce-impact report (change/impact_selectors.py), which leave it
only as suppressed numbers. The audit event of a change names the questions answered, never the
answers: the audit trail is read by more roles than these.

The categories are a dated reference list (equality_categories.toml, ONS Census 2021 ethnic
groups for England and Wales) with its source."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from joinedup.audit.services import record_event
from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.people.models import Employment, Person, ProtectedCharacteristics

CATEGORIES_FILE = Path(__file__).with_name("equality_categories.toml")
VIEW = "people.view_special_category"
CHANGE = "people.change_special_category"
FIELDS = ("sex", "ethnicity", "disability")
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Categories:
    """The answers each question offers: code -> label (the declined answer included)."""

    sex: dict[str, str]
    ethnicity: dict[str, str]
    ethnic_group_of: dict[str, str]  # ethnicity code -> high-level group code
    ethnic_groups: dict[str, str]  # group code -> label
    disability: dict[str, str]
    declined: str
    declined_label: str
    age_band_lower: tuple[int, ...]
    ethnicity_source: str

    def choices(self, question: str) -> list[tuple[str, str]]:
        return list(getattr(self, question).items())


@functools.cache
def categories(path: Path = CATEGORIES_FILE) -> Categories:
    with path.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    declined = data["declined"]["code"]
    declined_label = data["declined"]["label"]

    def with_declined(rows: list[list[str]]) -> dict[str, str]:
        return {row[0]: row[1] for row in rows} | {declined: declined_label}

    ethnicity = data["ethnicity"]
    return Categories(
        sex=with_declined(data["sex"]["categories"]),
        ethnicity=with_declined(ethnicity["categories"]),
        ethnic_group_of={row[0]: row[2] for row in ethnicity["categories"]},
        ethnic_groups={row[0]: row[1] for row in ethnicity["groups"]},
        disability=with_declined(data["disability"]["categories"]),
        declined=declined,
        declined_label=declined_label,
        age_band_lower=tuple(data["age_bands"]["lower"]),
        ethnicity_source=ethnicity["source"],
    )


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_band(date_of_birth: date, on: date, lower: tuple[int, ...] | None = None) -> str:
    """The band of the person's age on ``on``: "Under 25", "25-34", …, "65 and over"."""
    bounds = categories().age_band_lower if lower is None else lower
    age = age_on(date_of_birth, on)
    if age < bounds[1]:
        return f"Under {bounds[1]}"
    for low, high in pairwise(bounds[1:]):
        if age < high:
            return f"{low}-{high - 1}"
    return f"{bounds[-1]} and over"


def age_band_labels(lower: tuple[int, ...] | None = None) -> list[str]:
    bounds = categories().age_band_lower if lower is None else lower
    return (
        [f"Under {bounds[1]}"]
        + [f"{low}-{high - 1}" for low, high in pairwise(bounds[1:])]
        + [f"{bounds[-1]} and over"]
    )


# --- Reads and the one write ------------------------------------------------------------------


def employers_of(person: Person) -> list[int]:
    return sorted(
        set(
            Employment.objects.unscoped(reason="which partners employ this person")
            .filter(person=person)
            .values_list("partner_id", flat=True)
        )
    )


def may_view(user: Any, person: Person) -> bool:
    return any(has_permission(user, VIEW, pid) for pid in employers_of(person))


def person_for_equality(user: Any, *, person_id: int) -> Person:
    """The person, through a partner employing them on which the user may read special-category
    data; anyone else (HR without it is no one: HR holds it; a payroll officer, a union rep)
    gets 404, as for another partner's person."""
    found = Person.objects.for_partners(partner_ids_with(user, VIEW)).filter(pk=person_id).first()
    if found is None:
        raise Http404("No such person.")
    return found


def protected_characteristics_of(user: Any, *, person: Person) -> ProtectedCharacteristics | None:
    """The person's answers, or None when none are recorded. 404 to anyone who may not read
    them at any of the person's employers."""
    partners = [pid for pid in employers_of(person) if has_permission(user, VIEW, pid)]
    if not partners:
        raise Http404("No such person.")
    return ProtectedCharacteristics.objects.for_partners(partners).filter(person=person).first()


def _check(question: str, answer: str) -> str:
    answer = answer.strip()
    if answer and answer not in getattr(categories(), question):
        raise ValidationError({question: "Choose one of the answers offered."})
    return answer


@transaction.atomic
def protected_characteristics_set(
    *, actor: Any, person: Person, sex: str = "", ethnicity: str = "", disability: str = ""
) -> ProtectedCharacteristics:
    """Record the person's answers (blank: not given). Authorised on every partner employing the
    person on which the actor holds ``people.change_special_category``; one audit event per such
    partner naming the questions whose answer changed, not the answers."""
    employers = employers_of(person)
    allowed = [pid for pid in employers if has_permission(actor, CHANGE, pid)]
    if not allowed:
        # 404 to those who cannot read them either, 403 to those who can read but not change.
        if not any(has_permission(actor, VIEW, pid) for pid in employers):
            raise Http404("No such person.")
        authorise(actor, CHANGE, employers[0])
    answers = {"sex": _check("sex", sex), "ethnicity": _check("ethnicity", ethnicity)}
    answers["disability"] = _check("disability", disability)
    record = (
        ProtectedCharacteristics.objects.for_partners(allowed)
        .select_for_update()
        .filter(person=person)
        .first()
    )
    if record is None:
        record = ProtectedCharacteristics(person=person)
    changed = sorted(name for name in FIELDS if getattr(record, name) != answers[name])
    if not changed:
        return record  # nothing to record (an unsaved, blank record when there was none)
    for name, value in answers.items():
        setattr(record, name, value)
    record.save()
    for partner_id in allowed:
        record_event(
            actor=actor,
            partner=partner_id,
            action="person.protected_characteristics_recorded",
            target=person,
            after={"questions_changed": changed},
        )
    return record
