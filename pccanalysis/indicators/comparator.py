"""A local change against a national or peer change: "rose faster than England and Wales"?

The local change is the rate ratio ``RL = x1 / x0`` (current over previous count) and the
comparator's is ``RC = y1 / y0``. They are compared by the ratio of rate ratios
``R = RL / RC``, which is 1 when the local area changed exactly as the comparator did; the
difference in percentage change is ``100 * (RL - RC)`` percentage points. Two methods:

``"exact"`` (default)
    Conditional on all four margins of the 2x2 table ``[[x1, x0], [y1, y0]]`` the local
    current count is (Fisher's noncentral) hypergeometric with odds ratio ``R``. The interval
    is the conditional (exact) interval for the odds ratio, as
    ``scipy.stats.contingency.odds_ratio`` gives it, and the p-value is the test that interval
    inverts: Fisher's exact test with twice the smaller tail,
    ``min(1, 2 min(P(X <= x1), P(X >= x1)))`` at ``R = 1``, computed from the same tails.
    So the verdict and the interval come from one method and never disagree: ``p < alpha``
    exactly when the interval leaves out 1. (``scipy.stats.fisher_exact``'s two-sided p-value
    sums the outcomes no more likely than the one observed instead; it equals this one when
    the distribution is symmetric, and otherwise can call a change beside an interval that
    includes none: 0 against 5 locally, 99,457 against 99,433 for the rest, gives Fisher's
    p = 0.031 with an interval up to 1.09, where this p is 0.062.) Both are computed on the log
    scale so that zero counts and national counts in the millions are handled quickly and
    without numerical failure.
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
multiplied by ``phi``, ``se = sqrt(phi (1/x1 + 1/x0) + 1/y1 + 1/y0)`` (every count must be
above zero); with a comparator percentage, the quasi-Poisson score test and interval of
:mod:`~pccanalysis.indicators.significance`. The comparator's own counts (national, in the
millions) keep their Poisson terms, which are negligible. ``dispersion=1`` changes nothing.
As in :mod:`~pccanalysis.indicators.significance`, allowing for more noise never makes a
verdict more certain: with ``method="exact"`` the p-value is the larger of the exact and the
quasi-Poisson p-values and the interval the union of their intervals, so the verdict can only
move towards "similar to" as ``phi`` grows, and still agrees with the interval.

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
Fay MP (2010). Confidence intervals that match Fisher's exact or Blaker's exact tests.
Biostatistics 11, 373-374 (the central Fisher test matches the conditional interval).
Altman DG, Bland JM (2003). Interaction revisited: the difference between two estimates. BMJ
326, 219 (ratio of ratios on the log scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .options import TestOptions, resolve_options
from .significance import compare_poisson_arrays, direction

__all__ = [
    "COMPARATOR_VERDICTS",
    "ComparatorResult",
    "compare_to_comparator",
    "conditional_odds_ratio_interval",
    "conditional_p_value",
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
    """Support and log-weights (odds ratio 1, up to a constant) of the conditional distribution
    of the top-left cell of a 2x2 table with all margins fixed (Fisher's noncentral
    hypergeometric).

    The weights ``C(c1, k) C(n - c1, r1 - k)`` are built from the ratios of neighbours,
    ``w(k + 1) / w(k) = (c1 - k)(r1 - k) / ((k + 1)(n - c1 - r1 + k + 1))``, summed on the log
    scale: differences of log-gamma functions of national counts in the millions would lose
    eight digits, these lose none that matter.
    """
    (a, b), (c, d) = table.astype(float)
    r1, c1, n = a + b, a + c, a + b + c + d
    lo, hi = max(0.0, r1 + c1 - n), min(r1, c1)
    k = np.arange(lo, hi + 1)
    step = k[:-1]
    log_ratio = (np.log(c1 - step) + np.log(r1 - step) - np.log(step + 1)
                 - np.log(n - c1 - r1 + step + 1))
    return k, np.r_[0.0, np.cumsum(log_ratio)]


def _logsumexp(values: np.ndarray) -> float:
    """``log(sum(exp(values)))`` without overflow; scipy.special.logsumexp gives the same but
    costs a hundred times as much on arrays this small, and a grid of tables calls it often."""
    top = float(values.max())
    return top + float(np.log(np.exp(values - top).sum()))


class _ConditionalTails:
    """Both tails of the conditional distribution of a 2x2 table's top-left cell, as functions
    of the log odds ratio, summed on the log scale (national counts in the millions are fine)."""

    def __init__(self, table) -> None:
        table = np.asarray(table)
        self.k, self.base = _log_pmf_base(table)
        self.x = float(table[0, 0])

    def log_tail(self, log_psi: float, upper: bool) -> float:
        """``log P(X >= x)`` (``upper``) or ``log P(X <= x)`` at odds ratio ``exp(log_psi)``."""
        logw = self.base + self.k * log_psi
        tail = logw[self.k >= self.x] if upper else logw[self.k <= self.x]
        return _logsumexp(tail) - _logsumexp(logw)

    def p_value(self) -> float:
        """Twice the smaller tail at odds ratio 1, at most 1."""
        smaller = min(self.log_tail(0.0, True), self.log_tail(0.0, False))
        return min(1.0, 2 * math.exp(smaller))

    def interval(self, alpha: float) -> tuple[float, float]:
        """The odds ratios at which either tail is ``alpha / 2``."""
        target = math.log(alpha / 2)

        def solve(upper: bool) -> float:
            # P(X >= x) rises with the odds ratio and P(X <= x) falls: bracket on the log scale.
            def f(t: float) -> float:
                return self.log_tail(t, upper) - target

            lo, hi = -1.0, 1.0
            while f(lo) * f(hi) > 0 and hi - lo < 400:
                lo, hi = lo - 2 * (hi - lo), hi + 2 * (hi - lo)
            return math.exp(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12))

        low = 0.0 if self.x <= self.k[0] else solve(upper=True)
        high = math.inf if self.x >= self.k[-1] else solve(upper=False)
        return low, high


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
    return _ConditionalTails(table).interval(alpha)


def conditional_p_value(table) -> float:
    """Fisher's exact test of odds ratio 1, two-sided as twice the smaller tail.

    The p-value :func:`conditional_odds_ratio_interval` inverts: below ``alpha`` exactly when
    that interval at ``alpha`` leaves out 1. Equal to
    ``min(1, 2 min(fisher_exact(table, alternative="less"), ... "greater"))`` of scipy.
    """
    return _ConditionalTails(table).p_value()


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
                          subtract_local: bool = False, label: str = "",
                          comparator_label: str = "the comparator",
                          current_label: str = "current", previous_label: str = "previous",
                          options: TestOptions | None = None,
                          **keywords) -> ComparatorResult:
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
    label, comparator_label, current_label, previous_label : str
        Carried into the result.
    options : TestOptions, optional
        Reads ``alpha`` (significance level of the verdict and one minus the confidence
        level), ``method`` (``"exact"``, default, or ``"log"``; see the module notes; ignored
        when ``comparator_percent`` is given; with ``dispersion > 1``, ``"exact"`` takes the
        larger p-value of the exact and the quasi-Poisson log-scale tests, ``"log"`` the
        quasi-Poisson log-scale test) and ``dispersion`` (``phi >= 1`` of the local counts;
        1: Poisson noise, the default; see the module notes).
    **keywords
        ``alpha``, ``method`` or ``dispersion``, overriding that field of ``options``.

    Returns
    -------
    ComparatorResult
        Its ``ratio_low`` and ``ratio_high`` leave out 1 exactly when ``p_value < alpha``.

    Examples
    --------
    >>> r = compare_to_comparator(124, 100, 5_250_000, 5_000_000,
    ...                           comparator_label="England and Wales")
    >>> round(r.local_percent), round(r.comparator_percent), r.verdict
    (24, 5, 'similar to')
    """
    opts = resolve_options(options, keywords, "compare_to_comparator",
                           ("alpha", "method", "dispersion"))
    alpha, method = opts.alpha, opts.method
    if opts.dispersion == "estimate":
        raise ValueError("dispersion must be a number of 1 or more here, not 'estimate' (the "
                         "comparison has no monthly series to estimate it from).")
    phi = float(opts.dispersion)
    x1 = _check_count("local_current", local_current)
    x0 = _check_count("local_previous", local_previous)
    rl = _ratio(x1, x0)
    if comparator_percent is not None:
        if comparator_current is not None or comparator_previous is not None:
            raise ValueError("give the comparator's counts or its percentage change, not both.")
        rc = 1 + float(comparator_percent) / 100
        if not rc > 0:
            raise ValueError("the comparator's percentage change must be above -100.")
        y1 = y0 = None
        test = _against_percent(x1, x0, rc, alpha, phi)
        ratio, var_c = rl / rc, 0.0
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
        rc = _ratio(y1, y0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.float64(x1) * y0 / (np.float64(x0) * y1))
        test = _against_counts(np.array([[x1, x0], [y1, y0]], dtype=np.int64), ratio, alpha,
                               method, phi)
        var_c = (rc**2 * (1 / y1 + 1 / y0)) if min(y1, y0) > 0 else math.nan
    local_pct = _pct(x1, x0)
    comp_pct = float(comparator_percent) if y1 is None else _pct(y1, y0)
    difference = local_pct - comp_pct
    d_low, d_high = _difference_interval(difference, x1, x0, rl, var_c, phi, alpha)
    return ComparatorResult(
        label=label, comparator_label=comparator_label, current_label=current_label,
        previous_label=previous_label, local_current=_plain(x1), local_previous=_plain(x0),
        comparator_current=None if y1 is None else _plain(y1),
        comparator_previous=None if y0 is None else _plain(y0),
        local_percent=local_pct, comparator_percent=comp_pct, difference=difference,
        difference_low=d_low, difference_high=d_high, ratio=ratio, ratio_low=test.ratio_low,
        ratio_high=test.ratio_high, p_value=test.p_value, method=test.method,
        alpha=float(alpha), verdict=_verdict(test.p_value, ratio, rl, rc, alpha),
    )


@dataclass(frozen=True)
class _Test:
    """A test of "changed as the comparator did" and the interval that inverts it."""

    p_value: float
    ratio_low: float
    ratio_high: float
    method: str


def _ratio(now: float, before: float) -> float:
    return now / before if before > 0 else (math.inf if now > 0 else math.nan)


def _against_percent(x1: float, x0: float, rc: float, alpha: float, phi: float) -> _Test:
    """The local counts against a comparator's ratio ``rc`` taken as exact."""
    # Under "changed as the comparator did" x1 and x0 are Poisson with means in the ratio
    # RC : 1, i.e. two counts with exposures RC and 1 (exact binomial test at phi = 1).
    out = compare_poisson_arrays(x1, x0, rc, 1.0, alpha, "exact", phi)
    name = ("exact conditional binomial" if phi == 1 else
            f"quasi-Poisson score (dispersion {phi:.3g})")
    return _Test(float(out["p_value"]), float(out["ratio_low"]), float(out["ratio_high"]),
                 name + " (comparator change taken as exact)")


def _against_counts(table: np.ndarray, ratio: float, alpha: float, method: str,
                    phi: float) -> _Test:
    """The local counts against the comparator's counts (the 2x2 ``table``)."""
    if method not in ("exact", "log"):
        raise ValueError(f"method must be 'exact' or 'log', not {method!r}.")
    (x1, x0), (y1, y0) = table.astype(float)
    if phi > 1 and min(x1, x0, y1, y0) == 0:
        raise ValueError("with a dispersion above 1 the comparison is made on the log "
                         "scale, which needs every count above zero.")
    if method == "log" and min(x1, x0, y1, y0) == 0:
        raise ValueError("the log method needs every count above zero; use method='exact'.")
    if method == "log" or phi > 1:
        se = math.sqrt(phi * (1 / x1 + 1 / x0) + 1 / y1 + 1 / y0)
        p_log, low_log, high_log = _log_scale(ratio, se, alpha)
    if method == "log":
        name = ("log ratio of rate ratios (delta method)" if phi == 1 else
                f"log ratio of rate ratios, quasi-Poisson (dispersion {phi:.3g})")
        return _Test(p_log, low_log, high_log, name)
    if table.sum(axis=1).min() == 0 or table.sum(axis=0).min() == 0:
        return _Test(1.0, 0.0, math.inf, "exact conditional (Fisher)")
    tails = _ConditionalTails(table)
    p_value = tails.p_value()
    low, high = tails.interval(alpha)
    if phi == 1:
        return _Test(p_value, low, high, "exact conditional (Fisher)")
    # Never more certain than the exact test (module notes): the larger p, the wider interval.
    return _Test(max(p_value, p_log), min(low, low_log), max(high, high_log),
                 f"log ratio of rate ratios, quasi-Poisson (dispersion {phi:.3g})")


def _log_scale(ratio: float, se: float, alpha: float) -> tuple[float, float, float]:
    """Wald test of ``log(ratio) = 0`` with standard error ``se``, and its interval."""
    z = math.log(ratio) / se
    zq = stats.norm.ppf(1 - alpha / 2)
    return (float(2 * stats.norm.sf(abs(z))), math.exp(math.log(ratio) - zq * se),
            math.exp(math.log(ratio) + zq * se))


def _difference_interval(difference: float, x1: float, x0: float, rl: float, var_c: float,
                         phi: float, alpha: float) -> tuple[float, float]:
    """Delta-method interval for the difference in percentage points (NaN with a zero count)."""
    if min(x1, x0) > 0 and not math.isnan(var_c):
        se_d = 100 * math.sqrt(phi * rl**2 * (1 / x1 + 1 / x0) + var_c)
        zq = stats.norm.ppf(1 - alpha / 2)
        return float(difference - zq * se_d), float(difference + zq * se_d)
    return math.nan, math.nan


def _plain(x: float):
    return int(x) if float(x).is_integer() else x
