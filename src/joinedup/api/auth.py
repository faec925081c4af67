from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from joinedup.core.rls import set_caller
from joinedup.partnership.middleware import checked_token
from joinedup.partnership.models import TokenScope
from joinedup.partnership.permissions import member_partner_ids
from joinedup.partnership.services import api_token_check

# What a read-only token may do: nothing that changes anything.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; tokens come from ``joinedup token create``. An
    unknown, expired or revoked token answers 401; a read-only token asking to change
    anything answers 403, before the endpoint runs."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        # The partner-context middleware checked it already when row-level security is on, and
        # set the request's context to its user's.
        checked, found = checked_token(request, token)
        if not checked:
            found = api_token_check(token)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in READ_METHODS:
            raise PermissionDenied(
                "This token can only read: create a token with the write scope to change things."
            )
        request.user = found.user
        if not checked:
            # The partners from the memberships the endpoint's permission checks read anyway.
            set_caller(found.user, partners_of=member_partner_ids)
        return found.user
