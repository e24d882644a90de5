"""Sentences for harm-weighted crime (:mod:`pccanalysis.indicators.harm`)."""

from __future__ import annotations

import pandas as pd

from ..numbers import format_count
from .words import level_text


def harm_sentence(table: pd.DataFrame, current: str, previous: str, scheme: str) -> str:
    """Crimes and their harm score in two periods of a harm index
    (:func:`~pccanalysis.indicators.harm.harm_index`, one row per period), with no direction
    word: the harm score is a weighted count and is not tested against chance.

    Example::

        In 2020-21 Q4, 7,154 crimes had a harm score of 95,210 (Cambridge Crime Harm Index
        2020), against 8,863 crimes with a harm score of 118,400 in 2019-20 Q4.
    """
    period = table.columns[0]
    rows = table.set_index(table[period].astype("str"))
    for label in (current, previous):
        if label not in rows.index:
            raise ValueError(f"the harm table has no row for {label!r}")
    now, then = rows.loc[current], rows.loc[previous]
    return (f"In {current}, {format_count(now['count'])} crimes had a harm score of "
            f"{level_text(now['harm'])} ({scheme}), against {format_count(then['count'])} crimes "
            f"with a harm score of {level_text(then['harm'])} in {previous}.")
