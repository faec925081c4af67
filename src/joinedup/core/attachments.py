"""A store for documents attached to records, outside the database: each file is kept under
``settings.ATTACHMENTS_DIR`` named by the SHA-256 of its bytes (``ab/abcdef…``), so no name a
user gives ever reaches the file system, and the same document stored twice is one file.

``check`` decides what may be stored: the kinds of document a consultation exchanges (PDF,
Word, Excel, OpenDocument, plain text, CSV, PNG, JPEG) by their extension *and* their first
bytes, up to ``MAX_BYTES``. The content type sent back is the one the extension names, never
the uploader's. A file written for a transaction that then rolls back stays as an orphan,
which is harmless (nothing names it) and can be swept by comparing names with the database."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# extension -> (content type, the bytes a file of that kind starts with; None: text)
KINDS: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
}
ALLOWED = ", ".join(sorted({k.upper() for k in KINDS} - {"JPEG"}))


@dataclass(frozen=True)
class Checked:
    filename: str
    content_type: str
    size: int
    sha256: str


def clean_filename(name: str) -> str:
    """The uploader's file name reduced to letters, digits, dots, hyphens and underscores, with
    no directory part, at most 120 characters and keeping its extension."""
    base = re.split(r"[\\/]", name)[-1]
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip(".-_") or "document"
    stem, dot, ext = safe.rpartition(".")
    if not dot:
        return safe[:120]
    stem = stem.strip(".-_") or "document"
    return f"{stem[: 119 - len(ext)]}.{ext}"


def check(filename: str, content: bytes) -> Checked:
    """What may be stored of ``content`` called ``filename``, or ValidationError saying why not."""
    name = clean_filename(filename)
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in KINDS:
        raise ValidationError({"file": f"Attach a {ALLOWED} file; {name} is not one."})
    if not content:
        raise ValidationError({"file": f"{name} is empty."})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    content_type, magic = KINDS[ext]
    if magic is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise ValidationError({"file": f"{name} is not plain text (UTF-8)."})
    elif not content.startswith(magic):
        raise ValidationError({"file": f"{name} is not a {ext.upper()} file: its contents say otherwise."})
    return Checked(name, content_type, len(content), hashlib.sha256(content).hexdigest())


def _path(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("Not a SHA-256 name.")
    return Path(settings.ATTACHMENTS_DIR) / sha256[:2] / sha256


def store(content: bytes) -> str:
    """Keep ``content`` (already checked) and answer its name."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = _path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{sha256}.partial")
        partial.write_bytes(content)
        partial.replace(path)  # atomic: a reader never sees half a file
    else:
        # Touched, so that a sweep running now (``remove_unnamed``) spares a file that a record
        # about to be committed names again.
        path.touch()
    return sha256


def remove_unnamed(
    candidates: Iterable[str], *, named: Collection[str], stored_before: datetime
) -> list[str]:
    """Remove each candidate's file that no record names (``named``: the candidates some record
    still names, read by the caller across every partner) and that was last stored before
    ``stored_before``; answer the names removed. The same document attached twice is one file,
    so a file goes only when its last record has; a file stored since ``stored_before`` may
    belong to an upload not yet committed, and waits for a later sweep."""
    removed = []
    for sha256 in sorted(set(candidates) - set(named)):
        path = _path(sha256)
        try:
            if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) >= stored_before:
                continue
            path.unlink()
        except FileNotFoundError:
            continue  # gone already: an earlier sweep, or an upload that was rolled back
        removed.append(sha256)
    return removed


def read(sha256: str) -> bytes:
    """The stored bytes, checked against their name (a file changed on disk is refused)."""
    content = _path(sha256).read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError(f"Attachment {sha256} does not match its checksum.")
    return content
