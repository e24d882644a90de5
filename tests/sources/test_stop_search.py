"""Stop-and-search files read and checked: unknown values counted and reported with file, line
and column; a missing column is a DataError."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.police_uk.schema import STOP_AND_SEARCH
from pccanalysis.sources.stop_search import LEGISLATION, SELF_DEFINED, read_searches

HEADER = ",".join(STOP_AND_SEARCH.headers)
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
MDA = "Misuse of Drugs Act 1971 (section 23)"


def row(date="2020-05-01T10:00:00+00:00", self_defined=WHITE, officer="White", law=MDA,
        age="18-24") -> str:
    return (f"Person search,{date},False,,52.7,-1.3,Male,{age},{self_defined},{officer},{law},"
            "Controlled drugs,A no further action disposal,False,False")


def write(folder, month, rows, header=HEADER):
    path = folder / month / f"{month}-northbridge-stop-and-search.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_published_header_is_the_schemas():
    # data.police.uk's header, as its files write it (https://data.police.uk/about/)
    assert HEADER == (
        "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
        "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
        "Outcome,Outcome linked to object of search,Removal of more than just outer clothing")


def test_unknown_values_are_counted_and_reported_with_file_line_and_column(tmp_path):
    write(tmp_path, "2020-05", [row(), row(self_defined="Martian"), row(),
                                row(law="Misuse of Drugs Act"), row(self_defined="Martian"),
                                row(law="Misuse of Drugs Act", officer="Purple")])
    write(tmp_path, "2020-06", [row("2020-06-02T10:00:00+00:00"),
                                row("2020-06-02T11:00:00+00:00", age="35-44")])
    frame, dq, unknown = read_searches(tmp_path, cache_dir=False)
    assert len(frame) == 8 and dq.rows_kept == 8  # nothing dropped
    # lines: the header is line 1, so the file's second search is on line 3
    assert unknown.to_dict("records") == [
        {"column": "Self-defined ethnicity", "value": "Martian", "searches": 2,
         "file": "2020-05-northbridge-stop-and-search.csv", "line": 3},
        {"column": "Officer-defined ethnicity", "value": "Purple", "searches": 1,
         "file": "2020-05-northbridge-stop-and-search.csv", "line": 7},
        {"column": "Legislation", "value": "Misuse of Drugs Act", "searches": 2,
         "file": "2020-05-northbridge-stop-and-search.csv", "line": 5},
        {"column": "Age range", "value": "35-44", "searches": 1,
         "file": "2020-06-northbridge-stop-and-search.csv", "line": 3},
    ]
    assert ("2020-05-northbridge-stop-and-search.csv, line 5, column 'Legislation': 'Misuse of "
            "Drugs Act' is not a value data.police.uk publishes; 2 searches give it, shown under "
            "its own name.") in dq.notes
    assert ("2020-05-northbridge-stop-and-search.csv, line 3, column 'Self-defined ethnicity': "
            "'Martian' is not a value data.police.uk publishes; 2 searches give it, counted as "
            "not stated, so the officer-defined ethnicity is used.") in dq.notes
    assert dq.flagged["a Legislation value data.police.uk does not publish"] == 2


def test_a_missing_column_is_a_data_error(tmp_path):
    header = HEADER.replace(",Legislation", "")
    path = write(tmp_path, "2020-05", [row().replace(f",{MDA}", "")], header=header)
    with pytest.raises(DataError) as err:
        read_searches(tmp_path, cache_dir=False)
    assert str(err.value) == f"{path}, line 1, column 'Legislation': the column is missing from " \
                             "the header."


def test_the_sample_uses_only_published_values(sample_dir):
    frame, dq, unknown = read_searches(sample_dir / "stop-and-search", cache_dir=False)
    assert unknown.empty and not dq.notes
    assert set(frame["legislation"].astype("str")) <= set(LEGISLATION)
    values = set(frame["self_defined_ethnicity"].dropna().astype("str"))
    assert values <= set(SELF_DEFINED)
    assert len(dq.files) == 36
    # vehicle-only searches record no person, as in the published files
    vehicle = frame[frame["type"] == "Vehicle search"]
    assert len(vehicle) and vehicle["self_defined_ethnicity"].isna().all()
    assert pd.api.types.is_bool_dtype(frame["outcome_linked_to_object_of_search"].dtype)
