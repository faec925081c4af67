"""Writing a run's batches of payslips while the next batches are being calculated.

On PostgreSQL the database server is a separate process: while it parses a batch's ``COPY``,
updates the payslip indexes and, at commit, checks each payslip's foreign keys, the Python
process would otherwise sit waiting — and that waiting was the largest part of a large run.
:class:`BatchWriter` hands each calculated batch to one of ``threads`` threads, each with its
own database connection, which writes it in its own transaction while the calling thread
gathers and calculates the next. The driver waits for the server without the interpreter lock,
so the calculation and the server's work (on as many server processes as there are writers)
overlap across the cores.

Each batch is still one transaction that replaces whatever the run held for its employments,
so a process killed part-way leaves whole batches, and running the calculation again replaces
them, exactly as when writing in line. The run's progress count goes up after each batch
commits (in its own short statement, so that writers never wait on each other's row lock); a
process killed between the two leaves the count behind the payslips, never ahead. At most
``depth`` batches wait, which bounds the memory held.

Only on PostgreSQL, and only outside a transaction: a thread's connection cannot see rows the
caller has not committed (in a test case, everything), and SQLite writes in-process anyway.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

from django.db import connection, connections, transaction
from django.db.models import F

from joinedup.core import rls
from joinedup.core.failpoints import failpoint
from joinedup.payroll import calculation
from joinedup.payroll.models import PayRun

_Job = tuple[calculation.CalculatedBatch, list[int]]
WRITER_THREADS = 2


class BatchWriter:
    """``submit`` a calculated batch; it is written by the time ``close`` (or the ``with``
    block) returns. Writes in line when threads would not help or could not see the rows."""

    def __init__(
        self,
        run: PayRun,
        *,
        progress: Callable[[int, int], None] | None = None,
        threads: int = WRITER_THREADS,
        depth: int = 2,
    ) -> None:
        self.run = run
        self.progress = progress
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=depth)
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._failed = False
        self._written = 0
        self._threads: list[threading.Thread] = []
        if self.threaded:
            for n in range(threads):
                thread = threading.Thread(target=self._work, name=f"payrun-{run.pk}-writer-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(raise_error=kind is None)

    def submit(self, calculated: calculation.CalculatedBatch, ids: list[int]) -> None:
        if not self.threaded:
            with transaction.atomic():
                calculation.write_batch(self.run, calculated, ids)
                failpoint("payrun.batch_written")
                self._count(len(ids))
            failpoint("payrun.batch_counted")
            self._report()
            return
        self._raise_if_failed()
        self._jobs.put((calculated, ids))

    def close(self, *, raise_error: bool = True) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []
        if raise_error:
            self._raise_if_failed()

    def _count(self, n: int) -> None:
        PayRun.objects.for_partner(self.run.partner_id).filter(pk=self.run.pk).update(
            progress_done=F("progress_done") + n
        )
        with self._lock:
            self._written += n

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self._written, self.run.progress_total)

    def _raise_if_failed(self) -> None:
        with self._lock:
            error, self._error = self._error, None
        if error is not None:
            raise error

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._failed:  # after a failure, drain the queue without writing
                    continue
                calculated, ids = job
                try:
                    # A writer's own connection carries no caller's context: under row-level
                    # security it writes as the run's partner, and only that partner's rows.
                    with rls.partner_context([self.run.partner_id]):
                        calculation.write_batch(self.run, calculated, ids)
                        failpoint("payrun.batch_written")
                    with rls.partner_context([self.run.partner_id]):
                        self._count(len(ids))
                    failpoint("payrun.batch_counted")
                    self._report()
                except BaseException as exc:  # handed to the caller's thread, raised there
                    with self._lock:
                        self._failed = True
                        self._error = self._error or exc
        finally:
            connections.close_all()
