from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import MembershipOut, PartnerOut
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.selectors import memberships_of, partner_for, partners_visible_to

router = Router(tags=["partnership"])


@router.get("/partners", response=list[PartnerOut])
@paginate(Pages, page_size=50)
def list_partners(request: HttpRequest) -> list[Partner]:
    """The partners on which the caller holds any role."""
    return list(partners_visible_to(request.user))


@router.get("/partners/{partner_id}", response=PartnerOut)
def get_partner(request: HttpRequest, partner_id: int) -> Partner:
    return partner_for(request.user, partner_id=partner_id)


@router.get("/me/memberships", response=list[MembershipOut])
def my_memberships(request: HttpRequest) -> list[dict[str, object]]:
    memberships: list[Membership] = list(memberships_of(request.user))
    return [
        {
            "partner_id": m.partner_id,
            "partner_code": m.partner.code,
            "partner_name": m.partner.name,
            "role": m.role,
        }
        for m in memberships
    ]
