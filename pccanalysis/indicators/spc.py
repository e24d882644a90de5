"""Statistical process control in the NHS England "Making Data Count" style (XmR charts).

An XmR chart sets natural process limits at the mean plus or minus 2.66 times the mean moving
range, then looks for special-cause variation with four rules, classifies every point's
**variation** (common cause, or special cause improving, concerning or neutral, high or low) and
reads **assurance** against a target from where the target sits relative to the limits.

The rules, the order they take precedence in, the icon logic and the defaults follow the
NHSRplotthedots R package (``ptd_spc``), the reference implementation of Making Data Count.
This module builds and reads the chart; :mod:`pccanalysis.indicators.spc_limits` computes
the limits and :mod:`pccanalysis.indicators.spc_rules` holds the four rules.

Method
------
Limits, per segment (the points between rebases), are those of
:mod:`pccanalysis.indicators.spc_limits` (mean +/- 2.66 mean moving ranges, in exact
arithmetic); the rules, those of :mod:`pccanalysis.indicators.spc_rules`.

Excluded periods are taken out before the limits and the rules and put back afterwards, so
the points either side of one are consecutive for the moving range and the rules (the moving
range after an excluded month is measured from the month before it, and a run of 7 may pass
over it). The chart's reading (latest period, variation, assurance) is about the last point
that is not excluded.

Assurance (only with a target and a non-neutral improvement), from the latest segment's
limits: a target beyond the limits on the good side is consistently met, on the bad side
consistently missed; a target within the limits (or on one) is hit and miss.

Differences from NHSRplotthedots 0.2: rule lengths are configurable; a moving range equal to
3.267 times the mean is kept (NHSRplotthedots drops it, which leaves a constant series without
limits); the trial flag counts the points the limits were computed from (so limits fixed after
6 points stay trial); a rebase period absent from the series is an error rather than ignored; a
segment needs at least two points (not counting excluded ones). ``exclude`` is this project's
own choice: NHSRplotthedots has no such option. It is the "ghosted" point of some SPC tools (QI
Macros; excluded subgroups in JMP's Control Chart Builder): shown, but not used in the limits
or in the tests for special causes.

References
----------
NHS England and NHS Improvement, "Making Data Count: getting started" (2019) and "Making Data
Count: strengthening your decisions" (2021).
NHS-R Community, NHSRplotthedots, https://github.com/nhs-r-community/NHSRplotthedots
(R/ptd_spc_standard.R, R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R).
Wheeler, D. J. "Understanding Variation: The Key to Managing Chaos" (2nd ed., 2000).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError, DataError, PeriodError
from ..periods import to_month
from .spc_limits import LIMIT, MR_SCREEN, exact_values, moving_ranges, positions, xmr_limits
from .spc_rules import RULE_LABELS, VARIATION_LABELS, classify, variation_code

__all__ = [
    "ASSURANCE_LABELS",
    "LIMIT",
    "METHOD",
    "MR_SCREEN",
    "RULE_LABELS",
    "TRIAL_BELOW",
    "VARIATION_LABELS",
    "SpcResult",
    "SustainedShift",
    "assurance_type",
    "spc",
    "spc_with_shift",
    "sustained_shift",
]

#: Fewer points than this give trial limits (Making Data Count: at least 12, ideally 20).
TRIAL_BELOW = 12

Improvement = Literal["increase", "decrease", "neutral"]

ASSURANCE_LABELS = {
    "consistently_met": "the target is consistently met",
    "consistently_missed": "the target is consistently missed",
    "hit_and_miss": "the target will be hit and missed at random",
}
"""Plain-English reading of each assurance code; no target (or a neutral measure) gives None."""

METHOD = "XmR chart, NHS England Making Data Count rules (as in NHSRplotthedots)"


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart with its special-cause flags, variation and assurance.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per point, in period order: ``period``, ``value``, ``segment`` (0, 1, ... after
        each rebase), ``trial`` (limits from fewer than ``trial_below`` points),
        ``moving_range`` (NaN on a segment's first point), ``mr_used`` (the moving range counts
        towards the limits: not screened out, not after the fixing point), ``mean``, ``lpl``,
        ``upl`` (lower and upper process limits, 3 sigma), ``sigma``, ``lower_1sigma``,
        ``upper_1sigma``, ``lower_2sigma``, ``upper_2sigma``, ``relative_to_mean`` (-1, 0, 1),
        the rule flags ``outside_limits``, ``trend``, ``two_of_three``, ``shift`` (bool),
        ``special_cause`` (bool), ``special_cause_rule`` (the rule that sets the point's
        direction, a key of :data:`~pccanalysis.indicators.spc_rules.RULE_LABELS`, or None), ``special_cause_side`` ("high",
        "low" or None), ``variation`` (a key of :data:`~pccanalysis.indicators.spc_rules.VARIATION_LABELS`) and ``excluded``
        (the point is shown but took no part in the limits, moving ranges or rules; its
        ``moving_range`` is NaN, ``mr_used``, ``relative_to_mean`` and the rule flags are
        0/False and its ``variation`` is ``"excluded"``; ``mean`` and the limits are its
        segment's, so the lines run past it).
    segments : pandas.DataFrame
        One row per segment: ``segment``, ``first_period``, ``last_period``, ``n_points``,
        ``n_for_limits`` (points the limits were computed from), ``trial``, ``mean``, ``lpl``,
        ``upl``, ``mean_moving_range``, ``moving_ranges_screened``, ``n_excluded``.
    improvement : {"increase", "decrease", "neutral"}
        Which way is better.
    target : float or None
        The target the assurance reading used, in the series' units.
    latest_period, latest_value
        The last point that is not excluded (the point the reading is about).
    variation : str
        That point's variation code (the Making Data Count variation icon).
    variation_label : str
        Its plain-English reading.
    assurance : str or None
        ``"consistently_met"``, ``"consistently_missed"``, ``"hit_and_miss"``, or None when
        there is no target or the measure is neutral (the assurance icon).
    assurance_label : str or None
        Its plain-English reading.
    trial : bool
        The latest segment's limits are trial limits (fewer than ``trial_below`` points).
    settings : dict
        The options used (rule lengths, screening, fixing, rebase and excluded periods, trial
        threshold).
    method : str
        What was done, for a footnote.
    """

    frame: pd.DataFrame
    segments: pd.DataFrame
    improvement: Improvement
    target: float | None
    latest_period: object
    latest_value: float
    variation: str
    variation_label: str
    assurance: str | None
    assurance_label: str | None
    trial: bool
    settings: dict = field(default_factory=dict)
    method: str = METHOD

    @property
    def special_cause_points(self) -> pd.DataFrame:
        """The rows flagged as special cause."""
        return self.frame[self.frame["special_cause"]]

    @property
    def excluded_points(self) -> pd.DataFrame:
        """The rows shown on the chart but left out of its limits and rules."""
        return self.frame[self.frame["excluded"]]


def spc(
    data: pd.Series | pd.DataFrame,
    value: str = "count",
    period: str = "month",
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase: Iterable = (),
    exclude: Iterable = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    trend_length: int = 7,
    shift_length: int = 7,
    trial_below: int = TRIAL_BELOW,
) -> SpcResult:
    """Build an XmR chart, flag special causes, classify variation and assurance.

    Parameters
    ----------
    data : pandas.Series or pandas.DataFrame
        A series indexed by period, or a tidy frame with a ``period`` and a ``value`` column. One
        value per period; monthly Periods must have no missing month between the first and last.
    value, period : str
        Column names when ``data`` is a frame.
    improvement : {"increase", "decrease", "neutral"}
        Which direction is better ("decrease" for crime counts).
    target : float, optional
        Target value in the series' units, for the assurance reading.
    rebase : iterable of period-like
        Periods that start a new segment; limits are recalculated within each segment. Each must
        be one of the series' periods (NHSRplotthedots ``rebase``).
    exclude : iterable of period-like
        Periods shown on the chart but left out of everything else: the mean, the moving
        ranges, the limits and the four rules (a "ghosted" point). For periods known to be
        wrong rather than unusual, such as a month data.police.uk published with most of a
        category missing (:func:`pccanalysis.indicators.gaps.find_gaps`): a gap is missing
        data, not a signal. Each must be one of the series' periods.
    fix_after_n_points : int, optional
        Compute each segment's mean and limits from its first ``n`` points only and hold them for
        later points (NHSRplotthedots ``fix_after_n_points``). ``12`` gives the Making Data Count
        practice "trial limits until 12 points exist, then fixed limits".
    screen_outliers : bool
        Drop moving ranges above 3.267 times the mean moving range and recompute the mean moving
        range before setting limits (default True, as NHSRplotthedots).
    trend_length : int
        Points in a run all rising or all falling (default 7, so 6 consecutive strict increases
        or decreases; an equal value breaks the run).
    shift_length : int
        Points in a run on one side of the mean (default 7; a point exactly on the mean breaks
        the run).
    trial_below : int
        Limits computed from fewer points than this are flagged as trial (default 12).

    Returns
    -------
    SpcResult

    Notes
    -----
    The limits, excluded periods, assurance and the differences from NHSRplotthedots are in
    the module notes; the rules and how a point's variation is read, in
    :mod:`pccanalysis.indicators.spc_rules`.

    Raises
    ------
    DataError
        Missing or duplicated periods, missing values, or a segment of one point.
    PeriodError
        A rebase or excluded period not in the series.
    ConfigError
        An unknown improvement direction or a rule length below 2.
    """
    _check_settings(improvement, trend_length, shift_length, fix_after_n_points)
    periods, y = _series(data, value, period)
    starts = _rebase_positions(periods, rebase)
    excluded = np.zeros(len(y), dtype=bool)
    excluded[_positions(periods, exclude, "excluded")] = True
    settings = {
        "rebase": [periods[s] for s in starts], "exclude": list(periods[excluded]),
        "fix_after_n_points": fix_after_n_points, "screen_outliers": screen_outliers,
        "trend_length": trend_length, "shift_length": shift_length,
        "trial_below": trial_below, "limit_multiple": LIMIT, "mr_screen_multiple": MR_SCREEN,
    }
    direction = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
    frame, segments = _segments(periods, y, starts, excluded, settings, direction)
    last = frame[~frame["excluded"]].iloc[-1]
    assurance = None
    if target is not None and improvement != "neutral":
        assurance = assurance_type(float(target), last["lpl"], last["upl"], improvement)
    return SpcResult(
        frame=frame, segments=segments, improvement=improvement,
        target=None if target is None else float(target), latest_period=last["period"],
        latest_value=float(last["value"]), variation=last["variation"],
        variation_label=VARIATION_LABELS[last["variation"]], assurance=assurance,
        assurance_label=None if assurance is None else ASSURANCE_LABELS[assurance],
        trial=bool(last["trial"]), settings=settings,
    )


def _segments(periods: pd.Index, y: np.ndarray, starts: list[int], excluded: np.ndarray,
              settings: dict, direction: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chart's points (one frame) and its segments (one row each), segment by segment."""
    segment = np.zeros(len(y), dtype=int)
    for s in starts:
        segment[s:] += 1
    parts, rows = [], []
    for k in range(segment.max() + 1 if len(y) else 0):
        idx = np.flatnonzero(segment == k)
        kept = idx[~excluded[idx]]
        _check_segment(periods, idx, kept)
        part, row = _segment(y[kept], settings["fix_after_n_points"],
                             settings["screen_outliers"], settings["trend_length"],
                             settings["shift_length"], settings["trial_below"], direction)
        part.index = kept
        part = _ghost(part.reindex(idx), idx[excluded[idx]]).reset_index(drop=True)
        part.insert(0, "segment", k)
        part.insert(0, "value", y[idx])
        part.insert(0, "period", periods[idx])
        part["excluded"] = excluded[idx]
        parts.append(part)
        rows.append({"segment": k, "first_period": periods[idx[0]],
                     "last_period": periods[idx[-1]], **row,
                     "n_points": len(idx), "n_excluded": int(excluded[idx].sum())})
    return pd.concat(parts, ignore_index=True), pd.DataFrame(rows)


def _check_settings(improvement: str, trend_length: int, shift_length: int,
                    fix_after_n_points: int | None) -> None:
    """Refuse an unknown direction of improvement or a rule length below 2."""
    if improvement not in ("increase", "decrease", "neutral"):
        raise ConfigError(
            f"improvement must be 'increase', 'decrease' or 'neutral', not {improvement!r}."
        )
    for name, n in (("trend_length", trend_length), ("shift_length", shift_length)):
        if int(n) != n or n < 2:
            raise ConfigError(f"{name} must be a whole number of at least 2, not {n!r}.")
    if fix_after_n_points is not None and (int(fix_after_n_points) != fix_after_n_points
                                           or fix_after_n_points < 2):
        raise ConfigError(
            f"fix_after_n_points must be a whole number of at least 2, not {fix_after_n_points!r}."
        )


def _check_segment(periods: pd.Index, idx: np.ndarray, kept: np.ndarray) -> None:
    """A segment needs two points that are not excluded to have a moving range."""
    if len(kept) >= 2:
        return
    if len(kept) == len(idx):
        raise DataError(
            f"SPC needs at least two points in each segment, and the segment starting "
            f"{periods[idx[0]]} has one; move or remove that rebase"
        )
    raise DataError(
        f"SPC needs at least two points in each segment that are not excluded, and the "
        f"segment starting {periods[idx[0]]} has {len(kept) or 'none'}; move or remove "
        "that rebase or exclusion"
    )


def _ghost(part: pd.DataFrame, gone: np.ndarray) -> pd.DataFrame:
    """The segment's frame with the excluded points (index ``gone``) shown at their segment's
    level, so the lines run past them, and judged by nothing."""
    if not len(gone):
        return part
    for col in ("trial", "mean", "lpl", "upl", "sigma", "lower_1sigma", "upper_1sigma",
                "lower_2sigma", "upper_2sigma"):
        part.loc[gone, col] = part[col].dropna().iloc[0]
    part.loc[gone, ["mr_used", "outside_limits", "trend", "two_of_three", "shift",
                    "special_cause"]] = False
    part.loc[gone, "relative_to_mean"] = 0
    part.loc[gone, ["special_cause_rule", "special_cause_side"]] = None
    part.loc[gone, "variation"] = "excluded"
    return part.astype({"trial": bool, "mr_used": bool, "relative_to_mean": int,
                        "outside_limits": bool, "trend": bool, "two_of_three": bool,
                        "shift": bool, "special_cause": bool})


@dataclass(frozen=True)
class SustainedShift:
    """A run of points on one side of the mean that lasts to the latest point.

    Attributes
    ----------
    start, end : period
        The run's first and last points (the last is the chart's latest point that is not
        excluded).
    n_points : int
        Points in the run, not counting excluded ones.
    side : {"high", "low"}
        Above or below the mean.
    mean : float
        The mean the run is judged against (its segment's).
    variation : str
        The run's variation code, e.g. ``"improvement_low"`` for a fall in crime.
    """

    start: object
    end: object
    n_points: int
    side: str
    mean: float
    variation: str


def sustained_shift(result: SpcResult, min_points: int = TRIAL_BELOW) -> SustainedShift | None:
    """The shift to rebase at, if the chart shows one: a run on one side of the mean that
    reaches the latest point and is long enough to give limits of its own.

    Making Data Count recalculates limits only where the data show a sustained change, from
    the point where it began. This reads that from the shift rule alone, so a date is never
    assumed: the run of consecutive points on the same side of the latest segment's mean
    that ends at the latest point counts when it is at least ``min_points`` long (default
    12, so the new limits are not trial limits) and at least the shift rule's length, and
    at least two points of the segment come before it (so the old level keeps limits too).
    Excluded points are passed over, as the rules pass over them.

    Parameters
    ----------
    result : SpcResult
    min_points : int
        Shortest run that counts (default :data:`TRIAL_BELOW`).

    Returns
    -------
    SustainedShift or None
        None when the latest point is not at the end of such a run. Rebase at ``start``
        (``spc(..., rebase=[shift.start])``).

    References
    ----------
    NHS England, "Making Data Count: strengthening your decisions" (2021), recalculating
    limits after a sustained shift.
    """
    frame = result.frame
    seg = frame[(frame["segment"] == frame["segment"].iloc[-1]) & ~frame["excluded"]]
    side = int(seg["relative_to_mean"].iloc[-1])
    if side == 0:
        return None
    rel = seg["relative_to_mean"].to_numpy()
    n = 0
    while n < len(rel) and rel[len(rel) - 1 - n] == side:
        n += 1
    needed = max(int(min_points), int(result.settings.get("shift_length", 7)))
    if n < needed or len(rel) - n < 2:
        return None
    first = seg.iloc[len(rel) - n]
    last = seg.iloc[-1]
    direction = {"increase": 1, "decrease": -1, "neutral": 0}[result.improvement]
    return SustainedShift(start=first["period"], end=last["period"], n_points=n,
                          side="high" if side > 0 else "low", mean=float(last["mean"]),
                          variation=variation_code(side, direction))


def spc_with_shift(data, value: str = "count", period: str = "month", *,
                   min_points: int = TRIAL_BELOW, **options) -> tuple[SpcResult, SustainedShift | None]:
    """An XmR chart rebased at a sustained shift when the data show a change of level.

    :func:`spc` with ``options``; then, when :func:`sustained_shift` finds a run on one side
    of the mean lasting to the latest point, the chart again with a rebase at the run's start,
    kept only if the new level is itself stable: no point after the rebase is flagged by the
    run rules (a shift or a trend). A series that drifts rather than steps (a steady fall over
    two years) keeps one set of limits, because a second set would only split the drift in
    two; its run below the mean is then reported as special cause.

    Parameters
    ----------
    data, value, period, options
        As for :func:`spc` (``rebase`` must not be among the options).
    min_points : int
        As for :func:`sustained_shift`.

    Returns
    -------
    (SpcResult, SustainedShift or None)
        The chart shown, and the shift it was rebased at (None when not rebased).
    """
    if options.get("rebase"):
        raise ConfigError("spc_with_shift finds its own rebase: do not pass rebase=.")
    options.pop("rebase", None)
    result = spc(data, value, period, **options)
    shift = sustained_shift(result, min_points)
    if shift is None:
        return result, None
    rebased = spc(data, value, period, rebase=[shift.start], **options)
    new = rebased.frame[rebased.frame["segment"] == rebased.frame["segment"].max()]
    if (new["shift"] | new["trend"]).any():
        return result, None
    return rebased, shift


def assurance_type(target: float, lpl: float, upl: float, improvement: Improvement) -> str | None:
    """Making Data Count assurance of a target against process limits.

    Parameters
    ----------
    target, lpl, upl : float
        Target and the lower and upper process limits, in the same units.
    improvement : {"increase", "decrease", "neutral"}

    Returns
    -------
    str or None
        ``"consistently_met"`` when the target lies beyond the limits on the worse side (every
        expected value beats it), ``"consistently_missed"`` when it lies beyond the limits on
        the better side, ``"hit_and_miss"`` when it is within the limits (inclusive); None for
        a neutral measure. As NHSRplotthedots ``ptd_calculate_assurance_type``.
    """
    if improvement == "neutral":
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistently_missed" if increasing else "consistently_met"
    if target < lpl:
        return "consistently_met" if increasing else "consistently_missed"
    return "hit_and_miss"


def _series(data, value: str, period: str) -> tuple[pd.Index, np.ndarray]:
    if isinstance(data, pd.DataFrame):
        for col in (period, value):
            if col not in data.columns:
                raise DataError(f"the frame has no {col!r} column for the SPC chart", column=col)
        s = pd.Series(data[value].to_numpy(), index=pd.Index(data[period]))
    elif isinstance(data, pd.Series):
        s = data
    else:
        raise DataError("SPC needs a pandas Series indexed by period or a tidy frame")
    if len(s) == 0:
        raise DataError("the series for the SPC chart is empty")
    s = s.sort_index()
    dupes = s.index[s.index.duplicated()]
    if len(dupes):
        raise DataError(f"the series has more than one value for {dupes[0]}", column=period)
    y = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    missing = np.flatnonzero(~np.isfinite(y))
    if len(missing):
        raise DataError(f"the series has no usable value for {s.index[missing[0]]}", column=value)
    if isinstance(s.index, pd.PeriodIndex) and len(s) > 1:
        full = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
        gaps = full.difference(s.index)
        if len(gaps):
            raise DataError(
                f"the series has no value for {gaps[0]}, and an XmR chart needs every period "
                "between the first and the last",
                column=period,
            )
    return s.index, y


def _rebase_positions(periods: pd.Index, rebase: Iterable) -> list[int]:
    # rebasing at the first point changes nothing
    return sorted(p for p in _positions(periods, rebase, "rebase") if p > 0)


def _positions(periods: pd.Index, wanted: Iterable, what: str) -> list[int]:
    """Positions in ``periods`` of each of ``wanted`` (one period or several)."""
    if isinstance(wanted, (str, pd.Period, pd.Timestamp)) or not isinstance(wanted, Iterable):
        wanted = [wanted]
    positions = set()
    for r in wanted:
        key = to_month(r) if isinstance(periods, pd.PeriodIndex) else r
        if key not in periods:
            raise PeriodError(
                f"{what} period {key} is not in the series, which runs {periods[0]} to "
                f"{periods[-1]}."
            )
        positions.add(int(periods.get_loc(key)))
    return sorted(positions)


def _segment(y, fix_after, screen, trend_length, shift_length, trial_below, direction):
    """One segment's chart: its limits and each point's position, flags and variation."""
    n = len(y)
    exact = exact_values(y)
    limits = xmr_limits(exact, fix_after, screen)
    rel, outside, close = positions(exact, limits)
    flags = classify(y, rel, outside, close, trend_length, shift_length, direction)
    lines = limits.lines()
    used_flag = np.zeros(n, dtype=bool)
    used_flag[1:limits.n_for_limits] = limits.used
    trial = limits.n_for_limits < trial_below
    part = pd.DataFrame({
        "trial": trial,
        "moving_range": moving_ranges(exact),
        "mr_used": used_flag,
        **lines,
        "relative_to_mean": rel,
        "outside_limits": outside,
        **flags,
    })
    row = {
        "n_points": n,
        "n_for_limits": limits.n_for_limits,
        "trial": trial,
        "mean": lines["mean"],
        "lpl": lines["lpl"],
        "upl": lines["upl"],
        "mean_moving_range": float(limits.mean_moving_range),
        "moving_ranges_screened": int((~limits.used).sum()),
    }
    return part, row
