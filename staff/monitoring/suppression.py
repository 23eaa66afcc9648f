"""Small-cell suppression of the Bildungsmonitoring tables (pure functions, stdlib only).

A table of counts is protected together with its margins: the *extended* table has the row
totals as an extra column, the column totals as an extra row and the grand total in the corner.
Every line of the extended table (a row with its total, a column with its total) is one
equation "cells = total" an analyst could solve. The rules, in this order:

1. **Primary**: every cell, row total, column total or grand total ``v`` with ``0 < v < k`` is
   suppressed (computed from the raw data; a shown count is always 0 or ``>= k``).
2. **Secondary (line rule)**: a line with exactly one suppressed cell gets its next-smallest
   nonzero cell suppressed as well (iterated until stable), so that no suppressed cell equals
   "total minus the shown cells". The same when the line's total is shown and its suppressed
   cells together are 1 to k-1 (total minus the shown cells would be a small group).
3. **Secondary (cycle rule)**: a suppressed cell could still be derived by combining several
   lines (two blocks of suppressed cells joined by one cell). In the graph whose vertices are
   the lines and whose edges are the suppressed cells, such a cell is a *bridge*; for each
   bridge the smallest nonzero cell that closes a cycle through it is suppressed too.

Afterwards every suppressed cell lies on a cycle of suppressed cells, so the line equations
leave it free (the matrix of a table with margins is totally unimodular: an elementary kernel
vector has entries 0, +1, -1); zeros are never suppressed, so every suppressed value is >= 1
and adding or subtracting such a kernel vector gives another non-negative integer table that
shows exactly the same numbers. No suppressed cell can therefore be derived from the totals of
its own table, not even with the knowledge that counts are non-negative integers.

What is *not* prevented here (docs/monitoring.md): differences between two tables with
different filters (e.g. two overlapping periods); the pages limit filters to whole weeks or
months and show no single conversations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

#: The smallest allowed k (issue 14); a setting may raise it, never lower it.
MIN_K = 5

Cell = tuple[int, int]
#: a line of the extended table: ("r", row index) or ("c", column index)
Vertex = tuple[str, int]


class KTooSmall(ValueError):
    """A configured k below :data:`MIN_K`."""


def check_k(k: int) -> int:
    """``k`` if it is an allowed threshold (an integer >= :data:`MIN_K`), else KTooSmall."""
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise KTooSmall(f"k must be an integer >= {MIN_K}, got {k!r}")
    return k


@dataclass(frozen=True)
class ProtectedTable:
    """A protected table: ``None`` marks a suppressed count (never which rule suppressed it)."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    total: int | None
    k: int

    @property
    def suppressed(self) -> int:
        """Number of suppressed counts in the extended table (cells and margins)."""
        values = [v for row in self.cells for v in row]
        values += [*self.row_totals, *self.col_totals, self.total]
        return sum(v is None for v in values)


def extended(values: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its margins: ``R+1`` rows of ``C+1`` values (last row/column: totals)."""
    rows = [list(r) for r in values]
    width = len(rows[0]) if rows else 0
    if any(len(r) != width for r in rows):
        raise ValueError("all rows of a table need the same number of cells")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for r in rows for v in r):
        raise ValueError("counts are non-negative integers")
    ext = [[*r, sum(r)] for r in rows]
    ext.append([sum(r[j] for r in ext) for j in range(width + 1)])
    return ext


def _lines(n_rows: int, n_cols: int) -> list[list[Cell]]:
    rows = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    cols = [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    return rows + cols


def _bridges(cells: set[Cell]) -> list[Cell]:
    """Suppressed cells that lie on no cycle of the line graph (Tarjan, iterative)."""
    adj: dict[Vertex, list[tuple[Vertex, Cell]]] = {}
    for i, j in sorted(cells):
        a, b = ("r", i), ("c", j)
        adj.setdefault(a, []).append((b, (i, j)))
        adj.setdefault(b, []).append((a, (i, j)))
    order: dict[Vertex, int] = {}
    low: dict[Vertex, int] = {}
    found: list[Cell] = []
    for root in sorted(adj):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Vertex, Cell | None, Iterator[tuple[Vertex, Cell]]]] = [
            (root, None, iter(adj[root]))
        ]
        while stack:
            vertex, via, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        found.append(via)
                continue
            other, edge = step
            if edge == via:
                continue
            if other in order:
                low[vertex] = min(low[vertex], order[other])
            else:
                order[other] = low[other] = len(order)
                stack.append((other, edge, iter(adj[other])))
    return sorted(found)


def _component(cells: set[Cell], start: Vertex) -> set[Vertex]:
    seen = {start}
    todo = [start]
    while todo:
        kind, n = todo.pop()
        for i, j in cells:
            if kind == "r" and i == n and ("c", j) not in seen:
                seen.add(("c", j))
                todo.append(("c", j))
            elif kind == "c" and j == n and ("r", i) not in seen:
                seen.add(("r", i))
                todo.append(("r", i))
    return seen


def _smallest(ext: list[list[int]], candidates: list[Cell], hidden: set[Cell]) -> Cell | None:
    """The complement to suppress: an inner cell before a total (totals are shared with other
    tables of the same data, so they stay as they are where possible), then the smallest."""
    last_row, last_col = len(ext) - 1, len(ext[0]) - 1
    usable = [c for c in candidates if c not in hidden and ext[c[0]][c[1]] > 0]

    def order(c: Cell) -> tuple[bool, int, Cell]:
        return (c[0] == last_row or c[1] == last_col, ext[c[0]][c[1]], c)

    return min(usable, key=order) if usable else None


def _small_group(ext: list[list[int]], line: list[Cell], hidden: set[Cell], k: int) -> bool:
    """True when the line's total is shown and its suppressed cells together (= total minus
    the shown cells) are a small group of 1 to k-1."""
    *inner, total = line
    if total in hidden:
        return False
    return 0 < sum(ext[i][j] for i, j in inner if (i, j) in hidden) < k


def suppression_pattern(ext: list[list[int]], k: int, force: Iterable[Cell] = ()) -> set[Cell]:
    """The cells of the extended table ``ext`` to suppress (rules 1–3 of the module doc);
    ``force``: nonzero cells to suppress in any case (a total another table suppresses)."""
    check_k(k)
    n_rows, n_cols = len(ext), len(ext[0]) if ext else 0
    every = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    hidden = {(i, j) for i, j in every if 0 < ext[i][j] < k}
    hidden |= {(i, j) for i, j in force if ext[i][j] > 0}
    lines = _lines(n_rows, n_cols)
    while True:
        changed = True
        while changed:  # rule 2
            changed = False
            for line in lines:
                if sum(c in hidden for c in line) == 1 or _small_group(ext, line, hidden, k):
                    extra = _smallest(ext, line, hidden)
                    if extra is None:  # cannot happen for consistent totals; be safe
                        return {c for c in every if ext[c[0]][c[1]] > 0}
                    hidden.add(extra)
                    changed = True
        bridges = _bridges(hidden)  # rule 3
        if not bridges:
            return hidden
        i, j = bridges[0]
        rest = hidden - {(i, j)}
        side_a = _component(rest, ("r", i))
        side_b = _component(rest, ("c", j))
        candidates = [
            (a, b)
            for a, b in every
            if (("r", a) in side_a and ("c", b) in side_b)
            or (("r", a) in side_b and ("c", b) in side_a)
        ]
        extra = _smallest(ext, candidates, hidden)
        if extra is None:  # suppressing every nonzero count is always safe
            return {c for c in every if ext[c[0]][c[1]] > 0}
        hidden.add(extra)


def protect(
    values: Sequence[Sequence[int]],
    k: int,
    hide_row_totals: Iterable[int] = (),
    hide_total: bool = False,
) -> ProtectedTable:
    """Protect a table of counts (rows of equal length) with its row, column and grand totals.

    ``hide_row_totals`` (row indexes) and ``hide_total`` suppress totals that another table of
    the same data suppresses, so that a number hidden there is not shown here (and the rules
    then protect this table with them hidden)."""
    check_k(k)
    ext = extended(values)
    n_rows, n_cols = len(ext) - 1, len(ext[0]) - 1
    force = [(i, n_cols) for i in hide_row_totals] + ([(n_rows, n_cols)] if hide_total else [])
    hidden = suppression_pattern(ext, k, force) if n_rows and n_cols else set()

    def shown(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else ext[i][j]

    return ProtectedTable(
        cells=tuple(tuple(shown(i, j) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(shown(i, n_cols) for i in range(n_rows)),
        col_totals=tuple(shown(n_rows, j) for j in range(n_cols)),
        total=shown(n_rows, n_cols) if n_rows and n_cols else 0,
        k=k,
    )


def protect_column(values: Sequence[int], k: int) -> tuple[tuple[int | None, ...], int | None]:
    """A one-column table (counts per category) and its total, protected alike."""
    table = protect([[v] for v in values], k)
    return tuple(row[0] for row in table.cells), table.total


def protect_separate(values: Sequence[int], k: int) -> tuple[int | None, ...]:
    """Counts shown without any total (e.g. overlapping categories): primary rule only."""
    check_k(k)
    return tuple(None if 0 < v < k else v for v in values)


def protect_nested(
    values: Sequence[int], parents: Sequence[int | None], k: int
) -> tuple[int | None, ...]:
    """Counts of overlapping categories where ``parents[i]`` is the index of a category that
    contains category ``i`` (e.g. KldB 831 contains 8311), shown without totals.

    Besides the primary rule, a child is suppressed when ``parent - child`` is between 1 and
    k-1, so the difference of two shown counts is never a small group either.
    """
    shown: list[int | None] = list(protect_separate(values, k))
    for i, parent in enumerate(parents):
        if parent is None or shown[i] is None or shown[parent] is None:
            continue
        if 0 < values[parent] - values[i] < k:
            shown[i] = None
    return tuple(shown)
