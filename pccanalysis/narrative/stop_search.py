"""Sentences for stop and search (:mod:`pccanalysis.indicators.stop_search`).

The words for a rate's direction come only from the results: a group is searched "more" or
"less" often than the White group only when the ratio's 95% interval excludes 1.
"""

from __future__ import annotations

import pandas as pd

from ..indicators.stop_search import NOT_RECORDED, Proportion
from ..numbers import format_count, format_number, format_percent, join_words, plural
from .words import cap


def _pct(p: Proportion) -> str:
    return (f"{format_percent(p.share)} (95% interval {format_percent(p.low)} to "
            f"{format_percent(p.high)})")


def _unrecorded(p: Proportion, what: str) -> str:
    if not p.unrecorded:
        return ""
    return (f" {cap(plural(p.unrecorded, 'search', 'searches'))} did not record {what} and "
            f"{'is' if p.unrecorded == 1 else 'are'} left out of that share.")


def find_sentence(find: Proportion, outcome: Proportion, period: str) -> str:
    """The find rate and the share of searches with an outcome beyond no further action.

    Example::

        In 2020-21 Q4, 21.5% of searches (95% interval 20% to 23.1%) found what the officer
        was searching for (an outcome linked to the object of the search); 29.2% ended in an
        outcome other than no further action.
    """
    if not find.total:
        return f"No search in {period} recorded whether its outcome was linked to its object."
    return (f"In {period}, {_pct(find)} of searches found what the officer was searching for "
            f"(an outcome linked to the object of the search); "
            f"{format_percent(outcome.share)} ended in an outcome other than no further "
            f"action.{_unrecorded(find, 'whether the outcome was linked to the object')}")


def children_sentence(young: Proportion, removed: Proportion, period: str) -> str:
    """Searches of children and searches with more than outer clothing removed.

    Example::

        2,497 searches in 2020-21 Q4 recorded an age: 380 of them, 15.2% (95% interval 13.9% to
        16.7%), were of children (under 18). More than outer clothing was removed in 76
        searches, 3% of those recording it.
    """
    if not young.total:
        head = f"No search in {period} recorded an age range."
    else:
        head = (f"{cap(plural(young.total, 'search', 'searches'))} in {period} recorded an age: "
                f"{format_count(young.count)} of them, {_pct(young)}, "
                f"{'was' if young.count == 1 else 'were'} of children (under 18).")
    if not removed.total:
        return head
    return (f"{head} More than outer clothing was removed in "
            f"{plural(removed.count, 'search', 'searches')}, {format_percent(removed.share)} of "
            "those recording it.")


def grounds_sentence(legislation: pd.DataFrame, objects: pd.DataFrame, period: str) -> str:
    """The power most searches were under and what was most often searched for.

    Example::

        Most searches in 2020-21 Q4 were under the Misuse of Drugs Act 1971 (section 23)
        (62.1%); the commonest object was controlled drugs (62.1%).
    """
    if legislation.empty:
        return f"There were no searches in {period}."
    law, obj = legislation.iloc[0], objects.iloc[0]
    most = "Most" if law["share"] > 50 else "More"
    law_text = (f"{most} searches in {period} were under the {law['legislation']} "
                f"({format_percent(law['share'])})" if most == "Most" else
                f"The power most used in {period} was the {law['legislation']} "
                f"({format_percent(law['share'])} of searches)")
    return (f"{law_text}; the commonest object was {str(obj['object_of_search']).lower()} "
            f"({format_percent(obj['share'])}).")


_MORE = {"more": "more often than", "less": "less often than"}


def ethnicity_sentence(table: pd.DataFrame, period: str, area: str) -> str:
    """Disproportionality against the White group, from the ratios' verdicts.

    Example::

        In 2020-21 Q4 in Northbridge, per 1,000 residents of each group, Black people were
        searched 2.8 times as often as White people (95% interval 2.5 to 3.2), people of Mixed
        ethnicity 2 times (1.7 to 2.4) and Asian people 1.4 times (1.3 to 1.6); for Other
        ethnic groups the rate was similar to the White group's (1.1 times, 0.9 to 1.4).
    """
    others = table[table["ethnic_group"] != "White"].sort_values("ratio", ascending=False)
    parts, similar = [], []
    for _, r in others.iterrows():
        ratio = (f"{format_number(r['ratio'], 1).removesuffix('.0')} times"
                 if pd.notna(r["ratio"]) and r["ratio"] != float("inf") else "not measurable")
        interval = (f"{format_number(r['ratio_low'], 1)} to {format_number(r['ratio_high'], 1)}"
                    if r["ratio_high"] != float("inf") else "no upper limit")
        who = _PEOPLE[r["ethnic_group"]]
        if r["verdict"] in _MORE:
            parts.append((who, r["verdict"], ratio, interval))
        else:
            similar.append(f"{_GROUP_WORDS[r['ethnic_group']]} ({ratio}, {interval})")
    text = f"In {period} in {area}, per 1,000 residents of each group"
    if parts:
        first = parts[0]
        words = [f"{first[0]} were searched {first[2]} as often as White people (95% interval "
                 f"{first[3]})"]
        words += [f"{who} {ratio} ({interval})" for who, _, ratio, interval in parts[1:]]
        text += f", {join_words(words)}"
    if similar:
        verb = "was" if len(similar) == 1 else "were"
        joined = join_words(similar)
        text += (f"{'; for ' if parts else ', for '}{joined} the rate {verb} similar to the "
                 "White group's")
    return text + "."


_PEOPLE = {"Black": "Black people", "Asian": "Asian people",
           "Mixed": "people of Mixed ethnicity", "Other": "people of Other ethnic groups"}
_GROUP_WORDS = {"Black": "Black people", "Asian": "Asian people",
                "Mixed": "people of Mixed ethnicity", "Other": "Other ethnic groups"}


def ethnicity_source_sentence(sources: pd.DataFrame) -> str:
    """How each search's ethnic group was decided (from
    :func:`~pccanalysis.indicators.stop_search.ethnic_groups`)."""
    n = len(sources)
    officer = int((sources["ethnicity_source"] == "officer-defined").sum())
    none = int((sources["ethnic_group"] == NOT_RECORDED).sum())
    text = ("Each search is counted in the ethnic group the person gave (self-defined "
            "ethnicity)")
    if officer:
        text += (f"; for {plural(officer, 'search', 'searches')} ({format_percent(100 * officer / n)}) "
                 "where none was given or it was \u201cNot stated\u201d, the officer's "
                 "description is used")
    if none:
        text += (f"; {plural(none, 'search', 'searches')} "
                 f"{'records' if none == 1 else 'record'} neither (a search of a vehicle alone "
                 f"records no person) and {'is' if none == 1 else 'are'} in no group's rate")
    return text + "."


def no_population_sentence() -> str:
    """What the briefing says when no population by ethnic group is configured."""
    return ("No population by ethnic group is configured (data.population_by_ethnicity), so "
            "searches are not given per 1,000 residents of each group and no "
            "disproportionality ratio is calculated: only the number of searches of each group "
            "is shown, which says nothing about proportionality on its own.")


def method_sentence() -> str:
    """How disproportionality is measured."""
    return ("Disproportionality is each group's searches per 1,000 of its residents (Census "
            "2021) divided by the White group's; its 95% interval is the exact conditional "
            "interval for a ratio of two rates. A group is said to be searched more or less "
            "often only when that interval excludes 1. Residents are not the people present "
            "(visitors, commuters), so a ratio is a measure for scrutiny, not a finding of "
            "bias.")
