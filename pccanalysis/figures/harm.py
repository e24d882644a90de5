"""Harm-weighted crime (:mod:`pccanalysis.indicators.harm`): crimes and harm score by period."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..numbers import format_number
from .axes import count_formatter, period_text, require_columns
from .style import OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure


def harm_chart(
    table: pd.DataFrame,
    *,
    title: str,
    source: str,
    scheme: str,
    alt: str | None = None,
) -> Figure:
    """Crimes and their harm score by period, in two panels sharing the time axis.

    The two are in different units (crimes; the weighting scheme's units), so they are drawn
    on their own axes, one above the other, rather than on one chart with two scales.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`pccanalysis.indicators.harm.harm_index`: the period in the first column
        (e.g. ``quarter``), ``count`` and ``harm``, one row per period.
    scheme : str
        The weighting scheme (and version), named on the harm panel's axis.

    Returns
    -------
    matplotlib.figure.Figure
        Lines with gids ``"count"`` (top) and ``"harm"`` (bottom), each labelled at its
        latest point with its value.
    """
    require_columns(table, ["count", "harm"], "harm_chart")
    if table.empty:
        raise ValueError("harm_chart: no rows to draw")
    period = table.columns[0]
    data = table.sort_values(period, kind="stable")
    labels = [period_text(p) for p in data[period]]
    first, last = labels[0], labels[-1]
    with house_style():
        fig = new_figure(
            title=title, source=source, height=5.0,
            alt=chart_alt(f"Two line charts, one above the other, of the number of crimes and their "
                     f"harm score ({scheme}) in each period, {first} to {last}", title, alt),
        )
        top, bottom = fig.subplots(2, 1, sharex=True)
        x = np.arange(len(labels))
        for ax, column, colour, ylabel in ((top, "count", TEXT_GREY, "Crimes"),
                                           (bottom, "harm", OKABE_ITO["vermillion"],
                                            "Harm score")):
            y = data[column].to_numpy(dtype=float)
            ax.plot(x, y, color=colour, marker="o", markersize=3.5, gid=column)
            ax.annotate(format_number(y[-1], 0), xy=(x[-1], y[-1]), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=9, color=colour,
                        annotation_clip=False, gid=f"label-{column}")
            ax.set_ylim(bottom=0, top=1.12 * float(np.nanmax(y)) if np.nanmax(y) > 0 else 1)
            ax.set_ylabel(ylabel)
            ax.yaxis.set_major_formatter(count_formatter())
        # ticks counted back from the latest period, so it is always labelled and never
        # crowded by its neighbour
        step = max(1, math.ceil(len(labels) / 8))
        ticks = x[::-1][::step][::-1]
        bottom.set_xticks(ticks, [labels[i] for i in ticks])
        bottom.set_xlim(-0.4, len(labels) - 1 + 0.8)
    return fig
