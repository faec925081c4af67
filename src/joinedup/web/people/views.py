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
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from joinedup.partnership.audit_trail import person_history
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.people import equality, selectors
from joinedup.web.current import current_partner, partner_page
from joinedup.web.exports import export_response
from joinedup.web.people.forms import PeopleSearchForm

SEARCH_PAGE_SIZE = 25


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    """Everyone matching the search, counted, a page at a time (or all of them as CSV or Excel)."""
    if not partner_ids_with(request.user, "people.view"):
        raise PermissionDenied("Your roles do not include viewing people's records.")
    form = PeopleSearchForm(request.GET if "q" in request.GET else None, auto_id="%s")
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    if q and request.GET.get("format") in ("csv", "xlsx"):
        matching = selectors.people_matching(request.user, q=q)
        header = ["name", "ni_number", "partner", "payroll_number", "start_date", "end_date"]
        return export_response(request.GET["format"], header, _search_rows(request, matching), f"people-{q}")
    # The page counts up to SEARCH_COUNT_CAP matches and pages through those; past it, it says
    # "more than" (the download has them all).
    found = selectors.people_matching_ids(request.user, q=q, cap=selectors.SEARCH_COUNT_CAP) if q else None
    more = found is not None and len(found) > selectors.SEARCH_COUNT_CAP
    page = (
        Paginator(found[: selectors.SEARCH_COUNT_CAP], SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        if found is not None
        else None
    )
    context = {
        "form": form,
        "q": q,
        "page": page,
        "more": more,
        "cap": f"{selectors.SEARCH_COUNT_CAP:,}",
        "hits": selectors.search_hits(request.user, selectors.people_in_order(request.user, list(page)))
        if page is not None
        else [],
        "query": urlencode({"q": q}),
        "examples": selectors.search_examples(request.user),
        "can_change": _can_change_here(request),
    }
    return render(request, "web/people/search.html", context)


def _search_rows(request: HttpRequest, matching: Any) -> Iterator[list[Any]]:
    pages = Paginator(matching, 1000)
    for number in pages.page_range:
        for hit in selectors.search_hits(request.user, pages.page(number)):
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


@login_required
def establishment(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.view")
    on = _parse_date(request.GET.get("on")) or timezone.localdate()
    lines = selectors.establishment(request.user, partner=partner, on=on)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = [
            [
                ln.post.code,
                ln.post.title,
                ln.post.org_unit.name,
                ln.post.cost_centre,
                ln.post.budgeted_fte,
                ln.filled_fte,
                ln.vacant_fte,
                ln.status,
            ]
            for ln in lines
        ]
        header = [
            "post",
            "title",
            "unit",
            "cost_centre",
            "budgeted_fte",
            "filled_fte",
            "vacant_fte",
            "status",
        ]
        return export_response(
            request.GET["format"], header, rows, f"establishment-{partner.code.lower()}-{on}"
        )
    totals = selectors.establishment_totals(lines)
    context = {"lines": lines, "on": on, "totals": totals, "can_change": _can_change_here(request)}
    return render(request, "web/people/establishment.html", context)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
