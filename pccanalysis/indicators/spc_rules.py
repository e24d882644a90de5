"""The four Making Data Count special-cause rules, and the variation each point reads as.

Each rule is judged within a segment of an XmR chart (:mod:`pccanalysis.indicators.spc`)
against that segment's mean and limits:

1. **outside limits**: a point strictly above the upper or below the lower limit.
2. **trend**: ``trend_length`` points each strictly greater (or each strictly smaller) than
   the one before; every point of the run is flagged.
3. **two of three**: in three consecutive points all on the same side of the mean, at least
   two lie strictly beyond 2 sigma but not beyond the limits; those (not the third) are
   flagged. As in NHSRplotthedots, a point beyond the limits does not count towards this rule
   (it is already special cause).
4. **shift**: ``shift_length`` consecutive points on the same side of the mean (a point exactly
   on the mean breaks the run); every point of the run is flagged.

A point's direction (high or low) comes from the first rule that flags it in the order above:
side of the mean for rules 1, 3 and 4, direction of travel for a trend (so a rising run below
the mean is "high"). With the direction of improvement it gives the variation code, e.g.
``"concern_high"`` for a rising run of crime (the codes name the Making Data Count variation
icons).

References
----------
NHS-R Community, NHSRplotthedots (R/ptd_calculate_point_type.R, ptd_special_cause_type);
NHS England, "Making Data Count: strengthening your decisions" (2021).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["RULE_LABELS", "VARIATION_LABELS", "classify", "variation_code"]

VARIATION_LABELS = {
    "common_cause": "common cause variation",
    "improvement_high": "special cause variation of an improving nature (high)",
    "improvement_low": "special cause variation of an improving nature (low)",
    "concern_high": "special cause variation of a concerning nature (high)",
    "concern_low": "special cause variation of a concerning nature (low)",
    "neutral_high": "special cause variation, neither improving nor concerning (high)",
    "neutral_low": "special cause variation, neither improving nor concerning (low)",
}
"""Plain-English reading of each variation code (the codes name the Making Data Count icons)."""

RULE_LABELS = {
    "outside_limits": "a point outside the process limits",
    "trend": "a run of points all rising or all falling",
    "two_of_three": "two of three points beyond two sigma on the same side",
    "shift": "a run of points on one side of the mean",
}
"""Plain-English name of each special-cause rule, keyed as in the ``special_cause_rule`` column."""


def classify(y: np.ndarray, rel: np.ndarray, outside: np.ndarray, close: np.ndarray,
             trend_length: int, shift_length: int, direction: int) -> dict:
    """Apply the four rules to one segment's points.

    Parameters
    ----------
    y : numpy.ndarray
        The values, in order.
    rel : numpy.ndarray of int
        Each point's side of the mean (-1, 0, 1).
    outside, close : numpy.ndarray of bool
        Beyond the process limits; beyond 2 sigma but not beyond the limits.
    trend_length, shift_length : int
        Points in a trend and in a shift.
    direction : int
        Which way is better: 1 (increase), -1 (decrease) or 0 (neutral).

    Returns
    -------
    dict
        Columns of the chart's frame: ``trend``, ``two_of_three``, ``shift``,
        ``special_cause`` (bool arrays), ``special_cause_rule`` (a key of
        :data:`RULE_LABELS` or None), ``special_cause_side`` ("high", "low" or None) and
        ``variation`` (a key of :data:`VARIATION_LABELS`).
    """
    n = len(y)
    trend = _part_of_run(_trend_ends(y, trend_length) != 0, trend_length)
    shift = _part_of_run(_shift_ends(rel, shift_length), shift_length)
    two3 = _two_of_three(close, rel)

    # A point inside a trend takes the direction of the step after it when that step is also in
    # the trend, otherwise the step before (NHSRplotthedots ptd_special_cause_type).
    steps = np.sign(np.diff(y)).astype(int)
    step_before = np.r_[0, steps]
    step_after = np.r_[steps, steps[-1:]] if n > 1 else np.zeros(n, dtype=int)
    next_in_trend = np.r_[trend[1:], False]
    trend_side = np.where(trend & next_in_trend, step_after, step_before)

    rule = np.full(n, None, dtype=object)
    side = np.zeros(n, dtype=int)
    for i in range(n):
        if outside[i]:
            rule[i], side[i] = "outside_limits", 1 if rel[i] == 1 else -1
        elif trend[i]:
            rule[i], side[i] = "trend", 1 if trend_side[i] == 1 else -1
        elif two3[i]:
            rule[i], side[i] = "two_of_three", 1 if rel[i] > 0 else -1
        elif shift[i]:
            rule[i], side[i] = "shift", 1 if rel[i] > 0 else -1
    special = outside | trend | two3 | shift
    return {
        "trend": trend,
        "two_of_three": two3,
        "shift": shift,
        "special_cause": special,
        "special_cause_rule": pd.array(rule, dtype="object"),
        "special_cause_side": pd.array(
            [None if r is None else ("high" if s == 1 else "low")
             for r, s in zip(rule, side, strict=True)], dtype="object"),
        "variation": [variation_code(s, direction) if sc else "common_cause"
                      for s, sc in zip(side, special, strict=True)],
    }


def variation_code(side: int, direction: int) -> str:
    """The variation code of a special-cause point on ``side`` (1 high, -1 low) of a measure
    whose better ``direction`` is 1, -1 or 0 (neutral): ``"concern_high"``, ...
    """
    high_low = "high" if side == 1 else "low"
    if direction == 0:
        return f"neutral_{high_low}"
    return f"{'improvement' if side == direction else 'concern'}_{high_low}"


def _trend_ends(y: np.ndarray, length: int) -> np.ndarray:
    """+1 / -1 where a point ends ``length`` points each rising / falling on the one before."""
    n = len(y)
    out = np.zeros(n, dtype=int)
    steps = np.sign(np.diff(y))
    for i in range(length - 1, n):
        window = steps[i - length + 1:i]
        if np.all(window == 1):
            out[i] = 1
        elif np.all(window == -1):
            out[i] = -1
    return out


def _shift_ends(rel: np.ndarray, length: int) -> np.ndarray:
    """True where a point ends ``length`` points all on the same side of the mean."""
    n = len(rel)
    out = np.zeros(n, dtype=bool)
    for i in range(length - 1, n):
        window = rel[i - length + 1:i + 1]
        out[i] = rel[i] != 0 and np.all(window == rel[i])
    return out


def _part_of_run(ends: np.ndarray, length: int) -> np.ndarray:
    """Flag every point of each run whose last point is marked in ``ends``."""
    n = len(ends)
    out = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(ends):
        out[max(0, i - length + 1):i + 1] = True
    return out


def _two_of_three(close: np.ndarray, rel: np.ndarray) -> np.ndarray:
    n = len(close)
    out = np.zeros(n, dtype=bool)
    for j in range(n - 2):
        if close[j:j + 3].sum() >= 2 and abs(rel[j:j + 3].sum()) == 3:
            out[j:j + 3] |= close[j:j + 3]
    return out
