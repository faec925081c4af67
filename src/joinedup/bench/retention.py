"""``joinedup bench retention --payslips N``: the retention run (privacy/retention.py) over N
payslips.

The acceptance target (issue 17): at most 60 s over 10,000,000 payslip rows on PostgreSQL.

Seeded once for each N into the current database (not timed; the seed time and rate are
reported): one council ``RET<N>`` with ``ceil(N / 144)`` employees through the employments import
(as ``bench sar`` seeds), an approved monthly pay run for each month of 12 tax years and a payslip
in each for every employee (``N`` rounded up to whole runs), each with four payslip lines (a
casual car allowance, a union subscription, overtime, an attachment-of-earnings order), written
by ``bench.payhistory`` (one ``INSERT … SELECT`` a run on PostgreSQL, ``executemany`` on
SQLite). The tax years are
placed so that ``--expired-share`` of them (rounded to whole years) ended six years (the default
period) before ``AS_OF``; the latest three are within the statutory minimum. One employee in a
hundred (at least one) has a legal hold on their payroll records.

Timed: ``retention_run`` as of ``AS_OF`` by the system, as ``joinedup privacy retention-run``
runs it, stage by stage; then a second run, which finds nothing to do, and the audit chains'
verification (what ``joinedup audit verify`` calls). Figures depend on the machine, its load and
the database's durability settings (reported); nothing here asserts a speed.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.payhistory import pay_history
from joinedup.bench.payroll import timed_calls
from joinedup.bench.population import (
    COUNCIL,
    council_staff,
)
from joinedup.bench.servicedesk import durability
from joinedup.core import rls
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.services import partner_create
from joinedup.payroll.models import PayRun, Payslip, PayslipLine
from joinedup.people.models import Employment
from joinedup.people.schemes_sync import schemes_sync
from joinedup.privacy import retention
from joinedup.privacy.retention_rules import last_expired_tax_year, rule_on

SEED = 1719
# The run's day, fixed so the figures do not move with the calendar (a Tuesday, before today).
AS_OF = date(2026, 12, 1)
YEARS = 12
RUNS_PER_YEAR = 12
LINES_PER_PAYSLIP = 4
HOLD_EVERY = 100
Say = Callable[[str], None]
# "anonymise" is the wall time of every type's ranges, worked ``workers`` at a time (their audit
# redaction included: its time, summed over the workers, is shown apart); "examine" is the rest
# of the run: the counts, holds and spans of each type.
STAGES = ("examine", "anonymise", "occupational health")


def _silent(_message: str) -> None:
    return None


@dataclass
class RetentionBenchResult:
    payslips: int
    database: str
    expired_share: float
    partner: str = ""
    employees: int = 0
    tax_years: str = ""
    seeded_now: bool = True
    seed_seconds: float = 0.0
    lines_before: int = 0
    lines_after: int = 0
    expired: int = 0
    anonymised: int = 0
    held: int = 0
    batches: int = 0
    workers: int = 1
    redact_seconds: float = 0.0  # summed over the workers
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    second_anonymised: int = -1
    second_seconds: float = 0.0
    chains: int = 0
    broken: list[str] = field(default_factory=list)
    verify_seconds: float = 0.0
    durability: dict[str, str] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())

    @property
    def seed_rate(self) -> float:
        return self.payslips / self.seed_seconds if self.seed_seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "payslips": self.payslips,
            "database": self.database,
            "partner": self.partner,
            "employees": self.employees,
            "tax_years": self.tax_years,
            "expired_share": self.expired_share,
            "lines_per_payslip": LINES_PER_PAYSLIP,
            "seeded_now": self.seeded_now,
            "seed_seconds": round(self.seed_seconds, 1),
            "seed_payslips_per_second": round(self.seed_rate),
            "as_of": AS_OF.isoformat(),
            "expired": self.expired,
            "anonymised": self.anonymised,
            "held": self.held,
            "lines_deleted": self.lines_before - self.lines_after,
            "batches": self.batches,
            "workers": self.workers,
            "redact_seconds_summed": round(self.redact_seconds, 2),
            "stages_seconds": {name: round(seconds, 2) for name, seconds in self.stages.items()},
            "total_seconds": round(self.seconds, 2),
            "second_run_anonymised": self.second_anonymised,
            "second_run_seconds": round(self.second_seconds, 2),
            "chains_verified": self.chains,
            "chains_broken": self.broken,
            "verify_seconds": round(self.verify_seconds, 2),
            "target_seconds_at_10000000": 60,
            "database_settings": self.durability,
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = (
            f"seeded in {self.seed_seconds:.1f} s, {self.seed_rate:,.0f} payslips/s"
            if self.seeded_now
            else "already seeded"
        )
        total = self.seconds or 1.0
        lines = [
            f"retention run as of {people_date(AS_OF)} over {self.payslips:,} payslips "
            f"({LINES_PER_PAYSLIP} lines each) "
            f"of {self.partner} on {self.database}",
            f"  {self.employees:,} employees paid monthly over tax years {self.tax_years}",
            f"  ({seeded}: not counted)",
            "  database: " + ", ".join(f"{name} {value}" for name, value in self.durability.items()),
            f"  {self.conditions}",
            "",
            "| stage | seconds | share |",
            "|---|---:|---:|",
            *(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |" for name, seconds in self.stages.items()),
            f"| **total** | **{self.seconds:.2f}** | {self.anonymised / total:,.0f} payslips anonymised/s |",
            "",
            f"examined {self.payslips:,} payslips: {self.expired:,} past retention, {self.anonymised:,} "
            f"anonymised in {self.batches} batches, {self.workers} at a time, {self.held:,} held back; "
            f"{self.lines_before - self.lines_after:,} payslip lines deleted",
            f"audit redaction in the batches: {self.redact_seconds:.2f} s summed over the workers",
            f"second run: {self.second_anonymised} anonymised in {self.second_seconds:.2f} s",
            f"audit verify: {self.chains} chains, "
            + (f"broken: {', '.join(self.broken)}" if self.broken else "all intact")
            + f" ({self.verify_seconds:.1f} s)",
            "target: at most 60 s at 10,000,000 payslips",
        ]
        return "\n".join(lines)


def tax_years(expired_share: float) -> range:
    """``YEARS`` tax years, the first ``round(YEARS * share)`` of them past the default period."""
    if not 0 <= expired_share <= 1:
        raise ValueError("--expired-share must be between 0 and 1.")
    rule = rule_on("payslips", AS_OF)
    last = last_expired_tax_year(rule, rule.default_months, AS_OF)
    first = last + 1 - round(YEARS * expired_share)
    return range(first, first + YEARS)


def _code(payslips: int, expired_share: float) -> str:
    return f"RET{payslips}" + ("" if expired_share == 0.5 else f"S{round(expired_share * 100)}")


def _pay(partner: Partner, employment_ids: list[int], years: range, say: Say) -> None:
    """A run a month for ``years``, a payslip in each for each employment and
    ``LINES_PER_PAYSLIP`` lines on each (``bench.payhistory``, one transaction a run)."""
    periods = [(year, period) for year in years for period in range(1, RUNS_PER_YEAR + 1)]
    pay_history(partner, employment_ids, periods, lines_per_payslip=LINES_PER_PAYSLIP, seed=SEED, say=say)


def seed_retention(payslips: int, expired_share: float, *, say: Say = _silent) -> tuple[Partner, bool]:
    """The council and whether it was seeded now (see the module's docstring)."""
    years = tax_years(expired_share)
    code = _code(payslips, expired_share)
    found = Partner.objects.filter(code=code).first()
    if found is not None:
        return found, False
    employees = math.ceil(payslips / (YEARS * RUNS_PER_YEAR))
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    council = partner_create(
        actor=BENCH, name=f"Benchmark retention {payslips}", code=code, kind=COUNCIL.kind
    )
    council_staff(council, employees, rng, seed=SEED, payroll_prefix="R", say=say)
    stints = list(Employment.objects.for_partner(council).order_by("pk").values_list("pk", flat=True))
    _pay(council, stints, years, say)
    held = (
        Employment.objects.for_partner(council).filter(pk__in=stints[::HOLD_EVERY]).select_related("person")
    )
    for n, stint in enumerate(held.order_by("pk"), start=1):
        retention.place_retention_hold(
            actor=BENCH,
            partner=council,
            record_type="payslips",
            person=stint.person,
            reference=f"ET/{n:04d}/2026",
            reason="Benchmark: an equal-pay claim at the employment tribunal.",
        )
    return council, True


def _analyse() -> None:
    with connection.cursor() as cursor:
        for model in (Payslip, PayslipLine, PayRun):
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


def _lines(partner: Partner) -> int:
    with rls.system_context("joinedup bench retention: counting lines"):
        return PayslipLine.objects.for_partner(partner).count()


def run_retention_benchmark(
    payslips: int, *, expired_share: float = 0.5, say: Say = _silent
) -> RetentionBenchResult:
    if payslips < 1:
        raise ValueError("--payslips must be at least 1.")
    result = RetentionBenchResult(payslips=payslips, database=database_label(), expired_share=expired_share)
    began = time.perf_counter()
    with rls.session_context("joinedup bench retention: seeding"):
        partner, result.seeded_now = seed_retention(payslips, expired_share, say=say)
    say("Analysing the tables")
    _analyse()
    result.seed_seconds = time.perf_counter() - began
    years = tax_years(expired_share)
    result.tax_years = f"{years[0]}/{(years[0] + 1) % 100:02d} to {years[-1]}/{(years[-1] + 1) % 100:02d}"
    result.partner = partner.code
    with rls.session_context("joinedup bench retention: the population"):
        result.employees = Employment.objects.for_partner(partner).count()
        result.payslips = Payslip.objects.for_partner(partner).count()
    result.lines_before = _lines(partner)
    result.durability = durability()
    stages = result.stages

    def adder(stage: str) -> Callable[[float], None]:
        def add(seconds: float) -> None:
            stages[stage] += seconds

        return add

    redactions: list[float] = []
    result.workers = retention.workers_for(system=True)
    result.load_before = os.getloadavg()[0]
    say("Running the retention run")
    began = time.perf_counter()
    with (
        timed_calls(retention, "_each_range", adder("anonymise")),
        timed_calls(retention, "redact_events", redactions.append),
        timed_calls(retention, "_occupational_health", adder("occupational health")),
    ):
        report = retention.retention_run(actor=BENCH, as_of=AS_OF)
    total = time.perf_counter() - began
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    ours = {t.record_type: t for t in report.types if t.partner == partner.code}
    payroll = ours["payslips"]
    result.expired, result.anonymised, result.held = payroll.expired, payroll.removed, payroll.held
    result.redact_seconds = sum(redactions)
    stages["examine"] = total - stages["anonymise"] - stages["occupational health"]
    result.lines_after = _lines(partner)
    with rls.session_context("joinedup bench retention: the batches' events"):
        result.batches = (
            AuditEvent.objects.for_partner(partner)
            .filter(action="privacy.retention_anonymised", object_type="payslips")
            .count()
        )
    say("Running it again")
    began = time.perf_counter()
    again = retention.retention_run(actor=BENCH, as_of=AS_OF)
    result.second_seconds = time.perf_counter() - began
    result.second_anonymised = sum(t.removed for t in again.types if t.partner == partner.code)
    say("Verifying the audit chains")
    began = time.perf_counter()
    chains = verify_all()
    result.verify_seconds = time.perf_counter() - began
    result.chains = len(chains)
    result.broken = [c.chain for c in chains if c.broken is not None]
    return result
