"""Service-desk ticket pages.

Self-service for every employee: "My tickets" (raise one, list, open one, reply, attach, reopen
or confirm closed a resolved one, take a complaint to stage 2). For agents: the queue of the
partners they serve (by team, status, priority, partner) and the ticket page's agent forms
(reply, internal note, assign, status, resolve, priority). For managers: their team's tickets,
read only.

A ticket is found through ``selectors.ticket_for`` before any form is read, so another
partner's, or a colleague's, answers 404; its history comes from ``selectors.history``, which
leaves internal notes out for anyone but agents and administrators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core import attachments
from joinedup.partnership.models import Membership, Partner, Role
from joinedup.partnership.permissions import partner_ids_with
from joinedup.servicedesk import satisfaction, selectors, services, ticket_assets, ticket_clocks
from joinedup.servicedesk.models import Priority, Service, Team, Ticket, TicketStatus
from joinedup.web import listing
from joinedup.web.forms import add_errors, attempt, submit
from joinedup.web.servicedesk.ticket_forms import (
    AssetLinkForm,
    AssignForm,
    AttachmentForm,
    MessageForm,
    PriorityForm,
    ReasonForm,
    StatusForm,
    TicketForm,
)


def _posted(request: HttpRequest, name: str) -> Any:
    """The POST data when this page's form ``name`` was sent, else None (an unbound form)."""
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


class TicketFilters(forms.Form):
    """A requester's or a manager's list of tickets: every status (not only the open ones)."""

    status = listing.filter_choice("Status", TicketStatus.choices, every="Every status")
    service = listing.filter_choice("Service", Service.choices, every="Every service")
    q = listing.filter_text("Reference or subject")


TICKET_SORTS = {
    "raised": ("raised_at", "pk"),
    "reference": ("reference", "pk"),
    "service": ("service", "-raised_at", "-pk"),
    "priority": ("priority", "-raised_at", "-pk"),
    "status": ("status", "-raised_at", "-pk"),
}


def _narrow(rows: QuerySet[Ticket], given: dict[str, Any]) -> QuerySet[Ticket]:
    if "status" in given:
        rows = rows.filter(status=given["status"])
    if "service" in given:
        rows = rows.filter(service=given["service"])
    return _search(rows, given.get("q", ""))


def _tickets_listed(
    request: HttpRequest, rows: QuerySet[Ticket], *, name: str, requester: bool
) -> listing.Listing | HttpResponse:
    """A requester's or a manager's tickets, newest first; the download holds what the page
    shows (no event of a ticket, so never an internal note)."""
    header = ["reference", "subject", *(["requester"] if requester else []), "service", "priority", "status"]
    return listing.list_page(
        request,
        rows,
        sorts=TICKET_SORTS,
        default="raised",
        descending=True,
        form=TicketFilters(request.GET),
        narrow=_narrow,
        download=listing.Download(
            [*header, "raised_at", "resolved_at"],
            lambda t: [
                t.reference,
                t.subject,
                *([_person(t.requester)] if requester else []),
                t.get_service_display(),
                t.get_priority_display(),
                t.get_status_display(),
                t.raised_at,
                t.resolved_at,
            ],
            name,
        ),
        per_page=50,
    )


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    if not partner_ids_with(request.user, "servicedesk.raise"):
        raise PermissionDenied("Your roles do not include raising service-desk tickets.")
    listed = _tickets_listed(request, selectors.my_tickets(request.user), name="my-tickets", requester=False)
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/servicedesk/my_tickets.html",
        {**listed.context(), "manages": bool(partner_ids_with(request.user, "servicedesk.view_team"))},
    )


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    mine = services.requester_partners(request.user)
    if not mine:
        raise PermissionDenied("Your roles do not include raising service-desk tickets.")
    partners = list(Partner.objects.filter(pk__in=mine).order_by("name"))
    form = TicketForm(_posted(request, "ticket"), partners=partners)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = next((p for p in partners if str(p.pk) == str(data.get("partner"))), None)
        details = services.TicketIn(
            service=data["service"],
            ticket_type=data["ticket_type"],
            subject=data["subject"],
            description=data["description"],
            impact=data["impact"],
            urgency=data["urgency"],
            category=data["category"],
        )
        created = submit(
            form, lambda: services.raise_ticket(actor=request.user, details=details, partner=chosen)
        )
        if created is not None:
            messages.success(request, f"Ticket {created.reference} raised. We will reply here.")
            return redirect("web:servicedesk_ticket", ticket_id=created.pk)
    return render(request, "web/servicedesk/ticket_new.html", {"form": form})


class QueueFilters(forms.Form):
    # The home page's tiles link here with ?partner=, ?status= and ?mine=1 (workspaces.oversight).
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Every team"
    )
    partner = forms.ModelChoiceField(
        label="Organisation",
        queryset=Partner.objects.none(),
        required=False,
        empty_label="Every organisation",
    )
    status = listing.filter_choice("Status", TicketStatus.choices, every="Every open status")
    priority = listing.filter_choice("Priority", Priority.choices, every="Every priority")
    mine = listing.filter_choice("Assigned", [("1", "To me")], every="To anyone")
    q = listing.filter_text("Reference or subject")

    def __init__(self, *args: Any, partner_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.teams()  # type: ignore[attr-defined]
        self.fields["partner"].queryset = Partner.objects.filter(pk__in=partner_ids).order_by("name")  # type: ignore[attr-defined]


# "due" is breach risk, which the clocks give rather than a column: the view orders by it after
# the page is listed (see queue); its columns here are the order of the download.
QUEUE_SORTS = {
    "raised": ("raised_at", "pk"),
    "reference": ("reference", "pk"),
    "service": ("service", "raised_at", "pk"),
    "priority": ("priority", "raised_at", "pk"),
    "status": ("status", "raised_at", "pk"),
    "due": ("raised_at", "pk"),
}
QUEUE_PAGE = 50

# No event of a ticket is in it (so never an internal note): the queue's columns only.
QUEUE_DOWNLOAD = [
    "reference",
    "organisation",
    "subject",
    "requester",
    "service",
    "priority",
    "status",
    "team",
    "assignee",
    "raised_at",
    "due",
    "risk",
]


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _search(rows: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    return rows.filter(Q(reference__icontains=text) | Q(subject__icontains=text)) if text else rows


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    partner_ids = partner_ids_with(request.user, "servicedesk.view")
    if not partner_ids:
        raise PermissionDenied("Your roles do not include the service desk's queue.")
    filters = QueueFilters(request.GET, partner_ids=partner_ids)
    given = listing.chosen(filters)
    found = _search(
        selectors.queue(
            request.user,
            team=given.get("team"),
            status=given.get("status", ""),
            partner=given.get("partner"),
            priority=given.get("priority", ""),
            assignee=request.user if given.get("mine") == "1" else None,
        ),
        given.get("q", ""),
    )
    clocks_of_all = _Clocks(found)
    listed = listing.list_page(
        request,
        found,
        sorts=QUEUE_SORTS,
        default="raised",
        form=filters,
        download=listing.Download(
            QUEUE_DOWNLOAD,
            lambda t: [
                t.reference,
                t.partner.name,
                t.subject,
                _person(t.requester),
                t.get_service_display(),
                t.get_priority_display(),
                t.get_status_display(),
                t.team.name if t.team else "",
                _person(t.assignee),
                t.raised_at,
                *clocks_of_all.due_and_risk(t),
            ],
            "service-desk-queue",
        ),
        per_page=QUEUE_PAGE,
    )
    if isinstance(listed, HttpResponse):
        return listed
    if listed.sort.key == "due":
        # Breach risk orders the whole queue (its open tickets), not one page of it.
        rows = ticket_clocks.by_breach_risk(list(found), clocks_of_all.clocks)
        rows = rows[::-1] if listed.sort.descending else rows
        listed = replace(listed, page=Paginator(rows, QUEUE_PAGE).get_page(request.GET.get("page")))
        clocks = clocks_of_all.clocks
    else:
        # A list, so the clocks set on the rows below are the rows the template shows.
        listed.page.object_list = list(listed.page.object_list)
        clocks = ticket_clocks.clocks_many(listed.page.object_list)
    for row in listed.page.object_list:
        row.sla = _queue_sla(clocks.get(row.pk))
    return render(request, "web/servicedesk/queue.html", listed.context())


class _Clocks:
    """The clocks of every ticket of the filtered queue, worked out once when first asked (the
    breach-risk order and the download need them all; a page in another order only its own)."""

    def __init__(self, tickets: QuerySet[Ticket]) -> None:
        self.tickets = tickets
        self.found: dict[int, Any] | None = None

    @property
    def clocks(self) -> dict[int, Any]:
        if self.found is None:
            self.found = ticket_clocks.clocks_many(list(self.tickets))
        return self.found

    def due_and_risk(self, ticket: Ticket) -> list[object]:
        sla = _queue_sla(self.clocks.get(ticket.pk))
        return [sla["due"], sla["risk"]] if sla is not None else [None, ""]


def _queue_sla(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"due": ticket_clocks.next_due(found), "risk": ticket_clocks.risk(found)}


@login_required
def team_tickets(request: HttpRequest) -> HttpResponse:
    if not partner_ids_with(request.user, "servicedesk.view_team"):
        raise PermissionDenied("Your roles do not include your team's tickets.")
    listed = _tickets_listed(
        request, selectors.team_tickets(request.user), name="team-tickets", requester=True
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(request, "web/servicedesk/team_tickets.html", listed.context())


def _agents_of(ticket: Ticket) -> list[Any]:
    """The users who work this partner's tickets, for the assignment form."""
    ids = Membership.objects.filter(partner_id=ticket.partner_id, role=Role.SERVICE_DESK_AGENT).values_list(
        "user_id", flat=True
    )
    return list(
        get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")
    )


def _ticket_action(
    request: HttpRequest, ticket: Ticket, agents: list[Any]
) -> tuple[HttpResponse | None, dict[str, Any]]:
    """Runs the form that was sent, if any: the redirect after a change, or None and the forms to
    show (with their errors)."""
    user = request.user
    forms: dict[str, Any] = {
        "reply_form": MessageForm(_posted(request, "reply"), prefix="reply"),
        "note_form": MessageForm(_posted(request, "note"), prefix="note"),
        "reopen_form": ReasonForm(_posted(request, "reopen"), prefix="reopen"),
        "escalate_form": ReasonForm(_posted(request, "escalate"), prefix="escalate"),
        "resolve_form": MessageForm(_posted(request, "resolve"), prefix="resolve"),
        "assign_form": AssignForm(
            _posted(request, "assign"), teams=Team.objects.filter(active=True), agents=agents
        ),
        "status_form": StatusForm(_posted(request, "status"), prefix="status"),
        "priority_form": PriorityForm(_posted(request, "priority"), prefix="priority"),
        "attachment_form": AttachmentForm(
            _posted(request, "attachment"), request.FILES if _posted(request, "attachment") else None
        ),
        "link_asset_form": AssetLinkForm(_posted(request, "link_asset"), prefix="link"),
    }
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    if sent == "close":
        if attempt(request, lambda: services.close(actor=user, ticket=ticket)) is not None:
            messages.success(request, f"Ticket {ticket.reference} closed.")
        return redirect("web:servicedesk_ticket", ticket_id=ticket.pk), forms
    if sent == "unlink_asset":
        asset_id = request.POST.get("asset", "")
        if not asset_id.isdigit():
            raise Http404(ticket_assets.NO_SUCH_ASSET)
        done = attempt(
            request, lambda: ticket_assets.unlink_asset(actor=user, ticket=ticket, asset=int(asset_id))
        )
        if done is not None:
            messages.success(request, f"{done.tag} is no longer linked to this ticket.")
        return redirect("web:servicedesk_ticket", ticket_id=ticket.pk), forms
    calls: dict[str, Callable[[dict[str, Any]], object]] = {
        "reply": lambda d: services.reply(actor=user, ticket=ticket, body=d["body"]),
        "note": lambda d: services.add_note(actor=user, ticket=ticket, body=d["body"]),
        "reopen": lambda d: services.reopen(actor=user, ticket=ticket, reason=d["reason"]),
        "escalate": lambda d: services.escalate_complaint(actor=user, ticket=ticket, reason=d["reason"]),
        "resolve": lambda d: services.resolve(actor=user, ticket=ticket, resolution=d["body"]),
        "assign": lambda d: services.assign(
            actor=user,
            ticket=ticket,
            team=d["team"],
            assignee=next((a for a in agents if str(a.pk) == str(d["assignee"])), None),
        ),
        "status": lambda d: services.set_status(
            actor=user, ticket=ticket, status=d["status"], body=d["body"]
        ),
        "priority": lambda d: services.change_priority(
            actor=user, ticket=ticket, priority=d["priority"], reason=d["reason"]
        ),
        "link_asset": lambda d: ticket_assets.link_asset(
            actor=user,
            ticket=ticket,
            asset=ticket_assets.asset_by_tag(user, ticket=ticket, tag=d["asset"]),
        ),
        "attachment": lambda d: services.add_attachment(
            actor=user, ticket=ticket, filename=d["file"].name or "document", content=d["file"].read()
        ),
    }
    form = forms.get(f"{sent}_form")
    if sent in calls and form is not None and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None and upload.size > attachments.MAX_BYTES:
            add_errors(form, _too_large(upload.name))
        elif submit(form, lambda: calls[sent](dict(form.cleaned_data))) is not None:
            messages.success(request, "Saved.")
            return redirect("web:servicedesk_ticket", ticket_id=ticket.pk), forms
    return None, forms


def _too_large(name: str) -> ValidationError:
    return ValidationError({"file": f"{name} is larger than {attachments.MAX_BYTES // 1048576} MB."})


@login_required
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = selectors.ticket_for(request.user, ticket_id=ticket_id)
    works = selectors.can_work(request.user, found)
    agents = _agents_of(found) if works else []
    done, forms = _ticket_action(request, found, agents)
    if done is not None:
        return done
    found = selectors.ticket_for(request.user, ticket_id=ticket_id)
    is_requester = found.requester_id == request.user.pk
    internal = selectors.sees_internal(request.user, found)
    clocks = ticket_clocks.ticket_clocks(found)
    return render(
        request,
        "web/servicedesk/ticket.html",
        {
            "ticket": found,
            "events": list(selectors.history(request.user, ticket=found)),
            "files": list(selectors.attachments_of(request.user, ticket=found)),
            "sees_assets": ticket_assets.sees_assets(request.user, found),
            "assets": list(ticket_assets.assets_of_ticket(request.user, ticket=found)),
            "works": works,
            "is_requester": is_requester,
            # Agents and administrators see both clocks; anyone else one plain promise.
            "sla": clocks if internal else None,
            "sla_rows": [("Response", clocks.response), ("Resolution", clocks.resolution)]
            if internal and clocks is not None
            else [],
            "resolve_by": clocks.resolution.due if clocks is not None and found.is_open else None,
            "may_converse": (works or is_requester) and found.is_open,
            "may_reopen": (works or is_requester) and found.status == TicketStatus.RESOLVED,
            "survey_link": satisfaction.current_survey_link(request.user, found),
            "may_escalate": (works or is_requester)
            and found.ticket_type == "complaint"
            and found.complaint_stage == 1
            and found.status != TicketStatus.CLOSED,
            **forms,
        },
    )


@login_required
def attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    found = selectors.ticket_for(request.user, ticket_id=ticket_id)
    document = selectors.attachment_for(request.user, ticket=found, attachment_id=attachment_id)
    response = HttpResponse(attachments.read(document.sha256), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
