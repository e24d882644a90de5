"""The golden-file machinery itself: exact round trip, what counts as a difference, a missing
golden fails, regeneration only with the flag (reported as skipped) and never in CI."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from backtest.golden_io import (
    GOLDEN_DIR,
    REGEN_COMMAND,
    GoldenStore,
    frame_from_files,
    frame_to_text,
    regen_refusal,
    sidecar_text,
)


def _every_dtype() -> pd.DataFrame:
    return pd.DataFrame({
        "i": np.array([1, -2, 3_000_000_000], dtype="int64"),
        "f": [0.1 + 0.2, math.nan, 2.631704e-242],
        "inf": [math.inf, -math.inf, 1e300],
        "b": [True, False, True],
        "s": pd.Series(["plain", None, 'a "quoted", comma\nand newline'], dtype="str"),
        "empty": pd.Series(["", "x", ""], dtype="str"),
        "cat": pd.Categorical(["Drugs", "Robbery", "Drugs"], categories=["Robbery", "Drugs", "Unused"],
                              ordered=True),
        "month": pd.PeriodIndex(["2020-04", None, "2021-03"], freq="M"),
        "day": pd.to_datetime(["2020-04-01", "2020-04-02 13:45", None], format="ISO8601"),
        "obj": pd.Series([None, "2020-10 gap", None], dtype=object),
        "n": pd.array([1, None, 3], dtype="Int64"),
        "flag": pd.array([True, None, False], dtype="boolean"),
    })


def _write(tmp_path, frame: pd.DataFrame, name: str = "t"):
    csv, sidecar = frame_to_text(frame)
    (tmp_path / f"{name}.csv").write_text(csv, encoding="utf-8")
    (tmp_path / f"{name}.dtypes.json").write_text(sidecar_text(sidecar), encoding="utf-8")
    return tmp_path / f"{name}.csv", tmp_path / f"{name}.dtypes.json"


def test_every_dtype_round_trips_exactly(tmp_path):
    frame = _every_dtype()
    back = frame_from_files(*_write(tmp_path, frame))
    pd.testing.assert_frame_equal(back, frame, check_dtype=True, check_exact=True)


def test_missing_values_are_written_na_and_floats_in_full(tmp_path):
    csv_path, _ = _write(tmp_path, _every_dtype())
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "i,f,inf,b,s,empty,cat,month,day,obj,n,flag"
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: written in full, not rounded.
    assert lines[1].startswith("1,0.30000000000000004,inf,True,plain,,Drugs,2020-04,")
    assert "-2,<NA>,-inf,False,<NA>,x,Robbery,<NA>," in lines[2]


def test_the_text_na_cannot_be_a_value():
    with pytest.raises(ValueError, match="<NA>"):
        frame_to_text(pd.DataFrame({"s": pd.Series(["<NA>"], dtype="str")}))


def test_a_frame_with_another_index_is_refused():
    with pytest.raises(ValueError, match="RangeIndex"):
        frame_to_text(pd.DataFrame({"x": [1, 2]}, index=[5, 6]))


def _table(**changes) -> pd.DataFrame:
    table = pd.DataFrame({"ward": pd.Series(["Abbey", "Dales"], dtype="str"),
                          "count": np.array([10, 20], dtype="int64"),
                          "p_value": [1e-20, 0.5]})
    return table.assign(**changes)


@pytest.fixture
def store(tmp_path) -> GoldenStore:
    _write(tmp_path, _table(), "table")
    return GoldenStore(tmp_path, regen=False)


def test_the_same_table_passes(store):
    store.check_frame("table", _table())


def test_floats_within_a_relative_1e_9_pass(store):
    # 0.5 * (1 + 1e-12) differs by 5e-13, far inside rtol 1e-9.
    store.check_frame("table", _table(p_value=[1e-20 * (1 + 1e-12), 0.5 * (1 + 1e-12)]))


@pytest.mark.parametrize("changes", [
    {"p_value": [2e-20, 0.5]},  # tiny p-value doubled: no absolute tolerance hides it
    {"p_value": [1e-20, 0.5 * (1 + 1e-8)]},  # relative difference 1e-8 > 1e-9
    {"count": np.array([10, 21], dtype="int64")},  # counts are exact
    {"count": np.array([10.0, 20.0])},  # same numbers, float64 instead of int64
    {"ward": pd.Series(["Abbey", "Dales"], dtype=object)},  # object instead of str
    {"ward": pd.Categorical(["Abbey", "Dales"])},  # category instead of str
    {"extra": [1, 2]},  # a new column
], ids=["tiny-p", "rel-1e-8", "count", "int-to-float", "str-to-object", "str-to-category",
        "new-column"])
def test_a_difference_fails(store, changes):
    with pytest.raises(AssertionError):
        store.check_frame("table", _table(**changes))


def test_a_missing_golden_fails_with_the_command_and_writes_nothing(tmp_path):
    with pytest.raises(pytest.fail.Exception) as info:
        GoldenStore(tmp_path, regen=False).check_frame("absent", _table())
    assert "golden file" in str(info.value) and "absent.csv is missing" in str(info.value)
    assert REGEN_COMMAND in str(info.value)
    with pytest.raises(pytest.fail.Exception, match="absent.json is missing"):
        GoldenStore(tmp_path, regen=False).check_json("absent", {"a": 1})
    assert list(tmp_path.iterdir()) == []


def test_regeneration_writes_the_files_and_skips(tmp_path):
    regen = GoldenStore(tmp_path, regen=True)
    with pytest.raises(pytest.skip.Exception, match="golden regenerated: review the diff"):
        regen.check_frame("t", _table())
    with pytest.raises(pytest.skip.Exception, match="golden regenerated: review the diff"):
        regen.check_json("r", {"rows_read": 3})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "t.csv", "t.dtypes.json"]
    # A second regeneration with the same result is still a skip, never a pass.
    with pytest.raises(pytest.skip.Exception, match=r"\(no change\)"):
        regen.check_frame("t", _table())
    compare = GoldenStore(tmp_path, regen=False)
    compare.check_frame("t", _table())
    compare.check_json("r", {"rows_read": 3})
    with pytest.raises(AssertionError):
        compare.check_json("r", {"rows_read": 4})


@pytest.mark.parametrize("regen, environ, refused", [
    (True, {"CI": "true"}, True),
    (True, {"CI": "1"}, True),
    (True, {"CI": "TRUE"}, True),
    (True, {}, False),
    (True, {"CI": "false"}, False),
    (False, {"CI": "true"}, False),
])
def test_regeneration_is_refused_when_ci_is_true(regen, environ, refused):
    assert (regen_refusal(regen, environ) is not None) is refused


def test_the_regen_flag_is_off_in_ci(pytestconfig):
    regen = bool(pytestconfig.getoption("regen_golden", default=False))
    refusal = regen_refusal(regen, {"CI": os.environ.get("CI", "")})  # only CI, never the rest
    assert refusal is None, refusal


def test_goldens_are_small_and_every_table_has_its_dtypes():
    files = [p for p in GOLDEN_DIR.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 200_000
    tables = {p.name.removesuffix(".csv") for p in files if p.suffix == ".csv"}
    sidecars = {p.name.removesuffix(".dtypes.json") for p in files
                if p.name.endswith(".dtypes.json")}
    assert tables == sidecars
