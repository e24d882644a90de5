"""A briefing's tables for Excel: one workbook (a sheet per table) and a CSV file per table.

The tables are read back from the exported page itself, so the workbook shows exactly what the
board reads: the same captions and column labels, the same suppressed cells (their marker,
e.g. ``[c]``, as text) and the same notes. Cells the page marks as numbers (class ``num``) become
numbers: ``1,575`` is 1575 and ``+35.4%`` is 0.354 shown as ``+35.4%``; everything else (an
interval, a baseline year, a verdict) stays text. A table without a caption is named after its
section's heading.

Text that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-`` or ``@``) is
written as text: in the workbook as a string cell, in a CSV with a leading apostrophe (OWASP,
"CSV Injection").

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..files import write_atomic
from .export import BriefingMeta

_NUMBER = re.compile(r"^([+\-\u2212]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%?)$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILL = re.compile(r"background-color:\s*#([0-9A-Fa-f]{6})")
CONTENTS_SHEET = "Contents"


@dataclass
class Cell:
    """One cell as the page shows it: its text, and whether the page marks it a number, a
    suppressed value or a heading."""

    text: str
    numeric: bool = False
    suppressed: bool = False
    heading: bool = False
    fill: str | None = None

    @property
    def value(self) -> str | int | float | None:
        """The number a numeric cell shows (a percentage as a fraction), else its text."""
        if not self.text:
            return None
        match = _NUMBER.match(self.text) if self.numeric and not self.suppressed else None
        if match is None:
            return self.text
        sign, whole, decimals, percent = match.groups()
        number = float(whole.replace(",", "") + (decimals or ""))
        number = -number if sign in ("-", "\u2212") else number
        if percent:
            return number / 100
        return number if decimals else int(number)

    @property
    def number_format(self) -> str | None:
        """Excel's format that shows the number as the page does (sign, decimals, %)."""
        match = _NUMBER.match(self.text) if self.numeric and not self.suppressed else None
        if match is None:
            return None
        sign, whole, decimals, percent = match.groups()
        body = ("#,##0" if "," in whole or not percent else "0") + (
            "." + "0" * (len(decimals) - 1) if decimals else "")
        if percent:
            body += "%"
        return f"+{body};-{body};{body}" if sign else body


@dataclass
class Table:
    """A table of the page: its name (caption, else its section), header rows, body rows and
    notes (the footer)."""

    name: str
    header: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def headline_table(cards: list[dict]) -> Table | None:
    """The headline panel's cards (the briefing record's ``headline``) as a table, or None."""
    if not cards:
        return None
    header = [Cell(h, heading=True) for h in ("Figure", "Value", "Finding", "Detail")]
    body = [[Cell(str(c.get("label", "")), heading=True),
             Cell(str(c.get("value", "")), numeric=True), Cell(str(c.get("verdict", ""))),
             Cell(str(c.get("detail", "")))] for c in cards]
    return Table(name="Headline figures", header=[header], body=body)


def read_tables(page: str) -> list[Table]:
    """Every table in the page's main part, in order."""
    parser = _Tables()
    parser.feed(page)
    parser.close()
    return parser.tables


def write_workbook(tables: list[Table], path: Path, meta: BriefingMeta) -> None:
    """One XLSX workbook: a contents sheet, then a sheet per table (written atomically).

    Each sheet opens with the table's name and the briefing's area, quarter and protective
    marking, and carries the marking in its printed header and footer.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    contents = book.active
    contents.title = CONTENTS_SHEET
    bold = Font(bold=True)
    lines = [meta.title, f"{meta.organisation}: {meta.area}", f"{meta.quarter} ({meta.period})",
             meta.protective_marking + ("" if meta.public else ": not for publication")]
    if meta.synthetic:
        lines.append("SYNTHETIC DATA: made from the made-up sample; no figure describes a real "
                     "place or real people.")
    lines.append(f"Briefing id {meta.short_id}")
    for line in lines:
        contents.append([line])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([])
    contents.append(["Sheet", "Table"])
    for cell in contents[contents.max_row]:
        cell.font = bold
    names = _sheet_names([t.name for t in tables])
    for table, name in zip(tables, names, strict=True):
        contents.append([name, table.name])
        sheet = book.create_sheet(name)
        _fill_sheet(sheet, table, meta, bold, PatternFill)
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 80
    _print_marking(contents, meta)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())


def write_csvs(tables: list[Table], folder: Path) -> list[Path]:
    """A CSV file per table (UTF-8 with a byte-order mark, so Excel reads it as UTF-8):
    header rows, body rows, then the notes; numbers without thousands separators."""
    paths = []
    for i, table in enumerate(tables, start=1):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in table.header + table.body:
            writer.writerow([_csv_text(c) for c in row])
        for note in table.notes:
            writer.writerow([_safe(note)])
        path = folder / f"{i:02d}-{_slug(table.name)}.csv"
        write_atomic(path, out.getvalue().encode("utf-8-sig"))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------


def _fill_sheet(sheet, table: Table, meta: BriefingMeta, bold, pattern_fill) -> None:
    sheet.append([table.name])
    sheet["A1"].font = bold
    sheet.append([f"{meta.area}, {meta.quarter} ({meta.period}). {meta.protective_marking}."
                  + (" SYNTHETIC DATA." if meta.synthetic else "")])
    sheet.append([])
    widths: dict[int, int] = {}
    for row in table.header + table.body:
        sheet.append([None] * len(row))
        r = sheet.max_row
        for j, c in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=j)
            cell.value = c.value
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
            if c.number_format:
                cell.number_format = c.number_format
            if c.heading:
                cell.font = bold
            if c.fill:
                cell.fill = pattern_fill("solid", fgColor=c.fill)
            widths[j] = max(widths.get(j, 0), min(60, len(c.text)))
    if table.header:
        sheet.freeze_panes = sheet.cell(row=4 + len(table.header), column=1)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([note])
    for j, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=4, column=j).column_letter].width = max(8, width + 2)
    _print_marking(sheet, meta)


def _print_marking(sheet, meta: BriefingMeta) -> None:
    """The protective marking at the top and bottom of every printed page, with page numbers."""
    sheet.oddHeader.center.text = meta.protective_marking
    sheet.oddFooter.center.text = meta.protective_marking
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _sheet_names(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique (case ignored)."""
    used = {CONTENTS_SHEET.casefold()}
    out = []
    for name in names:
        base = " ".join(_SHEET_FORBIDDEN.sub(" ", name).split()).strip("'") or "Table"
        candidate, n = base[:31], 2
        while candidate.casefold() in used:
            suffix = f" ({n})"
            candidate, n = base[:31 - len(suffix)] + suffix, n + 1
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def _csv_text(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if cell.text.endswith("%"):
            return cell.text.replace("\u2212", "-").replace(",", "")
        return str(value)
    return _safe(cell.text)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(slug) > 48:  # cut at a word
        slug = slug[:49].rsplit("-", 1)[0]
    return slug or "table"


class _Tables(HTMLParser):
    """Collects the tables of ``<main>`` with their section heading (the h2 before them)."""

    _BREAKS = {"br", "p", "li", "div", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.in_main = False
        self.heading: list[str] | None = None
        self.section = ""
        self.table: Table | None = None
        self.part = "body"
        self.row: list[Cell] | None = None
        self.cell: Cell | None = None
        self.text: list[str] = []
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "main" and "pcc-body" in classes:
            self.in_main = True
        if not self.in_main:
            return
        if tag == "h2" and self.table is None:
            self.heading = []
        elif tag == "table" and self.table is None:
            self.table = Table(name="")
            self.part = "body"
        elif self.table is None:
            return
        elif tag == "caption":
            self.caption = []
        elif tag in ("thead", "tbody", "tfoot"):
            self.part = tag[1:]
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            fill = _FILL.search(a.get("style") or "")
            self.cell = Cell(text="", numeric="num" in classes,
                             suppressed="suppressed" in classes,
                             heading=tag == "th" or self.part == "head",
                             fill=fill.group(1).upper() if fill else None)
            self.text = []
        elif tag in self._BREAKS and self.cell is not None:
            self.text.append("\n")

    def handle_endtag(self, tag) -> None:
        if not self.in_main:
            return
        if tag == "main":
            self.in_main = False
        elif tag == "h2" and self.heading is not None:
            self.section = " ".join("".join(self.heading).replace("¶", "").split())
            self.heading = None
        elif self.table is None:
            return
        elif tag == "caption" and self.caption is not None:
            self.table.name = " ".join("".join(self.caption).split())
            self.caption = None
        elif tag in ("td", "th") and self.cell is not None:
            lines = ("".join(self.text)).split("\n")
            self.cell.text = "\n".join(" ".join(line.split()) for line in lines
                                       if line.strip())
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.part == "foot":
                self.table.notes.extend(c.text for c in self.row if c.text)
            elif self.part == "head":
                self.table.header.append(self.row)
            else:
                self.table.body.append(self.row)
            self.row = None
        elif tag == "table":
            self.table.name = self.table.name or self.section or "Table"
            self.tables.append(self.table)
            self.table = None

    def handle_data(self, data) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif self.caption is not None:
            self.caption.append(data)
        elif self.cell is not None:
            self.text.append(data)
