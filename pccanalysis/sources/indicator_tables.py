"""Pre-aggregated service figures in one long format (missing persons, suicide, IOM, ...).

Offices receive many small tables from partners: missing-person reports by month, recorded
suicide locally and nationally by year, the Integrated Offender Management (IOM) cohort each
quarter. Kept in one long layout, one figure per row, they load the same way and feed the same
indicator functions.

Format (CSV, or the first or a named sheet of an Excel workbook; header matched without regard to
case, spacing or punctuation; title rows above the header are allowed)::

    indicator, area, period, breakdown, value, unit, denominator, comparator_area

indicator (required)
    What is counted, e.g. ``Missing person reports``.
area (required)
    Where, e.g. ``Northbridge``, ``England``.
period (required)
    A month, quarter, financial year or calendar year in any spelling
    :func:`pccanalysis.periods.parse_period` accepts (``2020-08``, ``Aug 2020``, ``Q2 2020/21``,
    ``2020-21``, ``2019``); an Excel date cell is read as its month. For a snapshot (IOM cohort)
    the period is the one the snapshot was taken in.
breakdown (optional column)
    ``All`` (or blank, or ``Total``) for the total; otherwise ``Dimension: category``, e.g.
    ``Age: Child``, ``Source: Care setting``, ``Strand: Domestic abuse``. Categories of one
    dimension should add up to the total; this loader does not insist, as partners' tables
    often have an "unknown" they leave out.
value (required)
    A number (thousands separators allowed), never negative; a count must be whole (see unit).
    Suppressed or unavailable figures written as ``*``, ``x``, ``[x]``, ``c``, ``[c]``,
    ``..``, ``:``, ``-``, ``z``, ``[z]`` or ``<5`` are kept with a missing value and flagged;
    so is a blank value.
unit (optional column)
    What the value is: ``count`` (reports, people, a cohort: a whole number, 0 or more),
    ``rate`` (e.g. ``rate per 100,000``) or ``percentage`` (``%``, ``percent``,
    ``proportion``); a rate or a percentage may have a fraction. When the column is absent or
    the cell blank, the indicator's name decides: a name with the word ``rate`` or ``per``
    followed by a number (``Suicide rate``, ``Reports per 1,000 children``) is a rate, a name
    with ``%``, ``percent``, ``percentage``, ``per cent`` or ``proportion`` is a percentage,
    and any other name is a count. So ``Missing person reports``, ``Recorded suicides`` and
    ``IOM cohort`` are counts without a unit column.
denominator (optional)
    Population or base for a rate (a positive number), blank when none.
comparator_area (optional)
    The area to compare this row with, e.g. ``England`` on a local suicide row; the comparator
    has its own rows with that ``area``.

Any other column is kept as text under a snake_case name (``Data source`` -> ``data_source``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..errors import DataError, PeriodError
from ..periods import parse_period
from ..quality import DataQuality, FileRecord
from ._rows import (
    blank,
    cell_text,
    data_rows,
    extra_columns,
    find_header,
    header_map,
    normalise_header,
    read_rows,
)

REQUIRED = ("indicator", "area", "period", "value")
OPTIONAL = ("breakdown", "unit", "denominator", "comparator_area")

ALIASES = {
    "indicator": "indicator",
    "measure": "indicator",
    "series": "indicator",
    "area": "area",
    "area name": "area",
    "geography": "area",
    "period": "period",
    "time period": "period",
    "breakdown": "breakdown",
    "category": "breakdown",
    "value": "value",
    "count": "value",
    "unit": "unit",
    "units": "unit",
    "unit of measure": "unit",
    "denominator": "denominator",
    "population": "denominator",
    "comparator area": "comparator_area",
    "comparator": "comparator_area",
}

#: Markers that publishers use for a suppressed or unavailable figure.
SUPPRESSION_MARKERS = frozenset(
    {"*", "x", "[x]", "c", "[c]", "..", ":", "-", "z", "[z]", "u", "[u]", "n/a", "na"}
)
_LESS_THAN = re.compile(r"^<\s*\d+$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")

COLUMNS = [
    "indicator", "area", "period", "period_label", "period_kind", "period_start", "period_end",
    "breakdown", "dimension", "category", "value", "unit", "denominator", "comparator_area",
]  # fmt: skip

#: What a value can be: a count is whole; a rate or a percentage may have a fraction.
UNITS = ("count", "rate", "percentage")
UNIT_DTYPE = pd.CategoricalDtype(list(UNITS))
_PERCENTAGE = re.compile(r"%|\b(percent|percentage|per\s+cent|proportion|pct)\b", re.IGNORECASE)
_RATE = re.compile(r"\brates?\b|\bper\s+\d", re.IGNORECASE)
_COUNT_WORDS = {"count", "counts", "number", "no", "n"}

_TOTAL_WORDS = {"", "all", "total", "all persons", "persons"}


def read_indicator_table(
    path: str | Path, *, sheet: str | None = None
) -> tuple[pd.DataFrame, DataQuality]:
    """Read one indicator table (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        A .csv or .xlsx file.
    sheet : str, optional
        The worksheet; default the first.

    Returns
    -------
    (DataFrame, DataQuality)
        Columns ``indicator``, ``area`` (str), ``period`` (str, as written), ``period_label``
        (str, canonical: ``"2020-21 Q2"``), ``period_kind`` (category: month, quarter,
        financial_year, calendar_year), ``period_start``, ``period_end`` (period[M], first and
        last month covered), ``breakdown`` (str, ``"All"`` for totals), ``dimension`` (str,
        ``"All"`` for totals, <NA> when the breakdown has no ``Dimension:`` part), ``category``
        (str), ``value`` (float64, NaN when suppressed or blank; whole for a count),
        ``unit`` (category: count, rate, percentage), ``denominator`` (float64),
        ``comparator_area`` (str, <NA> when none), then any other columns as text.

    Raises
    ------
    DataError
        On the first problem, naming file, sheet, row or line, and column.
    """
    return read_indicator_tables([path], sheet=sheet)


def read_indicator_tables(
    paths: Iterable[str | Path], *, sheet: str | None = None
) -> tuple[pd.DataFrame, DataQuality]:
    """Read several indicator tables into one frame; a figure given twice is an error."""
    quality = DataQuality(source="indicator tables")
    frames = []
    seen: dict[tuple, str] = {}
    for path in paths:
        frames.append(_read_one(Path(path), sheet, quality, seen))
    frame = pd.concat(frames, ignore_index=True) if frames else _empty()
    extra = [c for c in frame.columns if c not in COLUMNS]
    frame = frame[COLUMNS + extra]
    _flag_comparators(frame, quality)
    quality.rows_kept = len(frame)
    quality.check()
    return frame.reset_index(drop=True), quality


def _checked_row(values: dict, other: dict, fail, where: str, seen: dict) -> tuple[dict, str]:
    """One data row checked and typed: the record, and its value's state ("ok", "blank",
    "suppressed"). ``fail(message, column)`` makes the row's DataError; ``seen`` maps each
    (indicator, area, period, breakdown) to where it was first given."""
    for col in ("indicator", "area", "period"):
        if blank(values.get(col)):
            raise fail(f"the {col} is blank", col)
    raw_period = values["period"]
    try:
        period = parse_period(_period_input(raw_period))
    except PeriodError as exc:
        raise fail(str(exc), "period") from None
    value, state = _number(values.get("value"))
    if state == "bad":
        raise fail(
            f"value {cell_text(values['value'])!r} is not a number (use a number, or * or "
            "[c] for a suppressed figure)",
            "value",
        )
    indicator = cell_text(values["indicator"])
    unit = _unit(values.get("unit"), indicator)
    if unit is None:
        raise fail(
            f"unit {cell_text(values['unit'])!r} is not known; write count, rate or "
            "percentage (or leave it blank to go by the indicator's name)",
            "unit",
        )
    if state == "ok":
        problem = _value_problem(value, unit, indicator)
        if problem:
            raise fail(f"value {cell_text(values['value'])!r} {problem}", "value")
        if unit == "count":
            value = float(round(value))
    denominator, dstate = _number(values.get("denominator"))
    if dstate in ("bad", "suppressed") or (dstate == "ok" and denominator <= 0):
        raise fail(
            f"denominator {cell_text(values['denominator'])!r} is not a positive number",
            "denominator",
        )
    breakdown, dimension, category = _breakdown(values.get("breakdown"))
    area = cell_text(values["area"])
    key = (indicator.casefold(), area.casefold(), period.label, breakdown.casefold())
    if key in seen:
        raise fail(
            f"{indicator!r} for {area} in {period.label} ({breakdown}) is given twice "
            f"(first at {seen[key]})",
            "value",
        )
    seen[key] = where
    comparator = values.get("comparator_area")
    record = {
        "indicator": indicator,
        "area": area,
        "period": _period_as_written(raw_period),
        "period_label": period.label,
        "period_kind": period.kind,
        "period_start": period.first_month,
        "period_end": period.last_month,
        "breakdown": breakdown,
        "dimension": dimension,
        "category": category,
        "value": value,
        "unit": unit,
        "denominator": denominator,
        "comparator_area": None if blank(comparator) else cell_text(comparator),
        **other,
    }
    return record, state


def _read_one(path: Path, sheet, quality: DataQuality, seen: dict) -> pd.DataFrame:
    table = read_rows(path, sheet=sheet, what="indicator table")
    quality.notes.extend(table.notes)
    k = find_header(table, ALIASES, REQUIRED)
    if k is None:
        raise DataError(
            "no header row found: the first rows should name the columns indicator, area, "
            "period, breakdown, value",
            **table.where(None),
        )
    header_no, cells = table.rows[k]
    hmap = header_map(cells, ALIASES)
    names = {c: w for c, w in hmap.values()}
    for col in REQUIRED:
        if col not in names:
            raise DataError(
                f"the header ({table.unit} {header_no}) has no {col!r} column; the columns "
                "needed are indicator, area, period, value (breakdown, unit, denominator and "
                "comparator_area are optional)",
                **table.where(None),
            )
    extras = extra_columns(cells, hmap)
    rows = []
    n_read = n_blank = 0
    suppressed = blank_values = 0
    for number, values, other in data_rows(table, k, hmap, extras):
        n_read += 1
        if values is None:
            n_blank += 1
            continue

        def fail(message: str, col: str, number=number) -> DataError:
            return DataError(message, column=names.get(col, col), **table.where(number))

        record, state = _checked_row(values, other, fail, f"{path.name} {table.unit} {number}",
                                     seen)
        suppressed += state == "suppressed"
        blank_values += state == "blank"
        rows.append(record)
    quality.rows_read += n_read
    quality.exclude("blank row", n_blank)
    quality.flag("value suppressed or not available", suppressed)
    quality.flag("value blank", blank_values)
    quality.files.append(FileRecord(table.label, n_read))
    frame = pd.DataFrame(rows, columns=COLUMNS + list(extras.values()))
    return _types(frame, list(extras.values()))


def _types(frame: pd.DataFrame, extras: list[str]) -> pd.DataFrame:
    kinds = pd.CategoricalDtype(["month", "quarter", "financial_year", "calendar_year"])
    frame = frame.astype(
        {
            "indicator": "str", "area": "str", "period": "str", "period_label": "str",
            "period_kind": kinds, "breakdown": "str", "dimension": "str", "category": "str",
            "value": "float64", "unit": UNIT_DTYPE, "denominator": "float64",
            "comparator_area": "str",
        }  # fmt: skip
        | {c: "str" for c in extras}
    )
    for col in ("period_start", "period_end"):
        frame[col] = pd.PeriodIndex(list(frame[col]), freq="M") if len(frame) else pd.PeriodIndex(
            [], freq="M"
        )
    return frame


def _empty() -> pd.DataFrame:
    return _types(pd.DataFrame(columns=COLUMNS), [])


def _flag_comparators(frame: pd.DataFrame, quality: DataQuality) -> None:
    has = frame["comparator_area"].notna()
    if not has.any():
        quality.flag("comparator area has no figure for the same indicator and period", 0)
        return
    present = set(
        zip(frame["indicator"].str.casefold(), frame["area"].str.casefold(), frame["period_label"],
            strict=True)
    )
    sub = frame[has]
    missing = sum(
        (i.casefold(), c.casefold(), p) not in present
        for i, c, p in zip(sub["indicator"], sub["comparator_area"], sub["period_label"],
                           strict=True)
    )
    quality.flag("comparator area has no figure for the same indicator and period", missing)


def _period_input(value):
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _period_as_written(value) -> str:
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return f"{value:%Y-%m}"
    return cell_text(value)


def _number(value) -> tuple[float, str]:
    """(value, state): state is "ok", "blank", "suppressed" or "bad"."""
    if blank(value):
        return float("nan"), "blank"
    if isinstance(value, bool):
        return float("nan"), "bad"
    if isinstance(value, (int, float)):
        return float(value), "ok"
    text = str(value).strip()
    if text.lower() in SUPPRESSION_MARKERS or _LESS_THAN.match(text):
        return float("nan"), "suppressed"
    compact = text.replace(" ", "")
    if _NUMBER.match(compact):
        return float(compact.replace(",", "")), "ok"
    return float("nan"), "bad"


def unit_from_name(indicator: str) -> str:
    """The unit an indicator's name implies: ``"percentage"``, ``"rate"`` or ``"count"``.

    >>> unit_from_name("Suicide rate per 100,000"), unit_from_name("Missing person reports")
    ('rate', 'count')
    """
    if _PERCENTAGE.search(indicator):
        return "percentage"
    if _RATE.search(indicator):
        return "rate"
    return "count"


def _unit(cell, indicator: str) -> str | None:
    """The row's unit from its unit cell (None when the cell names no known unit)."""
    if blank(cell):
        return unit_from_name(indicator)
    text = " ".join(cell_text(cell).lower().split())
    if text.rstrip(".") in _COUNT_WORDS:
        return "count"
    if _PERCENTAGE.search(text):
        return "percentage"
    if _RATE.search(text) or text.startswith("per "):
        return "rate"
    return None


def _value_problem(value: float, unit: str, indicator: str) -> str | None:
    """Why ``value`` cannot be a ``unit`` of ``indicator``, for the message (None if it can)."""
    if value < 0:
        if unit == "count":
            return f"is negative, but {indicator!r} is a count (a whole number, 0 or more)"
        return f"is negative, but {indicator!r} is a {unit} (0 or more)"
    # A count typed as 205.0, or computed in Excel as 204.99999999999997, is whole.
    if unit == "count" and abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
        return (f"is not a whole number, but {indicator!r} is a count (if it is a rate or a "
                "percentage, say so in a unit column or in the indicator's name)")
    return None


def _breakdown(value) -> tuple[str, str | None, str]:
    text = "" if blank(value) else cell_text(value)
    if normalise_header(text) in _TOTAL_WORDS:
        return "All", "All", "All"
    if ":" in text:
        dim, cat = (p.strip() for p in text.split(":", 1))
        if dim and cat:
            return f"{dim}: {cat}", dim, cat
    return text, None, text
