from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

# A decimal in a request, as a JSON number or a string of digits ("37.5"), never "", "1e3" or
# "NaN": the schema states exactly the strings the parser takes, so clients and the fuzzer can
# rely on it. At most 15 digits before the point (below a thousand million million either way):
# Decimal's 28 significant digits then hold any sum or rounding to the penny the services make
# of it (9.18e33 pounds of pension made `quantize` raise InvalidOperation, a 500).
DECIMAL_DIGITS = 15
DECIMAL_BOUND = 10**DECIMAL_DIGITS
DECIMAL_PATTERN = rf"^[+-]?([0-9]{{1,{DECIMAL_DIGITS}}}(\.[0-9]*)?|\.[0-9]+)$"


def _decimal_text(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(DECIMAL_PATTERN, value):
        raise ValueError(
            f"Write the number with digits and an optional decimal point, at most {DECIMAL_DIGITS} "
            "digits before it."
        )
    return value


DecimalIn = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-DECIMAL_BOUND, lt=DECIMAL_BOUND),
    BeforeValidator(_decimal_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": -DECIMAL_BOUND, "exclusiveMaximum": DECIMAL_BOUND},
                {"type": "string", "pattern": DECIMAL_PATTERN},
            ]
        }
    ),
]

# An id in a request body: a positive 64-bit integer, as the database keys are. A larger one
# reached SQLite through `pk__in` and raised OverflowError.
IdIn = Annotated[int, Field(ge=1, le=2**63 - 1)]


# A date in a request: YYYY-MM-DD in the years 1900 to 2999. pydantic alone would also take a
# number of seconds since 1970 ("0.0"), and dates at the ends of the calendar (0001-01-01) sent
# the rules that step a year back or on (tax, financial and leave years) past what `date` holds.
DATE_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value):
        raise ValueError("Write the date as YYYY-MM-DD, in the years 1900 to 2999.")
    return value


DateIn = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def _object(value: Any) -> Any:
    # ninja hands its schemas' validators the request data wrapped in a DjangoGetter.
    if not isinstance(value._obj if isinstance(value, DjangoGetter) else value, dict):
        raise ValueError("Send a JSON object.")
    return value


class ObjectIn(Schema):
    """A request body whose fields all have defaults: without this, ninja's schemas (which read
    attributes) would take any JSON value, ``7.5`` included, as the empty object. The API's
    middleware (``api.parsing``) now refuses a body that is not an object before any schema sees
    it; this stays for a schema validated outside a request."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        return _object(value)


class PartnerOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    employer_paye_reference: str
    accounts_office_reference: str


class MembershipOut(Schema):
    partner_id: int
    partner_code: str
    partner_name: str
    role: str


class AuditEventOut(Schema):
    id: int
    partner_id: int | None
    seq: int
    occurred_at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    request_id: str
    hash: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None
