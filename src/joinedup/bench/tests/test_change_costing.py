"""``joinedup bench change-costing``: the seeded programme puts exactly N people in scope at
risk, and every one of them is costed with a quote; the savings it prints say what period they
cover (a full year, and the sum over the five financial years the costing shows)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def pounds(text: str) -> Decimal:
    return Decimal(text.replace("£", "").replace(",", ""))


@pytest.mark.django_db
def test_it_prints_a_full_years_saving_and_the_five_years_it_sums() -> None:
    result = run_change_costing_benchmark(40, runs=1)
    totals = result.as_dict()["totals"]
    assert list(totals) == [
        "redundancy",
        "notice",
        "strain",
        "savings a full year",
        "savings 2026/27 to 2030/31",
    ]
    year = pounds(totals["savings a full year"])
    # rules/costing.toml shows five financial years from the one the structure takes effect in:
    # 2026/27 from 1 January 2027 (90 of its 365 days), then four whole years.
    first = (year * 90 / 365).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert pounds(totals["savings 2026/27 to 2030/31"]) == first + 4 * year
    assert result.savings_years == 5 and result.posts_deleted > 0 and result.fte_deleted > 0
    assert "the savings total covers 5 financial years, the first from 1 January 2027" in result.report()
