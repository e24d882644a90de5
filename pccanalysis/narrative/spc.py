"""Sentences and titles for Making Data Count XmR charts (:mod:`pccanalysis.indicators.spc`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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




def _judged(result) -> pd.DataFrame:
    """The chart's rows that were judged: excluded points (e.g. a publication gap) left out."""
    frame = result.frame
    if "excluded" in frame.columns:
        frame = frame[~frame["excluded"].to_numpy(dtype=bool)]
    return frame


_NATURE = {"improvement": ", an improving signal", "concern": ", a concerning signal",
           "neutral": ""}


@dataclass(frozen=True)
class Signal:
    """One stretch of consecutive special-cause months on one side (a chart's signal).

    Attributes
    ----------
    side : {"high", "low"}
    rows : pandas.DataFrame
        The chart's rows of the stretch (judged points only, in order, one segment).
    ongoing : bool
        The stretch reaches the latest month the chart judged.
    """

    side: str
    rows: pd.DataFrame
    ongoing: bool

    @property
    def first(self):
        return self.rows["period"].iloc[0]

    @property
    def last(self):
        return self.rows["period"].iloc[-1]

    @property
    def nature(self) -> str:
        """``"improvement"``, ``"concern"`` or ``"neutral"``: the Making Data Count reading."""
        return str(self.rows["variation"].iloc[-1]).rsplit("_", 1)[0]


def signals(result) -> list[Signal]:
    """The special-cause stretches of an XmR chart, oldest first.

    A stretch is a run of consecutive judged months flagged special cause on the same side
    within one segment; excluded months are passed over, as the rules pass over them. Two of
    three flags two months of a window of three, so a month between two such flags does not
    split the stretch.
    """
    frame = _judged(result).reset_index(drop=True)
    groups: list[list[int]] = []
    for i in np.flatnonzero(frame["special_cause"].to_numpy(dtype=bool)):
        if groups:
            j = groups[-1][-1]
            same = (frame.at[i, "special_cause_side"] == frame.at[j, "special_cause_side"]
                    and frame.at[i, "segment"] == frame.at[j, "segment"])
            bridged = i - j == 2 and bool(frame.at[i, "two_of_three"] or frame.at[j, "two_of_three"])
            if same and (i - j == 1 or bridged):
                groups[-1].append(i)
                continue
        groups.append([i])
    return [Signal(side=str(frame.at[g[0], "special_cause_side"]), rows=frame.iloc[g],
                   ongoing=g[-1] == len(frame) - 1) for g in groups]


def _span(signal: Signal) -> str:
    """When a signal happened: "in March 2024", "since March 2024" (to the latest month) or
    "from March 2024 to November 2024"."""
    first, last = period_words(signal.first), period_words(signal.last)
    if len(signal.rows) == 1:
        return f"in {first}"
    if signal.ongoing:
        return f"since {first}"
    return f"from {first} to {last}"


def _signal_words(signal: Signal, its: str) -> str:
    """One signal as a clause: what happened, when, which rules say so, and its nature.

    e.g. "higher than usual since March 2024 (9 months in a row above its average of 390, 4 of
    them above the upper process limit of 525), a concerning signal".
    """
    rows, high = signal.rows, signal.side == "high"
    last = rows.iloc[-1]
    limit = (f"the upper process limit of {level_text(last['upl'])}" if high
             else f"the lower process limit of {level_text(max(last['lpl'], 0))}")
    where = "above" if high else "below"
    n_shift, n_out = int(rows["shift"].sum()), int(rows["outside_limits"].sum())
    n_trend, n_two = int(rows["trend"].sum()), int(rows["two_of_three"].sum())
    details = []
    if n_shift:
        details.append(f"{_months(n_shift)} in a row {where} {its} average of "
                       f"{level_text(last['mean'])}")
    if n_out:
        if n_shift:
            details.append(f"{format_count(n_out)} of them {where} {limit}")
        elif n_out == len(rows) == 1:
            details.append(f"{level_text(last['value'])}, {where} {limit}")
        else:
            details.append(f"{_months(n_out)} {where} {limit}")
    if n_two and not (n_shift or n_out):
        details.append(f"two of three months close to {limit}")
    nature = _NATURE.get(signal.nature, "")
    if n_trend and not details:
        # a trend alone: months each higher (lower) than the one before, wherever they lie
        # a run of k months holds k - 1 rises (or falls)
        steps = f"{format_count(n_trend - 1)} {'rise' if high else 'fall'}"
        return (f"{'rising' if high else 'falling'} {_span(signal)} ({steps}"
                f"{'s' if n_trend != 2 else ''} in a row){nature}")
    level = "higher" if high else "lower"
    if signal.ongoing and len(rows) == 1 and n_out:
        # the latest month alone: the sentence on the latest month gives its figures
        return f"{level} than usual in the latest month{nature}"
    return f"{level} than usual {_span(signal)} ({', '.join(details)}){nature}"


def _months(n: int) -> str:
    return f"{format_count(n)} month{'s' if n != 1 else ''}"


def spc_sentence(result, subject: str, *, unit: str = "a month", plural: bool = False) -> str:
    """What an XmR chart shows (an :class:`~pccanalysis.indicators.spc.SpcResult`): the
    signals over every month it shows, then the latest month's position.

    Forms (``subject="ASB"``)::

        ASB shows only common cause variation from April 2019 to March 2020: no month was
        outside the process limits and no run, trend or cluster near a limit signals a change.
        March 2020 (12) was within the usual range of 5.7 to 16.3 a month.
        ASB shows special cause variation from April 2018 to December 2024: higher than usual
        from March 2024 to November 2024 (9 months in a row above its average of 390, 4 of
        them above the upper process limit of 525), a concerning signal. December 2024 (378)
        was within the usual range of 256 to 525 a month.
        ASB shows special cause variation from April 2019 to April 2020: higher than usual in
        the latest month, a concerning signal. April 2020 (30) was above the upper process
        limit of 17.8.
        ASB shows special cause variation from April 2019 to August 2020: rising since
        February 2020 (6 rises in a row), a concerning signal. August 2020 (17) was within the
        process limits of 0 to 32.0 but continues that signal.

    Each signal is a stretch of consecutive special-cause months on one side (:func:`signals`),
    named with its months and the rules that flag it (points outside the limits, a run on one
    side of the average, a trend, two of three months close to a limit); with more than three,
    the latest three. Limits from fewer points than the trial threshold add "These are trial
    limits from only N months of data." Points the chart excluded (``spc(..., exclude=...)``)
    are passed over. ``plural`` for a plural subject ("Missing-person reports show ...").
    """
    frame = _judged(result)
    first, last = frame.iloc[0], frame.iloc[-1]
    who = cap(subject)
    shows, its = ("show", "their") if plural else ("shows", "its")
    span = f"{period_words(first['period'])} to {period_words(last['period'])}"
    found = signals(result)
    if not found:
        text = (f"{who} {shows} only common cause variation from {span}: no month was outside "
                "the process limits and no run, trend or cluster near a limit signals a change.")
    else:
        shown = found[-3:]
        lead = f"{len(found)} signals, the latest three: " if len(found) > 3 else ""
        clauses = "; ".join(_signal_words(s, its) for s in shown)
        text = f"{who} {shows} special cause variation from {span}: {lead}{clauses}."
    text += " " + _latest_words(last, found, unit)
    if bool(last["trial"]):
        seg = result.segments.iloc[-1]
        text += (f" These are trial limits from only {format_count(seg['n_for_limits'])} "
                 "months of data.")
    return text


def _latest_words(last: pd.Series, found: list, unit: str) -> str:
    """The latest month's position: within the usual range, beyond a limit, or within the
    limits but part of the signal that is still going on."""
    month, value = period_words(last["period"]), level_text(last["value"])
    upl, lpl = level_text(last["upl"]), level_text(max(last["lpl"], 0))
    if bool(last["outside_limits"]):
        where = (f"above the upper process limit of {upl}" if last["value"] > last["upl"]
                 else f"below the lower process limit of {lpl}")
        return f"{month} ({value}) was {where}."
    if bool(last["special_cause"]) and found and found[-1].ongoing:
        return (f"{month} ({value}) was within the process limits of {lpl} to {upl} but "
                "continues that signal.")
    return f"{month} ({value}) was within the usual range of {lpl} to {upl} {unit}."


def spc_title(result, subject: str, *, shift=None, plural: bool = False) -> str:
    """A chart title that states what an XmR chart shows, without numbers, agreeing with
    :func:`spc_sentence`: the latest signal, or that there is none.

    Forms (``subject="Crime"``)::

        Crime stayed within its usual range from April 2018 to March 2021
        Crime was higher than usual from March 2020 to November 2020; within its usual range
        in March 2021
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
    found = signals(result)
    if not found:
        first = period_words(frame["period"].iloc[0])
        return f"{who} stayed within {its} usual range from {first} to {month}"
    if not found[-1].ongoing:
        level = "higher" if found[-1].side == "high" else "lower"
        return (f"{who} {be} {level} than usual {_span(found[-1])}; within {its} usual range "
                f"in {month}")
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
