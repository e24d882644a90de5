"""A local change against comparators' changes (:mod:`pccanalysis.indicators.comparator`)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..numbers import format_number, format_percent
from .axes import signed_percent_formatter
from .style import OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure


def comparator_chart(
    results,
    *,
    title: str,
    source: str,
    local_label: str = "Local",
    local=None,
    alt: str | None = None,
) -> Figure:
    """A local change against one or more comparators' changes, and the difference.

    Parameters
    ----------
    results : ComparatorResult or sequence of them
        From :func:`pccanalysis.indicators.comparator.compare_to_comparator`, one per
        comparator (England and Wales, the region, most similar forces), all for the same local
        change.
    local_label : str
        Name of the local area on the chart ("Derbyshire").
    local : ChangeResult, optional
        The local change on its own; gives its interval (``ratio_low``/``ratio_high``) as a
        whisker on the left panel.

    Returns
    -------
    matplotlib.figure.Figure
        Left axes: percentage change of the local area (top) and each comparator (lines
        ``"local"`` and ``"comparator-<name>"`` as markers). Right axes: the difference in
        percentage points with its interval (``difference_low``/``high``), a word for each
        comparator's verdict ("rose faster than", "similar to") and a marker shape by
        verdict (● similar, ◆ different), so nothing depends on colour.
    """
    rows = [results] if hasattr(results, "verdict") else list(results)
    if not rows:
        raise ValueError("comparator_chart: no comparator results")
    first = rows[0]
    periods = (f"{first.current_label} compared with {first.previous_label}"
               if first.current_label else "")
    verdicts = "; ".join(f"{local_label} {r.verdict} {r.comparator_label}" for r in rows)
    description = (f"Chart of the percentage change in {local_label} against "
                   f"{', '.join(r.comparator_label for r in rows)}"
                   f"{f', {periods}' if periods else ''} ({verdicts})")
    height = 1.9 + 0.45 * (len(rows) + 1)
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         height=height)
        grid = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.0])
        ax = fig.add_subplot(grid[0, 0])
        diff = fig.add_subplot(grid[0, 1], sharey=ax)
        names = [local_label] + [r.comparator_label for r in rows]
        y = np.arange(len(names), dtype=float)[::-1]
        values = [first.local_percent] + [r.comparator_percent for r in rows]
        extent = [0.0]
        if local is not None and np.isfinite(local.ratio_low) and np.isfinite(local.ratio_high):
            lo, hi = 100 * (local.ratio_low - 1), 100 * (local.ratio_high - 1)
            ax.plot([lo, hi], [y[0], y[0]], color=TEXT_GREY, linewidth=1.4, zorder=2,
                    gid="local-interval")
            extent += [lo, hi]
        ax.plot([values[0]], [y[0]], marker="o", markersize=8, linestyle="none",
                color=OKABE_ITO["blue"], zorder=3, gid="local")
        for r, yy in zip(rows, y[1:], strict=True):
            ax.plot([r.comparator_percent], [yy], marker="s", markersize=7, linestyle="none",
                    color=TEXT_GREY, zorder=3, gid=f"comparator-{r.comparator_label}")
        for v, yy in zip(values, y, strict=True):
            if np.isfinite(v):
                ax.annotate(format_percent(v, signed=True), (v, yy), xytext=(0, 7),
                            textcoords="offset points", ha="center", fontsize=8)
        ax.axvline(0, color="black", linewidth=0.9, zorder=1)
        ax.set_yticks(y, names)
        ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
        ax.xaxis.set_major_formatter(signed_percent_formatter())
        ax.set_xlabel(f"Change{f', {periods}' if periods else ''}")
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        _pad_x(ax, [v for v in values if np.isfinite(v)] + extent)

        _draw_differences(diff, rows, y[1:], local_label)
    return fig


def _signed_points_formatter():
    return FuncFormatter(lambda v, _pos: format_number(v, 0, signed=True))


def _pad_x(ax, values: Sequence[float], fraction: float = 0.15) -> None:
    lo, hi = min(values), max(values)
    span = hi - lo or max(abs(hi), 1.0)
    ax.set_xlim(lo - fraction * span, hi + fraction * span)


def _draw_differences(diff, rows, ys, local_label: str) -> None:
    """The right panel: each comparator's difference in percentage points with its interval,
    and its verdict as words and a marker shape (● similar, ◆ different)."""
    diff.axvline(0, color="black", linewidth=0.9, zorder=1)
    xs = [0.0]
    for r, yy in zip(rows, ys, strict=True):
        different = r.verdict != "similar to"
        colour = OKABE_ITO["vermillion"] if different else TEXT_GREY
        if np.isfinite(r.difference_low) and np.isfinite(r.difference_high):
            diff.plot([r.difference_low, r.difference_high], [yy, yy], color=colour,
                      linewidth=1.4, zorder=2, gid=f"difference-interval-{r.comparator_label}")
            xs += [r.difference_low, r.difference_high]
        diff.plot([r.difference], [yy], marker="D" if different else "o", markersize=7,
                  linestyle="none", color=colour, zorder=3,
                  gid=f"difference-{r.comparator_label}")
        xs.append(r.difference)
        word = f"{local_label} {r.verdict} {r.comparator_label}"
        diff.annotate(textwrap.fill(word, 34), (r.difference, yy), xytext=(0, 7),
                      textcoords="offset points", ha="center", fontsize=7.5,
                      color=colour, gid="comparator-verdict")
    diff.tick_params(axis="y", left=False, labelleft=False)
    diff.set_xlabel("Difference (percentage points)")
    diff.grid(axis="x")
    diff.grid(axis="y", visible=False)
    diff.xaxis.set_major_formatter(_signed_points_formatter())
    _pad_x(diff, [x for x in xs if np.isfinite(x)])
