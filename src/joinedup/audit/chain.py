"""How an audit event is hashed. Pure: the same fields always give the same hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def json_safe(value: Any) -> Any:
    """The value as it will read back from a JSON column (Decimals and dates become strings),
    so the hash computed at write time matches the one recomputed from the stored row."""
    return json.loads(json.dumps(value if value is not None else {}, cls=DjangoJSONEncoder))


def event_hash(
    *,
    partner_id: int | None,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    request_id: str,
    prev_hash: str,
) -> str:
    payload = {
        "partner": partner_id,
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
