"""Sentences for repeat victims (:mod:`pccanalysis.indicators.repeats`)."""

from __future__ import annotations

from ..numbers import format_percent
from .change import change_phrase
from .disclosure import sentence_threshold, share_hidden
from .words import check_verdict


def repeat_sentence(change, of: str, *, threshold: int | None = None) -> str:
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

    With a small-number ``threshold`` in force (:mod:`pccanalysis.narrative.disclosure`),
    counts under it are "fewer than 5", and shares that would give one away are not given::

        Repeat victims of hate crime rose from 0 to fewer than 5 in 2020-21 Q4 compared
        with 2019-20 Q4, and the share of victims who are repeats rose (the shares are not
        given, as they rest on counts under 5).
    """
    check_verdict(change.repeats_verdict)
    check_verdict(change.share_verdict)
    t = sentence_threshold(threshold)
    # "repeat victims" is plural: "were similar"
    phrase = change_phrase(change.repeats_verdict, change.repeats_percent_change,
                           current=change.repeats_after, previous=change.repeats_before,
                           plural=True, threshold=t)
    first = (f"Repeat victims of {of} {phrase} in {change.after_label} compared with "
             f"{change.before_label}")
    joint = "and" if change.repeats_verdict == change.share_verdict else "but"
    if (share_hidden(change.repeats_after, change.victims_after, t)
            or share_hidden(change.repeats_before, change.victims_before, t)):
        verb = "was similar" if change.share_verdict == "similar" else change.share_verdict
        return (f"{first}, {joint} the share of victims who are repeats {verb} (the shares are "
                f"not given, as they rest on counts under {t}).")
    after, before = format_percent(change.percent_after), format_percent(change.percent_before)
    if change.share_verdict == "similar":
        second = f"the share of victims who are repeats was similar ({after} against {before})"
    else:
        second = (f"the share of victims who are repeats {change.share_verdict} from {before} "
                  f"to {after}")
    return f"{first}, {joint} {second}."
