"""Writing a tracker in any layout :func:`~pccanalysis.sources.tracker.read.read_tracker`
reads (the synthetic sample writes its trackers with it).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import DataError
from .model import Tracker


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
