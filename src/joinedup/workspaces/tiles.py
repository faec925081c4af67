"""A tile is a count and the list it stands for; a section is one role's tiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from joinedup.core.dates import people_date


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    count: int
    href: str
    # What appears here, said when there is nothing yet (the empty state).
    empty: str
    # A figure beside the count that is not itself a count ("next: 25 December 2026").
    detail: str = ""


@dataclass(frozen=True)
class Section:
    role: str
    label: str
    tiles: list[Tile] = field(default_factory=list)


def link(url_name: str, **query: object) -> str:
    """The address of a list page with its filter, query keys sorted so the same filter always
    reads the same."""
    path = reverse(f"web:{url_name}")
    given = {k: str(v) for k, v in sorted(query.items()) if v not in (None, "")}
    return f"{path}?{urlencode(given)}" if given else path


def month_bounds(today: date) -> tuple[date, date]:
    """The first and last day of ``today``'s calendar month."""
    first = today.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return first, date.fromordinal(following.toordinal() - 1)


def long_date(day: date | None) -> str:
    """As people read a date: "25 November 2026"."""
    return people_date(day)
