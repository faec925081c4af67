"""``joinedup bench change-costing``: the seeded programme puts exactly N people in scope at
risk, and every one of them is costed with a quote."""

from __future__ import annotations

import pytest

from joinedup.bench.change_costing import run_change_costing_benchmark


@pytest.mark.django_db
def test_it_costs_exactly_the_people_asked_for_and_reports_each_stage() -> None:
    result = run_change_costing_benchmark(40, runs=1)
    assert result.leavers == 40
    assert set(result.stages) == {"read (set-based)", "quote and total", "total"}
    figures = result.as_dict()
    assert figures["leavers_costed"] == 40 and figures["target_seconds"] == 2.0
    assert figures["queries"] > 0 and "load_average_before" in figures
    assert "| quote and total |" in result.report()
