from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


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
