"""The OpenAPI document says what the API refuses before any endpoint runs: here, that no
string may hold a NUL character (``NulRefusingMiddleware``; PostgreSQL cannot store one)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema_rs import Draft202012Validator

from joinedup.api.main import api
from joinedup.api.openapi import declare_nul_refused
from joinedup.api.parsing import NUL_FREE


def strings(node: Any, where: str, kind: str = "string") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string (or ``kind``) schema in ``node``, wherever it sits, with the path to it."""
    if isinstance(node, dict):
        if node.get("type") == kind:
            yield where, node
        for key, value in node.items():
            if key not in ("example", "examples", "default"):
                yield from strings(value, f"{where}/{key}", kind)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{where}/{index}", kind)


DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1/")
OWN_PATTERNS = sorted(
    {schema["pattern"] for _, schema in strings(DOCUMENT, "") if schema.get("pattern", NUL_FREE) != NUL_FREE}
)


def test_every_string_in_the_document_excludes_the_nul_character() -> None:
    unsaid = [
        where
        for where, schema in strings(DOCUMENT, "")
        if not {"pattern", "format", "enum", "const"} & schema.keys()
    ]
    assert unsaid == []
    assert sum(schema.get("pattern") == NUL_FREE for _, schema in strings(DOCUMENT, "")) > 500


def test_every_object_in_the_document_says_its_keys_exclude_the_nul_character() -> None:
    objects = list(strings(DOCUMENT, "", kind="object"))
    assert [where for where, schema in objects if "propertyNames" not in schema] == []
    assert {str(schema["propertyNames"]) for _, schema in objects} == {str({"pattern": NUL_FREE})}
    assert [where for where, schema in objects if schema.get("additionalProperties", True) is True] == []


def test_a_value_the_api_ignores_is_said_to_hold_no_nul_at_any_depth() -> None:
    resolver = Draft202012Validator(
        {"$ref": "#/components/schemas/NulFreeValue", "components": DOCUMENT["components"]}
    )
    for allowed in ("", 1, 1.5, True, None, ["a", {"b": [None, "c"]}], {"a": {"b": ["c"]}}):
        assert resolver.is_valid(allowed), allowed
    for refused in ("\x00", ["a\x00"], {"a\x00": 1}, {"a": [{"b": "\x00"}]}):
        assert not resolver.is_valid(refused), refused


def test_the_nul_pattern_refuses_a_nul_anywhere_and_allows_any_other_text() -> None:
    for refused in ("\x00", "a\x00", "\x00b", "a\x00b"):
        assert re.search(NUL_FREE, refused) is None
    for allowed in ("", "Envelopes", "=HYPERLINK()", "Ünïcødé\n\t\U0001f600"):
        assert re.search(NUL_FREE, allowed) is not None


def test_a_string_keeps_its_own_pattern_or_format_and_an_object_says_its_keys_hold_no_nul() -> None:
    document = {
        "components": {
            "schemas": {
                "In": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
                        "on": {"type": "string", "format": "date"},
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "default": {"type": "string", "default": "x"},
                        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                }
            }
        }
    }
    declare_nul_refused(document)
    assert document["components"]["schemas"]["In"]["propertyNames"] == {"pattern": NUL_FREE}
    # A value under a key no schema names is ignored by the API, but not by the NUL check.
    assert document["components"]["schemas"]["In"]["additionalProperties"] == {
        "$ref": "#/components/schemas/NulFreeValue"
    }
    properties = document["components"]["schemas"]["In"]["properties"]
    assert properties == {
        "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "on": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "default": {"type": "string", "default": "x", "pattern": NUL_FREE},
        "note": {"anyOf": [{"type": "string", "pattern": NUL_FREE}, {"type": "null"}]},
        "tags": {"type": "array", "items": {"type": "string", "pattern": NUL_FREE}},
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_pattern_of_its_own_lets_a_nul_through(data: st.DataObject) -> None:
    """A string's own pattern is kept uncombined with the NUL one, so each must refuse a NUL
    put anywhere into text it accepts."""
    pattern = data.draw(st.sampled_from(OWN_PATTERNS))
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    at = data.draw(st.integers(0, len(text)))
    assert re.search(pattern, text[:at] + "\x00" + text[at:]) is None
