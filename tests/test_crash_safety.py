"""Nothing lost, nothing doubled: a pay-run calculation killed with SIGKILL at random points
and then run again ends with exactly the payslips of an uninterrupted calculation.

Runs real processes against a database of its own: a SQLite file, or a fresh database on the
PostgreSQL server the suite is using."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EMPLOYEES = 2500
PAY_DATE = "2026-11-25"
FIGURES = (
    "employment_id, tax_code, basic_pay, gross_pay, pension_employee, pension_employer, taxable_pay, "
    "taxable_pay_to_date, tax, tax_paid_to_date, ni_employee, ni_employer, student_loan, postgraduate_loan, "
    "net_pay"
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    var = tmp_path_factory.mktemp("crash")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        JOINEDUP_ENV="development", JOINEDUP_VAR_DIR=str(var), DEBUG="false", DJANGO_SETTINGS_MODULE=""
    )
    env.pop("DJANGO_SETTINGS_MODULE")
    url = os.environ.get("DATABASE_URL", "")
    dbname = ""
    if url.startswith("postgres"):
        import psycopg

        dbname = f"crash_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + dbname
    else:
        env.pop("DATABASE_URL", None)
    joinedup(env, "demo", "--no-serve", "--employees", str(EMPLOYEES))
    yield env
    if dbname:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')


def joinedup(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "joinedup.cli", *args], env=env, capture_output=True, text=True, check=check
    )


def rows(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    with sqlite3.connect(Path(env["JOINEDUP_VAR_DIR"]) / "joinedup.sqlite3") as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def payslips(env: dict[str, str]) -> list[tuple[Any, ...]]:
    run_ids = rows(env, "SELECT id FROM payroll_payrun WHERE period = 8")
    assert len(run_ids) == 1
    run_id = int(run_ids[0][0])
    return rows(env, f"SELECT {FIGURES} FROM payroll_payslip WHERE run_id = {run_id} ORDER BY employment_id")  # noqa: S608


def test_a_run_killed_at_random_points_resumes_to_identical_payslips(database: dict[str, str]) -> None:
    calculate = ("payroll", "run", "--partner", "WCC", "--pay-date", PAY_DATE, "--batch-size", "50")
    joinedup(database, *calculate)
    uninterrupted = payslips(database)
    assert len(uninterrupted) > 1000
    rng = random.Random(20261125)  # repeatable kill points, not security
    kills = 0
    for _ in range(3):
        # Recalculate, and kill the process somewhere in the middle.
        process = subprocess.Popen(
            [sys.executable, "-m", "joinedup.cli", *calculate],
            env=database,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        joinedup(database, *calculate)
        assert payslips(database) == uninterrupted
    assert kills >= 1, "the calculation finished before it could be killed: make the run larger"
    (status,) = rows(database, "SELECT status FROM payroll_payrun WHERE period = 8")
    assert status == ("calculated",)
