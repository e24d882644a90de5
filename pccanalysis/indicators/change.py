"""Change between two periods, with its uncertainty and a verdict: "rose", "fell" or "similar".

A change is reported as counts, absolute and percentage change, the rate ratio with its exact
interval, a two-sided p-value (exact conditional test for two Poisson counts, see
:mod:`pccanalysis.indicators.significance`) and a verdict read off the p-value at a chosen
significance level ``alpha`` (:func:`pccanalysis.indicators.significance.verdicts`, the one
rule every indicator uses). The narrative reads only the verdict, so a board hears "rose" or
"fell" only where the change is unlikely to be noise.

The options of the test come in one :class:`~pccanalysis.indicators.options.TestOptions`
(``options=``; or field by field as keywords). Two of them make that promise hold for real
crime figures, which vary more than Poisson noise and are read a table at a time:

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

The two periods are a :class:`~pccanalysis.indicators.period_pair.PeriodPair`, built by
:func:`same_quarter_last_year`, :func:`year_to_date`, :func:`rolling_12_months`,
:func:`since_baseline`, :func:`same_period_last_year` or :func:`between` (defined in
:mod:`~pccanalysis.indicators.period_pair` and importable from here, beside the functions that
take them); what a frame counts in each is :mod:`~pccanalysis.indicators.period_counts`.

References
----------
Przyborowski J, Wilenski H (1940), Biometrika 31, 313-323 (exact conditional test).
R Core Team, ``poisson.test`` (two-sample form: the same interval, and the same p-value for
periods of equal length).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy import stats

from .counts import _as_list, _require_columns
from .gaps import Caveat, join_caveats
from .options import GAP_POLICIES, TestOptions, resolve_options
from .period_counts import _caveats, _excluding, _gap_months, _period_totals, compared_periods
from .period_pair import (
    PeriodPair,
    between,
    months_in_words,
    rolling_12_months,
    same_period_last_year,
    same_quarter_last_year,
    since_baseline,
    year_to_date,
)
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
    "PeriodPair",
    "ShareResult",
    "TestOptions",
    "VERDICTS",
    "between",
    "change",
    "change_by",
    "compare_counts",
    "compared_periods",
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
        (Clopper-Pearson), joined with the quasi-Poisson score interval when
        ``dispersion > 1``; with ``method="exact"`` it leaves out 1 exactly when
        ``p_value < alpha``.
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


def compare_counts(current: float, previous: float, *, current_exposure: float = 1.0,
                   previous_exposure: float = 1.0, label: str = "", kind: str = "",
                   current_label: str = "current", previous_label: str = "previous",
                   caveat: Caveat | None = None, options: TestOptions | None = None,
                   **keywords) -> ChangeResult:
    """The change from one count to another, with its p-value, interval and verdict.

    Parameters
    ----------
    current, previous : int
        The counts.
    current_exposure, previous_exposure : float
        Months (or other exposure) each count covers.
    label, kind, current_label, previous_label, caveat
        Carried into the result to make it self-describing.
    options : TestOptions, optional
        Reads ``alpha`` (0.05), ``method`` (``"exact"``: the exact conditional test, or
        ``"sqrt"``: the square-root Poisson Z) and ``dispersion``: a number ``phi >= 1`` (1:
        Poisson noise and the exact test; above 1 the quasi-Poisson score test, see
        :mod:`pccanalysis.indicators.significance`); estimate it from the monthly series with
        :func:`pccanalysis.indicators.significance.estimate_dispersion`.
    **keywords
        ``alpha``, ``method`` or ``dispersion``, overriding that field of ``options``.

    Examples
    --------
    >>> r = compare_counts(80, 100)
    >>> r.percent, r.verdict   # 80 against 100 could be noise: p = 0.16
    (-20.0, 'similar')
    """
    if isinstance(keywords.get("dispersion", (options or TestOptions()).dispersion), str):
        raise ValueError("dispersion must be a number of 1 or more here, not 'estimate' "
                         "('estimate' needs the monthly data: use change or change_by).")
    opts = resolve_options(options, keywords, "compare_counts",
                           ("alpha", "method", "dispersion"))
    out = _change_arrays(current, previous, current_exposure, previous_exposure, opts.alpha,
                         opts.method, float(opts.dispersion))
    return ChangeResult(
        label=label, kind=kind, current_label=current_label, previous_label=previous_label,
        current=_plain(current), previous=_plain(previous),
        current_exposure=float(current_exposure), previous_exposure=float(previous_exposure),
        absolute=_plain(out["absolute"]), percent=float(out["percent"]),
        ratio=float(out["ratio"]), ratio_low=float(out["ratio_low"]),
        ratio_high=float(out["ratio_high"]), p_value=float(out["p_value"]),
        method=str(out["method"]), alpha=float(opts.alpha), verdict=str(out["verdict"]),
        caveat=caveat, dispersion=float(opts.dispersion), adjusted_p=float(out["adjusted_p"]),
        adjust="none",
    )


def _plain(x):
    x = float(x)
    return int(x) if x.is_integer() else x


def change(frame: pd.DataFrame, comp: PeriodPair, *, count_column: str | None = None,
           label: str = "", gaps: pd.DataFrame | None = None,
           available_months: Sequence | None = None, options: TestOptions | None = None,
           **keywords) -> ChangeResult:
    """The change in the total count of ``frame`` between the two periods of ``comp``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column, already filtered to what is counted (e.g.
        ``all_crime(frame)`` or ASB in one CSP).
    comp : PeriodPair
        The periods.
    count_column : str, optional
        Pre-aggregated count column; None means each row counts one.
    label : str
        What was counted, carried into the result.
    gaps : pandas.DataFrame, optional
        Publication gaps from :func:`pccanalysis.indicators.gaps.find_gaps`; when one of the
        counted categories has a gap in a compared month the result carries a caveat.
    available_months : sequence of month-like, optional
        The months the data cover; by default every month from the frame's first to its last.
        A compared month outside them raises :class:`PeriodError` rather than count as zero
        (a quarter past the end of the data must not read as a fall to nothing). Pass it when
        ``frame`` was filtered to something sparse (robbery in one ward), whose own first and
        last rows need not be the data's, e.g. ``month_range(full_frame)``.
    options : TestOptions, optional
        Reads ``alpha``, ``method`` (see :func:`compare_counts`), ``gap_policy`` and
        ``dispersion``:

        ``gap_policy`` says what to do when a compared month has a publication gap in a
        counted category: ``"caveat"`` (default) compares the periods as they are and
        attaches the caveat; ``"exclude"`` leaves the gap months, and their pairs in the other
        period, out of both periods (:meth:`PeriodPair.without`), so the figure compares like
        with like; the labels and the caveat say which months were left out. A comparison
        whose every month is a gap keeps the ``"caveat"`` behaviour.

        ``dispersion`` is the quasi-Poisson over-dispersion factor ``phi >= 1`` (default 1:
        Poisson noise, the exact test), or ``"estimate"``: ``phi`` from the monthly counts of
        every available month before the current period
        (:func:`~pccanalysis.indicators.significance.estimate_dispersion`, at least 1); with
        fewer than :data:`DISPERSION_MIN_MONTHS` such months ``phi`` is 1 and the caveat says
        so. Briefings use ``"estimate"``.
    **keywords
        ``alpha``, ``method``, ``gap_policy`` or ``dispersion``, overriding that field of
        ``options``.

    Examples
    --------
    A force's year to date, 29,129 crimes against 29,900 (-2.6%): the exact test gives
    p = 0.0015 ("fell"), but with ``dispersion=4`` (monthly totals with twice the Poisson
    standard deviation; Derbyshire's monthly all-crime totals for 2023-24 give about 6)
    ``z`` halves from -3.17 to -1.59 and p = 0.11 ("similar").
    """
    opts = resolve_options(options, keywords, "change",
                           ("alpha", "method", "gap_policy", "dispersion"))
    comp, totals, phi, caveats = _counted(frame, comp, [], count_column, True, gaps,
                                          available_months, opts)
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    return compare_counts(
        totals["current"].iloc[0], totals["previous"].iloc[0], current_exposure=t1,
        previous_exposure=t2, label=label, kind=comp.kind, current_label=comp.current_label,
        previous_label=comp.previous_label, caveat=caveats[0],
        options=TestOptions(alpha=opts.alpha, method=opts.method, dispersion=float(phi[0])),
    )


def _counted(frame: pd.DataFrame, comp: PeriodPair, by: list[str], count_column, dropna: bool,
             gaps, available_months, opts: TestOptions):
    """The periods compared (gap months left out when excluding), the counts in each per group,
    ``phi`` per group and each group's caveat: everything but the test itself."""
    start = min(comp.current_months)
    comp, note = _excluding(comp, _gap_months(frame, comp, gaps, opts.gap_policy))
    if opts.dispersion == "estimate":
        totals, history = _period_totals(frame, comp, by, count_column, dropna,
                                         available_months, start)
        phi, phi_note = _estimated(history, start)
    else:
        totals = _period_totals(frame, comp, by, count_column, dropna, available_months)
        phi, phi_note = np.full(len(totals), float(opts.dispersion)), None
    caveats = [join_caveats(note, c, phi_note)
               for c in _caveats(frame, totals, by, comp, gaps)]
    return comp, totals, phi, caveats


def _estimated(history: np.ndarray, start: pd.Period) -> tuple[np.ndarray, Caveat | None]:
    """``phi`` per row of a history matrix (groups x months), or 1 with a caveat when short."""
    n = history.shape[1]
    if n < DISPERSION_MIN_MONTHS:
        return np.ones(history.shape[0]), Caveat(history_months=n, history_start=start)
    return np.atleast_1d(estimate_dispersion(history)), None


def change_by(frame: pd.DataFrame, comp: PeriodPair, by, *, count_column: str | None = None,
              gaps: pd.DataFrame | None = None, dropna: bool = True,
              available_months: Sequence | None = None, options: TestOptions | None = None,
              **keywords) -> pd.DataFrame:
    """The change for every group (ward, crime type, CSP, ...) in one call.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with a ``month`` column.
    comp : PeriodPair
        The periods.
    by : str or list of str
        Grouping columns, e.g. ``"ward_name"`` or ``["ward_name", "crime_type"]``.
    count_column, gaps, available_months
        As for :func:`change`.
    dropna : bool
        Leave out rows with a missing group value (default), or keep them as a group.
    options : TestOptions, optional
        Reads ``alpha``, ``method`` and ``gap_policy`` as :func:`change` does (with
        ``gap_policy="exclude"`` every group leaves out the same months, any gap month of a
        category the frame counts, so the groups stay comparable with each other), and:

        ``dispersion``: as for :func:`change`, one ``phi`` for every group, or
        ``"estimate"``: each group's own ``phi`` from its own monthly counts before the
        current period (a ward's counts vary differently from the force's).

        ``adjust``: multiple-comparison adjustment over the rows of the table
        (:func:`~pccanalysis.indicators.significance.adjust_p_values`): ``"holm"``
        (Holm-Bonferroni: the chance of any false "rose"/"fell" in the table stays under
        ``alpha``) or ``"bh"`` (Benjamini-Hochberg: the expected share of false ones among
        the "rose"/"fell" rows stays under ``alpha``). Rows with no events in either period
        are not tests and are left out of the count. The verdict is read from
        ``adjusted_p``; the interval stays the per-row one. Default ``"none"`` (per-row
        verdicts); briefings use ``"holm"``.
    **keywords
        Any field of :class:`TestOptions`, overriding that field of ``options``.

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
    opts = resolve_options(options, keywords, "change_by")
    if opts.gap_policy == "exclude_own" and len(frame):
        return _change_by_own_gaps(frame, comp, by, count_column=count_column, gaps=gaps,
                                   dropna=dropna, available_months=available_months,
                                   options=opts)
    comp, totals, phi, caveats = _counted(frame, comp, by, count_column, dropna, gaps,
                                          available_months, opts)
    t1, t2 = len(comp.current_months), len(comp.previous_months)
    out = _change_arrays(totals["current"].to_numpy(), totals["previous"].to_numpy(), t1, t2,
                         opts.alpha, opts.method, phi, opts.adjust)
    label = totals[by[0]].astype("str")
    for c in by[1:]:
        label = label + " / " + totals[c].astype("str")
    table = totals[by].assign(
        label=label.to_numpy(), kind=comp.kind, current_label=comp.current_label,
        previous_label=comp.previous_label, current=totals["current"].to_numpy(),
        previous=totals["previous"].to_numpy(), current_exposure=out["current_exposure"],
        previous_exposure=out["previous_exposure"], absolute=out["absolute"],
        percent=out["percent"], ratio=out["ratio"], ratio_low=out["ratio_low"],
        ratio_high=out["ratio_high"], p_value=out["p_value"], method=out["method"],
        alpha=float(opts.alpha), verdict=out["verdict"], caveat=caveats,
        dispersion=out["dispersion"], adjusted_p=out["adjusted_p"], adjust=opts.adjust,
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


def _change_by_own_gaps(frame: pd.DataFrame, comp: PeriodPair, by: list[str], *,
                        options: TestOptions, dropna: bool, **inputs) -> pd.DataFrame:
    """:func:`change_by` with ``gap_policy="exclude_own"``: each group's change with its own
    gap months left out, then the verdicts adjusted over all the rows together."""
    groups = frame.groupby([frame[c] for c in by], observed=True, dropna=dropna, sort=False)
    each = replace(options, gap_policy="exclude", adjust="none")
    table = pd.concat([change_by(rows, comp, by, dropna=dropna, options=each, **inputs)
                       for _, rows in groups], ignore_index=True)
    tested = ((table["current"] + table["previous"]) > 0).to_numpy()
    adjusted = adjust_p_values(table["p_value"].to_numpy(dtype=float), options.adjust,
                               tested=tested)
    table = table.assign(adjusted_p=adjusted, adjust=options.adjust,
                         verdict=verdicts(adjusted, table["ratio"].to_numpy(dtype=float),
                                          options.alpha))
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


def share_change(frame: pd.DataFrame, of: str, value, comp: PeriodPair, *,
                 count_column: str | None = None, options: TestOptions | None = None,
                 **keywords) -> ShareResult:
    """Is a group's share of the total (e.g. the city centre's share of hate crime) unusual?

    Compares the share of ``frame`` rows whose ``of`` column equals ``value`` in
    ``comp.current_months`` with the share over ``comp.previous_months`` (the usual period,
    e.g. the previous three years via :func:`between`) by Fisher's exact test, at the
    significance level ``alpha`` of ``options`` (or the keyword ``alpha``).

    References
    ----------
    Fisher RA (1935). The logic of inductive inference. JRSS 98, 39-82;
    ``scipy.stats.fisher_exact``.
    """
    alpha = resolve_options(options, keywords, "share_change", ("alpha",)).alpha
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
