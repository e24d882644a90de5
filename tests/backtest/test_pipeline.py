"""Golden backtest: the whole pipeline on the SYNTHETIC sample (seed 2021) against committed tables.

Each test runs the loaders and one indicator with its default options on the fixed input and
compares the table with tests/data/golden/<name>.csv (dtypes in <name>.dtypes.json) by
``assert_frame_equal(check_dtype=True)``, floats to a relative 1e-9. The expected values are
not worked out by hand: they are what the pipeline gave when the goldens were last reviewed
(tests/data/golden/README.md). A failure means a result changed; if the change is intended,
regenerate with ``.venv/bin/python -m pytest tests/backtest --regen-golden`` and review the
git diff before committing.

The only non-default arguments are inputs, not options: the periods, the pipeline's own gap
table (so caveats are covered, in the words :func:`pccanalysis.narrative.gaps.caveat_text`
gives them), ``improvement="decrease"`` for the SPC charts of crime and ASB
(fewer is better, as the briefing draws them) and the filters that pick an area, a quarter or a
crime type.
"""

from __future__ import annotations

import pandas as pd
import pytest
from backtest.golden_io import relative_paths

from pccanalysis.indicators.counts import ASB, all_crime, month_counts
from pccanalysis.periods import parse_quarter
from pccanalysis.sample.data import SAMPLE_AREA as AREA

QUARTER = parse_quarter("2020-21 Q4")  # the sample's latest quarter
LAST_MONTH = "2021-03"


@pytest.fixture(scope="module")
def victims(sample, area_frame):
    from pccanalysis.sources.victims import read_hate_crime_victims

    wards = sorted(area_frame["ward_name"].dropna().unique().tolist())
    return read_hate_crime_victims(sample["hate_crime_victims"], wards=wards)


@pytest.fixture(scope="module")
def trackers(sample):
    from pccanalysis.sources.tracker.read import read_tracker

    q4 = read_tracker(sample["tracker_q4"], quarter="2020-21 Q4")
    q3 = read_tracker(sample["tracker_q3"], quarter="2020-21 Q3")
    return q4, q3


@pytest.fixture(scope="module")
def indicator_tables(sample):
    from pccanalysis.sources.indicator_tables import read_indicator_tables

    return read_indicator_tables([sample["missing_persons"], sample["suicide"], sample["iom"]])


# --------------------------------------------------------------------------------------------
# Counts and gaps


def test_counts_by_month_and_crime_type(golden, area_frame):
    golden.check_frame("counts_month_crime_type", month_counts(area_frame, "crime_type"))


def test_counts_by_month_and_ward(golden, area_frame):
    golden.check_frame("counts_month_ward", month_counts(area_frame, "ward_name"))


def test_publication_gaps(golden, gaps):
    golden.check_frame("gaps", gaps)


# --------------------------------------------------------------------------------------------
# Change on the same quarter last year and year to date


def _comparison(which: str):
    from pccanalysis.indicators.change import same_quarter_last_year, year_to_date

    return same_quarter_last_year(QUARTER) if which == "q4" else year_to_date(LAST_MONTH)


def _worded(table: pd.DataFrame) -> pd.DataFrame:
    """A change_by table with each row's caveat in words, as the golden file holds it."""
    from pccanalysis.narrative.gaps import caveat_text

    return table.assign(caveat=[caveat_text(c) for c in table["caveat"]])


@pytest.mark.parametrize("which", ["q4", "ytd"])
def test_change_by_crime_type(golden, area_frame, gaps, which):
    from pccanalysis.indicators.change import change_by

    table = change_by(area_frame, _comparison(which), "crime_type", gaps=gaps)
    golden.check_frame(f"change_{which}_crime_type", _worded(table))


@pytest.mark.parametrize("which", ["q4", "ytd"])
def test_change_by_ward(golden, area_frame, gaps, which):
    from pccanalysis.indicators.change import change_by

    table = change_by(all_crime(area_frame), _comparison(which), "ward_name", gaps=gaps)
    golden.check_frame(f"change_{which}_ward", _worded(table))


# --------------------------------------------------------------------------------------------
# SPC (XmR) charts of all crime and ASB


@pytest.fixture(scope="module")
def spc_results(area_frame):
    from pccanalysis.indicators.spc import spc

    series = {"All crime": all_crime(area_frame),
              ASB: area_frame[area_frame["crime_type"] == ASB]}
    return {name: spc(month_counts(frame), value="count", period="month", improvement="decrease")
            for name, frame in series.items()}


def _stack(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([p.assign(series=name)[["series", *p.columns]] for name, p in parts.items()],
                     ignore_index=True).astype({"series": "str"})


def test_spc_points(golden, spc_results):
    golden.check_frame("spc_points", _stack({k: r.frame for k, r in spc_results.items()}))


def test_spc_segments(golden, spc_results):
    golden.check_frame("spc_segments", _stack({k: r.segments for k, r in spc_results.items()}))


def test_spc_readings(golden, spc_results):
    rows = [{"series": name, "latest_period": r.latest_period, "latest_value": r.latest_value,
             "variation": r.variation, "variation_label": r.variation_label,
             "assurance": r.assurance, "trial": r.trial, "n_special_cause":
             int(r.frame["special_cause"].sum())} for name, r in spc_results.items()]
    table = pd.DataFrame(rows).astype({"latest_period": "period[M]", "latest_value": "float64",
                                       "assurance": "str"})
    golden.check_frame("spc_readings", table)


# --------------------------------------------------------------------------------------------
# Partnership targets


@pytest.fixture(scope="module")
def targets(sample):
    from pccanalysis.sources.targets import read_targets

    return read_targets(sample["targets"])


def test_targets_as_read(golden, targets):
    table = pd.DataFrame([vars(t) for t in targets])
    golden.check_frame("targets", table)


PROGRESS_FIELDS = [
    "comparison", "baseline_label", "current_label", "baseline_count", "baseline_value",
    "current_value", "percent_change", "percent_change_low", "percent_change_high", "ratio",
    "ratio_low", "ratio_high", "p_value", "verdict", "alpha", "target_value", "deadline_label",
    "elapsed_fraction", "needed_percent_by_now", "trajectory_value_now", "status",
    "past_deadline", "monthly_target", "assurance", "assurance_label",
]


def test_target_progress(golden, area_frame, targets):
    from pccanalysis.indicators.targets import target_progress

    rows = []
    # Targets on police data only; the repeat-victim target is on a local extract, which the
    # briefing reports with that extract.
    for t in (t for t in targets if t.source == "police_uk"):
        frame = (all_crime(area_frame) if t.indicator == "All crime"
                 else area_frame[area_frame["crime_type"] == t.indicator])
        p = target_progress(t, month_counts(frame), value="count", period="month")
        rows.append({"name": t.name} | {f: getattr(p, f) for f in PROGRESS_FIELDS})
    assert [r["name"] for r in rows] == ["Crime", "ASB"]
    golden.check_frame("target_progress", pd.DataFrame(rows))


# --------------------------------------------------------------------------------------------
# Repeat victims of hate crime


def test_repeat_victims_by_quarter(golden, victims):
    from pccanalysis.indicators.repeats import repeat_victims

    golden.check_frame("repeat_victims", repeat_victims(victims[0], freq="quarter"))


def test_hate_crime_by_ward_and_strand_after_suppression(golden, victims):
    from pccanalysis.indicators.disclosure import suppress_long

    frame = victims[0]
    in_quarter = frame[frame["month"].isin(QUARTER.months)]
    sup = suppress_long(in_quarter, "ward", "strand", count_column=None)
    # One row per cell of the published table (totals included), read across.
    long = pd.DataFrame({
        "row": [r for r in sup.values.index for _ in sup.values.columns],
        "column": [c for _ in sup.values.index for c in sup.values.columns],
        "value": sup.values.to_numpy().ravel(),
        "primary": sup.primary.to_numpy().ravel(),
        "suppressed": sup.suppressed.to_numpy().ravel(),
        "display": [str(v) for v in sup.display.to_numpy().ravel()],
    }).astype({"row": "str", "column": "str", "display": "str"})
    golden.check_frame("hate_crime_ward_strand_suppressed", long)


# --------------------------------------------------------------------------------------------
# Delivery-plan tracker


@pytest.fixture(scope="module")
def tracker_summary(trackers):
    from pccanalysis.indicators.delivery_plan import summarise_tracker

    (q4, _), (q3, _) = trackers
    return summarise_tracker(q4.deliverables, q4.updates, "2020-21 Q4", previous=q3.deliverables)


def test_tracker_status_key(golden, tracker_summary):
    golden.check_frame("tracker_status_key", tracker_summary.key)


def test_tracker_movement(golden, tracker_summary):
    golden.check_frame("tracker_movement", tracker_summary.movement)


def test_tracker_rating(golden, tracker_summary):
    r = tracker_summary.rating
    table = pd.DataFrame([{"label": r.label, "green_percent": r.green_percent,
                           "red_percent": r.red_percent, "denominator": r.denominator,
                           "total": tracker_summary.total, "quarter": tracker_summary.quarter}])
    golden.check_frame("tracker_rating", table)


# --------------------------------------------------------------------------------------------
# Indicator tables (local extracts): what the loader read, summarised per series


def test_indicator_tables_summary(golden, indicator_tables):
    table = indicator_tables[0]
    keys = ["indicator", "area", "period_kind", "breakdown"]
    summary = (
        table.groupby(keys, observed=True, sort=True, dropna=False)
        .agg(rows=("value", "size"), first_month=("period_start", "min"),
             last_month=("period_end", "max"), value_sum=("value", "sum"),
             values_missing=("value", lambda v: int(v.isna().sum())))
        .reset_index()
    )
    golden.check_frame("indicator_tables_summary", summary)


# --------------------------------------------------------------------------------------------
# DataQuality records of every loader


def test_data_quality_records(golden, sample, street, victims, trackers, indicator_tables):
    records = {
        "data.police.uk street (geography attached)": street[1],
        "hate-crime victims": victims[1],
        "tracker 2020-21 Q4": trackers[0][1],
        "tracker 2020-21 Q3": trackers[1][1],
        "indicator tables": indicator_tables[1],
    }
    for dq in records.values():
        dq.check()  # every input row accounted for
    out = {name: relative_paths(dq.to_dict(), sample.root) for name, dq in records.items()}
    golden.check_json("data_quality", out)


def test_the_area_is_the_sample_csp(area_frame):
    # Guards the filter the ward tables rest on: every kept row is in one of the 12 wards.
    assert set(area_frame["csp_name"]) == {AREA}
    assert area_frame["ward_name"].nunique() == 12
