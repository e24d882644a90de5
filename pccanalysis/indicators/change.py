"""Change between two periods, with its uncertainty and a verdict: "rose", "fell" or "similar".

A change is reported as counts, absolute and percentage change, the rate ratio with its exact
interval, a two-sided p-value (exact conditional test for two Poisson counts, see
:mod:`pccanalysis.indicators.significance`) and a verdict read off the p-value at a chosen
significance level ``alpha``. The narrative reads only the verdict, so a board hears "rose" or
"fell" only where the change is unlikely to be noise.

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

from ..errors import DataError, PeriodError
from ..periods import ReportingPeriod, parse_period, parse_quarter, quarter_of, to_month
from .counts import _as_list, _month_series, _require_columns
from .significance import EXACT, SQRT_Z, compare_poisson_arrays

__all__ = [
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

#: The three verdicts, in the order change tables are sorted.
VERDICTS = ("rose", "similar", "fell")


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

        When the two periods are the same length, month ``i`` of one period is paired with
        month ``i`` of the other (a quarter against the same quarter last year), and leaving
        out a month leaves out its pair too, so both periods still cover the same part of the
        year. Periods of different lengths (compared as monthly rates) lose only the months
        named. Labels say what was left out: "2024-25 Q3 excluding November 2024".

        Raises
        ------
        PeriodError
            When nothing would be left to compare.
        """
        drop = {to_month(m) for m in months}
        cur, prev = self.current_months, self.previous_months
        if len(cur) == len(prev):
            keep = [i for i in range(len(cur)) if cur[i] not in drop and prev[i] not in drop]
            new_cur = tuple(cur[i] for i in keep)
            new_prev = tuple(prev[i] for i in keep)
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
    previous = tuple(m - 12 for m in current)
    return Comparison("year to date", span_label(current), span_label(previous), current, previous)


def rolling_12_months(end) -> Comparison:
    """The 12 months to ``end`` against the 12 months before them.

    Parameters
    ----------
    end : month-like, Quarter or str
        Last month of the current 12 (a quarter means its last month).
    """
    last = _end_month(end)
    current = tuple(last - 11 + i for i in range(12))
    previous = tuple(m - 12 for m in current)
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
    previous = tuple(m - 12 for m in current)
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
    previous = tuple(m - 12 for m in months)
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
        Exact conditional (Clopper-Pearson) interval for the ratio at confidence ``1 - alpha``.
    p_value : float
        Two-sided p-value for "no change in the monthly rate"; 1 for 0 and 0.
    method : str
        The test ("exact conditional" or "square-root Poisson Z").
    alpha : float
        Significance level of the verdict (and one minus the interval's confidence level).
    verdict : {"rose", "fell", "similar"}
        "rose"/"fell" when ``p_value < alpha``, in the direction of ``ratio``; else "similar".
    caveat : str or None
        Why the figure may mislead (e.g. a month of the comparison looks like a publication
        gap), or None.
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
    caveat: str | None = None


RESULT_COLUMNS = [f.name for f in fields(ChangeResult)]


def verdicts(p_value, ratio, alpha: float = 0.05) -> np.ndarray:
    """ "rose" / "fell" where ``p_value < alpha`` (direction of ``ratio``), else "similar"."""
    p = np.asarray(p_value, dtype=float)
    r = np.asarray(ratio, dtype=float)
    significant = p < alpha
    return np.where(significant & (r > 1), "rose",
                    np.where(significant & (r < 1), "fell", "similar"))


def _change_arrays(current, previous, t1, t2, alpha, method):
    x1 = np.asarray(current, dtype=float)
    x2 = np.asarray(previous, dtype=float)
    out = compare_poisson_arrays(x1, x2, t1, t2, alpha, method)
    t1 = np.broadcast_to(np.asarray(t1, dtype=float), x1.shape)
    t2 = np.broadcast_to(np.asarray(t2, dtype=float), x1.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        percent = np.where(x2 > 0, 100 * (x1 * t2 - x2 * t1) / (x2 * t1), np.nan)
    out["absolute"] = x1 - x2 * t1 / t2
    out["percent"] = percent
    out["verdict"] = verdicts(out["p_value"], out["ratio"], alpha)
    out["current_exposure"] = t1
    out["previous_exposure"] = t2
    return out


def _method_name(method: str) -> str:
    if method not in ("exact", "sqrt"):
        raise ValueError(f"method must be 'exact' or 'sqrt', not {method!r}.")
    return EXACT if method == "exact" else SQRT_Z


def compare_counts(current: float, previous: float, *, current_exposure: float = 1.0,
                   previous_exposure: float = 1.0, alpha: float = 0.05, method: str = "exact",
                   label: str = "", kind: str = "", current_label: str = "current",
                   previous_label: str = "previous", caveat: str | None = None) -> ChangeResult:
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
    label, kind, current_label, previous_label, caveat
        Carried into the result to make it self-describing.

    Examples
    --------
    >>> r = compare_counts(80, 100)
    >>> r.percent, r.verdict   # 80 against 100 could be noise: p = 0.16
    (-20.0, 'similar')
    """
    out = _change_arrays(current, previous, current_exposure, previous_exposure, alpha, method)
    return ChangeResult(
        label=label, kind=kind, current_label=current_label, previous_label=previous_label,
        current=_plain(current), previous=_plain(previous),
        current_exposure=float(current_exposure), previous_exposure=float(previous_exposure),
        absolute=_plain(out["absolute"]), percent=float(out["percent"]),
        ratio=float(out["ratio"]), ratio_low=float(out["ratio_low"]),
        ratio_high=float(out["ratio_high"]), p_value=float(out["p_value"]),
        method=_method_name(method), alpha=float(alpha), verdict=str(out["verdict"]),
        caveat=caveat,
    )


def _plain(x):
    x = float(x)
    return int(x) if x.is_integer() else x


# ----------------------------------------------------------------------------- from frames


def _period_totals(frame: pd.DataFrame, comp: Comparison, by: list[str],
                   count_column: str | None, dropna: bool,
                   available: Sequence | None) -> pd.DataFrame:
    """Counts in each period per group: columns ``[*by, "current", "previous"]``."""
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
        return pd.DataFrame({"current": [values["current"].sum()],
                             "previous": [values["previous"].sum()]})
    keys = [frame[c] for c in by]
    totals = values.groupby(keys, observed=True, dropna=dropna, sort=False).sum()
    totals.index = totals.index.set_names(by)
    return totals.reset_index()


def _caveats(frame: pd.DataFrame, keys: pd.DataFrame, by: list[str], comp: Comparison,
             gaps: pd.DataFrame | None) -> np.ndarray:
    """Per row of ``keys``: a caveat naming the gap months inside the comparison, or None."""
    from .gaps import gap_columns, gap_sentence

    result = np.full(len(keys), None, dtype=object)
    if gaps is None or gaps.empty:
        return result
    gcols = gap_columns(gaps)
    relevant = gaps[gaps["month"].isin(comp.months)]
    if relevant.empty:
        return result
    _require_columns(frame, gcols)
    relevant = relevant.assign(
        _sentence=[gap_sentence(r) for r in relevant.itertuples(index=False)]
    )[gcols + ["_sentence"]]
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
            result[0] = "; ".join(dict.fromkeys(relevant["_sentence"]))
        return result
    joined = relevant.groupby(on, sort=False)["_sentence"].agg(
        lambda s: "; ".join(dict.fromkeys(s))
    )
    str_keys = pd.DataFrame({c: keys[c].astype("str").to_numpy() for c in on})
    matched = str_keys.merge(joined.reset_index(), on=on, how="left")["_sentence"]
    result = matched.to_numpy(dtype=object, na_value=None)
    return result


GAP_POLICIES = ("caveat", "exclude")


def _gap_months(frame: pd.DataFrame, comp: Comparison, gaps: pd.DataFrame | None,
                policy: str) -> tuple[pd.Period, ...]:
    """Months of ``comp`` with a publication gap in a category ``frame`` counts (if excluding)."""
    if policy not in GAP_POLICIES:
        raise ValueError(f"gap_policy must be one of {GAP_POLICIES}, not {policy!r}.")
    if policy == "caveat" or gaps is None or gaps.empty:
        return ()
    from .gaps import gap_columns

    relevant = gaps[gaps["month"].isin(comp.months)]
    if relevant.empty:
        return ()
    gcols = gap_columns(gaps)
    _require_columns(frame, gcols)
    present = frame[gcols].drop_duplicates().astype("str")
    hit = relevant.assign(**{c: relevant[c].astype("str") for c in gcols}).merge(
        present, on=gcols, how="inner")
    return tuple(sorted(set(hit["month"])))


def _excluding(comp: Comparison, months: tuple[pd.Period, ...]) -> tuple[Comparison, str | None]:
    """``comp`` without the gap months, and the note saying so (or ``comp`` unchanged)."""
    if not months:
        return comp, None
    try:
        narrower = comp.without(months)
    except PeriodError:  # every month is a gap: keep the figure, with its caveat
        return comp, None
    paired = sorted(set(comp.months) - set(narrower.months) - set(months))
    note = f"{months_in_words(months)} left out because of a likely publication gap"
    if paired:
        note += f", with {months_in_words(paired)} so that like is compared with like"
    return narrower, note


def change(frame: pd.DataFrame, comp: Comparison, *, count_column: str | None = None,
           label: str = "", alpha: float = 0.05, method: str = "exact",
           gaps: pd.DataFrame | None = None, available_months: Sequence | None = None,
           gap_policy: str = "caveat") -> ChangeResult:
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
    """
    comp, note = _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))
    totals = _period_totals(frame, comp, [], count_column, True, available_months)
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    caveat = _join_notes(note, _caveats(frame, totals, [], comp, gaps)[0])
    return compare_counts(
        totals["current"].iloc[0], totals["previous"].iloc[0], current_exposure=t1,
        previous_exposure=t2, alpha=alpha, method=method, label=label, kind=comp.kind,
        current_label=comp.current_label, previous_label=comp.previous_label, caveat=caveat,
    )


def _join_notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def change_by(frame: pd.DataFrame, comp: Comparison, by, *, count_column: str | None = None,
              alpha: float = 0.05, method: str = "exact", gaps: pd.DataFrame | None = None,
              dropna: bool = True, available_months: Sequence | None = None,
              gap_policy: str = "caveat") -> pd.DataFrame:
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
        with each other.
    dropna : bool
        Leave out rows with a missing group value (default), or keep them as a group.

    Returns
    -------
    pandas.DataFrame
        One row per group seen in the frame: the ``by`` columns, then the fields of
        :class:`ChangeResult` (``label`` joins the group values with " / "). Sorted for
        reading: verdict ("rose", "similar", "fell"), then percent change from the largest
        rise to the largest fall, then group. "All wards fell except X" is
        ``table.loc[table.verdict != "fell", "ward_name"]``.
    """
    by = _as_list(by)
    if not by:
        raise ValueError("change_by needs at least one column to group by; use change().")
    comp, note = _excluding(comp, _gap_months(frame, comp, gaps, gap_policy))
    totals = _period_totals(frame, comp, by, count_column, dropna, available_months)
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    out = _change_arrays(totals["current"].to_numpy(), totals["previous"].to_numpy(), t1, t2,
                         alpha, method)
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
        method=_method_name(method),
        alpha=float(alpha),
        verdict=out["verdict"],
        caveat=[_join_notes(note, c) for c in _caveats(frame, totals, by, comp, gaps)],
    )
    for col in ("current", "previous"):
        if (table[col] % 1 == 0).all():
            table[col] = table[col].astype("int64")
    order = pd.Categorical(table["verdict"], categories=VERDICTS, ordered=True)
    table = table.assign(_v=order.codes, _p=-table["percent"].fillna(-np.inf))
    table = table.sort_values(["_v", "_p", *by], kind="stable").drop(columns=["_v", "_p"])
    return table.reset_index(drop=True)


def results(table: pd.DataFrame) -> list[ChangeResult]:
    """The rows of a :func:`change_by` table as :class:`ChangeResult` objects, in order."""
    _require_columns(table, RESULT_COLUMNS)
    rows = table[RESULT_COLUMNS].to_dict("records")
    return [ChangeResult(**{k: (None if k == "caveat" and pd.isna(v) else v)
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
    if p < alpha and s1 > s0:
        verdict = "rose"
    elif p < alpha and s1 < s0:
        verdict = "fell"
    else:
        verdict = "similar"
    return ShareResult(str(value), comp.current_label, comp.previous_label, int(x1), int(n1),
                       int(x0), int(n0), s1, s0, s1 - s0, p, "Fisher exact", float(alpha),
                       verdict)
