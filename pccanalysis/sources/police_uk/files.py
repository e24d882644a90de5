"""Finding data.police.uk files in folders and zip archives, and the small JSON records beside them.

One set of rules for every reader (:mod:`.read`, :mod:`.national`, the briefing's month finder)
and for the download's vintage folders:

- a folder is searched recursively in sorted order; folders whose names start with a dot (the
  vintages ``pcc download`` keeps, staging folders) and ``__MACOSX`` are never entered;
- a file is a data.police.uk file when its name follows :func:`.schema.parse_file_name`;
- a ``.zip`` in a folder is searched too, read in place; inside an archive, folder entries,
  ``__MACOSX/`` and macOS ``._`` resource forks are skipped;
- a file given by itself is read as a zip when it ends ``.zip``, or when it is a zip and does not
  end ``.csv``.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from ...cache import file_fingerprint, zip_member_fingerprint
from ...errors import DataError
from ...files import write_atomic
from .schema import FileName, parse_file_name

#: Bytes read or written at a time when copying, hashing or downloading.
CHUNK = 1 << 20

_SKIPPED_FOLDERS = (".", "__MACOSX")


@dataclass(frozen=True)
class Found:
    """A data.police.uk CSV: a file, or a member of a zip archive."""

    path: Path  #: the CSV, or the zip holding it
    name: FileName | None  #: what its name says (None for a file given by any name)
    member: zipfile.ZipInfo | None = None  #: the member, for a CSV inside a zip

    @property
    def display(self) -> str:
        """The path, or ``archive.zip:member``, for messages and records."""
        return str(self.path) if self.member is None else f"{self.path}:{self.member.filename}"

    @property
    def ident(self) -> str:
        """:attr:`display` with the path resolved: one file reached twice has one ident."""
        resolved = self.path.resolve()
        return str(resolved) if self.member is None else f"{resolved}:{self.member.filename}"

    @cached_property
    def fingerprint(self) -> str:
        """A key that changes when the file's content may have changed (see :mod:`...cache`)."""
        if self.member is None:
            return file_fingerprint(self.path)
        return zip_member_fingerprint(self.member)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The file's bytes as a stream (a zip member is inflated as it is read)."""
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
                yield fh


def as_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """One path or many -> a list of paths, ``~`` expanded."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [Path(p).expanduser() for p in paths]


def walk(folder: Path) -> Iterator[Path]:
    """Every file under ``folder``, in sorted order, skipping dot folders and ``__MACOSX``."""
    for root, dirs, files in os.walk(folder):
        # dot folders hold other vintages (pcc download) or staging: never read them
        dirs[:] = sorted(d for d in dirs if not d.startswith(_SKIPPED_FOLDERS))
        for name in sorted(files):
            yield Path(root) / name


def is_zip(path: Path) -> bool:
    """Whether a file given by itself is read as a zip archive."""
    suffix = path.suffix.lower()
    return suffix == ".zip" or (suffix != ".csv" and path.is_file() and zipfile.is_zipfile(path))


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip archive, or raise a DataError saying it is not a readable one."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"the file is not a readable zip archive ({exc})", file=path) from None


def zip_members(path: Path) -> list[Found]:
    """The members of a zip archive named like data.police.uk files, of every kind.

    Raises
    ------
    DataError
        When the file is not a readable zip archive.
    """
    with open_zip(path) as zf:
        return members_of(zf, path)


def members_of(zf: zipfile.ZipFile, path: Path) -> list[Found]:
    """:func:`zip_members` of an archive already open (``path`` is where it is)."""
    found = []
    for info in zf.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        name = parse_file_name(info.filename)  # a "._" fork fails the pattern too
        if name is not None:
            found.append(Found(path, name, info))
    return found


def find_in_folder(folder: Path, kind: str) -> list[Found]:
    """The files of ``kind`` under ``folder``, and the members of ``kind`` of the zips there.

    Returned in the order found (sorted walk; a zip's members in the archive's order).
    """
    found = []
    for path in walk(folder):
        if path.name.lower().endswith(".zip"):
            found.extend(f for f in zip_members(path) if f.name.kind == kind)
        elif (name := parse_file_name(path.name)) is not None and name.kind == kind:
            found.append(Found(path, name))
    return found


def holding(paths: Iterable[str | os.PathLike], kind: str) -> list[Path]:
    """The ``paths`` (folders, zips or CSV files) that hold at least one file of ``kind``, so a
    reader is given only those (it refuses a folder or zip holding none)."""
    out = []
    for p in as_paths(list(paths)):
        if p.is_dir():
            found = bool(find_in_folder(p, kind))
        elif p.is_file() and is_zip(p):
            found = any(f.name.kind == kind for f in zip_members(p))
        else:
            name = parse_file_name(p.name)
            found = p.is_file() and name is not None and name.kind == kind
        if found:
            out.append(p)
    return out


def read_json(path: Path) -> dict:
    """A JSON record, or ``{}`` when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json(path: Path, data: Any) -> None:
    """Write a JSON record atomically (a reader never sees half of it)."""
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
