"""The delivery-plan tracker as the library holds it: its statuses, columns and header
aliases, and :class:`Tracker` (see :mod:`.read` for the layouts read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .._rows import blank

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


STATUS_HELP = "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)"


DELIVERABLE_COLUMNS = ("theme", "number", "lead", "deliverable", "status")


UPDATE_COLUMNS = ("theme", "number", "date", "author", "text")


# Normalised header (lower case, punctuation as spaces) -> canonical column.
COLUMN_ALIASES = {
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
