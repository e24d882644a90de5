"""How a change is tested, in one object: significance level, test, dispersion, gaps, tables.

Every function that gives a verdict ("rose", "fell", "similar") reads its options from a
:class:`TestOptions` passed as ``options=``, instead of each taking the same five keywords::

    BRIEFING = TestOptions(dispersion="estimate", gap_policy="exclude", adjust="holm")
    change(frame, year_to_date("2024-12"), gaps=gaps, options=BRIEFING)
    change_by(frame, comp, "crime_type", gaps=gaps, options=BRIEFING)

A field can also be given as a keyword of the same name (``change(frame, comp,
dispersion="estimate")``), which overrides that field of ``options``: calls written before
this object keep working. The publication gaps and the months the data cover are inputs (they
come from the data), not options, so they stay arguments of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from .significance import ADJUSTMENTS

__all__ = ["GAP_POLICIES", "TestOptions", "resolve_options"]

#: What :func:`~pccanalysis.indicators.change.change` and its kin do with a publication gap.
GAP_POLICIES = ("caveat", "exclude", "exclude_own")


@dataclass(frozen=True)
class TestOptions:
    """The options of the significance tests behind a verdict.

    Attributes
    ----------
    alpha : float
        Significance level of the verdicts and one minus the confidence level of the intervals
        (default 0.05: "rose" or "fell" when p < 0.05, 95% intervals).
    method : str
        The test. For a change between two periods ``"exact"`` (the exact conditional test,
        default) or ``"sqrt"`` (the square-root Poisson Z); against a comparator ``"exact"``
        (Fisher) or ``"log"`` (log ratio of rate ratios). See
        :mod:`pccanalysis.indicators.significance` and
        :mod:`pccanalysis.indicators.comparator`.
    dispersion : float or "estimate"
        Quasi-Poisson over-dispersion factor ``phi >= 1`` (default 1: Poisson noise), or
        ``"estimate"``: from each series' own months before the current period (where the
        function has them). Briefings use ``"estimate"``.
    gap_policy : {"caveat", "exclude", "exclude_own"}
        A compared month with a publication gap is kept with a caveat (default) or left out
        of both periods with its pair; in a table (:func:`~pccanalysis.indicators.change.
        change_by`) ``"exclude"`` leaves it out of every row, ``"exclude_own"`` only out of
        the rows of the category that has the gap (for a single series the two are the same).
    adjust : {"none", "holm", "bh"}
        Multiple-comparison adjustment over the rows of a table (default none); briefings use
        ``"holm"``.

    Each function reads the fields that apply to it and says which in its docstring.
    """

    __test__ = False  # a library class, not a pytest test class, despite its name

    alpha: float = 0.05
    method: str = "exact"
    dispersion: float | str = 1.0
    gap_policy: str = "caveat"
    adjust: str = "none"

    def __post_init__(self) -> None:
        if not 0 < _number(self.alpha) < 1:
            raise ValueError(f"alpha must lie between 0 and 1, not {self.alpha!r}.")
        if self.dispersion != "estimate" and not _number(self.dispersion) >= 1:
            raise ValueError("dispersion must be a number of 1 or more, or 'estimate', not "
                             f"{self.dispersion!r}.")
        if self.gap_policy not in GAP_POLICIES:
            raise ValueError(f"gap_policy must be one of {GAP_POLICIES}, not "
                             f"{self.gap_policy!r}.")
        if self.adjust not in ADJUSTMENTS:
            raise ValueError(f"adjust must be one of {ADJUSTMENTS}, not {self.adjust!r}.")


def _number(value) -> float:
    """``value`` as a finite float, or NaN (which fails every comparison) when it is not one."""
    if isinstance(value, (str, bool)):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


FIELDS = tuple(f.name for f in fields(TestOptions))


def resolve_options(options: TestOptions | None, keywords: dict, function: str,
                    accepts: tuple[str, ...] = FIELDS) -> TestOptions:
    """``options`` (default :class:`TestOptions`) with the fields named in ``keywords`` replaced.

    Parameters
    ----------
    options : TestOptions or None
    keywords : dict
        Keyword arguments the caller gave beside ``options`` (``alpha=0.01``).
    function : str
        The caller's name, for the error message.
    accepts : tuple of str
        The fields ``function`` takes as keywords.

    Raises
    ------
    TypeError
        A keyword that is not one of ``accepts``, as Python says of an unknown keyword.
    """
    if options is not None and not isinstance(options, TestOptions):
        raise TypeError(f"{function}() options must be a TestOptions, not "
                        f"{type(options).__name__}.")
    for name in keywords:
        if name not in accepts:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")
    base = TestOptions() if options is None else options
    return replace(base, **keywords) if keywords else base
