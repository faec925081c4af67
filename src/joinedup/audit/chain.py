"""How an audit event is hashed and checked. Pure: the same fields always give the same hash.

Two versions, chosen by the event's ``hash_version``:

- **1** (events written before migration 0004): the hash covers the ``before`` and ``after``
  content itself. Such an event can never lose its content without breaking the chain, so it
  cannot be redacted.
- **2** (every event since): the hash covers ``content_digest``, the SHA-256 of the canonical
  JSON of ``before`` and ``after``. While the event is unredacted the digest is recomputed from
  the content, so a changed value is still seen; once redacted (``redacted_at`` set by
  ``audit.redaction.redact_events``) its content is ``REDACTED`` and the stored digest stands,
  still covered by the chain.

Verification here and in the partner exit's ``verify-export`` goes through ``check_event`` and
``Redactions``, so what counts as a broken link is decided in one place."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
CURRENT_VERSION = 2
REDACTED: dict[str, Any] = {"redacted": True}
REDACTION_ACTION = "audit.events_redacted"
CHANGED = "its content was changed after it was written"


def json_safe(value: Any) -> Any:
    """The value as it will read back from a JSON column (Decimals and dates become strings),
    so the hash computed at write time matches the one recomputed from the stored row."""
    return json.loads(json.dumps(value if value is not None else {}, cls=DjangoJSONEncoder))


def _canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digest(before: Any, after: Any) -> str:
    """What a version 2 hash covers in place of the content."""
    return hashlib.sha256(_canonical({"before": before, "after": after})).hexdigest()


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
    hash_version: int = 1,
    digest: str = "",
) -> str:
    """The event's hash. Version 1 covers ``before`` and ``after``; version 2 covers ``digest``
    (their ``content_digest``) instead, and says it is version 2."""
    payload: dict[str, Any] = {
        "partner": partner_id,
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    if hash_version == 1:
        payload.update(before=before, after=after)
    elif hash_version == 2:
        payload.update(hash_version=2, content_digest=digest)
    else:
        raise ValueError(f"audit hash version {hash_version} is unknown")
    return hashlib.sha256(_canonical(payload)).hexdigest()


def stored_hash(event: Mapping[str, Any]) -> str:
    """The hash recomputed from a stored row (column names as keys: ``partner_id``, ``seq``...).
    Rows exported before version 2 have no ``hash_version``: they are version 1."""
    return event_hash(
        partner_id=event["partner_id"],
        seq=event["seq"],
        occurred_at=event["occurred_at"],
        actor_id=event["actor_id"],
        actor_label=event["actor_label"],
        action=event["action"],
        object_type=event["object_type"],
        object_id=event["object_id"],
        before=event["before"],
        after=event["after"],
        request_id=event["request_id"],
        prev_hash=event["prev_hash"],
        hash_version=event.get("hash_version") or 1,
        digest=event.get("content_digest") or "",
    )


def check_event(event: Mapping[str, Any]) -> str | None:
    """Why the stored row does not match its hash, or None when it does."""
    version = event.get("hash_version") or 1
    redacted = event.get("redacted_at") is not None
    if version == 1 and redacted:
        return "it is marked redacted, but its hash covers its content"
    if version == 2 and redacted:
        if event["before"] != REDACTED or event["after"] != REDACTED:
            return "it is marked redacted, but holds content"
    elif version == 2 and content_digest(event["before"], event["after"]) != event.get("content_digest"):
        return CHANGED
    try:
        recomputed = stored_hash(event)
    except ValueError as exc:
        return str(exc)
    if recomputed != event["hash"]:
        return CHANGED
    return None


class Redactions:
    """Every redacted event names the later ``audit.events_redacted`` event of its chain that
    lists it: content cannot be dropped behind the application's back by marking it redacted.
    Fed the chain's rows in order; ``unaccounted`` says what remains unexplained at the end."""

    def __init__(self) -> None:
        self.claimed: dict[int, int] = {}  # redacted seq -> the seq of the event said to redact it

    def see(self, event: Mapping[str, Any]) -> str | None:
        seq = int(event["seq"])
        if event.get("redacted_at") is not None:
            by = event.get("redacted_by_seq")
            if by is None or int(by) <= seq:
                return "it is marked redacted without a later redaction event naming it"
            self.claimed[seq] = int(by)
        if event["action"] == REDACTION_ACTION and event.get("redacted_at") is None:
            listed = event["after"].get("seqs", []) if isinstance(event["after"], dict) else []
            for redacted in listed:
                if self.claimed.get(redacted) == seq:
                    del self.claimed[redacted]
        return None

    def unaccounted(self) -> tuple[int, int] | None:
        """The first redacted seq whose redaction event does not list it, and that event's seq."""
        if not self.claimed:
            return None
        first = min(self.claimed)
        return first, self.claimed[first]
