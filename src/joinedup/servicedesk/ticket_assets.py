"""Tickets linked to the assets they are about (issue 15: "tickets link to assets").

An agent (``servicedesk.work`` on the ticket's partner) links an asset of the ticket's own
partner, or unlinks it. An asset of another partner is refused exactly as one that does not
exist ("No such asset.", a 404), so a link never tells anyone that another partner's asset id
exists. A link is recorded in the audit trail; it is not a ticket event (the events are the
service-level clocks' history, which a link does not move) nor an asset event.

Reads: a ticket's linked assets are shown to those who may read that partner's register
(``servicedesk.view``), so a requester sees none; an asset's tickets are those linked that the
reader may see (``selectors.visible_tickets``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.servicedesk import selectors
from joinedup.servicedesk.models import Asset, Ticket, TicketAsset, TicketStatus

NO_SUCH_ASSET = "No such asset."


def _own_asset(ticket: Ticket, asset: Asset | int) -> Asset:
    """The asset, read through the ticket's partner: another partner's is not there at all."""
    asset_id = asset if isinstance(asset, int) else asset.pk
    found = Asset.objects.for_partner(ticket.partner_id).filter(pk=asset_id).first()
    if found is None:
        raise Http404(NO_SUCH_ASSET)
    return found


def _open(ticket: Ticket) -> Ticket:
    locked: Ticket = Ticket.objects.for_partner(ticket.partner_id).select_for_update().get(pk=ticket.pk)
    if locked.status == TicketStatus.CLOSED:
        raise ValidationError({"asset": "This ticket is closed."})
    return locked


def _audit(actor: Any, ticket: Ticket, asset: Asset, action: str) -> None:
    record_event(
        actor=actor,
        partner=ticket.partner_id,
        action=f"servicedesk.ticket_asset_{action}",
        target=ticket,
        after={"reference": ticket.reference, "asset": asset.pk, "tag": asset.tag},
    )


@transaction.atomic
def link_asset(*, actor: Any, ticket: Ticket, asset: Asset | int) -> TicketAsset:
    """Link an asset of the ticket's partner to the ticket."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    found = _own_asset(ticket, asset)
    ticket = _open(ticket)
    if TicketAsset.objects.for_partner(ticket.partner_id).filter(ticket=ticket, asset=found).exists():
        raise ValidationError({"asset": f"{found.tag} is linked to this ticket already."})
    link = TicketAsset.objects.create(
        ticket=ticket, asset=found, partner_id=ticket.partner_id, linked_by=user_of(actor)
    )
    _audit(actor, ticket, found, "linked")
    return link


@transaction.atomic
def unlink_asset(*, actor: Any, ticket: Ticket, asset: Asset | int) -> Asset:
    """Take the link between the ticket and the asset away; the asset it was."""
    authorise(actor, "servicedesk.work", ticket.partner_id)
    found = _own_asset(ticket, asset)
    ticket = _open(ticket)
    links = TicketAsset.objects.for_partner(ticket.partner_id).filter(ticket=ticket, asset=found)
    deleted, _ = links.delete()
    if not deleted:
        raise ValidationError({"asset": f"{found.tag} is not linked to this ticket."})
    _audit(actor, ticket, found, "unlinked")
    return found


def asset_by_tag(user: Any, *, ticket: Ticket, tag: str) -> Asset:
    """The asset of the ticket's partner with ``tag`` (as the pages name assets), for a reader of
    that partner's register; another partner's tag is not found, with the same message."""
    authorise(user, "servicedesk.view", ticket.partner_id)
    found = Asset.objects.for_partner(ticket.partner_id).filter(tag=tag.strip().upper()).first()
    if found is None:
        raise ValidationError({"asset": NO_SUCH_ASSET})
    return found


def sees_assets(user: Any, ticket: Ticket) -> bool:
    return has_permission(user, "servicedesk.view", ticket.partner_id)


def assets_of_ticket(user: Any, *, ticket: Ticket) -> QuerySet[Asset]:
    """The assets linked to the ticket, by tag, for a reader of its partner's register; none for
    anyone else. Ask with a ticket from ``selectors.ticket_for``."""
    selectors.ticket_for(user, ticket_id=ticket.pk)
    if not sees_assets(user, ticket):
        return Asset.objects.for_partners([]).order_by("pk")
    linked = TicketAsset.objects.for_partner(ticket.partner_id).filter(ticket=ticket).values("asset_id")
    return Asset.objects.for_partner(ticket.partner_id).filter(pk__in=linked).order_by("tag", "pk")


def tickets_of_asset(user: Any, *, asset: Asset) -> QuerySet[Ticket]:
    """The tickets linked to the asset that ``user`` may see, newest first. Ask with an asset
    from ``asset_selectors.asset_for``."""
    linked = TicketAsset.objects.for_partner(asset.partner_id).filter(asset=asset).values("ticket_id")
    return selectors.visible_tickets(user).filter(pk__in=linked)
