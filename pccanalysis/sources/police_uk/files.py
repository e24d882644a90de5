"""Finding data.police.uk files in folders and zip archives, and the small JSON records beside them.

One set of rules for every reader (:mod:`.read`, :mod:`.national`, the briefing's month finder)
and for the download's vintage folders:

- a folder is searched recursively in sorted order; folders whose names start with a dot (the
  vintages ``pcc download`` keeps, staging folders) and ``__MACOSX`` are never entered;
- a file is a data.police.uk file when its name follows :func:`.schema.parse_file_name`;
- a ``.zip`` in a folder is searched too, read in place; inside an archive, folder entries,
  ``__MACOSX/`` and macOS ``._`` resource forks are skipped;
- a file given by itself is read as a zip when it ends ``.zip``, or when it is a zip and does not
  end ``.csv``;
- nothing is skipped in silence: a file or member that may hold data but is not read (a CSV not
  named as data.police.uk names it, a zip inside a zip) is listed by :func:`find_in_folder` and
  :func:`zip_members` with the reason (:class:`Skipped`), for the loaders' DataQuality notes.

Bounds on zip members
---------------------
A zip member is checked before it is read and counted while it is read (:func:`check_member`,
:func:`read_member`, :meth:`Found.open`), so a zip bomb (a small archive whose member inflates
to gigabytes) stops with a :class:`~pccanalysis.errors.DataError` naming the member before it
can fill the memory or the disk. The limits (:class:`ZipLimits`) are

- ``max_bytes``: most bytes one member may inflate to, by its own declaration and in fact
  (default 512 MiB; data.police.uk's largest monthly file, the Metropolitan Police's street
  file, is about 30 MB); environment variable ``PCC_ZIP_MAX_BYTES``;
- ``max_ratio``: most times its compressed size a member may inflate to (default 100; real
  CSV members inflate about 5 times), checked once the member is past ``ratio_grace`` (1 MiB),
  since a tiny member can compress well by chance; ``PCC_ZIP_MAX_RATIO``;
- ``max_members``: most members in one archive (default 100,000; data.police.uk's archive of
  every force since 2010 has about 25,000); ``PCC_ZIP_MAX_MEMBERS``.

A member that inflates to more than its declared size is refused as soon as it does. Encrypted
members and compression methods Python cannot read (Deflate64, which Windows Explorer uses for
large archives) are refused with one sentence too. The approach is Apache POI's
``ZipSecureFile`` (a minimum inflate ratio with a grace size, and a maximum entry size).

References
----------
Apache POI, ``org.apache.poi.openxml4j.util.ZipSecureFile`` (https://poi.apache.org/).
PKWARE, APPNOTE.TXT (ZIP file format): compression methods and the encryption flag.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
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
# Files the operating system or pcc itself leaves beside data: never data, never reported.
_NOT_DATA = {".ds_store", "thumbs.db", "desktop.ini"}
_NOT_DATA_SUFFIXES = (".json", ".md", ".txt", ".part")

_MIB = 1 << 20
# Compression methods zipfile reads; names of some it does not (PKWARE APPNOTE 4.4.5).
_READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHOD_NAMES = {9: "Deflate64", 10: "PKWARE DCL Implode", 93: "Zstandard", 95: "XZ",
                 97: "WavPack", 98: "PPMd", 99: "AES encryption"}


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on zip members (see "Bounds on zip members" in the module docstring).

    Attributes
    ----------
    max_bytes : int
        Most bytes one member may inflate to [bytes].
    max_ratio : float
        Most times its compressed size a member may inflate to.
    ratio_grace : int
        Size [bytes] below which the ratio is not checked.
    max_members : int
        Most members in one archive.
    """

    max_bytes: int = 512 * _MIB
    max_ratio: float = 100.0
    ratio_grace: int = _MIB
    max_members: int = 100_000

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> ZipLimits:
        """The defaults, overridden by ``PCC_ZIP_MAX_BYTES``, ``PCC_ZIP_MAX_RATIO`` and
        ``PCC_ZIP_MAX_MEMBERS`` where set (a scheduled run sets them in its environment).

        Raises
        ------
        DataError
            When a variable is not a positive number.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for name, attr, kind in (("PCC_ZIP_MAX_BYTES", "max_bytes", int),
                                 ("PCC_ZIP_MAX_RATIO", "max_ratio", float),
                                 ("PCC_ZIP_MAX_MEMBERS", "max_members", int)):
            text = environ.get(name)
            if text is None or not text.strip():
                continue
            try:
                value = kind(text.strip())
            except ValueError:
                value = 0
            if not value > 0:
                raise DataError(f"the environment variable {name} is {text!r}, not a positive "
                                f"{'whole number' if kind is int else 'number'}")
            values[attr] = value
        return cls(**values)

    def cap(self, info: zipfile.ZipInfo) -> int:
        """Most bytes ``info`` may inflate to while it is read."""
        by_ratio = max(self.ratio_grace, int(self.max_ratio * max(info.compress_size, 1)))
        return min(info.file_size, self.max_bytes, by_ratio)


def _size(n: float) -> str:
    return f"{n / _MIB:,.1f} MiB" if n >= _MIB else f"{int(n):,} bytes"


def check_member(info: zipfile.ZipInfo, display: str, limits: ZipLimits | None = None) -> None:
    """Refuse a zip member before reading it: encrypted, unreadable method, or too large.

    Raises
    ------
    DataError
        Naming the member (``display``), in one sentence.
    """
    limits = limits or ZipLimits.from_environment()
    if info.flag_bits & 0x1:
        raise DataError("the member is encrypted (password-protected); save the archive "
                        "without a password", file=display)
    if info.compress_type not in _READABLE:
        name = _METHOD_NAMES.get(info.compress_type, "an unknown method")
        raise DataError(f"the member is compressed with {name} (method {info.compress_type}), "
                        "which cannot be read; unpack the archive and zip it again with "
                        "ordinary (Deflate) compression, or give the unpacked files",
                        file=display)
    if info.file_size > limits.max_bytes:
        raise DataError(f"the member says it inflates to {_size(info.file_size)}, more than "
                        f"the limit of {_size(limits.max_bytes)} (PCC_ZIP_MAX_BYTES)",
                        file=display)
    if info.file_size > limits.cap(info):
        raise DataError(f"the member says it inflates to {_size(info.file_size)}, "
                        f"{info.file_size / max(info.compress_size, 1):,.0f} times its "
                        f"compressed size, more than the limit of {limits.max_ratio:g} times "
                        "(PCC_ZIP_MAX_RATIO): it looks like a zip bomb", file=display)


class CheckedStream(io.RawIOBase):
    """A stream counting what it gives: bytes past a zip member's cap (``info`` given,
    :meth:`ZipLimits.cap`) are refused, and so are NUL bytes (when ``nul``). Both are
    DataErrors naming the file and, for a NUL, its line."""

    def __init__(self, raw: BinaryIO, display: str, *, info: zipfile.ZipInfo | None = None,
                 limits: ZipLimits | None = None, nul: bool = True) -> None:
        super().__init__()
        self.raw, self.display, self.info, self.nul = raw, display, info, nul
        self.cap = None if info is None else (limits or ZipLimits()).cap(info)
        self.total = 0
        self.lines = 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        self.total += n
        if self.cap is not None and self.total > self.cap:
            why = ("more than the archive declares for it" if self.total > self.info.file_size
                   else "more than the limits allow (PCC_ZIP_MAX_BYTES, PCC_ZIP_MAX_RATIO)")
            raise DataError(f"the member inflates to over {_size(self.cap)}, {why}: it looks "
                            "like a zip bomb or a damaged archive", file=self.display)
        if self.nul and (at := data.find(b"\0")) >= 0:
            raise DataError("the file holds a NUL byte (binary data), so it is damaged or not "
                            "CSV; download it again", file=self.display,
                            line=self.lines + data.count(b"\n", 0, at))
        if self.nul:
            self.lines += data.count(b"\n")
        buffer[:n] = data
        return n


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str,
                limits: ZipLimits | None = None) -> bytes:
    """A zip member's bytes, checked (:func:`check_member`) and counted as they inflate, so
    no more than its cap is ever held. NUL bytes are left to the parser, which names the line."""
    limits = limits or ZipLimits.from_environment()
    check_member(info, display, limits)
    with zf.open(info) as raw:
        stream = CheckedStream(raw, display, info=info, limits=limits, nul=False)
        return b"".join(iter(lambda: stream.read(CHUNK), b""))


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
    def open(self, limits: ZipLimits | None = None) -> Iterator[BinaryIO]:
        """The file's bytes as a stream (a zip member is inflated as it is read).

        A NUL byte, or a zip member past its cap (:func:`check_member`, checked first), stops
        the reading with a DataError naming the file.
        """
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield io.BufferedReader(CheckedStream(fh, self.display), CHUNK)
        else:
            limits = limits or ZipLimits.from_environment()
            check_member(self.member, self.display, limits)
            with open_zip(self.path) as zf, zf.open(self.member) as fh:
                try:
                    yield io.BufferedReader(
                        CheckedStream(fh, self.display, info=self.member, limits=limits), CHUNK)
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a failed CRC, ...
                    raise DataError(f"the file cannot be read, download it again ({exc})",
                                    file=self.display) from None


@dataclass(frozen=True)
class Skipped:
    """A file or zip member that may hold data but was not read, and why."""

    display: str  #: the path, or ``archive.zip:member``
    reason: str

    @property
    def note(self) -> str:
        """One sentence for a DataQuality record."""
        return f"{self.display} was not read: {self.reason}."


def skipped_notes(skipped: list[Skipped], most: int = 20) -> list[str]:
    """DataQuality notes for files not read: one each, the first ``most`` of them."""
    notes = [s.note for s in skipped[:most]]
    if len(skipped) > most:
        notes.append(f"{len(skipped) - most:,} more files were not read (named unlike "
                     "data.police.uk files).")
    return notes


def _is_data_like(name: str) -> bool:
    """Whether a file not named as data.police.uk names it may still hold data (so is reported)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    lower = base.lower()
    return not (lower.startswith(".") or lower in _NOT_DATA or lower.endswith(_NOT_DATA_SUFFIXES))


def _why_skipped(name: str) -> str:
    if name.lower().endswith(".zip"):
        return "a zip archive inside a zip archive is not searched; unpack it and give the inner archive"
    return ("its name does not follow data.police.uk's YYYY-MM-<force>-<kind>.csv "
            "(street, outcomes or stop-and-search); rename it to be read")


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


def zip_members(path: Path, skipped: list[Skipped] | None = None) -> list[Found]:
    """The members of a zip archive named like data.police.uk files, of every kind.

    Parameters
    ----------
    path : Path
        The archive.
    skipped : list, optional
        Members that may hold data but are not read (:class:`Skipped`) are appended here.

    Raises
    ------
    DataError
        When the file is not a readable zip archive, or has more members than
        :attr:`ZipLimits.max_members`.
    """
    with open_zip(path) as zf:
        return members_of(zf, path, skipped)


def members_of(zf: zipfile.ZipFile, path: Path, skipped: list[Skipped] | None = None,
               limits: ZipLimits | None = None) -> list[Found]:
    """:func:`zip_members` of an archive already open (``path`` is where it is)."""
    limits = limits or ZipLimits.from_environment()
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise DataError(f"the archive has {len(infos):,} members, more than the limit of "
                        f"{limits.max_members:,} (PCC_ZIP_MAX_MEMBERS)", file=path)
    found = []
    for info in infos:
        if info.is_dir() or info.filename.replace("\\", "/").startswith("__MACOSX/"):
            continue
        name = parse_file_name(info.filename)  # a "._" fork fails the pattern too
        if name is not None:
            found.append(Found(path, name, info))
        elif skipped is not None and _is_data_like(info.filename):
            skipped.append(Skipped(f"{path}:{info.filename}", _why_skipped(info.filename)))
    return found


def find_in_folder(folder: Path, kind: str, skipped: list[Skipped] | None = None) -> list[Found]:
    """The files of ``kind`` under ``folder``, and the members of ``kind`` of the zips there.

    Returned in the order found (sorted walk; a zip's members in the archive's order). Files
    and members that may hold data but are not named as data.police.uk names its files are
    appended to ``skipped`` (files of another kind are not: they are data, just not asked for).
    """
    found = []
    for path in walk(folder):
        if path.name.lower().endswith(".zip"):
            found.extend(f for f in zip_members(path, skipped) if f.name.kind == kind)
        elif (name := parse_file_name(path.name)) is not None:
            if name.kind == kind:
                found.append(Found(path, name))
        elif skipped is not None and _is_data_like(path.name):
            skipped.append(Skipped(str(path), _why_skipped(path.name)))
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
