"""The quarterly performance briefing's sections: headline, trends, crime types and wards,
missing persons and data gaps (targets and hate crime have their own modules,
:mod:`~pccanalysis.briefing.targets` and :mod:`~pccanalysis.briefing.hate_crime`)."""

from __future__ import annotations

import pandas as pd

from ..config import Config
from ..figures.change import change_chart
from ..indicators.change import (
    DISPERSION_MIN_MONTHS,
    change_by,
    compare_counts,
    compared_periods,
    months_in_words,
    same_quarter_last_year,
    year_to_date,
)
from ..indicators.counts import all_crime
from ..indicators.significance import estimate_dispersion
from ..indicators.wards import COVERAGE_THRESHOLD, coverage_differs
from ..narrative.change import change_sentence, group_summary
from ..narrative.gaps import figure_caveat, gap_caveat
from ..narrative.wards import ward_coverage_sentence, ward_withheld_sentence
from ..narrative.words import as_title
from ..numbers import format_count, format_percent, join_words
from ..periods import Quarter
from ..sources.indicator_tables import read_indicator_tables
from .common import (
    ASB,
    Section,
    add_caveat,
    add_gap_caveat,
    area_wards,
    asb_rows,
    data_gaps,
    headline_change,
    headline_counts,
    months_short,
    police_source,
    reconcile,
    shown_if_history,
    spc_trend,
    too_little_history,
    ward_coverage_of,
)
from .html import change_table_html, simple_table_html
from .inputs import AreaData
from .rates import table_rates


def performance_headline(data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Headline: all crime and ASB against the same quarter last year and the year to date.

    Four cards, each with its verdict. Each change allows for the month-to-month variation of
    the series' own history (``dispersion="estimate"``), and a month with a detected
    publication gap is left out of both periods with its pair (``gap_policy="exclude"``), so
    the figure compares like with like; the periods' labels then say which months were left
    out ("... excluding October 2020"), and a caveat names the gap.
    """
    gaps = data_gaps(data) if gaps is None else gaps
    crime, asb = all_crime(data.frame), asb_rows(data.frame)
    section = Section()
    for comp, when in ((same_quarter_last_year(quarter), "this quarter"),
                       (year_to_date(quarter), "year to date")):
        if months_short(data, comp.months):
            section.sentences += too_little_history(f"The {when} figures", data,
                                                    comp.months).sentences
            continue
        for frame, label, subject in ((crime, "All crime", "Crime"), (asb, ASB, "ASB")):
            short = "ASB" if label == ASB else label
            headline_change(section, data, frame, comp, label, subject,
                             f"{short}, {when}", gaps, key=f"{short} {when}")
    return section


@shown_if_history("The monthly trend", plural=False)
def performance_trend(config: Config, data: AreaData, quarter: Quarter, what: str = "All crime",
                      gaps=None) -> Section:
    """The monthly SPC trend of all crime or one crime type to the quarter's end
    (:func:`~pccanalysis.briefing.common.spc_trend`)."""
    return spc_trend(config, data, quarter, what, gaps=gaps)


def performance_by(config: Config, data: AreaData, quarter: Quarter, by: str, gaps=None) -> Section:
    """Change on the same quarter last year by ward (all crime) or by crime type (every type).

    Counted on the area's own rows (and for wards, its own wards). Each row's test allows for
    the month-to-month variation of that row's own history (``dispersion="estimate"``) and the
    verdicts are adjusted for the number of rows (``adjust="holm"``), so a table of 14
    categories does not show a rise or fall by chance alone. A month with a detected
    publication gap is left out of both periods (with its pair): for crime types only in the
    category that has the gap (``gap_policy="exclude_own"``), which the row names; for wards,
    whose rows all count crime, in every ward, as the headline leaves it out. Each table ends
    with its total, which reconciles with the headline's crime count (a labelled row gives any
    difference); ASB is shown under the total, apart from crime.
    """
    gaps = data_gaps(data) if gaps is None else gaps
    comp = same_quarter_last_year(quarter)
    by = "ward" if by == "ward_name" else by  # wards are told apart by code, not by name
    if months_short(data, comp.months):
        return too_little_history(f"The {'ward' if by == 'ward' else 'crime-type'} table", data,
                                  comp.months, plural=False)
    if by == "ward":
        # only the area's own wards: a neighbour's ward is never one of "every ward"
        frame = all_crime(area_wards(data))
        table = change_by(frame, comp, "ward", gaps=gaps, available_months=data.months,
                          gap_policy="exclude", dispersion="estimate", adjust="holm")
        counted = compared_periods(frame, comp, gaps, gap_policy="exclude")
        return _ward_change(config, data, counted, table, gaps, comp)
    if by != "crime_type":
        raise ValueError(f"by must be 'ward' or 'crime_type', not {by!r}")
    # ASB is one of data.police.uk's categories but not a crime: "categories"
    table = change_by(data.frame, comp, "crime_type", gaps=gaps, available_months=data.months,
                      gap_policy="exclude_own", dispersion="estimate", adjust="holm")
    summary = group_summary(table, "crime_type", "the number recorded",
                            noun=("category", "categories"))
    fig = change_chart(table, group="crime_type", title=as_title(summary),
                       source=police_source(config))
    crime, asb = table[table["crime_type"] != ASB], table[table["crime_type"] == ASB]
    totals = reconcile(crime["previous"].sum(), crime["current"].sum(),
                       headline_counts(data, comp, gaps), comp,
                       "All crime (the categories above)")
    section = Section(sentences=[summary], figures=[fig], results={"table": table,
                                                                   "totals": totals})
    rated, totals = table_rates(config, data, comp, table, "crime_type", totals, section)
    crime, asb = rated[rated["crime_type"] != ASB], rated[rated["crime_type"] == ASB]
    left = {str(r["crime_type"]): months_in_words(r["caveat"].left_out + r["caveat"].paired)
            for _, r in table.iterrows() if r["caveat"] is not None and r["caveat"].left_out}
    notes = {group: f"left out: {months}" for group, months in left.items()}
    notes[ASB] = "not recorded crime, so not in the total" + (
        f"; left out: {left[ASB]}" if ASB in left else "")
    section.tables.append(change_table_html(crime, "crime_type", "Category", totals=totals,
                                            after=asb, notes=notes))
    if (table["verdict"] != "similar").any():
        section.findings.append(summary)
    add_caveat(section, gap_caveat(gaps, comp))
    _adjusted_note(section, table, ("category", "categories"))
    for note, rows in table.dropna(subset=["caveat"]).groupby("caveat", sort=False):
        names = ("Every category" if len(rows) == len(table)
                 else join_words(rows["crime_type"].astype("str")))
        add_caveat(section, figure_caveat(names, note))
    return section


def _adjusted_note(section: Section, table: pd.DataFrame, noun: tuple[str, str]) -> None:
    """The note a table needs when a row is "similar" although its own interval excludes no
    change: the verdicts allow for the number of rows."""
    clear = (table["ratio_low"] > 1) | (table["ratio_high"] < 1)
    if (clear & (table["verdict"] == "similar")).any():
        section.notes.append(
            f"Verdicts allow for the number of {noun[1]} compared, so a {noun[0]} can be "
            "\u201csimilar\u201d even when its 95% interval, which is for that "
            f"{noun[0]} alone, does not include no change.")


def _ward_change(config: Config, data: AreaData, comp, table: pd.DataFrame, gaps,
                 asked) -> Section:
    """The ward change table, its coverage sentence and, when coverage moved between the two
    periods by more than the threshold, counts only: no rises and falls. ``comp`` is the
    comparison counted (gap months left out), ``asked`` the one asked for. Either table ends
    with the area's crime, the headline's count."""
    coverage = ward_coverage_of(data, {comp.current_label: comp.current_months,
                                       comp.previous_label: comp.previous_months})
    covered = ward_coverage_sentence(coverage, vintage=data.ward_vintage)
    rest = coverage.set_index("period")["not_in_ward"]
    shown = pd.concat([table, pd.DataFrame([{
        "ward": "Not in any of the area's wards", "previous": rest[comp.previous_label],
        "current": rest[comp.current_label], "previous_label": comp.previous_label,
        "current_label": comp.current_label, "verdict": "not compared"}])], ignore_index=True)
    totals = reconcile(shown["previous"].sum(), shown["current"].sum(),
                       headline_counts(data, asked, gaps), asked,
                       "All crime in the area (the rows above)")
    results = {"table": table, "coverage": coverage, "totals": totals}
    if coverage_differs(coverage):
        withheld = ward_withheld_sentence(coverage, COVERAGE_THRESHOLD)
        counts = pd.concat([shown[["ward", "previous", "current"]], pd.DataFrame(
            [{"ward": t.label, "previous": t.previous, "current": t.current} for t in totals])],
            ignore_index=True).rename(columns={"ward": "Ward", "previous": comp.previous_label,
                                               "current": comp.current_label})
        for col in counts.columns[1:]:
            counts[col] = counts[col].map(format_count)
        classes = [None] * len(shown) + [f"pcc-{t.kind}" for t in totals]
        return Section(sentences=[withheld, covered], results=results, tables=[
            simple_table_html(counts, "Crimes by ward (not compared: see above)",
                              numeric=counts.columns[1:], row_classes=classes)])
    summary = group_summary(table, "ward", "crime", noun=("ward", "wards"))
    fig = change_chart(table, group="ward", title=as_title(summary), source=police_source(config))
    section = Section(sentences=[summary, covered], figures=[fig], results=results)
    shown, totals = table_rates(config, data, comp, shown, "ward", totals, section)
    section.tables.append(change_table_html(shown, "ward", "Ward", totals=totals))
    if (table["verdict"] != "similar").any():
        section.findings.append(summary)
    add_gap_caveat(section, gaps, asked, "All crime")
    _adjusted_note(section, table, ("ward", "wards"))
    for note, rows in table.dropna(subset=["caveat"]).groupby("caveat", sort=False):
        names = "Every ward" if len(rows) == len(table) else join_words(rows["ward"].astype("str"))
        add_caveat(section, figure_caveat(names, note))
    return section


def missing_persons(config: Config, area: str, quarter: Quarter) -> Section:
    """Missing-person reports in the quarter against the same quarter last year, with the
    breakdowns the indicator table gives (age, source of the report).

    Each breakdown's test allows for the month-to-month variation of its own history:
    ``phi`` from :func:`~pccanalysis.indicators.significance.estimate_dispersion` on the
    months before the quarter (the unbroken run of months with a value, back from the month
    before the quarter), when there are at least 12 of them; else 1 (Poisson noise), with a
    note.
    """
    name = "Missing person reports"
    if not config.data.indicator_tables:
        return Section(missing="No indicator tables are configured (data.indicator_tables).")
    table, dq = read_indicator_tables(config.data.indicator_tables)
    rows = table[(table["indicator"] == name) & (table["area"] == area)
                 & (table["period_kind"] == "month")]
    if rows.empty:
        return Section(missing=f"The indicator tables have no monthly {name.lower()} for {area}.",
                       quality=[dq])
    comp = same_quarter_last_year(quarter)
    section = Section(quality=[dq])
    out = []
    short = []
    for breakdown, group in rows.groupby("breakdown", sort=False):
        now = group[group["period_start"].isin(comp.current_months)]["value"]
        then = group[group["period_start"].isin(comp.previous_months)]["value"]
        if len(now) != 3 or len(then) != 3 or now.isna().any() or then.isna().any():
            continue
        history = _history_before(group, comp.current_months[0])
        if len(history) >= DISPERSION_MIN_MONTHS:
            phi = float(estimate_dispersion(history))
        else:
            phi = 1.0
            short.append(str(breakdown))
        result = compare_counts(int(now.sum()), int(then.sum()), label=f"{name}: {breakdown}",
                                current_label=comp.current_label,
                                previous_label=comp.previous_label, kind=comp.kind,
                                dispersion=phi)
        section.results[str(breakdown)] = result
        if breakdown == "All":
            section.sentences.append(change_sentence(result, "The number of missing-person "
                                                             "reports"))
            section.results["all"] = result
            if result.verdict != "similar":
                section.findings.append(section.sentences[-1])
        out.append({"Reports": breakdown, comp.previous_label: format_count(result.previous),
                    comp.current_label: format_count(result.current),
                    "Change": "" if pd.isna(result.percent) else format_percent(
                        result.percent, signed=True),
                    "Verdict": result.verdict})
    if not out:
        section.notes.append(f"The indicator tables do not cover all six months of "
                             f"{comp.current_label} and {comp.previous_label}.")
        return section
    section.tables.append(simple_table_html(
        pd.DataFrame(out), f"Missing-person reports, {comp.current_label} and "
        f"{comp.previous_label}", numeric=(comp.previous_label, comp.current_label, "Change")))
    section.notes.append("Each change allows for how much that series usually varies from "
                         "month to month, measured on its own months before the quarter.")
    if short:
        section.notes.append(
            f"For {join_words(short)}, fewer than {DISPERSION_MIN_MONTHS} months before "
            f"{comp.current_label} have figures, too few to measure how much the count usually "
            "varies, so the verdict allows only for chance variation around a steady rate.")
    return section


def _history_before(group: pd.DataFrame, first: pd.Period):
    """A series' monthly values before ``first``, oldest first: the unbroken run of months
    with a value that ends with the month before ``first`` (a missing or suppressed month ends
    it, so the moving ranges only ever join neighbouring months)."""
    values = (group.dropna(subset=["value"]).drop_duplicates("period_start")
              .set_index("period_start")["value"])
    run = []
    month = first - 1
    while month in values.index:
        run.append(float(values[month]))
        month -= 1
    return run[::-1]


def data_gap_notes(data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Every detected publication gap in the quarter, the year to date, and the months they
    are compared with."""
    gaps = data_gaps(data) if gaps is None else gaps
    months = sorted(set(same_quarter_last_year(quarter).current_months)
                    | set(same_quarter_last_year(quarter).previous_months)
                    | set(year_to_date(quarter).current_months)
                    | set(year_to_date(quarter).previous_months))
    caveat = gap_caveat(gaps, months)
    if caveat:
        return Section(caveats=[caveat], results={"gaps": gaps})
    return Section(sentences=["No publication gap was detected in the months this briefing "
                              "compares."], results={"gaps": gaps})
