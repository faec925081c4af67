"""Server-rendered pages. Each view parses, authorises through a selector, and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.core import tabular
from joinedup.partnership.audit_trail import audit_events_for
from joinedup.web import listing
from joinedup.web.current import choose_partner, current_partner, partner_page
from joinedup.web.forms import date_field
from joinedup.workspaces import selectors as workspaces


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    authentication_form = AuthenticationForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    pass


def site_page(request: HttpRequest, page: str) -> HttpResponse:
    """The accessibility statement, privacy notice and help page: public, so someone who
    cannot sign in can still read them."""
    return render(request, f"web/site/{page}.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partner = current_partner(request)
    work = (
        workspaces.worklist(request.user, partner=partner, today=workspaces.today())
        if partner is not None
        else None
    )
    return render(request, "web/home.html", {"partner": partner, "worklist": work})


@login_required
@require_POST
def switch_partner(request: HttpRequest) -> HttpResponse:
    try:
        partner_id = int(request.POST.get("partner", ""))
    except ValueError as exc:
        raise Http404("No such partner.") from exc
    if not choose_partner(request, partner_id):
        raise Http404("No such partner.")
    return redirect("web:home")


class _Echo:
    def write(self, value: str) -> str:
        return value


class AuditFilters(forms.Form):
    action = listing.filter_text("Action starts with", hint="For example, membership.")
    # Typed, not chosen from the kinds the chain holds: finding those reads the partner's whole
    # chain, which runs to millions of events, on every visit.
    object_type = listing.filter_text("About", hint="The kind of object, for example payroll.payrun.")
    date_from = date_field("From", required=False, what="first day")
    date_to = date_field("To", required=False, what="last day")


# Only the orders an index of the partner's chain keeps: a chain runs to millions of events, and
# sorting them by action would sort all of them for each page.
AUDIT_SORTS = {
    "seq": ("seq",),
    "occurred_at": ("occurred_at", "seq"),
}
AUDIT_HEADER = ["seq", "occurred_at", "actor", "action", "object_type", "object_id", "request_id", "hash"]


def _audit_row(e: Any) -> list[Any]:
    return [e.seq, e.occurred_at, e.actor_label, e.action, e.object_type, e.object_id, e.request_id, e.hash]


@login_required
def audit_events(request: HttpRequest) -> HttpResponseBase:
    partner = partner_page(request, "audit.view")
    filters = AuditFilters(request.GET)
    given = listing.chosen(filters)
    events = audit_events_for(request.user, partner=partner, **given)
    if request.GET.get("format") == "csv":
        # Streamed, a chunk at a time: a partner's chain runs to millions of events, and an
        # auditor re-checks it from seq and hash in this file.
        writer = tabular.csv_writer(_Echo())
        rows = (
            [e.seq, e.occurred_at.isoformat(), *_audit_row(e)[2:]] for e in events.iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _prepend(AUDIT_HEADER, rows)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{partner.code.lower()}.csv"'
        return response
    listed = listing.list_page(
        request,
        events,
        sorts=AUDIT_SORTS,
        default="seq",
        descending=True,
        form=filters,
        download=listing.Download(AUDIT_HEADER, _audit_row, f"audit-{partner.code.lower()}"),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    context: dict[str, Any] = {**listed.context(), "partner": partner}
    template = "web/_audit_table.html" if request.headers.get("HX-Request") else "web/audit_events.html"
    return render(request, template, context)


def _prepend(first: list[Any], rest: Any) -> Any:
    yield first
    yield from rest
