"""The NUL character kept out of the API. PostgreSQL can neither store nor compare text holding
one, so a NUL anywhere in a request would reach the database as a server error; it is refused as
invalid input (422, naming the field), the same on SQLite: in query strings by the API's parser,
in JSON bodies by :class:`NulRefusingMiddleware` (django-ninja turns any error its body parser
raises into "400: not JSON", which would misname the fault)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"
REFUSAL = "Text may not contain a NUL character."


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


def refuse_nul(data: Any, where: str) -> None:
    paths = list(nul_paths(data, (where,)))
    if paths:
        raise ValidationError([{"loc": path, "msg": REFUSAL, "type": "value_error"} for path in paths])


class NulRefusingParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        refuse_nul(result, "query")
        return result


class NulRefusingMiddleware:
    """Answers an API request whose JSON body holds a NUL character with 422 and the fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.content_type == "application/json" and request.body:
            try:
                data = json.loads(request.body)
            except ValueError:
                return self.get_response(request)  # the API answers that the body is not JSON
            paths = list(nul_paths(data, ()))
            if paths:
                errors = {".".join(str(part) for part in path) or "__all__": [REFUSAL] for path in paths}
                return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=422)
        return self.get_response(request)
