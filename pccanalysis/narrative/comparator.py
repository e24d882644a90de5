"""Sentences for a local figure against a comparator (:mod:`pccanalysis.indicators.comparator`),
and for rates and percentages shown against a comparator without a test."""

from __future__ import annotations

from ..numbers import format_count, format_number, format_percent, in_sentence
from .change import change_phrase
from .disclosure import count_words, counts_hidden
from .words import cap, check_verdict, is_missing, subject_name

_COMPARATOR_CLAUSE = {
    "rose faster than": "the local rise was faster",
    "rose more slowly than": "the local rise was slower",
    "fell faster than": "the local fall was faster",
    "fell more slowly than": "the local fall was slower",
    "rose against a fall in": "the two moved in opposite directions",
    "fell against a rise in": "the two moved in opposite directions",
    "held steady against a rise in": "locally it held steady while {c} rose",
    "held steady against a fall in": "locally it held steady while {c} fell",
    "similar to": "the difference between the two could be chance",
}


def _comparator_change(percent: float) -> str:
    if is_missing(percent):
        return "no comparable change"
    if format_percent(percent) == "0%":
        return "no change"
    word = "rise" if percent > 0 else "fall"
    return f"a {word} of {format_percent(abs(percent))}"


def comparator_sentence(result, subject: str | None = None, *, local=None,
                        comparator=None) -> str:
    """A local change against a national or peer change (a ``comparator.ComparatorResult``).

    Examples::

        Recorded suicide rose by 24% locally in 2020 compared with 2019, against a rise of 5%
        in England and Wales; the local rise was faster.
        Recorded suicide changed by +24% locally in 2020 compared with 2019, against a rise of
        5% in England and Wales; the difference between the two could be chance.

    Parameters
    ----------
    result : ComparatorResult
        Its ``verdict`` alone decides the closing clause ("the local rise was faster" only
        when it says "rose faster than").
    subject : str, optional
        What was counted; default the result's label.
    local : ChangeResult, optional
        The local change on its own; its verdict gives the verb ("rose by 24%"). Without it
        the local change is stated without a direction word ("changed by +24%"), because the
        comparator test says how the two differ, not whether the local change is noise.
    comparator : ChangeResult, optional
        The comparator's change on its own, from its counts; its verdict gives "a rise of
        5%", "a fall of 3%" or "no significant change (+2.2%)". Without it the comparator's
        change is described by its sign ("a rise of 5%"), which suits a published percentage
        taken as exact.
    """
    clause = _COMPARATOR_CLAUSE.get(result.verdict)
    if clause is None:
        raise ValueError(f"unknown comparator verdict {result.verdict!r}")
    who = cap(subject_name(result.label, subject))
    if local is not None:
        phrase = change_phrase(local.verdict, local.percent, current=local.current,
                               previous=local.previous)
    elif is_missing(result.local_percent) or counts_hidden(result.local_previous,
                                                           result.local_current):
        phrase = (f"went from {count_words(result.local_previous)} to "
                  f"{count_words(result.local_current)}")
    else:
        phrase = f"changed by {format_percent(result.local_percent, signed=True)}"
    periods = (f" in {result.current_label} compared with {result.previous_label}"
               if result.current_label else "")
    comparator_change = comparator
    comparator = result.comparator_label
    return (f"{who} {phrase} locally{periods}, against "
            f"{_comparator_words(result.comparator_percent, comparator_change)} in {comparator}; "
            f"{clause.format(c=comparator)}.")


def _comparator_words(percent: float, change=None) -> str:
    """The comparator's change: from its own verdict when given, else from its sign."""
    if change is None or is_missing(percent):
        return _comparator_change(percent)
    check_verdict(change.verdict)
    if change.verdict == "similar":
        return f"no significant change ({format_percent(percent, signed=True)})"
    word = "rise" if change.verdict == "rose" else "fall"
    return f"a {word} of {format_percent(abs(percent))}"


def comparator_title(result, subject: str, area: str) -> str:
    """A chart title stating how a local change compares (a ``comparator.ComparatorResult``).

    Forms::

        Recorded suicides in Northbridge rose faster than England and Wales
        Recorded suicides in Northbridge held steady against a rise in England
        Recorded suicides in Northbridge: no clear difference from England

    The words come only from the result's verdict.
    """
    if result.verdict not in _COMPARATOR_CLAUSE:
        raise ValueError(f"unknown comparator verdict {result.verdict!r}")
    who = f"{cap(subject)} in {area}"
    if result.verdict == "similar to":
        return f"{who}: no clear difference from {result.comparator_label}"
    return f"{who} {result.verdict} {result.comparator_label}"


def format_level(value: float, unit: str) -> str:
    """A published value as it reads: a count "1,234", a percentage "12.5%", a rate "10.9"
    (one decimal place; two below 1, so a small rate is not shown as 0.0)."""
    if unit == "count":
        return format_count(value)
    if unit == "percentage":
        return format_percent(value)
    if unit != "rate":
        raise ValueError(f"unit must be 'count', 'rate' or 'percentage', not {unit!r}")
    return format_number(value, 1 if value == 0 or abs(value) >= 1 else 2)


def level_comparison_sentence(indicator: str, *, unit: str, area: str, comparator: str,
                              current_label: str, previous_label: str, local_current: float,
                              local_previous: float, comparator_current: float,
                              comparator_previous: float) -> str:
    """A rate or a percentage locally and for its comparator, in two periods, with no
    direction word: the tests behind "rose" and "fell" are for counts.

    Example::

        The suicide rate in Northbridge was 10.9 in 2020 and 9.8 in 2019, against 10.4 and
        10.1 in England. These are rates, not counts, so the change is shown but not tested
        against chance.
    """
    if unit not in ("rate", "percentage"):
        raise ValueError(f"unit must be 'rate' or 'percentage', not {unit!r}")
    name = in_sentence(indicator, [area, comparator])

    def v(x):
        return format_level(x, unit)

    kind = "rates" if unit == "rate" else "percentages"
    return (f"The {name} in {area} was {v(local_current)} in {current_label} and "
            f"{v(local_previous)} in {previous_label}, against {v(comparator_current)} and "
            f"{v(comparator_previous)} in {comparator}. These are {kind}, not counts, so the "
            "change is shown but not tested against chance.")
