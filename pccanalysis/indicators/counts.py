"""Counts by period and group, shares of a total, and rates per 1,000 people.

Input is a tidy frame with a ``month`` column (pandas Period, freq "M"): either one row per
recorded crime (the police street frame; each row counts one) or a pre-aggregated frame with
a count column (``count_column="count"``). Output is tidy: one row per period and group, with
months that have no rows filled with zero, because a month with no recorded burglary in a ward
is a count of 0, not a missing value.

"All crime" follows data.police.uk: every crime type except "Anti-social behaviour", which the
police publish alongside crime but which is not a notifiable offence (see :func:`all_crime`).

References
----------
Home Office, "Police recorded crime: user guide" (notifiable offences; ASB incidents are
recorded separately).
Garwood F (1936); Breslow NE, Day NE (1987): see :mod:`pccanalysis.indicators.significance`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ..periods import financial_year_of, quarter_of, to_month
from .intervals import clopper_pearson, poisson_interval

__all__ = [
    "ALL_CRIME",
    "ASB",
    "PERIODS",
    "Rate",
    "all_crime",
    "count_by",
    "month_counts",
    "month_range",
    "period_label",
    "rate",
    "rates",
    "shares",
]

ASB = "Anti-social behaviour"
ALL_CRIME = "All crime"
#: Period kinds understood by :func:`count_by`; the value is the name of the period column.
PERIODS = {
    "month": "month",
    "quarter": "quarter",
    "financial_year": "financial_year",
    "calendar_year": "calendar_year",
}


def all_crime(frame: pd.DataFrame, crime_column: str = "crime_type") -> pd.DataFrame:
    """The rows that count towards "All crime": every crime type except anti-social behaviour.

    data.police.uk publishes ASB incidents in the same files as crimes (crime type
    "Anti-social behaviour"), but ASB is not recorded crime, so "All crime" leaves it out.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a crime-type column.
    crime_column : str
        Name of that column.

    Returns
    -------
    pandas.DataFrame
        The rows whose crime type is not ASB (a filtered view; the input is not changed).
    """
    _require_columns(frame, [crime_column])
    return frame[frame[crime_column].astype("str") != ASB]


def _require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    for col in columns:
        if col not in frame.columns:
            have = ", ".join(map(str, frame.columns))
            raise DataError(f"the frame has no such column (it has: {have})", column=col)


def _as_list(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _month_series(frame: pd.DataFrame) -> pd.Series:
    _require_columns(frame, ["month"])
    months = frame["month"]
    if months.dtype == "period[M]":
        return months
    try:
        mapping = {v: to_month(v) for v in months.dropna().unique()}
    except Exception as exc:
        raise DataError(f"cannot read the months: {exc}", column="month") from None
    if months.isna().any():
        raise DataError("some rows have no month", column="month")
    return months.map(mapping).astype("period[M]")


def month_range(frame: pd.DataFrame) -> list[pd.Period]:
    """Every month from the earliest to the latest in ``frame`` (inclusive), in order."""
    months = _month_series(frame)
    if months.empty:
        return []
    return list(pd.period_range(months.min(), months.max(), freq="M"))


def month_counts(frame: pd.DataFrame, by=None, *, count_column: str | None = None,
                 months: Sequence | None = None, dropna: bool = True) -> pd.DataFrame:
    """Monthly counts per group, with months that have no rows filled with zero.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column.
    by : str or list of str, optional
        Grouping columns (``"crime_type"``, ``["ward_name", "crime_type"]``, ...).
    count_column : str, optional
        Column holding pre-aggregated counts; when None each row counts one.
    months : sequence of month-like, optional
        The months to report; default every month from the earliest to the latest in the frame.
    dropna : bool
        When True (default) rows with a missing value in a ``by`` column are left out (a crime
        with no location is in no ward); when False they form their own group.

    Returns
    -------
    pandas.DataFrame
        Columns ``[*by, "month", "count"]``: one row per month for every combination of ``by``
        values seen in the frame; ``count`` is int64 (float64 when ``count_column`` holds
        non-whole numbers).
    """
    by = _as_list(by)
    _require_columns(frame, by + ([count_column] if count_column else []))
    month = _month_series(frame)
    if months is None:
        wanted = month_range(frame)
    else:
        wanted = [to_month(m) for m in months]
    keys = [frame[c] for c in by] + [month]
    if count_column is None:
        grouped = pd.Series(1, index=frame.index).groupby(keys, observed=True, dropna=dropna)
    else:
        values = pd.to_numeric(frame[count_column], errors="coerce")
        if values.isna().any():
            raise DataError("some counts are missing or not numbers", column=count_column)
        grouped = values.groupby(keys, observed=True, dropna=dropna)
    counts = grouped.sum()
    counts.index = counts.index.set_names(by + ["month"])
    if by:
        combos = counts.index.droplevel("month").unique()
        if not isinstance(combos, pd.MultiIndex):
            combos = pd.MultiIndex.from_arrays([combos], names=by)
        n_months = len(wanted)
        arrays = [np.repeat(combos.get_level_values(i), n_months) for i in range(len(by))]
        arrays.append(np.tile(pd.PeriodIndex(wanted, freq="M"), len(combos)))
        full = pd.MultiIndex.from_arrays(arrays, names=by + ["month"])
    else:
        full = pd.PeriodIndex(wanted, freq="M", name="month")
    counts = counts.reindex(full, fill_value=0)
    out = counts.rename("count").reset_index()
    out["month"] = out["month"].astype("period[M]")
    for col in by:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(frame[col].dtype)
    if pd.api.types.is_float_dtype(out["count"]) and (out["count"] % 1 == 0).all():
        out["count"] = out["count"].astype("int64")
    return out


def period_label(month, period: str) -> str | pd.Period:
    """The label of the ``period`` ("month", "quarter", "financial_year", "calendar_year")
    that contains ``month``: the Period itself, "2020-21 Q2", "2020-21" or "2020"."""
    m = to_month(month)
    if period == "month":
        return m
    if period == "quarter":
        return quarter_of(m).label
    if period == "financial_year":
        return financial_year_of(m).label
    if period == "calendar_year":
        return str(m.year)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}.")


def count_by(frame: pd.DataFrame, by=None, period: str = "month", *,
             count_column: str | None = None, months: Sequence | None = None,
             dropna: bool = True) -> pd.DataFrame:
    """Counts by period (month, quarter, financial year, calendar year) and group.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column.
    by : str or list of str, optional
        Grouping columns, e.g. ``"crime_type"``, ``"ward_name"``, ``"lad_name"``,
        ``"csp_name"`` or several.
    period : {"month", "quarter", "financial_year", "calendar_year"}
        Quarters and years are UK financial ones ("2020-21 Q2", "2020-21") except
        ``"calendar_year"`` ("2020").
    count_column, months, dropna
        As for :func:`month_counts`.

    Returns
    -------
    pandas.DataFrame
        Columns ``[period, *by, "count", "months"]`` sorted by period then group. The period
        column is named after ``period`` (``month`` holds Periods; the others hold label
        strings, which sort in time order). ``months`` is how many months of the data fall in
        the period: fewer than 3 for a quarter (12 for a year) marks a part period.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}.")
    by = _as_list(by)
    monthly = month_counts(frame, by, count_column=count_column, months=months, dropna=dropna)
    if period == "month":
        out = monthly[["month", *by, "count"]].assign(months=1)
        return out.sort_values(["month", *by], kind="stable").reset_index(drop=True)
    labels = {m: period_label(m, period) for m in monthly["month"].unique()}
    monthly[period] = monthly["month"].map(labels).astype("str")
    out = (
        monthly.groupby([period, *by], observed=True, sort=True, dropna=dropna)
        .agg(count=("count", "sum"), months=("month", "nunique"))
        .reset_index()
    )
    return out


def shares(counts: pd.DataFrame, of: str, *, count_column: str = "count",
           alpha: float = 0.05) -> pd.DataFrame:
    """Each group's share of the total, in percent, with an exact interval.

    The share is of the total over the values of ``of``, within every combination of the other
    non-count columns (usually the period): e.g. each ward's share of a year's hate crime.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts frame, e.g. from :func:`count_by`.
    of : str
        The column whose values share the total (``"ward_name"``).
    count_column : str
        The count column.
    alpha : float
        One minus the confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        ``counts`` with ``total``, ``share``, ``share_low`` and ``share_high`` added (percent,
        19.6 for 19.6%); the interval is the exact (Clopper-Pearson) binomial interval; share
        is NaN where the total is 0.
    """
    _require_columns(counts, [of, count_column])
    within = [c for c in counts.columns if c not in (of, count_column, "months")]
    if within:
        total = counts.groupby(within, observed=True, dropna=False)[count_column].transform("sum")
    else:
        total = pd.Series(counts[count_column].sum(), index=counts.index)
    x = counts[count_column].to_numpy(dtype=float)
    n = total.to_numpy(dtype=float)
    low, high = clopper_pearson(x, n, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, 100 * x / n, np.nan)
    return counts.assign(
        total=total.to_numpy(),
        share=share,
        share_low=np.where(n > 0, 100 * low, np.nan),
        share_high=np.where(n > 0, 100 * high, np.nan),
    )


@dataclass(frozen=True)
class Rate:
    """A rate per ``per`` people with its interval.

    Attributes
    ----------
    count : int
        Events.
    population : float
        People at risk.
    per : float
        Rate base (1000 for "per 1,000 people").
    rate, low, high : float
        Rate and its interval, per ``per`` people.
    method : str
        ``"exact (Garwood)"`` or ``"Byar"``.
    alpha : float
        One minus the confidence level.
    """

    count: int
    population: float
    per: float
    rate: float
    low: float
    high: float
    method: str
    alpha: float


def _rate_arrays(count, population, per, alpha, exact_below):
    x = np.asarray(count, dtype=float)
    pop = np.asarray(population, dtype=float)
    if np.any(~(pop > 0)):
        raise ValueError("population must be positive.")
    low, high, exact = poisson_interval(x, alpha, exact_below)
    scale = per / pop
    return x * scale, low * scale, high * scale, exact


def rate(count: int, population: float, per: float = 1000, alpha: float = 0.05,
         exact_below: int = 10) -> Rate:
    """Rate per ``per`` people with an exact (Garwood) interval for small counts, else Byar's.

    Parameters
    ----------
    count : int
        Events.
    population : float
        Population at risk (e.g. mid-year estimate).
    per : float
        Rate base; 1000 gives "per 1,000 people".
    alpha : float
        One minus the confidence level.
    exact_below : int
        Counts under this use the exact interval; others use Byar's approximation.

    Examples
    --------
    >>> r = rate(0, 2000)
    >>> round(r.high, 3)   # chi2.ppf(0.975, 2) / 2 = 3.689 events, per 2,000 -> x 0.5
    1.844
    """
    r, lo, hi, exact = _rate_arrays(count, population, per, alpha, exact_below)
    return Rate(int(count), float(population), float(per), float(r), float(lo), float(hi),
                "exact (Garwood)" if exact else "Byar", float(alpha))


def rates(frame: pd.DataFrame, *, count_column: str = "count",
          population_column: str = "population", per: float = 1000, alpha: float = 0.05,
          exact_below: int = 10) -> pd.DataFrame:
    """Add ``rate``, ``rate_low``, ``rate_high`` (per ``per`` people) and ``rate_method``.

    The frame must already hold the population next to each count (merge it in first).
    Intervals as in :func:`rate`.
    """
    _require_columns(frame, [count_column, population_column])
    r, lo, hi, exact = _rate_arrays(frame[count_column], frame[population_column], per,
                                    alpha, exact_below)
    return frame.assign(rate=r, rate_low=lo, rate_high=hi,
                        rate_method=np.where(exact, "exact (Garwood)", "Byar"))
