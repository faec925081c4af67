"""People records: search, a person's record (with its history to those who may read the
audit trail, and to HR as the history of the people they manage) and the establishment. The
changes to a person's employment are in changes.py, HR's edits of the record and the staff
list in records.py, TUPE transfers in transfers.py, the spreadsheet import in imports.py, an
employee's and a manager's own pages in self_service.py and an employee's own changes in
my_changes.py.

Each view finds and authorises through a selector (404 for another partner's object, 403
without the right) and renders; the rules are the services' and selectors'."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from joinedup.partnership.audit_trail import person_history
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.people import equality, selectors
from joinedup.web import listing
from joinedup.web.current import current_partner, partner_page
from joinedup.web.forms import date_field
from joinedup.web.people.forms import PeopleSearchForm

SEARCH_PAGE_SIZE = 25


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    """Everyone matching the search, counted, a page at a time (or all of them as CSV or Excel,
    one row per employment), narrowed to one employer, by relevance or sorted by name."""
    if not partner_ids_with(request.user, "people.view"):
        raise PermissionDenied("Your roles do not include viewing people's records.")
    form = PeopleSearchForm(request.GET if "q" in request.GET else None, auto_id="%s")
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    filters = PeopleFilters(request.GET, partners=_employers(request))
    given = listing.chosen(filters)
    only = [int(given["partner"])] if "partner" in given else None
    download = request.GET.get("format", "") in listing.DOWNLOAD_FORMATS
    # The page counts up to SEARCH_COUNT_CAP matches and pages through those; past it, it says
    # "more than". The download has them all.
    if not q:
        found: list[Any] = []
    elif download:
        found = list(selectors.people_matching(request.user, q=q, partner_ids=only))
    else:
        cap = selectors.SEARCH_COUNT_CAP
        ids = selectors.people_matching_ids(request.user, q=q, partner_ids=only, cap=cap)
        found = selectors.people_in_order(request.user, ids, partner_ids=only)
    more = not download and len(found) > selectors.SEARCH_COUNT_CAP
    rows = found if download else found[: selectors.SEARCH_COUNT_CAP]
    for rank, person in enumerate(rows):
        person.relevance = rank
    listed = listing.rows_page(
        request,
        rows,
        sorts=SEARCH_SORTS,
        default="relevance",
        form=filters,
        extras=[listing.Extra("q", "Search", q, q)],
        download=listing.Download(
            SEARCH_HEADER,
            lambda person: (),
            f"people-{q}" if q else "people",
            rows=lambda ordered: _search_rows(request, ordered, only),
        ),
        per_page=SEARCH_PAGE_SIZE,
    )
    if isinstance(listed, HttpResponse):
        return listed
    context = {
        **listed.context(),
        "form": form,
        "q": q,
        "more": more,
        "cap": f"{selectors.SEARCH_COUNT_CAP:,}",
        "hits": selectors.search_hits(request.user, listed.page.object_list, partner_ids=only),
        "examples": selectors.search_examples(request.user),
        "can_change": _can_change_here(request),
    }
    return render(request, "web/people/search.html", context)


SEARCH_HEADER = ["name", "ni_number", "partner", "payroll_number", "start_date", "end_date"]
# "relevance" is the order the search finds people in (today by name, then id).
SEARCH_SORTS = {"relevance": ("relevance",), "name": ("search_name", "pk"), "ni_number": ("ni_number", "pk")}


class PeopleFilters(forms.Form):
    partner = forms.ChoiceField(required=False)

    def __init__(self, data: Any, *, partners: list[Partner]) -> None:
        super().__init__(data)
        self.fields["partner"] = listing.filter_choice(
            "Employer", [(str(p.pk), p.name) for p in partners], every="Every employer"
        )


def _employers(request: HttpRequest) -> list[Partner]:
    return list(Partner.objects.filter(pk__in=partner_ids_with(request.user, "people.view")).order_by("name"))


def _search_rows(request: HttpRequest, people: list[Any], only: list[int] | None) -> Iterator[list[Any]]:
    """One row per employment the user may see of each person found, in the list's order."""
    for start in range(0, len(people), 1000):
        for hit in selectors.search_hits(request.user, people[start : start + 1000], partner_ids=only):
            for e in hit.employments:
                yield [
                    hit.person.full_name,
                    hit.person.ni_number,
                    e.partner.code,
                    e.payroll_number,
                    e.start_date,
                    e.end_date,
                ]


def _can_change_here(request: HttpRequest) -> bool:
    """Whether to offer the change forms (hire, import, transfer) for the current partner."""
    partner = current_partner(request)
    return partner is not None and has_permission(request.user, "people.change", partner)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(request.user, person_id=person_id)
    employments = list(selectors.employments_of(request.user, person).select_related("partner"))
    as_at = _parse_date(request.GET.get("as_at")) or timezone.localdate()
    # None, and no History tab, to those who may read the history at none of the employers.
    history = person_history(request.user, person=person, employments=employments)
    waiting = selectors.pending_bank_change(request.user, person)
    rows = []
    for employment in employments:
        rows.append(
            {
                "employment": employment,
                "terms": selectors.terms_as_at(employment, as_at),
                "history": list(selectors.terms_history(employment)),
                "splits": list(selectors.cost_splits_of(employment)),
                "absences": list(employment.absences.for_partner(employment.partner_id)),
                "balance": selectors.leave_balance(employment, on=as_at),
                "can_change": has_permission(request.user, "people.change", employment.partner_id),
            }
        )
    return render(
        request,
        "web/people/person.html",
        {
            "person": person,
            "rows": rows,
            "as_at": as_at,
            "payroll_numbers": [e.payroll_number for e in employments],
            "events": history,
            "waiting": waiting,
            "can_change_person": any(row["can_change"] for row in rows),
            "can_see_equality": equality.may_view(request.user, person),
            "can_verify": waiting is not None
            and has_permission(request.user, "people.verify_bank_change", waiting.partner_id)
            and waiting.requested_by_id != request.user.pk,
        },
    )


class EstablishmentFilters(forms.Form):
    search = listing.filter_text("Post number or title")
    unit = listing.filter_choice("Unit", [], every="Every unit")
    status = listing.filter_choice("Filled or vacant", selectors.FILL_STATUSES, every="Every post")
    on = date_field("On", required=False, hint="The posts in being and who fills them on this day")

    def __init__(self, data: Any, *, units: list[tuple[int, str]]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", "Every unit"), *units]


ESTABLISHMENT_SORTS = {
    "post": ("code", "pk"),
    "unit": ("org_unit__name", "code", "pk"),
    "budgeted": ("budgeted_fte", "code", "pk"),
    "filled": ("filled_fte", "code", "pk"),
}


def _narrow_posts(rows: QuerySet[Any], given: dict[str, Any]) -> QuerySet[Any]:
    if "search" in given:
        rows = rows.filter(Q(code__icontains=given["search"]) | Q(title__icontains=given["search"]))
    if "unit" in given:
        rows = rows.filter(org_unit_id=int(given["unit"]))
    if "status" in given:
        rows = rows.filter(fill_status=given["status"])
    return rows


@login_required
def establishment(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.view")
    units = [(u.pk, u.name) for u in selectors.org_units_for(request.user, partner=partner).order_by("name")]
    filters = EstablishmentFilters(request.GET, units=units)
    on = listing.chosen(filters).get("on") or timezone.localdate()
    listed = listing.list_page(
        request,
        selectors.establishment_posts(request.user, partner=partner, on=on),
        sorts=ESTABLISHMENT_SORTS,
        default="post",
        form=filters,
        narrow=_narrow_posts,
        download=listing.Download(
            ["post", "title", "unit", "cost_centre", "budgeted_fte", "filled_fte", "vacant_fte", "status"],
            lambda p: [
                p.code,
                p.title,
                p.org_unit.name,
                p.cost_centre,
                p.budgeted_fte,
                p.filled_fte,
                max(p.budgeted_fte - p.filled_fte, Decimal(0)),
                p.fill_status,
            ],
            f"establishment-{partner.code.lower()}-{on}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    # The whole establishment's figures, whatever the filters leave.
    totals = selectors.establishment_totals(selectors.establishment(request.user, partner=partner, on=on))
    context = {**listed.context(), "on": on, "totals": totals, "can_change": _can_change_here(request)}
    return render(request, "web/people/establishment.html", context)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
