"""Tests for pccanalysis.indicators.spc_limits: XmR limits in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from pccanalysis.indicators.spc_limits import (
    exact_values,
    moving_ranges,
    positions,
    xmr_limits,
)

DECIMALS = [18.3, 17.5, 18.3, 19.5, 20.3, 19.9, 18.9, 20.2, 20.2, 19.7, 17.1, 17.1, 18.7]


def test_limits_of_decimal_data_by_hand():
    # In tenths the values sum to 2,457 = 13 x 189: m = 18.9. Moving ranges in tenths
    # 8 8 12 8 4 10 13 0 5 26 0 16 sum to 110: mR = 110 / 120 = 11/12 (0.91667); none is above
    # 3.267 mR = 2.995. sigma = 2.66 / 3 x 11/12 = 0.81278; limits 18.9 -/+ 2.43833.
    exact = exact_values(DECIMALS)
    assert exact[0] == Fraction(183, 10)
    limits = xmr_limits(exact)
    assert limits.mean == Fraction(189, 10)
    assert limits.mean_moving_range == Fraction(11, 12)
    assert limits.sigma == Fraction(266, 100) / 3 * Fraction(11, 12)
    assert limits.used.all() and limits.n_for_limits == 13
    lines = limits.lines()
    assert lines["mean"] == 18.9
    assert lines["upl"] == float(Fraction(189, 10) + Fraction(266, 100) * Fraction(11, 12))
    # The 18.9 is on the mean, exactly; the 17.1s are below 2 sigma (17.27444), inside the limits.
    rel, outside, close = positions(exact, limits)
    assert rel[6] == 0 and not outside.any()
    assert np.flatnonzero(close).tolist() == [10, 11]
    assert moving_ranges(exact)[1:4].tolist() == [0.8, 0.8, 1.2]
    assert np.isnan(moving_ranges(exact)[0])


def test_fixing_and_screening():
    # 10 12 11 30 ... fixed after 3 points: m = 11, mR = (2 + 1) / 2 = 1.5 from those alone.
    limits = xmr_limits(exact_values([10, 12, 11, 30, 31]), fix_after=3)
    assert (limits.mean, limits.mean_moving_range, limits.n_for_limits) == (11, Fraction(3, 2), 3)
    # 10 11 10 11 10 40 10: ranges 1 1 1 1 30 30, mean 64/6 = 10.67, bound 3.267 x 10.67 =
    # 34.8 keeps all; with 1 1 1 1 1 1 1 1 30 (mean 38/9, bound 13.8) the 30 goes: mR = 1.
    kept = xmr_limits(exact_values([10, 11, 10, 11, 10, 40, 10]))
    assert kept.used.all() and kept.mean_moving_range == Fraction(64, 6)
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 40]
    screened = xmr_limits(exact_values(values))
    assert screened.used.tolist() == [True] * 8 + [False]
    assert screened.mean_moving_range == 1
    assert xmr_limits(exact_values(values), screen=False).mean_moving_range == Fraction(38, 9)
