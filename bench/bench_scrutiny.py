"""Benchmark: the outcome and stop-and-search indicators at national scale, against plain pandas.

Outcomes
    The real Derbyshire street rows (../shared, 24 months) are replicated under ``--forces``
    force identifiers (default 43, about 9.4 million rows: 24 of the national path's 36
    months, so 0.47 of its 20 million rows) into one in-memory frame with the columns the
    indicator reads (``month``, ``crime_type``, ``last_outcome``, the duplicate flags; the
    other columns play no part). Timed: every force's outcomes for the eight latest quarterly
    cohorts by crime type (:func:`pccanalysis.indicators.outcomes.cohort_outcomes`: per crime,
    eight groups, Wilson intervals), one force at a time as the briefing does, against a plain
    pandas ``groupby(["force", "quarter", "crime_type", "last_outcome"]).size()`` of the same
    rows mapped to the groups afterwards (no intervals). The group counts are checked equal.
Stop and search
    The synthetic sample's searches (pccanalysis.sample.stop_search, four draws) under
    ``--forces`` forces and 36 months, one frame: about 6,500 searches a force, 280,000 in all
    (England and Wales record about half a million a year, so this is about a sixth of three
    years; the briefing reads one force's, and its time is per force). Timed: for every force and the latest quarter, the find rate, children,
    removal, outcome rate, breakdowns by legislation and object, and the rates and
    disproportionality ratios by ethnic group with their exact intervals; against a plain pandas
    ``groupby(["force", "ethnic_group"]).size()`` plus the find-rate mean, without intervals.

Each measurement is repeated ``--repeat`` times; the best is reported with the ratio to its
baseline timed in the same run. Run from the repository root::

    .venv/bin/python bench/bench_scrutiny.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
DERBYSHIRE = REPO_ROOT.parent / "shared" / "data" / "police-uk" / \
    "derbyshire-street-2023-01_2024-12.zip"


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def street_frame(forces: int) -> pd.DataFrame:
    from pccanalysis.sources.police_uk.read import read_street

    one, _ = read_street(DERBYSHIRE, cache_dir=False)
    cols = ["month", "crime_type", "last_outcome", "duplicate_crime_id", "exact_duplicate"]
    one = one[cols]
    frame = pd.concat([one] * forces, ignore_index=True)
    frame["force"] = pd.Categorical(np.repeat([f"force-{i:02d}" for i in range(forces)],
                                              len(one)))
    frame["last_outcome"] = frame["last_outcome"].astype("category")
    return frame


def bench_outcomes(forces: int, repeat: int) -> None:
    from pccanalysis.indicators.outcomes import (
        OUTCOME_SCHEME,
        UNKNOWN,
        cohort_outcomes,
        cohort_quarters,
        crimes_once,
    )

    frame = street_frame(forces)
    as_of = frame["month"].max()
    quarters = cohort_quarters(frame["month"].min(), as_of)[-8:]
    print(f"Outcomes: {len(frame):,} street rows ({forces} forces x Derbyshire's 24 months), "
          f"cohorts {quarters[0].label} to {quarters[-1].label}")
    by_force = dict(tuple(frame.groupby("force", observed=True)))

    def ours():
        return {(f, q.label): cohort_outcomes(rows, q, as_of).groups.set_index("group")["count"]
                for f, rows in by_force.items() for q in quarters}

    months = {m: q.label for q in quarters for m in q.months}

    def plain():
        crimes = crimes_once(frame)
        crimes = crimes[crimes["month"].isin(months)]
        counts = crimes.groupby([crimes["force"], crimes["month"].map(months),
                                 crimes["crime_type"], crimes["last_outcome"]],
                                observed=True).size()
        out = counts.reset_index(name="n")
        out["group"] = out["last_outcome"].astype("str").map(OUTCOME_SCHEME).fillna(UNKNOWN)
        return out

    t_ours, got = best(ours, repeat)
    t_plain, base = best(plain, repeat)
    check = base.groupby(["force", "month", "group"], observed=True)["n"].sum()
    for (f, label), series in list(got.items())[:: max(1, len(got) // 20)]:
        for group, n in series.items():
            assert check.get((f, label, group), 0) == n, (f, label, group)
    print(f"  cohort_outcomes, {len(got):,} force-cohorts by crime type, Wilson intervals: "
          f"{t_ours:.2f} s")
    print(f"  plain pandas groupby (counts only):                         {t_plain:.2f} s")
    print(f"  ratio: {t_ours / t_plain:.2f} (counts equal on the checked cohorts)")


def search_frame(forces: int) -> pd.DataFrame:
    import tempfile

    from pccanalysis.sample.stop_search import write_stop_and_search
    from pccanalysis.sources.stop_search import read_searches

    frames = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(min(forces, 4)):  # four distinct draws, reused for the other forces
            write_stop_and_search(Path(tmp) / str(i), seed=i)
            frame, _, _ = read_searches(Path(tmp) / str(i) / "stop-and-search", cache_dir=False)
            frames.append(frame)
    out = []
    for i in range(forces):
        f = frames[i % len(frames)].copy()
        f["force"] = f"force-{i:02d}"
        out.append(f)
    frame = pd.concat(out, ignore_index=True)
    frame["force"] = frame["force"].astype("category")
    return frame


def bench_searches(forces: int, repeat: int) -> None:
    from pccanalysis.indicators import stop_search as ind
    from pccanalysis.sample.stop_search import POPULATION_SHARE

    frame = search_frame(forces)
    quarter = frame["month"].max()
    months = [quarter - 2, quarter - 1, quarter]
    recent = frame[frame["month"].isin(months)]
    population = {g: 270_000 * s for g, s in POPULATION_SHARE.items()}
    print(f"Stop and search: {len(frame):,} searches ({forces} forces x 36 months); "
          f"{len(recent):,} in the latest quarter")
    by_force = dict(tuple(recent.groupby("force", observed=True)))

    def ours():
        out = {}
        for f, rows in by_force.items():
            out[f] = (ind.find_rate(rows), ind.children(rows), ind.removal(rows),
                      ind.outcome_rate(rows), ind.breakdown(rows, "legislation"),
                      ind.breakdown(rows, "object_of_search"),
                      ind.ethnicity_rates(rows, population))
        return out

    def plain():
        groups = ind.ethnic_groups(recent)["ethnic_group"]
        counts = recent.groupby([recent["force"], groups], observed=True).size()
        found = recent.groupby("force", observed=True)[
            "outcome_linked_to_object_of_search"].mean()
        return counts, found

    t_ours, got = best(ours, repeat)
    t_plain, (counts, _) = best(plain, repeat)
    for f, result in got.items():
        table = result[-1].set_index("ethnic_group")["searches"]
        for g, n in table.items():
            assert counts.get((f, g), 0) == n, (f, g)
    print(f"  every force's scrutiny figures with intervals and ratios: {t_ours:.2f} s")
    print(f"  plain pandas groupby (counts and a mean, no intervals):   {t_plain:.2f} s")
    print(f"  ratio: {t_ours / t_plain:.2f} (counts by ethnic group equal for every force)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forces", type=int, default=43)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if DERBYSHIRE.exists():
        bench_outcomes(args.forces, args.repeat)
    else:
        print(f"Outcomes skipped: {DERBYSHIRE} is absent.")
    bench_searches(args.forces, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
