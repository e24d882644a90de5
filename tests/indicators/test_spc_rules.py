"""Tests for pccanalysis.indicators.spc_rules: the four special-cause rules, worked by hand."""

from __future__ import annotations

import numpy as np

from pccanalysis.indicators.spc_rules import classify, variation_code


def _classify(y, rel, outside=None, close=None, direction=-1):
    y = np.asarray(y, dtype=float)
    n = len(y)
    outside = np.zeros(n, dtype=bool) if outside is None else np.asarray(outside)
    close = np.zeros(n, dtype=bool) if close is None else np.asarray(close)
    return classify(y, np.asarray(rel), outside, close, 7, 7, direction)


def test_a_rising_run_of_seven_is_a_trend_read_high():
    # Seven points each above the one before, all below the mean: a trend, and a rising one,
    # so "high" (the trend comes before the shift the same seven make); for crime (fewer is
    # better) a concern. The eighth, above the mean, is common cause.
    f = _classify([1, 2, 3, 4, 5, 6, 7, 3], [-1] * 7 + [1])
    assert f["trend"].tolist() == [True] * 7 + [False]
    assert f["shift"].tolist() == [True] * 7 + [False]
    assert list(f["special_cause_side"][:7]) == ["high"] * 7
    assert f["variation"][:7] == ["concern_high"] * 7 and f["variation"][7] == "common_cause"


def test_a_point_on_the_mean_breaks_a_shift():
    # Seven points above the mean, the fourth of them on it: no shift (3 and 3).
    y = [5, 6, 5, 6, 5, 6, 5]
    assert not _classify(y, [1, 1, 1, 0, 1, 1, 1])["shift"].any()
    f = _classify(y, [1] * 7)
    assert f["shift"].all() and set(f["special_cause_rule"]) == {"shift"}


def test_outside_limits_takes_precedence_and_two_of_three_needs_one_side():
    # A point beyond the limits reads by its side whatever else flags it; two of three beyond
    # 2 sigma count only when all three points are on the same side of the mean.
    f = _classify([9, 1, 1, 9], [1, -1, -1, -1], outside=[True, False, False, False],
                  close=[False, True, True, False])
    assert f["special_cause_rule"][0] == "outside_limits"
    assert f["two_of_three"].tolist() == [False, True, True, False]
    g = _classify([1, 9, 1], [-1, 1, -1], close=[True, False, True])
    assert not g["two_of_three"].any()


def test_variation_codes():
    assert variation_code(1, -1) == "concern_high"
    assert variation_code(-1, -1) == "improvement_low"
    assert variation_code(1, 1) == "improvement_high"
    assert variation_code(-1, 0) == "neutral_low"
