"""The delivery-plan tracker: numbered deliverables, their RAG status and dated updates.

The Police and Crime Plan's themes each have numbered deliverables with a lead organisation, a
RAG status and dated updates by named officers; the office reports them every quarter (Appendix A
of a theme report). This module reads the tracker the office keeps, in one of three layouts:

Excel workbook (.xlsx), the recommended layout
    Sheet ``Deliverables``, one row per deliverable::

        Theme | No. | Lead | Deliverable | Status

    Sheet ``Updates``, one row per dated update (any number per deliverable)::

        Theme | No. | Date | Author | Update

    Optional sheet ``About`` with ``Field | Value`` rows; a ``Quarter`` row (``2020-21 Q2``)
    says which quarter the tracker reports. Title rows above the header are allowed.
    A workbook without a ``Deliverables`` sheet is read as the single-table layout below from
    its first sheet.

CSV (.csv): one table, one row per update
    ``Theme, No., Lead, Deliverable, Status, Update date, Author, Update``. The deliverable's
    columns are repeated on each of its rows or left blank after the first (as merged cells
    export); a deliverable with no update has one row with the update columns blank.

YAML (.yaml/.yml)
    ``quarter``, ``title``, ``note`` and a list ``deliverables`` of mappings with keys
    ``theme, number, lead, deliverable, status, updates``; ``updates`` is a list of mappings with
    ``date, author, text``.

Headers are matched without regard to case, spacing or punctuation, and the usual alternatives
are accepted ("No." / "Number", "Organisation" / "Lead", "RAG status" / "Status", ...).
Statuses are Green, Amber, Red and Not started; ``G``, ``A``, ``R``, ``NS``, ``White`` and
``White (NS)`` are accepted in any case and spacing.

Every problem is one :class:`~pccanalysis.errors.DataError` naming the file, the sheet, the row (or
line) and the column. :func:`read_tracker` raises the first; :func:`check_tracker` lists them all.
Update text is returned as typed: it is made safe where it is shown
(:func:`pccanalysis.safe_html.text_to_html`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, PeriodError
from ..periods import parse_quarter
from ..quality import DataQuality, FileRecord
from ..yaml_lines import LineDict, read_yaml
from ._rows import blank, parse_day, read_csv_rows

#: The four statuses in the order the status key shows them.
STATUSES = ("Green", "Amber", "Red", "Not started")
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES), ordered=False)

_STATUS_SPELLINGS = {
    "green": "Green",
    "g": "Green",
    "amber": "Amber",
    "a": "Amber",
    "red": "Red",
    "r": "Red",
    "not started": "Not started",
    "ns": "Not started",
    "n s": "Not started",
    "white": "Not started",
    "w": "Not started",
    "white ns": "Not started",
    "white not started": "Not started",
}

_STATUS_HELP = "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)"

DELIVERABLE_COLUMNS = ("theme", "number", "lead", "deliverable", "status")
UPDATE_COLUMNS = ("theme", "number", "date", "author", "text")

# Normalised header (lower case, punctuation as spaces) -> canonical column.
_ALIASES = {
    "theme": "theme",
    "theme no": "theme",
    "theme number": "theme",
    "no": "number",
    "number": "number",
    "num": "number",
    "ref": "number",
    "deliverable no": "number",
    "deliverable number": "number",
    "lead": "lead",
    "lead organisation": "lead",
    "lead organization": "lead",
    "organisation": "lead",
    "organization": "lead",
    "owner": "lead",
    "deliverable": "deliverable",
    "deliverables": "deliverable",
    "specific deliverable": "deliverable",
    "description": "deliverable",
    "activity": "deliverable",
    "status": "status",
    "rag": "status",
    "rag status": "status",
    "date": "date",
    "update date": "date",
    "date of update": "date",
    "author": "author",
    "update author": "author",
    "updated by": "author",
    "update by": "author",
    "officer": "author",
    "update": "text",
    "update text": "text",
    "text": "text",
    "progress": "text",
    "progress update": "text",
}

_YAML_TOP_KEYS = ("title", "quarter", "note", "deliverables")
_YAML_DELIVERABLE_KEYS = ("theme", "number", "lead", "deliverable", "status", "updates")
_YAML_UPDATE_KEYS = ("date", "author", "text")


@dataclass
class Tracker:
    """One quarter's delivery-plan tracker as two tidy frames.

    Attributes
    ----------
    deliverables : pandas.DataFrame
        One row per deliverable: ``theme`` (str), ``number`` (int64), ``lead`` (str, <NA> when
        blank), ``deliverable`` (str), ``status`` (category: Green, Amber, Red, Not started).
        Rows keep the file's order.
    updates : pandas.DataFrame
        One row per update: ``theme`` (str), ``number`` (int64), ``date`` (datetime64),
        ``author`` (str, <NA> when blank), ``text`` (str, as typed: sanitise before display).
        Sorted by theme order, number and date.
    quarter : str or None
        The quarter reported, e.g. ``"2020-21 Q2"``, when known.
    title : str or None
        A title for the tracker, when the file gives one.
    source : str
        The file read.
    notes : list of str
        Anything worth telling about the file (e.g. a CSV that was not UTF-8).
    """

    deliverables: pd.DataFrame
    updates: pd.DataFrame
    quarter: str | None = None
    title: str | None = None
    source: str = ""
    notes: list[str] = field(default_factory=list)


def normalise_status(value: object) -> str | None:
    """The canonical status for a spelling, or None when it is not a status.

    ``"g"``, ``" Green "``, ``"WHITE (NS)"``, ``"ns"`` -> ``"Green"``, ..., ``"Not started"``.
    """
    if blank(value):
        return None
    key = re.sub(r"[^a-z]+", " ", str(value).lower()).strip()
    return _STATUS_SPELLINGS.get(key)


def read_tracker(
    path: str | Path,
    *,
    quarter: str | None = None,
    as_of: dt.date | str | pd.Timestamp | None = None,
) -> tuple[Tracker, DataQuality]:
    """Read a delivery-plan tracker from .xlsx, .csv or .yaml (layouts in the module docstring).

    Parameters
    ----------
    path : str or Path
        The tracker file.
    quarter : str, optional
        The quarter the tracker reports (any spelling :func:`~pccanalysis.periods.parse_quarter`
        accepts). Overrides a quarter given in the file.
    as_of : date-like, optional
        No update may be dated after this day. Default: today.

    Returns
    -------
    (Tracker, DataQuality)
        The deliverables and updates, and how every row read was accounted for (rows are
        spreadsheet rows, CSV records or YAML entries; blank rows are excluded).

    Raises
    ------
    DataError
        The first problem found (see :func:`check_tracker` for all of them).
    """
    tracker, quality, problems = _read(path, quarter=quarter, as_of=as_of)
    if problems:
        raise problems[0]
    return tracker, quality


def check_tracker(
    path: str | Path,
    *,
    quarter: str | None = None,
    as_of: dt.date | str | pd.Timestamp | None = None,
) -> list[DataError]:
    """Every problem in a tracker file, in file order (an empty list when it is fine)."""
    return _read(path, quarter=quarter, as_of=as_of)[2]


def write_tracker(
    tracker: Tracker,
    path: str | Path,
    *,
    about: dict[str, str] | None = None,
) -> Path:
    """Write a tracker in the layout :func:`read_tracker` reads, chosen by the file's suffix.

    Parameters
    ----------
    tracker : Tracker
        What to write.
    path : str or Path
        ``.xlsx`` (Deliverables, Updates and About sheets), ``.csv`` (one row per update) or
        ``.yaml``.
    about : dict, optional
        Extra ``Field -> Value`` rows for the About sheet (or top-level keys ``title``/``note``
        in YAML).

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    about = dict(about or {})
    if suffix in (".xlsx", ".xlsm"):
        _write_xlsx(tracker, path, about)
    elif suffix == ".csv":
        _write_csv(tracker, path)
    elif suffix in (".yaml", ".yml"):
        _write_yaml(tracker, path, about)
    else:
        raise DataError("a tracker must be written as .xlsx, .csv or .yaml", file=path)
    return path


# --------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Rec:
    """One raw record with where it came from (for messages)."""

    values: dict[str, Any]
    where: dict[str, Any]  # sheet/row or line
    columns: dict[str, str]  # canonical -> header as written


@dataclass
class _Reader:
    path: Path
    problems: list[DataError] = field(default_factory=list)

    def error(self, message: str, rec: _Rec | None = None, column: str | None = None, **where):
        loc = dict(rec.where) if rec is not None else {}
        loc.update(where)
        written = None
        if column is not None:
            written = rec.columns.get(column, column) if rec is not None else column
        self.problems.append(DataError(message, file=self.path, column=written, **loc))


def _read(path, *, quarter, as_of) -> tuple[Tracker, DataQuality, list[DataError]]:
    path = Path(path)
    if not path.exists():
        raise DataError("the tracker file does not exist", file=path)
    reader = _Reader(path)
    quality = DataQuality(source="delivery-plan tracker")
    suffix = path.suffix.lower()
    file_quarter = title = None
    notes: list[str] = []
    if suffix in (".xlsx", ".xlsm"):
        dels, upds, file_quarter, title, n_read, n_blank = _read_xlsx(reader, quality)
    elif suffix == ".csv":
        dels, upds, n_read, n_blank = _read_csv(reader, quality, notes)
    elif suffix in (".yaml", ".yml"):
        dels, upds, file_quarter, title, n_read, n_blank = _read_yaml(reader, quality)
    else:
        raise DataError(
            f"a tracker must be an .xlsx, .csv or .yaml file, not {suffix or 'a file with no suffix'}",
            file=path,
        )

    label = None
    if quarter is not None:
        label = parse_quarter(quarter).label
    elif file_quarter is not None and not blank(file_quarter):
        try:
            label = parse_quarter(str(file_quarter)).label
        except PeriodError as exc:
            raise DataError(str(exc), file=path, column="quarter") from None

    as_of_ts = _as_of(as_of)
    deliverables = _validate_deliverables(reader, dels)
    # Every deliverable row counts as listed, valid or not, so one bad row is reported once.
    listed = {
        (str(r.values["theme"]).strip(), _whole_number(r.values["number"]))
        for r in dels
        if r.values.get("theme") is not None
    }
    updates = _validate_updates(reader, upds, deliverables, listed, as_of_ts)

    quality.rows_read = n_read
    quality.exclude("blank row", n_blank)
    quality.rows_kept = n_read - n_blank
    no_lead = int(deliverables["lead"].isna().sum())
    quality.flag("deliverable with no lead organisation", no_lead)
    quality.flag("update with no author", int(updates["author"].isna().sum()))
    quality.notes.extend(notes)
    quality.check()
    tracker = Tracker(
        deliverables=deliverables,
        updates=updates,
        quarter=label,
        title=None if blank(title) else str(title).strip(),
        source=str(path),
        notes=notes,
    )
    reader.problems.sort(key=_problem_order)
    return tracker, quality, reader.problems


def _problem_order(err: DataError) -> tuple:
    return (err.sheet or "", err.row or err.line or 0)


def _as_of(as_of) -> pd.Timestamp:
    if as_of is None:
        return pd.Timestamp(dt.date.today())
    return pd.Timestamp(as_of).normalize()


def _header_map(cells: Iterable[object]) -> dict[int, tuple[str, str]]:
    """Column index -> (canonical name, header as written) for recognised headers."""
    out = {}
    for i, cell in enumerate(cells):
        if blank(cell):
            continue
        written = str(cell).strip()
        key = re.sub(r"[^a-z0-9]+", " ", written.lower()).strip()
        canonical = _ALIASES.get(key)
        if canonical is None and key.startswith("specific deliverable"):
            canonical = "deliverable"
        if canonical is not None and canonical not in {c for c, _ in out.values()}:
            out[i] = (canonical, written)
    return out


def _table_records(
    reader: _Reader,
    rows: list[tuple[int, tuple]],
    *,
    required: tuple[str, ...],
    sheet: str | None,
    unit: str,
) -> tuple[list[_Rec], int, int]:
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
        recs.append(_Rec(values, where, names))
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


def _read_xlsx(reader: _Reader, quality: DataQuality):
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
            upds: list[_Rec] = []
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


def _read_csv(reader: _Reader, quality: DataQuality, notes: list[str]):
    table = read_csv_rows(reader.path)
    notes.extend(table.notes)
    recs, n, b = _table_records(
        reader, table.rows, required=DELIVERABLE_COLUMNS, sheet=None, unit="line"
    )
    quality.files.append(FileRecord(str(reader.path), n))
    dels, upds = _split_single_table(reader, recs)
    return dels, upds, n, b


def _split_single_table(reader: _Reader, recs: list[_Rec]) -> tuple[list[_Rec], list[_Rec]]:
    """One row per update -> deliverable records and update records.

    A row whose deliverable columns are all blank continues the deliverable above (merged cells).
    Repeated deliverable values must agree with the first row's.
    """
    dels: dict[tuple, _Rec] = {}
    upds: list[_Rec] = []
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
            upds.append(_Rec(uvals, rec.where, rec.columns))
    return list(dels.values()), upds


def _merge_repeat(reader: _Reader, first: _Rec, rec: _Rec, key: tuple[str, str]) -> None:
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
                    f"different description (first at {_where_text(first.where)})"
                )
            else:
                message = (
                    f"{_display(col).lower()} {str(b).strip()!r} differs from {str(a).strip()!r} "
                    f"given for deliverable {key[1]} of theme {key[0]!r} at "
                    f"{_where_text(first.where)}"
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


def _where_text(where: dict) -> str:
    if "row" in where:
        return f"row {where['row']}"
    return f"line {where['line']}"


def _read_yaml(reader: _Reader, quality: DataQuality):
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
    dels: list[_Rec] = []
    upds: list[_Rec] = []
    n_read = 0
    for item in items:
        n_read += 1
        if not isinstance(item, LineDict):
            reader.error("each deliverable must be a mapping (theme, number, ...)",
                         line=doc.line_of("deliverables"))
            continue
        _unknown_keys(reader, item, _YAML_DELIVERABLE_KEYS, "a deliverable")
        values = {c: _yaml_scalar(reader, item, c) for c in DELIVERABLE_COLUMNS}
        dels.append(_Rec(values, {"line": item.line}, _YamlColumns(item)))
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
            upds.append(_Rec(uvals, {"line": u.line}, _YamlColumns(u)))
    quality.files.append(FileRecord(str(path), n_read))
    top = {k: _yaml_scalar(reader, doc, k) for k in ("quarter", "title", "note")}
    # a list or mapping is reported already: its placeholder is not parsed as a quarter
    quarter = None if isinstance(doc.get("quarter"), (list, dict)) else top["quarter"]
    return dels, upds, quarter, top["title"], n_read, 0


def _yaml_scalar(reader: _Reader, mapping: LineDict, key: str):
    """``mapping[key]`` (None when blank); a list or mapping is reported at the key's line and
    stands in as a short placeholder, so the record is not also reported as blank."""
    value = mapping.get(key)
    if isinstance(value, (list, dict)):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        reader.error(f"the {key} must be text, not {kind}", column=key,
                     line=mapping.line_of(key))
        return f"({kind})"
    return _none_if_blank(value)


def _unknown_keys(reader: _Reader, mapping: LineDict, allowed: tuple[str, ...], owner: str):
    """Report each key of ``mapping`` not in ``allowed`` at the key's own line."""
    for key in mapping:
        if key not in allowed:
            reader.error(f"unknown key {key!r}; {owner} has {', '.join(allowed)}",
                         line=mapping.line_of(key))


class _YamlColumns(dict):
    """In YAML the 'column' is the key; messages point at the key's own line where possible."""

    def __init__(self, mapping: LineDict) -> None:
        super().__init__({k: k for k in mapping})
        self.mapping = mapping

    def get(self, key, default=None):
        return key


def _none_if_blank(value):
    return None if blank(value) else value


def _rec_line(rec: _Rec, column: str) -> dict:
    """For YAML, the line of the key itself; for tables, the record's row/line."""
    cols = rec.columns
    if isinstance(cols, _YamlColumns) and column in cols.mapping:
        return {"line": cols.mapping.line_of(column)}
    return {}


def _validate_deliverables(reader: _Reader, recs: list[_Rec]) -> pd.DataFrame:
    rows = []
    seen: dict[tuple[str, int], _Rec] = {}
    for rec in recs:
        v = rec.values
        ok = True

        def err(message, column, rec=rec):
            reader.error(message, rec, column, **_rec_line(rec, column))

        theme = v.get("theme")
        if theme is None:
            err("the theme is blank", "theme")
            ok = False
        number = _whole_number(v.get("number"))
        if v.get("number") is None:
            err("the deliverable number is blank", "number")
            ok = False
        elif number is None:
            err(f"deliverable number {str(v['number']).strip()!r} is not a whole number", "number")
            ok = False
        if v.get("deliverable") is None:
            err("the deliverable is blank: every row needs the deliverable's description",
                "deliverable")
            ok = False
        raw_status = v.get("status")
        status = normalise_status(raw_status)
        if raw_status is None:
            err(f"the RAG status is blank; {_STATUS_HELP}", "status")
            ok = False
        elif status is None:
            err(f"unknown RAG status {str(raw_status).strip()!r}; {_STATUS_HELP}", "status")
            ok = False
        if theme is not None and number is not None:
            key = (str(theme).strip(), number)
            if key in seen:
                err(
                    f"deliverable number {number} appears twice in theme {key[0]!r} "
                    f"(first at {_where_text(seen[key].where)})",
                    "number",
                )
                ok = False
            else:
                seen[key] = rec
        if ok:
            lead = v.get("lead")
            rows.append(
                {
                    "theme": str(theme).strip(),
                    "number": number,
                    "lead": None if lead is None else " ".join(str(lead).split()),
                    "deliverable": " ".join(str(v["deliverable"]).split()),
                    "status": status,
                }
            )
    frame = pd.DataFrame(rows, columns=list(DELIVERABLE_COLUMNS))
    return frame.astype(
        {
            "theme": "str",
            "number": "int64",
            "lead": "str",
            "deliverable": "str",
            "status": STATUS_DTYPE,
        }
    ).reset_index(drop=True)


def _validate_updates(
    reader: _Reader,
    recs: list[_Rec],
    deliverables: pd.DataFrame,
    known: set[tuple[str, int | None]],
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    theme_order = {t: i for i, t in enumerate(dict.fromkeys(deliverables["theme"]))}
    rows = []
    for rec in recs:
        v = rec.values
        ok = True

        def err(message, column, rec=rec):
            reader.error(message, rec, column, **_rec_line(rec, column))

        theme = v.get("theme")
        number = _whole_number(v.get("number"))
        ref_sheet = v.get("_ref_sheet")
        if ref_sheet is not None:  # a separate Updates sheet: the reference must resolve
            if theme is None:
                err("the theme is blank", "theme")
                ok = False
            if v.get("number") is None:
                err("the deliverable number is blank", "number")
                ok = False
            elif number is None:
                err(f"deliverable number {str(v['number']).strip()!r} is not a whole number",
                    "number")
                ok = False
            if ok and (str(theme).strip(), number) not in known:
                err(
                    f"this update is for deliverable {number} of theme {str(theme).strip()!r}, "
                    f"which is not in sheet {ref_sheet!r}",
                    "number",
                )
                ok = False
        elif theme is None or number is None:
            ok = False  # the deliverable's own problem is already reported
        raw_date = v.get("date")
        date = None
        if raw_date is None:
            err("the update date is blank", "date")
            ok = False
        else:
            date = parse_day(raw_date)
            if date is None:
                err(
                    f"update date {str(raw_date).strip()!r} is not a date; write it like "
                    "2020-09-14 or 14/09/2020",
                    "date",
                )
                ok = False
            elif date > as_of:
                err(
                    f"update dated {date:%Y-%m-%d} is in the future (after the as-of date "
                    f"{as_of:%Y-%m-%d})",
                    "date",
                )
                ok = False
        if v.get("text") is None:
            err("the update text is blank", "text")
            ok = False
        if ok:
            author = v.get("author")
            rows.append(
                {
                    "theme": str(theme).strip(),
                    "number": number,
                    "date": date,
                    "author": None if author is None else " ".join(str(author).split()),
                    "text": str(v["text"]).strip(),
                }
            )
    frame = pd.DataFrame(rows, columns=list(UPDATE_COLUMNS))
    frame = frame.astype(
        {"theme": "str", "number": "int64", "author": "str", "text": "str"}
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    order = frame["theme"].map(theme_order).fillna(len(theme_order))
    frame = frame.assign(_o=order).sort_values(["_o", "number", "date"], kind="stable")
    return frame.drop(columns="_o").reset_index(drop=True)


def _whole_number(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.0+", text):
        return int(float(text))
    return None


# --------------------------------------------------------------------------------------------
# Writing


def _deliverable_rows(tracker: Tracker) -> list[list]:
    return [
        [r.theme, int(r.number), None if pd.isna(r.lead) else r.lead, r.deliverable, str(r.status)]
        for r in tracker.deliverables.itertuples(index=False)
    ]


def _update_rows(tracker: Tracker) -> list[list]:
    return [
        [r.theme, int(r.number), r.date.date(), None if pd.isna(r.author) else r.author, r.text]
        for r in tracker.updates.itertuples(index=False)
    ]


def _write_xlsx(tracker: Tracker, path: Path, about: dict[str, str]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliverables"
    ws.append(["Theme", "No.", "Lead", "Deliverable", "Status"])
    for row in _deliverable_rows(tracker):
        ws.append(row)
    ws2 = wb.create_sheet("Updates")
    ws2.append(["Theme", "No.", "Date", "Author", "Update"])
    for row in _update_rows(tracker):
        ws2.append(row)
    for row in ws2.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    ws3 = wb.create_sheet("About")
    ws3.append(["Field", "Value"])
    fields = {}
    if tracker.title:
        fields["Title"] = tracker.title
    if tracker.quarter:
        fields["Quarter"] = tracker.quarter
    fields.update(about)
    for k, v in fields.items():
        ws3.append([k, v])
    for sheet, widths in ((ws, (8, 6, 12, 70, 12)), (ws2, (8, 6, 12, 10, 90)), (ws3, (14, 70))):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = w
    for row in ws2.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.creator = "pccanalysis"
    wb.save(path)


def _write_csv(tracker: Tracker, path: Path) -> None:
    upd = tracker.updates
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Theme", "No.", "Lead", "Deliverable", "Status", "Update date", "Author",
                    "Update"])
        for theme, number, lead, deliverable, status in _deliverable_rows(tracker):
            mine = upd[(upd["theme"] == theme) & (upd["number"] == number)]
            first = [theme, number, lead or "", deliverable, status]
            if mine.empty:
                w.writerow([*first, "", "", ""])
            for r in mine.itertuples(index=False):
                author = "" if pd.isna(r.author) else r.author
                w.writerow([*first, f"{r.date:%Y-%m-%d}", author, r.text])


def _write_yaml(tracker: Tracker, path: Path, about: dict[str, str]) -> None:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, data):
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _str)
    doc: dict[str, Any] = {}
    if tracker.title:
        doc["title"] = tracker.title
    if tracker.quarter:
        doc["quarter"] = tracker.quarter
    if "note" in {k.lower() for k in about}:
        doc["note"] = next(v for k, v in about.items() if k.lower() == "note")
    doc["deliverables"] = []
    upd = tracker.updates
    for theme, number, lead, deliverable, status in _deliverable_rows(tracker):
        mine = upd[(upd["theme"] == theme) & (upd["number"] == number)]
        item: dict[str, Any] = {"theme": theme, "number": number, "lead": lead,
                                "deliverable": deliverable, "status": status}
        item["updates"] = [
            {"date": r.date.date(), "author": None if pd.isna(r.author) else r.author,
             "text": r.text}
            for r in mine.itertuples(index=False)
        ]
        doc["deliverables"].append(item)
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
