"""A copy of the SQLite database taken while the application runs: ``joinedup backup PATH``.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the database page by page
inside one read transaction, so the copy is the database as it was at one instant, committed
transactions only. With the database in WAL mode (joinedup's default) writers carry on while it
reads. It copies in one step: copied in several, every write by another connection in between
would start the copy again, and a busy database might never finish.

The copy is written beside the target under a temporary name readable by its owner only, checked
(``PRAGMA quick_check``), made a single self-contained file (rollback journal, not WAL), flushed to
disk and only then renamed onto the target, so a crash or a full disk never leaves a half-written
file under the backup's name. PostgreSQL is backed up with its own tools: docs/operations.md."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

POSTGRESQL_REFUSAL = (
    "joinedup backup copies an SQLite database, and this installation runs on PostgreSQL. Back it up "
    "with pg_basebackup and WAL archiving, and restore to a point in time, as docs/operations.md "
    "(Backups, PostgreSQL) describes."
)


class BackupRefused(Exception):
    """The backup was not taken; the message says why. Nothing was left at the target."""


@dataclass(frozen=True)
class Backup:
    source: str
    target: Path
    bytes: int
    pages: int
    audit_events: int
    seconds: float


def target_path(path: Path, now: datetime) -> Path:
    """``path`` itself, or in a folder a file named for the time: ``joinedup-20261205T020000Z.sqlite3``."""
    if path.is_dir():
        return path / f"joinedup-{now:%Y%m%dT%H%M%SZ}.sqlite3"
    if not path.parent.is_dir():
        raise BackupRefused(f"{path.parent} is not a folder: make it first, or give another path.")
    return path


def copy_sqlite(source: sqlite3.Connection, target: Path, *, label: str) -> Backup:
    """Copy the database open on ``source`` to ``target`` (replacing what is there)."""
    started = time.monotonic()
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        # Personal data of every partner: readable by the backup's owner only.
        partial.touch(mode=0o600, exist_ok=False)
        with closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            # The page structure is checked; CHECK constraints are not, as some call functions
            # that only Django's connections define (the source enforced them on every write).
            copy.execute("PRAGMA ignore_check_constraints = ON")
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupRefused(f"The copy failed SQLite's quick_check ({check}): nothing was written.")
            copy.execute("PRAGMA journal_mode=DELETE")
            (pages,) = copy.execute("PRAGMA page_count").fetchone()
            audited = copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_auditevent'"
            ).fetchone()
            events = copy.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] if audited else 0
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(
        source=label,
        target=target,
        bytes=target.stat().st_size,
        pages=int(pages),
        audit_events=int(events),
        seconds=time.monotonic() - started,
    )


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Backup:
    """Copy the application's SQLite database to ``path`` (a file, or a folder to name one in)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        raise BackupRefused(POSTGRESQL_REFUSAL)
    if connection.vendor != "sqlite":
        raise BackupRefused(f"joinedup backup copies an SQLite database, not {connection.vendor}.")
    if connection.in_atomic_block:
        # The copy would hold this transaction's uncommitted writes.
        raise BackupRefused("Take a backup outside a transaction.")
    target = target_path(Path(path).expanduser().absolute(), timezone.now())
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)  # noqa: S101 — the vendor was checked above
    return copy_sqlite(raw, target, label=str(connection.settings_dict["NAME"]))


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
