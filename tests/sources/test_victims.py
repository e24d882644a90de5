"""Tests for pccanalysis.sources.victims: pseudonymised extract in, direct identifiers refused."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.victims import (
    STRANDS,
    identifier_kind,
    normalise_strand,
    read_hate_crime_victims,
)

WARDS = ["City Centre", "Riverside", "Dales"]


@pytest.fixture
def small(test_data):
    return read_hate_crime_victims(test_data / "extracts" / "hate_crime_victims_small.csv",
                                   wards=WARDS)


def test_frame(small):
    frame, _ = small
    assert list(frame.columns) == [
        "victim_id", "date", "month", "strand", "ward", "offence_group"]
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "victim_id": "str", "date": "datetime64[ns]", "month": "period[M]",
        "strand": "category", "ward": "str", "offence_group": "str",
    }  # fmt: skip
    assert list(frame["strand"].cat.categories) == list(STRANDS)
    assert frame["victim_id"].tolist() == [
        "V-001", "V-002", "V-001", "V-003", "V-001", "V-004", "V-004"]
    # "05/04/2020" is 5 April (day first); "9.1.21" is 9 January 2021.
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-04-03", "2020-04-05", "2020-06-11", "2020-06-12", "2021-01-09", "2021-02-28",
        "2021-02-28"]
    assert frame["strand"].astype(str).tolist() == [
        "Race", "Race", "Race", "Sexual orientation", "Race", "Disability", "Disability"]
    assert pd.isna(frame.loc[3, "ward"])
    # V-001 has three crimes: the repeat pattern the indicators will count.
    assert frame["victim_id"].value_counts()["V-001"] == 3


def test_accounting(small):
    _, quality = small
    # 8 data lines, one blank; V-003 has no ward; the two V-004 rows are identical (one
    # flagged as the duplicate) and in a ward not on the list.
    assert (quality.rows_read, quality.rows_kept, quality.excluded) == (8, 7, {"blank row": 1})
    assert quality.flagged == {
        "no ward": 1,
        "ward not in the area's ward list": 2,
        "exact duplicate row": 1,
    }


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Name", "a person's name"),
        ("Victim Surname", "a person's name"),
        ("Forename", "a person's name"),
        ("first name", "a person's name"),
        ("Victim name", "a person's name"),
        ("Address", "an address"),
        ("Address line 1", "an address"),
        ("Home address", "an address"),
        ("Postcode", "a postcode"),
        ("Post code", "a postcode"),
        ("DOB", "a date of birth"),
        ("Date of birth", "a date of birth"),
        ("D.O.B.", "a date of birth"),
        ("Telephone", "a phone number"),
        ("Mobile no", "a phone number"),
        ("Phone number", "a phone number"),
        ("E-mail", "an email address"),
        ("Email address", "an email address"),
        ("NHS number", "an NHS number"),
        ("NHS No.", "an NHS number"),
        ("NI number", "a National Insurance number"),
        ("National Insurance No", "a National Insurance number"),
        ("Passport number", "a passport or driving licence number"),
        ("PNC ID", "a PNC or CRO number"),
        # Not identifiers:
        ("Ward name", None),
        ("Strand", None),
        ("Offence name", None),
        ("Offence group", None),
        ("Crime reference", None),
        ("Pseudonymised victim ID", None),
        ("Date", None),
        ("Age band", None),
    ],
)
def test_identifier_kind(header, kind):
    assert identifier_kind(header) == kind


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ("Surname", "a person's name"),
        ("Postcode", "a postcode"),
        ("Date of birth", "a date of birth"),
        ("Phone", "a phone number"),
        ("Email", "an email address"),
        ("Address", "an address"),
        ("NHS number", "an NHS number"),
    ],
)
def test_files_with_direct_identifiers_are_refused(tmp_path, extra, kind):
    path = tmp_path / "t.csv"
    path.write_text(f"victim_id,date,strand,ward,{extra}\nV-1,2020-04-01,Race,Dales,x\n")
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path)
    assert str(info.value) == (
        f"{path}, line 1, column {extra!r}: this column looks like a direct identifier ({kind}), "
        "so the file is refused: a victim-level extract must identify people only by a "
        "pseudonymised victim ID; remove names, addresses, postcodes, dates of birth, phone "
        "numbers, email addresses and NHS numbers before loading it."
    )


def test_identifier_refused_even_when_required_columns_are_missing(tmp_path):
    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Victims"
    ws.append(["Name", "Date of birth", "Crime date"])
    ws.append(["(fictional)", "2000-01-01", "2020-04-01"])
    wb.save(path)
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path)
    assert str(info.value).startswith(
        f"{path}, sheet 'Victims', row 1, column 'Name': this column looks like a direct "
        "identifier (a person's name), so the file is refused"
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("someone@example.org", "an email address"),
        ("NB1 2XY", "a postcode"),
        ("nb12xy", "a postcode"),
        ("07700 900123", "a phone number"),
        ("+44 7700 900123", "a phone number"),
        ("0115 496 0000", "a phone number"),
    ],
)
def test_victim_id_that_looks_like_personal_data_is_refused_without_echo(tmp_path, value, kind):
    path = tmp_path / "t.csv"
    path.write_text(f"victim_id,date,strand,ward\nV-1,2020-04-01,Race,Dales\n{value},"
                    "2020-04-02,Race,Dales\n")
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path)
    message = str(info.value)
    assert message == (
        f"{path}, line 3, column 'victim_id': this victim ID looks like {kind}, not a "
        "pseudonymised ID, so the file is refused (the value is not repeated here)."
    )
    assert value not in message


def _error(tmp_path, body: str) -> str:
    path = tmp_path / "t.csv"
    path.write_text("victim_id,date,strand,ward\n" + body, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path)
    return str(info.value).replace(str(path), "F")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (",2020-04-01,Race,Dales\n", "F, line 2, column 'victim_id': the victim ID is blank."),
        ("V-1,,Race,Dales\n", "F, line 2, column 'date': the date is blank."),
        ("V-1,31/02/2020,Race,Dales\n",
         "F, line 2, column 'date': the date cannot be read as a date; write it like "
         "2020-09-14 or 14/09/2020."),
        ("V-1,2020-04-01,,Dales\n",
         "F, line 2, column 'strand': the strand is blank; use one of Race, Religion, Sexual "
         "orientation, Disability, Transgender, Sex or gender, Alternative subculture, Other."),
        ("V-1,2020-04-01,Race; Religion,Dales\n",
         "F, line 2, column 'strand': the strand is not one this reader knows; use one of "
         "Race, Religion, Sexual orientation, Disability, Transgender, Sex or gender, "
         "Alternative subculture, Other (a crime with two strands is two rows)."),
    ],
)
def test_errors(tmp_path, body, message):
    assert _error(tmp_path, body) == message


def test_an_offence_date_after_as_of_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("victim_id,date,strand,ward\nV-1,2021-03-31,Race,Dales\n", encoding="utf-8")
    # The as-of day itself is not in the future.
    frame, _ = read_hate_crime_victims(path, as_of="2021-03-31")
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2021-03-31"]
    # 1 April 2021 (written day first) is the day after: a data-entry mistake, named by line.
    path.write_text("victim_id,date,strand,ward\nV-1,2021-03-31,Race,Dales\n"
                    "V-2,01/04/2021,Race,Dales\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path, as_of=dt.date(2021, 3, 31))
    assert str(info.value) == (
        f"{path}, line 3, column 'date': the date is after 31 March 2021, the day the "
        "extract is read as of, so it cannot be an offence date; correct it.")


def test_offence_dates_are_checked_against_today_by_default(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Victim ID,Offence date,Strand,Ward\nV-1,2020-04-01,Race,Dales\n"
                    "V-2,2999-01-01,Race,Dales\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 3, column 'Offence date': the date is "
                                        r"after \d{1,2} \w+ \d{4}, the day the extract"):
        read_hate_crime_victims(path)


def test_missing_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("victim_id,date,ward\nV-1,2020-04-01,Dales\n")
    with pytest.raises(DataError) as info:
        read_hate_crime_victims(path)
    assert str(info.value) == (
        f"{path}: the header (line 1) has no 'strand' column; the columns needed are "
        "victim_id, date, strand, ward."
    )


@pytest.mark.parametrize(
    ("spelling", "strand"),
    [
        ("Race", "Race"), ("racial", "Race"), ("Race hate", "Race"),
        ("Religion/belief", "Religion"), ("Religion & Belief", "Religion"), ("faith", "Religion"),
        ("Homophobic hate crime", "Sexual orientation"), ("sexual orientation", "Sexual orientation"),
        ("Disability", "Disability"), ("disablist", "Disability"),
        ("Transgender identity", "Transgender"), ("transphobic", "Transgender"),
        ("Misogyny", "Sex or gender"), ("Alternative sub-culture", "Alternative subculture"),
        ("Alternative subculture", "Alternative subculture"), ("other", "Other"),
        ("blue", None), ("", None),
    ],
)  # fmt: skip
def test_normalise_strand(spelling, strand):
    assert normalise_strand(spelling) == strand
