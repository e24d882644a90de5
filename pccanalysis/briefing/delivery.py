"""The delivery-plan briefing's sections, from the partnership's delivery-plan tracker."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import Config
from ..figures.delivery_plan import rag_summary_chart
from ..indicators.delivery_plan import summarise_tracker
from ..narrative.delivery_plan import tracker_sentence
from ..narrative.words import as_title
from ..numbers import format_count
from ..periods import Quarter
from ..quality import DataQuality
from ..sources.tracker.read import read_tracker
from .common import Section, local_source
from .context import HeadlineFigure
from .html import (
    render_movement_table,
    render_status_key,
    render_tracker_table,
    simple_table_html,
)


def tracker_files(config: Config, quarter: Quarter):
    """The tracker for ``quarter`` (or the latest before it) and the one before that.

    Returns
    -------
    (current, previous) : tuple of (Quarter, Path) or None
    """
    known = sorted(q for q in config.data.tracker if q <= quarter)
    current = (known[-1], config.data.tracker[known[-1]]) if known else None
    previous = (known[-2], config.data.tracker[known[-2]]) if len(known) > 1 else None
    return current, previous


def tracker_headline(summary) -> list[HeadlineFigure]:
    """Headline cards for the delivery plan: the overall rating and each status's count."""
    tones = {"Green": "good", "Red": "bad"}
    cards = [HeadlineFigure("Overall rating", summary.rating.label.capitalize(),
                            f"of {format_count(summary.total)} deliverables", "neutral")]
    for _, row in summary.key.iterrows():
        cards.append(HeadlineFigure(str(row["status"]), format_count(row["number"]),
                                    str(row["label"]), tones.get(str(row["status"]), "neutral")))
    return cards[:6]


@dataclass
class DeliveryPlan:
    """The delivery-plan briefing's sections."""
    summary: Section
    movement: Section
    stale: Section
    table: Section
    quality: list[DataQuality]


def delivery_plan(config: Config, quarter: Quarter) -> DeliveryPlan:
    """Status summary, movement since the previous tracker, stale entries and the full table.

    Uses the tracker for ``quarter`` or, when there is none, the latest earlier one (said in a
    caveat).
    """
    current, previous = tracker_files(config, quarter)
    if current is None:
        why = (f"No delivery-plan tracker for {quarter.label} or earlier is configured "
               "(data.tracker).")
        return DeliveryPlan(*(Section(missing=why) for _ in range(4)), [])
    cq, cpath = current
    tracker, dq = read_tracker(cpath, quarter=cq.label)
    quality = [dq]
    prev = None
    if previous is not None:
        prev, pdq = read_tracker(previous[1], quarter=previous[0].label)
        quality.append(pdq)
    summary = summarise_tracker(tracker.deliverables, tracker.updates, cq.label,
                                previous=None if prev is None else prev.deliverables)
    sentence = tracker_sentence(summary)
    top = Section(sentences=[sentence], results={"summary": summary},
                  headline=tracker_headline(summary), findings=[sentence])
    if cq != quarter:
        top.caveats.append(f"The latest delivery-plan tracker is for {cq.label}; none was "
                           f"supplied for {quarter.label}, so this page reports {cq.label}.")
    top.figures.append(rag_summary_chart(summary, title=as_title(sentence),
                                         source=local_source(config, "delivery-plan tracker"),
                                         rows=summary.by_lead))
    top.tables.append(str(render_status_key(summary.key, rating=summary.rating)))
    top.notes.extend(summary.notes + tracker.notes)

    if prev is None or summary.movement is None:
        moves = Section(notes=["No earlier tracker is configured, so movement cannot be shown."])
    else:
        changed = summary.movement
        n = len(changed)
        moves = Section(
            sentences=[f"{format_count(n)} deliverable{'s' if n != 1 else ''} changed since "
                       f"{previous[0].label}." if n else
                       f"No deliverable changed status since {previous[0].label}."],
            tables=[str(render_movement_table(changed, caption=f"Changes since "
                                                               f"{previous[0].label}"))] if n else [],
            results={"movement": changed})
        moves.findings = list(moves.sentences) if n else []

    stale = summary.stale
    if len(stale):
        shown = stale.assign(last_update=stale["last_update"].map(
            lambda d: "never" if pd.isna(d) else f"{d.day} {d:%B %Y}"))
        shown = shown.rename(columns={"theme": "Theme", "number": "No.", "lead": "Lead",
                                      "deliverable": "Deliverable", "status": "Status",
                                      "last_update": "Last update"})
        stale_section = Section(
            sentences=[f"{format_count(len(stale))} deliverable{'s have' if len(stale) != 1 else ' has'} "
                       f"no update dated in {cq.label} or later."],
            tables=[simple_table_html(shown, f"Deliverables without a {cq.label} update")],
            results={"stale": stale})
        stale_section.findings = list(stale_section.sentences)
    else:
        stale_section = Section(sentences=[f"Every deliverable has an update for {cq.label}."])
    full = Section(tables=[str(render_tracker_table(
        tracker.deliverables, tracker.updates,
        caption=tracker.title or f"Delivery plan, {cq.label}"))])
    return DeliveryPlan(top, moves, stale_section, full, quality)
