"""``joinedup bench servicedesk --profile-create N``: what one ticket raised through the API costs
this process, in CPU milliseconds and queries, free of the machine's load.

Wall-clock rates on a shared machine swing with whatever else runs; the CPU one request takes in
the serving process does not. The tickets are raised one after another by calling Django's WSGI
handler (what gunicorn's workers call) with a ``POST /api/v1/servicedesk/tickets`` and the
requester's bearer token, through the whole middleware stack, connection handling and the API,
with no server or network. Each request's ``time.process_time()`` is taken around the call; the
queries are counted in a separate pass (capturing them costs CPU of its own). SQLite runs inside
this process, so its CPU is counted; PostgreSQL's server process is not. ``cprofile`` writes a
cProfile of a further pass, timed by CPU too (``python -m pstats FILE``, then ``sort cumulative``
or ``tottime``).
"""

from __future__ import annotations

import cProfile
import io
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection, reset_queries
from django.test.utils import CaptureQueriesContext

from joinedup.bench import BENCH
from joinedup.bench.machine import database_label
from joinedup.bench.servicedesk import seed_servicedesk
from joinedup.core import rls
from joinedup.partnership.models import TokenScope
from joinedup.partnership.services import api_token_create

WARM_UP = 20
HOST = "127.0.0.1"


@dataclass
class CreateCost:
    """CPU and queries per ticket raised through the API, in this process."""

    database: str
    row_level_security: bool
    requests: int
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    counted: int = 0

    @property
    def per_request(self) -> float:
        return statistics.fmean(self.cpu_ms) if self.cpu_ms else 0.0

    @property
    def queries_per_request(self) -> float:
        return self.queries / self.counted if self.counted else 0.0

    def as_dict(self) -> dict[str, object]:
        ordered = sorted(self.cpu_ms)
        return {
            "database": self.database,
            "row_level_security": self.row_level_security,
            "requests": self.requests,
            "cpu_ms_per_request": round(self.per_request, 3),
            "cpu_ms_median": round(statistics.median(ordered), 3) if ordered else 0.0,
            "cpu_ms_p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3) if ordered else 0.0,
            "queries_per_request": round(self.queries_per_request, 2),
            "client": "Django's WSGI handler called in process (the whole middleware stack, no server)",
        }

    def line(self) -> str:
        found = self.as_dict()
        return (
            f"API create cost on {self.database} (row-level security "
            f"{'on' if self.row_level_security else 'off'}): {self.requests} tickets by POST "
            f"/api/v1/servicedesk/tickets through the WSGI handler, {found['cpu_ms_per_request']} CPU ms "
            f"a request (median {found['cpu_ms_median']}, p95 {found['cpu_ms_p95']}), "
            f"{found['queries_per_request']} queries a request"
        )


_BODY = json.dumps(
    {
        "service": "ict",
        "type": "incident",
        "subject": "Printer jammed",
        "description": "The second-floor printer shows a paper jam.",
        "impact": "low",
        "urgency": "medium",
    }
).encode()
_RAISE = "/api/v1/servicedesk/tickets"


def _environ(token: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": _RAISE,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": HOST,
        "HTTP_HOST": HOST,
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(_BODY)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(_BODY),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class _Raiser:
    """Raises one ticket a call through the WSGI handler, as a server's worker would."""

    def __init__(self, token: str) -> None:
        self.app = WSGIHandler()
        self.token = token
        self.status = ""

    def _start(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None, /
    ) -> Callable[[bytes], object]:
        self.status = status
        return self._write

    def _write(self, data: bytes) -> None:
        return None

    def __call__(self) -> None:
        body: Iterator[bytes] = iter(self.app(_environ(self.token), self._start))
        answer = b"".join(body)
        close = getattr(body, "close", None)
        if close is not None:
            close()
        if not self.status.startswith("201"):
            raise ValueError(f"The API answered {self.status}: {answer[:200]!r}")


def create_cost(requester: Any, count: int, *, cprofile: Path | None = None) -> CreateCost:
    """Raise ``count`` tickets for ``requester`` through the WSGI handler (after a warm-up), each
    timed in CPU; then count the queries of ``count`` more (at most 50); then, when ``cprofile``
    is a path, profile ``count`` more into it."""
    if count < 1:
        raise ValueError("--profile-create must be at least 1.")
    _, raw = api_token_create(actor=BENCH, user=requester, scope=TokenScope.WRITE)
    raise_one = _Raiser(raw)
    if connection.in_atomic_block:
        # A test's transaction: the connection must outlive each request, as Django's test client
        # arranges (a served request closes a connection it finds inside a transaction).
        with _connections_kept():
            return _measure(raise_one, count, cprofile)
    return _measure(raise_one, count, cprofile)


@contextmanager
def _connections_kept() -> Iterator[None]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _measure(raise_one: _Raiser, count: int, cprofile: Path | None) -> CreateCost:
    for _ in range(WARM_UP):
        raise_one()
    found = CreateCost(database=database_label(), row_level_security=rls.enforced(), requests=count)
    for _ in range(count):
        began = time.process_time()
        raise_one()
        found.cpu_ms.append((time.process_time() - began) * 1000)
    found.counted = min(count, 50)
    for _ in range(found.counted):
        # Each request empties the connection's query log as it starts (request_started), so
        # each is captured from an empty log.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            raise_one()
        found.queries += len(captured.captured_queries)
    if cprofile is not None:
        # Timed by CPU, as the figure is: waits on the database server are left out.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(count):
            raise_one()
        profile.disable()
        profile.dump_stats(str(cprofile))
    return found


def run_create_cost(tickets: int, count: int, *, cprofile: Path | None = None) -> CreateCost:
    """The benchmark's partners and requester for ``tickets`` (seeded once, as ``bench
    servicedesk`` seeds them), then :func:`create_cost`."""
    if tickets < 1:
        raise ValueError("tickets must be at least 1.")
    with rls.session_context("joinedup bench servicedesk: seeding"):
        _, _, requester, _ = seed_servicedesk(tickets)
    return create_cost(requester, count, cprofile=cprofile)
