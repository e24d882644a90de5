"""Checking a tracker's raw records (:mod:`.layouts`) into the deliverables and updates
frames: statuses, numbers, dates, updates that name a listed deliverable; every problem one
:class:`~pccanalysis.errors.DataError` naming file, sheet, row or line, and column.
"""

from __future__ import annotations

import re

import pandas as pd

from .._rows import parse_day
from .layouts import Record, TrackerReader, YamlColumns, where_text
from .model import DELIVERABLE_COLUMNS, STATUS_DTYPE, STATUS_HELP, UPDATE_COLUMNS, normalise_status


def _rec_line(rec: Record, column: str) -> dict:
    """For YAML, the line of the key itself; for tables, the record's row/line."""
    cols = rec.columns
    if isinstance(cols, YamlColumns) and column in cols.mapping:
        return {"line": cols.mapping.line_of(column)}
    return {}


def validate_deliverables(reader: TrackerReader, recs: list[Record]) -> pd.DataFrame:
    rows = []
    seen: dict[tuple[str, int], Record] = {}
    for rec in recs:
        v = rec.values
        ok = True

        def err(message, column, rec=rec):
            reader.error(message, rec, column, **_rec_line(rec, column))

        theme = v.get("theme")
        if theme is None:
            err("the theme is blank", "theme")
            ok = False
        number = whole_number(v.get("number"))
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
            err(f"the RAG status is blank; {STATUS_HELP}", "status")
            ok = False
        elif status is None:
            err(f"unknown RAG status {str(raw_status).strip()!r}; {STATUS_HELP}", "status")
            ok = False
        if theme is not None and number is not None:
            key = (str(theme).strip(), number)
            if key in seen:
                err(
                    f"deliverable number {number} appears twice in theme {key[0]!r} "
                    f"(first at {where_text(seen[key].where)})",
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


def validate_updates(
    reader: TrackerReader,
    recs: list[Record],
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
        number = whole_number(v.get("number"))
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


def whole_number(value) -> int | None:
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
