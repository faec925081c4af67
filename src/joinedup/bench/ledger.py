"""Benchmark of the ledger's reports (the CLI wires it: ``joinedup bench ledger --lines N``).

A fresh partner (code ``BENCH…`` with a timestamp) gets the template chart, financial year
2026/27, a cost-centre tree (directorates, services, teams), a budget for every team, revenue
account and period, and ``N`` journal lines spread over the periods, teams and accounts. Then,
timed, a finance officer's trial balance (one period, and the whole year) and budget against
actual for the year, five runs each, best and median.

The lines go in as the ledger's own bulk path would: journals of :data:`LINES_PER_JOURNAL`
lines, each balanced by a line on the bank account, each journal written in the same
transaction as its lines (the PostgreSQL triggers of migration 0002 refuse anything else), by
``COPY`` on PostgreSQL and ``executemany`` on SQLite. Then the tables are analysed (and vacuumed
on PostgreSQL, which sets the visibility map that index-only scans need), as autovacuum would
after a load this size. Figures depend on the machine; nothing here asserts a speed."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import SEED, bench_stamp
from joinedup.core import rls
from joinedup.ledger import reports, selectors
from joinedup.ledger.models import (
    REVENUE_TYPES,
    Account,
    AccountType,
    Budget,
    CostCentre,
    Journal,
    JournalLine,
    JournalSource,
    Period,
)
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.payroll.posting import establishment_cost_centres

YEAR = 2026
LINES_PER_JOURNAL = 50  # 49 spending or income lines and the bank line that balances them
JOURNALS_PER_TRANSACTION = 2_000  # bounds the deferred balance checks queued at each commit
RUNS = 5
BANK = "B100"
# The tree: directorates, their services, the services' teams; lines and budgets are on the teams.
DIRECTORATES, SERVICES, TEAMS = 5, 4, 5
_INSERT_CHUNK = 10_000

Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class LedgerBenchResult:
    lines: int
    database: str
    partner_code: str
    journals: int = 0
    budgets: int = 0
    cost_centres: int = 0
    accounts: int = 0
    seed_seconds: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)  # seconds of each run
    checks: dict[str, int] = field(default_factory=dict)  # totals, to show the reports saw the lines
    conditions: str = ""

    def best(self, name: str) -> float:
        return min(self.timings[name])

    def median(self, name: str) -> float:
        return statistics.median(self.timings[name])

    def report(self) -> str:
        out = [
            f"ledger of {self.lines:,} journal lines ({self.journals:,} journals, {self.cost_centres} cost "
            f"centres, {self.accounts} accounts, {self.budgets:,} budget lines) on {self.database}, "
            f"partner {self.partner_code}",
            f"  (seeded in {self.seed_seconds:.1f} s: not counted)",
            f"  {self.conditions}",
            "",
            f"| report | best of {RUNS} (ms) | median (ms) |",
            "|---|---:|---:|",
        ]
        for name in self.timings:
            out.append(f"| {name} | {self.best(name) * 1000:.1f} | {self.median(name) * 1000:.1f} |")
        out.append("")
        out.append(", ".join(f"{name} {value:,}" for name, value in self.checks.items()))
        return "\n".join(out)


def _cost_centre_tree(partner: Partner) -> list[CostCentre]:
    """Directorates, their services and the services' teams; the teams, which carry postings."""
    directorates = CostCentre.objects.bulk_create(
        CostCentre(partner=partner, code=f"D{d}", name=f"Directorate {d}") for d in range(1, DIRECTORATES + 1)
    )
    services = CostCentre.objects.bulk_create(
        CostCentre(
            partner=partner, code=f"{parent.code}S{s}", name=f"Service {parent.code}S{s}", parent=parent
        )
        for parent in directorates
        for s in range(1, SERVICES + 1)
    )
    return CostCentre.objects.bulk_create(
        CostCentre(partner=partner, code=f"{parent.code}T{t}", name=f"Team {parent.code}T{t}", parent=parent)
        for parent in services
        for t in range(1, TEAMS + 1)
    )


def seed_ledger(
    lines: int, *, partner_code: str | None = None, seed: int = SEED, say: Say = _silent
) -> tuple[Partner, Any, LedgerBenchResult]:
    if lines < LINES_PER_JOURNAL:
        raise ValueError(f"lines must be at least {LINES_PER_JOURNAL} (one journal).")
    began = time.perf_counter()
    stamp = bench_stamp()
    code = partner_code or f"BENCH{stamp}"
    if Partner.objects.filter(code=code).exists():
        raise ValueError(f"A partner with code {code} already exists: choose a fresh code.")
    partner = partner_create(
        actor=BENCH, name=f"Benchmark ledger {code}", code=code, kind=PartnerKind.COUNCIL
    )
    user = user_create(
        actor=BENCH, username=f"bench.finance.{code.lower()}", password=None, full_name="Bench"
    )
    membership_grant(actor=BENCH, user=user, partner=partner, role=Role.FINANCE_OFFICER)
    say("Setting up the chart and the year")
    ledger_setup_partner(
        actor=BENCH, partner=partner, year=YEAR, cost_centres=establishment_cost_centres(partner)
    )
    teams = _cost_centre_tree(partner)
    periods = list(Period.objects.for_partner(partner).filter(year__start_year=YEAR).order_by("number"))
    accounts = list(Account.objects.for_partner(partner).order_by("code"))
    revenue = [a for a in accounts if a.type in REVENUE_TYPES]
    bank = next(a for a in accounts if a.code == BANK)
    rng = np.random.default_rng(seed)

    say("Budgets")
    # A budget of £1,000 to £50,000 a month for every team, revenue account and period.
    amounts = rng.integers(100_000, 5_000_000, size=len(teams) * len(revenue) * len(periods))
    cells = ((t, a, p) for t in teams for a in revenue for p in periods)
    Budget.objects.bulk_create(
        (
            Budget(partner=partner, cost_centre=t, account=a, period=p, amount=int(amount))
            for (t, a, p), amount in zip(cells, amounts, strict=True)
        ),
        batch_size=5_000,
    )

    journals = lines // LINES_PER_JOURNAL
    result = LedgerBenchResult(
        lines=journals * LINES_PER_JOURNAL,
        database=database_label(),
        partner_code=partner.code,
        journals=journals,
        budgets=len(amounts),
        cost_centres=CostCentre.objects.for_partner(partner).count(),
        accounts=len(accounts),
    )
    per = LINES_PER_JOURNAL - 1
    income = np.array([a.type == AccountType.INCOME for a in revenue])
    revenue_ids = np.array([a.pk for a in revenue], dtype=np.int64)
    team_ids = np.array([t.pk for t in teams], dtype=np.int64)
    done = 0
    for start in range(0, journals, JOURNALS_PER_TRANSACTION):
        count = min(JOURNALS_PER_TRANSACTION, journals - start)
        say(f"Journal lines {done:,} of {result.lines:,}")
        which_period = rng.integers(0, len(periods), size=count)
        days = rng.integers(0, 28, size=count)
        account_pick = rng.integers(0, len(revenue), size=(count, per))
        team_pick = rng.integers(0, len(teams), size=(count, per))
        pence = rng.integers(1, 500_000, size=(count, per))
        with transaction.atomic():
            batch = []
            for n in range(count):
                period = periods[int(which_period[n])]
                batch.append(
                    Journal(
                        partner=partner,
                        period=period,
                        date=period.start_date + timedelta(days=int(days[n])),
                        source=JournalSource.MANUAL,
                        idempotency_key=f"bench:{start + n}",
                        description=f"Benchmark journal {start + n}",
                    )
                )
            Journal.objects.bulk_create(batch)
            rows: list[tuple[Any, ...]] = []
            for n, journal in enumerate(batch):
                accts = account_pick[n]
                is_income = income[accts]
                amounts_n = pence[n]
                net = int(amounts_n[~is_income].sum()) - int(amounts_n[is_income].sum())
                if net == 0:
                    # Every line must be non-zero, the bank's too: a penny more on the first line.
                    amounts_n[0] += 1
                    net = 1 if not is_income[0] else -1
                common = (journal.pk, partner.pk, journal.period_id, journal.date)
                for k in range(per):
                    amount = int(amounts_n[k])
                    line = (*common, int(revenue_ids[accts[k]]), int(team_ids[team_pick[n, k]]))
                    rows.append((*line, 0, amount) if is_income[k] else (*line, amount, 0))
                # The bank pays the net spending, or receives the net income.
                rows.append(
                    (*common, bank.pk, None, 0, net) if net > 0 else (*common, bank.pk, None, -net, 0)
                )
            _write_lines(rows)
        done += count * LINES_PER_JOURNAL
    say("Analysing the tables")
    _analyse()
    result.seed_seconds = time.perf_counter() - began
    return partner, user, result


_LINE_COLUMNS = (
    "journal_id",
    "partner_id",
    "period_id",
    "date",
    "account_id",
    "cost_centre_id",
    "debit",
    "credit",
)


def _write_lines(rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (psycopg 3), executemany of a plain INSERT on SQLite — the pattern of
    :func:`joinedup.payroll.calculation.write_batch`. Columns left out take their defaults
    (no counterparty, an empty description)."""
    quote = connection.ops.quote_name
    table = quote(JournalLine._meta.db_table)
    columns = [*_LINE_COLUMNS, "counterparty_id", "description"]
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and rls.enforced():
            # PostgreSQL refuses COPY into a table under row-level security: copy into a
            # session's staging table, then one INSERT that the policy checks (as payroll does).
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS journal_line_staging ON COMMIT DELETE ROWS "  # noqa: S608
                f"AS SELECT {names} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY journal_line_staging ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, None, ""))
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM journal_line_staging")  # noqa: S608
            cursor.execute("TRUNCATE journal_line_staging")
        elif connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, None, ""))
        else:
            # Table and column names come from the model's metadata, quoted; values are bound.
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            for start in range(0, len(rows), _INSERT_CHUNK):
                cursor.executemany(sql, [(*row, None, "") for row in rows[start : start + _INSERT_CHUNK]])


def _analyse() -> None:
    tables = [m._meta.db_table for m in (Journal, JournalLine, Budget)]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # VACUUM cannot run inside a transaction: from the command Django is in autocommit;
                # inside a caller's transaction (a test's) ANALYZE alone has to do.
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _time(runs: int, work: Callable[[], Any], user: Any) -> tuple[list[float], Any]:
    seconds, value = [], None
    for _ in range(runs):
        forget_cached_roles(user)  # each run reads the user's roles afresh, as a request does
        began = time.perf_counter()
        value = work()
        seconds.append(time.perf_counter() - began)
    return seconds, value


def run_ledger_benchmark(
    lines: int, *, partner_code: str | None = None, runs: int = RUNS, say: Say = _silent
) -> LedgerBenchResult:
    """Seed a partner with ``lines`` journal lines (rounded down to whole journals), then time
    its trial balance and its budget against actual."""
    partner, user, result = seed_ledger(lines, partner_code=partner_code, say=say)
    periods = list(Period.objects.for_partner(partner).filter(year__start_year=YEAR).order_by("number"))
    first, last = periods[0], periods[-1]
    middle = periods[len(periods) // 2]
    load = os.getloadavg()[0]
    say("Timing")
    result.timings["trial balance, one period"], period_tb = _time(
        runs, lambda: selectors.trial_balance(user, partner=partner, period=middle), user
    )
    result.timings["trial balance, the year"], year_tb = _time(
        runs,
        lambda: selectors.trial_balance(
            user, partner=partner, date_from=first.start_date, date_to=last.end_date
        ),
        user,
    )
    result.timings["budget vs actual, the year"], bva = _time(
        runs,
        lambda: reports.budget_vs_actual(user, partner=partner, period_from=first, period_to=last),
        user,
    )
    result.conditions = conditions(load)
    result.checks = {
        "accounts in the period's trial balance": sum(1 for _ in period_tb.rows),
        "year's debits (pence)": year_tb.total_debits,
        "year's net (pence, must be 0)": year_tb.net,
        "cost centres in budget vs actual": len(bva.sections),
    }
    return result
