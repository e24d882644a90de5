"""Numbers in sentences under the tables' small-number threshold (issue 14): each form with its
exact text, worked out from the counts by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.indicators.change import ShareResult, compare_counts
from pccanalysis.indicators.repeats import repeat_change
from pccanalysis.narrative.change import change_phrase, change_sentence, headline, share_sentence
from pccanalysis.narrative.disclosure import (
    count_words,
    counts_hidden,
    sentence_threshold,
    set_sentence_threshold,
    share_hidden,
)
from pccanalysis.narrative.repeats import repeat_sentence


def test_count_words():
    assert [count_words(n, 5) for n in (0, 1, 4, 5, 1234)] == [
        "0", "fewer than 5", "fewer than 5", "5", "1,234"]
    assert count_words(3) == "3"  # none in force
    set_sentence_threshold(10)
    assert count_words(9) == "fewer than 10" and count_words(9, 5) == "9"
    assert sentence_threshold() == 10 and sentence_threshold(3) == 3
    with pytest.raises(ValueError):
        set_sentence_threshold(0)


def test_shares_that_give_a_small_count_away():
    # 1 of 2: the part; 4 of 30: the part; 29 of 30: the rest (1); 3 of 4: the whole.
    assert share_hidden(1, 2, 5) and share_hidden(4, 30, 5) and share_hidden(29, 30, 5)
    assert share_hidden(3, 4, 5)
    assert not share_hidden(0, 30, 5) and not share_hidden(10, 30, 5)
    assert not share_hidden(30, 30, 5)  # all of them: the rest is 0
    assert counts_hidden(0, 7, threshold=5) is False and counts_hidden(3, 7, threshold=5)


def test_from_3_to_3_is_fewer_than_5_in_both_periods():
    r = compare_counts(3, 3, label="Hate crime", current_label="2020-21 Q4",
                       previous_label="2019-20 Q4")
    assert change_sentence(r, "Recorded hate crime", threshold=5) == (
        "Recorded hate crime was similar (fewer than 5 in both periods) in 2020-21 Q4 compared "
        "with 2019-20 Q4.")


def test_one_small_count_is_told_in_counts_never_a_percentage():
    # 3 -> 12 would be "+300%", which with 12 known gives the 3 away.
    r = compare_counts(12, 3, label="Hate crime", current_label="Q4", previous_label="Q3")
    assert r.verdict == "rose"  # exact test: 12 of 15 against 1/2, p about 0.035
    assert change_sentence(r, threshold=5) == (
        "Hate crime rose from fewer than 5 to 12 in Q4 compared with Q3.")
    h = headline(r, threshold=5)
    assert (h.value, h.detail) == ("fewer than 5 to 12", "12 in Q4; fewer than 5 in Q3")


def test_the_threshold_in_force_applies_by_default():
    r = compare_counts(4, 9, label="Hate crime", current_label="Q4", previous_label="Q3")
    set_sentence_threshold(5)
    assert change_sentence(r) == "Hate crime was similar (from 9 to fewer than 5) in Q4 compared with Q3."


def test_a_rise_from_zero_has_no_infinite_percentage():
    # 0 -> 3: the percentage is infinite, which no sentence can print ("cannot write inf").
    assert change_phrase("rose", float("inf"), current=3, previous=0) == "rose from 0 to 3"
    assert change_phrase("rose", float("inf"), current=3, previous=0, threshold=5) == (
        "rose from 0 to fewer than 5")


def test_repeat_victims_after_a_quarter_with_none():
    # 0 repeat victims of 20 in 2019-20 Q4, 6 of 25 in 2020-21 Q4: the ratio is infinite; the
    # shares (0% and 24%) rest on 0 and 6 repeats, 20 and 19 others: none small, so shown.
    table = pd.DataFrame({"period": ["2019-20 Q4", "2020-21 Q4"], "victims": [20, 25],
                          "repeat_victims": [0, 6]})
    change = repeat_change(table, "2019-20 Q4", "2020-21 Q4")
    assert change.repeats_percent_change == float("inf")
    text = repeat_sentence(change, "hate crime", threshold=5)
    assert text.startswith(f"Repeat victims of hate crime {change.repeats_verdict} from 0 to 6 "
                           "in 2020-21 Q4 compared with 2019-20 Q4")
    assert "24%" in text and "0%" in text


def test_fifty_percent_against_fifty_percent_of_two_victims_is_not_given():
    # 1 repeat of 2 victims in each quarter: "50% against 50%" would give the 1 away.
    table = pd.DataFrame({"period": ["Q3", "Q4"], "victims": [2, 2], "repeat_victims": [1, 1]})
    change = repeat_change(table, "Q3", "Q4")
    assert repeat_sentence(change, "hate crime", threshold=5) == (
        "Repeat victims of hate crime were similar (fewer than 5 in both periods) in Q4 "
        "compared with Q3, and the share of victims who are repeats was similar (the shares "
        "are not given, as they rest on counts under 5).")


def test_a_share_of_three_is_not_given():
    # City Centre had 2 of 3 incidents: "accounted for 66.7%" gives away 2 and 1.
    r = ShareResult(label="City Centre", current_label="2020-21 Q4",
                    usual_label="2017-18 to 2019-20", current_count=2, current_total=3,
                    usual_count=30, usual_total=120, current_share=200 / 3, usual_share=25.0,
                    difference=200 / 3 - 25, p_value=0.2, method="Fisher exact", alpha=0.05,
                    verdict="similar")
    assert share_sentence(r, "hate crime", threshold=5) == (
        "City Centre's share of hate crime in 2020-21 Q4 was similar to its usual share in "
        "2017-18 to 2019-20 (the shares are not given, as they rest on counts under 5).")
    assert share_sentence(r, "hate crime").startswith("City Centre accounted for 66.7%")


def test_open_briefing_puts_the_publications_threshold_in_force(sample_config):
    from pccanalysis.briefing.context import open_briefing

    assert sentence_threshold() is None
    b = open_briefing(sample_config)
    assert sentence_threshold() == b.config.publication.suppression_threshold == 5
    assert count_words(4) == "fewer than 5"
