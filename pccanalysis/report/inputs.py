"""What a briefing reads, found from the configuration (no statistics here).

The run and the notebooks both need to know which months the police data covers (for
``--quarter latest``) and to describe the data sources in the footer; the notebooks need the
configured inputs loaded for one area. Those joins of configuration and loaders live here so
that neither the runner nor a notebook does it by hand.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..config import Config
from ..errors import ConfigError, DataError
from ..periods import Quarter, latest_complete_quarter, parse_quarter
from .export import OGL_ATTRIBUTION, ONS_ATTRIBUTION

_STREET_FILE = re.compile(r"(?:^|/)(\d{4})-(\d{2})-[^/]+-street\.csv$", re.IGNORECASE)


def street_months(paths: Iterable[str | Path]) -> list[pd.Period]:
    """The months for which data.police.uk street files are present, from file names only.

    Looks at ``YYYY-MM-<force>-street.csv`` names in folders (recursively) and inside zip
    downloads, without reading any rows, so ``--quarter latest`` is cheap.

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

    def add(name: str) -> None:
        m = _STREET_FILE.search(name.replace("\\", "/"))
        if m and 1 <= int(m.group(2)) <= 12:
            months.add(pd.Period(year=int(m.group(1)), month=int(m.group(2)), freq="M"))

    def add_zip(z: Path) -> None:
        try:
            with zipfile.ZipFile(z) as archive:
                for name in archive.namelist():
                    add(name)
        except zipfile.BadZipFile as exc:
            raise DataError(f"this is not a readable zip file ({exc})", file=z) from exc

    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix.lower() == ".zip":
                    add_zip(f)
                elif f.is_file():
                    add(f.relative_to(p).as_posix())
        elif p.suffix.lower() == ".zip":
            add_zip(p)
        else:
            add(p.name)
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
                f"{config.path}: no data.police.uk street files (YYYY-MM-<force>-street.csv) were "
                f"found in {', '.join(str(p) for p in config.data.police_uk)}, so there is no "
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
    forces = ", ".join(config.force) if config.force else "the force"
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
