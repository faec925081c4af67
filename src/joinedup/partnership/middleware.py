"""The request's row-level-security context, from the permissions' read of the memberships."""

from __future__ import annotations

from typing import Any

from joinedup.core import rls
from joinedup.partnership.permissions import member_partner_ids


def _partners(user: Any) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return member_partner_ids(user)


class PartnerContextMiddleware(rls.PartnerContextMiddleware):
    """Each request's database context holds the partners the user's permissions open: a
    partner an access gate has closed to them (privacy's processor gate: an unapproved processor,
    a country not approved) is left out of the context as well as refused by the permission
    checks, as the API's bearer-token context already was. The memberships read here are the
    ones the request's permission checks reuse, so the context costs no query of its own."""

    partners_of = staticmethod(_partners)
