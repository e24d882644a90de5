"""Benchmark: loading 24 months of data.police.uk street files (Derbyshire, 2023-01 to 2024-12).

Reports, in one run, on the same zip (members read in place, never unpacked):

(a) cold load with ``pccanalysis.sources.police_uk.read.read_street`` (cache off): parse, checks,
    typed tidy frame, duplicate flags;
(b) warm load of the same call from the Parquet cache (filled once beforehand);
(c) raw ``pyarrow.csv.read_csv`` of every member, concatenated: the practical floor;
(d) the naive ``pd.concat([pd.read_csv(f) for f in files])`` most notebooks do;
(c2) for information, (c) with the files parsed in threads as (a) does, a stricter floor.

Each is run ``--repeat`` times, in turn (round robin), and the best time is reported (the least
disturbed by other work on the machine), with the median beside it. Targets: a/c <= 1.5, a/d < 1, b < 0.3 s.

Run from the repository root::

    .venv/bin/python bench/bench_load.py

It needs the real data in ../shared and exits cleanly with a message when it is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ZIP = (
    REPO_ROOT.parent / "shared" / "data" / "police-uk" / "derbyshire-street-2023-01_2024-12.zip"
)


def _members(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return [n for n in zf.namelist() if n.endswith("-street.csv")]


def raw_pyarrow(zip_path: Path):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with zipfile.ZipFile(zip_path) as zf:
        tables = [pacsv.read_csv(pa.py_buffer(zf.read(n))) for n in _members(zip_path)]
    return pa.concat_tables(tables)


def raw_pyarrow_threads(zip_path: Path):
    """(c) with files parsed in threads, as read_street does: a stricter floor."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    with zipfile.ZipFile(zip_path) as zf, ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        tables = list(pool.map(lambda n: pacsv.read_csv(pa.py_buffer(zf.read(n))), _members(zip_path)))
    return pa.concat_tables(tables)


def naive_pandas(zip_path: Path):
    import pandas as pd

    with zipfile.ZipFile(zip_path) as zf:
        return pd.concat([pd.read_csv(zf.open(n)) for n in _members(zip_path)], ignore_index=True)


def interleaved(jobs: dict[str, object], repeat: int) -> dict[str, tuple[float, float, object]]:
    """Best and median seconds of each job, run in turn ``repeat`` times (round robin, so a
    burst of other work on the machine falls on every job alike)."""
    times: dict[str, list[float]] = {k: [] for k in jobs}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in jobs.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {k: (min(v), statistics.median(v), results[k]) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP, help="data.police.uk street zip")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    args = parser.parse_args(argv)
    if not args.zip.exists():
        print(f"bench_load: skipped, the real data is absent ({args.zip} not found; it lives in "
              "../shared, outside the repository).")
        return 0

    from pccanalysis.sources.police_uk.read import read_street

    n_files = len(_members(args.zip))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPU cores, load average {load:.2f} before the run (other work "
          "on the machine slows every line alike)")
    print(f"{args.zip.name}: {n_files} street files, {args.zip.stat().st_size / 1e6:.1f} MB zipped; "
          f"best of {args.repeat} runs (median in brackets)")

    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as cache_dir:
        read_street(args.zip, cache_dir=cache_dir)  # fill the cache
        runs = interleaved(
            {
                "a": lambda: read_street(args.zip, cache_dir=False),
                "b": lambda: read_street(args.zip, cache_dir=cache_dir),
                "c": lambda: raw_pyarrow(args.zip),
                "d": lambda: naive_pandas(args.zip),
                "c2": lambda: raw_pyarrow_threads(args.zip),
            },
            args.repeat,
        )
    (a, a_med, (frame, dq)), (b, b_med, (warm, _)) = runs["a"], runs["b"]
    (c, c_med, table), (d, d_med, naive), (c2, c2_med, _) = runs["c"], runs["d"], runs["c2"]

    assert len(frame) == table.num_rows == len(naive) == len(warm) == dq.rows_read
    rows = [
        ("(a) cold load, pccanalysis (no cache)", a, a_med),
        ("(b) warm load from the Parquet cache", b, b_med),
        ("(c) raw pyarrow.csv parse (floor)", c, c_med),
        ("(d) naive pandas read_csv + concat", d, d_med),
        ("(c2) raw pyarrow.csv, files in threads", c2, c2_med),
    ]
    print(f"{len(frame):,} rows")
    for label, best, med in rows:
        print(f"  {label:<42} {best:7.3f} s  ({med:.3f} s)")
    print(f"  a/c = {a / c:.2f}   (target <= 1.5)")
    print(f"  a/d = {a / d:.2f}   (target < 1)")
    print(f"  b   = {b:.3f} s (target < 0.3 s)")
    print(f"  a/c2 = {a / c2:.2f} (information: against a floor that also uses threads)")
    ok = a / c <= 1.5 and a < d and b < 0.3
    print("all targets met" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
