"""Sentences and titles for funnel plots (:mod:`pccanalysis.indicators.funnel`)."""

from __future__ import annotations

from ..numbers import format_count, format_number, join_words
from .words import cap, was_or_were


def _outer(result) -> tuple[str, str]:
    """The outer limit's flag tag ("998") and its words ("99.8%")."""
    level = result.levels[1]
    return f"{100 * level:g}".replace(".", ""), f"{format_number(100 * level, 1)}%"


def funnel_sentence(result, *, period: str, what: str = "crime",
                    noun: tuple[str, str] = ("ward", "wards"),
                    per_word: str = "residents") -> str:
    """Which units of a funnel plot (a :class:`~pccanalysis.indicators.funnel.Funnel` of rates)
    lie outside the outer (99.8%) limits, highest rate first.

    Forms::

        City Centre had a crime rate above the 99.8% limit in April 2020 to March 2021: 312.5
        per 1,000 residents, against 105.1 across the 12 wards.
        City Centre and Dales had crime rates above the 99.8% limit in April 2020 to March
        2021: 312.5 and 150.2 per 1,000 residents, against 105.1 across the 12 wards.
        No ward had a crime rate above the 99.8% limit in April 2020 to March 2021; the rate
        across the 12 wards was 105.1 per 1,000 residents.

    A unit below the outer limit adds "Hillside was below the lower 99.8% limit." The words
    come only from the funnel's flags.
    """
    if result.kind != "rate":
        raise ValueError("funnel_sentence describes rates per person")
    tag, words = _outer(result)
    units = result.units.sort_values("value", ascending=False, kind="stable")
    above = units[units["flag"] == f"high_{tag}"]
    below = units[units["flag"] == f"low_{tag}"]
    n = len(units)
    per = f"per {format_count(result.per)} {per_word}"
    across = f"across the {format_count(n)} {noun[1] if n != 1 else noun[0]}"
    rate = format_number(result.target, 1)
    if len(above):
        names = join_words(str(u) for u in above["unit"])
        rates = join_words(format_number(v, 1) for v in above["value"])
        what_rate = f"a {what} rate" if len(above) == 1 else f"{what} rates"
        text = (f"{names} had {what_rate} above the {words} limit in {period}: {rates} {per}, "
                f"against {rate} {across}.")
    else:
        text = (f"No {noun[0]} had a {what} rate above the {words} limit in {period}; the rate "
                f"{across} was {rate} {per}.")
    if len(below):
        names = join_words(str(u) for u in below["unit"])
        text += f" {names} {was_or_were(len(below) > 1)} below the lower {words} limit."
    return text


def funnel_title(result, *, what: str = "crime", noun: tuple[str, str] = ("ward", "wards")) -> str:
    """A funnel chart's title from its flags: "City Centre had a crime rate above the 99.8%
    limit", "No ward had a crime rate above the 99.8% limit"."""
    tag, words = _outer(result)
    units = result.units.sort_values("value", ascending=False, kind="stable")
    above = [str(u) for u in units.loc[units["flag"] == f"high_{tag}", "unit"]]
    if not above:
        return f"No {noun[0]} had a {what} rate above the {words} limit"
    what_rate = f"a {what} rate" if len(above) == 1 else f"{what} rates"
    return f"{join_words(above)} had {what_rate} above the {words} limit"


def funnel_method_sentence(result, noun: tuple[str, str] = ("ward", "wards")) -> str:
    """How a funnel's limits allow for variation between units (over-dispersion), in words.

    Forms::

        Wards differ from one another by more than chance alone would make them, so the
        limits are widened to allow for that usual variation between wards; a ward outside
        them stands out even so.
        Wards differ from one another by no more than chance alone would make them, so the
        limits allow for chance only.

    With fewer than 10 units it adds "With only 8 wards, the allowance for variation between
    them is a rough estimate."
    """
    many = cap(noun[1])
    if result.adjusted:
        text = (f"{many} differ from one another by more than chance alone would make them, so "
                f"the limits are widened to allow for that usual variation between {noun[1]}; "
                f"a {noun[0]} outside them stands out even so.")
    elif result.overdispersion == "none":
        text = "The limits allow for chance only."
    else:
        text = (f"{many} differ from one another by no more than chance alone would make them, "
                "so the limits allow for chance only.")
    n = len(result.units)
    if n < 10 and result.overdispersion != "none":
        text += (f" With only {format_count(n)} {noun[1]}, the allowance for variation between "
                 "them is a rough estimate.")
    return text
