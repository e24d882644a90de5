"""Change between two periods, with its uncertainty and a verdict: "rose", "fell" or "similar".

A change is reported as counts, absolute and percentage change, the rate ratio with its exact
interval, a two-sided p-value (exact conditional test for two Poisson counts, see
:mod:`pccanalysis.indicators.significance`) and a verdict read off the p-value at a chosen
significance level ``alpha`` (:func:`pccanalysis.indicators.significance.verdicts`, the one
rule every indicator uses). The narrative reads only the verdict, so a board hears "rose" or
"fell" only where the change is unlikely to be noise.

Two options make that promise hold for real crime figures, which vary more than Poisson noise
and are read a table at a time:

``dispersion``
    The quasi-Poisson over-dispersion factor ``phi`` (1 by default: Poisson noise, the exact
    test). ``"estimate"`` measures it from each series' own months before the current period
    (:func:`pccanalysis.indicators.significance.estimate_dispersion`). Briefings use
    ``"estimate"``: a force's year-to-date total of 29,129 against 29,900 (-2.6%) is then
    "similar", not "fell".
``adjust`` (:func:`change_by` only)
    Adjusts the p-values of a table for the number of rows (``"holm"`` or ``"bh"``), adding an
    ``adjusted_p`` column that the verdicts are read from: at ``alpha = 0.05`` a table of 14
    crime types would otherwise call about one change in two tables on noise alone. Briefings
    use ``"holm"``; the default ``"none"`` keeps the per-row verdicts.

The periods compared are described by a :class:`Comparison`, built by
:func:`same_quarter_last_year`, :func:`year_to_date`, :func:`rolling_12_months`,
:func:`since_baseline`, :func:`same_period_last_year` or :func:`between`.

References
----------
Przyborowski J, Wilenski H (1940), Biometrika 31, 313-323 (exact conditional test).
R Core Team, ``poisson.test`` (two-sample form: the same test and interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

from .. import periods as _periods
from ..errors import DataError, PeriodError
from ..periods import ReportingPeriod, parse_period, parse_quarter, quarter_of, to_month
from .counts import _as_list, _month_series, _require_columns
from .gaps import Gap, gap_columns
from .significance import (
    ADJUSTMENTS,
    VERDICTS,
    adjust_p_values,
    compare_poisson_arrays,
    estimate_dispersion,
    method_names,
    verdict,
    verdicts,
)

__all__ = [
    "ADJUSTMENTS",
    "Caveat",
    "DISPERSION_MIN_MONTHS",
    "GAP_POLICIES",
    "ChangeResult",
    "Comparison",
    "ShareResult",
    "VERDICTS",
    "between",
    "change",
    "change_by",
    "compare_counts",
    "comparison",
    "months_in_words",
    "results",
    "rolling_12_months",
    "same_period_last_year",
    "same_quarter_last_year",
    "share_change",
    "since_baseline",
    "verdicts",
    "year_to_date",
]

#: ``dispersion="estimate"`` needs at least this many months before the current period; with
#: fewer the change is tested as Poisson (``dispersion = 1``) and the result says so.
DISPERSION_MIN_MONTHS = 12


# ----------------------------------------------------------------------------- periods


def span_label(months: Sequence[pd.Period]) -> str:
    """Plain-English span of consecutive months: "September 2020", "April to September 2020",
    "October 2019 to September 2020"."""
    months = sorted(months)
    first, last = months[0], months[-1]
    if first == last:
        return first.strftime("%B %Y")
    if first.year == last.year:
        return f"{first.strftime('%B')} to {last.strftime('%B %Y')}"
    return f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"


def months_in_words(months: Sequence[pd.Period]) -> str:
    """Months that need not be consecutive, in words: "November 2024", "October and
    December 2024", "March 2020 and April to June 2020"."""
    months = sorted(set(months))
    if not months:
        return "no months"
    if len({m.year for m in months}) == 1:
        names = [m.strftime("%B") for m in months]
        if len(names) == 1 or _consecutive(months) and len(names) > 2:
            return span_label(months)
        return f"{', '.join(names[:-1])} and {names[-1]} {months[0].year}"
    runs: list[list[pd.Period]] = [[months[0]]]
    for m in months[1:]:
        if m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    words = [span_label(r) for r in runs]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _consecutive(months: Sequence[pd.Period]) -> bool:
    return all(b == a + 1 for a, b in zip(months, months[1:], strict=False))


@dataclass(frozen=True)
class Comparison:
    """Two periods to compare.

    Attributes
    ----------
    kind : str
        What sort of comparison, in words: "same quarter last year", "year to date",
        "rolling 12 months", "since March 2020", "same period last year", "between periods".
    current_label, previous_label : str
        How each period is written in a briefing ("2020-21 Q2", "April to September 2020").
    current_months, previous_months : tuple of pandas.Period
        The months in each period (monthly Periods, in order).
    """

    kind: str
    current_label: str
    previous_label: str
    current_months: tuple[pd.Period, ...]
    previous_months: tuple[pd.Period, ...]

    def __post_init__(self) -> None:
        if not self.current_months or not self.previous_months:
            raise PeriodError("each period of a comparison needs at least one month.")

    @property
    def months(self) -> tuple[pd.Period, ...]:
        """Every month either period covers."""
        return tuple(sorted(set(self.current_months) | set(self.previous_months)))

    def without(self, months) -> Comparison:
        """The same comparison with ``months`` left out of both periods, like for like.

        When the two periods are the same length, each month of one period is paired with a
        month of the other, and leaving out a month leaves out its pair too, so both periods
        still cover the same part of the year. Months are paired by calendar month when both
        periods cover the same calendar months once each (a quarter against the same quarter
        last year; a financial year against the latest 12 months, April with April), else by
        position. Periods of different lengths (compared as monthly rates) lose only the
        months named. Labels say what was left out: "2024-25 Q3 excluding November 2024".

        Raises
        ------
        PeriodError
            When nothing would be left to compare.
        """
        drop = {to_month(m) for m in months}
        cur, prev = self.current_months, self.previous_months
        if len(cur) == len(prev):
            calendar = [m.month for m in cur]
            if len(set(calendar)) == len(cur) and sorted(calendar) == sorted(
                    m.month for m in prev):
                by_month = {m.month: m for m in prev}
                partner = {c: by_month[c.month] for c in cur}
            else:
                partner = dict(zip(cur, prev, strict=True))
            kept = [c for c in cur if c not in drop and partner[c] not in drop]
            new_cur = tuple(kept)
            partners = {partner[c] for c in kept}
            new_prev = tuple(m for m in prev if m in partners)
        else:
            new_cur = tuple(m for m in cur if m not in drop)
            new_prev = tuple(m for m in prev if m not in drop)
        if not new_cur or not new_prev:
            raise PeriodError(
                f"leaving out {months_in_words(sorted(drop))} leaves nothing to compare in "
                f"{self.kind} ({self.current_label} against {self.previous_label})."
            )
        if new_cur == cur and new_prev == prev:
            return self

        def label(old_label, old, new):
            gone = [m for m in old if m not in new]
            return f"{old_label} excluding {months_in_words(gone)}" if gone else old_label

        return Comparison(self.kind, label(self.current_label, cur, new_cur),
                          label(self.previous_label, prev, new_prev), new_cur, new_prev)


def same_quarter_last_year(quarter) -> Comparison:
    """A financial-year quarter against the same quarter a year earlier.

    Parameters
    ----------
    quarter : Quarter or str
        E.g. ``"2020-21 Q2"`` (July to September 2020, compared with July to September 2019).
    """
    q = parse_quarter(quarter)
    p = q.same_quarter_last_year()
    return Comparison("same quarter last year", q.label, p.label, tuple(q.months), tuple(p.months))


def _end_month(end) -> pd.Period:
    if isinstance(end, str):
        try:
            return parse_quarter(end).last_month
        except PeriodError:
            return to_month(end)
    if hasattr(end, "last_month"):
        return end.last_month
    return to_month(end)


def year_to_date(end) -> Comparison:
    """Financial year to date against the same months of the previous financial year.

    Parameters
    ----------
    end : month-like, Quarter or str
        The last month included (``"2020-09"``) or a quarter (``"2020-21 Q2"``: to its end).
        April to September 2020 is compared with April to September 2019.
    """
    last = _end_month(end)
    months = quarter_of(last).financial_year.first_month
    current = tuple(pd.period_range(months, last, freq="M"))
    previous = tuple(_periods.same_period_last_year(current))
    return Comparison("year to date", span_label(current), span_label(previous), current, previous)


def rolling_12_months(end) -> Comparison:
    """The 12 months to ``end`` against the 12 months before them.

    Parameters
    ----------
    end : month-like, Quarter or str
        Last month of the current 12 (a quarter means its last month).
    """
    current = tuple(_periods.rolling_12_months(_end_month(end)))
    previous = tuple(_periods.same_period_last_year(current))
    return Comparison("rolling 12 months", span_label(current), span_label(previous), current,
                      previous)


def since_baseline(baseline, end) -> Comparison:
    """Every month from a baseline month to ``end`` against the same months a year earlier.

    "Crime has fallen by 20% since March 2020" compares March 2020 to the latest month with
    March 2019 to a year before the latest month.

    Parameters
    ----------
    baseline : month-like
        First month of the current period (``"2020-03"``).
    end : month-like, Quarter or str
        Last month of the current period.

    Raises
    ------
    PeriodError
        When the span is longer than 12 months (the periods would overlap) or ends before it
        starts.
    """
    first, last = to_month(baseline), _end_month(end)
    if last < first:
        raise PeriodError(f"the end month {last} is before the baseline month {first}.")
    current = tuple(pd.period_range(first, last, freq="M"))
    if len(current) > 12:
        raise PeriodError(
            f"{first} to {last} is {len(current)} months: a comparison with the same months a "
            "year earlier needs 12 months or fewer (use rolling_12_months for longer)."
        )
    previous = tuple(_periods.same_period_last_year(current))
    return Comparison(f"since {first.strftime('%B %Y')}", span_label(current),
                      span_label(previous), current, previous)


def _period(value) -> tuple[str, tuple[pd.Period, ...]]:
    if isinstance(value, ReportingPeriod):
        return value.label, tuple(value.months)
    if isinstance(value, (list, tuple)) and value and not isinstance(value, str):
        months = tuple(sorted(to_month(m) for m in value))
        return span_label(months), months
    rp = parse_period(value)
    return rp.label, tuple(rp.months)


def same_period_last_year(period) -> Comparison:
    """Any period (month, quarter, financial or calendar year) against a year earlier.

    Parameters
    ----------
    period : str, ReportingPeriod or list of months
        ``"2020-21"`` compares 2020-21 with 2019-20; ``"2020-09"`` September 2020 with
        September 2019.
    """
    label, months = _period(period)
    previous = tuple(_periods.same_period_last_year(months))
    rp = parse_period(label) if not isinstance(period, (list, tuple)) else None
    if rp is not None and rp.kind == "financial_year":
        prev_label = quarter_of(previous[0]).financial_year.label
    elif rp is not None and rp.kind == "quarter":
        prev_label = parse_quarter(label).same_quarter_last_year().label
    elif rp is not None and rp.kind == "calendar_year":
        prev_label = str(previous[0].year)
    else:  # a month or a list of months: written out in words on both sides
        label, prev_label = span_label(months), span_label(previous)
    return Comparison("same period last year", label, prev_label, months, previous)


def between(current, previous, kind: str = "between periods") -> Comparison:
    """Any two periods, e.g. ``between("2020-21", "2019-20")`` or two lists of months.

    When the periods differ in length the comparison is of monthly rates (see
    :func:`change`).
    """
    c_label, c_months = _period(current)
    p_label, p_months = _period(previous)
    return Comparison(kind, c_label, p_label, c_months, p_months)


_KINDS = {
    "same_quarter_last_year": same_quarter_last_year,
    "year_to_date": year_to_date,
    "rolling_12_months": rolling_12_months,
}


def comparison(kind: str, at, baseline=None) -> Comparison:
    """Build a comparison by name, as a configuration file writes it.

    Parameters
    ----------
    kind : {"same_quarter_last_year", "year_to_date", "rolling_12_months", "since_baseline",
            "same_period_last_year"}
    at : str, Quarter or month-like
        The reporting period (a quarter, or its last month).
    baseline : month-like, optional
        Needed for ``"since_baseline"``.
    """
    if kind in _KINDS:
        return _KINDS[kind](at)
    if kind == "since_baseline":
        if baseline is None:
            raise PeriodError("a 'since_baseline' comparison needs a baseline month.")
        return since_baseline(baseline, at)
    if kind == "same_period_last_year":
        return same_period_last_year(at)
    names = ", ".join([*_KINDS, "since_baseline", "same_period_last_year"])
    raise PeriodError(f"{kind!r} is not a comparison: use one of {names}.")


# ----------------------------------------------------------------------------- results


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
        was too few (under :data:`DISPERSION_MIN_MONTHS`) to measure how much the count usually
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


def _join_caveats(*parts: Caveat | None) -> Caveat | None:
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


@dataclass(frozen=True)
class ChangeResult:
    """A change in a count between two periods.

    Attributes
    ----------
    label : str
        What was counted and where ("Anti-social behaviour", "Burglary / Dales").
    kind : str
        The comparison ("same quarter last year", "year to date", ...).
    current_label, previous_label : str
        The periods as a briefing writes them ("2020-21 Q2", "2019-20 Q2").
    current, previous : float
        Counts in each period (numbers of crimes or incidents).
    current_exposure, previous_exposure : float
        Months each period covers. When they differ, ``ratio`` and ``percent`` compare monthly
        rates.
    absolute : float
        ``current - previous * current_exposure / previous_exposure``: the change in the count
        over a period as long as the current one (``current - previous`` for equal lengths).
    percent : float
        ``100 * (ratio - 1)``, in percent (-19.6 for a 19.6% fall). NaN when the previous count
        is 0 (a rise from nothing has no percentage), including a change from 0 to 0.
    ratio : float
        Rate ratio, current over previous (per month). ``inf`` when only the previous count is
        0; NaN for 0 and 0.
    ratio_low, ratio_high : float
        Interval for the ratio at confidence ``1 - alpha``: exact conditional
        (Clopper-Pearson), or the quasi-Poisson score interval when ``dispersion > 1``.
    p_value : float
        Two-sided p-value for "no change in the monthly rate"; 1 for 0 and 0.
    method : str
        The test ("exact conditional", "quasi-Poisson score" or "square-root Poisson Z").
    alpha : float
        Significance level of the verdict (and one minus the interval's confidence level).
    verdict : {"rose", "fell", "similar"}
        "rose"/"fell" when ``adjusted_p < alpha``, in the direction of ``ratio``; else
        "similar" (:func:`pccanalysis.indicators.significance.verdicts`).
    caveat : Caveat or None
        Why the figure may mislead (e.g. a month of the comparison looks like a publication
        gap), or None.
    dispersion : float
        The over-dispersion factor ``phi`` the test allowed for (1: Poisson noise).
    adjusted_p : float
        ``p_value`` adjusted for the number of rows of the table (:func:`change_by`'s
        ``adjust``); equal to ``p_value`` for a single change or with ``adjust="none"``.
    adjust : {"none", "holm", "bh"}
        The adjustment used.
    """

    label: str
    kind: str
    current_label: str
    previous_label: str
    current: float
    previous: float
    current_exposure: float
    previous_exposure: float
    absolute: float
    percent: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    method: str
    alpha: float
    verdict: str
    caveat: Caveat | None = None
    dispersion: float = 1.0
    adjusted_p: float = float("nan")
    adjust: str = "none"


RESULT_COLUMNS = [f.name for f in fields(ChangeResult)]


def _change_arrays(current, previous, t1, t2, alpha, method, dispersion=1.0, adjust="none",
                   tested=None):
    x1 = np.asarray(current, dtype=float)
    x2 = np.asarray(previous, dtype=float)
    out = compare_poisson_arrays(x1, x2, t1, t2, alpha, method, dispersion)
    t1 = np.broadcast_to(np.asarray(t1, dtype=float), x1.shape)
    t2 = np.broadcast_to(np.asarray(t2, dtype=float), x1.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        percent = np.where(x2 > 0, 100 * (x1 * t2 - x2 * t1) / (x2 * t1), np.nan)
    out["absolute"] = x1 - x2 * t1 / t2
    out["percent"] = percent
    if tested is None:
        tested = (x1 + x2) > 0
    adjusted = adjust_p_values(out["p_value"], adjust, tested=tested).reshape(x1.shape)
    out["adjusted_p"] = adjusted
    out["verdict"] = verdicts(adjusted, out["ratio"], alpha)
    out["current_exposure"] = t1
    out["previous_exposure"] = t2
    out["dispersion"] = np.broadcast_to(np.asarray(dispersion, dtype=float), x1.shape)
    out["method"] = method_names(method, out["dispersion"])
    return out


def _check_adjust(adjust: str) -> None:
    if adjust not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {ADJUSTMENTS}, not {adjust!r}.")


def compare_counts(current: float, previous: float, *, current_exposure: float = 1.0,
                   previous_exposure: float = 1.0, alpha: float = 0.05, method: str = "exact",
                   dispersion: float = 1.0, label: str = "", kind: str = "",
                   current_label: str = "current", previous_label: str = "previous",
                   caveat: Caveat | None = None) -> ChangeResult:
    """The change from one count to another, with its p-value, interval and verdict.

    Parameters
    ----------
    current, previous : int
        The counts.
    current_exposure, previous_exposure : float
        Months (or other exposure) each count covers.
    alpha : float
        Significance level of the verdict (0.05 by default).
    method : {"exact", "sqrt"}
        Exact conditional test (default) or the square-root Poisson Z.
    dispersion : float
        Quasi-Poisson over-dispersion factor ``phi >= 1`` (1: Poisson noise and the exact
        test; above 1 the score test with its variance times ``phi``, see
        :mod:`pccanalysis.indicators.significance`). Estimate it from the monthly series with
        :func:`pccanalysis.indicators.significance.estimate_dispersion`.
    label, kind, current_label, previous_label, caveat
        Carried into the result to make it self-describing.

    Examples
    --------
    >>> r = compare_counts(80, 100)
    >>> r.percent, r.verdict   # 80 against 100 could be noise: p = 0.16
    (-20.0, 'similar')
    """
    _check_dispersion_value(dispersion)
    out = _change_arrays(current, previous, current_exposure, previous_exposure, alpha, method,
                         dispersion)
    return ChangeResult(
        label=label, kind=kind, current_label=current_label, previous_label=previous_label,
        current=_plain(current), previous=_plain(previous),
        current_exposure=float(current_exposure), previous_exposure=float(previous_exposure),
        absolute=_plain(out["absolute"]), percent=float(out["percent"]),
        ratio=float(out["ratio"]), ratio_low=float(out["ratio_low"]),
        ratio_high=float(out["ratio_high"]), p_value=float(out["p_value"]),
        method=str(out["method"]), alpha=float(alpha), verdict=str(out["verdict"]),
        caveat=caveat, dispersion=float(dispersion), adjusted_p=float(out["adjusted_p"]),
        adjust="none",
    )


def _check_dispersion_value(dispersion) -> None:
    if isinstance(dispersion, str):
        raise ValueError(f"dispersion must be a number of 1 or more here, not {dispersion!r} "
                         "('estimate' needs the monthly data: use change or change_by).")
    try:
        ok = float(dispersion) >= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"dispersion must be a number of 1 or more, not {dispersion!r}.")


def _plain(x):
    x = float(x)
    return int(x) if x.is_integer() else x


# ----------------------------------------------------------------------------- from frames


def _period_totals(frame: pd.DataFrame, comp: Comparison, by: list[str],
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


def _caveats(frame: pd.DataFrame, keys: pd.DataFrame, by: list[str], comp: Comparison,
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


GAP_POLICIES = ("caveat", "exclude", "exclude_own")


def _gap_months(frame: pd.DataFrame, comp: Comparison, gaps: pd.DataFrame | None,
                policy: str) -> tuple[pd.Period, ...]:
    """Months of ``comp`` with a publication gap in a category ``frame`` counts (if excluding)."""
    if policy not in GAP_POLICIES:
        raise ValueError(f"gap_policy must be one of {GAP_POLICIES}, not {policy!r}.")
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


def _excluding(comp: Comparison,
               months: tuple[pd.Period, ...]) -> tuple[Comparison, Caveat | None]:
    """``comp`` without the gap months, and the caveat saying so (or ``comp`` unchanged)."""
    if not months:
        return comp, None
    try:
        narrower = comp.without(months)
    except PeriodError:  # every month is a gap: keep the figure, with its caveat
        return comp, None
    paired = sorted(set(comp.months) - set(narrower.months) - set(months))
    return narrower, Caveat(left_out=tuple(months), paired=tuple(paired))


def compared_periods(frame: pd.DataFrame, comp: Comparison, gaps: pd.DataFrame | None = None,
                     gap_policy: str = "caveat") -> Comparison:
    """The periods :func:`change` and :func:`change_by` actually compare: ``comp`` without the
    publication-gap months (and their pairs) that ``gap_policy="exclude"`` leaves out, so a
    figure shown beside a change table (rows in no ward, a total) counts the same months."""
    return _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))[0]


def change(frame: pd.DataFrame, comp: Comparison, *, count_column: str | None = None,
           label: str = "", alpha: float = 0.05, method: str = "exact",
           gaps: pd.DataFrame | None = None, available_months: Sequence | None = None,
           gap_policy: str = "caveat", dispersion: float | str = 1.0) -> ChangeResult:
    """The change in the total count of ``frame`` between the two periods of ``comp``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column, already filtered to what is counted (e.g.
        ``all_crime(frame)`` or ASB in one CSP).
    comp : Comparison
        The periods.
    count_column : str, optional
        Pre-aggregated count column; None means each row counts one.
    label : str
        What was counted, carried into the result.
    alpha : float
        Significance level of the verdict.
    method : {"exact", "sqrt"}
        The test (see :func:`compare_counts`).
    gaps : pandas.DataFrame, optional
        Publication gaps from :func:`pccanalysis.indicators.gaps.find_gaps`; when one of the
        counted categories has a gap in a compared month the result carries a caveat.
    available_months : sequence of month-like, optional
        The months the data cover; by default every month from the frame's first to its last.
        A compared month outside them raises :class:`PeriodError` rather than count as zero
        (a quarter past the end of the data must not read as a fall to nothing). Pass it when
        ``frame`` was filtered to something sparse (robbery in one ward), whose own first and
        last rows need not be the data's, e.g. ``month_range(full_frame)``.
    gap_policy : {"caveat", "exclude"}
        What to do when a compared month has a publication gap in a counted category:
        ``"caveat"`` (default) compares the periods as they are and attaches the caveat;
        ``"exclude"`` leaves the gap months, and their pairs in the other period, out of both
        periods (:meth:`Comparison.without`), so the figure compares like with like; the
        labels and the caveat say which months were left out. A comparison whose every month
        is a gap keeps the ``"caveat"`` behaviour.
    dispersion : float or "estimate"
        Quasi-Poisson over-dispersion factor ``phi >= 1`` (default 1: Poisson noise, the exact
        test). ``"estimate"``: ``phi`` from the monthly counts of every available month before
        the current period
        (:func:`~pccanalysis.indicators.significance.estimate_dispersion`, at least 1); with
        fewer than :data:`DISPERSION_MIN_MONTHS` such months ``phi`` is 1 and the caveat says
        so. Briefings use ``"estimate"``.

    Examples
    --------
    A force's year to date, 29,129 crimes against 29,900 (-2.6%): the exact test gives
    p = 0.0015 ("fell"), but with ``dispersion=4`` (monthly totals with twice the Poisson
    standard deviation; Derbyshire's monthly all-crime totals for 2023-24 give about 6)
    ``z`` halves from -3.17 to -1.59 and p = 0.11 ("similar").
    """
    _check_dispersion_arg(dispersion)
    start = min(comp.current_months)
    comp, note = _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))
    if dispersion == "estimate":
        totals, history = _period_totals(frame, comp, [], count_column, True, available_months,
                                         start)
        phi, phi_note = _estimated(history, start)
    else:
        totals = _period_totals(frame, comp, [], count_column, True, available_months)
        phi, phi_note = np.array([float(dispersion)]), None
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    caveat = _join_caveats(note, _caveats(frame, totals, [], comp, gaps)[0], phi_note)
    return compare_counts(
        totals["current"].iloc[0], totals["previous"].iloc[0], current_exposure=t1,
        previous_exposure=t2, alpha=alpha, method=method, dispersion=float(phi[0]),
        label=label, kind=comp.kind, current_label=comp.current_label,
        previous_label=comp.previous_label, caveat=caveat,
    )


def _check_dispersion_arg(dispersion) -> None:
    if not (isinstance(dispersion, str) and dispersion == "estimate"):
        _check_dispersion_value(dispersion)


def _estimated(history: np.ndarray, start: pd.Period) -> tuple[np.ndarray, Caveat | None]:
    """``phi`` per row of a history matrix (groups x months), or 1 with a caveat when short."""
    n = history.shape[1]
    if n < DISPERSION_MIN_MONTHS:
        return np.ones(history.shape[0]), Caveat(history_months=n, history_start=start)
    return np.atleast_1d(estimate_dispersion(history)), None


def change_by(frame: pd.DataFrame, comp: Comparison, by, *, count_column: str | None = None,
              alpha: float = 0.05, method: str = "exact", gaps: pd.DataFrame | None = None,
              dropna: bool = True, available_months: Sequence | None = None,
              gap_policy: str = "caveat", dispersion: float | str = 1.0,
              adjust: str = "none") -> pd.DataFrame:
    """The change for every group (ward, crime type, CSP, ...) in one call.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column.
    comp : Comparison
        The periods.
    by : str or list of str
        Grouping columns, e.g. ``"ward_name"`` or ``["ward_name", "crime_type"]``.
    count_column, alpha, method, gaps, available_months, gap_policy
        As for :func:`change`. With ``gap_policy="exclude"`` every group leaves out the same
        months (any gap month of a category the frame counts), so the groups stay comparable
        with each other. With ``"exclude_own"`` each group leaves out only its own gap months
        (and their pairs), its labels saying so; the adjustment runs over the whole table.
    dispersion : float or "estimate"
        As for :func:`change`: one ``phi`` for every group, or ``"estimate"``: each group's
        own ``phi`` from its own monthly counts before the current period (a ward's counts
        vary differently from the force's).
    adjust : {"none", "holm", "bh"}
        Multiple-comparison adjustment over the rows of the table
        (:func:`~pccanalysis.indicators.significance.adjust_p_values`): ``"holm"``
        (Holm-Bonferroni: the chance of any false "rose"/"fell" in the table stays under
        ``alpha``) or ``"bh"`` (Benjamini-Hochberg: the expected share of false ones among
        the "rose"/"fell" rows stays under ``alpha``). Rows with no events in either period
        are not tests and are left out of the count. The verdict is read from
        ``adjusted_p``; the interval stays the per-row one. Default ``"none"`` (per-row
        verdicts, as before); briefings use ``"holm"``.
    dropna : bool
        Leave out rows with a missing group value (default), or keep them as a group.

    Returns
    -------
    pandas.DataFrame
        One row per group seen in the frame: the ``by`` columns, then the fields of
        :class:`ChangeResult` (``label`` joins the group values with " / "), including
        ``dispersion``, ``adjusted_p`` and ``adjust``. Sorted for reading: verdict ("rose",
        "similar", "fell"), then percent change from the largest rise to the largest fall,
        then group. "All wards fell except X" is
        ``table.loc[table.verdict != "fell", "ward_name"]``.
    """
    by = _as_list(by)
    if not by:
        raise ValueError("change_by needs at least one column to group by; use change().")
    _check_adjust(adjust)
    _check_dispersion_arg(dispersion)
    if gap_policy == "exclude_own" and len(frame):
        return _change_by_own_gaps(frame, comp, by, adjust=adjust, alpha=alpha,
                                   count_column=count_column, method=method, gaps=gaps,
                                   dropna=dropna, available_months=available_months,
                                   dispersion=dispersion)
    start = min(comp.current_months)
    comp, note = _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))
    if dispersion == "estimate":
        totals, history = _period_totals(frame, comp, by, count_column, dropna,
                                         available_months, start)
        phi, phi_note = _estimated(history, start)
    else:
        totals = _period_totals(frame, comp, by, count_column, dropna, available_months)
        phi, phi_note = float(dispersion), None
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    out = _change_arrays(totals["current"].to_numpy(), totals["previous"].to_numpy(), t1, t2,
                         alpha, method, phi, adjust)
    label = totals[by[0]].astype("str")
    for c in by[1:]:
        label = label + " / " + totals[c].astype("str")
    table = totals[by].assign(
        label=label.to_numpy(),
        kind=comp.kind,
        current_label=comp.current_label,
        previous_label=comp.previous_label,
        current=totals["current"].to_numpy(),
        previous=totals["previous"].to_numpy(),
        current_exposure=out["current_exposure"],
        previous_exposure=out["previous_exposure"],
        absolute=out["absolute"],
        percent=out["percent"],
        ratio=out["ratio"],
        ratio_low=out["ratio_low"],
        ratio_high=out["ratio_high"],
        p_value=out["p_value"],
        method=out["method"],
        alpha=float(alpha),
        verdict=out["verdict"],
        caveat=[_join_caveats(note, c, phi_note)
                for c in _caveats(frame, totals, by, comp, gaps)],
        dispersion=out["dispersion"],
        adjusted_p=out["adjusted_p"],
        adjust=adjust,
    )
    for col in ("current", "previous"):
        if (table[col] % 1 == 0).all():
            table[col] = table[col].astype("int64")
    return _for_reading(table, by)


def _for_reading(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """A change table sorted for reading: verdict, then largest rise to largest fall, then
    group."""
    order = pd.Categorical(table["verdict"], categories=VERDICTS, ordered=True)
    table = table.assign(_v=order.codes, _p=-table["percent"].fillna(-np.inf))
    table = table.sort_values(["_v", "_p", *by], kind="stable").drop(columns=["_v", "_p"])
    return table.reset_index(drop=True)


def _change_by_own_gaps(frame: pd.DataFrame, comp: Comparison, by: list[str], *, adjust: str,
                        alpha: float, dropna: bool, **options) -> pd.DataFrame:
    """:func:`change_by` with ``gap_policy="exclude_own"``: each group's change with its own
    gap months left out, then the verdicts adjusted over all the rows together."""
    groups = frame.groupby([frame[c] for c in by], observed=True, dropna=dropna, sort=False)
    table = pd.concat([change_by(rows, comp, by, alpha=alpha, dropna=dropna,
                                 gap_policy="exclude", adjust="none", **options)
                       for _, rows in groups], ignore_index=True)
    tested = ((table["current"] + table["previous"]) > 0).to_numpy()
    adjusted = adjust_p_values(table["p_value"].to_numpy(dtype=float), adjust, tested=tested)
    table = table.assign(adjusted_p=adjusted, adjust=adjust,
                         verdict=verdicts(adjusted, table["ratio"].to_numpy(dtype=float), alpha))
    return _for_reading(table, by)


def results(table: pd.DataFrame) -> list[ChangeResult]:
    """The rows of a :func:`change_by` table as :class:`ChangeResult` objects, in order."""
    _require_columns(table, RESULT_COLUMNS)
    rows = table[RESULT_COLUMNS].to_dict("records")
    return [ChangeResult(**{k: (None if k == "caveat" and not isinstance(v, Caveat) else v)
                            for k, v in row.items()}) for row in rows]


# ----------------------------------------------------------------------------- shares


@dataclass(frozen=True)
class ShareResult:
    """A group's share of a total now against its usual share.

    Attributes
    ----------
    label : str
        The group and what was counted ("City Centre", of hate crime).
    current_label, usual_label : str
        The two periods.
    current_count, current_total : int
        The group's count and the total in the current period.
    usual_count, usual_total : int
        The same over the usual (reference) period.
    current_share, usual_share : float
        Shares in percent (25.0 for 25%); NaN when the total is 0.
    difference : float
        ``current_share - usual_share`` in percentage points.
    p_value : float
        Fisher's exact test (two-sided) of the 2x2 table of group/other by period.
    method : str
        ``"Fisher exact"``.
    alpha : float
        Significance level of the verdict.
    verdict : {"rose", "fell", "similar"}
        Whether the share rose or fell, read off the p-value.
    """

    label: str
    current_label: str
    usual_label: str
    current_count: int
    current_total: int
    usual_count: int
    usual_total: int
    current_share: float
    usual_share: float
    difference: float
    p_value: float
    method: str
    alpha: float
    verdict: str


def share_change(frame: pd.DataFrame, of: str, value, comp: Comparison, *,
                 count_column: str | None = None, alpha: float = 0.05) -> ShareResult:
    """Is a group's share of the total (e.g. the city centre's share of hate crime) unusual?

    Compares the share of ``frame`` rows whose ``of`` column equals ``value`` in
    ``comp.current_months`` with the share over ``comp.previous_months`` (the usual period,
    e.g. the previous three years via :func:`between`) by Fisher's exact test.

    References
    ----------
    Fisher RA (1935). The logic of inductive inference. JRSS 98, 39-82;
    ``scipy.stats.fisher_exact``.
    """
    _require_columns(frame, [of])
    key = frame[of].astype("str").eq(str(value)).map({True: "group", False: "other"})
    totals = _period_totals(frame.assign(_group=key), comp, ["_group"], count_column, True,
                            None).set_index("_group")
    totals = totals.reindex(["group", "other"], fill_value=0)
    x1, x0 = float(totals.loc["group", "current"]), float(totals.loc["group", "previous"])
    n1 = x1 + float(totals.loc["other", "current"])
    n0 = x0 + float(totals.loc["other", "previous"])
    table = np.array([[x1, n1 - x1], [x0, n0 - x0]], dtype=np.int64)
    p = float(stats.fisher_exact(table).pvalue) if n1 > 0 and n0 > 0 else 1.0
    s1 = 100 * x1 / n1 if n1 else float("nan")
    s0 = 100 * x0 / n0 if n0 else float("nan")
    return ShareResult(str(value), comp.current_label, comp.previous_label, int(x1), int(n1),
                       int(x0), int(n0), s1, s0, s1 - s0, p, "Fisher exact", float(alpha),
                       verdict(p, s1 - s0, alpha, null=0.0))
