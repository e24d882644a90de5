"""The partnership targets section of the quarterly briefing: each target's progress,
status and trajectory chart, on police data or on the hate-crime victim extract."""

from __future__ import annotations

import pandas as pd

from ..config import Config
from ..errors import PeriodError
from ..figures.targets import target_chart
from ..indicators.counts import month_counts
from ..indicators.targets import target_progress
from ..narrative.gaps import figure_caveat, gap_caveat
from ..narrative.targets import target_name, target_sentence
from ..narrative.words import history_sentence
from ..numbers import format_percent, join_words
from ..periods import Quarter, parse_period
from ..sources.targets import read_targets
from .common import (
    Section,
    add_caveat,
    cap_first,
    data_gaps,
    local_source,
    months_to,
    police_source,
    proper_nouns,
    series_frame,
    series_gaps,
)
from .hate_crime import read_victims, repeat_victim_table
from .html import simple_table_html
from .inputs import AreaData

#: Indicator names of targets measured from the hate-crime victim extract (compared in lower
#: case, hyphens and spaces alike): the column of the monthly repeat-victim table they count,
#: and whether the name is plural for the verb.
VICTIM_INDICATORS = {
    "repeat hate crime victims": ("repeat_victims", True),
    "repeat victims of hate crime": ("repeat_victims", True),
    "hate crime victims": ("victims", True),
    "victims of hate crime": ("victims", True),
    "hate crime": ("incidents", False),
    "hate crimes": ("incidents", True),
}


def _victim_indicator(config: Config, target) -> tuple[str, bool] | None:
    """What a target counts in the hate-crime victim extract, or None when it is not one of
    the extract's series (or the extract is not configured)."""
    path = config.data.hate_crime_victims
    if path is None:
        return None
    key = " ".join(target.indicator.lower().replace("-", " ").split())
    if key not in VICTIM_INDICATORS:
        return None
    source = target.source.strip().lower()
    if source not in (path.name.lower(), path.stem.lower(), "hate_crime_victims"):
        return None
    return VICTIM_INDICATORS[key]


def performance_targets(config: Config, data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Each partnership target: progress, status, trajectory chart, and a table of them all.

    Targets on police data are measured on the monthly count to the quarter's end. Targets on
    the hate-crime victim extract ("repeat hate-crime victims", "hate-crime victims", "hate
    crime", with ``source`` naming the extract) are measured the same way on the extract's
    monthly series (:func:`~pccanalysis.briefing.hate_crime.repeat_victim_table` by
    month). A monthly count of repeat victims
    counts a person once in each month they are a repeat victim, so its yearly total is
    repeat-victim months, not distinct people; a note says so. Other local targets are listed
    in a note. A detected publication gap in a compared month gives a caveat, and is left out
    of the assurance chart.
    """
    if config.data.targets is None:
        return Section(missing="No partnership targets file is configured (data.targets).")
    gaps = data_gaps(data) if gaps is None else gaps
    months = months_to(data, quarter)
    proper = proper_nouns(data)
    section = Section()
    rows, skipped, victims = [], [], {}
    for t in read_targets(config.data.targets):
        try:
            measured = _measure(config, data, quarter, t, section, gaps, months, victims)
        except PeriodError:
            needed = parse_period(t.baseline).months
            section.sentences.append(history_sentence(
                f"The target to {target_name(t, proper)}", needed, data.months[0],
                data.months[-1], plural=False))
            continue
        if measured is None:
            skipped.append(t.name)
            continue
        progress, plural, source = measured
        add_caveat(section, figure_caveat(cap_first(target_name(t, proper)), progress.caveat))
        section.sentences.append(target_sentence(progress, plural=plural, proper_nouns=proper))
        section.figures.append(target_chart(progress, title=as_title_target(progress, proper),
                                            source=source))
        section.results[t.name] = progress
        rows.append({
            "Target": cap_first(target_name(t, proper)),
            "Baseline": progress.baseline_label,
            "Now": progress.current_label,
            "Change": format_percent(progress.percent_change, signed=True),
            "Needed by now": format_percent(progress.needed_percent_by_now, signed=True),
            "Status": _status_words(progress),
        })
    if rows:
        section.tables.append(simple_table_html(pd.DataFrame(rows), "Partnership targets",
                                                numeric=("Change", "Needed by now")))
        section.results["rows"] = rows
    if skipped:
        section.notes.append(
            f"Targets on other local extracts ({join_words(skipped)}) are not measured here: "
            "this briefing has no series for them.")
    return section


def _measure(config: Config, data: AreaData, quarter: Quarter, t, section: Section, gaps,
             months: list, victims: dict):
    """One target's progress, whether its subject is plural, and its chart's source line; None
    for a target on an extract this briefing has no series for. ``victims`` keeps the monthly
    repeat-victim table once read (its data quality goes into ``section``)."""
    local = _victim_indicator(config, t)
    if t.source == "police_uk":
        series = month_counts(series_frame(data, t.indicator), months=months)
        hit = series_gaps(gaps, months, t.indicator)
        # gap months (and their calendar pairs) out of both windows and the chart's limits
        progress = target_progress(t, series, value="count", period="month",
                                   as_of=quarter.last_month, gaps=hit,
                                   gap_policy="exclude", dispersion="estimate")
        # the detected gaps from the baseline's start on, named even when left out
        start = parse_period(t.baseline).first_month
        add_caveat(section, gap_caveat(hit, [m for m in months if m >= start]))
        return progress, False, police_source(config)
    if local is None:
        return None
    column, plural = local
    if "table" not in victims:
        frame, dq = read_victims(config, data)
        section.quality.append(dq)
        victims["table"] = repeat_victim_table(frame, freq="month")
    table = victims["table"]
    series = table[table["last_month"] <= quarter.last_month]
    progress = target_progress(t, series, value=column, period="first_month",
                               as_of=quarter.last_month, dispersion="estimate")
    if column == "repeat_victims":
        _repeat_target_notes(section, table, progress)
    return progress, plural, local_source(config, "hate-crime victim extract")


def _status_words(progress) -> str:
    """A target's status as a table shows it: "on track", "at risk", "off track", or once the
    deadline has passed "met", "not clearly met", "missed" (as the sentence says)."""
    past = {"on track": "met", "at risk": "not clearly met", "off track": "missed"}
    return past[progress.status] if progress.past_deadline else progress.status


def as_title_target(progress, proper_nouns=()) -> str:
    """A target chart's title: the target and its status, e.g. "Reduce crime by 10%: on
    track" (after the deadline "met", "not clearly met" or "missed")."""
    return f"{cap_first(target_name(progress.target, proper_nouns))}: {_status_words(progress)}"


def _repeat_target_notes(section: Section, table: pd.DataFrame, progress) -> None:
    """The caveats a repeat-victim target needs: what its yearly total counts, and any month
    compared whose look-back is short of a full year."""
    note = ("Repeat-victim targets are measured on monthly counts of repeat victims: a person "
            "who is a repeat victim in two months of a year counts twice in that year's total.")
    if note not in section.notes:
        section.notes.append(note)
    used = set(progress.baseline_months) | set(progress.current_months)
    short = table[table["first_month"].isin(used) & ~table["lookback_complete"]]
    if len(short):
        first = short["first_month"].max()
        section.caveats.append(
            f"The hate-crime extract does not reach a full year before "
            f"{first.strftime('%B %Y')}, so repeat victims in the months up to then are "
            "undercounted.")
