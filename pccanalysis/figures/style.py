"""House style for every chart: colours, figure size, the ``rc`` settings, a blank figure with
its title, source line and alt text, and rendering to PNG and HTML.

House style (:data:`HOUSE_RC`, applied inside each chart function with :func:`house_style`):

- sized for an A4 page: 7 x 4 inches at 10-11 pt, so the printed text is the size of body text;
- the Okabe-Ito colour-blind-safe palette (:data:`OKABE_ITO`), and never colour alone: a verdict
  is also a marker shape and a word, a RAG status also a hatch and a word;
- direct labels on lines and bars rather than legends;
- the title (left-aligned, bold) states the finding, a grey source line sits under the chart;
- alt text on every figure (``fig.pcc_alt``, also ``fig.alt_text``), written into the ``<img alt>`` by
  :func:`figure_to_html` and into the PNG's Description field by :func:`figure_to_png`.

The Making Data Count icons (:mod:`pccanalysis.figures.spc`) are drawn with matplotlib patches in
NHS England's colours (:data:`MDC_COLOURS`: blue improving, orange concerning, grey common
cause, purple neutral); nothing is fetched.

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
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from IPython.display import HTML, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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


def chart_alt(description: str, title: str, alt: str | None) -> str:
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
        raise ValueError("figure has no alt text: make it with pccanalysis.figures.style.new_figure")
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
    shown = HTML(figure_to_html(fig))
    display(shown)
    return shown


def append_source(fig: Figure, note: str) -> None:
    stop = "" if fig.pcc_source.endswith((".", "!", "?")) else "."
    fig.pcc_source = f"{fig.pcc_source}{stop} {note}"
    width = fig.get_figwidth()
    fig.supxlabel(textwrap.fill(fig.pcc_source, int(_SOURCE_WRAP * width / FIG_WIDTH)),
                  x=0.01, ha="left", fontsize=8, color=TEXT_GREY)
