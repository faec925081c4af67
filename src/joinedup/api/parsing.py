"""The NUL character kept out of the API. PostgreSQL can neither store nor compare text holding
one, so a NUL anywhere in a request would reach the database as a server error; it is refused as
invalid input (422, naming the field), the same on SQLite, by :class:`NulRefusingMiddleware`
before django-ninja parses the request (its body parser turns any error into "400: not JSON",
which would misname the fault). The OpenAPI document does not yet say that strings exclude NUL.

The same middleware refuses a JSON body that is not an object: every operation's body is one, and
django-ninja reads schemas from arbitrary objects by attribute, so an array sent to an operation
whose fields are all optional would otherwise be taken as an empty form and acted on."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"
REFUSAL = "Text may not contain a NUL character."
NOT_AN_OBJECT = "The body must be a JSON object."


def nul_paths(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """The path of every string, or key, in ``value`` that holds a NUL character."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                yield (*path, key)
            else:
                yield from nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, index))


class NulRefusingMiddleware:
    """Answers an API request whose query string or JSON body holds a NUL character with 422 and
    the fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        paths = [(key,) for key, values in request.GET.lists() if any(NUL in v for v in (key, *values))]
        # JSON can carry a NUL only escaped: bodies without the escape are not parsed twice.
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            # A body that is not JSON is left to the API, which says so.
            with contextlib.suppress(ValueError):
                paths += nul_paths(json.loads(request.body), ())
        if request.content_type == "application/json" and not _opens_an_object(request.body):
            with contextlib.suppress(ValueError):
                json.loads(request.body)
                return JsonResponse(
                    {"detail": "Invalid input.", "errors": {"__all__": [NOT_AN_OBJECT]}}, status=422
                )
        if paths:
            errors = {".".join(str(part) for part in path) or "__all__": [REFUSAL] for path in paths}
            return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=422)
        return self.get_response(request)


def _opens_an_object(body: bytes) -> bool:
    """Whether a JSON body is empty or starts an object (anything else is refused if it is JSON)."""
    stripped = body.lstrip(b" \t\r\n")
    return not stripped or stripped.startswith(b"{")
