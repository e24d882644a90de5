"""Benchmark: every change table for every ward and crime type over 24 months of one force.

On the real Derbyshire street data (January 2023 to December 2024, 219,339 rows; wards from the
ONS LSOA lookup) when ../shared is present, else on the SYNTHETIC sample (36 months), it times:

(a) publication-gap detection by crime type (``find_gaps``);
(b) every change table: four comparisons (same quarter last year for the latest complete
    quarter, financial year to date, rolling 12 months, since a baseline month) x three
    groupings (ward x crime type, ward, crime type), each row with its exact test, ratio
    interval, verdict and gap caveat (``change_by``), straight from the row-per-crime frame;
(c) the same twelve tables from a pre-aggregated frame of monthly counts per ward and crime
    type (``count_column="count"``), the aggregation itself included;
(d) (b) with the briefing settings: over-dispersion estimated per row from its own months
    before the current period (``dispersion="estimate"``) and Holm-adjusted verdicts
    (``adjust="holm"``).

Ward names are grouped as written; the Derbyshire rows include some located in neighbouring
forces' wards, so there are more wards than Derbyshire has.

Loading the data is not timed (see bench_load.py). Each measurement is repeated ``--repeat``
times; the best and the median are reported. The issue's target: (b) well under a second.

Run from the repository root::

    .venv/bin/python bench/bench_indicators.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
DERBYSHIRE = SHARED / "police-uk" / "derbyshire-street-2023-01_2024-12.zip"
LSOA_LOOKUP = SHARED / "ons" / "lsoa11_ward19_lad19_lookup.csv"
LAD_LOOKUP = SHARED / "ons" / "lad19_csp19_pfa19_lookup.csv"


def load(tmp: Path):
    """The street frame with wards attached, and a description of where it came from."""
    from pccanalysis.sources.geography import attach_geography, read_lad_lookup, read_lsoa_lookup
    from pccanalysis.sources.police_uk import read_street

    if DERBYSHIRE.exists() and LSOA_LOOKUP.exists() and LAD_LOOKUP.exists():
        frame, _ = read_street(DERBYSHIRE, cache_dir=False)
        lsoa, lad = read_lsoa_lookup(LSOA_LOOKUP), read_lad_lookup(LAD_LOOKUP)
        source = f"Derbyshire, {DERBYSHIRE.name}"
    else:
        from pccanalysis.sample import write_sample

        paths = write_sample(tmp / "sample")
        frame, _ = read_street(paths["police_uk"], cache_dir=False)
        lsoa, lad = read_lsoa_lookup(paths["lsoa_lookup"]), read_lad_lookup(paths["lad_lookup"])
        source = "SYNTHETIC Northbridge sample (../shared absent)"
    return attach_geography(frame, lsoa, lad), source


def comparisons(months):
    from pccanalysis.indicators.change import (
        rolling_12_months,
        same_quarter_last_year,
        since_baseline,
        year_to_date,
    )
    from pccanalysis.periods import latest_complete_quarter

    quarter = latest_complete_quarter(months)
    end = quarter.last_month
    return [
        same_quarter_last_year(quarter),
        year_to_date(end),
        rolling_12_months(end),
        since_baseline(end - 5, end),
    ]


GROUPINGS = (["ward_name", "crime_type"], "ward_name", "crime_type")


def all_tables(frame, comps, gaps, count_column=None, **options):
    from pccanalysis.indicators.change import change_by

    return [
        change_by(frame, comp, by, gaps=gaps, count_column=count_column, **options)
        for comp in comps for by in GROUPINGS
    ]


def from_monthly(frame, comps, gaps):
    # A pre-aggregated frame as a spreadsheet would hold it: one row per month, ward and
    # crime type that has any crimes.
    monthly = (frame.groupby(["month", "ward_name", "crime_type"], observed=True).size()
               .rename("count").reset_index())
    return all_tables(monthly, comps, gaps, count_column="count")


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))

    from pccanalysis.indicators.gaps import find_gaps

    with tempfile.TemporaryDirectory() as tmp:
        frame, source = load(Path(tmp))
    months = frame["month"].unique()
    comps = comparisons(months)
    n_wards = frame["ward_name"].nunique()
    n_types = frame["crime_type"].nunique()
    print(f"data: {source}: {len(frame):,} rows, {len(months)} months "
          f"({min(months)} to {max(months)}), {n_wards} wards, {n_types} crime types")
    print("comparisons: " + "; ".join(
        f"{c.kind} ({c.current_label} against {c.previous_label})" for c in comps))

    best, median, gaps = timed(lambda: find_gaps(frame, "crime_type"), args.repeat)
    print(f"(a) gap detection by crime type: best {best:.3f} s, median {median:.3f} s "
          f"({len(gaps)} gap(s) flagged: "
          + ", ".join(f"{r.month} {r.crime_type}" for r in gaps.itertuples()) + ")")

    # Warm-up: the first call pays for imports and scipy's first use.
    all_tables(frame, comps[:1], gaps)
    best, median, tables = timed(lambda: all_tables(frame, comps, gaps), args.repeat)
    rows = sum(len(t) for t in tables)
    print(f"(b) {len(tables)} change tables, {rows:,} rows, from the row-per-crime frame: "
          f"best {best:.3f} s, median {median:.3f} s")
    best_m, median_m, _ = timed(lambda: from_monthly(frame, comps, gaps), args.repeat)
    print(f"(c) the same from monthly counts (aggregation included): best {best_m:.3f} s, "
          f"median {median_m:.3f} s")
    best_d, median_d, briefing = timed(
        lambda: all_tables(frame, comps, gaps, dispersion="estimate", adjust="holm"),
        args.repeat)
    print(f"(d) (b) with dispersion='estimate' and adjust='holm': best {best_d:.3f} s, "
          f"median {median_d:.3f} s")
    verdicts = tables[0]["verdict"].value_counts().to_dict()
    print(f"ward x crime type, {comps[0].kind}: verdicts {verdicts}; "
          f"{tables[0]['caveat'].notna().sum()} rows carry a gap caveat")
    verdicts_d = briefing[0]["verdict"].value_counts().to_dict()
    print(f"the same with the briefing settings: verdicts {verdicts_d} (median phi "
          f"{briefing[0]['dispersion'].median():.2f})")
    target = "met" if best < 1.0 else "NOT met"
    print(f"target (b) under 1 s: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
