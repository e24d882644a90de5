"""Benchmark: placing about 20 million street rows in wards, by LSOA lookup and by boundary.

The volume is the real Derbyshire rows in ../shared (219,339 rows, 2023-01 to 2024-12, with
2011 and 2021 LSOA codes) repeated to ``--rows`` (default 20,000,000, about a national year and
a half). Wards are the 2023 wards of the ONS 2021 lookup; polygons are Derbyshire's (176 wards).

Phases, each timed ``--repeat`` times (best shown)
    lookup     ``attach_geography`` with the LSOA 2011 -> 2021 bridge and LSOA populations
    boundary   the same plus point in polygon (``boundaries=``), shapely 2 STRtree
Baselines in the same run, so speeds read as ratios
    merge      a plain pandas merge of the rows' LSOA codes onto the 2021 lookup (no bridge,
               no CSP, no routes): the floor for the lookup route
    contains   shapely's ``contains_xy`` polygon by polygon over every point (no index): the
               straightforward point-in-polygon a user would write

Run from the repository root::

    .venv/bin/python bench/bench_placing.py                 # 20M rows
    .venv/bin/python bench/bench_placing.py --rows 2000000  # quicker

It exits cleanly with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from pccanalysis.sources.boundaries import read_boundaries
from pccanalysis.sources.geography import (
    read_lad_lookup,
    read_lsoa_bridge,
    read_lsoa_lookup,
    read_population,
)
from pccanalysis.sources.placing import attach_geography
from pccanalysis.sources.police_uk.read import read_street

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
ZIP = SHARED / "police-uk" / "derbyshire-street-2023-01_2024-12.zip"
ONS = SHARED / "ons"
WARDS = SHARED / "boundaries" / "ward25"


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not ZIP.exists():
        print(f"skipped: {ZIP} is absent (real data lives in ../shared)")
        return 0
    one, _ = read_street(ZIP, cache_dir=False)
    copies = -(-args.rows // len(one))
    frame = pd.concat([one] * copies, ignore_index=True).iloc[:args.rows]
    lookup = read_lsoa_lookup(ONS / "lsoa21_ward23_lad23_best_fit_lookup.csv")
    lads = read_lad_lookup(ONS / "lad24_csp24_pfa24_lookup.csv")
    bridge = read_lsoa_bridge(ONS / "lsoa11_lsoa21_lad22_exact_fit_lookup.csv")
    population = read_population(ONS / "lsoa21_population_mid2022.csv")
    wards = read_boundaries(WARDS, level="ward")
    print(f"{len(frame):,} rows ({copies} copies of Derbyshire's {len(one):,}); "
          f"{len(lookup):,} LSOAs in the lookup; {len(wards)} ward polygons")

    t_merge, merged = best_of(args.repeat, lambda: frame[["lsoa_code"]].merge(
        lookup[["lsoa_code", "ward_code"]], on="lsoa_code", how="left"))
    t_lookup, by_lookup = best_of(args.repeat, lambda: attach_geography(
        frame, lookup, lads, bridge=bridge, lsoa_population=population))
    t_boundary, by_boundary = best_of(args.repeat, lambda: attach_geography(
        frame, lookup, lads, bridge=bridge, lsoa_population=population, boundaries=wards))

    lon, lat = frame["longitude"].to_numpy(float), frame["latitude"].to_numpy(float)
    ok = np.isfinite(lon) & np.isfinite(lat)

    def contains():
        return sum(int(shapely.contains_xy(g, lon[ok], lat[ok]).sum()) for g in wards["geometry"])

    t_contains, inside = best_of(1, contains)
    placed = int(by_boundary["ward_route"].eq("boundary").sum())
    assert placed == inside, (placed, inside)  # the two methods agree (no edge points here)
    share_lookup = by_lookup["ward_code"].notna().mean()
    share_merge = merged["ward_code"].notna().mean()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{'phase':<10} {'best s':>8} {'ratio':>24}")
    print(f"{'merge':<10} {t_merge:8.2f} {'baseline':>24}")
    print(f"{'lookup':<10} {t_lookup:8.2f} {t_lookup / t_merge:>15.2f} x merge")
    print(f"{'contains':<10} {t_contains:8.2f} {'baseline':>24}")
    print(f"{'boundary':<10} {t_boundary:8.2f} {t_boundary / t_contains:>15.2f} x contains")
    print(f"rows in a ward: lookup route {share_lookup:.2%} (plain merge {share_merge:.2%}); "
          f"by boundary {placed:,} = contains_xy {inside:,}; peak RSS {rss:.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
