"""Tests for pccanalysis.indicators.wards: labels unique per ward code, coverage by period, and
the rule that withholds ward rises and falls when coverage moves. Expected values by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.indicators.wards import (
    COVERAGE_THRESHOLD,
    coverage_differs,
    ward_coverage,
    ward_labels,
)


def test_two_wards_with_one_name_stay_two_labels():
    frame = pd.DataFrame({
        "ward_code": ["E05000001", "E05000002", "E05000003", "E05000001", None],
        "ward_name": ["Castle", "Castle", "Abbey", "Castle", None],
        "lad_name": ["Derby", "High Peak", "Derby", "Derby", "Derby"],
    })
    labels = ward_labels(frame)
    assert labels.to_dict() == {"E05000003": "Abbey", "E05000001": "Castle (Derby)",
                                "E05000002": "Castle (High Peak)"}


def test_namesakes_in_one_district_fall_back_to_the_code():
    frame = pd.DataFrame({"ward_code": ["E05000001", "E05000002"],
                          "ward_name": ["Central", "Central"], "lad_name": ["Derby", "Derby"]})
    assert ward_labels(frame).tolist() == ["Central (Derby) (E05000001)",
                                           "Central (Derby) (E05000002)"]


def months(*labels):
    return [pd.Period(m, "M") for m in labels]


def test_ward_coverage_by_period():
    # Jan: 4 rows, 3 in a ward; Feb: 2 rows, both in a ward; March is not asked for.
    frame = pd.DataFrame({
        "month": pd.PeriodIndex(["2024-01"] * 4 + ["2024-02"] * 2 + ["2024-03"], freq="M"),
        "ward_code": ["W1", "W1", "W2", None, "W1", "W2", None],
    })
    unlocated = pd.Series([5, 1, 9], index=pd.PeriodIndex(["2024-01", "2024-02", "2024-03"],
                                                          freq="M"))
    cov = ward_coverage(frame, {"January": months("2024-01"), "February": months("2024-02")},
                        unlocated)
    assert cov["period"].tolist() == ["January", "February"]
    assert cov["rows"].tolist() == [4, 2]
    assert cov["in_ward"].tolist() == [3, 2]
    assert cov["not_in_ward"].tolist() == [1, 0]
    assert cov["not_in_ward_share"].tolist() == [0.25, 0.0]
    assert cov["no_location"].tolist() == [5, 1]
    both = ward_coverage(frame, {"Q": months("2024-01", "2024-02")})
    assert both["not_in_ward_share"].iloc[0] == pytest.approx(1 / 6)
    assert both["no_location"].isna().all()


def test_coverage_differs_at_the_threshold():
    def cov(*shares):
        return pd.DataFrame({"not_in_ward_share": list(shares)})
    assert COVERAGE_THRESHOLD == 0.02
    assert not coverage_differs(cov(0.01, 0.03))          # exactly two points: still compared
    assert coverage_differs(cov(0.01, 0.0301))
    assert coverage_differs(cov(0.25, 0.0))                # the 2023 recoding: 25% vs 0%
    assert not coverage_differs(cov(0.10, 0.14), threshold=0.05)
    assert coverage_differs(cov(0.0, float("nan")))        # a period with no rows
