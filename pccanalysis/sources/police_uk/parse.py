"""One data.police.uk CSV file's bytes -> a typed, checked Arrow table (used by :mod:`.read`).

Parsing uses ``pyarrow.csv`` with explicit column types from :mod:`.schema`; a file that breaks
any rule is re-read line by line only to name the first offending line and column in a
:class:`~pccanalysis.errors.DataError`. Duplicate rows are flagged here, per file, so the flags
are cached with the parsed table.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ...errors import DataError
from ...files import renamed_column_hint
from .schema import MONTH_RE, STOP_AND_SEARCH, STREET, Column, FileSchema

_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# What pyarrow's CSV parser accepts as a float (it trims spaces), for the line-by-line diagnosis.
_NUMBER_RE = re.compile(r"^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)\s*$", re.I)
_TRUE = list(dict.fromkeys(v for t in ("true", "1", "yes") for v in (t, t.title(), t.upper())))
_FALSE = list(dict.fromkeys(v for f in ("false", "0", "no") for v in (f, f.title(), f.upper())))
_NUL = re.compile(rb"\0")
_DICT = pa.dictionary(pa.int32(), pa.string())
_ARROW_TYPES = {
    "str": pa.string(),
    "cat": _DICT,
    "month": _DICT,
    "date": pa.string(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}


def _arrow_type(column: Column) -> pa.DataType:
    if column.name == "lsoa_name":
        # Few distinct names per file: read.py derives the local authority once per name from
        # the dictionary, then gives the frame plain strings.
        return _DICT
    return _ARROW_TYPES[column.type]


@dataclass
class Parsed:
    """One parsed file: its table (tidy column names, duplicate flags) and what was learnt."""

    table: pa.Table
    rows: int
    blank_rows: int
    encoding: str
    months: list[str]
    reporter: str | None

    def meta(self) -> bytes:
        """Everything but the table, as JSON stored with the cached table."""
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
    def from_cached(cls, table: pa.Table) -> Parsed:
        """The record stored by :meth:`meta` with a cached table."""
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
    nul = _NUL.search(data)  # the whole file, in place: a damaged copy can hold NULs anywhere
    if nul is not None:
        line = bytes(data[: nul.start()]).count(b"\n") + 1
        raise DataError("the file holds a NUL byte (binary data), so it is damaged or not CSV; "
                        "download it again", file=display, line=line)


def _header(data: bytes, spec: FileSchema, display: str) -> tuple[list[str], dict[str, int], str]:
    end = re.search(rb"[\r\n]", data)  # CRLF, LF, or a lone CR (old Mac files)
    text, encoding = _decode(data if end is None else data[: end.start()])
    try:
        header = next(csv.reader([text]), [])
    except csv.Error as exc:
        raise DataError(f"the header cannot be read as CSV ({exc})", file=display,
                        line=1) from None
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


def _diagnose(data: bytes, spec: FileSchema, display: str, name_month: str | None) -> None:
    """Raise a DataError for the first line breaking a rule, re-reading the file with ``csv``."""
    text, _ = _decode(data)
    reader = csv_records(csv.reader(io.StringIO(text, newline="")), display)
    header = next(reader)[1]
    normed = [_norm(h) for h in header]
    checks = [(normed.index(_norm(h)), h, t) for h, _, t in spec.columns if t != "str"]
    for line, row in reader:
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
                ok = MONTH_RE.match(v) if typ == "month" else _DATE_RE.match(v)
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


def csv_records(reader, display: str):
    """(first line, fields) of each record of a ``csv.reader``; a record the csv module cannot
    read (a field longer than its limit, 131,072 characters) is a DataError naming its line."""
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"the row cannot be read as CSV ({exc}); a field this long is not "
                            "data.police.uk's", file=display, line=last + 1) from None
        yield last + 1, row
        last = reader.line_num


def _read_arrow(data: bytes, spec: FileSchema, header: list[str], positions: dict[str, int],
                newlines_in_values: bool = False) -> pa.Table:
    names = [f"__unused_{i}" for i in range(len(header))]
    for tidy, i in positions.items():
        names[i] = tidy
    types = {c.name: _arrow_type(c) for c in spec.columns}
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


def parse(data: bytes | pa.Buffer, spec: FileSchema, display: str, name_month: str | None) -> Parsed:
    """Parse and check one file.

    Parameters
    ----------
    data : bytes or pyarrow.Buffer
        The file's bytes (UTF-8 or, as Excel saves them, cp1252).
    spec : FileSchema
        The kind of file.
    display : str
        The file's name in messages.
    name_month : str or None
        The month its name gives, which every row must have (None: not checked).

    Raises
    ------
    DataError
        Naming the file, line and column of the first broken rule.
    """
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


def _check(table: pa.Table, data: bytes, spec: FileSchema, display: str, name_month: str | None,
           encoding: str) -> Parsed:
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
    bad = [m for m in months if not MONTH_RE.match(m) or (name_month and m != name_month)]
    if bad:
        _diagnose(data, spec, display, name_month)
        raise DataError(f"unexpected month {bad[0]!r}", file=display, column=spec.month_header)
    table = _duplicates(table, spec)
    reporter = None
    if "reported_by" in table.column_names:
        who = {w for c in table.column("reported_by").chunks for w in c.dictionary.to_pylist()}
        reporter = who.pop() if len(who) == 1 else None
    return Parsed(table, table.num_rows, blank, encoding, sorted(months), reporter)


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


def _duplicates(table: pa.Table, spec: FileSchema) -> pa.Table:
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


