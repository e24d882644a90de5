"""Is a change in a count more than noise? Tests and intervals for Poisson counts.

Recorded crime in a period is treated as a Poisson count. Two periods are compared with the
exact conditional test: given the total ``x1 + x2``, the current count ``x1`` is binomial with
``p = t1 / (t1 + t2)`` under "no change in the rate" (``t`` are the exposures, e.g. the number
of months each period covers). The interval for the rate ratio is the exact (Clopper-Pearson)
interval for that binomial proportion, transformed to the ratio scale. This is the test and
the interval of R's ``poisson.test`` for two samples, and the p-value equals
``scipy.stats.binomtest(x1, x1 + x2, t1 / (t1 + t2)).pvalue`` (two-sided, "minimum
likelihood" method).

The square-root Poisson Z, ``2 * (sqrt(now) - sqrt(before))``, is provided as the documented
alternative crime analysts use (Wheeler 2016): it treats the earlier count as the known
expected value, so it ignores the noise in that count and is more ready to call a change than
the exact test.

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "PoissonComparison",
    "binomial_two_sided_p",
    "byar_interval",
    "clopper_pearson",
    "compare_poisson",
    "compare_poisson_arrays",
    "garwood_interval",
    "poisson_interval",
    "sqrt_poisson_z",
]

# scipy.stats.binomtest's relative tolerance for "as likely as the observed count".
_RERR = 1 + 1e-7


def _as_float_arrays(*values):
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
    return [np.array(a, dtype=float) for a in arrays]


def _check_counts(*counts) -> None:
    for c in counts:
        if np.any(~np.isfinite(c)) or np.any(c < 0) or np.any(c != np.floor(c)):
            raise ValueError("counts must be whole numbers of zero or more.")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha!r}.")


def _binary_search(pmf, target, lo, hi):
    """Vectorised copy of scipy's ``_binary_search_for_binom_tst``.

    ``pmf(x, rows)`` must be ascending on ``[lo, hi]`` for each row; returns ``i`` with
    ``pmf(i) <= target < pmf(i + 1)``, exactly as scipy does, so that p-values match it.
    """
    lo, hi = lo.copy(), hi.copy()
    found = np.full(lo.shape, np.nan)
    rows = np.arange(lo.size)
    while True:
        active = rows[np.isnan(found) & (lo < hi)]
        if active.size == 0:
            break
        mid = lo[active] + (hi[active] - lo[active]) // 2
        val = pmf(mid, active)
        below = val < target[active]
        above = val > target[active]
        lo[active[below]] = mid[below] + 1
        hi[active[above]] = mid[above] - 1
        equal = ~below & ~above
        found[active[equal]] = mid[equal]
    rest = rows[np.isnan(found)]
    if rest.size:
        at_lo = pmf(lo[rest], rest) <= target[rest]
        found[rest] = np.where(at_lo, lo[rest], lo[rest] - 1)
    return found


def binomial_two_sided_p(k, n, p):
    """Two-sided exact binomial p-value, element by element.

    Parameters
    ----------
    k, n : array-like of int
        Successes and trials (``0 <= k <= n``).
    p : array-like of float
        Probability of success under the null hypothesis, in (0, 1).

    Returns
    -------
    numpy.ndarray
        The probability of an outcome no more likely than ``k`` (the "minimum likelihood"
        two-sided p-value of ``scipy.stats.binomtest`` and R's ``binom.test``); 1 where
        ``n == 0``.
    """
    k, n, p = _as_float_arrays(k, n, p)
    shape = k.shape
    k, n, p = k.ravel(), n.ravel(), p.ravel()
    _check_counts(k, n)
    if np.any(k > n):
        raise ValueError("successes cannot exceed trials.")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("the null probability must lie strictly between 0 and 1.")
    pval = np.ones(k.shape)
    d = stats.binom.pmf(k, n, p)
    expected = p * n
    low = np.flatnonzero((k < expected) & (n > 0))
    high = np.flatnonzero((k > expected) & (n > 0))
    if low.size:
        kk, nn, pp, dd = k[low], n[low], p[low], d[low]
        ix = _binary_search(
            lambda x, r: -stats.binom.pmf(x, nn[r], pp[r]), -dd * _RERR, np.ceil(pp * nn), nn.copy()
        )
        y = nn - ix + (dd * _RERR == stats.binom.pmf(ix, nn, pp))
        pval[low] = stats.binom.cdf(kk, nn, pp) + stats.binom.sf(nn - y, nn, pp)
    if high.size:
        kk, nn, pp, dd = k[high], n[high], p[high], d[high]
        ix = _binary_search(
            lambda x, r: stats.binom.pmf(x, nn[r], pp[r]), dd * _RERR, np.zeros(kk.shape),
            np.floor(pp * nn),
        )
        pval[high] = stats.binom.cdf(ix, nn, pp) + stats.binom.sf(kk - 1, nn, pp)
    return np.minimum(1.0, pval).reshape(shape)


def clopper_pearson(k, n, alpha: float = 0.05):
    """Exact (Clopper-Pearson) interval for a binomial proportion, element by element.

    Parameters
    ----------
    k, n : array-like of int
        Successes and trials.
    alpha : float
        One minus the confidence level (0.05 gives a 95% interval).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits; (0, 1) where ``n == 0``. Agrees with
        ``scipy.stats.binomtest(k, n).proportion_ci(1 - alpha, method="exact")``.
    """
    _check_alpha(alpha)
    k, n = _as_float_arrays(k, n)
    _check_counts(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return lower, upper


def garwood_interval(count, alpha: float = 0.05):
    """Exact (Garwood) interval for a Poisson mean, in events.

    ``lower = chi2.ppf(alpha/2, 2x) / 2`` (0 when ``x == 0``) and
    ``upper = chi2.ppf(1 - alpha/2, 2x + 2) / 2``.

    Parameters
    ----------
    count : array-like of int
        Observed events.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits for the expected number of events.
    """
    _check_alpha(alpha)
    (x,) = _as_float_arrays(count)
    _check_counts(x)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lower, upper


def byar_interval(count, alpha: float = 0.05):
    """Byar's approximation to the exact Poisson interval, in events.

    ``lower = x (1 - 1/(9x) - z/(3 sqrt(x)))^3`` and
    ``upper = (x + 1) (1 - 1/(9(x + 1)) + z/(3 sqrt(x + 1)))^3`` with ``z`` the normal
    quantile for ``1 - alpha/2`` (Breslow and Day 1987). Good from about 10 events; the lower
    limit is 0 when ``x == 0``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits for the expected number of events.
    """
    _check_alpha(alpha)
    (x,) = _as_float_arrays(count)
    _check_counts(x)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(x > 0, x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3, 0.0)
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    return np.maximum(lower, 0.0), upper


def poisson_interval(count, alpha: float = 0.05, exact_below: int = 10):
    """Interval for a Poisson mean: exact (Garwood) below ``exact_below`` events, else Byar.

    Parameters
    ----------
    count : array-like of int
        Observed events.
    alpha : float
        One minus the confidence level.
    exact_below : int
        Counts under this use the exact interval; the rest use Byar's approximation (the
        convention of English public-health statistics: exact for small counts, Byar above
        about 10 events).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Lower limit, upper limit, and a boolean array that is True where the exact method was
        used.
    """
    (x,) = _as_float_arrays(count)
    g_low, g_high = garwood_interval(x, alpha)
    b_low, b_high = byar_interval(x, alpha)
    exact = x < exact_below
    return np.where(exact, g_low, b_low), np.where(exact, g_high, b_high), exact


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
        Exact conditional (Clopper-Pearson) interval for the rate ratio at ``1 - alpha``;
        (0, inf) when both counts are 0.
    p_value : float
        Two-sided p-value for "the rate did not change"; 1 when both counts are 0.
    alpha : float
        One minus the confidence level of the interval.
    method : str
        ``"exact conditional"`` or ``"square-root Poisson Z"``.
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


EXACT = "exact conditional"
SQRT_Z = "square-root Poisson Z"


def compare_poisson_arrays(current, previous, current_exposure=1.0, previous_exposure=1.0,
                           alpha: float = 0.05, method: str = "exact"):
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
        ``"exact"``: the conditional binomial test (p-value of ``scipy.stats.binomtest``).
        ``"sqrt"``: the square-root Poisson Z (see :func:`sqrt_poisson_z`). The interval is the
        exact conditional one for both.

    Returns
    -------
    dict of numpy.ndarray
        ``ratio``, ``ratio_low``, ``ratio_high``, ``p_value``.
    """
    _check_alpha(alpha)
    x1, x2, t1, t2 = _as_float_arrays(current, previous, current_exposure, previous_exposure)
    _check_counts(x1, x2)
    if np.any(~(t1 > 0)) or np.any(~(t2 > 0)) or np.any(~np.isfinite(t1 + t2)):
        raise ValueError("exposures must be positive numbers.")
    n = x1 + x2
    p0 = t1 / (t1 + t2)
    if method == "exact":
        p_value = binomial_two_sided_p(x1, n, p0)
    elif method == "sqrt":
        p_value = sqrt_poisson_z(x1, x2, t1, t2)[1]
    else:
        raise ValueError(f"method must be 'exact' or 'sqrt', not {method!r}.")
    p_low, p_high = clopper_pearson(x1, n, alpha)
    scale = t2 / t1
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > 0, (x1 / t1) / (x2 / t2), np.nan)
        ratio_low = np.where(p_low < 1, p_low / (1 - p_low) * scale, np.inf)
        ratio_high = np.where(p_high < 1, p_high / (1 - p_high) * scale, np.inf)
    return {"ratio": ratio, "ratio_low": ratio_low, "ratio_high": ratio_high, "p_value": p_value}


def compare_poisson(current: int, previous: int, current_exposure: float = 1.0,
                    previous_exposure: float = 1.0, alpha: float = 0.05,
                    method: str = "exact") -> PoissonComparison:
    """Compare two Poisson counts: rate ratio, its exact interval and a two-sided p-value.

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
                                 alpha, method)
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
        method=EXACT if method == "exact" else SQRT_Z,
    )


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
