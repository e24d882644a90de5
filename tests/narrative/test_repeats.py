"""Sentences for repeat victims: every form with its exact expected text."""

from __future__ import annotations

import pandas as pd

from pccanalysis.indicators.repeats import repeat_change
from pccanalysis.narrative.repeats import repeat_sentence

MINUS = "\u2212"


def test_repeat_sentence_count_fell_but_share_similar():
    # repeats 1,040 -> 926: 926 / 1,040 - 1 = -10.96%, exact test p about 0.01: "fell by 11%".
    # share 1,040 / 4,000 = 26% -> 926 / 3,700 = 25.03%: a 1-point difference, within the
    # Newcombe interval: "similar"
    table = pd.DataFrame({"period": ["2019-20", "2020-21"], "victims": [4000, 3700],
                          "repeat_victims": [1040, 926]})
    change = repeat_change(table, "2019-20", "2020-21")
    assert (change.repeats_verdict, change.share_verdict) == ("fell", "similar")
    assert repeat_sentence(change, "hate crime") == (
        "Repeat victims of hate crime fell by 11% in 2020-21 compared with 2019-20, but the "
        "share of victims who are repeats was similar (25% against 26%)."
    )


def test_repeat_sentence_both_rose():
    # repeats 400 -> 520 (+30%) among 2,000 victims each year: share 20% -> 26%
    table = pd.DataFrame({"period": ["2019-20", "2020-21"], "victims": [2000, 2000],
                          "repeat_victims": [400, 520]})
    change = repeat_change(table, "2019-20", "2020-21")
    assert repeat_sentence(change, "hate crime") == (
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
    assert repeat_sentence(change, "hate crime") == (
        f"Repeat victims of hate crime were similar ({MINUS}27.8%) in 2020-21 Q4 compared with "
        "2019-20 Q4, and the share of victims who are repeats was similar (23.2% against "
        "28.6%)."
    )
