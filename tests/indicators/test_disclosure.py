"""Tests for pccanalysis.indicators.disclosure: small-number suppression with protection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pccanalysis.errors import DataError
from pccanalysis.indicators.disclosure import audit, recoverable_cells, suppress, suppress_long


def full_grid(result) -> tuple[np.ndarray, np.ndarray]:
    """Values and hidden mask over the table WITH its totals row and column (last), the totals
    being known (not hidden) when the output did not show them."""
    values = result.values.to_numpy()
    hidden = result.suppressed.to_numpy()
    if result.total_label is None:
        values = np.vstack([values, values.sum(axis=0)])
        values = np.hstack([values, values.sum(axis=1, keepdims=True)])
        hidden = np.pad(hidden, ((0, 1), (0, 1)))
    return values, hidden


def peel(values: np.ndarray, hidden: np.ndarray) -> set[tuple[int, int]]:
    """An attacker's first try: repeatedly solve any row or column equation with one unknown.

    Every row says "cells add up to the last cell", every column likewise. Returns the hidden
    cells recovered.
    """
    unknown = {tuple(map(int, rc)) for rc in np.argwhere(hidden)}
    recovered = set()
    n_rows, n_cols = values.shape
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    progress = True
    while progress:
        progress = False
        for line in lines:
            missing = [cell for cell in line if cell in unknown]
            if len(missing) == 1:
                cell = missing[0]
                total_cell = line[-1]
                parts = [c for c in line[:-1]]
                known = sum(values[c] for c in parts if c != cell)
                solved = values[total_cell] - known if cell != total_cell else known
                assert solved == values[cell]  # the attack really works when it applies
                unknown.discard(cell)
                recovered.add(cell)
                progress = True
    return recovered


def linear_recovery(values: np.ndarray, hidden: np.ndarray) -> set[tuple[int, int]]:
    """The full attack: a hidden cell is determined by the totals exactly when its unit vector
    lies in the row space of the equations restricted to the unknowns (rank test)."""
    cells = [tuple(map(int, rc)) for rc in np.argwhere(hidden)]
    if not cells:
        return set()
    index = {c: k for k, c in enumerate(cells)}
    n_rows, n_cols = values.shape
    equations = []
    for i in range(n_rows):
        eq = np.zeros(len(cells))
        for j in range(n_cols):
            if (i, j) in index:
                eq[index[(i, j)]] = -1 if j == n_cols - 1 else 1
        equations.append(eq)
    for j in range(n_cols):
        eq = np.zeros(len(cells))
        for i in range(n_rows):
            if (i, j) in index:
                eq[index[(i, j)]] = -1 if i == n_rows - 1 else 1
        equations.append(eq)
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    found = set()
    for cell, k in index.items():
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.add(cell)
    return found


TABLE = pd.DataFrame(
    {"A": [3, 10, 12], "B": [20, 30, 7], "C": [9, 8, 15]}, index=["W1", "W2", "W3"]
)


def test_worked_example():
    r = suppress(TABLE)
    # Only W1/A (3) is under 5. Row W1 then has one hidden cell, so a second is hidden: the
    # smallest in the row or column, W1/C (9). Column A still has one: its smallest, W2/A (10).
    # A cycle W1-A-W2-C-W1 is closed by W2/C (8). Each row and column now hides 0 or 2 cells.
    assert r.display.to_dict("index") == {
        "W1": {"A": "[c]", "B": 20, "C": "[c]", "Total": 32},
        "W2": {"A": "[c]", "B": 30, "C": "[c]", "Total": 48},
        "W3": {"A": 12, "B": 7, "C": 15, "Total": 34},
        "Total": {"A": 25, "B": 57, "C": 32, "Total": 114},
    }
    assert r.primary.to_numpy().sum() == 1 and bool(r.primary.loc["W1", "A"])
    assert r.secondary.to_numpy().sum() == 3
    # Never zeroed: the true values are kept alongside the mask.
    assert r.values.loc["W1", "A"] == 3
    values, hidden = full_grid(r)
    assert peel(values, hidden) == set() and linear_recovery(values, hidden) == set()


def test_a_single_hidden_cell_would_be_recovered_by_the_checkers():
    # The checkers can fail: hiding only W1/A leaves it equal to 32 - 20 - 9 = 3.
    values = suppress(TABLE).values.to_numpy()
    hidden = np.zeros(values.shape, dtype=bool)
    hidden[0, 0] = True
    assert peel(values, hidden) == {(0, 0)}
    assert linear_recovery(values, hidden) == {(0, 0)}
    assert recoverable_cells(hidden) == [(0, 0)]


def test_bridge_between_two_protected_blocks_is_found():
    # Two 2x2 blocks of hidden cells joined by one more hidden cell: every row and column has
    # two or more hidden cells, so peeling finds nothing, but the joining cell is still the
    # difference of the two blocks' row and column sums. The rank test and the module see it.
    values = np.array([
        [1, 1, 1, 0, 3, 6],
        [1, 1, 0, 0, 2, 4],
        [0, 0, 1, 1, 2, 4],
        [0, 0, 1, 1, 2, 4],
        [2, 2, 3, 2, 9, 18],
    ])
    hidden = np.zeros(values.shape, dtype=bool)
    hidden[0:2, 0:2] = True
    hidden[2:4, 2:4] = True
    hidden[0, 2] = True
    assert peel(values, hidden) == set()
    assert linear_recovery(values, hidden) == {(0, 2)}
    assert recoverable_cells(hidden) == [(0, 2)]


def test_only_sensitive_columns_are_suppressed_first():
    t = pd.DataFrame({"Sexual offences": [2, 40, 30], "Burglary": [1, 50, 60]},
                     index=["W1", "W2", "W3"])
    r = suppress(t, sensitive_columns=["Sexual offences"])
    assert bool(r.primary.loc["W1", "Sexual offences"])
    assert not r.primary["Burglary"].any()
    # Burglary's 1 is not itself sensitive, but is the cheapest cell to protect the 2.
    assert bool(r.suppressed.loc["W1", "Burglary"])
    values, hidden = full_grid(r)
    assert not linear_recovery(values, hidden)


def test_small_totals_are_hidden_too():
    t = pd.DataFrame({"A": [1, 20, 30], "B": [2, 25, 35]}, index=["W1", "W2", "W3"])
    r = suppress(t)
    # W1's total (3) is under 5 as well.
    assert bool(r.primary.loc["W1", "Total"])
    values, hidden = full_grid(r)
    assert not peel(values, hidden) and not linear_recovery(values, hidden)


def test_without_totals_shown_they_are_still_assumed_known():
    r = suppress(TABLE, totals=False)
    assert r.total_label is None
    assert list(r.display.columns) == ["A", "B", "C"]
    values, hidden = full_grid(r)
    assert hidden.sum() == 4 and not linear_recovery(values, hidden)


def test_zeros_and_markers():
    t = pd.DataFrame({"A": [0, 20, 30], "B": [12, 25, 35]}, index=["W1", "W2", "W3"])
    assert not suppress(t).suppressed.to_numpy().any()  # a zero is shown by default
    r = suppress(t, suppress_zeros=True, marker="*")
    assert r.display.loc["W1", "A"] == "*"
    assert r.zeros_suppressed


def test_long_input():
    frame = pd.DataFrame({"ward": ["W1", "W1", "W2", "W2", "W3"],
                          "type": ["A", "B", "A", "B", "A"], "count": [3, 20, 10, 30, 12]})
    r = suppress_long(frame, "ward", "type")
    assert r.values.loc["W3", "B"] == 0  # missing combination -> 0
    assert r.display.loc["W1", "A"] == "[c]"


def test_bad_input_is_one_sentence():
    t = pd.DataFrame({"A": [3, -1]}, index=["W1", "W2"])
    with pytest.raises(DataError) as err:
        suppress(t)
    assert str(err.value) == (
        "column 'A': the count in row 'W2' is -1, not a whole number of zero or more."
    )
    with pytest.raises(DataError) as err:
        suppress(pd.DataFrame({"A": [3, "few"]}, index=["W1", "W2"]))
    assert str(err.value) == (
        "column 'A': the count in row 'W2' is 'few', not a whole number of zero or more."
    )


def test_impossible_protection_is_an_error():
    # One column and known totals: every cell equals its row total, so nothing can be hidden.
    t = pd.DataFrame({"A": [3, 10, 12]}, index=["W1", "W2", "W3"])
    with pytest.raises(DataError, match="cannot be protected"):
        suppress(t, totals=False)
    # With the totals shown, hiding totals as well protects the table.
    r = suppress(t)
    values, hidden = full_grid(r)
    assert not linear_recovery(values, hidden)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    n_rows=st.integers(1, 6),
    n_cols=st.integers(1, 6),
    threshold=st.integers(2, 10),
    totals=st.booleans(),
    zeros=st.booleans(),
)
def test_no_suppressed_cell_is_ever_recoverable(data, n_rows, n_cols, threshold, totals, zeros):
    cells = data.draw(st.lists(st.integers(0, 25), min_size=n_rows * n_cols,
                               max_size=n_rows * n_cols))
    table = pd.DataFrame(np.array(cells).reshape(n_rows, n_cols),
                         index=[f"R{i}" for i in range(n_rows)],
                         columns=[f"C{j}" for j in range(n_cols)])
    try:
        r = suppress(table, threshold, totals=totals, suppress_zeros=zeros)
    except DataError:
        assume(False)  # only with hidden totals and a lone cell in a line: tested above
    values, hidden = full_grid(r)
    assert peel(values, hidden) == set()
    assert linear_recovery(values, hidden) == set()
    assert recoverable_cells(r.suppressed) == []
    # Every small count is hidden; hidden cells show the marker; the rest show the true count.
    small = (r.values > 0) & (r.values < threshold)
    if zeros:
        small |= r.values == 0
    assert not (small & ~r.suppressed).to_numpy().any()
    assert (r.primary <= r.suppressed).to_numpy().all()
    shown = r.display.to_numpy()
    assert (shown[r.suppressed.to_numpy()] == "[c]").all()
    assert (shown[~r.suppressed.to_numpy()] == r.values.to_numpy()[~r.suppressed.to_numpy()]).all()


# --------------------------------------------------------------------------------------------
# The audit: what an intruder gets from the shown cells, the totals and counts >= 0 (issue 14)


def integer_bounds(values: np.ndarray, hidden: np.ndarray) -> dict[tuple[int, int], tuple]:
    """The intruder, independently of the module: for each hidden cell, its smallest and
    largest WHOLE-NUMBER value (scipy's mixed-integer solver, not the module's LP) given the
    shown cells, every row and column adding up to its last cell, and counts >= 0."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cells = [tuple(map(int, rc)) for rc in np.argwhere(hidden)]
    index = {c: k for k, c in enumerate(cells)}
    n_rows, n_cols = values.shape
    rows, rhs = [], []
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    for line in lines:
        eq, known = np.zeros(len(cells)), 0
        for cell in line[:-1]:
            if cell in index:
                eq[index[cell]] += 1
            else:
                known += values[cell]
        total = line[-1]
        if total in index:
            eq[index[total]] -= 1
            target = -known
        else:
            target = values[total] - known
        if eq.any():
            rows.append(eq)
            rhs.append(target)
    out = {}
    for cell, k in index.items():
        ends = []
        for sense in (1, -1):
            c = np.zeros(len(cells))
            c[k] = sense
            res = milp(c, constraints=LinearConstraint(np.array(rows), rhs, rhs),
                       integrality=np.ones(len(cells)), bounds=Bounds(0, np.inf))
            ends.append(np.inf if res.status == 3 or res.x is None else round(sense * res.fun))
        out[cell] = tuple(ends)
    return out


def assert_protected(result) -> None:
    values, hidden = full_grid(result)
    primary = result.primary.to_numpy()
    if result.total_label is None:
        primary = np.pad(primary, ((0, 1), (0, 1)))
    for cell, (low, high) in integer_bounds(values, hidden).items():
        assert low < high, f"hidden cell {cell} is pinned to {low}"
        if primary[cell]:
            assert high - low >= result.protection, f"small cell {cell} only in [{low}, {high}]"
        assert low <= values[cell] <= high


def test_issue_table_whose_1_was_pinned_by_non_negativity():
    # Before the audit, the 1 was partnered by 36 and two zeros: with 0 + 0 + [c] + [c] = 0,
    # both zeros were certain, so the 1 was too. Now 38 stays shown and the 1's partners are
    # 36 (row), 37 (column), 29 and the zeros beside them. By hand: row 0 gives
    # x01 = 37 - x02; column 1, x11 = 36 - x01 = x02 - 1 >= 0; row 1, x10 = 29 - x11 = 30 - x02
    # >= 0: so the 1 can be anything from 1 to 30.
    r = suppress(pd.DataFrame([[38, 36, 1], [29, 0, 0], [0, 0, 37]]))
    assert r.display.to_numpy().tolist() == [
        [38, "[c]", "[c]", 75], ["[c]", "[c]", 0, 29], ["[c]", 0, "[c]", 37], [67, 36, 38, 141]]
    found = audit(r).set_index(["row", "column"])
    assert found.loc[(0, 2), ["lower", "upper"]].tolist() == [1.0, 30.0]
    assert found["protected"].all()
    assert_protected(r)


def test_issue_table_with_suppressed_zeros_gave_away_all_four():
    # With zeros hidden, the old pattern hid rows 0 and 1's zeros with 8 and 9 only: both
    # zeros sat alone against known column totals. Now rows 0 and 1 are hidden whole: by hand,
    # x01 (0) <= 7 by row 0, and 7 is reached with x00 = x02 = 0, x10 = 13, x11 = 1, x12 = 9.
    r = suppress(pd.DataFrame([[7, 0, 0], [6, 8, 9], [5, 9, 8]]), suppress_zeros=True)
    assert r.suppressed.to_numpy()[:2, :3].all() and not r.suppressed.to_numpy()[2:].any()
    found = audit(r).set_index(["row", "column"])
    assert found.loc[(0, 1), ["lower", "upper"]].tolist() == [0.0, 7.0]
    assert found.loc[(1, 1), ["lower", "upper"]].tolist() == [1.0, 8.0]
    assert found["protected"].all()
    assert_protected(r)


#: The sample's hate-crime strand records by ward and strand in 2020-21 Q4 (read from the
#: sample's extract, January to March 2021), kept here so the case stays fixed.
SAMPLE_HATE_CRIME = pd.DataFrame(
    {"Race": [1, 5, 5, 6, 5, 2, 3, 2, 2, 1, 2, 3],
     "Religion": [0, 1, 1, 0, 0, 1, 1, 2, 0, 0, 0, 0],
     "Sexual orientation": [0, 0, 2, 2, 1, 1, 0, 0, 1, 0, 2, 0],
     "Disability": [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
     "Transgender": [0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]},
    index=["Abbey", "Castle", "City Centre", "Dales", "Eastbrook", "Hillside", "Meadows",
           "Northgate", "Parkside", "Riverside", "Southfields", "Westfield"])


def test_the_samples_hate_crime_table_survives_the_audit():
    r = suppress(SAMPLE_HATE_CRIME)
    assert audit(r)["protected"].all()
    assert_protected(r)
    # Abbey's one record is Race: its Race cell and its total are hidden together, and each can
    # be anything from 0 to 12 (the zeros shown do not pin them).
    found = audit(r).set_index(["row", "column"])
    assert found.loc[("Abbey", "Race"), ["lower", "upper"]].tolist() == [0.0, 12.0]


def test_protection_level_is_a_parameter():
    r = suppress(pd.DataFrame([[38, 36, 1], [29, 0, 0], [0, 0, 37]]), protection=40)
    assert r.protection == 40
    assert audit(r)["protected"].all()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n_rows=st.integers(1, 5), n_cols=st.integers(1, 5),
       threshold=st.integers(2, 6), totals=st.booleans(), zeros=st.booleans(),
       density=st.floats(0.2, 0.8))
def test_the_audit_never_lets_a_cell_be_pinned(data, n_rows, n_cols, threshold, totals, zeros,
                                               density):
    # Sparse tables: each cell is 0 with probability 1 - density, else a count from 1 to 40.
    shape = n_rows * n_cols
    present = data.draw(st.lists(st.floats(0, 1), min_size=shape, max_size=shape))
    counts = data.draw(st.lists(st.integers(1, 40), min_size=shape, max_size=shape))
    cells = np.where(np.array(present) < density, counts, 0).reshape(n_rows, n_cols)
    table = pd.DataFrame(cells, index=[f"R{i}" for i in range(n_rows)],
                         columns=[f"C{j}" for j in range(n_cols)])
    try:
        r = suppress(table, threshold, totals=totals, suppress_zeros=zeros)
    except DataError:
        assume(False)  # a line with one cell and known totals: tested above
    assert_protected(r)
