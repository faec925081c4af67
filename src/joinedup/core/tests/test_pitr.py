"""Issue 18: the PostgreSQL backup and point-in-time restore of docs/operations.md, done for real
on the suite's throwaway cluster (tools/with-postgres): WAL archived by ``archive_command``, a base
backup by ``pg_basebackup``, more audited writes, a signed checkpoint, the time noted, writes
after it; then the base backup restored beside the running server with ``restore_command`` and
``recovery_target_time``, and `joinedup audit verify` run against the restored database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.testing.base import FIXTURES, PartnerTestCase
from joinedup.testing.concurrency import committed
from joinedup.testing.required import missing

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


class Cluster:
    """The suite's cluster, reached as its superuser, and the tools to copy it."""

    def __init__(self) -> None:
        self.bindir = Path(os.environ["JOINEDUP_TEST_PG_BINDIR"])
        self.runas = ["runuser", "-u", user, "--"] if (user := os.environ["JOINEDUP_TEST_PG_RUNAS"]) else []
        self.owner = user
        db = connection.settings_dict
        self.database = str(db["NAME"])
        self.params: dict[str, Any] = {"host": db["HOST"], "port": int(db["PORT"]), "user": db["USER"]}

    def sql(self, statement: str, *, port: int | None = None) -> Any:
        with psycopg.connect(
            **{**self.params, "port": port or self.params["port"]}, dbname=self.database, autocommit=True
        ) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    def tool(self, name: str, *args: str, cwd: Path) -> str:
        done = subprocess.run(
            [*self.runas, str(self.bindir / name), *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{name} failed: {done.stderr}"
        return done.stdout

    def folder(self, path: Path) -> Path:
        path.mkdir(mode=0o700, exist_ok=True)
        if self.owner:
            shutil.chown(path, user=self.owner, group=self.owner)
        return path


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL drill")
    if "JOINEDUP_TEST_PG_BINDIR" not in os.environ:
        missing("the cluster of tools/with-postgres (JOINEDUP_TEST_PG_BINDIR) for the recovery drill")
    found = Cluster()
    if found.sql("SHOW archive_mode") != "on":
        missing("a test cluster with archive_mode on (tools/with-postgres without --durable)")
    yield found


def test_a_base_backup_and_archived_wal_restore_to_a_time_whose_audit_trail_verifies(
    cluster: Cluster,
) -> None:
    drill = cluster.folder(Path(tempfile.mkdtemp(prefix="pitr-", dir=os.environ["JOINEDUP_TEST_PG_WORKDIR"])))
    archive = cluster.folder(drill / "wal-archive")
    restored = drill / "restored"
    checkpoints = drill / "audit-checkpoints.jsonl"
    restored_port = 0
    try:
        cluster.sql(f"ALTER SYSTEM SET archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'")
        cluster.sql("SELECT pg_reload_conf()")
        case: Any = committed(PartnerTestCase)
        cluster.tool(
            "pg_basebackup",
            *("-h", str(cluster.params["host"]), "-p", str(cluster.params["port"]), "-U", "postgres"),
            *("-D", str(restored), "-X", "stream", "-c", "fast"),
            cwd=drill,
        )
        for n in range(5):
            record_event(actor=FIXTURES, partner=case.police, action=f"test.before_the_time.{n}")
        with override_settings(AUDIT_CHECKPOINT_FILE=checkpoints):
            call_command("audit", "checkpoint", stdout=StringIO())
        events_at_the_time = AuditEvent.objects.unscoped(reason="test: count every chain").count()
        the_time = cluster.sql("SELECT clock_timestamp()::text")
        for n in range(5):
            record_event(actor=FIXTURES, partner=case.police, action=f"test.after_the_time.{n}")
        # Close the WAL segment holding the later writes and wait (bounded) for its archiving:
        # recovery must see a commit after the target time to know where to stop.
        segment = cluster.sql("SELECT pg_walfile_name(pg_switch_wal())")
        deadline = time.monotonic() + 60
        while not (archive / segment).exists():
            assert time.monotonic() < deadline, f"WAL segment {segment} was not archived in 60 s"
            time.sleep(0.1)

        # The restore, as docs/operations.md says: the base backup, restore_command, the target.
        with open(restored / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"restore_command = 'cp {archive}/%f %p'\n"
                f"recovery_target_time = '{the_time}'\n"
                "recovery_target_action = 'promote'\n"
            )
        (restored / "recovery.signal").touch()
        if cluster.owner:
            for path in (restored / "postgresql.auto.conf", restored / "recovery.signal"):
                shutil.chown(path, user=cluster.owner, group=cluster.owner)
        restored_port = free_port()
        cluster.tool(
            "pg_ctl",
            *("-D", str(restored), "-l", str(drill / "restored.log"), "-w", "-t", "120"),
            *("-o", f"-p {restored_port} -k {drill} -c listen_addresses=127.0.0.1 -c archive_mode=off"),
            "start",
            cwd=drill,
        )
        # pg_ctl returns once connections are accepted, which a hot standby does mid-recovery.
        deadline = time.monotonic() + 120
        while cluster.sql("SELECT pg_is_in_recovery()", port=restored_port):
            assert time.monotonic() < deadline, "the restored server did not finish recovery in 120 s"
            time.sleep(0.1)
        log = (drill / "restored.log").read_text()
        assert "recovery stopping before commit of transaction" in log
        assert "archive recovery complete" in log
        actions = cluster.sql(
            "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_auditevent WHERE action LIKE 'test.%'",
            port=restored_port,
        )
        assert actions == ",".join(f"test.before_the_time.{n}" for n in range(5))

        verified = verify_in_a_new_process(cluster, restored_port, checkpoints)
        assert verified.returncode == 0, verified.stderr
        assert "Checking against signed checkpoint 1 of" in verified.stdout
        assert f"All 5 chains intact ({events_at_the_time} events)." in verified.stdout
    finally:
        if restored_port:
            subprocess.run(
                [*cluster.runas, str(cluster.bindir / "pg_ctl"), "-D", str(restored), "-m", "fast", "stop"],
                capture_output=True,
                cwd=drill,
                check=False,
            )
        cluster.sql("ALTER SYSTEM RESET archive_command")
        cluster.sql("SELECT pg_reload_conf()")
        shutil.rmtree(drill, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def verify_in_a_new_process(
    cluster: Cluster, port: int, checkpoints: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JOINEDUP_ROW_LEVEL_SECURITY"}
    env.update(
        DATABASE_URL=f"postgres://{cluster.params['user']}@127.0.0.1:{port}/{cluster.database}",
        JOINEDUP_ENV="test",
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
