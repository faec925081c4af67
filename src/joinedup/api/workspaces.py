"""The caller's worklist over JSON: the home page's tiles, keyed by role and then tile, for one
partner. The same selectors count both, so another client shows the same figures."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from joinedup.partnership.permissions import member_partners
from joinedup.partnership.selectors import partner_for
from joinedup.workspaces import selectors as workspaces

router = Router(tags=["workspaces"])


class WorklistPartnerOut(Schema):
    id: int
    code: str
    name: str


class TileOut(Schema):
    count: int
    href: str
    label: str
    detail: str


class WorklistOut(Schema):
    partner: WorklistPartnerOut
    # role → tile key → tile, e.g. {"payroll_officer": {"flags_to_review": {"count": 3, ...}}}.
    # A role the caller holds with no tiles yet is present with no tiles.
    roles: dict[str, dict[str, TileOut]]


@router.get("/me/worklist", response=WorklistOut)
def my_worklist(request: HttpRequest, partner_id: int | None = None) -> dict[str, object]:
    """What is waiting for the caller on one partner (``partner_id``, or their first partner by
    name): for each role they hold there, each tile's count and the address of the filtered list
    page behind it. 404 for a partner the caller holds no role on."""
    if partner_id is None:
        partners = member_partners(request.user)
        if not partners:
            raise Http404("You hold no role on any partner.")
        partner = partners[0]
    else:
        partner = partner_for(request.user, partner_id=partner_id)
    found = workspaces.worklist(request.user, partner=partner, today=workspaces.today())
    return {
        "partner": {"id": partner.pk, "code": partner.code, "name": partner.name},
        "roles": {
            section.role: {
                tile.key: {"count": tile.count, "href": tile.href, "label": tile.label, "detail": tile.detail}
                for tile in section.tiles
            }
            for section in found.sections
        },
    }
