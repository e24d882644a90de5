"""Tests for pccanalysis.indicators.period_counts: what a frame counts in each period."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.errors import PeriodError
from pccanalysis.indicators.counts import ASB
from pccanalysis.indicators.period_counts import _period_totals, compared_periods
from pccanalysis.indicators.period_pair import same_quarter_last_year


def _frame() -> pd.DataFrame:
    """ASB and burglary, 10 and 5 a month, April 2019 to March 2021."""
    months = pd.period_range("2019-04", "2021-03", freq="M")
    rows = [(m, t, n) for m in months for t, n in ((ASB, 10), ("Burglary", 5))]
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "count"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


# November 2020 published with no ASB (a gaps frame in find_gaps' shape).
GAPS = pd.DataFrame({"month": pd.PeriodIndex(["2020-11"], freq="M"), "crime_type": [ASB],
                     "count": [0.0], "expected": [10.0]})


def test_compared_periods_leave_out_a_gap_month_and_its_pair():
    frame, comp = _frame(), same_quarter_last_year("2020-21 Q3")
    left = compared_periods(frame, comp, GAPS, gap_policy="exclude")
    assert [str(m) for m in left.current_months] == ["2020-10", "2020-12"]
    assert [str(m) for m in left.previous_months] == ["2019-10", "2019-12"]
    assert left.current_label == "2020-21 Q3 excluding November 2020"
    # Keeping the gap (with a caveat) compares the quarters as they are ...
    assert compared_periods(frame, comp, GAPS) == comp
    # ... and a frame that does not count the gap's category has nothing to leave out.
    burglary = frame[frame["crime_type"] == "Burglary"]
    assert compared_periods(burglary, comp, GAPS, gap_policy="exclude") == comp


def test_period_totals_count_each_period_and_refuse_months_the_data_lack():
    frame, comp = _frame(), same_quarter_last_year("2020-21 Q3")
    totals = _period_totals(frame, comp, ["crime_type"], "count", True, None)
    # Three months of 10 ASB and of 5 burglaries in each quarter.
    assert totals.set_index("crime_type").to_dict("index") == {
        ASB: {"current": 30.0, "previous": 30.0},
        "Burglary": {"current": 15.0, "previous": 15.0}}
    with pytest.raises(PeriodError, match="2021-04 is missing"):
        _period_totals(frame, same_quarter_last_year("2021-22 Q1"), [], "count", True, None)
