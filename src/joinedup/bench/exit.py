"""``joinedup bench exit --employees N``: a partner's exit export (privacy/exit.py) at N employees.

The acceptance target (issue 17): at most 5 minutes at 100,000 employees.

Seeded once for each N and M into the current database (not timed; the seed time is reported):
one council partner ``EXIT<N>`` (``EXIT<N>P<M>`` with payslip history) with N employees through
the employments import (people, employments, their terms and post holdings, the posts and org
units), and ``--payslip-months M`` (default 12) approved monthly pay runs up to October 2026 with a
payslip for every employee in each and two lines on each payslip (an allowance and a union
subscription: ``bench.payhistory``), so the export's largest tables are the ones a real partner's
are: at 100,000 employees and 12 months, 1.2 million payslips and 2.4 million lines.

Timed: ``export_partner`` into a new temporary directory (removed afterwards), once, with the
rows, tables and megabytes it wrote by group (the app, or "shared" for the rows of other tables
the partner's rows refer to), the seconds of each stage (the partner's own tables, the shared
rows, the manifest) from the export's progress reports, then ``verify_export`` of it. Figures
depend on the machine and its load (reported); nothing here asserts a speed.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.payhistory import pay_history, tax_periods
from joinedup.bench.population import council_staff
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.services import partner_create
from joinedup.people.models import Employment
from joinedup.people.schemes_sync import schemes_sync
from joinedup.privacy import exit as partner_exit
from joinedup.privacy.exit_manifest import TableEntry

SEED = 1717
PAYSLIP_MONTHS = 12
LINES_PER_PAYSLIP = 2
# The last seeded run: tax month 7 of 2026/27 (October 2026), before the population's date.
LAST_PERIOD = (2026, 7)
MB = 1_000_000
Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class Group:
    tables: int = 0
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0


@dataclass
class ExitBenchResult:
    employees: int
    database: str
    payslip_months: int = PAYSLIP_MONTHS
    partner: str = ""
    seeded: bool = True
    seed_seconds: float = 0.0
    export_seconds: float = 0.0
    verify_seconds: float = 0.0
    tables: int = 0
    rows: int = 0
    bytes: int = 0
    largest: dict[str, int] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "employees": self.employees,
            "payslip_months": self.payslip_months,
            "database": self.database,
            "partner": self.partner,
            "seeded": self.seeded,
            "seed_seconds": round(self.seed_seconds, 1),
            "export_seconds": round(self.export_seconds, 2),
            "verify_seconds": round(self.verify_seconds, 2),
            "total_seconds": round(self.export_seconds + self.verify_seconds, 2),
            "stages_seconds": {name: round(seconds, 2) for name, seconds in self.stages.items()},
            "tables": self.tables,
            "rows": self.rows,
            "bytes": self.bytes,
            "rows_per_second": round(self.rows / self.export_seconds) if self.export_seconds else 0,
            "groups": {
                name: {
                    "tables": g.tables,
                    "rows": g.rows,
                    "mb": round(g.bytes / MB, 1),
                    "seconds": round(g.seconds, 2),
                }
                for name, g in self.groups.items()
            },
            "largest_tables": self.largest,
            "target_seconds_at_100000": 300,
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded else "already seeded"
        largest = ", ".join(f"{name} {count:,}" for name, count in self.largest.items())
        stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages.items())
        groups = [
            f"    {name:<14} {g.tables:>3} tables {g.rows:>12,} rows "
            f"{g.bytes / MB:>9.1f} MB {g.seconds:>8.2f} s"
            for name, g in self.groups.items()
        ]
        return "\n".join(
            [
                f"partner exit export of {self.partner} at {self.employees:,} employees with "
                f"{self.payslip_months} months of payslips on {self.database}",
                f"  ({seeded}: not counted)",
                f"  {self.conditions}",
                f"  export: {self.export_seconds:.2f} s for {self.rows:,} rows in {self.tables} tables "
                f"({self.bytes / MB:,.1f} MB); verify: {self.verify_seconds:.2f} s; "
                f"total {self.export_seconds + self.verify_seconds:.2f} s",
                f"  stages: {stages}",
                "  by group:",
                *groups,
                f"  largest: {largest}",
                "  target: at most 300 s at 100,000 employees",
            ]
        )


def _code(employees: int, payslip_months: int) -> str:
    return f"EXIT{employees}P{payslip_months}" if payslip_months else f"EXIT{employees}"


def seed_exit(
    employees: int, payslip_months: int = PAYSLIP_MONTHS, *, say: Say = _silent
) -> tuple[Partner, bool]:
    code = _code(employees, payslip_months)
    found = Partner.objects.filter(code=code).first()
    if found is not None:
        return found, False
    partner = partner_create(
        actor=BENCH,
        name=f"Benchmark exit {employees} ({payslip_months} months)",
        code=code,
        kind=PartnerKind.COUNCIL,
    )
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    say(f"{employees:,} employees")
    council_staff(partner, employees, rng, seed=SEED, payroll_prefix="X", say=say)
    if payslip_months:
        ids = list(Employment.objects.for_partner(partner).order_by("pk").values_list("pk", flat=True))
        pay_history(
            partner,
            ids,
            tax_periods(payslip_months, last=LAST_PERIOD),
            lines_per_payslip=LINES_PER_PAYSLIP,
            seed=SEED,
            say=say,
        )
    return partner, True


def _group(entry: TableEntry) -> str:
    return "shared" if entry.section == "shared" else entry.model.split(".")[0]


def run_exit_benchmark(
    employees: int, *, payslip_months: int = PAYSLIP_MONTHS, say: Say = _silent
) -> ExitBenchResult:
    if employees < 1:
        raise ValueError("--employees must be at least 1.")
    if payslip_months < 0:
        raise ValueError("--payslip-months must be 0 or more.")
    result = ExitBenchResult(employees=employees, database=database_label(), payslip_months=payslip_months)
    started = time.perf_counter()
    partner, result.seeded = seed_exit(employees, payslip_months, say=say)
    result.seed_seconds = time.perf_counter() - started
    result.partner = partner.code
    result.load_before = os.getloadavg()[0]
    seconds: dict[str, float] = defaultdict(float)
    last = [0.0]

    def progress(p: partner_exit.Progress) -> None:
        # Called as each table finishes (and every 10,000 rows): the time since the last call
        # belongs to this table.
        now = time.perf_counter()
        seconds[p.model] += now - last[0]
        last[0] = now
        say(f"Exporting {p.model} ({p.rows:,} rows; {p.tables_done}/{p.tables_total} tables)")

    with tempfile.TemporaryDirectory(prefix="joinedup-exit-") as tmp:
        directory = Path(tmp) / partner.code
        say("Exporting")
        started = last[0] = time.perf_counter()
        manifest = partner_exit.export_partner(
            actor=BENCH, partner=partner, directory=directory, progress=progress
        )
        result.export_seconds = time.perf_counter() - started
        say("Verifying")
        started = time.perf_counter()
        report = partner_exit.verify_export(directory)
        result.verify_seconds = time.perf_counter() - started
        if report.problems:
            raise ValueError("The export does not verify: " + "; ".join(report.problems[:5]))
        result.tables = len(manifest.tables)
        result.rows = sum(t.rows for t in manifest.tables)
        groups: dict[str, Group] = defaultdict(Group)
        for entry in manifest.tables:
            group = groups[_group(entry)]
            group.tables += 1
            group.rows += entry.rows
            group.bytes += (directory / entry.file).stat().st_size
            group.seconds += seconds.get(entry.model, 0.0)
        result.bytes = sum(g.bytes for g in groups.values())
        result.groups = dict(sorted(groups.items(), key=lambda item: -item[1].rows))
        biggest = sorted(manifest.tables, key=lambda t: -t.rows)[:5]
        result.largest = {t.model: t.rows for t in biggest}
    # The first shared table's time includes following the foreign keys to every shared row.
    owned = sum(seconds.get(t.model, 0.0) for t in manifest.tables if t.section != "shared")
    shared = sum(seconds.get(t.model, 0.0) for t in manifest.tables if t.section == "shared")
    result.stages = {
        "partner's tables": owned,
        "shared rows": shared,
        "manifest and audit summary": result.export_seconds - owned - shared,
        "verify": result.verify_seconds,
    }
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    return result
