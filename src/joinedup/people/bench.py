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

import io
import math
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from joinedup.core import tabular
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.people.imports import EMPLOYMENT_COLUMNS, ImportReport, import_employments, import_posts
from joinedup.people.models import Employment, PayPoint, Person, Post, TermsScheme
from joinedup.people.schemes_sync import schemes_sync
from joinedup.people.selectors import people_search

SEED = 20260401
# The day the generated data is "as at": start dates fall before it.
AS_AT = date(2026, 11, 1)

# (description, done, total): how a long step reports progress; the CLI shows it with rich.
Progress = Callable[[str, int, int], None]


def _quiet(_description: str, _done: int, _total: int) -> None:
    return None


def _accumulate(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class Mix:
    """Values drawn with relative weights."""

    def __init__(self, weighted: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in weighted]
        self.cumulative = _accumulate([weight for _, weight in weighted])

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# --- what the generated people look like ---------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# The commonest surnames in England and Wales, most frequent first, with a weight that falls with
# rank (see _family_names); the rest of the population gets the long tail of rarer names.
_COMMON_FAMILY = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
    "James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
    "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson "
    "Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali "
    "Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
    "Barker Fisher Stevens Jenkins Murray Dixon Harvey O'Neill O'Brien McDonald MacLeod "
    "Smith-Jones Nowak Kowalski Okafor"
)
_TAIL_START = _words(
    "Ash Black Brad Brook Cald Carl Chal Cran Dun Elms Fair Fern Gold Hart Hazel Hol Kings Lang "
    "Lind Mar Mid New North Pen Red Ross Sand Shel South Stan Stock Tre Wake West Whit Wins"
)
_TAIL_END = _words("ford well wood ley ton by more ham field worth cott don win hurst lake gate")
_GIVEN = _words(
    "Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Leo Arthur Muhammad "
    "Mohammed Daniel David Paul Mark Andrew Richard Stephen Peter Michael Christopher Matthew "
    "Robert John Ian Gary Simon Darren Lee Wayne Craig Rhys Dylan Callum Aled Kwame Arjun Ravi "
    "Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Sarah Emma Claire Lisa "
    "Helen Susan Karen Julie Nicola Rachel Joanne Michelle Louise Amanda Samantha Catherine "
    "Elizabeth Margaret Patricia Hannah Megan Chloe Jessica Lauren Charlotte Bethan Cerys Ffion "
    "Aisha Fatima Priya Ngozi Agnieszka Zoë Siân Chloé Renée Seán"
)
_STREETS = _words("Church High Station Mill Park Victoria Queen's King's Manor School Green Orchard New")
_STREET_KINDS = ["Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Gardens"]
_TOWNS = [
    ("Winchester", "SO23"),
    ("Southampton", "SO15"),
    ("Salisbury", "SP1"),
    ("Dorchester", "DT1"),
    ("Bath", "BA1"),
    ("Bournemouth", "BH1"),
    ("Basingstoke", "RG21"),
    ("Andover", "SP10"),
    ("Taunton", "TA1"),
    ("Yeovil", "BA20"),
    ("Portsmouth", "PO1"),
    ("Swindon", "SN1"),
]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_SORT_CODES = ["20-00-00", "40-47-84", "30-94-57", "60-83-71", "09-01-28", "11-01-93", "77-91-45"]
_TAX_CODES = Mix((("1257L", 760), ("1257L W1", 40), ("1257L M1", 20), ("BR", 50), ("K475", 15),
              ("S1257L", 40), ("C1257L", 30), ("0T", 20), ("1100L", 20), ("D0", 5)))  # fmt: skip
_NI_CATEGORIES = Mix((("A", 880), ("M", 30), ("C", 40), ("H", 10), ("J", 15), ("Z", 5), ("B", 2)))
_LOANS = Mix((("", 740), ("1", 60), ("2", 110), ("4", 20), ("5", 20), ("PG", 25), ("2;PG", 25)))
_FTE = Mix((("1", 650), ("0.8", 90), ("0.6", 80), ("0.5", 90), ("0.4", 40), ("0.2973", 50)))
_CONTRACTS = Mix((("permanent", 850), ("fixed_term", 110), ("casual", 40)))


@dataclass(frozen=True)
class Workforce:
    """One kind of partner: its kind, scheme, pension scheme, organisation and job titles."""

    kind: str
    label: str
    scheme: str
    pension: str
    units: tuple[tuple[str, str], ...]
    titles: tuple[str, ...]


COUNCIL = Workforce(
    PartnerKind.COUNCIL,
    "county council",
    "njc",
    "lgps_main",
    (
        ("ASC", "Adult Social Care"),
        ("CHS", "Children's Services"),
        ("HWY", "Highways and Transport"),
        ("LIB", "Libraries and Culture"),
        ("FIN", "Finance"),
        ("HRP", "HR and Payroll"),
    ),
    (
        "Social worker",
        "Care assistant",
        "Occupational therapist",
        "Highways inspector",
        "Librarian",
        "Family support worker",
        "Accountant",
        "HR adviser",
        "Payroll officer",
        "Business support officer",
        "Team manager",
        "Teaching assistant",
    ),
)
POLICE = Workforce(
    PartnerKind.POLICE,
    "constabulary",
    "police_staff",
    "lgps_main",
    (
        ("CONT", "Contact Management"),
        ("CUST", "Custody"),
        ("INV", "Investigations Support"),
        ("FIN", "Finance"),
    ),
    ("Call handler", "Detention officer", "Investigation officer", "Analyst", "Finance officer", "PCSO"),
)
FIRE = Workforce(
    PartnerKind.FIRE,
    "fire and rescue service",
    "grey_book",
    "firefighters_2015",
    (("NORTH", "North Group"), ("SOUTH", "South Group"), ("PREV", "Prevention and Protection")),
    ("Firefighter", "Crew manager", "Watch manager", "Station manager", "Fire safety inspector"),
)


def _family_names() -> tuple[list[str], list[float]]:
    """Every surname the generator uses, and its weight: the common ones take about a third
    of the population (weight falling with rank), the long tail of rarer names the rest."""
    tail = [start + end for start in _TAIL_START for end in _TAIL_END]
    names = _COMMON_FAMILY + tail
    common = [1.0 / (rank + 4) for rank in range(len(_COMMON_FAMILY))]
    scale = 0.35 / sum(common)
    weights = [w * scale for w in common] + [0.65 / len(tail)] * len(tail)
    return names, weights


_NI_FIRST = "ABCEGHJKLMNPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_UNALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_PER_PREFIX = 1_000_000


def free_ni_prefixes(count: int, rng: random.Random) -> list[str]:
    """``count`` NI prefixes that HMRC allocates (NIM39110) and no person in the database holds,
    so generated numbers never collide with demo data or an earlier run."""
    prefixes = [a + b for a in _NI_FIRST for b in _NI_SECOND if a + b not in _NI_UNALLOCATED]
    rng.shuffle(prefixes)
    people = Person.objects.unscoped(reason="benchmark: find NI prefixes nobody holds yet")
    free: list[str] = []
    for prefix in prefixes:
        if not people.filter(ni_number__gte=prefix, ni_number__lt=prefix + "~").exists():
            free.append(prefix)
            if len(free) == count:
                return free
    raise RuntimeError("No free National Insurance prefixes are left for benchmark data.")


@dataclass(frozen=True)
class Human:
    """A generated person: what every employment row of theirs repeats."""

    given: str
    family: str
    born: date
    ni: str
    postcode: str
    town: str
    address: str
    phone: str


class PeopleFactory:
    """Deterministic generator of people and of their employment rows."""

    def __init__(self, people: int, seed: int = SEED) -> None:
        self.rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
        self._family, self._family_weights = _family_names()
        self._family_cumulative = _accumulate(self._family_weights)
        prefixes = free_ni_prefixes(max(2, math.ceil(people / 250_000)), self.rng)
        numbers = self.rng.sample(range(len(prefixes) * _PER_PREFIX), people)
        self._ni = [f"{prefixes[n // _PER_PREFIX]}{n % _PER_PREFIX:06d}{'ABCD'[n % 4]}" for n in numbers]
        self._next = 0

    def human(self) -> Human:
        rng = self.rng
        ni = self._ni[self._next]
        self._next += 1
        town, outward = rng.choice(_TOWNS)
        inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        street = f"{rng.randrange(1, 200)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"
        return Human(
            given=rng.choice(_GIVEN),
            family=rng.choices(self._family, cum_weights=self._family_cumulative)[0],
            born=date(1959, 1, 1) + timedelta(days=rng.randrange(0, 365 * 49)),
            ni=ni,
            postcode=f"{outward} {inward}",
            town=town,
            address=street,
            phone=f"07700 900{rng.randrange(1000):03d}",
        )

    def row(
        self,
        human: Human,
        *,
        payroll_number: str,
        force: Workforce,
        points: Sequence[str],
        hours: Decimal,
        posts: Sequence[str],
    ) -> list[Any]:
        """One employment row, in the order of :data:`EMPLOYMENT_COLUMNS`."""
        rng = self.rng
        earliest = max(human.born + timedelta(days=365 * 18 + 5), date(1990, 1, 1))
        start = earliest + timedelta(days=rng.randrange(max((AS_AT - earliest).days, 1)))
        roll = rng.random()
        service: date | str = ""  # blank: the import takes the start date
        if roll < 0.2:
            service = max(earliest, start - timedelta(days=rng.randrange(1, 3650)))
        elif roll < 0.6:
            service = start
        fte = _FTE.draw(rng)
        weekly = (hours * Decimal(fte)).quantize(Decimal("0.01"))
        plan = _LOANS.draw(rng)
        handle = f"{human.given}.{human.family}".lower().replace("'", "").replace(" ", "")
        return [
            payroll_number,
            human.given,
            human.family,
            human.born,
            human.ni,
            start,
            force.scheme,
            rng.choice(points),
            fte,
            weekly,
            service,
            _CONTRACTS.draw(rng),
            "monthly" if rng.random() < 0.96 else "weekly",
            rng.choice(posts) if posts and rng.random() < 0.9 else "",
            _TAX_CODES.draw(rng),
            "cumulative",
            _fitting_category(_NI_CATEGORIES.draw(rng), human.born, start),
            plan,
            force.pension if rng.random() < 0.9 else "none",
            rng.choice(["", "", "", "A", "B", "C"]),
            f"{handle}{rng.randrange(100)}@example.org",
            human.phone,
            human.address,
            "Flat 2" if rng.random() < 0.1 else "",
            human.town,
            human.postcode,
            rng.choice(_SORT_CODES),
            f"{rng.randrange(10_000_000, 99_999_999)}",
            f"{human.given[0]} {human.family}".upper(),
            rng.choice("FM"),
        ]


def _fitting_category(drawn: str, born: date, start: date) -> str:
    """The drawn letter when the person's age on their start date allows it, else A: HR refuses
    M, Z and H past their age limits (payroll/rules/ni_category_ages.toml)."""
    from joinedup.payroll.ni_categories import age_problem

    return drawn if age_problem(drawn, born, start) is None else "A"


def encode(rows: Sequence[Sequence[Any]], fmt: str) -> bytes:
    """The rows as an upload: CSV (UTF-8, as Excel's 'CSV UTF-8' writes it) or XLSX."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        tabular.write_xlsx(rows, EMPLOYMENT_COLUMNS.names, buffer, sheet_title="employments")
        return buffer.getvalue()
    if fmt != "csv":
        raise ValueError(f"Unknown format {fmt!r}: csv or xlsx.")
    text = io.StringIO()
    tabular.write_csv(rows, EMPLOYMENT_COLUMNS.names, text)
    return text.getvalue().encode("utf-8")


# --- set-up: partners, schemes, posts --------------------------------------------------------------


def bench_stamp() -> str:
    """A timestamp for partner codes and names (12 digits: codes are at most 20 characters),
    moved on a second if an earlier run already used it."""
    stamp = int(timezone.now().strftime("%y%m%d%H%M%S"))
    while Partner.objects.filter(code__startswith=f"BENCH{stamp}").exists():
        stamp += 1
    return str(stamp)


def bench_partner(stamp: str, force: Workforce, letter: str = "") -> Partner:
    code = f"BENCH{stamp}{letter}"
    return partner_create(
        actor=None,
        name=f"Benchmark {force.label} {letter or 'A'} {stamp}",
        code=code,
        kind=force.kind,
    )


def payable_points(scheme: str) -> list[str]:
    """Codes of the scheme's points not withdrawn by the as-at date."""
    points = PayPoint.objects.filter(scheme__code=scheme).filter(
        Q(withdrawn_from__isnull=True) | Q(withdrawn_from__gt=AS_AT)
    )
    return list(points.order_by("sort").values_list("code", flat=True))


def make_posts(partner: Partner, force: Workforce, count: int, rng: random.Random) -> list[str]:
    """``count`` posts for the partner through the posts import; their codes."""
    points = payable_points(force.scheme)
    rows = []
    for n in range(1, count + 1):
        unit_code, unit_name = force.units[n % len(force.units)]
        low = rng.randrange(0, max(len(points) - 3, 1))
        rows.append(
            [
                f"P{n:06d}",
                rng.choice(force.titles),
                unit_code,
                unit_name,
                force.scheme,
                points[low],
                points[min(low + 3, len(points) - 1)],
                rng.choice(["1", "2", "3", "4", "12.5"]),
                f"{unit_code}{n % 40:03d}",
                "2015-04-01",
                "Yes",
            ]
        )
    header = [
        "code",
        "title",
        "org_unit_code",
        "org_unit_name",
        "scheme",
        "grade_min",
        "grade_max",
        "budgeted_fte",
        "cost_centre",
        "start_date",
        "funded",
    ]
    text = io.StringIO()
    tabular.write_csv(rows, header, text)
    report = import_posts(actor=None, partner=partner, source=text.getvalue().encode(), filename="posts.csv")
    _check(report)
    return [str(row[0]) for row in rows]


def _check(report: ImportReport) -> None:
    if not report.ok:
        shown = tabular.format_errors(report.errors, limit=10)
        raise RuntimeError(f"The generated {report.kind} file did not import:\n{shown}")


def _standard_hours(scheme: str) -> Decimal:
    return TermsScheme.objects.get(code=scheme).standard_weekly_hours


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
    schemes_sync(actor=None)
    force = COUNCIL
    partner = bench_partner(bench_stamp(), force)
    rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
    posts = make_posts(partner, force, max(rows // 4, 1), rng)
    setup = time.perf_counter() - started

    tell(f"Generating {rows:,} rows as {fmt.upper()}")
    started = time.perf_counter()
    factory = PeopleFactory(rows, seed)
    points, hours = payable_points(force.scheme), _standard_hours(force.scheme)
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
        actor=None, partner=partner, source=data, filename=f"bench-employments.{fmt}", progress=stamp
    )
    ended = time.perf_counter()
    _check(report)
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
        database=_database_label(),
        partner_code=partner.code,
        file_bytes=len(data),
        generate_seconds=generate,
        setup_seconds=setup,
        seconds=ended - began,
        steps=steps,
        created=dict(report.created),
        conditions=_conditions(load),
    )


def _conditions(load_before: float) -> str:
    """What else shapes the figures: Django's DEBUG (which records every query's SQL), the
    CPUs, and the load average (1 minute) before and after the timed part."""
    debug = "on (every query's SQL recorded)" if settings.DEBUG else "off"
    return (
        f"DEBUG {debug}, {os.cpu_count()} CPUs, load average {load_before:.2f} before and "
        f"{os.getloadavg()[0]:.2f} after"
    )


def _database_label() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = int(getattr(connection, "pg_version", 0))
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.vendor


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
    progress: Progress = _quiet,
) -> SearchSeed:
    """``people`` new people employed across ``partners`` (2 or 3) new partners, ``shared`` of
    them by two, imported through ``import_employments`` in files of ``chunk`` rows; a user
    who holds ``people.view`` (HR officer) on each; then the planner's statistics refreshed."""
    if people < 1 or not 1 <= partners <= len(SEARCH_WORKFORCES):
        raise ValueError(f"people must be at least 1 and partners 1 to {len(SEARCH_WORKFORCES)}.")
    started = time.perf_counter()
    schemes_sync(actor=None)
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
        posts = make_posts(partner, force, max(count // 4, 1), rng)
        context.append((posts, payable_points(force.scheme), _standard_hours(force.scheme)))
    cumulative = _accumulate([share for _, _, share in forces])
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
                actor=None,
                partner=partner,
                source=encode(part, "csv"),
                filename=f"{partner.code}-{start}.csv",
            )
            _check(report)
            done += len(part)
            progress(f"Importing employments ({partner.code})", done, rows)
    user = user_create(actor=None, username=f"bench.search.{stamp}", password=None)
    for partner in made:
        membership_grant(actor=None, user=user, partner=partner, role=Role.HR_OFFICER)
    result = SearchSeed(stamp, made, user, people=people, employments=rows)
    result.analyzed = analyze()
    result.seconds = time.perf_counter() - started
    return result


def analyze() -> str:
    """Refresh the query planner's statistics (``ANALYZE``), as a database that has been
    running a while would have them; what was run."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"ANALYZE ({connection.vendor})"


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
        payroll, given, family, ni = rng.choice(pool)
        if kind == "surname prefix":
            text = family[: rng.randint(2, 6)]
            text = text.lower() if rng.random() < 0.7 else text
        elif kind == "given family-prefix":
            text = f"{given} {family[: rng.randint(2, 6)]}"
            text = text.lower() if rng.random() < 0.5 else text
        elif kind == "NI number":
            text = ni if rng.random() < 0.5 else f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}"
        elif kind == "payroll number":
            text = payroll if rng.random() < 0.8 else payroll.lower()
        else:
            title = rng.choice(titles)
            words = title.split()
            text = title.lower() if len(words) == 1 or rng.random() < 0.6 else words[-1].lower()
        queries.append((kind, text))
    return queries


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
    result = SearchBenchResult(_database_label(), seed, limit, warmup)
    load = os.getloadavg()[0]
    for index, (kind, text) in enumerate(planned):
        forget_cached_roles(seed.user)  # a request reads the user's roles afresh
        began = time.perf_counter()
        hits = people_search(seed.user, q=text, limit=limit)
        elapsed = (time.perf_counter() - began) * 1000
        if index >= warmup:
            result.timings.append(Timing(kind, text, elapsed, len(hits)))
    result.conditions = _conditions(load)
    return result
