"""``joinedup bench exit --employees N``: a partner's exit export (privacy/exit.py) at N employees.

The acceptance target (issue 17): at most 5 minutes at 100,000 employees.

Seeded once for each N into the current database (not timed; the seed time is reported): one
council partner ``EXIT<N>`` with N employees through the employments import (people, employments,
their terms and post holdings, the posts and org units), so the export's largest tables are the
ones a real partner's are. Timed: ``export_partner`` into a new temporary directory (removed
afterwards), once, with the rows, tables and bytes it wrote, and then ``verify_export`` of it.
Figures depend on the machine and its load (reported); nothing here asserts a speed.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import (
    COUNCIL,
    PeopleFactory,
    import_staff,
    make_posts,
    payable_points,
    standard_hours,
)
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.services import partner_create
from joinedup.people.schemes_sync import schemes_sync
from joinedup.privacy import exit as partner_exit

SEED = 1717
Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class ExitBenchResult:
    employees: int
    database: str
    partner: str = ""
    seeded: bool = True
    seed_seconds: float = 0.0
    export_seconds: float = 0.0
    verify_seconds: float = 0.0
    tables: int = 0
    rows: int = 0
    bytes: int = 0
    largest: dict[str, int] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "employees": self.employees,
            "database": self.database,
            "partner": self.partner,
            "seeded": self.seeded,
            "seed_seconds": round(self.seed_seconds, 1),
            "export_seconds": round(self.export_seconds, 2),
            "verify_seconds": round(self.verify_seconds, 2),
            "tables": self.tables,
            "rows": self.rows,
            "bytes": self.bytes,
            "rows_per_second": round(self.rows / self.export_seconds) if self.export_seconds else 0,
            "largest_tables": self.largest,
            "target_seconds_at_100000": 300,
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded else "already seeded"
        largest = ", ".join(f"{name} {count:,}" for name, count in self.largest.items())
        return "\n".join(
            [
                f"partner exit export of {self.partner} at {self.employees:,} employees on {self.database}",
                f"  ({seeded}: not counted)",
                f"  {self.conditions}",
                f"  export: {self.export_seconds:.2f} s for {self.rows:,} rows in {self.tables} tables "
                f"({self.bytes:,} bytes); verify: {self.verify_seconds:.2f} s",
                f"  largest: {largest}",
                "  target: at most 300 s at 100,000 employees",
            ]
        )


def seed_exit(employees: int, *, say: Say = _silent) -> tuple[Partner, bool]:
    code = f"EXIT{employees}"
    found = Partner.objects.filter(code=code).first()
    if found is not None:
        return found, False
    partner = partner_create(
        actor=BENCH, name=f"Benchmark exit {employees}", code=code, kind=PartnerKind.COUNCIL
    )
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    say(f"{employees:,} employees")
    posts = make_posts(partner, COUNCIL, max(10, employees // 20), rng, actor=BENCH)
    import_staff(
        partner=partner,
        force=COUNCIL,
        factory=PeopleFactory(employees, SEED),
        count=employees,
        points=payable_points(COUNCIL.scheme),
        posts=posts,
        hours=standard_hours(COUNCIL.scheme),
        payroll_number="X{:07d}".format,
        actor=BENCH,
    )
    return partner, True


def run_exit_benchmark(employees: int, *, say: Say = _silent) -> ExitBenchResult:
    if employees < 1:
        raise ValueError("--employees must be at least 1.")
    result = ExitBenchResult(employees=employees, database=database_label())
    started = time.perf_counter()
    partner, result.seeded = seed_exit(employees, say=say)
    result.seed_seconds = time.perf_counter() - started
    result.partner = partner.code
    result.load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="joinedup-exit-") as tmp:
        directory = Path(tmp) / partner.code
        say("Exporting")
        started = time.perf_counter()
        manifest = partner_exit.export_partner(actor=BENCH, partner=partner, directory=directory)
        result.export_seconds = time.perf_counter() - started
        say("Verifying")
        started = time.perf_counter()
        report = partner_exit.verify_export(directory)
        result.verify_seconds = time.perf_counter() - started
        if report.problems:
            raise ValueError("The export does not verify: " + "; ".join(report.problems))
        result.tables = len(manifest.tables)
        result.rows = sum(t.rows for t in manifest.tables)
        result.bytes = sum((directory / t.file).stat().st_size for t in manifest.tables)
        biggest = sorted(manifest.tables, key=lambda t: -t.rows)[:5]
        result.largest = {t.model: t.rows for t in biggest}
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    return result
