"""Shares of a total by area over time (:func:`pccanalysis.indicators.counts.shares`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..numbers import format_percent
from .axes import percent_formatter, period_text, require_columns, spread_labels
from .style import LIGHT_GREY, OKABE_ITO, chart_alt, house_style, new_figure


def share_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    source: str,
    area: str = "area",
    period: str = "period",
    share: str = "share",
    highlight: Sequence[str] | None = None,
    ylabel: str = "Share of total (%)",
    alt: str | None = None,
) -> Figure:
    """Share of a total by area over time, one labelled line per area.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy: one row per (period, area) with the share in percent (0-100) in ``share``, as
        :func:`pccanalysis.indicators.counts.shares` returns it; when ``<share>_low`` and
        ``<share>_high`` are present the interval is shaded for highlighted areas. ``period``
        may be monthly Periods, financial-year labels or any sortable labels.
    highlight : sequence of str, optional
        Areas drawn in colour; the others are drawn in light grey so the highlighted ones stand
        out. Default: every area in colour when there are at most five, else none highlighted
        beyond the five largest in the latest period.

    Returns
    -------
    matplotlib.figure.Figure
        Lines labelled directly at their right-hand end ("City centre 31%").
    """
    require_columns(frame, [area, period, share], "share_chart")
    bands = [c for c in (f"{share}_low", f"{share}_high") if c in frame.columns]
    data = frame[[period, area, share, *bands]].dropna(subset=[share]).sort_values(period)
    periods = list(dict.fromkeys(data[period]))
    if not periods:
        raise ValueError("share_chart: no rows to draw")
    x_of = {p: i for i, p in enumerate(periods)}
    latest = data[data[period] == periods[-1]].sort_values(share, ascending=False)
    if highlight is None:
        highlight = list(latest[area]) if latest[area].nunique() <= 5 else list(latest[area][:5])
    highlight = list(highlight)
    colours = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                      "reddish_purple")]
    first, last = period_text(periods[0]), period_text(periods[-1])
    with house_style():
        fig = new_figure(
            title=title, source=source,
            alt=chart_alt(f"Line chart of each area's share of the total, {first} to {last}",
                     title, alt),
        )
        ax = fig.add_subplot()
        label_y = []
        for name, group in data.groupby(area, sort=False, observed=True):
            xs = [x_of[p] for p in group[period]]
            ys = group[share].to_numpy(dtype=float)
            if name in highlight:
                colour = colours[highlight.index(name) % len(colours)]
                ax.plot(xs, ys, color=colour, marker="o", markersize=4, label=str(name),
                        zorder=3, gid=f"share-{name}")
                if len(bands) == 2:
                    ax.fill_between(xs, group[bands[0]].to_numpy(dtype=float),
                                    group[bands[1]].to_numpy(dtype=float), color=colour,
                                    alpha=0.15, linewidth=0, zorder=1, gid=f"interval-{name}")
                label_y.append((ys[-1], str(name), colour, xs[-1]))
            else:
                ax.plot(xs, ys, color=LIGHT_GREY, linewidth=1.0, label=str(name), zorder=2,
                        gid=f"share-{name}")
        ax.set_xticks(range(len(periods)), [period_text(p) for p in periods])
        _thin_ticks(ax, len(periods))
        ax.set_xlim(-0.3, len(periods) - 1 + 0.3)
        ax.set_ylim(bottom=0)
        ymin, ymax = ax.get_ylim()
        # labels sit just outside the plot, at the end of their lines
        for (y, placed), name, colour, x in spread_labels(label_y, 0.06 * (ymax - ymin)):
            ax.annotate(f"{name} {format_percent(y)}", xy=(x, y), xytext=(x + 0.4, placed),
                        va="center", fontsize=9, color=colour, annotation_clip=False,
                        gid=f"label-{name}")
        ax.set_ylabel(ylabel)
        # ticks at 1, 2 or 5 times a power of ten: 0%, 5%, 10% ... rather than 2.5% steps
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(percent_formatter())
    return fig


def _thin_ticks(ax, n: int, max_ticks: int = 12) -> None:
    if n > max_ticks:
        step = math.ceil(n / max_ticks)
        for i, label in enumerate(ax.get_xticklabels()):
            label.set_visible(i % step == 0 or i == n - 1)
