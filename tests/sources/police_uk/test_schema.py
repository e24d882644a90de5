"""Tests for pccanalysis.sources.police_uk.schema: file names, months, columns."""

from __future__ import annotations

import pytest

from pccanalysis.errors import PeriodError
from pccanalysis.sources.police_uk.schema import (
    CRIME_CATEGORIES,
    CRIME_TYPES,
    FORCES,
    KINDS,
    OUTCOMES,
    SCHEMAS,
    STOP_AND_SEARCH,
    STREET,
    FileName,
    file_name_pattern,
    file_path_pattern,
    month_index,
    month_label,
    parse_file_name,
)


@pytest.mark.parametrize("name, expected", [
    ("2020-01-derbyshire-street.csv", FileName("2020-01", "derbyshire", "street")),
    ("2020-01/2020-01-avon-and-somerset-outcomes.csv",
     FileName("2020-01", "avon-and-somerset", "outcomes")),
    ("dl.zip:2020-01\\2020-01-kent-stop-and-search.csv",
     FileName("2020-01", "kent", "stop-and-search")),
    # renamed by hand: case is ignored, the force is given in lower case
    ("2020-01-Testshire-Street.CSV", FileName("2020-01", "testshire", "street")),
    # the shortest kind wins only at the end: this force's name holds "outcomes"
    ("2020-01-a-outcomes-street.csv", FileName("2020-01", "a-outcomes", "street")),
    # the name is read, not checked: 13 is left to the readers
    ("2020-13-kent-street.csv", FileName("2020-13", "kent", "street")),
])
def test_parse_file_name(name, expected):
    assert parse_file_name(name) == expected


@pytest.mark.parametrize("name", [
    "street.csv", "2020-01-street.csv", "2020-01-kent-crimes.csv", "2020-01-kent-street.csv.bak",
    "._2020-01-kent-street.csv", "20-01-kent-street.csv",
])
def test_names_that_are_not_data_police_uk_files(name):
    assert parse_file_name(name) is None


def test_file_name_path_is_the_inverse_of_parsing():
    name = FileName("2021-03", "avon-and-somerset", "stop-and-search")
    assert name.path == "2021-03/2021-03-avon-and-somerset-stop-and-search.csv"
    assert parse_file_name(name.path) == name


def test_patterns_for_messages():
    assert file_name_pattern("street") == "YYYY-MM-<force>-street.csv"
    assert file_path_pattern("outcomes") == "YYYY-MM/YYYY-MM-<force>-outcomes.csv"


def test_month_index_and_label():
    assert month_index("2020-04", "The month") == 2020 * 12 + 3
    assert month_label(month_index(" 2021-12 ", "The month")) == "2021-12"
    for bad in ("2020-13", "2020-00", "2020-4", "April 2020"):
        with pytest.raises(PeriodError) as err:
            month_index(bad, "The first month")
        assert str(err.value) == f"The first month {bad!r} is not a month: write it like 2020-04."


def test_schemas_hold_the_published_headers():
    assert STREET.headers == [
        "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
        "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
    assert OUTCOMES.headers[-1] == "Outcome type" and len(OUTCOMES.columns) == 10
    assert len(STOP_AND_SEARCH.columns) == 15
    assert [s.month_header for s in (STREET, OUTCOMES, STOP_AND_SEARCH)] == [
        "Month", "Month", "Date"]
    assert [STREET.name_of(STREET.outcome), OUTCOMES.name_of(OUTCOMES.outcome)] == [
        "last_outcome", "outcome_type"]
    assert tuple(SCHEMAS) == KINDS


def test_crime_types_and_forces():
    assert len(CRIME_TYPES) == 14 and CRIME_TYPES[0] == "Anti-social behaviour"
    assert CRIME_CATEGORIES["violent-crime"] == "Violence and sexual offences"
    assert len(FORCES) == 45 and list(FORCES) == sorted(FORCES)
