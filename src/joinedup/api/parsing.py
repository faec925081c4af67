"""The NUL character kept out of the API. PostgreSQL can neither store nor compare text holding
one, so a NUL anywhere in a request would reach the database as a server error; it is refused as
invalid input (422, naming the field), the same on SQLite, by :class:`NulRefusingMiddleware`
before django-ninja parses the request (its body parser turns any error into "400: not JSON",
which would misname the fault). The OpenAPI document says so: every string schema without a
format or pattern of its own carries :data:`NUL_FREE` (``openapi.declare_nul_refused``).

The same middleware refuses a JSON body that is not an object: every operation's body is one, and
django-ninja reads schemas from arbitrary objects by attribute, so an array sent to an operation
whose fields are all optional would otherwise be taken as an empty form and acted on.

And it answers a body larger than Django takes (``DATA_UPLOAD_MAX_MEMORY_SIZE``) with 400 — the
status Django gives it — in the API's error shape: Django's own answer is an HTML page, which no
client of the API's document could read (API fuzzing sent a 20 MB mapping)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"
REFUSAL = "Text may not contain a NUL character."
NOT_AN_OBJECT = "The body must be a JSON object."
TOO_LARGE = "The body is larger than the {limit:,} bytes the API takes."
# The JSON Schema (ECMA 262) pattern of a string without a NUL; Python's re reads it the same.
NUL_FREE = r"^[^\u0000]*$"


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
        if _multipart(request):
            # An upload (occupational health's attachments) is not read whole into memory here:
            # Django's parser streams its files and limits its other fields itself. Only the
            # query string can carry a NUL to look for.
            paths = [(key,) for key, values in request.GET.lists() if any(NUL in v for v in (key, *values))]
            if paths:
                errors = {_field(path): [REFUSAL] for path in paths}
                return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=422)
            return self.get_response(request)
        try:
            request.body  # noqa: B018 — read once here, where a body too large can be answered
        except RequestDataTooBig:
            message = TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            return JsonResponse({"detail": message, "errors": {"__all__": [message]}}, status=400)
        paths = [(key,) for key, values in request.GET.lists() if any(NUL in v for v in (key, *values))]
        if _may_hold_nul(request):
            # A body that is not JSON, or nested too deep to read, is left to the API, which
            # answers 400 (its parser turns any error into one).
            with contextlib.suppress(ValueError, RecursionError):
                paths += nul_paths(json.loads(request.body), ())
        if _json_but_not_an_object(request):
            return JsonResponse(
                {"detail": "Invalid input.", "errors": {"__all__": [NOT_AN_OBJECT]}}, status=422
            )
        if paths:
            errors = {_field(path): [REFUSAL] for path in paths}
            return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=422)
        return self.get_response(request)


def _multipart(request: HttpRequest) -> bool:
    return (request.content_type or "").startswith("multipart/")


def _json_but_not_an_object(request: HttpRequest) -> bool:
    """Whether the body is JSON other than an object (django-ninja reads any body as JSON, so the
    label is not asked). A body that opens an object is not parsed a second time here."""
    body = request.body
    if (request.content_type or "").startswith("multipart/") or not body.strip():
        return False
    if body.lstrip(b" \t\r\n").startswith(b"{"):
        return False
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON: the API's parser answers 400
    return not isinstance(value, dict)


def _may_hold_nul(request: HttpRequest) -> bool:
    """Whether the body must be parsed to look for a NUL. django-ninja reads every body as JSON
    whatever its Content-Type says, and JSON may come in UTF-16 or UTF-32 (``json.loads``
    detects them), so neither the label nor the bytes of UTF-8 can be trusted. In UTF-8 JSON can
    carry a NUL only escaped, so a UTF-8 body without the escape is not parsed twice. A multipart
    upload is never read here (``__call__`` passes it on first)."""
    if (request.content_type or "").startswith("multipart/") or not request.body:
        return False
    return b"\\u0000" in request.body or json.detect_encoding(request.body) not in ("utf-8", "utf-8-sig")


def _field(path: tuple[Any, ...]) -> str:
    """The dotted name of the field at ``path``, a NUL in a key written as the escape ``\\u0000``
    (the names of fields in errors hold no NUL either: the document says so of every key)."""
    return ".".join(str(part).replace(NUL, "\\u0000") for part in path) or "__all__"
