"""The stop-and-search briefing: loading the searches for the force area and the briefing's
area, and its sections (what the scrutiny panel reviews each quarter).

:func:`load_searches` reads the stop-and-search files (``data.stop_and_search``, else the police
data paths that hold them), keeps the configured force's, and places each search in the
briefing's area by its coordinates; the files carry no LSOA, so this needs ward boundaries
(``data.ward_boundaries``). Residents by ethnic group come from ``data.population_by_ethnicity``,
summed over the local authorities of each area. Each section function takes a ``scope``,
``"force"`` or ``"area"``; :func:`area_view` gathers the area's sections into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Area, Config
from ..errors import DataError
from ..figures.spc import spc_chart
from ..figures.stop_search import count_chart, ratio_chart
from ..indicators import stop_search as ind
from ..indicators.change import change, same_quarter_last_year
from ..indicators.disclosure import suppress
from ..indicators.spc import spc_with_shift
from ..narrative import stop_search as words
from ..narrative.change import change_sentence
from ..narrative.change import headline as change_headline
from ..narrative.spc import shift_sentence, spc_sentence, spc_title
from ..numbers import format_count, format_number, format_percent, join_words
from ..periods import Quarter
from ..quality import DataQuality
from ..sources.boundaries import place_points, read_boundaries
from ..sources.ethnic_population import ETHNIC_GROUPS, read_population_by_ethnicity
from ..sources.geography import la_name_key, read_lad_lookup, read_lsoa_lookup
from ..sources.police_uk.files import holding
from ..sources.police_uk.schema import STOP_AND_SEARCH
from ..sources.stop_search import read_searches
from .common import Section
from .context import HeadlineFigure
from .html import simple_table_html
from .inputs import in_area_mask


@dataclass
class Scope:
    """The searches of one area.

    Attributes
    ----------
    name : str
        The area as the briefing names it.
    frame : pandas.DataFrame or None
        Its searches, every month read; None when they cannot be placed (see ``note``).
    population : pandas.Series or None
        Residents by ethnic group (None without a population file).
    note : str or None
        Why the searches are not shown, or how they were placed.
    in_words : str
        The name as a sentence uses it ("the Northbridge force area"); ``name`` by default.
    """

    name: str
    frame: pd.DataFrame | None
    population: pd.Series | None = None
    note: str | None = None
    in_words: str = ""

    def __post_init__(self) -> None:
        self.in_words = self.in_words or self.name


@dataclass
class SearchData:
    """What the stop-and-search briefing reads.

    Attributes
    ----------
    force, area : Scope or None
        The force area and the briefing's area (None when the area is the force area, or
        covers all of it); ``force`` is None when there are no stop-and-search files.
    months : list of pandas.Period
        Every month the files cover, first to last.
    quality : list of DataQuality
        The reader's record (with any unknown values) and the record of placing searches.
    unknown : pandas.DataFrame
        Values data.police.uk does not publish (:func:`~pccanalysis.sources.stop_search.read_searches`).
    synthetic : bool
        The files are the synthetic sample's.
    area_name : str
        The briefing's area.
    """

    force: Scope | None
    area: Scope | None = None
    months: list = field(default_factory=list)
    quality: list = field(default_factory=list)
    unknown: pd.DataFrame | None = None
    synthetic: bool = False
    area_name: str = ""


_FORCE_WORDS = {"constabulary", "police", "service", "of", "the", "force", "and"}


def _force_words(name: str) -> frozenset[str]:
    """A force's name or file slug reduced to its place words ("avon-and-somerset" and "Avon
    and Somerset" alike; "city-of-london" and "London, City of")."""
    words = re.split(r"[^a-z]+", str(name).casefold().replace("&", " and "))
    return frozenset(w for w in words if w and w not in _FORCE_WORDS)


def search_paths(config: Config) -> list:
    """The configured stop-and-search paths, else the police data paths holding such files."""
    return holding(config.data.stop_and_search or config.data.police_uk, STOP_AND_SEARCH.kind)


def load_searches(config: Config, area: Area | str | None = None) -> SearchData:
    """Read the stop-and-search files and split them into the force area and ``area``.

    Searches published by another force are left out (and counted). A search is in ``area``
    when its coordinates fall in one of the area's wards (its local authorities' wards, from
    the ward boundaries); a search without coordinates is in the force area only.

    Raises
    ------
    DataError
        From the readers (a missing column, a population file lacking a group), or when the
        population file has no rows for one of an area's local authorities.
    """
    paths = search_paths(config)
    if not paths:
        return SearchData(force=None, synthetic=config.publication.synthetic)
    if not isinstance(area, Area):
        area = config.area(area)
    frame, dq, unknown = read_searches(paths, cache_dir=config.cache_dir)
    lads = read_lad_lookup(config.data.lad_lookup)
    placed = DataQuality("placing searches in the force area", rows_read=len(frame))
    if config.force:
        keys = {_force_words(f) for f in config.force}
        mine = frame["force"].astype("str").map(lambda s: _force_words(s) in keys).to_numpy()
        if (~mine).any():
            others = sorted(frame.loc[~mine, "force"].astype("str").unique())
            placed.exclude(f"published by another force ({join_words(others)})",
                           int((~mine).sum()))
        frame = frame[mine].reset_index(drop=True)
        force_lads = lads[lads["pfa_name"].map(lambda v: _force_words(v) in keys)]
        force_name = f"{join_words(list(config.force))} force area"
    else:
        force_lads, force_name = lads, "the force area"
    placed.rows_kept = len(frame)
    months = (list(pd.period_range(frame["month"].min(), frame["month"].max(), freq="M"))
              if len(frame) else [])
    table = (read_population_by_ethnicity(config.data.population_by_ethnicity)
             if config.data.population_by_ethnicity else None)
    in_words = f"the {force_name}" if config.force else force_name
    force = Scope(force_name, frame, _population(table, force_lads, in_words, config),
                  in_words=in_words)
    data = SearchData(force=force, months=months, quality=[dq, placed.check()], unknown=unknown,
                      synthetic=config.publication.synthetic, area_name=area.name)
    area_lads = lads[in_area_mask(lads, area)]
    if area.kind == "force" or set(area_lads["lad_code"]) == set(force_lads["lad_code"]):
        return data
    if config.data.ward_boundaries is None:
        data.area = Scope(area.name, None, note=(
            f"Searches carry coordinates but no LSOA, so placing them in {area.name} needs ward "
            "boundaries (data.ward_boundaries), which are not configured: the force area's "
            "figures above are the only ones."))
        return data
    inside = searches_in(frame, set(area_lads["lad_code"]), config)
    data.area = Scope(area.name, frame[inside].reset_index(drop=True),
                      _population(table, area_lads, area.name, config),
                      note=(f"{format_count(int(inside.sum()))} of the force's "
                            f"{format_count(len(frame))} searches were located in "
                            f"{area.name} (by their coordinates and the ward boundaries); "
                            f"{format_count(int(frame['no_location'].sum()))} have no location "
                            "and are in the force area's figures only."))
    return data


def searches_in(frame: pd.DataFrame, lad_codes: set[str], config: Config) -> np.ndarray:
    """Which searches lie in a ward of the local authorities ``lad_codes`` (point in polygon
    against the configured ward boundaries; a ward's local authority from the boundary file,
    else from the LSOA lookup)."""
    wards = read_boundaries(config.data.ward_boundaries, level="ward")
    if "lad_code" in wards.columns:
        lad_of = wards["lad_code"].to_numpy(dtype=object)
    else:
        lookup = read_lsoa_lookup(config.data.lsoa_lookup).drop_duplicates("ward_code")
        lad_of = wards["code"].map(dict(zip(lookup["ward_code"], lookup["lad_code"],
                                            strict=True))).to_numpy(dtype=object)
    index, _ = place_points(frame["longitude"], frame["latitude"], wards["geometry"])
    lad = np.where(index >= 0, lad_of[np.maximum(index, 0)], None)
    return np.array([x in lad_codes for x in lad], dtype=bool)


def _population(table: pd.DataFrame | None, lads: pd.DataFrame, name: str,
                config: Config) -> pd.Series | None:
    """Residents by ethnic group summed over ``lads`` (matched by code, else by name)."""
    if table is None:
        return None
    codes = set(table["area_code"])
    names = {la_name_key(n): c for c, n in zip(table["area_code"], table["area_name"],
                                              strict=True) if n}
    chosen = []
    for code, lad in lads[["lad_code", "lad_name"]].drop_duplicates("lad_code").itertuples(
            index=False):
        found = code if code in codes else names.get(la_name_key(lad))
        if found is None:
            raise DataError(f"there are no rows for {lad} ({code}), a local authority of {name}",
                            file=config.data.population_by_ethnicity, column="area_code")
        chosen.append(found)
    rows = table[table["area_code"].isin(chosen)]
    return rows.groupby("ethnic_group")["population"].sum().reindex(list(ETHNIC_GROUPS))


# --------------------------------------------------------------------------------------------
# Sections


def _source(data: SearchData) -> str:
    kind = "synthetic sample in the format of " if data.synthetic else ""
    return f"Source: {kind}data.police.uk stop and search"


def _scope(data: SearchData, scope: str) -> Scope | None:
    if scope not in ("force", "area"):
        raise ValueError(f"scope must be 'force' or 'area', not {scope!r}")
    return data.force if scope == "force" else data.area


def _quarter_rows(sc: Scope, quarter: Quarter) -> pd.DataFrame:
    return sc.frame[sc.frame["month"].isin(quarter.months)]


def _covered(data: SearchData, quarter: Quarter) -> bool:
    return bool(data.months) and set(quarter.months) <= set(data.months)


def _shown(data: SearchData, scope: str, quarter: Quarter) -> Scope | None:
    """The scope a section shows, or None when there are no searches to show for it: no
    files, no place for the area's searches, or files that do not cover the quarter (the
    headline says which)."""
    sc = _scope(data, scope) if data.force is not None else None
    if sc is None or sc.frame is None or not _covered(data, quarter):
        return None
    return sc


def headline(config: Config, data: SearchData, quarter: Quarter, scope: str = "force"
             ) -> Section:
    """Headline cards: searches against the same quarter last year (allowing for the series'
    own month-to-month variation), the find rate, searches of children and, with residents by
    ethnic group, the highest disproportionality ratio."""
    if data.force is None:
        return Section(notes=["No stop-and-search files were found (data.stop_and_search, or "
                              "files named YYYY-MM-<force>-stop-and-search.csv in the police "
                              "data), so this briefing has nothing to show."])
    sc = _scope(data, scope)
    if sc is None or sc.frame is None:
        return Section()
    if not _covered(data, quarter):
        return Section(notes=[f"The stop-and-search files do not cover all of {quarter.label}."])
    comp = same_quarter_last_year(quarter)
    section = Section()
    rows = _quarter_rows(sc, quarter)
    if set(comp.previous_months) <= set(data.months):
        result = change(sc.frame, comp, label="Searches", available_months=data.months,
                        dispersion="estimate")
        section.sentences.append(change_sentence(result, f"Searches in {sc.in_words}", plural=True))
        card = change_headline(result, "Searches, this quarter", subject="Searches",
                               improvement="neutral")
        section.headline.append(HeadlineFigure(**card.as_card()))
        section.results["change"] = result
    else:
        section.headline.append(HeadlineFigure("Searches, this quarter", format_count(len(rows)),
                                               "no earlier year to compare", "neutral"))
    find = ind.find_rate(rows)
    section.headline.append(HeadlineFigure(
        "Find rate", format_percent(find.share) if find.total else "none recorded",
        "outcome linked to the object of the search",
        "neutral", f"95% interval {format_percent(find.low)} to {format_percent(find.high)}"
        if find.total else ""))
    young = ind.children(rows)
    section.headline.append(HeadlineFigure(
        "Searches of children", format_count(young.count),
        f"{format_percent(young.share)} of searches recording an age" if young.total else
        "no age recorded", "neutral", "aged under 18"))
    if sc.population is not None and len(rows):
        table = ind.ethnicity_rates(rows, sc.population)
        top = table[table["ethnic_group"] != "White"].sort_values("ratio").iloc[-1]
        section.headline.append(HeadlineFigure(
            f"{top['ethnic_group']} people searched", f"{format_number(top['ratio'], 1)}x",
            "the White group's rate per resident", "neutral",
            f"95% interval {format_number(top['ratio_low'], 1)} to "
            f"{format_number(top['ratio_high'], 1)}"))
    section.results.update(find=find, children=young)
    return section


def volume(config: Config, data: SearchData, quarter: Quarter, scope: str = "force") -> Section:
    """Searches a month to the quarter's end as an XmR (SPC) chart; a lasting change of level
    is rebased at the month it began (:func:`~pccanalysis.indicators.spc.spc_with_shift`).
    More searches are neither good nor bad in themselves: the chart is neutral."""
    sc = _shown(data, scope, quarter)
    if sc is None:
        return Section()
    months = [m for m in data.months if m <= quarter.last_month]
    counts = ind.monthly_searches(sc.frame, months)
    result, shift = spc_with_shift(counts, value="count", period="month", improvement="neutral")
    sentences = ([shift_sentence(shift, "Searches", plural=True)] if shift is not None else [])
    sentences.append(spc_sentence(result, "Searches", plural=True))
    fig = spc_chart(result, title=f"{sc.name}: " + spc_title(result, "Searches", shift=shift,
                                                               plural=True),
                    source=_source(data), what="searches")
    return Section(sentences=sentences, figures=[fig], results={"spc": result, "shift": shift})


def _count_table(table: pd.DataFrame, column: str, label: str, caption: str,
                 threshold: int) -> tuple[str, set]:
    """A breakdown's counts and shares, counts under ``threshold`` hidden (and enough others
    to protect them from the total)."""
    wide = table.set_index(column)[["count"]]
    sup = suppress(wide, threshold, totals=True)
    hidden = {v for v in wide.index if sup.suppressed.loc[v, "count"]}
    rows = [{label: v, "Searches": sup.marker if v in hidden else format_count(c),
             "Share": "" if v in hidden else format_percent(s)}
            for v, c, s in zip(table[column], table["count"], table["share"], strict=True)]
    note = f" {sup.marker}: fewer than {threshold}, or hidden to protect one." if hidden else ""
    return simple_table_html(pd.DataFrame(rows), caption + note,
                             numeric=("Searches", "Share")), hidden


def grounds(config: Config, data: SearchData, quarter: Quarter, scope: str = "force") -> Section:
    """Searches in the quarter by the power used (legislation) and the object searched for,
    with a chart of the powers."""
    sc = _shown(data, scope, quarter)
    if sc is None:
        return Section()
    rows = _quarter_rows(sc, quarter)
    if rows.empty:
        return Section(sentences=[f"There were no searches in {quarter.label}."])
    t = config.publication.suppression_threshold
    laws = ind.breakdown(rows, "legislation")
    objects = ind.breakdown(rows, "object_of_search")
    law_html, hidden = _count_table(laws, "legislation", "Power",
                                    f"Searches by power, {quarter.label}", t)
    obj_html, _ = _count_table(objects, "object_of_search", "Object of search",
                               f"Searches by object of search, {quarter.label}", t)
    sentence = words.grounds_sentence(laws, objects, quarter.label)
    fig = count_chart(laws, "legislation", title=f"{sc.name}: searches by power, {quarter.label}",
                      source=_source(data), hidden=hidden)
    return Section(sentences=[sentence], figures=[fig], tables=[law_html, obj_html],
                   results={"legislation": laws, "object": objects})


def outcomes(config: Config, data: SearchData, quarter: Quarter, scope: str = "force"
             ) -> Section:
    """The quarter's outcomes, the find rate, searches of children and searches with more than
    outer clothing removed, each with its 95% interval."""
    sc = _shown(data, scope, quarter)
    if sc is None:
        return Section()
    rows = _quarter_rows(sc, quarter)
    if rows.empty:
        return Section()
    find, any_outcome = ind.find_rate(rows), ind.outcome_rate(rows)
    young, removed = ind.children(rows), ind.removal(rows)
    table = ind.breakdown(rows, "outcome")
    html, _ = _count_table(table, "outcome", "Outcome", f"Searches by outcome, {quarter.label}",
                           config.publication.suppression_threshold)
    return Section(
        sentences=[words.find_sentence(find, any_outcome, quarter.label),
                   words.children_sentence(young, removed, quarter.label)],
        tables=[html], results={"find": find, "outcome": any_outcome, "children": young,
                                "removal": removed, "outcomes": table})


def ethnicity(config: Config, data: SearchData, quarter: Quarter, scope: str = "force"
              ) -> Section:
    """Searches by ethnic group in the quarter: per 1,000 residents of each group and the ratio
    to the White group's rate, with exact intervals, when residents by ethnic group are
    configured; else the counts and a sentence saying what is missing."""
    sc = _shown(data, scope, quarter)
    if sc is None:
        return Section()
    rows = _quarter_rows(sc, quarter)
    if rows.empty:
        return Section()
    groups = ind.ethnic_groups(rows)
    section = Section(notes=[words.ethnicity_source_sentence(groups)])
    t = config.publication.suppression_threshold
    if sc.population is None:
        counts = ind.breakdown(groups, "ethnic_group")
        html, _ = _count_table(counts, "ethnic_group", "Ethnic group",
                               f"Searches by ethnic group, {quarter.label}", t)
        section.sentences.append(words.no_population_sentence())
        section.tables.append(html)
        section.results["counts"] = counts
        return section
    table = ind.ethnicity_rates(rows, sc.population)
    section.sentences.append(words.ethnicity_sentence(table, quarter.label, sc.in_words))
    section.tables.append(_rates_table(table, quarter, t))
    section.figures.append(ratio_chart(
        table, title=f"{sc.name}, {quarter.label}: searches per resident against the White "
        "group's rate", source=f"{_source(data)}; residents: "
        f"{'synthetic ' if data.synthetic else ''}Census 2021 by ethnic group"))
    section.notes.append(words.method_sentence())
    section.results["rates"] = table
    return section


def _rates_table(table: pd.DataFrame, quarter: Quarter, threshold: int) -> str:
    rows = []
    for _, r in table.iterrows():
        small = 0 < r["searches"] < threshold
        ratio = "" if r["ethnic_group"] == "White" else (
            f"{format_number(r['ratio'], 2)} ({format_number(r['ratio_low'], 2)} to "
            f"{format_number(r['ratio_high'], 2)})" if np.isfinite(r["ratio_high"]) else
            "not measurable")
        rows.append({
            "Ethnic group": r["ethnic_group"],
            "Searches": "[c]" if small else format_count(r["searches"]),
            "Residents": format_count(r["population"]),
            "Per 1,000 residents": "[c]" if small else
            f"{format_number(r['rate'], 2)} ({format_number(r['rate_low'], 2)} to "
            f"{format_number(r['rate_high'], 2)})",
            "Times the White rate": "[c]" if small else ratio,
            "Searched": "" if small or r["ethnic_group"] == "White" else {
                "more": "more often", "less": "less often", "similar": "similar"}[r["verdict"]],
        })
    return simple_table_html(
        pd.DataFrame(rows), f"Searches per 1,000 residents by ethnic group, {quarter.label} "
        "(95% intervals in brackets)" + (" [c]: fewer than " f"{threshold} searches."
                                         if (table["searches"].between(1, threshold - 1)).any()
                                         else ""),
        numeric=("Searches", "Residents", "Per 1,000 residents", "Times the White rate"))


def area_view(config: Config, data: SearchData, quarter: Quarter) -> Section:
    """The briefing's area: its headline, monthly searches, outcomes and ethnicity, as one
    section; or a note when the area is the force area or its searches cannot be placed."""
    if data.force is None:
        return Section()
    if data.area is None:
        return Section(notes=[f"{data.area_name} covers the whole of {data.force.in_words}, "
                              "so the figures above are its figures."])
    if data.area.frame is None:
        return Section(notes=[data.area.note])
    parts = [f(config, data, quarter, "area") for f in (headline, volume, outcomes, ethnicity)]
    merged = Section(notes=[data.area.note])
    for p in parts:
        for name in ("sentences", "headline", "figures", "tables", "caveats", "notes"):
            getattr(merged, name).extend(getattr(p, name))
        merged.results.update(p.results)
    return merged


def unknown_values_caveat(data: SearchData) -> Section:
    """A caveat listing the values data.police.uk does not publish (each counted, not
    dropped), or nothing."""
    if data.unknown is None or data.unknown.empty:
        return Section()
    notes = data.quality[0].notes[-len(data.unknown):]
    return Section(caveats=notes)
