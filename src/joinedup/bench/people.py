"""Benchmarks of the people module: the bulk import and the employee search (the CLI wires them:
``joinedup bench people-import`` and ``joinedup bench people-search``).

Both run against the configured database, in partners of their own (codes ``BENCH…`` with a
timestamp, so they never clash with demo data or an earlier run) and with National Insurance
numbers under prefixes no person in the database has yet. The data is generated with a seeded
random generator — the same file every run for the same size — and looks like a real upload:
common and rare UK surnames, valid NI numbers, postcodes, sort codes and tax codes, part-timers,
fixed-term contracts, student loans, pension schemes, people already employed by another
partner. Figures depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection, transaction

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import (
    COUNCIL,
    FIRE,
    POLICE,
    SEED,
    Mix,
    PeopleFactory,
    Progress,
    accumulate,
    bench_partner,
    bench_stamp,
    check_import,
    encode,
    make_posts,
    payable_points,
    quiet,
    standard_hours,
)
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, user_create
from joinedup.people.imports import EMPLOYMENT_COLUMNS, import_employments
from joinedup.people.models import Employment, Person, Post
from joinedup.people.schemes_sync import schemes_sync
from joinedup.people.selectors import people_search

# --- the import benchmark ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the import, from its progress message to the next one."""

    stage: str  # parse, checks or writes
    message: str
    seconds: float


@dataclass
class ImportBenchResult:
    rows: int
    fmt: str
    database: str
    partner_code: str
    file_bytes: int
    generate_seconds: float
    setup_seconds: float
    seconds: float
    steps: list[Step]
    created: dict[str, int]
    conditions: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else math.inf

    def stage_seconds(self) -> dict[str, float]:
        totals = {"parse": 0.0, "checks": 0.0, "writes": 0.0}
        for step in self.steps:
            totals[step.stage] += step.seconds
        return totals

    def report(self) -> str:
        stages = self.stage_seconds()
        made = ", ".join(f"{n:,} {what}" for what, n in self.created.items())
        lines = [
            f"people import, {self.rows:,} rows ({self.fmt.upper()}, {self.file_bytes / 1e6:.1f} MB, "
            f"{len(EMPLOYMENT_COLUMNS.columns)} columns) on {self.database}, partner {self.partner_code}",
            f"  (file generated in {self.generate_seconds:.1f} s, partner, schemes and posts set up "
            f"in {self.setup_seconds:.1f} s: not counted)",
            f"  {self.conditions}",
            "",
            "| stage | seconds | share |",
            "|---|---:|---:|",
        ]
        for name, seconds in stages.items():
            lines.append(f"| {name} | {seconds:.2f} | {seconds / self.seconds:.0%} |")
        lines.append(f"| **total** | **{self.seconds:.2f}** | {self.rows_per_second:,.0f} rows/s |")
        lines += ["", "Steps, as the import reports them:"]
        for step in self.steps:
            lines.append(f"  {step.seconds:7.2f} s  [{step.stage}] {step.message.strip()}")
        lines.append(f"Created {made}.")
        return "\n".join(lines)


def _stage_of(message: str, current: str) -> str:
    text = message.strip().lower()
    if text.startswith("reading"):
        return "parse"
    if text.startswith("checking"):
        return "checks"
    if text.startswith("writing"):
        return "writes"
    return current


def run_import_benchmark(
    rows: int, *, fmt: str = "csv", seed: int = SEED, say: Callable[[str], None] | None = None
) -> ImportBenchResult:
    """Set up a fresh partner, generate ``rows`` employments of new people for it, and time
    ``import_employments`` step by step through its progress messages (passed on to ``say``)."""
    if rows < 1:
        raise ValueError("rows must be at least 1.")
    tell = say or (lambda _: None)
    tell("Setting up a partner, schemes and posts")
    started = time.perf_counter()
    schemes_sync(actor=BENCH)
    force = COUNCIL
    partner = bench_partner(bench_stamp(), force)
    rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
    posts = make_posts(partner, force, max(rows // 4, 1), rng, actor=BENCH)
    setup = time.perf_counter() - started

    tell(f"Generating {rows:,} rows as {fmt.upper()}")
    started = time.perf_counter()
    factory = PeopleFactory(rows, seed)
    points, hours = payable_points(force.scheme), standard_hours(force.scheme)
    table = [
        factory.row(
            factory.human(), payroll_number=f"E{n:07d}", force=force, points=points, hours=hours, posts=posts
        )
        for n in range(1, rows + 1)
    ]
    data = encode(table, fmt)
    del table
    generate = time.perf_counter() - started

    stamps: list[tuple[str, float]] = []

    def stamp(message: str) -> None:
        stamps.append((message, time.perf_counter()))
        tell(message)

    load = os.getloadavg()[0]
    began = time.perf_counter()
    report = import_employments(
        actor=BENCH, partner=partner, source=data, filename=f"bench-employments.{fmt}", progress=stamp
    )
    ended = time.perf_counter()
    check_import(report)
    steps: list[Step] = []
    stage = "parse"
    for index, (message, at) in enumerate(stamps):
        stage = _stage_of(message, stage)
        following = stamps[index + 1][1] if index + 1 < len(stamps) else ended
        steps.append(Step(stage, message, following - at))
    if stamps and stamps[0][1] > began:  # before the first message: permission, file read
        steps.insert(0, Step("parse", "(before the first message)", stamps[0][1] - began))
    return ImportBenchResult(
        rows=rows,
        fmt=fmt,
        database=database_label(),
        partner_code=partner.code,
        file_bytes=len(data),
        generate_seconds=generate,
        setup_seconds=setup,
        seconds=ended - began,
        steps=steps,
        created=dict(report.created),
        conditions=conditions(load),
    )


# --- the search benchmark ------------------------------------------------------------------------

# Employers of the seeded population and the share of people each employs first.
SEARCH_WORKFORCES = ((COUNCIL, "C", 0.55), (POLICE, "P", 0.30), (FIRE, "F", 0.15))


@dataclass
class SearchSeed:
    stamp: str
    partners: list[Partner]
    user: Any
    people: int = 0
    employments: int = 0
    seconds: float = 0.0
    analyzed: str = ""


def seed_search_population(
    people: int,
    *,
    partners: int = 3,
    shared: float = 0.03,
    chunk: int = 20_000,
    seed: int = SEED,
    progress: Progress = quiet,
) -> SearchSeed:
    """``people`` new people employed across ``partners`` (2 or 3) new partners, ``shared`` of
    them by two, imported through ``import_employments`` in files of ``chunk`` rows; a user
    who holds ``people.view`` (HR officer) on each; then the planner's statistics refreshed."""
    if people < 1 or not 1 <= partners <= len(SEARCH_WORKFORCES):
        raise ValueError(f"people must be at least 1 and partners 1 to {len(SEARCH_WORKFORCES)}.")
    started = time.perf_counter()
    schemes_sync(actor=BENCH)
    stamp = bench_stamp()
    rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
    forces = SEARCH_WORKFORCES[:partners]
    made = [bench_partner(stamp, force, letter) for force, letter, _ in forces]
    total_share = sum(share for _, _, share in forces)
    factory = PeopleFactory(people, seed)
    files: list[list[list[Any]]] = [[] for _ in forces]
    context = []
    for partner, (force, _, share) in zip(made, forces, strict=True):
        count = round(people * share / total_share)
        progress(f"Posts of {partner.code}", 0, 1)
        posts = make_posts(partner, force, max(count // 4, 1), rng, actor=BENCH)
        context.append((posts, payable_points(force.scheme), standard_hours(force.scheme)))
    cumulative = accumulate([share for _, _, share in forces])
    for _ in range(people):
        human = factory.human()
        home = rng.choices(range(len(forces)), cum_weights=cumulative)[0]
        employers = [home]
        if len(forces) > 1 and rng.random() < shared:
            employers.append(rng.choice([i for i in range(len(forces)) if i != home]))
        for index in employers:
            force, letter, _ = forces[index]
            posts, points, hours = context[index]
            number = f"{letter}{len(files[index]) + 1:07d}"
            files[index].append(
                factory.row(
                    human, payroll_number=number, force=force, points=points, hours=hours, posts=posts
                )
            )
    rows = sum(len(table) for table in files)
    done = 0
    progress("Importing employments", done, rows)
    for partner, table in zip(made, files, strict=True):
        for start in range(0, len(table), chunk):
            part = table[start : start + chunk]
            report = import_employments(
                actor=BENCH,
                partner=partner,
                source=encode(part, "csv"),
                filename=f"{partner.code}-{start}.csv",
            )
            check_import(report)
            done += len(part)
            progress(f"Importing employments ({partner.code})", done, rows)
    user = user_create(actor=BENCH, username=f"bench.search.{stamp}", password=None)
    for partner in made:
        membership_grant(actor=BENCH, user=user, partner=partner, role=Role.HR_OFFICER)
    result = SearchSeed(stamp, made, user, people=people, employments=rows)
    result.analyzed = analyze()
    result.seconds = time.perf_counter() - started
    return result


def analyze() -> str:
    """Refresh the query planner's statistics (``ANALYZE``), as a database that has been
    running a while would have them; what was run."""
    # PostgreSQL's ANALYZE locks each table in turn, so it can deadlock with autovacuum or a
    # late writer on another connection; the victim is told, and the statistics are worth a retry
    # (in a savepoint, so a caller's transaction survives the failed attempt).
    for attempt in range(1, ANALYZE_ATTEMPTS + 1):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        except OperationalError as error:
            if attempt == ANALYZE_ATTEMPTS or "deadlock" not in str(error):
                raise
            time.sleep(0.2 * attempt)
        else:
            break
    return f"ANALYZE ({connection.vendor})"


ANALYZE_ATTEMPTS = 3


def reuse_search_population(stamp: str) -> SearchSeed:
    """The partners and user of an earlier seed (``BENCH<stamp>…``), to time queries again."""
    from django.contrib.auth import get_user_model

    made = list(Partner.objects.filter(code__startswith=f"BENCH{stamp}").order_by("code"))
    user = get_user_model().objects.filter(username=f"bench.search.{stamp}").first()
    if not made or user is None:
        raise ValueError(f"No benchmark population with stamp {stamp}.")
    ids = [p.pk for p in made]
    employments = Employment.objects.for_partners(ids).count()
    people = Person.objects.for_partners(ids).count()
    return SearchSeed(stamp, made, user, people=people, employments=employments, analyzed="")


# (kind, weight): the mix of what staff type into the search box.
QUERY_MIX = Mix(
    (
        ("surname prefix", 35),
        ("given family-prefix", 20),
        ("NI number", 15),
        ("payroll number", 15),
        ("post title", 15),
    )
)


def make_queries(seed: SearchSeed, count: int, *, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` (kind, query) pairs drawn from the seeded people, in :data:`QUERY_MIX`."""
    ids = [p.pk for p in seed.partners]
    pool = list(
        Employment.objects.for_partners(ids)
        .order_by("?")
        .values_list("payroll_number", "person__given_name", "person__family_name", "person__ni_number")[
            : max(count, 1)
        ]
    )
    titles = sorted(set(Post.objects.for_partners(ids).values_list("title", flat=True)))
    queries = []
    for _ in range(count):
        kind = QUERY_MIX.draw(rng)
        queries.append((kind, query_text(kind, rng.choice(pool), titles, rng=rng)))
    return queries


def query_text(
    kind: str, row: tuple[str, str, str, str], titles: Sequence[str], *, rng: random.Random
) -> str:
    """What someone types to find the person of ``row`` (payroll number, given name, family
    name, NI number) by ``kind`` of :data:`QUERY_MIX`; a post title is drawn from ``titles``."""
    payroll, given, family, ni = row
    if kind == "surname prefix":
        text = family[: rng.randint(2, 6)]
        return text.lower() if rng.random() < 0.7 else text
    if kind == "given family-prefix":
        text = f"{given} {family[: rng.randint(2, 6)]}"
        return text.lower() if rng.random() < 0.5 else text
    if kind == "NI number":
        return ni if rng.random() < 0.5 else f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}"
    if kind == "payroll number":
        return payroll if rng.random() < 0.8 else payroll.lower()
    title = rng.choice(titles)
    words = title.split()
    return title.lower() if len(words) == 1 or rng.random() < 0.6 else words[-1].lower()


@dataclass(frozen=True)
class Timing:
    kind: str
    query: str
    ms: float
    hits: int


def _percentiles(values: Sequence[float]) -> tuple[float, float, float, float]:
    """p50, p95, p99, max."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], max(values)


@dataclass
class SearchBenchResult:
    database: str
    seed: SearchSeed
    limit: int
    warmup: int
    timings: list[Timing] = field(default_factory=list)
    conditions: str = ""

    def percentiles(self, kind: str | None = None) -> tuple[float, float, float, float]:
        values = [t.ms for t in self.timings if kind is None or t.kind == kind]
        return _percentiles(values)

    def report(self) -> str:
        seed = self.seed
        p50, p95, p99, top = self.percentiles()
        lines = [
            f"people search over {seed.people:,} people ({seed.employments:,} employments, "
            f"{len(seed.partners)} partners: {', '.join(p.code for p in seed.partners)}) on {self.database}",
            f"  {len(self.timings):,} queries after {self.warmup} warm-up ones, limit {self.limit}, "
            "as a user holding people.view on every partner (roles re-read for each query, as each "
            "request does)",
        ]
        lines.append(f"  {self.conditions}")
        if seed.seconds:
            lines.append(
                f"  seeded in {seed.seconds:.1f} s through the import; {seed.analyzed} run after seeding"
            )
        else:
            lines.append(
                f"  reusing the population of stamp {seed.stamp}; {seed.analyzed or 'no ANALYZE now'}"
            )
        lines += [
            "",
            "| queries | share | p50 ms | p95 ms | p99 ms | max ms | mean hits | none found |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        kinds = Counter(t.kind for t in self.timings)
        for kind in QUERY_MIX.values:
            if not kinds[kind]:
                continue
            k50, k95, k99, kmax = self.percentiles(kind)
            chosen = [t for t in self.timings if t.kind == kind]
            hits = statistics.fmean(t.hits for t in chosen)
            empty = sum(1 for t in chosen if not t.hits)
            lines.append(
                f"| {kind} | {kinds[kind] / len(self.timings):.0%} | {k50:.1f} | {k95:.1f} | {k99:.1f} "
                f"| {kmax:.1f} | {hits:.1f} | {empty} |"
            )
        hits = statistics.fmean(t.hits for t in self.timings)
        empty = sum(1 for t in self.timings if not t.hits)
        lines.append(
            f"| **all** | 100% | **{p50:.1f}** | **{p95:.1f}** | **{p99:.1f}** | **{top:.1f}** "
            f"| {hits:.1f} | {empty} |"
        )
        slowest = sorted(self.timings, key=lambda t: t.ms, reverse=True)[:5]
        lines += ["", "Slowest: " + "; ".join(f"{t.query!r} ({t.kind}) {t.ms:.1f} ms" for t in slowest)]
        return "\n".join(lines)


def run_search_benchmark(
    seed: SearchSeed, queries: int, *, limit: int = 50, warmup: int = 20, rng_seed: int = SEED
) -> SearchBenchResult:
    """Time ``queries`` searches (after ``warmup`` untimed ones) through ``people_search``."""
    if queries < 1:
        raise ValueError("queries must be at least 1.")
    rng = random.Random(rng_seed)  # noqa: S311 — repeatable benchmark data, not security
    planned = make_queries(seed, warmup + queries, rng=rng)
    result = SearchBenchResult(database_label(), seed, limit, warmup)
    load = os.getloadavg()[0]
    for index, (kind, text) in enumerate(planned):
        forget_cached_roles(seed.user)  # a request reads the user's roles afresh
        began = time.perf_counter()
        hits = people_search(seed.user, q=text, limit=limit)
        elapsed = (time.perf_counter() - began) * 1000
        if index >= warmup:
            result.timings.append(Timing(kind, text, elapsed, len(hits)))
    result.conditions = conditions(load)
    return result
