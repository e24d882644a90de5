"""Funnel-plot limits and the over-dispersion adjustment, checked against hand-worked values.

Poisson and binomial quantities quoted in comments were read from scipy.stats (poisson.ppf /
poisson.cdf, binom.ppf / binom.cdf, chi2.sf, norm.ppf) and the rest worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pccanalysis.indicators.funnel import (
    FLAG_WORDS,
    binomial_limit,
    estimate_overdispersion,
    funnel,
    funnel_limits,
    poisson_limit,
    winsorise,
)

# --- exact limits ---------------------------------------------------------------------------


def test_poisson_limits_at_100_expected_events_interpolate_the_quantile():
    # E = 100. Upper 95% (p = 0.975): poisson.ppf = 120; F(120) = 0.977331, F(119) = 0.971770;
    #   alpha = (0.977331 - 0.975) / (0.977331 - 0.971770) = 0.002331 / 0.005561 = 0.4192;
    #   limit = 120 - 0.4192 = 119.581.
    assert poisson_limit(100, 0.975) == pytest.approx(119.5809, abs=1e-4)
    # Lower 95% (p = 0.025): ppf = 81; F(81) = 0.029066, F(80) = 0.022649;
    #   alpha = 0.004066 / 0.006417 = 0.6337 -> 81 - 0.6337 = 80.366.
    assert poisson_limit(100, 0.025) == pytest.approx(80.3663, abs=1e-4)
    # 99.8%: upper p = 0.999: ppf = 132, F(132) = 0.999065, F(131) = 0.998732
    #   -> 132 - 0.000065 / 0.000333 = 131.805; lower p = 0.001: ppf = 71,
    #   F(71) = 0.001409, F(70) = 0.000971 -> 71 - 0.000409 / 0.000438 = 70.065.
    assert poisson_limit(100, 0.999) == pytest.approx(131.8048, abs=1e-4)
    assert poisson_limit(100, 0.001) == pytest.approx(70.0653, abs=1e-4)


def test_poisson_lower_limit_is_never_negative_for_small_expected_counts():
    # E = 2, p = 0.001: ppf = 0, F(0) = exp(-2) = 0.135335, F(-1) = 0:
    #   0 - (0.135335 - 0.001) / 0.135335 = -0.9926, so the limit is 0.
    assert poisson_limit(2.0, 0.001) == 0.0
    # Upper 99.8%: ppf = 8, F(8) = 0.999763, F(7) = 0.998903 -> 8 - 0.000763/0.000860 = 7.1126.
    assert poisson_limit(2.0, 0.999) == pytest.approx(7.1126, abs=1e-4)


def test_poisson_limit_is_continuous_where_the_quantile_steps():
    # Where poisson.ppf jumps from r to r + 1 the interpolated limit passes through r.
    grid = np.linspace(95, 105, 2001)
    limits = poisson_limit(grid, 0.975)
    assert np.max(np.abs(np.diff(limits))) < 0.01


def test_binomial_limits_interpolate_as_a_proportion():
    # Bin(50, 0.2). p = 0.975: binom.ppf = 16; F(16) = 0.985558, F(15) = 0.969197:
    #   16 - (0.985558 - 0.975) / (0.985558 - 0.969197) = 16 - 0.6453 = 15.3547 -> /50 = 0.30709.
    assert binomial_limit(50, 0.2, 0.975) == pytest.approx(0.307094, abs=1e-6)
    # p = 0.025: ppf = 5; F(5) = 0.048027, F(4) = 0.018496:
    #   5 - 0.023027 / 0.029531 = 4.2202 -> /50 = 0.084405.
    assert binomial_limit(50, 0.2, 0.025) == pytest.approx(0.084405, abs=1e-6)


def test_funnel_limits_for_rates_are_poisson_limits_per_person():
    # Target 10 per 1,000 and population 10,000: E = 100 events, so the 95% limits are
    # 80.366 and 119.581 events, i.e. 8.0366 and 11.9581 per 1,000.
    out = funnel_limits([10_000], 10.0, kind="rate")
    assert list(out.columns) == ["denominator", "target", "lower_95", "upper_95", "lower_998",
                                 "upper_998"]
    row = out.iloc[0]
    assert row["lower_95"] == pytest.approx(8.03663, abs=1e-5)
    assert row["upper_95"] == pytest.approx(11.95809, abs=1e-5)
    assert row["lower_998"] == pytest.approx(7.00653, abs=1e-5)
    assert row["upper_998"] == pytest.approx(13.18048, abs=1e-5)


def test_funnel_limits_narrow_as_the_denominator_grows():
    out = funnel_limits(np.geomspace(1_000, 1_000_000, 50), 10.0)
    width = out["upper_998"] - out["lower_998"]
    assert (np.diff(width) < 0).all()
    assert (out["lower_998"] <= out["lower_95"]).all() and (out["upper_95"] <= out["upper_998"]).all()


# --- Winsorising, phi and tau^2 -------------------------------------------------------------


def test_winsorise_uses_the_linearly_interpolated_10th_and_90th_percentiles():
    # Sorted [-4, -2, 0, 2, 4]: the 10th percentile sits at position 0.1 * 4 = 0.4,
    # -4 + 0.4 * 2 = -3.2; the 90th at 3.6, 2 + 0.6 * 2 = 3.2.
    assert winsorise([2, -2, 0, 4, -4]).tolist() == pytest.approx([2, -2, 0, 3.2, -3.2])


# Five units with expected counts E and observed counts O chosen as perfect squares, so the
# square-root z-scores 2 (sqrt(O) - sqrt(E)) are whole numbers:
#   E = 25, 100, 100, 400, 400 (sqrt 5, 10, 10, 20, 20)
#   O = 49, 81, 121, 441, 324  (sqrt 7, 9, 11, 21, 18)
#   z = 4, -2, 2, 2, -4
E5 = [25, 100, 100, 400, 400]
O5 = [49, 81, 121, 441, 324]
# Winsorised: sorted [-4, -2, 2, 2, 4]; 10th percentile -4 + 0.4 * 2 = -3.2, 90th 2 + 0.6 * 2
# = 3.2, so z_w = 3.2, -2, 2, 2, -3.2 and sum(z_w^2) = 10.24 + 4 + 4 + 4 + 10.24 = 32.48.
# phi = 32.48 / 5 = 6.496; I phi = 32.48 on 4 df: chi2.sf(32.48, 4) = 1.526e-6.
# Weights w = 1 / s^2 = 4E = 100, 400, 400, 1600, 1600: sum(w) = 4,100,
# sum(w^2) = 10,000 + 2 x 160,000 + 2 x 2,560,000 = 5,450,000, sum(w^2)/sum(w) = 1,329.268;
# tau^2 = (32.48 - 4) / (4,100 - 1,329.268) = 28.48 / 2,770.732 = 0.0102789.
PHI5 = 6.496
TAU2_5 = 28.48 / 2770.7317073


def test_phi_and_tau2_for_five_units_by_hand():
    z = 2 * (np.sqrt(O5) - np.sqrt(E5))
    assert z.tolist() == [4, -2, 2, 2, -4]
    od = estimate_overdispersion(z, 4 * np.array(E5, dtype=float))
    assert od.phi == pytest.approx(PHI5)
    assert od.statistic == pytest.approx(32.48)
    assert od.df == 4
    assert od.p_value == pytest.approx(1.5261e-6, rel=1e-3)
    assert od.tau2 == pytest.approx(TAU2_5)


def test_tau2_is_zero_when_there_is_less_spread_than_chance():
    # z = 0.5, -0.5, 0, 0.2, -0.2: Winsorised sum of squares well under I - 1 = 4.
    od = estimate_overdispersion([0.5, -0.5, 0, 0.2, -0.2], [100] * 5)
    assert od.tau2 == 0.0
    assert od.p_value > 0.9


def test_additive_adjustment_widens_the_limits_by_tau2():
    f = funnel(O5, E5, list("ABCDE"), kind="ratio")
    assert f.adjusted and f.adjustment == "additive"
    assert f.target == 1.0 and f.target_source == "given"
    assert f.phi == pytest.approx(PHI5)
    assert f.tau2 == pytest.approx(TAU2_5)
    u = f.units.set_index("unit")
    # Unit A (E = 25): s^2 = 1 / (4 x 25) = 0.01; sqrt(0.01 + 0.0102789) = 0.142404;
    # y = sqrt(49 / 25) = 1.4, so z_adjusted = 0.4 / 0.142404 = 2.8089: above the 95% limit
    # (1.96) and within the 99.8% limit (3.09).
    assert u.loc["A", "z"] == pytest.approx(4.0)
    assert u.loc["A", "z_adjusted"] == pytest.approx(2.80891, abs=1e-5)
    assert u.loc["A", "flag"] == "high_95"
    # Its limits on the ratio scale: (1 + 1.959964 x 0.142404)^2 = 1.63611 and
    # (1 + 3.090232 x 0.142404)^2 = 2.07378; lower 99.8% (1 - 3.090232 x 0.142404)^2 = 0.31353.
    assert u.loc["A", "upper_95"] == pytest.approx(1.63611, abs=1e-5)
    assert u.loc["A", "upper_998"] == pytest.approx(2.07378, abs=1e-5)
    assert u.loc["A", "lower_998"] == pytest.approx(0.31353, abs=1e-5)
    # Unit D (E = 400, O = 441): s^2 = 0.000625, sqrt(0.000625 + 0.0102789) = 0.104422;
    # z_adjusted = (1.05 - 1) / 0.104422 = 0.4788: within.
    assert u.loc["D", "z_adjusted"] == pytest.approx(0.47883, abs=1e-5)
    assert list(u["flag"]) == ["high_95", "within", "within", "within", "within"]


def test_multiplicative_adjustment_divides_z_by_root_phi():
    f = funnel(O5, E5, list("ABCDE"), kind="ratio", overdispersion="multiplicative")
    u = f.units.set_index("unit")
    # sqrt(6.496) = 2.548725: z_adjusted = 4 / 2.548725 = 1.56941 for A, 2 / 2.548725 = 0.78471.
    assert u["z_adjusted"].tolist() == pytest.approx([1.56941, -0.78471, 0.78471, 0.78471,
                                                      -1.56941], abs=1e-5)
    # A's upper 99.8% limit: s = 0.1, (1 + 3.090232 x 2.548725 x 0.1)^2 = 1.78762^2 = 3.19557.
    assert u.loc["A", "upper_998"] == pytest.approx(3.19557, abs=1e-5)
    assert (u["flag"] == "within").all()
    assert f.method == "limits widened for over-dispersion: multiplicative (phi), square-root scale"


def test_without_adjustment_the_exact_limits_flag_the_same_units():
    f = funnel(O5, E5, list("ABCDE"), kind="ratio", overdispersion="none")
    assert not f.adjusted and np.isnan(f.phi)
    u = f.units.set_index("unit")
    # A: 49 against E = 25, upper 99.8% limit poisson_limit(25, 0.999) = 41.35: far above.
    # B: 81 against E = 100, lower 95% limit 80.366: just inside.
    # C: 121 against 119.581 (upper 95%) and 131.805 (upper 99.8%): above the 95% limit.
    # D: 441 against E = 400: upper 95% limit 439.17, upper 99.8% 462.72 -> high_95.
    # E: 324 against E = 400: lower 99.8% limit 339.14 -> low_998.
    assert list(u["flag"]) == ["high_998", "within", "high_95", "high_95", "low_998"]
    assert u.loc["C", "upper_95"] == pytest.approx(1.195809, abs=1e-6)
    assert f.method == "exact Poisson limits"


def test_no_adjustment_when_the_phi_test_is_not_significant():
    # Counts near their expectation: phi is small, the exact limits stand.
    f = funnel([98, 103, 100, 95, 104], [100] * 5, kind="ratio")
    assert f.phi_p_value > 0.05 and not f.adjusted
    assert (f.units["z_adjusted"] == f.units["z"]).all()
    assert (f.units["flag"] == "within").all()


def test_equal_sized_units_additive_example():
    # E = 100 for all five, O = 121, 81, 100, 144, 64: z = 2, -2, 0, 4, -4; Winsorised to
    # 2, -2, 0, 3.2, -3.2: phi = (4 + 4 + 0 + 10.24 + 10.24) / 5 = 5.696.
    # w = 400 each: sum(w) - sum(w^2)/sum(w) = 2,000 - 400 = 1,600;
    # tau^2 = (28.48 - 4) / 1,600 = 0.0153.
    f = funnel([121, 81, 100, 144, 64], [100] * 5, list("VWXYZ"), kind="ratio")
    assert f.phi == pytest.approx(5.696)
    assert f.tau2 == pytest.approx(0.0153)
    # sqrt(0.0025 + 0.0153) = 0.133417: upper 99.8% (1 + 3.090232 x 0.133417)^2 = 1.99456.
    assert f.units["upper_998"].iloc[0] == pytest.approx(1.99456, abs=1e-5)
    assert (f.units["flag"] == "within").all()


# --- rates and proportions ------------------------------------------------------------------


def test_rate_target_is_the_pooled_rate_per_1000():
    # 10 + 20 + 30 = 60 events in 1,000 + 2,000 + 4,000 = 7,000 people: 8.5714 per 1,000.
    f = funnel([10, 20, 30], [1_000, 2_000, 4_000], ["a", "b", "c"], overdispersion="none")
    assert f.target == pytest.approx(60 / 7)
    assert f.target_source == "pooled"
    assert f.units["value"].tolist() == pytest.approx([10.0, 10.0, 7.5])
    # Expected events: 60/7000 x 1,000 = 8.5714 ...
    assert f.units["expected"].tolist() == pytest.approx([60 / 7, 120 / 7, 240 / 7])


def test_a_given_target_is_used_as_is():
    f = funnel([10, 20, 30], [1_000, 2_000, 4_000], target=12.0, overdispersion="none")
    assert f.target == 12.0 and f.target_source == "given"
    assert f.units["expected"].tolist() == pytest.approx([12.0, 24.0, 48.0])


def test_proportions_use_binomial_limits_in_percent():
    # 10 of 50 against a given target of 20%: Bin(50, 0.2) 95% limits 4.2202 and 15.3547
    # cases (see test_binomial_limits_interpolate_as_a_proportion) = 8.4405% and 30.7094%.
    f = funnel([10, 40], [50, 100], kind="proportion", target=20.0, overdispersion="none")
    row = f.units.iloc[0]
    assert row["value"] == pytest.approx(20.0)
    assert row["lower_95"] == pytest.approx(8.4405, abs=1e-4)
    assert row["upper_95"] == pytest.approx(30.7094, abs=1e-4)
    # 40 of 100 against 20%: far above (binomial upper 99.8% about 32%).
    assert f.units["flag"].tolist() == ["within", "high_998"]
    # z on the arcsine scale: (asin(sqrt(0.4)) - asin(sqrt(0.2))) x 2 x sqrt(100)
    #   = (0.6847192 - 0.4636476) x 20 = 0.2210716 x 20 = 4.42143.
    assert f.units["z"].iloc[1] == pytest.approx(4.42143, abs=1e-5)


def test_curves_span_the_units_and_match_the_limits_at_each_unit():
    f = funnel(O5, E5, list("ABCDE"), kind="ratio")
    c = f.curves
    assert c["denominator"].min() == pytest.approx(12.5)   # half the smallest
    assert c["denominator"].max() == pytest.approx(440.0)  # 1.1 x the largest
    at_units = f.limits(f.units["denominator"])
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        assert at_units[col].to_numpy() == pytest.approx(f.units[col].to_numpy())


def test_flags_agree_with_the_limits_at_each_unit():
    rng = np.random.default_rng(5)
    n = rng.integers(1_000, 50_000, 40).astype(float)
    o = rng.poisson(n * 0.01 * rng.gamma(20, 1 / 20, 40))
    for od in ("additive", "multiplicative", "none"):
        u = funnel(o, n, overdispersion=od).units
        above = u["value"] > u["upper_998"]
        assert (u.loc[above, "flag"] == "high_998").all()
        inside = (u["value"] >= u["lower_95"]) & (u["value"] <= u["upper_95"])
        assert (u.loc[inside, "flag"] == "within").all()
        assert set(u["flag"]) <= set(FLAG_WORDS)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed", "denominator", "kwargs", "message"),
    [
        ([1, 2], [10, 0], {}, "denominators must be positive numbers."),
        ([1, -2], [10, 10], {}, "observed counts must be whole numbers of zero or more."),
        ([1.5, 2], [10, 10], {}, "observed counts must be whole numbers of zero or more."),
        ([1], [10], {}, "a funnel plot needs at least two units."),
        ([0, 0], [10, 10], {}, "there are no events in any unit, so there is no target to "
                               "compare with."),
        ([1, 2], [10, 10], {"kind": "odds"}, "kind must be one of rate, proportion, ratio, "
                                             "not 'odds'."),
        ([1, 2], [10, 10], {"overdispersion": "both"},
         "overdispersion must be one of additive, multiplicative, none, not 'both'."),
        ([11, 2], [10, 10], {"kind": "proportion"},
         "for proportions the denominators must be whole numbers of cases, each at least its "
         "observed count."),
    ],
)
def test_bad_input_is_refused_with_one_sentence(observed, denominator, kwargs, message):
    with pytest.raises(ValueError) as err:
        funnel(observed, denominator, **kwargs)
    assert str(err.value) == message


def test_units_frame_columns():
    f = funnel([10, 20, 30], [1_000, 2_000, 4_000], ["a", "b", "c"])
    assert list(f.units.columns) == [
        "unit", "observed", "denominator", "expected", "value", "target", "z", "z_adjusted",
        "lower_95", "upper_95", "lower_998", "upper_998", "flag",
    ]
    assert f.units["observed"].dtype == "int64"
    assert isinstance(f.curves, pd.DataFrame) and len(f.curves) == 200
