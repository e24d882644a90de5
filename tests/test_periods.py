"""Financial years, quarters and comparison periods; expected values worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pccanalysis.errors import PeriodError
from pccanalysis.periods import (
    FinancialYear,
    Quarter,
    financial_year_of,
    latest_complete_quarter,
    parse_financial_year,
    parse_period,
    parse_quarter,
    quarter_of,
    rolling_12_months,
    same_period_last_year,
    to_month,
)


def months(*labels):
    return [pd.Period(x, freq="M") for x in labels]


@pytest.mark.parametrize(
    "text",
    ["2020-21 Q2", "2020/21 Q2", "Q2 2020-21", "Q2 2020/21", "2020-2021 Q2", "q2 2020/2021",
     "FY2020-21 Q2", "2020-21 Quarter 2", "  2020-21   q2 "],
)
def test_quarter_spellings_all_mean_july_to_september_2020(text):
    q = parse_quarter(text)
    assert q == Quarter(2020, 2)
    assert q.label == "2020-21 Q2"
    assert q.months == months("2020-07", "2020-08", "2020-09")
    assert q.months_label == "July to September 2020"


def test_q1_is_april_to_june_and_q4_crosses_the_calendar_year():
    assert parse_quarter("2020-21 Q1").months == months("2020-04", "2020-05", "2020-06")
    q4 = parse_quarter("2020-21 Q4")
    assert q4.months == months("2021-01", "2021-02", "2021-03")
    assert q4.months_label == "January to March 2021"
    assert parse_quarter("2020-21 Q3").months_label == "October to December 2020"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-21 Q5", "'2020-21 Q5' is not a quarter: quarters run Q1 to Q4."),
        ("2020-22 Q1", "'2020-22 Q1' is not a financial year: the second year must follow the first (e.g. 2020-21)."),
        ("Q2", "'Q2' is not a quarter: write it like 2020-21 Q2 (financial year, then Q1-Q4)."),
        ("2020 Q2", "'2020 Q2' is not a quarter: write it like 2020-21 Q2 (financial year, then Q1-Q4)."),
        ("next quarter", "'next quarter' is not a quarter: write it like 2020-21 Q2 (financial year, then Q1-Q4)."),
    ],
)
def test_nonsense_quarters_are_rejected_with_a_clear_message(text, message):
    with pytest.raises(PeriodError) as err:
        parse_quarter(text)
    assert str(err.value) == message


def test_previous_next_same_quarter_last_year_and_year_to_date():
    q = Quarter(2020, 1)
    assert q.previous() == Quarter(2019, 4)
    assert Quarter(2019, 4).next() == q
    assert Quarter(2020, 3).same_quarter_last_year() == Quarter(2019, 3)
    # 2020-21 Q3 year to date: April..December 2020 = 9 months; last year to date April..Dec 2019
    ytd = Quarter(2020, 3).year_to_date()
    assert ytd == list(pd.period_range("2020-04", "2020-12", freq="M"))
    assert Quarter(2020, 3).previous_year_to_date() == list(pd.period_range("2019-04", "2019-12", freq="M"))
    # Rolling 12 months to the end of 2020-21 Q2 = October 2019 to September 2020
    assert Quarter(2020, 2).rolling_12_months() == list(pd.period_range("2019-10", "2020-09", freq="M"))


def test_financial_year():
    fy = parse_financial_year("2019/20")
    assert fy == FinancialYear(2019)
    assert fy.label == "2019-20"
    assert fy.months[0] == pd.Period("2019-04", "M") and fy.months[-1] == pd.Period("2020-03", "M")
    assert len(fy.months) == 12
    assert [q.label for q in fy.quarters] == ["2019-20 Q1", "2019-20 Q2", "2019-20 Q3", "2019-20 Q4"]
    assert FinancialYear(1999).label == "1999-00"
    assert parse_financial_year("1999-00") == FinancialYear(1999)
    with pytest.raises(PeriodError, match="is not a financial year"):
        parse_financial_year("2019")


def test_month_parsing_and_quarter_of():
    assert to_month("2020-4") == pd.Period("2020-04", "M")
    assert to_month("Sept 2020") == pd.Period("2020-09", "M")
    assert to_month(pd.Timestamp("2021-03-31")) == pd.Period("2021-03", "M")
    assert quarter_of("2021-03") == Quarter(2020, 4)
    assert quarter_of("2021-04") == Quarter(2021, 1)
    assert quarter_of("2020-12") == Quarter(2020, 3)
    assert financial_year_of("2020-03") == FinancialYear(2019)
    with pytest.raises(PeriodError) as err:
        to_month("2020-13")
    assert str(err.value) == "'2020-13' is not a month: write it like 2020-04."


def test_rolling_and_last_year():
    assert rolling_12_months("2020-03") == list(pd.period_range("2019-04", "2020-03", freq="M"))
    assert same_period_last_year(["2020-04", "2020-05"]) == months("2019-04", "2019-05")


def test_latest_complete_quarter():
    # Months to August 2020: 2020-21 Q2 lacks September, so Q1 (Apr-Jun 2020) is the latest
    present = [str(m) for m in pd.period_range("2019-04", "2020-08", freq="M")]
    assert latest_complete_quarter(present) == Quarter(2020, 1)
    # A gap inside an earlier quarter does not matter if a later one is complete
    assert latest_complete_quarter(["2020-01", "2020-03", "2020-04", "2020-05", "2020-06"]) == Quarter(2020, 1)
    # A missing middle month makes the quarter incomplete
    with pytest.raises(PeriodError, match="no complete quarter"):
        latest_complete_quarter(["2020-04", "2020-06"])
    with pytest.raises(PeriodError, match="no months"):
        latest_complete_quarter([])


@pytest.mark.parametrize(
    ("text", "kind", "label", "first", "last"),
    [
        ("2020-21 Q2", "quarter", "2020-21 Q2", "2020-07", "2020-09"),
        ("Q4 2019/20", "quarter", "2019-20 Q4", "2020-01", "2020-03"),
        ("2019-20", "financial_year", "2019-20", "2019-04", "2020-03"),
        ("FY 2019/2020", "financial_year", "2019-20", "2019-04", "2020-03"),
        ("2020-03", "month", "2020-03", "2020-03", "2020-03"),
        ("March 2020", "month", "2020-03", "2020-03", "2020-03"),
        ("2020", "calendar_year", "2020", "2020-01", "2020-12"),
        # ambiguous: read as the financial year (documented)
        ("2011-12", "financial_year", "2011-12", "2011-04", "2012-03"),
    ],
)
def test_parse_period(text, kind, label, first, last):
    p = parse_period(text)
    assert (p.kind, p.label) == (kind, label)
    assert p.first_month == pd.Period(first, "M") and p.last_month == pd.Period(last, "M")


def test_parse_period_rejects_nonsense():
    with pytest.raises(PeriodError) as err:
        parse_period("soon")
    assert str(err.value) == (
        "'soon' is not a period: write a month (2020-04), a quarter (2020-21 Q2), "
        "a financial year (2020-21) or a calendar year (2020)."
    )


@given(st.integers(min_value=1950, max_value=2150), st.integers(min_value=1, max_value=12))
def test_every_month_is_in_exactly_its_quarter(year, month):
    m = pd.Period(year=year, month=month, freq="M")
    q = quarter_of(m)
    assert m in q.months
    assert q.financial_year.months.count(m) == 1
    assert parse_quarter(q.label) == q
    assert q.next().previous() == q
