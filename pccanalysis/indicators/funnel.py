"""Funnel plots: which areas differ from their peers by more than chance, allowing for size?

Each unit (a force, CSP or ward) has an observed count ``O`` and a denominator ``n``: its
population for a **rate**, its number of cases for a **proportion**, or its expected count for
an **indirectly standardised ratio** (O/E). The target ``theta`` is the group's pooled value
(``sum(O) / sum(n)``) unless one is given (a national rate; 1 for a standardised ratio).
Control limits around the target at 95% and 99.8% (about 2 and 3 standard errors) narrow as the
denominator grows, giving the funnel; a unit outside the 99.8% limits is unlikely to differ
from the target by chance alone.

Limits without over-dispersion are exact: the interpolated quantiles of the Poisson
distribution with mean ``E = theta * n`` (rates, ratios) or of the binomial distribution
Bin(``n``, ``theta``) (proportions), as in Spiegelhalter (2005a, appendix): with ``r`` the
smallest count whose cumulative probability ``F(r)`` reaches ``p``,

    ``limit = r - (F(r) - p) / (F(r) - F(r - 1))``  events,

which joins the steps of the discrete quantile into a smooth funnel.

Over-dispersion
---------------
Areas differ for reasons no count can remove (demography, recording practice), so with large
counts nearly every area falls outside Poisson limits. Spiegelhalter (2005b) estimates how much
more spread there is than chance allows:

1. z-scores on a variance-stabilising scale: square root for counts,
   ``z = 2 (sqrt(O) - sqrt(E))`` (the scale of ``y = sqrt(O/E)``, standard error
   ``s = 1 / (2 sqrt(E))``); arcsine for proportions, ``y = asin(sqrt(O/n))``,
   ``s = 1 / (2 sqrt(n))``;
2. Winsorised at 10% and 90%: z-scores beyond the 10th and 90th percentiles (linear
   interpolation, as R's ``quantile`` type 7 and numpy's default) are set to those percentiles,
   so the outliers being looked for do not inflate the estimate;
3. ``phi = mean(z_w^2)``; under no over-dispersion ``I * phi`` is chi-square on ``I - 1``
   degrees of freedom (``I`` units). The limits are widened only when that test is significant
   (at ``od_alpha``, 0.05 by default); otherwise the exact limits stand.

Two ways to widen the limits, on the transformed scale:

``"additive"`` (default): a random-effects model with between-unit variance
    ``tau^2 = max(0, (I phi - (I - 1)) / (sum(w) - sum(w^2) / sum(w)))``, ``w = 1 / s^2``
    (DerSimonian and Laird 1986); limits ``target +/- z_p sqrt(s^2 + tau^2)`` and adjusted
    z-scores ``(y - target) / sqrt(s^2 + tau^2)``. The added spread does not shrink with size,
    so large units are not flagged merely for being large. FunnelPlotR (NHS-R Community)
    adjusts this way by default; its "CQC" method uses the same square-root scale.
``"multiplicative"``: limits ``target +/- z_p sqrt(phi) s`` and z-scores ``z / sqrt(phi)``:
    every standard error is inflated by the same factor, so the funnel keeps its shape; simpler,
    but it still flags the largest units for small differences.

With fewer than about 10 units ``phi`` is a rough estimate (Winsorising 10% of 5 units still
lets an outlier pull it up); say so when reporting.

References
----------
Spiegelhalter DJ (2005a). Funnel plots for comparing institutional performance. Statistics in
Medicine 24, 1185-1202 (limits, interpolation; appendix A.1).
Spiegelhalter DJ (2005b). Handling over-dispersion of performance indicators. Quality and Safety
in Health Care (now BMJ Quality & Safety) 14, 347-351 (Winsorised phi, multiplicative and
additive adjustments).
DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Controlled Clinical Trials 7,
177-188.
Mainey C et al., FunnelPlotR (NHS-R Community), https://github.com/nhs-r-community/FunnelPlotR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "ADJUSTMENTS",
    "FLAG_WORDS",
    "KINDS",
    "LEVELS",
    "Funnel",
    "binomial_limit",
    "funnel",
    "estimate_overdispersion",
    "funnel_limits",
    "poisson_limit",
    "winsorise",
]

#: What a unit's value is: a rate (Poisson), a proportion (binomial) or an indirectly
#: standardised ratio O/E (Poisson, denominator = expected count).
KINDS = ("rate", "proportion", "ratio")
#: The ways of handling over-dispersion.
ADJUSTMENTS = ("additive", "multiplicative", "none")
#: The two control-limit levels (two-sided): about 2 and 3 standard errors.
LEVELS = (0.95, 0.998)
#: Default ``per`` (the value scale) by kind: per 1,000 people, percent, plain ratio.
DEFAULT_PER = {"rate": 1000.0, "proportion": 100.0, "ratio": 1.0}

#: The flag codes :func:`funnel` gives a unit, and their plain-English reading.
FLAG_WORDS = {
    "high_998": "above the 99.8% limit",
    "high_95": "above the 95% limit",
    "within": "within the 95% limits",
    "low_95": "below the 95% limit",
    "low_998": "below the 99.8% limit",
}


def _tag(level: float) -> str:
    """Column tag of a level: 0.95 -> "95", 0.998 -> "998"."""
    return f"{100 * level:g}".replace(".", "")


# --------------------------------------------------------------------------------------------
# Exact limits


def poisson_limit(expected, p: float):
    """Interpolated ``p``-quantile of a Poisson count with mean ``expected``, in events.

    Parameters
    ----------
    expected : array-like of float
        Poisson means (expected events), > 0.
    p : float
        Probability, e.g. 0.975 for the upper 95% limit, 0.001 for the lower 99.8% limit.

    Returns
    -------
    numpy.ndarray or float
        ``r - (F(r) - p) / (F(r) - F(r - 1))`` with ``r = poisson.ppf(p, expected)`` and ``F``
        the Poisson distribution function (Spiegelhalter 2005a, appendix A.1.2), never below 0.
    """
    e = np.asarray(expected, dtype=float)
    r = stats.poisson.ppf(p, e)
    f_r = stats.poisson.cdf(r, e)
    f_below = stats.poisson.cdf(r - 1, e)
    limit = np.maximum(r - (f_r - p) / (f_r - f_below), 0.0)
    return float(limit) if limit.ndim == 0 else limit


def binomial_limit(n, theta: float, p: float):
    """Interpolated ``p``-quantile of a Bin(``n``, ``theta``) count, as a proportion of ``n``.

    As :func:`poisson_limit` with the binomial distribution (Spiegelhalter 2005a, appendix
    A.1.1): ``(r - (F(r) - p) / (F(r) - F(r - 1))) / n``, kept within [0, 1].
    """
    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(p, n, theta)
    f_r = stats.binom.cdf(r, n, theta)
    f_below = stats.binom.cdf(r - 1, n, theta)
    limit = np.clip((r - (f_r - p) / (f_r - f_below)) / n, 0.0, 1.0)
    return float(limit) if limit.ndim == 0 else limit


# --------------------------------------------------------------------------------------------
# Over-dispersion


def winsorise(z, fraction: float = 0.10) -> np.ndarray:
    """Set values beyond the ``fraction`` and ``1 - fraction`` quantiles to those quantiles.

    Quantiles by linear interpolation between order statistics (numpy's default, R's type 7).
    """
    z = np.asarray(z, dtype=float)
    if not 0 <= fraction < 0.5:
        raise ValueError(f"the Winsorising fraction must lie in [0, 0.5), not {fraction!r}.")
    low, high = np.quantile(z, [fraction, 1 - fraction])
    return np.clip(z, low, high)


@dataclass(frozen=True)
class Overdispersion:
    """The over-dispersion estimate of Spiegelhalter (2005b).

    Attributes
    ----------
    phi : float
        Mean squared Winsorised z-score (1 when the spread is what chance allows).
    statistic : float
        ``I * phi``.
    df : int
        ``I - 1``.
    p_value : float
        ``chi2.sf(I * phi, I - 1)``: the chance of at least this much spread with no
        over-dispersion.
    tau2 : float
        DerSimonian-Laird between-unit variance on the transformed scale (0 when
        ``I * phi <= I - 1``).
    """

    phi: float
    statistic: float
    df: int
    p_value: float
    tau2: float


def estimate_overdispersion(z, weights, winsor: float = 0.10) -> Overdispersion:
    """Estimate over-dispersion from z-scores and their inverse-variance weights.

    Parameters
    ----------
    z : array-like of float
        Unadjusted z-scores, one per unit.
    weights : array-like of float
        ``w = 1 / s^2`` per unit on the same scale (``4 E`` on the square-root scale of counts,
        ``4 n`` on the arcsine scale of proportions).
    winsor : float
        Fraction Winsorised at each end (0.10).

    Returns
    -------
    Overdispersion
    """
    z = np.asarray(z, dtype=float)
    w = np.asarray(weights, dtype=float)
    n_units = z.size
    if n_units < 2:
        raise ValueError("over-dispersion needs at least two units.")
    phi = float(np.mean(winsorise(z, winsor) ** 2))
    statistic = n_units * phi
    df = n_units - 1
    p_value = float(stats.chi2.sf(statistic, df))
    spread = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (statistic - df) / spread) if spread > 0 else 0.0
    return Overdispersion(phi, statistic, df, p_value, float(tau2))


# --------------------------------------------------------------------------------------------
# Limits at any denominator


def _z_quantile(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _exact_limits(kind: str, n, theta: float, level: float):
    """Lower and upper exact limits as proportions of ``n`` (rates per person, ratios)."""
    tail = (1 - level) / 2
    if kind == "proportion":
        return binomial_limit(n, theta, tail), binomial_limit(n, theta, 1 - tail)
    e = theta * np.asarray(n, dtype=float)
    return poisson_limit(e, tail) / np.asarray(n, dtype=float), \
        poisson_limit(e, 1 - tail) / np.asarray(n, dtype=float)


def _scale(kind: str, n, theta: float):
    """Transformed target and within-unit standard error at denominator ``n``."""
    n = np.asarray(n, dtype=float)
    if kind == "proportion":
        return np.arcsin(np.sqrt(theta)), 1 / (2 * np.sqrt(n))
    return 1.0, 1 / (2 * np.sqrt(theta * n))  # y = sqrt(O / E), target 1


def _spread(s, adjustment: str, phi: float, tau2: float):
    if adjustment == "additive":
        return np.sqrt(s**2 + tau2)
    if adjustment == "multiplicative":
        return np.sqrt(phi) * s
    return s


def _adjusted_limits(kind: str, n, theta: float, level: float, adjustment: str, phi: float,
                     tau2: float):
    """Lower and upper normal limits on the transformed scale, back-transformed."""
    target, s = _scale(kind, n, theta)
    half = _z_quantile(level) * _spread(s, adjustment, phi, tau2)
    if kind == "proportion":
        low = np.sin(np.clip(target - half, 0, np.pi / 2)) ** 2
        high = np.sin(np.clip(target + half, 0, np.pi / 2)) ** 2
        return low, high
    return theta * np.maximum(1 - half, 0) ** 2, theta * (1 + half) ** 2


def funnel_limits(denominator, target: float, *, kind: str = "rate", per: float | None = None,
                  levels: Sequence[float] = LEVELS, adjustment: str = "none", phi: float = 1.0,
                  tau2: float = 0.0) -> pd.DataFrame:
    """Control limits at each denominator: the funnel's curves.

    Parameters
    ----------
    denominator : array-like of float
        Populations (rates), case numbers (proportions; rounded to whole numbers) or expected
        counts (ratios).
    target : float
        The target on the value scale (rate per ``per`` people, percent, ratio x ``per``).
    kind : {"rate", "proportion", "ratio"}
    per : float, optional
        Value scale: 1,000 for rates, 100 for proportions, 1 for ratios by default.
    levels : pair of float
        Two-sided levels, inner then outer (0.95, 0.998).
    adjustment : {"none", "additive", "multiplicative"}
        ``"none"`` gives the exact limits; the others the widened normal limits on the
        transformed scale (see the module notes).
    phi, tau2 : float
        The over-dispersion estimates (:func:`overdispersion`).

    Returns
    -------
    pandas.DataFrame
        ``denominator``, ``target`` and ``lower_<tag>``, ``upper_<tag>`` for each level (tags
        "95" and "998"), on the value scale.
    """
    kind, per = _check_kind(kind, per)
    if adjustment not in ADJUSTMENTS:
        raise ValueError(f"adjustment must be one of {', '.join(ADJUSTMENTS)}, not {adjustment!r}.")
    n = np.asarray(denominator, dtype=float)
    if kind == "proportion":
        n = np.round(n)
    if np.any(~(n > 0)):
        raise ValueError("denominators must be positive.")
    theta = target / per
    if not theta > 0 or (kind == "proportion" and not theta < 1):
        raise ValueError(f"the target {target!r} is outside the range a {kind} can take.")
    out = {"denominator": n, "target": np.full(n.shape, float(target))}
    for level in levels:
        if adjustment == "none":
            low, high = _exact_limits(kind, n, theta, level)
        else:
            low, high = _adjusted_limits(kind, n, theta, level, adjustment, phi, tau2)
        out[f"lower_{_tag(level)}"] = per * low
        out[f"upper_{_tag(level)}"] = per * high
    return pd.DataFrame(out)


def _check_kind(kind: str, per: float | None) -> tuple[str, float]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    per = DEFAULT_PER[kind] if per is None else float(per)
    if not per > 0:
        raise ValueError("per must be positive.")
    return kind, per


# --------------------------------------------------------------------------------------------
# The assessment


@dataclass(frozen=True, eq=False)
class Funnel:
    """A funnel-plot assessment of a group of units.

    Attributes
    ----------
    kind : str
        "rate", "proportion" or "ratio".
    per : float
        Value scale (1,000 for rates per 1,000 people).
    target : float
        The target on the value scale (the pooled rate unless one was given).
    target_source : str
        ``"pooled"`` or ``"given"``.
    levels : tuple of float
        Inner and outer limit levels.
    overdispersion : str
        The handling asked for: "additive", "multiplicative" or "none".
    adjusted : bool
        True when the limits were widened (the phi test was significant).
    phi, phi_statistic, phi_p_value : float
        Winsorised phi, ``I * phi`` and its chi-square p-value on ``I - 1`` df (NaN when
        ``overdispersion == "none"``).
    tau2 : float
        DerSimonian-Laird between-unit variance on the transformed scale (NaN when
        ``overdispersion == "none"``); it widens the limits only when ``adjustment`` is
        "additive".
    winsor : float
        Fraction Winsorised at each end.
    od_alpha : float
        Significance level of the phi test.
    units : pandas.DataFrame
        One row per unit, in input order: ``unit``, ``observed``, ``denominator``,
        ``expected`` (target x denominator, in events), ``value`` (rate per ``per``, percent,
        ratio), ``target``, ``z`` (unadjusted, transformed scale), ``z_adjusted`` (equal to
        ``z`` when not adjusted), ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``
        (the limits at the unit's own denominator) and ``flag`` (a key of :data:`FLAG_WORDS`).
    curves : pandas.DataFrame
        :func:`funnel_limits` over 200 denominators spanning the units (for the figure).
    """

    kind: str
    per: float
    target: float
    target_source: str
    levels: tuple[float, float]
    overdispersion: str
    adjusted: bool
    phi: float
    phi_statistic: float
    phi_p_value: float
    tau2: float
    winsor: float
    od_alpha: float
    units: pd.DataFrame
    curves: pd.DataFrame

    @property
    def adjustment(self) -> str:
        """The limits actually drawn: "none" (exact) or the over-dispersion method used."""
        return self.overdispersion if self.adjusted else "none"

    @property
    def method(self) -> str:
        """How the limits were set, in words (for a chart's note or a methods section)."""
        if not self.adjusted:
            dist = "binomial" if self.kind == "proportion" else "Poisson"
            return f"exact {dist} limits"
        scale = "arcsine" if self.kind == "proportion" else "square-root"
        how = ("additive random effects (DerSimonian-Laird)" if self.overdispersion == "additive"
               else "multiplicative (phi)")
        return f"limits widened for over-dispersion: {how}, {scale} scale"

    def limits(self, denominator) -> pd.DataFrame:
        """The limits of this assessment at other denominators (see :func:`funnel_limits`)."""
        return funnel_limits(denominator, self.target, kind=self.kind, per=self.per,
                             levels=self.levels, adjustment=self.adjustment, phi=self.phi,
                             tau2=self.tau2 if self.adjustment == "additive" else 0.0)


def _curve_grid(kind: str, n: np.ndarray, points: int = 200) -> np.ndarray:
    low, high = 0.5 * n.min(), 1.1 * n.max()
    grid = np.geomspace(low, high, points)
    if kind == "proportion":
        grid = np.unique(np.maximum(np.round(grid), 1))
    return grid


def funnel(observed, denominator, units: Sequence | None = None, *, kind: str = "rate",
           target: float | None = None, per: float | None = None,
           levels: Sequence[float] = LEVELS, overdispersion: str = "additive",
           winsor: float = 0.10, od_alpha: float = 0.05) -> Funnel:
    """Compare units with a target allowing for their size, with over-dispersion handled.

    Parameters
    ----------
    observed : array-like of int
        Events per unit (crimes; or the numerator of a proportion).
    denominator : array-like of float
        Population (rate), cases (proportion) or expected events (ratio), per unit; > 0.
    units : sequence, optional
        Unit names (default 0, 1, 2, ...).
    kind : {"rate", "proportion", "ratio"}
    target : float, optional
        Target on the value scale (e.g. the England and Wales rate per 1,000). Default: the
        pooled value of the units, ``per * sum(O) / sum(n)``; for a ratio, ``per`` (O/E = 1).
    per : float, optional
        Value scale: 1,000 (rates per 1,000 people), 100 (percent), 1 (ratios) by default.
    levels : pair of float
        Inner and outer two-sided levels (0.95, 0.998).
    overdispersion : {"additive", "multiplicative", "none"}
        How to widen the limits when the phi test finds over-dispersion (module notes).
    winsor : float
        Fraction of z-scores Winsorised at each end before phi is estimated (0.10).
    od_alpha : float
        The limits are widened only when the phi test's p-value is below this.

    Returns
    -------
    Funnel

    Examples
    --------
    >>> f = funnel([121, 81, 100], [100, 100, 100], ["A", "B", "C"], kind="ratio",
    ...            overdispersion="none")
    >>> list(f.units["flag"])   # 95% limits at E = 100 run from 80.4 to 119.6 events
    ['high_95', 'within', 'within']
    """
    kind, per = _check_kind(kind, per)
    o, n, names, levels = _check_units(observed, denominator, units, kind, levels,
                                       overdispersion)
    theta, source = _target(kind, target, per, o, n)
    expected = theta * n
    t_target, s = _scale(kind, n, theta)
    if kind == "proportion":
        y = np.arcsin(np.sqrt(o / n))
    else:
        y = np.sqrt(o / expected)
    z = (y - t_target) / s  # = 2 (sqrt(O) - sqrt(E)) for counts

    if overdispersion == "none":
        od = None
        adjusted = False
    else:
        od = estimate_overdispersion(z, 1 / s**2, winsor)
        adjusted = od.p_value < od_alpha and (overdispersion == "multiplicative" or od.tau2 > 0)
    phi = od.phi if od else float("nan")
    tau2 = od.tau2 if od else float("nan")
    adjustment = overdispersion if adjusted else "none"
    z_adj = (y - t_target) / _spread(s, adjustment, phi, tau2) if adjusted else z

    table = {
        "unit": names, "observed": o, "denominator": n, "expected": expected,
        "value": per * o / n, "target": np.full(o.shape, per * theta), "z": z,
        "z_adjusted": z_adj,
    }
    flag = np.full(o.shape, "within", dtype=object)
    for level in levels:  # inner first, so the outer level's flag overwrites it
        tag = _tag(level)
        if adjusted:
            low, high = _adjusted_limits(kind, n, theta, level, adjustment, phi, tau2)
            zq = _z_quantile(level)
            above, below = z_adj > zq, z_adj < -zq
        else:
            low, high = _exact_limits(kind, n, theta, level)
            above, below = o > high * n, o < low * n
        table[f"lower_{tag}"] = per * low
        table[f"upper_{tag}"] = per * high
        flag = np.where(above, f"high_{tag}", np.where(below, f"low_{tag}", flag))
    units_frame = pd.DataFrame(table)
    units_frame["flag"] = pd.array(flag, dtype="str")
    units_frame["observed"] = units_frame["observed"].astype("int64")

    result = Funnel(
        kind=kind, per=per, target=per * theta, target_source=source, levels=levels,
        overdispersion=overdispersion, adjusted=bool(adjusted), phi=phi,
        phi_statistic=od.statistic if od else float("nan"),
        phi_p_value=od.p_value if od else float("nan"),
        tau2=tau2, winsor=float(winsor), od_alpha=float(od_alpha), units=units_frame,
        curves=pd.DataFrame(),
    )
    object.__setattr__(result, "curves", result.limits(_curve_grid(kind, n)))
    return result


def _check_units(observed, denominator, units, kind: str, levels, overdispersion: str):
    """The counts, denominators, unit names and levels as arrays, after checking them."""
    if overdispersion not in ADJUSTMENTS:
        raise ValueError(
            f"overdispersion must be one of {', '.join(ADJUSTMENTS)}, not {overdispersion!r}."
        )
    levels = tuple(float(v) for v in levels)
    if len(levels) != 2 or not 0 < levels[0] < levels[1] < 1:
        raise ValueError("levels must be two probabilities, inner then outer, e.g. (0.95, 0.998).")
    o = np.asarray(observed, dtype=float)
    n = np.asarray(denominator, dtype=float)
    if o.shape != n.shape or o.ndim != 1:
        raise ValueError("observed and denominator must be two lists of the same length.")
    if o.size < 2:
        raise ValueError("a funnel plot needs at least two units.")
    if np.any(~np.isfinite(o)) or np.any(o < 0) or np.any(o != np.floor(o)):
        raise ValueError("observed counts must be whole numbers of zero or more.")
    if np.any(~(n > 0)) or np.any(~np.isfinite(n)):
        raise ValueError("denominators must be positive numbers.")
    if kind == "proportion" and (np.any(n != np.floor(n)) or np.any(o > n)):
        raise ValueError("for proportions the denominators must be whole numbers of cases, "
                         "each at least its observed count.")
    names = list(range(o.size)) if units is None else list(units)
    if len(names) != o.size:
        raise ValueError("there must be one unit name per count.")
    return o, n, names, levels


def _target(kind: str, target: float | None, per: float, o: np.ndarray,
            n: np.ndarray) -> tuple[float, str]:
    """The target on the unit scale (``theta``) and where it came from ("given", "pooled")."""
    if target is None:
        theta = 1.0 if kind == "ratio" else o.sum() / n.sum()
        source = "given" if kind == "ratio" else "pooled"
    else:
        theta = float(target) / per
        source = "given"
    if not theta > 0:
        raise ValueError("there are no events in any unit, so there is no target to compare with.")
    if kind == "proportion" and not theta < 1:
        raise ValueError("every case is an event, so proportions cannot differ.")
    return theta, source
