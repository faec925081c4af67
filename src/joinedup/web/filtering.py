"""The filters in force on a list, for MOJ's filter panel ({% filter_layout %}): each shown as a
tag that links to the same list without it, and a link that clears them all.

A view says which query keys are filters and how each chosen value reads; sorting and the page
are not filters, so removing a filter keeps the sort and starts again at page one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest


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
