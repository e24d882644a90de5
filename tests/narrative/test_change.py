"""Sentences for changes between two periods: every form with its exact expected text."""

from __future__ import annotations

import pandas as pd
import pytest
from consistency import card_disagreements

from pccanalysis.briefing.context import HeadlineFigure
from pccanalysis.indicators.change import (
    Caveat,
    between,
    change_by,
    compare_counts,
    share_change,
)
from pccanalysis.indicators.gaps import find_gaps
from pccanalysis.narrative.change import (
    change_phrase,
    change_sentence,
    group_summary,
    headline,
    share_sentence,
)
from pccanalysis.narrative.gaps import figure_caveat

MINUS = "\u2212"


def _change(current, previous, label="All crime", cur="2020-21", prev="2019-20", **kw):
    return compare_counts(current, previous, label=label, current_label=cur,
                          previous_label=prev, **kw)


def test_change_phrase_forms():
    assert change_phrase("fell", -19.6) == "fell by 19.6%"
    assert change_phrase("rose", 24.0) == "rose by 24%"
    assert change_phrase("similar", -2.04) == f"was similar ({MINUS}2%)"
    assert change_phrase("similar", 3.0) == "was similar (+3%)"
    assert change_phrase("fell", -19.6, approximate=True) == "fell by almost 20%"
    assert change_phrase("rose", float("nan"), current=12, previous=0) == "rose from 0 to 12"
    assert change_phrase("similar", float("nan"), current=2, previous=0) == (
        "was similar (from 0 to 2)"
    )


def test_change_phrase_agrees_with_a_plural_subject():
    assert change_phrase("similar", -2.04, plural=True) == f"were similar ({MINUS}2%)"
    assert change_phrase("similar", float("nan"), current=2, previous=0, plural=True) == (
        "were similar (from 0 to 2)"
    )
    # "rose" and "fell" do not change with the subject
    assert change_phrase("fell", -19.6, plural=True) == "fell by 19.6%"
    # 40 against 45 is noise: "were similar"
    assert change_sentence(_change(40, 45, label="Hate crimes"), plural=True) == (
        f"Hate crimes were similar ({MINUS}11.1%) in 2020-21 compared with 2019-20, from 45 to "
        "40."
    )


def test_change_phrase_refuses_a_verdict_that_contradicts_the_number():
    with pytest.raises(ValueError, match="contradicts"):
        change_phrase("rose", -5.0)
    with pytest.raises(ValueError, match="verdict must be"):
        change_phrase("up", 5.0)


def test_change_sentence_significant_fall():
    # 9,925 / 12,345 = 0.80397: a fall of 19.6%; p is about 1e-59, so the verdict is "fell"
    result = _change(9925, 12345)
    assert result.verdict == "fell"
    assert change_sentence(result, "crime") == (
        "Crime fell by 19.6% in 2020-21 compared with 2019-20, from 12,345 to 9,925."
    )
    assert change_sentence(result, "crime", approximate=True, counts=False) == (
        "Crime fell by almost 20% in 2020-21 compared with 2019-20."
    )


def test_change_sentence_similar_names_the_change_in_brackets_and_shortens_asb():
    # 1,000 / 1,020 - 1 = -1.96%: -2% in brackets; 1,000 against 1,020 is noise
    result = _change(1000, 1020, label="Anti-social behaviour", cur="2020-21 Q2",
                     prev="2019-20 Q2")
    assert result.verdict == "similar"
    assert change_sentence(result) == (
        f"ASB was similar ({MINUS}2%) in 2020-21 Q2 compared with 2019-20 Q2, "
        "from 1,020 to 1,000."
    )


def test_change_sentence_from_zero_and_with_unequal_periods():
    # 12 against 0: p = 2 x 0.5^12 = 0.0005, "rose", but no percentage exists
    assert change_sentence(_change(12, 0, label="Arson")) == (
        "Arson rose from 0 to 12 in 2020-21 compared with 2019-20."
    )
    # 6 months against 12: monthly rates 600/6 = 100 and 1,000/12 = 83.3, +20%; raw counts
    # (600 and 1,000) would mislead, so they are left out
    result = _change(600, 1000, cur="April to September 2020", prev="2019-20",
                     current_exposure=6, previous_exposure=12)
    assert change_sentence(result, "crime") == (
        "Crime rose by 20% in April to September 2020 compared with 2019-20."
    )


def test_change_sentence_needs_something_to_name():
    with pytest.raises(ValueError, match="pass subject="):
        change_sentence(compare_counts(10, 20))


def test_headline_from_a_change_result():
    h = headline(_change(9925, 12345), subject="crime")
    assert h.label == "All crime"
    assert h.value == f"{MINUS}19.6%"
    assert h.verdict == "fell" and h.verdict_text == "Fell"
    assert h.sentence == "Crime fell by 19.6% in 2020-21 compared with 2019-20, from 12,345 to 9,925."
    assert h.detail == "9,925 in 2020-21; 12,345 in 2019-20"
    assert h.caveat is None
    assert (h.phrase, h.tone) == ("fell by 19.6%", "good")  # a fall in crime is good news
    similar = headline(_change(1000, 1020), label="Crime", caveat="Data for March are late.")
    assert (similar.value, similar.verdict_text) == (f"{MINUS}2%", "No significant change")
    assert (similar.phrase, similar.tone) == (f"was similar ({MINUS}2%)", "neutral")
    assert similar.to_dict()["caveat"] == "Data for March are late."
    # the same fall of something that should go up (e.g. reports of hate crime) is bad news
    assert headline(_change(9925, 12345), improvement="increase").tone == "bad"


def test_headline_card_fits_the_briefing_panel():
    from pccanalysis.briefing.context import HeadlineFigure, headline_panel_html

    card = HeadlineFigure(**headline(_change(9925, 12345), subject="crime").as_card())
    assert card == HeadlineFigure(label="All crime", value=f"{MINUS}19.6%",
                                  verdict="fell by 19.6%", tone="good",
                                  detail="9,925 in 2020-21; 12,345 in 2019-20")
    assert "fell by 19.6%" in headline_panel_html([card])


def _table(verdicts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"ward_name": list(verdicts), "verdict": list(verdicts.values())})


def test_group_summary_all_the_same():
    wards = {f"W{i}": "fell" for i in range(12)}
    assert group_summary(_table(wards), "ward_name", "crime") == "Crime fell in all 12 wards."
    assert group_summary(_table({"A": "rose", "B": "rose"}), "ward_name", "crime") == (
        "Crime rose in both wards."
    )
    assert group_summary(_table({"Dales": "similar"}), "ward_name", "ASB") == (
        "ASB was similar in Dales, the only ward."
    )


def test_group_summary_every_ward_except_one():
    wards = {f"W{i}": "fell" for i in range(11)} | {"Dales": "rose"}
    assert group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in every ward except Dales, where it rose."
    )


def test_group_summary_mixed():
    wards = {f"W{i}": "fell" for i in range(9)} | {"Dales": "rose", "Castle": "similar",
                                                   "Abbey": "similar"}
    assert group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in 9 of 12 wards; it rose in Dales and was similar in Castle and Abbey."
    )
    mostly_similar = {f"W{i}": "similar" for i in range(10)} | {"Dales": "rose", "Abbey": "fell"}
    assert group_summary(_table(mostly_similar), "ward_name", "crime") == (
        "Crime was similar in 10 of 12 wards; it fell in Abbey and rose in Dales."
    )


def test_group_summary_counts_long_lists_and_breaks_ties_towards_fell():
    wards = {f"F{i}": "fell" for i in range(6)} | {f"R{i}": "rose" for i in range(5)}
    assert group_summary(_table(wards), "ward_name", "crime", noun=("area", "areas")) == (
        "Crime fell in 6 of 11 areas; it rose in 5 areas."
    )
    tie = {"A": "rose", "B": "fell"}
    assert group_summary(_table(tie), "ward_name", "crime") == (
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
    assert group_summary(table, "ward_name", "crime") == (
        "Crime fell in 1 of 3 wards; it rose in C and was similar in B."
    )


def test_group_summary_leaves_names_as_plain_text():
    # no escaping here: the export escapes every sentence once
    wards = {"<Castle>": "rose", "A": "fell", "B": "fell"}
    assert group_summary(_table(wards), "ward_name", "crime") == (
        "Crime fell in every ward except <Castle>, where it rose."
    )


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
    assert share_sentence(rose, "hate crime") == (
        "City centre accounted for 31% of hate crime in 2020-21, against 25% in April 2017 to "
        "March 2020; its share rose."
    )
    # now 13 of 50 = 26%: too few to tell from 25%
    similar = share_change(_share_frame(13, 37, 250, 750), "area", "City centre", comp,
                           count_column="n")
    assert share_sentence(similar, "hate crime", subject="The city centre") == (
        "The city centre accounted for 26% of hate crime in 2020-21, similar to its usual 25% in "
        "April 2017 to March 2020."
    )
    # against an earlier period that is not its usual share
    assert share_sentence(similar, "hate crime", usual=False) == (
        "City centre accounted for 26% of hate crime in 2020-21, similar to 25% in April 2017 "
        "to March 2020."
    )


def test_change_sentence_names_months_left_out_for_a_gap():
    # ASB 2020-21 Q3 with October 2020 a publication gap: left out with October 2019, so 128 +
    # 128 = 256 against 100 + 100 = 200 (+28%, exact p = 0.0099: rose)
    from pccanalysis.indicators.change import change, same_quarter_last_year

    months = pd.period_range("2019-04", "2020-12", freq="M")
    values = [100] * 18 + [10, 128, 128]
    frame = pd.DataFrame({"month": months.repeat(values), "crime_type": "Anti-social behaviour"})
    gaps = find_gaps(frame)
    assert [str(m) for m in gaps["month"]] == ["2020-10"]
    result = change(frame, same_quarter_last_year("2020-21 Q3"), label="Anti-social behaviour",
                    gaps=gaps, gap_policy="exclude")
    assert change_sentence(result) == (
        "ASB rose by 28% in 2020-21 Q3 excluding October 2020 compared with 2019-20 Q3 "
        "excluding October 2019, from 200 to 256.")
    assert headline(result, "ASB, this quarter").detail == (
        "256 in 2020-21 Q3 excluding October 2020; 200 in 2019-20 Q3 excluding October 2019")


def test_a_results_caveat_reaches_its_headline_and_figure_caveat():
    caveat = Caveat(left_out=(pd.Period("2020-10", "M"),), paired=(pd.Period("2019-10", "M"),))
    result = _change(9925, 12345, caveat=caveat)
    words = ("October 2020 left out because of a likely publication gap, with October 2019 so "
             "that like is compared with like")
    assert headline(result, subject="crime").caveat == words
    assert figure_caveat("ASB, year to date", caveat) == f"ASB, year to date: {words}."


def test_a_card_that_contradicts_its_sentence_is_caught():
    result = compare_counts(256, 200, label="ASB", current_label="2020-21 Q3",
                            previous_label="2019-20 Q3")
    card = HeadlineFigure(**headline(result, "ASB").as_card())
    assert card_disagreements(card, change_sentence(result, "ASB")) == []
    wrong = HeadlineFigure(card.label, card.value, "was similar (+28%)", "neutral", card.detail)
    assert card_disagreements(wrong, change_sentence(result, "ASB")) == [
        "card says 'was similar (+28%)', the sentence does not"]
