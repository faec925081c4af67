"""Server-rendered pages. Each view parses, authorises through a selector, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.core import tabular
from joinedup.partnership.audit_trail import audit_events_for
from joinedup.web.components import TimelineItem
from joinedup.web.current import choose_partner, current_partner, partner_page
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


@login_required
def audit_events(request: HttpRequest) -> HttpResponseBase:
    partner = partner_page(request, "audit.view")
    action = request.GET.get("action", "").strip()
    events = audit_events_for(request.user, partner=partner, action=action)
    if request.GET.get("format") == "csv":
        writer = tabular.csv_writer(_Echo())
        header = ["seq", "occurred_at", "actor", "action", "object_type", "object_id", "request_id", "hash"]
        rows = (
            [
                e.seq,
                e.occurred_at.isoformat(),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_id,
                e.request_id,
                e.hash,
            ]
            for e in events.iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _prepend(header, rows)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{partner.code.lower()}.csv"'
        return response
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # The audit trail as a timeline (web/components/_timeline.html), newest first.
    timeline = [
        TimelineItem(
            title=e.action,
            when=e.occurred_at,
            byline=e.actor_label,
            description=f"{e.object_type} {e.object_id} · event {e.seq}",
        )
        for e in page
    ]
    context: dict[str, Any] = {"page": page, "timeline": timeline, "action": action, "partner": partner}
    template = "web/_audit_table.html" if request.headers.get("HX-Request") else "web/audit_events.html"
    return render(request, template, context)


def _prepend(first: list[Any], rest: Any) -> Any:
    yield first
    yield from rest
