"""The load scenario, for Locust: four kinds of user of the demo partnership, signed in with
sessions made beforehand (``joinedup bench load-prepare``), so no one signs in through the form
and django-axes never sees a failure. `joinedup bench load` runs it; by hand:

    JOINEDUP_LOAD_PLAN=plan.json JOINEDUP_LOAD_OUT=samples.json \\
        locust -f src/joinedup/bench/load/locustfile.py --headless -u 10 -t 60s --host http://127.0.0.1:8000

- employees read their own payslips: the list, then a payslip;
- HR officers search for people (the people-search benchmark's mix of surnames, names, NI and
  payroll numbers and post titles) and open the record of the person they looked for;
- payroll officers list their partner's pay runs and open one (its first page of payslips);
- finance officers read their partner's trial balance for the demo's paid month or the year.

Every page must answer 200 without a redirect (a lost session redirects to the sign-in page).
Timings of requests started in the first JOINEDUP_LOAD_WARMUP seconds are left out; everything
else is written to JOINEDUP_LOAD_OUT when Locust quits, for :mod:`joinedup.bench.load.report`.
This module imports Locust (which patches the standard library with gevent): nothing but Locust
loads it."""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections import defaultdict
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["JOINEDUP_LOAD_PLAN"]).read_text())
THINK = float(os.environ.get("JOINEDUP_LOAD_THINK", "0"))
WARMUP = float(os.environ.get("JOINEDUP_LOAD_WARMUP", "0"))
SET_UP = "set-up: "  # pages a user visits once, to get going: not part of the figures


class _Samples:
    def __init__(self) -> None:
        self.started = time.time()
        self.stopped: float | None = None
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.messages: dict[str, int] = defaultdict(int)
        self.warmup_requests = 0
        self.warmup_errors = 0

    def add(self, name: str, ms: float, started: float, exception: Any) -> None:
        if self.stopped is not None and started >= self.stopped:
            return  # sent while the users were being stopped: after the measured time
        if exception is not None:
            self.messages[f"{name}: {str(exception)[:160]}"] += 1
        if name.startswith(SET_UP) or started < self.started + WARMUP:
            self.warmup_requests += 1
            self.warmup_errors += exception is not None
            return
        self.timings[name].append(ms)
        self.errors[name] += exception is not None

    def as_json(self) -> dict[str, Any]:
        stopped = self.stopped or time.time()
        return {
            "seconds": max(stopped - self.started - WARMUP, 0.0),
            "pages": {name: {"ms": ms, "errors": self.errors[name]} for name, ms in self.timings.items()},
            "error_messages": dict(self.messages),
            "warmup_seconds": WARMUP,
            "warmup_requests": self.warmup_requests,
            "warmup_errors": self.warmup_errors,
        }


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, …)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def server_cpu_seconds(root: int) -> float | None:
    """CPU time of the server: gunicorn's arbiter, the workers it has reaped (recycled after
    max_requests) and the live ones. None where there is no /proc to read."""
    try:
        fields = _stat(root)
    except OSError:
        return None
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            child = _stat(int(entry))
        except OSError:
            continue  # a process gone between the listing and the read
        if int(child[1]) == root:
            ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class _Machine:
    """The server's and Locust's CPU time and the load average, when the warm-up ends and when
    the run stops: what else shaped the figures on a shared machine."""

    def __init__(self) -> None:
        self.server = int(os.environ.get("JOINEDUP_LOAD_SERVER_PID", "0"))
        self.marks: list[tuple[float | None, float, float]] = []

    def mark(self) -> None:
        own = os.times()
        server = server_cpu_seconds(self.server) if self.server else None
        self.marks.append((server, own.user + own.system, os.getloadavg()[0]))

    def as_json(self) -> dict[str, Any]:
        if len(self.marks) < 2:
            return {}
        (server_a, client_a, load_a), (server_b, client_b, load_b) = self.marks[0], self.marks[-1]
        return {
            "server_cpu_seconds": None if server_a is None or server_b is None else server_b - server_a,
            "client_cpu_seconds": client_b - client_a,
            "load_before": load_a,
            "load_after": load_b,
        }


SAMPLES = _Samples()
MACHINE = _Machine()


def _started(**_kwargs: Any) -> None:
    SAMPLES.started = time.time()


def _request(name: str, response_time: float, exception: Any = None, **kwargs: Any) -> None:
    started = float(kwargs.get("start_time") or time.time())
    if not MACHINE.marks and started >= SAMPLES.started + WARMUP:
        MACHINE.mark()  # the warm-up is over: the measured time starts
    SAMPLES.add(name, response_time, started, exception)


def _stopping(**_kwargs: Any) -> None:
    SAMPLES.stopped = time.time()
    MACHINE.mark()


def _write(**_kwargs: Any) -> None:
    out = os.environ.get("JOINEDUP_LOAD_OUT")
    if out:
        Path(out).write_text(json.dumps({**SAMPLES.as_json(), **MACHINE.as_json()}))


# Locust's event hooks are untyped.
events.test_start.add_listener(_started)  # type: ignore[no-untyped-call]
events.request.add_listener(_request)  # type: ignore[no-untyped-call]
events.test_stopping.add_listener(_stopping)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write)  # type: ignore[no-untyped-call]


class _SignedIn(FastHttpUser):
    """A user of one role, on one of the identities the plan made for it (a session, and the
    partner to work on), shared round-robin when there are more users than identities."""

    abstract = True
    role: ClassVar[str] = ""
    wait_time = constant(0) if THINK <= 0 else between(THINK / 2, THINK * 3 / 2)
    _turn: ClassVar[itertools.count[int]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._turn = itertools.count()

    def on_start(self) -> None:
        identities = PLAN["roles"][self.role]
        self.identity: dict[str, Any] = identities[next(self._turn) % len(identities)]
        self.rng = random.Random()  # noqa: S311 — which page to read next, not security
        host = str(urlsplit(str(self.host)).hostname or "127.0.0.1")
        self.client.cookiejar.set_cookie(_cookie(PLAN["cookie_name"], self.identity["session"], host))
        if self.identity.get("switch"):
            self._switch_partner(int(self.identity["partner"]))

    def _switch_partner(self, partner_id: int) -> None:
        """Choose the partner to work on as a user does: the partner switcher's form."""
        self.page("/", f"{SET_UP}home")
        token = next((c.value for c in self.client.cookiejar if c.name == PLAN["csrf_cookie_name"]), "")
        with self.client.post(
            "/partner",
            data=urlencode({"partner": partner_id}),
            headers={"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"},
            name=f"{SET_UP}switch partner",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code} (expected 302 to the home page)")

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code}" + (f" to {where}" if where else ""))


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""},
    )


class Employee(_SignedIn):
    weight = 4
    role = "employee"

    @task(1)
    def my_payslips(self) -> None:
        self.page("/me/payslips", "employee: my payslips")

    @task(2)
    def payslip(self) -> None:
        self.page(f"/payslips/{self.rng.choice(self.identity['payslips'])}", "employee: payslip")


class HROfficer(_SignedIn):
    weight = 3
    role = "hr"

    @task(3)
    def search(self) -> None:
        query, _person = self.rng.choice(self.identity["searches"])
        self.page(f"/people?{urlencode({'q': query})}", "HR: people search")

    @task(2)
    def person(self) -> None:
        _query, person = self.rng.choice(self.identity["searches"])
        self.page(f"/people/{person}", "HR: person record")


class PayrollOfficer(_SignedIn):
    weight = 1
    role = "payroll"

    @task(1)
    def pay_runs(self) -> None:
        self.page("/payroll", "payroll: pay runs")

    @task(2)
    def pay_run(self) -> None:
        self.page(f"/payroll/runs/{self.rng.choice(self.identity['runs'])}", "payroll: pay run")


class FinanceOfficer(_SignedIn):
    weight = 2
    role = "finance"

    @task(3)
    def month(self) -> None:
        self.page(
            f"/ledger/trial-balance?{urlencode({'period': self.identity['month']})}",
            "finance: trial balance (month)",
        )

    @task(1)
    def year(self) -> None:
        first, last = self.identity["year"]
        self.page(
            f"/ledger/trial-balance?{urlencode({'from': first, 'to': last})}", "finance: trial balance (year)"
        )
