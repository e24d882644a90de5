"""Sentences for a local figure against a comparator, and levels without a test."""

from __future__ import annotations

import pytest

from pccanalysis.indicators.change import compare_counts
from pccanalysis.indicators.comparator import compare_to_comparator
from pccanalysis.narrative.comparator import (
    comparator_sentence,
    comparator_title,
    format_level,
    level_comparison_sentence,
)


def _change(current, previous, label="All crime", cur="2020-21", prev="2019-20", **kw):
    return compare_counts(current, previous, label=label, current_label=cur,
                          previous_label=prev, **kw)


def test_comparator_sentence_faster_rise_only_when_the_test_supports_it():
    # local 1,000 -> 1,240 (+24%), England and Wales 5,000,000 -> 5,250,000 (+5%): the ratio
    # of ratios 1.24 / 1.05 = 1.18 is far beyond chance with counts this size
    result = compare_to_comparator(1240, 1000, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    assert result.verdict == "rose faster than"
    local = _change(1240, 1000, cur="2020", prev="2019")
    assert comparator_sentence(result, local=local) == (
        "Recorded suicide rose by 24% locally in 2020 compared with 2019, against a rise of 5% "
        "in England and Wales; the local rise was faster."
    )
    assert comparator_title(result, "Recorded suicide", "Northbridge") == (
        "Recorded suicide in Northbridge rose faster than England and Wales")


def test_comparator_sentence_when_the_difference_could_be_chance():
    # 100 -> 124 is the same +24% but from counts too small to tell it from +5%
    result = compare_to_comparator(124, 100, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    assert result.verdict == "similar to"
    assert comparator_sentence(result) == (
        "Recorded suicide changed by +24% locally in 2020 compared with 2019, against a rise of "
        "5% in England and Wales; the difference between the two could be chance."
    )
    # with the local change's own verdict (124 against 100: p about 0.14, "similar")
    assert comparator_sentence(result, local=_change(124, 100, cur="2020", prev="2019")) == (
        "Recorded suicide was similar (+24%) locally in 2020 compared with 2019, against a rise "
        "of 5% in England and Wales; the difference between the two could be chance."
    )
    assert comparator_title(result, "Recorded suicide", "Northbridge") == (
        "Recorded suicide in Northbridge: no clear difference from England and Wales")


def test_comparator_sentence_reads_the_comparators_own_verdict():
    # England 5,000 -> 5,110 (+2.2%): exact test on 5,110 of 10,110, p about 0.28: no rise
    # to speak of. Local 100 -> 127 (+27%, p about 0.08): similar too.
    result = compare_to_comparator(127, 100, 5110, 5000, label="Recorded suicides",
                                   comparator_label="England", current_label="2020",
                                   previous_label="2019")
    england = _change(5110, 5000, label="England", cur="2020", prev="2019")
    assert england.verdict == "similar"
    assert comparator_sentence(result, "The number of recorded suicides",
                                 local=_change(127, 100, cur="2020", prev="2019"),
                                 comparator=england) == (
        "The number of recorded suicides was similar (+27%) locally in 2020 compared with "
        "2019, against no significant change (+2.2%) in England; the difference between the "
        "two could be chance."
    )
    # 5,000 -> 5,250 (+5%, p about 0.014): a rise
    risen = _change(5250, 5000, label="England", cur="2020", prev="2019")
    assert risen.verdict == "rose"
    assert "against a rise of 5% in England" in comparator_sentence(
        compare_to_comparator(127, 100, 5250, 5000, comparator_label="England"),
        "Suicides", comparator=risen)


def test_comparator_sentence_against_a_published_percentage_fall():
    # a published national -3% taken as exact; local 1,000 -> 1,240 rises against it
    result = compare_to_comparator(1240, 1000, comparator_percent=-3.0,
                                   comparator_label="England and Wales", label="Burglary")
    assert result.verdict == "rose against a fall in"
    assert comparator_sentence(result) == (
        "Burglary changed by +24% locally in current compared with previous, against a fall of "
        "3% in England and Wales; the two moved in opposite directions."
    )


def test_format_level_by_unit():
    assert format_level(1234, "count") == "1,234"
    assert format_level(12.5, "percentage") == "12.5%"
    assert format_level(10.94, "rate") == "10.9"
    assert format_level(0.034, "rate") == "0.03"  # not "0.0"
    with pytest.raises(ValueError, match="unit"):
        format_level(1, "ratio")


def test_level_comparison_sentence_has_no_direction_word():
    text = level_comparison_sentence(
        "Repeat referrals %", unit="percentage", area="Northbridge", comparator="England",
        current_label="2020-21", previous_label="2019-20", local_current=24.5,
        local_previous=22, comparator_current=21.25, comparator_previous=21)
    assert text == (
        "The repeat referrals % in Northbridge was 24.5% in 2020-21 and 22% in 2019-20, "
        "against 21.3% and 21% in England. These are percentages, not counts, so the change is "
        "shown but not tested against chance.")
    assert "rose" not in text and "fell" not in text
