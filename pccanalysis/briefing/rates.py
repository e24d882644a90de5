"""Rates per 1,000 residents beside the counts of the quarterly briefing's sections.

:func:`with_rates` adds each headline card's rate; :func:`table_rates` gives the crime-type
and ward tables the residents each row's rate is per, which
:func:`~pccanalysis.briefing.html.change_table_html` draws as a rate column beside each
period's count. Rates carry 95% intervals (exact below 10 events, Byar's above:
:func:`pccanalysis.indicators.counts.rate`). The populations are the configured ones: LSOA
populations (``data.lsoa_population``) summed to the area and its wards, else the population
file (``data.population``) by area code or name; the mid-year estimate used is that of the year
of the period's middle month, or the latest before it. With no population configured nothing
changes.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..config import Config
from ..indicators.counts import rate
from ..indicators.peers import population_for
from ..indicators.period_pair import PeriodPair
from ..indicators.wards import ward_labels
from ..numbers import format_count, format_number, join_words
from ..periods import Quarter
from ..sources.geography import la_name_key, read_population
from .common import Section
from .context import HeadlineFigure
from .html import PER_RESIDENTS, CountRow
from .inputs import AreaData, in_area_mask


def _middle_year(months) -> int:
    months = sorted(months)
    return months[len(months) // 2].year


def area_population(config: Config, data: AreaData, year: int) -> tuple[float, int | None] | None:
    """Residents of the briefing's area, and the mid-year the figure is for.

    From LSOA populations summed over the LSOAs of the area's local authorities when
    ``data.lsoa_population`` is configured (``AreaData.lsoa_population``), else the
    population file's rows for the area's CSPs, local authorities or force area (by code,
    else by name). None when neither holds it.
    """
    if data.lsoa_population is not None:
        rows = data.lsoa_population
        if rows.empty:
            return None
        used = _year(rows, year)
        return float(rows.loc[rows["year"] == used, "population"].sum()), used
    area, lads = data.area, data.lad_lookup
    if lads.empty:
        return None
    mine = lads[in_area_mask(lads, area)]
    if config.data.population is None:
        return None
    pop = read_population(config.data.population)
    level = {"csp": "csp", "local_authority": "lad", "force": "pfa"}[area.kind]
    units = mine[[f"{level}_code", f"{level}_name"]].drop_duplicates()
    keys = {la_name_key(str(n)) for n in units[f"{level}_name"]}
    hit = pop["area_code"].isin(set(units[f"{level}_code"]))
    if not hit.any():
        hit = pop["area_name"].map(lambda n: la_name_key(str(n)) in keys, na_action="ignore")
        hit = hit.fillna(False).astype(bool)
    rows = pop[hit]
    if rows.empty:
        return None
    used = _year(rows, year)
    return float(rows.loc[rows["year"] == used, "population"].sum()), used


def _year(rows: pd.DataFrame, year: int) -> int:
    years = sorted(int(y) for y in rows["year"].unique())
    before = [y for y in years if y <= year]
    return before[-1] if before else years[0]


def ward_populations(config: Config, data: AreaData, year: int) -> tuple[pd.Series, int | None]:
    """Residents per ward code (LSOA populations summed to wards, else the population file's
    ward rows); empty when neither is configured."""
    if data.ward_population is not None:
        table = data.ward_population
    elif config.data.population is not None:
        table = read_population(config.data.population)
    else:
        return pd.Series(dtype=float), None
    codes = set(data.wards["ward_code"]) if data.wards is not None else set(table["area_code"])
    table = table[table["area_code"].isin(codes)]
    if table.empty:
        return pd.Series(dtype=float), None
    series, used = population_for(table.rename(columns={"area_code": "ward_code"}),
                                  sorted(set(table["area_code"])), unit="ward_code", year=year)
    return series, used


def with_rates(config: Config, data: AreaData, quarter: Quarter, section: Section) -> Section:
    """The headline ``section`` with each card's rate per 1,000 residents in its detail line.

    Cards built from a change (``section.results`` holds the change under the card's key) gain
    the current count's rate with its interval, and a note says which population was used.
    With no population configured, or a section without cards, ``section`` is returned as it
    was. (The crime-type and ward tables carry their rates themselves: :func:`table_rates`.)
    """
    section = replace(section, headline=list(section.headline), notes=list(section.notes))
    if not section.headline:
        return section
    found = area_population(config, data, _middle_year(quarter.months))
    if found is None:
        return section
    population, used = found
    _headline_rates(section, population)
    _note(section, f"{data.area.name}'s", population, {used})
    return section


def table_rates(config: Config, data: AreaData, comp: PeriodPair, table: pd.DataFrame, by: str,
                totals: list[CountRow], section: Section) -> tuple[pd.DataFrame, list[CountRow]]:
    """A change table and its total rows with the residents each period's rate is per.

    Each row gains ``previous_population`` and ``current_population`` (the area's residents for
    a crime-type table; each ward's, LSOA populations summed to the ward, for a ward table),
    the mid-year estimate of the year of each period's middle month or the latest before it;
    the table's "total" and "headline" rows gain the area's. A row without a population (the
    crimes in none of the wards) stays without. A note on ``section`` says which population
    was used. With no population configured the table and totals are returned as they were.

    Parameters
    ----------
    comp : PeriodPair
        The comparison the table counts.
    by : {"crime_type", "ward"}
    """
    if config.data.lsoa_population is None and config.data.population is None:
        return table, totals
    years = {"previous": _middle_year(comp.previous_months),
             "current": _middle_year(comp.current_months)}
    area = {k: area_population(config, data, y) for k, y in years.items()}
    used = {found[1] for found in area.values() if found is not None}
    table = table.copy()
    if by == "ward":
        for period, year in years.items():
            pops, year_used = ward_populations(config, data, year)
            table[f"{period}_population"] = _ward_rows(table, data, pops)
            used.add(year_used)
        whose = "each ward's"
    else:
        for period, found in area.items():
            table[f"{period}_population"] = found[0] if found is not None else float("nan")
        whose = f"{data.area.name}'s"
    if not table[["previous_population", "current_population"]].notna().any().any():
        return table.drop(columns=["previous_population", "current_population"]), totals
    size = area["current"][0] if by != "ward" and area["current"] is not None else None
    _note(section, whose, size, used)
    residents = {k: found[0] if found is not None else None for k, found in area.items()}
    rated = [replace(t, previous_population=residents["previous"],
                     current_population=residents["current"])
             if t.kind in ("total", "headline") else t for t in totals]
    return table, rated


def _ward_rows(table: pd.DataFrame, data: AreaData, pops: pd.Series) -> pd.Series:
    """Ward populations by the table's ward labels (the area's wards' names, or name and
    district where two share a name)."""
    known = data.wards if data.wards is not None else data.frame[["ward_code", "ward_name",
                                                                   "lad_name"]]
    labels = ward_labels(known)
    code_of = {str(v): k for k, v in labels.items()}
    return table["ward"].astype("str").map(code_of).map(pops).astype(float)


def _headline_rates(section: Section, population: float) -> None:
    results = [r for r in section.results.values() if hasattr(r, "current_label")]
    cards = []
    for card, result in zip(section.headline, results, strict=False):
        r = rate(int(result.current), population, per=PER_RESIDENTS)
        extra = (f"{format_number(r.rate, 1)} per 1,000 residents ({format_number(r.low, 1)} to "
                 f"{format_number(r.high, 1)})")
        cards.append(HeadlineFigure(card.label, card.value, card.verdict, card.tone,
                                    f"{card.detail}; {extra}" if card.detail else extra))
    section.headline[: len(cards)] = cards


def _note(section: Section, whose: str, population: float | None, years: set) -> None:
    size = f" ({format_count(population)})" if population is not None else ""
    years = sorted(y for y in years if y is not None)
    when = f"{join_words([f'mid-{y}' for y in years])} " if years else ""
    section.notes.append(f"Rates are per 1,000 residents, from {whose} {when}population{size}, "
                         "with 95% intervals (exact for fewer than 10 events, Byar's above).")


