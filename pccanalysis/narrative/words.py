"""Word helpers shared by the narrative modules: verbs that agree with a verdict, short names,
capitals, levels and month words, and chart titles from sentences.

A name as it reads mid-sentence ("Crime" -> "crime") is :func:`pccanalysis.numbers.in_sentence`,
on the ground floor because chart alt text needs it too.
"""

from __future__ import annotations

import math

import pandas as pd

from ..numbers import format_count, format_number, month_label

#: Short names used in sentences for data.police.uk categories that are long to read.
SHORT_NAMES = {"Anti-social behaviour": "ASB"}

#: The verb for each verdict, for a singular subject.
VERBS = {"rose": "rose", "fell": "fell", "similar": "was similar"}


def was_or_were(plural: bool) -> str:
    """The past of "to be" agreeing with the subject: "was" (ASB), "were" (repeat victims)."""
    return "were" if plural else "was"


def verdict_verb(verdict: str, plural: bool = False) -> str:
    """The verb for a verdict: "rose", "fell", "was similar" ("were similar" when plural)."""
    return f"{was_or_were(plural)} similar" if verdict == "similar" else VERBS[verdict]


def check_verdict(verdict: str) -> str:
    """``verdict`` itself when it is "rose", "fell" or "similar"; else ValueError."""
    if verdict not in VERBS:
        raise ValueError(f"verdict must be 'rose', 'fell' or 'similar', not {verdict!r}")
    return verdict


def cap(text: str) -> str:
    """``text`` with its first letter in capitals (the rest as written)."""
    return text[:1].upper() + text[1:] if text else text


def subject_name(label: str, subject: str | None) -> str:
    """What a sentence calls the thing counted: ``subject`` when given, else the result's
    ``label`` with long category names shortened (:data:`SHORT_NAMES`)."""
    if subject:
        return subject
    if not label:
        raise ValueError("the result has no label: pass subject= to name what was counted")
    return SHORT_NAMES.get(label, label)


def is_missing(x) -> bool:
    """None or a float NaN: a value a sentence cannot state."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def as_title(sentence: str) -> str:
    """A chart title from a sentence: the same words without the closing full stop."""
    return sentence.strip().rstrip(".")


def level_text(value: float) -> str:
    """A count or average as it reads: whole numbers from 100 up, one decimal below."""
    if float(value).is_integer():
        return format_count(value)
    return format_number(value, 0 if abs(value) >= 100 else 1)


def period_words(value) -> str:
    """A period as a sentence names it: "March 2021" for a monthly Period, else as written."""
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return month_label(value)
    return str(value)


def history_sentence(what: str, needed, first, last, *, plural: bool = True) -> str:
    """Why a part of a briefing is not shown: the data do not reach back far enough.

    Example::

        The headline figures need police data from April 2019 to March 2021; the data cover
        March 2020 to March 2021, so they are not shown.

    Parameters
    ----------
    what : str
        What is not shown, as the sentence's subject ("The headline figures").
    needed : sequence of pandas.Period
        The months it needs.
    first, last : pandas.Period
        The first and last month the data cover.
    plural : bool
        ``what`` is plural ("need", "they are").
    """
    needed = sorted(needed)
    need, pronoun = ("need", "they are") if plural else ("needs", "it is")
    return (f"{cap(what)} {need} police data from {period_words(needed[0])} to "
            f"{period_words(needed[-1])}; the data cover {period_words(first)} to "
            f"{period_words(last)}, so {pronoun} not shown.")
