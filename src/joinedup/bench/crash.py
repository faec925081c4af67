"""`joinedup stress crash`: interrupt real work at random points, restart it, and check that
nothing is duplicated, lost or half written.

For each scenario (:mod:`joinedup.bench.crash_scenarios`: a pay run calculated by the worker,
a people import, a recharge run) the work is prepared once in a copy of a small seeded demo
partnership and run once uninterrupted, which gives the figures every trial must end with, how
often the work passes each of its failpoints, and the time window it takes. Each trial then
copies the prepared database, starts the work in a child process and interrupts it at a kill
point drawn from ``--seed`` (so that a failing trial can be replayed with ``--trial``):

- most trials at a failpoint of the work (:data:`crash_scenarios.KILL_POINTS`, armed through
  :mod:`joinedup.core.failpoints` for this child alone): the trials take the scenario's kill
  points in turn, in an order shuffled by the seed, so that any run of as many trials as there
  are points covers every stage of the work, and a point passed many times (a pay run's
  batches, a recharge run's journals) is interrupted at a hit drawn among them. The child
  holds at the point while the harness interrupts it from outside;
- the others (``time-random``) after a random delay in the uninterrupted run's window, as a
  crash would fall, start-up included.

The interruption itself:

- ``worker``: SIGKILL of the process doing the work;
- ``database``: PostgreSQL stopped with ``pg_ctl -m immediate`` (every server process killed,
  as in a power cut, so the server starts with crash recovery) and started again, the work left
  to fail or carry on by itself;
- ``both``: the two at once.

The database faults need a cluster the command may stop: ``JOINEDUP_PG_CTL`` holds the
``pg_ctl`` command line for it (``tools/with-postgres`` exports it). Then the work is started
again as an operator would (the worker again, the same import, the same recharge run), let
finish, and checked: the same figures as the uninterrupted run, one payslip per employment,
a run not left half written, an import wholly in or wholly out and never twice, one set of
charges with balanced journals, no task left queued or running, and every audit chain whole.

The databases are scratch copies: SQLite files in a temporary folder, or databases created on
the PostgreSQL server of ``DATABASE_URL`` (which needs CREATEDB) and dropped afterwards. The
configured database itself is never touched."""

from __future__ import annotations

import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from joinedup.bench.crash_scenarios import KILL_POINTS, TIME_RANDOM, work
from joinedup.core import failpoints

FAULTS = ("worker", "database", "both")
PG_CTL_VARIABLE = "JOINEDUP_PG_CTL"
# How long one piece of a trial may take before the trial counts it as hung, and how long the
# set-up (seeding the demo partnership, preparing a scenario) may take on a busy machine.
CHILD_TIMEOUT = 600.0
SETUP_TIMEOUT = 3600.0
CLEAN_RUNS = 3


class StressError(RuntimeError):
    """The harness could not run (no cluster to stop, a clean run that fails its checks)."""


@dataclass
class Trial:
    scenario: str
    number: int
    fault: str
    fraction: float  # drawn: of the window (time-random), or of the kill point's hits
    delay: float  # seconds after the work started
    point: str = TIME_RANDOM  # the failpoint the trial interrupts the work at, or TIME_RANDOM
    hit: int = 0  # at which of the point's hits
    hits: int = 0  # of how many in an uninterrupted run
    killed: bool = False  # the process was SIGKILLed while it ran
    database_stopped: bool = False  # PostgreSQL was stopped while the work ran
    stage: str = ""  # what the database held just after the interruption (see ``probe``)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def interrupted(self) -> bool:
        return self.killed or self.database_stopped

    def describe(self) -> str:
        what = {
            "worker": "SIGKILL",
            "database": "PostgreSQL stopped",
            "both": "SIGKILL and PostgreSQL stopped",
        }
        landed = f" ({self.stage})" if self.interrupted and self.stage else ""
        landed = landed if self.interrupted else " (the work had finished first)"
        where = "" if self.point == TIME_RANDOM else f" at {self.point} (hit {self.hit} of {self.hits})"
        fault = f"{what[self.fault]}{where} after {self.delay:.3f} s"
        return f"{self.scenario} trial {self.number}: {fault}{landed}"


@dataclass
class ScenarioResult:
    name: str
    window: float
    expected: dict[str, Any]
    # Seconds a joinedup command takes to start (interpreter, Django, a database connection):
    # kill points are drawn after it, so that a trial interrupts the work, not the start-up.
    startup: float = 0.0
    # How many times the uninterrupted run passed each failpoint.
    hits: dict[str, int] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)

    def delay(self, fraction: float) -> float:
        return self.startup + fraction * (self.window - self.startup)

    def summary(self) -> dict[str, Any]:
        failed = [t for t in self.trials if t.problems]
        stages: dict[str, int] = {}
        points = dict.fromkeys([*KILL_POINTS.get(self.name, {}), TIME_RANDOM], 0)
        for trial in self.trials:
            stages[trial.stage] = stages.get(trial.stage, 0) + 1
            points[trial.point] = points.get(trial.point, 0) + trial.interrupted
        seconds = sorted(t.seconds for t in self.trials)
        return {
            "trials": len(self.trials),
            "kills": sum(t.killed for t in self.trials),
            "database_stops": sum(t.database_stopped for t in self.trials),
            "finished_before_interruption": sum(not t.interrupted for t in self.trials),
            "failures": len(failed),
            "window_seconds": round(self.window, 3),
            "startup_seconds": round(self.startup, 3),
            # Where the interruptions landed: the work's own progress when it was cut off, as
            # its database showed it just after (an open transaction shows as nothing written).
            "stages": dict(sorted(stages.items())),
            # How many trials interrupted the work at each of its kill points (in the work's
            # order), and how often an uninterrupted run passes each failpoint.
            "kill_points": points,
            "failpoint_hits": dict(self.hits),
            "seconds_per_trial": round(sum(seconds) / len(seconds), 2) if seconds else 0.0,
            "failed_trials": [
                {**asdict(t), "delay": round(t.delay, 3), "fraction": round(t.fraction, 4)} for t in failed
            ],
        }


# --- the cluster the command may stop ------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster this command may stop and start (``JOINEDUP_PG_CTL``: the pg_ctl
    command line with its ``-D`` data directory, and ``-l`` log file, e.g.
    ``runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg/data -l /tmp/pg/log``)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command

    @classmethod
    def from_environment(cls) -> Cluster | None:
        value = os.environ.get(PG_CTL_VARIABLE, "").strip()
        return cls(shlex.split(value)) if value else None

    def _pg_ctl(self, *args: str) -> None:
        result = subprocess.run(  # noqa: S603 — the operator's own pg_ctl command line
            [*self.command, *args], capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False
        )
        if result.returncode != 0:
            raise StressError(
                f"pg_ctl {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}"
            )

    def stop_immediately(self) -> None:
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "start")


# --- scratch databases ---------------------------------------------------------------------------


class Scratch:
    """Databases of the harness's own, each named: the seed, each scenario's template, each trial."""

    vendor = ""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base_env = _child_environment()

    def env(self, name: str) -> dict[str, str]:
        raise NotImplementedError

    def create_empty(self, name: str) -> None:
        raise NotImplementedError

    def copy(self, source: str, target: str) -> None:
        raise NotImplementedError

    def drop(self, name: str) -> None:
        raise NotImplementedError

    def query(self, name: str, statement: str) -> list[tuple[Any, ...]]:
        """Rows of ``statement`` read straight from database ``name`` (no joinedup child)."""
        raise NotImplementedError

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class SqliteScratch(Scratch):
    """Each database is a folder used as the child's ``JOINEDUP_VAR_DIR``: the SQLite file in
    WAL mode exactly as the embedded default has it, with the folder's generated keys."""

    vendor = "sqlite"

    def env(self, name: str) -> dict[str, str]:
        env = dict(self.base_env, JOINEDUP_VAR_DIR=str(self.root / name))
        env.pop("DATABASE_URL", None)
        return env

    def create_empty(self, name: str) -> None:
        (self.root / name).mkdir(parents=True)

    def copy(self, source: str, target: str) -> None:
        shutil.copytree(self.root / source, self.root / target, ignore=shutil.ignore_patterns("static"))

    def drop(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def query(self, name: str, statement: str) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.root / name / "joinedup.sqlite3", timeout=60)
        try:
            return connection.execute(statement).fetchall()
        finally:
            connection.close()


class PostgresScratch(Scratch):
    """Databases created beside ``DATABASE_URL``'s, copied with ``CREATE DATABASE … TEMPLATE``."""

    vendor = "postgresql"

    def __init__(self, root: Path, url: str) -> None:
        super().__init__(root)
        self.url = urlsplit(url)
        self.prefix = f"stress_{os.getpid()}"
        self.created: set[str] = set()

    def _database(self, name: str) -> str:
        return f"{self.prefix}_{name}".replace("-", "_")

    def _admin(self, statement: str, *names: str) -> None:
        """Run ``statement`` on the server's maintenance database, each ``{}`` a database name."""
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(*(sql.Identifier(self._database(n)) for n in names))
        url = self.url._replace(path="/postgres").geturl()
        for attempt in range(50):  # just after a restart the server may refuse for a moment
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(query)
                return
            except psycopg.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.2)

    def env(self, name: str) -> dict[str, str]:
        url = self.url._replace(path=f"/{self._database(name)}").geturl()
        return dict(self.base_env, DATABASE_URL=url, JOINEDUP_VAR_DIR=str(self.root / "var"))

    def create_empty(self, name: str) -> None:
        self._admin("CREATE DATABASE {}", name)
        self.created.add(name)

    def copy(self, source: str, target: str) -> None:
        # FILE_COPY, not PostgreSQL 15's default WAL_LOG: a WAL_LOG copy's sequences carry the
        # template's pre-logged values (log_cnt), so ids handed out in the copy are not in the
        # WAL, and after a crash the copy hands out again ids its committed rows hold
        # (found by the crash stress: a restarted pay run's audit event on an id already used).
        self._admin("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY", target, source)
        self.created.add(target)

    def drop(self, name: str) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self.created.discard(name)

    def query(self, name: str, statement: str) -> list[tuple[Any, ...]]:
        import psycopg

        for attempt in range(50):  # just after a restart the server may refuse for a moment
            try:
                with psycopg.connect(self.env(name)["DATABASE_URL"]) as connection:
                    return connection.execute(statement).fetchall()
            except psycopg.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def close(self) -> None:
        for name in list(self.created):
            self.drop(name)
        super().close()


def _child_environment() -> dict[str, str]:
    """The children's environment: this one's, outside the test settings (whose tasks run in
    line, with no worker), with background tasks queued in the database."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "DJANGO_SETTINGS_MODULE"
    }
    if env.get("JOINEDUP_ENV", "development") == "test":
        env["JOINEDUP_ENV"] = "development"
    env.update(JOINEDUP_TASKS_IMMEDIATE="false", DEBUG="false")
    return env


def scratch_for(settings_database: dict[str, Any], root: Path) -> Scratch:
    engine = str(settings_database.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return SqliteScratch(root)
    url = os.environ.get("DATABASE_URL", "")
    if engine.endswith("postgresql") and url:
        return PostgresScratch(root, url)
    raise StressError(
        "stress crash runs on the embedded SQLite database or on PostgreSQL given by DATABASE_URL."
    )


# --- children ------------------------------------------------------------------------------------


def _command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "joinedup.cli", *args]


def joinedup(
    env: dict[str, str], *args: str, check: bool = True, timeout: float = CHILD_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(  # noqa: S603 — this interpreter running joinedup
            _command(list(args)), env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise StressError(f"joinedup {' '.join(args)} did not finish within {timeout:.0f} s") from exc
    if check and result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise StressError(f"joinedup {' '.join(args)} failed (exit {result.returncode}):\n{tail}")
    return result


def outcome(scratch: Scratch, name: str, scenario: str) -> dict[str, Any]:
    result = joinedup(
        scratch.env(name), "stress", "step", "check", "--scenario", scenario, "--root", str(scratch.root)
    )
    try:
        found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise StressError(f"the check printed no figures: {result.stdout[-500:]!r}") from exc
    return found


# --- where an interruption landed ----------------------------------------------------------------

# What each scenario's work has committed, read straight from a trial's database the moment it
# was interrupted (before the restart): the spread of these is the spread of the kill points.
PROBES = {
    "payrun": (
        "SELECT r.status, r.progress_done, r.progress_total FROM payroll_payrun r "
        "JOIN partnership_partner p ON p.id = r.partner_id "
        "WHERE p.code = 'WCC' AND r.tax_year = 2026 AND r.period = 8"
    ),
    "import": "SELECT COUNT(*) FROM people_employment WHERE payroll_number LIKE 'CRASH%'",
    "recharge": "SELECT COUNT(*) FROM recharges_rechargerun WHERE month = '2026-11-01'",
}


def stage(scenario: str, rows: list[tuple[Any, ...]]) -> str:
    """A name for how far the work had gone, from its probe's rows."""
    if scenario == "payrun":
        if not rows:
            return "no run"
        status, done, total = rows[0]
        if status != "calculating" or (total and done >= total):
            return f"all payslips written, run {status}"
        if not done:
            return "no payslip written yet"
        quarter = min(3, 4 * int(done) // max(1, int(total)))
        return f"payslips part written ({25 * quarter}-{25 * quarter + 25}%)"
    count = int(rows[0][0]) if rows else 0
    if scenario == "import":
        return "no employment in yet" if count == 0 else f"{count} employments in"
    return "no recharge run yet" if count == 0 else "recharge run written"


def probe(scratch: Scratch, name: str, scenario: str) -> str:
    try:
        return stage(scenario, scratch.query(name, PROBES[scenario]))
    except Exception as exc:  # a figure for the report, never the trial's verdict
        return f"unread ({type(exc).__name__})"


# --- the trials ----------------------------------------------------------------------------------


@dataclass
class Plan:
    scenarios: tuple[str, ...]
    trials: int
    seed: int
    employees: int
    batch_size: int
    database_kill: bool
    only: int | None = None  # run this trial number alone (replaying a failure)
    keep_failed: bool = False

    def numbers(self) -> list[int]:
        return [self.only] if self.only is not None else list(range(1, self.trials + 1))


@dataclass(frozen=True)
class Draw:
    point: str  # a failpoint of the scenario's work, or TIME_RANDOM
    fraction: float  # of the point's hits (which one to interrupt), or of the window
    fault: str

    def hit(self, hits: int) -> int:
        """Which of ``hits`` passes of the point to interrupt, from 1."""
        return 1 + int(self.fraction * hits)


def kill_points(seed: int, scenario: str) -> list[str]:
    """The scenario's kill points in the order its trials take them, shuffled by the seed."""
    order = [*KILL_POINTS[scenario], TIME_RANDOM]
    random.Random(f"{seed}:{scenario}").shuffle(order)  # noqa: S311 — repeatable, not security
    return order


def draw(seed: int, scenario: str, number: int, *, database_kill: bool) -> Draw:
    """Where trial ``number`` interrupts the work, and how: the same for the same seed, whatever
    else runs (each trial draws from its own generator). Trials take the kill points in turn,
    so any run of as many trials as there are points interrupts every stage of the work."""
    order = kill_points(seed, scenario)
    rng = random.Random(f"{seed}:{scenario}:{number}")  # noqa: S311 — repeatable, not security
    fraction = rng.random()
    fault = rng.choice(FAULTS) if database_kill else "worker"
    return Draw(order[(number - 1) % len(order)], fraction, fault)


def seed_database(scratch: Scratch, plan: Plan) -> None:
    scratch.create_empty("seed")
    joinedup(
        scratch.env("seed"), "demo", "--no-serve", "--employees", str(plan.employees), timeout=SETUP_TIMEOUT
    )


def prepare_scenario(scratch: Scratch, scenario: str, plan: Plan) -> ScenarioResult:
    """The scenario's template, and one uninterrupted run of its work: the expected figures and
    the window kill points are drawn from (the time from starting the work to its end)."""
    scratch.copy("seed", scenario)
    joinedup(
        scratch.env(scenario),
        "stress",
        "step",
        "prepare",
        "--scenario",
        scenario,
        "--root",
        str(scratch.root),
        timeout=SETUP_TIMEOUT,
    )
    # Timed three times (the median: one run on a busy machine can take twice another's), the
    # first with its failpoints counting how often the work passes each.
    windows = []
    for attempt in range(CLEAN_RUNS):
        clean = f"{scenario}-clean{attempt}"
        scratch.copy(scenario, clean)
        env = scratch.env(clean)
        if attempt == 0:
            counted = scratch.root / f"{clean}.failpoints"
            counted.mkdir()
            env[failpoints.VARIABLE] = str(counted)
        started = time.monotonic()
        joinedup(env, *work(scenario, scratch.root), timeout=SETUP_TIMEOUT)
        windows.append(time.monotonic() - started)
        if attempt == 0:
            hits = count_hits(counted)
            shutil.rmtree(counted)
            found = outcome(scratch, clean, scenario)
            startup = startup_time(scratch, clean, scenario)
        scratch.drop(clean)
        if found["problems"]:
            raise StressError(
                f"The uninterrupted {scenario} fails its own checks: {'; '.join(found['problems'])}"
            )
    missed = [name for name in KILL_POINTS[scenario] if not hits.get(name)]
    if missed:
        raise StressError(f"The uninterrupted {scenario} never passed its failpoint(s) {', '.join(missed)}.")
    window = sorted(windows)[CLEAN_RUNS // 2]
    # Never more than half the window: on a busy machine a slow start must not squeeze the
    # kill points into the work's last moments.
    return ScenarioResult(scenario, window, found["figures"], startup=min(startup, window / 2), hits=hits)


def count_hits(directory: Path) -> dict[str, int]:
    """How many times a run armed to count (:mod:`joinedup.core.failpoints`) passed each point."""
    counts: dict[str, int] = {}
    path = directory / failpoints.HITS
    for name in path.read_text(encoding="utf-8").split() if path.exists() else []:
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def startup_time(scratch: Scratch, name: str, scenario: str, *, times: int = 3) -> float:
    """The median time a joinedup command takes to start and reach the database."""
    taken = []
    for _ in range(times):
        started = time.monotonic()
        joinedup(
            scratch.env(name), "stress", "step", "ready", "--scenario", scenario, "--root", str(scratch.root)
        )
        taken.append(time.monotonic() - started)
    return sorted(taken)[times // 2]


def interrupt(process: subprocess.Popen[bytes], trial: Trial, cluster: Cluster | None) -> None:
    """The trial's fault, from outside: the server stopped as in a power cut and started again,
    the process killed, or both at once."""
    if trial.fault in ("database", "both") and cluster is not None:
        cluster.stop_immediately()
        trial.database_stopped = True
    if trial.fault in ("worker", "both"):
        process.send_signal(signal.SIGKILL)
        trial.killed = True
    if trial.database_stopped and cluster is not None:
        cluster.start()


def interrupt_at_failpoint(
    process: subprocess.Popen[bytes], trial: Trial, cluster: Cluster | None, directory: Path, started: float
) -> None:
    """Wait for the child to hold at the trial's failpoint, interrupt it there, and release it if
    it lives on (the database alone stopped: it carries on against the restarted server)."""
    hit, deadline = directory / failpoints.HIT, time.monotonic() + CHILD_TIMEOUT
    while process.poll() is None and not hit.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    if process.poll() is None and hit.exists():
        trial.delay = time.monotonic() - started
        interrupt(process, trial, cluster)
    (directory / failpoints.RELEASE).touch()


def run_trial(
    scratch: Scratch, cluster: Cluster | None, result: ScenarioResult, number: int, plan: Plan
) -> Trial:
    scenario = result.name
    drawn = draw(plan.seed, scenario, number, database_kill=plan.database_kill)
    trial = Trial(scenario, number, drawn.fault, drawn.fraction, 0.0, point=drawn.point)
    name = f"{scenario}-{number}"
    started = time.monotonic()
    scratch.copy(scenario, name)
    env = scratch.env(name)
    child_env = dict(env)
    held = scratch.root / f"{name}.failpoints"
    if drawn.point != TIME_RANDOM:
        trial.hits = result.hits[drawn.point]
        trial.hit = drawn.hit(trial.hits)
        held.mkdir()
        child_env[failpoints.VARIABLE] = str(held)
        child_env[failpoints.TARGET_VARIABLE] = f"{drawn.point}:{trial.hit}"
    else:
        trial.delay = result.delay(drawn.fraction)
    launched = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 — this interpreter running joinedup
        _command(work(scenario, scratch.root)),
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if drawn.point != TIME_RANDOM:
        interrupt_at_failpoint(process, trial, cluster, held, launched)
    else:
        try:
            process.wait(timeout=trial.delay)
        except subprocess.TimeoutExpired:
            interrupt(process, trial, cluster)
    try:
        process.wait(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        trial.problems.append(f"the interrupted work did not end within {CHILD_TIMEOUT:.0f} s")
    shutil.rmtree(held, ignore_errors=True)
    trial.stage = probe(scratch, name, scenario) if trial.interrupted else "finished before the kill point"
    # Started again as an operator would; its exit status is not judged (an import already in
    # is refused row by row), only what the database holds afterwards.
    try:
        joinedup(env, *work(scenario, scratch.root), check=False)
        found = outcome(scratch, name, scenario)
    except StressError as exc:  # a restart that hangs, a database the check cannot read
        found = {"figures": {}, "problems": [str(exc)]}
    trial.problems += found["problems"]
    for key, expected in result.expected.items():
        if found["figures"].get(key) != expected:
            trial.problems.append(
                f"{key}: {found['figures'].get(key)!r} after the restart, {expected!r} uninterrupted"
            )
    trial.seconds = time.monotonic() - started
    if not (trial.problems and plan.keep_failed):
        scratch.drop(name)
    return trial


@contextmanager
def scratch_space(settings_database: dict[str, Any], keep: Callable[[], bool]) -> Iterator[Scratch]:
    root = Path(tempfile.mkdtemp(prefix="joinedup-stress-"))
    scratch = scratch_for(settings_database, root)
    try:
        yield scratch
    finally:
        if not keep():
            scratch.close()


def check_cluster(plan: Plan, scratch: Scratch) -> Cluster | None:
    if not plan.database_kill:
        return None
    if scratch.vendor != "postgresql":
        raise StressError(
            "--database-kill stops PostgreSQL: run it with DATABASE_URL on a PostgreSQL cluster."
        )
    cluster = Cluster.from_environment()
    if cluster is None:
        raise StressError(
            f"--database-kill needs a cluster it may stop: set {PG_CTL_VARIABLE} to its pg_ctl command line "
            "(tools/with-postgres sets it for the command it runs)."
        )
    return cluster


def run(
    plan: Plan,
    settings_database: dict[str, Any],
    *,
    say: Callable[[str], None] = lambda _: None,
    advance: Callable[[Trial], None] = lambda _: None,
) -> dict[str, ScenarioResult]:
    """Every trial of the plan; the results by scenario."""
    results: dict[str, ScenarioResult] = {}
    failed = False
    with scratch_space(settings_database, keep=lambda: failed and plan.keep_failed) as scratch:
        cluster = check_cluster(plan, scratch)
        scratch.base_env["JOINEDUP_PAYRUN_BATCH_SIZE"] = str(plan.batch_size)
        say(f"Seeding a demo partnership of {plan.employees} employees ({scratch.vendor}, {scratch.root})")
        seed_database(scratch, plan)
        for scenario in plan.scenarios:
            say(f"Preparing {scenario} and running it once uninterrupted")
            results[scenario] = prepare_scenario(scratch, scenario, plan)
        # Trial 1 of every scenario, then trial 2 of every one…: a long sweep stopped part way
        # has covered each scenario alike, and a change in the machine's load is shared out.
        for number in plan.numbers():
            for result in results.values():
                trial = run_trial(scratch, cluster, result, number, plan)
                result.trials.append(trial)
                failed = failed or bool(trial.problems)
                advance(trial)
        if failed and plan.keep_failed:
            say(f"Failed trials' databases kept in {scratch.root}")
    return results


def report(plan: Plan, results: dict[str, ScenarioResult], vendor: str) -> dict[str, Any]:
    scenarios = {name: result.summary() for name, result in results.items()}
    return {
        "trials": sum(s["trials"] for s in scenarios.values()),
        "failures": sum(s["failures"] for s in scenarios.values()),
        "database": vendor,
        "seed": plan.seed,
        "database_kill": plan.database_kill,
        "employees": plan.employees,
        "batch_size": plan.batch_size,
        "scenarios": scenarios,
    }
