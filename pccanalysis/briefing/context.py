"""What a notebook calls to become a briefing: its context, and the page pieces it displays.

A notebook's parameters cell sets ``quarter``, ``area``, ``config_path`` and ``output_dir``;
its first library call is::

    b = open_briefing(config_path, area=area, quarter=quarter, output_dir=output_dir)

which loads the configuration once, picks the area and resolves ``"latest"``. The notebook then
displays library results through ``b``: the headline panel (:meth:`Briefing.show_headline`),
charts with their alt text (:meth:`Briefing.show_figure`), notes and caveats, and the
data-quality note (:meth:`Briefing.show_quality`). What it shows as headline figures and data
quality is also written to ``<output_dir>/briefing.json`` (the *sidecar*), which the runner
copies into the run manifest: one source of truth for what a briefing reported.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..config import Area, Config, load_config
from ..files import write_atomic
from ..narrative.disclosure import set_sentence_threshold
from ..periods import Quarter
from ..quality import DataQuality
from .html import render
from .inputs import expand_areas, resolve_quarter

SIDECAR_NAME = "briefing.json"
#: Charts saved beside a briefing (``<output_dir>/charts/NN-<title>.png`` and ``.svg``).
CHARTS_FOLDER = "charts"
#: The saved PNGs' resolution: print quality for a slide or a printed board pack.
PRINT_DPI = 300


@dataclass(frozen=True)
class HeadlineFigure:
    """One card of the headline panel.

    Attributes
    ----------
    label : str
        What is counted, e.g. ``"All crime"``.
    value : str
        The figure as the reader should see it, already formatted (``"4,812"``).
    verdict : str
        The finding in words, e.g. ``"fell 12% on last year"`` or ``"was similar (-2%)"``.
    tone : {"good", "bad", "neutral"}
        Whether the finding is good news (blue), bad news (orange) or neither (grey). The verdict
        always carries the meaning in words; colour only helps.
    detail : str
        One short line of context, e.g. ``"January to March 2021; same quarter last year 5,470"``.
    """

    label: str
    value: str
    verdict: str
    tone: Literal["good", "bad", "neutral"] = "neutral"
    detail: str = ""


def headline_panel_html(figures: list[HeadlineFigure]) -> str:
    """The headline panel (three to six cards) as an HTML fragment styled by the house sheet."""
    figures = list(figures)
    if not 1 <= len(figures) <= 6:
        raise ValueError(f"a headline panel shows one to six figures, not {len(figures)}.")
    for f in figures:
        if f.tone not in ("good", "bad", "neutral"):
            raise ValueError(f"tone must be 'good', 'bad' or 'neutral', not {f.tone!r}.")
    return render("headline_panel", figures=figures)


# An absolute path (POSIX or Windows) up to its last separator: the folders, not the file.
_FOLDERS = re.compile(r"(?:(?<![\w.])[A-Za-z]:[\\/]|(?<![\w.~:/])/)(?:[^\s/\\:;,()'\"]+[\\/])+")


def without_folders(text: str) -> str:
    """``text`` with every absolute path cut to its file name (``/home/a/x.csv`` -> ``x.csv``),
    so a briefing never shows where files lie on the machine that made it."""
    return _FOLDERS.sub("", text)


def quality_lines(quality: DataQuality) -> list[str]:
    """Plain lines for the data-quality note: :meth:`DataQuality.summary_lines`, except that a
    record of a step that read no files (placing rows in an area) opens with its counts only.
    Absolute paths in the records' notes are cut to file names (:func:`without_folders`)."""
    lines = quality.summary_lines()
    if not quality.files:
        lines[0] = (f"{quality.source}: {quality.rows_kept:,} of {quality.rows_read:,} rows "
                    "used.")
    return [without_folders(line) for line in lines]


def note_html(lines: list[str] | str, *, kind: Literal["note", "caveat"] = "note",
              title: str | None = None) -> str:
    """A boxed note (grey) or caveat (orange) holding plain sentences."""
    lines = [lines] if isinstance(lines, str) else list(lines)
    return render("note", lines=lines, kind=kind, title=title)


def paragraphs_html(sentences: list[str]) -> str:
    """Plain sentences, one paragraph each."""
    return render("paragraphs", sentences=list(sentences))


@dataclass
class Briefing:
    """One briefing being made: configuration, area, quarter, and what it has reported.

    Attributes
    ----------
    config : Config
    area : Area
    quarter : Quarter
    output_dir : Path or None
        Where the sidecar goes (``None`` when the notebook runs by hand).
    record : dict
        ``{"quality": {source: DataQuality dict}, "headline": [...], "notes": [...]}``.
    """

    config: Config
    area: Area
    quarter: Quarter
    output_dir: Path | None = None
    record: dict[str, Any] = field(default_factory=lambda: {"quality": {}, "headline": [],
                                                             "notes": [], "charts": []})
    _quality: dict[str, DataQuality] = field(default_factory=dict, repr=False)

    # -- recording --------------------------------------------------------------------------
    def record_quality(self, *quality: DataQuality) -> None:
        """Keep each loader's DataQuality for the manifest (and check it ties out)."""
        for q in quality:
            self.record["quality"][q.source] = q.check().to_dict()
            self._quality[q.source] = q
        self._save()

    def _save(self) -> None:
        if self.output_dir is None:
            return
        write_atomic(self.output_dir / SIDECAR_NAME,
                     json.dumps(self.record, indent=2, default=str))

    # -- display ----------------------------------------------------------------------------
    def show_headline(self, figures: list[HeadlineFigure]) -> None:
        """Display the headline panel and record its figures."""
        self.record["headline"] = [asdict(f) for f in figures]
        _display_html(headline_panel_html(figures))
        self._save()

    def show_quality(self, *quality: DataQuality, title: str | None = None) -> None:
        """Record ``quality`` and display the data-quality note (rows read, used, excluded and
        why): ``quality`` first, then every other input the briefing has recorded, then one
        line for each section left out because its input is not configured."""
        self.record_quality(*quality)
        given = {q.source for q in quality}
        shown = list(quality) + [q for s, q in self._quality.items() if s not in given]
        lines = [line for q in shown for line in quality_lines(q)]
        lines += self.record.get("not_shown", [])
        _display_html(note_html(lines or ["No input was read."], title=title))

    def show_note(self, lines: list[str] | str, title: str | None = None) -> None:
        """Display a plain note."""
        _display_html(note_html(lines, title=title))

    def show_caveat(self, lines: list[str] | str, title: str | None = "Caveat") -> None:
        """Display a caveat (e.g. a detected publication gap) and record it."""
        lines_list = [lines] if isinstance(lines, str) else list(lines)
        self.record["notes"].extend(lines_list)
        _display_html(note_html(lines_list, kind="caveat", title=title))
        self._save()

    def show(self, section, heading: str | None = None, intro: str | None = None, *,
             cards: bool = True) -> None:
        """Display a :class:`~pccanalysis.briefing.common.Section`: its caveats, headline
        panel, sentences, figures, tables and notes, in that order, and record its inputs'
        data quality and its caveats.

        Parameters
        ----------
        section : Section
        heading, intro : str, optional
            The section's heading (an h2) and a sentence or two under it, for a section the
            briefing shows only when its input is configured: a section whose input is not
            (``section.missing``) is left out, heading and all, and its one line goes into
            the data-quality note (:meth:`show_quality`).
        cards : bool
            Show the section's headline cards (``False`` when the summary already has).
        """
        if section.missing is not None:
            self.record.setdefault("not_shown", []).append(
                f"{heading or 'A section'}: not shown. {section.missing}")
            self._save()
            return
        if heading:
            _display_html(render("heading", heading=heading, intro=intro))
        for caveat in section.caveats:
            self.show_caveat(caveat)
        if section.headline and cards:
            self.show_headline(section.headline)
        if section.sentences:
            _display_html(paragraphs_html(section.sentences))
        for fig in section.figures:
            self.show_figure(fig)
        for table in section.tables:
            _display_html(str(table))
        if section.notes:
            self.show_note(section.notes)
        if section.quality:
            self.record_quality(*section.quality)

    def show_summary(self, summary) -> None:
        """Display a briefing's :class:`~pccanalysis.briefing.summary.Summary` and record its
        headline cards (the figures the manifest carries)."""
        self.record["headline"] = [asdict(f) for f in summary.cards]
        _display_html(summary.html())
        self._save()

    def show_html(self, fragment: str) -> None:
        """Display an HTML fragment made by a library function (a table, a list)."""
        _display_html(fragment)

    def show_figure(self, fig, alt: str | None = None) -> None:
        """Display a matplotlib figure as an ``<img>`` with alt text, then close it.

        The one embedding path of the project:
        :func:`pccanalysis.figures.style.figure_to_html` (an inline PNG at
        :data:`pccanalysis.figures.style.DPI`, rendered in the house style, with the description
        in the ``alt`` attribute and the figure's width), displayed as HTML, so the exported
        briefing carries the ``<img>`` as it is.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
        alt : str, optional
            One-sentence description for readers who cannot see the chart; defaults to the
            figure's ``alt_text`` attribute (set by :mod:`pccanalysis.figures`).

        Raises
        ------
        ValueError
            When the chart has no description: every chart in a briefing carries alt text.
        """
        # Imported here, not at the top: publish/run.py imports this module (SIDECAR_NAME)
        # at the CLI's start, which need not load matplotlib.
        import matplotlib.pyplot as plt

        from ..figures.style import figure_to_html

        alt = alt or getattr(fig, "alt_text", None) or getattr(fig, "pcc_alt", None)
        if not alt or not str(alt).strip():
            raise ValueError("this chart has no alt text: pass alt='one-sentence description'.")
        # figure_to_html reads the alt text from the figure (a chart made by hand has none)
        fig.pcc_alt = fig.alt_text = " ".join(str(alt).split())
        fragment = figure_to_html(fig)
        # Keep the layout the page's render settled for the print PNG and SVG below: working
        # constrained layout out twice more costs a fifth of drawing them (bench_run.py) and
        # gives the same positions.
        fig.set_layout_engine("none")
        if self.output_dir is not None:
            self.record["charts"].append(save_chart(
                fig, self.output_dir / CHARTS_FOLDER, len(self.record["charts"]) + 1))
            self._save()
        plt.close(fig)
        _display_html(fragment)


def open_briefing(config_path: str | os.PathLike | None = None, *, area: str | None = None,
                  quarter: str | Quarter = "latest",
                  output_dir: str | os.PathLike | None = None) -> Briefing:
    """Start a briefing: load the configuration, pick the area, resolve the quarter.

    Parameters
    ----------
    config_path : path-like, optional
        ``pcc.yaml``; the sample's when omitted (see :func:`pccanalysis.config.default_config_path`).
    area : str, optional
        The area's name; the configuration's first area when omitted.
    quarter : str or Quarter
        ``"2020-21 Q4"`` or ``"latest"`` (the latest complete quarter in the police data).
    output_dir : path-like, optional
        Where the run wants the sidecar; ``None`` when running by hand.

    Notes
    -----
    Sets the configuration's small-number threshold as the one every sentence obeys in this
    process (:func:`pccanalysis.narrative.disclosure.set_sentence_threshold`).
    """
    config: Config = expand_areas(load_config(config_path))
    # every sentence the briefing prints obeys the tables' small-number threshold
    set_sentence_threshold(config.publication.suppression_threshold)
    return Briefing(
        config=config,
        area=config.area(area),
        quarter=resolve_quarter(config, quarter),
        output_dir=Path(output_dir) if output_dir else None,
    )


def save_chart(fig, folder: Path, number: int) -> dict[str, str]:
    """Save a chart as ``NN-<title>.png`` (:data:`PRINT_DPI`) and ``.svg``, for slides and print.

    Both files carry the chart's title and alt text (PNG text fields, SVG title and
    description); the SVG keeps its text as text.

    Returns
    -------
    dict
        ``{"file": "NN-<title>", "title": ..., "alt": ...}`` (the file without its suffix).
    """
    import matplotlib

    from ..figures.style import alt_text, house_style

    title = getattr(fig, "pcc_title", None) or ""
    alt = alt_text(fig)
    slug = _slug(title or alt)
    stem = f"{number:02d}-{slug or 'chart'}"
    named = {"Title": title} if title else {}
    png, svg = io.BytesIO(), io.BytesIO()
    # a fixed salt: the same chart gives the same SVG (element ids), run after run
    with house_style(), matplotlib.rc_context({"svg.hashsalt": "pccanalysis"}):
        # zlib level 3, not 6: files 10-20% larger, written in up to half the time
        # (measured on the Derbyshire charts, bench/bench_run.py)
        fig.savefig(png, format="png", dpi=PRINT_DPI, pil_kwargs={"compress_level": 3},
                    metadata={"Description": alt, "Software": None} | named)
        fig.savefig(svg, format="svg", metadata={"Description": alt, "Date": None} | named)
    write_atomic(folder / f"{stem}.png", png.getvalue())
    write_atomic(folder / f"{stem}.svg", svg.getvalue())
    return {"file": stem, "title": title, "alt": alt}


def _slug(text: str, limit: int = 48) -> str:
    """A file-name part: lower-case words joined by ``-``, cut at a word within ``limit``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit + 1].rsplit("-", 1)[0]
    return slug


def _display_html(fragment: str) -> None:
    # Imported here for the CLI's start-up time, as in Briefing.show_figure.
    from IPython.display import HTML, display

    display(HTML(fragment))
