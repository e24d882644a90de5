"""UK number style for briefings: counts, percentages, rates, lists and months as plain text.

The rules, so every sentence and chart label agrees:

- Thousands are separated by commas: ``1,234``; ``12,345.6``.
- Rounding is half up on the decimal value people read (19.65 -> 19.7), not Python's
  round-half-even on the binary float.
- Percentages carry one decimal place, and a trailing ``.0`` is dropped: ``19.6%``, ``24%``.
- A negative number is written with the real minus sign U+2212 (``−2%``), never the hyphen
  ``-``; signed values (a change shown in brackets) carry ``+`` when positive. A value that rounds
  to zero is written ``0`` with no sign.
- Ranges are written with "to" (``−25% to −14%``) so a minus sign is never read as a dash.
- "almost X%" and "just over X%" are used only when honest: see :func:`describe_percent`.

Reference: GOV.UK style guide, "Numbers" and "Percentages" (numerals, commas, ``%``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MINUS = "\u2212"
"""The minus sign used for every negative number in text and chart labels."""

#: Smallest round figure that "almost" / "just over" may name; below it half a point is too
#: large a share of the value for the approximation to be honest.
ROUND_FIGURE_MIN = 10
#: Round figures are multiples of this many percent.
ROUND_FIGURE_STEP = 5
#: How close (in percentage points, strictly less than) a value must be to a round figure.
ROUND_FIGURE_TOLERANCE = 0.5


def _check(value: float) -> float:
    if value is None or isinstance(value, bool):
        raise ValueError(f"expected a number, not {value!r}")
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"cannot write {value!r} as a number in a sentence")
    return x


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round as people do (half away from zero) on the shortest decimal form of ``value``.

    Parameters
    ----------
    value : float
        The number.
    decimals : int
        Decimal places kept.

    Returns
    -------
    decimal.Decimal
        The rounded value (``Decimal('19.7')`` for 19.65).
    """
    x = _check(value)
    quantum = Decimal(1).scaleb(-decimals)
    # repr gives the shortest decimal that round-trips, i.e. the number the reader typed
    return Decimal(repr(x)).quantize(quantum, rounding=ROUND_HALF_UP)


def _with_sign(text: str, negative: bool, signed: bool) -> str:
    if negative:
        return MINUS + text
    if signed and text.strip("0.,%") != "":
        return "+" + text
    return text


def format_number(value: float, decimals: int = 0, *, signed: bool = False) -> str:
    """Write a number with thousands commas, ``decimals`` places and a true minus sign.

    Parameters
    ----------
    value : float
        The number.
    decimals : int
        Decimal places shown (kept even when zero: ``format_number(2, 1)`` is ``"2.0"``).
    signed : bool
        Prefix ``+`` to a positive value.

    Examples
    --------
    >>> format_number(1234)
    '1,234'
    >>> format_number(-12345.67, 1)
    '−12,345.7'
    """
    rounded = round_half_up(value, decimals)
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}"
    return _with_sign(text, negative, signed)


def format_count(value: float, *, signed: bool = False) -> str:
    """Write a count: ``1,234``; ``−40`` (a change in a count); ``+40`` when ``signed``."""
    return format_number(value, 0, signed=signed)


def format_percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """Write a percentage given in percent (19.6 for 19.6%), dropping a trailing ``.0``.

    Parameters
    ----------
    value : float
        The value in percent, not as a fraction.
    decimals : int
        Decimal places before trailing zeros are dropped.
    signed : bool
        Prefix ``+`` to a positive value (used for changes shown in brackets).

    Examples
    --------
    >>> format_percent(19.64)
    '19.6%'
    >>> format_percent(-2.04, signed=True)
    '−2%'
    """
    rounded = round_half_up(value, decimals)
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _with_sign(text + "%", negative, signed)


def describe_percent(value: float) -> str:
    """Write a size of change in words a board reads, approximating only where it is honest.

    The value (a magnitude in percent, not negative) is first rounded half up to one decimal,
    giving ``r``. With round figures the multiples of 5 from 10 upwards:

    - ``"almost X%"`` when ``X - 0.5 < r < X`` (19.6 -> "almost 20%");
    - ``"just over X%"`` when ``X < r < X + 0.5`` (25.3 -> "just over 25%");
    - otherwise ``r`` as :func:`format_percent` writes it (19.5 -> "19.5%", 20.0 -> "20%",
      4.8 -> "4.8%").

    So the words never move the value by half a percentage point or more, and are never used
    below 10% where half a point is a large share of the value.

    Raises
    ------
    ValueError
        For a negative value: the direction belongs to the verdict's words ("fell by"), not here.
    """
    x = _check(value)
    if x < 0:
        raise ValueError(f"describe_percent takes a size of change (0 or more), not {value!r}")
    r = float(round_half_up(x, 1))
    step = ROUND_FIGURE_STEP
    above = math.ceil(r / step) * step
    below = math.floor(r / step) * step
    if above >= ROUND_FIGURE_MIN and 0 < above - r < ROUND_FIGURE_TOLERANCE:
        return f"almost {above:,}%"
    if below >= ROUND_FIGURE_MIN and 0 < r - below < ROUND_FIGURE_TOLERANCE:
        return f"just over {below:,}%"
    return format_percent(r)


def format_rate(value: float, per: int = 1000, decimals: int = 1) -> str:
    """Write a rate: ``format_rate(4.25)`` is ``"4.3 per 1,000"``."""
    return f"{format_number(value, decimals)} per {per:,}"


def format_range(low: float, high: float, *, percent: bool = True, decimals: int = 1) -> str:
    """Write an interval with "to": ``"−25% to −14%"`` (never a dash that reads as a minus)."""
    if percent:
        return f"{format_percent(low, decimals)} to {format_percent(high, decimals)}"
    return f"{format_number(low, decimals)} to {format_number(high, decimals)}"


def join_words(items: Iterable[str]) -> str:
    """Join names as a UK sentence does, without the serial comma: ``"A, B and C"``."""
    words = [str(i) for i in items]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 ward"``, ``"12 wards"``, with the count in UK style."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{format_count(n)} {word}"


def month_label(month) -> str:
    """``"October 2020"`` for a monthly Period, a ``"2020-10"`` string or a date."""
    return pd.Period(month, freq="M").strftime("%B %Y")


def months_label(months: Sequence) -> str:
    """Name a set of months briefly.

    ``"October 2020"``; two months joined by "and" (``"October and November 2020"``); a
    consecutive run of three or more as a span (``"November 2020 to January 2021"``); otherwise
    a list of months.
    """
    periods = sorted({pd.Period(m, freq="M") for m in months})
    if not periods:
        return ""
    if len(periods) == 1:
        return month_label(periods[0])
    consecutive = all((b - a).n == 1 for a, b in zip(periods, periods[1:], strict=False))
    first, last = periods[0], periods[-1]
    if len(periods) == 2:
        if first.year == last.year:
            return f"{first.strftime('%B')} and {last.strftime('%B %Y')}"
        return f"{month_label(first)} and {month_label(last)}"
    if consecutive:
        if first.year == last.year:
            return f"{first.strftime('%B')} to {last.strftime('%B %Y')}"
        return f"{month_label(first)} to {month_label(last)}"
    return join_words(month_label(p) for p in periods)


_ORDINARY_WORD = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)*")


def in_sentence(name: str, proper_nouns: Iterable[str] = ()) -> str:
    """A name as it reads inside a sentence: "Crime" -> "crime", "Repeat hate-crime victims" ->
    "repeat hate-crime victims", "Anti-social behaviour" -> "anti-social behaviour".

    Only a first word that is an ordinary capitalised word is lowered. Acronyms ("ASB",
    "IOM"), names whose later words are capitalised too ("City Centre burglary", a proper
    name) and names that start with one of ``proper_nouns`` (ward or area names: "Dales
    burglary") are kept as written.
    """
    words = name.split()
    if not words or not _ORDINARY_WORD.fullmatch(words[0]):
        return name
    if any(w[:1].isupper() for w in words[1:]):
        return name
    if any(name == p or name.startswith(p + " ") for p in proper_nouns):
        return name
    return name[:1].lower() + name[1:]
