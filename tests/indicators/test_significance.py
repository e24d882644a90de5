"""Tests for pccanalysis.indicators.significance: exact tests and intervals for Poisson counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pccanalysis.indicators.significance import (
    adjust_p_values,
    binomial_central_p,
    compare_poisson,
    compare_poisson_arrays,
    direction,
    estimate_dispersion,
    sqrt_poisson_z,
    verdict,
    verdicts,
)


def _binom_tail_ge(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2), summed by hand from binomial coefficients."""
    return sum(math.comb(n, j) for j in range(k, n + 1)) / 2**n


def test_exact_test_worked_example():
    # 30 now against 15 before, equal periods: given 45 in all, X ~ Bin(45, 1/2) under "no
    # change". The distribution is symmetric, so the two-sided p-value is 2 P(X >= 30).
    expected_p = 2 * _binom_tail_ge(30, 45)
    r = compare_poisson(30, 15)
    assert r.p_value == pytest.approx(expected_p, rel=1e-12)
    assert r.p_value == pytest.approx(0.0357, abs=1e-4)
    assert r.ratio == 2.0
    # Interval: Clopper-Pearson limits for 30/45, turned into ratios p / (1 - p).
    lo = stats.beta.ppf(0.025, 30, 16)
    hi = stats.beta.ppf(0.975, 31, 15)
    assert r.ratio_low == pytest.approx(lo / (1 - lo), rel=1e-12)
    assert r.ratio_high == pytest.approx(hi / (1 - hi), rel=1e-12)
    assert r.ratio_low < 2.0 < r.ratio_high
    assert r.method == "exact conditional"


def test_exposures_change_the_null_probability():
    # 10 in one month against 10 over two months: the monthly rates are 10 and 5, ratio 2.
    # Under no change X ~ Bin(20, 1/3) (the current period is 1 of the 3 months). 10 is above
    # the expected 6.67, so the p-value is twice the upper tail: 2 P(X >= 10)
    # = 2 sum_{j>=10} C(20, j) 2^(20-j) / 3^20 = 2 x 320,420,753 / 3,486,784,401 = 0.18379.
    upper = sum(math.comb(20, j) * 2 ** (20 - j) for j in range(10, 21)) / 3**20
    r = compare_poisson(10, 10, current_exposure=1, previous_exposure=2)
    assert r.ratio == 2.0
    assert r.p_value == pytest.approx(2 * upper, rel=1e-12)
    assert r.p_value == pytest.approx(0.18379, abs=1e-5)
    # scipy's one-sided tests give the same tail.
    assert r.p_value == pytest.approx(
        2 * stats.binomtest(10, 20, 1 / 3, alternative="greater").pvalue, rel=1e-12)


def test_zero_and_zero_is_no_evidence():
    r = compare_poisson(0, 0)
    assert r.p_value == 1.0
    assert math.isnan(r.ratio)
    assert (r.ratio_low, r.ratio_high) == (0.0, math.inf)


def test_rise_from_zero():
    # 5 against 0: X ~ Bin(5, 1/2) observed 5; p = 2 * (1/2)^5 = 0.0625.
    r = compare_poisson(5, 0)
    assert r.p_value == pytest.approx(0.0625)
    assert r.ratio == math.inf and r.ratio_high == math.inf and r.ratio_low > 0


def _scipy_central(k: int, n: int, p: float) -> float:
    """Twice the smaller of scipy's one-sided exact binomial p-values, at most 1."""
    if n == 0:
        return 1.0
    less = stats.binomtest(k, n, p, alternative="less").pvalue
    greater = stats.binomtest(k, n, p, alternative="greater").pvalue
    return min(1.0, 2 * min(less, greater))


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=5000),
    frac=st.floats(min_value=0, max_value=1),
    p=st.floats(min_value=0.01, max_value=0.99),
)
def test_binomial_p_value_agrees_with_scipy(n, frac, p):
    k = int(round(frac * n))
    ours = float(binomial_central_p(k, n, p))
    assert ours == pytest.approx(_scipy_central(k, n, p), rel=1e-10, abs=1e-300)
    # With p = 1/2 the distribution is symmetric, and this is scipy's (and R's) two-sided test.
    theirs = stats.binomtest(k, n, 0.5).pvalue if n > 0 else 1.0
    assert float(binomial_central_p(k, n, 0.5)) == pytest.approx(theirs, rel=1e-10, abs=1e-300)


def test_binomial_p_value_is_vectorised_like_scipy():
    k = np.array([0, 3, 50, 7, 120])
    n = np.array([10, 3, 100, 40, 200])
    p = np.array([0.3, 0.5, 0.5, 0.25, 0.7])
    expected = [_scipy_central(int(a), int(b), float(c)) for a, b, c in zip(k, n, p, strict=True)]
    np.testing.assert_allclose(binomial_central_p(k, n, p), expected, rtol=1e-12)


def test_sqrt_poisson_z_worked_example():
    # Wheeler's example: 25 robberies this month against 16 usually: Z = 2 (5 - 4) = 2,
    # two-sided p = 2 (1 - Phi(2)) = 0.0455.
    z, p = sqrt_poisson_z(25, 16)
    assert z == 2.0
    assert p == pytest.approx(0.0455, abs=1e-4)
    # The before count is rescaled to the current exposure: 32 over 2 months -> 16 per month.
    assert sqrt_poisson_z(25, 32, 1, 2)[0] == 2.0


def test_sqrt_method_in_compare():
    r = compare_poisson(25, 16, method="sqrt")
    assert r.p_value == pytest.approx(2 * stats.norm.sf(2.0))
    assert r.method == "square-root Poisson Z"


def test_e_test_in_scipy_is_a_different_test_with_the_same_clear_conclusions():
    # scipy.stats.poisson_means_test is the E-test (Krishnamoorthy and Thomson 2004), not the
    # conditional test, so p-values differ; on clear-cut cases both reach the same conclusion.
    clear = [(30, 10), (200, 150), (100, 100), (12, 10), (5, 30), (1000, 1100)]
    for x1, x2 in clear:
        ours = compare_poisson(x1, x2).p_value
        e_test = stats.poisson_means_test(x1, 1, x2, 1).pvalue
        assert (ours < 0.05) == (e_test < 0.05), (x1, x2, ours, e_test)


@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 10_000))
def test_a_count_against_itself_is_no_change(x):
    r = compare_poisson(x, x)
    assert r.p_value == 1.0


@settings(max_examples=200, deadline=None)
@given(x1=st.integers(0, 5000), x2=st.integers(0, 5000),
       t1=st.integers(1, 24), t2=st.integers(1, 24))
def test_ratio_interval_contains_the_ratio(x1, x2, t1, t2):
    out = compare_poisson_arrays(x1, x2, t1, t2)
    if x1 + x2 > 0:
        assert out["ratio_low"] <= out["ratio"] <= out["ratio_high"]
    assert 0 <= out["p_value"] <= 1


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="counts must be whole numbers"):
        compare_poisson(-1, 3)
    with pytest.raises(ValueError, match="exposures must be positive"):
        compare_poisson(1, 3, current_exposure=0)
    with pytest.raises(ValueError, match="method must be"):
        compare_poisson(1, 3, method="z")


# ----------------------------------------------------------------------------- over-dispersion


def test_dispersion_one_is_the_exact_test():
    for x1, x2, t1, t2 in [(30, 15, 1, 1), (10, 10, 1, 2), (0, 7, 3, 3), (29129, 29900, 6, 6)]:
        plain = compare_poisson(x1, x2, t1, t2)
        assert compare_poisson(x1, x2, t1, t2, dispersion=1) == plain
        assert plain.p_value == pytest.approx(
            _scipy_central(x1, x1 + x2, t1 / (t1 + t2)), rel=1e-12)
        assert plain.method == "exact conditional" and plain.dispersion == 1.0


def test_dispersion_four_halves_z_in_the_reviewers_case():
    # Year to date 29,129 against 29,900: n = 59,029, p0 = 1/2, expected 29,514.5.
    # Score z = (29,129 - 29,514.5) / sqrt(59,029 / 4) = -385.5 / 121.479 = -3.1734
    # (exact p = 0.00153, "fell"); with phi = 4 the variance is 4 times larger, z = -1.5867,
    # p = 2 Phi(-1.5867) = 0.1126: "similar".
    z = -385.5 / math.sqrt(59029 / 4)
    assert z == pytest.approx(-3.1734, abs=1e-4)
    exact = compare_poisson(29129, 29900)
    assert exact.p_value == pytest.approx(0.00153, abs=1e-5)
    r = compare_poisson(29129, 29900, dispersion=4)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(z) / 2), rel=1e-12)
    assert r.p_value == pytest.approx(0.1126, abs=1e-4)
    assert r.method == "quasi-Poisson score" and r.dispersion == 4.0
    # The interval widens to match: 1 (no change) is inside it, as p > 0.05 says.
    assert r.ratio_low < 1 < r.ratio_high
    assert exact.ratio_high < 1


def test_quasi_poisson_interval_by_hand():
    # 30 against 15 with phi = 2: 15 "effective" events of 22.5 effective trials. Wilson, z=1.96:
    # centre = (15 + 1.9207) / (22.5 + 3.8415) = 0.64236, half = 1.96 sqrt(15 x 7.5 / 22.5 +
    # 0.9604) / 26.3415 = 0.18165, so p in (0.46071, 0.82402) and the ratio p / (1 - p) in
    # (0.8543, 4.682). Score z = 7.5 / sqrt(2 x 45 / 4) = 1.5811, p = 0.1138: 1 is inside.
    zq = stats.norm.ppf(0.975)
    centre = (15 + zq**2 / 2) / (22.5 + zq**2)
    half = zq * math.sqrt(15 * 7.5 / 22.5 + zq**2 / 4) / (22.5 + zq**2)
    lo, hi = centre - half, centre + half
    r = compare_poisson(30, 15, dispersion=2)
    assert r.ratio_low == pytest.approx(lo / (1 - lo), rel=1e-12)
    assert r.ratio_high == pytest.approx(hi / (1 - hi), rel=1e-12)
    assert (r.ratio_low, r.ratio_high) == pytest.approx((0.8543, 4.682), abs=1e-3)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(7.5 / math.sqrt(22.5)), rel=1e-12)
    assert r.p_value == pytest.approx(0.1138, abs=1e-4)


@settings(max_examples=300, deadline=None)
@given(x1=st.integers(0, 5000), x2=st.integers(0, 5000), t1=st.integers(1, 12),
       t2=st.integers(1, 12), phi=st.floats(1.01, 30))
def test_quasi_poisson_verdict_and_interval_always_agree(x1, x2, t1, t2, phi):
    out = compare_poisson_arrays(x1, x2, t1, t2, dispersion=phi)
    p, lo, hi = float(out["p_value"]), float(out["ratio_low"]), float(out["ratio_high"])
    if abs(p - 0.05) > 1e-9:  # away from the boundary itself
        assert (p < 0.05) == (not lo <= 1 <= hi), (p, lo, hi)
    if x1 + x2 > 0:
        assert lo <= out["ratio"] <= hi


def test_zero_against_five_stays_similar_as_phi_grows():
    # The reviewer's case (issue #13): 0 against 5 over equal periods. Exact: X ~ Bin(5, 1/2)
    # observed 0, p = 2 (1/2)^5 = 0.0625, "similar". The score test alone at phi = 1.0001 gives
    # z = -2.5 / sqrt(1.0001 x 5 / 4) = -2.2360, p = 0.0253 ("fell"); the larger p-value
    # keeps 0.0625. At phi = 2, z = -2.5 / sqrt(2.5) = -1.5811, p = 0.1138, now the larger.
    assert compare_poisson(0, 5).p_value == pytest.approx(0.0625, rel=1e-12)
    r = compare_poisson(0, 5, dispersion=1.0001)
    assert r.p_value == pytest.approx(0.0625, rel=1e-12)
    assert verdict(r.p_value, r.ratio) == "similar" and r.ratio_high > 1
    assert compare_poisson(0, 5, dispersion=2).p_value == pytest.approx(
        2 * stats.norm.sf(2.5 / math.sqrt(2.5)), rel=1e-12)


PHIS = [1, 1.0001, 1.001, 1.01, 1.1, 1.25, 1.5, 2, 3, 5, 10, 50]
EXPOSURES = [(1, 1), (3, 3), (1, 2), (3, 12), (12, 3), (11, 12), (1.05, 1)]


@pytest.mark.parametrize(("t1", "t2"), EXPOSURES)
def test_verdict_is_monotone_in_phi_over_a_grid_of_small_counts(t1, t2):
    # Every pair of counts 0..25 at every phi of the grid: allowing for more noise never lowers
    # the p-value, never narrows the interval, and so never turns "similar" into "rose"/"fell".
    x1, x2 = (a.ravel() for a in np.meshgrid(np.arange(26), np.arange(26)))
    previous = None
    for phi in PHIS:
        out = compare_poisson_arrays(x1, x2, t1, t2, dispersion=phi)
        said = verdicts(out["p_value"], out["ratio"])
        if previous is not None:
            assert (out["p_value"] >= previous["p_value"] * (1 - 1e-12)).all(), phi
            assert (out["ratio_low"] <= previous["ratio_low"] * (1 + 1e-12)).all(), phi
            assert (out["ratio_high"] >= previous["ratio_high"] * (1 - 1e-12)).all(), phi
            moved = (previous["verdict"] == "similar") & (said != "similar")
            assert not moved.any(), (phi, x1[moved], x2[moved])
        previous = {**out, "verdict": said}


@pytest.mark.parametrize("method", ["exact", "sqrt"])
def test_sqrt_method_is_monotone_in_phi_too(method):
    x1, x2 = (a.ravel() for a in np.meshgrid(np.arange(26), np.arange(26)))
    p = [compare_poisson_arrays(x1, x2, 1, 1, method=method, dispersion=phi)["p_value"]
         for phi in PHIS]
    assert all((b >= a * (1 - 1e-12)).all() for a, b in zip(p, p[1:], strict=False))


@pytest.mark.parametrize(("t1", "t2"), EXPOSURES)
@pytest.mark.parametrize("phi", [1, 1.0001, 1.5, 4])
def test_verdict_and_interval_agree_over_a_grid_of_small_counts(t1, t2, phi):
    # The interval leaves out a ratio of 1 exactly when p < alpha, at phi = 1 as above it.
    # Before the central p-value, 2 against 0 over 3 and 12 months had p = 0.040 ("rose")
    # beside an interval from 0.75; now p = 2 x 0.2^2 = 0.08.
    x1, x2 = (a.ravel() for a in np.meshgrid(np.arange(41), np.arange(41)))
    for alpha in (0.05, 0.1, 0.01):
        out = compare_poisson_arrays(x1, x2, t1, t2, alpha=alpha, dispersion=phi)
        clear = np.abs(out["p_value"] - alpha) > 1e-9
        excludes = (out["ratio_low"] > 1) | (out["ratio_high"] < 1)
        bad = clear & ((out["p_value"] < alpha) != excludes)
        assert not bad.any(), (alpha, x1[bad], x2[bad])
    assert compare_poisson(2, 0, 3, 12).p_value == pytest.approx(2 * 0.2**2, rel=1e-12)


def test_dispersion_divides_the_square_root_z():
    # 25 against 16: Z = 2 (5 - 4) = 2; with phi = 4, Z / 2 = 1.
    r = compare_poisson(25, 16, method="sqrt", dispersion=4)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(1.0))


def test_dispersion_below_one_is_refused():
    with pytest.raises(ValueError, match="dispersion must be a number of 1 or more"):
        compare_poisson(10, 5, dispersion=0.5)


def test_estimate_dispersion_by_hand():
    # Moving ranges all 10: sigma = 10 / 1.128 = 8.865, sigma^2 = 78.6 < mean 104: phi = 1.
    assert estimate_dispersion([100, 110, 100, 110, 100]) == 1.0
    # Moving ranges all 40: sigma^2 = (40 / 1.128)^2 = 1257.5, mean 116: phi = 10.841.
    assert estimate_dispersion([100, 140, 100, 140, 100]) == pytest.approx(
        (40 / 1.128) ** 2 / 116, rel=1e-12)
    assert estimate_dispersion([100, 140, 100, 140, 100]) == pytest.approx(10.841, abs=1e-3)
    # A series of zeros has no variation to measure: 1.
    assert estimate_dispersion([0, 0, 0]) == 1.0
    # One series per row.
    both = estimate_dispersion([[100, 110, 100, 110, 100], [100, 140, 100, 140, 100]])
    assert both.tolist() == pytest.approx([1.0, 10.841], abs=1e-3)


def test_estimate_dispersion_screens_a_publication_gap():
    # 13 months alternating 1,000 / 1,060 (moving ranges 60) with month 7 published as 0:
    # moving ranges 60 x 10 and 1,060 twice (either side of the gap); mean 2,720 / 12 = 226.7,
    # screen at 3.267 x 226.7 = 740.5 drops both, leaving a mean moving range of 60.
    y = [1000, 1060] * 3 + [0] + [1060, 1000] * 3
    mean = sum(y) / 13  # 12 x 1,030 / 13 = 950.8
    assert estimate_dispersion(y) == pytest.approx((60 / 1.128) ** 2 / mean, rel=1e-12)
    # Without the screen the gap inflates phi about 14-fold: (226.7 / 1.128)^2 / 950.8 = 42.47.
    assert estimate_dispersion(y, screen=False) == pytest.approx(
        (2720 / 12 / 1.128) ** 2 / mean, rel=1e-12)
    assert estimate_dispersion(y) == pytest.approx(2.9758, abs=1e-4)  # (60 / 1.128)^2 / 950.8


def test_estimate_dispersion_of_poisson_counts_is_about_one():
    rng = np.random.default_rng(20240101)
    y = rng.poisson(1000, size=(40, 120))
    # Estimates are noisy around 1 (below 1 they are floored): a typical series reads 1, none
    # reads as much as 1.8.
    for seasonal in (False, True):
        phi = estimate_dispersion(y, seasonal=seasonal)
        assert np.all(phi >= 1) and np.median(phi) < 1.1 and np.all(phi < 1.8)


def test_seasonal_estimate_by_hand():
    # Year 1: 100 every month; year 2: 110, 90, 110, 90, ... Year-on-year differences d:
    # 10, -10, 10, ... (12 values); their moving ranges are all 20, so sigma_d = 20 / 1.128 =
    # 17.730; the mean count is 2,400 / 24 = 100 and Var(d) is about 2 x phi x mean:
    # phi = 17.730^2 / (2 x 100) = 1.5718.
    y = [100] * 12 + [110, 90] * 6
    assert estimate_dispersion(y) == pytest.approx((20 / 1.128) ** 2 / 200, rel=1e-12)
    assert estimate_dispersion(y) == pytest.approx(1.5718, abs=1e-4)
    # Forcing the month-to-month estimate: ranges 0 x 11, 10, 20 x 11 -> mean 230 / 23 = 10;
    # (10 / 1.128)^2 / 100 = 0.786, floored at 1.
    assert estimate_dispersion(y, seasonal=False) == 1.0


def test_a_seasonal_swing_inflates_only_the_month_to_month_estimate():
    # 200 series of three years of Poisson noise around a summer peak of +/-30% (a seasonal
    # crime type): month to month the swing looks like noise (phi about 4); year on year it
    # cancels (phi about 1).
    rng = np.random.default_rng(7)
    season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(36) / 12)
    y = rng.poisson(500 * season, size=(200, 36))
    month_to_month = estimate_dispersion(y, seasonal=False)
    seasonal = estimate_dispersion(y)
    assert np.percentile(month_to_month, 5) > 3
    assert np.median(seasonal) < 1.1 and np.percentile(seasonal, 95) < 2.2
    # Below 18 months the month-to-month estimate is the default.
    assert estimate_dispersion(y[0, :17]) == estimate_dispersion(y[0, :17], seasonal=False)
    with pytest.raises(ValueError, match="at least 14 months"):
        estimate_dispersion(y[0, :13], seasonal=True)


def test_estimate_dispersion_refuses_bad_series():
    with pytest.raises(ValueError, match="at least 2 months"):
        estimate_dispersion([5])
    with pytest.raises(ValueError, match="zero or more"):
        estimate_dispersion([5, -1, 3])


# ----------------------------------------------------------------------------- verdict rule


def test_one_verdict_rule():
    p = [0.01, 0.01, 0.2, 0.01, np.nan, 0.01]
    ratio = [1.5, 0.5, 3.0, 1.0, 2.0, np.inf]
    assert verdicts(p, ratio).tolist() == ["rose", "fell", "similar", "similar", "similar",
                                           "rose"]
    assert direction(p, ratio).tolist() == [1, -1, 0, 0, 0, 1]
    # Differences compare with 0; alpha is the significance level.
    assert verdict(0.03, -2.0, null=0.0) == "fell"
    assert verdict(0.03, -2.0, alpha=0.01, null=0.0) == "similar"
    assert verdict(0.03, float("nan"), null=0.0) == "similar"


# ----------------------------------------------------------------------------- many tests


def test_holm_by_hand():
    # m = 4; sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running
    # maximum 0.02, 0.03, 0.06, 0.06; back in the original order:
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust_p_values(p, "holm").tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # Capped at 1.
    assert adjust_p_values([0.5, 0.6], "holm").tolist() == pytest.approx([1.0, 1.0])
    # A row that is not a test (0 against 0) stays out of m: m = 2, 0.01 x 2, 0.03 x 1 -> 0.03.
    adj = adjust_p_values([0.01, 1.0, 0.03], "holm", tested=[True, False, True])
    assert adj.tolist() == pytest.approx([0.02, 1.0, 0.03])
    assert adjust_p_values(p, "none").tolist() == p


def test_benjamini_hochberg_by_hand_and_as_scipy():
    # sorted 0.005, 0.01, 0.03, 0.04 times 4 / rank = 0.02, 0.02, 0.04, 0.04; running minimum
    # from the largest keeps them.
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust_p_values(p, "bh").tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    rng = np.random.default_rng(7)
    many = np.concatenate([rng.uniform(0, 1, 40), rng.uniform(0, 0.01, 10)])
    assert adjust_p_values(many, "bh") == pytest.approx(
        stats.false_discovery_control(many, method="bh"), rel=1e-12)
    with pytest.raises(ValueError, match="adjust must be one of"):
        adjust_p_values(p, "bonferroni")
