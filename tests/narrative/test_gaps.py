"""Caveats for publication gaps and for a result's own data notes."""

from __future__ import annotations

import pandas as pd

from pccanalysis.indicators.change import between
from pccanalysis.indicators.gaps import find_gaps
from pccanalysis.narrative.gaps import figure_caveat, gap_caveat


def _gaps():
    return pd.DataFrame({
        "month": pd.PeriodIndex(["2024-10", "2024-11", "2024-11"], freq="M"),
        "crime_type": ["Anti-social behaviour", "Anti-social behaviour", "Burglary"],
        "count": [500, 0, 3],
        "expected": [1480.0, 1526.4, 90.0],
        "ratio": [0.34, 0.0, 0.03],
        "p_value": [1e-200, 0.0, 1e-30],
    })


def test_gap_caveat_one_month():
    assert gap_caveat(_gaps(), ["2024-11"], crime_type="Anti-social behaviour") == (
        "ASB figures for November 2024 appear incomplete (0 recorded against about 1,526 in a "
        "usual month), so totals that include that month are too low."
    )


def test_gap_caveat_several_months_and_categories():
    assert gap_caveat(_gaps(), pd.period_range("2024-10", "2024-12", freq="M")) == (
        "ASB figures for October and November 2024 appear incomplete (500 and 0 recorded "
        "against about 1,480 and 1,526 in a usual month), so totals that include those months "
        "are too low. Burglary figures for November 2024 appear incomplete (3 recorded against "
        "about 90 in a usual month), so totals that include that month are too low."
    )


def test_gap_caveat_none_when_the_period_is_clear():
    assert gap_caveat(_gaps(), ["2024-09"]) is None


def test_gap_caveat_from_find_gaps_and_a_comparison():
    # ASB at 100 a month for 2023-24 and 2024-25 except November 2024 at 0: the expected count
    # is the median of the 12 nearest months, 100; P(X <= 0 | 100) = e^-100, below 0.001
    months = pd.period_range("2023-04", "2025-03", freq="M")
    counts = [0 if m == pd.Period("2024-11", freq="M") else 100 for m in months]
    frame = pd.DataFrame({"month": months, "crime_type": "Anti-social behaviour",
                          "count": counts})
    gaps = find_gaps(frame, count_column="count")
    comp = between("2024-25", "2023-24")
    assert gap_caveat(gaps, comp) == (
        "ASB figures for November 2024 appear incomplete (0 recorded against about 100 in a "
        "usual month), so totals that include that month are too low."
    )


def test_figure_caveat_names_the_figure():
    assert figure_caveat("ASB, year to date", "October 2020 left out because of a likely "
                           "publication gap, with October 2019 so that like is compared with "
                           "like") == (
        "ASB, year to date: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.")
    assert figure_caveat("Crime", None) is None
    assert figure_caveat("Crime", float("nan")) is None
    assert figure_caveat("Crime", "  ") is None
