"""Making Data Count XmR charts (:mod:`pccanalysis.indicators.spc`) and their variation and
assurance icons."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrow

from ..numbers import format_number, month_label
from .axes import count_formatter, period_text, require_columns, spread_labels
from .style import MDC_COLOURS, TEXT_GREY, chart_alt, house_style, new_figure

#: Variation code (as :mod:`pccanalysis.indicators.spc` writes it) -> icon colour and side.
VARIATION_ICON = {
    "common_cause": ("common", None),
    "improvement_high": ("improving", "high"),
    "improvement_low": ("improving", "low"),
    "concern_high": ("concerning", "high"),
    "concern_low": ("concerning", "low"),
    "neutral_high": ("neutral", "high"),
    "neutral_low": ("neutral", "low"),
}

#: Short caption under each variation icon, so the icon never relies on colour alone.
VARIATION_CAPTION = {
    "common_cause": "Common cause\n(no significant\nchange)",
    "improvement_high": "Special cause\nimproving\n(high)",
    "improvement_low": "Special cause\nimproving\n(low)",
    "concern_high": "Special cause\nconcerning\n(high)",
    "concern_low": "Special cause\nconcerning\n(low)",
    "neutral_high": "Special cause\n(high)",
    "neutral_low": "Special cause\n(low)",
}

#: Words for the alt text (the same readings as :mod:`pccanalysis.indicators.spc` labels).
VARIATION_READING = {
    "common_cause": "common cause variation",
    "improvement_high": "special cause variation, improving (high)",
    "improvement_low": "special cause variation, improving (low)",
    "concern_high": "special cause variation, concerning (high)",
    "concern_low": "special cause variation, concerning (low)",
    "neutral_high": "special cause variation (high)",
    "neutral_low": "special cause variation (low)",
}

ASSURANCE_READING = {
    "consistently_met": "the target is consistently met",
    "consistently_missed": "the target is consistently missed",
    "hit_and_miss": "the target will be hit and missed at random",
}

#: Assurance code -> letter, colour key and caption.
ASSURANCE_ICON = {
    "consistently_met": ("P", "improving", "Target\nconsistently met"),
    "consistently_missed": ("F", "concerning", "Target\nconsistently\nmissed"),
    "hit_and_miss": ("?", "common", "Target hit\nand miss"),
}


def draw_variation_icon(ax, code: str, center: tuple[float, float] = (0.0, 0.0),
                        radius: float = 1.0) -> None:
    """Draw a Making Data Count variation icon with patches, in data units of an equal-aspect axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes with equal aspect and room for a circle of ``radius`` at ``center``.
    code : str
        A variation code of :mod:`pccanalysis.indicators.spc`: ``"common_cause"`` (grey circle
        with a flat run of dots), ``"improvement_high"`` / ``"improvement_low"`` (blue, "H" or
        "L" with an arrow up or down), ``"concern_high"`` / ``"concern_low"`` (orange) or
        ``"neutral_high"`` / ``"neutral_low"`` (purple).
    """
    if code not in VARIATION_ICON:
        raise ValueError(f"unknown variation code {code!r}")
    kind, side = VARIATION_ICON[code]
    colour = MDC_COLOURS[kind]
    cx, cy = center
    r = radius
    ax.add_patch(Circle(center, r, facecolor="white", edgecolor=colour, linewidth=3,
                        gid=f"variation-{code}"))
    if side is None:
        # a flat run of dots: the process is stable
        xs = cx + r * np.linspace(-0.6, 0.6, 6)
        ys = cy + r * np.array([0.05, -0.1, 0.1, -0.05, 0.08, -0.08])
        ax.plot(xs, ys, color=colour, marker="o", markersize=3, linewidth=1.2, gid="icon-dots")
        return
    letter = "H" if side == "high" else "L"
    ax.text(cx - 0.25 * r, cy, letter, ha="center", va="center", fontsize=12,
            fontweight="bold", color=colour, gid="icon-letter")
    dy = (0.9 if side == "high" else -0.9) * r
    ax.add_patch(FancyArrow(cx + 0.4 * r, cy - dy / 2, 0, dy, width=0.12 * r,
                            head_width=0.4 * r, head_length=0.3 * r,
                            length_includes_head=True, color=colour, gid=f"arrow-{side}"))


def draw_assurance_icon(ax, code: str, center: tuple[float, float] = (0.0, 0.0),
                        radius: float = 1.0) -> None:
    """Draw a Making Data Count assurance icon with patches.

    Parameters
    ----------
    code : {"consistently_met", "consistently_missed", "hit_and_miss"}
        "P" in blue, "F" in orange, or "?" in grey.
    """
    if code not in ASSURANCE_ICON:
        raise ValueError(f"unknown assurance code {code!r}")
    letter, colour_key, _caption = ASSURANCE_ICON[code]
    colour = MDC_COLOURS[colour_key]
    ax.add_patch(Circle(center, radius, facecolor="white", edgecolor=colour, linewidth=3,
                        gid=f"assurance-{code}"))
    ax.text(center[0], center[1], letter, ha="center", va="center", fontsize=14,
            fontweight="bold", color=colour, gid="icon-letter")


_POINT_COLOUR = {
    "common_cause": MDC_COLOURS["common"],
    "improvement_high": MDC_COLOURS["improving"],
    "improvement_low": MDC_COLOURS["improving"],
    "concern_high": MDC_COLOURS["concerning"],
    "concern_low": MDC_COLOURS["concerning"],
    "neutral_high": MDC_COLOURS["neutral"],
    "neutral_low": MDC_COLOURS["neutral"],
    "excluded": MDC_COLOURS["common"],
}


def _segmented(x: np.ndarray, y: np.ndarray, segment: np.ndarray):
    """x, y with NaN between segments so one Line2D draws each segment's level separately."""
    xs, ys = [], []
    for k in pd.unique(segment):
        idx = np.flatnonzero(segment == k)
        if xs:
            xs.append(np.nan)
            ys.append(np.nan)
        # extend half a step either side so a level spans its points
        xs += [x[idx[0]] - 0.5, x[idx[-1]] + 0.5]
        ys += [y[idx[0]], y[idx[-1]]]
    return np.array(xs, dtype=float), np.array(ys, dtype=float)


def _level_text(value: float) -> str:
    """A level on an axis of counts: whole numbers from 100 up, one decimal below."""
    return format_number(value, 0 if abs(value) >= 100 else 1)


def _tick_step(n: int, max_ticks: int = 12) -> int:
    for step in (1, 2, 3, 6, 12, 24):
        if math.ceil(n / step) <= max_ticks:
            return step
    return math.ceil(n / max_ticks)


def spc_chart(
    result,
    *,
    title: str,
    source: str,
    what: str = "incidents",
    ylabel: str | None = None,
    notes: Mapping | None = None,
    excluded_label: str = "incomplete data",
    alt: str | None = None,
) -> Figure:
    """Monthly trend as an XmR chart with its mean, limits, special causes and MDC icons.

    Parameters
    ----------
    result : pccanalysis.indicators.spc.SpcResult
        The chart to draw: its ``frame`` (``period``, ``value``, ``segment``, ``mean``, ``lpl``,
        ``upl``, ``trial``, ``special_cause``, ``variation``), ``target``, ``variation`` and
        ``assurance``.
    what : str
        Plural noun for what is counted ("ASB incidents"), used in the axis label and alt text.
    ylabel : str, optional
        Axis label; default "<What> per month".
    notes : mapping of period to str, optional
        Short labels pointing at particular months, e.g. ``{"2020-11": "new recording
        system"}``.
    excluded_label : str
        The label pointing at each point the result excluded from its limits and rules
        (``spc(..., exclude=...)``, e.g. a month with a detected publication gap); a note for
        the same month replaces it.

    Returns
    -------
    matplotlib.figure.Figure
        Main axes lines carry gids: ``"value"`` (the points the chart judges, joined over any
        excluded point as the moving ranges are), ``"excluded"`` (excluded points: hollow grey
        markers, no line), ``"mean"``, ``"upl"``, ``"lpl"`` (NaN between rebased segments),
        ``"target"``; special-cause points are the ``"special_cause"`` collection; labels are
        texts with gid ``"note"``. The icon axes (``fig.axes[1]``) holds the variation and
        assurance icons.
    """
    frame = result.frame
    require_columns(frame, ["period", "value", "segment", "mean", "lpl", "upl", "trial",
                             "special_cause", "variation"], "spc_chart")
    n = len(frame)
    x = np.arange(n, dtype=float)
    y = frame["value"].to_numpy(dtype=float)
    excluded = (frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame.columns
                else np.zeros(n, dtype=bool))
    description = _spc_description(result, what, excluded, excluded_label)
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt))
        grid = fig.add_gridspec(1, 2, width_ratios=[6.0, 1.0])
        ax = fig.add_subplot(grid[0, 0])
        icons = fig.add_subplot(grid[0, 1])
        _draw_points(ax, frame, x, y, excluded)
        _draw_limits(ax, result, x, y)
        labels_at = {i: excluded_label for i in np.flatnonzero(excluded)}
        labels_at.update(_note_positions(frame, notes))
        _draw_notes(ax, x, y, labels_at)
        _month_ticks(ax, [period_text(p) for p in frame["period"]])
        ax.set_ylabel(ylabel or f"{what[0].upper() + what[1:]} per month")
        ax.yaxis.set_major_formatter(count_formatter())
        _draw_icons(icons, result)
    fig.pcc_variation = result.variation
    fig.pcc_assurance = result.assurance
    return fig


def _long_period_text(value) -> str:
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return month_label(value)
    return str(value)


def _spc_description(result, what: str, excluded: np.ndarray, excluded_label: str) -> str:
    """The chart described for its alt text: span, lines, the reading and any hollow points."""
    frame = result.frame
    first, last = (_long_period_text(frame["period"].iloc[i]) for i in (0, -1))
    reading = f"latest month: {VARIATION_READING[result.variation]}"
    if result.assurance:
        reading += f"; {ASSURANCE_READING[result.assurance]}"
    target_words = (f" and a target of {_level_text(result.target)}"
                    if result.target is not None else "")
    left_out = ""
    if excluded.any():
        months = [_long_period_text(p) for p in frame["period"][excluded]]
        left_out = (f"; {', '.join(months)} shown hollow ({excluded_label}), left out of the "
                    "limits")
    return (f"XmR chart of {what} per month, {first} to {last}, with the mean and "
            f"process limits{target_words} ({reading}{left_out})")


def _draw_points(ax, frame: pd.DataFrame, x: np.ndarray, y: np.ndarray,
                 excluded: np.ndarray) -> None:
    """The judged points joined by a line, the excluded ones hollow, special causes coloured."""
    kept = ~excluded
    ax.plot(x[kept], y[kept], color=MDC_COLOURS["common"], linewidth=1.5, marker="o",
            markersize=4, markerfacecolor=MDC_COLOURS["common"],
            markeredgecolor=MDC_COLOURS["common"], zorder=3, gid="value")
    # Excluded points: hollow and unjoined, so they read as "not part of the series".
    ax.plot(x[excluded], y[excluded], linestyle="none", marker="o", markersize=6,
            markerfacecolor="white", markeredgecolor=MDC_COLOURS["common"],
            markeredgewidth=1.2, zorder=3, gid="excluded")
    special = frame["special_cause"].to_numpy(dtype=bool)
    colours = [_POINT_COLOUR[v] for v in frame["variation"]]
    ax.scatter(x[special], y[special], s=42,
               c=[c for c, s in zip(colours, special, strict=True) if s],
               edgecolors="black", linewidths=0.6, zorder=4, gid="special_cause")


def _draw_limits(ax, result, x: np.ndarray, y: np.ndarray) -> None:
    """Mean, process limits (broken at each rebase) and target, labelled at their right-hand
    end; sets the axes' limits."""
    frame = result.frame
    segment = frame["segment"].to_numpy()
    for key, style in (("mean", {"color": MDC_COLOURS["mean"], "linewidth": 1.2}),
                       ("upl", {"color": MDC_COLOURS["limit"], "linewidth": 1.0,
                                "linestyle": "--"}),
                       ("lpl", {"color": MDC_COLOURS["limit"], "linewidth": 1.0,
                                "linestyle": "--"})):
        xs, ys = _segmented(x, frame[key].to_numpy(dtype=float), segment)
        ax.plot(xs, ys, zorder=2, gid=key, **style)
    last_row = frame.iloc[-1]
    limit_word = "trial limit" if bool(last_row["trial"]) else "limit"
    ends = [(float(last_row["mean"]), f"Mean {_level_text(last_row['mean'])}",
             MDC_COLOURS["mean"]),
            (float(last_row["upl"]), f"Upper {limit_word} {_level_text(last_row['upl'])}",
             TEXT_GREY),
            (float(last_row["lpl"]), f"Lower {limit_word} {_level_text(last_row['lpl'])}",
             TEXT_GREY)]
    if result.target is not None:
        ax.axhline(result.target, color=MDC_COLOURS["target"], linewidth=1.2,
                   linestyle=(0, (6, 3)), zorder=2, gid="target")
        ends.append((float(result.target), f"Target {_level_text(result.target)}",
                     MDC_COLOURS["target"]))
    low = min(float(np.nanmin(y)), float(frame["lpl"].min()),
              result.target if result.target is not None else np.inf)
    high = max(float(np.nanmax(y)), float(frame["upl"].max()),
               result.target if result.target is not None else -np.inf)
    pad = 0.08 * (high - low if high > low else max(abs(high), 1.0))
    ax.set_ylim(min(0.0, low - pad) if low >= 0 else low - pad, high + pad)
    ax.set_xlim(-0.7, x[-1] + 0.7)
    ymin, ymax = ax.get_ylim()
    right = x[-1] + 0.6
    label_items = [(v, text, colour, right) for v, text, colour in ends]
    for (v, placed), text, colour, xr in spread_labels(label_items, 0.065 * (ymax - ymin)):
        ax.annotate(text, xy=(xr, v), xytext=(xr, placed), va="center", fontsize=8,
                    color=colour, annotation_clip=False)


def _note_positions(frame: pd.DataFrame, notes: Mapping | None) -> dict[int, str]:
    """Each note's text by the position of its month on the chart."""
    if not notes:
        return {}
    position = {pd.Period(p, freq="M") if isinstance(p, (str, pd.Period)) else p: i
                for i, p in enumerate(frame["period"])}
    out = {}
    for key, text in notes.items():
        k = pd.Period(key, freq="M") if isinstance(key, str) else key
        if k not in position:
            raise ValueError(f"spc_chart: note for {key}, which is not on the chart")
        out[position[k]] = text
    return out


def _draw_notes(ax, x: np.ndarray, y: np.ndarray, labels_at: dict[int, str]) -> None:
    """Short labels pointing at points, above a low point and below a high one."""
    ymin, ymax = ax.get_ylim()
    for i, text in sorted(labels_at.items()):
        below = y[i] < (ymin + ymax) / 2
        ax.annotate(text, (x[i], y[i]), xytext=(0, 22 if below else -22),
                    textcoords="offset points", ha="center",
                    va="bottom" if below else "top", fontsize=8, color="black",
                    arrowprops={"arrowstyle": "-", "color": TEXT_GREY, "lw": 0.8},
                    gid="note")


def _month_ticks(ax, labels: list[str]) -> None:
    """Month ticks at a readable step, counted back from the latest month so the month the
    reading is about is labelled; slanted when there are many."""
    n = len(labels)
    step = _tick_step(n)
    ticks = list(range(n - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=0)
    if len(ticks) > 6:
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_ha("right")


def _draw_icons(icons, result) -> None:
    """The variation icon and, with a target, the assurance icon, each with its caption."""
    icons.set_axis_off()
    icons.set_xlim(-1.4, 1.4)
    icons.set_ylim(-7.5, 1.3)
    icons.set_aspect("equal", adjustable="box", anchor="N")
    draw_variation_icon(icons, result.variation, center=(0, 0))
    icons.text(0, -1.35, VARIATION_CAPTION[result.variation], ha="center", va="top",
               fontsize=7, color="black", gid="variation-caption")
    if result.assurance:
        draw_assurance_icon(icons, result.assurance, center=(0, -4.3))
        icons.text(0, -5.65, ASSURANCE_ICON[result.assurance][2],
                   ha="center", va="top", fontsize=7, color="black",
                   gid="assurance-caption")
