"""Hate crime for the quarterly briefing, from the partnership's pseudonymised victim extract:
incidents, repeat victims, the ward with the largest usual share and a disclosure-controlled
ward by strand table."""

from __future__ import annotations

import pandas as pd

from ..config import Config
from ..indicators.change import between, change, same_quarter_last_year, share_change
from ..indicators.disclosure import suppress_long
from ..indicators.repeats import repeat_change, repeat_victims
from ..narrative.change import change_sentence, share_sentence
from ..narrative.gaps import figure_caveat
from ..narrative.repeats import repeat_sentence
from ..numbers import format_count
from ..periods import Quarter
from ..sources.victims import read_hate_crime_victims
from .common import Section, add_caveat, area_wards, shown_if_history
from .html import CountRow, suppressed_table_html
from .inputs import AreaData


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
    return repeat_victims(victims, freq=freq, same_day_is_one_incident=True)


def read_victims(config: Config, data: AreaData):
    """The hate-crime victim extract, with the area's wards for its ward check."""
    wards = sorted(area_wards(data)["ward_name"].astype("str").unique().tolist())
    return read_hate_crime_victims(config.data.hate_crime_victims, wards=wards)


def hate_incidents(victims: pd.DataFrame) -> pd.DataFrame:
    """The hate-crime extract as incidents: one row per victim and day.

    The extract has one row per crime *and strand* (:mod:`pccanalysis.sources.victims`), so
    counting its rows counts strand records: a crime recorded under two strands would count
    twice. As in :func:`repeat_victim_table`, all of a victim's rows on one day are one
    incident (the first row is kept, with its ward); two genuinely separate hate crimes
    against one person on one day then count once.
    """
    return victims.drop_duplicates(subset=["victim_id", "date"], keep="first")


@shown_if_history("The hate-crime figures")
def hate_crime(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Hate crime: incidents and repeat victims against the same quarter last year, the
    ward with the largest usual share, and a disclosure-controlled ward by strand table.

    Incidents (one per victim and day, :func:`hate_incidents`) are what the totals, the
    change and the ward's share count, the same unit as the repeat-victim figures; the ward by
    strand table counts strand records (a crime under two strands is in both columns) and
    says so. The change allows for the month-to-month variation of the extract's own history
    (``dispersion="estimate"``).
    """
    if config.data.hate_crime_victims is None:
        return Section(missing="No hate-crime victim extract is configured "
                               "(data.hate_crime_victims).")
    victims, dq = read_victims(config, data)
    incidents_frame = hate_incidents(victims)
    covered = list(pd.period_range(victims["month"].min(), victims["month"].max(), freq="M"))
    section = Section(quality=[dq])
    comp = same_quarter_last_year(quarter)
    incidents = change(incidents_frame, comp, label="Hate crime", available_months=covered,
                       dispersion="estimate")
    section.sentences.append(change_sentence(incidents, "Recorded hate crime"))
    if incidents.verdict != "similar":
        section.findings.append(section.sentences[-1])
    add_caveat(section, figure_caveat("Recorded hate crime", incidents.caveat))
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
    _ward_strand_table(config, section, in_wards, incidents_in_wards, incidents.current,
                       quarter)
    section.results["incidents"] = incidents
    return section


def _ward_strand_table(config: Config, section: Section, in_wards: pd.DataFrame,
                       incidents_in_wards: pd.DataFrame, incidents: int,
                       quarter: Quarter) -> None:
    """The quarter's disclosure-controlled ward by strand table of strand records, with rows
    under it that take its total to the incidents the sentence counts: further strands of
    one incident out, incidents in no ward of the area in."""
    in_quarter = in_wards[in_wards["month"].isin(quarter.months)]
    if not len(in_quarter):
        return
    sup = suppress_long(in_quarter, "ward", "strand", count_column=None,
                        threshold=config.publication.suppression_threshold)
    records = len(in_quarter)
    n_inc = int(incidents_in_wards["month"].isin(quarter.months).sum())
    rows = [CountRow("difference", "Further strands of an incident already counted",
                     0, n_inc - records),
            CountRow("difference", "Incidents in no ward of the area", 0, incidents - n_inc),
            CountRow("headline", f"Recorded hate crime incidents, {quarter.label} (the figure "
                     "in the text)", 0, incidents)]
    section.tables.append(suppressed_table_html(
        sup, f"Hate-crime strand records by ward and strand, {quarter.label}", "Ward",
        reconcile=[r for r in rows if r.kind == "headline" or r.current]))
    note = ("The ward and strand table counts strand records: a crime recorded under two "
            "strands is counted under each")
    if records != n_inc:
        note += (f", so its {format_count(records)} records in {quarter.label} are "
                 f"{format_count(n_inc)} incidents")
    section.notes.append(note + ".")
