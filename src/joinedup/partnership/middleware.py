"""The request's row-level-security context, from the permissions' read of the memberships."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from joinedup.core import rls
from joinedup.partnership.models import ApiToken
from joinedup.partnership.permissions import member_partner_ids
from joinedup.partnership.services import api_token_check

# Where the API lives (joinedup.urls): its requests authenticate by bearer token, not session.
API_PREFIX = "/api/"
# The bearer token the middleware checked, with what it found (an ApiToken or None), kept on the
# request for the API's authentication, which then need not look it up again.
CHECKED_TOKEN = "_joinedup_checked_token"  # noqa: S105 — an attribute name, not a secret


def _partners(user: Any) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return member_partner_ids(user)


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, read as django-ninja's
    ``HttpBearer`` reads it, or None."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    parts = header.split(" ")
    if parts[0].lower() != "bearer":
        return None
    return " ".join(parts[1:])


def checked_token(request: HttpRequest, raw: str) -> tuple[bool, ApiToken | None]:
    """Whether this request's middleware checked the bearer token ``raw`` (so the request's
    context is its user's already), and the token it found (None: unknown, expired or revoked)."""
    checked: tuple[str, ApiToken | None] | None = getattr(request, CHECKED_TOKEN, None)
    if checked is None or checked[0] != raw:
        return False, None
    return True, checked[1]


class PartnerContextMiddleware(rls.PartnerContextMiddleware):
    """Each request's database context holds the partners the user's permissions open: a
    partner an access gate has closed to them (privacy's processor gate: an unapproved processor,
    a country not approved) is left out of the context as well as refused by the permission
    checks, as the API's bearer-token context already was. The memberships read here are the
    ones the request's permission checks reuse, so the context costs no query of its own.

    An API request with no session is its bearer token's user's: the token is checked here, so
    that the request's transaction begins with that user's context rather than an empty one the
    API's authentication would replace a statement later (issue 15: a statement a request).
    The token and the memberships are read before the transaction, as a session's memberships
    are: tokens, users, memberships and partners have no policy, so no context decides what
    those reads see (and were one added, a served connection holds no context between
    transactions: they would see nothing, and the caller would get no partner). The API's
    authentication takes what was found here (api/auth.py); each request checks its token
    afresh, so a revoked token or a removed role counts from the next request."""

    partners_of = staticmethod(_partners)

    def caller(self, request: HttpRequest) -> Any:
        user = super().caller(request)
        if (user is not None and user.is_authenticated) or not request.path_info.startswith(API_PREFIX):
            return user
        raw = bearer_token(request)
        if raw is None:
            return user
        found = api_token_check(raw)
        setattr(request, CHECKED_TOKEN, (raw, found))
        return found.user if found is not None else user
