"""`joinedup bench load` end to end at a tiny size: the demo seeded into a database of its own,
served by gunicorn on a free loopback port, read by Locust users of every role, stopped, and
reported with no error on any page. On the PostgreSQL half of the suite it seeds a fresh
database of the test cluster; otherwise a SQLite file in a temporary folder. Speed is measured
by `make load`, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PAGES = {
    "employee: my payslips",
    "employee: payslip",
    "HR: people search",
    "HR: person record",
    "payroll: pay runs",
    "payroll: pay run",
    "finance: trial balance (month)",
    "finance: trial balance (year)",
}


@contextmanager
def _own_database() -> Iterator[dict[str, str]]:
    """The environment for the load test's processes: a new database on the PostgreSQL
    cluster the suite runs against (dropped afterwards), or SQLite in the run's folder."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env.pop("DATABASE_URL", None)
        yield env
        return
    name = f"load_{uuid.uuid4().hex[:12]}"
    base, _, _ = url.rpartition("/")
    # The cluster's own database: the suite's may not exist (the suite makes test_… beside it).
    maintenance = f"{base}/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": f"{base}/{name}"}
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_it_serves_the_demo_to_every_role_and_reports_no_errors(tmp_path: Path) -> None:
    command = [
        *(sys.executable, "-m", "joinedup.cli", "bench", "load"),
        *("--employees", "50", "--users", "10", "--workers", "2", "--employee-accounts", "5"),
        *("--duration", "5s", "--warmup", "2s", "--dir", str(tmp_path), "--json"),
    ]
    # The bench seeds its own demo first, which on a machine whose cores the suite's other
    # process shares took over 300 s once: the limit only stops a hung run.
    with _own_database() as env:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    assert result["errors"] == 0, result["error_messages"]
    # Which of a role's pages a user reads is drawn at random: in five seconds on a busy machine
    # a page may not come up, but every role does (test_load_plan reads every page of each).
    assert set(result["pages"]) <= PAGES
    assert {name.split(":")[0] for name in result["pages"]} == {"employee", "HR", "payroll", "finance"}
    assert all(page["requests"] > 0 and page["errors"] == 0 for page in result["pages"].values())
    assert result["total"]["requests"] == sum(page["requests"] for page in result["pages"].values())
    setting = result["setting"]
    assert setting["title"].startswith("the demo at 50 employees (")
    assert setting["server"] == "joinedup serve (gunicorn), 2 sync workers, on loopback"
    assert "requests per server CPU-second" in setting["CPU while measured"]
    # The server was stopped (TERM) and its log shows the pages were served by gunicorn.
    folder = next(tmp_path.glob("*-50"))
    assert "GET /payslips/" in (folder / "server.log").read_text()
