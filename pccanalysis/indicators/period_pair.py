"""Two periods to compare, as a briefing names them: quarter on quarter, year to date, rolling.

A :class:`PeriodPair` holds the months of a current and an earlier period with their labels
("2020-21 Q2" against "2019-20 Q2"); :func:`same_quarter_last_year`, :func:`year_to_date`,
:func:`rolling_12_months`, :func:`since_baseline`, :func:`same_period_last_year` and
:func:`between` build one, and :meth:`PeriodPair.without` leaves months out of both like for
like. :func:`pccanalysis.indicators.change.change` and its kin compare the counts of a pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .. import periods as _periods
from ..errors import PeriodError
from ..periods import ReportingPeriod, parse_period, parse_quarter, quarter_of, to_month

__all__ = [
    "PeriodPair",
    "between",
    "months_in_words",
    "rolling_12_months",
    "same_period_last_year",
    "same_quarter_last_year",
    "since_baseline",
    "span_label",
    "year_to_date",
]


def span_label(months: Sequence[pd.Period]) -> str:
    """Plain-English span of consecutive months: "September 2020", "April to September 2020",
    "October 2019 to September 2020"."""
    months = sorted(months)
    first, last = months[0], months[-1]
    if first == last:
        return first.strftime("%B %Y")
    if first.year == last.year:
        return f"{first.strftime('%B')} to {last.strftime('%B %Y')}"
    return f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"


def months_in_words(months: Sequence[pd.Period]) -> str:
    """Months that need not be consecutive, in words: "November 2024", "October and
    December 2024", "March 2020 and April to June 2020"."""
    months = sorted(set(months))
    if not months:
        return "no months"
    if len({m.year for m in months}) == 1:
        names = [m.strftime("%B") for m in months]
        if len(names) == 1 or _consecutive(months) and len(names) > 2:
            return span_label(months)
        return f"{', '.join(names[:-1])} and {names[-1]} {months[0].year}"
    runs: list[list[pd.Period]] = [[months[0]]]
    for m in months[1:]:
        if m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    words = [span_label(r) for r in runs]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _consecutive(months: Sequence[pd.Period]) -> bool:
    return all(b == a + 1 for a, b in zip(months, months[1:], strict=False))


@dataclass(frozen=True)
class PeriodPair:
    """Two periods to compare.

    Attributes
    ----------
    kind : str
        What sort of comparison, in words: "same quarter last year", "year to date",
        "rolling 12 months", "since March 2020", "same period last year", "between periods".
    current_label, previous_label : str
        How each period is written in a briefing ("2020-21 Q2", "April to September 2020").
    current_months, previous_months : tuple of pandas.Period
        The months in each period (monthly Periods, in order).
    """

    kind: str
    current_label: str
    previous_label: str
    current_months: tuple[pd.Period, ...]
    previous_months: tuple[pd.Period, ...]

    def __post_init__(self) -> None:
        if not self.current_months or not self.previous_months:
            raise PeriodError("each period of a comparison needs at least one month.")

    @property
    def months(self) -> tuple[pd.Period, ...]:
        """Every month either period covers."""
        return tuple(sorted(set(self.current_months) | set(self.previous_months)))

    def without(self, months) -> PeriodPair:
        """The same comparison with ``months`` left out of both periods, like for like.

        When the two periods are the same length, each month of one period is paired with a
        month of the other, and leaving out a month leaves out its pair too, so both periods
        still cover the same part of the year. Months are paired by calendar month when both
        periods cover the same calendar months once each (a quarter against the same quarter
        last year; a financial year against the latest 12 months, April with April), else by
        position. Periods of different lengths (compared as monthly rates) lose only the
        months named. Labels say what was left out: "2024-25 Q3 excluding November 2024".

        Raises
        ------
        PeriodError
            When nothing would be left to compare.
        """
        drop = {to_month(m) for m in months}
        cur, prev = self.current_months, self.previous_months
        if len(cur) == len(prev):
            calendar = [m.month for m in cur]
            if len(set(calendar)) == len(cur) and sorted(calendar) == sorted(
                    m.month for m in prev):
                by_month = {m.month: m for m in prev}
                partner = {c: by_month[c.month] for c in cur}
            else:
                partner = dict(zip(cur, prev, strict=True))
            kept = [c for c in cur if c not in drop and partner[c] not in drop]
            new_cur = tuple(kept)
            partners = {partner[c] for c in kept}
            new_prev = tuple(m for m in prev if m in partners)
        else:
            new_cur = tuple(m for m in cur if m not in drop)
            new_prev = tuple(m for m in prev if m not in drop)
        if not new_cur or not new_prev:
            raise PeriodError(
                f"leaving out {months_in_words(sorted(drop))} leaves nothing to compare in "
                f"{self.kind} ({self.current_label} against {self.previous_label})."
            )
        if new_cur == cur and new_prev == prev:
            return self

        def label(old_label, old, new):
            gone = [m for m in old if m not in new]
            return f"{old_label} excluding {months_in_words(gone)}" if gone else old_label

        return PeriodPair(self.kind, label(self.current_label, cur, new_cur),
                          label(self.previous_label, prev, new_prev), new_cur, new_prev)


def same_quarter_last_year(quarter) -> PeriodPair:
    """A financial-year quarter against the same quarter a year earlier.

    Parameters
    ----------
    quarter : Quarter or str
        E.g. ``"2020-21 Q2"`` (July to September 2020, compared with July to September 2019).
    """
    q = parse_quarter(quarter)
    p = q.same_quarter_last_year()
    return PeriodPair("same quarter last year", q.label, p.label, tuple(q.months), tuple(p.months))


def _end_month(end) -> pd.Period:
    if isinstance(end, str):
        try:
            return parse_quarter(end).last_month
        except PeriodError:
            return to_month(end)
    if hasattr(end, "last_month"):
        return end.last_month
    return to_month(end)


def year_to_date(end) -> PeriodPair:
    """Financial year to date against the same months of the previous financial year.

    Parameters
    ----------
    end : month-like, Quarter or str
        The last month included (``"2020-09"``) or a quarter (``"2020-21 Q2"``: to its end).
        April to September 2020 is compared with April to September 2019.
    """
    last = _end_month(end)
    months = quarter_of(last).financial_year.first_month
    current = tuple(pd.period_range(months, last, freq="M"))
    previous = tuple(_periods.same_period_last_year(current))
    return PeriodPair("year to date", span_label(current), span_label(previous), current, previous)


def rolling_12_months(end) -> PeriodPair:
    """The 12 months to ``end`` against the 12 months before them.

    Parameters
    ----------
    end : month-like, Quarter or str
        Last month of the current 12 (a quarter means its last month).
    """
    current = tuple(_periods.rolling_12_months(_end_month(end)))
    previous = tuple(_periods.same_period_last_year(current))
    return PeriodPair("rolling 12 months", span_label(current), span_label(previous), current,
                      previous)


def since_baseline(baseline, end) -> PeriodPair:
    """Every month from a baseline month to ``end`` against the same months a year earlier.

    "Crime has fallen by 20% since March 2020" compares March 2020 to the latest month with
    March 2019 to a year before the latest month.

    Parameters
    ----------
    baseline : month-like
        First month of the current period (``"2020-03"``).
    end : month-like, Quarter or str
        Last month of the current period.

    Raises
    ------
    PeriodError
        When the span is longer than 12 months (the periods would overlap) or ends before it
        starts.
    """
    first, last = to_month(baseline), _end_month(end)
    if last < first:
        raise PeriodError(f"the end month {last} is before the baseline month {first}.")
    current = tuple(pd.period_range(first, last, freq="M"))
    if len(current) > 12:
        raise PeriodError(
            f"{first} to {last} is {len(current)} months: a comparison with the same months a "
            "year earlier needs 12 months or fewer (use rolling_12_months for longer)."
        )
    previous = tuple(_periods.same_period_last_year(current))
    return PeriodPair(f"since {first.strftime('%B %Y')}", span_label(current),
                      span_label(previous), current, previous)


def _period(value) -> tuple[str, tuple[pd.Period, ...]]:
    if isinstance(value, ReportingPeriod):
        return value.label, tuple(value.months)
    if isinstance(value, (list, tuple)) and value and not isinstance(value, str):
        months = tuple(sorted(to_month(m) for m in value))
        return span_label(months), months
    rp = parse_period(value)
    return rp.label, tuple(rp.months)


def same_period_last_year(period) -> PeriodPair:
    """Any period (month, quarter, financial or calendar year) against a year earlier.

    Parameters
    ----------
    period : str, ReportingPeriod or list of months
        ``"2020-21"`` compares 2020-21 with 2019-20; ``"2020-09"`` September 2020 with
        September 2019.
    """
    label, months = _period(period)
    previous = tuple(_periods.same_period_last_year(months))
    rp = parse_period(label) if not isinstance(period, (list, tuple)) else None
    if rp is not None and rp.kind == "financial_year":
        prev_label = quarter_of(previous[0]).financial_year.label
    elif rp is not None and rp.kind == "quarter":
        prev_label = parse_quarter(label).same_quarter_last_year().label
    elif rp is not None and rp.kind == "calendar_year":
        prev_label = str(previous[0].year)
    else:  # a month or a list of months: written out in words on both sides
        label, prev_label = span_label(months), span_label(previous)
    return PeriodPair("same period last year", label, prev_label, months, previous)


def between(current, previous, kind: str = "between periods") -> PeriodPair:
    """Any two periods, e.g. ``between("2020-21", "2019-20")`` or two lists of months.

    When the periods differ in length the comparison is of monthly rates (see
    :func:`change`).
    """
    c_label, c_months = _period(current)
    p_label, p_months = _period(previous)
    return PeriodPair(kind, c_label, p_label, c_months, p_months)
