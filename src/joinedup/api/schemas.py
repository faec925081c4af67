from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator


def _iso_date_text(value: Any) -> Any:
    """Dates arrive as ISO text ("2026-11-25"): pydantic's lax mode would also read a number as
    seconds since 1970, so ``{"pay_date": 0}`` became 1 January 1970 instead of an error."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("Enter the date as text like 2026-11-25.")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("Enter a real date like 2026-11-25.") from exc


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


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
