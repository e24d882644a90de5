"""Small drawing helpers the chart modules share: tick formatters, label spreading, column
checks and period tick labels."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..numbers import format_count, format_percent


def signed_percent_formatter():
    return FuncFormatter(lambda v, _pos: format_percent(v, 0, signed=True))


def period_text(value) -> str:
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return value.strftime("%b %Y")
    return str(value)


def spread_labels(items, gap: float):
    """Nudge end-of-line labels apart vertically (by at least ``gap`` data units).

    ``items`` are (y, text, colour, x); returns ((y, label y), text, colour, x), lowest first.
    """
    ordered = sorted(items, key=lambda t: t[0])
    placed: list[float] = []
    for t in ordered:
        placed.append(max(t[0], placed[-1] + gap) if placed else t[0])
    return [((t[0], p), t[1], t[2], t[3]) for t, p in zip(ordered, placed, strict=True)]


def percent_formatter():
    """Tick labels in percent: whole numbers where the tick is whole, else one decimal, so a
    tick at 2.5 never reads "3%"."""
    return FuncFormatter(lambda v, _pos: format_percent(v, 0 if float(v).is_integer() else 1))


def count_formatter():
    return FuncFormatter(lambda v, _pos: format_count(v))


def require_columns(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: the frame has no column {', '.join(map(repr, missing))}")
