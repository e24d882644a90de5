"""What a frame counts in each period of a :class:`~pccanalysis.indicators.period_pair.PeriodPair`.

The step between a tidy frame and a test: the counts per group in the current and the earlier
period (and each group's monthly history, for the dispersion), refusing a month the data do
not cover; the publication-gap months that ``gap_policy="exclude"`` leaves out, with their
pairs; and the caveat each row carries for the gaps it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DataError, PeriodError
from ..periods import to_month
from .counts import _month_series, _require_columns
from .gaps import Caveat, Gap, gap_columns
from .options import GAP_POLICIES
from .period_pair import PeriodPair

__all__ = ["compared_periods"]


def _period_totals(frame: pd.DataFrame, comp: PeriodPair, by: list[str],
                   count_column: str | None, dropna: bool,
                   available: Sequence | None, history_before: pd.Period | None = None):
    """Counts in each period per group: columns ``[*by, "current", "previous"]``.

    With ``history_before`` also the monthly counts of every available month before it, one
    row per group in the order of the totals: returns ``(totals, matrix)``.
    """
    _require_columns(frame, by + ([count_column] if count_column else []))
    month = _month_series(frame)
    if available is None:
        have = (month.min(), month.max()) if len(month) else None
        missing = [m for m in comp.months if have is None or not have[0] <= m <= have[1]]
        if missing:
            span = "no months" if have is None else f"{have[0]} to {have[1]}"
            raise PeriodError(
                f"the data cover {span}, so {comp.kind} ({comp.current_label} against "
                f"{comp.previous_label}) cannot be computed: {missing[0]} is missing (for a "
                "filtered frame, pass available_months, the months of the whole data)."
            )
    else:
        have_set = {to_month(m) for m in available}
        missing = [m for m in comp.months if m not in have_set]
        if missing:
            raise PeriodError(
                f"{comp.kind} ({comp.current_label} against {comp.previous_label}) needs "
                f"{missing[0]}, which is not among the available months."
            )
    ordinals = month.array.asi8
    cur = np.isin(ordinals, [m.ordinal for m in comp.current_months])
    prev = np.isin(ordinals, [m.ordinal for m in comp.previous_months])
    if count_column is None:
        weight = np.ones(len(frame))
    else:
        weight = pd.to_numeric(frame[count_column], errors="coerce").to_numpy(dtype=float)
        if np.isnan(weight).any():
            raise DataError("some counts are missing or not numbers", column=count_column)
    values = pd.DataFrame({"current": np.where(cur, weight, 0.0),
                           "previous": np.where(prev, weight, 0.0)}, index=frame.index)
    if not by:
        totals = pd.DataFrame({"current": [values["current"].sum()],
                               "previous": [values["previous"].sum()]})
        codes = np.zeros(len(frame), dtype=np.int64)
    else:
        keys = [frame[c] for c in by]
        totals = values.groupby(keys, observed=True, dropna=dropna, sort=False).sum()
        totals.index = totals.index.set_names(by)
        totals = totals.reset_index()
        if history_before is not None:
            # ngroup numbers groups in the order the sum above lists them (sort=False)
            codes = values.groupby(keys, observed=True, dropna=dropna, sort=False).ngroup()
            codes = codes.to_numpy(dtype=float, na_value=np.nan)
    if history_before is None:
        return totals
    if available is None:
        first = month.min() if len(month) else history_before
        months = list(pd.period_range(first, history_before - 1, freq="M"))
    else:
        months = sorted({to_month(m) for m in available if to_month(m) < history_before})
    slot = pd.Index([m.ordinal for m in months]).get_indexer(ordinals)
    use = (slot >= 0) & ~np.isnan(codes)
    n_groups, n_months = len(totals), len(months)
    flat = codes[use].astype(np.int64) * n_months + slot[use]
    matrix = np.bincount(flat, weights=weight[use], minlength=n_groups * n_months)
    return totals, matrix.reshape(n_groups, n_months)


def _caveats(frame: pd.DataFrame, keys: pd.DataFrame, by: list[str], comp: PeriodPair,
             gaps: pd.DataFrame | None) -> np.ndarray:
    """Per row of ``keys``: a caveat holding the gaps inside the comparison, or None."""
    result = np.full(len(keys), None, dtype=object)
    if gaps is None or gaps.empty:
        return result
    gcols = gap_columns(gaps)
    relevant = gaps[gaps["month"].isin(comp.months)]
    if relevant.empty:
        return result
    _require_columns(frame, gcols)
    relevant = relevant.assign(
        _gap=[Gap.from_row(r) for r in relevant.itertuples(index=False)]
    )[gcols + ["_gap"]]
    for c in gcols:
        relevant[c] = relevant[c].astype("str")
    extra = [c for c in gcols if c not in by]
    if extra:
        # The gap's category must be among the rows counted for that result row.
        present = frame[by + extra].drop_duplicates()
        present = present.assign(**{c: present[c].astype("str") for c in by + extra})
        relevant = present.merge(relevant, on=gcols, how="inner")
        on = by
    else:
        on = gcols
    if not by:
        if len(keys) and len(relevant):
            result[0] = Caveat(gaps=tuple(dict.fromkeys(relevant["_gap"])))
        return result
    # each group's gaps once, in the order the gaps frame lists them
    joined = {key: Caveat(gaps=tuple(dict.fromkeys(rows["_gap"])))
              for key, rows in relevant.groupby(on, sort=False)}
    str_keys = zip(*(keys[c].astype("str").to_numpy() for c in on), strict=True)
    result[:] = [joined.get(key) for key in str_keys]
    return result


def _gap_months(frame: pd.DataFrame, comp: PeriodPair, gaps: pd.DataFrame | None,
                policy: str) -> tuple[pd.Period, ...]:
    """Months of ``comp`` with a publication gap in a category ``frame`` counts (if excluding)."""
    if policy not in GAP_POLICIES:
        raise ValueError(f"gap_policy must be one of {GAP_POLICIES}, not {policy!r}.")
    # "exclude_own" is "exclude" for one series; change_by applies it group by group.
    if policy == "caveat" or gaps is None or gaps.empty:
        return ()
    relevant = gaps[gaps["month"].isin(comp.months)]
    if relevant.empty:
        return ()
    gcols = gap_columns(gaps)
    _require_columns(frame, gcols)
    present = frame[gcols].drop_duplicates().astype("str")
    hit = relevant.assign(**{c: relevant[c].astype("str") for c in gcols}).merge(
        present, on=gcols, how="inner")
    return tuple(sorted(set(hit["month"])))


def _excluding(comp: PeriodPair,
               months: tuple[pd.Period, ...]) -> tuple[PeriodPair, Caveat | None]:
    """``comp`` without the gap months, and the caveat saying so (or ``comp`` unchanged)."""
    if not months:
        return comp, None
    try:
        narrower = comp.without(months)
    except PeriodError:  # every month is a gap: keep the figure, with its caveat
        return comp, None
    paired = sorted(set(comp.months) - set(narrower.months) - set(months))
    return narrower, Caveat(left_out=tuple(months), paired=tuple(paired))


def compared_periods(frame: pd.DataFrame, comp: PeriodPair, gaps: pd.DataFrame | None = None,
                     gap_policy: str = "caveat") -> PeriodPair:
    """The periods :func:`change` and :func:`change_by` actually compare: ``comp`` without the
    publication-gap months (and their pairs) that ``gap_policy="exclude"`` leaves out, so a
    figure shown beside a change table (rows in no ward, a total) counts the same months."""
    return _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))[0]
