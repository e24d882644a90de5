"""Raw rows from a CSV file or an Excel sheet, each with the number a person would look for.

Local extracts are kept by hand in Excel or saved as CSV, so a message must say "sheet 'Data',
row 14" or "line 14" exactly as Excel or a text editor shows it. pandas does not keep those
numbers (it drops blank lines, and a quoted cell can span several lines), so rows are read here
with :mod:`csv` and openpyxl directly.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError


@dataclass
class RawTable:
    """Rows of one CSV file or Excel sheet.

    Attributes
    ----------
    path : Path
    sheet : str or None
        The worksheet's name (None for CSV).
    unit : {"row", "line"}
        How a location is named in messages: spreadsheet row or text line.
    rows : list of (int, tuple)
        Every row with its 1-based row or starting line number, blank rows included.
    notes : list of str
        Anything worth telling (for instance a non-UTF-8 CSV).
    """

    path: Path
    sheet: str | None
    unit: str
    rows: list[tuple[int, tuple]]
    notes: list[str] = field(default_factory=list)

    def where(self, number: int | None) -> dict:
        """Keyword arguments for DataError locating row/line ``number``."""
        out: dict = {"file": self.path}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if number is not None:
            out[self.unit] = number
        return out

    @property
    def label(self) -> str:
        """``path`` or ``path:sheet`` for FileRecord."""
        return f"{self.path}:{self.sheet}" if self.sheet is not None else str(self.path)


def read_csv_rows(path: Path) -> RawTable:
    """Every CSV record with the physical line it starts on (a quoted cell may span lines)."""
    raw = path.read_bytes()
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "Save as CSV" on Windows writes the local code page, not UTF-8.
        text = raw.decode("cp1252", errors="replace")
        notes.append(f"{path.name} is not UTF-8; it was read as Windows-1252.")
    rows: list[tuple[int, tuple]] = []
    reader = csv.reader(text.splitlines(keepends=True))
    start = 1
    try:
        for cells in reader:
            rows.append((start, tuple(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"the file is not valid CSV ({exc})", file=path, line=start) from None
    return RawTable(path, None, "line", rows, notes)


def read_excel_rows(path: Path, sheet: str | None = None) -> RawTable:
    """Every row of one worksheet (the first when ``sheet`` is None), values only."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"the workbook cannot be opened ({exc})", file=path) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        else:
            match = [w for w in wb.worksheets if w.title.strip().lower() == sheet.strip().lower()]
            if not match:
                names = ", ".join(repr(w.title) for w in wb.worksheets)
                raise DataError(f"there is no sheet {sheet!r} (the sheets are {names})", file=path)
            ws = match[0]
        rows = list(enumerate(ws.iter_rows(min_row=1, values_only=True), start=1))
        return RawTable(path, ws.title, "row", rows)
    finally:
        wb.close()


def read_rows(path: str | Path, *, sheet: str | None = None, what: str = "file") -> RawTable:
    """CSV or Excel rows by suffix; anything else is a DataError."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"the {what} does not exist", file=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel_rows(path, sheet)
    raise DataError(
        f"the {what} must be a .csv or .xlsx file, not {suffix or 'a file with no suffix'}", file=path
    )


def normalise_header(cell: object) -> str:
    """Lower case, punctuation and spacing collapsed: ``"Comparator_Area "`` -> ``"comparator area"``."""
    return re.sub(r"[^a-z0-9]+", " ", str(cell).lower()).strip()


def header_map(cells: Iterable[object], aliases: Mapping[str, str]) -> dict[int, tuple[str, str]]:
    """Column index -> (canonical name, header as written), first occurrence of each name."""
    out: dict[int, tuple[str, str]] = {}
    taken = set()
    for i, cell in enumerate(cells):
        if cell is None or blank(cell):
            continue
        canonical = aliases.get(normalise_header(cell))
        if canonical is not None and canonical not in taken:
            out[i] = (canonical, str(cell).strip())
            taken.add(canonical)
    return out


def extra_columns(cells: Iterable[object], hmap: Mapping[int, object]) -> dict[int, str]:
    """Column index -> snake_case name for the headed columns ``hmap`` does not recognise.

    They are kept as text under that name (``"Data source"`` -> ``"data_source"``).
    """
    return {
        i: normalise_header(c).replace(" ", "_")
        for i, c in enumerate(cells)
        if i not in hmap and not blank(c) and normalise_header(c)
    }


def data_rows(table: RawTable, header: int, hmap: Mapping[int, tuple[str, str]],
              extras: Mapping[int, str]):
    """Each row below ``table.rows[header]`` as ``(number, values, other)``.

    ``values`` maps canonical names to the raw cells, ``other`` maps the extra columns' names
    to their text (None when blank); a short row's missing cells are None. Rows with every
    cell blank are yielded as ``(number, None, None)`` so the caller can count them.

    Raises
    ------
    DataError
        For a CSV record with a value beyond the header's last column: an unquoted comma
        ("Bristol, City of") has moved its fields along, so every value after it is wrong.
    """
    width = len(table.rows[header][1])
    for number, row in table.rows[header + 1 :]:
        if table.unit == "line" and any(not blank(v) for v in row[width:]):
            raise DataError(f"the row has {len(row)} fields but the header has {width}; a "
                            'value holding a comma must be in double quotes ("Bristol, City of")',
                            **table.where(number))
        values = {c: (row[i] if i < len(row) else None) for i, (c, _) in hmap.items()}
        raw = {w: (row[i] if i < len(row) else None) for i, w in extras.items()}
        if all(blank(v) for v in values.values()) and all(blank(v) for v in raw.values()):
            yield number, None, None
            continue
        yield number, values, {w: (None if blank(v) else cell_text(v)) for w, v in raw.items()}


def find_header(
    table: RawTable, aliases: Mapping[str, str], required: Iterable[str], *, search: int = 15
) -> int | None:
    """Index in ``table.rows`` of the first row naming at least two required columns."""
    required = set(required)
    for k, (_, cells) in enumerate(table.rows[:search]):
        found = {c for c, _ in header_map(cells, aliases).values()}
        if len(found & required) >= min(2, len(required)):
            return k
    return None


def blank(value: object) -> bool:
    """True for None, NaN/NA and strings of whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value: object) -> str:
    """A cell as written: whole floats without ``.0``, whitespace collapsed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


#: Day formats people type (day first, as in the UK), tried in order.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B %y",
    "%d %b %y",
)


def parse_day(value: object) -> pd.Timestamp | None:
    """A day from an Excel date cell or text in a UK spelling; None when it is not a date.

    The time of day, if any, is dropped. ``"9.10.20"`` is 9 October 2020 (day first).
    """
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    text = " ".join(str(value).split())
    for fmt in DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt)).normalize()
        except ValueError:
            continue
    return None
