"""HR's everyday edits of a record — contact and address, bank details (asked for by one
person, verified by a second), job title, unit and line manager — and the staff list.

Each view finds the record through a selector (404 for another partner's), calls one service
through ``submit`` or ``attempt`` and renders; the rules are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from joinedup.partnership.permissions import has_permission
from joinedup.people import selectors, services
from joinedup.people.models import Employment, Person
from joinedup.web import filtering
from joinedup.web.current import current_partner, partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import attempt, bound, submit
from joinedup.web.people.record_forms import (
    BankChangeForm,
    ContactForm,
    JobForm,
    RejectBankChangeForm,
    StaffFilterForm,
)
from joinedup.web.sorting import sort_from
from joinedup.workspaces import selectors as workspaces
from joinedup.workspaces.people import staff_filtered, staff_worklist_words


def _changeable_employment(request: HttpRequest, person: Person) -> Employment:
    """The person's employment at the partner the user works on, or else their first one the
    user may change: where the change is asked for and audited."""
    employments = list(selectors.employments_of(request.user, person).select_related("partner"))
    mine = [e for e in employments if has_permission(request.user, "people.change", e.partner_id)]
    if not mine:
        raise PermissionDenied("You cannot change this person's record.")
    here = current_partner(request)
    return next((e for e in mine if here is not None and e.partner_id == here.pk), mine[0])


@login_required
def edit_contact(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(request.user, person_id=person_id)
    _changeable_employment(request, person)
    initial = {name: getattr(person, name) for name in ContactForm.FIELDS}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        done = submit(
            form, lambda: services.person_update(actor=request.user, person=person, changes=changes)
        )
        if done is not None:
            messages.success(request, f"{person.full_name}'s contact details are saved.")
            return redirect("web:person", person_id=person.pk)
    return render(request, "web/people/contact.html", {"form": form, "person": person, "back": "web:person"})


@login_required
def bank_change(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(request.user, person_id=person_id)
    employment = _changeable_employment(request, person)
    form = bound(BankChangeForm, request)
    if request.method == "POST" and form.is_valid():
        change = submit(
            form,
            lambda: services.bank_change_request(
                actor=request.user, person=person, partner=employment.partner, **form.cleaned_data
            ),
        )
        if change is not None:
            messages.success(
                request,
                "Bank change asked for. It takes effect when another HR or payroll officer of "
                f"{employment.partner.name} verifies it; until then pay goes to the account held.",
            )
            return redirect("web:person", person_id=person.pk)
    context = {"form": form, "person": person, "waiting": selectors.pending_bank_change(request.user, person)}
    return render(request, "web/people/bank_change.html", context)


@login_required
@require_POST
def decide_bank_change(request: HttpRequest, change_id: int) -> HttpResponse:
    change = selectors.bank_change_for(request.user, change_id=change_id)
    if request.POST.get("decision") == "verify":
        if attempt(
            request, lambda: services.bank_change_verify(actor=request.user, change=change), denied=True
        ):
            messages.success(
                request, "Bank change verified: the new account is paid from the next calculation."
            )
    else:
        form = RejectBankChangeForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        rejected = attempt(
            request,
            lambda: services.bank_change_reject(actor=request.user, change=change, note=note),
            denied=True,
        )
        if rejected is not None:
            messages.success(request, "Bank change rejected: pay still goes to the account held.")
    return redirect("web:person", person_id=change.person_id)


@login_required
def change_job(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = selectors.employment_to_change(request.user, employment_id=employment_id)
    today = timezone.localdate()
    current = selectors.terms_as_at(employment, today)
    initial = {
        "job_title": employment.job_title,
        "org_unit": employment.org_unit_id,
        "line_manager": current.line_manager_id if current else None,
        "effective_from": today.isoformat(),
    }
    form = JobForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        units=selectors.org_units_for(request.user, partner=employment.partner),
        managers=selectors.line_manager_choices(request.user, employment=employment),
    )
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.employment_change_job(
                actor=request.user, employment=employment, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "The job is saved.")
            return redirect("web:person", person_id=employment.person_id)
    context = {"form": form, "employment": employment, "can_view_person": True}
    return render(request, "web/people/job.html", context)


STAFF_SORTS = {
    "name": ("person__family_name", "person__given_name", "payroll_number"),
    "payroll_number": ("payroll_number",),
    "job_title": ("job_title", "payroll_number"),
    "unit": ("org_unit__name", "payroll_number"),
    "started": ("start_date", "payroll_number"),
    "left": ("end_date", "payroll_number"),
}


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.view")
    on = timezone.localdate()
    filters = StaffFilterForm(
        request.GET or None,
        units=selectors.org_units_for(request.user, partner=partner),
        posts=selectors.posts_for(request.user, partner=partner),
    )
    chosen = selectors.StaffFilters()
    if filters.is_valid():
        data = filters.cleaned_data
        scheme = data["scheme"]
        chosen = selectors.StaffFilters(
            unit=data["unit"],
            post=data["post"],
            scheme_id=scheme.pk if scheme else None,
            status=data["status"],
        )
    rows = selectors.staff_list(request.user, partner=partner, filters=chosen, on=on)
    # The home page's HR tiles link here with their filter (workspaces.people.staff_filtered).
    worklist = request.GET.get("worklist", "")
    rows = staff_filtered(rows, partner_id=partner.pk, worklist=worklist, today=workspaces.today())
    if request.GET.get("format") in ("csv", "xlsx"):
        table = [
            [
                e.person.full_name,
                e.payroll_number,
                e.job_title,
                e.org_unit.name if e.org_unit else "",
                e.start_date,
                e.end_date,
            ]
            for e in rows
        ]
        header = ["name", "payroll_number", "job_title", "unit", "start_date", "end_date"]
        return export_response(request.GET["format"], header, table, f"staff-{partner.code.lower()}-{on}")
    filter_query = urlencode(
        {
            k: str(v)
            for k, v in request.GET.items()
            if k in ("unit", "post", "scheme", "status", "worklist") and v
        }
    )
    # Paged, so sorted by the server (web/sorting.py); the payroll number breaks ties.
    sort = sort_from(request, STAFF_SORTS, default="name", query=filter_query)
    page = Paginator(rows.order_by(*sort.order_by), 50).get_page(request.GET.get("page"))
    waiting = selectors.people_with_pending_bank_change(partner, [e.person_id for e in page])
    tile = staff_worklist_words(workspaces.today()).get(worklist, ("", ""))[0]
    context = {
        "filters": filters,
        "filter_panel": filtering.filters(
            request, [*filtering.chosen_in_form(filters), ("worklist", "From the home page", tile)]
        ),
        "page": page,
        "sort": sort,
        "query": f"{filter_query}&{sort.params}" if filter_query else sort.params,
        "filter_query": filter_query,
        "partner": partner,
        "on": on,
        "waiting": waiting,
    }
    return render(request, "web/people/staff.html", context)
