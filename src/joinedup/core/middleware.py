from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.core.request_context import set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (a proxy's X-Request-ID when it is well formed) that
    audit events and the response carry, so one user action can be traced end to end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = set_request_id(incoming if _SAFE_ID.match(incoming) else None)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
