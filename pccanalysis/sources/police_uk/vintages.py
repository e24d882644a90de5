"""Vintages: later downloads of months already held, kept aside until the user chooses.

data.police.uk revises earlier months in later archives (outcomes updated, rows added or
removed). When :func:`~pccanalysis.sources.police_uk.download.download` fetches a month already
held and the file differs, the new file is kept beside the held one in
``<to_dir>/.vintages/<download date>/YYYY-MM/...`` (a dot folder, which every folder search
skips, see :mod:`.files`) and its revisions are reported; the held file stays in use until the
user runs :func:`choose_vintage`. ``<to_dir>/download-manifest.json`` records where every file
came from.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import PccError
from ...files import file_digest
from .files import Found, read_json, walk, write_json, zip_members
from .parse import csv_records
from .schema import SCHEMAS

MANIFEST_NAME = "download-manifest.json"
VINTAGES_DIR = ".vintages"


@dataclass(frozen=True)
class Revision:
    """How a newer download of one file differs from the one held.

    Rows are compared as multisets of their values apart from the outcome column, so an updated
    outcome is not counted as one row removed and one added. ``rows_new - rows_held == added -
    removed`` always holds.

    Attributes
    ----------
    month, force, kind : str
        The file (``YYYY-MM``, force identifier, ``street``/``outcomes``/``stop-and-search``).
    rows_held, rows_new : int
        Data rows in the held file and in the new one.
    added, removed : int
        Rows only in the new file, and only in the held one.
    outcomes_changed : int
        Rows in both whose outcome column (``FileSchema.outcome`` in :mod:`.schema`) differs.
    """

    month: str
    force: str
    kind: str
    rows_held: int
    rows_new: int
    added: int
    removed: int
    outcomes_changed: int

    def line(self) -> str:
        """One line for the command's output."""
        return (f"{self.month} {self.force} {self.kind}: {self.added:,} rows added, "
                f"{self.removed:,} removed, {self.outcomes_changed:,} outcomes changed "
                f"({self.rows_held:,} rows held, {self.rows_new:,} in the new download).")


def _read_rows(path: Path, outcome_column: str | None) -> tuple[dict[tuple, Counter], int]:
    """Multiset of (row without outcome) -> Counter of outcomes, and the row count."""
    groups: dict[tuple, Counter] = {}
    n = 0
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv_records(csv.reader(fh), str(path))  # a DataError for an unreadable record
        header = next(reader, (1, []))[1]
        pos = header.index(outcome_column) if outcome_column in header else None
        for _, row in reader:
            if not row:
                continue
            n += 1
            if pos is not None and pos < len(row):
                key = tuple(row[:pos] + row[pos + 1:])
                outcome = row[pos]
            else:
                key, outcome = tuple(row), ""
            groups.setdefault(key, Counter())[outcome] += 1
    return groups, n


def compare_files(held: str | os.PathLike, new: str | os.PathLike, *, month: str, force: str,
                  kind: str) -> Revision:
    """Count the rows added, removed and with a changed outcome between two vintages of a file.

    Method: rows are grouped by all their values except the outcome column; within a group the
    first ``min(held, new)`` rows are matched, and of those, the ones whose outcome is not shared
    (multiset intersection of the outcomes) count as changed. Unmatched rows are added/removed.
    """
    schema = SCHEMAS.get(kind)
    outcome_column = schema.outcome if schema is not None else None
    old, n_old = _read_rows(Path(held), outcome_column)
    fresh, n_new = _read_rows(Path(new), outcome_column)
    added = removed = changed = 0
    for key in old.keys() | fresh.keys():
        a, b = old.get(key, Counter()), fresh.get(key, Counter())
        na, nb = sum(a.values()), sum(b.values())
        matched = min(na, nb)
        same = sum((a & b).values())
        changed += matched - min(same, matched)
        added += nb - matched
        removed += na - matched
    return Revision(month, force, kind, n_old, n_new, added, removed, changed)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's content."""
    return file_digest(path)


def count_rows(path: Path) -> int:
    """Data rows of a CSV (blank lines and the header not counted)."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        return max(0, sum(1 for _, row in csv_records(csv.reader(fh), str(path)) if row) - 1)


def load_manifest(to_dir: Path) -> dict:
    """The folder's download manifest: ``current`` (files in use) and ``vintages`` kept."""
    manifest = read_json(to_dir / MANIFEST_NAME)
    manifest.setdefault("current", {})
    manifest.setdefault("vintages", {})
    return manifest


def save_manifest(to_dir: Path, manifest: dict) -> None:
    """Write the folder's download manifest."""
    write_json(to_dir / MANIFEST_NAME, manifest)


def new_label(to_dir: Path, manifest: dict, label_date: str) -> str:
    """A vintage label not yet used: the date, then ``<date>-2``, ``<date>-3``..."""
    taken = set(manifest["vintages"]) | {v.get("vintage") for v in manifest["current"].values()}
    vroot = to_dir / VINTAGES_DIR
    if vroot.exists():
        taken |= {p.name for p in vroot.iterdir()}
    label, n = label_date, 1
    while label in taken:
        n += 1
        label = f"{label_date}-{n}"
    return label


def held_as_vintage(to_dir: Path, name: str, digest: str) -> bool:
    """Whether a kept vintage already holds file ``name`` with this SHA-256."""
    vroot = to_dir / VINTAGES_DIR
    if not vroot.is_dir():
        return False
    return any((v / name).is_file() and sha256(v / name) == digest for v in vroot.iterdir())


def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in walk(folder) if p.name.endswith(".csv"))


@dataclass(frozen=True)
class Vintage:
    """A kept vintage waiting for a choice: its label, files and the revisions recorded."""

    label: str
    files: list[str]
    revisions: list[Revision]


def list_vintages(to_dir: str | os.PathLike) -> list[Vintage]:
    """The vintages kept beside the files in use, oldest label first."""
    to_dir = Path(to_dir)
    manifest = load_manifest(to_dir)
    vroot = to_dir / VINTAGES_DIR
    out = []
    if vroot.is_dir():
        for v in sorted(p for p in vroot.iterdir() if p.is_dir()):
            files = sorted(p.relative_to(v).as_posix() for p in _csv_files(v))
            recorded = manifest["vintages"].get(v.name, {}).get("revisions", [])
            out.append(Vintage(v.name, files, [Revision(**r) for r in recorded]))
    return out


def _vintage_dir(to_dir: Path, label: str) -> Path:
    vdir = to_dir / VINTAGES_DIR / label
    if not vdir.is_dir():
        known = ", ".join(v.label for v in list_vintages(to_dir)) or "none"
        raise PccError(f"{to_dir} holds no vintage {label!r} (vintages kept: {known}).")
    return vdir


def choose_vintage(to_dir: str | os.PathLike, label: str) -> list[str]:
    """Put a kept vintage's files in use; the files they replace are kept as their own vintage.

    Returns
    -------
    list of str
        The files now taken from vintage ``label``.
    """
    to_dir = Path(to_dir)
    vdir = _vintage_dir(to_dir, label)
    manifest = load_manifest(to_dir)
    recorded = manifest["vintages"].pop(label, {"files": {}})
    swapped = []
    for path in _csv_files(vdir):
        name = path.relative_to(vdir).as_posix()
        target = to_dir / name
        if target.exists():
            held = manifest["current"].get(name, {})
            old_label = held.get("vintage") or "unrecorded"
            aside = to_dir / VINTAGES_DIR / old_label / name
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, aside)
            v = manifest["vintages"].setdefault(
                old_label, {"downloaded": old_label, "files": {}, "revisions": []})
            v["files"][name] = held
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        manifest["current"][name] = recorded["files"].get(name, {"vintage": label})
        swapped.append(name)
    shutil.rmtree(vdir, ignore_errors=True)
    save_manifest(to_dir, manifest)
    return swapped


def discard_vintage(to_dir: str | os.PathLike, label: str) -> None:
    """Delete a kept vintage (the files in use are not touched)."""
    to_dir = Path(to_dir)
    shutil.rmtree(_vintage_dir(to_dir, label))
    manifest = load_manifest(to_dir)
    manifest["vintages"].pop(label, None)
    save_manifest(to_dir, manifest)


@dataclass(frozen=True)
class Publication:
    """Evidence of when a copy of a file was published.

    Attributes
    ----------
    month : str
        ``YYYY-MM``: the month of the archive the copy came from (data.police.uk's archive of a
        month holds that month and the ones before it, so a later archive is a later
        publication of every month in it).
    evidence : str
        Where that comes from, in words: "archive 2024-12.zip", "download record: archive
        2024-12".
    """

    month: str
    evidence: str


_ARCHIVE_MONTH = re.compile(r"(\d{4}-\d{2})\.zip$", re.IGNORECASE)


@lru_cache(maxsize=256)
def _latest_month(path: Path, mtime_ns: int) -> str | None:
    months = [f.name.month for f in zip_members(path) if f.name is not None]
    return max(months) if months else None


def _download_record(path: Path) -> Publication | None:
    """The archive a file came from, from the manifest of the ``pcc download`` folder it is in."""
    for folder in (path.parent, path.parent.parent):
        manifest = read_json(folder / MANIFEST_NAME)
        entry = manifest.get("current", {}).get(path.relative_to(folder).as_posix())
        if entry:
            m = _ARCHIVE_MONTH.search(str(entry.get("archive", "")))
            if m:
                return Publication(m.group(1), f"download record: archive {m.group(1)}")
            if entry.get("vintage"):
                when = str(entry["vintage"])
                return Publication(when[:7], f"download record: downloaded {when}")
    return None


def publication_of(found: Found) -> Publication | None:
    """When the copy ``found`` was published, from evidence, or None when nothing shows it.

    Evidence, in order: for a member of a zip, the archive's month (its name, ``YYYY-MM.zip``,
    else the latest month it holds); for a file, the record ``pcc download`` keeps beside it
    (:data:`MANIFEST_NAME`). A file's modification time is not evidence: copying or unpacking
    a file changes it.
    """
    if found.member is not None:
        m = _ARCHIVE_MONTH.search(found.path.name)
        month = m.group(1) if m else _latest_month(found.path, found.path.stat().st_mtime_ns)
        return Publication(month, f"archive {found.path.name}") if month else None
    return _download_record(found.path)
