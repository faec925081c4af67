"""Small-number suppression (core/suppression.py): no count under 5 shown, and no hidden count
that a reader can work out from the totals (the differencing attack)."""

from __future__ import annotations

import itertools
import random

import numpy as np

from joinedup.core.suppression import HIDDEN, bridges, suppress, suppress_together

COLUMNS = ("Leaving or at risk", "Staying")


def determinable(published: list[list[int | None]]) -> set[tuple[int, int]]:
    """The attack: every hidden cell a reader can compute exactly from the published table with
    its totals, by linear algebra over all the row and column equations (stronger than
    differencing line by line). A hidden cell x_k is determined when e_k lies in the row space
    of the equations restricted to the unknowns."""
    height, width = len(published), len(published[0])
    unknown = [(r, c) for r in range(height) for c in range(width) if published[r][c] is None]
    if not unknown:
        return set()
    index = {p: i for i, p in enumerate(unknown)}
    equations = []
    for r in range(height - 1):  # each body row adds up to its total (the last column)
        eq = np.zeros(len(unknown))
        for c in range(width):
            if (r, c) in index:
                eq[index[(r, c)]] = -1 if c == width - 1 else 1
        equations.append(eq)
    for r in [height - 1]:
        eq = np.zeros(len(unknown))
        for c in range(width):
            if (r, c) in index:
                eq[index[(r, c)]] = -1 if c == width - 1 else 1
        equations.append(eq)
    for c in range(width):  # each column adds up to its total (the last row)
        eq = np.zeros(len(unknown))
        for r in range(height):
            if (r, c) in index:
                eq[index[(r, c)]] = -1 if r == height - 1 else 1
        equations.append(eq)
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for p, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(p)
    return found


def small_shown(table) -> list[int]:  # type: ignore[no-untyped-def]
    return [v for row in table.published() for v in row if v is not None and 0 < v < 5]


def test_it_hides_every_count_from_1_to_4_and_shows_5() -> None:
    table = suppress(["Female", "Male"], COLUMNS, [[4, 20], [5, 30]])
    assert table.shown(0, 0) is None  # 4
    assert table.text(0, 0) == HIDDEN
    assert small_shown(table) == []


def test_it_shows_zeros_and_does_not_count_them_as_small() -> None:
    table = suppress(["Female", "Male"], COLUMNS, [[0, 20], [10, 30]])
    assert table.hidden == frozenset()
    assert table.published() == [[0, 20, 20], [10, 30, 40], [10, 50, 60]]


def test_a_lone_hidden_cell_in_a_row_hides_the_next_smallest_in_its_row_and_column() -> None:
    # 3 is hidden; its row total 23 would give it away (23 - 20), so 20 goes too; its column
    # total 13 likewise (13 - 10), so 10 goes, and then 30 to cover 10's row.
    table = suppress(["Female", "Male"], COLUMNS, [[3, 20], [10, 30]])
    assert table.hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert determinable(table.published()) == set()


def test_the_differencing_attack_finds_the_small_count_without_secondary_suppression() -> None:
    # The attack works: with the 3 alone hidden, the totals give it away.
    naive: list[list[int | None]] = [[None, 20, 23], [10, 30, 40], [13, 50, 63]]
    assert determinable(naive) == {(0, 0)}


def test_a_small_total_is_hidden_and_cannot_be_worked_out_from_the_grand_total() -> None:
    table = suppress(["Disabled", "Not disabled", "Prefer not to say"], COLUMNS, [[1, 2], [30, 40], [6, 7]])
    assert small_shown(table) == []
    assert table.shown(0, 2) is None  # the row total 3
    assert determinable(table.published()) == set()


def test_a_bridge_between_two_blocks_is_closed() -> None:
    # Lines each with two hidden cells can still leave a hidden cell computable (a bridge):
    # the second pass finds and covers it.
    assert bridges({(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)}) == [(1, 2)]


def test_no_random_table_leaves_a_small_count_shown_or_a_hidden_count_computable() -> None:
    rng = random.Random(12)
    for _ in range(300):
        rows = rng.randrange(1, 7)
        columns = rng.randrange(1, 4)
        counts = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 40]) for _ in range(columns)] for _ in range(rows)
        ]
        table = suppress([f"r{i}" for i in range(rows)], [f"c{j}" for j in range(columns)], counts)
        assert small_shown(table) == [], counts
        assert determinable(table.published()) == set(), counts


def test_tables_of_the_same_people_hide_the_same_totals() -> None:
    by_sex = (["Female", "Male"], [[3, 20], [10, 30]])
    by_disability = (["Yes", "No"], [[6, 25], [7, 25]])
    tables = suppress_together([by_sex, by_disability], COLUMNS)
    totals = [{c for (r, c) in t.hidden if r == len(t.rows)} for t in tables]
    assert totals[0] == totals[1]
    for table in tables:
        assert determinable(table.published()) == set()


def test_every_position_of_one_small_count_in_a_3_by_3_table_is_protected() -> None:
    for r, c in itertools.product(range(3), range(3)):
        counts = [[10, 20, 30], [40, 50, 60], [70, 80, 90]]
        counts[r][c] = 2
        table = suppress(["a", "b", "c"], ["x", "y", "z"], counts)
        assert (r, c) in table.hidden
        assert determinable(table.published()) == set()
