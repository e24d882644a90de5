"""Tests for pccanalysis.indicators.period_pair: the two periods a change compares."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.errors import PeriodError
from pccanalysis.indicators.period_pair import (
    between,
    months_in_words,
    rolling_12_months,
    same_period_last_year,
    same_quarter_last_year,
    since_baseline,
    year_to_date,
)

FY19 = pd.period_range("2019-04", "2020-03", freq="M")
FY20 = pd.period_range("2020-04", "2021-03", freq="M")


def _p(months) -> list[str]:
    return [str(m) for m in months]


def test_same_quarter_last_year():
    c = same_quarter_last_year("2020-21 Q2")
    assert (c.kind, c.current_label, c.previous_label) == (
        "same quarter last year", "2020-21 Q2", "2019-20 Q2",
    )
    assert _p(c.current_months) == ["2020-07", "2020-08", "2020-09"]
    assert _p(c.previous_months) == ["2019-07", "2019-08", "2019-09"]


def test_year_to_date_from_a_quarter_or_a_month():
    c = year_to_date("2020-21 Q2")
    assert c == year_to_date("2020-09")
    assert (c.current_label, c.previous_label) == (
        "April to September 2020", "April to September 2019",
    )
    assert len(c.current_months) == 6
    # January is month 10 of the financial year that began the April before.
    assert _p(year_to_date("2021-01").current_months)[0] == "2020-04"


def test_rolling_12_months():
    c = rolling_12_months("2021-03")
    assert (c.current_label, c.previous_label) == (
        "April 2020 to March 2021", "April 2019 to March 2020",
    )
    assert _p(c.current_months) == _p(FY20)
    assert _p(c.previous_months) == _p(FY19)


def test_since_baseline():
    c = since_baseline("2020-03", "2020-09")
    assert c.kind == "since March 2020"
    assert (c.current_label, c.previous_label) == (
        "March to September 2020", "March to September 2019",
    )
    assert len(c.current_months) == 7
    with pytest.raises(PeriodError) as err:
        since_baseline("2020-03", "2021-06")
    assert str(err.value) == (
        "2020-03 to 2021-06 is 16 months: a comparison with the same months a year earlier "
        "needs 12 months or fewer (use rolling_12_months for longer)."
    )


def test_same_period_last_year_labels():
    assert same_period_last_year("2020-21").previous_label == "2019-20"
    assert same_period_last_year("2020-21 Q3").previous_label == "2019-20 Q3"
    assert same_period_last_year("2020").previous_label == "2019"
    c = same_period_last_year("2020-09")
    assert (c.current_label, c.previous_label) == ("September 2020", "September 2019")


def test_a_pair_without_months():
    c = same_quarter_last_year("2020-21 Q3")
    assert c.without([]) is c
    # A month of the previous period takes its pair out of the current one too.
    w = c.without(["2019-12"])
    assert _p(w.current_months) == ["2020-10", "2020-11"]
    assert _p(w.previous_months) == ["2019-10", "2019-11"]
    # Different lengths are compared as monthly rates: only the named month goes.
    b = between("2020-21", "2019-20 Q4").without(["2020-05"])
    assert len(b.current_months) == 11 and len(b.previous_months) == 3
    with pytest.raises(PeriodError, match="leaves nothing to compare"):
        same_period_last_year("2020-10").without(["2020-10"])
    assert months_in_words(pd.period_range("2020-10", "2020-12", freq="M")) == "October to December 2020"
    assert months_in_words([pd.Period("2020-10", "M"), pd.Period("2020-12", "M")]) == "October and December 2020"
    assert months_in_words([pd.Period("2019-11", "M"), pd.Period("2020-11", "M")]) == "November 2019 and November 2020"


def test_without_pairs_months_by_calendar_month():
    # A financial year against the latest 12 months (January to December 2020): leaving out
    # November 2020 takes November 2019 with it, not the month in the same position (July).
    c = between(list(pd.period_range("2020-01", "2020-12", freq="M")), "2019-20")
    w = c.without(["2020-11"])
    assert "2019-11" not in _p(w.previous_months) and len(w.previous_months) == 11
    assert "2019-07" in _p(w.previous_months)
    assert w.previous_label == "2019-20 excluding November 2019"
