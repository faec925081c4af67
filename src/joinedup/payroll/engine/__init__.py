"""The UK payroll engine: pure Python and NumPy, no Django.

Scalar reference (``Decimal`` pounds, one payment at a time)::

    from joinedup.payroll.engine import EmployeePeriod, Frequency, Basis, gross_to_net
    payment = EmployeePeriod(2026, Frequency.MONTHLY, 1, "1257L", Basis.CUMULATIVE, Decimal("3000"))
    slip = gross_to_net(payment)

Production path (NumPy int64 pence, many payments at once): :func:`batch_from_records` or a
:class:`Batch` built directly, then :func:`calculate`. CSV files: :func:`calculate_csv`.
Benchmark: :func:`run_benchmark`. Rules: :func:`load_rules` (one TOML file per tax year).
"""

from __future__ import annotations

from joinedup.payroll.engine.bench import BenchResult, run_benchmark
from joinedup.payroll.engine.calculator import RowError, calculate_csv
from joinedup.payroll.engine.codes import CodeKind, Region, TaxCode, parse_tax_code
from joinedup.payroll.engine.gross_to_net import EmployeePeriod, Payslip, gross_to_net
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import RulesError, TaxYearRules, available_tax_years, load_rules
from joinedup.payroll.engine.vector import Batch, BatchResult, batch_from_records, calculate

__all__ = [
    "Basis",
    "Batch",
    "BatchResult",
    "BenchResult",
    "CodeKind",
    "EmployeePeriod",
    "Frequency",
    "Payslip",
    "Region",
    "RowError",
    "RulesError",
    "TaxCode",
    "TaxYearRules",
    "available_tax_years",
    "batch_from_records",
    "calculate",
    "calculate_csv",
    "gross_to_net",
    "load_rules",
    "parse_tax_code",
    "run_benchmark",
]
