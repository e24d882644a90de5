"""Caveats: gaps as a briefing's sentences or as clauses, and a result's own caveat."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.indicators.change import Caveat, between
from pccanalysis.indicators.gaps import Gap, find_gaps
from pccanalysis.narrative.gaps import caveat_text, figure_caveat, gap_caveat, gap_clause


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


def test_gap_caveat_as_clauses():
    # ASB at 1,500 a month in 2020 but none in November: expected 1,500 (the median of the
    # 12 nearest months), P(X <= 0 | 1500) = e^-1500; burglary at 300 throughout is clear
    months = pd.period_range("2020-01", "2020-12", freq="M")
    frame = pd.DataFrame({"month": list(months) * 2,
                          "crime_type": ["ASB"] * 12 + ["Burglary"] * 12,
                          "count": [1500] * 10 + [0] + [1500] + [300] * 12})
    gaps = find_gaps(frame, count_column="count")
    nov = [pd.Period("2020-11", freq="M")]
    assert gap_caveat(gaps, months[:6], form="clauses") is None
    assert gap_caveat(gaps, nov, form="clauses", crime_type="ASB") == (
        "2020-11 ASB: 0 recorded against about 1,500 usually (a likely publication gap)"
    )
    with pytest.raises(ValueError, match="form must be"):
        gap_caveat(gaps, nov, form="table")


def test_gap_clause_forms():
    assert gap_clause(Gap(pd.Period("2024-11", "M"), ("Anti-social behaviour",), 0.0,
                          1526.4)) == ("2024-11 Anti-social behaviour: 0 recorded against about "
                                       "1,526 usually (a likely publication gap)")
    # a month known only to be missing: a force's street file that was never published
    assert gap_clause(Gap(pd.Period("2024-06", "M"), ("force-one",))) == (
        "2024-06 force-one: not published (a publication gap)")
    # a weighted count keeps its decimals; the usual count is rounded
    assert gap_clause(Gap(pd.Period("2024-11", "M"), ("Dales", "Burglary"), 2.5, 40.6)) == (
        "2024-11 Dales Burglary: 2.5 recorded against about 41 usually (a likely publication "
        "gap)")


def test_figure_caveat_names_the_figure():
    assert figure_caveat("ASB, year to date", "October 2020 left out because of a likely "
                           "publication gap, with October 2019 so that like is compared with "
                           "like") == (
        "ASB, year to date: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.")
    assert figure_caveat("Crime", None) is None
    assert figure_caveat("Crime", float("nan")) is None
    assert figure_caveat("Crime", "  ") is None


NOV_2019, NOV_2020 = pd.Period("2019-11", "M"), pd.Period("2020-11", "M")


def test_caveat_text_of_months_left_out():
    # as tests/indicators/test_change.py and test_targets.py find them
    assert caveat_text(Caveat(left_out=(NOV_2020,), paired=(NOV_2019,))) == (
        "November 2020 left out because of a likely publication gap, with November 2019 so "
        "that like is compared with like")
    assert caveat_text(Caveat(left_out=(NOV_2019,), paired=(NOV_2020,))) == (
        "November 2019 left out because of a likely publication gap, with November 2020 so "
        "that like is compared with like")
    # periods of different lengths lose only the gap months themselves
    assert caveat_text(Caveat(left_out=(pd.Period("2024-06", "M"),))) == (
        "June 2024 left out because of a likely publication gap")


def test_caveat_text_of_gaps_kept():
    asb = Gap(NOV_2020, ("Anti-social behaviour",), 0.0, 80.0)
    assert caveat_text(Caveat(gaps=(asb,))) == (
        "2020-11 Anti-social behaviour: 0 recorded against about 80 usually (a likely "
        "publication gap)")
    assert caveat_text(Caveat(gaps=(Gap(NOV_2019, ("Anti-social behaviour",), 0.0, 100.0),))) == (
        "2019-11 Anti-social behaviour: 0 recorded against about 100 usually (a likely "
        "publication gap)")
    assert caveat_text(Caveat(gaps=(Gap(pd.Period("2024-06", "M"), ("force-one",)),))) == (
        "2024-06 force-one: not published (a publication gap)")
    # a target given its gap months as a plain list
    assert caveat_text(Caveat(gap_months=(NOV_2019,))) == (
        "November 2019: a likely publication gap")


def test_caveat_text_of_too_little_history_and_of_several_notes():
    short = Caveat(history_months=3, history_start=pd.Period("2019-07", "M"))
    assert caveat_text(short) == (
        "only 3 months of data before July 2019, too few to measure how much the count usually "
        "varies, so the verdict allows only for chance variation around a steady rate")
    one = Caveat(history_months=1, history_start=pd.Period("2020-04", "M"))
    assert caveat_text(one).startswith("only 1 month of data before April 2020, too few")
    both = Caveat(left_out=(NOV_2020,), history_months=3,
                  history_start=pd.Period("2019-07", "M"))
    assert caveat_text(both) == (
        "November 2020 left out because of a likely publication gap; only 3 months of data "
        "before July 2019, too few to measure how much the count usually varies, so the "
        "verdict allows only for chance variation around a steady rate")
    assert caveat_text(None) is None and caveat_text(Caveat()) is None
