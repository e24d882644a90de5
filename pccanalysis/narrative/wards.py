"""Sentences about wards (:mod:`pccanalysis.indicators.wards`): how much of the area's crime
each compared period placed in a ward, and why a ward comparison is withheld."""

from __future__ import annotations

import pandas as pd

from ..numbers import format_count, format_percent, join_words
from .words import cap


def _share(row) -> str:
    """The share not placed, never "0%" for a count above zero."""
    if not row["rows"]:
        return "all"
    percent = 100 * row["not_in_ward_share"]
    return "under 0.1%" if 0 < percent < 0.05 else format_percent(percent)


def _not_in_ward_clause(row) -> str:
    share = _share(row)
    return (f"{format_count(row['not_in_ward'])} of {format_count(row['rows'])} ({share}) in "
            f"{row['period']}")


def ward_coverage_sentence(coverage: pd.DataFrame, *, vintage: str | None = None,
                           what: str = "crimes") -> str:
    """How many of the area's rows each compared period could not place in a ward.

    Examples::

        Ward figures use the 2023 wards; every one of the area's 7,394 crimes in Oct-Dec 2024
        and 7,102 in Oct-Dec 2023 was placed in a ward.
        Ward figures use the 2023 wards; 12 of the area's crimes could not be placed in a
        ward: 12 of 7,394 (0.2%) in Oct-Dec 2024 and 0 of 7,102 (0%) in Oct-Dec 2023. A
        further 3 crimes across the force had no location and are in no area or ward.

    Parameters
    ----------
    coverage : DataFrame
        From :func:`pccanalysis.indicators.wards.ward_coverage`.
    vintage : str, optional
        The ward vintage year (``"2023"``).
    what : str
        The rows' plural noun ("crimes").
    """
    lead = f"Ward figures use the {vintage} wards; " if vintage else ""
    missing = int(coverage["not_in_ward"].sum())
    if missing == 0:
        counts = join_words(f"{format_count(r['rows'])} in {r['period']}"
                            for _, r in coverage.iterrows())
        text = f"{lead}every one of the area's {what} ({counts}) was placed in a ward."
    else:
        parts = join_words(_not_in_ward_clause(r) for _, r in coverage.iterrows())
        text = (f"{lead}{'some' if lead else 'Some'} of the area's {what} could not be placed in "
                f"a ward: {parts}.")
    unlocated = coverage["no_location"].dropna()
    if len(unlocated) and int(unlocated.sum()):
        text += (f" A further {format_count(int(unlocated.sum()))} {what} across the force had "
                 "no location and are in no area or ward.")
    return cap(text)


def ward_withheld_sentence(coverage: pd.DataFrame, threshold: float) -> str:
    """Why wards are not reported as rising or falling: coverage moved between the periods.

    Example::

        Wards are not reported as rising or falling: 25.0% of the area's crimes could not be
        placed in a ward in Oct-Dec 2023 against 0.2% in Oct-Dec 2024, a difference of more
        than 2 percentage points, so a ward's change would partly reflect where crimes could
        be placed rather than how many happened.
    """
    ordered = coverage.sort_values("not_in_ward_share", ascending=False, na_position="first")
    hi, lo = ordered.iloc[0], ordered.iloc[-1]

    share = _share
    return (f"Wards are not reported as rising or falling: {share(hi)} of the area's crimes "
            f"could not be placed in a ward in {hi['period']} against {share(lo)} in "
            f"{lo['period']}, a difference of more than {100 * threshold:g} "
            "percentage points, so a ward's change would partly reflect where crimes could be "
            "placed rather than how many happened.")
