"""Crime harm (severity) index: counts weighted by how harmful each crime type is.

``harm = sum over crime types of count x weight``. The weights come from the user, for example
the ONS Crime Severity Score (weights from sentencing data) or the Cambridge Crime Harm Index
(days of imprisonment of the starting-point sentence). pccanalysis ships no weights: which
index to use, at what level of offence detail, is the analyst's choice and must be cited in
the briefing. data.police.uk's 14 broad crime types are coarser than either index's offence
codes, so any weight per broad type is itself an assumption to state.

References
----------
Office for National Statistics (2016). Research outputs: developing a Crime Severity Score for
England and Wales using data on crimes recorded by the police.
Sherman L, Neyroud PW, Neyroud E (2016). The Cambridge Crime Harm Index: measuring total harm
from crime based on sentencing guidelines. Policing 10(3), 171-183.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ..errors import ConfigError
from .counts import _as_list, _require_columns, count_by

__all__ = ["check_weights", "harm_index"]


def check_weights(weights: Mapping[str, float], crime_types) -> dict[str, float]:
    """Check that every crime type present has a usable weight.

    Parameters
    ----------
    weights : mapping of str to float
        Weight per crime type, as data.police.uk writes the type.
    crime_types : iterable of str
        The crime types present in the data.

    Returns
    -------
    dict
        The weights as floats.

    Raises
    ------
    ConfigError
        When a crime type present has no weight, or a weight is negative or not a number.
    """
    clean = {}
    for name, value in weights.items():
        try:
            w = float(value)
        except (TypeError, ValueError):
            w = math.nan
        if not math.isfinite(w) or w < 0:
            raise ConfigError(
                f"the harm weight for {name!r} is {value!r}: weights must be numbers of zero or "
                "more."
            )
        clean[str(name)] = w
    present = sorted({str(t) for t in crime_types})
    missing = [t for t in present if t not in clean]
    if missing:
        listed = ", ".join(repr(t) for t in missing)
        raise ConfigError(
            f"no harm weight for {listed}: give a weight for every crime type in the data "
            "(0 leaves a type out on purpose)."
        )
    return clean


def harm_index(frame: pd.DataFrame, weights: Mapping[str, float], *, by=None,
               period: str = "month", count_column: str | None = None,
               crime_column: str = "crime_type") -> pd.DataFrame:
    """Weighted harm by period and group, from user-supplied weights per crime type.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy frame with ``month`` and a crime-type column (one row per crime, or pre-aggregated
        with ``count_column``).
    weights : mapping of str to float
        Harm weight per crime type (units are the index's own: e.g. days of imprisonment for
        the Cambridge index). Every crime type present must have one.
    by : str or list of str, optional
        Further grouping, e.g. ``"ward_name"``.
    period : {"month", "quarter", "financial_year", "calendar_year"}
        As for :func:`pccanalysis.indicators.counts.count_by`.
    count_column : str, optional
        Pre-aggregated count column; None means each row counts one.
    crime_column : str
        The crime-type column.

    Returns
    -------
    pandas.DataFrame
        Columns ``[period, *by, "count", "harm", "months"]``: ``count`` is the number of crimes,
        ``harm`` the weighted sum in the weights' units.

    Raises
    ------
    ConfigError
        When a crime type present in ``frame`` has no weight (naming it), or a weight is bad.
    """
    _require_columns(frame, [crime_column])
    by = _as_list(by)
    counts = count_by(frame, [*by, crime_column], period, count_column=count_column)
    w = check_weights(weights, frame[crime_column].dropna().unique())
    counts["harm"] = counts["count"] * counts[crime_column].astype("str").map(w).astype(float)
    period_col = counts.columns[0]
    out = (
        counts.groupby([period_col, *by], observed=True, sort=True)
        .agg(count=("count", "sum"), harm=("harm", "sum"), months=("months", "max"))
        .reset_index()
    )
    return out
