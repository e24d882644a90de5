"""Disclosure control for published tables: hide small counts so no one can be identified.

Primary suppression hides every count from 1 to ``threshold - 1`` (default: under 5). Secondary
suppression then hides further cells so that no hidden cell can be worked out from the row and
column totals, which are taken as published (shown in the table, or known from elsewhere).

Method
------
Think of the table with its totals row and column as a grid of lines: each row and each column
says "these cells add up to that total". Hidden cells are unknowns in those equations. A hidden
cell can be recovered exactly when it is a *bridge* of the graph whose vertices are the lines
and whose edges are the hidden cells (an edge on no cycle): summing the equations on one side of
the bridge isolates it. A line with a single hidden cell is the simplest case. When every hidden
cell lies on a cycle, adding +d and -d alternately round the cycle keeps every total, so none of
its cells is determined. The algorithm hides, for each bridge in turn, the cheapest further cell
that closes a cycle through it (smallest count first; never a zero or a total when another cell
will do), until no bridge is left.

Bridges protect against exact recovery from the totals by linear equations alone, but counts
are never negative, and with that an intruder can still narrow a hidden cell, or pin it: a row
``38, 36, [c]`` whose ``[c]`` is partnered by a cell beside a shown zero can leave the hidden 1
with nowhere else to go. So every suppression is then *audited*, as tau-argus and sdcTable do:
for each hidden cell, linear programming (:func:`scipy.optimize.linprog`, HiGHS) finds the
smallest and largest value it can take given every shown cell, the row and column totals (known
even when not shown) and non-negativity. A hidden cell is exposed when its minimum equals its
maximum, and a small (primary) cell also when its range is narrower than the protection level
(default: the threshold, so a hidden 2 under a threshold of 5 must be able to be anything from,
say, 0 to 5). While any cell is exposed, the cheapest shown cell in its row or column is hidden
too (the same preference as above), cycles are closed again, and the audit runs again.
Shown zeros enter the audit as the constraints they are, so a zero never gives away its
hidden neighbour. For a two-dimensional table with its margins the constraint matrix is totally
unimodular, so the LP bounds are the exact bounds over whole numbers: the audit misses nothing.
Zeros are chosen for secondary suppression only as a last resort.

Hidden cells are marked, never zeroed: the display frame shows ``marker`` ("[c]", the
Government Statistical Service shorthand for "confidential"), and the boolean masks say which
cells were hidden and why.

References
----------
Government Statistical Service (2021), "Symbols in tables, definitions and help" ([c]).
Hundepool A et al. (2012). Statistical Disclosure Control. Wiley, ch. 4 (primary and secondary
cell suppression, linked tables).
Cox LH (1980). Suppression methodology and statistical disclosure control. JASA 75, 377-385.
Hundepool A et al. (2012), section 4.4 ("audit": intervals of suppressed cells by linear
programming); tau-argus manual, "Audit"; sdcTable (R), ``attack()``.
Fischetti M, Salazar-Gonzalez JJ (2001). Solving the cell suppression problem on tabular data
with linear constraints. Management Science 47, 1008-1027 (protection levels).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ..errors import DataError

__all__ = ["DEFAULT_MARKER", "SuppressedTable", "audit", "recoverable_cells", "suppress",
           "suppress_long"]

DEFAULT_MARKER = "[c]"


@dataclass(frozen=True)
class SuppressedTable:
    """A table after disclosure control.

    Attributes
    ----------
    values : pandas.DataFrame
        The true counts (int64), with the totals row and column when ``totals`` is set. Not for
        publication.
    suppressed : pandas.DataFrame
        Same shape, True for every hidden cell.
    primary : pandas.DataFrame
        Same shape, True for cells hidden because they are small.
    display : pandas.DataFrame
        Same shape, for publication: the count, or ``marker`` where hidden (object dtype).
    threshold : int
        Counts from 1 to ``threshold - 1`` were hidden (and 0 too when ``zeros_suppressed``).
    marker : str
        What hidden cells show.
    total_label : str or None
        Label of the totals row and column, or None when the table has none.
    zeros_suppressed : bool
        Whether zeros counted as small.
    protection : int
        The narrowest range an intruder may be left with for a small cell (see :func:`audit`).
    """

    values: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    display: pd.DataFrame
    threshold: int
    marker: str
    total_label: str | None
    zeros_suppressed: bool
    protection: int = 0

    @property
    def secondary(self) -> pd.DataFrame:
        """True for cells hidden only to protect others."""
        return self.suppressed & ~self.primary


def _bridges(adjacency: list[list[tuple[int, int]]]) -> list[int]:
    """Edge ids of the bridges of an undirected graph (iterative Tarjan)."""
    n = len(adjacency)
    disc = [-1] * n
    low = [0] * n
    clock = 0
    found = []
    for start in range(n):
        if disc[start] != -1 or not adjacency[start]:
            continue
        disc[start] = low[start] = clock
        clock += 1
        stack = [(start, -1, iter(adjacency[start]))]
        while stack:
            v, via, edges = stack[-1]
            descended = False
            for w, eid in edges:
                if eid == via:
                    continue
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    stack.append((w, eid, iter(adjacency[w])))
                    descended = True
                    break
                low[v] = min(low[v], disc[w])
            if not descended:
                stack.pop()
                if stack:
                    u = stack[-1][0]
                    low[u] = min(low[u], low[v])
                    if low[v] > disc[u]:
                        found.append(via)
    return found


class _Grid:
    """Hidden cells of an (R x C) grid as edges between row vertices 0..R-1 and column
    vertices R..R+C-1."""

    def __init__(self, hidden: np.ndarray):
        self.hidden = hidden
        self.n_rows, self.n_cols = hidden.shape

    def edges(self) -> list[tuple[int, int]]:
        return [tuple(map(int, rc)) for rc in np.argwhere(self.hidden)]

    def adjacency(self, edges):
        adj = [[] for _ in range(self.n_rows + self.n_cols)]
        for eid, (r, c) in enumerate(edges):
            adj[r].append((self.n_rows + c, eid))
            adj[self.n_rows + c].append((r, eid))
        return adj

    def bridges(self) -> list[tuple[int, int]]:
        edges = self.edges()
        return [edges[e] for e in _bridges(self.adjacency(edges))]

    def side(self, start: int, cut: tuple[int, int]) -> tuple[set[int], set[int]]:
        """Rows and columns reachable from vertex ``start`` without crossing cell ``cut``."""
        edges = [e for e in self.edges() if e != cut]
        adj = self.adjacency(edges)
        seen = {start}
        todo = [start]
        while todo:
            v = todo.pop()
            for w, _ in adj[v]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        rows = {v for v in seen if v < self.n_rows}
        cols = {v - self.n_rows for v in seen if v >= self.n_rows}
        return rows, cols


def recoverable_cells(hidden) -> list[tuple[int, int]]:
    """Positions (row, column) of hidden cells that row and column totals would give away.

    Parameters
    ----------
    hidden : array-like of bool or pandas.DataFrame
        Mask of hidden cells over the whole grid including the totals row and column (as
        :attr:`SuppressedTable.suppressed` when the table has totals). Totals that are not
        shown count as known.

    Returns
    -------
    list of (int, int)
        Empty when the table is safe.
    """
    mask = np.asarray(hidden, dtype=bool)
    return sorted(_Grid(mask).bridges())


def _cost(values: np.ndarray, is_total: np.ndarray) -> np.ndarray:
    # Lexicographic preference as one number: data cells before totals, non-zeros before
    # zeros, then the smallest count.
    big = float(values.max()) + 1.0
    return is_total * 4 * big + (values == 0) * 2 * big + values


class _Unprotectable(Exception):
    def __init__(self, row: int, col: int):
        self.row, self.col = row, col


def _protect(values: np.ndarray, hidden: np.ndarray, allowed: np.ndarray,
             is_total: np.ndarray) -> np.ndarray:
    hidden = hidden.copy()
    cost = _cost(values, is_total)
    grid = _Grid(hidden)
    while True:
        bridges = grid.bridges()
        if not bridges:
            return hidden
        r, c = bridges[0]
        rows_a, cols_a = grid.side(r, (r, c))
        rows_b, cols_b = grid.side(grid.n_rows + c, (r, c))
        free = allowed & ~hidden
        closing = np.zeros_like(hidden)
        if rows_a and cols_b:
            closing[np.ix_(sorted(rows_a), sorted(cols_b))] = True
        if rows_b and cols_a:
            closing[np.ix_(sorted(rows_b), sorted(cols_a))] = True
        candidates = closing & free
        if not candidates.any():
            # Grow the side that lacks the vertex a closing cell needs.
            candidates = np.zeros_like(hidden)
            if not rows_b:
                candidates[:, c] = True
            if not cols_a:
                candidates[r, :] = True
            candidates &= free
        if not candidates.any():
            raise _Unprotectable(r, c)
        masked = np.where(candidates, cost, np.inf)
        pick = np.unravel_index(np.argmin(masked), masked.shape)
        hidden[pick] = True


def _bounds(grid: np.ndarray, hidden: np.ndarray) -> Iterator[tuple[tuple[int, int],
                                                                    tuple[float, float]]]:
    """(cell, (smallest, largest)) for each hidden cell of a grid with its totals row and column
    (last), given the shown cells, the totals equations and non-negativity (inf: no bound).
    A generator, so an audit can stop at the first exposed cell."""
    cells = [tuple(map(int, rc)) for rc in np.argwhere(hidden)]
    if not cells:
        return
    index = {c: k for k, c in enumerate(cells)}
    n_rows, n_cols = grid.shape
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    a_eq, b_eq = [], []
    for line in lines:  # the parts add up to the last cell of the line, its total
        row, rhs = np.zeros(len(cells)), 0.0
        for pos, cell in enumerate(line):
            sign = -1.0 if pos == len(line) - 1 else 1.0
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * grid[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    a_eq, b_eq = np.array(a_eq), np.array(b_eq)
    for cell, k in index.items():
        ends = []
        for sense in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[k] = sense
            res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if res.status == 3:  # unbounded: no largest value
                ends.append(np.inf)
            elif res.status != 0:
                raise RuntimeError(f"the suppression audit's LP failed ({res.message})")
            else:
                ends.append(sense * res.fun)
        yield cell, (ends[0], ends[1])


def _is_exposed(bounds: tuple[float, float], primary: bool, protection: float) -> bool:
    low, high = bounds
    # the LP's vertices are whole numbers (total unimodularity): round away solver noise
    width = round(high - low, 6) if np.isfinite(high) else np.inf
    return width <= 0 or (primary and width < protection)


def _exposed(grid: np.ndarray, hidden: np.ndarray, primary: np.ndarray,
             protection: float) -> tuple[int, int] | None:
    """The first hidden cell the audit finds pinned, or small and left in too narrow a range."""
    for cell, bounds in _bounds(grid, hidden):
        if _is_exposed(bounds, primary[cell], protection):
            return cell
    return None


def _audited(grid: np.ndarray, hidden: np.ndarray, primary: np.ndarray, allowed: np.ndarray,
             is_total: np.ndarray, protection: float) -> np.ndarray:
    """Hide more cells until :func:`_exposed` finds none (raises _Unprotectable if it cannot)."""
    cost = _cost(grid, is_total)
    while (exposed := _exposed(grid, hidden, primary, protection)) is not None:
        r, c = exposed
        free = allowed & ~hidden
        near = np.zeros_like(hidden)
        near[r, :] = near[:, c] = True
        candidates = free & near if (free & near).any() else free
        if not candidates.any():
            raise _Unprotectable(r, c)
        pick = np.unravel_index(np.argmin(np.where(candidates, cost, np.inf)), grid.shape)
        hidden = hidden.copy()
        hidden[pick] = True
        hidden = _protect(grid, hidden, allowed, is_total)
    return _pruned(grid, hidden, primary, is_total, protection)


def _pruned(grid: np.ndarray, hidden: np.ndarray, primary: np.ndarray, is_total: np.ndarray,
            protection: float) -> np.ndarray:
    """``hidden`` without the secondary cells it can do without, dearest first.

    Cells are added one at a time, so an early choice (a zero beside the small cell, say) can
    leave later ones redundant; a cell whose showing leaves no bridge and nothing exposed is
    shown again.
    """
    cost = _cost(grid, is_total)
    secondary = [tuple(map(int, rc)) for rc in np.argwhere(hidden & ~primary)]
    for cell in sorted(secondary, key=lambda rc: -cost[rc]):
        trial = hidden.copy()
        trial[cell] = False
        if not _Grid(trial).bridges() and _exposed(grid, trial, primary, protection) is None:
            hidden = trial
    return hidden


def audit(table: SuppressedTable) -> pd.DataFrame:
    """What an intruder can work out about each hidden cell of a suppressed table.

    The intruder knows every shown cell, the row and column totals (when the table does not
    show them, they are taken as published elsewhere) and that counts are never negative; the
    range each hidden cell can take is found by linear programming (see the module docstring).

    Parameters
    ----------
    table : SuppressedTable
        From :func:`suppress`.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``row``, ``column``, ``value`` (the true count), ``lower``,
        ``upper`` (float; ``inf`` when unbounded), ``primary`` (hidden because small) and
        ``protected`` (the range is wider than zero, and for a small cell at least
        ``table.protection`` wide).
    """
    grid, hidden, primary = (x.to_numpy() for x in (table.values, table.suppressed,
                                                    table.primary))
    if table.total_label is None:  # totals not shown are known: add them, shown
        grid = np.pad(grid, ((0, 1), (0, 1)))
        grid[-1, :-1], grid[:-1, -1], grid[-1, -1] = grid.sum(0)[:-1], grid.sum(1)[:-1], grid.sum()
        hidden, primary = (np.pad(x, ((0, 1), (0, 1))) for x in (hidden, primary))
    rows = [*table.values.index, *([] if table.total_label else ["(total)"])]
    cols = [*table.values.columns, *([] if table.total_label else ["(total)"])]
    out = [{"row": rows[r], "column": cols[c], "value": int(grid[r, c]), "lower": low,
            "upper": high, "primary": bool(primary[r, c]),
            "protected": not _is_exposed((low, high), primary[r, c], table.protection)}
           for (r, c), (low, high) in _bounds(grid, hidden)]
    return pd.DataFrame(out, columns=["row", "column", "value", "lower", "upper", "primary",
                                      "protected"])


def _validate(table: pd.DataFrame) -> np.ndarray:
    if table.empty:
        raise DataError("the table to protect is empty")
    numeric = table.apply(pd.to_numeric, errors="coerce")
    for col in table.columns:
        bad = numeric[col].isna() | (numeric[col] < 0) | (numeric[col] % 1 != 0)
        if bad.any():
            row = bad.index[bad.to_numpy().argmax()]
            raise DataError(
                f"the count in row {_label(row)!r} is {_label(table.at[row, col])!r}, not a "
                "whole number of zero or more", column=str(col)
            )
    return numeric.to_numpy(dtype=np.int64)


def suppress(table: pd.DataFrame, threshold: int = 5, *, totals: bool = True,
             total_label: str = "Total", marker: str = DEFAULT_MARKER,
             suppress_zeros: bool = False, sensitive_columns: Iterable | None = None,
             protection: int | None = None) -> SuppressedTable:
    """Hide small counts in a wide table, and enough other cells to protect them.

    Parameters
    ----------
    table : pandas.DataFrame
        Counts: rows are areas (wards), columns are categories (crime types), no totals.
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden (default 5: "under 5").
    totals : bool
        Add a totals row and column to the output (default). Either way the protection
        assumes the totals are published, because they usually are somewhere.
    total_label : str
        Label of the totals row and column.
    marker : str
        What a hidden cell shows (default "[c]", confidential).
    suppress_zeros : bool
        Also hide zeros (when a zero is itself disclosive).
    sensitive_columns : iterable, optional
        Only these columns' small counts are hidden at first (secondary suppression may still
        reach any cell); default every column. A shown total is hidden when small if every
        column it adds up is sensitive.
    protection : int, optional
        The narrowest range the audit may leave an intruder for a small cell (default
        ``threshold``); every hidden cell must at least not be pinned to one value.

    Returns
    -------
    SuppressedTable

    Raises
    ------
    DataError
        When a count is not a whole number of zero or more, or protection is impossible (a row
        with one cell whose total is known but not shown).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1.")
    body = _validate(table)
    n_rows, n_cols = body.shape
    grid = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    grid[:n_rows, :n_cols] = body
    grid[:n_rows, n_cols] = body.sum(axis=1)
    grid[n_rows, :n_cols] = body.sum(axis=0)
    grid[n_rows, n_cols] = body.sum()
    is_total = np.zeros(grid.shape, dtype=bool)
    is_total[n_rows, :] = True
    is_total[:, n_cols] = True

    if sensitive_columns is None:
        sensitive = np.ones(n_cols, dtype=bool)
    else:
        wanted = set(sensitive_columns)
        unknown = wanted - set(table.columns)
        if unknown:
            raise ValueError(f"no such columns in the table: {sorted(map(str, unknown))}.")
        sensitive = np.array([c in wanted for c in table.columns])
    sensitive_cells = np.zeros(grid.shape, dtype=bool)
    sensitive_cells[:, :n_cols] = sensitive
    sensitive_cells[:, n_cols] = sensitive.all()
    if not totals:
        sensitive_cells &= ~is_total

    small = (grid > 0) & (grid < threshold)
    if suppress_zeros:
        small |= grid == 0
    primary = small & sensitive_cells
    allowed = np.ones(grid.shape, dtype=bool) if totals else ~is_total
    rows = [*map(_label, table.index), total_label]
    cols = [*map(_label, table.columns), total_label]
    protection = threshold if protection is None else protection
    try:
        hidden = _protect(grid.astype(float), primary, allowed, is_total)
        hidden = _audited(grid.astype(float), hidden, primary, allowed, is_total, protection)
    except _Unprotectable as exc:
        raise DataError(
            f"the count in row {rows[exc.row]!r} cannot be protected: no other cell in its row "
            "or column can be hidden, and its totals are known (totals=True lets totals be "
            "hidden too)", column=str(cols[exc.col])
        ) from None
    keep_r = slice(None) if totals else slice(0, n_rows)
    keep_c = slice(None) if totals else slice(0, n_cols)
    rows_out, cols_out = (rows, cols) if totals else (rows[:-1], cols[:-1])

    def frame(a):
        return pd.DataFrame(a[keep_r, keep_c], index=rows_out, columns=cols_out)

    values = frame(grid)
    shown = grid.astype(object)
    shown[hidden] = marker
    return SuppressedTable(
        values=values, suppressed=frame(hidden), primary=frame(primary), display=frame(shown),
        threshold=int(threshold), marker=marker, total_label=total_label if totals else None,
        zeros_suppressed=bool(suppress_zeros), protection=int(protection),
    )


def _label(x):
    return x.item() if hasattr(x, "item") else x


def suppress_long(frame: pd.DataFrame, row: str, column: str, *, count_column: str | None =
                  "count", **kwargs) -> SuppressedTable:
    """:func:`suppress` for a tidy frame: pivot ``row`` by ``column`` (summing counts; each row
    counts one when ``count_column`` is None), missing combinations being 0."""
    for col in (row, column) + ((count_column,) if count_column else ()):
        if col not in frame.columns:
            raise DataError("the frame has no such column", column=col)
    values = 1 if count_column is None else frame[count_column]
    wide = (
        frame.assign(_n=values)
        .pivot_table(index=row, columns=column, values="_n", aggfunc="sum", fill_value=0,
                     observed=True)
    )
    wide.columns.name = None
    wide.index.name = None
    return suppress(wide, **kwargs)
