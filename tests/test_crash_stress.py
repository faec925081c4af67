"""`joinedup stress crash` in the suite: a pay run calculated by the worker, a people import and a
recharge run, each killed at drawn points inside the work and restarted, end with exactly what an
uninterrupted run leaves — on the suite's database, and on PostgreSQL also when the server itself is stopped
with `pg_ctl -m immediate` (a cluster of the test's own, started by tools/with-postgres).

And the fault the stress found: a worker killed in the middle of a task left it RUNNING, so no
worker ever ran it again and the pay run stayed "calculating", half written."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from joinedup.bench import crash

ROOT = Path(__file__).resolve().parents[1]
# Seed 715 draws failpoints inside each scenario's work for its first three trials (none at a
# random time, none before the work begins or after it has committed): the pay run marked
# calculating, its final transaction open, a batch written but not committed; the import with
# its terms, its new people, its audit event written but not committed; the recharge run with a
# journal posted, its lines written, its audit event written, none of it committed.
SEED = "715"


def child_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}


def stress(*args: str, seed: str = SEED, command: tuple[str, ...] = (), cwd: Path = ROOT) -> dict[str, Any]:
    result = subprocess.run(
        [*command, sys.executable, "-m", "joinedup.cli", "stress", "crash", "--json", "--seed", seed, *args],
        env=child_environment(),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def on_postgresql() -> bool:
    return str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")


def test_work_killed_at_random_points_and_restarted_ends_as_if_never_interrupted() -> None:
    found = stress("--trials", "3", "--employees", "100", "--batch-size", "10")
    assert (found["trials"], found["failures"], found["database"]) == (
        9,
        0,
        "postgresql" if on_postgresql() else "sqlite",
    )
    for name in ("payrun", "import", "recharge"):
        scenario = found["scenarios"][name]
        # Each trial cut its scenario's work off where it was drawn to, whatever the machine's load.
        assert (scenario["kills"], scenario["finished_before_interruption"]) == (3, 0), (name, scenario)
        assert sum(scenario["kill_points"].values()) == 3
        assert scenario["kill_points"]["time-random"] == 0
        assert scenario["failures"] == 0
        # Where each interruption landed was read from the trial's database, on either vendor.
        assert sum(scenario["stages"].values()) == 3
        assert not [stage for stage in scenario["stages"] if stage.startswith("unread")], scenario


@pytest.mark.postgres_only
def test_work_survives_postgresql_stopped_immediately_as_well_as_the_process_killed(tmp_path: Path) -> None:
    if not on_postgresql():
        pytest.skip("stopping the database server exists on PostgreSQL only")
    # A durable cluster of the test's own (the suite's cannot be stopped under it): fsync and
    # synchronous commit on, as in production, so a commit reported is a commit kept. Seed 89
    # stops PostgreSQL in each scenario's first trial, inside its work: the pay run with a batch
    # committed and counted, the import (SIGKILLed as well) with its new people written in its
    # open transaction, the recharge run with its lines written in its. One trial each keeps the
    # test bounded.
    command = (sys.executable, str(ROOT / "tools" / "with-postgres"), "--durable", "--")
    found = stress(
        "--database-kill",
        "--trials",
        "1",
        "--employees",
        "100",
        "--batch-size",
        "10",
        seed="89",
        command=command,
        cwd=tmp_path,  # where the inner tools/with-postgres writes its status file
    )
    assert (found["trials"], found["failures"], found["database"]) == (3, 0, "postgresql")
    stops = {name: (s["database_stops"], s["kills"]) for name, s in found["scenarios"].items()}
    assert stops == {"payrun": (1, 0), "import": (1, 1), "recharge": (1, 0)}, found["scenarios"]
    points = {name: [p for p, n in s["kill_points"].items() if n] for name, s in found["scenarios"].items()}
    assert points == {
        "payrun": ["payrun.batch_counted"],
        "import": ["import.people_written"],
        "recharge": ["recharge.lines_written"],
    }


# Run by the test below in a cluster of its own: a scratch copy, a committed row, the server
# stopped as in a power cut, and the next row's id.
SEQUENCE_AFTER_A_CRASH = """
import os, tempfile
from pathlib import Path
import django, psycopg
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
django.setup()
from joinedup.bench import crash
scratch = crash.PostgresScratch(Path(tempfile.mkdtemp()), os.environ["DATABASE_URL"])
cluster = crash.Cluster.from_environment()

def run(name, statement):
    with psycopg.connect(scratch.env(name)["DATABASE_URL"]) as connection:
        rows = connection.execute(statement)
        return rows.fetchone()[0] if rows.description else None

try:
    scratch.create_empty("template")
    run("template", "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)")
    run("template", "INSERT INTO t DEFAULT VALUES RETURNING id")
    scratch.copy("template", "copy")
    ids = [run("copy", "INSERT INTO t DEFAULT VALUES RETURNING id")]
    cluster.stop_immediately()
    cluster.start()
    ids.append(run("copy", "INSERT INTO t DEFAULT VALUES RETURNING id"))
    print(ids)
finally:
    scratch.close()
"""


@pytest.mark.postgres_only
def test_a_scratch_copy_never_hands_out_a_committed_id_again_after_postgresql_is_stopped(
    tmp_path: Path,
) -> None:
    """The crash stress's PostgreSQL finding: a restarted pay run failed on its audit event's
    primary key, because the trial's database, copied with PostgreSQL 15's default WAL_LOG
    strategy, carried its template's pre-logged sequence values and after crash recovery gave
    an id a committed row held (a PostgreSQL fault, reported upstream as "sequence value may
    rollback after CREATE DATABASE TEMPLATE with WAL_LOG strategy"). Copies use FILE_COPY."""
    if not on_postgresql():
        pytest.skip("stopping the database server exists on PostgreSQL only")
    cluster = (sys.executable, str(ROOT / "tools" / "with-postgres"), "--durable", "--")
    result = subprocess.run(
        [*cluster, sys.executable, "-c", SEQUENCE_AFTER_A_CRASH],
        env=child_environment(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    first, after_the_crash = json.loads(result.stdout.strip().splitlines()[-1])
    assert after_the_crash > first


def _progress(scratch: crash.Scratch, name: str) -> int:
    """Payslips counted so far in November's run, read straight from the trial's database."""
    sql = "SELECT progress_done FROM payroll_payrun WHERE period = 8"
    if isinstance(scratch, crash.PostgresScratch):
        import psycopg

        with psycopg.connect(scratch.env(name)["DATABASE_URL"]) as connection:
            row = connection.execute(sql).fetchone()
    else:
        with sqlite3.connect(scratch.root / name / "joinedup.sqlite3", timeout=20) as connection:
            row = connection.execute(sql).fetchone()
    return int(row[0]) if row else 0


def test_a_worker_killed_mid_run_leaves_it_half_written_until_a_joinedup_worker_queues_it_again(
    tmp_path: Path,
) -> None:
    plan = crash.Plan(("payrun",), trials=1, seed=1, employees=100, batch_size=10, database_kill=False)
    scratch = crash.scratch_for(settings.DATABASES["default"], tmp_path / "scratch")
    scratch.base_env["JOINEDUP_PAYRUN_BATCH_SIZE"] = "10"
    try:
        crash.seed_database(scratch, plan)
        clean = crash.prepare_scenario(scratch, "payrun", plan)
        scratch.copy("payrun", "killed")
        env = scratch.env("killed")
        worker = subprocess.Popen(
            [sys.executable, "-m", "joinedup.cli", "worker", "--batch"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while _progress(scratch, "killed") < 20 and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert worker.poll() is None, "the calculation finished before it could be killed"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        # django-tasks' own worker starts, finds nothing ready and leaves: the task is RUNNING.
        crash.joinedup(env, "db_worker", "--batch", "--no-startup-delay")
        left = crash.outcome(scratch, "killed", "payrun")
        assert "the run is left calculating" in left["problems"]
        assert "1 background task(s) left running" in left["problems"]
        # A joinedup worker queues it again, since the worker that claimed it is dead.
        restarted = crash.joinedup(env, "worker", "--batch")
        assert "Recovered task" in restarted.stdout and "queued again" in restarted.stdout
        after = crash.outcome(scratch, "killed", "payrun")
        assert after["problems"] == []
        assert after["figures"] == clean.expected
    finally:
        scratch.close()
