"""Caveats for publication gaps (:mod:`pccanalysis.indicators.gaps`) and for a result's own data notes."""

from __future__ import annotations

import math

import pandas as pd

from ..indicators.gaps import gap_columns, touches_gap
from ..numbers import format_count, join_words, months_label
from .words import SHORT_NAMES, cap


def gap_caveat(gaps: pd.DataFrame, months, *, names: dict[str, str] | None = None,
               **where) -> str | None:
    """A caveat for figures covering ``months`` when a detected publication gap falls in them.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`pccanalysis.indicators.gaps.find_gaps` (``month``, category columns,
        ``count``, ``expected``).
    months : iterable of month-like, or a Comparison
        The period the figure covers (a ``Comparison`` means both of its periods).
    names : dict, optional
        Names for categories in sentences; default :data:`SHORT_NAMES` ("ASB").
    **where
        Category filters, as :func:`pccanalysis.indicators.gaps.touches_gap` takes them.

    Returns
    -------
    str or None
        One sentence per category with a gap, e.g.::

            ASB figures for November 2024 appear incomplete (0 recorded against about 1,526 in
            a usual month), so totals that include that month are too low.

        or None when no gap touches the period.
    """
    hit = touches_gap(gaps, months, **where)
    if hit.empty:
        return None
    names = {**SHORT_NAMES, **(names or {})}
    cats = gap_columns(hit)
    sentences = []
    for key, rows in hit.groupby(cats, sort=False, observed=True) if cats else [((), hit)]:
        key = key if isinstance(key, tuple) else (key,)
        name = " ".join(names.get(str(k), str(k)) for k in key) or "The"
        rows = rows.sort_values("month")
        months_text = months_label(list(rows["month"]))
        counts = join_words(format_count(c) for c in rows["count"])
        expected = join_words(format_count(round(e)) for e in rows["expected"])
        that = "that month" if len(rows) == 1 else "those months"
        sentences.append(
            f"{cap(name)} figures for {months_text} appear incomplete ({counts} recorded "
            f"against about {expected} in a usual month), so totals that include {that} are "
            "too low."
        )
    return " ".join(sentences)


def figure_caveat(name: str, caveat: str | None) -> str | None:
    """A result's own caveat as a sentence naming the figure it belongs to, or None.

    A change, target or table row carries its caveat as a clause (months left out for a
    publication gap, too little history to measure variation); this names the figure::

        ASB, year to date: October 2020 left out because of a likely publication gap, with
        October 2019 so that like is compared with like.
    """
    if caveat is None or (isinstance(caveat, float) and math.isnan(caveat)):
        return None
    text = str(caveat).strip().rstrip(".")
    if not text:
        return None
    return f"{name}: {text}."
