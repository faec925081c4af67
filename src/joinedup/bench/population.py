"""The one synthetic population: generated people, posts and partners that look like a real
upload, for the demo partnership (:mod:`joinedup.bench.demo`), every benchmark and the tests
that need a workforce.

Generated with a seeded random generator — the same rows every run for the same size — with
common and rare UK surnames, valid National Insurance numbers under prefixes no person in the
database holds yet, postcodes, sort codes and tax codes, part-timers, fixed-term contracts,
student loans and pension schemes. Rows go in through the same all-or-nothing imports as a
real upload (:mod:`joinedup.people.imports`)."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from joinedup.bench import BENCH
from joinedup.core import tabular
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.services import partner_create
from joinedup.people.imports import EMPLOYMENT_COLUMNS, ImportReport, import_employments, import_posts
from joinedup.people.models import PayPoint, Person, TermsScheme
from joinedup.people.ni_categories import age_problem

SEED = 20260401
# The day the generated data is "as at": start dates fall before it.
AS_AT = date(2026, 11, 1)

# (description, done, total): how a long step reports progress; the CLI shows it with rich.
Progress = Callable[[str, int, int], None]


def quiet(_description: str, _done: int, _total: int) -> None:
    return None


def accumulate(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class Mix:
    """Values drawn with relative weights."""

    def __init__(self, weighted: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in weighted]
        self.cumulative = accumulate([weight for _, weight in weighted])

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


SHARED_SERVICE = Workforce(
    PartnerKind.SHARED_SERVICE,
    "shared service",
    "njc",
    "lgps_main",
    (
        ("HRS", "HR Services"),
        ("PAY", "Payroll Services"),
        ("FIN", "Finance Services"),
        ("ICT", "ICT Service Desk"),
        ("PRC", "Procurement"),
    ),
    ("HR adviser", "Payroll officer", "Finance officer", "Service desk analyst", "Buyer", "Team leader"),
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

    def __init__(self, people: int, seed: int = SEED, *, as_at: date = AS_AT) -> None:
        self.as_at = as_at  # every start date falls before it
        self.rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
        self._family, self._family_weights = _family_names()
        self._family_cumulative = accumulate(self._family_weights)
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
        start = earliest + timedelta(days=rng.randrange(max((self.as_at - earliest).days, 1)))
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
            _fitting_category(_NI_CATEGORIES.draw(rng), human.born, self.as_at),
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
        actor=BENCH,
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


def make_posts(
    partner: Partner, force: Workforce, count: int, rng: random.Random, *, actor: Any
) -> list[str]:
    """``count`` posts for the partner through the posts import (by ``actor``); their codes."""
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
    report = import_posts(actor=actor, partner=partner, source=text.getvalue().encode(), filename="posts.csv")
    check_import(report)
    return [str(row[0]) for row in rows]


def check_import(report: ImportReport) -> None:
    if not report.ok:
        shown = tabular.format_errors(report.errors, limit=10)
        raise RuntimeError(f"The generated {report.kind} file did not import:\n{shown}")


def standard_hours(scheme: str) -> Decimal:
    return TermsScheme.objects.get(code=scheme).standard_weekly_hours


def rated_points(scheme: str, on: date) -> list[str]:
    """Codes of the scheme's points that are not withdrawn and have a pay rate on ``on``."""
    points = (
        PayPoint.objects.filter(scheme__code=scheme, rates__effective_from__lte=on)
        .filter(Q(withdrawn_from__isnull=True) | Q(withdrawn_from__gt=on))
        .distinct()
    )
    return list(points.order_by("sort").values_list("code", flat=True))


_FREQUENCY = EMPLOYMENT_COLUMNS.names.index("pay_frequency")


def import_staff(
    *,
    partner: Partner,
    force: Workforce,
    factory: PeopleFactory,
    count: int,
    points: Sequence[str],
    posts: Sequence[str],
    hours: Decimal,
    payroll_number: Callable[[int], str] = "E{:07d}".format,
    frequency: str = "monthly",
    chunk: int = 20_000,
    actor: Any,
    progress: Progress = quiet,
) -> int:
    """Employ ``count`` of the factory's people at ``partner`` on ``force``'s terms, paid
    ``frequency`` (blank: the generator's mix of monthly and weekly), through the employments
    import in files of ``chunk`` rows. Returns how many were employed."""
    done = 0
    progress("Importing employments", done, count)
    for start in range(0, count, chunk):
        rows = []
        for n in range(start + 1, min(start + chunk, count) + 1):
            row = factory.row(
                factory.human(),
                payroll_number=payroll_number(n),
                force=force,
                points=points,
                hours=hours,
                posts=posts,
            )
            if frequency:
                row[_FREQUENCY] = frequency
            rows.append(row)
        report = import_employments(
            actor=actor, partner=partner, source=encode(rows, "csv"), filename=f"{partner.code}-{start}.csv"
        )
        check_import(report)
        done += len(rows)
        progress("Importing employments", done, count)
    return done


def council_staff(
    partner: Partner,
    employees: int,
    rng: random.Random,
    *,
    seed: int,
    payroll_prefix: str,
    say: Callable[[str], None],
) -> None:
    """A council's ``employees`` on its national terms, paid monthly, in a post each of
    ``employees // 20`` (at least 10), through the posts and employments imports by the benchmark
    actor: the staff most benchmarks of one partner start from."""
    posts = make_posts(partner, COUNCIL, max(10, employees // 20), rng, actor=BENCH)
    import_staff(
        partner=partner,
        force=COUNCIL,
        factory=PeopleFactory(employees, seed),
        count=employees,
        points=payable_points(COUNCIL.scheme),
        posts=posts,
        hours=standard_hours(COUNCIL.scheme),
        payroll_number=(payroll_prefix + "{:07d}").format,
        actor=BENCH,
        progress=lambda _what, done, total: say(f"Importing employments {done:,}/{total:,}"),
    )


def _fitting_category(drawn: str, born: date, on: date) -> str:
    """The drawn letter when the person's age on ``on`` (the population's date, after every start)
    allows it, else A: HR refuses M and Z from 21 and H from 25
    (people/ni_categories/rules/ni_category_ages.toml). The draw is kept, so the rest of a
    generated population does not change."""
    return drawn if age_problem(drawn, born, on) is None else "A"
