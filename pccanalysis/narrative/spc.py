"""Sentences and titles for Making Data Count XmR charts (:mod:`pccanalysis.indicators.spc`)."""

from __future__ import annotations

import pandas as pd

from ..numbers import format_count
from .words import cap, level_text, period_words


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
    month = period_words(last["period"])
    who = cap(subject)
    shows, it, has = ("show", "they", "have") if plural else ("shows", "it", "has")
    if result.variation == "common_cause":
        text = (f"{who} {shows} only common cause variation: {month} ({level_text(last['value'])}) "
                f"was within the usual range of {level_text(max(last['lpl'], 0))} to "
                f"{level_text(last['upl'])} {unit}.")
    else:
        nature = _NATURE[result.variation.rsplit("_", 1)[0]]
        side = last["special_cause_side"]
        rule = last["special_cause_rule"]
        if rule == "outside_limits":
            where = ("above the upper process limit of " + level_text(last["upl"]) if side == "high"
                     else "below the lower process limit of " + level_text(last["lpl"]))
            detail = f"{month} ({level_text(last['value'])}) was {where}"
        elif rule == "trend":
            # a run of k points holds k - 1 rises (or falls)
            steps = _run_length(frame, "trend") - 1
            verb = "risen" if side == "high" else "fallen"
            detail = f"{it} {has} {verb} in each of the last {steps} months, to {month}"
        elif rule == "shift":
            k = _run_length(frame, "shift", same="relative_to_mean")
            where = "above" if side == "high" else "below"
            its = "their" if plural else "its"
            detail = (f"{it} {has} been {where} {its} average of {level_text(last['mean'])} for {k} "
                      f"months in a row to {month}")
        elif rule == "two_of_three":
            limit = ("upper process limit of " + level_text(last["upl"]) if side == "high"
                     else "lower process limit of " + level_text(last["lpl"]))
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
    who = cap(subject)
    be, its, has = ("were", "their", "have") if plural else ("was", "its", "has")
    if shift is not None:
        level = "lower" if shift.side == "low" else "higher"
        moved = f"{who} moved to a {level} level in {period_words(shift.start)}"
        latest = frame[frame["segment"] == last["segment"]]
        if not latest["special_cause"].any():
            return f"{moved} and {has} been stable since"
        return moved
    month = period_words(last["period"])
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
    who = cap(subject)
    has, its = ("have", "their") if plural else ("has", "its")
    where = "below" if shift.side == "low" else "above"
    level = "lower" if shift.side == "low" else "higher"
    first, last = period_words(shift.start), period_words(shift.end)
    span = (shift.end - shift.start).n + 1 if isinstance(shift.start, pd.Period) else None
    if span == shift.n_points:
        months = f"in every month from {first} to {last} ({format_count(shift.n_points)} months)"
    else:
        months = f"in all {format_count(shift.n_points)} months judged from {first} to {last}"
    return (f"{who} {has} been {where} {its} average of {level_text(shift.mean)} {unit} {months}: "
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
    target = f"the target of {level_text(result.target)} {unit}"
    who = subject
    if result.assurance == "consistently_met":
        return f"At its current level {who} will consistently meet {target}."
    if result.assurance == "consistently_missed":
        return f"At its current level {who} will consistently miss {target}."
    if result.assurance == "hit_and_miss":
        return f"At its current level {who} will meet {target} in some months and miss it in others."
    raise ValueError(f"unknown assurance reading {result.assurance!r}")
