"""Change by category or area (:mod:`pccanalysis.indicators.change`): a sorted dot chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ..numbers import format_count, format_number, format_percent
from .axes import require_columns, signed_percent_formatter
from .style import OKABE_ITO, TEXT_GREY, append_source, chart_alt, house_style, new_figure

#: How a verdict is drawn: colour, marker and the word printed beside the point.
VERDICT_STYLE = {
    "rose": {"colour": OKABE_ITO["vermillion"], "marker": "^", "word": "rose"},
    "fell": {"colour": OKABE_ITO["blue"], "marker": "v", "word": "fell"},
    "similar": {"colour": TEXT_GREY, "marker": "o", "word": "similar"},
}


def _verdict_label(verdict: str, percent: float) -> str:
    return f"{VERDICT_STYLE[verdict]['word']} ({format_percent(percent, signed=True)})"


def change_chart(
    table: pd.DataFrame,
    *,
    group: str,
    title: str,
    source: str,
    xlabel: str | None = None,
    alt: str | None = None,
) -> Figure:
    """Percentage change by category or area: a sorted dot chart with interval whiskers.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`pccanalysis.indicators.change.change_by`: the ``group`` column, ``percent``,
        ``ratio_low``, ``ratio_high``, ``verdict``, ``current_label``, ``previous_label``.
    group : str
        The column naming each row ("ward_name", "crime_type").
    xlabel : str, optional
        Default "Change, <current> compared with <previous>".

    Returns
    -------
    matplotlib.figure.Figure
        Rows sorted from the largest rise (top) to the largest fall (bottom). Each verdict has
        its own colour, marker (rise ▲, fall ▼, similar ●) and a word beside the point
        ("fell (−19.6%)"), so the chart reads without colour. The whisker is the interval of the
        rate ratio as a percentage, ``100 * (ratio - 1)``. Groups with no count in the earlier
        period have no percentage; they are named in the source line. Each verdict's points
        are one collection with gid ``"verdict-<verdict>"``; whiskers are ``"interval"``.
    """
    require_columns(table, [group, "percent", "ratio_low", "ratio_high", "verdict"],
                     "change_chart")
    if table.empty:
        raise ValueError("change_chart: no rows to draw")
    unknown = set(table["verdict"]) - set(VERDICT_STYLE)
    if unknown:
        raise ValueError(f"change_chart: unknown verdict {sorted(unknown)[0]!r}")
    drawable = table[table["percent"].notna()]
    no_percent = [str(g) for g in table.loc[table["percent"].isna(), group]]
    data = drawable.sort_values("percent", kind="stable").reset_index(drop=True)
    n = len(data)
    current = str(table["current_label"].iloc[0]) if "current_label" in table else ""
    previous = str(table["previous_label"].iloc[0]) if "previous_label" in table else ""
    counts = {v: int((table["verdict"] == v).sum()) for v in ("fell", "rose", "similar")}
    summary = ", ".join(f"{k} {v}" for v, k in counts.items() if k)
    level = 100 * (1 - float(table["alpha"].iloc[0])) if "alpha" in table else 95.0
    description = (f"Dot chart of the percentage change for {format_count(len(table))} groups"
                   f"{f' in {current} compared with {previous}' if current else ''} with "
                   f"{format_number(level, 0)}% intervals ({summary})")
    height = min(9.0, 1.7 + 0.3 * max(n, 1))
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         height=height)
        ax = fig.add_subplot()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        y = np.arange(n, dtype=float)
        low = 100 * (data["ratio_low"].to_numpy(dtype=float) - 1)
        high = 100 * (data["ratio_high"].to_numpy(dtype=float) - 1)
        pct = data["percent"].to_numpy(dtype=float)
        segments = [[(lo, yy), (hi, yy)] for lo, hi, yy in zip(low, high, y, strict=True)]
        ax.add_collection(LineCollection(segments, colors=TEXT_GREY, linewidths=1.4,
                                         zorder=2, gid="interval"))
        for verdict, style in VERDICT_STYLE.items():
            mask = (data["verdict"] == verdict).to_numpy()
            if mask.any():
                ax.scatter(pct[mask], y[mask], marker=style["marker"], s=55,
                           color=style["colour"], edgecolors="white", linewidths=0.6,
                           zorder=3, gid=f"verdict-{verdict}")
        ax.axvline(0, color="black", linewidth=0.9, zorder=1)
        finite_high = high[np.isfinite(high)]
        right = float(np.max(finite_high)) if finite_high.size else float(np.max(pct))
        left = float(np.min(low[np.isfinite(low)])) if np.isfinite(low).any() else float(np.min(pct))
        span = max(right, 0) - min(left, 0) or 10.0
        ax.set_xlim(min(left, 0) - 0.05 * span, max(right, 0) + 0.32 * span)
        xmax = ax.get_xlim()[1]
        for yy, p, hi, verdict in zip(y, pct, high, data["verdict"], strict=True):
            at = (hi if np.isfinite(hi) else p) + 0.02 * span
            ax.text(min(at, xmax), yy, _verdict_label(verdict, p), va="center", ha="left",
                    fontsize=8, color=VERDICT_STYLE[verdict]["colour"], gid="verdict-label")
        ax.set_yticks(y, [str(g) for g in data[group]])
        ax.set_ylim(-0.7, n - 0.3)
        ax.xaxis.set_major_formatter(signed_percent_formatter())
        ax.set_xlabel(xlabel or (f"Change, {current} compared with {previous}" if current
                                 else "Change"))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    if no_percent:
        note = (f"Not shown, having no count in {previous or 'the earlier period'}: "
                f"{', '.join(no_percent)}.")
        append_source(fig, note)
    return fig
