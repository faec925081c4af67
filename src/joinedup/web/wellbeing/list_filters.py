"""Parts the occupational-health lists share (web/listing.py): the organisation a user of several
partners narrows to, the search for an employee by payroll number or name, and the list shape
for rows worked out in Python (health surveillance's statuses on a day).

Both only narrow rows a selector has already chosen for the user: a filter never widens what the
page may show, and nothing here reads a case's or a referral's words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from joinedup.partnership.models import Partner
from joinedup.web import filtering, listing
from joinedup.web.exports import export_response
from joinedup.web.sorting import sort_from


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
    form: forms.Form,
    download: listing.Download,
    per_page: int = 25,
) -> listing.Listing | HttpResponse:
    """``listing.list_page`` for rows a selector works out in Python (each person's status on a
    day) rather than a query: the same filters panel, sort, pages and downloads. ``rows`` are
    already narrowed by the form's filters; the sort's columns are the rows' attributes."""
    given = listing.chosen(form)
    filter_query = urlencode({name: request.GET.getlist(name) for name in given}, doseq=True)
    sort = sort_from(request, sorts, default=default, descending=descending, query=filter_query)
    ordered = _sorted(rows, sort.order_by)
    fmt = request.GET.get("format", "")
    if fmt in listing.DOWNLOAD_FORMATS:
        return export_response(fmt, download.header, (download.row(row) for row in ordered), download.name)
    panel = filtering.filters(request, filtering.chosen_in_form(form))
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    return listing.Listing(page=page, sort=sort, form=form, panel=panel, filter_query=filter_query)
