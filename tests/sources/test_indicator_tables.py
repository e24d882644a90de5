"""Tests for pccanalysis.sources.indicator_tables: one long format, periods in any spelling."""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.indicator_tables import (
    COLUMNS,
    read_indicator_table,
    read_indicator_tables,
)


@pytest.fixture
def small(test_data):
    return read_indicator_table(test_data / "extracts" / "indicators_small.csv")


def test_columns_and_types(small):
    frame, _ = small
    assert list(frame.columns) == [*COLUMNS, "note"]
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "indicator": "str", "area": "str", "period": "str", "period_label": "str",
        "period_kind": "category", "period_start": "period[M]", "period_end": "period[M]",
        "breakdown": "str", "dimension": "str", "category": "str", "value": "float64",
        "unit": "category", "denominator": "float64", "comparator_area": "str", "note": "str",
    }  # fmt: skip
    # No unit column and no rate or percentage in any name: every figure is a count.
    assert list(frame["unit"].cat.categories) == ["count", "rate", "percentage"]
    assert frame["unit"].astype(str).unique().tolist() == ["count"]


def test_accounting(small):
    _, quality = small
    # 14 data lines (2-15); line 8 is blank; line 11 has "*", line 15 a blank value; the
    # Northbridge 2020 suicide row names England, which has no 2020 row.
    assert (quality.rows_read, quality.rows_kept, quality.excluded) == (14, 13, {"blank row": 1})
    assert quality.flagged == {
        "value suppressed or not available": 1,
        "value blank": 1,
        "comparator area has no figure for the same indicator and period": 1,
    }


def test_missing_persons_breakdowns(small):
    frame, _ = small
    mp = frame[frame["indicator"] == "Missing person reports"]
    assert mp["period_label"].unique().tolist() == ["2020-08"]  # "Aug 2020" is the same month
    assert mp["period"].tolist()[1] == "Aug 2020"  # the label as written is kept
    assert mp["period_kind"].astype(str).unique().tolist() == ["month"]
    total = mp.loc[mp["breakdown"] == "All", "value"].item()
    ages = mp.loc[mp["dimension"] == "Age"].set_index("category")["value"]
    sources = mp.loc[mp["dimension"] == "Source"].set_index("category")["value"]
    # 125 + 95 = 220; 120 + 70 + 30 = 220.
    assert (total, ages.sum(), sources.sum()) == (220.0, 220.0, 220.0)
    assert ages.to_dict() == {"Child": 125.0, "Adult": 95.0}


def test_suicide_local_and_national(small):
    frame, _ = small
    s = frame[frame["indicator"] == "Recorded suicides"]
    assert s["period_kind"].astype(str).unique().tolist() == ["calendar_year"]
    assert s["period_start"].astype(str).tolist() == ["2019-01", "2019-01", "2020-01"]
    assert s["period_end"].astype(str).tolist() == ["2019-12", "2019-12", "2020-12"]
    # Blank and "Total" breakdowns are both the total.
    assert s["breakdown"].tolist() == ["All", "All", "All"]
    assert s["value"].tolist()[:2] == [26.0, 5120.0]  # "5,120" has a thousands separator
    assert math.isnan(s["value"].tolist()[2])  # "*" is suppressed
    assert s["denominator"].tolist() == [273008.0, 56300000.0, 274374.0]
    assert s["comparator_area"].tolist()[0] == "England"
    assert pd.isna(s["comparator_area"].tolist()[1])


def test_iom_quarters_in_four_spellings(small):
    frame, _ = small
    iom = frame[frame["indicator"] == "IOM cohort"]
    assert iom["period"].tolist() == [
        "Q2 2020/21", "2020-21 Q2", "2020/21 Quarter 2", "FY2020-21 Q2"]
    assert iom["period_label"].unique().tolist() == ["2020-21 Q2"]
    assert iom["period_start"].astype(str).unique().tolist() == ["2020-07"]
    assert iom["period_end"].astype(str).unique().tolist() == ["2020-09"]
    strands = iom[iom["dimension"] == "Strand"]["value"].sum()
    assert strands == 205.0  # 165 + 40 = the All row
    custody = iom[iom["breakdown"] == "Status: In custody"]
    assert math.isnan(custody["value"].item())
    assert custody["note"].item() == "not supplied"


def test_excel_with_title_rows_dates_and_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws.append(["nothing here"])
    ws2 = wb.create_sheet("Data")
    ws2.append(["Missing persons (fictional)"])
    ws2.append([])
    ws2.append(["INDICATOR", "Area name", "Time period", "Category", "Count"])
    ws2.append(["Missing person reports", "Northbridge", dt.datetime(2020, 9, 1), None, 231])
    ws2.append(["Missing person reports", "Northbridge", 2020, "All", 2650.0])
    wb.save(tmp_path / "t.xlsx")
    frame, quality = read_indicator_table(tmp_path / "t.xlsx", sheet="data")
    # An Excel date cell is its month; a number 2020 is the calendar year.
    assert frame["period"].tolist() == ["2020-09", "2020"]
    assert frame["period_kind"].astype(str).tolist() == ["month", "calendar_year"]
    assert frame["value"].tolist() == [231.0, 2650.0]
    assert quality.files[0].path == f"{tmp_path / 't.xlsx'}:Data"
    assert quality.rows_read == 2


def test_several_files_and_duplicates_across_them(tmp_path, test_data):
    one = test_data / "extracts" / "indicators_small.csv"
    two = tmp_path / "two.csv"
    two.write_text("indicator,area,period,value\nIOM cohort,Northbridge,2020-21 Q3,210\n")
    frame, quality = read_indicator_tables([one, two])
    assert len(frame) == 14  # 13 + 1
    assert quality.rows_read == 15
    dup = tmp_path / "dup.csv"
    dup.write_text("indicator,area,period,value\nIOM cohort,Northbridge,2020/21 Q2,1\n")
    with pytest.raises(DataError) as info:
        read_indicator_tables([one, dup])
    assert str(info.value) == (
        f"{dup}, line 2, column 'value': 'IOM cohort' for Northbridge in 2020-21 Q2 (All) is "
        "given twice (first at indicators_small.csv line 12)."
    )


def _error(tmp_path, text: str) -> str:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_indicator_table(path)
    return str(info.value).replace(str(path), "F")


HEADER = "indicator,area,period,breakdown,value,denominator\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("IOM cohort,Northbridge,Q5 2020/21,All,3,\n",
         "F, line 2, column 'period': 'Q5 2020/21' is not a quarter: quarters run Q1 to Q4."),
        ("IOM cohort,Northbridge,last spring,All,3,\n",
         "F, line 2, column 'period': 'last spring' is not a period: write a month (2020-04), "
         "a quarter (2020-21 Q2), a financial year (2020-21) or a calendar year (2020)."),
        ("IOM cohort,Northbridge,2020-21,All,about 3,\n",
         "F, line 2, column 'value': value 'about 3' is not a number (use a number, or * or [c] "
         "for a suppressed figure)."),
        ("IOM cohort,Northbridge,2020-21,All,3,0\n",
         "F, line 2, column 'denominator': denominator '0' is not a positive number."),
        ("IOM cohort,Northbridge,2020-21,All,3,*\n",
         "F, line 2, column 'denominator': denominator '*' is not a positive number."),
        (",Northbridge,2020-21,All,3,\n", "F, line 2, column 'indicator': the indicator is blank."),
        ("IOM cohort,,2020-21,All,3,\n", "F, line 2, column 'area': the area is blank."),
        ("IOM cohort,Northbridge,2020-21,All,3,\n\nIOM cohort,NORTHBRIDGE,2020/21,total,4,\n",
         "F, line 4, column 'value': 'IOM cohort' for NORTHBRIDGE in 2020-21 (All) is given "
         "twice (first at t.csv line 2)."),
    ],
)
def test_errors(tmp_path, body, message):
    assert _error(tmp_path, HEADER + body) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Missing person reports,Northbridge,2020-08,All,-3,\n",
         "F, line 2, column 'value': value '-3' is negative, but 'Missing person reports' is a "
         "count (a whole number, 0 or more)."),
        ("Recorded suicides,Northbridge,2019,All,26.5,273008\n",
         "F, line 2, column 'value': value '26.5' is not a whole number, but 'Recorded "
         "suicides' is a count (if it is a rate or a percentage, say so in a unit column or in "
         "the indicator's name)."),
        ("IOM cohort,Northbridge,2020-21 Q2,All,\"1,204.0001\",\n",
         "F, line 2, column 'value': value '1,204.0001' is not a whole number, but 'IOM "
         "cohort' is a count (if it is a rate or a percentage, say so in a unit column or in "
         "the indicator's name)."),
        # A rate or a percentage may have a fraction, but is never negative either.
        ("Suicide rate per 100000,Northbridge,2019,All,-0.5,\n",
         "F, line 2, column 'value': value '-0.5' is negative, but 'Suicide rate per 100000' "
         "is a rate (0 or more)."),
    ],
)
def test_counts_are_whole_and_not_negative(tmp_path, body, message):
    assert _error(tmp_path, HEADER + body) == message


def test_a_whole_count_written_with_a_decimal_point_is_a_count(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "IOM cohort,Northbridge,2020-21 Q2,All,205.0,\n"
                             "IOM cohort,Northbridge,2020-21 Q3,All,0,\n")
    frame, _ = read_indicator_table(path)
    assert frame["value"].tolist() == [205.0, 0.0]


def test_unit_from_the_unit_column_or_the_indicators_name(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "indicator,area,period,value,unit\n"
        "Missing person reports,Northbridge,2020-08,220,\n"  # blank unit, plain name: a count
        "Repeat missing children,Northbridge,2020-08,38.2,Percentage\n"
        "Missing children,Northbridge,2020-08,0.75,rate per 1000\n"
        "Suicide rate,Northbridge,2019,9.5,\n"  # "rate" in the name
        "Crimes solved (%),Northbridge,2019,12.25,\n"  # "%" in the name
        "Proportion of IOM cohort in custody,Northbridge,2020-21 Q2,0.2,\n"
        "IOM cohort,Northbridge,2020-21 Q2,205,Count\n"
        "Personal safety score,Northbridge,2019,3,\n",  # "person" is not "per"
        encoding="utf-8",
    )
    frame, _ = read_indicator_table(path)
    assert frame["unit"].astype(str).tolist() == [
        "count", "percentage", "rate", "rate", "percentage", "percentage", "count", "count"]
    assert frame["value"].tolist() == [220.0, 38.2, 0.75, 9.5, 12.25, 0.2, 205.0, 3.0]


def test_a_unit_column_overrides_the_name(tmp_path):
    # A count whose name happens to say "rate" is declared a count, and so must be whole.
    body = "indicator,area,period,value,unit\nRate card holders,Northbridge,2019,12.5,count\n"
    assert _error(tmp_path, body) == (
        "F, line 2, column 'value': value '12.5' is not a whole number, but 'Rate card "
        "holders' is a count (if it is a rate or a percentage, say so in a unit column or in "
        "the indicator's name).")
    assert _error(tmp_path, "indicator,area,period,value,unit\nX,Y,2019,3,furlongs\n") == (
        "F, line 2, column 'unit': unit 'furlongs' is not known; write count, rate or "
        "percentage (or leave it blank to go by the indicator's name).")


def test_negative_count_in_excel_names_sheet_and_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Missing persons (fictional)"])
    ws.append(["Indicator", "Area", "Period", "Count"])
    ws.append(["Missing person reports", "Northbridge", "2020-08", 220])
    ws.append(["Missing person reports", "Northbridge", "2020-09", -4])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(DataError) as info:
        read_indicator_table(tmp_path / "t.xlsx")
    assert str(info.value) == (
        f"{tmp_path / 't.xlsx'}, sheet 'Data', row 4, column 'Count': value '-4' is negative, "
        "but 'Missing person reports' is a count (a whole number, 0 or more).")


def test_missing_column(tmp_path):
    assert _error(tmp_path, "indicator,area,value\nX,Y,3\n") == (
        "F: the header (line 1) has no 'period' column; the columns needed are indicator, area, "
        "period, value (breakdown, unit, denominator and comparator_area are optional)."
    )


def test_no_header(tmp_path):
    assert _error(tmp_path, "a,b,c\n1,2,3\n") == (
        "F: no header row found: the first rows should name the columns indicator, area, "
        "period, breakdown, value."
    )


def test_wrong_suffix(tmp_path):
    path = tmp_path / "t.json"
    path.write_text("{}")
    with pytest.raises(DataError) as info:
        read_indicator_table(path)
    assert str(info.value) == f"{path}: the indicator table must be a .csv or .xlsx file, not .json."


@pytest.mark.parametrize("marker", ["*", "x", "[x]", "c", "[c]", "..", ":", "-", "z", "<5"])
def test_suppression_markers(tmp_path, marker):
    path = tmp_path / "t.csv"
    path.write_text(f"indicator,area,period,value\nX,Y,2020,{marker}\n", encoding="utf-8")
    frame, quality = read_indicator_table(path)
    assert math.isnan(frame["value"].item())
    assert quality.flagged["value suppressed or not available"] == 1


def test_breakdown_without_dimension(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("indicator,area,period,breakdown,value\nX,Y,2020,Children,4\n")
    frame, _ = read_indicator_table(path)
    assert frame[["breakdown", "category"]].values.tolist() == [["Children", "Children"]]
    assert pd.isna(frame["dimension"].item())
