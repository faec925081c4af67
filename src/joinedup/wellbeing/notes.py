"""Writing clinical notes, and re-encrypting them all under the current key.

A note's text goes from the clinician's request into ``crypto.encrypt`` and nowhere else: the
audit event says only that a note was added, its id and a length class (``length_class``), so
the trail can show that a case was worked on without holding a word of it. Reading notes is
``selectors.case_notes``, which writes the access event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import is_system
from joinedup.partnership.permissions import authorise
from joinedup.wellbeing import crypto
from joinedup.wellbeing.cases import refuse_own_case
from joinedup.wellbeing.models import Case, CaseStatus, ClinicalNote

NOTE_LIMIT = 20000
# Rows re-encrypted per transaction: each batch commits by itself, so a rotation stopped half way
# keeps what it did and the next run carries on (the notes already under the current key are
# skipped).
ROTATION_BATCH = 500


def length_class(text: str) -> str:
    """How long a note is, in words the audit trail may hold: never the length itself, which
    with the time could say more than it should."""
    if len(text) < 200:
        return "short"
    if len(text) < 2000:
        return "medium"
    return "long"


@transaction.atomic
def note_add(*, actor: Any, case: Case, text: str) -> ClinicalNote:
    """A clinician's note on a case of their partner, stored encrypted."""
    authorise(actor, "wellbeing.clinical", case.partner_id)
    if is_system(actor):
        raise ValidationError({"text": "A clinical note is written by a clinician."})
    refuse_own_case(actor, case)
    body = text.strip()
    if not body:
        raise ValidationError({"text": "Write the note."})
    if len(body) > NOTE_LIMIT:
        raise ValidationError({"text": f"Keep a note to {NOTE_LIMIT} characters."})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"text": "The case is closed: notes are added to an open case."})
    note = ClinicalNote.objects.create(
        case=case, partner_id=case.partner_id, author=actor, ciphertext=crypto.encrypt(body)
    )
    record_event(
        actor=actor,
        partner=case.partner_id,
        action="wellbeing.note_added",
        target=case,
        after={"note": note.pk, "length": length_class(body)},
    )
    return note


@dataclass(frozen=True)
class Rotation:
    examined: int
    rewritten: int


def rotate_notes(
    *, actor: Any, batch_size: int = ROTATION_BATCH, progress: Callable[[Rotation], None] | None = None
) -> Rotation:
    """Re-encrypt every note not yet under the current (first) key, in batches that each commit.
    Idempotent: a second run rewrites nothing. An operator's job (``SystemActor``); after it, the
    old key can be dropped. ``progress`` is told the running counts after each committed batch.
    Not one transaction on purpose: a large table would be locked
    for the whole run; one audit event in the global chain records the counts at the end."""
    if not is_system(actor):
        raise PermissionDenied("Re-encrypting the clinical notes is an operator's job: run it as the system.")
    return rotate_rows(
        actor=actor,
        rows=ClinicalNote.objects.unscoped(reason=ROTATE_NOTES),
        fields=("ciphertext",),
        stale=lambda note: not crypto.is_current(note.ciphertext),
        reason=ROTATE_NOTES,
        action="wellbeing.notes_rotated",
        batch_size=batch_size,
        progress=progress,
    )


ROTATE_NOTES = "re-encrypt every clinical note under the current key"


def rotate_rows(
    *,
    actor: Any,
    rows: QuerySet[Any],
    fields: tuple[str, ...],
    stale: Callable[[Any], bool],
    reason: str,
    action: str,
    batch_size: int,
    progress: Callable[[Rotation], None] | None,
) -> Rotation:
    """The one re-encryption loop for notes, attachments and answers: ``rows`` in primary-key
    batches that each commit under their row locks, every stale field of a stale row rotated
    (``crypto.rotate`` for text, ``rotate_bytes`` for bytes), then one audit event with the counts."""
    examined = rewritten = 0
    last = 0
    while True:
        with rls.system_context(reason):
            batch = list(
                rows.select_for_update().filter(pk__gt=last).order_by("pk").only("pk", *fields)[:batch_size]
            )
            if not batch:
                break
            old = [row for row in batch if stale(row)]
            for row in old:
                for name in fields:
                    value = getattr(row, name)
                    setattr(
                        row,
                        name,
                        crypto.rotate_bytes(value)
                        if isinstance(value, bytes | memoryview)
                        else crypto.rotate(value),
                    )
            if old:
                rows.bulk_update(old, list(fields))
        examined += len(batch)
        rewritten += len(old)
        last = batch[-1].pk
        if progress is not None:
            progress(Rotation(examined=examined, rewritten=rewritten))
    with transaction.atomic():
        record_event(
            actor=actor,
            partner=None,
            action=action,
            object_type=rows.model._meta.label_lower,
            after={"examined": examined, "rewritten": rewritten},
        )
    return Rotation(examined=examined, rewritten=rewritten)
