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

import datetime as dt
from pathlib import Path

import pandas as pd

from ...errors import DataError, PeriodError
from ...periods import parse_quarter
from ...quality import DataQuality
from .._rows import blank
from .checks import validate_deliverables, validate_updates, whole_number
from .layouts import TrackerReader, read_csv_layout, read_xlsx_layout, read_yaml_layout
from .model import Tracker


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


def _read(path, *, quarter, as_of) -> tuple[Tracker, DataQuality, list[DataError]]:
    path = Path(path)
    if not path.exists():
        raise DataError("the tracker file does not exist", file=path)
    reader = TrackerReader(path)
    quality = DataQuality(source="delivery-plan tracker")
    suffix = path.suffix.lower()
    file_quarter = title = None
    notes: list[str] = []
    if suffix in (".xlsx", ".xlsm"):
        dels, upds, file_quarter, title, n_read, n_blank = read_xlsx_layout(reader, quality)
    elif suffix == ".csv":
        dels, upds, n_read, n_blank = read_csv_layout(reader, quality, notes)
    elif suffix in (".yaml", ".yml"):
        dels, upds, file_quarter, title, n_read, n_blank = read_yaml_layout(reader, quality)
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
    deliverables = validate_deliverables(reader, dels)
    # Every deliverable row counts as listed, valid or not, so one bad row is reported once.
    listed = {
        (str(r.values["theme"]).strip(), whole_number(r.values["number"]))
        for r in dels
        if r.values.get("theme") is not None
    }
    updates = validate_updates(reader, upds, deliverables, listed, as_of_ts)

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
