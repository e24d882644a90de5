"""Tests for pccanalysis.indicators.comparator: a local change against a national change."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import odds_ratio

from pccanalysis.indicators.comparator import COMPARATOR_VERDICTS, compare_to_comparator


def test_log_method_by_hand():
    # Local 100 -> 124 (+24%), England and Wales 5,000,000 -> 5,250,000 (+5%).
    # R = 1.24 / 1.05 = 1.180952; se(log R) = sqrt(1/124 + 1/100 + 1/5.25e6 + 1/5e6)
    #   = sqrt(0.0080645 + 0.01 + 0.00000039) = 0.134406; z = ln(1.180952) / 0.134406
    #   = 0.166322 / 0.134406 = 1.2375; p = 2 (1 - Phi(1.2375)) = 0.2159 -> not supported.
    r = compare_to_comparator(124, 100, 5_250_000, 5_000_000, method="log",
                              label="Recorded suicide", comparator_label="England and Wales")
    assert r.local_percent == pytest.approx(24.0)
    assert r.comparator_percent == pytest.approx(5.0)
    assert r.difference == pytest.approx(19.0)
    assert r.ratio == pytest.approx(1.180952, abs=1e-6)
    assert r.p_value == pytest.approx(0.2159, abs=1e-4)
    se = math.sqrt(1 / 124 + 1 / 100 + 1 / 5.25e6 + 1 / 5e6)
    assert r.ratio_low == pytest.approx(1.180952 * math.exp(-1.959964 * se), rel=1e-5)
    assert r.verdict == "similar to"
    # The difference of 19 points: se = 100 sqrt(1.24^2 (1/124 + 1/100) + 1.05^2 (1/5.25e6 +
    # 1/5e6)) = 100 sqrt(1.5376 * 0.0180645 + 0.00000043) = 16.666; 19 +/- 1.96 x 16.666.
    assert r.difference_low == pytest.approx(19 - 1.959964 * 16.666, abs=0.01)
    assert r.difference_high == pytest.approx(19 + 1.959964 * 16.666, abs=0.01)


def _central_fisher(table) -> float:
    """Twice the smaller of scipy's one-sided Fisher p-values, at most 1."""
    less = stats.fisher_exact(table, alternative="less").pvalue
    greater = stats.fisher_exact(table, alternative="greater").pvalue
    return min(1.0, 2 * min(less, greater))


def test_exact_method_is_fishers_test_and_conditional_interval():
    table = [[124, 100], [5_250_000, 5_000_000]]
    r = compare_to_comparator(124, 100, 5_250_000, 5_000_000)
    # Fisher's test two-sided as twice the smaller tail (the test the interval inverts).
    assert r.p_value == pytest.approx(_central_fisher(table), rel=1e-9)
    ci = odds_ratio(table, kind="conditional").confidence_interval(0.95)
    assert (r.ratio_low, r.ratio_high) == pytest.approx((ci.low, ci.high), rel=1e-6)
    assert r.method == "exact conditional (Fisher)"
    assert r.verdict == "similar to"


def test_rose_faster_than_england_and_wales():
    # 150 -> 250 locally (+66.7%) against +5% nationally: R = 1.667 / 1.05 = 1.587; far from 1.
    r = compare_to_comparator(250, 150, 5_250_000, 5_000_000,
                              comparator_label="England and Wales")
    assert r.ratio == pytest.approx((250 / 150) / 1.05)
    assert r.p_value < 1e-4
    assert r.verdict == "rose faster than"
    assert r.ratio_low > 1


@pytest.mark.parametrize(
    ("local", "national", "verdict"),
    [
        ((1100, 1000), (1_500_000, 1_000_000), "rose more slowly than"),  # +10% vs +50%
        ((400, 1000), (900_000, 1_000_000), "fell faster than"),  # -60% vs -10%
        ((900, 1000), (500_000, 1_000_000), "fell more slowly than"),  # -10% vs -50%
        ((1500, 1000), (800_000, 1_000_000), "rose against a fall in"),  # +50% vs -20%
        ((600, 1000), (1_200_000, 1_000_000), "fell against a rise in"),  # -40% vs +20%
        ((1000, 1000), (1_500_000, 1_000_000), "held steady against a rise in"),  # 0 vs +50%
        ((1000, 1000), (500_000, 1_000_000), "held steady against a fall in"),  # 0 vs -50%
    ],
)
def test_verdicts(local, national, verdict):
    r = compare_to_comparator(*local, *national)
    assert r.p_value < 1e-6
    assert r.verdict == verdict
    assert verdict in COMPARATOR_VERDICTS


def test_rise_from_zero_is_a_rise():
    # 0 -> 40 locally against no change nationally: a rise, however the percentage is undefined.
    r = compare_to_comparator(40, 0, 1_000_000, 1_000_000)
    assert math.isnan(r.local_percent)
    assert r.verdict == "rose faster than"


def test_comparator_given_as_a_percentage():
    # Only "+5% nationally" is known: given 400 in all, the current count is Bin(400, p) with
    # p = 1.05 / 2.05 under "the same change as nationally".
    # 250 is above the expected 204.9, so p is twice the upper tail.
    r = compare_to_comparator(250, 150, comparator_percent=5)
    upper = stats.binomtest(250, 400, 1.05 / 2.05, alternative="greater").pvalue
    assert r.p_value == pytest.approx(2 * upper, rel=1e-12)
    assert r.comparator_current is None
    assert r.verdict == "rose faster than"


def test_subtract_local_compares_with_the_rest():
    r = compare_to_comparator(250, 150, 1250, 1150, subtract_local=True)
    # The rest: 1,000 -> 1,000 (0%).
    assert (r.comparator_current, r.comparator_previous) == (1000, 1000)
    assert r.comparator_percent == 0.0
    with pytest.raises(ValueError, match="cannot include them"):
        compare_to_comparator(250, 150, 100, 1150, subtract_local=True)


def test_bad_input():
    with pytest.raises(ValueError, match="log method needs every count above zero"):
        compare_to_comparator(0, 5, 100, 100, method="log")
    with pytest.raises(ValueError, match="not both"):
        compare_to_comparator(1, 5, 100, 100, comparator_percent=3)
    with pytest.raises(ValueError, match="whole number"):
        compare_to_comparator(-1, 5, 100, 100)


@settings(max_examples=100, deadline=None)
@given(a=st.integers(0, 2000), b=st.integers(0, 2000), k=st.integers(1, 1000))
def test_the_same_change_as_the_comparator_is_similar(a, b, k):
    # The comparator is the local series scaled up k times: the same percentage change.
    r = compare_to_comparator(a, b, a * k, b * k)
    assert r.verdict == "similar to"
    assert r.p_value == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(x1=st.integers(1, 3000), x0=st.integers(1, 3000), y1=st.integers(1, 10**7),
       y0=st.integers(1, 10**7))
def test_interval_contains_the_ratio(x1, x0, y1, y0):
    for method in ("exact", "log"):
        r = compare_to_comparator(x1, x0, y1, y0, method=method)
        assert r.ratio_low <= r.ratio * (1 + 1e-9) and r.ratio <= r.ratio_high * (1 + 1e-9)
        if r.verdict != "similar to":
            assert r.p_value < r.alpha


@pytest.mark.parametrize(
    "table",
    [[[3, 7], [2, 9]], [[0, 5], [10, 10]], [[5, 0], [10, 10]], [[40, 12], [900, 1000]],
     [[1500, 1200], [7_000_000, 6_500_000]]],
)
def test_conditional_interval_agrees_with_scipy(table):
    from pccanalysis.indicators.comparator import conditional_odds_ratio_interval

    ours = conditional_odds_ratio_interval(table, 0.05)
    ci = odds_ratio(table, kind="conditional").confidence_interval(0.95)
    assert ours == pytest.approx((ci.low, ci.high), rel=1e-6)


def test_over_dispersed_local_counts_widen_the_comparison():
    # 150 -> 250 locally against +5% nationally: R = 1.5873, ln R = 0.46204.
    # phi = 4: se = sqrt(4 (1/250 + 1/150) + 1/5.25e6 + 1/5e6) = sqrt(0.042667 + 0.0000004)
    #   = 0.20656, z = 2.2368, p = 0.0253: still "rose faster than".
    # phi = 6: se = sqrt(0.064 + 0.0000004) = 0.25298, z = 1.8264, p = 0.0678: "similar to".
    four = compare_to_comparator(250, 150, 5_250_000, 5_000_000, dispersion=4)
    assert four.p_value == pytest.approx(0.0253, abs=1e-4)
    assert four.verdict == "rose faster than" and four.ratio_low > 1
    six = compare_to_comparator(250, 150, 5_250_000, 5_000_000, dispersion=6)
    assert six.p_value == pytest.approx(0.0678, abs=1e-4)
    assert six.verdict == "similar to" and six.ratio_low < 1 < six.ratio_high
    assert six.method == "log ratio of rate ratios, quasi-Poisson (dispersion 6)"
    # The difference interval widens by the local variance times phi:
    # 100 sqrt(6 x (5/3)^2 (1/250 + 1/150) + 1.05^2 (1/5.25e6 + 1/5e6)) = 32.66 points.
    se_d = 100 * math.sqrt(6 * (250 / 150) ** 2 * (1 / 250 + 1 / 150)
                           + 1.05**2 * (1 / 5.25e6 + 1 / 5e6))
    assert six.difference_high - six.difference == pytest.approx(1.959964 * se_d, rel=1e-5)
    # A published percentage only: the quasi-Poisson score test, z = (250 - 400 x 0.512195) /
    # sqrt(6 x 400 x 0.512195 x 0.487805) = 45.122 / 24.488 = 1.8427, p = 0.0654.
    pct = compare_to_comparator(250, 150, comparator_percent=5, dispersion=6)
    assert pct.p_value == pytest.approx(0.0654, abs=1e-4)
    assert pct.verdict == "similar to"
    # phi = 1 is the exact test, unchanged.
    assert compare_to_comparator(250, 150, comparator_percent=5, dispersion=1) == \
        compare_to_comparator(250, 150, comparator_percent=5)
    with pytest.raises(ValueError, match="needs every count above zero"):
        compare_to_comparator(40, 0, 1_000_000, 1_000_000, dispersion=2)
    with pytest.raises(ValueError, match="dispersion must be a number of 1 or more"):
        compare_to_comparator(40, 10, 1_000_000, 1_000_000, dispersion=0.5)


# ----------------------------------------------------------------------------- one method


def _exact_central_fisher(table) -> float:
    """Twice the smaller tail of the conditional distribution, summed in whole numbers."""
    (a, b), (c, d) = table
    r1, c1, n = a + b, a + c, a + b + c + d
    weight = {k: math.comb(c1, k) * math.comb(n - c1, r1 - k)
              for k in range(max(0, r1 + c1 - n), min(r1, c1) + 1)}
    total = sum(weight.values())
    upper = Fraction(sum(w for k, w in weight.items() if k >= a), total)
    lower = Fraction(sum(w for k, w in weight.items() if k <= a), total)
    return float(min(Fraction(1), 2 * min(upper, lower)))


def test_the_reviewers_table_is_similar_beside_an_interval_through_one():
    # Issue #13: 0 against 5 locally, 99,457 against 99,433 for the comparator. Given the
    # margins the local current count is hypergeometric, almost Bin(5, 99,457 / 198,890 =
    # 0.500060): P(X = 0) = 0.499940^5 = 0.031231 and P(X = 5) = 0.031269, so Fisher's
    # "minimum likelihood" p is 0.0312 ("fell") while the interval runs up to above 1. Twice
    # the smaller tail: p = 2 x 0.031231 = 0.0625, "similar to", as the interval says.
    r = compare_to_comparator(0, 5, 99457, 99433)
    assert stats.fisher_exact([[0, 5], [99457, 99433]]).pvalue < 0.05
    assert r.p_value == pytest.approx(2 * (99433 / 198890) ** 5, rel=1e-4)
    assert r.p_value == pytest.approx(_exact_central_fisher([[0, 5], [99457, 99433]]),
                                      rel=1e-12)
    assert r.verdict == "similar to"
    assert r.ratio_low == 0 and r.ratio_high > 1


@pytest.mark.parametrize(
    "table", [[[0, 5], [99457, 99433]], [[124, 100], [5_250_000, 5_000_000]], [[3, 7], [2, 9]],
              [[40, 12], [900, 1000]]])
def test_conditional_p_value_by_whole_numbers(table):
    # The tails summed in whole numbers (Python integers, no rounding) agree to 1e-12, where
    # scipy's own hypergeometric tails of counts in the millions agree to about 1e-9.
    from pccanalysis.indicators.comparator import conditional_p_value

    assert conditional_p_value(table) == pytest.approx(_exact_central_fisher(table), rel=1e-12)


def _agree(r) -> bool:
    """The verdict says "similar to" exactly when the ratio interval includes 1."""
    if abs(r.p_value - r.alpha) < 1e-9:  # on the boundary itself either reading is fair
        return True
    return (r.verdict == "similar to") == (r.ratio_low <= 1 <= r.ratio_high)


SMALL = [0, 1, 2, 4, 7, 12]


def test_verdict_and_interval_never_disagree_over_a_grid_of_small_tables():
    # Every 2x2 table with cells from SMALL (1,296 tables), and small local counts against
    # large comparators. Before, 54 of these small tables disagreed, e.g. 0 against 7 locally,
    # 7 against 7 for the comparator: Fisher's p = 0.047 ("fell ...") beside an interval that
    # includes 1 (p now 0.059).
    tables = [(a, b, c, d) for a in SMALL for b in SMALL for c in SMALL for d in SMALL]
    tables += [(a, b, c, d) for a in range(9) for b in range(9)
               for c, d in [(99457, 99433), (1000, 3000)]]
    for a, b, c, d in tables:
        r = compare_to_comparator(a, b, c, d)
        assert _agree(r), (a, b, c, d, r.p_value, r.ratio_low, r.ratio_high)
    assert stats.fisher_exact([[0, 7], [7, 7]]).pvalue < 0.05
    r = compare_to_comparator(0, 7, 7, 7)
    assert r.verdict == "similar to" and r.ratio_high > 1


def test_verdict_and_interval_never_disagree_against_a_percentage():
    for a in range(16):
        for b in range(16):
            for pct in (-50, -10, 5, 24):
                for phi in (1, 1.5):
                    r = compare_to_comparator(a, b, comparator_percent=pct, dispersion=phi)
                    assert _agree(r), (a, b, pct, phi, r.p_value, r.ratio_low, r.ratio_high)


def test_verdict_is_monotone_in_phi_and_agrees_with_the_interval():
    # With the comparator's counts and phi > 1 the p-value is the larger of Fisher's and the
    # quasi-Poisson log-scale test's: it never falls as phi grows. Without that rule 2 against
    # 11 locally, 13 against 13 for the comparator, was "similar to" at phi = 1 (p = 0.075)
    # and "fell faster than" at phi = 1.0001 (log scale alone: p = 0.048).
    r = compare_to_comparator(2, 11, 13, 13, dispersion=1.0001)
    assert r.p_value == pytest.approx(_exact_central_fisher([[2, 11], [13, 13]]), rel=1e-12)
    assert r.verdict == "similar to"
    phis = [1, 1.0001, 1.1, 2, 10]
    for a in [1, 2, 4, 8, 15, 40]:
        for b in [1, 2, 4, 8, 15, 40]:
            for c, d in [(13, 13), (3, 8), (1000, 1000), (99457, 99433)]:
                before = None
                for phi in phis:
                    r = compare_to_comparator(a, b, c, d, dispersion=phi)
                    assert _agree(r), (a, b, c, d, phi)
                    if before is not None:
                        assert r.p_value >= before.p_value * (1 - 1e-12), (a, b, c, d, phi)
                        assert not (before.verdict == "similar to" != r.verdict)
                    before = r
