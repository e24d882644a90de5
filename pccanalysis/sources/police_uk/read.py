"""Read data.police.uk street-level crime, outcomes and stop-and-search files.

data.police.uk publishes one CSV per force and month, ``YYYY-MM/YYYY-MM-<force>-street.csv``
(also ``-outcomes.csv`` and ``-stop-and-search.csv``), as zip downloads of many months. The
readers here take a folder tree, single files, zip archives (read in place, never unpacked), or a
list mixing them, and return a tidy typed frame plus a :class:`~pccanalysis.quality.DataQuality`
record accounting for every row.

Conventions kept from the publisher (a row is a record): duplicated Crime IDs and exact duplicate
rows are *flagged*, never dropped, so counts match data.police.uk's own. Rows are excluded only
when a second copy of the same force-month (another download) supersedes them.

Which download is "later": a file on disk is dated by its modification time, a zip member by the
date stored for it in the archive; on a tie the copy whose path sorts last wins. ``vintage=
"earliest"`` keeps the earlier copy instead. Files that do not follow the publisher's naming are
compared by the month and force they hold, when they hold exactly one of each.

Parsing uses ``pyarrow.csv`` with explicit column types; a file that breaks any rule is
re-read line by line only to name the first offending line and column in a
:class:`~pccanalysis.errors.DataError`. Parsed files are kept in a Parquet cache
(:mod:`pccanalysis.cache`) keyed on each file's fingerprint.

References
----------
data.police.uk, "About": https://data.police.uk/about/ (file layout, columns, anonymisation of
locations to snap points, outcomes). Data under the Open Government Licence v3.0.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ...cache import (
    ParquetCache,
    combine_keys,
    file_fingerprint,
    open_cache,
    zip_member_fingerprint,
)
from ...errors import DataError
from ...files import renamed_column_hint
from ...quality import DataQuality, FileRecord
from ..geography import la_name_key

log = logging.getLogger(__name__)

__all__ = [
    "FLAG_REASONS",
    "read_outcomes",
    "read_stop_and_search",
    "read_street",
]

#: DataQuality reasons, by flag column.
FLAG_REASONS = {
    "no_location": "no location (no coordinates)",
    "duplicate_crime_id": "Crime ID seen earlier in the same month",
    "exact_duplicate": "exact duplicate of an earlier row with the same Crime ID",
    "outside_force_area": "located outside the force's local authorities",
}
SUPERSEDED = {
    "latest": "superseded by a later download of the same month and force",
    "earliest": "superseded by an earlier download of the same month and force (vintage='earliest')",
}

# Bump when the parsed table stored in the cache changes shape.
_FORMAT_VERSION = "police_uk-2"

_FILE_RE = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<force>.+?)-(?P<kind>street|outcomes|stop-and-search)\.csv$",
    re.IGNORECASE,
)
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_LSOA_SUFFIX = r"\s+\d{3}[A-Z]$"
# What pyarrow's CSV parser accepts as a float (it trims spaces), for the line-by-line diagnosis.
_NUMBER_RE = re.compile(r"^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)\s*$", re.I)
_TRUE = list(dict.fromkeys(v for t in ("true", "1", "yes") for v in (t, t.title(), t.upper())))
_FALSE = list(dict.fromkeys(v for f in ("false", "0", "no") for v in (f, f.title(), f.upper())))
_DICT = pa.dictionary(pa.int32(), pa.string())
_ARROW_TYPES = {
    "str": pa.string(),
    "cat": _DICT,
    "month": _DICT,
    "date": pa.string(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}


@dataclass(frozen=True)
class _Spec:
    kind: str  # as in the file name: street, outcomes, stop-and-search
    source: str
    columns: tuple[tuple[str, str, str], ...]  # (published header, tidy name, type)

    @property
    def month_header(self) -> str:
        return next(h for h, _, t in self.columns if t in ("month", "date"))


# The street and outcomes files both open with the same nine columns describing the crime.
_CRIME_COLUMNS = (
    ("Crime ID", "crime_id", "str"),
    ("Month", "month", "month"),
    ("Reported by", "reported_by", "cat"),
    ("Falls within", "falls_within", "cat"),
    ("Longitude", "longitude", "float"),
    ("Latitude", "latitude", "float"),
    ("Location", "location", "str"),
    ("LSOA code", "lsoa_code", "str"),
    ("LSOA name", "lsoa_name", "cat"),
)
STREET = _Spec(
    "street",
    "data.police.uk street",
    _CRIME_COLUMNS
    + (
        ("Crime type", "crime_type", "cat"),
        ("Last outcome category", "last_outcome", "str"),
        ("Context", "context", "str"),
    ),
)
OUTCOMES = _Spec(
    "outcomes",
    "data.police.uk outcomes",
    _CRIME_COLUMNS + (("Outcome type", "outcome_type", "cat"),),
)
STOP_AND_SEARCH = _Spec(
    "stop-and-search",
    "data.police.uk stop and search",
    (
        ("Type", "type", "cat"),
        ("Date", "datetime", "date"),
        ("Part of a policing operation", "part_of_policing_operation", "bool"),
        ("Policing operation", "policing_operation", "str"),
        ("Latitude", "latitude", "float"),
        ("Longitude", "longitude", "float"),
        ("Gender", "gender", "cat"),
        ("Age range", "age_range", "cat"),
        ("Self-defined ethnicity", "self_defined_ethnicity", "cat"),
        ("Officer-defined ethnicity", "officer_defined_ethnicity", "cat"),
        ("Legislation", "legislation", "cat"),
        ("Object of search", "object_of_search", "cat"),
        ("Outcome", "outcome", "cat"),
        ("Outcome linked to object of search", "outcome_linked_to_object_of_search", "bool"),
        (
            "Removal of more than just outer clothing",
            "removal_of_more_than_just_outer_clothing",
            "bool",
        ),
    ),
)
_SPECS = {s.kind: s for s in (STREET, OUTCOMES, STOP_AND_SEARCH)}


# --------------------------------------------------------------------------------------------
# Finding the input files


@dataclass
class _Input:
    display: str  # the path, or archive.zip:member
    ident: str  # the same, with the path resolved: one file reached twice is read once
    name_month: str | None
    force_slug: str | None
    vintage: datetime
    fingerprint: str
    read: Callable[[], bytes] = field(repr=False)


def _kind_of(name: str) -> tuple[str | None, str | None, str | None]:
    m = _FILE_RE.match(name)
    if not m:
        return None, None, None
    return m["kind"].lower(), m["month"], m["force"].lower()


def _pattern(spec: _Spec) -> str:
    return f"YYYY-MM/YYYY-MM-<force>-{spec.kind}.csv"


def _zip_inputs(path: Path, spec: _Spec, stack: ExitStack, explicit: bool) -> list[_Input]:
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        stack.callback(os.close, fd)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"the file is not a readable zip archive ({exc})", file=path) from None
    found, police = [], 0
    for info in zf.infolist():
        base = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or base.startswith("._") or info.filename.startswith("__MACOSX/"):
            continue
        kind, month, force = _kind_of(base)
        if kind is None:
            continue
        police += 1
        if kind != spec.kind:
            continue
        found.append(
            _Input(
                display=f"{path}:{info.filename}",
                ident=f"{path.resolve()}:{info.filename}",
                name_month=month,
                force_slug=force,
                vintage=datetime(*info.date_time),
                fingerprint=zip_member_fingerprint(info),
                read=lambda zf=zf, fd=fd, info=info: _read_member(zf, fd, info),
            )
        )
    if explicit and not police:
        raise DataError(
            f"the zip holds no data.police.uk files (members named like {_pattern(spec)})",
            file=path,
        )
    if explicit and not found:
        raise DataError(
            f"the zip holds no data.police.uk {spec.kind} files (members named like "
            f"{_pattern(spec)})",
            file=path,
        )
    return found


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _read_member(zf: zipfile.ZipFile, fd: int, info: zipfile.ZipInfo) -> bytes | pa.Buffer:
    """A zip member's bytes, inflated by Arrow where possible.

    A deflated member is the body of a gzip stream: given gzip's header and a trailer holding
    the member's CRC-32 and size (from the archive's directory), Arrow's codec inflates it and
    checks the CRC, without the GIL and faster than ``zipfile``. Anything unusual (another
    method, encryption, a damaged header) goes through ``zipfile``, which reports it.
    """
    if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1 and hasattr(os, "pread"):
        try:
            local = os.pread(fd, 30, info.header_offset)
            if local[:4] == b"PK\x03\x04":
                name_len, extra_len = struct.unpack("<HH", local[26:30])
                start = info.header_offset + 30 + name_len + extra_len
                body = os.pread(fd, info.compress_size, start)
                if len(body) == info.compress_size:
                    trailer = struct.pack("<II", info.CRC, info.file_size & 0xFFFFFFFF)
                    return pa.Codec("gzip").decompress(
                        _GZIP_HEADER + body + trailer, decompressed_size=info.file_size
                    )
        except (OSError, pa.ArrowException):
            pass
    return zf.read(info)


def _file_input(path: Path, spec: _Spec) -> _Input:
    kind, month, force = _kind_of(path.name)
    if kind is not None and kind != spec.kind:
        raise DataError(f"the file name says it holds {kind} data, not {spec.kind} data", file=path)
    st = path.stat()
    return _Input(
        display=str(path),
        ident=str(path.resolve()),
        name_month=month,
        force_slug=force,
        vintage=datetime.fromtimestamp(st.st_mtime),
        fingerprint=file_fingerprint(path),
        read=path.read_bytes,
    )


def _discover(paths, spec: _Spec, stack: ExitStack) -> list[_Input]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise DataError(f"no data.police.uk {spec.kind} files were given")
    inputs: dict[str, _Input] = {}
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__MACOSX")))
                for name in sorted(files):
                    fp = Path(root) / name
                    if name.lower().endswith(".zip"):
                        found.extend(_zip_inputs(fp, spec, stack, explicit=False))
                    elif _kind_of(name)[0] == spec.kind:
                        found.append(_file_input(fp, spec))
            if not found:
                raise DataError(
                    f"the folder holds no data.police.uk {spec.kind} files (named like "
                    f"{_pattern(spec)}, or zips of them)",
                    file=p,
                )
        elif p.is_file():
            if p.suffix.lower() == ".zip" or (p.suffix.lower() != ".csv" and zipfile.is_zipfile(p)):
                found = _zip_inputs(p, spec, stack, explicit=True)
            else:
                found = [_file_input(p, spec)]
        else:
            raise DataError("the file or folder does not exist", file=p)
        for item in found:
            inputs.setdefault(item.ident, item)
    return list(inputs.values())


# --------------------------------------------------------------------------------------------
# Parsing one file


@dataclass
class _Parsed:
    table: pa.Table
    rows: int
    blank_rows: int
    encoding: str
    months: list[str]
    reporter: str | None

    def meta(self) -> bytes:
        return json.dumps(
            {
                "rows": self.rows,
                "blank_rows": self.blank_rows,
                "encoding": self.encoding,
                "months": self.months,
                "reporter": self.reporter,
            }
        ).encode()

    @classmethod
    def from_cached(cls, table: pa.Table) -> _Parsed:
        meta = json.loads(table.schema.metadata[b"pccanalysis"])
        return cls(table.replace_schema_metadata(None), **meta)


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def _decode(data: bytes | memoryview) -> tuple[str, str]:
    data = bytes(data)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _reject_non_csv(data: bytes | memoryview, display: str) -> None:
    head = bytes(data[:8192])
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise DataError("the file is empty", file=display)
    if stripped[:1] == b"<":
        raise DataError(
            "the file is not CSV but an HTML or XML page (perhaps an error page saved in place "
            "of the download)",
            file=display,
            line=1,
        )
    if stripped.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DataError(
            "the file is not CSV but an Excel workbook or zip archive (save it as CSV)",
            file=display,
            line=1,
        )
    if b"\0" in head:
        raise DataError("the file is not CSV text (it holds binary data)", file=display, line=1)


def _header(data: bytes, spec: _Spec, display: str) -> tuple[list[str], dict[str, int], str]:
    end = re.search(rb"[\r\n]", data)  # CRLF, LF, or a lone CR (old Mac files)
    text, encoding = _decode(data if end is None else data[: end.start()])
    header = next(csv.reader([text]), [])
    normed = [_norm(h) for h in header]
    positions: dict[str, int] = {}
    for published, tidy, _ in spec.columns:
        if _norm(published) in normed:
            positions[tidy] = normed.index(_norm(published))
    for published, tidy, _ in spec.columns:
        if tidy not in positions:
            known = {_norm(h) for h, _, _ in spec.columns}
            spare = [h.strip() for h, n in zip(header, normed, strict=True) if n and n not in known]
            hint = renamed_column_hint(published, spare)
            raise DataError(
                f"the column is missing from the header{hint}",
                file=display,
                line=1,
                column=published,
            )
    return header, positions, encoding


def _diagnose(data: bytes, spec: _Spec, display: str, name_month: str | None) -> None:
    """Raise a DataError for the first line breaking a rule, re-reading the file with ``csv``."""
    text, _ = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    normed = [_norm(h) for h in header]
    checks = [(normed.index(_norm(h)), h, t) for h, _, t in spec.columns if t != "str"]
    last = reader.line_num
    for row in reader:
        line, last = last + 1, reader.line_num
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            raise DataError(
                f"the row has {len(row)} fields but the header has {len(header)}",
                file=display,
                line=line,
            )
        for i, col, typ in checks:
            v = row[i]
            problem = None
            if typ in ("month", "date"):  # exactly as written: " 2020-01" is not a month
                ok = _MONTH_RE.match(v) if typ == "month" else _DATE_RE.match(v)
                if not v:
                    problem = "the month is empty" if typ == "month" else "the date is empty"
                elif not ok:
                    form = "a month in the form YYYY-MM" if typ == "month" else "an ISO date-time"
                    problem = f"{v!r} is not {form}"
                elif name_month and v[:7] != name_month:
                    problem = f"{v!r} disagrees with the file name, which is for {name_month}"
            elif typ == "float" and v and not _NUMBER_RE.match(v):
                problem = f"{v!r} is not a number"
            elif typ == "bool" and v and v not in _TRUE + _FALSE:
                problem = f"{v!r} is not True or False"
            if problem:
                raise DataError(problem, file=display, line=line, column=col)


def _read_arrow(data: bytes, spec: _Spec, header: list[str], positions: dict[str, int],
                newlines_in_values: bool = False) -> pa.Table:
    names = [f"__unused_{i}" for i in range(len(header))]
    for tidy, i in positions.items():
        names[i] = tidy
    types = {tidy: _ARROW_TYPES[t] for _, tidy, t in spec.columns}
    # One thread per file: files are already parsed in parallel (see _read), and Arrow's own
    # threads on top of those contend for the same cores (measured in bench/bench_load.py).
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=[tidy for _, tidy, _ in spec.columns],
            null_values=[""],  # not pyarrow's default "NA", "N/A", "null"...: they may be text
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            true_values=_TRUE,
            false_values=_FALSE,
        ),
    )


def _parse(data: bytes | pa.Buffer, spec: _Spec, display: str, name_month: str | None) -> _Parsed:
    if not isinstance(data, bytes):
        data = memoryview(data)  # an Arrow buffer, used in place
    _reject_non_csv(data, display)
    header, positions, encoding = _header(data, spec, display)
    if encoding != "utf-8":
        data = _decode(data)[0].encode("utf-8")
    try:
        table = _read_arrow(data, spec, header, positions)
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            text, encoding = _decode(data)
            data = text.encode("utf-8")
        table = _read_slow(data, spec, display, name_month, header, positions)
    return _check(table, data, spec, display, name_month, encoding)


def _read_slow(data, spec, display, name_month, header, positions) -> pa.Table:
    try:
        return _read_arrow(data, spec, header, positions)
    except pa.ArrowInvalid:
        pass
    _diagnose(data, spec, display, name_month)
    try:  # a quoted value spanning lines, which the fast parser does not expect
        return _read_arrow(data, spec, header, positions, newlines_in_values=True)
    except pa.ArrowInvalid as exc:
        raise DataError(f"the file cannot be read as CSV ({exc})", file=display) from None


def _check(table: pa.Table, data: bytes, spec: _Spec, display: str, name_month: str | None,
           encoding: str) -> _Parsed:
    month_col = next(tidy for _, tidy, t in spec.columns if t in ("month", "date"))
    blank = 0
    if table.column(month_col).null_count:
        # Spreadsheets leave rows of bare commas at the end: not records, so not counted.
        empty = None
        for col in table.columns:
            isnull = pc.is_null(col)
            empty = isnull if empty is None else pc.and_(empty, isnull)
        blank = pc.sum(empty).as_py() or 0
        if blank:
            table = table.filter(pc.invert(empty))
        if table.column(month_col).null_count:
            _diagnose(data, spec, display, name_month)
    if table.num_rows == 0:
        raise DataError("the file has a header but no data rows", file=display, line=2)
    if spec is STOP_AND_SEARCH:
        dates = table.column(month_col)
        if not pc.all(pc.match_substring_regex(dates, _DATE_RE.pattern)).as_py():
            _diagnose(data, spec, display, name_month)
        months = pc.unique(pc.utf8_slice_codeunits(dates, 0, 7)).to_pylist()
    else:
        months = sorted({m for c in table.column(month_col).chunks for m in c.dictionary.to_pylist()})
    bad = [m for m in months if not _MONTH_RE.match(m) or (name_month and m != name_month)]
    if bad:
        _diagnose(data, spec, display, name_month)
        raise DataError(f"unexpected month {bad[0]!r}", file=display, column=spec.month_header)
    table = _duplicates(table, spec)
    reporter = None
    if "reported_by" in table.column_names:
        who = {w for c in table.column("reported_by").chunks for w in c.dictionary.to_pylist()}
        reporter = who.pop() if len(who) == 1 else None
    return _Parsed(table, table.num_rows, blank, encoding, sorted(months), reporter)


def _first_and_repeated(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first occurrence of its key, key occurs more than once), per row."""
    _, first_at, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    first = np.zeros(len(key), dtype=bool)
    first[first_at] = True
    return first, counts[inverse] > 1


def _codes(col: pa.ChunkedArray) -> np.ndarray:
    """Integer code per row (equal values, equal codes); -1 for a missing value."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)  # chunks may carry different dictionaries
    encoded = pc.dictionary_encode(col).combine_chunks()
    return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _duplicates(table: pa.Table, spec: _Spec) -> pa.Table:
    """Add the duplicate flags of one file (repeats are sought within the file, by month).

    A Crime ID is unique to a force, and a file holds one force, so repeats are found within
    the file. ASB rows (no Crime ID) at the same snap point are separate incidents that the
    publisher's anonymisation makes look alike, so only rows with a Crime ID are flagged. The
    first occurrence is never flagged: dropping flagged rows leaves one row per Crime ID.
    """
    if spec is STOP_AND_SEARCH:
        return table
    ids = _codes(table.column("crime_id"))
    has_id = ids >= 0
    month = table.column("month")
    if len({m for c in month.chunks for m in c.dictionary.to_pylist()}) == 1:
        key = ids  # the usual case: one month per file
    else:
        key = _codes(month) * (int(ids.max()) + 2) + ids
    first, repeated = _first_and_repeated(key)
    if spec is STREET:
        # Outcomes files repeat a Crime ID by design (one row per outcome); street files should not.
        table = table.append_column("duplicate_crime_id", pa.array(has_id & ~first))
    exact = np.zeros(table.num_rows, dtype=bool)
    candidates = np.flatnonzero(has_id & repeated)
    if len(candidates):
        sub = table.select([tidy for _, tidy, _ in spec.columns]).take(pa.array(candidates))
        # One string per row: fields joined by a separator no CSV field holds, nulls marked.
        text = [c.cast(pa.string()) for c in sub.columns]
        row = pc.binary_join_element_wise(
            *text, "\x1f", null_handling="replace", null_replacement="\x00"
        )
        first_in_sub, _ = _first_and_repeated(_codes(row))
        exact[candidates] = ~first_in_sub
    return table.append_column("exact_duplicate", pa.array(exact))


def _load_one(item: _Input, spec: _Spec, cache: ParquetCache | None) -> _Parsed:
    key = combine_keys(_FORMAT_VERSION, spec.kind, item.name_month, item.fingerprint)
    if cache is not None:
        hit = cache.get("police_uk", key)
        if hit is not None and hit.schema.metadata and b"pccanalysis" in hit.schema.metadata:
            return _Parsed.from_cached(hit)
    try:
        data = item.read()
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"the file cannot be read, download it again ({exc})",
                        file=item.display) from None
    parsed = _parse(data, spec, item.display, item.name_month)
    if cache is not None:
        cache.put("police_uk", key, parsed.table.replace_schema_metadata({"pccanalysis": parsed.meta()}))
    return parsed


# --------------------------------------------------------------------------------------------
# Combining files: vintages, tidy columns, flags


def _vintage_key(item: _Input, parsed: _Parsed, spec: _Spec) -> tuple[str, str] | None:
    """(month, force) the file is for, or None when it holds several (never superseded)."""
    who = item.force_slug if spec is STOP_AND_SEARCH else parsed.reporter
    if len(parsed.months) != 1 or who is None:
        return None
    return parsed.months[0], who


def _month_ordinals(col: pa.ChunkedArray, from_dates: bool) -> np.ndarray:
    """Monthly Period ordinals ((year - 1970) * 12 + month - 1) of a month or date column."""
    if from_dates:
        col = pc.dictionary_encode(pc.utf8_slice_codeunits(col, 0, 7))
    out = []
    for chunk in col.chunks:
        labels = chunk.dictionary.to_pylist()
        lut = np.array([(int(m[:4]) - 1970) * 12 + int(m[5:7]) - 1 for m in labels], dtype=np.int64)
        out.append(lut[chunk.indices.to_numpy(zero_copy_only=False)])
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _local_authority(lsoa_name: pa.ChunkedArray) -> pa.ChunkedArray:
    """The LSOA name without its trailing code: "Amber Valley 001A" -> "Amber Valley"."""
    chunks = []
    for chunk in lsoa_name.chunks:
        names = pc.replace_substring_regex(chunk.dictionary, _LSOA_SUFFIX, "")
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, names).cast(pa.string()))
    return pa.chunked_array(chunks, type=pa.string())


def _to_frame(table: pa.Table, spec: _Spec) -> pd.DataFrame:
    """Arrow table of parsed files -> the tidy pandas frame (without flags)."""
    month_src = "datetime" if spec is STOP_AND_SEARCH else "month"
    ordinals = _month_ordinals(table.column(month_src), from_dates=spec is STOP_AND_SEARCH)
    if "lsoa_name" in table.column_names:
        table = table.append_column("local_authority", _local_authority(table.column("lsoa_name")))
        i = table.column_names.index("lsoa_name")
        table = table.set_column(i, "lsoa_name", table.column("lsoa_name").cast(pa.string()))
    if spec is not STOP_AND_SEARCH:
        table = table.drop_columns(["month"])
    frame = table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    month = pd.PeriodIndex.from_ordinals(ordinals, freq="M")
    if spec is STOP_AND_SEARCH:
        frame["datetime"] = pd.to_datetime(frame["datetime"], utc=True, format="ISO8601")
        frame.insert(frame.columns.get_loc("datetime") + 1, "month", month)
    else:
        frame.insert(1, "month", month)
    return frame


def _flags(frame: pd.DataFrame, spec: _Spec, force_areas, dq: DataQuality) -> pd.DataFrame:
    frame["no_location"] = (frame["longitude"].isna() | frame["latitude"].isna()).to_numpy()
    dq.flag(FLAG_REASONS["no_location"], frame["no_location"].sum())
    if spec is STOP_AND_SEARCH:
        return frame
    for name in ("duplicate_crime_id", "exact_duplicate"):
        if name in frame:  # computed per file by _duplicates (and cached with it)
            frame[name] = frame[name].to_numpy(dtype=bool)
            dq.flag(FLAG_REASONS[name], frame[name].sum())
    outside = np.zeros(len(frame), dtype=bool)
    if force_areas is not None:
        if isinstance(force_areas, str):
            force_areas = [force_areas]
        wanted = {la_name_key(str(a)) for a in force_areas}
        codes, names = pd.factorize(frame["local_authority"])
        inside = np.array([la_name_key(n) in wanted for n in names] + [True], dtype=bool)
        outside = ~inside[codes]  # code -1 (no LSOA) picks the final True: not flagged
        dq.flag(FLAG_REASONS["outside_force_area"], outside.sum())
    frame["outside_force_area"] = outside
    return frame


def _row_hashes(table: pa.Table) -> Counter:
    df = table.to_pandas()
    for name in df.columns:
        if isinstance(df[name].dtype, pd.CategoricalDtype):
            df[name] = df[name].astype("str")
    return Counter(pd.util.hash_pandas_object(df, index=False).to_numpy().tolist())


def _rows(n: int, what: str) -> str:
    return f"{n:,} row{'' if n == 1 else 's'} {what}"


def _change_note(spec: _Spec, key, kept: tuple[_Input, _Parsed], gone: tuple[_Input, _Parsed],
                 vintage: str) -> str:
    """Plain-English note of what the kept download changed against the superseded one."""
    (k_item, k_p), (g_item, g_p) = kept, gone
    new, old = _row_hashes(k_p.table), _row_hashes(g_p.table)
    added, removed = sum((new - old).values()), sum((old - new).values())
    which = "later" if vintage == "latest" else "earlier"
    head = (
        f"{key[0]} {spec.kind} data for {key[1]}: kept the {which} download {k_item.display} "
        f"({k_p.rows:,} rows) over {g_item.display} ({g_p.rows:,} rows)"
    )
    if not added and not removed:
        return f"{head}; the two copies hold the same rows."
    parts = [_rows(added, "added"), _rows(removed, "removed")]
    outcome = {"street": "last_outcome", "outcomes": "outcome_type"}.get(spec.kind)
    if outcome:
        cols = ["crime_id", outcome]
        a = k_p.table.select(cols).to_pandas().dropna(subset=["crime_id"]).drop_duplicates("crime_id")
        b = g_p.table.select(cols).to_pandas().dropna(subset=["crime_id"]).drop_duplicates("crime_id")
        both = a.merge(b, on="crime_id", suffixes=("_new", "_old"))
        new_o = both[f"{outcome}_new"].astype("str").fillna("")
        old_o = both[f"{outcome}_old"].astype("str").fillna("")
        changed = int((new_o != old_o).sum())
        parts.append(f"outcome changed for {changed:,} crime{'' if changed == 1 else 's'}")
    return f"{head}: {', '.join(parts)}."


def _read(paths, spec: _Spec, *, force_areas=None, cache_dir=None, vintage="latest"):
    if vintage not in SUPERSEDED:
        raise ValueError(f"vintage must be 'latest' or 'earliest', not {vintage!r}")
    cache = open_cache(cache_dir)
    dq = DataQuality(spec.source)
    with ExitStack() as stack:
        inputs = _discover(paths, spec, stack)
        inputs.sort(key=lambda i: (i.name_month or "", i.force_slug or "", i.display))
        # Threads overlap one file's decompression with another's parsing (both release the
        # GIL); map() returns in input order, so the first bad file in that order is reported.
        workers = min(4, os.cpu_count() or 1, len(inputs))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parsed = list(pool.map(lambda item: _load_one(item, spec, cache), inputs))
        loaded = list(zip(inputs, parsed, strict=True))

    groups: dict[object, list[tuple[_Input, _Parsed]]] = {}
    for item, parsed in loaded:
        key = _vintage_key(item, parsed, spec)
        groups.setdefault(key if key is not None else item.ident, []).append((item, parsed))
    superseded: dict[str, str] = {}  # ident -> display of the copy that replaced it
    for key, members in groups.items():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda m: (m[0].vintage, m[0].display))
        kept = members[-1] if vintage == "latest" else members[0]
        for gone in members:
            if gone is kept:
                continue
            superseded[gone[0].ident] = kept[0].display
            dq.exclude(SUPERSEDED[vintage], gone[1].rows)
            dq.notes.append(_change_note(spec, key, kept, gone, vintage))

    tables = []
    for item, parsed in loaded:
        dq.rows_read += parsed.rows
        notes = []
        if parsed.encoding != "utf-8":
            notes.append(f"read as {parsed.encoding} (not UTF-8)")
        if parsed.blank_rows:
            notes.append(f"{parsed.blank_rows:,} blank rows ignored")
        if item.ident in superseded:
            notes.append(f"superseded by {superseded[item.ident]}")
        else:
            table = parsed.table
            if spec is STOP_AND_SEARCH:
                force = pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(table.num_rows, dtype=np.int32)),
                    pa.array([item.force_slug], pa.string()),
                )
                table = table.add_column(0, "force", force)
            tables.append(table)
        dq.files.append(
            FileRecord(
                path=item.display,
                rows=parsed.rows,
                month=parsed.months[0] if len(parsed.months) == 1 else None,
                note="; ".join(notes) or None,
            )
        )
    frame = _to_frame(pa.concat_tables(tables), spec)
    frame = _flags(frame, spec, force_areas, dq)
    flags = [c for c in ("no_location", *FLAG_REASONS) if c in frame]
    frame = frame[[c for c in frame.columns if c not in flags] + list(dict.fromkeys(flags))]
    dq.rows_kept = len(frame)
    dq.check()
    return frame, dq


def read_street(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    force_areas: Iterable[str] | None = None,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk street-level crime files into one tidy frame.

    Parameters
    ----------
    paths : path or list of paths
        Folders (searched recursively for ``YYYY-MM-<force>-street.csv`` files and zips of them),
        CSV files (any name), or data.police.uk zip archives (read in place), in any mix.
    force_areas : list of str, optional
        Names of the force's local authorities (e.g. from
        :func:`pccanalysis.sources.geography.local_authorities_of`); rows whose LSOA lies in
        another local authority get the flag ``outside_force_area``. Names are compared with
        :func:`~pccanalysis.sources.geography.la_name_key`, so ONS spellings ("Bristol, City
        of") match LSOA names ("Bristol 001A").
    cache_dir : path, False or None
        Parquet cache folder; ``False`` turns the cache off; ``None`` resolves as described in
        :func:`pccanalysis.cache.resolve_cache_dir`.
    vintage : {"latest", "earliest"}
        Which copy to keep when two files hold the same month and force.

    Returns
    -------
    frame : pandas.DataFrame
        One row per published row: ``crime_id`` (str, missing for ASB), ``month`` (period[M]),
        ``reported_by``, ``falls_within`` (category), ``longitude``, ``latitude`` (float64
        [degrees, WGS84], NaN without location), ``location``, ``lsoa_code``, ``lsoa_name``,
        ``crime_type`` (category), ``last_outcome``, ``context``, ``local_authority`` (str, the
        LSOA name without its " 001A" code), and boolean flags ``no_location``,
        ``duplicate_crime_id`` (a Crime ID already seen that month; the first is not flagged),
        ``exact_duplicate`` (a row identical to an earlier one with the same Crime ID),
        ``outside_force_area`` (False unless ``force_areas`` is given).
    quality : DataQuality
        Rows read per file, rows excluded (only superseded downloads), flag counts, and notes
        on what a newer download changed.

    Raises
    ------
    DataError
        One sentence naming the file, line and column, for a missing column, a month not in the
        form YYYY-MM or not matching the file name, a non-numeric coordinate, an empty file, a
        file that is not CSV, or a zip or folder with no street files.
    """
    return _read(paths, STREET, force_areas=force_areas, cache_dir=cache_dir, vintage=vintage)


def read_outcomes(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    force_areas: Iterable[str] | None = None,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk outcomes files (``YYYY-MM-<force>-outcomes.csv``) into one frame.

    As :func:`read_street`; the columns are ``crime_id``, ``month`` (the month of the outcome),
    ``reported_by``, ``falls_within``, ``longitude``, ``latitude``, ``location``,
    ``lsoa_code``, ``lsoa_name``, ``outcome_type`` (category), ``local_authority`` and the flags
    ``no_location``, ``exact_duplicate``, ``outside_force_area``. A Crime ID may appear in many
    rows (one per outcome), so repeats are not flagged.
    """
    return _read(paths, OUTCOMES, force_areas=force_areas, cache_dir=cache_dir, vintage=vintage)


def read_stop_and_search(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk stop-and-search files (``YYYY-MM-<force>-stop-and-search.csv``).

    As :func:`read_street`, without ``force_areas`` (the files carry no LSOA). Columns:
    ``force`` (category, the force's name as in the file name, e.g. "derbyshire"), ``type``,
    ``datetime`` (datetime64 UTC), ``month`` (period[M]), ``part_of_policing_operation``
    (boolean), ``policing_operation``, ``latitude``, ``longitude`` (float64 [degrees]),
    ``gender``, ``age_range``, ``self_defined_ethnicity``, ``officer_defined_ethnicity``,
    ``legislation``, ``object_of_search``, ``outcome`` (category),
    ``outcome_linked_to_object_of_search``, ``removal_of_more_than_just_outer_clothing``
    (boolean), and the flag ``no_location``. Identical rows are normal here (people searched
    together) and are not flagged.
    """
    return _read(paths, STOP_AND_SEARCH, cache_dir=cache_dir, vintage=vintage)
