"""Rates per 1,000 residents beside the counts of the quarterly briefing's sections.

:func:`with_rates` takes a section the briefing already built (the headline, the crime-type
table, the ward table) and adds each count's rate per 1,000 residents with its 95% interval
(exact below 10 events, Byar's above: :func:`pccanalysis.indicators.counts.rate`), from the
configured populations: LSOA populations (``data.lsoa_population``) summed to the area and its
wards, else the population file (``data.population``) by area code or name. The mid-year
estimate used is that of the year of the period's middle month, or the latest before it. With
no population configured the section is returned as it was.
"""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from ..config import Config
from ..indicators.counts import rate
from ..indicators.peers import population_for
from ..numbers import format_count, format_number, format_percent
from ..periods import Quarter
from ..sources.geography import la_name_key, read_lsoa_lookup, read_population
from .common import Section
from .context import HeadlineFigure
from .inputs import AreaData, in_area_mask

PER = 1000


def _middle_year(months) -> int:
    months = sorted(months)
    return months[len(months) // 2].year


def area_population(config: Config, data: AreaData, year: int) -> tuple[float, int | None] | None:
    """Residents of the briefing's area, and the mid-year the figure is for.

    From LSOA populations summed over the LSOAs of the area's local authorities when
    ``data.lsoa_population`` is configured, else the population file's rows for the area's
    CSPs, local authorities or force area (by code, else by name). None when neither holds it.
    """
    area, lads = data.area, data.lad_lookup
    mine = lads[in_area_mask(lads, area)]
    if config.data.lsoa_population is not None:
        lsoa = read_lsoa_lookup(config.data.lsoa_lookup)
        pop = read_population(config.data.lsoa_population)
        codes = set(lsoa.loc[lsoa["lad_code"].isin(set(mine["lad_code"])), "lsoa_code"])
        rows = pop[pop["area_code"].isin(codes)]
        if rows.empty:
            return None
        used = _year(rows, year)
        return float(rows.loc[rows["year"] == used, "population"].sum()), used
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


def _rate_text(count: float, population: float) -> str:
    r = rate(int(count), population, per=PER)
    return (f"{format_number(r.rate, 1)} ({format_number(r.low, 1)} to "
            f"{format_number(r.high, 1)})")


def with_rates(config: Config, data: AreaData, quarter: Quarter, section: Section) -> Section:
    """``section`` with rates per 1,000 residents beside its counts.

    Headline cards built from a change (``section.results`` holds the change under the card's
    key) gain the current count's rate in their detail line; a change table by crime type (the
    area's rate) or by ward (each ward's rate) is drawn again with a rate column for each
    period. A note says which population was used. Anything else is returned as it was.
    """
    year = _middle_year(quarter.months)
    section = replace(section, headline=list(section.headline), tables=list(section.tables),
                      notes=list(section.notes))
    table = section.results.get("table")
    if section.headline:
        found = area_population(config, data, year)
        if found is None:
            return section
        population, used = found
        _headline_rates(section, population)
        _note(section, f"{data.area.name}'s", population, used)
    elif isinstance(table, pd.DataFrame) and {"crime_type", "ward"} & set(table.columns) \
            and section.tables and section.tables[0].startswith('<table class="pcc-change">'):
        by = "ward" if "ward" in table.columns else "crime_type"
        if by == "ward":
            pops, used = ward_populations(config, data, year)
            rows = table.assign(population=table["ward_code"].map(pops)) \
                if "ward_code" in table.columns else _by_label(table, data, pops)
        else:
            found = area_population(config, data, year)
            if found is None:
                return section
            rows = table.assign(population=found[0])
            used = found[1]
        coverage = section.results.get("coverage")
        if by == "ward" and coverage is not None and len(rows):
            rest = coverage.set_index("period")["not_in_ward"]
            first = rows.iloc[0]
            rows = pd.concat([rows, pd.DataFrame([{
                "ward": "Not in any of the area's wards",
                "previous": rest.get(first["previous_label"], 0),
                "current": rest.get(first["current_label"], 0),
                "previous_label": first["previous_label"], "current_label": first["current_label"],
                "verdict": "not compared"}])], ignore_index=True)
        if rows["population"].notna().any():
            section.tables[0] = change_table_with_rates(rows, by, "Ward" if by == "ward"
                                                        else "Category")
            _note(section, "each ward's" if by == "ward" else f"{data.area.name}'s",
                  None, used)
    return section


def _by_label(table: pd.DataFrame, data: AreaData, pops: pd.Series) -> pd.DataFrame:
    """Ward populations by the table's ward labels (the area's wards' names, or name and
    district where two share a name)."""
    from ..indicators.wards import ward_labels

    known = data.wards if data.wards is not None else data.frame[["ward_code", "ward_name",
                                                                   "lad_name"]]
    labels = ward_labels(known)
    code_of = {str(v): k for k, v in labels.items()}
    return table.assign(population=table["ward"].astype("str").map(code_of).map(pops))


def _headline_rates(section: Section, population: float) -> None:
    results = [r for r in section.results.values() if hasattr(r, "current_label")]
    cards = []
    for card, result in zip(section.headline, results, strict=False):
        r = rate(int(result.current), population, per=PER)
        extra = (f"{format_number(r.rate, 1)} per 1,000 residents ({format_number(r.low, 1)} to "
                 f"{format_number(r.high, 1)})")
        cards.append(HeadlineFigure(card.label, card.value, card.verdict, card.tone,
                                    f"{card.detail}; {extra}" if card.detail else extra))
    section.headline[: len(cards)] = cards


def _note(section: Section, whose: str, population: float | None, year: int | None) -> None:
    size = f" ({format_count(population)})" if population is not None else ""
    when = f"mid-{year} " if year is not None else ""
    section.notes.append(f"Rates are per 1,000 residents, from {whose} {when}population{size}, "
                         "with 95% intervals (exact for fewer than 10 events, Byar's above).")


def _td(text: str) -> str:
    return f'<td class="num">{html.escape(text)}</td>'


def _interval(r) -> str:
    low, high = r.get("ratio_low"), r.get("ratio_high")
    if pd.isna(low) or pd.isna(high) or high == float("inf"):
        return ""
    return (f"{format_percent(100 * (low - 1), signed=True)} to "
            f"{format_percent(100 * (high - 1), signed=True)}")


def change_table_with_rates(table: pd.DataFrame, group: str, label: str) -> str:
    """A change table (as :func:`~pccanalysis.briefing.html.change_table_html` draws it)
    with each period's rate per 1,000 residents beside its count; rows without a population
    (the row of crimes in none of the wards) have no rate."""
    first = table.iloc[0]
    prev, curr = str(first["previous_label"]), str(first["current_label"])
    rows = []
    for _, r in table.iterrows():
        has = pd.notna(r.get("population")) and r.get("population", 0) > 0
        pct = "" if pd.isna(r.get("percent")) else format_percent(r["percent"], signed=True)
        rows.append(
            f'<tr><th scope="row">{html.escape(str(r[group]))}</th>'
            + _td(format_count(r["previous"]))
            + _td(_rate_text(r["previous"], r["population"]) if has else "")
            + _td(format_count(r["current"]))
            + _td(_rate_text(r["current"], r["population"]) if has else "")
            + _td(pct) + _td(_interval(r))
            + f"<td>{html.escape(str(r['verdict']))}</td></tr>")
    head = "".join(f'<th scope="col" class="num">{html.escape(h)}</th>' for h in (
        prev, "Per 1,000 residents", curr, "Per 1,000 residents", "Change", "95% interval"))
    return (f'<table class="pcc-change"><thead><tr><th scope="col">{html.escape(label)}</th>'
            f'{head}<th scope="col">Verdict</th></tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")
