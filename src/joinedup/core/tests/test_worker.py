"""A worker that dies leaves its task RUNNING; the next worker to start on that machine queues
it again (core/worker.py), and fails it once five workers have died running it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult, get_date_max

from joinedup.core import worker
from joinedup.core.worker import MAX_ATTEMPTS, died_here, requeue_orphans, worker_id

pytestmark = pytest.mark.django_db

HOST = socket.gethostname()[:36]


def dead(_pid: int, _started: str) -> bool:
    return False


def alive(_pid: int, _started: str) -> bool:
    return True


def left_running(*worker_ids: str) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [1, None], "kwargs": {}},
        task_path="joinedup.payroll.tasks.calculate_pay_run",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=list(worker_ids),
    )


def test_a_worker_is_named_after_its_machine_its_process_and_when_that_process_started() -> None:
    host, pid, started = worker_id().rsplit(":", 2)
    assert (host, int(pid)) == (HOST, os.getpid())
    assert started.isdigit()
    assert len(worker_id()) <= 64  # django-tasks-db's limit on a worker id


def test_a_process_that_has_exited_is_seen_as_dead_and_a_running_one_as_alive() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        name = worker_id(process.pid)
        assert not died_here(name)
    finally:
        process.kill()
        process.wait()
    assert died_here(name)


def test_a_process_that_has_exited_but_not_been_waited_for_is_seen_as_dead() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    name = worker_id(process.pid)
    process.kill()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{process.pid}/stat").read_text().split(") ")[1][0] != "Z":
        assert time.monotonic() < deadline, "the killed process did not exit"
        time.sleep(0.01)
    try:
        assert died_here(name)  # a zombie: its parent has not collected its exit status yet
    finally:
        process.wait()


def test_a_later_process_given_the_same_pid_is_not_taken_for_the_dead_worker() -> None:
    host, pid, started = worker_id().rsplit(":", 2)
    assert died_here(f"{host}:{pid}:{int(started) - 1}")  # this pid, started at another time


def test_it_queues_again_a_task_whose_worker_on_this_machine_died() -> None:
    task = left_running(f"{HOST}:4242:17")
    recovered = requeue_orphans(alive=dead)
    task.refresh_from_db()
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, [f"{HOST}:4242:17"])
    assert [str(r) for r in recovered] == [
        f"task {task.pk} (joinedup.payroll.tasks.calculate_pay_run) left running by dead worker "
        f"{HOST}:4242:17: queued again"
    ]


def test_it_leaves_a_task_whose_worker_is_alive() -> None:
    task = left_running(f"{HOST}:4242:17")
    assert requeue_orphans(alive=alive) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_it_leaves_a_task_of_another_machine_whose_processes_it_cannot_see() -> None:
    task = left_running("another-host:4242:17")
    assert requeue_orphans(alive=dead) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_it_leaves_a_task_claimed_by_a_worker_it_cannot_identify() -> None:
    task = left_running("Ax9dkQ2mP0vL7tR3yW8nC1bF5hJ6gE4s")  # db_worker's own random id
    assert requeue_orphans(alive=dead) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_it_fails_a_task_that_five_workers_died_running_rather_than_queue_it_for_ever() -> None:
    names = [f"{HOST}:{4240 + n}:17" for n in range(MAX_ATTEMPTS)]
    task = left_running(*names)
    recovered = requeue_orphans(alive=dead)
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "joinedup.core.worker.WorkerDied"
    assert task.traceback == f"Workers that died running this task: {', '.join(names)}"
    assert [r.requeued for r in recovered] == [False]


def test_it_queues_again_a_task_that_four_workers_died_running() -> None:
    task = left_running(*[f"{HOST}:{4240 + n}:17" for n in range(MAX_ATTEMPTS - 1)])
    requeue_orphans(alive=dead)
    task.refresh_from_db()
    assert task.status == "READY"


def test_the_worker_command_recovers_orphans_before_it_takes_work(monkeypatch: pytest.MonkeyPatch) -> None:
    task = left_running(f"{HOST}:4242:17")
    monkeypatch.setattr(worker, "_alive", dead)
    # The suite's tasks run in line, so there is no database worker to hand over to: stop there.
    monkeypatch.setattr("joinedup.core.management.commands.worker.call_command", lambda *a, **k: None)
    out = StringIO()
    call_command("worker", "--batch", stdout=out)
    task.refresh_from_db()
    assert task.status == "READY"
    assert out.getvalue().startswith(f"Recovered task {task.pk} ")
