"""Background workers that die: their tasks go back on the queue when a worker starts again.

django-tasks' database backend marks a task RUNNING when a worker claims it and SUCCESSFUL or
FAILED when the worker finishes it. A worker that never finishes — killed (SIGKILL, the OOM
killer, a lost machine) or cut off from the database in the middle of a task — leaves the task
RUNNING for ever, and nothing runs it again: a pay run stays "calculating" half written.

So each ``joinedup worker`` is named after the machine and process it runs in
(``host:pid:start``, the process's start time telling it from a later process given the same
pid), and on starting it puts back on the queue every RUNNING task whose worker on this machine
is no longer alive. Work done through the queue is written to be run again (a pay run's batches
replace what an earlier attempt wrote), so running a task a second time is safe. A task that has
already killed :data:`MAX_ATTEMPTS` workers is marked FAILED instead, so a task that crashes its
worker cannot do so for ever.

A worker can only see processes on its own machine: a task left by a machine where no worker
starts again stays RUNNING until one does (``joinedup worker`` there, or by hand).

Beside the queue, a worker runs the periodic jobs that settings.WORKER_PERIODIC lists (the service
desk's service-level warnings every ``JOINEDUP_SLA_WARNINGS_EVERY_MINUTES``), on a thread of its
own so that a long run never holds up a task: the first at start, then whenever the job's
interval has passed since its last run. Each job must be safe to run again and from several
workers at once (sla_warnings notices each ticket's stage once, under the ticket's row lock); a
job that fails is logged and tried again an interval later.

Work is queued with :func:`queue_with_transaction`: in the same transaction as the change that
asks for it, so that a process that dies just after committing cannot leave (say) a pay run
"calculating" with no task queued to calculate it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# How many workers a task may outlive before it is failed rather than queued again.
MAX_ATTEMPTS = 5
# Worker ids are at most 64 characters (django-tasks-db); the rest is ":pid:start".
_HOST_CHARS = 36
# Seconds between the periodic thread's looks at its jobs.
PERIODIC_POLL = 5.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovered:
    task_id: str
    task_path: str
    worker_id: str
    requeued: bool  # False: failed, after MAX_ATTEMPTS workers died running it

    def __str__(self) -> str:
        done = "queued again" if self.requeued else f"failed after {MAX_ATTEMPTS} workers died running it"
        return f"task {self.task_id} ({self.task_path}) left running by dead worker {self.worker_id}: {done}"


def _host() -> str:
    return socket.gethostname()[:_HOST_CHARS]


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux's /proc), or None where there
    is no /proc, no such process, or only its exit status waiting for its parent (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count from its closing one.
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def worker_id(pid: int | None = None) -> str:
    """This process's worker id: ``host:pid:start``."""
    pid = os.getpid() if pid is None else pid
    return f"{_host()}:{pid}:{_started(pid) or '-'}"


def _alive(pid: int, started: str) -> bool:
    if started != "-" and Path("/proc").is_dir():
        return _started(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def died_here(
    worker: str, *, host: str | None = None, alive: Callable[[int, str], bool] | None = None
) -> bool:
    """True when ``worker`` ran on this machine and its process is gone (or is another process
    now); False for a live worker, another machine's or one not named by :func:`worker_id`."""
    parts = worker.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    name, pid, started = parts
    return name == (host or _host()) and not (alive or _alive)(int(pid), started)


def requeue_orphans(
    *, backend_name: str = "default", alive: Callable[[int, str], bool] | None = None
) -> list[Recovered]:
    """Queue again (or fail, after :data:`MAX_ATTEMPTS`) every task left RUNNING by a dead
    worker of this machine. Each task is re-read under a row lock, so two workers starting
    together recover it once."""
    recovered = []
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for task_id in running.values_list("pk", flat=True):
        with transaction.atomic():
            result = running.select_for_update().filter(pk=task_id).first()
            if result is None or not result.worker_ids:
                continue
            last = str(result.worker_ids[-1])
            if not died_here(last, alive=alive):
                continue
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = "joinedup.core.worker.WorkerDied"
                result.traceback = f"Workers that died running this task: {', '.join(result.worker_ids)}"
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                requeued = False
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued = True
            recovered.append(Recovered(str(result.pk), result.task_path, last, requeued))
    return recovered


def queue_with_transaction(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` if, and only if, the current transaction commits.

    The database backend's queue is a table of this database: the task is written now, inside
    the transaction, and commits (or rolls back) with the change that asked for it — a worker
    cannot see it before. Any other backend (the suite's, which runs tasks in line) is called
    once the transaction has committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


# --- Periodic jobs ------------------------------------------------------------------------------


@dataclass
class Periodic:
    name: str
    run: Callable[[], object]
    every: float  # seconds
    last: float | None = None  # the clock's reading at its last run


class Schedule:
    """Jobs run at the first :meth:`tick`, then at the first tick at least their interval after
    their last run. ``clock`` (seconds, monotonic by default) is injectable for tests."""

    def __init__(self, jobs: Sequence[Periodic], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.jobs = list(jobs)
        self.clock = clock

    def tick(self) -> list[str]:
        """Run the jobs that are due; the names of those run (failed ones too: logged)."""
        ran = []
        for job in self.jobs:
            now = self.clock()
            if job.last is not None and now - job.last < job.every:
                continue
            job.last = now  # before running: a failing job waits its interval like any other
            try:
                job.run()
            except Exception:
                logger.exception("Periodic job %s failed; it runs again in %s seconds.", job.name, job.every)
            ran.append(job.name)
        return ran


def periodic_jobs(spec: Sequence[tuple[str, str, int]] | None = None) -> list[Periodic]:
    """The jobs of ``spec`` (settings.WORKER_PERIODIC by default): (name, dotted path, minutes);
    0 minutes leaves a job out."""
    spec = settings.WORKER_PERIODIC if spec is None else spec
    return [
        Periodic(name, import_string(path), minutes * 60.0) for name, path, minutes in spec if minutes > 0
    ]


def run_periodic(schedule: Schedule, stop: threading.Event, *, poll: float = PERIODIC_POLL) -> None:
    """Tick ``schedule`` every ``poll`` seconds until ``stop`` is set (the periodic thread)."""
    while not stop.is_set():
        close_old_connections()
        schedule.tick()
        close_old_connections()
        stop.wait(poll)


def start_periodic(schedule: Schedule) -> threading.Event:
    """Run ``schedule`` on a daemon thread (it dies with the worker); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=run_periodic, args=(schedule, stop), name="joinedup-periodic", daemon=True
    ).start()
    return stop
