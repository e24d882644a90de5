"""A local change against a national or peer change: "rose faster than England and Wales"?

The local change is the rate ratio ``RL = x1 / x0`` (current over previous count) and the
comparator's is ``RC = y1 / y0``. They are compared by the ratio of rate ratios
``R = RL / RC``, which is 1 when the local area changed exactly as the comparator did; the
difference in percentage change is ``100 * (RL - RC)`` percentage points. Two methods:

``"exact"`` (default)
    Conditional on all four margins of the 2x2 table ``[[x1, x0], [y1, y0]]`` the local
    current count is (Fisher's noncentral) hypergeometric with odds ratio ``R``; the p-value is
    Fisher's exact test (``scipy.stats.fisher_exact``) and the interval is the conditional
    (exact) interval for the odds ratio, as ``scipy.stats.contingency.odds_ratio`` gives it,
    computed here on the log scale so that zero counts and national counts in the millions are
    handled quickly and without numerical failure.
``"log"``
    Wald test on the log scale with the delta method:
    ``se(log R) = sqrt(1/x1 + 1/x0 + 1/y1 + 1/y0)``; needs every count above zero.

When only the comparator's percentage change is known (a published national figure without
counts) it is taken as fixed and the local count is tested against it: given ``x1 + x0`` the
current count is binomial with ``p = RC / (1 + RC)`` (exact conditional binomial test and
Clopper-Pearson interval, as in :mod:`pccanalysis.indicators.significance`).

Over-dispersion. Local counts that vary more than Poisson noise (``phi > 1``, see
:func:`pccanalysis.indicators.significance.estimate_dispersion`) are allowed for with
``dispersion=phi``: with comparator counts, the log-scale test with the local variance terms
multiplied by ``phi``, ``se = sqrt(phi (1/x1 + 1/x0) + 1/y1 + 1/y0)`` (local counts must be
above zero); with a comparator percentage, the quasi-Poisson score test and interval of
:mod:`~pccanalysis.indicators.significance`. The comparator's own counts (national, in the
millions) keep their Poisson terms, which are negligible. ``dispersion=1`` changes nothing.

The difference in percentage points carries an approximate (delta-method) interval:
``var = phi RL^2 (1/x1 + 1/x0) + RC^2 (1/y1 + 1/y0)``.

Whether the difference is more than noise is the same decision as every other verdict
(:func:`pccanalysis.indicators.significance.direction`); only the words differ.

References
----------
Breslow NE, Day NE (1987). Statistical Methods in Cancer Research, vol. II, IARC, ch. 2-3
(comparisons of rate ratios; conditional inference for 2x2 tables of counts).
Cornfield J (1956). A statistical problem arising from retrospective studies. Proc. Third
Berkeley Symposium 4, 135-148 (the exact conditional interval).
Altman DG, Bland JM (2003). Interaction revisited: the difference between two estimates. BMJ
326, 219 (ratio of ratios on the log scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln, logsumexp

from .significance import compare_poisson_arrays, direction

__all__ = [
    "COMPARATOR_VERDICTS",
    "ComparatorResult",
    "compare_to_comparator",
    "conditional_odds_ratio_interval",
]

#: Every verdict :func:`compare_to_comparator` can give; each reads before the comparator's
#: name ("rose faster than England and Wales").
COMPARATOR_VERDICTS = (
    "rose faster than",
    "rose more slowly than",
    "fell faster than",
    "fell more slowly than",
    "rose against a fall in",
    "fell against a rise in",
    "held steady against a rise in",
    "held steady against a fall in",
    "similar to",
)


@dataclass(frozen=True)
class ComparatorResult:
    """A local change compared with a comparator's change over the same periods.

    Attributes
    ----------
    label : str
        The local indicator and area ("Recorded suicide, Derbyshire").
    comparator_label : str
        The comparator ("England and Wales", "most similar forces").
    current_label, previous_label : str
        The two periods.
    local_current, local_previous : float
        Local counts.
    comparator_current, comparator_previous : float or None
        Comparator counts (after removing the local counts when ``subtract_local``); None
        when only the comparator's percentage change was given.
    local_percent, comparator_percent : float
        Percentage changes (24.0 for +24%); NaN where the previous count is 0.
    difference : float
        ``local_percent - comparator_percent``, in percentage points.
    difference_low, difference_high : float
        Approximate (delta-method) interval for ``difference``; NaN when a count is 0.
    ratio : float
        Ratio of rate ratios, local over comparator (1.18 means the local change was 18% more
        upward); NaN or inf when a count is 0.
    ratio_low, ratio_high : float
        Interval for ``ratio`` at confidence ``1 - alpha``.
    p_value : float
        Two-sided p-value for "the local area changed as the comparator did".
    method : str
        How ``p_value`` and the ratio interval were computed.
    alpha : float
        Significance level of the verdict.
    verdict : str
        One of :data:`COMPARATOR_VERDICTS`. "similar to" unless ``p_value < alpha``; otherwise
        the local direction (the sign of ``local_percent``) and how it differs from the
        comparator's ("rose faster than", "fell against a rise in", ...). A rise from 0 is
        a rise.
    """

    label: str
    comparator_label: str
    current_label: str
    previous_label: str
    local_current: float
    local_previous: float
    comparator_current: float | None
    comparator_previous: float | None
    local_percent: float
    comparator_percent: float
    difference: float
    difference_low: float
    difference_high: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    method: str
    alpha: float
    verdict: str


def _verdict(p_value: float, ratio: float, local_ratio: float, comp_ratio: float,
             alpha: float) -> str:
    """The verdict from the test and the directions of the two changes (ratios vs 1)."""
    more = int(direction(p_value, ratio, alpha))
    if more == 0:
        return "similar to"
    if more > 0:  # the local change was more upward than the comparator's
        if local_ratio > 1:
            return "rose faster than" if comp_ratio >= 1 else "rose against a fall in"
        if local_ratio == 1:
            return "held steady against a fall in"
        return "fell more slowly than"
    if local_ratio < 1:
        return "fell faster than" if comp_ratio <= 1 else "fell against a rise in"
    if local_ratio == 1:
        return "held steady against a rise in"
    return "rose more slowly than"


def _log_pmf_base(table: np.ndarray):
    """Support and log-weights (odds ratio 1) of the conditional distribution of the top-left
    cell of a 2x2 table with all margins fixed (Fisher's noncentral hypergeometric)."""
    (a, b), (c, d) = table.astype(float)
    r1, c1, n = a + b, a + c, a + b + c + d
    lo, hi = max(0.0, r1 + c1 - n), min(r1, c1)
    k = np.arange(lo, hi + 1)
    base = (gammaln(c1 + 1) - gammaln(k + 1) - gammaln(c1 - k + 1)
            + gammaln(n - c1 + 1) - gammaln(r1 - k + 1) - gammaln(n - c1 - r1 + k + 1))
    return k, base


def conditional_odds_ratio_interval(table, alpha: float = 0.05) -> tuple[float, float]:
    """Exact conditional interval for the odds ratio of a 2x2 table of counts.

    The limits are the odds ratios at which the observed top-left count sits at the
    ``alpha / 2`` point of either tail of Fisher's noncentral hypergeometric distribution
    (Cornfield 1956; the interval of R's ``fisher.test`` and of
    ``scipy.stats.contingency.odds_ratio(kind="conditional")``). Tails are summed on the log
    scale, so national counts in the millions are fine.

    Returns
    -------
    (float, float)
        Lower and upper limits; 0 and ``inf`` at the edges of the support.
    """
    table = np.asarray(table)
    k, base = _log_pmf_base(table)
    x = float(table[0, 0])
    target = math.log(alpha / 2)

    def log_tail(log_psi: float, upper: bool) -> float:
        logw = base + k * log_psi
        tail = logw[k >= x] if upper else logw[k <= x]
        return float(logsumexp(tail) - logsumexp(logw))

    def solve(upper: bool) -> float:
        # P(X >= x) rises with the odds ratio and P(X <= x) falls: bracket on the log scale.
        f = (lambda t: log_tail(t, True) - target) if upper else (
            lambda t: log_tail(t, False) - target)
        lo, hi = -1.0, 1.0
        while f(lo) * f(hi) > 0 and hi - lo < 400:
            lo, hi = lo - 2 * (hi - lo), hi + 2 * (hi - lo)
        return math.exp(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12))

    low = 0.0 if x <= k[0] else solve(upper=True)
    high = math.inf if x >= k[-1] else solve(upper=False)
    return low, high


def _pct(now: float, before: float) -> float:
    return 100 * (now - before) / before if before > 0 else float("nan")


def _check_count(name: str, value) -> float:
    v = float(value)
    if not math.isfinite(v) or v < 0 or not v.is_integer():
        raise ValueError(f"{name} must be a whole number of zero or more, not {value!r}.")
    return v


def compare_to_comparator(local_current: int, local_previous: int,
                          comparator_current: int | None = None,
                          comparator_previous: int | None = None, *,
                          comparator_percent: float | None = None,
                          subtract_local: bool = False, alpha: float = 0.05,
                          method: str = "exact", dispersion: float = 1.0, label: str = "",
                          comparator_label: str = "the comparator",
                          current_label: str = "current",
                          previous_label: str = "previous") -> ComparatorResult:
    """Compare a local change with a national or peer change over the same two periods.

    Parameters
    ----------
    local_current, local_previous : int
        Local counts in the current and previous period.
    comparator_current, comparator_previous : int, optional
        Comparator counts over the same periods (national counts in the millions are fine).
    comparator_percent : float, optional
        The comparator's percentage change, when its counts are not available (5.0 for +5%);
        taken as exact. Give either this or both comparator counts.
    subtract_local : bool
        True when the comparator's counts include the local area's (England and Wales includes
        every force): the local counts are taken off, comparing the area with the rest.
    alpha : float
        Significance level of the verdict (and one minus the confidence level).
    method : {"exact", "log"}
        See the module notes. Ignored when ``comparator_percent`` is given, and when
        ``dispersion > 1`` (the log scale is then used).
    dispersion : float
        Over-dispersion factor ``phi >= 1`` of the local counts (1: Poisson noise, the
        default); see the module notes.
    label, comparator_label, current_label, previous_label : str
        Carried into the result.

    Returns
    -------
    ComparatorResult

    Examples
    --------
    >>> r = compare_to_comparator(124, 100, 5_250_000, 5_000_000,
    ...                           comparator_label="England and Wales")
    >>> round(r.local_percent), round(r.comparator_percent), r.verdict
    (24, 5, 'similar to')
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha!r}.")
    phi = float(dispersion)
    if not (math.isfinite(phi) and phi >= 1):
        raise ValueError(f"dispersion must be a number of 1 or more, not {dispersion!r}.")
    x1 = _check_count("local_current", local_current)
    x0 = _check_count("local_previous", local_previous)
    local_pct = _pct(x1, x0)
    rl = x1 / x0 if x0 > 0 else (math.inf if x1 > 0 else math.nan)
    if comparator_percent is not None:
        if comparator_current is not None or comparator_previous is not None:
            raise ValueError("give the comparator's counts or its percentage change, not both.")
        rc = 1 + float(comparator_percent) / 100
        if not rc > 0:
            raise ValueError("the comparator's percentage change must be above -100.")
        # Under "changed as the comparator did" x1 and x0 are Poisson with means in the ratio
        # RC : 1, i.e. two counts with exposures RC and 1 (exact binomial test at phi = 1).
        out = compare_poisson_arrays(x1, x0, rc, 1.0, alpha, "exact", phi)
        p_value = float(out["p_value"])
        ratio_low, ratio_high = float(out["ratio_low"]), float(out["ratio_high"])
        ratio = rl / rc
        comp_pct = float(comparator_percent)
        y1 = y0 = None
        var_c = 0.0
        method_name = ("exact conditional binomial" if phi == 1 else
                       f"quasi-Poisson score (dispersion {phi:.3g})")
        method_name += " (comparator change taken as exact)"
    else:
        if comparator_current is None or comparator_previous is None:
            raise ValueError("give both comparator counts, or comparator_percent.")
        y1 = _check_count("comparator_current", comparator_current)
        y0 = _check_count("comparator_previous", comparator_previous)
        if subtract_local:
            y1, y0 = y1 - x1, y0 - x0
            if y1 < 0 or y0 < 0:
                raise ValueError("the comparator's counts are smaller than the local counts, so "
                                 "they cannot include them (subtract_local=True).")
        comp_pct = _pct(y1, y0)
        rc = y1 / y0 if y0 > 0 else (math.inf if y1 > 0 else math.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.float64(x1) * y0 / (np.float64(x0) * y1))
        table = np.array([[x1, x0], [y1, y0]], dtype=np.int64)
        if method not in ("exact", "log"):
            raise ValueError(f"method must be 'exact' or 'log', not {method!r}.")
        if phi > 1:
            if min(x1, x0, y1, y0) == 0:
                raise ValueError("with a dispersion above 1 the comparison is made on the log "
                                 "scale, which needs every count above zero.")
            se = math.sqrt(phi * (1 / x1 + 1 / x0) + 1 / y1 + 1 / y0)
            z = math.log(ratio) / se
            p_value = float(2 * stats.norm.sf(abs(z)))
            zq = stats.norm.ppf(1 - alpha / 2)
            ratio_low = math.exp(math.log(ratio) - zq * se)
            ratio_high = math.exp(math.log(ratio) + zq * se)
            method_name = f"log ratio of rate ratios, quasi-Poisson (dispersion {phi:.3g})"
        elif method == "exact":
            if table.sum(axis=1).min() == 0 or table.sum(axis=0).min() == 0:
                p_value, ratio_low, ratio_high = 1.0, 0.0, math.inf
            else:
                p_value = float(stats.fisher_exact(table).pvalue)
                ratio_low, ratio_high = conditional_odds_ratio_interval(table, alpha)
            method_name = "exact conditional (Fisher)"
        elif method == "log":
            if min(x1, x0, y1, y0) == 0:
                raise ValueError("the log method needs every count above zero; use method='exact'.")
            se = math.sqrt(1 / x1 + 1 / x0 + 1 / y1 + 1 / y0)
            z = math.log(ratio) / se
            p_value = float(2 * stats.norm.sf(abs(z)))
            zq = stats.norm.ppf(1 - alpha / 2)
            ratio_low = math.exp(math.log(ratio) - zq * se)
            ratio_high = math.exp(math.log(ratio) + zq * se)
            method_name = "log ratio of rate ratios (delta method)"
        var_c = (rc**2 * (1 / y1 + 1 / y0)) if min(y1, y0) > 0 else math.nan
    difference = local_pct - comp_pct
    if min(x1, x0) > 0 and not math.isnan(var_c):
        se_d = 100 * math.sqrt(phi * rl**2 * (1 / x1 + 1 / x0) + var_c)
        zq = stats.norm.ppf(1 - alpha / 2)
        d_low, d_high = float(difference - zq * se_d), float(difference + zq * se_d)
    else:
        d_low = d_high = math.nan
    return ComparatorResult(
        label=label, comparator_label=comparator_label, current_label=current_label,
        previous_label=previous_label, local_current=_plain(x1), local_previous=_plain(x0),
        comparator_current=None if y1 is None else _plain(y1),
        comparator_previous=None if y0 is None else _plain(y0),
        local_percent=local_pct, comparator_percent=comp_pct, difference=difference,
        difference_low=d_low, difference_high=d_high, ratio=ratio, ratio_low=ratio_low,
        ratio_high=ratio_high, p_value=p_value, method=method_name, alpha=float(alpha),
        verdict=_verdict(p_value, ratio, rl, rc, alpha),
    )


def _plain(x: float):
    return int(x) if float(x).is_integer() else x
