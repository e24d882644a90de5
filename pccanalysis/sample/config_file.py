"""The sample's ``pcc.yaml``: a configuration naming the files the sample wrote.

Written here, beside the sample, so that :mod:`pccanalysis.config` (which reads configuration
files) knows nothing of the sample. The result is read back by
:func:`pccanalysis.config.load_config` like any other configuration.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..config import CONFIG_FILENAME, DATA_KEYS


def write_config(path: str | os.PathLike, document: Mapping[str, Any]) -> Path:
    """Write a configuration mapping as YAML (plain block style, keys in the given order).

    Used by :func:`write_sample_config`; the result is read back by
    :func:`pccanalysis.config.load_config`.
    """
    path = Path(path)
    text = yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100)
    path.write_text("# pccanalysis configuration: see pccanalysis/config.py for every key.\n"
                    + text, encoding="utf-8")
    return path


def write_sample_config(out_dir: str | os.PathLike, paths: Mapping[str, Any]) -> Path:
    """Write ``<out_dir>/pcc.yaml`` for the synthetic sample that :func:`data.write_sample` made.

    Parameters
    ----------
    out_dir : path-like
        The sample's folder.
    paths : mapping
        What ``write_sample`` wrote, in the shapes of the data section (the local extracts'
        flat keys go through :func:`pccanalysis.sample.extracts.config_entries` first). Keys
        used: ``police_uk``, ``lsoa_lookup``, ``lad_lookup``, ``population``, ``targets``,
        ``tracker`` (quarter label -> path), ``indicator_tables`` (path or list),
        ``hate_crime_victims``, ``harm_weights``, ``areas`` (list of mappings as in the file,
        e.g. ``{"name": "Northbridge", "csp": "Northbridge"}``), ``comparators``, ``force`` and
        ``title``; absent keys are left out of the file.

    Returns
    -------
    Path
        The configuration file. Paths in it are relative to ``out_dir``; outputs go to the
        repository's ``outputs/`` when the sample sits in a pccanalysis checkout
        (``<repo>/data/sample``), otherwise to ``<out_dir>/outputs``.
    """
    out_dir = Path(out_dir).resolve()

    def rel(p) -> str:
        return Path(os.path.relpath(Path(p).resolve(), out_dir)).as_posix()

    data: dict[str, Any] = {}
    for key in DATA_KEYS:
        value = paths.get(key)
        if value is None:
            continue
        if key == "tracker":
            data[key] = {str(q): rel(p) for q, p in value.items()}
        elif key in ("police_uk", "indicator_tables") and not isinstance(value, (str, os.PathLike)):
            data[key] = [rel(p) for p in value]
        else:
            data[key] = rel(value)
    repo = _checkout_root(out_dir)
    output_dir = rel(repo / "outputs") if repo else "outputs"
    cache_dir = rel(repo / ".pcc-cache") if repo else ".pcc-cache"
    document: dict[str, Any] = {
        "title": paths.get("title", "Northbridge (synthetic sample)"),
        "force": paths.get("force", "Northbridge"),
        "areas": [dict(a) for a in paths.get("areas", [{"name": "Northbridge", "csp": "Northbridge"}])],
    }
    if paths.get("comparators"):
        document["comparators"] = [dict(a) for a in paths["comparators"]]
    document["data"] = data
    document["publication"] = {
        "protective_marking": "OFFICIAL",
        "public": False,
        "synthetic": True,
        "suppression_threshold": 5,
    }
    document["output_dir"] = output_dir
    document["cache_dir"] = cache_dir
    return write_config(out_dir / CONFIG_FILENAME, document)


def _checkout_root(folder: Path) -> Path | None:
    """The pccanalysis source checkout that ``folder`` sits in, if any."""
    for parent in folder.parents:
        pyproject = parent / "pyproject.toml"
        if pyproject.is_file() and 'name = "pccanalysis"' in pyproject.read_text(encoding="utf-8"):
            return parent
    return None
