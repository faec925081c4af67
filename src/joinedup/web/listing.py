"""One shape for every list page that grows without bound (pay runs, journals, tickets…): a filter
panel whose form narrows the rows, sorting by the server, pages, and a CSV/XLSX download of
exactly what the filters leave — every row, not only the page on screen.

A view builds its rows from a selector, hands them here with its filter form, its sort columns
and its download, and renders the context; ``{% include "web/_list_filters.html" %}``,
``web/_list_caption.html`` and ``web/_pagination.html`` draw the parts. The census in
web/tests/test_lists.py keeps every list page to this shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from joinedup.web import filtering
from joinedup.web.exports import export_response
from joinedup.web.sorting import Sort, sort_from

DOWNLOAD_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Download:
    header: Sequence[str]
    row: Callable[[Any], Sequence[object]]  # one object of the list -> its cells
    name: str  # the file's name, without the extension
    # For a list whose object is several rows of the download (a person found, one row per
    # employment): the download's rows made from all the list's objects, in the list's order;
    # ``row`` is then not called.
    rows: Callable[[list[Any]], Iterable[Sequence[object]]] | None = None

    def cells(self, ordered: Iterable[Any]) -> Iterable[Sequence[object]]:
        if self.rows is not None:
            return self.rows(list(ordered))
        return (self.row(each) for each in ordered)


@dataclass(frozen=True)
class Extra:
    """A filter the view applies itself, outside the form (a home-page tile's ``?worklist=``): kept
    in the page's links and shown as a removable tag while in force."""

    key: str
    heading: str
    label: str  # the value in force as people read it; "" when not in force
    value: str = ""


@dataclass(frozen=True)
class Listing:
    page: Page[Any]
    sort: Sort
    form: forms.Form | None
    panel: filtering.Filters
    filter_query: str  # the filters in force, encoded: the download links keep them
    extras: Sequence[Extra] = field(default_factory=tuple)

    @property
    def query(self) -> str:
        """Filters and sort, for the pagination links."""
        return f"{self.filter_query}&{self.sort.params}" if self.filter_query else self.sort.params

    def context(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "sort": self.sort,
            "filter_form": self.form,
            "filter_panel": self.panel,
            "filter_extras": [extra for extra in self.extras if extra.label],
            "query": self.query,
            "filter_query": self.filter_query,
        }


def chosen(form: forms.Form | None) -> dict[str, Any]:
    """The form's filters in force: each valid field with a value. A field whose value is not
    valid (a hand-edited address) is left out rather than refusing the whole list."""
    if form is None:
        return {}
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {name: value for name, value in data.items() if value not in (None, "", [], (), False)}


def list_page(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    sorts: Mapping[str, Sequence[str]],
    default: str,
    descending: bool = False,
    form: forms.Form | None = None,
    narrow: Callable[[QuerySet[Any], dict[str, Any]], QuerySet[Any]] | None = None,
    extras: Iterable[Extra] = (),
    download: Download | None = None,
    per_page: int = 25,
) -> Listing | HttpResponse:
    """The list's page, or its download when the request asks ``?format=csv|xlsx``.

    ``form`` is bound to the request's query by the caller, every field optional; ``narrow``
    applies the filters in force (``chosen(form)``) to the rows.
    """
    given = chosen(form)
    if narrow is not None and given:
        rows = narrow(rows, given)
    return _shaped(
        request,
        given,
        lambda sort: rows.order_by(*sort.order_by),
        sorts=sorts,
        default=default,
        descending=descending,
        form=form,
        extras=extras,
        download=download,
        per_page=per_page,
    )


def _key(value: Any) -> tuple[Any, ...]:
    return (True,) if value is None else (False, value)


def _sorted(rows: Sequence[Any], order_by: Sequence[str]) -> list[Any]:
    """``rows`` ordered as a query's ``order_by`` would order them, by attribute ("-" descending,
    empty values last ascending)."""
    ordered = list(rows)
    for name in reversed(order_by):
        attribute = name.removeprefix("-")
        ordered.sort(key=lambda row: _key(getattr(row, attribute)), reverse=name.startswith("-"))
    return ordered


def rows_page(
    request: HttpRequest,
    rows: Sequence[Any],
    *,
    sorts: Mapping[str, Sequence[str]],
    default: str,
    descending: bool = False,
    form: forms.Form | None = None,
    extras: Iterable[Extra] = (),
    download: Download | None = None,
    per_page: int = 25,
) -> Listing | HttpResponse:
    """``list_page`` for rows a selector works out in Python (each person's status on a day, two
    kinds of record merged) rather than a query: the same filters panel, sort, pages and
    downloads. ``rows`` are already narrowed by the form's filters (and the extras); the sort's
    columns are the rows' attributes."""
    return _shaped(
        request,
        chosen(form),
        lambda sort: _sorted(rows, sort.order_by),
        sorts=sorts,
        default=default,
        descending=descending,
        form=form,
        extras=extras,
        download=download,
        per_page=per_page,
    )


def _shaped(
    request: HttpRequest,
    given: dict[str, Any],
    order: Callable[[Sort], Any],
    *,
    sorts: Mapping[str, Sequence[str]],
    default: str,
    descending: bool,
    form: forms.Form | None,
    extras: Iterable[Extra],
    download: Download | None,
    per_page: int,
) -> Listing | HttpResponse:
    """What both kinds of list share once their rows are narrowed: ``order`` puts them in the
    sort asked for; the filters in force are kept in every link and shown in the panel."""
    extras = tuple(extras)
    kept = {name: request.GET.getlist(name) for name in given}
    kept.update({extra.key: [extra.value] for extra in extras if extra.label})
    filter_query = urlencode(kept, doseq=True)
    sort = sort_from(request, sorts, default=default, descending=descending, query=filter_query)
    ordered = order(sort)
    fmt = request.GET.get("format", "")
    if download is not None and fmt in DOWNLOAD_FORMATS:
        return export_response(fmt, download.header, download.cells(ordered), download.name)
    panel = filtering.filters(
        request,
        [
            *(filtering.chosen_in_form(form) if form is not None else []),
            *((extra.key, extra.heading, extra.label) for extra in extras),
        ],
    )
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, form=form, panel=panel, filter_query=filter_query, extras=extras)


def filter_choice(label: str, choices: Iterable[tuple[Any, Any]], *, every: str) -> forms.ChoiceField:
    """An optional select of a filter form, its first option the whole list ("Every status")."""
    return forms.ChoiceField(label=label, choices=[("", every), *choices], required=False)


def filter_text(label: str, *, hint: str = "") -> forms.CharField:
    """An optional search box of a filter form."""
    return forms.CharField(label=label, help_text=hint, required=False, max_length=100, strip=True)
