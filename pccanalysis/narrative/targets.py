"""Sentences for partnership targets (:mod:`pccanalysis.indicators.targets`)."""

from __future__ import annotations

from collections.abc import Iterable

from ..indicators.targets import baseline_label
from ..numbers import describe_percent, format_percent, in_sentence
from .words import cap, check_verdict, is_missing, was_or_were


def target_name(target, proper_nouns: Iterable[str] = ()) -> str:
    """"reduce crime by 10%": what a target asks for, mid-sentence (:func:`~pccanalysis.numbers.in_sentence`)."""
    verb = "reduce" if target.direction == "reduce" else "increase"
    return (f"{verb} {in_sentence(target.name, proper_nouns)} by "
            f"{format_percent(target.percent)}")


def _target_words(target, proper_nouns: Iterable[str] = ()) -> str:
    return f"the target to {target_name(target, proper_nouns)}"


def _level_change(verdict: str, percent: float, subject: str, current_label: str,
                  baseline_label: str, plural: bool = False) -> str:
    be = was_or_were(plural)
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

    The target's name is written as it reads mid-sentence (:func:`~pccanalysis.numbers.in_sentence`: "Crime"
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
    check_verdict(progress.verdict)
    # the target as written ("against 2019-20"); the level clause names any month left out
    start = (f"{cap(_target_words(t, proper_nouns))} against {baseline_label(t)} by "
             f"{progress.deadline_label} {status}")
    level = _level_change(progress.verdict, progress.percent_change,
                          in_sentence(t.name, proper_nouns), progress.current_label,
                          progress.baseline_label, plural=plural)
    text = f"{start}: {level}"
    needed = progress.needed_percent_by_now
    if trajectory and not progress.past_deadline and not is_missing(needed) and needed != 0:
        word = "fall" if needed < 0 else "rise"
        text += f"; the trajectory asks for a {word} of {format_percent(abs(needed))} by now"
    return text + "."
