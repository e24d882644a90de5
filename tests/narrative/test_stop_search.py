"""Sentences for stop and search (expected text written by hand)."""

from __future__ import annotations

import math

import pandas as pd

from pccanalysis.indicators.stop_search import Proportion
from pccanalysis.narrative import stop_search as N


def prop(count, total, unrecorded=0, share=None, low=0.0, high=0.0):
    return Proportion(count, total, unrecorded, share if share is not None else
                      100 * count / total, low, high)


def test_find_sentence():
    find = prop(570, 2649, unrecorded=3, low=19.99, high=23.12)
    outcome = prop(774, 2649)
    assert N.find_sentence(find, outcome, "2020-21 Q4") == (
        "In 2020-21 Q4, 21.5% (95% interval 20% to 23.1%) of searches found what the officer was "
        "searching for (an outcome linked to the object of the search); 29.2% ended in an outcome "
        "other than no further action. 3 searches did not record whether the outcome was linked "
        "to the object and are left out of that share.")
    assert N.find_sentence(prop(0, 0, share=math.nan), outcome, "2020-21 Q4") == (
        "No search in 2020-21 Q4 recorded whether its outcome was linked to its object.")


def test_children_sentence():
    assert N.children_sentence(prop(92, 657, low=11.6, high=16.9), prop(22, 660),
                               "2020-21 Q4") == (
        "657 searches in 2020-21 Q4 recorded an age: 92 of them, 14% (95% interval 11.6% to "
        "16.9%), were of children (under 18). More than outer clothing was removed in 22 "
        "searches, 3.3% of those recording it.")


def test_grounds_sentence():
    laws = pd.DataFrame({"legislation": ["Misuse of Drugs Act 1971 (section 23)"],
                         "share": [61.7]})
    objects = pd.DataFrame({"object_of_search": ["Controlled drugs"], "share": [61.7]})
    assert N.grounds_sentence(laws, objects, "2020-21 Q4") == (
        "Most searches in 2020-21 Q4 were under the Misuse of Drugs Act 1971 (section 23) "
        "(61.7%); the commonest object was controlled drugs (61.7%).")
    laws["share"] = [45.0]
    assert N.grounds_sentence(laws, objects, "2020-21 Q4").startswith(
        "The power most used in 2020-21 Q4 was the Misuse of Drugs Act 1971 (section 23) (45% of "
        "searches);")


def test_ethnicity_sentence_follows_the_verdicts():
    table = pd.DataFrame({
        "ethnic_group": ["White", "Black", "Asian", "Mixed", "Other"],
        "ratio": [1.0, 3.48, 1.41, 2.06, 1.41], "ratio_low": [0.9, 2.7, 1.1, 1.41, 0.89],
        "ratio_high": [1.1, 4.43, 1.79, 2.9, 2.12],
        "verdict": ["", "more", "more", "more", "similar"]})
    assert N.ethnicity_sentence(table, "2020-21 Q4", "the Northbridge force area") == (
        "In 2020-21 Q4 in the Northbridge force area, per 1,000 residents of each group, Black "
        "people were searched 3.5 times as often as White people (95% interval 2.7 to 4.4), "
        "people of Mixed ethnicity 2.1 times (1.4 to 2.9) and Asian people 1.4 times (1.1 to "
        "1.8); for Other ethnic groups (1.4 times, 0.9 to 2.1) the rate was similar to the White "
        "group's.")
    table["verdict"] = ["", "similar", "similar", "similar", "similar"]
    assert N.ethnicity_sentence(table, "2020-21 Q4", "Northbridge").startswith(
        "In 2020-21 Q4 in Northbridge, per 1,000 residents of each group, for Black people (3.5 "
        "times, 2.7 to 4.4),")


def test_ethnicity_source_sentence():
    sources = pd.DataFrame({"ethnic_group": ["White", "Black", "Not recorded", "Asian"],
                            "ethnicity_source": ["self-defined", "officer-defined", "none",
                                                 "self-defined"]})
    assert N.ethnicity_source_sentence(sources) == (
        "Each search is counted in the ethnic group the person gave (self-defined ethnicity); "
        "for 1 search (25%) where none was given or it was \u201cNot stated\u201d, the officer's "
        "description is used; 1 search records neither (a search of a vehicle alone records no "
        "person) and is in no group's rate.")
