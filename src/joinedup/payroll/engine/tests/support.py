"""Shared helpers for the engine tests."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from joinedup.core.money import pounds_to_pence
from joinedup.payroll.engine.gross_to_net import EmployeePeriod, Payslip, gross_to_net
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.vector import batch_from_records, calculate

PAYSLIP_FIELDS = tuple(f.name for f in dataclasses.fields(Payslip))


def repo_root(start: Path = Path(__file__)) -> Path | None:
    """The nearest directory above ``start`` holding pyproject.toml or .git."""
    for directory in start.resolve().parents:
        if (directory / "pyproject.toml").exists() or (directory / ".git").exists():
            return directory
    return None


def hmrc_reference_dir() -> Path | None:
    root = repo_root()
    return None if root is None else root.parent / "shared" / "reference" / "hmrc"


def scalar_pence(records: list[EmployeePeriod]) -> list[dict[str, int]]:
    out = []
    for record in records:
        slip = gross_to_net(record)
        out.append({name: pounds_to_pence(getattr(slip, name)) for name in PAYSLIP_FIELDS})
    return out


def vector_pence(records: list[EmployeePeriod]) -> list[dict[str, int]]:
    """Through the vectorised path, one batch per tax year, back in input order."""
    out: list[dict[str, int]] = [{} for _ in records]
    for year in sorted({r.tax_year for r in records}):
        positions = [i for i, r in enumerate(records) if r.tax_year == year]
        result = calculate(batch_from_records(load_rules(year), [records[i] for i in positions]))
        for j, i in enumerate(positions):
            out[i] = {name: int(getattr(result, name)[j]) for name in PAYSLIP_FIELDS}
    return out


def both_paths(record: EmployeePeriod) -> dict[str, int]:
    """Payslip in pence, asserting first that the scalar and vector paths agree."""
    scalar = scalar_pence([record])[0]
    vector = vector_pence([record])[0]
    assert scalar == vector, f"scalar {scalar} != vector {vector} for {record}"
    return scalar


def pounds(text: str) -> Decimal:
    return Decimal(text)
