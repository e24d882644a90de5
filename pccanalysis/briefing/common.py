"""What every briefing's sections share: the :class:`Section` they return, source lines,
publication gaps by series, the area's wards, headline changes and the SPC trend.

A notebook shows a section with one call (``b.show(section)``). Each section builder (in
:mod:`~pccanalysis.briefing.quarterly`, :mod:`~pccanalysis.briefing.needs`,
:mod:`~pccanalysis.briefing.delivery` and the topic modules they use) chooses *which* indicator
results a board sees for a quarter; the statistics themselves live in
:mod:`pccanalysis.indicators`, the words in :mod:`pccanalysis.narrative` and the charts in
:mod:`pccanalysis.figures`.

Sections that need an input the configuration does not name return a :class:`Section` with
one note saying so, rather than failing, so one briefing serves offices with more or fewer
local extracts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..config import Config
from ..errors import PeriodError
from ..figures.spc import spc_chart
from ..indicators.change import PeriodPair, change, compared_periods, months_in_words
from ..indicators.counts import ASB, all_crime, month_counts
from ..indicators.gaps import find_gaps, touches_gap
from ..indicators.spc import spc_with_shift
from ..indicators.wards import ward_coverage, ward_labels
from ..narrative.change import change_sentence, headline
from ..narrative.gaps import figure_caveat, gap_caveat
from ..narrative.spc import shift_sentence, signals, spc_sentence, spc_title
from ..narrative.words import cap, history_sentence
from ..periods import Quarter
from ..quality import DataQuality
from .context import HeadlineFigure
from .html import CountRow
from .inputs import AreaData, in_area_mask


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
    findings : list of str
        The changes the statistics support, one short sentence each, for the briefing's
        summary (a rise or fall, a signal on a chart, a target's status).
    missing : str or None
        Set when the section's input is not configured: one sentence saying which. The
        briefing then leaves the section out and lists the sentence in its data-quality note.
    """

    sentences: list[str] = field(default_factory=list)
    headline: list[HeadlineFigure] = field(default_factory=list)
    figures: list = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quality: list[DataQuality] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    missing: str | None = None


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

    return find_gaps(data.frame, by="crime_type", months=data.months)


def months_to(data: AreaData, quarter: Quarter) -> list:
    return [m for m in data.months if m <= quarter.last_month]


def asb_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["crime_type"] == ASB]


def series_frame(data: AreaData, what: str) -> pd.DataFrame:
    """The rows counted for ``what``: "All crime" (every type but ASB) or one crime type."""
    return series_rows(data.frame, what)


def series_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """:func:`series_frame` of any frame with ``crime_type``."""

    if what == "All crime":
        return all_crime(frame)
    return frame[frame["crime_type"] == what]


def series_gaps(gaps: pd.DataFrame, months, what: str) -> pd.DataFrame:
    """The detected publication gaps in ``months`` that make the series ``what`` incomplete:
    gaps in that crime type, or for "All crime" in any crime type but ASB."""

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

    rows = series_frame(data, what)
    rows = rows[in_area_mask(rows, data.area)]
    placed = area_wards(data)
    rows = rows.assign(ward_code=rows["ward_code"].where(rows.index.isin(placed.index)))
    unlocated = None
    if data.unlocated is not None:
        unlocated = series_rows(data.unlocated, what).groupby("month").size()
    return ward_coverage(rows, periods, unlocated)


def headline_change(section: Section, data: AreaData, frame: pd.DataFrame, comp, label: str,
                     subject: str, card: str, gaps, key: str) -> None:
    """One headline change: its card, its sentence and its caveats, added to ``section``.

    The change is tested allowing for over-dispersion estimated from the series' own months
    before the current period, with publication-gap months left out of both periods.
    """

    result = change(frame, comp, label=label, gaps=gaps, available_months=data.months,
                    gap_policy="exclude", dispersion="estimate")
    h = headline(result, card, subject=subject, improvement="decrease")
    section.headline.append(HeadlineFigure(**h.as_card()))
    section.sentences.append(change_sentence(result, subject))
    if result.verdict != "similar":
        section.findings.append(section.sentences[-1])
    add_gap_caveat(section, gaps, comp, label)
    add_caveat(section, figure_caveat(card, result.caveat))
    section.results[key] = result


def add_caveat(section: Section, caveat: str | None) -> None:
    if caveat and caveat not in section.caveats:
        section.caveats.append(caveat)


def add_gap_caveat(section: Section, gaps, comp, label: str) -> None:
    """The narrative's caveat for a detected gap in the compared months of ``label``'s data
    (all crime means every crime type but ASB), once per section."""

    if label == "All crime":
        types = [t for t in gaps["crime_type"].unique() if t != ASB]
        caveat = gap_caveat(gaps[gaps["crime_type"].isin(types)], comp) if types else None
    else:
        caveat = gap_caveat(gaps, comp, crime_type=label)
    add_caveat(section, caveat)


def spc_trend(config: Config, data: AreaData, quarter: Quarter, what: str = "All crime",
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

    gaps = data_gaps(data) if gaps is None else gaps
    months = months_to(data, quarter)
    counts = month_counts(series_frame(data, what), months=months)
    hit = series_gaps(gaps, months, what)
    result, shift = spc_with_shift(counts, value="count", period="month",
                                   improvement="decrease", exclude=sorted(set(hit["month"])))
    subject = "ASB" if what == ASB else ("Crime" if what == "All crime" else what)
    sentences = []
    if shift is not None:
        sentences.append(shift_sentence(shift, subject))
    sentences.append(spc_sentence(result, subject))
    noun = "ASB incidents" if what == ASB else "crimes"
    title = spc_title(result, subject, shift=shift)
    fig = spc_chart(result, title=title, source=police_source(config), what=noun)
    section = Section(sentences=sentences, figures=[fig],
                      results={"spc": result, "shift": shift})
    found = signals(result)
    if shift is not None or (found and found[-1].ongoing):
        # a change of level, or a signal still going on: the chart's title says it
        section.findings.append(f"{title}.")
    caveat = gap_caveat(hit, months)
    if caveat:
        section.caveats.append(caveat + " The chart shows such months as hollow points and "
                               "leaves them out of its average and limits.")
    return section


def cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def proper_nouns(data: AreaData) -> list[str]:
    """Names that keep their capital letter mid-sentence: the area and its wards."""
    names = {data.area.name, *data.area.members}
    if "ward_name" in data.frame.columns:
        names |= set(data.frame["ward_name"].dropna().astype("str"))
    return sorted(n for n in names if n)


def headline_counts(data: AreaData, comp: PeriodPair, gaps,
                    what: str = "All crime") -> tuple[PeriodPair, int, int]:
    """What a headline change of ``what`` counts (:func:`headline_change`): the periods, with
    publication-gap months left out with their pairs, and the previous and current counts."""
    frame = series_frame(data, what)
    counted = compared_periods(frame, comp, gaps, gap_policy="exclude")
    month = frame["month"]
    return (counted, int(month.isin(counted.previous_months).sum()),
            int(month.isin(counted.current_months).sum()))


def reconcile(previous: float, current: float, headline: tuple[PeriodPair, int, int],
              comp: PeriodPair, label: str) -> list[CountRow]:
    """A count table's total row and, where the headline figure counts differently, a row
    for the difference (headline minus total, naming the months the headline leaves out) and
    the headline's own count, so the table adds up to the figure beside it.

    Parameters
    ----------
    previous, current : float
        The table's totals.
    headline : tuple
        :func:`headline_counts` for the same comparison.
    comp : PeriodPair
        The comparison asked for (before any month was left out).
    label : str
        The total row's label.
    """
    counted, h_previous, h_current = headline
    previous, current = int(previous), int(current)
    rows = [CountRow("total", label, previous, current)]
    if (h_previous, h_current) != (previous, current):
        left = sorted(set(comp.months) - set(counted.months))
        why = (f"Left out of the headline figure: {months_in_words(left)} (a likely "
               "publication gap)") if left else "Counted differently in the headline figure"
        rows += [CountRow("difference", why, h_previous - previous, h_current - current),
                 CountRow("headline", "All crime in the headline figure", h_previous,
                          h_current)]
    return rows


def months_short(data: AreaData, months) -> bool:
    """Whether the police data lack any of ``months``."""
    return not set(months) <= set(data.months)


def too_little_history(what: str, data: AreaData, months, *, plural: bool = True) -> Section:
    """A section that needs ``months`` the data do not hold: one sentence saying so."""
    return Section(sentences=[history_sentence(what, months, data.months[0], data.months[-1],
                                               plural=plural)])


def shown_if_history(what: str, *, plural: bool = True):
    """Decorator for a section builder: when what it computes needs months the data (or an
    extract) do not hold (a :class:`~pccanalysis.errors.PeriodError`), the section says so in
    one sentence instead of failing the briefing, and the rest of the briefing renders."""
    def decorate(builder):
        @functools.wraps(builder)
        def guarded(*args, **kwargs):
            try:
                return builder(*args, **kwargs)
            except PeriodError as error:
                need = "need" if plural else "needs"
                return Section(sentences=[f"{cap(what)} {need} more months of data than the "
                                          f"data hold ({error}), so "
                                          f"{'they are' if plural else 'it is'} not shown."],
                               results={"error": error})
        return guarded
    return decorate
