"""Which partner the signed-in user is working on: kept in the session, always one the user
holds a role on (falling back to their first partner)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import (
    CURRENT_PARTNER_SESSION_KEY,
    authorise,
    is_member,
    member_partners,
)

SESSION_KEY = CURRENT_PARTNER_SESSION_KEY


def current_partner(request: HttpRequest) -> Partner | None:
    if not request.user.is_authenticated:
        return None
    cached: Partner | None = getattr(request, "_joinedup_partner", None)
    if cached is not None:
        return cached
    visible = member_partners(request.user)
    chosen = request.session.get(SESSION_KEY)
    partner = next((p for p in visible if p.pk == chosen), visible[0] if visible else None)
    request._joinedup_partner = partner  # type: ignore[attr-defined]
    request._joinedup_partners = visible  # type: ignore[attr-defined]
    return partner


def switchable_partners(request: HttpRequest) -> list[Partner]:
    current_partner(request)
    return list(getattr(request, "_joinedup_partners", []))


def choose_partner(request: HttpRequest, partner_id: int) -> bool:
    if not is_member(request.user, partner_id):
        return False
    request.session[SESSION_KEY] = partner_id
    for attr in ("_joinedup_partner", "_joinedup_partners"):
        if hasattr(request, attr):
            delattr(request, attr)
    return True


def partner_page(request: HttpRequest, permission: str = "") -> Partner:
    """The current partner, for a page of it that needs ``permission`` there.

    The rule for every web page: a signed-in user who may not use a page gets the 403 page
    (PermissionDenied), whatever the page; an object named in the address that the user may not
    see (another partner's, or one their roles do not open) answers 404, never saying whether it
    exists. A user with no role on any partner has no partner page to use: 403 too."""
    partner = current_partner(request)
    if partner is None:
        raise PermissionDenied("You hold no role on any partner.")
    if permission:
        authorise(request.user, permission, partner)
    return partner
