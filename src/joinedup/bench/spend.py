"""``joinedup bench spend --lines N``: purchasing's spend analysis over N invoice lines.

The issue's target (14, "Speed"): the spend cube (partner x category x month) and the
consolidation candidates over 5,000,000 invoice lines in at most 2 s on PostgreSQL, 1,000,000 in
at most 2 s on SQLite.

Seeded once for each N, not timed, and reused when present (partners ``SPN<N>A``…``C``): three
partners with the template chart and year, one purchasing officer holding the role on all three
(the shared-services body's reader of the partnership's spend), :data:`SUPPLIERS` suppliers and
:data:`CATEGORIES` categories, each supplier selling in a few categories at its own price for each.
Invoices of :data:`LINES_PER_INVOICE` lines over a year (April 2025 to March 2026): nine in ten
paid, one in fifty of them credit notes, the rest approved and not yet paid (not spend). Rows go
in by ``COPY`` on PostgreSQL and ``executemany`` on SQLite with ids assigned here, then the tables
are analysed (and vacuumed on PostgreSQL).

The contracts register gets :data:`CONTRACTS` contracts (once, seeds made before them included):
partner A lets one for each of the first categories, with a supplier that sells in it, for 300
days from a day part-way through a month (so most contracts start and end part-way through one),
called off by partner B; one in four of A's and B's invoices from that supplier dated in the
contract is linked to it.

Then the monthly roll-up (``SpendMonth``, which payment runs keep as they are paid) is rebuilt
from every paid line, once: its time is the cost of the grouped query over the lines, printed.

Timed, as the officer (forgetting cached roles each run, as a request would): the selector's one
query of the roll-up into arrays, the cube (partner x category x month), the consolidation
candidates, the whole spend view, and off-contract spend from the view's roll-up rows (with the
lines of the months a contract starts or ends part-way); best and median of :data:`RUNS`. For
comparison the line-level definition of off-contract spend (``contracts.off_contract_spend``,
what the spend page read before the roll-up held it) runs once, timed, and must give the same
pence. Figures depend on the machine; nothing here asserts a speed."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.functions import Mod
from django.utils import timezone

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.core import rls
from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.purchasing import contracts, selectors, spend, spend_rollup
from joinedup.purchasing.models import (
    Category,
    Contract,
    ContractCallOff,
    Invoice,
    InvoiceLine,
    SpendMonth,
    Supplier,
)

RUNS = 5
PARTNERS = "ABC"
SUPPLIERS = 60
CATEGORIES = 24
CATEGORIES_PER_SUPPLIER = 3
LINES_PER_INVOICE = 5
FIRST_DAY = date(2025, 4, 1)
DAYS = 365
SEED = 1414
CONTRACTS = 8
CONTRACT_DAYS = 300
_INVOICES_PER_BATCH = 50_000
_INSERT_CHUNK = 10_000

Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class SpendBenchResult:
    lines: int
    database: str
    partners: list[str] = field(default_factory=list)
    seeded: bool = True
    seed_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    off_contract_lines_seconds: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    conditions: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "database": self.database,
            "partners": self.partners,
            "seeded_now": self.seeded,
            "seed_seconds": round(self.seed_seconds, 1),
            "rollup_rebuild_seconds": round(self.rebuild_seconds, 2),
            "off_contract_from_lines_seconds": round(self.off_contract_lines_seconds, 2),
            "best_ms": {k: round(min(v) * 1000, 1) for k, v in self.timings.items()},
            "median_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in self.timings.items()},
            "runs": RUNS,
            "checks": self.checks,
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded else "already seeded"
        out = [
            f"spend analysis over {self.lines:,} invoice lines of {len(self.partners)} partners on "
            f"{self.database} ({', '.join(self.partners)})",
            f"  ({seeded}: not counted; the monthly roll-up rebuilt from every paid line once in "
            f"{self.rebuild_seconds:.2f} s, the cost of the grouped query over the lines)",
            f"  (off-contract spend read from every line instead, once, for comparison: "
            f"{self.off_contract_lines_seconds:.2f} s)",
            f"  {self.conditions}",
            "",
            f"| step | best of {RUNS} (ms) | median (ms) |",
            "|---|---:|---:|",
        ]
        for name, seconds in self.timings.items():
            out.append(f"| {name} | {min(seconds) * 1000:.1f} | {statistics.median(seconds) * 1000:.1f} |")
        out.append("")
        out.append(", ".join(f"{name} {value:,}" for name, value in self.checks.items()))
        return "\n".join(out)


def _codes(lines: int) -> list[str]:
    return [f"SPN{lines}{letter}" for letter in PARTNERS]


def _decimal(pence: int, places: int = 2) -> str:
    sign = "-" if pence < 0 else ""
    scale = 10**places
    whole, part = divmod(abs(pence), scale)
    return f"{sign}{whole}.{part:0{places}d}"


def copy_rows(model: type[Any], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (through a staging table that the row-level policy then checks in one
    INSERT, as :mod:`joinedup.bench.ledger` does), executemany of a plain INSERT on SQLite."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = f"{model._meta.db_table}_spend_staging"
            target = table
            if rls.enforced():
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "  # noqa: S608
                    f"AS SELECT {names} FROM {table} WITH NO DATA"
                )
                target = staging
            with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if target != table:
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}")  # noqa: S608
                cursor.execute(f"TRUNCATE {staging}")
        else:
            # Table and column names come from the model's metadata, quoted; values are bound.
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            for start in range(0, len(rows), _INSERT_CHUNK):
                cursor.executemany(sql, rows[start : start + _INSERT_CHUNK])


def next_id(model: type[Any]) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def reset_sequences(models: list[type[Any]]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _analyse() -> None:
    with connection.cursor() as cursor:
        for model in (Invoice, InvoiceLine):
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


_INVOICE_COLUMNS = [
    "id",
    "partner_id",
    "supplier_id",
    "kind",
    "number",
    "number_key",
    "invoice_date",
    "received_date",
    "due_date",
    "net",
    "vat",
    "gross",
    "status",
    "exceptions",
    "entered_by_id",
    "entered_at",
]
_LINE_COLUMNS = [
    "partner_id",
    "invoice_id",
    "line_number",
    "description",
    "category_id",
    "quantity",
    "unit_price",
    "vat_rate",
    "net",
    "vat",
    "vat_recoverable",
    "cost_centre_id",
    "account_id",
]


def seed_spend(lines: int, *, say: Say = _silent) -> tuple[list[Partner], Any, bool]:
    """The benchmark's partners and reader for ``lines`` lines, seeding them when absent. The
    third value says whether they were seeded now."""
    codes = _codes(lines)
    found = list(Partner.objects.filter(code__in=codes).order_by("code"))
    username = f"bench.spend.{lines}"
    if len(found) == len(codes):
        return found, get_user_model().objects.get(username=username), False
    if found:
        raise ValueError(f"Partners {', '.join(p.code for p in found)} are half seeded: remove them first.")
    rng = np.random.default_rng(SEED)
    reader = user_create(actor=BENCH, username=username, password=None, full_name="Bench spend")
    partners: list[Partner] = []
    centres: dict[int, list[int]] = {}
    accounts: dict[int, list[int]] = {}
    for code in codes:
        say(f"Partner {code}: chart and year")
        partner = partner_create(
            actor=BENCH, name=f"Benchmark spend {code}", code=code, kind=PartnerKind.COUNCIL
        )
        membership_grant(actor=BENCH, user=reader, partner=partner, role=Role.PURCHASING_OFFICER)
        ledger_setup_partner(
            actor=BENCH, partner=partner, year=2026, cost_centres=establishment_cost_centres(partner)
        )
        centres[partner.pk] = list(CostCentre.objects.for_partner(partner).values_list("pk", flat=True))
        accounts[partner.pk] = list(
            Account.objects.for_partner(partner)
            .filter(code__in=("4000", "4100", "4200", "4300"))
            .values_list("pk", flat=True)
        )
        partners.append(partner)
    categories = [
        Category.objects.get_or_create(code=f"BSP{n:02d}", defaults={"name": f"Benchmark category {n:02d}"})[
            0
        ]
        for n in range(CATEGORIES)
    ]
    suppliers = Supplier.objects.bulk_create(
        [Supplier(name=f"Spend supplier {n:03d} ({lines})") for n in range(SUPPLIERS)]
    )
    category_ids = np.array([c.pk for c in categories], dtype=np.int64)
    supplier_ids = np.array([s.pk for s in suppliers], dtype=np.int64)
    # Each supplier sells in a few categories, at a price of its own in each (pence per unit):
    # a category's base price, 80% to 130% of it by supplier.
    sells = rng.integers(0, CATEGORIES, size=(SUPPLIERS, CATEGORIES_PER_SUPPLIER))
    base = rng.integers(200, 200_000, size=CATEGORIES)
    factor = rng.integers(80, 131, size=(SUPPLIERS, CATEGORIES_PER_SUPPLIER))
    price = base[sells] * factor // 100  # pence per unit

    invoices = lines // LINES_PER_INVOICE
    partner_ids = np.array([p.pk for p in partners], dtype=np.int64)
    now = timezone.now()
    first_invoice = next_id(Invoice)
    done = 0
    for start in range(0, invoices, _INVOICES_PER_BATCH):
        count = min(_INVOICES_PER_BATCH, invoices - start)
        say(f"Invoice lines {done:,} of {invoices * LINES_PER_INVOICE:,}")
        ids = np.arange(first_invoice + start, first_invoice + start + count, dtype=np.int64)
        who = partner_ids[rng.integers(0, len(partners), size=count)]
        supplier_pick = rng.integers(0, SUPPLIERS, size=count)
        day = rng.integers(0, DAYS, size=count)
        roll = rng.random(count)
        paid = roll < 0.9
        credit = roll < 0.018
        category_pick = rng.integers(0, CATEGORIES_PER_SUPPLIER, size=(count, LINES_PER_INVOICE))
        quantity = rng.integers(1, 41, size=(count, LINES_PER_INVOICE))  # whole units
        unit = price[supplier_pick[:, None], category_pick]
        net = quantity * unit
        vat = (net * 20 + 50) // 100
        invoice_net = net.sum(axis=1)
        invoice_vat = vat.sum(axis=1)
        invoice_rows: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        for n in range(count):
            when = FIRST_DAY + timedelta(days=int(day[n]))
            partner_id = int(who[n])
            invoice_id = int(ids[n])
            invoice_rows.append(
                (
                    invoice_id,
                    partner_id,
                    int(supplier_ids[supplier_pick[n]]),
                    "credit_note" if credit[n] else "invoice",
                    f"S{invoice_id}",
                    f"S{invoice_id}",
                    when,
                    when,
                    when + timedelta(days=30),
                    _decimal(int(invoice_net[n])),
                    _decimal(int(invoice_vat[n])),
                    _decimal(int(invoice_net[n] + invoice_vat[n])),
                    "paid" if paid[n] else "approved",
                    "[]",
                    reader.pk,
                    now,
                )
            )
            cc, ac = centres[partner_id], accounts[partner_id]
            for k in range(LINES_PER_INVOICE):
                line_rows.append(
                    (
                        partner_id,
                        invoice_id,
                        k + 1,
                        "Supplies",
                        int(category_ids[sells[supplier_pick[n], category_pick[n, k]]]),
                        f"{int(quantity[n, k])}.000",
                        _decimal(int(unit[n, k])),
                        "20.00",
                        _decimal(int(net[n, k])),
                        _decimal(int(vat[n, k])),
                        True,
                        cc[(n + k) % len(cc)],
                        ac[(n + k) % len(ac)],
                    )
                )
        with transaction.atomic():
            copy_rows(Invoice, _INVOICE_COLUMNS, invoice_rows)
            copy_rows(InvoiceLine, _LINE_COLUMNS, line_rows)
        done += len(line_rows)
    reset_sequences([Invoice, InvoiceLine])
    say("Analysing the tables")
    _analyse()
    return partners, reader, True


def seed_contracts(partners: list[Partner], reader: Any, lines: int) -> bool:
    """The benchmark's contracts and their links (see the module's docstring), when absent;
    whether they were made now. Rows are written directly, as the invoices are."""
    let_by, caller = partners[0], partners[1]
    prefix = f"BSC{lines}-"
    if Contract.objects.for_partner(let_by).filter(reference__startswith=prefix).exists():
        return False
    ids = [let_by.pk, caller.pk]
    categories = list(Category.objects.filter(code__startswith="BSP").order_by("code")[:CONTRACTS])
    for n, category in enumerate(categories):
        supplier_id = (
            InvoiceLine.objects.for_partners(ids)
            .filter(category=category)
            .values_list("invoice__supplier_id", flat=True)
            .order_by("pk")
            .first()
        )
        if supplier_id is None:
            continue
        start = FIRST_DAY + timedelta(days=40 + 23 * n)
        end = start + timedelta(days=CONTRACT_DAYS)
        contract = Contract.objects.create(
            partner=let_by,
            reference=f"{prefix}{n:02d}",
            title=f"Benchmark contract {n:02d}",
            supplier_id=supplier_id,
            category=category,
            value=Decimal("1000000.00"),
            start_date=start,
            original_end_date=end,
            end_date=end,
            owner=reader,
            created_by=reader,
        )
        ContractCallOff.objects.create(partner=caller, contract=contract, added_by=reader)
        linked = (
            Invoice.objects.for_partners(ids)
            .filter(supplier_id=supplier_id, invoice_date__gte=start, invoice_date__lte=end)
            .annotate(quarter=Mod("id", 4))
            .filter(quarter=0)
        )
        Invoice.objects.for_partners(ids).filter(pk__in=list(linked.values_list("pk", flat=True))).update(
            contract=contract
        )
    return True


def _time(runs: int, work: Callable[[], Any], user: Any) -> tuple[list[float], Any]:
    seconds, value = [], None
    for _ in range(runs):
        forget_cached_roles(user)
        began = time.perf_counter()
        value = work()
        seconds.append(time.perf_counter() - began)
    return seconds, value


def run_spend_benchmark(lines: int, *, runs: int = RUNS, say: Say = _silent) -> SpendBenchResult:
    if lines < LINES_PER_INVOICE:
        raise ValueError(f"lines must be at least {LINES_PER_INVOICE} (one invoice).")
    began = time.perf_counter()
    with rls.session_context("joinedup bench spend: seeding"):
        partners, reader, seeded = seed_spend(lines, say=say)
    result = SpendBenchResult(
        lines=(lines // LINES_PER_INVOICE) * LINES_PER_INVOICE,
        database=database_label(),
        partners=[p.code for p in partners],
        seeded=seeded,
        seed_seconds=time.perf_counter() - began,
    )
    ids = [p.pk for p in partners]
    say("Contracts")
    with rls.system_context("joinedup bench spend: the benchmark's contracts register"):
        contracts_now = seed_contracts(partners, reader, lines)
    say("Rebuilding the monthly roll-up from the lines")
    with rls.system_context("joinedup bench spend: the roll-up from every paid line"):
        if seeded or contracts_now or not SpendMonth.objects.for_partners(ids).exists():
            began = time.perf_counter()
            spend_rollup.rebuild(ids)
            result.rebuild_seconds = time.perf_counter() - began
    load = os.getloadavg()[0]
    say("Timing")

    def cube() -> tuple[spend.SpendRows, spend.Rollup]:
        forget_cached_roles(reader)
        read = selectors.spend_partner_ids(reader, partner=None)
        rows = selectors.spend_rows(read, month_from=None, month_to=None)
        return rows, spend.rollup(rows, ("partner", "category", "month"))

    with rls.partner_context(ids, user=reader):
        result.timings["query: the monthly roll-up into arrays"], rows = _time(
            runs, lambda: selectors.spend_rows(ids, month_from=None, month_to=None), reader
        )
        result.timings["cube partner x category x month (query + roll-up)"], (rows, cells) = _time(
            runs, cube, reader
        )
        result.timings["consolidation candidates (from the rows)"], candidates = _time(
            runs, lambda: spend.consolidation(rows), reader
        )
        result.timings["whole spend view (query, cube, candidates, names)"], view = _time(
            runs, lambda: selectors.spend_view(reader, partner=None), reader
        )
        result.timings["off-contract spend (register, view's roll-up rows, part-way months' lines)"], off = (
            _time(runs, lambda: selectors.off_contract_rows(view), reader)
        )
        result.timings["spend page figures (whole view and off-contract spend)"], _ = _time(
            runs, lambda: selectors.off_contract_pence(selectors.spend_view(reader, partner=None)), reader
        )
    say("Off-contract spend from every line, for comparison")
    first_year, first_month = spend.month_of(int(rows.month.min())) if len(rows) else (2025, 4)
    last_year, last_month = spend.month_of(int(rows.month.max()) + 1) if len(rows) else (2026, 4)
    began = time.perf_counter()
    with rls.system_context("joinedup bench spend: off-contract spend from every line"):
        from_lines = contracts.off_contract_spend(
            partner_ids=ids,
            date_from=date(first_year, first_month, 1),
            date_to=date(last_year, last_month, 1) - timedelta(days=1),
        )
    result.off_contract_lines_seconds = time.perf_counter() - began
    result.conditions = conditions(load)
    result.checks = {
        "paid lines counted": int(rows.lines.sum()),
        "groups read": len(rows),
        "cube cells": len(cells),
        "net spend (pence)": int(rows.net.sum()),
        "candidates": len(candidates),
        "estimated saving (pence)": sum(c.saving for c in candidates),
        "partners in the view": len(view.partners),
        "off-contract spend (pence)": sum(r.pence for r in off),
        "off-contract rows": len(off),
        "off-contract equals the line-level definition": int(off == from_lines),
    }
    return result
