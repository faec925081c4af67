"""Issue 18: `joinedup backup PATH` copies the SQLite database while the application runs
(core/backup.py), and the copy restores: opened as the database by a new `joinedup audit
verify` process, its audit chains verify; a copy tampered with does not. On PostgreSQL the
command refuses and points at docs/operations.md."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.core.backup import POSTGRESQL_REFUSAL, copy_sqlite
from joinedup.testing.base import FIXTURES, PartnerTestCase
from joinedup.testing.concurrency import committed

NEEDS_SQLITE = "joinedup backup copies SQLite; on PostgreSQL it refuses (tested below)"


def verify_as_the_database(database: Path, checkpoints: Path) -> subprocess.CompletedProcess[str]:
    """`joinedup audit verify` in a new process whose database is ``database``, checking
    against the signed checkpoints in ``checkpoints`` (signed with this installation's key)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JOINEDUP_ROW_LEVEL_SECURITY")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        JOINEDUP_ENV="test",
        JOINEDUP_VAR_DIR=str(database.parent / "var"),
        AUDIT_CHECKPOINT_FILE=str(checkpoints),
        AUDIT_CHECKPOINT_KEY=str(settings.AUDIT_CHECKPOINT_KEY),
    )
    return subprocess.run(
        [sys.executable, "-m", "joinedup.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def take_backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
class TestBackupAndRestoreOnSQLite:
    @pytest.fixture(autouse=True)
    def _sqlite(self, tmp_path: Path) -> Iterator[None]:
        if connection.vendor != "sqlite":
            pytest.skip(NEEDS_SQLITE)
        self.folder = tmp_path
        self.checkpoints = tmp_path / "audit-checkpoints.jsonl"
        with override_settings(AUDIT_CHECKPOINT_FILE=self.checkpoints):
            # A partnership with its users and roles, all audited, committed.
            self.case: Any = committed(PartnerTestCase)
            call_command("audit", "checkpoint", stdout=StringIO())
            for n in range(3):
                record_event(actor=FIXTURES, partner=self.case.police, action=f"test.after_checkpoint.{n}")
            yield

    def test_a_backup_opened_as_the_database_verifies_against_the_signed_checkpoint(self) -> None:
        events = AuditEvent.objects.unscoped(reason="test: count every chain").count()
        target = self.folder / "joinedup-backup.sqlite3"

        printed = take_backup(target)

        size = target.stat().st_size
        assert target.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
        assert printed.splitlines()[0].startswith(
            f"Backed up {connection.settings_dict['NAME']} to {target}: "
        )
        assert f": {size:,} bytes (" in printed
        assert f"), {events:,} audit events, in " in printed
        assert sorted(p.name for p in self.folder.iterdir()) == ["audit-checkpoints.jsonl", target.name]
        verified = verify_as_the_database(target, self.checkpoints)
        assert verified.returncode == 0, verified.stderr
        assert "Checking against signed checkpoint 1 of" in verified.stdout
        assert f"All 5 chains intact ({events} events)." in verified.stdout

    def test_a_backup_tampered_with_fails_verification_naming_the_changed_event(self) -> None:
        target = self.folder / "joinedup-backup.sqlite3"
        take_backup(target)
        with sqlite3.connect(target) as copy:
            event_id, seq = copy.execute(
                "SELECT id, seq FROM audit_auditevent WHERE partner_id = ? AND seq = 2", [self.case.police.pk]
            ).fetchone()
            copy.execute("UPDATE audit_auditevent SET actor_label = 'someone-else' WHERE id = ?", [event_id])
        copy.close()

        verified = verify_as_the_database(target, self.checkpoints)

        assert verified.returncode == 1
        assert verified.stderr.splitlines()[0] == (
            f"Broken link — partner WPOL (id {self.case.police.pk}): seq {seq}, event id {event_id}: "
            "its content was changed after it was written"
        )
        assert verified.stderr.splitlines()[-1] == "CommandError: 1 audit chain(s) broken."

    def test_a_backup_restored_after_a_later_checkpoint_is_reported_cut_short_by_what_it_lost(self) -> None:
        # What a restore to an earlier time looks like: the events after the backup are gone, and
        # the checkpoint signed after them says how many.
        target = self.folder / "joinedup-backup.sqlite3"
        take_backup(target)
        police_events = AuditEvent.objects.for_partner(self.case.police).count()
        record_event(actor=FIXTURES, partner=self.case.police, action="test.after_backup")
        with override_settings(AUDIT_CHECKPOINT_FILE=self.checkpoints):
            call_command("audit", "checkpoint", stdout=StringIO())

        verified = verify_as_the_database(target, self.checkpoints)

        assert verified.returncode == 1
        lost = police_events + 1
        (first, *_) = verified.stderr.splitlines()
        assert first.startswith(
            f"Broken link — partner WPOL (id {self.case.police.pk}): seq {lost}, after the last event: "
            f"event seq {lost} is missing: the chain was cut short (signed checkpoint 2 of "
        )
        assert first.endswith(f" UTC records {lost} events)")

    def test_a_folder_gets_a_backup_named_for_the_time_and_a_missing_folder_is_refused(self) -> None:
        folder = self.folder / "backups"
        folder.mkdir()
        printed = take_backup(folder)
        (written,) = folder.iterdir()
        assert written.name.startswith("joinedup-") and written.name.endswith("Z.sqlite3")
        assert f" to {written}: " in printed
        missing = self.folder / "nowhere" / "copy.sqlite3"
        with pytest.raises(CommandError) as caught:
            take_backup(missing)
        assert str(caught.value) == f"{missing.parent} is not a folder: make it first, or give another path."
        assert not missing.parent.exists()


def test_a_copy_taken_while_another_connection_writes_is_consistent_and_never_blocks_it(
    tmp_path: Path,
) -> None:
    """The online backup API on a WAL database being written: the writer commits pairs of rows
    (one in each table) throughout; the copy holds whole pairs only and passes integrity_check,
    and no commit of the writer is refused or delayed past SQLite's busy timeout."""
    database = tmp_path / "live.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE a (n INTEGER PRIMARY KEY, pad BLOB)")
        setup.execute("CREATE TABLE b (n INTEGER PRIMARY KEY)")
        # About 8 MB, so that the copy takes a while.
        setup.executemany("INSERT INTO a VALUES (?, randomblob(4000))", [(-n,) for n in range(1, 2001)])
        setup.executemany("INSERT INTO b VALUES (?)", [(-n,) for n in range(1, 2001)])
    setup.close()
    stop = threading.Event()
    started = threading.Event()
    errors: list[Exception] = []
    committed_pairs = [0]

    def write() -> None:
        writer = sqlite3.connect(database, timeout=0.5)
        try:
            n = 0
            while not stop.is_set():
                n += 1
                with writer:
                    writer.execute("INSERT INTO a VALUES (?, randomblob(100))", [n])
                    writer.execute("INSERT INTO b VALUES (?)", [n])
                committed_pairs[0] = n
                if n == 50:
                    started.set()
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)
            started.set()
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    assert started.wait(60)
    target = tmp_path / "copy.sqlite3"
    with sqlite3.connect(database) as source:
        done = copy_sqlite(source, target, label=str(database))
    source.close()
    stop.set()
    thread.join(60)

    assert errors == []
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        a, b = (copy.execute(f"SELECT count(*), max(n) FROM {t}").fetchone() for t in ("a", "b"))  # noqa: S608
    copy.close()
    assert a == b
    assert 2000 + 50 <= a[0] <= 2000 + committed_pairs[0]
    assert (done.audit_events, done.bytes) == (0, target.stat().st_size)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_on_postgresql_the_command_refuses_and_points_at_the_operations_guide(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the command takes the backup (tested above)")
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(CommandError) as caught:
        take_backup(target)
    assert str(caught.value) == POSTGRESQL_REFUSAL
    assert list(tmp_path.iterdir()) == []
