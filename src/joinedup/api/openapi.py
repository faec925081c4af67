"""The API class and the pagination every list uses, shaped so the OpenAPI document tells the
whole truth: every operation declares the errors the exception handlers in main.py can answer
with, in the one error shape, so a client (or a fuzzer) can rely on them. New routers get this
without doing anything."""

from __future__ import annotations

from typing import Any

from ninja import Field, NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import PageNumberPagination

from joinedup.api.parsing import NUL_FREE
from joinedup.api.schemas import ErrorOut

# What each error status means here, as the handlers in main.py answer it.
ERROR_RESPONSES: dict[str, str] = {
    "401": "No valid bearer token: none, unknown, expired or revoked.",
    "403": "The caller's role on the partner lacks the permission, or a read-only token asked to write.",
    "404": "No such object, or it belongs to a partner the caller cannot see.",
    "422": "Invalid input: `errors` names the fields at fault.",
}
BODY_ERROR = ("400", "The request body is not JSON, or is larger than the API takes (2.5 MB).")
# The schema of a value the API ignores (under a key no schema names): any JSON without a NUL.
NUL_FREE_VALUE = "NulFreeValue"
ERROR_SCHEMA = "Error"

# Far beyond any real list, and small enough that page times page size stays a 64-bit OFFSET
# (SQLite refused a larger one with "datatype mismatch").
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    """Page-number pagination with the page bounded, so the schema states what is accepted."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class JoinedupAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        declare_nul_refused(schema)
        return schema


def declare_error_responses(schema: dict[str, Any]) -> None:
    """Add the error answers to every operation that does not declare them itself."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components[ERROR_SCHEMA]["title"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                wanted[BODY_ERROR[0]] = BODY_ERROR[1]
            if not operation.get("security"):
                wanted.pop("401")
            for status, description in wanted.items():
                responses.setdefault(status, {"description": description, "content": error})


# The keywords whose values are schemas, or lists or maps of schemas (JSON Schema 2020-12): the
# walk below follows only these, so a property named "default" or an example is never mistaken
# for a schema.
_SUBSCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")


def declare_nul_refused(schema: dict[str, Any]) -> None:
    """Say in the document what ``NulRefusingMiddleware`` enforces: no string holds a NUL.

    Every string schema without a ``pattern``, ``format``, ``enum`` or ``const`` of its own gets
    the pattern ``^[^\\u0000]*$``; every object schema says the same of its keys
    (``propertyNames``) and of the values under keys it does not name (``additionalProperties``,
    the recursive ``NulFreeValue``: the API ignores such keys, the check does not). A string
    with a pattern of its own keeps it, uncombined: the formats (date, date-time) and
    enumerations cannot hold a NUL, and the patterns ninja and our schemas write are anchored
    character classes that exclude it (a test checks each one), so joining two patterns in a
    lookahead or ``allOf`` would only make generation slower."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for component in components.values():
        _exclude_nul(component)
    components[NUL_FREE_VALUE] = {
        "title": NUL_FREE_VALUE,
        "description": "Any JSON value without a NUL character in a string or key.",
        "anyOf": [
            {"type": "string", "pattern": NUL_FREE},
            {"type": ["number", "boolean", "null"]},
            {"type": "array", "items": {"$ref": f"#/components/schemas/{NUL_FREE_VALUE}"}},
            {
                "type": "object",
                "propertyNames": {"pattern": NUL_FREE},
                "additionalProperties": {"$ref": f"#/components/schemas/{NUL_FREE_VALUE}"},
            },
        ],
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _exclude_nul(parameter.get("schema"))
            bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
            for body in bodies:
                for media in body.get("content", {}).values():
                    _exclude_nul(media.get("schema"))


def _exclude_nul(node: Any) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
    if is_string and not {"pattern", "format", "enum", "const"} & node.keys():
        node["pattern"] = NUL_FREE
    # The check refuses a NUL in a key, and in any value under a key the schema does not name
    # (which the API would ignore), as well.
    if kind == "object":
        node.setdefault("propertyNames", {"pattern": NUL_FREE})
        if node.get("additionalProperties", True) is True:
            node["additionalProperties"] = {"$ref": f"#/components/schemas/{NUL_FREE_VALUE}"}
    for key in _SUBSCHEMA:
        _exclude_nul(node.get(key))
    for key in _SUBSCHEMA_LISTS:
        for item in node.get(key, []):
            _exclude_nul(item)
    for key in _SUBSCHEMA_MAPS:
        for item in node.get(key, {}).values():
            _exclude_nul(item)
