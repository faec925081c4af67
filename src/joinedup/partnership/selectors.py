from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import is_member, partner_ids_with


def partners_visible_to(user: Any) -> QuerySet[Partner]:
    """Active partners on which the user holds any role."""
    return Partner.objects.filter(pk__in=partner_ids_with(user, "partnership.view"), active=True).order_by(
        "name"
    )


def partner_for(user: Any, *, partner_id: int) -> Partner:
    """The partner if the user is a member of it; otherwise 404, so that a partner's
    existence is not revealed to outsiders."""
    if not is_member(user, partner_id):
        raise Http404("No such partner.")
    try:
        return Partner.objects.get(pk=partner_id, active=True)
    except Partner.DoesNotExist as exc:
        raise Http404("No such partner.") from exc


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, partner__active=True).select_related("partner")
