"""Reads of the asset register and the software licences (issue 15). Each takes the reader,
who needs ``servicedesk.view`` on the partner read; an asset or licence of a partner the reader
may not view answers 404.

A shared licence is read by every partner with a split line, but only its public facts (product,
vendor, term, seats, cost, seats in use) and that partner's own line: the other partners' lines
and the people who hold seats stay theirs. Working out a line's pounds needs every line's share
(so the pennies add up to the cost exactly) and counting seats in use needs every partner's
seats: both are read in a named system context and only the figures leave it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from joinedup.core import rls
from joinedup.core.money import share_to_the_penny
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.people.models import Employment
from joinedup.servicedesk.models import (
    Asset,
    AssetEvent,
    LicenceSeat,
    LicenceSplit,
    SoftwareLicence,
    SplitBasis,
)

VIEW = "servicedesk.view"


def _viewable(user: Any) -> list[int]:
    return partner_ids_with(user, VIEW)


# --- assets -------------------------------------------------------------------------------------


def assets_visible_to(
    user: Any,
    *,
    partner: Partner | int,
    kind: str = "",
    status: str = "",
    q: str = "",
    employment: int | None = None,
) -> QuerySet[Asset]:
    """The partner's register, by tag. ``q``: a tag, make, model or serial containing it, or the
    assigned person's name."""
    authorise(user, VIEW, partner)
    found = Asset.objects.for_partner(partner).select_related("assigned_to__person")
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if employment is not None:
        found = found.filter(assigned_to_id=employment)
    text = q.strip()
    if text:
        found = found.filter(
            Q(tag__icontains=text)
            | Q(make__icontains=text)
            | Q(model__icontains=text)
            | Q(serial__icontains=text)
            | Q(assigned_to__person__search_name__contains=text.casefold())
        )
    return found.order_by("tag", "pk")


def asset_for(user: Any, *, asset_id: int) -> Asset:
    found = (
        Asset.objects.for_partners(_viewable(user))
        .select_related("partner", "assigned_to__person")
        .filter(pk=asset_id)
        .first()
    )
    if found is None:
        raise Http404("No such asset.")
    return found


def asset_for_change(user: Any, *, asset_id: int) -> Asset:
    """The asset for a write: 404 as for reading, then 403 without ``servicedesk.assets``."""
    found = asset_for(user, asset_id=asset_id)
    authorise(user, "servicedesk.assets", found.partner_id)
    return found


def asset_history(asset: Asset) -> list[AssetEvent]:
    """Every change to the asset, oldest first."""
    return list(asset.events.select_related("employment__person", "actor").order_by("at", "pk"))


def employment_of(partner: Partner | int, employment_id: int | None) -> Employment | None:
    """An employment of the partner (for assigning to), or None."""
    if employment_id is None:
        return None
    return Employment.objects.for_partner(partner).select_related("person").filter(pk=employment_id).first()


def employments_for_assigning(partner: Partner | int) -> list[Employment]:
    return list(
        Employment.objects.for_partner(partner)
        .filter(end_date__isnull=True)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")[:1000]
    )


# --- licences -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """A licence's seats: owned, in use by every partner, and whether more are used than owned."""

    seats: int
    used: int

    @property
    def over_used(self) -> bool:
        return self.used > self.seats

    @property
    def free(self) -> int:
        return self.seats - self.used


def _used(licence_ids: list[int]) -> dict[tuple[int, int], int]:
    """Seats in use, by licence and partner (every partner's: counts only)."""
    if not licence_ids:
        return {}
    with rls.system_context("servicedesk: seats in use of licences (counts only)"):
        rows = (
            LicenceSeat.objects.unscoped(reason="seats in use of a shared licence: counts only, no names")
            .filter(licence_id__in=licence_ids, released_at__isnull=True)
            .values("licence_id", "partner_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {(r["licence_id"], r["partner_id"]): r["n"] for r in rows}


def licence_usage(licences: list[SoftwareLicence]) -> dict[int, Usage]:
    used = _used([licence.pk for licence in licences])
    return {
        licence.pk: Usage(
            seats=licence.seats, used=sum(n for (lid, _), n in used.items() if lid == licence.pk)
        )
        for licence in licences
    }


def licences_visible_to(user: Any, *, partner: Partner | int, q: str = "") -> QuerySet[SoftwareLicence]:
    """The licences the partner holds, and the shared ones it pays a part of."""
    authorise(user, VIEW, partner)
    found = SoftwareLicence.objects.for_partner(partner).select_related("partner")
    if q.strip():
        found = found.filter(Q(product__icontains=q.strip()) | Q(vendor__icontains=q.strip()))
    return found.order_by("product", "pk")


def licence_for(user: Any, *, licence_id: int) -> SoftwareLicence:
    found = (
        SoftwareLicence.objects.for_partners(_viewable(user))
        .select_related("partner")
        .filter(pk=licence_id)
        .first()
    )
    if found is None:
        raise Http404("No such licence.")
    return found


@dataclass(frozen=True)
class ShareLine:
    """One partner's part of a shared licence: its share (a percentage or seats), its pounds
    of the annual cost, and, split by seats, the seats it uses against those it pays for."""

    partner_id: int
    partner_code: str
    basis: str
    share: Decimal
    pounds: Decimal
    seats_used: int

    @property
    def over_used(self) -> bool:
        return self.basis == SplitBasis.SEATS and self.seats_used > self.share


def _all_lines(licence: SoftwareLicence) -> list[ShareLine]:
    with rls.system_context("servicedesk: a shared licence's split, to share its cost to the penny"):
        splits = list(
            LicenceSplit.objects.unscoped(reason="every line's share, to share the cost to the penny")
            .filter(licence_id=licence.pk)
            .select_related("partner")
            .order_by("partner__code", "pk")
        )
    if not splits:
        return []
    # The lines say the basis (a percentage or seats each), whatever copy of the licence we hold.
    basis = SplitBasis.PERCENT if splits[0].percent is not None else SplitBasis.SEATS
    shares = [Decimal(s.percent) if s.percent is not None else Decimal(s.seats or 0) for s in splits]
    pounds = share_to_the_penny(licence.annual_cost, shares)
    used = _used([licence.pk])
    return [
        ShareLine(
            partner_id=s.partner_id,
            partner_code=s.partner.code,
            basis=basis,
            share=share,
            pounds=amount,
            seats_used=used.get((licence.pk, s.partner_id), 0),
        )
        for s, share, amount in zip(splits, shares, pounds, strict=True)
    ]


def licence_split_lines(user: Any, licence: SoftwareLicence) -> list[ShareLine]:
    """The lines of a shared licence the reader may see: every line for a reader who may view
    the holder, otherwise only the lines of the partners they may view."""
    viewable = set(_viewable(user))
    lines = _all_lines(licence)
    if licence.partner_id in viewable:
        return lines
    return [line for line in lines if line.partner_id in viewable]


def licence_seats(user: Any, licence: SoftwareLicence, *, partner: Partner | int) -> list[LicenceSeat]:
    """The seats in use by the partner's people (never another partner's)."""
    authorise(user, VIEW, partner)
    return list(
        LicenceSeat.objects.for_partner(partner)
        .filter(licence=licence, released_at__isnull=True)
        .select_related("employment__person")
        .order_by("employment__person__family_name", "pk")
    )


def seat_for(user: Any, *, seat_id: int) -> LicenceSeat:
    found = LicenceSeat.objects.for_partners(_viewable(user)).filter(pk=seat_id).first()
    if found is None:
        raise Http404("No such seat.")
    return found


@dataclass(frozen=True)
class PartnerShare:
    licence: SoftwareLicence
    line: ShareLine


def shared_licence_costs(user: Any, *, partner: Partner | int) -> list[PartnerShare]:
    """The partner's share of each shared licence it pays a part of, by product."""
    authorise(user, VIEW, partner)
    pid = partner if isinstance(partner, int) else partner.pk
    licences = SoftwareLicence.objects.for_partner(pid).filter(shared=True, splits__partner_id=pid).distinct()
    found: list[PartnerShare] = []
    for licence in licences.order_by("product", "pk"):
        found.extend(PartnerShare(licence, line) for line in _all_lines(licence) if line.partner_id == pid)
    return found
