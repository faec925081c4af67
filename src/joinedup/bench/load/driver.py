"""``joinedup bench load``: the demo at N employees served by ``joinedup serve`` (gunicorn) on a
free loopback port, read by Locust users of four roles for a fixed time, then stopped.

Each step is a process of its own, run with JOINEDUP_VAR_DIR pointing at the load test's own
folder (``build/load/sqlite-100000/`` and the like: its SQLite database, its keys, the logs of
each step, the plan and the samples), so nothing touches the database of `make demo`:

1. ``joinedup demo --no-serve --employees N``: the demo, seeded as `make demo` seeds it (skipped
   with ``--reuse`` when that folder already holds a seeded one);
2. ``joinedup bench load-prepare``: sessions and what each role reads (bench/load/plan.py);
3. ``joinedup serve 127.0.0.1:PORT --workers W``: the production server;
4. Locust, headless, on bench/load/locustfile.py, for the warm-up and then the measured time;
5. TERM to the server, and the report of the samples (bench/load/report.py).

With DATABASE_URL set (PostgreSQL) the demo goes into that database instead: give an empty one
(`tools/with-postgres --durable -- …`; a database missing from the server is created), or one
an earlier run seeded with ``--reuse``. Apart from that creation, this module runs other
processes and reads their files: it never opens the database itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from joinedup.bench.load.report import LoadReport, summarise

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# The scenario's user classes and their weights, as the report states them (locustfile.py).
ROLE_WEIGHTS = "employees 4 : HR officers 3 : finance officers 2 : payroll officers 1"
SERVER_READY_SECONDS = 120
SERVER_STOP_SECONDS = 45


class LoadError(RuntimeError):
    """A step of the load test failed; the message names it and the log to read."""


@dataclass(frozen=True)
class LoadSettings:
    employees: int
    users: int
    duration: float
    workers: int
    directory: Path
    reuse: bool = False
    warmup: float = 5.0
    think: float = 0.0
    employee_accounts: int = 200


def parse_seconds(text: str) -> float:
    """``60s``, ``2m``, ``1m30s`` or a plain number of seconds."""
    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return float(cleaned)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", cleaned)
    if not cleaned or match is None:
        raise ValueError(f"{text!r} is not a duration: write it like 60s, 2m or 1m30s.")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_kind() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def run_load(options: LoadSettings, *, say: Callable[[str], None] = print) -> LoadReport:
    folder = (options.directory / f"{database_kind()}-{options.employees}").resolve()
    env = {**os.environ, "JOINEDUP_VAR_DIR": str(folder)}
    marker = folder / "seeded.json"
    if options.reuse and marker.exists():
        say(f"Reusing the demo seeded in {folder}.")
    else:
        if database_kind() == "postgresql":
            _create_database(env["DATABASE_URL"], say)
        _seed(options, folder, env, say)
        marker.write_text(json.dumps({"employees": options.employees}))
    say("Preparing sessions and what each role reads…")
    plan_file = folder / "plan.json"
    _run(
        [
            *_joinedup("bench", "load-prepare"),
            "--plan",
            str(plan_file),
            "--employee-accounts",
            str(options.employee_accounts),
        ],
        env=env,
        log=folder / "prepare.log",
        step="preparing the plan",
    )
    plan = json.loads(plan_file.read_text())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    say(f"Serving with {options.workers} gunicorn workers on {url}…")
    with (folder / "server.log").open("wb") as server_log:
        server = subprocess.Popen(  # noqa: S603 — our own command, no shell
            [*_joinedup("serve", f"127.0.0.1:{port}", "--workers", str(options.workers))],
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(server, url, folder / "server.log")
            samples = _locust(options, folder, env, url, plan_file, server.pid, say)
        finally:
            _stop(server)
    return summarise(samples, setting=_setting(options, plan, samples))


def _joinedup(*args: str) -> list[str]:
    return [sys.executable, "-m", "joinedup.cli", *args]


def _run(command: Sequence[str], *, env: dict[str, str], log: Path, step: str) -> None:
    with log.open("wb") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if done.returncode != 0:
        raise LoadError(f"{step} failed (exit {done.returncode}); the end of {log}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _seed(options: LoadSettings, folder: Path, env: dict[str, str], say: Callable[[str], None]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    say(f"Seeding the demo at {options.employees:,} employees into {folder} (minutes at 100,000)…")
    started = time.monotonic()
    log = folder / "seed.log"
    _run(
        [*_joinedup("demo", "--no-serve", "--employees", str(options.employees))],
        env=env,
        log=log,
        step="seeding the demo",
    )
    if "already present" in log.read_text(errors="replace"):
        raise LoadError(
            "The database already holds a demo partnership, seeded by another run whose size and "
            f"encryption keys (kept in its folder, not in {folder}) this run cannot know: give an empty "
            "database, or run again with --reuse and the --dir of the run that seeded it."
        )
    say(f"Seeded in {time.monotonic() - started:.0f} s.")


def _create_database(url: str, say: Callable[[str], None]) -> None:
    """Create DATABASE_URL's database when the server has none by that name (a new cluster
    from tools/with-postgres has only ``postgres``)."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"Created the database {name}.")


def _wait_until_serving(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadError(f"the server stopped (exit {server.returncode}); the end of {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/sign-in", timeout=5) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise LoadError(f"the server did not answer within {SERVER_READY_SECONDS} s; see {log}")


def _locust(
    options: LoadSettings,
    folder: Path,
    env: dict[str, str],
    url: str,
    plan_file: Path,
    server_pid: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    out = folder / "samples.json"
    out.unlink(missing_ok=True)
    run_time = options.warmup + options.duration
    say(
        f"Running {options.users} Locust users for {options.warmup:.0f} s of warm-up and "
        f"{options.duration:.0f} s measured…"
    )
    log = folder / "locust.log"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.users),
        "--run-time",
        f"{run_time:.0f}s",
        "--host",
        url,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        # The report counts errors itself; Locust's exit status says only that there were some.
        "--exit-code-on-error",
        "0",
    ]
    locust_env = {
        **env,
        "JOINEDUP_LOAD_PLAN": str(plan_file),
        "JOINEDUP_LOAD_OUT": str(out),
        "JOINEDUP_LOAD_WARMUP": str(options.warmup),
        "JOINEDUP_LOAD_THINK": str(options.think),
        "JOINEDUP_LOAD_SERVER_PID": str(server_pid),
    }
    with log.open("wb") as locust_log:
        try:
            done = subprocess.run(  # noqa: S603
                command,
                env=locust_env,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                timeout=run_time + 120,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"Locust did not stop in time; see {log}") from exc
    if done.returncode != 0 or not out.exists():
        raise LoadError(f"Locust failed (exit {done.returncode}); the end of {log}:\n{_tail(log)}")
    samples: dict[str, Any] = json.loads(out.read_text())
    return samples


def _stop(server: subprocess.Popen[bytes]) -> None:
    """TERM, as an operator stops the service (gunicorn lets requests in flight finish)."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=SERVER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _setting(options: LoadSettings, plan: dict[str, Any], samples: dict[str, Any]) -> dict[str, Any]:
    """How the run was made, for the report: each value a line of its header."""
    cores = os.cpu_count() or 1
    requests = sum(len(page["ms"]) for page in samples["pages"].values())
    seconds = float(samples["seconds"]) or 1.0
    server_cpu = samples.get("server_cpu_seconds")
    client_cpu = samples.get("client_cpu_seconds")
    population = plan["population"]
    think = "no think time" if options.think <= 0 else f"{options.think:g} s think time on average"
    cpu = (
        f"server {server_cpu:.1f} CPU-seconds ({requests / server_cpu:,.0f} requests per server "
        f"CPU-second), Locust {client_cpu:.1f}"
        if server_cpu and client_cpu is not None
        else "not measured (no /proc)"
    )
    return {
        "title": (
            f"the demo at {options.employees:,} employees ({population['employments']:,} employments, "
            f"{population['people']:,} people) on {plan['database']}"
        ),
        "users": f"{options.users} Locust users ({ROLE_WEIGHTS}), {think}",
        "server": f"joinedup serve (gunicorn), {options.workers} sync workers, on loopback",
        "machine": (
            f"{cores} CPUs shared by server and Locust; load average (1 min) "
            f"{samples.get('load_before', 0):.2f} at the start, {samples.get('load_after', 0):.2f} at the end"
        ),
        "throughput": f"{requests / seconds:,.1f} requests/s, {requests / seconds / cores:,.1f} per core",
        "CPU while measured": cpu,
        "warm-up": (
            f"{samples.get('warmup_seconds', 0):g} s left out ({samples.get('warmup_requests', 0):,} "
            f"requests, {samples.get('warmup_errors', 0)} errors), sign-in set-up included"
        ),
    }
