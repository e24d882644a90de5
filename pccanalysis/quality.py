"""The DataQuality record: how every input row of a loader was accounted for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import PccError


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


@dataclass
class FileRecord:
    """One input file read by a loader.

    Attributes
    ----------
    path : str
        The file, or ``archive.zip:member`` for a file read from a zip.
    rows : int
        Data rows read (header not counted).
    month : str, optional
        The month the file is for, ``YYYY-MM``, where the file is monthly.
    sha256 : str, optional
        Hex digest of the file's bytes, when computed.
    note : str, optional
        Anything worth knowing about the file (e.g. "superseded by a later download").
    """

    path: str
    rows: int
    month: str | None = None
    sha256: str | None = None
    note: str | None = None


@dataclass
class DataQuality:
    """How every input row was accounted for.

    ``rows_read == rows_kept + sum(excluded.values())`` always holds (see :meth:`check`).
    ``flagged`` counts rows that were kept but carry a flag (for instance no location): a row can
    carry several flags, so flags need not add up to anything.

    Attributes
    ----------
    source : str
        Short name of the data source, e.g. ``"data.police.uk street"``.
    rows_read : int
        Data rows read from all files.
    rows_kept : int
        Rows in the returned frame.
    excluded : dict of str to int
        Reason -> rows read but not in the returned frame.
    flagged : dict of str to int
        Reason -> rows kept but flagged.
    files : list of FileRecord
        The files read.
    notes : list of str
        Plain-English notes for the briefing (e.g. what a newer vintage changed).
    """

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def exclude(self, reason: str, n: int) -> None:
        """Record ``n`` rows excluded for ``reason`` (zero counts are not recorded)."""
        if n:
            self.excluded[reason] = self.excluded.get(reason, 0) + int(n)

    def flag(self, reason: str, n: int) -> None:
        """Record ``n`` kept rows flagged for ``reason`` (zero counts are recorded too)."""
        self.flagged[reason] = self.flagged.get(reason, 0) + int(n)

    @property
    def rows_excluded(self) -> int:
        """Rows read but not kept."""
        return sum(self.excluded.values())

    def check(self) -> DataQuality:
        """Raise if the accounting does not tie out; return self so calls can chain."""
        if self.rows_kept + self.rows_excluded != self.rows_read:
            raise PccError(
                f"{self.source}: row accounting does not tie out: {self.rows_read} read, "
                f"{self.rows_kept} kept, {self.rows_excluded} excluded."
            )
        return self

    def summary_lines(self) -> list[str]:
        """Plain-English lines for a briefing's data-quality note."""
        lines = [
            f"{self.source}: {_rows(self.rows_read)} read from {len(self.files):,} "
            f"file{'' if len(self.files) == 1 else 's'}; {self.rows_kept:,} used."
        ]
        for reason, n in sorted(self.excluded.items(), key=lambda kv: -kv[1]):
            lines.append(f"{_rows(n)} not used: {reason}.")
        for reason, n in sorted(self.flagged.items(), key=lambda kv: -kv[1]):
            if n:
                lines.append(f"{_rows(n)} used but flagged: {reason}.")
        lines.extend(self.notes)
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (for the run manifest)."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "excluded": dict(self.excluded),
            "flagged": dict(self.flagged),
            "files": [vars(f) | {} for f in self.files],
            "notes": list(self.notes),
        }
