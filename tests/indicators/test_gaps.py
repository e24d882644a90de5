"""Tests for pccanalysis.indicators.gaps: publication-gap detection."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pccanalysis.indicators.gaps import Gap, find_gaps, gap_records, touches_gap

MONTHS = pd.period_range("2020-01", "2020-12", freq="M")


def series(counts: dict[str, list[int]]) -> pd.DataFrame:
    """Pre-aggregated monthly counts, January to December 2020, one list per category."""
    rows = [
        (m, cat, n) for cat, values in counts.items() for m, n in zip(MONTHS, values, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "count"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def test_a_month_at_a_third_is_flagged_and_a_month_at_half_is_not():
    frame = series({
        # June at 30 against 100 everywhere else: expected = median of the 11 other months
        # (only 11 exist) = 100; ratio 0.30 < 0.4 and P(X <= 30 | 100) is about 1e-15.
        "ASB": [100] * 5 + [30] + [100] * 6,
        # June at 50: ratio 0.5 is not below 0.4, so not a gap (seasonal dips get that low).
        "Burglary": [100] * 5 + [50] + [100] * 6,
    })
    gaps = find_gaps(frame, count_column="count")
    assert gaps[["month", "crime_type", "count", "expected", "ratio"]].astype(str).values.tolist() == [
        ["2020-06", "ASB", "30", "100.0", "0.3"],
    ]
    assert gaps["p_value"].iloc[0] < 1e-12


def test_zero_in_a_small_category_needs_the_poisson_tail():
    frame = series({
        # Usually 3 a month: a zero has P(X = 0 | 3) = e^-3 = 0.0498, not below 0.001: not flagged.
        "Robbery": [3] * 7 + [0] + [3] * 4,
        # Usually 10: P(X = 0 | 10) = e^-10 = 4.5e-5 < 0.001: flagged.
        "Drugs": [10] * 7 + [0] + [10] * 4,
    })
    gaps = find_gaps(frame, count_column="count")
    assert gaps["crime_type"].tolist() == ["Drugs"]
    assert gaps["p_value"].iloc[0] == pytest.approx(math.exp(-10))


def test_a_month_with_no_rows_counts_as_zero():
    # Row-per-crime frame: 20 ASB rows in each month except April, which has none at all.
    months = [m for m in MONTHS if str(m) != "2020-04" for _ in range(20)]
    frame = pd.DataFrame({"month": pd.PeriodIndex(months, freq="M"), "crime_type": "ASB"})
    gaps = find_gaps(frame)
    assert gaps["month"].astype(str).tolist() == ["2020-04"]
    assert gaps["count"].tolist() == [0]
    assert gaps["expected"].tolist() == [20.0]


def test_rises_are_not_gaps():
    frame = series({"ASB": [100] * 5 + [400] + [100] * 6})
    assert find_gaps(frame, count_column="count").empty


def test_previous_window_needs_enough_history():
    frame = series({"ASB": [0, 100, 100, 100, 100, 100, 100, 30, 100, 100, 100, 100]})
    # Looking back only: January has no history and is not judged; August (30) has 7 months
    # before it, median 100: flagged.
    back = find_gaps(frame, count_column="count", centred=False)
    assert back["month"].astype(str).tolist() == ["2020-08"]
    # Centred: January is judged against the 11 later months (median 100) and is flagged too.
    both = find_gaps(frame, count_column="count")
    assert both["month"].astype(str).tolist() == ["2020-01", "2020-08"]


def test_all_months_shows_every_judgement():
    frame = series({"ASB": [100] * 5 + [30] + [100] * 6})
    every = find_gaps(frame, count_column="count", all_months=True)
    assert len(every) == 12
    assert every["flagged"].sum() == 1


def test_touches_gap_and_its_records():
    # The caveat's words are tests/narrative/test_gaps.py's.
    frame = series({"ASB": [1500] * 10 + [0] + [1500], "Burglary": [300] * 12})
    gaps = find_gaps(frame, count_column="count")
    nov = [pd.Period("2020-11", freq="M")]
    assert len(touches_gap(gaps, nov)) == 1
    assert touches_gap(gaps, nov, crime_type="Burglary").empty
    assert touches_gap(gaps, MONTHS[:6]).empty
    assert gap_records(touches_gap(gaps, nov, crime_type="ASB")) == [
        Gap(pd.Period("2020-11", freq="M"), ("ASB",), 0.0, 1500.0)
    ]


def test_a_gap_known_only_as_a_month_has_no_counts():
    # a force's file that was never published: month and category only
    missing = pd.DataFrame({"month": pd.PeriodIndex(["2024-06"], freq="M"),
                            "force": ["force-one"]})
    assert gap_records(missing) == [Gap(pd.Period("2024-06", freq="M"), ("force-one",))]
    unusual = missing.assign(count=[3], expected=[float("nan")])
    assert gap_records(unusual) == [Gap(pd.Period("2024-06", freq="M"), ("force-one",))]


def test_bad_settings_are_refused():
    frame = series({"ASB": [1] * 12})
    with pytest.raises(ValueError, match="ratio_threshold"):
        find_gaps(frame, count_column="count", ratio_threshold=2)


def test_derbyshire_november_2024_asb_is_the_only_gap(derbyshire_zip):
    # The real data: November 2024 was published with no ASB rows at all. Across all 14 crime
    # types and 24 months, that is the one month that must be flagged (and no ordinary month,
    # including the seasonal lows of bicycle theft and ASB in winter).
    from pccanalysis.sources.police_uk.read import read_street

    frame, _ = read_street(derbyshire_zip, cache_dir=False)
    assert frame["crime_type"].nunique() == 14
    gaps = find_gaps(frame, "crime_type")
    assert gaps[["month", "crime_type", "count"]].astype(str).values.tolist() == [
        ["2024-11", "Anti-social behaviour", "0"],
    ]
    # The same holds looking back only (as when checking each month as it arrives).
    back = find_gaps(frame, "crime_type", centred=False)
    assert back[["month", "crime_type"]].astype(str).values.tolist() == [
        ["2024-11", "Anti-social behaviour"],
    ]
