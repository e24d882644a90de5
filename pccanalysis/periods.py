"""UK financial years, quarters and months, and the comparison periods boards ask for.

UK public bodies report by financial year, 1 April to 31 March, written "2020-21", with
quarters Q1 = April-June, Q2 = July-September, Q3 = October-December, Q4 = January-March.
"2020-21 Q1" is April-June 2020. Months are pandas monthly Periods throughout.

References
----------
HM Treasury, "Managing Public Money", the financial year (1 April to 31 March).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import pandas as pd

from .errors import PeriodError

_MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# "2020-21", "2020/21", "2020-2021", "2020/2021", "FY2020-21", "FY 2020/21", "2020 to 2021"
_FY_RE = r"(?:fy\s*)?(?P<y1>\d{4})\s*(?:-|/|–|to)\s*(?P<y2>\d{2}|\d{4})"
_Q_RE = r"q(?:uarter)?\s*(?P<q>\d)"
_QUARTER_PATTERNS = [
    re.compile(rf"^{_FY_RE}\s*,?\s*{_Q_RE}$", re.IGNORECASE),
    re.compile(rf"^{_Q_RE}\s*,?\s*{_FY_RE}$", re.IGNORECASE),
]
_FY_PATTERN = re.compile(rf"^{_FY_RE}$", re.IGNORECASE)
_MONTH_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_MONTH_WORDS = re.compile(r"^(?P<name>[a-z]+)\.?\s*(?P<y>\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:cy\s*)?(?P<y>\d{4})$", re.IGNORECASE)


def _is_next_year(y1: str, y2: str) -> bool:
    start, end = int(y1), int(y2)
    return end == ((start + 1) % 100 if len(y2) == 2 else start + 1)


def _fy_start(y1: str, y2: str, text: str) -> int:
    start = int(y1)
    if not _is_next_year(y1, y2):
        raise PeriodError(
            f"{text!r} is not a financial year: the second year must follow the first "
            f"(e.g. {start}-{(start + 1) % 100:02d})."
        )
    if not 1900 <= start <= 2200:
        raise PeriodError(f"{text!r} is not a plausible financial year.")
    return start


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK financial year, 1 April ``start_year`` to 31 March ``start_year + 1``.

    Attributes
    ----------
    start_year : int
        Calendar year in which the financial year starts (2020 for "2020-21").
    """

    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Parse "2020-21", "2020/21", "2020-2021" or "FY2020-21"; see :func:`parse_financial_year`."""
        return parse_financial_year(text)

    @property
    def label(self) -> str:
        """The usual spelling, e.g. ``"2020-21"``."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def first_month(self) -> pd.Period:
        """April of the start year."""
        return pd.Period(year=self.start_year, month=4, freq="M")

    @property
    def last_month(self) -> pd.Period:
        """March of the following year."""
        return pd.Period(year=self.start_year + 1, month=3, freq="M")

    @property
    def months(self) -> list[pd.Period]:
        """The twelve months, April to March."""
        return list(pd.period_range(self.first_month, self.last_month, freq="M"))

    @property
    def quarters(self) -> list[Quarter]:
        """Q1 to Q4."""
        return [Quarter(self.start_year, q) for q in range(1, 5)]

    def previous(self) -> FinancialYear:
        """The financial year before."""
        return FinancialYear(self.start_year - 1)

    def next(self) -> FinancialYear:
        """The financial year after."""
        return FinancialYear(self.start_year + 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a UK financial year (Q1 = April-June ... Q4 = January-March).

    Attributes
    ----------
    fy_start : int
        Start year of the financial year (2020 for "2020-21 Q2").
    number : int
        1 to 4.
    """

    fy_start: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise PeriodError(f"quarter number must be 1 to 4, not {self.number}.")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse "2020-21 Q2", "2020/21 Q2" or "Q2 2020-21"; see :func:`parse_quarter`."""
        return parse_quarter(text)

    @property
    def financial_year(self) -> FinancialYear:
        """The financial year the quarter belongs to."""
        return FinancialYear(self.fy_start)

    @property
    def label(self) -> str:
        """The usual spelling, e.g. ``"2020-21 Q2"``."""
        return f"{self.financial_year.label} Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def first_month(self) -> pd.Period:
        """First month of the quarter."""
        return self.financial_year.first_month + 3 * (self.number - 1)

    @property
    def last_month(self) -> pd.Period:
        """Last month of the quarter."""
        return self.first_month + 2

    @property
    def months(self) -> list[pd.Period]:
        """The three months of the quarter."""
        return [self.first_month + i for i in range(3)]

    @property
    def months_label(self) -> str:
        """Plain-English span, e.g. ``"July to September 2020"``."""
        first, last = self.first_month, self.last_month
        if first.year == last.year:
            return f"{first.strftime('%B')} to {last.strftime('%B %Y')}"
        return f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"

    def previous(self) -> Quarter:
        """The quarter before (2020-21 Q1 -> 2019-20 Q4)."""
        if self.number == 1:
            return Quarter(self.fy_start - 1, 4)
        return Quarter(self.fy_start, self.number - 1)

    def next(self) -> Quarter:
        """The quarter after (2019-20 Q4 -> 2020-21 Q1)."""
        if self.number == 4:
            return Quarter(self.fy_start + 1, 1)
        return Quarter(self.fy_start, self.number + 1)

    def same_quarter_last_year(self) -> Quarter:
        """The same quarter of the previous financial year."""
        return Quarter(self.fy_start - 1, self.number)

    def year_to_date(self) -> list[pd.Period]:
        """Months from April of the financial year to the end of this quarter."""
        return list(pd.period_range(self.financial_year.first_month, self.last_month, freq="M"))

    def previous_year_to_date(self) -> list[pd.Period]:
        """The same months one year earlier (last year to date)."""
        return same_period_last_year(self.year_to_date())

    def rolling_12_months(self) -> list[pd.Period]:
        """The 12 months ending with this quarter's last month."""
        return rolling_12_months(self.last_month)


@dataclass(frozen=True)
class ReportingPeriod:
    """Any period people write in a spreadsheet: a month, quarter, financial or calendar year.

    Attributes
    ----------
    kind : {"month", "quarter", "financial_year", "calendar_year"}
        What was written.
    label : str
        Canonical spelling ("2020-04", "2020-21 Q2", "2020-21", "2020").
    months : tuple of pandas.Period
        The months covered, in order.
    """

    kind: Literal["month", "quarter", "financial_year", "calendar_year"]
    label: str
    months: tuple[pd.Period, ...]

    @property
    def first_month(self) -> pd.Period:
        """First month covered."""
        return self.months[0]

    @property
    def last_month(self) -> pd.Period:
        """Last month covered."""
        return self.months[-1]

    def __str__(self) -> str:
        return self.label


def parse_financial_year(text: str) -> FinancialYear:
    """Parse a financial year written as people write it.

    Accepts "2020-21", "2020/21", "2020-2021", "2020/2021", "2020 to 2021", "FY2020-21".

    Raises
    ------
    PeriodError
        When the text is not a financial year, naming what was written.
    """
    if isinstance(text, FinancialYear):
        return text
    cleaned = str(text).strip()
    m = _FY_PATTERN.match(cleaned)
    if not m:
        raise PeriodError(
            f"{text!r} is not a financial year: write it like 2020-21."
        )
    return FinancialYear(_fy_start(m["y1"], m["y2"], cleaned))


def parse_quarter(text: str | Quarter) -> Quarter:
    """Parse a financial-year quarter written as people write it.

    Accepts "2020-21 Q2", "2020/21 Q2", "Q2 2020-21", "Q2 2020/21", "2020-21 Quarter 2",
    "FY2020-21 Q2", in any case.

    Raises
    ------
    PeriodError
        When the text is not a quarter, naming what was written and the expected form.
    """
    if isinstance(text, Quarter):
        return text
    cleaned = " ".join(str(text).split())
    for pattern in _QUARTER_PATTERNS:
        m = pattern.match(cleaned)
        if m:
            q = int(m["q"])
            if q not in (1, 2, 3, 4):
                raise PeriodError(f"{text!r} is not a quarter: quarters run Q1 to Q4.")
            return Quarter(_fy_start(m["y1"], m["y2"], cleaned), q)
    raise PeriodError(
        f"{text!r} is not a quarter: write it like 2020-21 Q2 (financial year, then Q1-Q4)."
    )


def to_month(value) -> pd.Period:
    """Convert a month written in any common way to a monthly pandas Period.

    Accepts a Period, Timestamp, datetime or date, "2020-04", "2020-4", "Apr 2020", "April 2020".

    Raises
    ------
    PeriodError
        When the value is not a month.
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M") if value.freqstr != "M" else value
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return pd.Period(year=value.year, month=value.month, freq="M")
    cleaned = str(value).strip()
    m = _MONTH_ISO.match(cleaned)
    if m and 1 <= int(m["m"]) <= 12:
        return pd.Period(year=int(m["y"]), month=int(m["m"]), freq="M")
    m = _MONTH_WORDS.match(cleaned)
    if m and m["name"].lower() in _MONTH_NAMES:
        return pd.Period(year=int(m["y"]), month=_MONTH_NAMES[m["name"].lower()], freq="M")
    raise PeriodError(f"{value!r} is not a month: write it like 2020-04.")


def quarter_of(month) -> Quarter:
    """The financial-year quarter that contains ``month``."""
    p = to_month(month)
    fy_start = p.year if p.month >= 4 else p.year - 1
    return Quarter(fy_start, (p.month - 4) % 12 // 3 + 1)


def financial_year_of(month) -> FinancialYear:
    """The financial year that contains ``month``."""
    return quarter_of(month).financial_year


def rolling_12_months(end_month) -> list[pd.Period]:
    """The 12 months ending with ``end_month`` (inclusive)."""
    end = to_month(end_month)
    return [end - 11 + i for i in range(12)]


def same_period_last_year(months: Iterable) -> list[pd.Period]:
    """Each month moved back twelve months, order kept."""
    return [to_month(m) - 12 for m in months]


def latest_complete_quarter(months: Iterable) -> Quarter:
    """The latest quarter all three of whose months are present in ``months``.

    Parameters
    ----------
    months : iterable of month-like
        The months present in the data (duplicates allowed).

    Raises
    ------
    PeriodError
        When no quarter is complete.
    """
    present = {to_month(m) for m in months}
    if not present:
        raise PeriodError("no months in the data, so there is no complete quarter.")
    quarter = quarter_of(max(present))
    earliest = quarter_of(min(present))
    while quarter >= earliest:
        if all(m in present for m in quarter.months):
            return quarter
        quarter = quarter.previous()
    raise PeriodError(
        f"no complete quarter in the data: months run {min(present)} to {max(present)} "
        "with none of the quarters' three months all present."
    )


def parse_period(text) -> ReportingPeriod:
    """Parse a month, quarter, financial year or calendar year written as people write it.

    Order of interpretation: quarter ("2020-21 Q2"), financial year ("2020-21"), month
    ("2020-04", "April 2020"), calendar year ("2020").

    Raises
    ------
    PeriodError
        When the text is none of these.
    """
    if isinstance(text, ReportingPeriod):
        return text
    if isinstance(text, Quarter):
        return ReportingPeriod("quarter", text.label, tuple(text.months))
    if isinstance(text, FinancialYear):
        return ReportingPeriod("financial_year", text.label, tuple(text.months))
    if isinstance(text, (pd.Period, pd.Timestamp, datetime, date)):
        p = to_month(text)
        return ReportingPeriod("month", str(p), (p,))
    cleaned = " ".join(str(text).split())
    if any(p.match(cleaned) for p in _QUARTER_PATTERNS):
        q = parse_quarter(cleaned)
        return ReportingPeriod("quarter", q.label, tuple(q.months))
    fy_match = _FY_PATTERN.match(cleaned)
    # "2011-12" is both a financial year and December 2011: read as the financial year, the
    # spelling boards use; a month can always be written unambiguously ("Dec 2011").
    if fy_match and _is_next_year(fy_match["y1"], fy_match["y2"]):
        fy = parse_financial_year(cleaned)
        return ReportingPeriod("financial_year", fy.label, tuple(fy.months))
    try:
        p = to_month(cleaned)
        return ReportingPeriod("month", str(p), (p,))
    except PeriodError:
        if fy_match:
            parse_financial_year(cleaned)  # raises the precise financial-year message
    m = _YEAR.match(cleaned)
    if m:
        y = int(m["y"])
        return ReportingPeriod(
            "calendar_year", str(y), tuple(pd.period_range(f"{y}-01", f"{y}-12", freq="M"))
        )
    raise PeriodError(
        f"{text!r} is not a period: write a month (2020-04), a quarter (2020-21 Q2), "
        "a financial year (2020-21) or a calendar year (2020)."
    )
