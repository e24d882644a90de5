"""The few exception types that users of pccanalysis see.

Every error raised for bad input is one plain sentence that names the file, the row or line, and
the column, so an analyst knows what to fix without reading a traceback.
"""

from __future__ import annotations

from os import PathLike


class PccError(Exception):
    """Base class of every error pccanalysis raises on purpose.

    ``exit_code`` is what ``pcc`` ends with when the error stops it (README, "Exit codes"):
    3 for a configuration, data or output-folder problem, unless a subclass says otherwise.
    """

    exit_code = 3


class DataError(PccError, ValueError):
    """An input file cannot be used as it is.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence, without the location.
    file : str or path-like, optional
        The file (or ``archive.zip:member``) that holds the problem.
    line : int, optional
        1-based line number in the file as a text editor shows it (the header is line 1).
    column : str, optional
        The column's name as written in the file.
    sheet : str, optional
        The worksheet, for Excel files.
    row : int, optional
        1-based spreadsheet row, for Excel files (used instead of ``line``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | PathLike | None = None,
        line: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
    ) -> None:
        self.reason = message.rstrip(".")
        self.file = None if file is None else str(file)
        self.line = line
        self.column = column
        self.sheet = sheet
        self.row = row
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"{self.file}")
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if not where:
            return f"{self.reason}."
        return f"{', '.join(where)}: {self.reason}."


class PeriodError(PccError, ValueError):
    """A period (month, quarter, financial year) cannot be understood."""


class ConfigError(PccError, ValueError):
    """The configuration file has a mistake (unknown key, missing file, bad value)."""


class RunError(PccError, RuntimeError):
    """A quarterly run did not make every briefing (one failed, or another run held the
    quarter): exit code 1."""

    exit_code = 1
