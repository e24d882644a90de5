"""Repeat victimisation: victims, repeat victims and the share of victims who are repeats.

Boards ask two questions that can have different answers: did the number of repeat victims
fall, and did the share of victims who are repeats fall? ("Repeat victims fell 11% but the
percentage of victims who are repeats barely moved.") :func:`repeat_victims` counts both per
period from a victim-level extract; :func:`repeat_change` compares two periods with uncertainty
for each.

Definition used throughout: an incident is a **repeat incident** when the same victim has
another incident on the same day or earlier within the window, i.e. ``0 <= d - d' <=
window_days - 1`` days (both incidents fall within one window of ``window_days`` consecutive
days). With the default 365 days, incidents on 1 January 2021 and 31 December 2021 (364 days
apart) make a repeat; 1 January 2021 and 1 January 2022 (365 days apart) do not. A victim in a
period is a **repeat victim** when at least one of their incidents in that period is a repeat
incident. Only earlier incidents count, so a period's figures do not change when later data
arrive; a victim's first incident is never a repeat even if a second follows next month.

References
----------
Home Office Counting Rules and the Crime Survey for England and Wales define repeat
victimisation as more than one incident against the same victim within 12 months.
Newcombe RG (1998). Interval estimation for the difference between independent proportions:
comparison of eleven methods. Statistics in Medicine 17, 873-890 (method 10); the p-value
reported with it is the one that inverts it (the smallest ``alpha`` at which the interval still
excludes 0), so the p-value, the interval and the verdict always agree.
Przyborowski J, Wilenski H (1940). Biometrika 31, 313-323 (exact test for two Poisson counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import ConfigError, DataError
from ..periods import financial_year_of, quarter_of
from .intervals import wilson_interval
from .significance import compare_poisson, verdict

Freq = Literal["month", "quarter", "financial_year"]

DEFINITION = (
    "a repeat victim had another incident on the same day or in the {window} days up to an "
    "incident in the period"
)

TABLE_COLUMNS = [
    "period", "first_month", "last_month", "incidents", "victims", "repeat_victims",
    "repeat_percent", "lookback_complete",
]


def repeat_victims(
    frame: pd.DataFrame,
    *,
    freq: Freq = "quarter",
    window_days: int = 365,
    by: str | list[str] | None = None,
    victim: str = "victim_id",
    date: str = "date",
    incident: str | None = None,
    same_day_is_one_incident: bool = False,
    data_start=None,
) -> pd.DataFrame:
    """Count victims and repeat victims per period.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per incident: a pseudonymised victim ID and the incident date, optionally an
        offence or strand column.
    freq : {"month", "quarter", "financial_year"}
        Reporting period (financial-year quarters and years, see :mod:`pccanalysis.periods`).
    window_days : int
        Length of the rolling window in days (default 365, "within 12 months").
    by : str or list of str, optional
        Columns to split by (e.g. ``"strand"``); repeats are then counted within each group,
        ignoring a victim's incidents in other groups.
    victim, date : str
        Column names of the victim ID and the incident date.
    incident : str, optional
        Column with a crime or incident reference: rows of one victim sharing it are one
        incident (dated by its earliest row), e.g. a crime recorded under two hate strands.
    same_day_is_one_incident : bool
        Treat all of a victim's rows on one day (within a group) as one incident. Use it for an
        extract with one row per crime and strand and no crime reference
        (:mod:`pccanalysis.sources.victims`) when not splitting by strand, or a crime under two
        strands makes its victim a repeat. Two genuinely separate incidents on one day then
        count once. Default False: every row is an incident.
    data_start : date-like, optional
        First day the extract covers (default: the earliest incident). Used for
        ``lookback_complete``.

    Returns
    -------
    pandas.DataFrame
        One row per (group, period) for every period from the first to the last incident, in
        order: the ``by`` columns, ``period`` (label, e.g. "2020-21 Q1"), ``first_month``,
        ``last_month`` (period[M]), ``incidents``, ``victims`` (distinct victims with an incident
        in the period), ``repeat_victims``, ``repeat_percent`` (percent of victims, NaN with no
        victims) and ``lookback_complete`` (the extract reaches back a full window before the
        period starts; when False, repeat victims are undercounted because earlier incidents
        are missing). ``attrs`` records ``freq``, ``window_days``, ``by``, ``data_start`` and
        the ``definition`` in words.

    Notes
    -----
    See the module docstring for the exact definition of a repeat victim.

    Raises
    ------
    DataError
        A missing column, victim ID or date.
    ConfigError
        An unknown ``freq`` or a window under one day.
    """
    if freq not in _PERIOD_OF:
        raise ConfigError(f"freq must be 'month', 'quarter' or 'financial_year', not {freq!r}.")
    if int(window_days) != window_days or window_days < 1:
        raise ConfigError(f"window_days must be a whole number of days, 1 or more, not {window_days!r}.")
    groups = [] if by is None else [by] if isinstance(by, str) else list(by)
    df = _incident_table(frame, groups, victim, date, incident, same_day_is_one_incident)
    df["_repeat"] = repeat_incidents(df, window_days, victim="_victim", date="_date", by=groups)
    df["_month"] = df["_date"].dt.to_period("M")
    start = (df["_date"].min() if data_start is None
             else pd.Timestamp(data_start).normalize())

    # Every period from the first incident to the last, so quiet periods show as zeros.
    period_of = _PERIOD_OF[freq]
    spans = dict(period_of(m) for m in
                 pd.period_range(df["_month"].min(), df["_month"].max(), freq="M"))
    df["_period"] = [period_of(m)[0] for m in df["_month"]]
    keys = (list(df[groups].drop_duplicates().sort_values(groups)
                 .itertuples(index=False, name=None)) if groups else [()])
    rows = []
    for key in keys:
        sub = df
        for g, k in zip(groups, key, strict=True):
            sub = sub[sub[g] == k]
        rows += _period_rows(sub, dict(zip(groups, key, strict=True)), spans, freq,
                             window_days, start)
    out = pd.DataFrame(rows, columns=[*groups, *TABLE_COLUMNS])
    out["first_month"] = out["first_month"].astype("period[M]")
    out["last_month"] = out["last_month"].astype("period[M]")
    out.attrs.update({"freq": freq, "window_days": int(window_days), "by": groups,
                      "data_start": start, "definition": DEFINITION.format(window=window_days)})
    return out


def _incident_table(frame: pd.DataFrame, groups: list[str], victim: str, date: str,
                    incident: str | None, same_day_is_one_incident: bool) -> pd.DataFrame:
    """One row per incident: ``_victim``, ``_date`` (a day) and the group columns, after
    checking every value is there and merging the rows that are one incident."""
    for col in [victim, date, *groups, *([incident] if incident else [])]:
        if col not in frame.columns:
            raise DataError(f"the victim-level frame has no {col!r} column", column=col)
    for col in groups:
        if frame[col].isna().any():
            bad = frame[col].isna().to_numpy()
            raise DataError(
                f"{_incidents(bad.sum())} no {col} (the first is row "
                f"{frame.index[bad][0]} of the frame)", column=col,
            )
    ids = frame[victim]
    missing = ids.isna() | (ids.astype("str").str.strip() == "")
    if missing.any():
        raise DataError(
            f"{_incidents(missing.sum())} no victim ID (the first is row "
            f"{frame.index[missing.to_numpy()][0]} of the frame)", column=victim,
        )
    dates = pd.to_datetime(frame[date], errors="coerce")
    if dates.isna().any():
        bad = dates.isna().to_numpy()
        raise DataError(
            f"{_incidents(bad.sum())} no usable date (the first is row "
            f"{frame.index[bad][0]} of the frame)", column=date,
        )
    df = pd.DataFrame({"_victim": ids.astype("str").to_numpy(), "_date": dates.dt.normalize().to_numpy()})
    for g in groups:
        df[g] = frame[g].to_numpy()
    if incident is not None:
        df["_incident"] = frame[incident].astype("str").to_numpy()
        df = (df.sort_values("_date", kind="mergesort")
              .drop_duplicates([*groups, "_victim", "_incident"]).drop(columns="_incident"))
    if same_day_is_one_incident:
        df = df.drop_duplicates([*groups, "_victim", "_date"])
    return df.reset_index(drop=True)


def _period_rows(sub: pd.DataFrame, key: dict, spans: dict, freq: str, window_days: int,
                 start: pd.Timestamp) -> list[dict]:
    """The table rows of one group: incidents, victims and repeat victims per period."""
    by_period = sub.groupby("_period", sort=False)
    incidents = by_period.size()
    victims = by_period["_victim"].nunique()
    repeats = sub[sub["_repeat"]].groupby("_period")["_victim"].nunique()
    rows = []
    for label, first in spans.items():
        n_vic = int(victims.get(label, 0))
        n_rep = int(repeats.get(label, 0))
        rows.append({
            **key,
            "period": label,
            "first_month": first,
            "last_month": first + _LENGTH[freq] - 1,
            "incidents": int(incidents.get(label, 0)),
            "victims": n_vic,
            "repeat_victims": n_rep,
            "repeat_percent": 100 * n_rep / n_vic if n_vic else np.nan,
            "lookback_complete": first.start_time - pd.Timedelta(days=window_days - 1) >= start,
        })
    return rows


def repeat_incidents(frame: pd.DataFrame, window_days: int = 365, *, victim: str = "victim_id",
                     date: str = "date", by: list[str] | None = None) -> pd.Series:
    """Flag each incident that is a repeat: same victim, another incident 0 to window-1 days before.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per incident with ``victim`` and ``date`` (datetime64) columns.
    window_days : int
        Window length in days.
    by : list of str, optional
        Group columns; only incidents in the same group count.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``frame``'s index.
    """
    keys = [*(by or []), victim]
    days = frame[date].to_numpy(dtype="datetime64[D]").astype(np.int64)
    sortable = pd.DataFrame({f"k{i}": frame[k].to_numpy() for i, k in enumerate(keys)})
    sortable["_day"] = days
    order = sortable.sort_values([*sortable.columns], kind="mergesort").index.to_numpy()
    d = days[order]
    same = np.ones(len(d) - 1, dtype=bool) if len(d) else np.zeros(0, dtype=bool)
    for k in keys:
        v = frame[k].to_numpy()[order]
        same &= v[1:] == v[:-1]
    gap = np.diff(d)
    # The closest earlier-or-same-day incident of the victim is the previous row after sorting;
    # a same-day partner may sort after, so same-day pairs are checked in both directions.
    prev_close = np.r_[False, same & (gap <= window_days - 1)]
    next_same_day = np.r_[same & (gap == 0), False]
    flag = np.empty(len(d), dtype=bool)
    flag[order] = prev_close | next_same_day
    return pd.Series(flag, index=frame.index, name="repeat")


@dataclass(frozen=True)
class RepeatChange:
    """Change in repeat victims and in the share of victims who are repeats, between two periods.

    Attributes
    ----------
    before_label, after_label : str
        The periods compared.
    victims_before, victims_after, repeats_before, repeats_after : int
        Victims and repeat victims in each.
    percent_before, percent_after : float
        Repeat victims as a percent of victims (25.0 for 25%).
    repeats_percent_change : float
        Change in the number of repeat victims, in percent.
    repeats_ratio, repeats_ratio_low, repeats_ratio_high : float
        Ratio after / before and its exact conditional (Clopper-Pearson) interval.
    repeats_p_value : float
        Exact conditional test for two Poisson counts (equal exposures), two-sided.
    repeats_verdict : {"rose", "fell", "similar"}
        From ``repeats_p_value < alpha``
        (:func:`pccanalysis.indicators.significance.verdicts`, as every verdict).
    victims_percent_change, victims_p_value : float
        The same test for the number of victims.
    victims_verdict : {"rose", "fell", "similar"}
    share_change_points : float
        ``percent_after - percent_before``, in percentage points.
    share_low, share_high : float
        Newcombe hybrid score interval for that difference, in percentage points.
    share_p_value : float
        Two-sided p-value matching the Newcombe interval (:func:`newcombe_p_value`): below
        ``alpha`` exactly when the interval excludes 0.
    share_verdict : {"rose", "fell", "similar"}
        From ``share_p_value < alpha`` and the sign of the difference; the same as "the
        Newcombe interval excludes 0".
    alpha : float
    method : str
    window_days : int or None
        The repeat window of the table compared (from its ``attrs``), when known.
    """

    before_label: str
    after_label: str
    victims_before: int
    victims_after: int
    repeats_before: int
    repeats_after: int
    percent_before: float
    percent_after: float
    repeats_percent_change: float
    repeats_ratio: float
    repeats_ratio_low: float
    repeats_ratio_high: float
    repeats_p_value: float
    repeats_verdict: str
    victims_percent_change: float
    victims_p_value: float
    victims_verdict: str
    share_change_points: float
    share_low: float
    share_high: float
    share_p_value: float
    share_verdict: str
    alpha: float
    method: str
    window_days: int | None = None


def repeat_change(table: pd.DataFrame, before: str, after: str, *, alpha: float = 0.05) -> RepeatChange:
    """Compare repeat victimisation in two periods of a :func:`repeat_victims` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`repeat_victims` for one group (filter a split table first).
    before, after : str
        Period labels as in the table's ``period`` column (e.g. "2019-20 Q1", "2020-21 Q1").
    alpha : float
        One minus the confidence level (0.05 gives 95% intervals).

    Returns
    -------
    RepeatChange

    Notes
    -----
    The numbers of repeat victims (and of victims) are compared as Poisson counts over equal
    periods with the exact conditional test and the Clopper-Pearson interval for the ratio. The
    share of victims who are repeats is compared with Newcombe's hybrid score interval for a
    difference of proportions (method 10) and the p-value that inverts that interval, so the
    verdict, the p-value and the interval cannot disagree (the pooled two-proportion z test
    can disagree with the interval near ``alpha``: 6 of 40 against 1 of 40 gives z-test
    p = 0.048 while the Newcombe interval includes 0). Both treat the two
    periods as independent samples; a victim present in both periods makes them slightly
    dependent, which this ignores.

    Raises
    ------
    DataError
        A period missing from the table, present more than once, or with no victims.
    """
    rows = {}
    for label in (before, after):
        hit = table[table["period"] == label]
        if len(hit) == 0:
            raise DataError(f"the repeat-victim table has no period {label!r}", column="period")
        if len(hit) > 1:
            raise DataError(
                f"the repeat-victim table has {len(hit)} rows for {label!r}; filter it to one "
                "group first", column="period",
            )
        row = hit.iloc[0]
        if row["victims"] == 0:
            raise DataError(f"there are no victims in {label}, so no repeat percentage",
                            column="victims")
        rows[label] = row
    b, a = rows[before], rows[after]
    vb, va, rb, ra = (int(b["victims"]), int(a["victims"]), int(b["repeat_victims"]),
                      int(a["repeat_victims"]))
    reps = compare_poisson(ra, rb, alpha=alpha)
    vics = compare_poisson(va, vb, alpha=alpha)
    low, high = newcombe_difference(ra, va, rb, vb, alpha)
    share_p = newcombe_p_value(ra, va, rb, vb)
    diff = 100 * (ra / va - rb / vb)
    return RepeatChange(
        before_label=before,
        after_label=after,
        victims_before=vb,
        victims_after=va,
        repeats_before=rb,
        repeats_after=ra,
        percent_before=100 * rb / vb,
        percent_after=100 * ra / va,
        repeats_percent_change=(reps.ratio - 1) * 100,
        repeats_ratio=reps.ratio,
        repeats_ratio_low=reps.ratio_low,
        repeats_ratio_high=reps.ratio_high,
        repeats_p_value=reps.p_value,
        repeats_verdict=verdict(reps.p_value, reps.ratio, alpha),
        victims_percent_change=(vics.ratio - 1) * 100,
        victims_p_value=vics.p_value,
        victims_verdict=verdict(vics.p_value, vics.ratio, alpha),
        share_change_points=diff,
        share_low=100 * low,
        share_high=100 * high,
        share_p_value=share_p,
        share_verdict=verdict(share_p, diff, alpha, null=0.0),
        alpha=alpha,
        method=(
            "repeat victims: exact conditional test for two Poisson counts with a "
            f"{100 * (1 - alpha):g}% Clopper-Pearson interval for the ratio; share of victims "
            "who are repeats: Newcombe hybrid score interval for the difference and the p-value "
            "that inverts it"
        ),
        window_days=table.attrs.get("window_days"),
    )


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``x1/n1 - x2/n2`` (Newcombe 1998, method 10).

    With Wilson score intervals ``(l1, u1)`` and ``(l2, u2)`` for each proportion and
    ``d = p1 - p2``: ``d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` to
    ``d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``. Proportions, not percent.
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("each proportion needs at least one trial.")
    z = stats.norm.ppf(1 - alpha / 2)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    d = p1 - p2
    return d - np.hypot(p1 - l1, u2 - p2), d + np.hypot(u1 - p1, p2 - l2)


def newcombe_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value that inverts Newcombe's hybrid score interval for ``x1/n1 - x2/n2``.

    The interval at confidence ``1 - a`` excludes 0 for every ``a`` above this p-value and
    includes it below: with ``z*`` the normal quantile at which the interval's limit nearer 0
    touches 0 (the limits move monotonically with ``z``), ``p = 2 (1 - Phi(z*))``. So
    ``p < alpha`` exactly when :func:`newcombe_difference` at ``alpha`` excludes 0.
    1 when the proportions are equal.
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("each proportion needs at least one trial.")
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    if d == 0:
        return 1.0

    def nearer_limit(z: float) -> float:
        l1, u1 = wilson_interval(x1, n1, z)
        l2, u2 = wilson_interval(x2, n2, z)
        if d > 0:
            return d - np.hypot(p1 - l1, u2 - p2)
        return -(d + np.hypot(u1 - p1, p2 - l2))

    # nearer_limit(0) = |d| > 0 and it falls below 0 as z grows (the Wilson intervals tend to
    # (0, 1)); past z = 40 the p-value is 0 to double precision.
    if nearer_limit(40.0) > 0:
        return 0.0
    z_star = optimize.brentq(nearer_limit, 0.0, 40.0, xtol=1e-12, rtol=1e-14)
    return float(2 * stats.norm.sf(z_star))


def _incidents(n) -> str:
    return "1 incident has" if n == 1 else f"{int(n)} incidents have"


_PERIOD_OF = {  # month -> (period label, first month of the period)
    "month": lambda m: (str(m), m),
    "quarter": lambda m: (quarter_of(m).label, quarter_of(m).first_month),
    "financial_year": lambda m: (financial_year_of(m).label, financial_year_of(m).first_month),
}
_LENGTH = {"month": 1, "quarter": 3, "financial_year": 12}
