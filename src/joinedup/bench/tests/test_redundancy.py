"""``joinedup bench redundancy``: the generated people are repeatable and every one is quoted."""

from __future__ import annotations

from joinedup.bench.redundancy import generate_people, run_redundancy_benchmark, strain_table


def test_the_generated_people_are_the_same_each_time() -> None:
    assert generate_people(20) == generate_people(20)


def test_the_strain_table_covers_every_age_a_member_may_have() -> None:
    # 55 to 67, by month, for both sexes: 13 x 12 x 2 rows; nil at 67 (normal pension age).
    table = strain_table()
    assert len(table.factors) == 312
    assert table.factor("M", 67, 0) == 0


def test_it_quotes_everyone_and_reports_the_totals() -> None:
    result = run_redundancy_benchmark(200, runs=1)
    assert len(result.seconds) == 1
    assert result.counts["qualifying"] > 0 and result.counts["with strain"] > 0
    assert result.totals["employer cost"] > result.totals["redundancy"] >= result.totals["statutory"]
    assert "| quote and total |" in result.report()
