from __future__ import annotations

from contextlib import nullcontext
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from joinedup.audit.chain import CURRENT_VERSION, GENESIS_HASH, content_digest, event_hash, json_safe
from joinedup.audit.models import AuditChainHead, AuditEvent
from joinedup.core import rls
from joinedup.core.actors import is_system
from joinedup.core.request_context import current_request_id


def record_event(
    *,
    actor: Any,
    partner: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the partner's chain (``partner=None``: the global chain).

    Call it inside the service's transaction, so the change and its record commit together
    or not at all. ``actor`` is the acting user, or a ``SystemActor`` when the system acts on
    its own account: the event then has no actor id and its label names the system's reason
    (and operator). ``None`` raises TypeError, so every event names who or what acted."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    partner_id = partner if isinstance(partner, int) or partner is None else partner.pk
    before_safe = json_safe(before)
    after_safe = json_safe(after)
    actor_id, actor_label = _actor_fields(actor)

    # No savepoint of its own: a failure here fails the caller's transaction anyway (the change
    # and its record commit together or not at all), so the SAVEPOINT and RELEASE every event
    # paid for would buy nothing. Outside any transaction this is still one.
    with transaction.atomic(savepoint=False):
        head = _locked_head(partner_id)
        seq = head.seq + 1
        occurred_at = timezone.now()
        request_id = current_request_id()
        content = content_digest(before_safe, after_safe)
        digest = event_hash(
            partner_id=partner_id,
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=before_safe,
            after=after_safe,
            request_id=request_id,
            prev_hash=head.hash,
            hash_version=CURRENT_VERSION,
            digest=content,
        )
        # A change may concern a partner beyond the caller's (a secondment's host, a transfer's
        # receiving partner) or none (the global chain); the service has authorised the change,
        # and this is the only writer of the chain, so the append itself names its own context,
        # in no savepoint of its own for the reason above. Only then: an event of one of the
        # caller's own partners passes the table's policy as it is, and setting and restoring a
        # system context around it would cost two statements a change (issue 15).
        needs_system = rls.enforced() and not getattr(head, MAY_APPEND, False)
        with rls.system_context(APPENDING, savepoint=False) if needs_system else nullcontext():
            event = AuditEvent.objects.create(
                partner_id=partner_id,
                seq=seq,
                occurred_at=occurred_at,
                actor_id=actor_id,
                actor_label=actor_label,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                before=before_safe,
                after=after_safe,
                request_id=request_id,
                prev_hash=head.hash,
                hash=digest,
                hash_version=CURRENT_VERSION,
                content_digest=content,
            )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    """The actor's id and label as stored. The label is hashed as stored, so it is cut to the
    column's length before hashing; events written before system actors had reasons keep
    their plain "system" label and still verify."""
    if is_system(actor):
        actor_id, label = None, actor.label
    else:
        actor_id, label = actor.pk, actor.get_username()
    limit = AuditEvent._meta.get_field("actor_label").max_length or len(label)
    if len(label) > limit:
        label = label[: limit - 1] + "…"
    return actor_id, label


# Whether the transaction's context already lets it write the chain's next event: the audit
# table's own policy, evaluated on the head row in the statement that locks it. The head names
# the event's partner in a column of the same name (``partner_id``), and the context cannot
# change between that statement and the insert, so the answer holds for the insert.
MAY_APPEND = "joinedup_may_append"


@cache
def _policy() -> str:
    return rls.condition(AuditEvent)


def _locked_head(partner_id: int | None) -> AuditChainHead:
    heads = AuditChainHead.objects.select_for_update()
    if rls.enforced() and connection.vendor == "postgresql":
        # The policy's own text, built from the models (core/rls.py), with no value of a caller's.
        policy = RawSQL(_policy(), [], output_field=models.BooleanField())  # noqa: S611
        heads = heads.annotate(**{MAY_APPEND: policy})
    chain = heads.filter(partner__isnull=True) if partner_id is None else heads.filter(partner_id=partner_id)
    # A chain has one head (unique on its partner): no ORDER BY for the ORM to build (first()'s).
    head = next(iter(chain[:1]), None)
    if head is None:
        # The chain's first event: writers that found no head all try to create it. The unique
        # constraint lets one through; the others wait for it to commit, fail in their own
        # savepoint, and lock the head it made, as writers of a chain with a head always do.
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(partner_id=partner_id, seq=0, hash=GENESIS_HASH)
        except IntegrityError:
            pass
        head = chain.get()
    return head


APPENDING = "audit: append an event to its partner's chain"
