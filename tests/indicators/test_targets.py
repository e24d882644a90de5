"""Progress against partnership targets, worked by hand.

The interval checks use scipy.stats.binomtest as an independent route to the same exact
(Clopper-Pearson) interval: conditional on the total n = x_now + x_base, x_now is binomial with
p = t_now / (t_now + t_base) when the monthly rate has not changed, and a proportion interval
(pL, pU) gives the rate-ratio interval pL / (1 - pL) * t_base / t_now, and so on.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from pccanalysis.errors import ConfigError, DataError, PeriodError
from pccanalysis.indicators.change import Caveat
from pccanalysis.indicators.gaps import Gap
from pccanalysis.indicators.targets import STATUS_RULE, Target, target_progress


def monthly(values, start="2019-04"):
    return pd.DataFrame({"month": pd.period_range(start, periods=len(values), freq="M"),
                         "count": values})


def ratio_ci(x_now, x_base, t_now=1, t_base=1):
    lo, hi = stats.binomtest(x_now, x_now + x_base).proportion_ci(0.95, method="exact")
    return lo / (1 - lo) * t_base / t_now, hi / (1 - hi) * t_base / t_now


ASB = Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25, "2022-23")


def test_financial_year_baseline_against_rolling_twelve_months_on_track():
    # Baseline 2019-20: 12 x 100 = 1200. Latest 12 months (April 2020 to March 2021): 12 x 80 = 960.
    # Ratio 960 / 1200 = 0.8, a change of -20%.
    # Trajectory: baseline ends March 2020, deadline 2022-23 ends March 2023 (36 months); now is
    # March 2021, 12 months on: 12 / 36 = 1/3 of the way, so -25% / 3 = -8.333% is needed by now,
    # a ratio of 0.91667, a value of 1200 * 0.91667 = 1100. Target value 1200 * 0.75 = 900.
    # The interval (0.734, 0.872) lies wholly below 0.91667: on track.
    r = target_progress(ASB, monthly([100] * 12 + [80] * 12))
    assert r.comparison == "rolling"
    assert (r.baseline_label, r.current_label) == ("2019-20", "2020-21")
    assert r.baseline_count == 1200 and r.baseline_value == 1200.0 and r.current_value == 960
    assert r.ratio == pytest.approx(0.8)
    assert r.percent_change == pytest.approx(-20.0)
    lo, hi = ratio_ci(960, 1200)
    assert (r.ratio_low, r.ratio_high) == (pytest.approx(lo), pytest.approx(hi))
    assert r.percent_change_low == pytest.approx((lo - 1) * 100)
    assert r.p_value == pytest.approx(stats.binomtest(960, 2160, 0.5).pvalue)
    assert r.verdict == "fell"
    assert r.elapsed_fraction == pytest.approx(1 / 3)
    assert r.needed_percent_by_now == pytest.approx(-25 / 3)
    assert r.trajectory_value_now == pytest.approx(1100.0)
    assert r.target_value == pytest.approx(900.0)
    assert r.target_percent == -25
    assert r.status == "on track"
    assert not r.past_deadline
    assert r.deadline_label == "2022-23"
    assert STATUS_RULE in r.method


def test_increase_instead_of_the_reduction_wanted_is_off_track():
    # 12 x 130 = 1560 against 1200: ratio 1.3 (+30%); interval (1.205, 1.403) is wholly above the
    # trajectory ratio 0.91667: off track, and the change itself "rose".
    r = target_progress(ASB, monthly([100] * 12 + [130] * 12))
    assert r.percent_change == pytest.approx(30.0)
    assert r.ratio_low == pytest.approx(ratio_ci(1560, 1200)[0])
    assert r.verdict == "rose"
    assert r.status == "off track"


def test_small_counts_that_cannot_tell_are_at_risk():
    # 12 x 5 = 60 against 12 x 5 then 10 x 4 + 2 x 5 = 50: ratio 50 / 60 = 0.8333 (-16.7%), beyond
    # the trajectory 0.91667, but the interval (0.561, 1.233) spans it: at risk, and "similar".
    r = target_progress(ASB, monthly([5] * 12 + [4] * 10 + [5] * 2))
    assert r.ratio == pytest.approx(50 / 60)
    assert r.ratio_high == pytest.approx(ratio_ci(50, 60)[1])
    assert r.status == "at risk"
    assert r.verdict == "similar"


def test_increase_target_past_its_deadline():
    # "Increase reporting by 10% against 2019-20 by 2020-21": at March 2021 the deadline has been
    # reached (12 / 12 months), so the full +10% is needed: ratio 1.1.
    # 1320 / 1200 = 1.1 exactly: the interval (1.017, 1.190) spans 1.1 -> at risk.
    # 1500 / 1200 = 1.25: interval (1.158, 1.350) wholly above 1.1 -> on track (met).
    t = Target("Reports", "Hate crime", "2019-20", "increase", 10, "2020-21")
    r = target_progress(t, monthly([100] * 12 + [110] * 12))
    assert r.past_deadline and r.elapsed_fraction == 1.0
    assert r.needed_percent_by_now == pytest.approx(10.0)
    assert r.target_value == pytest.approx(1320.0)
    assert r.status == "at risk"
    r = target_progress(t, monthly([100] * 12 + [125] * 12))
    assert r.status == "on track"
    # An increase that falls short: 12 x 90 = 1080, ratio 0.9, interval wholly below 1.1.
    assert target_progress(t, monthly([100] * 12 + [90] * 12)).status == "off track"


def test_quarter_baseline_compares_the_same_months_of_the_latest_year():
    # Baseline 2019-20 Q4 (January-March 2020): 3 x 100 = 300. Series runs to August 2021, so the
    # latest January-March is 2021 (2020-21 Q4): 3 x 90 = 270, ratio 0.9.
    # Deadline 2022-23 Q4 ends March 2023: 36 months after March 2020; now (March 2021) is 12 in:
    # needed -10% / 3 = -3.333%.
    t = Target("Crime", "All crime", "2019-20 Q4", "reduce", 10, "2022-23 Q4")
    values = [100] * 12 + [90] * 12 + [85] * 5  # April 2019 to August 2021
    r = target_progress(t, monthly(values))
    assert r.comparison == "same_months"
    assert (r.baseline_label, r.current_label) == ("2019-20 Q4", "2020-21 Q4")
    assert [str(m) for m in r.current_months] == ["2021-01", "2021-02", "2021-03"]
    assert (r.baseline_count, r.current_value) == (300, 270)
    assert r.needed_percent_by_now == pytest.approx(-10 / 3)


def test_month_baseline_since_march_2020():
    # "Since March 2020": baseline March 2020 = 100 (12th value); the latest March is 2021 = 80.
    # Ratio 0.8; deadline March 2022 is 24 months after March 2020, now is 12 in: -20% / 2 = -10%.
    t = Target("Crime", "All crime", "2020-03", "reduce", 20, "2022-03")
    r = target_progress(t, monthly([100] * 12 + [80] * 12))
    assert (r.baseline_label, r.current_label) == ("March 2020", "March 2021")
    assert r.ratio == pytest.approx(0.8)
    assert r.needed_percent_by_now == pytest.approx(-10.0)


def test_annualised_quarter_baseline_against_rolling_twelve_months():
    # Baseline 2019-20 Q4: 300 in 3 months -> 1200 per 12 months. Rolling 12 months to March 2021:
    # 960. Rate ratio (960 / 12) / (300 / 3) = 80 / 100 = 0.8; the interval uses exposures 12 and 3.
    t = Target("Crime", "All crime", "2019-20 Q4", "reduce", 10, "2022-23")
    r = target_progress(t, monthly([100] * 12 + [80] * 12), compare="annualised")
    assert r.baseline_count == 300 and r.baseline_value == pytest.approx(1200.0)
    assert r.current_label == "2020-21"
    assert r.ratio == pytest.approx(0.8)
    lo, hi = ratio_ci(960, 300, 12, 3)
    assert (r.ratio_low, r.ratio_high) == (pytest.approx(lo), pytest.approx(hi))
    assert r.target_value == pytest.approx(1080.0)
    assert r.method.startswith("2020-21 against 2019-20 Q4 (annualised)")


def test_as_of_picks_an_earlier_window():
    # Series to September 2021; as of March 2021 the window is April 2020 to March 2021 (960),
    # as in the first test. By default it is October 2020 to September 2021:
    # 6 x 80 + 6 x 70 = 900, ratio 0.75; 18 of 36 months: needed -12.5%.
    df = monthly([100] * 12 + [80] * 12 + [70] * 6)
    r = target_progress(ASB, df, as_of="2021-03")
    assert (r.current_label, r.current_value) == ("2020-21", 960)
    r = target_progress(ASB, df)
    assert (r.current_label, r.current_value) == ("12 months to September 2021", 900)
    assert r.needed_percent_by_now == pytest.approx(-12.5)


def test_assurance_from_the_monthly_chart():
    # Rebased at April 2020, the latest segment alternates 60 and 62: mean 61, every moving range 2,
    # limits 61 -/+ 5.32 -> 55.68, 66.32. The monthly target is 1200 / 12 * 0.75 = 75, above the
    # upper limit; lower is better, so the target is consistently met.
    values = [99, 101] * 6 + [60, 62] * 6
    r = target_progress(ASB, monthly(values), spc_options={"rebase": ["2020-04"]})
    assert r.monthly_target == pytest.approx(75.0)
    assert r.spc.frame["upl"].iloc[-1] == pytest.approx(66.32)
    assert r.assurance == "consistently_met"
    assert r.assurance_label == "the target is consistently met"
    # Alternating 70 and 80 instead: mean 75, mR 10, limits 48.4 and 101.6 contain 75: hit and miss.
    values = [99, 101] * 6 + [70, 80] * 6
    r = target_progress(ASB, monthly(values), spc_options={"rebase": ["2020-04"]})
    assert r.assurance == "hit_and_miss"


def test_a_window_overlapping_the_baseline_is_refused():
    with pytest.raises(PeriodError) as e:
        target_progress(ASB, monthly([100] * 15))
    assert str(e.value) == (
        "target 'ASB': the current window (12 months to June 2020) overlaps the baseline 2019-20; "
        "progress can be measured from March 2021."
    )


def test_bad_series_and_targets_are_one_sentence():
    df = monthly([100] * 24)
    with pytest.raises(DataError) as e:
        target_progress(ASB, df.drop(index=5))
    assert str(e.value) == "column 'month': the monthly series has no count for 2019-09."
    df2 = df.copy()
    df2.loc[3, "count"] = -1
    with pytest.raises(DataError) as e:
        target_progress(ASB, df2)
    assert str(e.value) == (
        "column 'count': the count for 2019-07 is -1, not a whole number of zero or more."
    )
    with pytest.raises(DataError) as e:
        target_progress(ASB, monthly([0] * 12 + [5] * 12))
    assert str(e.value) == (
        "target 'ASB': the baseline 2019-20 count is zero, so a percentage change cannot be "
        "measured."
    )
    with pytest.raises(DataError) as e:
        target_progress(ASB, monthly([100] * 24, start="2019-06"))
    assert str(e.value) == (
        "the monthly series has no count for 2019-04, which the baseline 2019-20 needs."
    )
    with pytest.raises(ConfigError) as e:
        target_progress(Target("ASB", "ASB", "2019-20", "cut", 25, "2022-23"), df)
    assert str(e.value) == "target 'ASB': direction must be 'reduce' or 'increase', not 'cut'."
    with pytest.raises(ConfigError) as e:
        target_progress(Target("ASB", "ASB", "2019-20", "reduce", 125, "2022-23"), df)
    assert str(e.value) == (
        "target 'ASB': percent must be above 0 and at most 100 for a reduction, not 125."
    )
    with pytest.raises(ConfigError) as e:
        target_progress(Target("ASB", "ASB", "2019-20", "reduce", 25, "2019-20 Q3"), df)
    assert str(e.value) == (
        "target 'ASB': the deadline 2019-20 Q3 must end after the baseline 2019-20."
    )
    with pytest.raises(PeriodError) as e:
        target_progress(ASB, df, as_of="2022-01")
    assert str(e.value) == "2022-01 is not in the monthly series, which runs 2019-04 to 2021-03."


def test_series_indexed_by_month():
    s = pd.Series([100] * 12 + [80] * 12, index=pd.period_range("2019-04", periods=24, freq="M"))
    assert target_progress(ASB, s).ratio == pytest.approx(0.8)


# ----------------------------------------------------------------------------- gaps, dispersion


NOV_2019 = pd.Period("2019-11", "M")


def _gap_rows(*rows):
    """A find_gaps-shaped frame: (month, crime type, count, expected)."""
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "count", "expected"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame.assign(ratio=frame["count"] / frame["expected"], p_value=1e-9)


def test_a_gap_in_the_baseline_does_not_make_the_target_off_track():
    # ASB, reduce by 25% against 2019-20: 100 a month in 2019-20 except November 2019, published
    # with no ASB (a gap); 92 a month in 2020-21. Trajectory by March 2021: ratio 0.91667.
    series = monthly([100] * 7 + [0] + [100] * 4 + [92] * 12)
    gaps = _gap_rows(("2019-11", "Anti-social behaviour", 0, 100),
                     ("2020-06", "Burglary", 3, 40))  # another type's gap: not this target's
    # As published: 1,104 against 1,100, ratio 1.0036, exact interval (0.9224, 1.0920) wholly
    # above 0.91667: "off track", with the gap as a caveat.
    kept = target_progress(ASB, series, gaps=gaps)
    assert (kept.current_value, kept.baseline_count, kept.status) == (1104, 1100, "off track")
    assert (kept.ratio_low, kept.ratio_high) == pytest.approx(ratio_ci(1104, 1100))
    # worded "2019-11 Anti-social behaviour: 0 recorded against about 100 usually (a likely
    # publication gap)" (tests/narrative/test_gaps.py)
    assert kept.caveat == Caveat(gaps=(Gap(NOV_2019, ("Anti-social behaviour",), 0.0, 100.0),))
    # Leaving out November 2019 and its calendar pair November 2020: 11 x 92 = 1,012 against
    # 11 x 100 = 1,100, ratio 0.92, interval (0.8439, 1.0029) straddles 0.91667: "at risk".
    fair = target_progress(ASB, series, gaps=gaps, gap_policy="exclude")
    assert (fair.current_value, fair.baseline_count, fair.status) == (1012, 1100, "at risk")
    assert (fair.ratio_low, fair.ratio_high) == pytest.approx(ratio_ci(1012, 1100, 11, 11))
    assert fair.ratio_low == pytest.approx(0.8439, abs=1e-4)
    assert len(fair.baseline_months) == len(fair.current_months) == 11
    assert fair.baseline_label == "2019-20 excluding November 2019"
    assert fair.current_label == "2020-21 excluding November 2020"
    assert fair.caveat == Caveat(left_out=(NOV_2019,), paired=(pd.Period("2020-11", "M"),))
    # The trajectory still measures time to the end of the window: 12 of 36 months.
    assert fair.elapsed_fraction == pytest.approx(1 / 3)
    # The monthly target line uses the 11 good baseline months: 100 x 0.75 = 75; the chart
    # shows November 2019 but leaves it out of its limits.
    assert fair.monthly_target == pytest.approx(75.0)
    assert fair.spc.frame["excluded"].sum() == 1
    # A plain list of months works too, with a plainer caveat.
    listed = target_progress(ASB, series, gaps=["2019-11"])
    assert listed.status == "off track"
    assert listed.caveat == Caveat(gap_months=(NOV_2019,))
    with pytest.raises(ValueError, match="gap_policy must be one of"):
        target_progress(ASB, series, gaps=gaps, gap_policy="drop")


def test_all_crime_targets_read_the_gaps_of_every_type_but_asb():
    crime = Target("Crime", "All crime", "2019-20", "reduce", 10, "2022-23")
    series = monthly([1000] * 12 + [950] * 12)
    asb_only = _gap_rows(("2020-11", "Anti-social behaviour", 0, 100))
    assert target_progress(crime, series, gaps=asb_only).caveat is None
    burglary = _gap_rows(("2020-06", "Burglary", 3, 40))
    r = target_progress(crime, series, gaps=burglary, gap_policy="exclude")
    assert r.current_label == "2020-21 excluding June 2020"
    assert r.baseline_label == "2019-20 excluding June 2019"


def test_over_dispersed_counts_widen_the_status_interval():
    # 2019-20 alternates 90 / 110 (1,200; moving ranges 20: phi = (20 / 1.128)^2 / 100 =
    # 3.1437); 2020-21 is 80 a month (960). Exact interval (0.734, 0.872) is wholly below the
    # trajectory ratio 0.91667: "on track". Allowing for phi, 960 of 2,160 becomes 305.4 of
    # 687.1 effective events; the Wilson interval (z = 1.96) for 0.4444 is (0.4077, 0.4818),
    # a ratio of (0.6883, 0.9298), which reaches past 0.91667: "at risk".
    series = monthly([90, 110] * 6 + [80] * 12)
    plain = target_progress(ASB, series)
    assert plain.status == "on track" and plain.dispersion == 1.0
    r = target_progress(ASB, series, dispersion="estimate")
    phi = (20 / 1.128) ** 2 / 100
    assert r.dispersion == pytest.approx(phi, rel=1e-12)
    z = stats.norm.ppf(0.975)
    n, x = 2160 / phi, 960 / phi
    centre = (x + z * z / 2) / (n + z * z)
    half = z * (x * (n - x) / n + z * z / 4) ** 0.5 / (n + z * z)
    lo, hi = centre - half, centre + half
    assert (r.ratio_low, r.ratio_high) == pytest.approx((lo / (1 - lo), hi / (1 - hi)))
    assert (r.ratio_low, r.ratio_high) == pytest.approx((0.6883, 0.9298), abs=1e-4)
    assert r.status == "at risk" and r.verdict == "fell"
    assert "quasi-Poisson score test" in r.method and r.caveat is None
    # A fixed phi works the same way; with no 12 earlier months the estimate falls back to 1.
    assert target_progress(ASB, series, dispersion=phi).ratio_high == pytest.approx(r.ratio_high)
    q4 = Target("ASB", "Anti-social behaviour", "2019-20 Q4", "reduce", 25, "2022-23")
    # Annualised: April 2020 to March 2021 against January-March 2020, the only 3 months before.
    short = target_progress(q4, monthly([100] * 3 + [80] * 12, start="2020-01"),
                            compare="annualised", dispersion="estimate")
    assert short.dispersion == 1.0
    # "only 3 months of data before April 2020, too few ..."
    assert short.caveat == Caveat(history_months=3, history_start=pd.Period("2020-04", "M"))
