"""Tests for pccanalysis.indicators.harm: a harm index from user-supplied weights."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.errors import ConfigError
from pccanalysis.indicators.harm import check_weights, harm_index

# Made-up weights for the tests only (the project ships none).
WEIGHTS = {"Burglary": 10.0, "Robbery": 100.0, "Anti-social behaviour": 0.0}


@pytest.fixture
def crimes() -> pd.DataFrame:
    rows = [
        ("2020-01", "Burglary", "Abbey"),
        ("2020-01", "Burglary", "Abbey"),
        ("2020-01", "Robbery", "Dales"),
        ("2020-02", "Anti-social behaviour", "Dales"),
        ("2020-04", "Robbery", "Abbey"),
    ]
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "ward_name"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    frame["crime_type"] = frame["crime_type"].astype("category")
    return frame


def test_harm_by_month(crimes):
    out = harm_index(crimes, WEIGHTS)
    # January: 2 burglaries x 10 + 1 robbery x 100 = 120; February: ASB x 0 = 0;
    # March: nothing = 0; April: 1 robbery = 100.
    assert out["month"].astype(str).tolist() == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert out["count"].tolist() == [3, 1, 0, 1]
    assert out["harm"].tolist() == [120.0, 0.0, 0.0, 100.0]


def test_harm_by_ward_and_financial_year(crimes):
    out = harm_index(crimes, WEIGHTS, by="ward_name", period="financial_year")
    # 2019-20 (Jan-Mar 2020): Abbey 2 x 10 = 20; Dales 100 + 0 = 100. 2020-21 (April):
    # Abbey 100; Dales 0.
    assert out[["financial_year", "ward_name", "harm"]].values.tolist() == [
        ["2019-20", "Abbey", 20.0],
        ["2019-20", "Dales", 100.0],
        ["2020-21", "Abbey", 100.0],
        ["2020-21", "Dales", 0.0],
    ]


def test_pre_aggregated_counts(crimes):
    agg = crimes.groupby(["month", "crime_type"], observed=True).size().rename("n").reset_index()
    out = harm_index(agg, WEIGHTS, count_column="n")
    assert out["harm"].tolist() == [120.0, 0.0, 0.0, 100.0]


def test_missing_weight_names_the_crime_types(crimes):
    with pytest.raises(ConfigError) as err:
        harm_index(crimes, {"Burglary": 10.0})
    assert str(err.value) == (
        "no harm weight for 'Anti-social behaviour', 'Robbery': give a weight for every crime "
        "type in the data (0 leaves a type out on purpose)."
    )


def test_bad_weight_is_refused():
    with pytest.raises(ConfigError) as err:
        check_weights({"Burglary": -2}, ["Burglary"])
    assert str(err.value) == (
        "the harm weight for 'Burglary' is -2: weights must be numbers of zero or more."
    )
    with pytest.raises(ConfigError, match="weights must be numbers"):
        check_weights({"Burglary": "high"}, ["Burglary"])


def test_weights_for_absent_types_are_fine():
    assert check_weights({"Burglary": 1, "Drugs": 2}, ["Burglary"]) == {
        "Burglary": 1.0, "Drugs": 2.0,
    }
