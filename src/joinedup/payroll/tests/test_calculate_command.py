from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "employee_ref,tax_year,frequency,period,tax_code,basis,gross_pay\n"


def test_it_writes_gross_to_net_and_passes_other_columns_through(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    target = tmp_path / "out.csv"
    source.write_text(HEADER + "E1,2026,monthly,1,1257L,cumulative,2500.00\n")
    call_command("payroll", "calculate", str(source), "-o", str(target))
    (row,) = csv.DictReader(target.open())
    # 1257L month 1: free pay £1,048.26; taxable £1,451 (rounded down to the pound) at 20% = £290.20.
    # NI: (2,500 - 1,048) * 8% = £116.16; employer (2,500 - 417) * 15% = £312.45.
    assert (row["employee_ref"], row["tax"], row["ni_employee"], row["ni_employer"], row["net_pay"]) == (
        "E1", "290.20", "116.16", "312.45", "2093.64",
    )  # fmt: skip


def test_a_file_with_bad_rows_names_each_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    target = tmp_path / "out.csv"
    source.write_text(
        HEADER + "E1,2026,monthly,1,1257L,cumulative,2500.00\nE2,2026,monthly,13,1257Q,cumulative,abc\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"3 problem\(s\)"):
        call_command("payroll", "calculate", str(source), "-o", str(target), stderr=err)
    assert not target.exists()
    assert err.getvalue().splitlines() == [
        "line 3, column tax_code: unknown tax code '1257Q'",
        "line 3, column gross_pay: not an amount of pounds and pence: 'abc'",
        "line 3, column period: period 13 is out of range for monthly pay (1-12)",
    ]


def test_a_missing_file_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"Cannot read /nonexistent\.csv"):
        call_command("payroll", "calculate", "/nonexistent.csv")
