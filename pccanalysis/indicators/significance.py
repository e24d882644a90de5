"""Is a change in a count more than noise? Tests and intervals for Poisson counts.

Recorded crime in a period is treated as a Poisson count. Two periods are compared with the
exact conditional test: given the total ``x1 + x2``, the current count ``x1`` is binomial with
``p = t1 / (t1 + t2)`` under "no change in the rate" (``t`` are the exposures, e.g. the number
of months each period covers). The interval for the rate ratio is the exact (Clopper-Pearson)
interval for that binomial proportion, transformed to the ratio scale, and the two-sided
p-value is the one that interval inverts: twice the smaller tail,
``min(1, 2 min(P(X <= x1), P(X >= x1)))`` (the "central" test), so ``p < alpha`` exactly when
the interval leaves out a ratio of 1 and a verdict never sits beside an interval that
includes no change. With equal exposures (``p = 1/2``, a symmetric distribution) this is the
p-value of R's ``poisson.test`` and ``scipy.stats.binomtest``; with unequal exposures those
report the "minimum likelihood" p-value, which can call a change that the Clopper-Pearson
interval they print beside it does not support (2 against 0 over 3 and 12 months: minimum
likelihood p = 0.040, central p = 0.080, interval from 0.75; Fay 2010).

The square-root Poisson Z, ``2 * (sqrt(now) - sqrt(before))``, is provided as the documented
alternative crime analysts use (Wheeler 2016): it treats the earlier count as the known
expected value, so it ignores the noise in that count and is more ready to call a change than
the exact test.

Over-dispersion. Recorded crime varies from year to year far more than a Poisson count would:
the Poisson variance equals the mean, but a force's monthly totals typically vary several times
as much (weather, operations, recording practice). With counts in the tens of thousands the
Poisson tests then call a 2% change "real". The quasi-Poisson model keeps the Poisson mean but
lets the variance be ``phi`` times the mean (McCullagh and Nelder 1989, section 4.5); pass
``dispersion=phi`` (``phi >= 1``). With ``phi > 1`` the test is the score test of the same
conditional model, with the variance multiplied by ``phi``:
``z = (x1 - n p0) / sqrt(phi n p0 (1 - p0))`` (``n = x1 + x2``, ``p0 = t1 / (t1 + t2)``), so
``phi = 4`` halves ``z``; its interval is the matching score (Wilson) interval for ``p`` with
``n / phi`` effective trials, turned into a ratio.

Over-dispersion only adds noise, so allowing for it must never make a change look *more*
certain. The score test is asymptotic, and for small counts it can be more confident than the
exact test (0 against 5: exact p = 0.0625, score p = 0.025 at ``phi`` just above 1). So with
``phi > 1`` the p-value is the larger of the exact and the score p-values, and the interval
the union of their two intervals (each test's interval excludes a ratio exactly when that test
rejects it, so the union excludes it exactly when both do). The p-value is then
non-decreasing in ``phi`` (the exact p does not depend on it; the score p grows with it), so a
verdict that is "similar" at one ``phi`` stays "similar" at every larger one, the interval
only widens, and the verdict and the interval still agree. For the large counts where
over-dispersion matters the score p-value is the larger one (29,129 against 29,900 at
``phi = 4``: 0.113 against 0.0015), so nothing changes there. :func:`estimate_dispersion`
estimates ``phi`` from a monthly series.

One rule turns a p-value into the words a board reads: :func:`verdicts` ("rose" / "fell" when
``p < alpha``, in the direction of the change, else "similar"). Every indicator uses it.

The functions work on whole arrays at once (one row per ward, crime type, ...), which is what
makes a change table for every ward and crime type quick.

References
----------
Przyborowski J, Wilenski H (1940). Homogeneity of results in testing samples from Poisson
series. Biometrika 31, 313-323 (the conditional binomial test).
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case
of the binomial. Biometrika 26, 404-413.
Garwood F (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
Breslow NE, Day NE (1987). Statistical Methods in Cancer Research, vol. II, IARC (Byar's
approximation, p. 69).
Wheeler AP (2016). Tables and graphs for monitoring temporal crime trends. International
Journal of Police Science & Management 18(3), 159-172 (the square-root Poisson Z).
McCullagh P, Nelder JA (1989). Generalized Linear Models, 2nd ed., Chapman and Hall, 4.5
(quasi-Poisson: variance ``phi`` times the mean).
Wilson EB (1927). Probable inference, the law of succession, and statistical inference. JASA
22, 209-212 (the score interval).
Fay MP (2010). Two-sided exact tests and matching confidence intervals for discrete data. The R
Journal 2(1), 53-58 (the central p-value matches the Clopper-Pearson interval; the minimum
likelihood p-value does not).
Wheeler DJ (1995). Advanced Topics in Statistical Process Control, SPC Press (XmR charts:
``sigma = mean moving range / d2``, ``d2 = 1.128``, the constant behind the 2.66 of
``mean +/- 2.66 x mean moving range = 3 / 1.128``); NHS England, "Making Data Count" (2019).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .intervals import (
    _as_float_arrays,
    _check_alpha,
    _check_counts,
    clopper_pearson,
    wilson_interval,
)

__all__ = [
    "ADJUSTMENTS",
    "VERDICTS",
    "PoissonComparison",
    "adjust_p_values",
    "binomial_central_p",
    "compare_poisson",
    "compare_poisson_arrays",
    "direction",
    "estimate_dispersion",
    "sqrt_poisson_z",
    "verdict",
    "verdicts",
]

#: The three verdicts, in the order change tables are sorted.
VERDICTS = ("rose", "similar", "fell")
#: Multiple-comparison adjustments understood by :func:`adjust_p_values`.
ADJUSTMENTS = ("none", "holm", "bh")
#: XmR constants for moving ranges of two points: ``sigma = mean moving range / D2`` and the
#: Making Data Count screen of moving ranges above ``D4`` times their mean.
D2 = 1.128
D4 = 3.267

def binomial_central_p(k, n, p):
    """Two-sided exact binomial p-value, twice the smaller tail, element by element.

    Parameters
    ----------
    k, n : array-like of int
        Successes and trials (``0 <= k <= n``).
    p : array-like of float
        Probability of success under the null hypothesis, in (0, 1).

    Returns
    -------
    numpy.ndarray
        ``min(1, 2 min(P(X <= k), P(X >= k)))``: the p-value the Clopper-Pearson interval
        inverts (:func:`clopper_pearson` at ``alpha`` leaves out ``p`` exactly when this is
        below ``alpha``). Equal to ``scipy.stats.binomtest(k, n, p).pvalue`` when ``p = 1/2``;
        1 where ``n == 0``.
    """
    k, n, p = _as_float_arrays(k, n, p)
    _check_counts(k, n)
    if np.any(k > n):
        raise ValueError("successes cannot exceed trials.")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("the null probability must lie strictly between 0 and 1.")
    lower = stats.binom.cdf(k, n, p)
    upper = stats.binom.sf(k - 1, n, p)
    return np.where(n > 0, np.minimum(1.0, 2 * np.minimum(lower, upper)), 1.0)


@dataclass(frozen=True)
class PoissonComparison:
    """The comparison of two Poisson counts.

    Attributes
    ----------
    current, previous : int
        The two counts (``x1``, ``x2``).
    current_exposure, previous_exposure : float
        What each count is spread over (months, population, ...); only their ratio matters.
    ratio : float
        Rate ratio ``(x1 / t1) / (x2 / t2)``; ``inf`` when only the previous count is 0, NaN
        when both are.
    ratio_low, ratio_high : float
        Interval for the rate ratio at ``1 - alpha``: exact conditional (Clopper-Pearson) when
        ``dispersion == 1``, joined with the quasi-Poisson score interval above; (0, inf) when
        both counts are 0. It leaves out 1 exactly when ``p_value < alpha``.
    p_value : float
        Two-sided p-value for "the rate did not change" (the central exact p-value, or the
        larger of it and the quasi-Poisson score p-value when ``dispersion > 1``); 1 when
        both counts are 0.
    alpha : float
        One minus the confidence level of the interval.
    method : str
        ``"exact conditional"``, ``"quasi-Poisson score"`` or ``"square-root Poisson Z"``.
    dispersion : float
        The over-dispersion factor ``phi`` allowed for (1: Poisson).
    """

    current: int
    previous: int
    current_exposure: float
    previous_exposure: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    alpha: float
    method: str
    dispersion: float = 1.0


EXACT = "exact conditional"
QUASI = "quasi-Poisson score"
SQRT_Z = "square-root Poisson Z"


def method_names(method: str, dispersion) -> np.ndarray:
    """The name of the test used for each row: :data:`EXACT` or :data:`QUASI` for
    ``method="exact"`` (by whether ``dispersion`` is above 1), :data:`SQRT_Z` for "sqrt"."""
    if method not in ("exact", "sqrt"):
        raise ValueError(f"method must be 'exact' or 'sqrt', not {method!r}.")
    phi = np.asarray(dispersion, dtype=float)
    if method == "sqrt":
        return np.full(phi.shape, SQRT_Z, dtype=object)
    return np.where(phi > 1, QUASI, EXACT).astype(object)


def _check_dispersion(phi) -> np.ndarray:
    phi = np.asarray(phi, dtype=float)
    if np.any(~np.isfinite(phi)) or np.any(phi < 1):
        raise ValueError("dispersion must be a number of 1 or more (1 means Poisson noise).")
    return phi


def compare_poisson_arrays(current, previous, current_exposure=1.0, previous_exposure=1.0,
                           alpha: float = 0.05, method: str = "exact", dispersion=1.0):
    """Compare many pairs of Poisson counts at once.

    Parameters
    ----------
    current, previous : array-like of int
        Counts in the current and the earlier period.
    current_exposure, previous_exposure : array-like of float
        Exposures (e.g. months covered); must be positive.
    alpha : float
        One minus the confidence level of the ratio interval.
    method : {"exact", "sqrt"}
        ``"exact"``: the conditional binomial test (:func:`binomial_central_p`), or where
        ``dispersion > 1`` the larger of its p-value and the quasi-Poisson score test's (see
        the module notes). ``"sqrt"``: the square-root Poisson Z (see
        :func:`sqrt_poisson_z`), divided by ``sqrt(dispersion)``. The interval is the same
        for both methods: Clopper-Pearson, joined with the quasi-Poisson score interval where
        ``dispersion > 1``.
    dispersion : array-like of float
        Over-dispersion factor ``phi >= 1`` per pair (1: Poisson noise, the default).

    Returns
    -------
    dict of numpy.ndarray
        ``ratio``, ``ratio_low``, ``ratio_high``, ``p_value``.
    """
    _check_alpha(alpha)
    x1, x2, t1, t2, phi = _as_float_arrays(current, previous, current_exposure,
                                           previous_exposure, dispersion)
    _check_counts(x1, x2)
    _check_dispersion(phi)
    if np.any(~(t1 > 0)) or np.any(~(t2 > 0)) or np.any(~np.isfinite(t1 + t2)):
        raise ValueError("exposures must be positive numbers.")
    n = x1 + x2
    p0 = t1 / (t1 + t2)
    over = phi > 1
    p_low, p_high = clopper_pearson(x1, n, alpha)
    if method == "exact":
        p_value = binomial_central_p(x1, n, p0)
    elif method == "sqrt":
        z = sqrt_poisson_z(x1, x2, t1, t2)[0]
        p_value = np.asarray(2 * stats.norm.sf(np.abs(z) / np.sqrt(phi)), dtype=float)
    else:
        raise ValueError(f"method must be 'exact' or 'sqrt', not {method!r}.")
    if over.any():
        # The quasi-Poisson score test, never more confident than the exact one (module notes):
        # the larger p-value and the union of the two intervals.
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (x1 - n * p0) / np.sqrt(phi * n * p0 * (1 - p0))
        score_p = np.where(n > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)
        if method == "exact":
            p_value = np.where(over, np.maximum(p_value, score_p), p_value)
        w_low, w_high = wilson_interval(x1 / phi, n / phi, stats.norm.ppf(1 - alpha / 2))
        p_low = np.where(over, np.minimum(p_low, w_low), p_low)
        p_high = np.where(over, np.maximum(p_high, w_high), p_high)
    scale = t2 / t1
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > 0, (x1 / t1) / (x2 / t2), np.nan)
        ratio_low = np.where(p_low < 1, p_low / (1 - p_low) * scale, np.inf)
        ratio_high = np.where(p_high < 1, p_high / (1 - p_high) * scale, np.inf)
    return {"ratio": ratio, "ratio_low": ratio_low, "ratio_high": ratio_high, "p_value": p_value}


def compare_poisson(current: int, previous: int, current_exposure: float = 1.0,
                    previous_exposure: float = 1.0, alpha: float = 0.05,
                    method: str = "exact", dispersion: float = 1.0) -> PoissonComparison:
    """Compare two Poisson counts: rate ratio, its interval and a two-sided p-value.

    Parameters
    ----------
    current, previous : int
        Counts in the current and the earlier period.
    current_exposure, previous_exposure : float
        Exposures (e.g. 3 and 3 months, or two populations); must be positive.
    alpha : float
        One minus the confidence level of the interval (0.05 gives 95%).
    method : {"exact", "sqrt"}
        See :func:`compare_poisson_arrays`.
    dispersion : float
        Over-dispersion factor ``phi >= 1`` (1: Poisson; see the module notes and
        :func:`estimate_dispersion`).

    Returns
    -------
    PoissonComparison

    Examples
    --------
    >>> r = compare_poisson(30, 15)
    >>> round(r.ratio, 2), round(r.p_value, 4)
    (2.0, 0.0357)
    """
    out = compare_poisson_arrays(current, previous, current_exposure, previous_exposure,
                                 alpha, method, dispersion)
    return PoissonComparison(
        current=int(current),
        previous=int(previous),
        current_exposure=float(current_exposure),
        previous_exposure=float(previous_exposure),
        ratio=float(out["ratio"]),
        ratio_low=float(out["ratio_low"]),
        ratio_high=float(out["ratio_high"]),
        p_value=float(out["p_value"]),
        alpha=float(alpha),
        method=str(method_names(method, dispersion)),
        dispersion=float(dispersion),
    )


#: Months needed before :func:`estimate_dispersion` uses same-month-last-year differences.
SEASONAL_MIN_MONTHS = 18


def estimate_dispersion(monthly_counts, *, screen: bool = True, seasonal: bool | None = None):
    """Over-dispersion factor ``phi`` of a monthly count series, from moving ranges.

    Two estimates, both ``phi = max(1, sigma^2 / (k * mean))`` with ``sigma = mean moving
    range / 1.128``, the XmR (individuals) chart's estimate of short-term variation behind
    Making Data Count's limits ``mean +/- 2.66 x mean moving range`` (``2.66 = 3 / 1.128``):

    - **seasonal** (default with at least ``SEASONAL_MIN_MONTHS`` = 18 months): the moving
      ranges of the year-on-year differences ``d_t = y_t - y_(t-12)``, with ``k = 2`` (for
      Poisson counts ``Var(d_t)`` is about twice the mean). This is the noise of exactly the
      comparison a board reads (a month against the same month last year): the seasonal swing
      cancels in ``d_t``, and a lasting change of level cancels in the moving range of ``d_t``.
    - **month to month** (shorter series): the moving ranges of ``y_t`` itself, ``k = 1``.
      Seasonality adds to these ranges, so ``phi`` leans high (towards "similar").

    For a Poisson series both give about 1; real crime series give several. Variation that
    persists for months (a whole year running high) is seen by neither, so ``phi`` is a floor
    for year-to-year noise, not a ceiling.

    Parameters
    ----------
    monthly_counts : array-like
        Counts in consecutive months, oldest first (at least 2); a 2-D array holds one series
        per row.
    screen : bool
        Leave out moving ranges above 3.267 times their mean before the final mean (the Making
        Data Count screen), so a publication gap (a month at zero) does not inflate ``phi``.
    seasonal : bool, optional
        Force one estimate; by default seasonal when the series has at least 18 months.

    Returns
    -------
    float or numpy.ndarray
        ``phi`` (1 or more; 1 for a series whose mean is 0), one per row for a 2-D input.

    References
    ----------
    Wheeler DJ (1995), Advanced Topics in Statistical Process Control; NHS England, "Making
    Data Count" (2019); McCullagh and Nelder (1989), 4.5 (quasi-likelihood dispersion).

    Examples
    --------
    >>> estimate_dispersion([100, 110, 100, 110, 100])   # moving ranges 10: sigma = 8.87
    1.0
    >>> round(estimate_dispersion([100, 140, 100, 140, 100]), 3)   # (40 / 1.128)^2 / 116
    10.841
    """
    y = np.asarray(monthly_counts, dtype=float)
    if y.ndim not in (1, 2):
        raise ValueError("monthly_counts must be one series or a 2-D array of series.")
    if y.shape[-1] < 2:
        raise ValueError("estimating over-dispersion needs at least 2 months.")
    if np.any(~np.isfinite(y)) or np.any(y < 0):
        raise ValueError("monthly counts must be numbers of zero or more.")
    if seasonal is None:
        seasonal = y.shape[-1] >= SEASONAL_MIN_MONTHS
    if seasonal:
        if y.shape[-1] < 14:
            raise ValueError("the seasonal estimate needs at least 14 months.")
        series, k = y[..., 12:] - y[..., :-12], 2.0
    else:
        series, k = y, 1.0
    mr = np.abs(np.diff(series, axis=-1))
    mean_mr = mr.mean(axis=-1)
    if screen:
        keep = mr <= D4 * mean_mr[..., None]
        mean_mr = (mr * keep).sum(axis=-1) / keep.sum(axis=-1)
    mean = y.mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(mean > 0, (mean_mr / D2) ** 2 / (k * mean), 1.0)
    phi = np.maximum(phi, 1.0)
    return float(phi) if phi.ndim == 0 else phi


def direction(p_value, change, alpha: float = 0.05, *, null: float = 1.0) -> np.ndarray:
    """The significance decision: +1 (rose), -1 (fell) or 0 (similar), element by element.

    +1 where ``p_value < alpha`` and ``change > null``, -1 where ``p_value < alpha`` and
    ``change < null``, else 0 (also for a NaN p-value or change). ``null`` is 1 for a ratio
    and 0 for a difference. The single rule behind every verdict in :mod:`pccanalysis`.
    """
    _check_alpha(alpha)
    p = np.asarray(p_value, dtype=float)
    c = np.asarray(change, dtype=float)
    significant = p < alpha
    return np.where(significant & (c > null), 1, np.where(significant & (c < null), -1, 0))


def verdicts(p_value, change, alpha: float = 0.05, *, null: float = 1.0) -> np.ndarray:
    """ "rose" / "fell" where ``p_value < alpha`` (in the direction of ``change`` against
    ``null``), else "similar"; see :func:`direction`."""
    d = direction(p_value, change, alpha, null=null)
    return np.where(d > 0, "rose", np.where(d < 0, "fell", "similar"))


def verdict(p_value: float, change: float, alpha: float = 0.05, *, null: float = 1.0) -> str:
    """:func:`verdicts` for one p-value: "rose", "fell" or "similar"."""
    return str(verdicts(p_value, change, alpha, null=null))


def adjust_p_values(p_values, method: str = "holm", *, tested=None) -> np.ndarray:
    """P-values adjusted for testing a whole table at once.

    Parameters
    ----------
    p_values : array-like of float
        One p-value per row of the table (the family of tests).
    method : {"none", "holm", "bh"}
        ``"holm"``: Holm-Bonferroni, controls the chance of any false "rose"/"fell" in the
        table (family-wise error): with ``m`` tests and p-values sorted ascending,
        ``adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))``. ``"bh"``: Benjamini-Hochberg,
        controls the expected share of false verdicts among the "rose"/"fell" ones:
        ``adj_(i) = min_{j >= i} min(1, m p_(j) / j)`` (``scipy.stats.false_discovery_control``).
        ``"none"``: unchanged.
    tested : array-like of bool, optional
        Rows that are real tests; the others (e.g. 0 against 0, no information) are left out of
        ``m`` and keep their p-value.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, never below the raw ones.

    References
    ----------
    Holm S (1979). A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics 6, 65-70. Benjamini Y, Hochberg Y (1995). Controlling the false
    discovery rate. JRSS B 57, 289-300.
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {ADJUSTMENTS}, not {method!r}.")
    p = np.array(p_values, dtype=float, ndmin=1)
    out = p.copy()
    use = np.ones(p.shape, dtype=bool) if tested is None else np.asarray(tested, dtype=bool)
    if method == "none" or use.sum() == 0:
        return out
    q = p[use]
    m = q.size
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ranked))
    else:
        adj = np.minimum.accumulate((m * ranked / np.arange(1, m + 1))[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    back = np.empty(m)
    back[order] = adj
    out[use] = back
    return out


def sqrt_poisson_z(now, before, now_exposure=1.0, before_exposure=1.0):
    """Square-root Poisson Z: ``2 * (sqrt(now) - sqrt(before))`` and its two-sided p-value.

    The earlier count is taken as the known expected value (rescaled to the current exposure
    when the exposures differ), so only the current count's noise is allowed for (Wheeler
    2016). That makes it quicker to call a change than the exact conditional test; prefer
    :func:`compare_poisson` for a board's verdict.

    Parameters
    ----------
    now, before : array-like of int
        Current and earlier counts.
    now_exposure, before_exposure : array-like of float
        Exposures; the earlier count is scaled by ``now_exposure / before_exposure``.

    Returns
    -------
    (numpy.ndarray or float, numpy.ndarray or float)
        Z (positive when the count rose) and ``2 * (1 - Phi(|Z|))``.
    """
    x1, x0, t1, t0 = _as_float_arrays(now, before, now_exposure, before_exposure)
    _check_counts(x1, x0)
    z = 2 * (np.sqrt(x1) - np.sqrt(x0 * t1 / t0))
    p = 2 * stats.norm.sf(np.abs(z))
    if z.ndim == 0:
        return float(z), float(p)
    return z, p
