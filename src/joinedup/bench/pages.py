"""``joinedup bench pages``: what each page of the load scenario costs the server, one request
at a time, without Locust or a network: CPU milliseconds and database queries per request.

The load test (bench/load/) measures a shared machine under many users at once, where the
figures move with whatever else runs. This asks the same pages of the same WSGI application
``joinedup serve`` runs, in this process, with the same signed-in users (the load plan's
sessions), so a change to the code shows up as a change in its cost, page by page. Each page is
asked ``repeat`` times after one untimed request (which loads templates and warms caches, as a
server's first requests do), cycling through the plan's payslips, searches and pay runs.

CPU is this process's: on SQLite that includes the queries, on PostgreSQL the server's share is
not counted, and shows as the gap between the CPU figure and the wall-clock p50.

The pages and their names are the locustfile's tasks (a test holds the two lists together)."""

from __future__ import annotations

import io
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as PARTNER_SESSION_KEY


@dataclass(frozen=True)
class PageCost:
    name: str
    requests: int
    cpu_ms: float  # per request, mean
    wall_ms_p50: float
    queries: float  # per request, mean
    statuses: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "cpu_ms_per_request": round(self.cpu_ms, 2),
            "wall_ms_p50": round(self.wall_ms_p50, 2),
            "queries_per_request": round(self.queries, 2),
            "statuses": sorted(set(self.statuses)),
        }


@dataclass(frozen=True)
class PagesReport:
    database: str
    repeat: int
    pages: list[PageCost]

    @property
    def mix_cpu_ms(self) -> float:
        """CPU ms of the average request of the load scenario's mix (its users' weights times
        their tasks' weights), the figure that sets requests per second per core."""
        total = sum(MIX[p.name] for p in self.pages)
        return sum(MIX[p.name] * p.cpu_ms for p in self.pages) / total

    def as_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "repeat": self.repeat,
            "mix_cpu_ms_per_request": round(self.mix_cpu_ms, 2),
            "requests_per_cpu_second": round(1000 / self.mix_cpu_ms, 1),
            "pages": {p.name: p.as_json() for p in self.pages},
        }

    def report(self) -> str:
        width = max(len(p.name) for p in self.pages)
        lines = [
            f"Pages of the load scenario on {self.database}, {self.repeat} requests each, one at a time:",
            f"{'page':<{width}}  {'CPU ms':>7}  {'queries':>7}  {'p50 ms':>7}  status",
        ]
        for p in self.pages:
            statuses = ",".join(str(s) for s in sorted(set(p.statuses)))
            lines.append(
                f"{p.name:<{width}}  {p.cpu_ms:>7.2f}  {p.queries:>7.1f}  {p.wall_ms_p50:>7.2f}  {statuses}"
            )
        lines.append(
            f"The scenario's mix: {self.mix_cpu_ms:.2f} CPU ms a request, "
            f"{1000 / self.mix_cpu_ms:,.0f} requests per CPU-second."
        )
        return "\n".join(lines)


# How often the load scenario asks for each page: the user class's weight times the task's
# (locustfile.py: employees 4, HR 3, finance 2, payroll 1).
MIX: dict[str, int] = {
    "employee: my payslips": 4 * 1,
    "employee: payslip": 4 * 2,
    "HR: people search": 3 * 3,
    "HR: person record": 3 * 2,
    "payroll: pay runs": 1 * 1,
    "payroll: pay run": 1 * 2,
    "finance: trial balance (month)": 2 * 3,
    "finance: trial balance (year)": 2 * 1,
}


def _paths(plan: dict[str, Any]) -> dict[str, tuple[dict[str, Any], Iterator[str]]]:
    """Each page's identity (the first the plan made for its role) and an endless run of the
    addresses its task asks for."""
    employee = plan["roles"]["employee"][0]
    hr = plan["roles"]["hr"][0]
    payroll = plan["roles"]["payroll"][0]
    finance = plan["roles"]["finance"][0]
    first, last = finance["year"]
    return {
        "employee: my payslips": (employee, itertools.repeat("/me/payslips")),
        "employee: payslip": (employee, itertools.cycle([f"/payslips/{pk}" for pk in employee["payslips"]])),
        "HR: people search": (
            hr,
            itertools.cycle([f"/people?{urlencode({'q': query})}" for query, _ in hr["searches"]]),
        ),
        "HR: person record": (hr, itertools.cycle([f"/people/{person}" for _, person in hr["searches"]])),
        "payroll: pay runs": (payroll, itertools.repeat("/payroll")),
        "payroll: pay run": (payroll, itertools.cycle([f"/payroll/runs/{pk}" for pk in payroll["runs"]])),
        "finance: trial balance (month)": (
            finance,
            itertools.repeat(f"/ledger/trial-balance?{urlencode({'period': finance['month']})}"),
        ),
        "finance: trial balance (year)": (
            finance,
            itertools.repeat(f"/ledger/trial-balance?{urlencode({'from': first, 'to': last})}"),
        ),
    }


def _choose_partner(identity: dict[str, Any]) -> None:
    """What the partner switcher's form does for the locust user: the partner, in the session."""
    if not identity.get("switch"):
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=identity["session"])
    store[PARTNER_SESSION_KEY] = int(identity["partner"])
    store.save()


def _environ(path: str, cookie: str) -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _ask(application: Callable[..., Any], path: str, cookie: str) -> int:
    """One request through the WSGI application, its body read and closed as a server does
    (closing sends request_finished, which closes or keeps the database connection)."""
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(line)

    body = application(_environ(path, cookie), start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return int(status[0].split()[0])


@dataclass(frozen=True)
class Timed:
    """Requests to one page, one at a time: each one's wall-clock ms, and in all the process's CPU
    ms and the queries asked."""

    walls_ms: list[float]
    cpu_ms: float
    queries: int
    statuses: list[int]


def time_requests(paths: Iterator[str], cookie: str, *, repeat: int) -> Timed:
    """``repeat`` requests through the WSGI application ``joinedup serve`` runs, after one untimed
    request (templates, caches, the connection), each to the next of ``paths`` with ``cookie``."""
    from joinedup.wsgi import application

    queries = [0]

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _ask(application, next(paths), cookie)
        statuses, walls = [], []
        queries[0] = 0
        cpu_started = time.process_time()
        for _ in range(repeat):
            started = time.perf_counter()
            statuses.append(_ask(application, next(paths), cookie))
            walls.append((time.perf_counter() - started) * 1000)
        cpu = (time.process_time() - cpu_started) * 1000
    return Timed(walls_ms=walls, cpu_ms=cpu, queries=queries[0], statuses=statuses)


def measure_pages(plan: dict[str, Any], *, repeat: int = 50) -> PagesReport:
    costs = []
    for name, (identity, paths) in _paths(plan).items():
        _choose_partner(identity)
        timed = time_requests(paths, f"{plan['cookie_name']}={identity['session']}", repeat=repeat)
        costs.append(
            PageCost(
                name=name,
                requests=repeat,
                cpu_ms=timed.cpu_ms / repeat,
                wall_ms_p50=statistics.median(timed.walls_ms),
                queries=timed.queries / repeat,
                statuses=tuple(timed.statuses),
            )
        )
    return PagesReport(database=plan["database"], repeat=repeat, pages=costs)
