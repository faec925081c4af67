"""Small-number suppression for published tables (the workforce-impact report; occupational
health's programme usage). Pure: counts in, a table of shown and hidden cells out.

A table is rows x columns of counts of people with its row totals, column totals and grand
total, all published. Two rules, as the Government Statistical Service's guidance on disclosure
control of tables sets them out:

* **Primary suppression**: a count from 1 to ``minimum - 1`` (1-4 by default) is never shown,
  total or not.
* **Zeros** are shown: "nobody in this group" discloses nothing about a person. A zero is hidden
  only as a secondary suppression, when a line has no non-zero cell left to hide.
* **Secondary suppression**: no hidden cell may be worked out from what is shown. With the
  totals, every row and every column is an equation (its cells add up to its total), so a line
  with one hidden cell gives it away, and so does any hidden cell that is not on a closed cycle
  of hidden cells (read the table with its totals as a bipartite graph of rows and columns, the
  hidden cells as edges: a hidden cell can be computed exactly when its edge is a bridge). Each
  line with a lone hidden cell hides the next-smallest non-zero cell in it (a body cell before a
  total); each bridge then hides the next-smallest cell of its row; until neither is left.

Every hidden cell is shown alike ("[c]"), primary or secondary, so the reader cannot tell which
hidden cells are the small ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MINIMUM = 5  # the smallest count shown (issue 12: "no cell under 5 shown")
HIDDEN = "[c]"

Position = tuple[int, int]


@dataclass(frozen=True)
class Table:
    """A published table. ``values`` is the whole grid with its totals: rows 0..R-1 the body,
    row R the column totals; column C the row totals; (R, C) the grand total. ``hidden`` the
    positions not shown."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    hidden: frozenset[Position]

    def shown(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.values[row][column]

    def text(self, row: int, column: int) -> str:
        value = self.shown(row, column)
        return HIDDEN if value is None else str(value)

    def published(self) -> list[list[int | None]]:
        """The grid as a reader sees it, totals included (None: hidden)."""
        return [[self.shown(r, c) for c in range(len(self.columns) + 1)] for r in range(len(self.rows) + 1)]

    @property
    def body_rows(self) -> range:
        return range(len(self.rows))


def with_totals(counts: Sequence[Sequence[int]], columns: int) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(row[c] for row in grid) for c in range(columns + 1)])
    return grid


def _lines(height: int, width: int) -> Iterable[list[Position]]:
    for r in range(height):
        yield [(r, c) for c in range(width)]
    for c in range(width):
        yield [(r, c) for r in range(height)]


def _choose(grid: list[list[int]], candidates: list[Position], height: int, width: int) -> Position:
    """The next cell to hide: the smallest non-zero, a body cell before a total."""

    def key(p: Position) -> tuple[bool, bool, int, Position]:
        value = grid[p[0]][p[1]]
        return (value == 0, p[0] == height - 1 or p[1] == width - 1, value, p)

    return min(candidates, key=key)


def bridges(hidden: set[Position] | frozenset[Position]) -> list[Position]:
    """The hidden cells that can be computed from the rest: the bridges of the graph whose nodes
    are the rows and columns and whose edges are the hidden cells."""
    adjacent: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for r, c in hidden:
        adjacent.setdefault(("r", r), set()).add(("c", c))
        adjacent.setdefault(("c", c), set()).add(("r", r))
    found = []
    for r, c in sorted(hidden):
        start, goal = ("r", r), ("c", c)
        seen = {start}
        todo = [start]
        reached = False
        while todo and not reached:
            node = todo.pop()
            for other in adjacent[node]:
                if node == start and other == goal:
                    continue  # the edge itself
                if other == goal:
                    reached = True
                    break
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        if not reached:
            found.append((r, c))
    return found


def suppress(
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    minimum: int = MINIMUM,
    also_hide: Iterable[Position] = (),
) -> Table:
    """The table of ``counts`` (rows x columns, no totals) with its totals, and the cells to
    hide. ``also_hide``: positions to hide whatever their value (the totals row another table
    of the same report hides: see :func:`suppress_together`)."""
    if any(len(row) != len(columns) for row in counts) or len(counts) != len(rows):
        raise ValueError("The counts do not match the rows and columns")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("A count cannot be negative")
    grid = with_totals(counts, len(columns))
    height, width = len(grid), len(grid[0])
    hidden = {(r, c) for r in range(height) for c in range(width) if 0 < grid[r][c] < minimum}
    hidden |= set(also_hide)
    while True:
        added = False
        for line in _lines(height, width):
            lone = [p for p in line if p in hidden]
            if len(lone) == 1:
                hidden.add(_choose(grid, [p for p in line if p not in hidden], height, width))
                added = True
        if added:
            continue
        exposed = bridges(hidden)
        if not exposed:
            break
        r, c = exposed[0]
        row = [(r, j) for j in range(width) if (r, j) not in hidden]
        column = [(i, c) for i in range(height) if (i, c) not in hidden]
        rest = [(i, j) for i in range(height) for j in range(width) if (i, j) not in hidden]
        hidden.add(_choose(grid, row or column or rest, height, width))
    return Table(tuple(rows), tuple(columns), tuple(tuple(row) for row in grid), frozenset(hidden))


def suppress_together(
    tables: Sequence[tuple[Sequence[str], Sequence[Sequence[int]]]],
    columns: Sequence[str],
    *,
    minimum: int = MINIMUM,
) -> list[Table]:
    """Tables of the same people by different characteristics (rows), with the same columns: their
    totals rows are the same figures, so a total hidden in one is hidden in all (else one table
    would give away what another hides)."""
    forced: set[int] = set()
    while True:
        done = [
            suppress(rows, columns, counts, minimum=minimum, also_hide=[(len(rows), c) for c in forced])
            for rows, counts in tables
        ]
        now = {c for t in done for (r, c) in t.hidden if r == len(t.rows)}
        if now <= forced:
            return done
        forced |= now
