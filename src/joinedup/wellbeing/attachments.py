"""Documents on an occupational-health case: a clinician attaches them, clinicians read them.

A case's attachments are the letters and reports that come with it (a GP's fit note, a
specialist's letter, a scanned form). Their **name and content are clinical**: both are sealed
with occupational health's own keys (``crypto``) before they reach the model, and held in the
database (``CaseAttachment``; its docstring says why not the file store). The audit event of an
upload carries the attachment's id, its size and its sniffed type, never its name or a byte of it.

What may be attached is decided by the file's **first bytes, not its name** (``sniff``): PDF, PNG
and JPEG only. Not more, on purpose: these three cover what reaches occupational health (letters
as PDF, scans and photographs as images) and are opened by viewers that run no code of their own;
Word and Excel files are ZIP containers whose first bytes prove nothing about what is inside (any
ZIP passes) and may carry macros; HTML, SVG and text can carry script or be rendered as a page by
a browser. A bigger list would make every clinician's machine trust more of what an uploader sends.
The size limit is ``settings.OH_ATTACHMENT_MAX_BYTES`` (``JOINEDUP_OH_ATTACHMENT_MAX_BYTES``,
10 MB by default). A refused file leaves nothing behind.

Reading is for clinicians of the case's partner only, like the notes (``selectors._clinical_case``:
404 for anyone who does not see the case, 403 for those who see it without
``wellbeing.clinical``, and for a clinician who is the employee). Listing the names is one
``CaseAccessEvent`` (part ``attachments``), and so is each download.

``rotate_attachments`` re-encrypts them under the current key (``joinedup wellbeing rotate-keys``),
and ``erase_case_attachments`` deletes a case's attachments for the retention job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system
from joinedup.core.attachments import clean_filename
from joinedup.partnership.permissions import authorise
from joinedup.wellbeing import crypto
from joinedup.wellbeing.cases import refuse_own_case
from joinedup.wellbeing.models import AccessPart, Case, CaseAttachment, CaseStatus
from joinedup.wellbeing.notes import Rotation, rotate_rows
from joinedup.wellbeing.selectors import _clinical_case, _log

# Attachments re-encrypted per committed batch: each may be 10 MB, so far fewer than notes.
ROTATION_BATCH = 20


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]  # the first is added to a name that has none of them
    magic: bytes


# The only kinds accepted, recognised by their first bytes (the module docstring says why these).
KINDS: tuple[Kind, ...] = (
    Kind("application/pdf", ("pdf",), b"%PDF-"),
    Kind("image/png", ("png",), b"\x89PNG\r\n\x1a\n"),
    Kind("image/jpeg", ("jpg", "jpeg"), b"\xff\xd8\xff"),
)
REFUSED_KIND = "Attach a PDF, PNG or JPEG file: this file's contents are none of those."


def sniff(content: bytes) -> Kind | None:
    """The kind ``content`` is by its first bytes, or None; the name it came with plays no part."""
    return next((kind for kind in KINDS if content.startswith(kind.magic)), None)


def max_bytes() -> int:
    return int(getattr(settings, "OH_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def limit_text(limit: int | None = None) -> str:
    """The size limit as people read it: "10 MB"."""
    limit = max_bytes() if limit is None else limit
    mb = 1024 * 1024
    return f"{limit // mb} MB" if limit % mb == 0 else f"{limit:,} bytes"


def _too_large() -> ValidationError:
    return ValidationError({"file": f"Attach a file of at most {limit_text()}."})


def read_upload(upload: UploadedFile | None) -> tuple[str, bytes]:
    """The name and bytes of an uploaded file, refusing one over the limit before reading it into
    memory. The error messages never repeat the file's name: it is clinical."""
    if upload is None:
        raise ValidationError({"file": "Choose a file to attach."})
    if upload.size is not None and upload.size > max_bytes():
        raise _too_large()
    return str(upload.name or ""), upload.read(max_bytes() + 1)


def display_name(filename: str, kind: Kind) -> str:
    """The uploader's name, made safe for a header and a file system (core.attachments), ending in
    the extension of what the file really is."""
    name = clean_filename(filename or "document")
    if name.rpartition(".")[2].lower() in kind.extensions and "." in name:
        return name
    extension = kind.extensions[0]
    return f"{name[: 119 - len(extension)]}.{extension}"


@transaction.atomic
def attachment_add(*, actor: Any, case: Case, filename: str, content: bytes) -> CaseAttachment:
    """A clinician's document on an open case of their partner, its name and content stored
    encrypted; one audit event with its id, size and type."""
    authorise(actor, "wellbeing.clinical", case.partner_id)
    if is_system(actor):
        raise ValidationError({"file": "A document is attached by a clinician."})
    refuse_own_case(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"file": "The case is closed: documents are attached to an open case."})
    if not content:
        raise ValidationError({"file": "The file is empty."})
    if len(content) > max_bytes():
        raise _too_large()
    kind = sniff(content)
    if kind is None:
        raise ValidationError({"file": REFUSED_KIND})
    attachment = CaseAttachment.objects.create(
        case=case,
        partner_id=case.partner_id,
        uploaded_by=actor,
        content_type=kind.content_type,
        size=len(content),
        name_ciphertext=crypto.encrypt(display_name(filename, kind)),
        content_ciphertext=crypto.encrypt_bytes(content),
    )
    record_event(
        actor=actor,
        partner=case.partner_id,
        action="wellbeing.attachment_added",
        target=case,
        after={"attachment": attachment.pk, "size": attachment.size, "content_type": kind.content_type},
    )
    return attachment


# --- reads: clinicians of the partner, each one access event -------------------------------------


def clinical_case(user: Any, *, case_id: int) -> Case:
    """The case, if ``user`` may read its clinical content: 404 if they do not see it, 403 if they
    see it without ``wellbeing.clinical`` (or it is their own). Writes no access event."""
    return _clinical_case(user, case_id)


@dataclass(frozen=True, repr=False)
class AttachmentInfo:
    """An attachment as the list shows it. Its repr leaves the name out: logs print reprs."""

    id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime

    def __repr__(self) -> str:
        return f"AttachmentInfo(id={self.id}, content_type={self.content_type!r}, size={self.size})"


@dataclass(frozen=True, repr=False)
class AttachmentFile:
    id: int
    filename: str
    content_type: str
    content: bytes

    def __repr__(self) -> str:
        return f"AttachmentFile(id={self.id}, content_type={self.content_type!r}, size={len(self.content)})"


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def case_attachments(user: Any, *, case_id: int) -> list[AttachmentInfo]:
    """The case's attachments, oldest first, with their names, for a clinician of its partner;
    one access event (the names are clinical too)."""
    case = _clinical_case(user, case_id)
    found = (
        CaseAttachment.objects.for_partner(case.partner_id)
        .filter(case=case)
        .defer("content_ciphertext")
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    listed = [
        AttachmentInfo(
            id=a.pk,
            filename=crypto.decrypt(a.name_ciphertext),
            content_type=a.content_type,
            size=a.size,
            uploaded_by=_name(a.uploaded_by),
            uploaded_at=a.uploaded_at,
        )
        for a in found
    ]
    _log(user, case, AccessPart.ATTACHMENTS)
    return listed


def attachment_download(user: Any, *, case_id: int, attachment_id: int) -> AttachmentFile:
    """One attachment's name, sniffed type and bytes, for a clinician of the case's partner; one
    access event. An attachment of another case answers 404."""
    case = _clinical_case(user, case_id)
    found = CaseAttachment.objects.for_partner(case.partner_id).filter(case=case, pk=attachment_id).first()
    if found is None:
        raise Http404("No such attachment.")
    document = AttachmentFile(
        id=found.pk,
        filename=crypto.decrypt(found.name_ciphertext),
        content_type=found.content_type,
        content=crypto.decrypt_bytes(found.content_ciphertext),
    )
    _log(user, case, AccessPart.ATTACHMENTS)
    return document


def attachments_for_subject_access(user: Any, *, partner_id: int, case_id: int) -> list[AttachmentFile]:
    """A case's attachments (names and bytes), oldest first, for the partner's data-protection
    officer answering the employee's own subject-access request (privacy/sar_export.py), like
    ``selectors.case_notes_for_subject_access``: authorised by ``privacy.sar``, one access event
    when there is any (a read of nothing would only clutter the employee's "who has read")."""
    authorise(user, "privacy.sar", partner_id)
    case = Case.objects.for_partner(partner_id).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    found = CaseAttachment.objects.for_partner(partner_id).filter(case=case).order_by("uploaded_at", "pk")
    files = [
        AttachmentFile(
            id=a.pk,
            filename=crypto.decrypt(a.name_ciphertext),
            content_type=a.content_type,
            content=crypto.decrypt_bytes(a.content_ciphertext),
        )
        for a in found
    ]
    if files:
        _log(user, case, AccessPart.ATTACHMENTS)
    return files


# --- operators and retention -------------------------------------------------------------------


def rotate_attachments(
    *, actor: Any, batch_size: int = ROTATION_BATCH, progress: Callable[[Rotation], None] | None = None
) -> Rotation:
    """Re-encrypt every attachment (name and content) not yet under the current key, batch by
    committed batch, as ``notes.rotate_notes`` does for notes; idempotent; an operator's job."""
    if not is_system(actor):
        raise PermissionDenied("Re-encrypting the attachments is an operator's job: run it as the system.")
    reason = "re-encrypt every occupational-health attachment under the current key"
    return rotate_rows(
        actor=actor,
        rows=CaseAttachment.objects.unscoped(reason=reason),
        fields=("name_ciphertext", "content_ciphertext"),
        stale=lambda attachment: not _current(attachment),
        reason=reason,
        action="wellbeing.attachments_rotated",
        batch_size=batch_size,
        progress=progress,
    )


def _current(attachment: CaseAttachment) -> bool:
    return crypto.is_current(attachment.name_ciphertext) and crypto.is_current_bytes(
        attachment.content_ciphertext
    )


def erase_case_attachments(case: Case) -> int:
    """Delete every attachment of ``case`` (name and content with the row) and say how many, for
    the retention job's erasure. It records no audit event of its own and checks no permission:
    the caller (the retention job, as the system, in its transaction) does both for the case."""
    deleted, _ = CaseAttachment.objects.for_partner(case.partner_id).filter(case=case).delete()
    return int(deleted)
