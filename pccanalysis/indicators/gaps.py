"""Publication gaps: months whose count is implausibly low against the category's own history.

data.police.uk sometimes publishes a month with most of a category missing (a force showing no
ASB at all in a month, another a third of its usual level). A year-on-year figure then reports
a collapse that never happened. This module flags such months so that change figures and the
narrative can carry a caveat instead (:class:`Gap` is one flagged month as a record, and a
:class:`Caveat` what a figure's reader should know: the gaps it keeps or leaves out, or too
short a history to measure its noise; the words are :mod:`pccanalysis.narrative.gaps`).

Method
------
For each category (crime type, or any grouping) the monthly series is completed with zeros.
Each month's *expected* count is the median of the ``window`` nearest other months (by
default the 12 nearest: six either side, more from one side at the ends of the series; or the
12 before it with ``centred=False``). The median ignores the gap month itself and is not
dragged down by another gap nearby. A month is flagged when both

* its count is below ``ratio_threshold`` times the expected count (default 0.4), and
* a count that low is implausible for a Poisson count with that mean:
  ``P(X <= count) < alpha`` (default 0.001).

The ratio rule keeps ordinary seasonal and month-to-month swings of large counts (which are
over-dispersed, so the Poisson tail alone would flag them) from being called gaps; the Poisson
rule keeps small counts (a category that usually has 3 a month and had 0) from being flagged on
noise. Only low months are flagged: a spike is not a publication gap.

The default threshold of 0.4 catches a month at a third of its usual level or at zero, but not
one at half: strongly seasonal categories fall that far in ordinary winters (bicycle theft in
Derbyshire, November 2023: 30 against a median of 56.5 for the surrounding year, 0.53).

References
----------
data.police.uk, "About the data" (revisions and missing data are noted month by month);
Office for Statistics Regulation (2023), police recorded crime statistics assessment (data
gaps and quality caveats).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .counts import _as_list, month_counts

__all__ = ["Caveat", "Gap", "find_gaps", "gap_columns", "gap_records", "join_caveats", "touches_gap"]

_VALUE_COLUMNS = ("month", "count", "expected", "ratio", "p_value", "flagged")


def _neighbour_positions(n: int, window: int, centred: bool, min_history: int):
    """For each position, the positions whose median gives the expected count (or None)."""
    positions = []
    for i in range(n):
        if centred:
            others = sorted((j for j in range(n) if j != i), key=lambda j: (abs(j - i), j))
            chosen = sorted(others[:window])
        else:
            chosen = list(range(max(0, i - window), i))
        positions.append(chosen if len(chosen) >= min_history else None)
    return positions


def find_gaps(frame: pd.DataFrame, by="crime_type", *, count_column: str | None = None,
              window: int = 12, centred: bool = True, ratio_threshold: float = 0.4,
              alpha: float = 0.001, min_history: int = 6, months: Iterable | None = None,
              all_months: bool = False) -> pd.DataFrame:
    """Flag months whose count for a category is implausibly low against its own history.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column (one row per crime, or pre-aggregated).
    by : str or list of str
        The categories checked separately (default ``"crime_type"``).
    count_column : str, optional
        Pre-aggregated count column; None means each row counts one.
    window : int
        How many other months give the expected count (default 12).
    centred : bool
        True (default): the nearest months on both sides, for reviewing published history;
        False: only the months before, for checking the latest month as it arrives.
    ratio_threshold : float
        Flag only months below this fraction of the expected count (default 0.4).
    alpha : float
        Flag only months whose Poisson lower-tail probability is below this (default 0.001).
    min_history : int
        Months with fewer comparison months than this are not judged.
    months : iterable of month-like, optional
        The months to consider; default every month from the frame's first to its last (a
        month with no rows at all counts as zero for every category).
    all_months : bool
        Return every month judged, with a ``flagged`` column, instead of only the flagged ones.

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, the ``by`` columns, ``count``, ``expected`` (median of the
        comparison months, in events), ``ratio`` (count / expected), ``p_value``
        (``P(X <= count)`` for a Poisson mean ``expected``), sorted by month then category;
        with ``all_months`` also ``flagged``.
    """
    by = _as_list(by)
    if not 0 < ratio_threshold <= 1:
        raise ValueError("ratio_threshold must lie in (0, 1].")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1.")
    monthly = month_counts(frame, by, count_column=count_column, months=months)
    columns = ["month", *by, "count", "expected", "ratio", "p_value"]
    if monthly.empty:
        return pd.DataFrame(columns=columns + (["flagged"] if all_months else []))
    n_months = monthly["month"].nunique()
    # month_counts gives every group the same months in the same order: reshape to a matrix.
    counts = monthly["count"].to_numpy(dtype=float).reshape(-1, n_months)
    expected = np.full(counts.shape, np.nan)
    for i, chosen in enumerate(_neighbour_positions(n_months, window, centred, min_history)):
        if chosen is not None:
            expected[:, i] = np.median(counts[:, chosen], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(expected > 0, counts / expected, np.nan)
    p_value = np.where(expected > 0, stats.poisson.cdf(counts, expected), np.nan)
    flagged = (expected > 0) & (ratio < ratio_threshold) & (p_value < alpha)
    out = monthly.assign(expected=expected.ravel(), ratio=ratio.ravel(),
                         p_value=p_value.ravel(), flagged=flagged.ravel())
    if all_months:
        out = out[~np.isnan(expected.ravel())]
        columns = columns + ["flagged"]
    else:
        out = out[flagged.ravel()]
    out = out.sort_values(["month", *by], kind="stable")[columns]
    return out.reset_index(drop=True)


def gap_columns(gaps: pd.DataFrame) -> list[str]:
    """The category columns of a :func:`find_gaps` frame (everything but the values)."""
    return [c for c in gaps.columns if c not in _VALUE_COLUMNS]


def touches_gap(gaps: pd.DataFrame, months: Iterable, **where) -> pd.DataFrame:
    """The flagged gaps that fall in ``months``, optionally for some categories only.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`find_gaps`.
    months : iterable of month-like or a PeriodPair
        The months of a period (a
        :class:`~pccanalysis.indicators.period_pair.PeriodPair` means both of its periods).
    **where
        Category filters, e.g. ``crime_type="Anti-social behaviour"``.

    Returns
    -------
    pandas.DataFrame
        The matching rows of ``gaps`` (empty when the period is clear). ``bool(len(...))``
        answers "does this period touch a gap?".
    """
    if hasattr(months, "months") and not isinstance(months, (list, tuple)):
        months = months.months
    wanted = {pd.Period(m, freq="M") for m in months}
    mask = gaps["month"].isin(wanted)
    for column, value in where.items():
        if column not in gaps.columns:
            raise ValueError(f"the gaps frame has no column {column!r}.")
        mask &= gaps[column].astype("str") == str(value)
    return gaps[mask]


@dataclass(frozen=True)
class Gap:
    """One publication gap: a month and the category it hit, with its count against the usual.

    Attributes
    ----------
    month : pandas.Period
        The month (as the gaps frame holds it).
    categories : tuple of str
        The row's category values in the frame's column order, e.g. ``("Anti-social
        behaviour",)`` or ``("force-one",)``.
    count, expected : float or None
        What was recorded and the usual count (:func:`find_gaps`'s ``expected``); both None
        for a month known only to be missing (a force's file that was never published).
    """

    month: pd.Period
    categories: tuple[str, ...]
    count: float | None = None
    expected: float | None = None

    @classmethod
    def from_row(cls, row) -> Gap:
        """The gap in one row of a :func:`find_gaps` frame (a namedtuple, Series or dict).

        Columns other than the value columns (and ``_``-prefixed helper columns) are the
        categories. A row without ``count``, or whose ``expected`` is missing, is a month known
        only to be missing.
        """
        values = row._asdict() if hasattr(row, "_asdict") else dict(row)
        cats = tuple(str(v) for k, v in values.items()
                     if k not in _VALUE_COLUMNS and not k.startswith("_"))
        expected = values.get("expected", np.nan)
        if "count" not in values or pd.isna(expected):
            return cls(values["month"], cats)
        return cls(values["month"], cats, float(values["count"]), float(expected))


def gap_records(gaps: pd.DataFrame) -> list[Gap]:
    """The rows of a :func:`find_gaps` frame (or a frame in its shape) as :class:`Gap` records,
    in order."""
    return [Gap.from_row(r) for r in gaps.itertuples(index=False)]


@dataclass(frozen=True)
class Caveat:
    """What a reader should know about the data behind a figure, as months and counts
    (:func:`pccanalysis.narrative.gaps.caveat_text` words it).

    Attributes
    ----------
    left_out : tuple of pandas.Period
        Months with a publication gap left out of both periods (``gap_policy="exclude"``).
    paired : tuple of pandas.Period
        The months of the other period left out with them, so like is compared with like.
    gaps : tuple of Gap
        Publication gaps in the compared months, kept in the figure
        (:class:`~pccanalysis.indicators.gaps.Gap`).
    gap_months : tuple of pandas.Period
        Gap months kept in the figure that are known only as months (a target given a list
        of months rather than a gaps frame).
    history_months : int or None
        With ``dispersion="estimate"``: how many months came before ``history_start`` when that
        was too few (under :data:`~pccanalysis.indicators.change.DISPERSION_MIN_MONTHS`) to measure how much the count usually
        varies, so the verdict allows only for Poisson noise; None otherwise.
    history_start : pandas.Period or None
        The first month of the current period, before which ``history_months`` were counted.
    """

    left_out: tuple[pd.Period, ...] = ()
    paired: tuple[pd.Period, ...] = ()
    gaps: tuple[Gap, ...] = ()
    gap_months: tuple[pd.Period, ...] = ()
    history_months: int | None = None
    history_start: pd.Period | None = None


def join_caveats(*parts: Caveat | None) -> Caveat | None:
    """One caveat holding what each part says (None when none says anything)."""
    kept = [c for c in parts if c is not None]
    if not kept:
        return None
    history = next((c for c in kept if c.history_months is not None), Caveat())
    return Caveat(left_out=sum((c.left_out for c in kept), ()),
                  paired=sum((c.paired for c in kept), ()),
                  gaps=sum((c.gaps for c in kept), ()),
                  gap_months=sum((c.gap_months for c in kept), ()),
                  history_months=history.history_months, history_start=history.history_start)
