"""Repeat victims and their change, on hand-made victim-level frames worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pccanalysis.errors import ConfigError, DataError
from pccanalysis.indicators.repeats import (
    newcombe_difference,
    newcombe_p_value,
    repeat_change,
    repeat_incidents,
    repeat_victims,
)

# Pseudonymous made-up victims. Gaps in days:
#   A 2020-04-10, 2020-05-01: 21 days, both in 2020-21 Q1 -> the second is a repeat.
#   B 2020-01-15 (2019-20 Q4), 2020-06-20 (2020-21 Q1): 157 days -> repeat in 2020-21 Q1 only.
#   C 2020-05-05 alone -> never a repeat.
#   D 2019-06-01, 2020-06-01: 366 days (February 2020 has 29) -> not a repeat.
#   E 2020-06-30 twice on the same day -> both are repeats.
#   F 2019-07-01, 2020-06-30: 365 days -> not within 365 days (at most 364 apart), but within 366.
INCIDENTS = [
    ("A", "2020-04-10"), ("A", "2020-05-01"), ("B", "2020-01-15"), ("B", "2020-06-20"),
    ("C", "2020-05-05"), ("D", "2019-06-01"), ("D", "2020-06-01"), ("E", "2020-06-30"),
    ("E", "2020-06-30"), ("F", "2019-07-01"), ("F", "2020-06-30"),
]


def incidents(rows=INCIDENTS):
    df = pd.DataFrame(rows, columns=["victim_id", "date"])
    df["date"] = pd.to_datetime(df["date"])
    return df


def test_repeat_incidents_by_hand():
    flags = repeat_incidents(incidents())
    # Only A's second, B's second and both of E's are repeats.
    assert flags.tolist() == [False, True, False, True, False, False, False, True, True, False, False]
    # Shuffling the rows changes nothing but the order.
    shuffled = incidents().sample(frac=1, random_state=3)
    assert repeat_incidents(shuffled).sort_index().tolist() == flags.tolist()


def test_quarterly_table_by_hand():
    t = repeat_victims(incidents())
    assert t["period"].tolist() == ["2019-20 Q1", "2019-20 Q2", "2019-20 Q3", "2019-20 Q4", "2020-21 Q1"]
    # 2019-20 Q1: D; Q2: F; Q3: nobody (kept as a zero row); Q4: B; 2020-21 Q1: A B C D E F,
    # of whom A, B and E are repeats: 3 / 6 = 50%. 2020-21 Q1 has 2+1+1+1+2+1 = 8 incidents.
    assert t["victims"].tolist() == [1, 1, 0, 1, 6]
    assert t["repeat_victims"].tolist() == [0, 0, 0, 0, 3]
    assert t["incidents"].tolist() == [1, 1, 0, 1, 8]
    assert t["repeat_percent"].iloc[4] == 50.0
    assert np.isnan(t["repeat_percent"].iloc[2])
    assert [str(m) for m in t["first_month"]] == ["2019-04", "2019-07", "2019-10", "2020-01", "2020-04"]
    assert str(t["last_month"].iloc[4]) == "2020-06"
    # The extract starts 2019-06-01; a full 365-day look-back from 1 April 2020 needs data from
    # 2019-04-03 (1 April minus 364 days), so no quarter's look-back is complete.
    assert not t["lookback_complete"].any()
    assert t.attrs["window_days"] == 365 and t.attrs["freq"] == "quarter"
    assert repeat_change(t, "2019-20 Q1", "2020-21 Q1").window_days == 365


def test_window_length_and_data_start():
    # With 366 days F's 365-day gap counts (D's 366 still does not): 4 / 6 = 66.7%.
    # Declaring the extract to start on 1 April 2019 makes 2020-21 Q1's look-back complete
    # (1 April 2020 minus 365 days is 2 April 2019).
    t = repeat_victims(incidents(), window_days=366, data_start="2019-04-01")
    assert t["repeat_victims"].iloc[4] == 4
    assert t["repeat_percent"].iloc[4] == pytest.approx(400 / 6)
    assert t["lookback_complete"].tolist() == [False, False, False, False, True]


def test_monthly_and_financial_year_tables():
    m = repeat_victims(incidents(), freq="month").set_index("period")
    # April 2020: A (first). May: A (repeat), C. June: B (repeat), D, E (repeat), F.
    assert m.loc["2020-04", ["victims", "repeat_victims"]].tolist() == [1, 0]
    assert m.loc["2020-05", ["victims", "repeat_victims"]].tolist() == [2, 1]
    assert m.loc["2020-06", ["victims", "repeat_victims"]].tolist() == [4, 2]
    assert len(m) == 13  # June 2019 to June 2020
    fy = repeat_victims(incidents(), freq="financial_year")
    # 2019-20: B, D, F, none repeats. 2020-21: six victims, three repeats.
    assert fy["period"].tolist() == ["2019-20", "2020-21"]
    assert fy["victims"].tolist() == [3, 6]
    assert fy["repeat_victims"].tolist() == [0, 3]


def test_split_by_strand_counts_repeats_within_each_strand():
    # G has a hate crime and, three days later, a domestic abuse incident: not a repeat within
    # either strand. H has two hate crimes ten days apart: a repeat within hate crime.
    df = incidents([("G", "2020-04-01"), ("G", "2020-04-04"), ("H", "2020-04-02"), ("H", "2020-04-12")])
    df["strand"] = ["hate", "domestic", "hate", "hate"]
    t = repeat_victims(df, by="strand", freq="month")
    assert t[["strand", "period", "victims", "repeat_victims"]].values.tolist() == [
        ["domestic", "2020-04", 1, 0],
        ["hate", "2020-04", 2, 1],
    ]


def table(before, after):
    """A minimal repeat table: (victims, repeat victims) for two quarters."""
    return pd.DataFrame({
        "period": ["2019-20 Q1", "2020-21 Q1"],
        "victims": [before[0], after[0]],
        "repeat_victims": [before[1], after[1]],
    })


def test_repeat_volume_falls_but_the_share_barely_moves():
    # Before 90 repeat victims of 300 (30%); after 80 of 270 (29.63%).
    # Repeats: 80 / 90 = 0.8889, -11.1%; victims 270 / 300 = 0.9, -10%.
    # Share: 80/270 - 90/300 = 0.296296 - 0.3 = -0.370 percentage points.
    # Wilson 95% (z = 1.959964, z^2 = 3.841459):
    #   80/270: centre (80 + 1.920730) / 273.841459 = 0.299153,
    #           half 1.959964 * sqrt(80 * 190 / 270 + 0.960365) / 273.841459 = 0.054158
    #           -> (0.244995, 0.353311)
    #   90/300: centre 91.920730 / 303.841459 = 0.302529,
    #           half 1.959964 * sqrt(63 + 0.960365) / 303.841459 = 0.051588 -> (0.250941, 0.354117)
    # Newcombe: low  -0.003704 - sqrt(0.051301^2 + 0.054117^2) = -0.003704 - 0.074569 = -0.078273
    #           high -0.003704 + sqrt(0.057015^2 + 0.049059^2) = -0.003704 + 0.075216 = +0.071512
    # The reported p-value inverts the Newcombe interval; far from the boundary it is close to
    # the pooled z test's: p = 170 / 570 = 0.298246, se = sqrt(0.298246 * 0.701754 * (1/270 +
    # 1/300)) = 0.038377, z = 0.003704 / 0.038377 = 0.0965, two-sided p = 0.923.
    r = repeat_change(table((300, 90), (270, 80)), "2019-20 Q1", "2020-21 Q1")
    assert r.repeats_percent_change == pytest.approx(-100 / 9)
    assert r.repeats_p_value == pytest.approx(stats.binomtest(80, 170, 0.5).pvalue)
    lo, hi = stats.binomtest(80, 170).proportion_ci(0.95, method="exact")
    assert r.repeats_ratio_low == pytest.approx(lo / (1 - lo))
    assert r.repeats_ratio_high == pytest.approx(hi / (1 - hi))
    assert r.repeats_verdict == "similar"
    assert r.victims_percent_change == pytest.approx(-10.0)
    assert (r.percent_before, r.percent_after) == (pytest.approx(30.0), pytest.approx(8000 / 270))
    assert r.share_change_points == pytest.approx(-0.370370, abs=1e-6)
    assert r.share_low == pytest.approx(-7.8273, abs=2e-4)
    assert r.share_high == pytest.approx(7.1512, abs=2e-4)
    assert r.share_p_value == pytest.approx(0.923, abs=1e-3)
    assert r.share_verdict == "similar"
    assert (r.before_label, r.after_label) == ("2019-20 Q1", "2020-21 Q1")


def test_a_real_rise_in_both():
    # 100 of 400 (25%) -> 150 of 400 (37.5%): +12.5 points; the Newcombe interval lies above 0,
    # and 150 against 100 repeat victims gives an exact p of about 0.002.
    r = repeat_change(table((400, 100), (400, 150)), "2019-20 Q1", "2020-21 Q1")
    assert r.share_change_points == pytest.approx(12.5)
    assert r.share_low > 0 and r.share_verdict == "rose"
    assert r.repeats_p_value == pytest.approx(stats.binomtest(150, 250, 0.5).pvalue)
    assert r.repeats_verdict == "rose"
    assert r.victims_verdict == "similar"  # 400 and 400


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """The pooled two-proportion z test (1 when the pooled share is 0 or 1): the test the
    Newcombe p-value replaced, kept here to show why."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 1.0 if se == 0 else float(2 * stats.norm.sf(abs(x1 / n1 - x2 / n2) / se))


def test_share_p_value_and_verdict_agree_with_the_interval_near_the_boundary():
    # 1 repeat victim of 40 (2.5%) -> 6 of 40 (15%): +12.5 points. The pooled z test says
    # p = 0.048 (pooled 7/80, se = sqrt(0.0875 x 0.9125 x 2 / 40) = 0.063185, z = 1.9783), but
    # the Newcombe 95% interval, (-0.0057, 0.2613), includes 0: the old result reported
    # p < 0.05 beside "similar". The p-value now inverts the interval: the interval touches 0 at
    # confidence 1 - p, with p = 0.059 > 0.05, so p, interval and verdict all say "similar".
    assert two_proportion_p(6, 40, 1, 40) == pytest.approx(2 * stats.norm.sf(0.125 / 0.063185),
                                                          rel=1e-4)
    assert two_proportion_p(6, 40, 1, 40) < 0.05
    r = repeat_change(table((40, 1), (40, 6)), "2019-20 Q1", "2020-21 Q1")
    assert r.share_low < 0 < r.share_high
    assert r.share_p_value == pytest.approx(0.05895, abs=1e-5)
    assert r.share_verdict == "similar"
    low, _ = newcombe_difference(6, 40, 1, 40, alpha=r.share_p_value)
    assert low == pytest.approx(0.0, abs=1e-9)
    # With a 90% interval (alpha = 0.1) the same data exclude 0, and the verdict follows.
    r90 = repeat_change(table((40, 1), (40, 6)), "2019-20 Q1", "2020-21 Q1", alpha=0.1)
    assert r90.share_low > 0 and r90.share_verdict == "rose"
    assert newcombe_p_value(3, 10, 3, 10) == 1.0


@settings(max_examples=200, deadline=None)
@given(n1=st.integers(1, 200), n2=st.integers(1, 200), f1=st.floats(0, 1), f2=st.floats(0, 1),
       alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_newcombe_p_value_inverts_the_interval(n1, n2, f1, f2, alpha):
    x1, x2 = round(f1 * n1), round(f2 * n2)
    p = newcombe_p_value(x1, n1, x2, n2)
    low, high = newcombe_difference(x1, n1, x2, n2, alpha)
    if abs(p - alpha) > 1e-7:
        assert (p < alpha) == (low > 0 or high < 0)


def test_two_proportion_p_agrees_with_chi_squared_without_correction():
    for x1, n1, x2, n2 in [(80, 270, 90, 300), (150, 400, 100, 400), (3, 10, 9, 12)]:
        chi = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
        assert two_proportion_p(x1, n1, x2, n2) == pytest.approx(chi.pvalue)
    assert two_proportion_p(0, 10, 0, 20) == 1.0


def test_newcombe_with_a_zero_proportion():
    # 0/10 - 0/10: both Wilson intervals are (0, z^2 / (10 + z^2)) = (0, 0.277533),
    # so the difference runs -0.277533 to +0.277533.
    low, high = newcombe_difference(0, 10, 0, 10)
    assert (low, high) == (pytest.approx(-0.277533, abs=1e-6), pytest.approx(0.277533, abs=1e-6))


def test_errors_are_one_sentence():
    with pytest.raises(DataError) as e:
        repeat_change(table((300, 90), (270, 80)), "2019-20 Q1", "2021-22 Q1")
    assert str(e.value) == "column 'period': the repeat-victim table has no period '2021-22 Q1'."
    with pytest.raises(DataError) as e:
        repeat_change(table((0, 0), (270, 80)), "2019-20 Q1", "2020-21 Q1")
    assert str(e.value) == (
        "column 'victims': there are no victims in 2019-20 Q1, so no repeat percentage."
    )
    df = incidents()
    df.loc[2, "victim_id"] = None
    with pytest.raises(DataError) as e:
        repeat_victims(df)
    assert str(e.value) == (
        "column 'victim_id': 1 incident has no victim ID (the first is row 2 of the frame)."
    )
    df = incidents()
    df["date"] = df["date"].astype("str")
    df.loc[4, "date"] = "not a date"
    with pytest.raises(DataError) as e:
        repeat_victims(df)
    assert str(e.value) == (
        "column 'date': 1 incident has no usable date (the first is row 4 of the frame)."
    )
    with pytest.raises(ConfigError) as e:
        repeat_victims(incidents(), freq="week")
    assert str(e.value) == "freq must be 'month', 'quarter' or 'financial_year', not 'week'."


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from("PQRS"), st.integers(0, 800)), min_size=1, max_size=30),
    window=st.integers(1, 400),
)
def test_repeat_incidents_match_the_definition_pair_by_pair(rows, window):
    # Brute force: incident i is a repeat when another incident j of the same victim has
    # 0 <= day_i - day_j <= window - 1.
    df = pd.DataFrame({
        "victim_id": [v for v, _ in rows],
        "date": pd.Timestamp("2020-01-01") + pd.to_timedelta([d for _, d in rows], unit="D"),
    })
    expected = [
        any(j != i and vj == vi and 0 <= di - dj <= window - 1 for j, (vj, dj) in enumerate(rows))
        for i, (vi, di) in enumerate(rows)
    ]
    assert repeat_incidents(df, window).tolist() == expected


def test_one_crime_under_two_strands_is_one_incident_when_asked():
    # J's single crime is recorded under two strands (two rows, same day). Every row counted:
    # the second row is a same-day repeat. Same day as one incident, or the shared crime
    # reference: one incident, no repeat. K has two crimes (refs K1, K2) on one day: a repeat
    # by reference, but not when all same-day rows are merged.
    df = incidents([("J", "2020-04-01"), ("J", "2020-04-01"), ("K", "2020-04-05"), ("K", "2020-04-05")])
    df["strand"] = ["Race", "Religion", "Race", "Race"]
    df["crime_ref"] = ["J1", "J1", "K1", "K2"]
    count = repeat_victims(df, freq="month")
    assert count[["incidents", "victims", "repeat_victims"]].values.tolist() == [[4, 2, 2]]
    merged = repeat_victims(df, freq="month", same_day_is_one_incident=True)
    assert merged[["incidents", "victims", "repeat_victims"]].values.tolist() == [[2, 2, 0]]
    by_ref = repeat_victims(df, freq="month", incident="crime_ref")
    assert by_ref[["incidents", "victims", "repeat_victims"]].values.tolist() == [[3, 2, 1]]
