"""Benchmark: loading 24 months of data.police.uk street files (Derbyshire, 2023-01 to 2024-12).

Reports, in one run, on the same zip (members read in place, never unpacked):

(a) cold load with ``pccanalysis.sources.police_uk.read_street`` (cache off): parse, checks,
    typed tidy frame, duplicate flags;
(b) warm load of the same call from the Parquet cache (filled once beforehand);
(c) raw ``pyarrow.csv.read_csv`` of every member, concatenated: the practical floor;
(d) the naive ``pd.concat([pd.read_csv(f) for f in files])`` most notebooks do;
(c2) for information, (c) with the files parsed in threads as (a) does, a stricter floor.

Each is run ``--repeat`` times and the best time is reported (the least disturbed by other work
on the machine), with the median beside it. Targets: a/c <= 1.5, a/d < 1, b < 0.3 s.

Run from the repository root::

    .venv/bin/python bench/bench_load.py

It needs the real data in ../shared and exits cleanly with a message when it is absent.
"""

from __future__ import annotations

import argparse
import io
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
        tables = [pacsv.read_csv(io.BytesIO(zf.read(n))) for n in _members(zip_path)]
    return pa.concat_tables(tables)


def raw_pyarrow_threads(zip_path: Path):
    """(c) with files parsed two at a time in threads, as read_street does: a fairer floor."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    with zipfile.ZipFile(zip_path) as zf, ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        tables = list(pool.map(lambda n: pacsv.read_csv(io.BytesIO(zf.read(n))), _members(zip_path)))
    return pa.concat_tables(tables)


def naive_pandas(zip_path: Path):
    import pandas as pd

    with zipfile.ZipFile(zip_path) as zf:
        return pd.concat([pd.read_csv(zf.open(n)) for n in _members(zip_path)], ignore_index=True)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP, help="data.police.uk street zip")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    args = parser.parse_args(argv)
    if not args.zip.exists():
        print(f"bench_load: skipped, the real data is absent ({args.zip} not found; it lives in "
              "../shared, outside the repository).")
        return 0

    from pccanalysis.sources.police_uk import read_street

    n_files = len(_members(args.zip))
    print(f"{args.zip.name}: {n_files} street files, {args.zip.stat().st_size / 1e6:.1f} MB zipped; "
          f"best of {args.repeat} runs (median in brackets)")

    c, c_med, table = timed(lambda: raw_pyarrow(args.zip), args.repeat)
    c2, c2_med, _ = timed(lambda: raw_pyarrow_threads(args.zip), args.repeat)
    a, a_med, (frame, dq) = timed(lambda: read_street(args.zip, cache_dir=False), args.repeat)
    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as cache_dir:
        read_street(args.zip, cache_dir=cache_dir)  # fill the cache
        b, b_med, (warm, _) = timed(lambda: read_street(args.zip, cache_dir=cache_dir), args.repeat)
    d, d_med, naive = timed(lambda: naive_pandas(args.zip), args.repeat)

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
