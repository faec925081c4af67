"""The workforce-impact report of a programme at one partner: its posts before and after (the
establishment, not personal data, shown whole) and its people before, leaving or at risk, and
staying, by grade, terms scheme, hours, sex, age band, ethnic group and disability, every people
table suppressed (core/suppression.py) so that no count under 5 is shown and none can be worked
out from the totals. Union representatives read this and nothing about any one person.

People are reported per partner only, never for the programme as a whole: a reader of both a
whole-programme table and one partner's could subtract one from the other, and see the rest's
small counts. The database side is change/impact_selectors.py; this module builds the tables
from plain facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from joinedup.core.suppression import HIDDEN, MINIMUM, Table, suppress_together

PEOPLE_COLUMNS = ("Leaving or at risk", "Staying")
PEOPLE_TOTAL = "Before"
ALL_ROW = "All"
POST_COLUMNS = ("Posts before", "FTE before", "Posts after", "FTE after")
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """One employment in the report, as groups only (nothing that names or dates the person)."""

    grade: str
    scheme: str
    hours: str  # "Full time" / "Part time"
    sex: str
    age_band: str
    ethnic_group: str
    disability: str
    leaving: bool


@dataclass(frozen=True, slots=True)
class PostFacts:
    partner: str
    grade: str
    scheme: str
    fte: Decimal
    after: bool  # as the structure proposes it, else as it is now


@dataclass(frozen=True)
class PostTable:
    title: str
    rows: list[tuple[str, int, Decimal, int, Decimal]]  # group, posts before, FTE before, after, FTE after


@dataclass
class ImpactReport:
    programme: str
    partner: str
    partner_code: str
    on: date
    structure: str
    people: list[tuple[str, Table]] = field(default_factory=list)
    posts: list[PostTable] = field(default_factory=list)
    minimum: int = MINIMUM
    notes: list[str] = field(default_factory=list)

    def long_rows(self) -> list[list[object]]:
        """Every published figure as (table, group, measure, value), hidden ones as "[c]": the
        CSV and XLSX download."""
        out: list[list[object]] = []
        for title, table in self.people:
            labels = (*table.columns, PEOPLE_TOTAL)
            for r, group in enumerate((*table.rows, ALL_ROW)):
                for c, measure in enumerate(labels):
                    value = table.shown(r, c)
                    out.append([title, group, measure, HIDDEN if value is None else value])
        for post_table in self.posts:
            for group, *figures in post_table.rows:
                for measure, figure in zip(POST_COLUMNS, figures, strict=True):
                    out.append([post_table.title, group, measure, figure])
        return out


PEOPLE_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("Grade", "grade"),
    ("Terms scheme", "scheme"),
    ("Hours", "hours"),
    ("Sex", "sex"),
    ("Age band", "age_band"),
    ("Ethnic group", "ethnic_group"),
    ("Disability", "disability"),
)


def people_tables(
    people: Sequence[PersonFacts], *, orders: Mapping[str, Sequence[str]], minimum: int = MINIMUM
) -> list[tuple[str, Table]]:
    """One table per characteristic: its groups (``orders[attr]`` first, in that order, then any
    other group met, sorted) by leaving or at risk and staying, with the totals, suppressed
    together (they share the totals row)."""
    specs = []
    for _, attr in PEOPLE_DIMENSIONS:
        counts: Counter[tuple[str, bool]] = Counter((getattr(p, attr), p.leaving) for p in people)
        listed = list(orders.get(attr, ()))
        seen = sorted({group for group, _ in counts} - set(listed))
        groups = listed + seen
        specs.append((groups, [[counts[(g, True)], counts[(g, False)]] for g in groups]))
    tables = suppress_together(specs, PEOPLE_COLUMNS, minimum=minimum)
    return [(title, table) for (title, _), table in zip(PEOPLE_DIMENSIONS, tables, strict=True)]


def post_tables(posts: Iterable[PostFacts], *, partner: str) -> list[PostTable]:
    """Posts and FTE before and after: by partner (every partner in the programme), and by grade
    and by scheme at ``partner``."""
    posts = list(posts)

    def table(title: str, key: str, only: str | None) -> PostTable:
        figures: dict[str, list[int | Decimal]] = {}
        for post in posts:
            if only is not None and post.partner != only:
                continue
            row = figures.setdefault(getattr(post, key), [0, Decimal(0), 0, Decimal(0)])
            at = 2 if post.after else 0
            row[at] += 1
            row[at + 1] += post.fte
        return PostTable(
            title,
            [
                (group, int(f[0]), Decimal(f[1]), int(f[2]), Decimal(f[3]))
                for group, f in sorted(figures.items())
            ],
        )

    return [
        table("Posts by partner", "partner", None),
        table("Posts by grade", "grade", partner),
        table("Posts by terms scheme", "scheme", partner),
    ]


@dataclass(frozen=True)
class Bar:
    group: str
    before: int | None
    leaving: int | None
    before_width: int  # per cent of the widest shown
    leaving_width: int


def chart_bars(table: Table) -> list[Bar]:
    """Bars for a people table's chart: each group's shown "before" and "leaving or at risk";
    hidden counts draw no bar (the page says [c])."""
    total_column = len(table.columns)
    shown = [v for r in table.body_rows for v in (table.shown(r, total_column),) if v is not None]
    widest = max(shown, default=0) or 1
    bars = []
    for r in table.body_rows:
        before, leaving = table.shown(r, total_column), table.shown(r, 0)
        bars.append(
            Bar(
                table.rows[r],
                before,
                leaving,
                round(100 * (before or 0) / widest),
                round(100 * (leaving or 0) / widest),
            )
        )
    return bars
