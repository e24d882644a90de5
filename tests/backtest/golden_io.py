"""Golden files for the backtests: CSV tables with a dtype sidecar, JSON records, the store.

A golden table is a CSV (every value as text, missing values written ``<NA>``, floats as their
shortest round-trip repr) beside a JSON sidecar naming each column's exact dtype, so a reviewer
can read a change in ``git diff`` and the test still compares with
``assert_frame_equal(check_dtype=True)``. Records (the loaders' DataQuality) are plain JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO_ROOT / "tests" / "data" / "golden"
REGEN_COMMAND = ".venv/bin/python -m pytest tests/backtest --regen-golden"
NA = "<NA>"
# Floats: tight relative tolerance and no absolute one, so tiny p-values are compared too.
RTOL = 1e-9


def is_ci(environ: Mapping[str, str]) -> bool:
    """True when the environment says this is a CI run (``CI`` set to true, 1 or yes)."""
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def regen_refusal(regen: bool, environ: Mapping[str, str]) -> str | None:
    """Why ``--regen-golden`` must not run here, or None when it may."""
    if regen and is_ci(environ):
        return ("--regen-golden was given in CI (CI is true): goldens are regenerated only by "
                "hand, and the diff reviewed, never in CI")
    return None


# --------------------------------------------------------------------------------------------
# Golden tables as CSV + dtype sidecar


def _encode_dtype(dtype) -> dict:
    if isinstance(dtype, pd.CategoricalDtype):
        if not all(isinstance(c, str) for c in dtype.categories):
            raise TypeError("golden tables support categories of text only")
        return {"dtype": "category", "ordered": bool(dtype.ordered),
                "categories_dtype": _encode_dtype(dtype.categories.dtype),
                "categories": [str(c) for c in dtype.categories]}
    if isinstance(dtype, pd.StringDtype):
        return {"dtype": "string", "storage": dtype.storage,
                "na_value": "nan" if dtype.na_value is not pd.NA else "NA"}
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):  # period[M], Int64, boolean, ...
        return {"dtype": str(dtype)}
    dtype = np.dtype(dtype)
    if dtype.kind in "biufMO":
        return {"dtype": str(dtype)}
    raise TypeError(f"golden tables do not support dtype {dtype}")


def _decode_dtype(spec: dict):
    kind = spec["dtype"]
    if kind == "string":
        na_value = np.nan if spec["na_value"] == "nan" else pd.NA
        return pd.StringDtype(spec["storage"], na_value=na_value)
    if kind == "category":
        cats = pd.Index(spec["categories"], dtype=_decode_dtype(spec["categories_dtype"]))
        return pd.CategoricalDtype(cats, ordered=spec["ordered"])
    return pd.api.types.pandas_dtype(kind)


def _cell(value, kind: str) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if kind == "f":
        return None if np.isnan(value) else repr(float(value))
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    text = str(value)
    if text == NA:
        raise ValueError(f"a value is the text {NA!r}, which golden CSVs use for missing values")
    return text


def frame_to_text(frame: pd.DataFrame) -> tuple[str, dict]:
    """The CSV text and the dtype sidecar of a frame with a default RangeIndex."""
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        raise ValueError("golden tables need a default RangeIndex (reset_index(drop=True))")
    if len(set(frame.columns)) != len(frame.columns):
        raise ValueError("golden tables need unique column names")
    columns, text = [], {}
    for name in frame.columns:
        col = frame[name]
        columns.append({"name": str(name)} | _encode_dtype(col.dtype))
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "x"
        text[str(name)] = [_cell(v, kind) for v in col.tolist()]
    out = pd.DataFrame(text, columns=[c["name"] for c in columns], dtype=object)
    csv = out.to_csv(index=False, na_rep=NA, lineterminator="\n")
    return csv, {"rows": len(frame), "columns": columns}


def sidecar_text(sidecar: dict) -> str:
    """The sidecar as JSON with one line per column, so a dtype change is a one-line diff."""
    lines = [json.dumps(c, ensure_ascii=False) for c in sidecar["columns"]]
    return ('{\n "rows": ' + json.dumps(sidecar["rows"]) + ',\n "columns": [\n  '
            + ",\n  ".join(lines) + "\n ]\n}\n")


def _column(values: list, dtype) -> pd.Series:
    """A column of the given dtype from its CSV texts (None where missing)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(values, dtype=dtype))
    if isinstance(dtype, pd.PeriodDtype):
        return pd.Series(pd.PeriodIndex(values, dtype=dtype))
    if isinstance(dtype, np.dtype):
        if dtype.kind == "b":
            return pd.Series(np.array([{"True": True, "False": False}[v] for v in values]))
        if dtype.kind == "M":
            return pd.Series(pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")).astype(dtype)
        if dtype.kind == "O":
            return pd.Series(values, dtype=object)
        if dtype.kind == "f":
            return pd.Series(np.array([np.nan if v is None else float(v) for v in values],
                                      dtype=dtype))
        return pd.Series(np.array([int(v) for v in values], dtype=dtype))
    if isinstance(dtype, pd.BooleanDtype):
        values = [None if v is None else {"True": True, "False": False}[v] for v in values]
    elif dtype.kind in "iu":  # Int64 and friends
        values = [None if v is None else int(v) for v in values]
    elif dtype.kind == "f":  # Float64
        values = [None if v is None else float(v) for v in values]
    return pd.Series(pd.array(values, dtype=dtype))


def frame_from_files(csv_path: Path, dtypes_path: Path) -> pd.DataFrame:
    """Read a golden table back with the dtypes its sidecar names."""
    sidecar = json.loads(dtypes_path.read_text(encoding="utf-8"))
    names = [c["name"] for c in sidecar["columns"]]
    raw = pd.read_csv(csv_path, dtype=object, keep_default_na=False, na_values=[NA],
                      skip_blank_lines=False)
    if list(raw.columns) != names:
        raise AssertionError(f"{csv_path.name}: columns {list(raw.columns)} differ from its "
                             f"sidecar's {names}")
    data = {}
    for spec in sidecar["columns"]:
        values = [None if isinstance(v, float) else v for v in raw[spec["name"]].tolist()]
        data[spec["name"]] = _column(values, _decode_dtype(spec))
    frame = pd.DataFrame(data, columns=names, index=pd.RangeIndex(len(raw)))
    if len(frame) != sidecar["rows"]:
        raise AssertionError(f"{csv_path.name}: {len(frame)} rows, its sidecar says "
                             f"{sidecar['rows']}")
    return frame.reset_index(drop=True)


def assert_same_table(result: pd.DataFrame, expected: pd.DataFrame, name: str) -> None:
    """Exact for everything but floats; floats to a relative 1e-9 (no absolute tolerance)."""
    pd.testing.assert_frame_equal(result, expected, check_dtype=True, check_exact=False,
                                  rtol=RTOL, atol=0.0, obj=name)
    exact = [c for c in result.columns if not pd.api.types.is_float_dtype(result[c].dtype)]
    pd.testing.assert_frame_equal(result[exact], expected[exact], check_dtype=True,
                                  check_exact=True, obj=name)


class GoldenStore:
    """Compare results with the committed golden files in ``directory``, or rewrite them.

    Parameters
    ----------
    directory : Path
        Where the golden files live.
    regen : bool
        Rewrite the files (and skip the test) instead of comparing.
    """

    def __init__(self, directory: Path, regen: bool) -> None:
        self.directory = Path(directory)
        self.regen = regen

    def _missing(self, path: Path) -> None:
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        pytest.fail(f"golden file {shown} is missing: create it with `{REGEN_COMMAND}`, then "
                    "review the git diff before committing", pytrace=False)

    def _regenerated(self, written: dict[Path, str]) -> None:
        changed = []
        for path, text in written.items():
            old = path.read_text(encoding="utf-8") if path.exists() else None
            if old != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed.append(path.name)
        what = f"rewrote {', '.join(changed)}" if changed else "no change"
        pytest.skip(f"golden regenerated: review the diff ({what})")

    def check_frame(self, name: str, result: pd.DataFrame) -> None:
        """``result`` equals the golden table ``<name>.csv`` (dtypes from ``<name>.dtypes.json``)."""
        csv_path = self.directory / f"{name}.csv"
        dtypes_path = self.directory / f"{name}.dtypes.json"
        if self.regen:
            csv, sidecar = frame_to_text(result)
            self._regenerated({csv_path: csv, dtypes_path: sidecar_text(sidecar)})
        for path in (csv_path, dtypes_path):
            if not path.exists():
                self._missing(path)
        assert_same_table(result, frame_from_files(csv_path, dtypes_path), name)

    def check_json(self, name: str, result) -> None:
        """``result`` (JSON-ready) equals the golden record ``<name>.json``."""
        path = self.directory / f"{name}.json"
        text = json.dumps(result, indent=1, ensure_ascii=False) + "\n"
        if self.regen:
            self._regenerated({path: text})
        if not path.exists():
            self._missing(path)
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert json.loads(text) == expected, f"{name}.json differs from the result"


def relative_paths(value, root: Path):
    """``value`` (a JSON-ready structure) with the sample folder written as ``<sample>``."""
    if isinstance(value, dict):
        return {k: relative_paths(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [relative_paths(v, root) for v in value]
    if isinstance(value, str) and str(root) in value:
        return value.replace(str(root), "<sample>").replace(os.sep, "/")
    return value
