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
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core import attachments
from joinedup.partnership.models import Membership, Partner, Role
from joinedup.partnership.permissions import partner_ids_with
from joinedup.servicedesk import satisfaction, selectors, services, ticket_assets, ticket_clocks
from joinedup.servicedesk.models import Priority, Team, Ticket, TicketStatus
from joinedup.web import filtering
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


def _page_of(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, 50).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    """The list's filters, to carry into its page links (which add ``page=``)."""
    kept = request.GET.copy()
    kept.pop("page", None)
    return f"{kept.urlencode()}&" if kept else ""


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    if not partner_ids_with(request.user, "servicedesk.raise"):
        raise PermissionDenied("Your roles do not include raising service-desk tickets.")
    return render(
        request,
        "web/servicedesk/my_tickets.html",
        {
            "page": _page_of(request, selectors.my_tickets(request.user)),
            "manages": bool(partner_ids_with(request.user, "servicedesk.view_team")),
        },
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


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    partner_ids = partner_ids_with(request.user, "servicedesk.view")
    if not partner_ids:
        raise PermissionDenied("Your roles do not include the service desk's queue.")
    partners = list(Partner.objects.filter(pk__in=partner_ids).order_by("name"))
    teams = list(selectors.teams())
    chosen_team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    chosen_partner = next((p for p in partners if str(p.pk) == request.GET.get("partner")), None)
    status = request.GET.get("status", "")
    status = status if status in TicketStatus.values else ""
    priority = request.GET.get("priority", "")
    priority = priority if priority in Priority.values else ""
    mine = request.GET.get("mine") == "1"
    found = selectors.queue(
        request.user,
        team=chosen_team,
        status=status,
        partner=chosen_partner,
        priority=priority,
        assignee=request.user if mine else None,
    )
    by_due = request.GET.get("sort") == "due"
    if by_due:
        # Breach risk orders the whole queue (its open tickets), not one page of it.
        rows = list(found)
        clocks = ticket_clocks.clocks_many(rows)
        page = _page_of(request, ticket_clocks.by_breach_risk(rows, clocks))
    else:
        page = _page_of(request, found)
        # A list, so the clocks set on the rows below are the rows the template shows.
        page.object_list = list(page.object_list)
        clocks = ticket_clocks.clocks_many(page.object_list)
    for row in page.object_list:
        row.sla = _queue_sla(clocks.get(row.pk))
    return render(
        request,
        "web/servicedesk/queue.html",
        {
            "page": page,
            "by_due": by_due,
            "query": _query_without_page(request),
            "teams": teams,
            "partners": partners,
            "statuses": TicketStatus.choices,
            "priorities": Priority.choices,
            "filters": filtering.filters(
                request,
                [
                    ("team", "Team", chosen_team.name if chosen_team else ""),
                    ("partner", "Organisation", chosen_partner.name if chosen_partner else ""),
                    ("status", "Status", TicketStatus(status).label if status else ""),
                    ("priority", "Priority", Priority(priority).label if priority else ""),
                    ("mine", "Assigned", "To me" if mine else ""),
                ],
            ),
            "chosen": {
                "team": chosen_team.pk if chosen_team else "",
                "partner": chosen_partner.pk if chosen_partner else "",
                "status": status,
                "priority": priority,
                "mine": mine,
            },
        },
    )


def _queue_sla(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"due": ticket_clocks.next_due(found), "risk": ticket_clocks.risk(found)}


@login_required
def team_tickets(request: HttpRequest) -> HttpResponse:
    if not partner_ids_with(request.user, "servicedesk.view_team"):
        raise PermissionDenied("Your roles do not include your team's tickets.")
    return render(
        request,
        "web/servicedesk/team_tickets.html",
        {"page": _page_of(request, selectors.team_tickets(request.user))},
    )


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
