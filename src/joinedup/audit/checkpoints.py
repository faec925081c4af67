"""Signed checkpoints of the audit chain heads, kept outside the database.

The hash chain shows a row changed, removed from the middle or moved; it cannot show the newest
events removed when the chain head is rolled back with them, because the head lives in the same
database. A checkpoint records every chain's head (its seq and hash) and is signed with a keyed
hash (HMAC-SHA256) under ``AUDIT_CHECKPOINT_KEY``, which the database never holds; checkpoints are
appended, one JSON line each, to ``AUDIT_CHECKPOINT_FILE``. Each line also signs the one before
it, so a checkpoint taken out of the middle of the file is noticed too. ``joinedup audit verify``
checks every chain against the latest checkpoint: a chain shorter than its checkpoint was cut
short, and one whose event at the checkpoint's seq has another hash was rewritten.

What a checkpoint cannot see: events written after it and removed before the next one. Take
checkpoints often (a scheduled ``joinedup audit checkpoint``) and keep the file where the
database user cannot write (another host, or ``chattr +a``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from joinedup.audit.models import AuditChainHead

GLOBAL = "global"


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted (a line not signed by this key, or out of order)."""


@dataclass(frozen=True)
class Checkpoint:
    number: int  # the nth checkpoint in the file
    taken_at: datetime
    heads: dict[str, tuple[int, str]]  # "global" or a partner id -> (seq, hash)
    mac: str


def _key() -> bytes:
    return str(settings.AUDIT_CHECKPOINT_KEY).encode()


def _path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _canonical(taken_at: str, heads: dict[str, list[object]], prev: str) -> bytes:
    body = {"taken_at": taken_at, "heads": heads, "prev": prev}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _sign(taken_at: str, heads: dict[str, list[object]], prev: str) -> str:
    return hmac.new(_key(), _canonical(taken_at, heads, prev), hashlib.sha256).hexdigest()


def chain_key(partner_id: int | None) -> str:
    return GLOBAL if partner_id is None else str(partner_id)


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, each one's signature and link to the one before checked.
    An empty list when no checkpoint was ever taken."""
    path = path or _path()
    if not path.exists():
        return []
    out: list[Checkpoint] = []
    prev = ""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            taken_at, heads, line_prev, mac = row["taken_at"], row["heads"], row["prev"], row["mac"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{path} line {number} is not a checkpoint.") from exc
        if not hmac.compare_digest(_sign(taken_at, heads, line_prev), str(mac)):
            raise CheckpointError(
                f"{path} line {number} is not signed by this installation's checkpoint key."
            )
        if line_prev != prev:
            raise CheckpointError(
                f"{path} line {number} does not follow the checkpoint before it: a checkpoint was removed."
            )
        prev = mac
        out.append(
            Checkpoint(
                number=len(out) + 1,
                taken_at=datetime.fromisoformat(taken_at),
                heads={chain: (int(seq), str(digest)) for chain, (seq, digest) in heads.items()},
                mac=mac,
            )
        )
    return out


def latest_checkpoint(path: Path | None = None) -> Checkpoint | None:
    found = read_checkpoints(path)
    return found[-1] if found else None


def write_checkpoint(path: Path | None = None) -> Checkpoint:
    """Append a signed checkpoint of every chain head. The caller verifies the trail first: a
    checkpoint of a trail already cut short would vouch for the cut."""
    path = path or _path()
    previous = read_checkpoints(path)
    prev = previous[-1].mac if previous else ""
    heads: dict[str, list[object]] = {
        chain_key(partner_id): [seq, digest]
        for partner_id, seq, digest in AuditChainHead.objects.order_by("pk").values_list(
            "partner_id", "seq", "hash"
        )
    }
    taken_at = timezone.now().astimezone(UTC).isoformat(timespec="microseconds")
    mac = _sign(taken_at, heads, prev)
    line = json.dumps({"taken_at": taken_at, "heads": heads, "prev": prev, "mac": mac}, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: each checkpoint goes on the end, never over what is there.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return Checkpoint(
        number=len(previous) + 1,
        taken_at=datetime.fromisoformat(taken_at),
        heads={chain: (int(str(seq)), str(digest)) for chain, (seq, digest) in heads.items()},
        mac=mac,
    )
