"""Writing a run's batches of payslips while the next batch is being calculated.

On PostgreSQL the database server is a separate process: while it parses a batch's ``COPY``,
updates the payslip indexes and checks the foreign keys at commit, the Python process would
otherwise sit waiting. :class:`BatchWriter` hands each calculated batch to a thread with its
own database connection, which writes it in its own transaction (with the run's progress, as
before), while the calling thread gathers and calculates the next one. The driver waits for
the network and the server without the interpreter lock, so the two overlap on two cores.

The batches are written one at a time, in order, and each is still one transaction, so a
process killed part-way leaves whole batches and a progress count that matches them: running
the calculation again replaces them, exactly as without the thread. At most ``depth`` batches
wait, which bounds the memory held.

Only on PostgreSQL, and only outside a transaction: a thread's connection cannot see rows the
caller has not committed (in a test case, everything), and SQLite writes in-process anyway.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

from django.db import connection, connections, transaction

from joinedup.payroll import calculation
from joinedup.payroll.models import PayRun

_Job = tuple[calculation.CalculatedBatch, list[int], int]


def _write(run: PayRun, calculated: calculation.CalculatedBatch, ids: list[int], done: int) -> None:
    with transaction.atomic():
        calculation.write_batch(run, calculated, ids)
        PayRun.objects.for_partner(run.partner_id).filter(pk=run.pk).update(progress_done=done)


class BatchWriter:
    """``submit`` a calculated batch; it is written by the time ``close`` (or the ``with``
    block) returns. Writes inline when a thread would not help or could not see the rows."""

    def __init__(
        self, run: PayRun, *, progress: Callable[[int, int], None] | None = None, depth: int = 2
    ) -> None:
        self.run = run
        self.progress = progress
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._written = 0
        self._thread: threading.Thread | None = None
        if self.threaded:
            self._thread = threading.Thread(target=self._work, name=f"payrun-{run.pk}-writer", daemon=True)
            self._thread.start()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(raise_error=kind is None)

    def submit(self, calculated: calculation.CalculatedBatch, ids: list[int], done: int) -> None:
        if not self.threaded:
            _write(self.run, calculated, ids, done)
            self._report(done)
            return
        self._raise_if_failed()
        self._jobs.put((calculated, ids, done))

    def close(self, *, raise_error: bool = True) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        if raise_error:
            self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _report(self, done: int) -> None:
        self._written = done
        if self.progress is not None:
            self.progress(done, self.run.progress_total)

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._error is None:  # after a failure, drain the queue without writing
                    try:
                        _write(self.run, *job)
                        self._report(job[2])
                    except BaseException as exc:  # handed to the caller's thread, raised there
                        self._error = exc
        finally:
            connections.close_all()

    @property
    def written(self) -> int:
        return self._written
