"""Caveats: publication gaps (:mod:`pccanalysis.indicators.gaps`) as one clause per gap or a
sentence per category for a briefing, and a result's own caveat
(:class:`~pccanalysis.indicators.change.Caveat`) in words."""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

from ..indicators.gaps import Caveat, Gap, gap_columns, gap_records, touches_gap
from ..indicators.period_pair import months_in_words
from ..numbers import format_count, join_words, month_label, months_label
from .words import SHORT_NAMES, cap


def gap_clause(gap: Gap) -> str:
    """One clause describing a gap (a :class:`~pccanalysis.indicators.gaps.Gap`).

    Forms::

        2024-11 Anti-social behaviour: 0 recorded against about 1,526 usually (a likely
        publication gap)
        2024-06 force-one: not published (a publication gap)

    The second is for a month known only to be missing (a force's file that was never
    published).
    """
    what = " ".join([str(gap.month), *gap.categories])
    if gap.expected is None or gap.count is None:
        return f"{what}: not published (a publication gap)"
    count = int(gap.count) if float(gap.count).is_integer() else gap.count
    return (f"{what}: {count:,} recorded against about {round(gap.expected):,} usually "
            "(a likely publication gap)")


def gap_caveat(gaps: pd.DataFrame, months, *, names: dict[str, str] | None = None,
               form: Literal["sentences", "clauses"] = "sentences", **where) -> str | None:
    """A caveat for figures covering ``months`` when a detected publication gap falls in them.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`pccanalysis.indicators.gaps.find_gaps` (``month``, category columns,
        ``count``, ``expected``).
    months : iterable of month-like, or a PeriodPair
        The period the figure covers (a ``PeriodPair`` means both of its periods).
    names : dict, optional
        Names for categories in sentences; default :data:`~pccanalysis.narrative.words.SHORT_NAMES` ("ASB").
    form : {"sentences", "clauses"}
        ``"sentences"`` (default, as briefings show it): one sentence per category with a
        gap; ``"clauses"``: one :func:`gap_clause` per gap row, joined by "; ", with the
        categories as the data write them (as a result's own caveat reads).
    **where
        Category filters, as :func:`pccanalysis.indicators.gaps.touches_gap` takes them.

    Returns
    -------
    str or None
        For example::

            ASB figures for November 2024 appear incomplete (0 recorded against about 1,526 in
            a usual month), so totals that include that month are too low.
            2024-11 Anti-social behaviour: 0 recorded against about 1,526 usually (a likely
            publication gap)

        or None when no gap touches the period.
    """
    if form not in ("sentences", "clauses"):
        raise ValueError(f"form must be 'sentences' or 'clauses', not {form!r}")
    hit = touches_gap(gaps, months, **where)
    if hit.empty:
        return None
    if form == "clauses":
        return "; ".join(gap_clause(g) for g in gap_records(hit))
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


def caveat_text(caveat: Caveat | None) -> str | None:
    """A result's caveat (:class:`~pccanalysis.indicators.change.Caveat`) as clauses joined by
    "; ", or None when there is nothing to say.

    Clauses, in this order::

        November 2020 left out because of a likely publication gap, with November 2019 so
        that like is compared with like
        2020-11 Anti-social behaviour: 0 recorded against about 80 usually (a likely
        publication gap)
        November 2019: a likely publication gap
        only 3 months of data before July 2019, too few to measure how much the count usually
        varies, so the verdict allows only for chance variation around a steady rate

    The gaps are worded by :func:`gap_clause`.
    """
    if caveat is None:
        return None
    clauses = []
    if caveat.left_out:
        note = f"{months_in_words(caveat.left_out)} left out because of a likely publication gap"
        if caveat.paired:
            note += f", with {months_in_words(caveat.paired)} so that like is compared with like"
        clauses.append(note)
    clauses += [gap_clause(g) for g in caveat.gaps]
    if caveat.gap_months:
        clauses.append(f"{months_in_words(caveat.gap_months)}: a likely publication gap")
    n = caveat.history_months
    if n is not None:
        clauses.append(f"only {n} month{'' if n == 1 else 's'} of data before "
                       f"{month_label(caveat.history_start)}, too few to measure how much the "
                       "count usually varies, so the verdict allows only for chance variation "
                       "around a steady rate")
    return "; ".join(clauses) or None


def figure_caveat(name: str, caveat: Caveat | str | None) -> str | None:
    """A result's own caveat as a sentence naming the figure it belongs to, or None.

    A change, target or table row carries its caveat (months left out for a publication gap,
    too little history to measure variation); this names the figure::

        ASB, year to date: October 2020 left out because of a likely publication gap, with
        October 2019 so that like is compared with like.

    ``caveat`` is the result's :class:`~pccanalysis.indicators.change.Caveat` (worded by
    :func:`caveat_text`) or text already written.
    """
    if isinstance(caveat, Caveat):
        caveat = caveat_text(caveat)
    if caveat is None or (isinstance(caveat, float) and math.isnan(caveat)):
        return None
    text = str(caveat).strip().rstrip(".")
    if not text:
        return None
    return f"{name}: {text}."
