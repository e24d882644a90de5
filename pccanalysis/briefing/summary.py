"""The summary every briefing opens with: what a board member reads in two A4 pages.

Headline cards, the few changes the statistics support (each section's ``findings``: a rise or
fall, a signal still going on in a chart), the targets with their status, and the caveats
that change how to read them. Everything here is taken from sections already built, so the
summary never says what the full sections do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..safe_html import SafeHtml
from .common import Section
from .context import HeadlineFigure, headline_panel_html, note_html
from .html import render, simple_table_html

#: At most this many caveats in a summary (the data-gap caveat comes first); the full
#: sections carry every one.
MAX_CAVEATS = 4


@dataclass
class Summary:
    """What a briefing's summary shows.

    Attributes
    ----------
    cards : list of HeadlineFigure
        The headline panel.
    findings : list of str
        The changes the statistics support, one sentence each.
    targets : list of dict
        One row per target: ``Target``, ``Now``, ``Change``, ``Needed by now``, ``Status``.
    caveats : list of str
        The caveats that change how to read the figures.
    """

    cards: list[HeadlineFigure] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def html(self) -> str:
        """The summary as an HTML fragment (``briefing/templates/summary.html.j2``)."""
        targets = None
        if self.targets:
            frame = pd.DataFrame(self.targets)
            # its own caption: the targets section's fuller table is "Partnership targets",
            # and the workbook names each sheet by its table's caption
            targets = simple_table_html(frame, "Targets at a glance",
                                        numeric=("Change", "Needed by now"))
        return render("summary", findings=self.findings, targets=targets,
                      panel=SafeHtml(headline_panel_html(self.cards)) if self.cards else None,
                      caveats=(SafeHtml(note_html(self.caveats, kind="caveat"))
                               if self.caveats else None))


def summarise(sections: Iterable[Section], *, cards: Section | None = None,
              targets: Section | None = None,
              caveats: Iterable[Section] = ()) -> Summary:
    """The summary of a briefing built from its sections.

    Parameters
    ----------
    sections : iterable of Section
        The sections whose findings the summary lists, in the order the briefing shows them.
    cards : Section, optional
        The section whose headline cards open the summary.
    targets : Section, optional
        :func:`~pccanalysis.briefing.targets.performance_targets`: its table's rows.
    caveats : iterable of Section
        The sections whose caveats the summary repeats (first ones first), at most
        :data:`MAX_CAVEATS`.
    """
    findings: list[str] = []
    for s in sections:
        if s.missing is None:
            findings += [f for f in s.findings if f not in findings]
    kept: list[str] = []
    for s in caveats:
        for c in s.caveats:
            # the same caveat with a chart's own words after it is the same caveat
            if not any(c.startswith(k) or k.startswith(c) for k in kept):
                kept.append(c)
    rows = [] if targets is None or targets.missing else targets.results.get("rows", [])
    return Summary(cards=[] if cards is None else list(cards.headline), findings=findings,
                   targets=[{k: r[k] for k in ("Target", "Now", "Change", "Needed by now",
                                                 "Status")} for r in rows],
                   caveats=kept[:MAX_CAVEATS])
