"""Walks every audit chain and reports the first broken link in each.

Run by ``joinedup audit verify``. It reads every partner's events, so it is a system job and
says so with ``unscoped``; it never changes anything."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from joinedup.audit.chain import GENESIS_HASH, Redactions, check_event
from joinedup.audit.checkpoints import Checkpoint, chain_key, latest_checkpoint
from joinedup.audit.models import AuditChainHead, AuditEvent
from joinedup.core.dates import people_utc_moment

# What check_event reads, by column name (as the exit's verify-export reads its CSV).
COLUMNS = (
    "id",
    "partner_id",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "prev_hash",
    "hash",
    "hash_version",
    "content_digest",
    "redacted_at",
    "redacted_by_seq",
)


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    event_id: int | None
    seq: int
    reason: str

    def __str__(self) -> str:
        where = f"event id {self.event_id}" if self.event_id is not None else "after the last event"
        return f"{self.chain}: seq {self.seq}, {where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    broken: BrokenLink | None


def _chains() -> Iterator[tuple[str, int | None]]:
    """The global chain, then every partner's that has a head or an event. Read through the
    audit's own tables (the audit sits below partnership and imports none of its models); a
    partner with neither has no chain to break."""
    yield "global", None
    events = AuditEvent.objects.unscoped(reason="audit verification reads every chain")
    partners = dict(
        AuditChainHead.objects.filter(partner__isnull=False).values_list("partner_id", "partner__code")
    )
    partners.update(
        events.filter(partner__isnull=False)
        .exclude(partner_id__in=list(partners))
        .values_list("partner_id", "partner__code")
        .distinct()
    )
    for partner_id in sorted(partners):
        yield f"partner {partners[partner_id]} (id {partner_id})", partner_id


def verify_chain(name: str, partner_id: int | None, checkpoint: Checkpoint | None = None) -> ChainReport:
    """The first broken link of one chain: an event missing, out of place or changed, a chain
    head that disagrees with the last event, or a chain shorter than (or different from) the
    signed ``checkpoint``."""
    signed = checkpoint.heads.get(chain_key(partner_id)) if checkpoint is not None else None
    signed_seq, signed_hash = signed if signed is not None else (0, GENESIS_HASH)
    at_signed: dict[str, Any] | None = None
    events = AuditEvent.objects.unscoped(reason="audit verification reads every chain")
    events = (
        events.filter(partner__isnull=True) if partner_id is None else events.filter(partner_id=partner_id)
    )
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    redactions = Redactions()
    for event in events.order_by("seq").values(*COLUMNS).iterator(chunk_size=2000):
        count += 1
        if event["seq"] != expected_seq:
            return ChainReport(
                name,
                count,
                BrokenLink(name, event["id"], expected_seq, f"event seq {expected_seq} is missing"),
            )
        if event["prev_hash"] != expected_prev:
            return ChainReport(
                name,
                count,
                BrokenLink(name, event["id"], event["seq"], "does not link to the event before it"),
            )
        problem = check_event(event) or redactions.see(event)
        if problem is not None:
            return ChainReport(name, count, BrokenLink(name, event["id"], event["seq"], problem))
        if event["seq"] == signed_seq:
            at_signed = event
        expected_prev = event["hash"]
        expected_seq += 1
    unaccounted = redactions.unaccounted()
    if unaccounted is not None:
        seq, by = unaccounted
        return ChainReport(
            name,
            count,
            BrokenLink(name, None, seq, f"it is marked redacted by seq {by}, which does not list it"),
        )

    heads = (
        AuditChainHead.objects.filter(partner__isnull=True)
        if partner_id is None
        else AuditChainHead.objects.filter(partner_id=partner_id)
    )
    head = heads.first()
    head_seq = head.seq if head else 0
    if head_seq != expected_seq - 1 or (head is not None and head.hash != expected_prev):
        return ChainReport(
            name,
            count,
            BrokenLink(name, None, expected_seq, f"the chain head records {head_seq} events; {count} remain"),
        )
    if checkpoint is not None and signed_seq > count:
        missing = (
            f"event seq {signed_seq} is missing"
            if signed_seq == expected_seq
            else f"events seq {expected_seq} to {signed_seq} are missing"
        )
        return ChainReport(
            name,
            count,
            BrokenLink(
                name,
                None,
                expected_seq,
                f"{missing}: the chain was cut short (signed checkpoint {checkpoint.number} of "
                f"{people_utc_moment(checkpoint.taken_at)} records {signed_seq} events)",
            ),
        )
    if checkpoint is not None and at_signed is not None and at_signed["hash"] != signed_hash:
        return ChainReport(
            name,
            count,
            BrokenLink(
                name,
                at_signed["id"],
                signed_seq,
                f"differs from signed checkpoint {checkpoint.number}: the chain was rewritten up to here",
            ),
        )
    return ChainReport(name, count, None)


def verify_all(
    progress: Callable[[ChainReport], None] | None = None,
    *,
    checkpoint: Checkpoint | None | Literal["latest"] = "latest",
) -> list[ChainReport]:
    """Every chain, checked against the latest signed checkpoint unless told otherwise
    (:class:`joinedup.audit.checkpoints.CheckpointError` when the checkpoint file is forged)."""
    against = latest_checkpoint() if checkpoint == "latest" else checkpoint
    reports = []
    for name, partner_id in _chains():
        report = verify_chain(name, partner_id, against)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports
