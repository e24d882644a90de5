"""The crime-outcomes section of the quarterly briefing.

Outcomes are read from the street files' ``Last outcome category`` (always there) and, when
the configuration names outcomes files (``data.outcomes``) or the police data folders hold
them, from the outcomes files' history. Which cohorts are shown, and why, is in
:func:`outcomes_section`; the statistics are :mod:`pccanalysis.indicators.outcomes`, the words
:mod:`pccanalysis.narrative.outcomes` and the chart :mod:`pccanalysis.figures.outcomes`.
"""

from __future__ import annotations

import pandas as pd

from ..config import Config
from ..figures.outcomes import outcome_chart
from ..indicators.disclosure import suppress
from ..indicators.outcomes import (
    CHARGED,
    EVIDENTIAL,
    MATURE_MONTHS,
    NO_SUSPECT,
    OUT_OF_COURT,
    CohortOutcomes,
    SameAgeChange,
    cohort_outcomes,
    cohort_quarters,
    latest_matured_quarter,
    outcomes_at_age,
    same_age_change,
)
from ..narrative.outcomes import (
    matured_sentence,
    method_sentence,
    outcome_title,
    recent_sentence,
    same_age_sentence,
    unrecognised_sentence,
)
from ..numbers import format_count, format_percent
from ..periods import Quarter
from ..sources.police_uk.files import holding
from ..sources.police_uk.read import read_outcomes
from ..sources.police_uk.schema import OUTCOMES
from .common import Section, police_source
from .html import simple_table_html
from .inputs import AreaData

#: Quarters of cohorts the chart shows, up to the briefing's quarter.
CHART_QUARTERS = 8
#: Outcome groups the crime-type table shows beside the charge rate; the rest are "Other".
TABLE_GROUPS = (CHARGED, OUT_OF_COURT, NO_SUSPECT, EVIDENTIAL)


def outcome_paths(config: Config) -> list:
    """The configured outcomes files (``data.outcomes``), else the police data paths that hold
    outcomes files; empty when there are none."""
    return holding(config.data.outcomes or config.data.police_uk, OUTCOMES.kind)


def outcomes_section(config: Config, data: AreaData, quarter: Quarter, *,
                     mature_months: int = MATURE_MONTHS) -> Section:
    """Crime outcomes: the latest matured cohort in full, the quarter's own cohort so far, and,
    with outcomes files, the quarter against the same quarter last year at the same age.

    The outcomes stand as at the last month of the police data. The latest matured cohort is
    the latest quarter (the briefing's quarter or before) whose crimes have all had
    ``mature_months``; its outcome groups are given with 95% Wilson intervals, overall and by
    crime type (a table under disclosure control). The briefing's quarter, when younger, gets
    one sentence on its share still under investigation and no comparison. Only with outcomes
    files are two quarters compared, each crime's outcome read as it stood the same number of
    months after the crime, with a rise or fall said only when the 95% interval of the
    difference excludes none. A chart shows every cohort of the last two years with its age.
    """
    as_of = data.months[-1]
    section = Section()
    quarters = [q for q in cohort_quarters(data.months[0], as_of) if q <= quarter]
    if quarter not in quarters:
        section.notes.append(f"The police data does not cover all of {quarter.label}, so its "
                             "outcomes are not shown.")
        return section
    frame = data.frame
    cohorts = [cohort_outcomes(frame, q, as_of) for q in quarters[-CHART_QUARTERS:]]
    matured_q = latest_matured_quarter(quarter, as_of, mature_months)
    recent = cohorts[-1]
    section.results.update(recent=recent, cohorts=cohorts)
    if matured_q in quarters:
        matured = cohort_outcomes(frame, matured_q, as_of)
        section.results["matured"] = matured
        section.sentences.append(matured_sentence(matured, mature_months=mature_months))
        section.tables.append(_type_table(config, matured))
        title = outcome_title(matured)
    else:
        matured = None
        section.notes.append(f"The police data does not reach back to a quarter whose crimes "
                             f"have all had {mature_months} months, so no quarter's outcomes "
                             "are complete enough to give in full.")
        title = f"Outcomes of crimes recorded in {cohorts[0].label} to {recent.label}"
    if matured_q != quarter:
        section.sentences.append(recent_sentence(recent))
    change = _same_age(config, data, quarter, section)
    if change is not None:
        section.sentences.append(same_age_sentence(change))
        section.tables.append(_change_table(config, change))
        section.results["same_age"] = change
    section.figures.append(outcome_chart(cohorts, title=title, source=police_source(config)))
    section.notes.append(method_sentence(mature_months))
    unknown = {}
    for c in cohorts + ([matured] if matured is not None else []):
        for k, v in c.unrecognised.items():
            unknown[k] = max(unknown.get(k, 0), v)
    if (line := unrecognised_sentence(unknown)) is not None:
        section.caveats.append(line)
    return section


def _same_age(config: Config, data: AreaData, quarter: Quarter,
              section: Section) -> SameAgeChange | None:
    """The quarter and the same quarter last year at the same age, from the outcomes files;
    None (with a note when files exist but cannot serve) otherwise."""
    paths = outcome_paths(config)
    if not paths:
        return None
    outcomes, dq = read_outcomes(paths, cache_dir=config.cache_dir)
    section.quality.append(dq)
    last = min(data.months[-1], outcomes["month"].max())
    previous = quarter.same_quarter_last_year()
    age = (last - quarter.last_month).n
    if age < 0 or previous.first_month < data.months[0]:
        section.notes.append(f"The outcomes files do not cover {quarter.label} and "
                             f"{previous.label} at the same age, so they are not compared.")
        return None
    now = outcomes_at_age(data.frame, outcomes, quarter, age)
    then = outcomes_at_age(data.frame, outcomes, previous, age)
    return same_age_change(now, then, CHARGED)


def _type_table(config: Config, cohort: CohortOutcomes) -> str:
    """The matured cohort by crime type: crimes, the charge rate with its interval and the main
    other outcomes, small counts hidden (with enough others to protect them)."""
    by = cohort.by
    wide = by.pivot_table(index="crime_type", columns="group", values="count",
                          aggfunc="sum", observed=True, fill_value=0)
    counts = wide.reindex(columns=list(TABLE_GROUPS), fill_value=0)
    counts["Other outcomes"] = wide.sum(axis=1) - counts.sum(axis=1)
    sup = suppress(counts, config.publication.suppression_threshold, totals=True)
    rows = []
    for crime_type in counts.index:
        total = int(wide.loc[crime_type].sum())
        row = {"Crime type": crime_type, "Crimes": format_count(total)}
        for group in TABLE_GROUPS:
            hidden = bool(sup.suppressed.loc[crime_type, group])
            cell = by[(by["crime_type"] == crime_type) & (by["group"] == group)].iloc[0]
            row[group] = sup.marker if hidden else format_percent(cell["share"])
            if group == CHARGED:
                row["95% interval"] = "" if hidden else (
                    f"{format_percent(cell['low'])} to {format_percent(cell['high'])}")
        rows.append(row)
    frame = pd.DataFrame(rows)
    note = (f" {sup.marker}: fewer than {sup.threshold} crimes, or hidden to protect such a "
            "cell." if sup.suppressed.to_numpy().any() else "")
    return simple_table_html(
        frame, f"Outcomes of crimes recorded in {cohort.label}, by crime type "
        f"(percent of each type's crimes; outcomes as at {cohort.as_of.strftime('%B %Y')}).{note}",
        numeric=[c for c in frame.columns if c != "Crime type"])


def _change_table(config: Config, change: SameAgeChange) -> str:
    """The same-age comparison by crime type, with each verdict (Holm-adjusted)."""
    threshold = config.publication.suppression_threshold
    rows = []
    for _, r in change.by.iterrows():
        small = any(0 < r[c] < threshold for c in ("current_count", "previous_count"))
        rows.append({
            "Crime type": r["crime_type"],
            change.previous.label: "[c]" if small else format_percent(r["previous_share"]),
            change.current.label: "[c]" if small else format_percent(r["current_share"]),
            "Verdict": "not shown" if small else str(r["verdict"]),
        })
    return simple_table_html(
        pd.DataFrame(rows), f"Crimes charged or summonsed {change.current.age} months after the "
        "crime's month, by crime type (verdicts allow for the number of types compared)",
        numeric=(change.previous.label, change.current.label))
