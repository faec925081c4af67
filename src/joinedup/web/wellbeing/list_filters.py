"""Parts the occupational-health lists share (web/listing.py): the organisation a user of several
partners narrows to and the search for an employee by payroll number or name (the list shape for
rows worked out in Python is web/listing.py's ``rows_page``).

Both only narrow rows a selector has already chosen for the user: a filter never widens what the
page may show, and nothing here reads a case's or a referral's words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from joinedup.partnership.models import Partner
from joinedup.web import listing


def organisation(partners: Iterable[Partner]) -> forms.ChoiceField:
    return listing.filter_choice(
        "Organisation", [(str(p.pk), p.name) for p in partners], every="Every organisation"
    )


def employee() -> forms.CharField:
    return listing.filter_text("Employee", hint="Their name or payroll number")


def chosen_partner(partners: Iterable[Partner], given: dict[str, Any]) -> Partner | None:
    return next((p for p in partners if str(p.pk) == given.get("partner")), None)


def by_employee(found: QuerySet[Any], text: str, *, employment: str = "employment") -> QuerySet[Any]:
    """Narrowed to the employee searched for: their payroll number, or every word of their name."""
    if not text:
        return found
    name = Q()
    for word in text.casefold().split():
        name &= Q(**{f"{employment}__person__search_name__contains": word})
    return found.filter(Q(**{f"{employment}__payroll_number__iexact": text}) | name)
