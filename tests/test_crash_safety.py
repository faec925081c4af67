"""Nothing lost, nothing doubled: a pay-run calculation killed with SIGKILL at random points
(its very first calculation, and recalculations of a run that completed) and then run again
ends with exactly the payslips and variance flags of an uninterrupted calculation.

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


def _run_id(env: dict[str, str]) -> int:
    run_ids = rows(env, "SELECT id FROM payroll_payrun WHERE period = 8")
    assert len(run_ids) == 1
    return int(run_ids[0][0])


def payslips(env: dict[str, str]) -> list[tuple[Any, ...]]:
    run_id = _run_id(env)
    return rows(env, f"SELECT {FIGURES} FROM payroll_payslip WHERE run_id = {run_id} ORDER BY employment_id")  # noqa: S608


def flags(env: dict[str, str]) -> list[tuple[Any, ...]]:
    run_id = _run_id(env)
    return rows(
        env,
        "SELECT employment_id, kind, detail, status FROM payroll_varianceflag "  # noqa: S608
        f"WHERE run_id = {run_id} ORDER BY employment_id, kind, detail",
    )


def progress(env: dict[str, str]) -> tuple[int, int]:
    """(payslips written, employments in the run) of November's run; (0, 0) before it exists."""
    found = rows(env, "SELECT progress_done, progress_total FROM payroll_payrun WHERE period = 8")
    return (int(found[0][0]), int(found[0][1])) if found else (0, 0)


CALCULATE = ("payroll", "run", "--partner", "WCC", "--pay-date", PAY_DATE, "--batch-size", "50")


def killed_part_way(env: dict[str, str], rng: random.Random) -> bool:
    """Start a calculation and SIGKILL it once a random share of its payslips is written (a point
    chosen from the run's own progress, so the kill lands inside the calculation, not before it
    starts). False when it finished first."""
    share = rng.uniform(0.1, 0.8)
    process = subprocess.Popen(
        [sys.executable, "-m", "joinedup.cli", *CALCULATE],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        done, total = progress(env)
        if total and done >= share * total:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.02)
    process.wait()
    return False


def test_a_run_killed_at_random_points_resumes_to_identical_payslips_and_flags(
    database: dict[str, str],
) -> None:
    rng = random.Random(20261125)  # repeatable kill points, not security
    # The very first calculation of the run, killed part way: the run exists, half written.
    assert killed_part_way(database, rng), "the first calculation finished before it could be killed"
    (status,) = rows(database, "SELECT status FROM payroll_payrun WHERE period = 8")
    done, total = progress(database)
    assert status == ("calculating",) and 0 < done < total
    joinedup(database, *CALCULATE)
    resumed = (payslips(database), flags(database))
    # Then an uninterrupted calculation: what every resumed one must equal, flags included.
    joinedup(database, *CALCULATE)
    uninterrupted = (payslips(database), flags(database))
    assert len(uninterrupted[0]) > 1000
    assert len(uninterrupted[1]) > 0  # the demo's data raises flags, so comparing them means something
    assert resumed == uninterrupted
    # Recalculations of a run that completed before, killed part way and run again.
    for _ in range(2):
        assert killed_part_way(database, rng), "a recalculation finished before it could be killed"
        joinedup(database, *CALCULATE)
        assert (payslips(database), flags(database)) == uninterrupted
    (status,) = rows(database, "SELECT status FROM payroll_payrun WHERE period = 8")
    assert status == ("calculated",)
