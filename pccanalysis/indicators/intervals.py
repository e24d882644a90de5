"""Intervals for a proportion and for a Poisson mean: exact, approximate and score.

:func:`clopper_pearson` (exact, for a binomial proportion; the interval behind every rate
ratio in :mod:`pccanalysis.indicators.significance`), :func:`wilson_interval` (score),
:func:`garwood_interval` (exact, for a Poisson count), :func:`byar_interval` (Byar's
approximation to it) and :func:`poisson_interval` (exact below 10 events, Byar above: the
convention of English public-health statistics), all element by element on arrays.

References
----------
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case
of the binomial. Biometrika 26, 404-413.
Wilson EB (1927). Probable inference, the law of succession, and statistical inference. JASA
22, 209-212.
Garwood F (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
Breslow NE, Day NE (1987). Statistical Methods in Cancer Research, vol. II, IARC (Byar's
approximation, p. 69).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "byar_interval",
    "clopper_pearson",
    "garwood_interval",
    "poisson_interval",
    "wilson_interval",
]


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


def wilson_interval(x, n, z):
    """Score (Wilson) interval for a proportion ``x / n``, element by element (Wilson 1927).

    Parameters
    ----------
    x, n : array-like of float
        Successes and trials (need not be whole numbers: the quasi-Poisson test uses
        ``x / phi`` of ``n / phi``).
    z : float
        Normal quantile, e.g. 1.959964 for a 95% interval.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits, 0 at ``x == 0`` and 1 at ``x == n``; (0, 1) where ``n == 0``.
        The interval leaves out ``p0`` exactly when the score test of ``p0`` has
        ``|x - n p0| / sqrt(n p0 (1 - p0)) > z``.
    """
    x, n = _as_float_arrays(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(np.maximum(x * (n - x) / n, 0) + z * z / 4) / (n + z * z)
        low = np.where(x > 0, np.maximum(centre - half, 0.0), 0.0)
        high = np.where(x < n, np.minimum(centre + half, 1.0), 1.0)
    return np.where(n > 0, low, 0.0), np.where(n > 0, high, 1.0)
