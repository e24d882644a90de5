"""What a briefing reads, found from the configuration (no statistics here).

The run and the notebooks both need to know which months the police data covers (for
``--quarter latest``) and to describe the data sources in the footer; the notebooks need the
configured inputs loaded for one area. Those joins of configuration and loaders live here so
that neither the runner nor a notebook does it by hand.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Area, Config, area_name_problem
from ..errors import ConfigError
from ..files import did_you_mean
from ..numbers import join_words
from ..periods import Quarter, latest_complete_quarter, parse_quarter
from ..quality import DataQuality
from ..sources.attribution import OGL_ATTRIBUTION, ONS_ATTRIBUTION
from ..sources.police_uk.files import find_in_folder, is_zip, zip_members
from ..sources.police_uk.schema import MONTH_RE, STREET, file_name_pattern, parse_file_name
from .placed import place_rows, shared_rows


def street_months(paths: Iterable[str | Path]) -> list[pd.Period]:
    """The months for which data.police.uk street files are present, from file names only.

    Looks at ``YYYY-MM-<force>-street.csv`` names in folders (recursively, dot folders skipped)
    and inside zip downloads, found as :mod:`pccanalysis.sources.police_uk.files` describes,
    without reading any rows, so ``--quarter latest`` is cheap.

    Parameters
    ----------
    paths : iterable of path-like
        Folders of monthly files, zip downloads, or single street files.

    Returns
    -------
    list of pandas.Period
        Sorted distinct months (freq "M").
    """
    months: set[pd.Period] = set()
    for p in map(Path, paths):
        if p.is_dir():
            names = [f.name for f in find_in_folder(p, STREET.kind)]
        elif is_zip(p):
            names = [f.name for f in zip_members(p)]
        else:
            names = [parse_file_name(p.name)]
        for name in names:
            if name is not None and name.kind == STREET.kind and MONTH_RE.match(name.month):
                months.add(pd.Period(name.month, freq="M"))
    return sorted(months)


def resolve_quarter(config: Config, quarter: str | Quarter) -> Quarter:
    """``quarter`` parsed, or for ``"latest"`` the latest complete quarter in the police data.

    Raises
    ------
    PeriodError
        When the text is not a quarter, or no quarter is complete in the data.
    ConfigError
        When ``"latest"`` is asked for and the police data folders hold no street files.
    """
    if isinstance(quarter, Quarter):
        return quarter
    if str(quarter).strip().lower() == "latest":
        months = street_months(config.data.police_uk)
        if not months:
            raise ConfigError(
                f"{config.path}: no data.police.uk street files ({file_name_pattern(STREET.kind)}) "
                f"were found in {', '.join(str(p) for p in config.data.police_uk)}, so there is no "
                "latest quarter."
            )
        return latest_complete_quarter(months)
    return parse_quarter(quarter)


def describe_sources(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One plain line per data source for a briefing's footer, and the licence attributions.

    Returns
    -------
    (sources, attributions) : tuple of tuple of str
    """
    d = config.data
    months = street_months(d.police_uk)
    forces = (f"the {' and '.join(config.force)} police force area" if config.force
              else "the force")
    span = f", {months[0].strftime('%B %Y')} to {months[-1].strftime('%B %Y')}" if months else ""
    kind = "synthetic files in the format of " if config.publication.synthetic else ""
    sources = [
        f"Police recorded crime and anti-social behaviour: {kind}data.police.uk street-level "
        f"files for {forces}{span}.",
        f"Geography: {kind}ONS lookups from LSOA to ward, local authority, Community Safety "
        f"Partnership and police force area ({d.lsoa_lookup.name}, {d.lad_lookup.name}).",
    ]
    if d.population is not None:
        sources.append(f"Population: {kind}ONS mid-year estimates ({d.population.name}).")
    for what, paths in (("outcomes", d.outcomes), ("stop-and-search", d.stop_and_search)):
        if paths:
            sources.append(f"Police {what.replace('-', ' ')}: {kind}data.police.uk {what} files "
                           f"({', '.join(p.name for p in paths)}).")
    if d.population_by_ethnicity is not None:
        sources.append(f"Residents by ethnic group: {kind}Census 2021 "
                       f"({d.population_by_ethnicity.name}).")
    local = []
    if d.targets is not None:
        local.append(f"partnership targets ({d.targets.name})")
    if d.tracker:
        local.append("delivery-plan tracker (" + ", ".join(p.name for p in d.tracker.values()) + ")")
    if d.indicator_tables:
        local.append("service indicator tables (" + ", ".join(p.name for p in d.indicator_tables)
                     + ")")
    if d.hate_crime_victims is not None:
        local.append(f"pseudonymised hate-crime victim records ({d.hate_crime_victims.name})")
    if d.harm_weights is not None:
        local.append(f"offence harm weights ({d.harm_weights.name})")
    if local:
        sources.append("Local extracts kept by the partnership: " + "; ".join(local) + ".")
    return tuple(sources), (OGL_ATTRIBUTION, ONS_ATTRIBUTION)


@dataclass
class AreaData:
    """The police data placed in one area, ready for the indicators.

    Attributes
    ----------
    area : Area
    frame : pandas.DataFrame
        The street frame (every month, geography attached) restricted to rows located in the
        area; duplicates are kept and flagged, as data.police.uk counts rows.
    months : list of pandas.Period
        Every month the police data covers (first to last), for ``available_months``.
    quality : tuple of DataQuality
        The loader's record, then the record of placing rows in the area.
    lad_lookup : pandas.DataFrame
        The LAD -> CSP -> police force area lookup that was used.
    ward_vintage : str or None
        The year of the wards every row is placed in (the LSOA lookup's, e.g. ``"2023"``).
    ward_population : pandas.DataFrame or None
        Residents per ward of that vintage (from LSOA populations), when configured.
    lsoa_population : pandas.DataFrame or None
        Residents of each LSOA of the area's local authorities (``area_code``, ``year``,
        ``population``), when LSOA populations are configured: they sum to the area's.
    ward_agreement : pandas.DataFrame or None
        With ward boundaries configured: per ward, rows placed by boundary against the
        lookup route (:func:`~pccanalysis.sources.placing.boundary_agreement`).
    wards : pandas.DataFrame or None
        The area's wards of that vintage (``ward_code``, ``ward_name``, ``lad_name``), whether
        or not any crime was placed in them, so a ward with none is shown, not dropped.
    unlocated : pandas.DataFrame or None
        ``month`` and ``crime_type`` of every row without a location, across everything read
        (such rows are in no area), so a coverage sentence can count them for what it counts.
    ward_polygons : pandas.DataFrame or None
        The area's ward polygons (``code``, ``name``, ``geometry``), when boundaries are
        configured, for ward maps.
    """

    area: Area
    frame: pd.DataFrame
    months: list
    quality: tuple[DataQuality, ...]
    lad_lookup: pd.DataFrame
    ward_vintage: str | None = None
    ward_population: pd.DataFrame | None = None
    lsoa_population: pd.DataFrame | None = None
    ward_agreement: pd.DataFrame | None = None
    wards: pd.DataFrame | None = None
    unlocated: pd.DataFrame | None = None
    ward_polygons: pd.DataFrame | None = None


def load_area(config: Config, area: Area | str | None = None) -> AreaData:
    """Read the configured police data, attach geography and keep the rows in ``area``.

    Rows are placed by their LSOA: in a CSP area by the CSP of the LSOA's local authority, in
    a local-authority area by the local authority, in a force area by the police force area.
    Rows without a location, and rows located in another area, are not in the area's figures;
    the second DataQuality record counts them.

    Parameters
    ----------
    config : Config
    area : Area or str, optional
        The area (or its name); the configuration's first area by default.

    Raises
    ------
    ConfigError
        When the area names a CSP, local authority or force area the lookup does not have.
    """
    from ..sources.placing import boundary_agreement, ward_population

    # The rows are placed once per run and shared by its kernels (briefing.placed).
    placed = shared_rows(config) or place_rows(config)
    frame, dq, lsoa, lads = placed.frame, placed.quality, placed.lsoa, placed.lads
    wards, lsoa_pop = placed.wards, placed.lsoa_population
    if not isinstance(area, Area):
        area = expand_areas(config, lads).area(area)
    problems = area_problems(config, lads, [area])
    if problems:
        raise ConfigError(problems[0])
    located_here = in_area_mask(frame, area)
    other = (other_force_rows(frame, config.force) if not config.include_other_forces
             else np.zeros(len(frame), dtype=bool))
    if len(frame) and other.all():
        found = ", ".join(sorted(frame["falls_within"].astype("str").unique()))
        raise ConfigError(f"{config.path}: force {join_words(list(config.force))!r} matches no "
                          f"force that published the police files ({found}), so every row "
                          "would be another force's; correct force: or set "
                          "include_other_forces: true.")
    in_area = located_here & ~other
    placed = DataQuality(source=f"placing rows in {area.name}", rows_read=len(frame),
                         rows_kept=int(in_area.sum()))
    no_location = frame["no_location"].to_numpy()
    placed.exclude("no location, so in no area", int((~located_here & no_location).sum()))
    placed.exclude(f"located outside {area.name}", int((~located_here & ~no_location).sum()))
    if other.any():
        forces = sorted(frame.loc[other, "falls_within"].astype("str").unique())
        placed.exclude(f"published by {join_words(forces)}, located in {area.name}: another "
                       "force's rows (include_other_forces: true counts them)",
                       int((located_here & other).sum()))
    months = list(pd.period_range(frame["month"].min(), frame["month"].max(), freq="M"))
    kept = frame.loc[in_area].reset_index(drop=True)
    area_wards = _area_wards(lsoa, wards, lads, area)
    unlocated = frame.loc[no_location, ["month", "crime_type"]].reset_index(drop=True)
    area_lsoa_pop = None
    if lsoa_pop is not None:
        mine = set(lads.loc[in_area_mask(lads, area), "lad_code"])
        codes = set(lsoa.loc[lsoa["lad_code"].isin(mine), "lsoa_code"])
        area_lsoa_pop = lsoa_pop[lsoa_pop["area_code"].isin(codes)].reset_index(drop=True)
    return AreaData(area=area, frame=kept, months=months, quality=(dq, placed.check()),
                    lad_lookup=lads, ward_vintage=frame.attrs.get("ward_vintage"),
                    wards=area_wards, unlocated=unlocated,
                    ward_polygons=(wards[wards["code"].isin(set(area_wards["ward_code"]))]
                                   .reset_index(drop=True) if wards is not None else None),
                    ward_population=(ward_population(lsoa_pop, lsoa) if lsoa_pop is not None
                                     else None), lsoa_population=area_lsoa_pop,
                    ward_agreement=boundary_agreement(kept) if wards is not None else None)


def expand_areas(config: Config, lads: pd.DataFrame | None = None) -> Config:
    """The configuration with each ``all_csps_of`` force read from the LAD lookup: the force
    area (named as the lookup names it, or "<force> force area" when a CSP has that name) and
    then every CSP in it, alphabetically, after the areas listed by name.

    Parameters
    ----------
    config : Config
    lads : DataFrame, optional
        The LAD -> CSP -> police force area lookup, when already read.

    Raises
    ------
    ConfigError
        When the lookup has no such force area (suggesting the nearest) or no CSPs, or when a
        CSP's name is already an area's.
    """
    if not config.all_csps_of or any(a.force in config.all_csps_of for a in config.areas):
        return config
    if lads is None:
        from ..sources.geography import read_lad_lookup

        lads = read_lad_lookup(config.data.lad_lookup)
    lookup = config.data.lad_lookup.name
    added: list[Area] = []
    forces: list[str] = []  # as the lookup spells them
    for force in config.all_csps_of:
        if "pfa_name" not in lads or "csp_name" not in lads:
            raise ConfigError(f"{config.path}: all_csps_of {force!r} needs a lookup with CSP "
                              f"and police force area columns, and {lookup} lacks one.")
        hit = lads["pfa_name"].str.casefold() == force.casefold()
        if not hit.any():
            known = sorted(lads["pfa_name"].dropna().unique())
            raise ConfigError(f"{config.path}: all_csps_of names {force!r}, which is not a "
                              f"police force area in {lookup}{did_you_mean(force, known)}.")
        force_name = str(lads.loc[hit, "pfa_name"].iloc[0])
        forces.append(force_name)
        csps = [str(c) for c in sorted(lads.loc[hit, "csp_name"].dropna().unique())]
        # A CSP named like its force (a one-CSP force) keeps the name; the force area is
        # then called "<force> force area".
        name = (f"{force_name} force area" if force_name.casefold() in map(str.casefold, csps)
                else force_name)
        added.append(Area(name=name, force=force_name))
        added += [Area(name=c, csps=(c,)) for c in csps]
    areas = config.areas + tuple(added)
    problem = area_name_problem(areas)
    if problem:
        raise ConfigError(f"{config.path}: {problem} once all_csps_of "
                          f"{join_words(list(config.all_csps_of))} is read from {lookup}.")
    return dataclasses.replace(config, areas=areas, all_csps_of=tuple(forces))


def area_problems(config: Config, lads: pd.DataFrame, areas: Iterable[Area]) -> list[str]:
    """One sentence for each CSP, local authority or force area that ``areas`` name and the
    LAD lookup does not have (with the nearest name it does have)."""
    problems = []
    for area in areas:
        column, wanted, key = _placing(area)
        known = lads[column].dropna().unique().tolist() if column in lads else []
        known_keys = {key(k) for k in known}
        problems += [
            f"{config.path}: area {area.name!r} names {name!r}, which is not a "
            f"{column.split('_')[0].upper()} name in {config.data.lad_lookup.name}"
            f"{did_you_mean(name, known)}."
            for name in wanted if key(name) not in known_keys]
    return problems


def _area_wards(lsoa: pd.DataFrame, boundaries: pd.DataFrame | None, lads: pd.DataFrame,
                area: Area) -> pd.DataFrame:
    """The wards of the area's local authorities, from the lookup (and boundaries, if any)."""
    column, wanted, key = _placing(area)
    wanted_keys = {key(w) for w in wanted}
    hit = lads[column].map(lambda v: key(v) in wanted_keys, na_action="ignore")
    codes = set(lads.loc[hit.fillna(False).astype(bool), "lad_code"].dropna())
    wards = lsoa.loc[lsoa["lad_code"].isin(codes), ["ward_code", "ward_name", "lad_name"]]
    if boundaries is not None and "lad_code" in boundaries:
        names = dict(zip(lads["lad_code"], lads["lad_name"], strict=False))
        extra = boundaries.loc[boundaries["lad_code"].isin(codes), ["code", "name", "lad_code"]]
        extra = extra.assign(lad_name=extra["lad_code"].map(names)).rename(
            columns={"code": "ward_code", "name": "ward_name"})
        wards = pd.concat([extra[["ward_code", "ward_name", "lad_name"]], wards])
    return (wards.drop_duplicates("ward_code").astype("str").sort_values("ward_code")
            .reset_index(drop=True))


def _placing(area: Area):
    """The geography column that places a row in ``area``, the names it must have there, and
    how names are compared."""
    from ..sources.geography import la_name_key  # late, as in load_area

    if area.kind == "csp":
        return "csp_name", area.csps, str.casefold
    if area.kind == "local_authority":
        return "lad_name", area.local_authorities, la_name_key
    return "pfa_name", (area.force,), str.casefold


def _force_key(name: str) -> frozenset[str]:
    """A force's name reduced to its place words: data.police.uk's "Derbyshire Constabulary",
    "Metropolitan Police Service", "City of London Police" against ONS's force area names
    "Derbyshire", "Metropolitan Police", "London, City of"."""
    words = re.sub(r"[^\w\s-]", " ", str(name).casefold().replace("&", " and ")).split()
    return frozenset(w for w in words if w not in {"constabulary", "police", "service", "of",
                                                     "the", "force"})


def other_force_rows(frame: pd.DataFrame, forces) -> np.ndarray:
    """Rows that another force published (``Falls within`` names none of ``forces``).

    Parameters
    ----------
    frame : DataFrame
        Street rows with ``falls_within``.
    forces : iterable of str
        The configured force area names (ONS ``PFA..NM``); none means every row is the force's.

    Returns
    -------
    numpy.ndarray of bool
    """
    keys = {_force_key(f) for f in forces or ()}
    if not keys or "falls_within" not in frame:
        return np.zeros(len(frame), dtype=bool)
    # each distinct name once (a force's rows repeat a handful of names)
    column = frame["falls_within"]
    names = [v for v in column.dropna().unique() if _force_key(v) in keys]
    return ~(column.isin(names).to_numpy() | column.isna().to_numpy())


def in_area_mask(frame: pd.DataFrame, area: Area) -> np.ndarray:
    """Which rows of a street frame (geography attached) are located in ``area``.

    A row is in a CSP area when its LSOA's CSP is one of the area's, in a local-authority area
    by its local authority, in a force area by its police force area; rows without a location
    are in no area.

    Returns
    -------
    numpy.ndarray of bool
    """
    column, wanted, key = _placing(area)
    wanted_keys = {key(w) for w in wanted}
    # each distinct name once: the frame has a few dozen names over hundreds of thousands of rows
    values = frame[column]
    names = [v for v in values.dropna().unique() if key(v) in wanted_keys]
    return values.isin(names).to_numpy()
