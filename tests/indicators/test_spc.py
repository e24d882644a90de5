"""XmR charts and Making Data Count rules, checked against examples worked by hand.

Notation in the comments: m = mean, mR = mean moving range, sigma = 2.66 / 3 * mR,
limits m +/- 2.66 mR, 2-sigma lines m +/- 2 * 2.66 / 3 * mR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pccanalysis.errors import ConfigError, DataError, PeriodError
from pccanalysis.indicators.spc import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_type,
    spc,
    spc_with_shift,
    sustained_shift,
)


def monthly(values, start="2020-04"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def flagged(result, column):
    return list(np.flatnonzero(result.frame[column].to_numpy()))


def test_limits_and_sigma_lines_by_hand():
    # 10, 12, 11, 14, 13: m = 60 / 5 = 12; moving ranges 2, 1, 3, 1, mR = 7 / 4 = 1.75.
    # Screening bound 3.267 * 1.75 = 5.72, nothing screened.
    # Limits 12 -/+ 2.66 * 1.75 = 12 -/+ 4.655 -> 7.345 and 16.655.
    # sigma = 2.66 / 3 * 1.75 = 1.551667; 1-sigma 10.448333 / 13.551667; 2-sigma 8.896667 / 15.103333.
    r = spc(monthly([10, 12, 11, 14, 13]))
    f = r.frame
    assert f["mean"].tolist() == pytest.approx([12.0] * 5)
    assert f["moving_range"].tolist()[1:] == [2.0, 1.0, 3.0, 1.0]
    assert np.isnan(f["moving_range"].iloc[0])
    assert f["lpl"].iloc[0] == pytest.approx(7.345)
    assert f["upl"].iloc[0] == pytest.approx(16.655)
    assert f["sigma"].iloc[0] == pytest.approx(1.551667, abs=1e-6)
    assert f["lower_1sigma"].iloc[0] == pytest.approx(10.448333, abs=1e-6)
    assert f["upper_1sigma"].iloc[0] == pytest.approx(13.551667, abs=1e-6)
    assert f["lower_2sigma"].iloc[0] == pytest.approx(8.896667, abs=1e-6)
    assert f["upper_2sigma"].iloc[0] == pytest.approx(15.103333, abs=1e-6)
    # 12 equals the mean exactly, so it is on neither side.
    assert f["relative_to_mean"].tolist() == [-1, 0, -1, 1, 1]
    assert not f["special_cause"].any()
    assert r.variation == "common_cause"
    assert r.variation_label == "common cause variation"
    # Five points < 12: trial limits.
    assert r.trial and f["trial"].all()
    assert r.segments.loc[0, "mean_moving_range"] == pytest.approx(1.75)


def test_outside_limits_and_moving_range_screening():
    # 10 12 10 12 10 12 30 10 12 12: m = 130 / 10 = 13.
    # Moving ranges 2 2 2 2 2 18 20 2 0: mean 50 / 9 = 5.556, bound 3.267 * 5.556 = 18.15,
    # so 20 is screened out and 18 kept: mR = (50 - 20) / 8 = 3.75.
    # Limits 13 -/+ 2.66 * 3.75 = 13 -/+ 9.975 -> 3.025 and 22.975: 30 is above (high).
    # 2-sigma lines 13 -/+ 6.65 -> 6.35 and 19.65: no other point beyond them.
    # Sides: six points below, 30 above, three below: no run of 7; no 6 rises in a row.
    r = spc(monthly([10, 12, 10, 12, 10, 12, 30, 10, 12, 12]), improvement="decrease")
    f = r.frame
    assert r.segments.loc[0, "mean_moving_range"] == pytest.approx(3.75)
    assert r.segments.loc[0, "moving_ranges_screened"] == 1
    assert f["mr_used"].tolist() == [False] + [True] * 6 + [False] + [True] * 2
    assert f["lpl"].iloc[0] == pytest.approx(3.025)
    assert f["upl"].iloc[0] == pytest.approx(22.975)
    assert flagged(r, "outside_limits") == [6]
    assert flagged(r, "special_cause") == [6]
    assert f.loc[6, "special_cause_rule"] == "outside_limits"
    assert f.loc[6, "special_cause_side"] == "high"
    # Lower is better, so a high point is concerning; the latest point is ordinary.
    assert f.loc[6, "variation"] == "concern_high"
    assert r.variation == "common_cause"
    assert spc(monthly([10, 12, 10, 12, 10, 12, 30, 10, 12, 12]),
               improvement="increase").frame.loc[6, "variation"] == "improvement_high"


def test_without_screening_the_mean_moving_range_keeps_every_range():
    # Same series: mR = 50 / 9 = 5.5556, upper limit 13 + 2.66 * 5.5556 = 27.778: 30 still above.
    r = spc(monthly([10, 12, 10, 12, 10, 12, 30, 10, 12, 12]), screen_outliers=False)
    assert r.segments.loc[0, "mean_moving_range"] == pytest.approx(50 / 9)
    assert r.frame["upl"].iloc[0] == pytest.approx(13 + 2.66 * 50 / 9)
    assert r.segments.loc[0, "moving_ranges_screened"] == 0


def test_trend_of_seven_rising_points_flags_all_seven_and_reads_high():
    # 5 1 2 3 4 5 6 7 3: m = 36 / 9 = 4; moving ranges 4 1 1 1 1 1 1 4, mR = 14 / 8 = 1.75;
    # limits 4 -/+ 4.655 -> -0.655, 8.655; 2-sigma 0.897 .. 7.103: no point beyond either.
    # Points 1..7 (values 1 to 7) rise six times in a row: a trend of seven, all flagged.
    # Three of them are below the mean but the trend's direction (rising) makes them "high".
    r = spc(monthly([5, 1, 2, 3, 4, 5, 6, 7, 3]), improvement="decrease")
    assert flagged(r, "trend") == [1, 2, 3, 4, 5, 6, 7]
    assert flagged(r, "special_cause") == [1, 2, 3, 4, 5, 6, 7]
    assert set(r.frame.loc[1:7, "special_cause_side"]) == {"high"}
    assert set(r.frame.loc[1:7, "variation"]) == {"concern_high"}
    assert r.variation == "common_cause"  # the last point, 3, ends the run


def test_six_rising_points_or_a_tie_is_not_a_trend():
    # 2 3 4 5 6 7 is six points (five rises): no trend of seven ...
    assert not spc(monthly([5, 2, 3, 4, 5, 6, 7, 3])).frame["trend"].any()
    # ... but it is one when the run length is set to 6.
    r = spc(monthly([5, 2, 3, 4, 5, 6, 7, 3]), trend_length=6)
    assert flagged(r, "trend") == [1, 2, 3, 4, 5, 6]
    # 1 2 3 3 4 5 6 7: the repeated 3 is not an increase, so the longest rising run is
    # 3 4 5 6 7 (five points).
    assert not spc(monthly([1, 2, 3, 3, 4, 5, 6, 7])).frame["trend"].any()


def test_falling_trend_reads_low_even_where_it_starts_above_the_mean():
    # 9 8 7 6 5 4 3 6: m = 48 / 8 = 6; moving ranges six 1s and a 3: mR = 9 / 7 = 1.2857
    # (bound 4.2, none screened); limits 6 -/+ 3.42 -> 2.58, 9.42: nothing outside.
    # 2-sigma lines 6 -/+ 2.28 -> 3.72, 8.28: 9 and 3 are beyond them, but on opposite sides.
    # 9 down to 3 falls six times in a row: a trend of seven, every point "low" (lower is
    # better, so improving), including the 9 above the mean. The final 6 is on the mean.
    r = spc(monthly([9, 8, 7, 6, 5, 4, 3, 6]), improvement="decrease")
    assert r.frame["upl"].iloc[0] == pytest.approx(6 + 2.66 * 9 / 7)
    assert flagged(r, "outside_limits") == []
    assert flagged(r, "trend") == [0, 1, 2, 3, 4, 5, 6]
    assert flagged(r, "two_of_three") == []
    assert r.frame["special_cause_side"].tolist()[:7] == ["low"] * 7
    assert r.frame["variation"].tolist() == ["improvement_low"] * 7 + ["common_cause"]


def test_shift_of_seven_below_the_mean():
    # 10 8 9 8 9 8 9 8 11 11 11 11: m = 113 / 12 = 9.4167.
    # Moving ranges 2 1 1 1 1 1 1 3 0 0 0: mR = 11 / 11 = 1; limits 9.4167 -/+ 2.66 ->
    # 6.7567, 12.0767; 2-sigma 9.4167 -/+ 1.7733 -> 7.6433, 11.19: no point beyond.
    # Points 1..7 (8 9 8 9 8 9 8) are all below the mean: a shift of seven, all flagged.
    # The last four (11) are above: four points, no shift.
    r = spc(monthly([10, 8, 9, 8, 9, 8, 9, 8, 11, 11, 11, 11]), improvement="decrease")
    assert r.frame["mean"].iloc[0] == pytest.approx(113 / 12)
    assert flagged(r, "shift") == [1, 2, 3, 4, 5, 6, 7]
    assert flagged(r, "special_cause") == [1, 2, 3, 4, 5, 6, 7]
    assert set(r.frame.loc[1:7, "variation"]) == {"improvement_low"}
    assert not r.trial  # twelve points
    # Eight in a row are needed when the run length is 8: none.
    assert not spc(monthly([10, 8, 9, 8, 9, 8, 9, 8, 11, 11, 11, 11]),
                   shift_length=8).frame["shift"].any()


def test_a_point_on_the_mean_breaks_a_shift():
    # 12 8 9 8 10 8 9 8 9 13 14 12: sum 120, m = 10 exactly; the 10 at point 4 is on the mean,
    # so the points below are 3 (points 1-3) and 4 (points 5-8): no run of 7.
    # mR = (4+1+1+2+2+1+1+1+4+1+2) / 11 = 20 / 11 = 1.8182; upper 2-sigma
    # 10 + 2 * 2.66 / 3 * 1.8182 = 13.224, upper limit 14.836: only 14 lies between them.
    r = spc(monthly([12, 8, 9, 8, 10, 8, 9, 8, 9, 13, 14, 12]))
    assert r.frame.loc[4, "relative_to_mean"] == 0
    assert not r.frame["special_cause"].any()
    # With 9 in its place the sum is 119, m = 9.9167, and points 1-8 are all below: a shift.
    r2 = spc(monthly([12, 8, 9, 8, 9, 8, 9, 8, 9, 13, 14, 12]))
    assert flagged(r2, "shift") == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_decimal_point_on_the_mean_breaks_a_shift():
    # Issue #13. 18.3 17.5 18.3 19.5 20.3 19.9 18.9 20.2 20.2 19.7 17.1 17.1 18.7: in tenths the
    # sum is 2,457 = 13 x 189, so m = 18.9 exactly (R's mean() and NHSRplotthedots agree);
    # numpy's float sum gives 18.899999999999995, which put the 18.9 at point 6 above the mean
    # and made points 3-9 a shift of 7. On the mean, it breaks the run: 3 above, 3 above.
    # Moving ranges in tenths 8 8 12 8 4 10 13 0 5 26 0 16: mR = 110 / 12 = 0.91667 (the
    # screen 3.267 mR = 2.995 keeps 2.6); limits 18.9 -/+ 2.66 x 0.91667 = 16.46167, 21.33833.
    values = [18.3, 17.5, 18.3, 19.5, 20.3, 19.9, 18.9, 20.2, 20.2, 19.7, 17.1, 17.1, 18.7]
    assert np.mean(values) != 18.9  # the rounding error this guards against
    r = spc(monthly(values))
    f = r.frame
    assert (f["mean"] == 18.9).all()
    assert f.loc[6, "relative_to_mean"] == 0
    assert not f["shift"].any()
    assert f["lpl"].iloc[0] == pytest.approx(16.461667, abs=1e-6)
    assert f["upl"].iloc[0] == pytest.approx(21.338333, abs=1e-6)
    # The moving ranges are the decimals written, not their binary approximations.
    assert f["moving_range"].tolist()[1:4] == [0.8, 0.8, 1.2]
    # Lower 2-sigma line 18.9 - 2 x 2.66 / 3 x 0.91667 = 17.27444: the two 17.1s are beyond it
    # with 18.7, all below the mean: two of three, the only special cause.
    assert flagged(r, "special_cause") == [10, 11]
    assert flagged(r, "two_of_three") == [10, 11]


def test_the_limits_are_exact_for_decimal_data():
    # 0.1 0.2 0.3 (none exactly representable in binary): m = 0.6 / 3 = 0.2, moving ranges 0.1
    # and 0.1, mR = 0.1; limits 0.2 -/+ 2.66 x 0.1 = -0.066 and 0.466, to the last digit.
    r = spc(monthly([0.1, 0.2, 0.3]))
    f = r.frame
    assert f["mean"].iloc[0] == 0.2 and f.loc[1, "relative_to_mean"] == 0
    assert f["moving_range"].tolist()[1:] == [0.1, 0.1]
    assert f["upl"].iloc[0] == 0.466 and f["lpl"].iloc[0] == -0.066


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    # 10 11 alternating for 16 points, then 14 12 14: sum 168 + 40 = 208, m = 208 / 19 = 10.947.
    # Moving ranges: fifteen 1s, then 3, 2, 2: mR = 22 / 18 = 1.2222 (bound 3.99, none screened).
    # Upper 2-sigma 10.947 + 2 * 2.66 / 3 * 1.2222 = 13.115; upper limit 10.947 + 3.251 = 14.198.
    # 14, 12, 14 are all above the mean and both 14s lie between 2 sigma and the limit:
    # the two 14s are flagged, the 12 is not.
    r = spc(monthly([10, 11] * 8 + [14, 12, 14]), improvement="decrease")
    assert r.frame["upper_2sigma"].iloc[0] == pytest.approx(208 / 19 + 2 * 2.66 / 3 * 22 / 18)
    assert flagged(r, "two_of_three") == [16, 18]
    assert flagged(r, "special_cause") == [16, 18]
    assert r.variation == "concern_high"
    assert r.frame.loc[18, "special_cause_rule"] == "two_of_three"


def test_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    # 14 10 14 at the end: m = 206 / 19 = 10.842; the 10 is below the mean, so no window of
    # three is wholly above it (NHSRplotthedots ptd_two_in_three): nothing flagged.
    # mR = (15 + 3 + 4 + 4) / 18 = 1.4444; upper 2-sigma 13.404, upper limit 14.684.
    r = spc(monthly([10, 11] * 8 + [14, 10, 14]))
    assert r.frame["upper_2sigma"].iloc[0] == pytest.approx(206 / 19 + 2 * 2.66 / 3 * 26 / 18)
    assert not r.frame["special_cause"].any()


def test_a_point_beyond_the_limits_does_not_count_towards_two_of_three():
    # 10 11 x 8 then 17 12 14: m = 211 / 19 = 11.105 (every 10 and 11 is below it).
    # Moving ranges fifteen 1s, 6, 5, 2: mean 28 / 18 = 1.5556, bound 5.08: 6 screened, so
    # mR = 22 / 17 = 1.2941; upper limit 11.105 + 3.442 = 14.548, upper 2-sigma 13.400.
    # 17 is outside; 14 is the only point between 2 sigma and the limit: no two of three.
    # The first sixteen points are all below the mean: a shift of sixteen.
    r = spc(monthly([10, 11] * 8 + [17, 12, 14]))
    assert r.segments.loc[0, "mean_moving_range"] == pytest.approx(22 / 17)
    assert flagged(r, "outside_limits") == [16]
    assert flagged(r, "two_of_three") == []
    assert flagged(r, "shift") == list(range(16))
    assert r.variation == "common_cause"


def test_neutral_measure_reads_high_or_low_only():
    r = spc(monthly([10, 12, 10, 12, 10, 12, 30, 10, 12, 12]), improvement="neutral", target=5)
    assert r.frame.loc[6, "variation"] == "neutral_high"
    assert r.assurance is None and r.assurance_label is None


def test_rebase_recalculates_limits_per_segment():
    # 9 11 x 6 then 19 21 x 6, rebased at the 13th month (2021-04).
    # Segment 0: m = 10, every moving range 2, limits 10 -/+ 5.32 -> 4.68, 15.32.
    # Segment 1: m = 20, mR = 2 (the jump 11 -> 19 is between segments and not a moving
    # range of either), limits 14.68, 25.32. Sides alternate, so nothing is special.
    values = [9, 11] * 6 + [19, 21] * 6
    r = spc(monthly(values), rebase=["2021-04"])
    f = r.frame
    assert f["segment"].tolist() == [0] * 12 + [1] * 12
    assert f["mean"].tolist() == [10.0] * 12 + [20.0] * 12
    assert f["lpl"].iloc[0] == pytest.approx(4.68) and f["upl"].iloc[0] == pytest.approx(15.32)
    assert f["lpl"].iloc[12] == pytest.approx(14.68) and f["upl"].iloc[12] == pytest.approx(25.32)
    assert np.isnan(f["moving_range"].iloc[12])
    assert not f["special_cause"].any()
    assert r.segments["first_period"].astype(str).tolist() == ["2020-04", "2021-04"]
    assert not r.trial
    # Without the rebase: m = 15, the 8 between segments is screened (bound 3.267 * 52 / 23
    # = 7.39), mR = 2, limits 9.68 and 20.32: every 9 and 21 is outside, and the twelve points
    # of each half are all on one side of the mean, so every point is special cause.
    whole = spc(monthly(values))
    assert flagged(whole, "outside_limits") == list(range(0, 12, 2)) + list(range(13, 24, 2))
    assert whole.frame["shift"].all()


def test_trial_limits_and_fixing_after_twelve_points():
    # 9 11 x 6 then 30 30 30: fixed after 12 points, m = 10, mR = 2, limits 4.68 and 15.32
    # from the first 12 points only; the 30s are outside (high). 12 points -> not trial.
    values = [9, 11] * 6 + [30, 30, 30]
    r = spc(monthly(values), fix_after_n_points=12)
    assert r.frame["mean"].tolist() == [10.0] * 15
    assert r.frame["upl"].iloc[-1] == pytest.approx(15.32)
    assert flagged(r, "outside_limits") == [12, 13, 14]
    assert r.frame["mr_used"].tolist()[12:] == [False, False, False]
    assert r.segments.loc[0, "n_for_limits"] == 12 and not r.trial
    # Only 11 points so far: the limits use all 11 and are trial.
    r11 = spc(monthly(values[:11]), fix_after_n_points=12)
    assert r11.trial and r11.segments.loc[0, "n_for_limits"] == 11
    # Limits fixed after 6 points are trial however long the series gets.
    assert spc(monthly(values), fix_after_n_points=6).trial


def test_assurance_against_the_limits():
    # Limits of 10 12 11 14 13 are 7.345 and 16.655 (first test).
    series = monthly([10, 12, 11, 14, 13])
    assert spc(series, improvement="increase", target=20).assurance == "consistently_missed"
    assert spc(series, improvement="decrease", target=20).assurance == "consistently_met"
    assert spc(series, improvement="increase", target=5).assurance == "consistently_met"
    assert spc(series, improvement="decrease", target=5).assurance == "consistently_missed"
    r = spc(series, improvement="decrease", target=12)
    assert r.assurance == "hit_and_miss"
    assert r.assurance_label == ASSURANCE_LABELS["hit_and_miss"]
    assert spc(series).assurance is None
    # On a limit counts as within it (NHSRplotthedots uses strict > and <).
    assert assurance_type(16.655, 7.345, 16.655, "increase") == "hit_and_miss"


def test_every_variation_code_has_a_label():
    assert set(VARIATION_LABELS) == {
        "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
        "neutral_high", "neutral_low",
    }


def test_frame_input_with_named_columns():
    frame = pd.DataFrame({"month": pd.period_range("2020-04", periods=5, freq="M"),
                          "count": [13, 14, 11, 12, 10]})
    # Same values as the first test, shuffled in time: m = 12 still.
    r = spc(frame.iloc[::-1])  # unsorted input is put in period order
    assert r.frame["period"].astype(str).tolist()[0] == "2020-04"
    assert r.frame["mean"].iloc[0] == pytest.approx(12.0)
    assert r.latest_value == 10.0


def test_bad_input_is_one_clear_sentence():
    s = monthly([1, 2, 3, 4])
    with pytest.raises(DataError) as e:
        spc(s.drop(s.index[1]))
    assert str(e.value) == (
        "column 'month': the series has no value for 2020-05, and an XmR chart needs every "
        "period between the first and the last."
    )
    with pytest.raises(DataError) as e:
        spc(pd.concat([s, s.iloc[:1]]))
    assert str(e.value) == "column 'month': the series has more than one value for 2020-04."
    with pytest.raises(DataError) as e:
        spc(monthly([1.0, np.nan, 3.0]))
    assert str(e.value) == "column 'count': the series has no usable value for 2020-05."
    with pytest.raises(PeriodError) as e:
        spc(s, rebase=["2021-01"])
    assert str(e.value) == (
        "rebase period 2021-01 is not in the series, which runs 2020-04 to 2020-07."
    )
    with pytest.raises(DataError) as e:
        spc(s, rebase=["2020-07"])
    assert str(e.value) == (
        "SPC needs at least two points in each segment, and the segment starting 2020-07 has "
        "one; move or remove that rebase."
    )
    with pytest.raises(ConfigError) as e:
        spc(s, improvement="up")
    assert str(e.value) == "improvement must be 'increase', 'decrease' or 'neutral', not 'up'."


# --- excluded ("ghosted") points --------------------------------------------------------------


def test_an_excluded_point_is_shown_but_takes_no_part_in_the_limits():
    # 10, 12, 11, [2], 14, 13 with the 2 excluded: the kept points are the first test's
    # 10, 12, 11, 14, 13, so m = 12, moving ranges 2, 1, 3 (14 - 11, over the gap), 1,
    # mR = 1.75, limits 12 -/+ 4.655 = 7.345 and 16.655. The 2 lies far below 7.345 but is
    # not judged.
    r = spc(monthly([10, 12, 11, 2, 14, 13]), improvement="decrease", exclude=["2020-07"])
    f = r.frame
    assert f["excluded"].tolist() == [False, False, False, True, False, False]
    assert f["value"].tolist() == [10, 12, 11, 2, 14, 13]
    assert f["mean"].tolist() == pytest.approx([12.0] * 6)
    assert f["lpl"].tolist() == pytest.approx([7.345] * 6)
    assert f["upl"].tolist() == pytest.approx([16.655] * 6)
    assert f["moving_range"].tolist()[1:3] == [2.0, 1.0]
    assert np.isnan(f.loc[3, "moving_range"])
    assert f["moving_range"].tolist()[4:] == [3.0, 1.0]
    assert f["mr_used"].tolist() == [False, True, True, False, True, True]
    assert f.loc[3, "variation"] == "excluded"
    assert f.loc[3, "relative_to_mean"] == 0
    assert not f["special_cause"].any() and not f.loc[3, "outside_limits"]
    assert f.loc[3, "special_cause_rule"] is None
    assert r.segments.loc[0, "n_points"] == 6 and r.segments.loc[0, "n_for_limits"] == 5
    assert r.segments.loc[0, "n_excluded"] == 1
    assert [str(p) for p in r.excluded_points["period"]] == ["2020-07"]
    assert [str(p) for p in r.settings["exclude"]] == ["2020-07"]
    assert r.variation == "common_cause"


def test_a_gap_month_is_a_special_cause_unless_excluded():
    # 20 20 20 20 20 10 12 10 [50] 12 10 12 10, improvement "decrease".
    # Not excluded: m = (100 + 76 + 50) / 13 = 17.385; moving ranges 0 0 0 0 10 2 2 40 38 2 2 2
    # (sum 100, mean 8.333, bound 3.267 * 8.333 = 27.2, so 40 and 38 are screened): mR =
    # 22 / 10 = 2.2, limits 17.385 -/+ 5.852 = 11.533 and 23.237. 50 is above: special cause,
    # concerning (high); it also splits the low run (3 points, then 4), so no shift.
    values = [20, 20, 20, 20, 20, 10, 12, 10, 50, 12, 10, 12, 10]
    naive = spc(monthly(values), improvement="decrease")
    assert naive.frame.loc[8, "variation"] == "concern_high"
    assert flagged(naive, "shift") == []
    # Excluded: the kept points are 20 x 5 then 10 12 10 12 10 12 10, m = 176 / 12 = 14.667;
    # the 7 low points are one run below the mean (the rule passes over the gap): shift.
    r = spc(monthly(values), improvement="decrease", exclude=[pd.Period("2020-12", "M")])
    assert r.frame["mean"].iloc[0] == pytest.approx(176 / 12)
    assert flagged(r, "shift") == [5, 6, 7, 9, 10, 11, 12]
    assert not r.frame.loc[8, "special_cause"]


def test_the_reading_is_about_the_latest_point_that_is_not_excluded():
    # 10, 12, 11, 14, 13, [2]: as the first test; the latest kept point is 13 in 2020-08.
    r = spc(monthly([10, 12, 11, 14, 13, 2]), exclude=["2020-09"])
    assert str(r.latest_period) == "2020-08"
    assert r.latest_value == 13.0
    assert r.variation == "common_cause"
    assert r.frame.loc[5, "upl"] == pytest.approx(16.655)


def test_excluding_bad_periods_is_one_clear_sentence():
    s = monthly([1, 2, 3, 4])
    with pytest.raises(PeriodError) as e:
        spc(s, exclude=["2021-01"])
    assert str(e.value) == (
        "excluded period 2021-01 is not in the series, which runs 2020-04 to 2020-07."
    )
    with pytest.raises(DataError) as e:
        spc(s, rebase=["2020-06"], exclude=["2020-07"])
    assert str(e.value) == (
        "SPC needs at least two points in each segment that are not excluded, and the segment "
        "starting 2020-06 has 1; move or remove that rebase or exclusion."
    )


# --- a sustained shift to rebase at ----------------------------------------------------------


def _step(before: int, after: int):
    # alternating 30, 34 (level 32) then alternating 20, 24 (level 22), from April 2018
    return monthly([30 + 4 * (i % 2) for i in range(before)]
                   + [20 + 4 * (i % 2) for i in range(after)], start="2018-04")


def test_a_step_change_lasting_twelve_points_is_a_sustained_shift():
    # 14 points at 30/34 then 12 at 20/24: m = (14 * 32 + 12 * 22) / 26 = 712 / 26 = 27.385.
    # The last 12 points are all below it, and 14 come before: shift from the 15th point,
    # April 2018 + 14 months = June 2019.
    r = spc(_step(14, 12), improvement="decrease")
    shift = sustained_shift(r)
    assert str(shift.start) == "2019-06" and str(shift.end) == "2020-05"
    assert shift.n_points == 12 and shift.side == "low"
    assert shift.mean == pytest.approx(712 / 26)
    assert shift.variation == "improvement_low"
    rebased = spc(_step(14, 12), improvement="decrease", rebase=[shift.start])
    assert rebased.segments["mean"].tolist() == pytest.approx([32.0, 22.0])
    # the rebased chart has no further shift to offer
    assert sustained_shift(rebased) is None


def test_a_shorter_run_is_not_yet_a_sustained_shift():
    # 14 then 11 low points: m = (448 + 242) / 25 = 27.6, a run of 11 < 12.
    assert sustained_shift(spc(_step(14, 11), improvement="decrease")) is None
    assert str(sustained_shift(spc(_step(14, 11)), min_points=11).start) == "2019-06"
    # the run must reach the latest point: one point back above the mean ends it
    values = pd.concat([_step(14, 12), monthly([40], start="2020-06")])
    assert sustained_shift(spc(values)) is None


def test_a_sustained_shift_passes_over_an_excluded_point():
    # 14 high, 6 low, an excluded 0, 6 low: the run counts 12 kept points.
    values = _step(14, 13)
    values.iloc[20] = 0
    r = spc(values, exclude=[values.index[20]])
    shift = sustained_shift(r)
    assert shift.n_points == 12 and str(shift.start) == "2019-06"


def test_spc_with_shift_rebases_a_step():
    # the 14 + 12 step above: rebased at June 2019, the new level alternates 20, 24 (no run)
    result, shift = spc_with_shift(_step(14, 12), improvement="decrease")
    assert str(shift.start) == "2019-06"
    assert [str(p) for p in result.settings["rebase"]] == ["2019-06"]
    assert result.segments["mean"].tolist() == pytest.approx([32.0, 22.0])


def test_spc_with_shift_keeps_one_set_of_limits_for_a_drift():
    # 30 points falling about 1 a month with a wobble: 60 - i, less 2 on odd i (60, 57, 58, 55,
    # ... 29), so never 6 falls in a row. m = (1,800 - 435 - 30) / 30 = 44.5; the last 15
    # points (43 and below, from i = 15, July 2021) are all below it. Rebased there, the new
    # segment has m = (900 - 330 - 16) / 15 = 36.9 with its first 8 points (43 .. 38) above and
    # the last 7 below: runs inside the "new level", so the rebase is refused and the run is
    # reported on one set of limits instead.
    values = [60 - i - (2 if i % 2 else 0) for i in range(30)]
    r = spc(monthly(values), improvement="decrease")
    shift = sustained_shift(r)
    assert shift is not None
    rebased = spc(monthly(values), improvement="decrease", rebase=[shift.start])
    assert rebased.frame[rebased.frame["segment"] == 1]["shift"].any()
    result, found = spc_with_shift(monthly(values), improvement="decrease")
    assert found is None and result.settings["rebase"] == []
    assert result.variation == "improvement_low"
    with pytest.raises(ConfigError):
        spc_with_shift(monthly(values), rebase=["2020-06"])


def test_constant_series_has_limits_on_the_mean_and_no_special_cause():
    # Every moving range is 0: mR = 0, so the limits collapse onto the mean (NHSRplotthedots
    # would screen every zero range and leave no limits).
    r = spc(monthly([5] * 8))
    assert r.frame["upl"].iloc[0] == 5.0 and r.frame["lpl"].iloc[0] == 5.0
    assert not r.frame["special_cause"].any()


# Property tests. Integer values keep ties with the mean exact; points within rounding error of a
# limit or sigma line are skipped because float arithmetic may put them either side.
_values = st.lists(st.integers(0, 1000), min_size=2, max_size=40)
_FLAGS = ["relative_to_mean", "outside_limits", "trend", "two_of_three", "shift", "variation"]


def _clear_of_lines(r) -> bool:
    f = r.frame
    lines = f[["lpl", "upl", "lower_2sigma", "upper_2sigma"]].to_numpy()
    gap = np.abs(lines - f["value"].to_numpy()[:, None])
    return bool((gap > 1e-6 * (1 + np.abs(lines))).all())


@settings(max_examples=100, deadline=None)
@given(values=_values, shift=st.integers(-5000, 5000))
def test_adding_a_constant_shifts_mean_and_limits_only(values, shift):
    a = spc(monthly(values), improvement="decrease")
    b = spc(monthly([v + shift for v in values]), improvement="decrease")
    assume(_clear_of_lines(a) and _clear_of_lines(b))
    for col in ["mean", "lpl", "upl", "lower_1sigma", "upper_1sigma", "lower_2sigma", "upper_2sigma"]:
        np.testing.assert_allclose(b.frame[col], a.frame[col] + shift, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(b.frame["moving_range"], a.frame["moving_range"])
    np.testing.assert_allclose(b.frame["sigma"], a.frame["sigma"], rtol=0, atol=1e-9)
    for col in _FLAGS:
        assert b.frame[col].tolist() == a.frame[col].tolist()


@settings(max_examples=100, deadline=None)
@given(values=_values, k=st.integers(1, 50))
def test_scaling_scales_mean_and_limits_and_keeps_every_flag(values, k):
    a = spc(monthly(values))
    b = spc(monthly([v * k for v in values]))
    assume(_clear_of_lines(a) and _clear_of_lines(b))
    for col in ["mean", "lpl", "upl", "sigma", "moving_range"]:
        np.testing.assert_allclose(b.frame[col], a.frame[col] * k, rtol=1e-12, atol=1e-9)
    for col in _FLAGS:
        assert b.frame[col].tolist() == a.frame[col].tolist()


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(0, 1000), min_size=4, max_size=40), data=st.data())
def test_an_excluded_value_changes_nothing_else(values, data):
    i = data.draw(st.integers(0, len(values) - 1))
    other = data.draw(st.integers(0, 1000))
    changed = values[:i] + [other] + values[i + 1:]
    month = monthly(values).index[i]
    a = spc(monthly(values), improvement="decrease", exclude=[month]).frame.drop(columns="value")
    b = spc(monthly(changed), improvement="decrease", exclude=[month]).frame.drop(columns="value")
    pd.testing.assert_frame_equal(a, b)
