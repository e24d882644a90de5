"""Funnel plots (:mod:`pccanalysis.indicators.funnel`, :mod:`pccanalysis.indicators.peers`)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..numbers import format_count, format_number
from .axes import count_formatter, require_columns, spread_labels
from .style import OKABE_ITO, TEXT_GREY, append_source, chart_alt, house_style, new_figure

#: How a funnel flag is drawn: colour, marker, filled (outside 99.8%) or hollow (outside 95%).
FUNNEL_STYLE = {
    "high_998": {"colour": OKABE_ITO["vermillion"], "marker": "^", "filled": True},
    "high_95": {"colour": OKABE_ITO["vermillion"], "marker": "^", "filled": False},
    "within": {"colour": TEXT_GREY, "marker": "o", "filled": True},
    "low_95": {"colour": OKABE_ITO["blue"], "marker": "v", "filled": False},
    "low_998": {"colour": OKABE_ITO["blue"], "marker": "v", "filled": True},
}

_FUNNEL_AXES = {
    "rate": ("Population", "Rate per {per} people"),
    "proportion": ("Number of cases", "Percentage"),
    "ratio": ("Expected count", "Ratio of observed to expected"),
}


def funnel_plot(
    result,
    *,
    title: str,
    source: str,
    focus: str | None = None,
    label_all: bool | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    alt: str | None = None,
) -> Figure:
    """Funnel plot: each unit's rate against its size, inside 95% and 99.8% control limits.

    Parameters
    ----------
    result : Funnel or PeerComparison
        From :func:`pccanalysis.indicators.funnel.funnel` (its ``units`` and ``curves`` are
        drawn as they are) or :func:`pccanalysis.indicators.peers.compare_with_peers` (its
        ``funnel``, and its focus unless ``focus`` is given).
    focus : str, optional
        The unit to pick out (a ring and its name).
    label_all : bool, optional
        Name every unit; by default every unit is named when there are at most 10, else only
        the focus and units outside the 99.8% limits.
    xlabel, ylabel : str, optional
        Default by kind, e.g. "Population" and "Rate per 1,000 people".

    Returns
    -------
    matplotlib.figure.Figure
        Points by flag (collections with gid ``"flag-<flag>"``): above the limits a vermillion
        ▲, below a blue ▼, filled outside 99.8% and hollow outside 95% only, grey ● within, so
        the chart reads without colour. Limits are lines with gids ``"limit-95"`` /
        ``"limit-998"`` (dashed / solid, lower and upper) and ``"target"``, labelled at their
        right-hand end. ``fig.pcc_outside`` lists the units above (``"high"``) and below
        (``"low"``) the 99.8% limits. When the limits were widened for over-dispersion the
        source line says so.
    """
    if hasattr(result, "funnel"):
        focus = result.focus if focus is None else focus
        result = result.funnel
    units = result.units
    require_columns(units, ["unit", "denominator", "value", "flag"], "funnel_plot")
    if units.empty:
        raise ValueError("funnel_plot: no units to draw")
    unknown = set(units["flag"]) - set(FUNNEL_STYLE)
    if unknown:
        raise ValueError(f"funnel_plot: unknown flag {sorted(unknown)[0]!r}")
    default_x, default_y = _FUNNEL_AXES[result.kind]
    xlabel = xlabel or default_x
    ylabel = ylabel or default_y.format(per=format_count(result.per))
    tags, words = _limit_names(result)
    outside = {side: [str(u) for u in units.loc[units["flag"] == f"{side}_{tags[1]}", "unit"]]
               for side in ("high", "low")}
    description = _funnel_description(result, xlabel, words, outside)
    if label_all is None:
        label_all = len(units) <= 10
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         height=4.6)
        ax = fig.add_subplot()
        _draw_funnel(ax, result, tags, focus)
        _label_units(ax, units, focus, tags[1], label_all)
        _label_lines(ax, result, tags, words)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_formatter(count_formatter())
        ymin, ymax = ax.get_ylim()
        tick_decimals = 0 if ymax - ymin > 10 else _decimals(result)
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: format_number(v, tick_decimals)))
        append_source(fig, _funnel_note(result, words))
    fig.pcc_outside = outside
    return fig


def _decimals(result) -> int:
    """Decimal places of a funnel's values as labelled: two for ratios, else one."""
    return 2 if result.kind == "ratio" else 1


def _target_word(result) -> str:
    return "average" if result.target_source == "pooled" else "target"


def _limit_names(result) -> tuple[list[str], list[str]]:
    """The limits' flag tags ("95", "998") and their words ("95%", "99.8%")."""
    tags = [f"{100 * level:g}".replace(".", "") for level in result.levels]
    words = [f"{format_number(100 * level, 1 if tags[i] != '95' else 0)}%"
             for i, level in enumerate(result.levels)]
    return tags, words


def _funnel_description(result, xlabel: str, words: list[str],
                        outside: dict[str, list[str]]) -> str:
    """The funnel plot described for its alt text, with how many units lie outside."""
    per_text = format_count(result.per)
    what = (f"rates per {per_text} people" if result.kind == "rate"
            else "percentages" if result.kind == "proportion" else "ratios")
    parts = [f"{format_count(len(outside[s]))} {'above' if s == 'high' else 'below'}"
             for s in ("high", "low") if outside[s]]
    return (f"Funnel plot of {format_count(len(result.units))} areas' {what} against "
            f"{xlabel.lower()}, with {words[0]} and {words[1]} control limits around the "
            f"{_target_word(result)} of {format_number(result.target, _decimals(result))}"
            f"{': ' + ' and '.join(parts) + ' the ' + words[1] + ' limits' if parts else ''}")


def _draw_funnel(ax, result, tags: list[str], focus: str | None) -> None:
    """The limit curves, the target line, the units by flag and a ring round the focus; sets
    the axes' limits from the points and their own limits."""
    units, curves = result.units, result.curves
    x_curve = curves["denominator"].to_numpy(dtype=float)
    for tag, style in ((tags[0], "--"), (tags[1], "-")):
        for side in ("lower", "upper"):
            ax.plot(x_curve, curves[f"{side}_{tag}"].to_numpy(dtype=float), color=TEXT_GREY,
                    linestyle=style, linewidth=1.0, zorder=1, gid=f"limit-{tag}")
    ax.axhline(result.target, color="black", linewidth=0.9, zorder=1, gid="target")
    x = units["denominator"].to_numpy(dtype=float)
    y = units["value"].to_numpy(dtype=float)
    for flag, style in FUNNEL_STYLE.items():
        mask = (units["flag"] == flag).to_numpy()
        if mask.any():
            ax.scatter(x[mask], y[mask], marker=style["marker"], s=48,
                       facecolors=style["colour"] if style["filled"] else "white",
                       edgecolors=style["colour"], linewidths=1.2, zorder=3,
                       gid=f"flag-{flag}")
    if focus is not None:
        at = units["unit"].astype("str").to_numpy() == str(focus)
        if not at.any():
            raise ValueError(f"funnel_plot: {focus!r} is not one of the units")
        ax.scatter(x[at], y[at], s=170, facecolors="none", edgecolors="black",
                   linewidths=1.4, zorder=4, gid="focus")
    # y range: the points and their own limits, not the curves' far ends at small sizes
    spread = np.concatenate([y, units[f"lower_{tags[1]}"].to_numpy(dtype=float),
                             units[f"upper_{tags[1]}"].to_numpy(dtype=float),
                             [result.target]])
    lo, hi = float(np.nanmin(spread)), float(np.nanmax(spread))
    pad = 0.12 * (hi - lo or abs(hi) or 1.0)
    ax.set_ylim(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad)
    ax.set_xlim(0, 1.1 * float(np.max(x)))


def _label_units(ax, units, focus: str | None, outer: str, label_all: bool) -> None:
    """Name every unit, or only the focus and the units outside the ``outer`` limits."""
    xmax = ax.get_xlim()[1]
    names = units["unit"].astype("str").to_numpy()
    x = units["denominator"].to_numpy(dtype=float)
    y = units["value"].to_numpy(dtype=float)
    for name, xx, yy, flag in zip(names, x, y, units["flag"], strict=True):
        if label_all or name == str(focus) or flag.endswith(outer):
            # names of points near the right edge go on their left, clear of the line labels
            left = xx > 0.7 * xmax
            ax.annotate(name, xy=(xx, yy), xytext=(-7 if left else 7, 4),
                        textcoords="offset points", ha="right" if left else "left",
                        fontsize=8, color="black",
                        fontweight="bold" if name == str(focus) else "normal",
                        gid=f"label-{name}")


def _label_lines(ax, result, tags: list[str], words: list[str]) -> None:
    """Direct labels for the target and the upper limits at the right-hand edge, nudged apart
    where they converge."""
    xmax = ax.get_xlim()[1]
    last = result.curves.iloc[-1]
    ymin, ymax = ax.get_ylim()
    items = [(float(result.target),
              f"{_target_word(result).capitalize()} "
              f"{format_number(result.target, _decimals(result))}", "black", xmax)]
    items += [(float(last[f"upper_{tag}"]), word, TEXT_GREY, xmax)
              for tag, word in zip(tags, words, strict=True)
              if ymin < float(last[f"upper_{tag}"]) < ymax]
    for (_y, placed), text, colour, xx in spread_labels(items, 0.05 * (ymax - ymin)):
        ax.text(xx, placed, f" {text}", va="center", ha="left", fontsize=8, color=colour,
                clip_on=False)


def _funnel_note(result, words: list[str]) -> str:
    """The source line's key to the limits and markers."""
    note = f"Dashed lines: {words[0]} limits; solid lines: {words[1]} limits."
    if (result.units["flag"] != "within").any():
        note += (f" \u25b2 above, \u25bc below the {words[0]} limits; filled when also "
                 f"outside the {words[1]} limits.")
    if result.adjusted:
        note += (" Limits widened for the usual variation between areas "
                 "(over-dispersion; Spiegelhalter 2005).")
    return note
