from __future__ import annotations

import re
import secrets
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


# Browser features the service never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)


def content_security_policy(nonce: str) -> str:
    """Only the service's own files, plus the inline scripts that carry this response's nonce:
    no 'unsafe-inline', no inline event handlers or style attributes, no framing."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            # GOV.UK Frontend's stylesheet draws a few icons from data: URIs.
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a fresh nonce per response (templates read
    ``request.csp_nonce``), Permissions-Policy, and ``Cache-Control: no-store`` on everything
    that may hold personal data: every page served to a signed-in user, every API response and
    every download. Django's SecurityMiddleware adds HSTS, nosniff and Referrer-Policy; it sits
    before WhiteNoise so static files get the same headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(nonce))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _holds_personal_data(request, response):
            response["Cache-Control"] = "no-store"
        return response


def _holds_personal_data(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith("/api/"):
        return True
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
