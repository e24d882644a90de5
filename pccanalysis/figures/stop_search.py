"""Stop-and-search charts (:mod:`pccanalysis.indicators.stop_search`): disproportionality
ratios with their intervals, and searches by a category (legislation, object, outcome).

The monthly volume is an XmR chart: :func:`pccanalysis.figures.spc.spc_chart`.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from ..numbers import format_count, format_number
from .axes import require_columns
from .style import OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure


def ratio_chart(table: pd.DataFrame, *, title: str, source: str, alt: str | None = None
                ) -> Figure:
    """Each group's search rate as a multiple of the White group's, with its 95% interval, on
    a log scale with a line at 1 (the same rate as the White group).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`~pccanalysis.indicators.stop_search.ethnicity_rates`: ``ethnic_group``,
        ``ratio``, ``ratio_low``, ``ratio_high``, ``verdict``.

    Returns
    -------
    matplotlib.figure.Figure
        One point per group other than White (gid ``ratio-<group>``), labelled "2.8x"; groups
        searched more often than the White group in orange, less often in blue, similar in
        grey, and the verdict written beside each.
    """
    require_columns(table, ["ethnic_group", "ratio", "ratio_low", "ratio_high", "verdict"],
                    "ratio_chart")
    rows = table[(table["ethnic_group"] != "White") & np.isfinite(table["ratio"])
                 & (table["ratio"] > 0)]
    if rows.empty:
        raise ValueError("ratio_chart: no group has a ratio to draw")
    colours = {"more": OKABE_ITO["orange"], "less": OKABE_ITO["blue"], "similar": TEXT_GREY}
    words = {"more": "searched more often", "less": "searched less often",
             "similar": "similar to White"}
    with house_style():
        fig = new_figure(title=title, source=source, height=1.6 + 0.55 * len(rows),
                         alt=chart_alt("Dot chart of each ethnic group's stop-and-search rate "
                                       "per 1,000 residents as a multiple of the White group's, "
                                       "with 95% intervals", title, alt))
        ax = fig.add_subplot()
        ys = np.arange(len(rows))[::-1]
        highs = rows["ratio_high"].replace(np.inf, np.nan)
        lo = float(min(rows["ratio_low"].replace(0, np.nan).min(skipna=True), 1) * 0.8)
        hi = float(max(highs.max(skipna=True), rows["ratio"].max(), 1) * 1.6)
        for y, (_, r) in zip(ys, rows.iterrows(), strict=True):
            colour = colours[r["verdict"]]
            left = max(float(r["ratio_low"]), lo)
            right = float(r["ratio_high"]) if np.isfinite(r["ratio_high"]) else hi
            ax.plot([left, right], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([r["ratio"]], [y], "o", color=colour, markersize=7,
                    gid=f"ratio-{r['ethnic_group']}")
            ax.annotate(f"{format_number(r['ratio'], 1)}x, {words[r['verdict']]}",
                        xy=(right, y), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8, color=colour)
        ax.axvline(1, color=TEXT_GREY, linewidth=1, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(lo, hi * 1.8)
        ticks = [t for t in (0.25, 0.5, 1, 2, 3, 5, 10, 20) if lo <= t <= hi * 1.8]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{format_number(t, 2).rstrip('0').rstrip('.')}x" for t in ticks])
        ax.set_yticks(ys, rows["ethnic_group"].tolist())
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_xlabel("Searches per 1,000 residents, as a multiple of the White group's rate")
    return fig


def count_chart(table: pd.DataFrame, column: str, *, title: str, source: str,
                hidden: set | None = None, alt: str | None = None) -> Figure:
    """Searches by the values of ``column`` as horizontal bars, most at the top.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`~pccanalysis.indicators.stop_search.breakdown`: ``column`` and ``count``.
    hidden : set, optional
        Values whose count is suppressed: drawn as an empty bar labelled "[c]".

    Returns
    -------
    matplotlib.figure.Figure
        Bars with gids ``bar-<value>``, each labelled with its count.
    """
    require_columns(table, [column, "count"], "count_chart")
    if table.empty:
        raise ValueError("count_chart: no rows to draw")
    hidden = hidden or set()
    with house_style():
        fig = new_figure(title=title, source=source, height=1.4 + 0.42 * len(table),
                         alt=chart_alt(f"Bar chart of searches by {column.replace('_', ' ')}",
                                       title, alt))
        ax = fig.add_subplot()
        ys = np.arange(len(table))[::-1]
        top = float(table["count"].max())
        for y, (_, r) in zip(ys, table.iterrows(), strict=True):
            value = str(r[column])
            if value in hidden:
                ax.barh(y, 0, color=OKABE_ITO["blue"], gid=f"bar-{value}")
                ax.text(0, y, " [c]", va="center", fontsize=8, color=TEXT_GREY)
                continue
            ax.barh(y, r["count"], color=OKABE_ITO["blue"], height=0.65, gid=f"bar-{value}")
            ax.text(r["count"], y, f" {format_count(r['count'])}", va="center", fontsize=8,
                    color=TEXT_GREY)
        ax.set_yticks(ys, [textwrap.fill(str(v), 34) for v in table[column]])
        ax.set_xlim(0, top * 1.15 if top > 0 else 1)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_xlabel("Searches")
        ax.xaxis.set_major_locator(FixedLocator(_nice_ticks(top)))
    return fig


def _nice_ticks(top: float) -> list[float]:
    if top <= 0:
        return [0]
    step = 10 ** math.floor(math.log10(top))
    for m in (1, 2, 5, 10):
        if top / (m * step) <= 5:
            step *= m
            break
    return list(np.arange(0, top * 1.15, step))
