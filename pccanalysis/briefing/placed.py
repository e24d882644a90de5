"""The force's rows placed in their geography: worked out once per run, shared by its kernels.

Placing a force's police rows (reading the ONS lookups, bridging LSOA code sets, placing each
point in its ward) takes seconds and gives the same answer for every area and every briefing
of a run. :func:`place_rows` does it; ``pcc run`` does it once, writes the result into its own
work folder and names that file to its kernels in the environment variable
:data:`PLACED_ENV`; :func:`shared_rows` reads it back there, but only when it was made from
the very files the kernel's configuration names (same paths, sizes and modification times,
same force settings, same package version), so a stale or foreign file is never used. A
notebook run by hand, without the variable, places the rows itself.

The file is a pickle written by the run into its own, private work folder, read only by the
kernels that run started, and removed with the folder when the run ends.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__
from ..cache import combine_keys, file_fingerprint
from ..config import Config
from ..files import write_atomic
from ..quality import DataQuality

#: The environment variable naming the run's placed rows (set by ``pcc run`` for its kernels).
PLACED_ENV = "PCC_PLACED_ROWS"


@dataclass
class PlacedRows:
    """Every police row with its geography, and what placing them read.

    Attributes
    ----------
    key : str
        What they were made from (:func:`rows_key`).
    frame : DataFrame
        :func:`~pccanalysis.sources.placing.attach_geography`'s frame (every row).
    quality : DataQuality
        The police loader's record, with the placing counts.
    lsoa, lads : DataFrame
        The LSOA -> ward -> LAD and LAD -> CSP -> force area lookups.
    wards : DataFrame or None
        Ward polygons, when configured.
    lsoa_population : DataFrame or None
        Population by LSOA, when configured.
    """

    key: str
    frame: pd.DataFrame
    quality: DataQuality
    lsoa: pd.DataFrame
    lads: pd.DataFrame
    wards: pd.DataFrame | None = None
    lsoa_population: pd.DataFrame | None = None


def rows_key(config: Config) -> str:
    """What placing the rows reads, as one key: every input file's path, size and
    modification time, the force settings and the package version."""
    d = config.data
    paths = [*d.police_uk, d.lsoa_lookup, d.lad_lookup, d.lsoa_bridge, d.lsoa_population,
             d.ward_boundaries]
    files = []
    for p in (p for p in paths if p is not None):
        found = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        files += [file_fingerprint(f) for f in found]
    return combine_keys(__version__, sorted(config.force), config.include_other_forces, *files)


def place_rows(config: Config, loaded: dict | None = None) -> PlacedRows:
    """Read the police data and lookups the configuration names and place every row.

    Parameters
    ----------
    config : Config
    loaded : dict, optional
        Inputs already read for this configuration (``lsoa``, ``lads``, ``street`` as
        ``read_street`` returns it, ``bridge``, ``lsoa_population``, ``wards``), which are
        then not read again; the run's checks hand over what they read.
    """
    from ..sources.boundaries import read_boundaries
    from ..sources.geography import (
        local_authorities_of,
        read_lad_lookup,
        read_lsoa_bridge,
        read_lsoa_lookup,
        read_population,
    )
    from ..sources.placing import attach_geography
    from ..sources.police_uk.read import read_street

    key = rows_key(config)
    given = {k: v for k, v in (loaded or {}).items() if v is not None}
    d = config.data
    lads = given["lads"] if "lads" in given else read_lad_lookup(d.lad_lookup)
    lsoa = given["lsoa"] if "lsoa" in given else read_lsoa_lookup(d.lsoa_lookup)
    if "street" in given:
        frame, dq = given["street"]
    else:
        force_areas = None
        if config.force:
            force_areas = sorted({la for f in config.force
                                  for la in local_authorities_of(lads, f, level="pfa")})
        frame, dq = read_street(list(d.police_uk), force_areas=force_areas,
                                cache_dir=config.cache_dir)

    def read(name: str, reader, path, **kw):
        return given[name] if name in given else (reader(path, **kw) if path else None)

    bridge = read("bridge", read_lsoa_bridge, d.lsoa_bridge)
    lsoa_pop = read("lsoa_population", read_population, d.lsoa_population)
    wards = read("wards", read_boundaries, d.ward_boundaries, level="ward")
    frame = attach_geography(frame, lsoa, lads, dq=dq, bridge=bridge, boundaries=wards,
                             lsoa_population=lsoa_pop)
    return PlacedRows(key=key, frame=frame, quality=dq, lsoa=lsoa, lads=lads, wards=wards,
                      lsoa_population=lsoa_pop)


def save_rows(placed: PlacedRows, path: str | os.PathLike) -> Path:
    """Write ``placed`` for the run's kernels (atomically); returns the path."""
    write_atomic(path, pickle.dumps(placed, protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)


def shared_rows(config: Config) -> PlacedRows | None:
    """The rows the run placed for this configuration, or None (no run, or other inputs)."""
    path = os.environ.get(PLACED_ENV)
    if not path or not Path(path).is_file():
        return None
    with open(path, "rb") as fh:
        placed = pickle.load(fh)  # the run's own file (see the module docstring)
    return placed if isinstance(placed, PlacedRows) and placed.key == rows_key(config) else None
