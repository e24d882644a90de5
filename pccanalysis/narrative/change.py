"""Sentences for changes between two periods (:mod:`pccanalysis.indicators.change`): the
verb phrase, the sentence, the headline card, a by-group summary and a share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from ..numbers import describe_percent, format_count, format_percent, join_words
from .disclosure import count_words, counts_hidden, sentence_threshold, share_hidden
from .gaps import caveat_text
from .words import VERBS, cap, check_verdict, is_missing, subject_name, verdict_verb


def _no_percent(percent, current, previous, threshold) -> bool:
    """Tell the change in counts: no percentage (from 0, or infinite), or a count is small."""
    return (is_missing(percent) or percent in (float("inf"), float("-inf"))
            or counts_hidden(current, previous, threshold=threshold))


def change_phrase(verdict: str, percent: float, *, approximate: bool = False,
                  current=None, previous=None, plural: bool = False,
                  threshold: int | None = None) -> str:
    """The verb phrase for a change: "fell by 19.6%", "rose by 24%", "was similar (−2%)".

    Parameters
    ----------
    verdict : {"rose", "fell", "similar"}
        From the result; the only source of the direction word.
    percent : float
        Percentage change in percent (−19.6 for a fall of 19.6%); NaN when the previous count
        was 0, and then ``current`` and ``previous`` give "rose from 0 to 12".
    approximate : bool
        Use :func:`pccanalysis.numbers.describe_percent` ("almost 20%") for the size.
    plural : bool
        The subject is plural ("repeat victims"): "were similar".
    threshold : int, optional
        Counts under it are "fewer than <threshold>" and the change is told in counts
        (default: the one in force, :mod:`pccanalysis.narrative.disclosure`).

    Notes
    -----
    When the verdict is "rose" or "fell" the size is written without a sign (the verb carries
    the direction); when it is "similar" the signed change goes in brackets, so a reader sees
    the figure but is not told it moved. A percentage that is infinite (a rise from 0) is told
    in counts too.
    """
    check_verdict(verdict)
    if _no_percent(percent, current, previous, threshold):
        if current is None or previous is None:
            raise ValueError("a change from zero has no percentage: pass current and previous")
        t = sentence_threshold(threshold)
        if counts_hidden(current, threshold=t) and counts_hidden(previous, threshold=t):
            counts = f"fewer than {t} in both periods"
            return f"{verdict_verb(verdict, plural)} ({counts})"
        counts = f"from {count_words(previous, t)} to {count_words(current, t)}"
        return (f"{verdict_verb(verdict, plural)} ({counts})" if verdict == "similar"
                else f"{verdict} {counts}")
    if verdict == "similar":
        return f"{verdict_verb(verdict, plural)} ({format_percent(percent, signed=True)})"
    if (verdict == "rose") != (percent > 0):
        raise ValueError(f"verdict {verdict!r} contradicts a change of {percent!r}%")
    size = describe_percent(abs(percent)) if approximate else format_percent(abs(percent))
    return f"{verdict} by {size}"


def _periods_clause(result) -> str:
    current, previous = result.current_label, result.previous_label
    if not current:
        return ""
    if not previous:
        return f" in {current}"
    return f" in {current} compared with {previous}"


def _counts_clause(result) -> str:
    if result.current_exposure != result.previous_exposure:
        # different lengths: the percentage compares monthly rates, raw counts would mislead
        return ""
    return f", from {format_count(result.previous)} to {format_count(result.current)}"


def change_sentence(result, subject: str | None = None, *, counts: bool = True,
                    approximate: bool = False, plural: bool = False,
                    threshold: int | None = None) -> str:
    """One sentence for a :class:`~pccanalysis.indicators.change.ChangeResult`.

    Examples (``subject="Crime"``)::

        Crime fell by 19.6% in 2020-21 compared with 2019-20, from 12,345 to 9,925.
        ASB was similar (−2%) in 2020-21 Q2 compared with 2019-20 Q2, from 1,020 to 1,000.

    Parameters
    ----------
    result : ChangeResult
        The change.
    subject : str, optional
        What to call the thing counted; default the result's label (with "Anti-social
        behaviour" shortened to "ASB").
    counts : bool
        Add ", from <previous> to <current>" (left out when the periods differ in length,
        because the percentage then compares monthly rates).
    approximate : bool
        "almost 20%" style sizes where honest.
    plural : bool
        The subject is plural ("Hate crimes were similar").
    threshold : int, optional
        Small-number threshold (see :func:`change_phrase`).
    """
    phrase = change_phrase(result.verdict, result.percent, approximate=approximate,
                           current=result.current, previous=result.previous, plural=plural,
                           threshold=threshold)
    text = f"{cap(subject_name(result.label, subject))} {phrase}{_periods_clause(result)}"
    if counts and not _no_percent(result.percent, result.current, result.previous, threshold):
        text += _counts_clause(result)
    return text + "."


@dataclass(frozen=True)
class Headline:
    """One key figure for the briefing's headline panel.

    Attributes
    ----------
    label : str
        What the figure is ("All crime").
    value : str
        The figure as shown large: the signed percentage change ("−19.6%"), or the counts for a
        change from zero ("0 to 12").
    verdict : {"rose", "fell", "similar"}
        The result's verdict, for styling.
    verdict_text : str
        The verdict as a word for the panel: "Fell", "Rose", "No significant change".
    phrase : str
        The finding as a verb phrase (:func:`change_phrase`): "fell by 19.6%", "was similar
        (−2%)".
    tone : {"good", "bad", "neutral"}
        Whether the verdict is good news given the improvement direction ("fell" is good for
        crime); "similar" is always neutral. Colour only helps: the words carry the meaning.
    sentence : str
        The full sentence (:func:`change_sentence`).
    detail : str
        The counts and periods: "9,925 in 2020-21; 12,345 in 2019-20".
    caveat : str or None
        A data-quality caveat to show with the figure.
    """

    label: str
    value: str
    verdict: str
    verdict_text: str
    phrase: str
    tone: str
    sentence: str
    detail: str
    caveat: str | None = None

    def to_dict(self) -> dict:
        """Plain dict, for templates."""
        return asdict(self)

    def as_card(self) -> dict:
        """The fields of :class:`pccanalysis.briefing.context.HeadlineFigure`: ``label``,
        ``value``, ``verdict`` (the phrase), ``tone``, ``detail``, so
        ``HeadlineFigure(**headline.as_card())`` builds a panel card."""
        return {"label": self.label, "value": self.value, "verdict": self.phrase,
                "tone": self.tone, "detail": self.detail}


_VERDICT_TEXT = {"rose": "Rose", "fell": "Fell", "similar": "No significant change"}


def _tone(verdict: str, improvement: str) -> str:
    if improvement not in ("decrease", "increase", "neutral"):
        raise ValueError(f"improvement must be 'decrease', 'increase' or 'neutral', "
                         f"not {improvement!r}")
    if verdict == "similar" or improvement == "neutral":
        return "neutral"
    good = "fell" if improvement == "decrease" else "rose"
    return "good" if verdict == good else "bad"


def headline(result, label: str | None = None, *, subject: str | None = None,
             improvement: str = "decrease", caveat: str | None = None,
             approximate: bool = False, threshold: int | None = None) -> Headline:
    """A :class:`Headline` from a :class:`~pccanalysis.indicators.change.ChangeResult`.

    Parameters
    ----------
    label : str, optional
        Panel label; default the result's label.
    improvement : {"decrease", "increase", "neutral"}
        Which direction is good news, for the tone (crime and ASB: "decrease").
    caveat : str, optional
        Caveat text (e.g. from :func:`pccanalysis.narrative.gaps.gap_caveat`); default none.
        The result's own ``caveat`` (worded by
        :func:`pccanalysis.narrative.gaps.caveat_text`) is used when this is not given.
    threshold : int, optional
        Small-number threshold (see :func:`change_phrase`).
    """
    check_verdict(result.verdict)
    t = sentence_threshold(threshold)
    if _no_percent(result.percent, result.current, result.previous, t):
        value = f"{count_words(result.previous, t)} to {count_words(result.current, t)}"
    else:
        value = format_percent(result.percent, signed=True)
    detail = (f"{count_words(result.current, t)} in {result.current_label}; "
              f"{count_words(result.previous, t)} in {result.previous_label}")
    return Headline(
        label=label or result.label,
        value=value,
        verdict=result.verdict,
        verdict_text=_VERDICT_TEXT[result.verdict],
        phrase=change_phrase(result.verdict, result.percent, approximate=approximate,
                             current=result.current, previous=result.previous, threshold=t),
        tone=_tone(result.verdict, improvement),
        sentence=change_sentence(result, subject, approximate=approximate, threshold=t),
        detail=detail,
        caveat=caveat if caveat is not None else caveat_text(result.caveat),
    )


#: Most names listed for one verdict before the sentence gives a count instead.
MAX_NAMES = 4

_IN_ORDER = ("fell", "rose", "similar")


def _names_or_count(names: Sequence[str], noun: tuple[str, str]) -> str:
    if len(names) <= MAX_NAMES:
        return join_words(names)
    return f"{format_count(len(names))} {noun[1]}"


def group_summary(table: pd.DataFrame, group: str, subject: str,
                  noun: tuple[str, str] = ("ward", "wards")) -> str:
    """Summarise a by-group change table in one sentence.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`pccanalysis.indicators.change.change_by` (its ``verdict`` column and the
        ``group`` column), in the table's order (largest rise first, largest fall last).
    group : str
        The column naming each group ("ward_name").
    subject : str
        What was counted ("crime").
    noun : (singular, plural)
        What the groups are.

    Returns
    -------
    str
        The commonest verdict leads, the others are named. Forms::

            Crime fell in all 12 wards.
            Crime fell in both wards.
            Crime fell in every ward except Dales, where it rose.
            Crime fell in 9 of 12 wards; it rose in Dales and was similar in Castle and Abbey.
            Crime was similar in 10 of 12 wards; it rose in Dales and fell in Abbey.

        More than four names for one verdict are given as a count ("it rose in 5 wards").
        Ties between verdicts lead with "fell", then "rose", then "similar".
    """
    if table.empty:
        raise ValueError("group_summary: the table has no groups")
    if group not in table.columns or "verdict" not in table.columns:
        raise ValueError(f"group_summary: the table needs columns {group!r} and 'verdict'")
    names = {v: [str(n) for n in table.loc[table["verdict"] == v, group]] for v in _IN_ORDER}
    unknown = set(table["verdict"]) - set(_IN_ORDER)
    if unknown:
        raise ValueError(f"group_summary: unknown verdict {sorted(unknown)[0]!r}")
    n = len(table)
    lead = max(_IN_ORDER, key=lambda v: (len(names[v]), -_IN_ORDER.index(v)))
    k = len(names[lead])
    start = f"{cap(subject)} {VERBS[lead]}"
    if k == n:
        if n == 1:
            return f"{start} in {names[lead][0]}, the only {noun[0]}."
        if n == 2:
            return f"{start} in both {noun[1]}."
        return f"{start} in all {format_count(n)} {noun[1]}."
    others = [v for v in _IN_ORDER if v != lead and names[v]]
    if n - k == 1:
        (other,) = others
        return f"{start} in every {noun[0]} except {names[other][0]}, where it {VERBS[other]}."
    clauses = [f"{VERBS[v]} in {_names_or_count(names[v], noun)}" for v in others]
    return f"{start} in {format_count(k)} of {format_count(n)} {noun[1]}; it {join_words(clauses)}."


def share_sentence(result, of: str, subject: str | None = None, *, usual: bool = True,
                   threshold: int | None = None) -> str:
    """A group's share of a total now against its usual share (a ``ShareResult``).

    Examples::

        City centre accounted for 31% of hate crime in 2020-21, against 25% in 2017-18 to
        2019-20; its share rose.
        City centre accounted for 26% of hate crime in 2020-21, similar to its usual 25% in
        2017-18 to 2019-20.

    Parameters
    ----------
    result : pccanalysis.indicators.change.ShareResult
    of : str
        What the total is of, mid-sentence ("hate crime").
    subject : str, optional
        The group's name; default the result's label.
    usual : bool
        The earlier period is the group's usual share (default), or just an earlier period
        (False: "similar to 48.2% in 2019-20").
    threshold : int, optional
        When a share would give away a count under it (the group's, the total's or the
        rest's), the shares are not given, only the verdict::

            City centre's share of hate crime in 2020-21 Q4 was similar to its usual share
            in 2017-18 to 2019-20 (the shares are not given, as they rest on counts under 5).
    """
    check_verdict(result.verdict)
    who = cap(subject or result.label)
    t = sentence_threshold(threshold)
    if (share_hidden(result.current_count, result.current_total, t)
            or share_hidden(result.usual_count, result.usual_total, t)):
        word = "its usual share" if usual else "its share"
        how = "was similar to" if result.verdict == "similar" else f"{result.verdict} against"
        return (f"{who}'s share of {of} in {result.current_label} {how} {word} in "
                f"{result.usual_label} (the shares are not given, as they rest on counts under "
                f"{t}).")
    now, then = format_percent(result.current_share), format_percent(result.usual_share)
    start = f"{who} accounted for {now} of {of} in {result.current_label}"
    if result.verdict == "similar":
        word = "its usual " if usual else ""
        return f"{start}, similar to {word}{then} in {result.usual_label}."
    return f"{start}, against {then} in {result.usual_label}; its share {result.verdict}."
