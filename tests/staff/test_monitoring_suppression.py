"""Small-cell suppression (staff/monitoring/suppression.py): properties proved with hypothesis on
random tables, plus the examples that motivate each rule.

For every protected table: every shown count (cell or total) is 0 or >= k; shown counts are the
true ones; zeros are never suppressed; every line (row or column with its total) has no or at
least two suppressed counts; and for every suppressed count the test builds a second
non-negative integer table that shows exactly the same numbers but differs in that count, so it
cannot be derived from the table's own totals.
"""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from staff.monitoring.suppression import (
    MIN_K,
    KTooSmall,
    ProtectedTable,
    check_k,
    extended,
    protect,
    protect_column,
    protect_nested,
    protect_separate,
)

Cell = tuple[int, int]

counts = st.one_of(st.integers(0, 4), st.integers(0, 12), st.integers(0, 80))
#: sparse tables (many zeros, small counts) make blocks of suppressed cells joined by one cell
sparse = st.one_of(st.just(0), st.just(0), st.integers(1, 4), st.integers(5, 9))
tables = st.sampled_from([counts, sparse]).flatmap(
    lambda cells: st.integers(1, 7).flatmap(
        lambda width: st.lists(
            st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=7
        )
    )
)
ks = st.sampled_from([5, 6, 7, 10])


def shown_extended(table: ProtectedTable) -> list[list[int | None]]:
    rows = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.col_totals, table.total]]


def lines(n_rows: int, n_cols: int) -> list[list[Cell]]:
    return [[(i, j) for j in range(n_cols)] for i in range(n_rows)] + [
        [(i, j) for i in range(n_rows)] for j in range(n_cols)
    ]


def consistent(ext: list[list[int]]) -> bool:
    """Every line of an extended table sums to its total (last cell)."""
    return all(
        sum(ext[i][j] for i, j in line[:-1]) == ext[line[-1][0]][line[-1][1]]
        for line in lines(len(ext), len(ext[0]))
    )


def cycle_through(hidden: set[Cell], cell: Cell) -> list[Cell] | None:
    """A cycle of suppressed cells through ``cell`` (breadth-first path between the two lines
    of ``cell`` that avoids it): the cells in order, ``cell`` first."""
    start, goal = ("r", cell[0]), ("c", cell[1])
    came: dict[tuple[str, int], tuple[tuple[str, int], Cell] | None] = {start: None}
    todo = deque([start])
    while todo:
        kind, n = todo.popleft()
        for i, j in hidden - {cell}:
            if (kind == "r" and i == n) or (kind == "c" and j == n):
                nxt = ("c", j) if kind == "r" else ("r", i)
                if nxt not in came:
                    came[nxt] = ((kind, n), (i, j))
                    todo.append(nxt)
    if goal not in came:
        return None
    path: list[Cell] = []
    vertex = goal
    while came[vertex] is not None:
        vertex, edge = came[vertex]  # type: ignore[misc]
        path.append(edge)
    return [cell, *reversed(path)]


def alternative(ext: list[list[int]], hidden: set[Cell], cell: Cell) -> list[list[int]] | None:
    """Another non-negative integer extended table with the same shown counts whose value at
    ``cell`` differs (moving +1/-1 alternately around a cycle of suppressed cells; margins
    enter their line with the opposite sign of an inner cell)."""
    cycle = cycle_through(hidden, cell)
    if cycle is None:
        return None
    last_row, last_col = len(ext) - 1, len(ext[0]) - 1
    for direction in (1, -1):
        alt = [row[:] for row in ext]
        for step, (i, j) in enumerate(cycle):
            margin = (i == last_row) != (j == last_col)
            alt[i][j] += direction * (-1 if step % 2 else 1) * (-1 if margin else 1)
        if all(v >= 0 for row in alt for v in row) and consistent(alt):
            return alt
    return None


@settings(max_examples=400, deadline=None)
@given(values=tables, k=ks, forced=st.sets(st.integers(0, 6), max_size=3), total=st.booleans())
@example(
    values=[[2, 7, 0, 0], [7, 2, 3, 0], [0, 0, 2, 7], [0, 0, 7, 2]], k=5, forced=set(), total=False
)
def test_protected_tables_keep_every_property(
    values: list[list[int]], k: int, forced: set[int], total: bool
) -> None:
    """Also with totals forced hidden (a total another table of the same data hides)."""
    forced = {i for i in forced if i < len(values)}
    table = protect(values, k, forced, total)
    for i in forced:
        assert table.row_totals[i] is None or table.row_totals[i] == 0
    assert not total or table.total in (None, 0)
    ext = extended(values)
    shown = shown_extended(table)
    hidden = {(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None}
    for i, row in enumerate(shown):
        for j, v in enumerate(row):
            if v is not None:
                assert v == 0 or v >= k  # never a small count, cells and totals alike
                assert v == ext[i][j]  # shown counts are the true ones
            else:
                assert ext[i][j] >= 1  # zeros are shown, never suppressed
    for line in lines(len(ext), len(ext[0])):
        assert sum(c in hidden for c in line) != 1  # no total minus shown cells
        if line[-1] not in hidden:  # total minus the shown cells is never a small group
            group = sum(ext[i][j] for i, j in line[:-1] if (i, j) in hidden)
            assert group == 0 or group >= k
    for cell in hidden:
        alt = alternative(ext, hidden, cell)
        assert alt is not None, f"{cell} derivable in {values} (k={k})"
        assert all(alt[i][j] == ext[i][j] for i, j in set(cell_iter(ext)) - hidden)
        assert alt[cell[0]][cell[1]] != ext[cell[0]][cell[1]]
    assert table == protect(values, k, forced, total)  # deterministic


def cell_iter(ext: list[list[int]]) -> list[Cell]:
    return [(i, j) for i in range(len(ext)) for j in range(len(ext[0]))]


@settings(max_examples=150, deadline=None)
@given(values=st.lists(counts, min_size=1, max_size=12), k=ks)
def test_one_column_tables(values: list[int], k: int) -> None:
    shown, total = protect_column(values, k)
    assert all(v is None or v == 0 or v >= k for v in (*shown, total))
    hidden = [i for i, v in enumerate(shown) if v is None]
    if total is not None:
        assert len(hidden) != 1
    assert all(values[i] >= 1 for i in hidden)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), k=ks)
def test_nested_categories(data: st.DataObject, k: int) -> None:
    parents_count = data.draw(st.integers(1, 5))
    parent_values = data.draw(st.lists(counts, min_size=parents_count, max_size=parents_count))
    children = [(p, data.draw(st.integers(0, v))) for p, v in enumerate(parent_values)]
    values = [*parent_values, *(v for _, v in children)]
    parents: list[int | None] = [None] * parents_count + [p for p, _ in children]
    shown = protect_nested(values, parents, k)
    for i, v in enumerate(shown):
        assert v is None or v == 0 or v >= k
        parent = parents[i]
        if v is not None and parent is not None and shown[parent] is not None:
            assert values[parent] - v == 0 or values[parent] - v >= k
    assert protect_separate(values, k) == tuple(None if 0 < v < k else v for v in values)


def test_line_rule_takes_the_next_smallest_cell() -> None:
    table = protect([[3, 10, 20], [12, 15, 9], [30, 8, 7]], 5)
    assert table.cells == ((None, None, 20), (None, 15, None), (30, None, None))
    assert table.row_totals == (33, 36, 45) and table.total == 114


def test_cycle_rule_protects_a_cell_joining_two_blocks() -> None:
    """Two 2x2 blocks of suppressed cells joined by one cell: each line has two suppressed
    cells, yet the joining cell equals R1+R2-C1-C2 unless a cycle is closed through it."""
    values = [[2, 7, 0, 0], [7, 2, 3, 0], [0, 0, 2, 7], [0, 0, 7, 2]]
    table = protect(values, 5)
    ext = extended(values)
    shown = shown_extended(table)
    hidden = {(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None}
    assert (1, 2) in hidden
    assert alternative(ext, hidden, (1, 2)) is not None


def test_a_single_small_count_hides_its_totals() -> None:
    assert protect([[3]], 5).total is None
    assert protect_column([0, 0, 0], 5) == ((0, 0, 0), 0)
    assert protect_column([3, 40], 5) == ((None, None), 43)


@pytest.mark.parametrize("bad", [4, 0, -5, 4.9, True, "5"])
def test_k_below_five_is_refused(bad: object) -> None:
    with pytest.raises(KTooSmall):
        check_k(bad)  # type: ignore[arg-type]
    with pytest.raises(KTooSmall):
        protect([[1]], bad)  # type: ignore[arg-type]


def test_k_can_be_raised() -> None:
    assert check_k(MIN_K) == 5 and check_k(11) == 11
    assert protect([[8, 20]], 10).cells == ((None, None),)
