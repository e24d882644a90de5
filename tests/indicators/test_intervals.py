"""Tests for pccanalysis.indicators.intervals: exact and approximate intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pccanalysis.indicators.intervals import (
    byar_interval,
    clopper_pearson,
    garwood_interval,
    poisson_interval,
    wilson_interval,
)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=3000), frac=st.floats(min_value=0, max_value=1))
def test_clopper_pearson_agrees_with_scipy(n, frac):
    k = int(round(frac * n))
    lo, hi = clopper_pearson(k, n, 0.05)
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
    assert float(lo) == pytest.approx(ci.low, abs=1e-9)
    assert float(hi) == pytest.approx(ci.high, abs=1e-9)


def test_garwood_by_hand():
    # x = 0: lower 0; upper chi2(0.975, 2 df) / 2 = -ln(0.025) = 3.68888.
    lo, hi = garwood_interval(0)
    assert float(lo) == 0.0
    assert float(hi) == pytest.approx(-math.log(0.025), rel=1e-12)
    # x = 5: the published exact 95% limits are 1.6235 and 11.6683 (e.g. PHE's tables).
    lo, hi = garwood_interval(5)
    assert float(lo) == pytest.approx(1.6235, abs=1e-4)
    assert float(hi) == pytest.approx(11.6683, abs=1e-4)


def test_byar_by_hand():
    # x = 100, z = 1.959964:
    #   lower = 100 (1 - 1/900 - 1.959964/30)^3 = 100 * 0.933557^3 = 81.364
    #   upper = 101 (1 - 1/909 + 1.959964/(3 sqrt(101)))^3 = 101 * 1.063907^3 = 121.63
    lo, hi = byar_interval(100)
    assert float(lo) == pytest.approx(81.364, abs=2e-3)
    assert float(hi) == pytest.approx(121.63, abs=1e-2)
    # ... and Byar is within 1% of the exact limits from 10 events up.
    x = np.arange(10, 400)
    b_lo, b_hi = byar_interval(x)
    g_lo, g_hi = garwood_interval(x)
    np.testing.assert_allclose(b_lo, g_lo, rtol=0.01)
    np.testing.assert_allclose(b_hi, g_hi, rtol=0.01)


def test_poisson_interval_switches_method_at_ten():
    lo, hi, exact = poisson_interval([0, 9, 10, 50])
    assert exact.tolist() == [True, True, False, False]
    g_lo, g_hi = garwood_interval([0, 9])
    b_lo, b_hi = byar_interval([10, 50])
    np.testing.assert_array_equal(lo, [*g_lo, *b_lo])
    np.testing.assert_array_equal(hi, [*g_hi, *b_hi])


def test_wilson_interval_by_hand():
    # 15 of 22.5 at z = 1.96 (the quasi-Poisson example of test_significance): centre
    # (15 + 1.9208) / (22.5 + 3.8416) = 0.64236, half 1.96 sqrt(15 x 7.5 / 22.5 + 0.9604) /
    # 26.3416 = 0.18165.
    lo, hi = wilson_interval(15, 22.5, 1.96)
    assert (float(lo), float(hi)) == pytest.approx((0.46071, 0.82402), abs=1e-5)
    # The ends: 0 of n starts at 0, n of n ends at 1; no trials gives (0, 1).
    assert float(wilson_interval(0, 10, 1.96)[0]) == 0.0
    assert float(wilson_interval(10, 10, 1.96)[1]) == 1.0
    assert [float(v) for v in wilson_interval(0, 0, 1.96)] == [0.0, 1.0]
    # 0 of 10: (0, z^2 / (10 + z^2)) = (0, 0.277533) at z = 1.959964.
    z = stats.norm.ppf(0.975)
    assert float(wilson_interval(0, 10, z)[1]) == pytest.approx(z**2 / (10 + z**2), rel=1e-12)
    assert math.isclose(z**2 / (10 + z**2), 0.277533, abs_tol=1e-6)
