"""Raw records from the three tracker layouts (workbook, CSV, YAML), each with where it came
from, before any value is checked (:mod:`.checks`); the layouts are described in :mod:`.read`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import DataError
from ...quality import DataQuality, FileRecord
from ...yaml_lines import LineDict, read_yaml
from .._rows import blank, read_csv_rows
from .model import COLUMN_ALIASES, DELIVERABLE_COLUMNS, UPDATE_COLUMNS, normalise_status

_YAML_TOP_KEYS = ("title", "quarter", "note", "deliverables")


_YAML_DELIVERABLE_KEYS = ("theme", "number", "lead", "deliverable", "status", "updates")


_YAML_UPDATE_KEYS = ("date", "author", "text")


@dataclass
class Record:
    """One raw record with where it came from (for messages)."""

    values: dict[str, Any]
    where: dict[str, Any]  # sheet/row or line
    columns: dict[str, str]  # canonical -> header as written


@dataclass
class TrackerReader:
    path: Path
    problems: list[DataError] = field(default_factory=list)

    def error(self, message: str, rec: Record | None = None, column: str | None = None, **where):
        loc = dict(rec.where) if rec is not None else {}
        loc.update(where)
        written = None
        if column is not None:
            written = rec.columns.get(column, column) if rec is not None else column
        self.problems.append(DataError(message, file=self.path, column=written, **loc))


def _header_map(cells: Iterable[object]) -> dict[int, tuple[str, str]]:
    """Column index -> (canonical name, header as written) for recognised headers."""
    out = {}
    for i, cell in enumerate(cells):
        if blank(cell):
            continue
        written = str(cell).strip()
        key = re.sub(r"[^a-z0-9]+", " ", written.lower()).strip()
        canonical = COLUMN_ALIASES.get(key)
        if canonical is None and key.startswith("specific deliverable"):
            canonical = "deliverable"
        if canonical is not None and canonical not in {c for c, _ in out.values()}:
            out[i] = (canonical, written)
    return out


def _table_records(
    reader: TrackerReader,
    rows: list[tuple[int, tuple]],
    *,
    required: tuple[str, ...],
    sheet: str | None,
    unit: str,
) -> tuple[list[Record], int, int]:
    """Find the header among the first rows, then turn data rows into records.

    Returns the records, the number of data rows read and the number that were blank.
    """
    header_at = None
    for k, (_, cells) in enumerate(rows[:15]):
        found = {c for c, _ in _header_map(cells).values()}
        if "number" in found and len(found & set(required)) >= 2:
            header_at = k
            break
    where0 = {"sheet": sheet} if sheet else {}
    if header_at is None:
        reader.error(
            f"no header row found: the first rows should name the columns "
            f"{', '.join(_display(c) for c in required)}",
            **where0,
        )
        return [], 0, 0
    number, cells = rows[header_at]
    hmap = _header_map(cells)
    names = {c: w for c, w in hmap.values()}
    missing = [c for c in required if c not in names]
    if missing:
        reader.error(
            f"the header (row {number}) has no column for {_display(missing[0])}; the columns "
            f"needed are {', '.join(_display(c) for c in required)}",
            **where0,
        )
        return [], 0, 0
    recs = []
    n_read = n_blank = 0
    for number, cells in rows[header_at + 1 :]:
        n_read += 1
        values = {}
        for i, (canonical, _) in hmap.items():
            v = cells[i] if i < len(cells) else None
            values[canonical] = None if blank(v) else v
        if all(v is None for v in values.values()):
            n_blank += 1
            continue
        where = dict(where0)
        where[unit] = number
        recs.append(Record(values, where, names))
    return recs, n_read, n_blank


def _display(canonical: str) -> str:
    return {
        "theme": "Theme",
        "number": "No.",
        "lead": "Lead",
        "deliverable": "Deliverable",
        "status": "Status",
        "date": "Date",
        "author": "Author",
        "text": "Update",
    }[canonical]


def read_xlsx_layout(reader: TrackerReader, quality: DataQuality):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(reader.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"the workbook cannot be opened ({exc})", file=reader.path) from None
    try:
        sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}

        def rows_of(ws) -> list[tuple[int, tuple]]:
            return list(enumerate(ws.iter_rows(min_row=1, values_only=True), start=1))

        quarter = title = None
        if "about" in sheets:
            for _, cells in rows_of(sheets["about"]):
                if len(cells) >= 2 and cells[0] is not None:
                    key = str(cells[0]).strip().lower()
                    if key == "quarter":
                        quarter = cells[1]
                    elif key == "title":
                        title = cells[1]
        if "deliverables" in sheets:
            ws = sheets["deliverables"]
            dels, n1, b1 = _table_records(
                reader, rows_of(ws), required=DELIVERABLE_COLUMNS, sheet=ws.title, unit="row"
            )
            quality.files.append(FileRecord(f"{reader.path}:{ws.title}", n1))
            upds: list[Record] = []
            n2 = b2 = 0
            if "updates" in sheets:
                ws = sheets["updates"]
                upds, n2, b2 = _table_records(
                    reader, rows_of(ws), required=UPDATE_COLUMNS, sheet=ws.title, unit="row"
                )
                quality.files.append(FileRecord(f"{reader.path}:{ws.title}", n2))
                for rec in upds:
                    rec.values["_ref_sheet"] = sheets["deliverables"].title
            return dels, upds, quarter, title, n1 + n2, b1 + b2
        ws = wb.worksheets[0]
        recs, n, b = _table_records(
            reader, rows_of(ws), required=DELIVERABLE_COLUMNS, sheet=ws.title, unit="row"
        )
        quality.files.append(FileRecord(f"{reader.path}:{ws.title}", n))
        dels, upds = _split_single_table(reader, recs)
        return dels, upds, quarter, title, n, b
    finally:
        wb.close()


def read_csv_layout(reader: TrackerReader, quality: DataQuality, notes: list[str]):
    table = read_csv_rows(reader.path)
    notes.extend(table.notes)
    recs, n, b = _table_records(
        reader, table.rows, required=DELIVERABLE_COLUMNS, sheet=None, unit="line"
    )
    quality.files.append(FileRecord(str(reader.path), n))
    dels, upds = _split_single_table(reader, recs)
    return dels, upds, n, b


def _split_single_table(reader: TrackerReader, recs: list[Record]) -> tuple[list[Record], list[Record]]:
    """One row per update -> deliverable records and update records.

    A row whose deliverable columns are all blank continues the deliverable above (merged cells).
    Repeated deliverable values must agree with the first row's.
    """
    dels: dict[tuple, Record] = {}
    upds: list[Record] = []
    previous = None
    for rec in recs:
        v = rec.values
        if all(v.get(c) is None for c in DELIVERABLE_COLUMNS):
            if previous is None:
                reader.error("this update has no deliverable above it", rec, "number")
                continue
            theme, number = previous
        else:
            theme, number = v.get("theme"), v.get("number")
            key = (_key_text(theme), _key_text(number))
            if not (key[0] and key[1]):
                dels[("?", id(rec))] = rec  # reported as blank theme/number on validation
            elif key not in dels:
                dels[key] = rec
            else:
                _merge_repeat(reader, dels[key], rec, key)
        previous = (theme, number)
        if any(v.get(c) is not None for c in ("date", "author", "text")):
            uvals = {"theme": theme, "number": number}
            uvals.update({c: v.get(c) for c in ("date", "author", "text")})
            upds.append(Record(uvals, rec.where, rec.columns))
    return list(dels.values()), upds


def _merge_repeat(reader: TrackerReader, first: Record, rec: Record, key: tuple[str, str]) -> None:
    """A later row of the same deliverable: blanks inherit, values must agree with the first."""
    for col in ("deliverable", "lead", "status"):
        a, b = first.values.get(col), rec.values.get(col)
        if b is None:
            continue
        if a is None:
            first.values[col] = b
        elif _norm_cell(a, col) != _norm_cell(b, col):
            if col == "deliverable":
                message = (
                    f"deliverable number {key[1]} appears twice in theme {key[0]!r} with a "
                    f"different description (first at {where_text(first.where)})"
                )
            else:
                message = (
                    f"{_display(col).lower()} {str(b).strip()!r} differs from {str(a).strip()!r} "
                    f"given for deliverable {key[1]} of theme {key[0]!r} at "
                    f"{where_text(first.where)}"
                )
            reader.error(message, rec, col)
            return


def _norm_cell(value: object, col: str) -> str:
    if col == "status":
        return normalise_status(value) or str(value).strip().lower()
    return " ".join(str(value).split())


def _key_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def where_text(where: dict) -> str:
    if "row" in where:
        return f"row {where['row']}"
    return f"line {where['line']}"


def read_yaml_layout(reader: TrackerReader, quality: DataQuality):
    doc = read_yaml(reader.path)
    path = reader.path
    if not isinstance(doc, LineDict):
        raise DataError(
            "a YAML tracker must be a mapping with a 'deliverables' list", file=path, line=1
        )
    _unknown_keys(reader, doc, _YAML_TOP_KEYS, "a tracker")
    items = doc.get("deliverables")
    if not isinstance(items, list):
        raise DataError(
            "'deliverables' must be a list of deliverables", file=path, line=doc.line_of("deliverables")
        )
    dels: list[Record] = []
    upds: list[Record] = []
    n_read = 0
    for item in items:
        n_read += 1
        if not isinstance(item, LineDict):
            reader.error("each deliverable must be a mapping (theme, number, ...)",
                         line=doc.line_of("deliverables"))
            continue
        _unknown_keys(reader, item, _YAML_DELIVERABLE_KEYS, "a deliverable")
        values = {c: _yaml_scalar(reader, item, c) for c in DELIVERABLE_COLUMNS}
        dels.append(Record(values, {"line": item.line}, YamlColumns(item)))
        updates = item.get("updates") or []
        if not isinstance(updates, list):
            reader.error("'updates' must be a list", line=item.line_of("updates"))
            continue
        for u in updates:
            n_read += 1
            if not isinstance(u, LineDict):
                reader.error("each update must be a mapping (date, author, text)",
                             line=item.line_of("updates"))
                continue
            _unknown_keys(reader, u, _YAML_UPDATE_KEYS, "an update")
            uvals = {"theme": values["theme"], "number": values["number"]}
            uvals.update({c: _yaml_scalar(reader, u, c) for c in ("date", "author", "text")})
            upds.append(Record(uvals, {"line": u.line}, YamlColumns(u)))
    quality.files.append(FileRecord(str(path), n_read))
    top = {k: _yaml_scalar(reader, doc, k) for k in ("quarter", "title", "note")}
    # a list or mapping is reported already: its placeholder is not parsed as a quarter
    quarter = None if isinstance(doc.get("quarter"), (list, dict)) else top["quarter"]
    return dels, upds, quarter, top["title"], n_read, 0


def _yaml_scalar(reader: TrackerReader, mapping: LineDict, key: str):
    """``mapping[key]`` (None when blank); a list or mapping is reported at the key's line and
    stands in as a short placeholder, so the record is not also reported as blank."""
    value = mapping.get(key)
    if isinstance(value, (list, dict)):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        reader.error(f"the {key} must be text, not {kind}", column=key,
                     line=mapping.line_of(key))
        return f"({kind})"
    return _none_if_blank(value)


def _unknown_keys(reader: TrackerReader, mapping: LineDict, allowed: tuple[str, ...], owner: str):
    """Report each key of ``mapping`` not in ``allowed`` at the key's own line."""
    for key in mapping:
        if key not in allowed:
            reader.error(f"unknown key {key!r}; {owner} has {', '.join(allowed)}",
                         line=mapping.line_of(key))


class YamlColumns(dict):
    """In YAML the 'column' is the key; messages point at the key's own line where possible."""

    def __init__(self, mapping: LineDict) -> None:
        super().__init__({k: k for k in mapping})
        self.mapping = mapping

    def get(self, key, default=None):
        return key


def _none_if_blank(value):
    return None if blank(value) else value
