"""Charts for briefings: one house style and one function per chart kind.

Every function takes an indicator's result (or its tidy frame), a ``title`` that states the
finding (written by :mod:`pccanalysis.narrative`, not here), a ``source`` line, and returns a
:class:`matplotlib.figure.Figure`. Figures are built with ``Figure()`` directly rather than
through pyplot, so importing this module never changes the matplotlib backend, nothing is kept in
pyplot's figure registry, and rendering always uses the non-interactive Agg canvas.

House style (:data:`HOUSE_RC`, applied inside each function with :func:`house_style`):

- sized for an A4 page: 7 x 4 inches at 10-11 pt, so the printed text is the size of body text;
- the Okabe-Ito colour-blind-safe palette (:data:`OKABE_ITO`), and never colour alone: a verdict
  is also a marker shape and a word, a RAG status also a hatch and a word;
- direct labels on lines and bars rather than legends;
- the title (left-aligned, bold) states the finding, a grey source line sits under the chart;
- alt text on every figure (``fig.pcc_alt``, also ``fig.alt_text``), written into the ``<img alt>`` by
  :func:`figure_to_html` and into the PNG's Description field by :func:`figure_to_png`.

The Making Data Count icons are drawn with matplotlib patches in NHS England's colours (blue
improving, orange concerning, grey common cause, purple neutral); nothing is fetched.

References
----------
Okabe, M. and Ito, K. (2008), "Color Universal Design", https://jfly.uni-koeln.de/color/.
NHS England, "Making Data Count" (2019), variation and assurance icons; NHSRplotthedots colours.
GOV.UK Analysis Function, "Data visualisation: charts" (titles that state the finding, direct
labels, alt text).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrow, Polygon
from matplotlib.ticker import MaxNLocator

from .numbers import format_count, format_number, format_percent, month_label

__all__ = [
    "HOUSE_RC",
    "MDC_COLOURS",
    "OKABE_ITO",
    "RAG_STYLE",
    "VERDICT_STYLE",
    "alt_text",
    "change_chart",
    "comparator_chart",
    "display_figure",
    "draw_assurance_icon",
    "draw_variation_icon",
    "figure_to_html",
    "figure_to_png",
    "hotspot_map",
    "house_style",
    "new_figure",
    "rag_summary_chart",
    "read_boundaries",
    "share_chart",
    "spc_chart",
    "target_chart",
]

#: Okabe-Ito palette (colour-blind safe), by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
#: Dark grey for text and "similar": passes WCAG AA contrast (4.5:1) on white, unlike #999999.
TEXT_GREY = "#595959"
LIGHT_GREY = "#BFBFBF"

#: Making Data Count colours (as NHSRplotthedots draws them).
MDC_COLOURS = {
    "improving": "#00B0F0",
    "concerning": "#E46C0A",
    "neutral": "#490092",
    "common": "#A6A6A6",
    "mean": "#000000",
    "limit": "#7F7F7F",
    "target": "#DE1B1B",
}

#: How a verdict is drawn: colour, marker and the word printed beside the point.
VERDICT_STYLE = {
    "rose": {"colour": OKABE_ITO["vermillion"], "marker": "^", "word": "rose"},
    "fell": {"colour": OKABE_ITO["blue"], "marker": "v", "word": "fell"},
    "similar": {"colour": TEXT_GREY, "marker": "o", "word": "similar"},
}

#: Delivery-plan status (as :mod:`pccanalysis.indicators.delivery_plan` names them): fill,
#: hatch (so a status never depends on colour alone) and the colour of text on the fill. The
#: fills are the Okabe-Ito ones the tracker table uses (:mod:`pccanalysis.briefing.html`), so chart and
#: table agree; black text on each passes WCAG AA contrast.
RAG_STYLE = {
    "Green": {"colour": OKABE_ITO["bluish_green"], "hatch": "", "text": "black"},
    "Amber": {"colour": OKABE_ITO["orange"], "hatch": "//", "text": "black"},
    "Red": {"colour": OKABE_ITO["vermillion"], "hatch": "xx", "text": "black"},
    "Not started": {"colour": "#FFFFFF", "hatch": "..", "text": "black"},
}
_RAG_ALIASES = {
    "green": "Green", "g": "Green",
    "amber": "Amber", "a": "Amber",
    "red": "Red", "r": "Red",
    "not started": "Not started", "white": "Not started", "ns": "Not started",
    "white (ns)": "Not started", "w": "Not started",
}

#: Figure size in inches: fits the text width of an A4 page (about 17 cm) at print scale.
FIG_WIDTH = 7.0
FIG_HEIGHT = 4.0
#: PNG resolution: 1.5 PNG pixels per CSS pixel (96 per inch), sharp on high-density screens
#: and in print, while a briefing of a dozen charts stays well under 2 MB.
DPI = 144
#: CSS pixels per inch: an image shown at ``width = inches * 96`` appears at its designed size.
CSS_PX_PER_INCH = 96

HOUSE_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans"],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.labelcolor": TEXT_GREY,
    "axes.edgecolor": TEXT_GREY,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(
        color=[OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                      "reddish_purple", "sky_blue", "yellow", "black")]
    ),
    "xtick.color": TEXT_GREY,
    "ytick.color": TEXT_GREY,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 1.8,
    "lines.markersize": 6,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "hatch.linewidth": 0.6,
    "svg.fonttype": "none",
}

_TITLE_WRAP = 70  # characters per title line at 11 pt bold: 77 measured 6.7 of 7 inches
_SOURCE_WRAP = 120


@contextmanager
def house_style() -> Iterator[None]:
    """Apply :data:`HOUSE_RC` for the duration of a ``with`` block (never globally)."""
    with matplotlib.rc_context(HOUSE_RC):
        yield


def new_figure(
    *,
    title: str,
    source: str,
    alt: str,
    width: float = FIG_WIDTH,
    height: float = FIG_HEIGHT,
) -> Figure:
    """A blank house-style figure with a finding title, a source line and alt text.

    Call inside :func:`house_style`. The title and source are figure-level text managed by the
    constrained layout, so axes never overlap them.

    Parameters
    ----------
    title : str
        The finding, plain text (e.g. "Crime fell by 19.6% in 2020-21").
    source : str
        Where the numbers come from, e.g. "Source: data.police.uk (OGL v3.0)".
    alt : str
        One sentence describing the chart and its finding, for screen readers.
    width, height : float
        Size in inches.
    """
    if not title or not title.strip():
        raise ValueError("a chart needs a title that states its finding")
    if not source or not source.strip():
        raise ValueError("a chart needs a source line saying where its numbers come from")
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=6 / 72, h_pad=4 / 72)
    FigureCanvasAgg(fig)
    wrap = max(30, int(_TITLE_WRAP * width / FIG_WIDTH))
    fig.suptitle(
        textwrap.fill(title.strip(), wrap), x=0.01, ha="left", fontsize=11, fontweight="bold"
    )
    fig.supxlabel(
        textwrap.fill(source.strip(), int(_SOURCE_WRAP * width / FIG_WIDTH)),
        x=0.01, ha="left", fontsize=8, color=TEXT_GREY,
    )
    fig.pcc_title = title.strip()
    fig.pcc_source = source.strip()
    fig.pcc_alt = _one_line(alt)
    # the name report.briefing.Briefing.show_figure reads
    fig.alt_text = fig.pcc_alt
    fig.set_label(fig.pcc_alt)
    return fig


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _alt(description: str, title: str, alt: str | None) -> str:
    """Alt text: the caller's, or the chart description followed by the finding."""
    if alt:
        return _one_line(alt)
    finding = _one_line(title).rstrip(".")
    return f"{description}: {finding}."


def alt_text(fig: Figure) -> str:
    """The alt text stored on a figure by this module.

    Raises
    ------
    ValueError
        When the figure was not made here and carries no alt text.
    """
    alt = getattr(fig, "pcc_alt", None)
    if not alt:
        raise ValueError("figure has no alt text: make it with pccanalysis.figures")
    return alt


def figure_to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """Render a figure to PNG bytes with the Agg canvas; alt text goes in the Description field."""
    buffer = io.BytesIO()
    metadata = {"Description": alt_text(fig), "Software": None}
    title = getattr(fig, "pcc_title", None)
    if title:
        metadata["Title"] = title
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    with house_style():
        fig.savefig(buffer, format="png", dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def figure_to_html(fig: Figure, dpi: int = DPI) -> str:
    """An ``<img>`` element carrying the figure as an inline PNG, its alt text (escaped) and its
    width in CSS pixels.

    The image is self-contained (a ``data:`` URL), so the briefing opens offline. The width is
    the figure's width in inches times 96, so the chart shows at its designed (A4 print) size
    whatever the PNG's resolution; the house stylesheet lets it shrink on a narrow screen. This
    is the one way a briefing embeds a chart
    (:meth:`pccanalysis.briefing.context.Briefing.show_figure` calls it).
    """
    png = base64.b64encode(figure_to_png(fig, dpi)).decode("ascii")
    alt = html.escape(alt_text(fig), quote=True)
    width = int(round(fig.get_size_inches()[0] * CSS_PX_PER_INCH))
    return (f'<img class="pcc-figure" src="data:image/png;base64,{png}" alt="{alt}" '
            f'width="{width}">')


def display_figure(fig: Figure):
    """Show a figure in a notebook as HTML so the exported briefing keeps its alt text.

    Use this rather than leaving the figure as a cell's last expression, which IPython would
    display a second time as a plain PNG without alt text.
    """
    from IPython.display import HTML, display

    shown = HTML(figure_to_html(fig))
    display(shown)
    return shown


# --------------------------------------------------------------------------------------------
# Making Data Count icons
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Monthly trend with SPC limits
# --------------------------------------------------------------------------------------------

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
    _require_columns(frame, ["period", "value", "segment", "mean", "lpl", "upl", "trial",
                             "special_cause", "variation"], "spc_chart")
    n = len(frame)
    x = np.arange(n, dtype=float)
    y = frame["value"].to_numpy(dtype=float)
    segment = frame["segment"].to_numpy()
    labels = [_period_text(p) for p in frame["period"]]
    first, last = (_long_period_text(frame["period"].iloc[i]) for i in (0, -1))
    excluded = (frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame.columns
                else np.zeros(n, dtype=bool))
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
    description = (f"XmR chart of {what} per month, {first} to {last}, with the mean and "
                   f"process limits{target_words} ({reading}{left_out})")
    with house_style():
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt))
        grid = fig.add_gridspec(1, 2, width_ratios=[6.0, 1.0])
        ax = fig.add_subplot(grid[0, 0])
        icons = fig.add_subplot(grid[0, 1])

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
        ax.scatter(x[special], y[special], s=42, c=[c for c, s in zip(colours, special,
                                                                        strict=True) if s],
                   edgecolors="black", linewidths=0.6, zorder=4, gid="special_cause")
        for key, style in (("mean", {"color": MDC_COLOURS["mean"], "linewidth": 1.2}),
                           ("upl", {"color": MDC_COLOURS["limit"], "linewidth": 1.0,
                                    "linestyle": "--"}),
                           ("lpl", {"color": MDC_COLOURS["limit"], "linewidth": 1.0,
                                    "linestyle": "--"})):
            xs, ys = _segmented(x, frame[key].to_numpy(dtype=float), segment)
            ax.plot(xs, ys, zorder=2, gid=key, **style)
        trial = bool(frame["trial"].iloc[-1])
        last_row = frame.iloc[-1]
        right = x[-1] + 0.6
        limit_word = "trial limit" if trial else "limit"
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
        label_items = [(v, text, colour, right) for v, text, colour in ends]
        for (v, placed), text, colour, xr in _spread_labels(label_items,
                                                             0.065 * (ymax - ymin)):
            ax.annotate(text, xy=(xr, v), xytext=(xr, placed), va="center", fontsize=8,
                        color=colour, annotation_clip=False)
        labels_at = {i: excluded_label for i in np.flatnonzero(excluded)}
        if notes:
            position = {pd.Period(p, freq="M") if isinstance(p, (str, pd.Period)) else p: i
                        for i, p in enumerate(frame["period"])}
            for key, text in notes.items():
                k = pd.Period(key, freq="M") if isinstance(key, str) else key
                if k not in position:
                    raise ValueError(f"spc_chart: note for {key}, which is not on the chart")
                labels_at[position[k]] = text
        for i, text in sorted(labels_at.items()):
            below = y[i] < (ymin + ymax) / 2
            ax.annotate(text, (x[i], y[i]), xytext=(0, 22 if below else -22),
                        textcoords="offset points", ha="center",
                        va="bottom" if below else "top", fontsize=8, color="black",
                        arrowprops={"arrowstyle": "-", "color": TEXT_GREY, "lw": 0.8},
                        gid="note")
        step = _tick_step(n)
        # counted back from the latest month, so the month the reading is about is labelled
        ticks = list(range(n - 1, -1, -step))[::-1]
        ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=0)
        if len(ticks) > 6:
            for label in ax.get_xticklabels():
                label.set_rotation(45)
                label.set_ha("right")
        ax.set_ylabel(ylabel or f"{what[0].upper() + what[1:]} per month")
        ax.yaxis.set_major_formatter(_count_formatter())

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
    fig.pcc_variation = result.variation
    fig.pcc_assurance = result.assurance
    return fig


# --------------------------------------------------------------------------------------------
# Change by category or area
# --------------------------------------------------------------------------------------------

def _signed_percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_percent(v, 0, signed=True))


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
    _require_columns(table, [group, "percent", "ratio_low", "ratio_high", "verdict"],
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
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt),
                         height=height)
        ax = fig.add_subplot()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        y = np.arange(n, dtype=float)
        low = 100 * (data["ratio_low"].to_numpy(dtype=float) - 1)
        high = 100 * (data["ratio_high"].to_numpy(dtype=float) - 1)
        pct = data["percent"].to_numpy(dtype=float)
        segments = [[(lo, yy), (hi, yy)] for lo, hi, yy in zip(low, high, y, strict=True)]
        from matplotlib.collections import LineCollection

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
        ax.xaxis.set_major_formatter(_signed_percent_formatter())
        ax.set_xlabel(xlabel or (f"Change, {current} compared with {previous}" if current
                                 else "Change"))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    if no_percent:
        note = (f"Not shown, having no count in {previous or 'the earlier period'}: "
                f"{', '.join(no_percent)}.")
        _append_source(fig, note)
    return fig


def _append_source(fig: Figure, note: str) -> None:
    stop = "" if fig.pcc_source.endswith((".", "!", "?")) else "."
    fig.pcc_source = f"{fig.pcc_source}{stop} {note}"
    width = fig.get_figwidth()
    fig.supxlabel(textwrap.fill(fig.pcc_source, int(_SOURCE_WRAP * width / FIG_WIDTH)),
                  x=0.01, ha="left", fontsize=8, color=TEXT_GREY)


# --------------------------------------------------------------------------------------------
# Local against comparator
# --------------------------------------------------------------------------------------------

_COMPARATOR_VERDICT_COLOUR = {"similar to": TEXT_GREY}


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
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt),
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
        ax.xaxis.set_major_formatter(_signed_percent_formatter())
        ax.set_xlabel(f"Change{f', {periods}' if periods else ''}")
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        _pad_x(ax, [v for v in values if np.isfinite(v)] + extent)

        diff.axvline(0, color="black", linewidth=0.9, zorder=1)
        xs = [0.0]
        for r, yy in zip(rows, y[1:], strict=True):
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
    return fig


def _signed_points_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_number(v, 0, signed=True))


def _pad_x(ax, values: Sequence[float], fraction: float = 0.15) -> None:
    lo, hi = min(values), max(values)
    span = hi - lo or max(abs(hi), 1.0)
    ax.set_xlim(lo - fraction * span, hi + fraction * span)


# --------------------------------------------------------------------------------------------
# Target progress against trajectory
# --------------------------------------------------------------------------------------------

#: Target status: colour, marker and the word printed by the point.
STATUS_STYLE = {
    "on track": {"colour": OKABE_ITO["bluish_green"], "marker": "o"},
    "at risk": {"colour": OKABE_ITO["orange"], "marker": "D"},
    "off track": {"colour": OKABE_ITO["vermillion"], "marker": "X"},
}


#: A target's status once its deadline has passed (as :func:`pccanalysis.narrative.target_sentence`).
PAST_STATUS = {"on track": "met", "at risk": "not clearly met", "off track": "missed"}


def target_chart(progress, *, title: str, source: str, alt: str | None = None) -> Figure:
    """Progress against a target: the straight-line trajectory and where the indicator is now.

    Parameters
    ----------
    progress : pccanalysis.indicators.targets.TargetProgress
        Its baseline and deadline, ``percent_change`` with ``percent_change_low``/``high``,
        ``needed_percent_by_now``, ``target_percent`` and ``status``.

    Returns
    -------
    matplotlib.figure.Figure
        x is months after the end of the baseline; y is the change against the baseline in
        percent. Lines: ``"trajectory"`` from (0, 0%) to (deadline, target %), ``"current"``
        (the point now) with ``"current-interval"``, ``"needed"`` (the trajectory's value now).
        The status is written beside the point ("Off track: +30%"; after the deadline "Met",
        "Not clearly met" or "Missed") as well as coloured.
    """
    from .narrative import in_sentence, target_baseline
    from .periods import parse_period

    status = progress.status
    if status not in STATUS_STYLE:
        raise ValueError(f"target_chart: unknown status {status!r}")
    # the baseline as the target writes it: months left out for a publication gap are named
    # in the label of the point now, not on the axis
    baseline = target_baseline(progress.target)
    base_end = parse_period(progress.target.baseline).last_month
    now_end = progress.current_months[-1]
    total = _months_between(base_end, _deadline_end(progress))
    now_x = _months_between(base_end, now_end)
    target_pct = progress.target_percent
    style = STATUS_STYLE[status]
    t = progress.target
    past = progress.past_deadline
    # after the deadline the status says whether the target was met, as the sentence does
    shown = PAST_STATUS[status] if past else status
    needed_words = "needed" if not past else "the target"
    description = (f"Chart of {in_sentence(t.name)} against the target to {t.direction} it by "
                   f"{format_percent(t.percent)} from {baseline} by "
                   f"{progress.deadline_label}: now {format_percent(progress.percent_change, signed=True)} "
                   f"in {progress.current_label} against "
                   f"{format_percent(progress.needed_percent_by_now, signed=True)} "
                   f"{needed_words}, {shown}")
    with house_style():
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt))
        ax = fig.add_subplot()
        ax.plot([0, total], [0, target_pct], color=TEXT_GREY, linestyle="--", linewidth=1.4,
                zorder=2, gid="trajectory")
        target_text = f"Target {format_percent(target_pct, signed=True)} by {progress.deadline_label}"
        if past:
            # "now" is at (or past) the deadline: the target's own point is what was needed,
            # labelled on the right where "needed by now" would go
            ax.annotate(target_text, (total, target_pct), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=8, color=TEXT_GREY,
                        gid="target-label")
        else:
            ax.annotate(target_text, (total, target_pct),
                        xytext=(-4, -12 if target_pct < 0 else 8), textcoords="offset points",
                        ha="right", fontsize=8, color=TEXT_GREY, gid="target-label")
        ax.plot([now_x], [progress.needed_percent_by_now], marker="o", markersize=7,
                markerfacecolor="white", markeredgecolor=TEXT_GREY, linestyle="none",
                zorder=3, gid="needed")
        if not past:
            ax.annotate("Needed by now "
                        f"{format_percent(progress.needed_percent_by_now, signed=True)}",
                        (now_x, progress.needed_percent_by_now), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=8, color=TEXT_GREY)
        lo, hi = progress.percent_change_low, progress.percent_change_high
        ax.plot([now_x, now_x], [lo, hi], color=style["colour"], linewidth=2, zorder=3,
                gid="current-interval")
        ax.plot([now_x], [progress.percent_change], marker=style["marker"], markersize=9,
                color=style["colour"], markeredgecolor="black", markeredgewidth=0.6,
                linestyle="none", zorder=4, gid="current")
        ax.annotate(f"{shown.capitalize()}: {format_percent(progress.percent_change, signed=True)}"
                    f"\n{progress.current_label}", (now_x, progress.percent_change),
                    xytext=(-10, 0), textcoords="offset points", ha="right", va="center",
                    fontsize=9, fontweight="bold", color="black", gid="status-label")
        ax.axhline(0, color="black", linewidth=0.9, zorder=1)
        ticks = [0, now_x, total] if now_x not in (0, total) else [0, total]
        labels = {0: f"{baseline}\n(baseline)", now_x: "Now",
                  total: f"{progress.deadline_label}\n(deadline)"}
        ax.set_xticks(ticks, [labels[k] for k in ticks])
        ax.set_xlim(-0.05 * max(total, now_x), 1.08 * max(total, now_x))
        _pad_y(ax, [0.0, target_pct, lo, hi, progress.needed_percent_by_now])
        ax.yaxis.set_major_formatter(_signed_percent_formatter())
        # the title names the indicator; a long name would not fit along the axis
        ax.set_ylabel(f"Change against {baseline}")
    return fig


def _months_between(a: pd.Period, b: pd.Period) -> int:
    return (pd.Period(b, freq="M") - pd.Period(a, freq="M")).n


def _deadline_end(progress) -> pd.Period:
    from .periods import parse_period

    return parse_period(progress.target.deadline).last_month


def _pad_y(ax, values: Sequence[float], fraction: float = 0.12) -> None:
    finite = [v for v in values if np.isfinite(v)]
    lo, hi = min(finite), max(finite)
    span = hi - lo or max(abs(hi), 1.0)
    ax.set_ylim(lo - fraction * span, hi + fraction * span)


# --------------------------------------------------------------------------------------------
# Share of total by area over time
# --------------------------------------------------------------------------------------------

def _long_period_text(value) -> str:
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return month_label(value)
    return str(value)


def _period_text(value) -> str:
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return value.strftime("%b %Y")
    return str(value)


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
    _require_columns(frame, [area, period, share], "share_chart")
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
    first, last = _period_text(periods[0]), _period_text(periods[-1])
    with house_style():
        fig = new_figure(
            title=title, source=source,
            alt=_alt(f"Line chart of each area's share of the total, {first} to {last}",
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
        ax.set_xticks(range(len(periods)), [_period_text(p) for p in periods])
        _thin_ticks(ax, len(periods))
        ax.set_xlim(-0.3, len(periods) - 1 + 0.3)
        ax.set_ylim(bottom=0)
        ymin, ymax = ax.get_ylim()
        # labels sit just outside the plot, at the end of their lines
        for (y, placed), name, colour, x in _spread_labels(label_y, 0.06 * (ymax - ymin)):
            ax.annotate(f"{name} {format_percent(y)}", xy=(x, y), xytext=(x + 0.4, placed),
                        va="center", fontsize=9, color=colour, annotation_clip=False,
                        gid=f"label-{name}")
        ax.set_ylabel(ylabel)
        # ticks at 1, 2 or 5 times a power of ten: 0%, 5%, 10% ... rather than 2.5% steps
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(_percent_formatter())
    return fig


def _spread_labels(items, gap: float):
    """Nudge end-of-line labels apart vertically (by at least ``gap`` data units).

    ``items`` are (y, text, colour, x); returns ((y, label y), text, colour, x), lowest first.
    """
    ordered = sorted(items, key=lambda t: t[0])
    placed: list[float] = []
    for t in ordered:
        placed.append(max(t[0], placed[-1] + gap) if placed else t[0])
    return [((t[0], p), t[1], t[2], t[3]) for t, p in zip(ordered, placed, strict=True)]


def _thin_ticks(ax, n: int, max_ticks: int = 12) -> None:
    if n > max_ticks:
        step = math.ceil(n / max_ticks)
        for i, label in enumerate(ax.get_xticklabels()):
            label.set_visible(i % step == 0 or i == n - 1)


def _percent_formatter():
    """Tick labels in percent: whole numbers where the tick is whole, else one decimal, so a
    tick at 2.5 never reads "3%"."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_percent(v, 0 if float(v).is_integer() else 1))


def _count_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_count(v))


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: the frame has no column {', '.join(map(repr, missing))}")


# --------------------------------------------------------------------------------------------
# Delivery plan RAG summary
# --------------------------------------------------------------------------------------------

def _rag_counts(summary) -> dict[str, int]:
    if hasattr(summary, "key") and isinstance(summary.key, pd.DataFrame):
        summary = summary.key  # a delivery_plan.TrackerSummary
    if isinstance(summary, pd.DataFrame):
        col_status = next((c for c in ("status", "rag") if c in summary.columns), None)
        col_n = next((c for c in ("number", "count", "n") if c in summary.columns), None)
        if col_status is None or col_n is None:
            raise ValueError("rag_summary_chart: expected columns 'status' and 'number'")
        items = zip(summary[col_status], summary[col_n], strict=True)
    elif isinstance(summary, (pd.Series, Mapping)):
        items = summary.items()
    else:
        raise TypeError("rag_summary_chart takes a mapping, Series or frame of status counts")
    counts = dict.fromkeys(RAG_STYLE, 0)
    for status, n in items:
        key = _RAG_ALIASES.get(str(status).strip().lower())
        if key is None:
            raise ValueError(f"rag_summary_chart: unknown status {status!r}")
        counts[key] += int(n)
    return counts


def _rag_rows(rows) -> list[tuple[str, dict[str, int]]]:
    if isinstance(rows, pd.DataFrame):
        # wide, as delivery_plan.counts_by_lead: a name column then one column per status
        statuses = [c for c in rows.columns if str(c).strip().lower() in _RAG_ALIASES]
        names = [c for c in rows.columns if c not in statuses and c != "Total"]
        if not statuses or not names:
            raise ValueError("rag_summary_chart: rows needs a name column and status columns")
        return [(str(r[names[0]]), _rag_counts({s: r[s] for s in statuses}))
                for _, r in rows.iterrows()]
    return [(str(name), _rag_counts(counts)) for name, counts in rows.items()]


def rag_summary_chart(
    summary,
    *,
    title: str,
    source: str,
    rows=None,
    alt: str | None = None,
) -> Figure:
    """Delivery-plan status as a horizontal stacked bar: Green, Amber, Red, Not started.

    Each segment is labelled with its status, number and percentage ("Green 12 (75%)"), and
    carries a hatch as well as a colour, so the chart reads in grey print and for readers who
    cannot tell red from green.

    Parameters
    ----------
    summary : TrackerSummary, DataFrame, Series or mapping
        Counts by status for the whole plan: a
        :class:`~pccanalysis.indicators.delivery_plan.TrackerSummary`, its ``key`` frame
        (``status``, ``number``), or ``{"Green": 12, ...}``. "White" and "NS" are read as
        "Not started".
    rows : DataFrame or mapping, optional
        Extra bars below the whole-plan bar: a wide frame such as
        :func:`~pccanalysis.indicators.delivery_plan.counts_by_lead` (a name column, then one
        column per status), or ``{"T1 Protecting people": {"Green": 4, ...}, ...}``.
    """
    bars = [("All deliverables", _rag_counts(summary))]
    if rows is not None and len(rows):
        bars += _rag_rows(rows)
    total = sum(bars[0][1].values())
    if total == 0:
        raise ValueError("rag_summary_chart: no deliverables to summarise")
    parts = [f"{format_count(n)} {k.lower()}" for k, n in bars[0][1].items() if n]
    description = (f"Bar chart of the status of {format_count(total)} delivery-plan "
                   f"deliverables ({', '.join(parts)})")
    height = 1.6 + 0.55 * len(bars)
    with house_style():
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt),
                         height=height)
        ax = fig.add_subplot()
        ax.grid(False)
        for i, (_name, counts) in enumerate(bars):
            n_total = sum(counts.values())
            left = 0.0
            for status, n in counts.items():
                if n == 0:
                    continue
                share = 100 * n / n_total
                style = RAG_STYLE[status]
                ax.barh(i, share, left=left, height=0.6, color=style["colour"],
                        hatch=style["hatch"], edgecolor=TEXT_GREY, linewidth=0.8,
                        label=status, gid=f"rag-{status}")
                label = f"{status}\n{format_count(n)} ({format_percent(share, 0)})"
                if share >= 12:
                    ax.text(left + share / 2, i, label, ha="center", va="center", fontsize=8,
                            color=style["text"], fontweight="bold",
                            bbox={"facecolor": style["colour"], "edgecolor": "none",
                                  "pad": 1.0, "alpha": 0.85})
                else:
                    # too narrow to hold its label: write it above the bar
                    ax.text(left + share / 2, i - 0.42, label.replace("\n", " "),
                            ha="center", va="bottom", fontsize=8, color="black")
                left += share
        ax.set_yticks(range(len(bars)), [name for name, _ in bars])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(_percent_formatter())
        ax.set_xlabel("Share of deliverables")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    return fig


# --------------------------------------------------------------------------------------------
# Hotspot map
# --------------------------------------------------------------------------------------------

def read_boundaries(path: str | Path, name_property: str | None = None) -> list[dict]:
    """Read polygon boundaries (e.g. wards) from a GeoJSON file with the json module.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection in longitude/latitude (WGS84, as ONS publishes it).
    name_property : str, optional
        Property holding the area's name (e.g. ``"WD19NM"``); default: the first property whose
        name ends in "NM" or is "name".

    Returns
    -------
    list of dict
        ``{"name": str, "rings": [ndarray of shape (n, 2), ...]}``, one per feature, outer
        rings only (holes are drawn by their own outline).

    Raises
    ------
    pccanalysis.errors.DataError
        When the file is not GeoJSON polygons, naming the file.
    """
    from .errors import DataError

    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read boundaries as GeoJSON ({exc})", file=str(path)) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError("not a GeoJSON FeatureCollection (no 'features' list)", file=str(path))
    out = []
    for i, feature in enumerate(features):
        geometry = (feature or {}).get("geometry") or {}
        props = (feature or {}).get("properties") or {}
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry.get("coordinates", [])]
        elif kind == "MultiPolygon":
            polygons = geometry.get("coordinates", [])
        else:
            raise DataError(
                f"feature {i + 1} is a {kind!r}, not a Polygon or MultiPolygon", file=str(path)
            )
        key = name_property or next(
            (k for k in props if k.upper().endswith("NM") or k.lower() == "name"), None
        )
        name = str(props.get(key, f"area {i + 1}")) if key else f"area {i + 1}"
        rings = []
        for polygon in polygons:
            for ring in polygon:
                arr = np.asarray(ring, dtype=float)
                if arr.ndim != 2 or arr.shape[1] < 2:
                    raise DataError(f"feature {i + 1} has malformed coordinates", file=str(path))
                rings.append(arr[:, :2])
        out.append({"name": name, "rings": rings})
    return out


def _scale_bar(ax, mid_lat: float) -> None:
    """A kilometre scale bar in the lower left, sized to about a fifth of the map's width."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_degree = 111.32 * math.cos(math.radians(mid_lat))
    width_km = (x1 - x0) * km_per_degree
    length = next((k for k in (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1) if k <= width_km / 5), 0.1)
    start_x, start_y = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([start_x, start_x + length / km_per_degree], [start_y, start_y], color="black",
            linewidth=2.5, solid_capstyle="butt", zorder=5, gid="scale-bar")
    ax.text(start_x, start_y + 0.015 * (y1 - y0), f"{format_number(length, 0 if length >= 1 else 1)} km",
            fontsize=8, va="bottom", ha="left", zorder=5)


def hotspot_map(
    frame: pd.DataFrame,
    *,
    title: str,
    source: str,
    what: str = "incidents",
    gridsize: int = 30,
    boundaries: str | Path | Sequence[dict] | None = None,
    label_boundaries: bool = False,
    suppress_below: int | None = None,
    alt: str | None = None,
) -> Figure:
    """Hexagonal-bin counts of located incidents, optionally over area boundaries.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``longitude`` and ``latitude`` in degrees (WGS84); rows without a location
        (NaN) are left out and counted in the alt text.
    what : str
        Plural noun for what is counted, used in labels ("crimes", "ASB incidents").
    gridsize : int
        Number of hexagons across the map.
    boundaries : path or list of dict, optional
        A GeoJSON file path (read with :func:`read_boundaries`) or its parsed result; drawn
        as outlines under the hexagons. No map tiles are used.
    suppress_below : int, optional
        Hide hexagons with fewer than this many incidents (disclosure control); the number of
        incidents hidden is stated in the source line.

    Returns
    -------
    matplotlib.figure.Figure
        The hexbin collection carries the counts: ``fig.axes[0].collections`` holds it (gid
        ``"hotspots"``); ``fig.pcc_max_cell`` is the largest cell count shown.
    """
    _require_columns(frame, ["longitude", "latitude"], "hotspot_map")
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float)
    located = np.isfinite(lon) & np.isfinite(lat)
    n_missing = int((~located).sum())
    lon, lat = lon[located], lat[located]
    if lon.size == 0:
        raise ValueError("hotspot_map: no located rows to map")
    shapes = read_boundaries(boundaries) if isinstance(boundaries, (str, Path)) else boundaries
    description = f"Map of {format_count(lon.size)} {what} counted in hexagonal cells"
    if n_missing:
        verb = "is" if n_missing == 1 else "are"
        description += f" ({format_count(n_missing)} without a location {verb} not shown)"
    mincnt = max(1, int(suppress_below)) if suppress_below else 1
    with house_style():
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt),
                         width=FIG_WIDTH, height=5.6)
        ax = fig.add_subplot()
        ax.grid(False)
        mid_lat = float(np.nanmean(lat))
        # degrees of longitude shrink with latitude: keep the map's shape true
        ax.set_aspect(1.0 / math.cos(math.radians(mid_lat)))
        extent = None
        if shapes:
            xs = np.concatenate([r[:, 0] for s in shapes for r in s["rings"]])
            ys = np.concatenate([r[:, 1] for s in shapes for r in s["rings"]])
            extent = (min(xs.min(), lon.min()), max(xs.max(), lon.max()),
                      min(ys.min(), lat.min()), max(ys.max(), lat.max()))
        hb = ax.hexbin(lon, lat, gridsize=gridsize, mincnt=mincnt, cmap="viridis_r",
                       linewidths=0.2, edgecolors="white", extent=extent, zorder=2,
                       gid="hotspots")
        counts = hb.get_array()
        shown = int(np.asarray(counts).sum()) if counts is not None else 0
        fig.pcc_max_cell = int(np.max(counts)) if counts is not None and len(counts) else 0
        if shapes:
            for shape in shapes:
                for ring in shape["rings"]:
                    ax.add_patch(Polygon(ring, closed=True, fill=False, edgecolor=TEXT_GREY,
                                         linewidth=0.6, zorder=3, gid=f"boundary-{shape['name']}"))
                if label_boundaries:
                    ring = max(shape["rings"], key=len)
                    cx, cy = ring[:, 0].mean(), ring[:, 1].mean()
                    ax.text(cx, cy, shape["name"], ha="center", va="center", fontsize=7,
                            color="black", zorder=4)
        cbar = fig.colorbar(hb, ax=ax, shrink=0.7, pad=0.02)
        cbar.set_label(f"{what.capitalize()} per cell")
        cbar.ax.yaxis.set_major_formatter(_count_formatter())
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        _scale_bar(ax, mid_lat)
        if suppress_below and shown < lon.size:
            hidden = lon.size - shown
            note = (f"Cells with fewer than {suppress_below} {what} are not shown "
                    f"({format_count(hidden)} {what} in all).")
            _append_source(fig, note)
    return fig


# --------------------------------------------------------------------------------------------
# Funnel plot
# --------------------------------------------------------------------------------------------

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
    units, curves = result.units, result.curves
    _require_columns(units, ["unit", "denominator", "value", "flag"], "funnel_plot")
    if units.empty:
        raise ValueError("funnel_plot: no units to draw")
    unknown = set(units["flag"]) - set(FUNNEL_STYLE)
    if unknown:
        raise ValueError(f"funnel_plot: unknown flag {sorted(unknown)[0]!r}")
    per_text = format_count(result.per)
    default_x, default_y = _FUNNEL_AXES[result.kind]
    xlabel = xlabel or default_x
    ylabel = ylabel or default_y.format(per=per_text)
    decimals = 2 if result.kind == "ratio" else 1
    tags = [f"{100 * level:g}".replace(".", "") for level in result.levels]
    words = [f"{format_number(100 * level, 1 if tags[i] != '95' else 0)}%"
             for i, level in enumerate(result.levels)]
    outside = {side: [str(u) for u in units.loc[units["flag"] == f"{side}_{tags[1]}", "unit"]]
               for side in ("high", "low")}
    target_word = "average" if result.target_source == "pooled" else "target"
    what = (f"rates per {per_text} people" if result.kind == "rate"
            else "percentages" if result.kind == "proportion" else "ratios")
    parts = [f"{format_count(len(outside[s]))} {'above' if s == 'high' else 'below'}"
             for s in ("high", "low") if outside[s]]
    description = (f"Funnel plot of {format_count(len(units))} areas' {what} against "
                   f"{xlabel.lower()}, with {words[0]} and {words[1]} control limits around the "
                   f"{target_word} of {format_number(result.target, decimals)}"
                   f"{': ' + ' and '.join(parts) + ' the ' + words[1] + ' limits' if parts else ''}")
    if label_all is None:
        label_all = len(units) <= 10
    with house_style():
        fig = new_figure(title=title, source=source, alt=_alt(description, title, alt),
                         height=4.6)
        ax = fig.add_subplot()
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
        names = units["unit"].astype("str").to_numpy()
        if focus is not None:
            at = names == str(focus)
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
        xmax = ax.get_xlim()[1]
        for name, xx, yy, flag in zip(names, x, y, units["flag"], strict=True):
            if label_all or name == str(focus) or flag.endswith(tags[1]):
                # names of points near the right edge go on their left, clear of the line labels
                left = xx > 0.7 * xmax
                ax.annotate(name, xy=(xx, yy), xytext=(-7 if left else 7, 4),
                            textcoords="offset points", ha="right" if left else "left",
                            fontsize=8, color="black",
                            fontweight="bold" if name == str(focus) else "normal",
                            gid=f"label-{name}")
        # direct labels for the lines at the right-hand edge, nudged apart where they converge
        last = curves.iloc[-1]
        ymin, ymax = ax.get_ylim()
        items = [(float(result.target),
                  f"{target_word.capitalize()} {format_number(result.target, decimals)}",
                  "black", xmax)]
        items += [(float(last[f"upper_{tag}"]), word, TEXT_GREY, xmax)
                  for tag, word in zip(tags, words, strict=True)
                  if ymin < float(last[f"upper_{tag}"]) < ymax]
        for (_y, placed), text, colour, xx in _spread_labels(items, 0.05 * (ymax - ymin)):
            ax.text(xx, placed, f" {text}", va="center", ha="left", fontsize=8, color=colour,
                    clip_on=False)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_formatter(_count_formatter())
        from matplotlib.ticker import FuncFormatter

        tick_decimals = 0 if ymax - ymin > 10 else decimals
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: format_number(v, tick_decimals)))
        note = f"Dashed lines: {words[0]} limits; solid lines: {words[1]} limits."
        if (units["flag"] != "within").any():
            note += (f" \u25b2 above, \u25bc below the {words[0]} limits; filled when also "
                     f"outside the {words[1]} limits.")
        if result.adjusted:
            note += (" Limits widened for the usual variation between areas "
                     "(over-dispersion; Spiegelhalter 2005).")
        _append_source(fig, note)
    fig.pcc_outside = outside
    return fig


__all__.append("funnel_plot")


# --------------------------------------------------------------------------------------------
# Harm-weighted crime
# --------------------------------------------------------------------------------------------


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
    _require_columns(table, ["count", "harm"], "harm_chart")
    if table.empty:
        raise ValueError("harm_chart: no rows to draw")
    period = table.columns[0]
    data = table.sort_values(period, kind="stable")
    labels = [_period_text(p) for p in data[period]]
    first, last = labels[0], labels[-1]
    with house_style():
        fig = new_figure(
            title=title, source=source, height=5.0,
            alt=_alt(f"Two line charts, one above the other, of the number of crimes and their "
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
            ax.yaxis.set_major_formatter(_count_formatter())
        # ticks counted back from the latest period, so it is always labelled and never
        # crowded by its neighbour
        step = max(1, math.ceil(len(labels) / 8))
        ticks = x[::-1][::step][::-1]
        bottom.set_xticks(ticks, [labels[i] for i in ticks])
        bottom.set_xlim(-0.4, len(labels) - 1 + 0.8)
    return fig


__all__.append("harm_chart")
