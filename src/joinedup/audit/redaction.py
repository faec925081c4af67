"""Redacting audit events' content when the records they describe are erased (issue 17): the
events keep their place, their hashes and who did what when; their ``before`` and ``after``
become ``{"redacted": true}``. The chain still verifies because a version 2 hash covers the
content's digest, not the content (chain.py).

The redaction is audited first: an ``audit.events_redacted`` event lists the seqs redacted (up to
``CHUNK`` of them; one event per chunk) and why, and each redacted event names it
(``redacted_by_seq``), which verification checks.

Version 1 events (written before migration 0004) are hashed over their content, so redacting
one would break the chain: naming one by id is refused (``ValidationError``, nothing changed);
a selector (``object_type`` and ``object_ids``) leaves them as they are and the redaction event
lists them as ``version_1_kept``.

Like ``record_event`` this sits below partnership and cannot ``authorise``: the caller's
service has authorised the erasure it is part of, in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.audit.chain import REDACTED, REDACTION_ACTION
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.core import rls

REDACTING = "audit: redact the content of a partner's events whose records were erased"
REASON_LIMIT = 200
# Seqs per audit.events_redacted event, so that one event stays a readable size.
CHUNK = 10000


@dataclass
class Redaction:
    events: list[AuditEvent]  # the audit.events_redacted events, one per CHUNK seqs; none if nothing
    seqs: list[int] = field(default_factory=list)
    version_1_kept: list[int] = field(default_factory=list)


@transaction.atomic
def redact_events(
    *,
    actor: Any,
    partner_id: int,
    reason: str,
    event_ids: Iterable[int] | None = None,
    object_type: str = "",
    object_ids: Iterable[str | int] | QuerySet[Any] | None = None,
) -> Redaction:
    """Redact the content of the partner's events named by ``event_ids``, or of every event
    about ``object_type`` with an id in ``object_ids`` (a list, or a queryset of the ids as text,
    which the database answers as a subquery: a caller erasing records by the hundred thousand
    sends no list). Events already redacted, and redaction
    events themselves, are left alone, so a second call changes nothing. An id that is not an
    event of this partner's chain answers 404 with nothing changed."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"Say why, in at most {REASON_LIMIT} characters."})
    if (event_ids is None) == (object_ids is None) or (object_ids is not None and not object_type):
        raise TypeError("Name the events by event_ids, or by object_type and object_ids.")
    with rls.system_context(REDACTING, savepoint=False) if rls.enforced() else nullcontext():
        found = AuditEvent.objects.for_partner(partner_id).exclude(action=REDACTION_ACTION)
        if event_ids is not None:
            wanted = set(event_ids)
            rows = list(found.filter(pk__in=wanted).values_list("pk", "seq", "hash_version", "redacted_at"))
            if len(rows) != len(wanted):
                raise Http404("No such audit events.")
            old = sorted(seq for _, seq, version, _ in rows if version == 1)
            if old:
                raise ValidationError(
                    {
                        "event_ids": f"Audit events seq {', '.join(map(str, old))} are hashed over their "
                        "content (written before redaction existed): redacting them would break the chain."
                    }
                )
        else:
            keys: Any = (
                object_ids if isinstance(object_ids, QuerySet) else sorted({str(i) for i in object_ids or ()})
            )
            rows = list(
                found.filter(object_type=object_type, object_id__in=keys).values_list(
                    "pk", "seq", "hash_version", "redacted_at"
                )
            )
        seqs = sorted(seq for _, seq, version, at in rows if version != 1 and at is None)
        kept = sorted(seq for _, seq, version, at in rows if version == 1)
        events = []
        for start in range(0, len(seqs), CHUNK):
            chunk = seqs[start : start + CHUNK]
            event = record_event(
                actor=actor,
                partner=partner_id,
                action=REDACTION_ACTION,
                object_type=object_type,
                after={"seqs": chunk, "reason": reason, "version_1_kept": kept if start == 0 else []},
            )
            changed = _replace_content(partner_id, chunk, event.seq)
            if changed != len(chunk):
                # Another transaction redacted some first; this one's event would list too many.
                raise RuntimeError(f"Redacted {changed} of {len(chunk)} audit events: nothing is changed.")
            events.append(event)
    return Redaction(events, seqs, kept)


def _replace_content(partner_id: int, seqs: list[int], by_seq: int) -> int:
    now = timezone.now()
    if connection.vendor == "postgresql":
        # The application's role holds no UPDATE on the events: this function (migration 0004)
        # runs as their owner, redacts what the event ``by_seq`` lists, and the trigger lets
        # through only that change.
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_redact_events(%s, %s, %s)", [partner_id, by_seq, now])
            return int(cursor.fetchone()[0])
    return (
        AuditEvent.objects.for_partner(partner_id)
        .filter(seq__in=seqs, redacted_at__isnull=True)
        .update(before=REDACTED, after=REDACTED, redacted_at=now, redacted_by_seq=by_seq)
    )
