"""The run manifest: what made a quarter's briefings, so each can be traced to its data.

``manifest.json`` (one per quarter folder, rewritten by each run that makes something) records
the parameters, the package version and git commit, every input file with its SHA-256 (a zip
download is hashed as a whole), each briefing's status and duration, and the data-quality
summary and headline figures each notebook recorded (the notebooks' sidecar files: the one
source of truth for what a briefing used). The *short id*, the first 8 hex digits of a hash of
the inputs and parameters, is printed in every briefing's footer; ``manifests/<id>.json`` keeps
the manifest for every id ever shown, so an older briefing can still be traced.

What differs between two runs on the same data: ``started``, ``finished``, the durations and
``generated`` (the generation time also shown in each briefing). The short id, the input hashes
and every figure are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Config
from ..files import file_digest, write_atomic

MANIFEST_NAME = "manifest.json"
HISTORY_FOLDER = "manifests"


def input_files(config: Config) -> list[dict[str, Any]]:
    """Every configured input file with its size and SHA-256, in a stable order.

    A configured folder (the police data, ward boundaries) is expanded to the files in it
    (recursively); a zip is one entry, hashed as a whole. Paths are written relative to the
    configuration's folder where possible, so moving the whole folder keeps the same hashes and
    short id.

    Returns
    -------
    list of dict
        ``{"role": ..., "path": ..., "bytes": ..., "sha256": ...}``.
    """
    entries: list[tuple[str, Path]] = []
    d = config.data
    for p in d.police_uk:
        entries.extend(("police_uk", f) for f in _files_in(p, (".csv", ".zip")))
    entries += [("lsoa_lookup", d.lsoa_lookup), ("lad_lookup", d.lad_lookup)]
    for role in ("lsoa_bridge", "lsoa_population", "population", "targets"):
        if getattr(d, role) is not None:
            entries.append((role, getattr(d, role)))
    if d.ward_boundaries is not None:
        entries.extend(("ward_boundaries", f) for f in _files_in(
            d.ward_boundaries, (".geojson", ".json", ".gpkg")))
    entries += [(f"tracker {q.label}", d.tracker[q]) for q in sorted(d.tracker)]
    entries += [("indicator_table", p) for p in d.indicator_tables]
    for role in ("hate_crime_victims", "harm_weights", "population_by_ethnicity"):
        if getattr(d, role) is not None:
            entries.append((role, getattr(d, role)))
    for role in ("outcomes", "stop_and_search"):
        for p in getattr(d, role):
            entries.extend((role, f) for f in _files_in(p, (".csv", ".zip")))
    entries.append(("config", config.path))
    out = []
    for role, path in entries:
        out.append({
            "role": role,
            "path": _relative(path, config.folder),
            "bytes": path.stat().st_size,
            "sha256": file_digest(path),
        })
    return out


def _files_in(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """``path`` itself, or a folder's files with these suffixes, sorted (files and folders whose
    names start with a dot, such as kept vintages, are not read, so left out)."""
    if not path.is_dir():
        return [path]
    return sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                  and not any(part.startswith(".") for part in f.relative_to(path).parts))


def code_version(repo: str | os.PathLike | None = None) -> dict[str, Any]:
    """The package version and, when the package runs from a git checkout, its commit.

    Returns
    -------
    dict
        ``{"package_version": ..., "git_commit": <40 hex or None>, "git_dirty": <bool or None>}``.
    """
    repo = Path(repo) if repo is not None else Path(__file__).resolve().parents[2]
    commit = dirty = None
    if (repo / ".git").exists():
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                timeout=10, check=True,
            ).stdout.strip() or None
            status = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no", "--", "pccanalysis",
                 "notebooks"], cwd=repo, capture_output=True, text=True, timeout=10, check=True,
            ).stdout
            dirty = bool(status.strip())
        except (OSError, subprocess.SubprocessError):
            commit = dirty = None
    return {"package_version": __version__, "git_commit": commit, "git_dirty": dirty}


def short_id(inputs: Iterable[Mapping[str, Any]], parameters: Mapping[str, Any],
             code: Mapping[str, Any]) -> str:
    """First 8 hex digits of the SHA-256 of the inputs' hashes, the parameters and the version.

    Parameters that do not change a briefing's content (``jobs``, ``force``, the selection of
    areas and notebooks) must not be passed in, so that the same data gives the same id. The
    notebooks are among the inputs; the package version counts, the git commit does not (it is
    recorded in the manifest, but a commit that changes nothing a briefing uses should not give
    the same data a new id).
    """
    canonical = json.dumps(
        {
            "inputs": sorted((i["role"], i["path"], i["sha256"]) for i in inputs),
            "parameters": dict(parameters),
            "package_version": code.get("package_version"),
        },
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


def write_manifest(quarter_dir: str | os.PathLike, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` and its copy ``manifests/<short id>.json`` (atomically).

    Returns
    -------
    Path
        The ``manifest.json`` path.
    """
    quarter_dir = Path(quarter_dir)
    text = json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n"
    write_atomic(quarter_dir / HISTORY_FOLDER / f"{manifest['short_id']}.json", text)
    path = quarter_dir / MANIFEST_NAME
    write_atomic(path, text)
    return path


def read_manifest(quarter_dir: str | os.PathLike) -> dict[str, Any] | None:
    """The quarter folder's ``manifest.json``, or None when there is none."""
    path = Path(quarter_dir) / MANIFEST_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()
