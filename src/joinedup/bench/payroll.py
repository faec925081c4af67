"""Benchmark of a whole pay run (the CLI wires it: ``joinedup bench payrun --employees N``).

A fresh partner (code ``BENCH…`` with a timestamp, or the code given) is seeded with ``N`` new
people through the employments import — the generator of :mod:`joinedup.bench.people`, with
everyone paid monthly on an NJC point that has a rate — and given bank details for BACS. Then,
timed, the pay run goes end to end as the CLI and the web would take it: created, calculated
(inputs gathered, the vectorised engine, payslips written a batch at a time, the checks before
approval), approved (by the system, a ``SystemActor``), which builds its journal and posts it to
the partner's ledger (set up for the benchmark), and its BACS file written. Flags the checks
raise are accepted in bulk before approval (a person would accept each with a note); how many
there were is reported. Figures depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any

from django.db import connection

from joinedup.bench import BENCH
from joinedup.bench.demo.take_on import seed_demo_take_on
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import (
    AS_AT,
    COUNCIL,
    SEED,
    PeopleFactory,
    Progress,
    bench_partner,
    bench_stamp,
    import_staff,
    make_posts,
    quiet,
    rated_points,
    standard_hours,
)
from joinedup.core.dates import people_date, people_month
from joinedup.ledger.models import Journal, JournalLine
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner
from joinedup.partnership.services import partner_create
from joinedup.payroll import calculation, documents, variance, writer
from joinedup.payroll.models import (
    FlagStatus,
    PayrollSettings,
    PayRun,
    Payslip,
    PayslipLine,
    RunStatus,
    TakeOnBalance,
    VarianceFlag,
)
from joinedup.payroll.periods import pay_period
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.payroll.services import BATCH_SIZE, payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.writer import WRITER_THREADS
from joinedup.people.models import Employment
from joinedup.people.schemes_sync import schemes_sync

# The run's pay date: tax month 8 of 2026/27, after every generated start date (AS_AT).
PAY_DATE = date(2026, 11, 25)
# Stages of the timed part, in the order they run and are reported.
STAGES = (
    "create",
    "gather",
    "engine",
    "write",
    "flags",
    "calculate (rest)",
    "approve and post journal",
    "bacs",
)


def seed_payroll_partner(
    employees: int,
    *,
    partner_code: str | None = None,
    chunk: int = 20_000,
    seed: int = SEED,
    progress: Progress = quiet,
) -> Partner:
    """A new council partner with ``employees`` people, each employed monthly on a rated NJC
    point, imported in files of ``chunk`` rows; and payroll settings with a bank account."""
    if employees < 1:
        raise ValueError("employees must be at least 1.")
    schemes_sync(actor=BENCH)
    force = COUNCIL
    if partner_code:
        if Partner.objects.filter(code=partner_code).exists():
            raise ValueError(f"A partner with code {partner_code} already exists: choose a fresh code.")
        partner = partner_create(
            actor=BENCH, name=f"Benchmark {force.label} {partner_code}", code=partner_code, kind=force.kind
        )
    else:
        partner = bench_partner(bench_stamp(), force)
    PayrollSettings.objects.create(
        partner=partner,
        bank_sort_code="200000",
        bank_account_number="12345678",
        bank_account_name=partner.name[:100],
        bacs_user_number="123456",
    )
    rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
    progress("Posts", 0, 1)
    posts = make_posts(partner, force, max(employees // 4, 1), rng, actor=BENCH)
    points = rated_points(force.scheme, min(AS_AT, PAY_DATE))
    if not points:
        raise RuntimeError(f"No {force.scheme} pay point has a rate: run the schemes sync first.")
    hours = standard_hours(force.scheme)
    import_staff(
        partner=partner,
        force=force,
        factory=PeopleFactory(employees, seed),
        count=employees,
        points=points,
        posts=posts,
        hours=hours,
        chunk=chunk,
        actor=BENCH,
        progress=progress,
    )
    return partner


@dataclass
class PayrunBenchResult:
    employees: int
    database: str
    partner_code: str
    batch_size: int
    seed_seconds: float
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    engine_call_seconds: float = 0.0  # the vectorised call alone, inside "engine"
    write_busy_seconds: float = 0.0  # writing batches, wherever it happened
    write_threaded: bool = False
    prior_runs: int = 0
    payslips: int = 0
    flags: int = 0
    journal_lines: int = 0
    bacs_credits: int = 0
    bacs_left_out: int = 0
    bacs_bytes: int = 0
    conditions: str = ""

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())

    @property
    def payslips_per_second(self) -> float:
        return self.payslips / self.seconds if self.seconds else math.inf

    def report(self) -> str:
        total = self.seconds or 1.0
        lines = [
            f"pay run of {self.employees:,} employees (monthly, pay date {people_date(PAY_DATE)}) on "
            f"{self.database}, partner {self.partner_code}, batches of {self.batch_size:,}",
            f"  (seeded, or an earlier run removed, in {self.seed_seconds:.1f} s: not counted)",
            f"  {self.prior_runs} earlier approved run(s) this tax year: "
            + ("pay to date and the checks read them" if self.prior_runs else "a first run, no history"),
            f"  {self.conditions}",
            "",
            "| stage | seconds | share |",
            "|---|---:|---:|",
        ]
        for name, seconds in self.stages.items():
            lines.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
        lines.append(f"| **total** | **{self.seconds:.2f}** | {self.payslips_per_second:,.0f} payslips/s |")
        lines += [
            "",
            f"engine: the vectorised call {self.engine_call_seconds:.2f} s, the rest building payslips.",
            (
                f"write: payslips written by {WRITER_THREADS} background threads, busy "
                f"{self.write_busy_seconds:.2f} s between them while the calculation went on; the "
                "table shows the time the calculation waited for them."
                if self.write_threaded
                else f"write: payslips written in line, {self.write_busy_seconds:.2f} s."
            ),
            f"{self.payslips:,} payslips, {self.flags:,} flags (accepted in bulk before approval), "
            f"{self.journal_lines} journal lines, BACS file of {self.bacs_credits:,} credits "
            f"({self.bacs_bytes / 1e6:.1f} MB, {self.bacs_left_out:,} left out).",
        ]
        return "\n".join(lines)


@contextmanager
def timed_calls(owner: Any, name: str, add: Callable[[float], None]) -> Iterator[None]:
    """Replace ``owner.name`` for the duration with a wrapper adding its time to ``add``."""
    original = getattr(owner, name)

    @wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            add(time.perf_counter() - began)

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


MAX_PRIOR_MONTHS = PAY_DATE.month - 4  # April to October: months 1 to 7 of 2026/27


def _approved_earlier_run(partner: Partner, pay_date: date, progress: Progress) -> None:
    """An approved run on ``pay_date``, unless the partner has one already (reused partners keep
    theirs). Untimed: history for the timed run to read."""
    if PayRun.objects.for_partner(partner).filter(pay_date=pay_date, status=RunStatus.APPROVED).exists():
        return
    PayRun.objects.for_partner(partner).filter(pay_date=pay_date).delete()  # a half-made one
    run = payrun_create(actor=BENCH, partner=partner, frequency="monthly", pay_date=pay_date)
    label = f"Earlier run {people_month(pay_date)}"
    run = payrun_calculate(actor=BENCH, run=run, progress=lambda d, t: progress(label, d, t))
    VarianceFlag.objects.for_partner(partner).filter(run=run, status=FlagStatus.OPEN).update(
        status=FlagStatus.ACCEPTED, note="Benchmark data: accepted in bulk."
    )
    payrun_approve(actor=BENCH, run=run)


def _take_on(partner: Partner, first_pay_date: date, progress: Progress) -> None:
    """The benchmark partner goes live on joinedup in the month of its first run, so its staff
    bring their figures to date from the payroll it replaced, as the demo's do (without them every
    cumulative code after month 1 is flagged before approval). Untimed; a reused partner keeps
    the figures it was given."""
    if TakeOnBalance.objects.for_partner(partner).exists():
        return
    period = pay_period("monthly", first_pay_date)
    first = PayRun(
        partner=partner,
        frequency="monthly",
        pay_date=first_pay_date,
        tax_year=period.tax_year,
        period=period.period,
        period_start=period.start,
        period_end=period.end,
    )
    progress("Take-on balances", 0, 1)
    seed_demo_take_on(actor=BENCH, run=first, months=period.period - 1)
    progress("Take-on balances", 1, 1)


def reuse_payroll_partner(code: str) -> tuple[Partner, int]:
    """An earlier benchmark partner, its benchmark run removed so it can be timed again; and how
    many employees it has. Only ``BENCH…`` partners: nothing else is ever deleted."""
    if not code.startswith("BENCH"):
        raise ValueError("Only a benchmark partner (code BENCH…) can be reused.")
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise ValueError(f"No partner has code {code}.")
    # A closed run is immutable to every service; this is benchmark data being thrown away, a
    # table at a time (Django's cascade would first load every payslip).
    runs = PayRun.objects.for_partner(partner).filter(pay_date=PAY_DATE)
    slips = Payslip.objects.for_partner(partner).filter(run__in=runs.values("pk"))
    PayslipLine.objects.for_partner(partner).filter(payslip__in=slips.values("pk"))._raw_delete(
        connection.alias
    )
    VarianceFlag.objects.for_partner(partner).filter(run__in=runs.values("pk"))._raw_delete(connection.alias)
    slips._raw_delete(connection.alias)
    runs.delete()
    return partner, Employment.objects.for_partner(partner).count()


def run_payrun_benchmark(
    employees: int,
    *,
    partner_code: str | None = None,
    reuse: str | None = None,
    prior_months: int = 0,
    batch_size: int = BATCH_SIZE,
    seed: int = SEED,
    progress: Progress = quiet,
    say: Callable[[str], None] | None = None,
) -> PayrunBenchResult:
    """Seed a partner with ``employees`` people (or reuse an earlier benchmark partner), give it
    ``prior_months`` approved runs before the timed one (so that pay to date and the checks have
    history to read, as in any month but the first), then time its pay run stage by stage."""
    if not 0 <= prior_months <= MAX_PRIOR_MONTHS:
        raise ValueError(
            f"Prior months must be 0 to {MAX_PRIOR_MONTHS}: the tax year's months before November."
        )
    tell = say or (lambda _: None)
    began = time.perf_counter()
    if reuse:
        partner, employees = reuse_payroll_partner(reuse)
    else:
        partner = seed_payroll_partner(employees, partner_code=partner_code, seed=seed, progress=progress)
    # A ledger to post to, as a partner's finance team would have (adds only what is missing).
    ledger_setup_partner(
        actor=BENCH, partner=partner, year=PAY_DATE.year, cost_centres=establishment_cost_centres(partner)
    )
    _take_on(partner, PAY_DATE.replace(month=PAY_DATE.month - prior_months), progress)
    for months_before in range(prior_months, 0, -1):
        _approved_earlier_run(partner, PAY_DATE.replace(month=PAY_DATE.month - months_before), progress)
    result = PayrunBenchResult(
        employees=employees,
        database=database_label(),
        partner_code=partner.code,
        batch_size=batch_size,
        seed_seconds=time.perf_counter() - began,
        prior_runs=prior_months,
    )
    stages = result.stages

    def adder(stage: str) -> Callable[[float], None]:
        def add(seconds: float) -> None:
            stages[stage] += seconds

        return add

    def add_engine_call(seconds: float) -> None:
        result.engine_call_seconds += seconds

    busy_lock = threading.Lock()

    def add_write_busy(seconds: float) -> None:
        with busy_lock:  # called from the writers' threads
            result.write_busy_seconds += seconds

    load = os.getloadavg()[0]
    tell("Creating the run")
    began = time.perf_counter()
    run = payrun_create(actor=BENCH, partner=partner, frequency="monthly", pay_date=PAY_DATE)
    stages["create"] = time.perf_counter() - began

    tell("Calculating")
    result.write_threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    began = time.perf_counter()
    with (
        timed_calls(calculation, "gather", adder("gather")),
        timed_calls(calculation, "calculate_batch", adder("engine")),
        timed_calls(calculation, "calculate", add_engine_call),
        timed_calls(writer.BatchWriter, "submit", adder("write")),
        timed_calls(writer.BatchWriter, "close", adder("write")),
        timed_calls(calculation, "write_batch", add_write_busy),
        timed_calls(variance, "raise_flags", adder("flags")),
    ):
        run = payrun_calculate(
            actor=BENCH, run=run, batch_size=batch_size, progress=lambda d, t: progress("Calculating", d, t)
        )
    timed = sum(stages[s] for s in ("gather", "engine", "write", "flags"))
    stages["calculate (rest)"] = time.perf_counter() - began - timed
    result.payslips = Payslip.objects.for_partner(partner).filter(run=run).count()

    # A person accepts each flag with a note; the benchmark accepts them all at once, untimed.
    result.flags = (
        VarianceFlag.objects.for_partner(partner)
        .filter(run=run, status=FlagStatus.OPEN)
        .update(status=FlagStatus.ACCEPTED, note="Benchmark data: accepted in bulk.")
    )
    tell("Approving")
    began = time.perf_counter()
    run = payrun_approve(actor=BENCH, run=run)
    stages["approve and post journal"] = time.perf_counter() - began
    posted = Journal.objects.for_partner(partner).filter(idempotency_key=f"payroll-run:{run.pk}")
    result.journal_lines = JournalLine.objects.for_partner(partner).filter(journal__in=posted).count()

    tell("Writing the BACS file")
    began = time.perf_counter()
    # The benchmark measures writing the file, processed on its pay date whenever it is run.
    text, left_out = documents.bacs_file(run, today=run.pay_date)
    stages["bacs"] = time.perf_counter() - began
    result.bacs_bytes = len(text.encode())
    result.bacs_left_out = len(left_out)
    result.bacs_credits = result.payslips - len(left_out)
    result.conditions = conditions(load)
    return result
