"""The limits of an XmR chart, in exact arithmetic: mean +/- 2.66 mean moving ranges.

Per segment of a chart (:mod:`pccanalysis.indicators.spc`): mean ``m`` and mean moving range
``mR`` (mean of ``|x_i - x_{i-1}|``) over the points used (the first ``fix_after`` when the
limits are fixed), moving ranges above 3.267 ``mR`` screened out and ``mR`` recomputed;
``sigma = 2.66 / 3 * mR``; process limits ``m +/- 3 sigma`` (``m +/- 2.66 mR``); sigma lines at
``m +/- 1 sigma`` and ``m +/- 2 sigma``.

All of it is computed exactly on the values as written (each value's shortest decimal form,
as :class:`fractions.Fraction`), and every point is compared with the lines exactly, so a point
on the mean of decimal data is on it: 18.9 in a series whose mean is 18.9 breaks a run, where
floating-point sums put the mean at 18.899999999999995 (NHSRplotthedots agrees, since R's
``mean`` accumulates in extended precision). The lines are then given as floats.

References
----------
Wheeler DJ (2000), Understanding Variation, 2nd ed. (XmR charts, ``2.66 = 3 / 1.128``);
NHS England, "Making Data Count" (2019); NHSRplotthedots (R/ptd_spc_standard.R).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["LIMIT", "MR_SCREEN", "Limits", "exact_values", "moving_ranges", "positions",
           "xmr_limits"]

#: Natural process limits sit this many mean moving ranges from the mean (3 / 1.128, rounded).
LIMIT = 2.66
#: Moving ranges above this many times their mean are screened out before the limits are set.
MR_SCREEN = 3.267
# The same constants, exactly.
_LIMIT = Fraction(str(LIMIT))
_MR_SCREEN = Fraction(str(MR_SCREEN))


def exact_values(values) -> list[Fraction]:
    """Each value as the decimal it is written as (its shortest repr), exactly."""
    return [Fraction(repr(float(v))) for v in values]


@dataclass(frozen=True)
class Limits:
    """One segment's centre line and spread, exactly.

    Attributes
    ----------
    mean, mean_moving_range, sigma : fractions.Fraction
        ``m``, ``mR`` (after screening) and ``2.66 / 3 * mR``.
    n_for_limits : int
        The points the limits were computed from.
    used : numpy.ndarray of bool
        For each moving range among those points, whether it counted (not screened out).
    """

    mean: Fraction
    mean_moving_range: Fraction
    sigma: Fraction
    n_for_limits: int
    used: np.ndarray

    def lines(self) -> dict[str, float]:
        """The chart's lines as floats: ``mean``, ``lpl``, ``upl``, ``sigma``,
        ``lower_1sigma``, ``upper_1sigma``, ``lower_2sigma``, ``upper_2sigma``."""
        m, s = self.mean, self.sigma
        return {"mean": float(m), "lpl": float(m - 3 * s), "upl": float(m + 3 * s),
                "sigma": float(s), "lower_1sigma": float(m - s), "upper_1sigma": float(m + s),
                "lower_2sigma": float(m - 2 * s), "upper_2sigma": float(m + 2 * s)}


def xmr_limits(exact: list[Fraction], fix_after: int | None = None,
               screen: bool = True) -> Limits:
    """The limits of a segment from its values (:func:`exact_values`), at least two.

    Parameters
    ----------
    exact : list of fractions.Fraction
        The segment's values in order.
    fix_after : int, optional
        Compute from the first ``fix_after`` points only.
    screen : bool
        Leave out moving ranges above 3.267 times their mean and recompute the mean.
    """
    n_fix = len(exact) if fix_after is None else min(len(exact), int(fix_after))
    mean = sum(exact[:n_fix]) / n_fix
    ranges = [abs(b - a) for a, b in zip(exact[:n_fix], exact[1:n_fix], strict=False)]
    amr = sum(ranges) / len(ranges)
    used = np.ones(len(ranges), dtype=bool)
    if screen:
        used = np.array([r <= _MR_SCREEN * amr for r in ranges], dtype=bool)
        amr = sum(r for r, u in zip(ranges, used, strict=True) if u) / int(used.sum())
    return Limits(mean=mean, mean_moving_range=amr, sigma=_LIMIT / 3 * amr, n_for_limits=n_fix,
                  used=used)


def positions(exact: list[Fraction], limits: Limits):
    """Each point against the lines, compared exactly.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Side of the mean (-1, 0 on it, 1); beyond the process limits; beyond 2 sigma but not
        beyond the limits.
    """
    m, s = limits.mean, limits.sigma
    rel = np.array([(v > m) - (v < m) for v in exact], dtype=int)
    outside = np.array([v > m + 3 * s or v < m - 3 * s for v in exact], dtype=bool)
    close = ~outside & np.array([v < m - 2 * s or v > m + 2 * s for v in exact], dtype=bool)
    return rel, outside, close


def moving_ranges(exact: list[Fraction]) -> np.ndarray:
    """``|x_i - x_{i-1}|`` as floats, NaN for the first point."""
    return np.array([np.nan, *(float(abs(b - a)) for a, b in zip(exact, exact[1:], strict=False))])
