"""Sentences from indicator results: every form with its exact expected text.

The results are made by the real indicator functions from small hand-made inputs; each test
shows the arithmetic that gives the numbers in the sentence. U+2212 is the minus sign.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis import narrative as N
from pccanalysis.indicators.change import between, change_by, compare_counts, share_change
from pccanalysis.indicators.comparator import compare_to_comparator
from pccanalysis.indicators.delivery_plan import summarise_tracker
from pccanalysis.indicators.gaps import find_gaps
from pccanalysis.indicators.repeats import repeat_change
from pccanalysis.indicators.spc import spc, sustained_shift
from pccanalysis.indicators.targets import Target, target_progress

MINUS = "\u2212"


def _change(current, previous, label="All crime", cur="2020-21", prev="2019-20", **kw):
    return compare_counts(current, previous, label=label, current_label=cur,
                          previous_label=prev, **kw)


# --- change --------------------------------------------------------------------------------


def test_change_phrase_forms():
    assert N.change_phrase("fell", -19.6) == "fell by 19.6%"
    assert N.change_phrase("rose", 24.0) == "rose by 24%"
    assert N.change_phrase("similar", -2.04) == f"was similar ({MINUS}2%)"
    assert N.change_phrase("similar", 3.0) == "was similar (+3%)"
    assert N.change_phrase("fell", -19.6, approximate=True) == "fell by almost 20%"
    assert N.change_phrase("rose", float("nan"), current=12, previous=0) == "rose from 0 to 12"
    assert N.change_phrase("similar", float("nan"), current=2, previous=0) == (
        "was similar (from 0 to 2)"
    )


def test_change_phrase_agrees_with_a_plural_subject():
    assert N.change_phrase("similar", -2.04, plural=True) == f"were similar ({MINUS}2%)"
    assert N.change_phrase("similar", float("nan"), current=2, previous=0, plural=True) == (
        "were similar (from 0 to 2)"
    )
    # "rose" and "fell" do not change with the subject
    assert N.change_phrase("fell", -19.6, plural=True) == "fell by 19.6%"
    # 40 against 45 is noise: "were similar"
    assert N.change_sentence(_change(40, 45, label="Hate crimes"), plural=True) == (
        f"Hate crimes were similar ({MINUS}11.1%) in 2020-21 compared with 2019-20, from 45 to "
        "40."
    )


def test_change_phrase_refuses_a_verdict_that_contradicts_the_number():
    with pytest.raises(ValueError, match="contradicts"):
        N.change_phrase("rose", -5.0)
    with pytest.raises(ValueError, match="verdict must be"):
        N.change_phrase("up", 5.0)


def test_change_sentence_significant_fall():
    # 9,925 / 12,345 = 0.80397: a fall of 19.6%; p is about 1e-59, so the verdict is "fell"
    result = _change(9925, 12345)
    assert result.verdict == "fell"
    assert N.change_sentence(result, "crime") == (
        "Crime fell by 19.6% in 2020-21 compared with 2019-20, from 12,345 to 9,925."
    )
    assert N.change_sentence(result, "crime", approximate=True, counts=False) == (
        "Crime fell by almost 20% in 2020-21 compared with 2019-20."
    )


def test_change_sentence_similar_names_the_change_in_brackets_and_shortens_asb():
    # 1,000 / 1,020 - 1 = -1.96%: -2% in brackets; 1,000 against 1,020 is noise
    result = _change(1000, 1020, label="Anti-social behaviour", cur="2020-21 Q2",
                     prev="2019-20 Q2")
    assert result.verdict == "similar"
    assert N.change_sentence(result) == (
        f"ASB was similar ({MINUS}2%) in 2020-21 Q2 compared with 2019-20 Q2, "
        "from 1,020 to 1,000."
    )


def test_change_sentence_from_zero_and_with_unequal_periods():
    # 12 against 0: p = 2 x 0.5^12 = 0.0005, "rose", but no percentage exists
    assert N.change_sentence(_change(12, 0, label="Arson")) == (
        "Arson rose from 0 to 12 in 2020-21 compared with 2019-20."
    )
    # 6 months against 12: monthly rates 600/6 = 100 and 1,000/12 = 83.3, +20%; raw counts
    # (600 and 1,000) would mislead, so they are left out
    result = _change(600, 1000, cur="April to September 2020", prev="2019-20",
                     current_exposure=6, previous_exposure=12)
    assert N.change_sentence(result, "crime") == (
        "Crime rose by 20% in April to September 2020 compared with 2019-20."
    )


def test_change_sentence_needs_something_to_name():
    with pytest.raises(ValueError, match="pass subject="):
        N.change_sentence(compare_counts(10, 20))


def test_headline_from_a_change_result():
    h = N.headline(_change(9925, 12345), subject="crime")
    assert h.label == "All crime"
    assert h.value == f"{MINUS}19.6%"
    assert h.verdict == "fell" and h.verdict_text == "Fell"
    assert h.sentence == "Crime fell by 19.6% in 2020-21 compared with 2019-20, from 12,345 to 9,925."
    assert h.detail == "9,925 in 2020-21; 12,345 in 2019-20"
    assert h.caveat is None
    assert (h.phrase, h.tone) == ("fell by 19.6%", "good")  # a fall in crime is good news
    similar = N.headline(_change(1000, 1020), label="Crime", caveat="Data for March are late.")
    assert (similar.value, similar.verdict_text) == (f"{MINUS}2%", "No significant change")
    assert (similar.phrase, similar.tone) == (f"was similar ({MINUS}2%)", "neutral")
    assert similar.to_dict()["caveat"] == "Data for March are late."
    # the same fall of something that should go up (e.g. reports of hate crime) is bad news
    assert N.headline(_change(9925, 12345), improvement="increase").tone == "bad"


def test_headline_card_fits_the_briefing_panel():
    from pccanalysis.briefing.context import HeadlineFigure, headline_panel_html

    card = HeadlineFigure(**N.headline(_change(9925, 12345), subject="crime").as_card())
    assert card == HeadlineFigure(label="All crime", value=f"{MINUS}19.6%",
                                  verdict="fell by 19.6%", tone="good",
                                  detail="9,925 in 2020-21; 12,345 in 2019-20")
    assert "fell by 19.6%" in headline_panel_html([card])


def test_as_title_drops_the_full_stop():
    assert N.as_title("Crime fell by 19.6% in 2020-21.") == "Crime fell by 19.6% in 2020-21"


# --- groups --------------------------------------------------------------------------------


def _table(verdicts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"ward_name": list(verdicts), "verdict": list(verdicts.values())})


def test_group_summary_all_the_same():
    wards = {f"W{i}": "fell" for i in range(12)}
    assert N.group_summary(_table(wards), "ward_name", "crime") == "Crime fell in all 12 wards."
    assert N.group_summary(_table({"A": "rose", "B": "rose"}), "ward_name", "crime") == (
        "Crime rose in both wards."
    )
    assert N.group_summary(_table({"Dales": "similar"}), "ward_name", "ASB") == (
        "ASB was similar in Dales, the only ward."
    )


def test_group_summary_every_ward_except_one():
    wards = {f"W{i}": "fell" for i in range(11)} | {"Dales": "rose"}
    assert N.group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in every ward except Dales, where it rose."
    )


def test_group_summary_mixed():
    wards = {f"W{i}": "fell" for i in range(9)} | {"Dales": "rose", "Castle": "similar",
                                                   "Abbey": "similar"}
    assert N.group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in 9 of 12 wards; it rose in Dales and was similar in Castle and Abbey."
    )
    mostly_similar = {f"W{i}": "similar" for i in range(10)} | {"Dales": "rose", "Abbey": "fell"}
    assert N.group_summary(_table(mostly_similar), "ward_name", "crime") == (
        "Crime was similar in 10 of 12 wards; it fell in Abbey and rose in Dales."
    )


def test_group_summary_counts_long_lists_and_breaks_ties_towards_fell():
    wards = {f"F{i}": "fell" for i in range(6)} | {f"R{i}": "rose" for i in range(5)}
    assert N.group_summary(_table(wards), "ward_name", "crime", noun=("area", "areas")) == (
        "Crime fell in 6 of 11 areas; it rose in 5 areas."
    )
    tie = {"A": "rose", "B": "fell"}
    assert N.group_summary(_table(tie), "ward_name", "crime") == (
        "Crime fell in every ward except A, where it rose."
    )


def test_group_summary_reads_a_real_change_by_table():
    # A 100 -> 50 fell; B 40 -> 44 similar; C 20 -> 60 rose
    rows = []
    for ward, before, after in (("A", 100, 50), ("B", 40, 44), ("C", 20, 60)):
        rows.append({"month": pd.Period("2019-04", freq="M"), "ward_name": ward, "n": before})
        rows.append({"month": pd.Period("2021-03", freq="M"), "ward_name": ward, "n": after})
    table = change_by(pd.DataFrame(rows), between("2020-21", "2019-20"), "ward_name",
                      count_column="n")
    # one of each: the tie goes to "fell"; the others in table order (rose first)
    assert N.group_summary(table, "ward_name", "crime") == (
        "Crime fell in 1 of 3 wards; it rose in C and was similar in B."
    )


def test_group_summary_leaves_names_as_plain_text():
    # no escaping here: the export escapes every sentence once
    wards = {"<Castle>": "rose", "A": "fell", "B": "fell"}
    assert N.group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in every ward except <Castle>, where it rose."
    )


# --- shares --------------------------------------------------------------------------------


def _share_frame(centre_now, other_now, centre_usual, other_usual):
    rows = [
        {"month": pd.Period("2017-04", freq="M"), "area": "City centre", "n": centre_usual},
        {"month": pd.Period("2017-04", freq="M"), "area": "Elsewhere", "n": other_usual},
        {"month": pd.Period("2021-03", freq="M"), "area": "City centre", "n": centre_now},
        {"month": pd.Period("2021-03", freq="M"), "area": "Elsewhere", "n": other_now},
    ]
    return pd.DataFrame(rows)


def test_share_sentence_rose_and_similar():
    usual = list(pd.period_range("2017-04", "2020-03", freq="M"))
    comp = between("2020-21", usual)
    # now 155 of 500 = 31%, usually 250 of 1,000 = 25%: Fisher's exact p is about 0.015
    rose = share_change(_share_frame(155, 345, 250, 750), "area", "City centre", comp,
                        count_column="n")
    assert rose.verdict == "rose"
    assert N.share_sentence(rose, "hate crime") == (
        "City centre accounted for 31% of hate crime in 2020-21, against 25% in April 2017 to "
        "March 2020; its share rose."
    )
    # now 13 of 50 = 26%: too few to tell from 25%
    similar = share_change(_share_frame(13, 37, 250, 750), "area", "City centre", comp,
                           count_column="n")
    assert N.share_sentence(similar, "hate crime", subject="The city centre") == (
        "The city centre accounted for 26% of hate crime in 2020-21, similar to its usual 25% in "
        "April 2017 to March 2020."
    )
    # against an earlier period that is not its usual share
    assert N.share_sentence(similar, "hate crime", usual=False) == (
        "City centre accounted for 26% of hate crime in 2020-21, similar to 25% in April 2017 "
        "to March 2020."
    )


# --- repeat victims ------------------------------------------------------------------------


def test_repeat_sentence_count_fell_but_share_similar():
    # repeats 1,040 -> 926: 926 / 1,040 - 1 = -10.96%, exact test p about 0.01: "fell by 11%".
    # share 1,040 / 4,000 = 26% -> 926 / 3,700 = 25.03%: a 1-point difference, within the
    # Newcombe interval: "similar"
    table = pd.DataFrame({"period": ["2019-20", "2020-21"], "victims": [4000, 3700],
                          "repeat_victims": [1040, 926]})
    change = repeat_change(table, "2019-20", "2020-21")
    assert (change.repeats_verdict, change.share_verdict) == ("fell", "similar")
    assert N.repeat_sentence(change, "hate crime") == (
        "Repeat victims of hate crime fell by 11% in 2020-21 compared with 2019-20, but the "
        "share of victims who are repeats was similar (25% against 26%)."
    )


def test_repeat_sentence_both_rose():
    # repeats 400 -> 520 (+30%) among 2,000 victims each year: share 20% -> 26%
    table = pd.DataFrame({"period": ["2019-20", "2020-21"], "victims": [2000, 2000],
                          "repeat_victims": [400, 520]})
    change = repeat_change(table, "2019-20", "2020-21")
    assert N.repeat_sentence(change, "hate crime") == (
        "Repeat victims of hate crime rose by 30% in 2020-21 compared with 2019-20, and the "
        "share of victims who are repeats rose from 20% to 26%."
    )


def test_repeat_sentence_similar_agrees_with_repeat_victims():
    # the sample's 2020-21 Q4: repeats 18 -> 13, 13 / 18 - 1 = -27.8%; exact test on 13 of 31,
    # p about 0.47: similar. Shares 18 / 63 = 28.6% and 13 / 56 = 23.2%: similar.
    table = pd.DataFrame({"period": ["2019-20 Q4", "2020-21 Q4"], "victims": [63, 56],
                          "repeat_victims": [18, 13]})
    change = repeat_change(table, "2019-20 Q4", "2020-21 Q4")
    assert (change.repeats_verdict, change.share_verdict) == ("similar", "similar")
    assert N.repeat_sentence(change, "hate crime") == (
        f"Repeat victims of hate crime were similar ({MINUS}27.8%) in 2020-21 Q4 compared with "
        "2019-20 Q4, and the share of victims who are repeats was similar (23.2% against "
        "28.6%)."
    )


# --- local against comparator --------------------------------------------------------------


def test_comparator_sentence_faster_rise_only_when_the_test_supports_it():
    # local 1,000 -> 1,240 (+24%), England and Wales 5,000,000 -> 5,250,000 (+5%): the ratio
    # of ratios 1.24 / 1.05 = 1.18 is far beyond chance with counts this size
    result = compare_to_comparator(1240, 1000, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    assert result.verdict == "rose faster than"
    local = _change(1240, 1000, cur="2020", prev="2019")
    assert N.comparator_sentence(result, local=local) == (
        "Recorded suicide rose by 24% locally in 2020 compared with 2019, against a rise of 5% "
        "in England and Wales; the local rise was faster."
    )
    assert N.comparator_title(result, "Recorded suicide", "Northbridge") == (
        "Recorded suicide in Northbridge rose faster than England and Wales")


def test_comparator_sentence_when_the_difference_could_be_chance():
    # 100 -> 124 is the same +24% but from counts too small to tell it from +5%
    result = compare_to_comparator(124, 100, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    assert result.verdict == "similar to"
    assert N.comparator_sentence(result) == (
        "Recorded suicide changed by +24% locally in 2020 compared with 2019, against a rise of "
        "5% in England and Wales; the difference between the two could be chance."
    )
    # with the local change's own verdict (124 against 100: p about 0.14, "similar")
    assert N.comparator_sentence(result, local=_change(124, 100, cur="2020", prev="2019")) == (
        "Recorded suicide was similar (+24%) locally in 2020 compared with 2019, against a rise "
        "of 5% in England and Wales; the difference between the two could be chance."
    )
    assert N.comparator_title(result, "Recorded suicide", "Northbridge") == (
        "Recorded suicide in Northbridge: no clear difference from England and Wales")


def test_comparator_sentence_reads_the_comparators_own_verdict():
    # England 5,000 -> 5,110 (+2.2%): exact test on 5,110 of 10,110, p about 0.28: no rise
    # to speak of. Local 100 -> 127 (+27%, p about 0.08): similar too.
    result = compare_to_comparator(127, 100, 5110, 5000, label="Recorded suicides",
                                   comparator_label="England", current_label="2020",
                                   previous_label="2019")
    england = _change(5110, 5000, label="England", cur="2020", prev="2019")
    assert england.verdict == "similar"
    assert N.comparator_sentence(result, "The number of recorded suicides",
                                 local=_change(127, 100, cur="2020", prev="2019"),
                                 comparator=england) == (
        "The number of recorded suicides was similar (+27%) locally in 2020 compared with "
        "2019, against no significant change (+2.2%) in England; the difference between the "
        "two could be chance."
    )
    # 5,000 -> 5,250 (+5%, p about 0.014): a rise
    risen = _change(5250, 5000, label="England", cur="2020", prev="2019")
    assert risen.verdict == "rose"
    assert "against a rise of 5% in England" in N.comparator_sentence(
        compare_to_comparator(127, 100, 5250, 5000, comparator_label="England"),
        "Suicides", comparator=risen)


def test_comparator_sentence_against_a_published_percentage_fall():
    # a published national -3% taken as exact; local 1,000 -> 1,240 rises against it
    result = compare_to_comparator(1240, 1000, comparator_percent=-3.0,
                                   comparator_label="England and Wales", label="Burglary")
    assert result.verdict == "rose against a fall in"
    assert N.comparator_sentence(result) == (
        "Burglary changed by +24% locally in current compared with previous, against a fall of "
        "3% in England and Wales; the two moved in opposite directions."
    )


# --- targets -------------------------------------------------------------------------------

MONTHS = pd.period_range("2019-04", "2021-03", freq="M")


def _progress(per_month: int, deadline: str):
    # 2019-20 at 100 a month (1,200) against 2020-21 at ``per_month`` a month
    series = pd.Series([100] * 12 + [per_month] * 12, index=MONTHS)
    target = Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25, deadline)
    return target_progress(target, series)


def test_target_sentence_off_track():
    # +30% (1,560 against 1,200); 12 of the 36 months to the end of 2022-23 have passed, so the
    # straight line asks for a third of 25% = 8.3% by now; the interval 1.20-1.40 lies wholly
    # above the 0.917 needed: off track
    assert N.target_sentence(_progress(130, "2022-23")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2022-23 is off track: ASB was 30% "
        "higher in 2020-21 than in 2019-20; the trajectory asks for a fall of 8.3% by now."
    )


def test_target_sentence_on_track_and_at_risk():
    # 75 a month: -25%, interval for the ratio 0.69-0.82, wholly below the 0.875 needed half
    # way (12 of 24 months) to 2021-22
    assert N.target_sentence(_progress(75, "2021-22")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is on track: ASB was 25% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )
    # 85 a month: -15%, interval 0.78-0.92 straddles 0.875: at risk
    assert N.target_sentence(_progress(85, "2021-22")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 15% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )


def test_target_sentence_similar_and_past_deadline():
    # 98 a month: -2% is noise (1,176 against 1,200), and short of -12.5%: off track
    assert N.target_sentence(_progress(98, "2021-22")) == (
        f"The target to reduce ASB by 25% against 2019-20 by 2021-22 is off track: ASB was "
        f"similar in 2020-21 to 2019-20 ({MINUS}2%); the trajectory asks for a fall of 12.5% by now."
    )
    # deadline 2020-21 has passed; 60 a month is -40%, interval 0.55-0.66, below 0.75: met
    assert N.target_sentence(_progress(60, "2020-21")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2020-21 was met: ASB was 40% lower "
        "in 2020-21 than in 2019-20."
    )


def test_in_sentence_lowers_ordinary_words_only():
    assert N.in_sentence("Crime") == "crime"
    assert N.in_sentence("Anti-social behaviour") == "anti-social behaviour"
    assert N.in_sentence("Repeat hate-crime victims") == "repeat hate-crime victims"
    assert N.in_sentence("Violence and sexual offences") == "violence and sexual offences"
    # acronyms and proper names are written as they are
    assert N.in_sentence("ASB") == "ASB"
    assert N.in_sentence("IOM cohort") == "IOM cohort"
    assert N.in_sentence("City Centre burglary") == "City Centre burglary"
    # a one-word place name cannot be told from an ordinary word unless named
    assert N.in_sentence("Dales burglary", proper_nouns=["Dales", "Castle"]) == "Dales burglary"


def test_target_sentence_writes_the_name_as_it_reads_mid_sentence():
    # the 75 a month case above, for a target named "Crime"
    series = pd.Series([100] * 12 + [75] * 12, index=MONTHS)
    target = Target("Crime", "All crime", "2019-20", "reduce", 25, "2021-22")
    assert N.target_sentence(target_progress(target, series)) == (
        "The target to reduce crime by 25% against 2019-20 by 2021-22 is on track: crime was 25% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )
    assert N.target_name(target) == "reduce crime by 25%"


def test_target_sentence_plural_name():
    # 98 a month against 100: 1,176 against 1,200, -2%. Clopper-Pearson for 1,176 of 2,376 is
    # about 0.4748 to 0.5151, a ratio of 0.904 to 1.062: the whole interval is above the 0.9
    # the (passed) deadline asks for: missed; p about 0.62: similar.
    series = pd.Series([100] * 12 + [98] * 12, index=MONTHS)
    target = Target("Repeat hate-crime victims", "repeat hate-crime victims", "2019-20",
                    "reduce", 10, "2020-21", source="victims.csv")
    progress = target_progress(target, series)
    assert progress.ratio_low == pytest.approx(0.904, abs=0.001)
    assert N.target_sentence(progress, plural=True) == (
        "The target to reduce repeat hate-crime victims by 10% against 2019-20 by 2020-21 was "
        f"missed: repeat hate-crime victims were similar in 2020-21 to 2019-20 ({MINUS}2%)."
    )


# --- SPC -----------------------------------------------------------------------------------


def _spc(values, improvement="decrease", **kw):
    index = pd.period_range("2019-04", periods=len(values), freq="M")
    return spc(pd.Series(values, index=index, dtype=float), improvement=improvement, **kw)


STEADY = [10, 12] * 6  # mean 11, every moving range 2: limits 11 -/+ 5.32 = 5.68 and 16.32


def test_spc_sentence_common_cause():
    assert N.spc_sentence(_spc(STEADY), "ASB") == (
        "ASB shows only common cause variation: March 2020 (12) was within the usual range of "
        "5.7 to 16.3 a month."
    )


def test_spc_sentence_trial_limits():
    # six points: the same limits, but from fewer than 12 points
    assert N.spc_sentence(_spc([10, 12] * 3), "ASB") == (
        "ASB shows only common cause variation: September 2019 (12) was within the usual range "
        "of 5.7 to 16.3 a month. These are trial limits from only 6 months of data."
    )


def test_spc_sentence_point_outside_the_limits():
    # a 13th month of 30: mean 162 / 13 = 12.46; the moving range of 18 is screened out
    # (above 3.267 x 3.33), so the upper limit is 12.46 + 2.66 x 2 = 17.78
    assert N.spc_sentence(_spc(STEADY + [30]), "ASB") == (
        "ASB shows special cause variation of a concerning nature: April 2020 (30) was above "
        "the upper process limit of 17.8."
    )


def test_spc_sentence_trend():
    # 10, 20 five times, then 11 to 17: the last 7 points rise 6 times in a row. Mean 248 / 17
    # = 14.6, mean moving range (9 x 10 + 9 + 6 x 1) / 16 = 6.56, limits -2.9 to 32.0: nothing
    # outside; 11-14 are below the mean and 15-17 above, so no run on one side
    values = [10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17]
    assert N.spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation of a concerning nature: it has risen in each of the "
        "last 6 months, to August 2020."
    )


def test_spc_sentence_shift():
    # 10, 14 five times, then 13, 15, ... 13: mean 217 / 17 = 12.76; the last 14 and the seven
    # points after it (8 in all) are above the mean; limits 4.6 to 20.9. Higher is better here.
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]
    assert N.spc_sentence(_spc(values, improvement="increase"), "Reports") == (
        "Reports shows special cause variation of an improving nature: it has been above its "
        "average of 12.8 for 8 months in a row to August 2020."
    )


def test_spc_sentence_two_of_three():
    # 10, 12 six times, then 15.5, 14, 15.5: mean 177 / 15 = 11.8; mean moving range
    # (22 + 3.5 + 1.5 + 1.5) / 14 = 2.036; sigma = 2.66 / 3 x 2.036 = 1.805; 2 sigma = 15.41,
    # 3 sigma = 17.21: both 15.5s lie between them and all three points are above the mean
    values = STEADY + [15.5, 14, 15.5]
    assert N.spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation of a concerning nature: two of the last three months "
        "were close to the upper process limit of 17.2."
    )


def test_spc_sentence_passes_over_an_excluded_latest_month():
    # STEADY then a gap month of 1, excluded: the reading is about March 2020 (12)
    result = _spc(STEADY + [1], exclude=["2020-04"])
    assert N.spc_sentence(result, "ASB") == (
        "ASB shows only common cause variation: March 2020 (12) was within the usual range of "
        "5.7 to 16.3 a month."
    )


def test_spc_sentence_plural_subject():
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]  # as test_spc_sentence_shift
    assert N.spc_sentence(_spc(values, improvement="increase"), "Reports", plural=True) == (
        "Reports show special cause variation of an improving nature: they have been above "
        "their average of 12.8 for 8 months in a row to August 2020."
    )


def test_spc_title_forms():
    # the same charts as the spc_sentence tests above
    assert N.spc_title(_spc(STEADY), "ASB") == "ASB in March 2020 was within its usual range"
    assert N.spc_title(_spc(STEADY + [30]), "ASB") == "ASB in April 2020 was above its usual range"
    trend = [10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17]
    assert N.spc_title(_spc(trend), "ASB") == "ASB has risen in each of the last 6 months"
    shift = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]
    assert N.spc_title(_spc(shift, improvement="increase"), "Reports", plural=True) == (
        "Reports have been above their average for 8 months in a row"
    )
    assert N.spc_title(_spc(STEADY + [15.5, 14, 15.5]), "ASB") == (
        "ASB: two of the last three months were close to the upper limit"
    )


STEP = [30, 34] * 7 + [20, 24] * 6  # 14 points at level 32, then 12 at level 22


def test_spc_title_and_shift_sentence_after_a_sustained_shift():
    # m = (14 * 32 + 12 * 22) / 26 = 712 / 26 = 27.4; the last 12 points (June 2020 to May
    # 2021) are all below it. Rebased there, the new segment alternates 20, 24 (mean 22,
    # limits 22 -/+ 2.66 * 4 = 11.4 and 32.6): no special cause, so "stable since".
    shift = sustained_shift(_spc(STEP))
    rebased = _spc(STEP, rebase=[shift.start])
    assert N.spc_title(rebased, "Crime", shift=shift) == (
        "Crime moved to a lower level in June 2020 and has been stable since"
    )
    assert N.shift_sentence(shift, "Crime") == (
        "Crime has been below its average of 27.4 a month in every month from June 2020 to May "
        "2021 (12 months): a sustained shift to a lower level, so the chart's limits are "
        "recalculated from June 2020."
    )


def test_shift_sentence_over_an_excluded_month():
    # the 14 + 13 step with the 21st point (December 2020, a 20) excluded: 12 low months
    # judged, 7 x 20 + 6 x 24 - 20 = 264, so m = (448 + 264) / 26 = 27.4 as before
    values = STEP + [20]
    result = _spc(values, exclude=["2020-12"])
    shift = sustained_shift(result)
    assert shift.n_points == 12
    assert N.shift_sentence(shift, "ASB incidents", plural=True) == (
        "ASB incidents have been below their average of 27.4 a month in all 12 months judged "
        "from June 2020 to June 2021: a sustained shift to a lower level, so the chart's limits "
        "are recalculated from June 2020."
    )


def test_assurance_sentences():
    # limits 5.68 to 16.32; lower is better
    assert N.assurance_sentence(_spc(STEADY, target=20), "ASB") == (
        "At its current level ASB will consistently meet the target of 20 a month."
    )
    assert N.assurance_sentence(_spc(STEADY, target=4), "ASB") == (
        "At its current level ASB will consistently miss the target of 4 a month."
    )
    assert N.assurance_sentence(_spc(STEADY, target=11), "ASB") == (
        "At its current level ASB will meet the target of 11 a month in some months and miss it "
        "in others."
    )
    assert N.assurance_sentence(_spc(STEADY), "ASB") is None


# --- data-gap caveats ----------------------------------------------------------------------


def _gaps():
    return pd.DataFrame({
        "month": pd.PeriodIndex(["2024-10", "2024-11", "2024-11"], freq="M"),
        "crime_type": ["Anti-social behaviour", "Anti-social behaviour", "Burglary"],
        "count": [500, 0, 3],
        "expected": [1480.0, 1526.4, 90.0],
        "ratio": [0.34, 0.0, 0.03],
        "p_value": [1e-200, 0.0, 1e-30],
    })


def test_gap_caveat_one_month():
    assert N.gap_caveat(_gaps(), ["2024-11"], crime_type="Anti-social behaviour") == (
        "ASB figures for November 2024 appear incomplete (0 recorded against about 1,526 in a "
        "usual month), so totals that include that month are too low."
    )


def test_gap_caveat_several_months_and_categories():
    assert N.gap_caveat(_gaps(), pd.period_range("2024-10", "2024-12", freq="M")) == (
        "ASB figures for October and November 2024 appear incomplete (500 and 0 recorded "
        "against about 1,480 and 1,526 in a usual month), so totals that include those months "
        "are too low. Burglary figures for November 2024 appear incomplete (3 recorded against "
        "about 90 in a usual month), so totals that include that month are too low."
    )


def test_gap_caveat_none_when_the_period_is_clear():
    assert N.gap_caveat(_gaps(), ["2024-09"]) is None


def test_gap_caveat_from_find_gaps_and_a_comparison():
    # ASB at 100 a month for 2023-24 and 2024-25 except November 2024 at 0: the expected count
    # is the median of the 12 nearest months, 100; P(X <= 0 | 100) = e^-100, below 0.001
    months = pd.period_range("2023-04", "2025-03", freq="M")
    counts = [0 if m == pd.Period("2024-11", freq="M") else 100 for m in months]
    frame = pd.DataFrame({"month": months, "crime_type": "Anti-social behaviour",
                          "count": counts})
    gaps = find_gaps(frame, count_column="count")
    comp = between("2024-25", "2023-24")
    assert N.gap_caveat(gaps, comp) == (
        "ASB figures for November 2024 appear incomplete (0 recorded against about 100 in a "
        "usual month), so totals that include that month are too low."
    )


# --- delivery plan -------------------------------------------------------------------------


def test_tracker_sentence():
    # 16 deliverables: 12 green (75%), 3 amber (18.75% -> 19%), 1 red (6.25% -> 6%); the
    # default rule: at least 75% green and at most 10% red is "good"
    statuses = ["Green"] * 12 + ["Amber"] * 3 + ["Red"]
    deliverables = pd.DataFrame({
        "theme": "T1", "number": range(1, 17), "lead": "Force",
        "deliverable": [f"Deliverable {i}" for i in range(1, 17)], "status": statuses,
    })
    updates = pd.DataFrame({"theme": ["T1"], "number": [1],
                            "date": pd.to_datetime(["2020-10-01"]), "author": ["A"],
                            "text": ["Done"]})
    summary = summarise_tracker(deliverables, updates, "2020-21 Q2")
    assert N.tracker_sentence(summary) == (
        "Of 16 deliverables, 12 (75%) are green, 3 (19%) amber and 1 (6%) red; the overall "
        "rating is good."
    )


# --- caveats of a result ---------------------------------------------------------------------


def test_figure_caveat_names_the_figure():
    assert N.figure_caveat("ASB, year to date", "October 2020 left out because of a likely "
                           "publication gap, with October 2019 so that like is compared with "
                           "like") == (
        "ASB, year to date: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.")
    assert N.figure_caveat("Crime", None) is None
    assert N.figure_caveat("Crime", float("nan")) is None
    assert N.figure_caveat("Crime", "  ") is None


def test_change_sentence_names_months_left_out_for_a_gap():
    # ASB 2020-21 Q3 with October 2020 a publication gap: left out with October 2019, so 128 +
    # 128 = 256 against 100 + 100 = 200 (+28%, exact p = 0.0099: rose)
    from pccanalysis.indicators.change import change, same_quarter_last_year
    from pccanalysis.indicators.gaps import find_gaps

    months = pd.period_range("2019-04", "2020-12", freq="M")
    values = [100] * 18 + [10, 128, 128]
    frame = pd.DataFrame({"month": months.repeat(values), "crime_type": "Anti-social behaviour"})
    gaps = find_gaps(frame)
    assert [str(m) for m in gaps["month"]] == ["2020-10"]
    result = change(frame, same_quarter_last_year("2020-21 Q3"), label="Anti-social behaviour",
                    gaps=gaps, gap_policy="exclude")
    assert N.change_sentence(result) == (
        "ASB rose by 28% in 2020-21 Q3 excluding October 2020 compared with 2019-20 Q3 "
        "excluding October 2019, from 200 to 256.")
    assert N.headline(result, "ASB, this quarter").detail == (
        "256 in 2020-21 Q3 excluding October 2020; 200 in 2019-20 Q3 excluding October 2019")


def test_target_sentence_keeps_the_baseline_as_written_when_months_are_left_out():
    # 2019-20 at 100 a month, 2020-21 at 90 a month with October 2020 left out as a gap (and
    # October 2019 with it): 990 against 1,100, -10%; exact test p = 0.017: lower
    series = pd.Series([100] * 12 + [90] * 12, index=MONTHS)
    target = Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25, "2021-22")
    progress = target_progress(target, series, gaps=["2020-10"], gap_policy="exclude")
    assert N.target_sentence(progress) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 10% "
        "lower in 2020-21 excluding October 2020 than in 2019-20 excluding October 2019; the "
        "trajectory asks for a fall of 12.5% by now.")
    # a one-month baseline is written as a month
    month_target = Target("ASB", "Anti-social behaviour", "2020-03", "reduce", 25, "2021-22")
    assert N.target_sentence(target_progress(month_target, series)).startswith(
        "The target to reduce ASB by 25% against March 2020 by 2021-22")


# --- levels without a test -------------------------------------------------------------------


def test_format_level_by_unit():
    assert N.format_level(1234, "count") == "1,234"
    assert N.format_level(12.5, "percentage") == "12.5%"
    assert N.format_level(10.94, "rate") == "10.9"
    assert N.format_level(0.034, "rate") == "0.03"  # not "0.0"
    with pytest.raises(ValueError, match="unit"):
        N.format_level(1, "ratio")


def test_level_comparison_sentence_has_no_direction_word():
    text = N.level_comparison_sentence(
        "Repeat referrals %", unit="percentage", area="Northbridge", comparator="England",
        current_label="2020-21", previous_label="2019-20", local_current=24.5,
        local_previous=22, comparator_current=21.25, comparator_previous=21)
    assert text == (
        "The repeat referrals % in Northbridge was 24.5% in 2020-21 and 22% in 2019-20, "
        "against 21.3% and 21% in England. These are percentages, not counts, so the change is "
        "shown but not tested against chance.")
    assert "rose" not in text and "fell" not in text


# --- funnel plots ----------------------------------------------------------------------------


def _funnel(counts, names):
    from pccanalysis.indicators.funnel import funnel

    return funnel(counts, [1000] * len(counts), names, kind="rate", per=1000,
                  overdispersion="none")


def test_funnel_sentence_names_wards_above_and_below_the_outer_limit():
    # 60, 10 and 10 crimes for 1,000 residents each: pooled 80 / 3,000 = 26.7 per 1,000, E =
    # 26.67 a ward; the exact 99.8% limits are the interpolated Poisson(26.67) 0.1% and 99.9%
    # quantiles, 11.67 and 43.53 crimes: 60 is above, both 10s below.
    result = _funnel([60, 10, 10], ["Abbey", "Castle", "Dales"])
    assert N.funnel_sentence(result, period="2020-21") == (
        "Abbey had a crime rate above the 99.8% limit in 2020-21: 60.0 per 1,000 residents, "
        "against 26.7 across the 3 wards. Castle and Dales were below the lower 99.8% limit.")
    assert N.funnel_title(result) == "Abbey had a crime rate above the 99.8% limit"
    # 90, 80 and four 30s: pooled 290 / 6,000 = 48.3, limits 27.8 to 70.7 crimes: two above
    # (highest first), the 30s inside the 99.8% limits
    result = _funnel([80, 90, 30, 30, 30, 30], ["Castle", "Abbey", "C", "D", "E", "F"])
    assert N.funnel_sentence(result, period="2020-21") == (
        "Abbey and Castle had crime rates above the 99.8% limit in 2020-21: 90.0 and 80.0 per "
        "1,000 residents, against 48.3 across the 6 wards.")
    assert N.funnel_title(result) == "Abbey and Castle had crime rates above the 99.8% limit"


def test_funnel_sentence_when_no_ward_is_outside():
    # 25, 27 and 28 around 26.7: all inside 11.67 to 43.53
    result = _funnel([25, 27, 28], ["Abbey", "Castle", "Dales"])
    assert N.funnel_sentence(result, period="2020-21") == (
        "No ward had a crime rate above the 99.8% limit in 2020-21; the rate across the 3 wards "
        "was 26.7 per 1,000 residents.")
    assert N.funnel_title(result) == "No ward had a crime rate above the 99.8% limit"


def test_funnel_method_sentence_forms():
    import dataclasses

    result = _funnel([25, 27, 28], ["Abbey", "Castle", "Dales"])
    assert N.funnel_method_sentence(result) == "The limits allow for chance only."
    widened = dataclasses.replace(result, overdispersion="additive", adjusted=True)
    assert N.funnel_method_sentence(widened) == (
        "Wards differ from one another by more than chance alone would make them, so the limits "
        "are widened to allow for that usual variation between wards; a ward outside them "
        "stands out even so. With only 3 wards, the allowance for variation between them is a "
        "rough estimate.")
    tested = dataclasses.replace(result, overdispersion="additive", adjusted=False)
    assert N.funnel_method_sentence(tested, noun=("area", "areas")) == (
        "Areas differ from one another by no more than chance alone would make them, so the "
        "limits allow for chance only. With only 3 areas, the allowance for variation between "
        "them is a rough estimate.")


# --- harm ------------------------------------------------------------------------------------


def test_harm_sentence_from_a_harm_index():
    # made-up weights: burglary 10, violence 25.5. 2019-20 Q4: 6 burglaries and 4 violent
    # crimes, 60 + 102 = 162; 2020-21 Q4: 6 and 6, 60 + 153 = 213.
    from pccanalysis.indicators.harm import harm_index

    months = [pd.Period("2020-01", freq="M")] * 10 + [pd.Period("2021-01", freq="M")] * 12
    types = ["Burglary"] * 6 + ["Violence and sexual offences"] * 4 \
        + ["Burglary"] * 6 + ["Violence and sexual offences"] * 6
    frame = pd.DataFrame({"month": months, "crime_type": types})
    table = harm_index(frame, {"Burglary": 10, "Violence and sexual offences": 25.5},
                       period="quarter")
    assert N.harm_sentence(table, "2020-21 Q4", "2019-20 Q4", "Made-up scheme") == (
        "In 2020-21 Q4, 12 crimes had a harm score of 213 (Made-up scheme), against 10 crimes "
        "with a harm score of 162 in 2019-20 Q4.")
    with pytest.raises(ValueError, match="no row"):
        N.harm_sentence(table, "2021-22 Q1", "2020-21 Q1", "Made-up scheme")
