"""Plain-English sentences built from indicator results, for board briefings.

Every sentence here is made from a result object of :mod:`pccanalysis.indicators` (never from
numbers typed into a notebook), and its direction word comes only from the result's verdict:

- ``"rose"`` / ``"fell"`` (the change is unlikely to be noise): "fell by 19.6%";
- ``"similar"``: "was similar (−2%)", with the signed change in brackets so nothing is hidden.

Numbers follow :mod:`pccanalysis.numbers` (UK style, commas, one decimal place, the minus sign
U+2212 for negatives, "almost 20%" only when honest). Every function returns plain text: the
briefing export escapes it, so a ward called "<Castle>" cannot inject markup. Titles for charts
are the same sentences without the counts and without the final full stop
(:func:`as_title`).

Sentence forms, with the test that pins each one's exact text, are listed in
``tests/test_narrative.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from .numbers import (
    describe_percent,
    format_count,
    format_number,
    format_percent,
    join_words,
    month_label,
    months_label,
)

__all__ = [
    "Headline",
    "as_title",
    "assurance_sentence",
    "change_phrase",
    "change_sentence",
    "comparator_sentence",
    "comparator_title",
    "figure_caveat",
    "format_level",
    "funnel_method_sentence",
    "funnel_sentence",
    "funnel_title",
    "gap_caveat",
    "group_summary",
    "harm_sentence",
    "headline",
    "in_sentence",
    "level_comparison_sentence",
    "repeat_sentence",
    "share_sentence",
    "shift_sentence",
    "spc_sentence",
    "spc_title",
    "target_baseline",
    "target_sentence",
    "tracker_sentence",
]

#: Short names used in sentences for data.police.uk categories that are long to read.
SHORT_NAMES = {"Anti-social behaviour": "ASB"}

_VERB = {"rose": "rose", "fell": "fell", "similar": "was similar"}


def _be(plural: bool) -> str:
    """The past of "to be" agreeing with the subject: "was" (ASB), "were" (repeat victims)."""
    return "were" if plural else "was"


def _verb(verdict: str, plural: bool = False) -> str:
    return f"{_be(plural)} similar" if verdict == "similar" else _VERB[verdict]


def _check_verdict(verdict: str) -> str:
    if verdict not in _VERB:
        raise ValueError(f"verdict must be 'rose', 'fell' or 'similar', not {verdict!r}")
    return verdict


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _subject(label: str, subject: str | None) -> str:
    if subject:
        return subject
    if not label:
        raise ValueError("the result has no label: pass subject= to name what was counted")
    return SHORT_NAMES.get(label, label)


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


_ORDINARY_WORD = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)*")


def in_sentence(name: str, proper_nouns: Iterable[str] = ()) -> str:
    """A name as it reads inside a sentence: "Crime" -> "crime", "Repeat hate-crime victims" ->
    "repeat hate-crime victims", "Anti-social behaviour" -> "anti-social behaviour".

    Only a first word that is an ordinary capitalised word is lowered. Acronyms ("ASB",
    "IOM"), names whose later words are capitalised too ("City Centre burglary", a proper
    name) and names that start with one of ``proper_nouns`` (ward or area names: "Dales
    burglary") are kept as written.
    """
    words = name.split()
    if not words or not _ORDINARY_WORD.fullmatch(words[0]):
        return name
    if any(w[:1].isupper() for w in words[1:]):
        return name
    if any(name == p or name.startswith(p + " ") for p in proper_nouns):
        return name
    return name[:1].lower() + name[1:]


def as_title(sentence: str) -> str:
    """A chart title from a sentence: the same words without the closing full stop."""
    return sentence.strip().rstrip(".")


# --------------------------------------------------------------------------------------------
# Change between two periods
# --------------------------------------------------------------------------------------------


def change_phrase(verdict: str, percent: float, *, approximate: bool = False,
                  current=None, previous=None, plural: bool = False) -> str:
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

    Notes
    -----
    When the verdict is "rose" or "fell" the size is written without a sign (the verb carries
    the direction); when it is "similar" the signed change goes in brackets, so a reader sees
    the figure but is not told it moved.
    """
    _check_verdict(verdict)
    if _is_missing(percent):
        if current is None or previous is None:
            raise ValueError("a change from zero has no percentage: pass current and previous")
        counts = f"from {format_count(previous)} to {format_count(current)}"
        return (f"{_verb(verdict, plural)} ({counts})" if verdict == "similar"
                else f"{verdict} {counts}")
    if verdict == "similar":
        return f"{_verb(verdict, plural)} ({format_percent(percent, signed=True)})"
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
                    approximate: bool = False, plural: bool = False) -> str:
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
    """
    phrase = change_phrase(result.verdict, result.percent, approximate=approximate,
                           current=result.current, previous=result.previous, plural=plural)
    text = f"{_cap(_subject(result.label, subject))} {phrase}{_periods_clause(result)}"
    if counts and not _is_missing(result.percent):
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
             approximate: bool = False) -> Headline:
    """A :class:`Headline` from a :class:`~pccanalysis.indicators.change.ChangeResult`.

    Parameters
    ----------
    label : str, optional
        Panel label; default the result's label.
    improvement : {"decrease", "increase", "neutral"}
        Which direction is good news, for the tone (crime and ASB: "decrease").
    caveat : str, optional
        Caveat text (e.g. from :func:`gap_caveat`); default none. The result's own ``caveat``
        field is used when this is not given.
    """
    _check_verdict(result.verdict)
    if _is_missing(result.percent):
        value = f"{format_count(result.previous)} to {format_count(result.current)}"
    else:
        value = format_percent(result.percent, signed=True)
    detail = (f"{format_count(result.current)} in {result.current_label}; "
              f"{format_count(result.previous)} in {result.previous_label}")
    return Headline(
        label=label or result.label,
        value=value,
        verdict=result.verdict,
        verdict_text=_VERDICT_TEXT[result.verdict],
        phrase=change_phrase(result.verdict, result.percent, approximate=approximate,
                             current=result.current, previous=result.previous),
        tone=_tone(result.verdict, improvement),
        sentence=change_sentence(result, subject, approximate=approximate),
        detail=detail,
        caveat=caveat if caveat is not None else (result.caveat or None),
    )


# --------------------------------------------------------------------------------------------
# Groups: "crime fell in every ward except Dales"
# --------------------------------------------------------------------------------------------

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
    start = f"{_cap(subject)} {_VERB[lead]}"
    if k == n:
        if n == 1:
            return f"{start} in {names[lead][0]}, the only {noun[0]}."
        if n == 2:
            return f"{start} in both {noun[1]}."
        return f"{start} in all {format_count(n)} {noun[1]}."
    others = [v for v in _IN_ORDER if v != lead and names[v]]
    if n - k == 1:
        (other,) = others
        return f"{start} in every {noun[0]} except {names[other][0]}, where it {_VERB[other]}."
    clauses = [f"{_VERB[v]} in {_names_or_count(names[v], noun)}" for v in others]
    return f"{start} in {format_count(k)} of {format_count(n)} {noun[1]}; it {join_words(clauses)}."


# --------------------------------------------------------------------------------------------
# Shares
# --------------------------------------------------------------------------------------------


def share_sentence(result, of: str, subject: str | None = None, *, usual: bool = True) -> str:
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
    """
    _check_verdict(result.verdict)
    who = _cap(subject or result.label)
    now, then = format_percent(result.current_share), format_percent(result.usual_share)
    start = f"{who} accounted for {now} of {of} in {result.current_label}"
    if result.verdict == "similar":
        word = "its usual " if usual else ""
        return f"{start}, similar to {word}{then} in {result.usual_label}."
    return f"{start}, against {then} in {result.usual_label}; its share {result.verdict}."


# --------------------------------------------------------------------------------------------
# Repeat victims
# --------------------------------------------------------------------------------------------


def repeat_sentence(change, of: str) -> str:
    """Repeat victims and the share of victims who are repeats (a ``repeats.RepeatChange``).

    Examples::

        Repeat victims of hate crime fell by 11% in 2020-21 compared with 2019-20, but the
        share of victims who are repeats was similar (24.1% against 26%).
        Repeat victims of hate crime rose by 30% in 2020-21 compared with 2019-20, and the
        share of victims who are repeats rose from 20% to 25.5%.
        Repeat victims of hate crime were similar (−28%) in 2020-21 Q4 compared with 2019-20
        Q4, and the share of victims who are repeats was similar (23.2% against 28.6%).

    "but" joins two different verdicts, "and" two equal ones; each verdict is the result's own
    (``repeats_verdict``, ``share_verdict``).
    """
    _check_verdict(change.repeats_verdict)
    _check_verdict(change.share_verdict)
    # "repeat victims" is plural: "were similar"
    phrase = change_phrase(change.repeats_verdict, change.repeats_percent_change,
                           current=change.repeats_after, previous=change.repeats_before,
                           plural=True)
    first = (f"Repeat victims of {of} {phrase} in {change.after_label} compared with "
             f"{change.before_label}")
    after, before = format_percent(change.percent_after), format_percent(change.percent_before)
    if change.share_verdict == "similar":
        second = f"the share of victims who are repeats was similar ({after} against {before})"
    else:
        second = (f"the share of victims who are repeats {change.share_verdict} from {before} "
                  f"to {after}")
    joint = "and" if change.repeats_verdict == change.share_verdict else "but"
    return f"{first}, {joint} {second}."


# --------------------------------------------------------------------------------------------
# Local against a comparator
# --------------------------------------------------------------------------------------------

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
    if _is_missing(percent):
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
    who = _cap(_subject(result.label, subject))
    if local is not None:
        phrase = change_phrase(local.verdict, local.percent, current=local.current,
                               previous=local.previous)
    elif _is_missing(result.local_percent):
        phrase = (f"went from {format_count(result.local_previous)} to "
                  f"{format_count(result.local_current)}")
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
    if change is None or _is_missing(percent):
        return _comparator_change(percent)
    _check_verdict(change.verdict)
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
    who = f"{_cap(subject)} in {area}"
    if result.verdict == "similar to":
        return f"{who}: no clear difference from {result.comparator_label}"
    return f"{who} {result.verdict} {result.comparator_label}"


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------


def target_name(target, proper_nouns: Iterable[str] = ()) -> str:
    """"reduce crime by 10%": what a target asks for, mid-sentence (:func:`in_sentence`)."""
    verb = "reduce" if target.direction == "reduce" else "increase"
    return (f"{verb} {in_sentence(target.name, proper_nouns)} by "
            f"{format_percent(target.percent)}")


def target_baseline(target) -> str:
    """A target's baseline as a reader sees it written: "2019-20", "2019-20 Q4", "March 2020"
    (without any month a comparison left out, which the figures name themselves)."""
    from .periods import parse_period

    period = parse_period(target.baseline)
    return month_label(period.first_month) if period.kind == "month" else period.label


def _target_words(target, proper_nouns: Iterable[str] = ()) -> str:
    return f"the target to {target_name(target, proper_nouns)}"


def _level_change(verdict: str, percent: float, subject: str, current_label: str,
                  baseline_label: str, plural: bool = False) -> str:
    be = _be(plural)
    if verdict == "similar":
        return (f"{subject} {be} similar in {current_label} to {baseline_label} "
                f"({format_percent(percent, signed=True)})")
    word = "higher" if verdict == "rose" else "lower"
    if (verdict == "rose") != (percent > 0):
        raise ValueError(f"verdict {verdict!r} contradicts a change of {percent!r}%")
    return (f"{subject} {be} {describe_percent(abs(percent))} {word} in {current_label} than "
            f"in {baseline_label}")


_STATUS_NOW = {"on track": "is on track", "at risk": "is at risk", "off track": "is off track"}
_STATUS_PAST = {"on track": "was met", "at risk": "was not clearly met", "off track": "was missed"}


def target_sentence(progress, *, trajectory: bool = True, plural: bool = False,
                    proper_nouns: Iterable[str] = ()) -> str:
    """Where a target stands (a :class:`~pccanalysis.indicators.targets.TargetProgress`).

    Examples::

        The target to reduce ASB by 25% against 2019-20 by 2022-23 is off track: ASB was
        almost 30% higher in 2020-21 than in 2019-20; the trajectory asks for a fall of 8.3%
        by now.
        The target to reduce crime by 10% against 2019-20 by 2021-22 was met: crime was
        12.4% lower in 2021-22 than in 2019-20.
        The target to reduce repeat hate-crime victims by 10% against 2019-20 by 2020-21 was
        missed: repeat hate-crime victims were similar in 2020-21 to 2019-20 (−4%).

    When months with a publication gap were left out of both windows
    (``gap_policy="exclude"``), the target keeps its baseline as written and the level clause
    names the months left out: "... ASB was 30.5% higher in 2020-21 excluding October 2020
    than in 2019-20 excluding October 2019".

    The target's name is written as it reads mid-sentence (:func:`in_sentence`: "Crime"
    becomes "crime", "ASB" stays; names starting with one of ``proper_nouns`` are kept);
    ``plural`` makes the verb agree with a plural name ("were").

    The status words come from ``progress.status`` (after the deadline "on track" reads "was
    met", "at risk" "was not clearly met", "off track" "was missed"); "higher"/"lower" from
    ``progress.verdict``. The size uses :func:`~pccanalysis.numbers.describe_percent`.
    """
    t = progress.target
    status = (_STATUS_PAST if progress.past_deadline else _STATUS_NOW).get(progress.status)
    if status is None:
        raise ValueError(f"unknown target status {progress.status!r}")
    _check_verdict(progress.verdict)
    # the target as written ("against 2019-20"); the level clause names any month left out
    start = (f"{_cap(_target_words(t, proper_nouns))} against {target_baseline(t)} by "
             f"{progress.deadline_label} {status}")
    level = _level_change(progress.verdict, progress.percent_change,
                          in_sentence(t.name, proper_nouns), progress.current_label,
                          progress.baseline_label, plural=plural)
    text = f"{start}: {level}"
    needed = progress.needed_percent_by_now
    if trajectory and not progress.past_deadline and not _is_missing(needed) and needed != 0:
        word = "fall" if needed < 0 else "rise"
        text += f"; the trajectory asks for a {word} of {format_percent(abs(needed))} by now"
    return text + "."


# --------------------------------------------------------------------------------------------
# SPC (Making Data Count)
# --------------------------------------------------------------------------------------------


def _level(value: float) -> str:
    """A count or average as it reads: whole numbers from 100 up, one decimal below."""
    if float(value).is_integer():
        return format_count(value)
    return format_number(value, 0 if abs(value) >= 100 else 1)


def _run_length(frame: pd.DataFrame, flag: str, same: str | None = None) -> int:
    """How many of the last points in a row carry ``flag`` (and the same ``same`` value)."""
    n = 0
    last_same = frame[same].iloc[-1] if same else None
    for _, row in frame.iloc[::-1].iterrows():
        if not bool(row[flag]) or (same and row[same] != last_same):
            break
        n += 1
    return n


_NATURE = {"improvement": " of an improving nature", "concern": " of a concerning nature",
           "neutral": ""}


def _judged(result) -> pd.DataFrame:
    """The chart's rows that were judged: excluded points (e.g. a publication gap) left out."""
    frame = result.frame
    if "excluded" in frame.columns:
        frame = frame[~frame["excluded"].to_numpy(dtype=bool)]
    return frame


def spc_sentence(result, subject: str, *, unit: str = "a month", plural: bool = False) -> str:
    """What the latest point of an XmR chart says (an :class:`~pccanalysis.indicators.spc.SpcResult`).

    Forms (``subject="ASB"``)::

        ASB shows only common cause variation: March 2021 (412) was within the usual range of
        371 to 520 a month.
        ASB shows special cause variation of a concerning nature: March 2021 (667) was above
        the upper process limit of 520.
        ASB shows special cause variation of a concerning nature: it has risen in each of the
        last 6 months, to March 2021.
        ASB shows special cause variation of an improving nature: it has been below its average
        of 446 for 9 months in a row to March 2021.
        ASB shows special cause variation of a concerning nature: two of the last three months
        were close to the upper process limit of 520.

    Limits from fewer points than the trial threshold add "These are trial limits from only N
    months of data." Points the chart excluded (``spc(..., exclude=...)``) are passed over:
    the latest point and the runs are those the chart judged. ``plural`` for a plural subject
    ("Missing-person reports show ...; they have risen ...").
    """
    frame = _judged(result)
    last = frame.iloc[-1]
    month = _period_words(last["period"])
    who = _cap(subject)
    shows, it, has = ("show", "they", "have") if plural else ("shows", "it", "has")
    if result.variation == "common_cause":
        text = (f"{who} {shows} only common cause variation: {month} ({_level(last['value'])}) "
                f"was within the usual range of {_level(max(last['lpl'], 0))} to "
                f"{_level(last['upl'])} {unit}.")
    else:
        nature = _NATURE[result.variation.rsplit("_", 1)[0]]
        side = last["special_cause_side"]
        rule = last["special_cause_rule"]
        if rule == "outside_limits":
            where = ("above the upper process limit of " + _level(last["upl"]) if side == "high"
                     else "below the lower process limit of " + _level(last["lpl"]))
            detail = f"{month} ({_level(last['value'])}) was {where}"
        elif rule == "trend":
            # a run of k points holds k - 1 rises (or falls)
            steps = _run_length(frame, "trend") - 1
            verb = "risen" if side == "high" else "fallen"
            detail = f"{it} {has} {verb} in each of the last {steps} months, to {month}"
        elif rule == "shift":
            k = _run_length(frame, "shift", same="relative_to_mean")
            where = "above" if side == "high" else "below"
            its = "their" if plural else "its"
            detail = (f"{it} {has} been {where} {its} average of {_level(last['mean'])} for {k} "
                      f"months in a row to {month}")
        elif rule == "two_of_three":
            limit = ("upper process limit of " + _level(last["upl"]) if side == "high"
                     else "lower process limit of " + _level(last["lpl"]))
            detail = f"two of the last three months were close to the {limit}"
        else:
            raise ValueError(f"unknown special-cause rule {rule!r}")
        text = f"{who} {shows} special cause variation{nature}: {detail}."
    if bool(last["trial"]):
        seg = result.segments.iloc[-1]
        text += (f" These are trial limits from only {format_count(seg['n_for_limits'])} "
                 "months of data.")
    return text


def spc_title(result, subject: str, *, shift=None, plural: bool = False) -> str:
    """A chart title that states what an XmR chart shows, without numbers.

    Forms (``subject="Crime"``)::

        Crime in March 2021 was within its usual range
        Crime in March 2021 was below its usual range
        Crime has fallen in each of the last 6 months
        Crime has been below its average for 9 months in a row
        Crime: two of the last three months were close to the upper limit
        Crime moved to a lower level in April 2020 and has been stable since

    Parameters
    ----------
    result : SpcResult
    shift : SustainedShift, optional
        The shift the chart was rebased at
        (:func:`pccanalysis.indicators.spc.sustained_shift`); the title then leads with it.
    plural : bool
        A plural subject ("were", "their", "have").
    """
    frame = _judged(result)
    last = frame.iloc[-1]
    who = _cap(subject)
    be, its, has = ("were", "their", "have") if plural else ("was", "its", "has")
    if shift is not None:
        level = "lower" if shift.side == "low" else "higher"
        moved = f"{who} moved to a {level} level in {_period_words(shift.start)}"
        latest = frame[frame["segment"] == last["segment"]]
        if not latest["special_cause"].any():
            return f"{moved} and {has} been stable since"
        return moved
    month = _period_words(last["period"])
    if result.variation == "common_cause":
        return f"{who} in {month} {be} within {its} usual range"
    side = last["special_cause_side"]
    rule = last["special_cause_rule"]
    if rule == "outside_limits":
        return f"{who} in {month} {be} {'above' if side == 'high' else 'below'} {its} usual range"
    if rule == "trend":
        steps = _run_length(frame, "trend") - 1
        return f"{who} {has} {'risen' if side == 'high' else 'fallen'} in each of the last {steps} months"
    if rule == "shift":
        k = _run_length(frame, "shift", same="relative_to_mean")
        where = "above" if side == "high" else "below"
        return f"{who} {has} been {where} {its} average for {k} months in a row"
    if rule == "two_of_three":
        limit = "upper" if side == "high" else "lower"
        return f"{who}: two of the last three months were close to the {limit} limit"
    raise ValueError(f"unknown special-cause rule {rule!r}")


def shift_sentence(shift, subject: str, *, unit: str = "a month", plural: bool = False) -> str:
    """Why a chart's limits were recalculated: a sustained shift
    (:class:`~pccanalysis.indicators.spc.SustainedShift`).

    Example::

        Crime has been below its average of 2,818 a month in every month from April 2020 to
        March 2021 (12 months): a sustained shift to a lower level, so the chart's limits are
        recalculated from April 2020.

    When the run passes over excluded months, it says "in all 11 months judged from ...".
    """
    who = _cap(subject)
    has, its = ("have", "their") if plural else ("has", "its")
    where = "below" if shift.side == "low" else "above"
    level = "lower" if shift.side == "low" else "higher"
    first, last = _period_words(shift.start), _period_words(shift.end)
    span = (shift.end - shift.start).n + 1 if isinstance(shift.start, pd.Period) else None
    if span == shift.n_points:
        months = f"in every month from {first} to {last} ({format_count(shift.n_points)} months)"
    else:
        months = f"in all {format_count(shift.n_points)} months judged from {first} to {last}"
    return (f"{who} {has} been {where} {its} average of {_level(shift.mean)} {unit} {months}: "
            f"a sustained shift to a {level} level, so the chart's limits are recalculated "
            f"from {first}.")


def assurance_sentence(result, subject: str, *, unit: str = "a month") -> str | None:
    """The Making Data Count assurance reading in words, or None without a target.

    Forms::

        At its current level ASB will consistently meet the target of 380 a month.
        At its current level ASB will consistently miss the target of 380 a month.
        At its current level ASB will meet the target of 380 a month in some months and miss
        it in others.
    """
    if result.assurance is None or result.target is None:
        return None
    target = f"the target of {_level(result.target)} {unit}"
    who = subject
    if result.assurance == "consistently_met":
        return f"At its current level {who} will consistently meet {target}."
    if result.assurance == "consistently_missed":
        return f"At its current level {who} will consistently miss {target}."
    if result.assurance == "hit_and_miss":
        return f"At its current level {who} will meet {target} in some months and miss it in others."
    raise ValueError(f"unknown assurance reading {result.assurance!r}")


def _period_words(value) -> str:
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return month_label(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# Data-gap caveats
# --------------------------------------------------------------------------------------------


def gap_caveat(gaps: pd.DataFrame, months, *, names: dict[str, str] | None = None,
               **where) -> str | None:
    """A caveat for figures covering ``months`` when a detected publication gap falls in them.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`pccanalysis.indicators.gaps.find_gaps` (``month``, category columns,
        ``count``, ``expected``).
    months : iterable of month-like, or a Comparison
        The period the figure covers (a ``Comparison`` means both of its periods).
    names : dict, optional
        Names for categories in sentences; default :data:`SHORT_NAMES` ("ASB").
    **where
        Category filters, as :func:`pccanalysis.indicators.gaps.touches_gap` takes them.

    Returns
    -------
    str or None
        One sentence per category with a gap, e.g.::

            ASB figures for November 2024 appear incomplete (0 recorded against about 1,526 in
            a usual month), so totals that include that month are too low.

        or None when no gap touches the period.
    """
    from .indicators.gaps import gap_columns, touches_gap

    hit = touches_gap(gaps, months, **where)
    if hit.empty:
        return None
    names = {**SHORT_NAMES, **(names or {})}
    cats = gap_columns(hit)
    sentences = []
    for key, rows in hit.groupby(cats, sort=False, observed=True) if cats else [((), hit)]:
        key = key if isinstance(key, tuple) else (key,)
        name = " ".join(names.get(str(k), str(k)) for k in key) or "The"
        rows = rows.sort_values("month")
        months_text = months_label(list(rows["month"]))
        counts = join_words(format_count(c) for c in rows["count"])
        expected = join_words(format_count(round(e)) for e in rows["expected"])
        that = "that month" if len(rows) == 1 else "those months"
        sentences.append(
            f"{_cap(name)} figures for {months_text} appear incomplete ({counts} recorded "
            f"against about {expected} in a usual month), so totals that include {that} are "
            "too low."
        )
    return " ".join(sentences)


def figure_caveat(name: str, caveat: str | None) -> str | None:
    """A result's own caveat as a sentence naming the figure it belongs to, or None.

    A change, target or table row carries its caveat as a clause (months left out for a
    publication gap, too little history to measure variation); this names the figure::

        ASB, year to date: October 2020 left out because of a likely publication gap, with
        October 2019 so that like is compared with like.
    """
    if caveat is None or (isinstance(caveat, float) and math.isnan(caveat)):
        return None
    text = str(caveat).strip().rstrip(".")
    if not text:
        return None
    return f"{name}: {text}."


# --------------------------------------------------------------------------------------------
# Levels without a test: rates and percentages against a comparator
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Funnel plots: areas against their peers
# --------------------------------------------------------------------------------------------


def _outer(result) -> tuple[str, str]:
    """The outer limit's flag tag ("998") and its words ("99.8%")."""
    level = result.levels[1]
    return f"{100 * level:g}".replace(".", ""), f"{format_number(100 * level, 1)}%"


def funnel_sentence(result, *, period: str, what: str = "crime",
                    noun: tuple[str, str] = ("ward", "wards"),
                    per_word: str = "residents") -> str:
    """Which units of a funnel plot (a :class:`~pccanalysis.indicators.funnel.Funnel` of rates)
    lie outside the outer (99.8%) limits, highest rate first.

    Forms::

        City Centre had a crime rate above the 99.8% limit in April 2020 to March 2021: 312.5
        per 1,000 residents, against 105.1 across the 12 wards.
        City Centre and Dales had crime rates above the 99.8% limit in April 2020 to March
        2021: 312.5 and 150.2 per 1,000 residents, against 105.1 across the 12 wards.
        No ward had a crime rate above the 99.8% limit in April 2020 to March 2021; the rate
        across the 12 wards was 105.1 per 1,000 residents.

    A unit below the outer limit adds "Hillside was below the lower 99.8% limit." The words
    come only from the funnel's flags.
    """
    if result.kind != "rate":
        raise ValueError("funnel_sentence describes rates per person")
    tag, words = _outer(result)
    units = result.units.sort_values("value", ascending=False, kind="stable")
    above = units[units["flag"] == f"high_{tag}"]
    below = units[units["flag"] == f"low_{tag}"]
    n = len(units)
    per = f"per {format_count(result.per)} {per_word}"
    across = f"across the {format_count(n)} {noun[1] if n != 1 else noun[0]}"
    rate = format_number(result.target, 1)
    if len(above):
        names = join_words(str(u) for u in above["unit"])
        rates = join_words(format_number(v, 1) for v in above["value"])
        what_rate = f"a {what} rate" if len(above) == 1 else f"{what} rates"
        text = (f"{names} had {what_rate} above the {words} limit in {period}: {rates} {per}, "
                f"against {rate} {across}.")
    else:
        text = (f"No {noun[0]} had a {what} rate above the {words} limit in {period}; the rate "
                f"{across} was {rate} {per}.")
    if len(below):
        names = join_words(str(u) for u in below["unit"])
        text += f" {names} {_be(len(below) > 1)} below the lower {words} limit."
    return text


def funnel_title(result, *, what: str = "crime", noun: tuple[str, str] = ("ward", "wards")) -> str:
    """A funnel chart's title from its flags: "City Centre had a crime rate above the 99.8%
    limit", "No ward had a crime rate above the 99.8% limit"."""
    tag, words = _outer(result)
    units = result.units.sort_values("value", ascending=False, kind="stable")
    above = [str(u) for u in units.loc[units["flag"] == f"high_{tag}", "unit"]]
    if not above:
        return f"No {noun[0]} had a {what} rate above the {words} limit"
    what_rate = f"a {what} rate" if len(above) == 1 else f"{what} rates"
    return f"{join_words(above)} had {what_rate} above the {words} limit"


def funnel_method_sentence(result, noun: tuple[str, str] = ("ward", "wards")) -> str:
    """How a funnel's limits allow for variation between units (over-dispersion), in words.

    Forms::

        Wards differ from one another by more than chance alone would make them, so the
        limits are widened to allow for that usual variation between wards; a ward outside
        them stands out even so.
        Wards differ from one another by no more than chance alone would make them, so the
        limits allow for chance only.

    With fewer than 10 units it adds "With only 8 wards, the allowance for variation between
    them is a rough estimate."
    """
    many = _cap(noun[1])
    if result.adjusted:
        text = (f"{many} differ from one another by more than chance alone would make them, so "
                f"the limits are widened to allow for that usual variation between {noun[1]}; "
                f"a {noun[0]} outside them stands out even so.")
    elif result.overdispersion == "none":
        text = "The limits allow for chance only."
    else:
        text = (f"{many} differ from one another by no more than chance alone would make them, "
                "so the limits allow for chance only.")
    n = len(result.units)
    if n < 10 and result.overdispersion != "none":
        text += (f" With only {format_count(n)} {noun[1]}, the allowance for variation between "
                 "them is a rough estimate.")
    return text


# --------------------------------------------------------------------------------------------
# Harm-weighted crime
# --------------------------------------------------------------------------------------------


def harm_sentence(table: pd.DataFrame, current: str, previous: str, scheme: str) -> str:
    """Crimes and their harm score in two periods of a harm index
    (:func:`~pccanalysis.indicators.harm.harm_index`, one row per period), with no direction
    word: the harm score is a weighted count and is not tested against chance.

    Example::

        In 2020-21 Q4, 7,154 crimes had a harm score of 95,210 (Cambridge Crime Harm Index
        2020), against 8,863 crimes with a harm score of 118,400 in 2019-20 Q4.
    """
    period = table.columns[0]
    rows = table.set_index(table[period].astype("str"))
    for label in (current, previous):
        if label not in rows.index:
            raise ValueError(f"the harm table has no row for {label!r}")
    now, then = rows.loc[current], rows.loc[previous]
    return (f"In {current}, {format_count(now['count'])} crimes had a harm score of "
            f"{_level(now['harm'])} ({scheme}), against {format_count(then['count'])} crimes "
            f"with a harm score of {_level(then['harm'])} in {previous}.")


# --------------------------------------------------------------------------------------------
# Delivery plan
# --------------------------------------------------------------------------------------------


def tracker_sentence(summary) -> str:
    """The delivery plan in one sentence (a ``delivery_plan.TrackerSummary``).

    Example::

        Of 16 deliverables, 12 (75%) are green, 3 (19%) amber and 1 (6%) red; the overall
        rating is good.
    """
    key = summary.key.set_index("status")
    total = int(key["number"].sum())
    if total == 0:
        return "The delivery plan has no deliverables."
    parts = []
    for status in ("Green", "Amber", "Red", "Not started"):
        n = int(key["number"].get(status, 0))
        if n:
            pct = format_percent(key.loc[status, "percent"], 0)
            verb = "are " if not parts else ""
            parts.append(f"{format_count(n)} ({pct}) {verb}{status.lower()}")
    return (f"Of {format_count(total)} deliverables, {join_words(parts)}; the overall rating "
            f"is {summary.rating.label}.")


# --------------------------------------------------------------------------------------------
# Wards: what share of the area's crime each period placed in a ward
# --------------------------------------------------------------------------------------------


def _not_in_ward_clause(row) -> str:
    share = format_percent(100 * row["not_in_ward_share"]) if row["rows"] else "all"
    return (f"{format_count(row['not_in_ward'])} of {format_count(row['rows'])} ({share}) in "
            f"{row['period']}")


def ward_coverage_sentence(coverage: pd.DataFrame, *, vintage: str | None = None,
                           what: str = "crimes") -> str:
    """How many of the area's rows each compared period could not place in a ward.

    Examples::

        Ward figures use the 2023 wards; every one of the area's 7,394 crimes in Oct-Dec 2024
        and 7,102 in Oct-Dec 2023 was placed in a ward.
        Ward figures use the 2023 wards; 12 of the area's crimes could not be placed in a
        ward: 12 of 7,394 (0.2%) in Oct-Dec 2024 and 0 of 7,102 (0%) in Oct-Dec 2023. A
        further 3 crimes across the force had no location and are in no area or ward.

    Parameters
    ----------
    coverage : DataFrame
        From :func:`pccanalysis.indicators.wards.ward_coverage`.
    vintage : str, optional
        The ward vintage year (``"2023"``).
    what : str
        The rows' plural noun ("crimes").
    """
    lead = f"Ward figures use the {vintage} wards; " if vintage else ""
    missing = int(coverage["not_in_ward"].sum())
    if missing == 0:
        counts = join_words(f"{format_count(r['rows'])} in {r['period']}"
                            for _, r in coverage.iterrows())
        text = f"{lead}every one of the area's {what} ({counts}) was placed in a ward."
    else:
        parts = join_words(_not_in_ward_clause(r) for _, r in coverage.iterrows())
        text = (f"{lead}{'some' if lead else 'Some'} of the area's {what} could not be placed in "
                f"a ward: {parts}.")
    unlocated = coverage["no_location"].dropna()
    if len(unlocated) and int(unlocated.sum()):
        text += (f" A further {format_count(int(unlocated.sum()))} {what} across the force had "
                 "no location and are in no area or ward.")
    return _cap(text)


def ward_withheld_sentence(coverage: pd.DataFrame, threshold: float) -> str:
    """Why wards are not reported as rising or falling: coverage moved between the periods.

    Example::

        Wards are not reported as rising or falling: 25.0% of the area's crimes could not be
        placed in a ward in Oct-Dec 2023 against 0.2% in Oct-Dec 2024, a difference of more
        than 2 percentage points, so a ward's change would partly reflect where crimes could
        be placed rather than how many happened.
    """
    ordered = coverage.sort_values("not_in_ward_share", ascending=False, na_position="first")
    hi, lo = ordered.iloc[0], ordered.iloc[-1]

    def share(row) -> str:
        return format_percent(100 * row["not_in_ward_share"]) if row["rows"] else "all"

    return (f"Wards are not reported as rising or falling: {share(hi)} of the area's crimes "
            f"could not be placed in a ward in {hi['period']} against {share(lo)} in "
            f"{lo['period']}, a difference of more than {100 * threshold:g} "
            "percentage points, so a ward's change would partly reflect where crimes could be "
            "placed rather than how many happened.")
