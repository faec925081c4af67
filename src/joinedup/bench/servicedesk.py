"""``joinedup bench servicedesk --tickets N``: the monthly service-level report for one partner
from N tickets with their event histories, and raising tickets through the API.

The acceptance target (issue 15): the report for one partner from 1,000,000 tickets in 2 s or less
on PostgreSQL; creating a ticket through the API at 200 a second or more.

Seeded once for each N into the current database (not timed; the seed time is reported): three
partners (``SDK<N>A``, ``B``, ``C``), each with a service-level agreement from 1 January 2025
(England and Wales, 08:30-17:00, the targets below), a requester and an agent on all three, and
N tickets spread over the twelve months from 1 December 2025, raised at random minutes in
working hours and written in the order raised (ids rise with time, as in service), a fifth of
them ICT, with histories drawn at random: raised, assigned, answered (in progress), a third
wait on the requester and are answered, resolved, one in twenty reopened and resolved again,
seven in ten closed five days later. Events after 1 December 2026 are left out, so the last
weeks' tickets are open. Rows go in by COPY on PostgreSQL and executemany on
SQLite (``bench.spend``'s writer), in batches of 100,000 tickets.

Timed: ``reports.service_level_figures`` for partner A and November 2026 (as the agent reads it
under the partner's row-level context), best and median of :data:`RUNS`; then
:data:`API_TICKETS` tickets raised one after another by ``POST /api/v1/servicedesk/tickets``
with the requester's bearer token, through Django's test client (the whole request stack, in
this process: no network or server); and, unless ``served_tickets`` is 0, :data:`SERVED_TICKETS`
more through ``joinedup serve`` (gunicorn's sync workers, as production runs it) on a loopback
port, posted by :data:`SERVED_CLIENTS` client threads at once. The output names the database's
durability settings (PostgreSQL's fsync, synchronous_commit, full_page_writes; SQLite's journal
mode and synchronous level). Figures depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from joinedup.bench import BENCH
from joinedup.bench.load.driver import LoadError, _stop, _wait_until_serving, free_port
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.spend import copy_rows, next_id, reset_sequences
from joinedup.core import rls
from joinedup.partnership.models import Partner, PartnerKind, Role, TokenScope
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import api_token_create, membership_grant, partner_create, user_create
from joinedup.servicedesk import levels
from joinedup.servicedesk.levels import TargetEntry
from joinedup.servicedesk.models import Ticket, TicketEvent, TicketSequence
from joinedup.servicedesk.reports import ServiceLevelReport, service_level_figures

RUNS = 5
API_TICKETS = 500
# The served measurement: `joinedup serve` (gunicorn's sync workers, as production runs it) on
# loopback, SERVED_CLIENTS client threads posting SERVED_TICKETS tickets between them after a
# warm-up of WARM_UP_PER_WORKER each worker (its first request imports and connects).
SERVED_TICKETS = 2000
SERVED_WORKERS = 4
SERVED_CLIENTS = 8
WARM_UP_PER_WORKER = 5
SERVER_READY_SECONDS = 120
PARTNERS = "ABC"
SEED = 1515
FIRST = datetime(2025, 12, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
REPORT_YEAR, REPORT_MONTH = 2026, 11
BATCH = 100_000
TARGETS = [
    TargetEntry("p1", 15, 240, clock="24x7"),
    TargetEntry("p2", 60, 480),
    TargetEntry("p3", 240, 1440),
    TargetEntry("p4", 480, 2400),
]
SERVICES = np.array(["ict", "hr", "payroll", "finance", "purchasing", "oh_admin"])
SERVICE_WEIGHTS = [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]
PRIORITIES = np.array(["p1", "p2", "p3", "p4"])
PRIORITY_WEIGHTS = [0.02, 0.1, 0.58, 0.3]
# (impact, urgency) giving each priority by the matrix (servicedesk/priority.py).
LEVELS = {"p1": ("high", "high"), "p2": ("high", "medium"), "p3": ("low", "high"), "p4": ("low", "low")}
# The history's slots: kind, status after it, whether it answers the requester.
SLOTS = [
    ("created", "new", False),
    ("assigned", "assigned", False),
    ("status", "in_progress", True),
    ("status", "waiting_requester", False),
    ("reply", "in_progress", False),
    ("status", "resolved", True),
    ("status", "reopened", False),
    ("status", "resolved", True),
    ("status", "closed", False),
]
MINUTE = 60

Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class ServedFigures:
    """Tickets raised through the API of ``joinedup serve`` by concurrent clients."""

    tickets: int = 0
    seconds: float = 0.0
    workers: int = 0
    clients: int = 0
    partners: int = 1
    milliseconds: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.milliseconds, q)) if self.milliseconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "served_tickets": self.tickets,
            "served_seconds": round(self.seconds, 2),
            "served_tickets_per_second": round(self.per_second, 1),
            "served_p50_ms": round(self.percentile(50), 1),
            "served_p95_ms": round(self.percentile(95), 1),
            "served_p99_ms": round(self.percentile(99), 1),
            "served_server": f"joinedup serve (gunicorn), {self.workers} sync workers, on loopback",
            "served_clients": self.clients,
            "served_partners": self.partners,
        }

    def line(self) -> str:
        return (
            f"API served: {self.tickets:,} tickets by POST /api/v1/servicedesk/tickets from "
            f"{self.clients} client threads (requesters of {self.partners} partner"
            f"{'s' if self.partners != 1 else ''}) to joinedup serve (gunicorn, {self.workers} sync workers, "
            f"loopback) in {self.seconds:.2f} s = {self.per_second:.0f} a second; each request p50 "
            f"{self.percentile(50):.1f} ms, p95 {self.percentile(95):.1f} ms, p99 "
            f"{self.percentile(99):.1f} ms"
        )


@dataclass
class ServiceDeskBenchResult:
    tickets: int
    database: str
    partners: list[str] = field(default_factory=list)
    seeded: bool = True
    seed_seconds: float = 0.0
    events: int = 0
    report_seconds: list[float] = field(default_factory=list)
    api_seconds: float = 0.0
    api_tickets: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    conditions: str = ""
    durability: dict[str, str] = field(default_factory=dict)
    served: ServedFigures | None = None

    @property
    def api_per_second(self) -> float:
        return self.api_tickets / self.api_seconds if self.api_seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "tickets": self.tickets,
            "events": self.events,
            "database": self.database,
            "partners": self.partners,
            "seeded_now": self.seeded,
            "seed_seconds": round(self.seed_seconds, 1),
            "report_month": f"{REPORT_YEAR}-{REPORT_MONTH:02d}",
            "report_best_ms": round(min(self.report_seconds) * 1000, 1),
            "report_median_ms": round(statistics.median(self.report_seconds) * 1000, 1),
            "runs": len(self.report_seconds),
            "api_tickets": self.api_tickets,
            "api_seconds": round(self.api_seconds, 2),
            "api_tickets_per_second": round(self.api_per_second, 1),
            "api_client": "django.test.Client in process (whole request stack, no network)",
            "checks": self.checks,
            "conditions": self.conditions,
            "database_settings": self.durability,
            **(self.served.as_dict() if self.served is not None else {"served_tickets": 0}),
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded else "already seeded"
        return "\n".join(
            [
                f"service desk over {self.tickets:,} tickets ({self.events:,} events) of "
                f"{len(self.partners)} partners on {self.database} ({', '.join(self.partners)})",
                f"  ({seeded}: not counted)",
                f"  {self.conditions}",
                "",
                f"| step | best of {len(self.report_seconds)} (ms) | median (ms) |",
                "|---|---:|---:|",
                f"| monthly service-level report, partner {self.partners[0]}, "
                f"{REPORT_YEAR}-{REPORT_MONTH:02d} | {min(self.report_seconds) * 1000:.1f} | "
                f"{statistics.median(self.report_seconds) * 1000:.1f} |",
                "",
                self.served.line() if self.served is not None else "API served: not measured",
                f"API in process: {self.api_tickets} tickets raised one after another by POST "
                f"/api/v1/servicedesk/tickets in {self.api_seconds:.2f} s = "
                f"{self.api_per_second:.0f} a second (Django's test client, no server or network)",
                "database: " + ", ".join(f"{name} {value}" for name, value in self.durability.items()),
                ", ".join(f"{name} {value:,}" for name, value in self.checks.items()),
            ]
        )


def _codes(tickets: int) -> list[str]:
    return [f"SDK{tickets}{letter}" for letter in PARTNERS]


def _stamps(seconds: np.ndarray[Any, Any]) -> list[str]:
    """Instants as the database's text: UTC, whole seconds (as Django writes them on SQLite)."""
    text = np.char.replace(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "T", " ")
    if connection.vendor == "postgresql":
        text = np.char.add(text, "+00")
    return [str(t) for t in text]


_TICKET_COLUMNS = [
    "id",
    "partner_id",
    "number",
    "reference",
    "service",
    "ticket_type",
    "impact",
    "urgency",
    "priority",
    "requester_id",
    "raised_by_id",
    "subject",
    "description",
    "status",
    "raised_at",
    "resolved_at",
    "closed_at",
]
_EVENT_COLUMNS = [
    "ticket_id",
    "partner_id",
    "at",
    "kind",
    "status",
    "priority",
    "actor_id",
    "public",
    "body",
    "responds",
    "message_id",
]


def _histories(
    rng: np.random.Generator, count: int, days: tuple[int, int]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each ticket's slot times (seconds since the epoch) and which slots happened (before END),
    raised on the days ``days`` (from, to: days after FIRST), in the order raised."""
    first = int(FIRST.timestamp())
    day = np.sort(rng.integers(days[0], days[1], size=count))
    raised = first + day * 86_400 + rng.integers(8 * 60 + 30, 17 * 60, size=count) * MINUTE
    gaps = np.stack(
        [
            np.zeros(count, dtype=np.int64),
            rng.integers(5, 120, size=count),  # assigned
            rng.integers(10, 600, size=count),  # answered
            rng.integers(30, 1440, size=count),  # waits on the requester
            rng.integers(60, 4320, size=count),  # the requester answers
            rng.integers(30, 10_000, size=count),  # resolved
            rng.integers(60, 7200, size=count),  # reopened
            rng.integers(30, 2000, size=count),  # resolved again
            np.full(count, 5 * 1440),  # closed
        ],
        axis=1,
    ).astype(np.int64)
    happens = np.ones((count, len(SLOTS)), dtype=bool)
    waits = rng.random(count) < 1 / 3
    reopens = rng.random(count) < 0.05
    happens[:, 3] = happens[:, 4] = waits
    happens[:, 6] = happens[:, 7] = reopens
    happens[:, 8] = rng.random(count) < 0.7
    gaps = np.where(happens, gaps, 0)
    times = raised[:, None] + np.cumsum(gaps, axis=1) * MINUTE
    happens &= times < int(END.timestamp())
    order = np.argsort(times[:, 0], kind="stable")
    return times[order], happens[order]


def seed_servicedesk(tickets: int, *, say: Say = _silent) -> tuple[list[Partner], Any, Any, bool]:
    """The benchmark's partners, agent and requester for ``tickets`` tickets, seeding them when
    absent; the last value says whether they were seeded now."""
    codes = _codes(tickets)
    users = get_user_model().objects
    found = list(Partner.objects.filter(code__in=codes).order_by("code"))
    agent_name, requester_name = f"bench.servicedesk.{tickets}", f"bench.servicedesk.{tickets}.requester"
    if len(found) == len(codes):
        return found, users.get(username=agent_name), users.get(username=requester_name), False
    if found:
        raise ValueError(f"Partners {', '.join(p.code for p in found)} are half seeded: remove them first.")
    agent = user_create(actor=BENCH, username=agent_name, password=None, full_name="Bench service desk")
    requester = user_create(actor=BENCH, username=requester_name, password=None, full_name="Bench requester")
    partners: list[Partner] = []
    for code in codes:
        partner = partner_create(
            actor=BENCH, name=f"Benchmark service desk {code}", code=code, kind=PartnerKind.COUNCIL
        )
        membership_grant(actor=BENCH, user=agent, partner=partner, role=Role.SERVICE_DESK_AGENT)
        levels.agreement_add(
            actor=BENCH,
            partner=partner,
            effective_from=date(2025, 1, 1),
            nation="england-and-wales",
            business_hours="08:30-17:00",
            targets=TARGETS,
            note="Benchmark agreement",
            today=date(2025, 1, 1),
        )
        partners.append(partner)
    membership_grant(actor=BENCH, user=requester, partner=partners[0], role=Role.EMPLOYEE)

    rng = np.random.default_rng(SEED)
    numbers = dict.fromkeys((p.pk for p in partners), 0)
    next_ticket = next_id(Ticket)
    # Batch by batch through the year, each batch's tickets in the order raised, so that ids rise
    # with time and a ticket's events follow its creation in the tables, as a desk in service
    # writes them (seeded in random order, a month's tickets lay scattered over the whole table).
    span_days = (END - FIRST).days
    for begin in range(0, tickets, BATCH):
        count = min(BATCH, tickets - begin)
        say(f"Tickets {begin:,} of {tickets:,}")
        owner = rng.integers(0, len(partners), size=count)
        services = rng.choice(SERVICES, size=count, p=SERVICE_WEIGHTS)
        priorities = rng.choice(PRIORITIES, size=count, p=PRIORITY_WEIGHTS)
        low = begin * span_days // tickets
        times, happens = _histories(rng, count, (low, max(low + 1, (begin + count) * span_days // tickets)))
        ids = np.arange(next_ticket, next_ticket + count, dtype=np.int64)
        next_ticket += count
        last = len(SLOTS) - 1 - np.argmax(happens[:, ::-1], axis=1)
        status = np.array([s for _, s, _ in SLOTS])[last]
        # The latest resolution (slot 7 when reopened and resolved again, else 5), when it stands.
        resolved_slot = np.where(happens[:, 7], 7, 5)
        resolved = np.isin(status, ["resolved", "closed"])
        rows = times[np.arange(count), resolved_slot]
        resolved_text = _stamps(rows)
        closed_text = _stamps(times[:, 8])
        raised_text = _stamps(times[:, 0])
        ticket_rows = []
        for i in range(count):
            partner = partners[int(owner[i])]
            numbers[partner.pk] += 1
            number = numbers[partner.pk]
            priority = str(priorities[i])
            impact, urgency = LEVELS[priority]
            ticket_rows.append(
                (
                    int(ids[i]),
                    partner.pk,
                    number,
                    f"{partner.code}-{number:06d}",
                    str(services[i]),
                    "incident",
                    impact,
                    urgency,
                    priority,
                    requester.pk,
                    requester.pk,
                    "Benchmark ticket",
                    "Generated by joinedup bench servicedesk.",
                    str(status[i]),
                    raised_text[i],
                    resolved_text[i] if resolved[i] else None,
                    closed_text[i] if status[i] == "closed" else None,
                )
            )
        copy_rows(Ticket, _TICKET_COLUMNS, ticket_rows)
        which, slot = np.nonzero(happens)
        at_text = _stamps(times[which, slot])
        partner_of = np.array([p.pk for p in partners], dtype=np.int64)[owner]
        event_rows = [
            (
                int(ids[t]),
                int(partner_of[t]),
                at_text[n],
                SLOTS[s][0],
                SLOTS[s][1],
                str(priorities[t]),
                agent.pk,
                True,
                "",
                SLOTS[s][2],
                "",
            )
            for n, (t, s) in enumerate(zip(which.tolist(), slot.tolist(), strict=True))
        ]
        copy_rows(TicketEvent, _EVENT_COLUMNS, event_rows)
    for partner in partners:
        TicketSequence.objects.for_partner(partner).update_or_create(
            partner=partner, defaults={"last": numbers[partner.pk]}
        )
    reset_sequences([Ticket, TicketEvent])
    # VACUUM as autovacuum would soon after (it marks the pages all-visible, which index-only
    # scans need); inside a transaction (the tests) ANALYZE alone.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in (Ticket, TicketEvent):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")
        if vacuum:
            # The seed's gigabytes written to disk now, not while the API's commits are timed.
            cursor.execute("CHECKPOINT")
    return partners, agent, requester, True


_BODY = {
    "service": "ict",
    "type": "incident",
    "subject": "Printer jammed",
    "description": "The second-floor printer shows a paper jam.",
    "impact": "low",
    "urgency": "medium",
}
_RAISE = "/api/v1/servicedesk/tickets"


def durability() -> dict[str, str]:
    """The settings that decide whether a commit survives a crash, as the figure was taken."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            found = {}
            for name in ("fsync", "synchronous_commit", "full_page_writes"):
                cursor.execute(f"SHOW {name}")
                found[name] = str(cursor.fetchone()[0])
            return found
        cursor.execute("PRAGMA journal_mode")
        journal = str(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous")
        level = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(int(cursor.fetchone()[0]), "?")
        return {"journal_mode": journal, "synchronous": level}


def _api_rate(requester: Any, count: int) -> float:
    """Seconds to raise ``count`` tickets one after another through the API."""
    _, raw = api_token_create(actor=BENCH, user=requester, scope=TokenScope.WRITE)
    client = Client(headers={"Authorization": f"Bearer {raw}"}, HTTP_HOST="127.0.0.1")
    body = _BODY
    began = time.perf_counter()
    for _ in range(count):
        response = client.post(_RAISE, body, content_type="application/json")
        if response.status_code != 201:
            raise ValueError(f"The API answered {response.status_code}: {response.content[:200]!r}")
    return time.perf_counter() - began


def _post_many(port: int, tokens: list[str], count: int, clients: int) -> tuple[list[float], list[str]]:
    """Post ``count`` tickets from ``clients`` threads, each on its own HTTP connection (reopened
    when the server closes it, as gunicorn's sync workers do after each response) and with the
    token of ``tokens`` its turn gives (thread i the i-th, round and round); each request's
    milliseconds and the errors."""
    payload = json.dumps(_BODY).encode()
    lock = threading.Lock()
    left = [count]
    timings: list[float] = []
    errors: list[str] = []

    def client(token: str) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        link = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    if left[0] == 0:
                        return
                    left[0] -= 1
                began = time.perf_counter()
                try:
                    link.request("POST", _RAISE, body=payload, headers=headers)
                    response = link.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    link.close()
                    errors.append(repr(exc))
                    continue
                took = (time.perf_counter() - began) * 1000
                if response.status != 201:
                    errors.append(f"{response.status}: {answer[:200]!r}")
                else:
                    timings.append(took)
        finally:
            link.close()

    threads = [
        threading.Thread(target=client, args=(tokens[i % len(tokens)],), daemon=True) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors


def served_requesters(partners: list[Partner], tickets: int, first: Any) -> list[Any]:
    """A requester for each of ``partners``: the seeded one for the first, an employee of each
    other made on first use (``bench.servicedesk.N.requester.CODE``)."""
    found = [first]
    users = get_user_model().objects
    for partner in partners[1:]:
        name = f"bench.servicedesk.{tickets}.requester.{partner.code}"
        user = users.filter(username=name).first()
        if user is None:
            user = user_create(actor=BENCH, username=name, password=None, full_name="Bench requester")
            membership_grant(actor=BENCH, user=user, partner=partner, role=Role.EMPLOYEE)
        found.append(user)
    return found


def served_rate(
    requesters: list[Any], count: int, *, workers: int, clients: int, say: Say = _silent
) -> ServedFigures:
    """Tickets raised through ``joinedup serve`` (a gunicorn started here on a free loopback port,
    against this process's database, stopped after) by ``clients`` threads at once, the threads
    taking the ``requesters`` in turn. One partner's raises queue on its ticket series and audit
    chain until each commits; several partners' raises do not wait for each other."""
    raw = [api_token_create(actor=BENCH, user=r, scope=TokenScope.WRITE)[1] for r in requesters]
    port = free_port()
    timings: list[float] = []
    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="joinedup-bench-serve-") as folder:
        log_path = Path(folder) / "server.log"
        with log_path.open("wb") as log:
            say(f"Serving with {workers} gunicorn workers on 127.0.0.1:{port}")
            server = subprocess.Popen(  # noqa: S603 — our own command, no shell
                [
                    sys.executable,
                    "-m",
                    "joinedup.cli",
                    "serve",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_serving(server, f"http://127.0.0.1:{port}", log_path)
                _, errors = _post_many(port, raw, workers * WARM_UP_PER_WORKER, clients)
                if not errors:
                    say(f"Raising {count:,} tickets through the server")
                    began = time.perf_counter()
                    timings, errors = _post_many(port, raw, count, clients)
                    seconds = time.perf_counter() - began
            finally:
                _stop(server)
    if errors:
        raise LoadError(f"{len(errors)} requests to the server failed; the first: {errors[0]}")
    return ServedFigures(
        tickets=count,
        seconds=seconds,
        workers=workers,
        clients=clients,
        partners=len(requesters),
        milliseconds=timings,
    )


def run_servicedesk_benchmark(
    tickets: int,
    *,
    runs: int = RUNS,
    api_tickets: int = API_TICKETS,
    served_tickets: int = 0,
    workers: int = SERVED_WORKERS,
    clients: int = SERVED_CLIENTS,
    served_partners: int = 1,
    say: Say = _silent,
) -> tuple[ServiceDeskBenchResult, ServiceLevelReport]:
    if tickets < 1:
        raise ValueError("tickets must be at least 1.")
    if served_tickets < 0 or workers < 1 or clients < 1:
        raise ValueError("--served-tickets must be 0 or more, --workers and --clients at least 1.")
    if not 1 <= served_partners <= len(PARTNERS):
        raise ValueError(f"--served-partners must be 1 to {len(PARTNERS)}.")
    began = time.perf_counter()
    with rls.session_context("joinedup bench servicedesk: seeding"):
        partners, agent, requester, seeded = seed_servicedesk(tickets, say=say)
    result = ServiceDeskBenchResult(
        tickets=tickets,
        database=database_label(),
        partners=[p.code for p in partners],
        seeded=seeded,
        seed_seconds=time.perf_counter() - began,
    )
    ids = [p.pk for p in partners]
    with rls.system_context("joinedup bench servicedesk: counting the seeded events"):
        result.events = TicketEvent.objects.for_partners(ids).count()
    load = os.getloadavg()[0]
    say("Timing the report")
    found: ServiceLevelReport | None = None
    with rls.partner_context([partners[0].pk], user=agent):
        for _ in range(runs):
            forget_cached_roles(agent)
            start = time.perf_counter()
            found = service_level_figures([partners[0].pk], year=REPORT_YEAR, month=REPORT_MONTH)
            result.report_seconds.append(time.perf_counter() - start)
    if found is None:
        raise ValueError("runs must be at least 1.")
    say("Raising tickets through the API")
    result.api_seconds = _api_rate(requester, api_tickets)
    result.api_tickets = api_tickets
    if served_tickets:
        with rls.session_context("joinedup bench servicedesk: the served tickets' requesters"):
            requesters = served_requesters(partners[:served_partners], tickets, requester)
        result.served = served_rate(requesters, served_tickets, workers=workers, clients=clients, say=say)
    result.durability = durability()
    result.conditions = conditions(load)
    result.checks = {
        "tickets read": found.tickets_read,
        "raised in the month": sum(r.raised for r in found.rows),
        "resolved in the month": sum(r.resolved for r in found.rows),
        "open at month end": sum(r.open_at_end for r in found.rows),
        "resolution met": sum(r.resolution_met for r in found.rows),
        "resolution breached": sum(r.resolution_breached for r in found.rows),
    }
    return result, found
