"""The API class and the pagination every list uses, shaped so the OpenAPI document tells the
whole truth: every operation declares the errors the exception handlers in main.py can answer
with, in the one error shape, so a client (or a fuzzer) can rely on them. New routers get this
without doing anything."""

from __future__ import annotations

from typing import Any

from ninja import Field, NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import PageNumberPagination

from joinedup.api.schemas import ErrorOut

# What each error status means here, as the handlers in main.py answer it.
ERROR_RESPONSES: dict[str, str] = {
    "401": "No valid bearer token: none, unknown, expired or revoked.",
    "403": "The caller's role on the partner lacks the permission, or a read-only token asked to write.",
    "404": "No such object, or it belongs to a partner the caller cannot see.",
    "422": "Invalid input: `errors` names the fields at fault.",
}
BODY_ERROR = ("400", "The request body is not JSON.")
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
