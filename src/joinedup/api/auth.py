from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from joinedup.core.rls import set_caller
from joinedup.partnership.services import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; tokens come from ``joinedup token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            set_caller(user)
        return user
