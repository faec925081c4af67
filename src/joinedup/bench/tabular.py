"""How fast an upload is read: ``python -m joinedup.bench.tabular [ROWS]``.

Builds an in-memory CSV of a people-and-employments import (15 columns, a mix of text, dates,
money, choices and UK identifiers, all valid) and times :func:`read_rows` over it.
Not a test: the figure depends on the machine.
"""

from __future__ import annotations

import io
import sys
import time
from decimal import Decimal

from joinedup.core import validators
from joinedup.core.tabular.parsers import choice, decimal, iso_date, text
from joinedup.core.tabular.reading import Column, RowSpec, read_rows
from joinedup.core.tabular.writing import write_csv

BENCH_SPEC = RowSpec(
    [
        Column("payroll_number", text(max_length=20)),
        Column("given_name", text(max_length=100)),
        Column("family_name", text(max_length=100)),
        Column("date_of_birth", iso_date()),
        Column("ni_number", validators.ni_number),
        Column("email", text(max_length=254), required=False, default=""),
        Column("postcode", validators.postcode, required=False, default=""),
        Column("start_date", iso_date()),
        Column("salary", decimal(places=2, min=0)),
        Column("fte", decimal(places=4, min=0, max=1)),
        Column("weekly_hours", decimal(places=2, min=0, max=48)),
        Column("contract_type", choice(["permanent", "fixed_term", "casual"])),
        Column("tax_code", validators.tax_code),
        Column("ni_category", validators.ni_category),
        Column("student_loan_plans", validators.student_loan_plans, required=False, default=()),
    ]
)

_GIVEN = ["Amelia", "Oliver", "Isla", "George", "Ava", "Arthur", "Mia", "Noah", "Zoë", "Siân"]
_FAMILY = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "O'Neill", "Patel"]
_PREFIXES = ["AB", "CE", "HJ", "JK", "PR", "SW", "WX", "YZ"]
_POSTCODES = ["SW1A 1AA", "EX1 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB"]


def bench_csv(n: int) -> bytes:
    """n valid rows, made deterministically (no randomness: the same bytes every run)."""
    rows = []
    for i in range(n):
        rows.append(
            [
                f"P{i:07d}",
                _GIVEN[i % len(_GIVEN)],
                _FAMILY[i % len(_FAMILY)],
                f"{1960 + i % 45}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f"{_PREFIXES[i % len(_PREFIXES)]}{i % 1_000_000:06d}{'ABCD'[i % 4]}",
                f"person{i}@example.org",
                _POSTCODES[i % len(_POSTCODES)],
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2000 + i % 26}",
                Decimal(20000 + i % 40000) + Decimal(i % 100) / 100,
                ["1", "0.8", "0.5", "0.6000"][i % 4],
                ["37", "29.6", "18.5", "22.2"][i % 4],
                ["permanent", "fixed_term", "casual"][i % 3],
                ["1257L", "S1257L", "BR", "K585 W1", "C1257L", "0T"][i % 6],
                "ABCHJMZ"[i % 7],
                ["", "2", "1;PG", "5"][i % 4],
            ]
        )
    out = io.StringIO()
    write_csv(rows, BENCH_SPEC.names, out)
    return out.getvalue().encode("utf-8")


def bench_parse(n: int = 100_000) -> float:
    """Parse and validate n rows of 15 columns from an in-memory CSV; print and return rows/s."""
    data = bench_csv(n)
    started = time.perf_counter()
    result = read_rows(data, BENCH_SPEC, filename="bench.csv")
    elapsed = time.perf_counter() - started
    if not result.ok or len(result.rows) != n:
        raise RuntimeError(f"benchmark data did not parse cleanly: {result.errors[:3]}")
    rate = n / elapsed
    print(f"{n:,} rows x {len(BENCH_SPEC.columns)} columns ({len(data) / 1e6:.1f} MB CSV): ", end="")
    print(f"{elapsed:.2f} s, {rate:,.0f} rows/s")
    return rate


if __name__ == "__main__":
    bench_parse(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
