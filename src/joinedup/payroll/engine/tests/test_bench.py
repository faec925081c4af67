"""The benchmark's population is deterministic and realistic, and both paths agree on it."""

from __future__ import annotations

import numpy as np

from joinedup.payroll.engine.bench import BenchResult, population, records_from_batch, run_benchmark
from joinedup.payroll.engine.codes import CodeKind, Region
from joinedup.payroll.engine.tests.support import PAYSLIP_FIELDS, scalar_pence
from joinedup.payroll.engine.vector import calculate


def test_it_builds_the_same_population_from_the_same_seed() -> None:
    first, second = population(5_000, seed=1), population(5_000, seed=1)
    assert np.array_equal(first.gross, second.gross)
    assert np.array_equal(first.code_index, second.code_index)
    assert not np.array_equal(first.gross, population(5_000, seed=2).gross)


def test_it_mixes_regions_code_kinds_frequencies_categories_loans_and_schemes() -> None:
    batch = population(20_000)
    used = {batch.codes[i] for i in np.unique(batch.code_index)}
    assert {c.region for c in used} == set(Region)
    assert {c.kind for c in used} == set(CodeKind)
    assert len(np.unique(batch.frequency)) == 4
    assert len(np.unique(batch.ni_category)) >= 10
    assert np.count_nonzero(batch.loans) > 0
    assert len(np.unique(batch.scheme)) == 6
    assert np.count_nonzero(np.isin(batch.period, [53, 54, 56])) > 0


def test_the_vector_path_agrees_with_the_scalar_reference_on_the_population() -> None:
    batch = population(1_500, seed=11)
    result = calculate(batch)
    expected = scalar_pence(records_from_batch(batch, 1_500))
    for name in PAYSLIP_FIELDS:
        assert getattr(result, name).tolist() == [row[name] for row in expected], name


def test_it_reports_throughput_and_the_speed_up_over_the_scalar_reference() -> None:
    result = run_benchmark(employees=20_000, scalar_sample=200, repeats=1)
    assert isinstance(result, BenchResult)
    assert result.employees == 20_000 and result.scalar_sample == 200
    assert result.employees_per_second > result.scalar_per_second
    assert "employees/s" in result.report()
