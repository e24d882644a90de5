"""Partnership targets: progress against a baseline, the trajectory needed, and a status.

A target such as "reduce ASB by 25% against 2019-20 by 2022-23" is read against a monthly count
series: the change to date with its exact interval, where a straight-line trajectory says the
series should be by now, a status (on track / at risk / off track) that allows for noise, and
the NHS England Making Data Count assurance reading of the monthly chart.

Two things keep a status from flipping on something other than progress: ``dispersion`` allows
for monthly counts that vary more than Poisson noise (the interval widens, see
:mod:`pccanalysis.indicators.significance`), and ``gaps`` with ``gap_policy="exclude"`` leaves
out months data.police.uk published with most of the category missing, so a month of missing
ASB does not make a reduction target look met, nor a missing baseline month an increase look
like a failure.

References
----------
Przyborowski J, Wilenski H (1940), Biometrika 31, 313-323 (exact conditional test for two
Poisson counts); Clopper CJ, Pearson ES (1934), Biometrika 26, 404-413; NHS England, "Making
Data Count" (2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError, DataError, PeriodError
from ..periods import parse_period, quarter_of, to_month
from ..sources.targets import Target
from .change import _estimated
from .counts import ALL_CRIME, ASB
from .gaps import Caveat, gap_records, join_caveats
from .options import TestOptions, resolve_options
from .period_counts import _excluding
from .period_pair import PeriodPair
from .significance import compare_poisson, verdict
from .spc import ASSURANCE_LABELS, SpcResult, spc

#: How :func:`target_progress` compares the current window with the baseline.
TargetComparison = Literal["auto", "rolling", "same_months", "annualised"]
Status = Literal["on track", "at risk", "off track"]

STATUS_RULE = (
    "on track when the whole confidence interval for the change is at or beyond the trajectory "
    "point, off track when it is wholly short of it, at risk otherwise"
)


@dataclass(frozen=True)
class TargetProgress:
    """Progress against a :class:`Target`, with everything a sentence about it needs.

    Attributes
    ----------
    target : Target
        The target as written.
    comparison : {"rolling", "same_months", "annualised"}
        How like was compared with like (see :func:`target_progress`).
    baseline_label, current_label : str
        The two windows in words, e.g. ``"2019-20"`` and ``"12 months to March 2021"``
        (``"... excluding November 2020"`` when gap months were left out).
    baseline_months, current_months : tuple of pandas.Period
        The months each window covers (without any gap months left out).
    baseline_count : int
        Count over the baseline months.
    baseline_value : float
        The baseline in the current window's units: ``baseline_count`` scaled to the current
        window's length when ``comparison == "annualised"``, else ``baseline_count``.
    current_value : int
        Count over the current window.
    percent_change, percent_change_low, percent_change_high : float
        Change in the rate and its exact interval, in percent (-18.3 for a fall of 18.3%).
    ratio, ratio_low, ratio_high : float
        The same as a rate ratio (current / baseline, per month).
    p_value : float
        Test of "no change" (two-sided): exact conditional, or when ``dispersion > 1`` the
        larger of that and the quasi-Poisson score test's p-value
        (:mod:`pccanalysis.indicators.significance`).
    verdict : {"rose", "fell", "similar"}
        ``p_value < alpha`` gives "rose" or "fell"
        (:func:`pccanalysis.indicators.significance.verdicts`).
    alpha : float
        One minus the confidence level.
    target_value : float
        What the target asks for, in the current window's units (``baseline_value`` times
        ``1 - percent / 100`` for a reduction, ``1 + percent / 100`` for an increase).
    deadline_label : str
        The deadline in words.
    elapsed_fraction : float
        Share of the time from the end of the baseline to the end of the deadline that has
        passed at the end of the current window (0 to 1).
    needed_percent_by_now : float
        Change the straight-line trajectory asks for by now, in percent (-8.3 a third of the
        way to a 25% reduction).
    trajectory_value_now : float
        ``baseline_value`` changed by ``needed_percent_by_now``.
    status : {"on track", "at risk", "off track"}
        See :data:`STATUS_RULE`.
    past_deadline : bool
        The current window ends at or after the deadline, so the status says whether the target
        was met.
    monthly_target : float
        The target as a monthly value (baseline monthly mean changed by the target percent),
        the line the assurance reading uses.
    spc : SpcResult or None
        The Making Data Count chart of the monthly series with that target line.
    assurance, assurance_label : str or None
        The chart's assurance reading (``"consistently_met"``, ``"consistently_missed"``,
        ``"hit_and_miss"``) and its words.
    method : str
        What was done, for a footnote.
    caveat : Caveat or None
        A publication gap in the compared months (kept, ``gap_policy="caveat"``, or left out,
        ``"exclude"``), or too little history to estimate the dispersion; None otherwise.
    dispersion : float
        The over-dispersion factor ``phi`` the interval allowed for (1: Poisson noise).
    """

    target: Target
    comparison: str
    baseline_label: str
    baseline_months: tuple
    baseline_count: int
    baseline_value: float
    current_label: str
    current_months: tuple
    current_value: int
    percent_change: float
    percent_change_low: float
    percent_change_high: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    verdict: str
    alpha: float
    target_value: float
    deadline_label: str
    elapsed_fraction: float
    needed_percent_by_now: float
    trajectory_value_now: float
    status: Status
    past_deadline: bool
    monthly_target: float
    spc: SpcResult | None
    assurance: str | None
    assurance_label: str | None
    method: str
    caveat: Caveat | None = None
    dispersion: float = 1.0

    @property
    def target_percent(self) -> float:
        """Signed target change in percent (-25 for "reduce by 25%")."""
        return -self.target.percent if self.target.direction == "reduce" else self.target.percent


def target_progress(
    target: Target,
    series: pd.DataFrame | pd.Series,
    *,
    value: str = "count",
    period: str = "month",
    as_of=None,
    compare: TargetComparison = "auto",
    spc_options: dict | None = None,
    gaps=None,
    options: TestOptions | None = None,
    **keywords,
) -> TargetProgress:
    """Measure progress against a target, with an uncertainty-aware status.

    Parameters
    ----------
    target : Target
        E.g. reduce ASB by 25% against 2019-20 by 2022-23.
    series : pandas.DataFrame or pandas.Series
        Monthly counts: a tidy frame with a ``period`` (period[M]) and a ``value`` column, or a
        Series indexed by month. Every month from the first to the last must be present.
    value, period : str
        Column names when ``series`` is a frame.
    as_of : month-like, optional
        Last month to use (default: the latest month in the series).
    compare : {"auto", "rolling", "same_months", "annualised"}
        How to compare like with like. ``"rolling"``: the latest months, as many as the
        baseline has (a financial-year baseline against the latest rolling 12 months).
        ``"same_months"``: the baseline's months in the latest year that has them all (a
        2019-20 Q4 baseline against January-March of the latest year), which keeps the seasons
        matched for a baseline shorter than a year. ``"annualised"``: the latest rolling 12
        months against the baseline scaled to 12 months. ``"auto"`` (default) is
        ``"rolling"`` for a 12-month baseline and ``"same_months"`` otherwise.
    spc_options : dict, optional
        Extra keyword arguments for :func:`pccanalysis.indicators.spc.spc` (e.g. ``rebase``).
    gaps : pandas.DataFrame or iterable of month-like, optional
        Publication gaps: a :func:`pccanalysis.indicators.gaps.find_gaps` frame for the
        series' area (when it has a ``crime_type`` column and the target is on police data,
        only the target's crime type counts, and every type but ASB for ``"All crime"``), or
        the gap months themselves.
    options : TestOptions, optional
        Reads ``alpha`` (one minus the confidence level of the interval; 0.05 gives 95%),
        ``dispersion`` and ``gap_policy``:

        ``dispersion``: quasi-Poisson over-dispersion factor ``phi >= 1`` of the monthly
        counts (default 1: Poisson noise, the exact test and interval). ``"estimate"``: from
        the series' own months before the current window
        (:func:`pccanalysis.indicators.significance.estimate_dispersion`; at least 12 months,
        else 1 with a caveat). A wider interval makes "at risk" likelier than a status
        decided by noise. Briefings use ``"estimate"``.

        ``gap_policy``: ``"caveat"`` (default): compare the windows as they are and say which
        compared month has a gap. ``"exclude"``: leave gap months out of both windows with
        their calendar pairs (as :meth:`pccanalysis.indicators.period_pair.PeriodPair.without`
        does; a financial-year baseline against the latest 12 months drops November from
        both), and leave them out of the SPC chart's limits and rules; labels and caveat say
        so.
    **keywords
        ``alpha``, ``dispersion`` or ``gap_policy``, overriding that field of ``options``.

    Returns
    -------
    TargetProgress

    Notes
    -----
    The change is the rate ratio of the current window to the baseline (per month), with the
    exact conditional test and the exact (Clopper-Pearson) interval from the conditional
    binomial distribution of the current count given the total
    (:func:`pccanalysis.indicators.significance.compare_poisson`).

    The trajectory is a straight line from the baseline value at the end of the baseline period
    to the target value at the end of the deadline period. ``elapsed_fraction`` is the months
    from the end of the baseline to the end of the current window over the months from the end
    of the baseline to the end of the deadline (capped at 1); the trajectory asks for that
    fraction of the target change by now, i.e. a rate ratio ``r* = 1 -/+ fraction * percent /
    100``.

    Status, so that noise alone does not flip it: for a reduction, **on track** when the upper
    end of the ratio's interval is at or below ``r*``, **off track** when the lower end is
    above ``r*``, **at risk** otherwise (for an increase, mirrored). Once the deadline has
    passed, ``r*`` is the full target, so "on track" reads "met" and "off track" "missed".

    The Making Data Count assurance reading charts every month up to ``as_of`` (XmR) with the
    monthly target line: consistently met, consistently missed or hit and miss.

    References
    ----------
    Przyborowski and Wilenski (1940); Clopper and Pearson (1934); NHS England, "Making Data
    Count" (2019).

    Raises
    ------
    ConfigError
        An unknown direction or comparison, a percent outside (0, 100] for a reduction, or a
        deadline not after the baseline.
    PeriodError
        The current window would overlap the baseline, or ``as_of`` is not in the series.
    DataError
        Missing, duplicated, negative or fractional monthly counts, or a zero baseline.

    Notes
    -----
    Long because this docstring describes the method in full; the body (under 90 lines) calls
    a helper for each step.
    """
    opts = resolve_options(options, keywords, "target_progress",
                           ("alpha", "dispersion", "gap_policy"))
    alpha, dispersion, gap_policy = opts.alpha, opts.dispersion, opts.gap_policy
    _check_arguments(target, compare)
    counts = _monthly_counts(series, value, period)
    baseline = parse_period(target.baseline)
    deadline = parse_period(target.deadline)
    if deadline.last_month <= baseline.last_month:
        raise ConfigError(
            f"target {target.name!r}: the deadline {deadline.label} must end after the baseline "
            f"{baseline.label}."
        )
    end = counts.index[-1] if as_of is None else to_month(as_of)
    if end not in counts.index:
        raise PeriodError(
            f"{end} is not in the monthly series, which runs {counts.index[0]} to "
            f"{counts.index[-1]}."
        )
    k = len(baseline.months)
    mode = ("rolling" if k == 12 else "same_months") if compare == "auto" else compare
    current = _current_window(target, baseline, end, mode)
    _window_sum(counts, baseline.months, f"the baseline {baseline.label}")
    _window_sum(counts, current, "the current window")
    window_first, window_end = current[0], current[-1]
    comp = PeriodPair("target", _window_label(current), _period_label(baseline), tuple(current),
                      tuple(baseline.months))
    gap_months = _gap_months(target, gaps)
    comp, note = _gaps_in_windows(target, gaps, gap_months, comp, gap_policy)
    current, base_months = list(comp.current_months), list(comp.previous_months)
    baseline_count = int(counts.loc[base_months].sum())
    current_count = int(counts.loc[current].sum())
    if baseline_count == 0:
        raise DataError(
            f"target {target.name!r}: the baseline {baseline.label} count is zero, so a "
            "percentage change cannot be measured"
        )
    phi, phi_note = _phi(counts, dispersion, window_first)
    caveat = join_caveats(note, phi_note)

    t1, t0 = len(current), len(base_months)
    cmp = compare_poisson(current_count, baseline_count, t1, t0, alpha=alpha, dispersion=phi)
    sign = -1 if target.direction == "reduce" else 1
    baseline_value = baseline_count * t1 / t0
    total_months = (deadline.last_month - baseline.last_month).n
    elapsed = (window_end - baseline.last_month).n
    fraction = min(1.0, elapsed / total_months)
    needed = sign * target.percent * fraction
    r_star = 1 + needed / 100
    status = _status(target.direction, cmp, r_star)
    monthly_target = baseline_count / t0 * (1 + sign * target.percent / 100)
    excluded = gap_months if gap_policy == "exclude" else ()
    chart = _chart(counts.loc[:end], sign, monthly_target, spc_options, excluded)
    return TargetProgress(
        target=target,
        comparison=mode,
        baseline_label=comp.previous_label,
        baseline_months=tuple(base_months),
        baseline_count=baseline_count,
        baseline_value=float(baseline_value),
        current_label=comp.current_label,
        current_months=tuple(current),
        current_value=current_count,
        percent_change=(cmp.ratio - 1) * 100,
        percent_change_low=(cmp.ratio_low - 1) * 100,
        percent_change_high=(cmp.ratio_high - 1) * 100,
        ratio=cmp.ratio,
        ratio_low=cmp.ratio_low,
        ratio_high=cmp.ratio_high,
        p_value=cmp.p_value,
        verdict=verdict(cmp.p_value, cmp.ratio, alpha),
        alpha=alpha,
        target_value=baseline_value * (1 + sign * target.percent / 100),
        deadline_label=_period_label(deadline),
        elapsed_fraction=fraction,
        needed_percent_by_now=needed,
        trajectory_value_now=baseline_value * r_star,
        status=status,
        past_deadline=window_end >= deadline.last_month,
        monthly_target=monthly_target,
        spc=chart,
        assurance=chart.assurance,
        assurance_label=None if chart.assurance is None else ASSURANCE_LABELS[chart.assurance],
        method=_method(comp, mode, alpha, phi),
        caveat=caveat,
        dispersion=phi,
    )


def _check_arguments(target: Target, compare: str) -> None:
    """Refuse a target or option :func:`target_progress` cannot measure."""
    if target.direction not in ("reduce", "increase"):
        raise ConfigError(
            f"target {target.name!r}: direction must be 'reduce' or 'increase', not "
            f"{target.direction!r}."
        )
    if not (target.percent > 0 and (target.direction == "increase" or target.percent <= 100)):
        raise ConfigError(
            f"target {target.name!r}: percent must be above 0"
            + (" and at most 100 for a reduction" if target.direction == "reduce" else "")
            + f", not {target.percent!r}."
        )
    if compare not in ("auto", "rolling", "same_months", "annualised"):
        raise ConfigError(
            "compare must be 'auto', 'rolling', 'same_months' or 'annualised', "
            f"not {compare!r}."
        )


def _current_window(target: Target, baseline, end: pd.Period, mode: str) -> list[pd.Period]:
    """The months compared with the baseline as of ``end``: the same calendar months in the
    latest year that has them all, or the ``len(baseline)`` (12 when annualised) months to
    ``end``."""
    if mode == "same_months":
        years = (end - baseline.last_month).n // 12
        if years < 1:
            raise PeriodError(
                f"target {target.name!r}: no later year has all the months of the baseline "
                f"{baseline.label} by {end.strftime('%B %Y')}."
            )
        return [m + 12 * years for m in baseline.months]
    length = 12 if mode == "annualised" else len(baseline.months)
    current = [end - (length - 1 - i) for i in range(length)]
    if current[0] <= baseline.last_month:
        raise PeriodError(
            f"target {target.name!r}: the current window ({_window_label(current)}) overlaps "
            f"the baseline {baseline.label}; progress can be measured from "
            f"{(baseline.last_month + len(current)).strftime('%B %Y')}."
        )
    return current


def _gaps_in_windows(target: Target, gaps, gap_months, comp: PeriodPair,
                     gap_policy: str) -> tuple[PeriodPair, Caveat | None]:
    """The windows compared (without the gap months and their pairs when excluding) and the
    caveat naming the gap months that fall in them."""
    in_windows = tuple(sorted(m for m in gap_months if m in set(comp.months)))
    note = None
    if gap_policy == "exclude":
        comp, note = _excluding(comp, in_windows)
    if note is None and in_windows:
        note = _gap_caveat(target, gaps, in_windows)
    return comp, note


def _phi(counts: pd.Series, dispersion, window_first: pd.Period) -> tuple[float, Caveat | None]:
    """The dispersion the interval allows for: as given, or estimated from the months before
    the current window (1, with a caveat, when they are too few)."""
    if dispersion != "estimate":
        return float(dispersion), None
    history = counts.loc[:window_first - 1].to_numpy(dtype=float)[None, :]
    phi, note = _estimated(history, window_first)
    return float(phi[0]), note


def _chart(counts: pd.Series, sign: int, monthly_target: float, spc_options: dict | None,
           excluded) -> SpcResult:
    """The XmR chart of every month to the end of the window with the monthly target line,
    leaving the gap months ``excluded`` (when charted) out of its limits and rules."""
    options = dict(spc_options or {})
    if len(excluded):
        options["exclude"] = sorted({*map(to_month, options.get("exclude", ())),
                                     *(m for m in excluded if m in counts.index)})
    return spc(counts, improvement="decrease" if sign < 0 else "increase",
               target=monthly_target, **options)


def _status(direction: str, cmp, r_star: float) -> Status:
    """:data:`STATUS_RULE`: where the ratio's interval lies against the trajectory's ``r*``."""
    if direction == "reduce":
        return ("on track" if cmp.ratio_high <= r_star
                else "off track" if cmp.ratio_low > r_star else "at risk")
    return ("on track" if cmp.ratio_low >= r_star
            else "off track" if cmp.ratio_high < r_star else "at risk")


def _method(comp: PeriodPair, mode: str, alpha: float, phi: float) -> str:
    """What was done, for a footnote."""
    return (
        f"{comp.current_label} against {comp.previous_label}"
        f"{' (annualised)' if mode == 'annualised' else ''}: rate ratio with the "
        + (f"exact conditional test and {100 * (1 - alpha):g}% Clopper-Pearson interval"
           if phi == 1 else
           f"quasi-Poisson score test and {100 * (1 - alpha):g}% score interval "
           f"(dispersion {phi:.3g}), each no narrower than the exact conditional test's")
        + f"; status {STATUS_RULE}; assurance from an XmR chart (Making Data Count)"
    )


def _gap_frame(target: Target, gaps) -> pd.DataFrame | None:
    """The rows of a gaps frame that concern the target's series (None for a list of months)."""
    if not isinstance(gaps, pd.DataFrame):
        return None
    if "crime_type" in gaps.columns and target.source == "police_uk":
        types = gaps["crime_type"].astype("str")
        if target.indicator == ALL_CRIME:
            return gaps[types != ASB]
        return gaps[types == target.indicator]
    return gaps


def _gap_months(target: Target, gaps) -> tuple[pd.Period, ...]:
    if gaps is None:
        return ()
    frame = _gap_frame(target, gaps)
    months = frame["month"] if frame is not None else gaps
    return tuple(sorted({to_month(m) for m in months}))


def _gap_caveat(target: Target, gaps, months) -> Caveat:
    """The caveat for gap months kept in the comparison."""
    frame = _gap_frame(target, gaps)
    if frame is not None and {"count", "expected"} <= set(frame.columns):
        hit = frame[frame["month"].isin(months)]
        return Caveat(gaps=tuple(dict.fromkeys(gap_records(hit))))
    return Caveat(gap_months=tuple(months))


def _monthly_counts(series, value: str, period: str) -> pd.Series:
    if isinstance(series, pd.DataFrame):
        for col in (period, value):
            if col not in series.columns:
                raise DataError(f"the monthly series has no {col!r} column", column=col)
        s = pd.Series(series[value].to_numpy(), index=series[period].to_numpy())
    else:
        s = series
    try:
        s.index = pd.PeriodIndex(s.index, freq="M")
    except (TypeError, ValueError) as exc:
        raise DataError("the monthly series is not indexed by month", column=period) from exc
    s = s.sort_index()
    if len(s) == 0:
        raise DataError("the monthly series is empty", column=value)
    dupes = s.index[s.index.duplicated()]
    if len(dupes):
        raise DataError(f"the monthly series has more than one count for {dupes[0]}",
                        column=period)
    y = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(y) | (y < 0) | (y != np.floor(y)))
    if len(bad):
        raise DataError(
            f"the count for {s.index[bad[0]]} is {s.iloc[bad[0]]}, not a whole number of zero "
            "or more", column=value,
        )
    gaps = pd.period_range(s.index[0], s.index[-1], freq="M").difference(s.index)
    if len(gaps):
        raise DataError(f"the monthly series has no count for {gaps[0]}", column=period)
    return pd.Series(y.astype(np.int64), index=s.index)


def _window_sum(counts: pd.Series, months, what: str) -> int:
    missing = [m for m in months if m not in counts.index]
    if missing:
        raise DataError(
            f"the monthly series has no count for {missing[0]}, which {what} needs",
        )
    return int(counts.loc[list(months)].sum())


def baseline_label(target: Target) -> str:
    """A target's baseline as a reader sees it written: "2019-20", "2019-20 Q4", "March 2020"
    (without any month a comparison left out, which the figures name themselves)."""
    return _period_label(parse_period(target.baseline))


def _period_label(p) -> str:
    if p.kind == "month":
        return p.first_month.strftime("%B %Y")
    return p.label


def _window_label(months) -> str:
    """Words for a run of consecutive months: a financial year, quarter, month or 'N months to'."""
    first, last = months[0], months[-1]
    n = len(months)
    if n == 1:
        return first.strftime("%B %Y")
    if n == 12 and first.month == 4:
        return quarter_of(first).financial_year.label
    if n == 12 and first.month == 1:
        return str(first.year)
    if n == 3 and quarter_of(first) == quarter_of(last):
        return quarter_of(first).label
    return f"{n} months to {last.strftime('%B %Y')}"
