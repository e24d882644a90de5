"""Tests for pccanalysis.indicators.change: changes between two periods with a verdict."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pccanalysis.errors import PeriodError
from pccanalysis.indicators.change import (
    Caveat,
    ChangeResult,
    between,
    change,
    change_by,
    compare_counts,
    results,
    rolling_12_months,
    same_period_last_year,
    same_quarter_last_year,
    share_change,
    year_to_date,
)
from pccanalysis.indicators.counts import ASB, all_crime
from pccanalysis.indicators.gaps import Gap, find_gaps

FY19 = pd.period_range("2019-04", "2020-03", freq="M")
FY20 = pd.period_range("2020-04", "2021-03", freq="M")


def _p(months) -> list[str]:
    return [str(m) for m in months]


def _binom_le(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), summed from binomial coefficients."""
    return sum(math.comb(n, j) for j in range(0, k + 1)) / 2**n


def monthly(per_month: dict[tuple[str, ...], tuple[int, int]], columns: list[str]) -> pd.DataFrame:
    """Pre-aggregated frame: for each group, a flat count per month in 2019-20, then in 2020-21."""
    rows = []
    for key, (before, after) in per_month.items():
        rows += [(m, *key, before) for m in FY19] + [(m, *key, after) for m in FY20]
    frame = pd.DataFrame(rows, columns=["month", *columns, "count"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


# ----------------------------------------------------------------------------- one change


def test_compare_counts_worked_example():
    # 80 against 100: -20%. Given 180, X ~ Bin(180, 1/2); p = 2 P(X <= 80) = 0.157 -> similar.
    r = compare_counts(80, 100, label="Burglary")
    assert (r.absolute, r.percent, r.ratio) == (-20, -20.0, 0.8)
    assert r.p_value == pytest.approx(2 * _binom_le(80, 180), rel=1e-10)
    assert r.p_value == pytest.approx(0.1565, abs=1e-4)
    assert r.verdict == "similar"
    assert r.label == "Burglary" and r.alpha == 0.05 and r.caveat is None


def test_alpha_is_configurable():
    # 30 against 15: p = 0.0357 (see test_significance): a rise at 5%, not at 1%.
    assert compare_counts(30, 15).verdict == "rose"
    assert compare_counts(30, 15, alpha=0.01).verdict == "similar"
    assert compare_counts(15, 30).verdict == "fell"


def test_zero_to_zero_is_similar_with_p_one():
    r = compare_counts(0, 0)
    assert (r.verdict, r.p_value, r.absolute) == ("similar", 1.0, 0)
    assert math.isnan(r.percent) and math.isnan(r.ratio)


def test_rise_from_zero_has_no_percentage():
    r = compare_counts(12, 0)
    # 12 against 0: p = 2 * (1/2)^12 = 0.000488 -> rose; a percentage of nothing is undefined.
    assert r.verdict == "rose"
    assert math.isnan(r.percent) and r.ratio == math.inf


def test_unequal_periods_compare_monthly_rates():
    # 30 over 6 months (5 a month) against 12 over 3 months (4 a month): ratio 1.25, +25%;
    # absolute = 30 - 12 * 6/3 = 6. Under no change X ~ Bin(42, 6/9), expected 28, so the
    # p-value is twice the upper tail, 2 P(X >= 30) (the test the Clopper-Pearson interval
    # inverts; scipy's two-sided "minimum likelihood" p-value is 0.624).
    r = compare_counts(30, 12, current_exposure=6, previous_exposure=3)
    assert (r.ratio, r.percent, r.absolute) == (1.25, 25.0, 6)
    upper = stats.binomtest(30, 42, 6 / 9, alternative="greater").pvalue
    assert r.p_value == pytest.approx(2 * upper, rel=1e-12)
    assert r.ratio_low < 1 < r.ratio_high


def test_change_from_a_row_per_crime_frame():
    # Two burglaries a month in 2019-20 (24), one a month in 2020-21 (12).
    months = [m for m in FY19 for _ in range(2)] + list(FY20)
    frame = pd.DataFrame({"month": pd.PeriodIndex(months, freq="M"), "crime_type": "Burglary"})
    r = change(frame, between("2020-21", "2019-20"), label="Burglary")
    assert (r.current, r.previous, r.percent) == (12, 24, -50.0)
    # p = 2 P(X <= 12 | Bin(36, 1/2)) = 0.065 -> similar: halving a count of 24 can be noise.
    assert r.p_value == pytest.approx(2 * _binom_le(12, 36), rel=1e-10)
    assert r.verdict == "similar"
    assert (r.current_label, r.previous_label, r.kind) == ("2020-21", "2019-20", "between periods")


def test_months_outside_the_data_are_an_error_not_zero():
    frame = monthly({("Abbey",): (1, 1)}, ["ward_name"])
    with pytest.raises(PeriodError) as err:
        change(frame, same_quarter_last_year("2021-22 Q1"), count_column="count")
    assert str(err.value) == (
        "the data cover 2019-04 to 2021-03, so same quarter last year (2021-22 Q1 against "
        "2020-21 Q1) cannot be computed: 2021-04 is missing (for a filtered frame, pass "
        "available_months, the months of the whole data)."
    )
    # A sparse filtered frame whose last row is before the data's end: say what the data cover.
    sparse = frame[frame.month <= pd.Period("2020-12", "M")]
    comp = same_quarter_last_year("2020-21 Q4")
    with pytest.raises(PeriodError):
        change(sparse, comp, count_column="count")
    r = change(sparse, comp, count_column="count", available_months=list(FY19) + list(FY20))
    assert (r.current, r.previous) == (0, 3)


# ----------------------------------------------------------------------------- tables


@pytest.fixture
def wards() -> pd.DataFrame:
    # Per month, 2019-20 then 2020-21: Abbey 10 -> 5, Castle 8 -> 8, Dales 4 -> 8.
    return monthly({("Abbey",): (10, 5), ("Castle",): (8, 8), ("Dales",): (4, 8)}, ["ward_name"])


def test_change_by_ward(wards):
    t = change_by(wards, between("2020-21", "2019-20"), "ward_name", count_column="count")
    # Yearly: Abbey 120 -> 60 (-50%), Castle 96 -> 96 (0%), Dales 48 -> 96 (+100%).
    # p: Abbey 2 P(X <= 60 | Bin(180, 1/2)); Castle 1; Dales 2 P(X <= 48 | Bin(144, 1/2)).
    assert t["ward_name"].tolist() == ["Dales", "Castle", "Abbey"]  # rose, similar, fell
    assert t["verdict"].tolist() == ["rose", "similar", "fell"]
    assert t["current"].tolist() == [96, 96, 60]
    assert t["previous"].tolist() == [48, 96, 120]
    assert t["percent"].tolist() == [100.0, 0.0, -50.0]
    assert t["p_value"].tolist() == pytest.approx(
        [2 * _binom_le(48, 144), 1.0, 2 * _binom_le(60, 180)], rel=1e-9
    )
    assert (t["current_label"].unique().tolist(), t["previous_label"].unique().tolist()) == (
        ["2020-21"], ["2019-20"],
    )
    # "All wards fell except ..." is one line:
    assert t.loc[t.verdict != "fell", "ward_name"].tolist() == ["Dales", "Castle"]


def test_change_by_two_columns_and_results(wards):
    frame = pd.concat([wards.assign(crime_type="Burglary"), wards.assign(crime_type="Robbery")])
    t = change_by(frame, rolling_12_months("2021-03"), ["ward_name", "crime_type"],
                  count_column="count")
    assert len(t) == 6
    assert t["label"].iloc[0] in ("Dales / Burglary", "Dales / Robbery")
    rs = results(t)
    assert all(isinstance(r, ChangeResult) for r in rs)
    assert rs[0].verdict == "rose" and rs[0].caveat is None
    assert rs[0].kind == "rolling 12 months"


def test_gap_caveats_reach_the_rows_they_touch():
    frame = monthly(
        {("Abbey", ASB): (40, 40), ("Dales", ASB): (40, 40),
         ("Abbey", "Burglary"): (20, 20), ("Dales", "Burglary"): (20, 20)},
        ["ward_name", "crime_type"],
    )
    # November 2020 published with no ASB: 80 expected over the two wards, 0 recorded.
    frame.loc[(frame.crime_type == ASB) & (frame.month == pd.Period("2020-11", "M")), "count"] = 0
    gaps = find_gaps(frame, "crime_type", count_column="count")
    assert gaps[["month", "crime_type"]].astype(str).values.tolist() == [["2020-11", ASB]]
    comp = between("2020-21", "2019-20")
    # 0 recorded against the 80 usual (worded in tests/narrative/test_gaps.py)
    note = Caveat(gaps=(Gap(pd.Period("2020-11", "M"), (ASB,), 0.0, 80.0),))

    by_type = change_by(frame, comp, ["ward_name", "crime_type"], count_column="count", gaps=gaps)
    caveats = dict(zip(by_type["label"], by_type["caveat"], strict=True))
    assert caveats["Abbey / Anti-social behaviour"] == note
    assert caveats["Dales / Anti-social behaviour"] == note
    assert pd.isna(caveats["Abbey / Burglary"]) and pd.isna(caveats["Dales / Burglary"])

    # Ward totals include ASB, so both carry the caveat; "all crime" leaves ASB out, so none.
    by_ward = change_by(frame, comp, "ward_name", count_column="count", gaps=gaps)
    assert by_ward["caveat"].tolist() == [note, note]
    crime_only = change_by(all_crime(frame), comp, "ward_name", count_column="count", gaps=gaps)
    assert crime_only["caveat"].isna().all()
    assert change(frame, comp, count_column="count", gaps=gaps).caveat == note
    # A comparison that does not include November 2020 is clear.
    assert change(frame, same_quarter_last_year("2020-21 Q2"), count_column="count",
                  gaps=gaps).caveat is None


def test_gap_months_can_be_left_out_like_for_like():
    # Two wards, 40 ASB and 20 burglaries a month each in 2019-20; in 2020-21 ASB is 30 a month
    # per ward, and November 2020 was published with no ASB at all.
    frame = monthly(
        {("Abbey", ASB): (40, 30), ("Dales", ASB): (40, 30),
         ("Abbey", "Burglary"): (20, 20), ("Dales", "Burglary"): (20, 20)},
        ["ward_name", "crime_type"],
    )
    frame.loc[(frame.crime_type == ASB) & (frame.month == pd.Period("2020-11", "M")), "count"] = 0
    gaps = find_gaps(frame, "crime_type", count_column="count")
    asb = frame[frame.crime_type == ASB]
    comp = same_quarter_last_year("2020-21 Q3")  # Oct-Dec 2020 against Oct-Dec 2019

    # As published: 2 wards x 30 x 2 months = 120 against 2 x 40 x 3 = 240, a 50% fall that is
    # mostly the gap.
    as_is = change(asb, comp, count_column="count", gaps=gaps)
    assert (as_is.current, as_is.previous, as_is.percent) == (120, 240, -50.0)

    # Excluding November from 2020 and its pair (November 2019): October and December only,
    # 2 x 30 x 2 = 120 against 2 x 40 x 2 = 160, a 25% fall.
    fair = change(asb, comp, count_column="count", gaps=gaps, gap_policy="exclude")
    assert (fair.current, fair.previous, fair.percent) == (120, 160, -25.0)
    assert fair.current_label == "2020-21 Q3 excluding November 2020"
    assert fair.previous_label == "2019-20 Q3 excluding November 2019"
    assert fair.current_exposure == fair.previous_exposure == 2
    # November 2020 left out with November 2019 (worded in tests/narrative/test_gaps.py)
    assert fair.caveat == Caveat(left_out=(pd.Period("2020-11", "M"),),
                                 paired=(pd.Period("2019-11", "M"),))
    # 120 of 280 under Binomial(280, 1/2): two-sided p = 2 P(X <= 120) = 0.0196 < 0.05
    assert fair.verdict == "fell" and fair.p_value == pytest.approx(0.0196, abs=5e-4)

    # By ward: every group leaves out the same months.
    by_ward = change_by(asb, comp, "ward_name", count_column="count", gaps=gaps,
                        gap_policy="exclude")
    assert by_ward["current"].tolist() == [60, 60] and by_ward["previous"].tolist() == [80, 80]
    assert set(by_ward["current_label"]) == {"2020-21 Q3 excluding November 2020"}

    # Burglary has no gap, so nothing is left out of its comparison.
    burglary = change(frame[frame.crime_type == "Burglary"], comp, count_column="count",
                      gaps=gaps, gap_policy="exclude")
    assert (burglary.current, burglary.previous, burglary.caveat) == (120, 120, None)
    assert burglary.current_label == "2020-21 Q3"

    with pytest.raises(ValueError, match="gap_policy must be one of"):
        change(asb, comp, count_column="count", gaps=gaps, gap_policy="drop")


def test_each_category_leaves_out_only_its_own_gap_month():
    # The frame of the test above, by crime type: November 2020 is a gap in ASB only.
    frame = monthly(
        {("Abbey", ASB): (40, 30), ("Dales", ASB): (40, 30),
         ("Abbey", "Burglary"): (20, 20), ("Dales", "Burglary"): (20, 20)},
        ["ward_name", "crime_type"],
    )
    frame.loc[(frame.crime_type == ASB) & (frame.month == pd.Period("2020-11", "M")), "count"] = 0
    gaps = find_gaps(frame, "crime_type", count_column="count")
    comp = same_quarter_last_year("2020-21 Q3")
    # "exclude": November out of every row, burglary 80 against 80.
    every = change_by(frame, comp, "crime_type", count_column="count", gaps=gaps,
                      gap_policy="exclude").set_index("crime_type")
    assert every.loc["Burglary", ["current", "previous"]].tolist() == [80, 80]
    # "exclude_own": ASB 120 against 160 (October and December), burglary all three months,
    # 2 x 20 x 3 = 120 against 120, its labels without an exclusion.
    own = change_by(frame, comp, "crime_type", count_column="count", gaps=gaps,
                    gap_policy="exclude_own", adjust="holm").set_index("crime_type")
    assert own.loc[ASB, ["current", "previous"]].tolist() == [120, 160]
    assert own.loc[ASB, "current_label"] == "2020-21 Q3 excluding November 2020"
    assert own.loc["Burglary", ["current", "previous"]].tolist() == [120, 120]
    assert own.loc["Burglary", "current_label"] == "2020-21 Q3"
    assert own.loc["Burglary", "caveat"] is None
    # Holm over both rows: ASB's p (0.0196, above) doubled is 0.039 < 0.05: still "fell";
    # burglary 120 against 120, p = 1.
    assert own.loc[ASB, "adjusted_p"] == pytest.approx(2 * own.loc[ASB, "p_value"])
    assert own.loc[ASB, "p_value"] == pytest.approx(0.0196, abs=5e-4)
    assert own["verdict"].to_dict() == {ASB: "fell", "Burglary": "similar"}
    assert list(own.index) == ["Burglary", ASB]  # sorted as change_by sorts: rose, similar, fell


def test_share_change():
    # Hate crime: the city centre had 25 of 100 in 2019-20 (25%) and 10 of 80 in 2020-21
    # (12.5%), a fall of 12.5 points; Fisher's exact test on [[10, 70], [25, 75]].
    rows = ([("2019-04", "City Centre")] * 25 + [("2019-05", "Elsewhere")] * 75
            + [("2020-04", "City Centre")] * 10 + [("2021-03", "Elsewhere")] * 70)
    frame = pd.DataFrame(rows, columns=["month", "ward_name"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    r = share_change(frame, "ward_name", "City Centre", between("2020-21", "2019-20"))
    assert (r.current_count, r.current_total, r.usual_count, r.usual_total) == (10, 80, 25, 100)
    assert (r.current_share, r.usual_share, r.difference) == (12.5, 25.0, -12.5)
    assert r.p_value == pytest.approx(stats.fisher_exact([[10, 70], [25, 75]]).pvalue)
    assert r.verdict == ("fell" if r.p_value < 0.05 else "similar")


# ----------------------------------------------------------------------------- over-dispersion


def _series(values: dict[str, list[int]], first: str) -> pd.DataFrame:
    """Pre-aggregated frame: each ward's monthly counts from ``first``."""
    rows = []
    for ward, counts in values.items():
        months = pd.period_range(first, periods=len(counts), freq="M")
        rows += [(m, ward, c) for m, c in zip(months, counts, strict=True)]
    frame = pd.DataFrame(rows, columns=["month", "ward_name", "count"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def test_the_reviewers_year_to_date_reads_similar_once_over_dispersion_is_allowed():
    # April-September: 29,900 in 2019, 29,129 in 2020 (-2.6%).
    ytd19 = [5000, 4900, 5000, 5000, 5000, 5000]            # 29,900
    ytd20 = [4900, 4829, 4850, 4850, 4850, 4850]            # 29,129
    rest19 = [5400, 5000, 5400, 5000, 5400, 5000]           # October 2019 to March 2020
    frame = _series({"Force": ytd19 + rest19 + ytd20}, "2019-04")
    comp = year_to_date("2020-09")
    plain = change(frame, comp, count_column="count")
    # Exact: 29,129 of 59,029 under Binomial(59,029, 1/2), p = 0.00153: "fell".
    assert (plain.current, plain.previous, plain.verdict) == (29129, 29900, "fell")
    assert plain.p_value == pytest.approx(0.00153, abs=1e-5)
    # phi = 4: z = -3.1734 / 2, p = 0.1126: "similar".
    four = change(frame, comp, count_column="count", dispersion=4)
    assert (four.verdict, four.dispersion, four.method) == ("similar", 4.0, "quasi-Poisson score")
    assert four.p_value == pytest.approx(0.1126, abs=1e-4)
    # Estimated from the 12 months before April 2020: moving ranges 100, 100, 0, 0, 0, then
    # 400 x 6; mean 2,600 / 11 = 236.4 (none above 3.267 x 236.4 = 772.2); sigma = 236.4 /
    # 1.128 = 209.5; mean count (29,900 + 31,200) / 12 = 5,091.7: phi = 209.5^2 / 5,091.7 = 8.62
    # (Derbyshire's monthly all-crime totals in 2023-24 give about 6).
    est = change(frame, comp, count_column="count", dispersion="estimate")
    assert est.dispersion == pytest.approx((2600 / 11 / 1.128) ** 2 / (61100 / 12), rel=1e-12)
    assert est.dispersion == pytest.approx(8.62, abs=0.01)
    assert est.verdict == "similar" and est.caveat is None
    # phi = 1 is the exact test itself.
    assert change(frame, comp, count_column="count", dispersion=1) == plain


def test_each_group_gets_its_own_dispersion():
    # 2019-20 then 2020-21. Abbey alternates 100 / 140 (moving ranges 40, mean 120: phi =
    # (40 / 1.128)^2 / 120 = 10.479) then 80 / 112; Castle is flat, 120 then 96 (phi = 1).
    # Both: 1,152 against 1,440, -20%; score z = -144 / sqrt(2,592 / 4) = -5.657.
    frame = _series({"Abbey": [100, 140] * 6 + [80, 112] * 6, "Castle": [120] * 12 + [96] * 12},
                    "2019-04")
    t = change_by(frame, between("2020-21", "2019-20"), "ward_name", count_column="count",
                  dispersion="estimate").set_index("ward_name")
    assert t.loc["Abbey", "dispersion"] == pytest.approx((40 / 1.128) ** 2 / 120, rel=1e-12)
    assert t.loc["Castle", "dispersion"] == 1.0
    assert t["percent"].tolist() == pytest.approx([-20.0, -20.0])
    # Castle: exact test, 1,152 of 2,592 at 1/2, p ~ 1.6e-8: "fell". Abbey: z / sqrt(10.479) =
    # -1.7475, p = 0.0805: "similar".
    assert (t.loc["Castle", "verdict"], t.loc["Castle", "method"]) == ("fell",
                                                                      "exact conditional")
    assert t.loc["Castle", "p_value"] == pytest.approx(stats.binomtest(1152, 2592).pvalue)
    assert (t.loc["Abbey", "verdict"], t.loc["Abbey", "method"]) == ("similar",
                                                                    "quasi-Poisson score")
    assert t.loc["Abbey", "p_value"] == pytest.approx(
        2 * stats.norm.sf(144 / math.sqrt(648) / math.sqrt(t.loc["Abbey", "dispersion"])))
    assert t.loc["Abbey", "p_value"] == pytest.approx(0.0805, abs=1e-4)
    # A scalar applies to every group.
    both = change_by(frame, between("2020-21", "2019-20"), "ward_name", count_column="count",
                     dispersion=2)
    assert both["dispersion"].tolist() == [2.0, 2.0]


def test_too_little_history_to_estimate_says_so():
    frame = _series({"Abbey": [100, 140] * 12}, "2019-04")
    comp = between(["2019-07", "2019-08"], ["2019-04", "2019-05"])
    r = change(frame, comp, count_column="count", dispersion="estimate")
    # Only April to June 2019 come before July 2019: 3 months, fewer than 12.
    assert r.dispersion == 1.0 and r.method == "exact conditional"
    # "only 3 months of data before July 2019, too few ..." (tests/narrative/test_gaps.py)
    assert r.caveat == Caveat(history_months=3, history_start=pd.Period("2019-07", "M"))
    t = change_by(frame, comp, "ward_name", count_column="count", dispersion="estimate")
    assert t["caveat"].tolist() == [r.caveat]
    with pytest.raises(ValueError, match="dispersion must be a number of 1 or more"):
        change(frame, comp, count_column="count", dispersion=0.9)
    with pytest.raises(ValueError, match="dispersion must be a number of 1 or more"):
        change(frame, comp, count_column="count", dispersion="guess")


def test_history_for_the_estimate_is_the_available_months_before_the_period():
    # Dales has no rows before 2019-10 in a frame whose data start in 2019-04: its months
    # 2019-04 to 2019-09 are zeros, not missing, when the whole data's months are passed.
    frame = _series({"Abbey": [50] * 24, "Dales": [0] * 6 + [40, 60] * 9}, "2019-04")
    frame = frame[frame["count"] > 0]
    months = pd.period_range("2019-04", "2021-03", freq="M")
    t = change_by(frame, between("2020-21", "2019-20"), "ward_name", count_column="count",
                  dispersion="estimate", available_months=months).set_index("ward_name")
    # Dales 2019-20: 0 x 6, then 40, 60, 40, 60, 40, 60: moving ranges 0 x 5, 40, 20 x 5 ->
    # mean 140 / 11 = 12.73 (screen at 41.6 keeps all); mean count 300 / 12 = 25;
    # phi = (12.73 / 1.128)^2 / 25 = 5.09.
    assert t.loc["Dales", "dispersion"] == pytest.approx((140 / 11 / 1.128) ** 2 / 25, rel=1e-12)
    assert t.loc["Abbey", "dispersion"] == 1.0


# ----------------------------------------------------------------------------- many rows


def test_holm_adjustment_of_a_table():
    # One month against the same month a year before. Per ward: Abbey 30 vs 15 (exact p =
    # 0.0357), Castle 10 vs 10 (p = 1), Dales 60 vs 30 (p = 2 P(X >= 60 | Bin(90, 1/2)) =
    # 0.0021). Holm with m = 3: Dales 3 x 0.0021 = 0.0064, Abbey max(0.0064, 2 x 0.0357) =
    # 0.0714, Castle 1. Abbey's "rose" was one in three tables' worth of luck: "similar".
    rows = [("2019-04", "Abbey", 15), ("2020-04", "Abbey", 30), ("2019-04", "Castle", 10),
            ("2020-04", "Castle", 10), ("2019-04", "Dales", 30), ("2020-04", "Dales", 60)]
    frame = pd.DataFrame(rows, columns=["month", "ward_name", "count"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    comp = same_period_last_year("2020-04")
    raw = change_by(frame, comp, "ward_name", count_column="count").set_index("ward_name")
    assert raw.loc["Abbey", "verdict"] == "rose" and raw.loc["Abbey", "adjust"] == "none"
    assert (raw["adjusted_p"] == raw["p_value"]).all()
    t = change_by(frame, comp, "ward_name", count_column="count",
                  adjust="holm").set_index("ward_name")
    p_dales = 2 * sum(math.comb(90, j) for j in range(60, 91)) / 2**90
    assert t.loc["Dales", "p_value"] == pytest.approx(p_dales, rel=1e-9)
    assert t.loc["Dales", "adjusted_p"] == pytest.approx(3 * p_dales, rel=1e-9)
    assert t.loc["Abbey", "adjusted_p"] == pytest.approx(2 * 0.035698, abs=1e-5)
    assert t.loc["Castle", "adjusted_p"] == 1.0
    assert t["verdict"].to_dict() == {"Dales": "rose", "Abbey": "similar", "Castle": "similar"}
    assert set(t["adjust"]) == {"holm"}
    # The rows still read as ChangeResults.
    assert {r.adjust for r in results(t.reset_index())} == {"holm"}
    with pytest.raises(ValueError, match="adjust must be one of"):
        change_by(frame, comp, "ward_name", count_column="count", adjust="bonferroni")


def test_benjamini_hochberg_column_agrees_with_scipy():
    rng = np.random.default_rng(3)
    groups = {(f"W{i:02d}",): (int(b), int(a))
              for i, (b, a) in enumerate(zip(rng.integers(5, 60, 14), rng.integers(5, 60, 14),
                                             strict=True))}
    frame = monthly(groups, ["crime_type"])
    t = change_by(frame, between("2020-21", "2019-20"), "crime_type", count_column="count",
                  adjust="bh")
    assert t["adjusted_p"].to_numpy() == pytest.approx(
        stats.false_discovery_control(t["p_value"].to_numpy(), method="bh"), rel=1e-12)
    assert (t["verdict"] != "similar").sum() == (t["adjusted_p"] < 0.05).sum()


# ----------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 500), min_size=12, max_size=12),
       alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_a_series_against_itself_is_similar_with_p_one(counts, alpha):
    frame = pd.DataFrame({"month": list(FY19) + list(FY20), "count": counts + counts})
    frame["month"] = frame["month"].astype("period[M]")
    for comp in (between("2020-21", "2019-20"), rolling_12_months("2021-03"),
                 same_quarter_last_year("2020-21 Q3"), year_to_date("2020-11")):
        r = change(frame, comp, count_column="count", alpha=alpha)
        assert (r.verdict, r.p_value, r.absolute) == ("similar", 1.0, 0)
        assert r.percent == 0.0 or (r.previous == 0 and math.isnan(r.percent))


@settings(max_examples=25, deadline=None)
@given(data=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), min_size=1,
                     max_size=8))
def test_table_rows_agree_with_single_changes(data):
    groups = {(f"W{i}",): pair for i, pair in enumerate(data)}
    frame = monthly(groups, ["ward_name"])
    comp = between("2020-21", "2019-20")
    t = change_by(frame, comp, "ward_name", count_column="count").set_index("ward_name")
    for (name,), _ in groups.items():
        one = change(frame[frame.ward_name == name], comp, count_column="count", label=name)
        row = t.loc[name]
        assert row["verdict"] == one.verdict
        assert row["p_value"] == pytest.approx(one.p_value, rel=1e-12)
        # A verdict always matches the direction and the p-value.
        if one.verdict == "rose":
            assert one.ratio > 1 and one.p_value < one.alpha
        if one.verdict == "fell":
            assert one.ratio < 1 and one.p_value < one.alpha
    # Sorted for reading: rose, then similar, then fell.
    order = {"rose": 0, "similar": 1, "fell": 2}
    ranks = [order[v] for v in t["verdict"]]
    assert ranks == sorted(ranks)
    assert np.all(np.isfinite(t["p_value"]))
