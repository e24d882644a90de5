"""Tests for pccanalysis.indicators.counts: counts by period and group, shares and rates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pccanalysis.errors import DataError
from pccanalysis.indicators.counts import (
    ASB,
    all_crime,
    count_by,
    month_counts,
    rate,
    rates,
    shares,
)


@pytest.fixture
def crimes() -> pd.DataFrame:
    """Seven rows over January to April 2020 (no row at all in February)."""
    rows = [
        ("2020-01", "Burglary", "Abbey"),
        ("2020-01", "Burglary", "Abbey"),
        ("2020-01", ASB, "Dales"),
        ("2020-03", "Burglary", "Dales"),
        ("2020-03", ASB, None),  # no location: in no ward
        ("2020-04", ASB, "Abbey"),
        ("2020-04", "Robbery", "Abbey"),
    ]
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "ward_name"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    frame["crime_type"] = frame["crime_type"].astype("category")
    return frame


def test_month_counts_fill_missing_months_with_zero(crimes):
    out = month_counts(crimes, "crime_type")
    # Months run January to April (4), three crime types seen: 12 rows. February has no rows.
    assert len(out) == 12
    burglary = out[out.crime_type == "Burglary"].set_index("month")["count"]
    assert burglary.tolist() == [2, 0, 1, 0]
    assert out["month"].dtype == "period[M]"
    assert out["count"].dtype == "int64"
    assert out["count"].sum() == 7


def test_month_counts_total_and_explicit_months(crimes):
    out = month_counts(crimes, months=["2019-12", "2020-01"])
    # December 2019 has no rows (0); January 2020 has 3.
    assert out["count"].tolist() == [0, 3]


def test_rows_without_a_ward_are_left_out_unless_asked(crimes):
    by_ward = count_by(crimes, "ward_name", "financial_year")
    # 2019-20 (Jan-Mar 2020): Abbey 2, Dales 2 (ASB Jan, burglary Mar); the no-location ASB
    # row is in no ward. 2020-21 (April only): Abbey 2, Dales 0.
    assert by_ward[["financial_year", "ward_name", "count", "months"]].values.tolist() == [
        ["2019-20", "Abbey", 2, 3],
        ["2019-20", "Dales", 2, 3],
        ["2020-21", "Abbey", 2, 1],
        ["2020-21", "Dales", 0, 1],
    ]
    kept = count_by(crimes, "ward_name", "financial_year", dropna=False)
    assert kept["count"].sum() == 7


def test_count_by_quarter_and_calendar_year(crimes):
    q = count_by(crimes, period="quarter")
    # 2019-20 Q4 = Jan-Mar 2020: 5 rows over 3 months; 2020-21 Q1 = April only so far: 2 rows.
    assert q.values.tolist() == [["2019-20 Q4", 5, 3], ["2020-21 Q1", 2, 1]]
    y = count_by(crimes, "crime_type", period="calendar_year")
    assert y.set_index("crime_type")["count"].to_dict() == {
        ASB: 3, "Burglary": 3, "Robbery": 1,
    }


def test_count_by_month_columns(crimes):
    m = count_by(crimes, ["ward_name", "crime_type"])
    assert list(m.columns) == ["month", "ward_name", "crime_type", "count", "months"]
    assert m["count"].sum() == 6


def test_pre_aggregated_counts_give_the_same_answer(crimes):
    agg = month_counts(crimes, ["ward_name", "crime_type"])
    again = month_counts(agg, ["ward_name", "crime_type"], count_column="count")
    pd.testing.assert_frame_equal(
        agg.sort_values(["ward_name", "crime_type", "month"]).reset_index(drop=True),
        again.sort_values(["ward_name", "crime_type", "month"]).reset_index(drop=True),
        check_categorical=False,
    )


def test_month_as_text_is_accepted(crimes):
    text = crimes.assign(month=crimes["month"].astype(str))
    assert month_counts(text)["count"].tolist() == [3, 0, 2, 2]


def test_all_crime_leaves_out_asb(crimes):
    kept = all_crime(crimes)
    assert len(kept) == 4
    assert ASB not in set(kept["crime_type"].astype(str))


def test_shares_with_exact_interval(crimes):
    counts = count_by(crimes, "crime_type", "financial_year")
    s = shares(counts, "crime_type")
    row = s[(s.financial_year == "2019-20") & (s.crime_type == "Burglary")].iloc[0]
    # 2019-20: 3 burglaries of 5 rows -> 60%; Clopper-Pearson for 3/5 is (14.66%, 94.73%).
    assert row["total"] == 5
    assert row["share"] == pytest.approx(60.0)
    assert row["share_low"] == pytest.approx(14.663, abs=1e-3)
    assert row["share_high"] == pytest.approx(94.726, abs=1e-3)
    assert s.groupby("financial_year")["share"].sum().tolist() == pytest.approx([100, 100])


def test_rate_by_hand():
    # 0 events in 2,000 people: exact upper limit 3.689 events -> 1.844 per 1,000.
    r = rate(0, 2000)
    assert (r.rate, r.low) == (0.0, 0.0)
    assert r.high == pytest.approx(-math.log(0.025) / 2, rel=1e-9)
    assert r.method == "exact (Garwood)"
    # 100 events in 50,000: 2.0 per 1,000; Byar limits 81.364 and 121.63 events -> x 0.02.
    r = rate(100, 50_000)
    assert r.rate == 2.0
    assert r.low == pytest.approx(1.6273, abs=1e-4)
    assert r.high == pytest.approx(2.4326, abs=1e-4)
    assert r.method == "Byar"


def test_rates_on_a_frame():
    frame = pd.DataFrame({"ward": ["A", "B"], "count": [4, 40], "population": [8000, 8000]})
    out = rates(frame)
    assert out["rate"].tolist() == [0.5, 5.0]
    assert out["rate_method"].tolist() == ["exact (Garwood)", "Byar"]


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 100_000), population=st.integers(1, 10_000_000))
def test_rate_interval_contains_the_rate(count, population):
    r = rate(count, population)
    assert r.low <= r.rate <= r.high


def test_missing_column_is_one_clear_sentence(crimes):
    with pytest.raises(DataError) as err:
        count_by(crimes, "lad_name")
    assert str(err.value) == (
        "column 'lad_name': the frame has no such column (it has: month, crime_type, ward_name)."
    )


def test_bad_month_is_one_clear_sentence():
    frame = pd.DataFrame({"month": ["2020-01", "Smarch"]})
    with pytest.raises(DataError) as err:
        month_counts(frame)
    assert str(err.value) == (
        "column 'month': cannot read the months: 'Smarch' is not a month: write it like 2020-04."
    )


def test_bad_population_is_refused():
    with pytest.raises(ValueError, match="population must be positive"):
        rate(3, 0)


def test_empty_frame_gives_empty_counts():
    frame = pd.DataFrame({"month": pd.PeriodIndex([], freq="M"), "crime_type": []})
    assert month_counts(frame, "crime_type").empty
    assert np.isnan(shares(pd.DataFrame({"g": ["a"], "count": [0]}), "g")["share"].iloc[0])
