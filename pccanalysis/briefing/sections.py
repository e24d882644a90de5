"""The sections of the standard briefings, each assembled from indicators, narrative and figures.

A notebook shows a section with one call (``b.show(section)``); everything a section needs is
worked out here, so the notebooks hold only parameters, these calls and prose. Each function
chooses *which* indicator results a board sees for a quarter (the same quarter last year, the
year to date, the wards, the targets ...); the statistics themselves live in
:mod:`pccanalysis.indicators`, the words in :mod:`pccanalysis.narrative` and the charts in
:mod:`pccanalysis.figures`.

Sections that need an input the configuration does not name return a :class:`Section` with
one note saying so, rather than failing, so one briefing serves offices with more or fewer
local extracts.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..config import Config
from ..numbers import format_count, format_number, format_percent, join_words, plural
from ..periods import Quarter
from ..quality import DataQuality
from .context import HeadlineFigure
from .inputs import AreaData

ASB = "Anti-social behaviour"


@dataclass
class Section:
    """What one part of a briefing shows, in order: caveats, sentences, headline cards,
    figures, tables, notes.

    Attributes
    ----------
    sentences : list of str
        Plain-English findings, one paragraph each.
    headline : list of HeadlineFigure
        Cards for the headline panel (only the headline section has them).
    figures : list of matplotlib.figure.Figure
        Charts, each carrying its alt text.
    tables : list of str
        HTML fragments (escaped or sanitised).
    caveats : list of str
        Data caveats (detected publication gaps, undercounts).
    notes : list of str
        Method notes and what is missing.
    quality : list of DataQuality
        Records of the inputs this section read (for the data-quality note).
    results : dict
        The indicator results behind the section, by name (for tests and further use).
    """

    sentences: list[str] = field(default_factory=list)
    headline: list[HeadlineFigure] = field(default_factory=list)
    figures: list = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quality: list[DataQuality] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Shared pieces


def police_source(config: Config) -> str:
    """The source line under a chart of police data."""
    kind = "synthetic sample in the format of " if config.publication.synthetic else ""
    return f"Source: {kind}data.police.uk street-level crime and ASB"


def local_source(config: Config, what: str) -> str:
    """The source line under a chart of a local extract."""
    kind = " (synthetic sample)" if config.publication.synthetic else ""
    return f"Source: {what}, local extract{kind}"


def data_gaps(data: AreaData):
    """Publication gaps detected in the area's data, by crime type (ASB included)."""
    from ..indicators.gaps import find_gaps

    return find_gaps(data.frame, by="crime_type", months=data.months)


def _months_to(data: AreaData, quarter: Quarter) -> list:
    return [m for m in data.months if m <= quarter.last_month]


def _asb(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["crime_type"] == ASB]


def _series_frame(data: AreaData, what: str) -> pd.DataFrame:
    """The rows counted for ``what``: "All crime" (every type but ASB) or one crime type."""
    return _series_rows(data.frame, what)


def _series_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """:func:`_series_frame` of any frame with ``crime_type``."""
    from ..indicators.counts import all_crime

    if what == "All crime":
        return all_crime(frame)
    return frame[frame["crime_type"] == what]


def series_gaps(gaps: pd.DataFrame, months, what: str) -> pd.DataFrame:
    """The detected publication gaps in ``months`` that make the series ``what`` incomplete:
    gaps in that crime type, or for "All crime" in any crime type but ASB."""
    from ..indicators.gaps import touches_gap

    if what == "All crime":
        hit = touches_gap(gaps, months)
        return hit[hit["crime_type"].astype("str") != ASB]
    return touches_gap(gaps, months, crime_type=what)


def area_wards(data: AreaData) -> pd.DataFrame:
    """The rows of ``data`` in the area's own wards, with a ``ward`` label per ward code.

    :func:`~pccanalysis.briefing.inputs.load_area` already keeps only rows placed in the area;
    this checks again, whatever frame it is given, so a neighbouring area's ward (rows located
    in another district, or a point just over the boundary) never appears as one of the area's
    wards. Rows without a ward are in no ward; :func:`ward_coverage_of` counts them. ``ward``
    is the ward's name, with its district added where two of the area's wards share a name
    (:func:`~pccanalysis.indicators.wards.ward_labels`), so wards are told apart by code.
    """
    from ..indicators.wards import ward_labels
    from .inputs import in_area_mask

    frame = data.frame
    keep = in_area_mask(frame, data.area) & frame["ward_code"].notna().to_numpy()
    if "outside_force_area" in frame.columns:
        keep &= ~frame["outside_force_area"].fillna(False).to_numpy(dtype=bool)
    if data.wards is not None:
        keep &= frame["ward_code"].isin(set(data.wards["ward_code"])).to_numpy()
    rows = frame[keep]
    known = rows if data.wards is None else pd.concat([data.wards, rows[data.wards.columns]])
    labels = ward_labels(known)
    return rows.assign(ward=pd.array(labels.reindex(rows["ward_code"]).to_numpy(), dtype="str"))


def ward_coverage_of(data: AreaData, periods: dict, what: str = "All crime") -> pd.DataFrame:
    """:func:`~pccanalysis.indicators.wards.ward_coverage` of the area's ``what`` rows: how
    many each period placed in one of the area's wards."""
    from ..indicators.wards import ward_coverage
    from .inputs import in_area_mask

    rows = _series_frame(data, what)
    rows = rows[in_area_mask(rows, data.area)]
    placed = area_wards(data)
    rows = rows.assign(ward_code=rows["ward_code"].where(rows.index.isin(placed.index)))
    unlocated = None
    if data.unlocated is not None:
        unlocated = _series_rows(data.unlocated, what).groupby("month").size()
    return ward_coverage(rows, periods, unlocated)


def repeat_victim_table(victims: pd.DataFrame, freq: str = "quarter") -> pd.DataFrame:
    """Victims and repeat victims per period from the hate-crime victim extract, all strands
    together (:func:`pccanalysis.indicators.repeats.repeat_victims`).

    The extract has one row per crime *and strand* and no crime reference
    (:mod:`pccanalysis.sources.victims`), so a crime recorded under two strands is two rows on
    the same day for the same victim. Counted as they stand, that victim would be a "repeat"
    victim of one crime. All of a victim's rows on one day are therefore one incident
    (``same_day_is_one_incident=True``); two genuinely separate hate crimes against the same
    person on one day are then counted once, which undercounts repeats slightly rather than
    inventing them.
    """
    from ..indicators.repeats import repeat_victims

    return repeat_victims(victims, freq=freq, same_day_is_one_incident=True)


def _td_num(text: str) -> str:
    return f'<td class="num">{html.escape(text)}</td>'


def change_table_html(table: pd.DataFrame, group: str, group_label: str,
                      caption: str | None = None) -> str:
    """A change table for the page: group, both counts, change with interval, verdict.

    Numbers are right-aligned in tabular figures (class ``num``); a change from zero shows
    no percentage.
    """
    rows = []
    for _, r in table.iterrows():
        pct = "" if pd.isna(r["percent"]) else format_percent(r["percent"], signed=True)
        if pd.isna(r["ratio_low"]) or pd.isna(r["ratio_high"]) or r["ratio_high"] == float("inf"):
            interval = ""
        else:
            # signed like the change beside it: "+26.8% to +44.6%", "−25% to +44%"
            interval = (f"{format_percent(100 * (r['ratio_low'] - 1), signed=True)} to "
                        f"{format_percent(100 * (r['ratio_high'] - 1), signed=True)}")
        rows.append(
            f"<tr><th scope=\"row\">{html.escape(str(r[group]))}</th>"
            + _td_num(format_count(r["previous"])) + _td_num(format_count(r["current"]))
            + _td_num(pct) + _td_num(interval)
            + f"<td>{html.escape(str(r['verdict']))}</td></tr>"
        )
    first = table.iloc[0] if len(table) else None
    prev_label = html.escape(str(first["previous_label"])) if first is not None else "Before"
    curr_label = html.escape(str(first["current_label"])) if first is not None else "Now"
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="pcc-change">{cap}<thead><tr><th scope="col">{html.escape(group_label)}</th>'
        f'<th scope="col" class="num">{prev_label}</th><th scope="col" class="num">{curr_label}'
        '</th><th scope="col" class="num">Change</th><th scope="col" class="num">95% interval'
        '</th><th scope="col">Verdict</th></tr></thead><tbody>' + "".join(rows)
        + "</tbody></table>"
    )


def suppressed_table_html(table, caption: str, row_label: str) -> str:
    """A disclosure-controlled table (``indicators.disclosure.SuppressedTable``) for the page.

    Hidden cells show the table's marker with the class ``suppressed``; a note under the table
    says what the marker means.
    """
    display, hidden = table.display, table.suppressed
    head = "".join(f'<th scope="col" class="num">{html.escape(str(c))}</th>'
                   for c in display.columns)
    body = []
    for idx in display.index:
        cells = []
        for col in display.columns:
            value = display.loc[idx, col]
            if hidden.loc[idx, col]:
                cells.append(f'<td class="suppressed">{html.escape(str(value))}</td>')
            else:
                cells.append(_td_num(format_count(value)))
        body.append(f'<tr><th scope="row">{html.escape(str(idx))}</th>{"".join(cells)}</tr>')
    note = (f"{table.marker} = fewer than {table.threshold} (or a cell that would reveal one); "
            "hidden to protect the people counted.")
    return (
        f'<table class="pcc-suppressed"><caption>{html.escape(caption)}</caption><thead><tr>'
        f'<th scope="col">{html.escape(row_label)}</th>{head}</tr></thead><tbody>'
        + "".join(body) + f'</tbody><tfoot><tr><td colspan="{len(display.columns) + 1}">'
        f"{html.escape(note)}</td></tr></tfoot></table>"
    )


def simple_table_html(frame: pd.DataFrame, caption: str, numeric: Iterable[str] = ()) -> str:
    """A plain table of text values (escaped); the ``numeric`` columns right-aligned."""
    numeric = set(numeric)
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c in numeric else ""}>{html.escape(str(c))}</th>'
                   for c in frame.columns)
    rows = []
    for _, r in frame.iterrows():
        cells = []
        for c in frame.columns:
            v = r[c]
            text = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


# --------------------------------------------------------------------------------------------
# Quarterly performance


def performance_headline(data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Headline: all crime and ASB against the same quarter last year and the year to date.

    Four cards, each with its verdict. Each change allows for the month-to-month variation of
    the series' own history (``dispersion="estimate"``), and a month with a detected
    publication gap is left out of both periods with its pair (``gap_policy="exclude"``), so
    the figure compares like with like; the periods' labels then say which months were left
    out ("... excluding October 2020"), and a caveat names the gap.
    """
    from ..indicators.change import same_quarter_last_year, year_to_date
    from ..indicators.counts import all_crime

    gaps = data_gaps(data) if gaps is None else gaps
    crime, asb = all_crime(data.frame), _asb(data.frame)
    section = Section()
    for comp, when in ((same_quarter_last_year(quarter), "this quarter"),
                       (year_to_date(quarter), "year to date")):
        for frame, label, subject in ((crime, "All crime", "Crime"), (asb, ASB, "ASB")):
            short = "ASB" if label == ASB else label
            _headline_change(section, data, frame, comp, label, subject,
                             f"{short}, {when}", gaps, key=f"{short} {when}")
    return section


def _headline_change(section: Section, data: AreaData, frame: pd.DataFrame, comp, label: str,
                     subject: str, card: str, gaps, key: str) -> None:
    """One headline change: its card, its sentence and its caveats, added to ``section``.

    The change is tested allowing for over-dispersion estimated from the series' own months
    before the current period, with publication-gap months left out of both periods.
    """
    from ..indicators.change import change
    from ..narrative.change import change_sentence, headline
    from ..narrative.gaps import figure_caveat

    result = change(frame, comp, label=label, gaps=gaps, available_months=data.months,
                    gap_policy="exclude", dispersion="estimate")
    h = headline(result, card, subject=subject, improvement="decrease")
    section.headline.append(HeadlineFigure(**h.as_card()))
    section.sentences.append(change_sentence(result, subject))
    _add_gap_caveat(section, gaps, comp, label)
    _add_caveat(section, figure_caveat(card, result.caveat))
    section.results[key] = result


def _add_caveat(section: Section, caveat: str | None) -> None:
    if caveat and caveat not in section.caveats:
        section.caveats.append(caveat)


def _add_gap_caveat(section: Section, gaps, comp, label: str) -> None:
    """The narrative's caveat for a detected gap in the compared months of ``label``'s data
    (all crime means every crime type but ASB), once per section."""
    from ..narrative.gaps import gap_caveat

    if label == "All crime":
        types = [t for t in gaps["crime_type"].unique() if t != ASB]
        caveat = gap_caveat(gaps[gaps["crime_type"].isin(types)], comp) if types else None
    else:
        caveat = gap_caveat(gaps, comp, crime_type=label)
    _add_caveat(section, caveat)


def performance_trend(config: Config, data: AreaData, quarter: Quarter, what: str = "All crime",
                      gaps=None) -> Section:
    """Monthly trend of all crime or one crime type as an XmR (SPC) chart, to the quarter's end.

    Months with a detected publication gap in the series (for all crime, a gap in any crime
    type but ASB) are missing data, not a signal: the chart shows them hollow, labelled
    "incomplete data", and leaves them out of the mean, the limits and the special-cause rules
    (``spc(..., exclude=...)``); a caveat says so.

    Where the chart shows a sustained shift lasting to the latest month (a run of at least 12
    months on one side of the mean, :func:`~pccanalysis.indicators.spc.sustained_shift`) and
    the new level is stable, the limits are recalculated from the month the run began, and a
    sentence says why (:func:`~pccanalysis.indicators.spc.spc_with_shift`). The date comes
    from the SPC shift rule on the data, never from a known event. A change too recent for 12
    months, or a drift rather than a step, keeps one set of limits, and the shift rule then
    reports the run as special cause.
    """
    from ..figures.spc import spc_chart
    from ..indicators.counts import month_counts
    from ..indicators.spc import spc_with_shift
    from ..narrative.gaps import gap_caveat
    from ..narrative.spc import shift_sentence, spc_sentence, spc_title

    gaps = data_gaps(data) if gaps is None else gaps
    months = _months_to(data, quarter)
    counts = month_counts(_series_frame(data, what), months=months)
    hit = series_gaps(gaps, months, what)
    result, shift = spc_with_shift(counts, value="count", period="month",
                                   improvement="decrease", exclude=sorted(set(hit["month"])))
    subject = "ASB" if what == ASB else ("Crime" if what == "All crime" else what)
    sentences = []
    if shift is not None:
        sentences.append(shift_sentence(shift, subject))
    sentences.append(spc_sentence(result, subject))
    noun = "ASB incidents" if what == ASB else "crimes"
    fig = spc_chart(result, title=spc_title(result, subject, shift=shift),
                    source=police_source(config), what=noun)
    section = Section(sentences=sentences, figures=[fig],
                      results={"spc": result, "shift": shift})
    caveat = gap_caveat(hit, months)
    if caveat:
        section.caveats.append(caveat + " The chart shows such months as hollow points and "
                               "leaves them out of its average and limits.")
    return section


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
    monthly series (:func:`repeat_victim_table` by month). A monthly count of repeat victims
    counts a person once in each month they are a repeat victim, so its yearly total is
    repeat-victim months, not distinct people; a note says so. Other local targets are listed
    in a note. A detected publication gap in a compared month gives a caveat, and is left out
    of the assurance chart.
    """
    from ..figures.targets import target_chart
    from ..indicators.counts import month_counts
    from ..indicators.targets import target_progress
    from ..narrative.gaps import figure_caveat, gap_caveat
    from ..narrative.targets import target_name, target_sentence
    from ..periods import parse_period
    from ..sources.targets import read_targets

    if config.data.targets is None:
        return Section(notes=["No partnership targets file is configured (data.targets)."])
    gaps = data_gaps(data) if gaps is None else gaps
    targets = read_targets(config.data.targets)
    months = _months_to(data, quarter)
    proper = _proper_nouns(data)
    section = Section()
    rows = []
    skipped = []
    victim_table = None
    for t in targets:
        local = _victim_indicator(config, t)
        if t.source == "police_uk":
            series = month_counts(_series_frame(data, t.indicator), months=months)
            hit = series_gaps(gaps, months, t.indicator)
            # gap months (and their calendar pairs) out of both windows and the chart's limits
            progress = target_progress(t, series, value="count", period="month",
                                       as_of=quarter.last_month, gaps=hit,
                                       gap_policy="exclude", dispersion="estimate")
            plural, source = False, police_source(config)
            # the detected gaps from the baseline's start on, named even when left out
            start = parse_period(t.baseline).first_month
            _add_caveat(section, gap_caveat(hit, [m for m in months if m >= start]))
            _add_caveat(section, figure_caveat(_cap_first(target_name(t, proper)),
                                               progress.caveat))
        elif local is not None:
            column, plural = local
            if victim_table is None:
                victims, dq = _victims(config, data)
                section.quality.append(dq)
                victim_table = repeat_victim_table(victims, freq="month")
            series = victim_table[victim_table["last_month"] <= quarter.last_month]
            progress = target_progress(t, series, value=column, period="first_month",
                                       as_of=quarter.last_month, dispersion="estimate")
            _add_caveat(section, figure_caveat(_cap_first(target_name(t, proper)),
                                               progress.caveat))
            source = local_source(config, "hate-crime victim extract")
            if column == "repeat_victims":
                _repeat_target_notes(section, victim_table, progress)
        else:
            skipped.append(t.name)
            continue
        sentence = target_sentence(progress, plural=plural, proper_nouns=proper)
        section.sentences.append(sentence)
        section.figures.append(target_chart(progress, title=as_title_target(progress, proper),
                                            source=source))
        section.results[t.name] = progress
        rows.append({
            "Target": _cap_first(target_name(t, proper)),
            "Baseline": progress.baseline_label,
            "Now": progress.current_label,
            "Change": format_percent(progress.percent_change, signed=True),
            "Needed by now": format_percent(progress.needed_percent_by_now, signed=True),
            "Status": _status_words(progress),
        })
    if rows:
        section.tables.append(simple_table_html(pd.DataFrame(rows), "Partnership targets",
                                                numeric=("Change", "Needed by now")))
    if skipped:
        section.notes.append(
            f"Targets on other local extracts ({join_words(skipped)}) are not measured here: "
            "this briefing has no series for them.")
    return section


def _cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _status_words(progress) -> str:
    """A target's status as a table shows it: "on track", "at risk", "off track", or once the
    deadline has passed "met", "not clearly met", "missed" (as the sentence says)."""
    past = {"on track": "met", "at risk": "not clearly met", "off track": "missed"}
    return past[progress.status] if progress.past_deadline else progress.status


def as_title_target(progress, proper_nouns=()) -> str:
    """A target chart's title: the target and its status, e.g. "Reduce crime by 10%: on
    track" (after the deadline "met", "not clearly met" or "missed")."""
    from ..narrative.targets import target_name

    return f"{_cap_first(target_name(progress.target, proper_nouns))}: {_status_words(progress)}"


def _proper_nouns(data: AreaData) -> list[str]:
    """Names that keep their capital letter mid-sentence: the area and its wards."""
    names = {data.area.name, *data.area.members}
    if "ward_name" in data.frame.columns:
        names |= set(data.frame["ward_name"].dropna().astype("str"))
    return sorted(n for n in names if n)


def _victims(config: Config, data: AreaData):
    """The hate-crime victim extract, with the area's wards for its ward check."""
    from ..sources.victims import read_hate_crime_victims

    wards = sorted(area_wards(data)["ward_name"].astype("str").unique().tolist())
    return read_hate_crime_victims(config.data.hate_crime_victims, wards=wards)


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


def performance_by(config: Config, data: AreaData, quarter: Quarter, by: str, gaps=None) -> Section:
    """Change on the same quarter last year by ward (all crime) or by crime type (every type).

    Counted on the area's own rows (and for wards, its own wards). Each row's test allows for
    the month-to-month variation of that row's own history (``dispersion="estimate"``) and the
    verdicts are adjusted for the number of rows (``adjust="holm"``), so a table of 14
    categories does not show a rise or fall by chance alone. A month with a detected
    publication gap in a counted category is left out of both periods for every row
    (``gap_policy="exclude"``); the column headings say so and a caveat names the gap.
    """
    from ..figures.change import change_chart
    from ..indicators.change import change_by, compared_periods, same_quarter_last_year
    from ..indicators.counts import all_crime
    from ..narrative.change import group_summary
    from ..narrative.gaps import figure_caveat, gap_caveat
    from ..narrative.words import as_title

    gaps = data_gaps(data) if gaps is None else gaps
    comp = same_quarter_last_year(quarter)
    by = "ward" if by == "ward_name" else by  # wards are told apart by code, not by name
    if by == "ward":
        # only the area's own wards: a neighbour's ward is never one of "every ward"
        frame, noun, label, subject = all_crime(area_wards(data)), ("ward", "wards"), "Ward", \
            "crime"
    elif by == "crime_type":
        # ASB is one of data.police.uk's categories but not a crime: "categories"
        frame, noun, label, subject = data.frame, ("category", "categories"), "Category", \
            "the number recorded"
    else:
        raise ValueError(f"by must be 'ward' or 'crime_type', not {by!r}")
    table = change_by(frame, comp, by, gaps=gaps, available_months=data.months,
                      gap_policy="exclude", dispersion="estimate", adjust="holm")
    if by == "ward":
        counted = compared_periods(frame, comp, gaps, gap_policy="exclude")
        return _ward_change(config, data, counted, table, gaps, comp)
    summary = group_summary(table, by, subject, noun=noun)
    fig = change_chart(table, group=by, title=as_title(summary), source=police_source(config))
    section = Section(sentences=[summary], figures=[fig],
                      tables=[change_table_html(table, by, label)], results={"table": table})
    if by == "crime_type":
        _add_caveat(section, gap_caveat(gaps, comp))
    else:
        _add_gap_caveat(section, gaps, comp, "All crime")
    clear = (table["ratio_low"] > 1) | (table["ratio_high"] < 1)
    if (clear & (table["verdict"] == "similar")).any():
        section.notes.append(
            f"Verdicts allow for the number of {noun[1]} compared, so a {noun[0]} can be "
            "\u201csimilar\u201d even when its 95% interval, which is for that "
            f"{noun[0]} alone, does not include no change.")
    # months left out are the same for every row: one caveat for the table, not one per row
    for note, rows in table.dropna(subset=["caveat"]).groupby("caveat", sort=False):
        names = (f"Every {noun[0]}" if len(rows) == len(table)
                 else join_words(rows[by].astype("str")))
        _add_caveat(section, figure_caveat(names, note))
    return section


def _ward_change(config: Config, data: AreaData, comp, table: pd.DataFrame, gaps,
                 asked) -> Section:
    """The ward change table, its coverage sentence and, when coverage moved between the two
    periods by more than the threshold, counts only: no rises and falls. ``comp`` is the
    comparison counted (gap months left out), ``asked`` the one asked for."""
    from ..figures.change import change_chart
    from ..indicators.wards import COVERAGE_THRESHOLD, coverage_differs
    from ..narrative.change import group_summary
    from ..narrative.gaps import figure_caveat
    from ..narrative.wards import ward_coverage_sentence, ward_withheld_sentence
    from ..narrative.words import as_title

    coverage = ward_coverage_of(data, {comp.current_label: comp.current_months,
                                       comp.previous_label: comp.previous_months})
    covered = ward_coverage_sentence(coverage, vintage=data.ward_vintage)
    results = {"table": table, "coverage": coverage}
    rest = coverage.set_index("period")["not_in_ward"]
    shown = pd.concat([table, pd.DataFrame([{
        "ward": "Not in any of the area's wards", "previous": rest[comp.previous_label],
        "current": rest[comp.current_label], "previous_label": comp.previous_label,
        "current_label": comp.current_label, "verdict": "not compared"}])], ignore_index=True)
    if coverage_differs(coverage):
        withheld = ward_withheld_sentence(coverage, COVERAGE_THRESHOLD)
        counts = shown[["ward", "previous", "current"]].rename(columns={
            "ward": "Ward", "previous": comp.previous_label, "current": comp.current_label})
        for col in counts.columns[1:]:
            counts[col] = counts[col].map(format_count)
        return Section(sentences=[withheld, covered], results=results, tables=[
            simple_table_html(counts, "Crimes by ward (not compared: see above)",
                              numeric=counts.columns[1:])])
    summary = group_summary(table, "ward", "crime", noun=("ward", "wards"))
    fig = change_chart(table, group="ward", title=as_title(summary), source=police_source(config))
    section = Section(sentences=[summary, covered], figures=[fig], results=results,
                      tables=[change_table_html(shown, "ward", "Ward")])
    _add_gap_caveat(section, gaps, asked, "All crime")
    clear = (table["ratio_low"] > 1) | (table["ratio_high"] < 1)
    if (clear & (table["verdict"] == "similar")).any():
        section.notes.append(
            "Verdicts allow for the number of wards compared, so a ward can be "
            "\u201csimilar\u201d even when its 95% interval, which is for that "
            "ward alone, does not include no change.")
    for note, rows in table.dropna(subset=["caveat"]).groupby("caveat", sort=False):
        names = "Every ward" if len(rows) == len(table) else join_words(rows["ward"].astype("str"))
        _add_caveat(section, figure_caveat(names, note))
    return section


def hate_incidents(victims: pd.DataFrame) -> pd.DataFrame:
    """The hate-crime extract as incidents: one row per victim and day.

    The extract has one row per crime *and strand* (:mod:`pccanalysis.sources.victims`), so
    counting its rows counts strand records: a crime recorded under two strands would count
    twice. As in :func:`repeat_victim_table`, all of a victim's rows on one day are one
    incident (the first row is kept, with its ward); two genuinely separate hate crimes
    against one person on one day then count once.
    """
    return victims.drop_duplicates(subset=["victim_id", "date"], keep="first")


def hate_crime(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Hate crime: incidents and repeat victims against the same quarter last year, the
    ward with the largest usual share, and a disclosure-controlled ward by strand table.

    Incidents (one per victim and day, :func:`hate_incidents`) are what the totals, the
    change and the ward's share count, the same unit as the repeat-victim figures; the ward by
    strand table counts strand records (a crime under two strands is in both columns) and
    says so. The change allows for the month-to-month variation of the extract's own history
    (``dispersion="estimate"``).
    """
    from ..indicators.change import between, change, same_quarter_last_year, share_change
    from ..indicators.disclosure import suppress_long
    from ..indicators.repeats import repeat_change
    from ..narrative.change import change_sentence, share_sentence
    from ..narrative.gaps import figure_caveat
    from ..narrative.repeats import repeat_sentence

    if config.data.hate_crime_victims is None:
        return Section(notes=["No hate-crime victim extract is configured "
                              "(data.hate_crime_victims)."])
    victims, dq = _victims(config, data)
    incidents_frame = hate_incidents(victims)
    covered = list(pd.period_range(victims["month"].min(), victims["month"].max(), freq="M"))
    section = Section(quality=[dq])
    comp = same_quarter_last_year(quarter)
    incidents = change(incidents_frame, comp, label="Hate crime", available_months=covered,
                       dispersion="estimate")
    section.sentences.append(change_sentence(incidents, "Recorded hate crime"))
    _add_caveat(section, figure_caveat("Recorded hate crime", incidents.caveat))
    section.notes.append(
        "Hate crime is counted in incidents: all of a victim's records on one day are one "
        "incident, so a crime recorded under two strands counts once.")
    # all strands together, so one crime under two strands is one incident (see the helper)
    table = repeat_victim_table(victims, freq="quarter")
    before, after = comp.previous_label, comp.current_label
    if {before, after} <= set(table["period"]):
        rc = repeat_change(table, before, after)
        section.sentences.append(repeat_sentence(rc, "hate crime"))
        section.results["repeats"] = rc
        row = table.loc[table["period"] == before]
        if len(row) and not bool(row["lookback_complete"].iloc[0]):
            section.caveats.append(
                f"The extract does not reach a full year before {before}, so repeat victims "
                f"in {before} are undercounted.")
    # Ward figures cover the area's own wards only; records naming another ward stay in the
    # counts above and are flagged in the data-quality note.
    own = set(area_wards(data)["ward_name"].astype("str").str.casefold())

    def in_own(frame):
        return frame[frame["ward"].astype("str").str.casefold().isin(own)]

    in_wards, incidents_in_wards = in_own(victims), in_own(incidents_frame)
    elsewhere = int(incidents_frame["ward"].notna().sum() - len(incidents_in_wards))
    if elsewhere:
        section.notes.append(
            f"{format_count(elsewhere)} hate-crime incident{'s name' if elsewhere != 1 else ' names'}"
            f" a ward outside {data.area.name} and {'are' if elsewhere != 1 else 'is'} left out "
            "of the ward figures.")
    # The ward that usually has the largest share of incidents: the three years before the
    # quarter, as far back as the extract goes.
    usual = [quarter.first_month - k for k in range(36, 0, -1)
             if quarter.first_month - k in set(covered)]
    in_usual = incidents_in_wards[incidents_in_wards["month"].isin(usual)]
    if len(in_usual) and set(quarter.months) <= set(covered):
        top = in_usual["ward"].value_counts().index[0]
        share = share_change(incidents_in_wards, "ward", top,
                             between(list(quarter.months), usual, kind="usual share"))
        section.sentences.append(share_sentence(share, "hate crime", subject=top))
        section.results["share"] = share
    in_quarter = in_wards[in_wards["month"].isin(quarter.months)]
    if len(in_quarter):
        sup = suppress_long(in_quarter, "ward", "strand", count_column=None,
                            threshold=config.publication.suppression_threshold)
        section.tables.append(suppressed_table_html(
            sup, f"Hate-crime strand records by ward and strand, {quarter.label}", "Ward"))
        records = len(in_quarter)
        n_inc = int(incidents_in_wards["month"].isin(quarter.months).sum())
        note = ("The ward and strand table counts strand records: a crime recorded under two "
                "strands is counted under each")
        if records != n_inc:
            note += (f", so its {format_count(records)} records in {quarter.label} are "
                     f"{format_count(n_inc)} incidents")
        section.notes.append(note + ".")
    section.results["incidents"] = incidents
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
    from ..indicators.change import DISPERSION_MIN_MONTHS, compare_counts, same_quarter_last_year
    from ..indicators.significance import estimate_dispersion
    from ..narrative.change import change_sentence
    from ..sources.indicator_tables import read_indicator_tables

    name = "Missing person reports"
    if not config.data.indicator_tables:
        return Section(notes=["No indicator tables are configured (data.indicator_tables)."])
    table, dq = read_indicator_tables(config.data.indicator_tables)
    rows = table[(table["indicator"] == name) & (table["area"] == area)
                 & (table["period_kind"] == "month")]
    if rows.empty:
        return Section(notes=[f"The indicator tables have no monthly {name.lower()} for {area}."],
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
    from ..indicators.change import same_quarter_last_year, year_to_date
    from ..narrative.gaps import gap_caveat

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


# --------------------------------------------------------------------------------------------
# Delivery plan


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
    from ..figures.delivery_plan import rag_summary_chart
    from ..indicators.delivery_plan import summarise_tracker
    from ..narrative.delivery_plan import tracker_sentence
    from ..narrative.words import as_title
    from ..sources.tracker import read_tracker
    from .html import render_movement_table, render_status_key, render_tracker_table

    current, previous = tracker_files(config, quarter)
    if current is None:
        note = Section(notes=[f"No delivery-plan tracker for {quarter.label} or earlier is "
                              "configured (data.tracker)."])
        return DeliveryPlan(note, Section(), Section(), Section(), [])
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
                  headline=tracker_headline(summary))
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
    else:
        stale_section = Section(sentences=[f"Every deliverable has an update for {cq.label}."])
    full = Section(tables=[str(render_tracker_table(
        tracker.deliverables, tracker.updates,
        caption=tracker.title or f"Delivery plan, {cq.label}"))])
    return DeliveryPlan(top, moves, stale_section, full, quality)


# --------------------------------------------------------------------------------------------
# Needs assessment


def needs_headline(data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Headline for the needs assessment: the 12 months to the quarter's end against the 12
    before, for all crime, violence and sexual offences, and ASB (over-dispersion allowed for
    and publication-gap months left out, as in :func:`performance_headline`)."""
    from ..indicators.change import rolling_12_months
    from ..indicators.counts import all_crime

    gaps = data_gaps(data) if gaps is None else gaps
    comp = rolling_12_months(quarter)
    section = Section()
    violence = "Violence and sexual offences"
    for frame, label, short in ((all_crime(data.frame), "All crime", "Crime"),
                                (data.frame[data.frame["crime_type"] == violence], violence,
                                 "Violence and sexual offences"),
                                (_asb(data.frame), ASB, "ASB")):
        _headline_change(section, data, frame, comp, label, short, f"{short}, 12 months", gaps,
                         key=short)
    return section


def long_run_trend(config: Config, data: AreaData, quarter: Quarter, what: str, gaps=None) -> Section:
    """A long-run monthly trend with SPC limits (all months to the quarter's end)."""
    return performance_trend(config, data, quarter, what, gaps=gaps)


def ward_shares(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Each ward's share of all crime by financial year, with the largest wards highlighted.

    The sentence (and the chart's title) is about the ward with the largest share in the latest
    full financial year: its share then against the year before, with the verdict of Fisher's
    exact test (:func:`~pccanalysis.indicators.change.share_change`), so a share is said to
    have risen or fallen only when the change is unlikely to be chance.
    """
    from ..figures.counts import share_chart
    from ..indicators.change import between, share_change
    from ..indicators.counts import all_crime, count_by, shares
    from ..indicators.wards import COVERAGE_THRESHOLD, coverage_differs
    from ..narrative.change import share_sentence
    from ..narrative.wards import ward_coverage_sentence, ward_withheld_sentence
    from ..narrative.words import as_title
    from ..periods import parse_period

    months = _months_to(data, quarter)
    crime = all_crime(area_wards(data))
    counts = count_by(crime, by="ward", period="financial_year", months=months)
    full_years = counts[counts["months"] == 12]
    table = shares(full_years.drop(columns=["months"]), of="ward")
    years = sorted(table["financial_year"].unique())
    latest, first = years[-1], years[0]
    top = table[table["financial_year"] == latest].nlargest(1, "share").iloc[0]
    results = {"shares": table}
    # Shares are of the crime placed in the area's wards: the denominator is named as such.
    of = "the crime placed in the area's wards"
    compared = [str(y) for y in reversed(years[-2:])]  # latest first, as in the sentence
    coverage = ward_coverage_of(data, {y: parse_period(y).months for y in compared})
    results["coverage"] = coverage
    notes = [ward_coverage_sentence(coverage, vintage=data.ward_vintage)]
    if len(years) > 1 and coverage_differs(coverage):
        notes.insert(0, ward_withheld_sentence(coverage, COVERAGE_THRESHOLD))
    if len(years) > 1 and not coverage_differs(coverage):
        result = share_change(crime, "ward", top["ward"],
                              between(str(latest), str(years[-2]), kind="financial year"))
        sentence = share_sentence(result, of, subject=str(top["ward"]), usual=False)
        title = as_title(sentence)
        results["share"] = result
    else:
        sentence = (f"{top['ward']} had the largest share of {of} in {latest}: "
                    f"{format_percent(top['share'])}.")
        title = f"{top['ward']} had the largest share of crime in {latest}"
    fig = share_chart(table.rename(columns={"ward": "area", "financial_year": "period"}),
                      title=title, source=police_source(config),
                      alt=f"Line chart of each ward's share of crime, {first} to {latest}: "
                          f"{as_title(sentence)}.")
    return Section(sentences=[sentence, *notes], figures=[fig], results=results)


def local_against_national(config: Config, area: str) -> Section:
    """Each indicator-table series with a comparator: the latest year against the year before,
    locally and for the comparator (e.g. recorded suicide against England)."""
    from ..figures.comparator import comparator_chart
    from ..indicators.change import compare_counts
    from ..indicators.comparator import compare_to_comparator
    from ..narrative.comparator import comparator_sentence, comparator_title

    if not config.data.indicator_tables:
        return Section(notes=["No indicator tables are configured (data.indicator_tables)."])
    from ..sources.indicator_tables import read_indicator_tables

    table, dq = read_indicator_tables(config.data.indicator_tables)
    local = table[(table["area"] == area) & table["comparator_area"].notna()
                  & (table["breakdown"] == "All")]
    section = Section(quality=[dq])
    for (indicator, comparator), rows in local.groupby(["indicator", "comparator_area"],
                                                       sort=False):
        rows = rows.sort_values("period_start")
        if len(rows) < 2:
            continue
        now, before = rows.iloc[-1], rows.iloc[-2]
        theirs = table[(table["indicator"] == indicator) & (table["area"] == comparator)
                       & (table["breakdown"] == "All")]
        c_now = theirs[theirs["period_label"] == now["period_label"]]["value"]
        c_before = theirs[theirs["period_label"] == before["period_label"]]["value"]
        if c_now.empty or c_before.empty:
            continue
        units = {str(u) for u in (now["unit"], before["unit"])} | {
            str(u) for u in theirs["unit"].dropna()}
        if units != {"count"}:
            # a rate or a percentage is not a count: shown as it is, never tested as one
            _level_comparison(section, indicator, area, comparator, now, before,
                              float(c_now.iloc[0]), float(c_before.iloc[0]),
                              "rate" if "rate" in units else "percentage")
            continue
        result = compare_to_comparator(
            int(now["value"]), int(before["value"]), int(c_now.iloc[0]), int(c_before.iloc[0]),
            subtract_local=True, label=indicator, comparator_label=comparator,
            current_label=now["period_label"], previous_label=before["period_label"])
        change = compare_counts(int(now["value"]), int(before["value"]), label=indicator,
                                current_label=now["period_label"],
                                previous_label=before["period_label"])
        # the comparator's own change, tested like the local one, so its "rise" is not noise
        # (its counts as the comparison used them: without the local area's)
        theirs_change = compare_counts(int(result.comparator_current),
                                       int(result.comparator_previous), label=comparator,
                                       current_label=now["period_label"],
                                       previous_label=before["period_label"])
        sentence = comparator_sentence(result, f"The number of {indicator.lower()}", local=change,
                                       comparator=theirs_change)
        section.results[f"{indicator}: {comparator}"] = theirs_change
        section.sentences.append(sentence)
        section.figures.append(comparator_chart(
            result, title=comparator_title(result, indicator, area),
            source=local_source(config, f"{indicator.lower()} indicator table"),
            local_label=area, local=change))
        section.results[indicator] = result
    if not section.sentences:
        section.notes.append("No indicator with a comparator has two periods to compare.")
    return section


def _level_comparison(section: Section, indicator: str, area: str, comparator: str, now,
                      before, c_now: float, c_before: float, unit: str) -> None:
    """A rate or percentage with a comparator: its values in both periods, locally and for the
    comparator, in a sentence and a table, without a test (the tests are for counts)."""
    from ..narrative.comparator import level_comparison_sentence

    section.sentences.append(level_comparison_sentence(
        indicator, unit=unit, area=area, comparator=comparator,
        current_label=str(now["period_label"]), previous_label=str(before["period_label"]),
        local_current=float(now["value"]), local_previous=float(before["value"]),
        comparator_current=c_now, comparator_previous=c_before))
    from ..narrative.comparator import format_level

    def value(v):
        return format_level(v, unit)

    frame = pd.DataFrame({
        "Area": [area, comparator],
        str(before["period_label"]): [value(float(before["value"])), value(c_before)],
        str(now["period_label"]): [value(float(now["value"])), value(c_now)],
    })
    section.tables.append(simple_table_html(
        frame, f"{indicator}, {area} and {comparator}",
        numeric=(str(before["period_label"]), str(now["period_label"]))))
    section.results[indicator] = frame


def hotspots(config: Config, data: AreaData, quarter: Quarter,
             what: str = "Violence and sexual offences") -> Section:
    """Where ``what`` happened in the 12 months to the quarter's end: each ward shaded and
    labelled with its count when ward boundaries are configured, else hexagonal-bin counts;
    counts under the suppression threshold are hidden either way."""
    from ..figures.maps import hotspot_map, ward_choropleth
    from ..indicators.wards import ward_labels

    months = set(quarter.rolling_12_months())
    frame = data.frame[(data.frame["crime_type"] == what) & data.frame["month"].isin(months)]
    first, last = min(months), max(months)
    noun = "ASB incidents" if what == ASB else "crimes"
    period = f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"
    threshold = config.publication.suppression_threshold
    if data.ward_polygons is not None and len(data.ward_polygons):
        placed = area_wards(data)
        placed = placed[placed.index.isin(frame.index)]
        counts = placed.groupby("ward_code").size()
        labels = ward_labels(pd.concat([data.wards, placed[data.wards.columns]]))
        codes = data.ward_polygons["code"]
        values = pd.DataFrame({"code": codes, "label": labels.reindex(codes).to_numpy(),
                               "value": counts.reindex(codes, fill_value=0).astype(float)
                               .to_numpy()})
        top = values.sort_values("value", ascending=False, kind="stable").iloc[0]
        outside = len(frame) - len(placed)
        fig = ward_choropleth(values, data.ward_polygons,
                              title=f"{what} by ward, {period}: most in {top['label']}",
                              source=police_source(config), what=f"{noun} in 12 months",
                              suppress_below=threshold)
        return Section(figures=[fig], results={"by_ward": values}, notes=[
            f"Each ward is labelled with its {noun} in the 12 months, counted by where they were "
            "located (data.police.uk places each at the nearest of a set of anonymised map "
            "points); wards with fewer than "
            f"{threshold} are not shown."
            + (f" {plural(outside, noun.removesuffix('s'), noun)} of the area "
               f"{'was' if outside == 1 else 'were'} in none of its wards." if outside else "")])
    fig = hotspot_map(frame, title=f"{what}, {period}", source=police_source(config), what=noun,
                      suppress_below=threshold)
    return Section(figures=[fig], notes=[
        "Each hexagon counts the crimes located in it; data.police.uk places each crime at "
        "the nearest of a set of anonymised map points, so the pattern is approximate."])


def harm_view(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Crime weighted by harm, from the harm weights the configuration names.

    Reads the weights file (:func:`~pccanalysis.sources.harm_weights.read_harm_weights`) and
    weights all crime (ASB is not recorded crime) in every whole quarter to ``quarter``'s end
    (:func:`~pccanalysis.indicators.harm.harm_index`): a chart of crimes and their harm score
    by quarter, a sentence on the quarter against the same quarter last year, and a table of
    the quarter's crimes and harm by crime type with each weight. The scheme, its version and
    its source are cited in the chart's source line and a note. A crime type the weights do
    not cover is left out of the harm score and of the crime count beside it, and a note says
    which and how many; it is not an error. With no weights file configured the section says
    so and shows nothing else.
    """
    from ..figures.harm import harm_chart
    from ..indicators.counts import all_crime
    from ..indicators.harm import harm_index
    from ..narrative.harm import harm_sentence
    from ..sources.harm_weights import read_harm_weights

    if config.data.harm_weights is None:
        return Section(notes=[
            "No harm weights are configured (data.harm_weights), so this briefing counts "
            "crimes and does not weight them by their harm. A partnership that chooses a "
            "scheme (for example the ONS Crime Severity Score or the Cambridge Crime Harm "
            "Index) can name its weights file in the configuration."])
    weights, dq = read_harm_weights(config.data.harm_weights)
    scheme = weights.scheme + (f" {weights.version}" if weights.version else "")
    section = Section(quality=[dq])
    section.notes.append(
        f"Harm weights: {scheme}, from {weights.source}. pccanalysis ships no weights; these "
        "are the partnership's choice, given for data.police.uk's broad crime types, which "
        "is itself an approximation of the scheme's offence-level weights.")
    months = set(_months_to(data, quarter))
    crime = all_crime(data.frame)
    crime = crime[crime["month"].isin(months)]
    types = crime["crime_type"].astype("str")
    unweighted = sorted(set(types) - set(weights.weights))
    if unweighted:
        left = int(types.isin(unweighted).sum())
        kind = "that type" if len(unweighted) == 1 else "those types"
        section.notes.append(
            f"The {scheme} weights give no weight for {join_words(unweighted)}, so the "
            f"{format_count(left)} crime{'s' if left != 1 else ''} of {kind} to "
            f"{quarter.last_month.strftime('%B %Y')} {'are' if left != 1 else 'is'} left out "
            "of the harm score and of the crime count beside it.")
        crime = crime[~types.isin(unweighted).to_numpy()]
    if crime.empty:
        section.notes.append("No crime in the data has a harm weight, so there is no "
                             "harm-weighted view.")
        return section
    table = harm_index(crime, weights.weights, period="quarter")
    table = table[table["months"] == 3].reset_index(drop=True)  # whole quarters only
    section.results["harm"] = table
    current, previous = quarter.label, quarter.same_quarter_last_year().label
    have = set(table["quarter"])
    if {current, previous} <= have:
        section.sentences.append(harm_sentence(table, current, previous, scheme))
    section.sentences.append(
        "A harm score weights each crime by how serious it is, so a few serious crimes can "
        "outweigh many minor ones; it is not tested against chance here.")
    if len(table):
        first, last = table["quarter"].iloc[0], table["quarter"].iloc[-1]
        section.figures.append(harm_chart(
            table, title=f"Crimes and their harm score each quarter, {first} to {last}",
            source=f"{police_source(config)}; harm weights: {scheme} ({weights.source})",
            scheme=scheme))
    if current in have:
        by_type = harm_index(crime.assign(category=crime["crime_type"]), weights.weights,
                             by="category", period="quarter")
        by_type = by_type[by_type["quarter"] == current].sort_values(
            ["harm", "category"], ascending=[False, True], kind="stable")
        rows = [{"Crime type": str(r["category"]),
                 "Weight": format_number(weights.weights[str(r["category"])], 2).rstrip("0")
                 .rstrip("."),
                 f"Crimes, {current}": format_count(r["count"]),
                 f"Harm score, {current}": format_number(r["harm"], 0)}
                for _, r in by_type.iterrows()]
        section.tables.append(simple_table_html(
            pd.DataFrame(rows), f"Crimes and harm by crime type, {current} ({scheme})",
            numeric=("Weight", f"Crimes, {current}", f"Harm score, {current}")))
    return section


def ward_rates(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """The area's wards compared on crime per 1,000 residents: a funnel plot.

    All crime in the 12 months to the quarter's end in each of the area's own wards, over the
    ward's population from the configured population file (matched by ward code; the
    mid-year estimate for the year of the period's middle month, or the latest before it:
    :func:`~pccanalysis.indicators.peers.peer_rates`), against the rate across the wards
    with 95% and 99.8% control limits that allow for the usual variation between wards
    (over-dispersion; :func:`~pccanalysis.indicators.funnel.funnel`). A sentence names the
    wards above the 99.8% limit (or says none is). Wards without a population are left out
    with a note; with no population file the section says so and shows nothing else.
    """
    from ..figures.funnel import funnel_plot
    from ..figures.maps import ward_choropleth
    from ..indicators.change import rolling_12_months
    from ..indicators.counts import all_crime
    from ..indicators.funnel import funnel
    from ..indicators.peers import peer_rates, population_for
    from ..indicators.wards import ward_labels
    from ..narrative.funnel import funnel_method_sentence, funnel_sentence, funnel_title
    from ..narrative.wards import ward_coverage_sentence
    from ..sources.geography import read_population

    if data.ward_population is not None:  # LSOA residents summed to the same wards as crime
        population = data.ward_population.rename(columns={"area_code": "ward_code"})
        pop_source = "LSOA mid-year estimates summed to wards"
    elif config.data.population is not None:
        population = read_population(config.data.population).rename(
            columns={"area_code": "ward_code"})
        pop_source = "mid-year estimates"
    else:
        return Section(notes=[
            "No population is configured (data.lsoa_population or data.population), so the "
            "wards are not compared on crime per resident."])
    comp = rolling_12_months(quarter)
    months = list(comp.current_months)
    crime = all_crime(area_wards(data))
    crime = crime[crime["month"].isin(months)]
    # Every ward of the area, with or without crime: a ward with none is shown, not dropped.
    known = crime[["ward_code", "ward_name", "lad_name"]]
    if data.wards is not None:
        known = pd.concat([data.wards, known])
    labels = ward_labels(known)
    wards = pd.DataFrame({"ward_code": labels.index, "label": labels.to_numpy()})
    _, year = population_for(population, [], unit="ward_code",
                             year=months[len(months) // 2].year)
    known = population["ward_code"].astype("str")
    if year is not None:
        known = known[population["year"] == year]
    have = wards["ward_code"].isin(set(known))
    section = Section()
    if (~have).any():
        missing = wards.loc[~have, "label"].tolist()
        section.notes.append(
            f"The population file has no {'figure' if year is None else f'mid-{year} figure'} "
            f"for {join_words(missing)}, so {'it is' if len(missing) == 1 else 'they are'} "
            "left out of the comparison.")
    wards = wards[have]
    if len(wards) < 2:
        section.notes.append("Fewer than two wards have both crimes and a population, so "
                             "there is nothing to compare.")
        return section
    table = peer_rates(crime, population, unit="ward_code", months=months, count_column=None,
                       units=wards["ward_code"].tolist())
    label = dict(zip(wards["ward_code"], wards["label"], strict=True))
    result = funnel(table["count"].to_numpy(), table["population"].to_numpy(),
                    [label[c] for c in table["ward_code"]], kind="rate", per=1000)
    period = comp.current_label
    section.sentences.append(funnel_sentence(result, period=period))
    section.sentences.append(funnel_method_sentence(result))
    coverage = ward_coverage_of(data, {period: months})
    section.sentences.append(ward_coverage_sentence(coverage, vintage=data.ward_vintage))
    section.results["coverage"] = coverage
    section.figures.append(funnel_plot(
        result, title=funnel_title(result), source=f"{police_source(config)}; population: "
        f"{'synthetic ' if config.publication.synthetic else ''}ONS {pop_source}"
        + (f" (mid-{year})" if year is not None else ""),
        xlabel="Residents", ylabel="Crimes per 1,000 residents"))
    if data.ward_polygons is not None and len(data.ward_polygons):
        code_of = {v: k for k, v in label.items()}
        rates = pd.DataFrame({"code": result.units["unit"].map(code_of),
                              "label": result.units["unit"], "value": result.units["value"]})
        section.figures.append(ward_choropleth(
            rates, data.ward_polygons, title=f"Crimes per 1,000 residents by ward, {period}",
            source=f"{police_source(config)}; population: ONS {pop_source}",
            what="crimes per 1,000 residents"))
    section.notes.append(
        "Rates are per resident. A ward that many people visit (a town or city centre, a "
        "shopping or night-time area) has more crime per resident than its residents' own "
        "risk, so a high rate there is expected.")
    section.results.update({"rates": table, "funnel": result})
    return section
