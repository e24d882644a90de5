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

Speeds are reported against a baseline timed in the same run on the same frame: the twelve
tables as a notebook author would write them without this package (pandas ``groupby`` counts
for each period, then a Python loop calling ``scipy.stats.binomtest`` per row for the
p-value, percent change and verdict). The baseline computes less than (b) (no ratio interval,
no gap caveat), so the ratio understates (b)'s advantage; its p-values are checked against
(b)'s.

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
    from pccanalysis.sources.geography import read_lad_lookup, read_lsoa_lookup
    from pccanalysis.sources.placing import attach_geography
    from pccanalysis.sources.police_uk.read import read_street

    if DERBYSHIRE.exists() and LSOA_LOOKUP.exists() and LAD_LOOKUP.exists():
        frame, _ = read_street(DERBYSHIRE, cache_dir=False)
        lsoa, lad = read_lsoa_lookup(LSOA_LOOKUP), read_lad_lookup(LAD_LOOKUP)
        source = f"Derbyshire, {DERBYSHIRE.name}"
    else:
        from pccanalysis.sample.write import write_sample

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


def notebook_tables(frame, comps, alpha=0.05):
    """The baseline: the twelve tables written directly with pandas and scipy."""
    import numpy as np
    import pandas as pd
    from scipy.stats import binomtest

    out = []
    for comp in comps:
        current = frame[frame["month"].isin(comp.current_months)]
        previous = frame[frame["month"].isin(comp.previous_months)]
        t1, t2 = len(comp.current_months), len(comp.previous_months)
        for by in GROUPINGS:
            # Every group seen in the frame gets a row, as in (b), zero in both periods included.
            groups = frame.groupby(by, observed=True).size().index
            table = pd.concat(
                {"current": current.groupby(by, observed=True).size(),
                 "previous": previous.groupby(by, observed=True).size()},
                axis=1,
            ).reindex(groups).fillna(0).astype("int64")
            p_values = []
            for x1, x2 in zip(table["current"], table["previous"], strict=True):
                n = int(x1 + x2)
                p_values.append(binomtest(int(x1), n, t1 / (t1 + t2)).pvalue if n else 1.0)
            table["p_value"] = p_values
            rate_ratio = (table["current"] / t1) / (table["previous"] / t2)
            table["percent"] = 100 * (rate_ratio - 1)
            table["verdict"] = np.where(table["p_value"] < alpha,
                                        np.where(rate_ratio > 1, "rose", "fell"), "similar")
            out.append(table.reset_index())
    return out


def max_p_difference(tables, baseline) -> float:
    """Largest |p| difference between (b) and the baseline over rows matched by group."""
    worst = 0.0
    for i, (table, base) in enumerate(zip(tables, baseline, strict=True)):
        by = GROUPINGS[i % len(GROUPINGS)]
        keys = [by] if isinstance(by, str) else list(by)
        left = table[keys + ["p_value"]].astype({k: "str" for k in keys})
        right = base[keys + ["p_value"]].astype({k: "str" for k in keys})
        merged = left.merge(right, on=keys, how="inner", suffixes=("", "_baseline"))
        if len(merged) != len(left) or len(merged) != len(right):
            raise AssertionError(f"table {i}: the baseline's rows are not (b)'s")
        worst = max(worst, float((merged["p_value"] - merged["p_value_baseline"]).abs().max()))
    return worst


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
    notebook_tables(frame, comps[:1])
    best_n, median_n, baseline = timed(lambda: notebook_tables(frame, comps), args.repeat)
    rows_n = sum(len(t) for t in baseline)
    print(f"baseline: the same {len(baseline)} tables ({rows_n:,} rows) with pandas groupby and "
          f"a scipy.stats.binomtest loop: best {best_n:.3f} s, median {median_n:.3f} s; "
          f"largest p-value difference from (b) {max_p_difference(tables, baseline):.1e}")
    print(f"(b) against the baseline: {best / best_n:.3f} of its time by best "
          f"({best_n / best:.1f}x faster), {median / median_n:.3f} by median")
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
