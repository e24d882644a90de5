"""Tests for pccanalysis.sources.police_uk: tidy frame, row accounting, vintages, bad input.

The hand-made fixtures are in tests/data/police_uk (see its README for what each row is for).
Every expected count below is worked out from those rows by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.police_uk.read import (
    FLAG_REASONS,
    SUPERSEDED,
    read_outcomes,
    read_stop_and_search,
    read_street,
)

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
TAIL = "Testshire Police,Testshire Police,-1.1,52.9,On or near A Road,E01000001,Testville 001A"


def row(crime_id: str = "x1", month: str = "2020-01", outcome: str = "Under investigation") -> str:
    return f"{crime_id},{month},{TAIL},Burglary,{outcome},"


def write(path: Path, *lines: str, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    return path


def set_mtime(path: Path, when: datetime) -> None:
    t = when.timestamp()
    os.utime(path, (t, t))


def make_zip(path: Path, members: dict[str, bytes], when=(2021, 1, 1, 0, 0, 0)) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data, zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture()
def folder(test_data) -> Path:
    return test_data / "police_uk" / "folder"


@pytest.fixture()
def jan(folder) -> Path:
    return folder / "2020-01" / "2020-01-testshire-street.csv"


# --------------------------------------------------------------------------------------------
# The tidy frame


def test_folder_tree_gives_the_contract_columns_and_types(folder):
    frame, dq = read_street(folder, cache_dir=False)
    assert list(frame.columns) == [
        "crime_id", "month", "reported_by", "falls_within", "longitude", "latitude", "location",
        "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context", "local_authority",
        "no_location", "duplicate_crime_id", "exact_duplicate", "outside_force_area",
    ]  # fmt: skip
    dtypes = {c: str(t) for c, t in frame.dtypes.items()}
    assert dtypes["month"] == "period[M]"
    for col in ("reported_by", "falls_within", "crime_type"):
        assert dtypes[col] == "category"
    for col in ("longitude", "latitude"):
        assert dtypes[col] == "float64"
    for col in ("crime_id", "location", "lsoa_code", "lsoa_name", "last_outcome", "context",
                "local_authority"):
        assert dtypes[col] == "str"
    for col in ("no_location", "duplicate_crime_id", "exact_duplicate", "outside_force_area"):
        assert dtypes[col] == "bool"
    # 8 rows in 2020-01 + 3 in 2020-02; the outcomes and stop-and-search files beside them are
    # not street files and are left alone.
    assert len(frame) == 11
    assert frame["month"].tolist() == [pd.Period("2020-01", "M")] * 8 + [pd.Period("2020-02", "M")] * 3
    assert frame.index.equals(pd.RangeIndex(11))


def test_values_flags_and_local_authority(folder):
    frame, dq = read_street(folder, cache_dir=False)
    # Rows (0-based): 0 aaa1; 1, 2 two identical ASB rows; 3, 4 aaa2 twice at two places;
    # 5, 6 aaa3 twice, identical; 7 aaa4 without location; 8-10 February.
    assert frame["crime_id"].isna().tolist() == [False, True, True] + [False] * 6 + [True, False]
    assert (frame["crime_type"] == "Anti-social behaviour").sum() == 3
    assert frame.loc[7, ["longitude", "latitude"]].isna().all()
    assert pd.isna(frame.loc[7, "lsoa_code"]) and pd.isna(frame.loc[7, "local_authority"])
    assert frame.loc[0, "longitude"] == -1.1 and frame.loc[0, "latitude"] == 52.9
    assert frame.loc[10, "context"] == "Seized at the scene"
    assert frame["local_authority"].tolist()[:7] == ["Testville"] * 5 + ["Otherton"] * 2
    assert frame.loc[10, "local_authority"] == "Elsewhere"  # from "Elsewhere 010C"
    # The first copy of a repeated Crime ID is not flagged: rows 4 (aaa2) and 6 (aaa3) are.
    assert np.flatnonzero(frame["duplicate_crime_id"]).tolist() == [4, 6]
    # Row 6 repeats row 5 exactly; rows 1-2 are identical ASB rows (no Crime ID), not flagged.
    assert np.flatnonzero(frame["exact_duplicate"]).tolist() == [6]
    assert np.flatnonzero(frame["no_location"]).tolist() == [7]
    assert not frame["outside_force_area"].any()  # no force_areas given
    assert dq.rows_read == 11 and dq.rows_kept == 11 and dq.excluded == {}
    assert dq.flagged == {
        FLAG_REASONS["no_location"]: 1,
        FLAG_REASONS["duplicate_crime_id"]: 2,
        FLAG_REASONS["exact_duplicate"]: 1,
    }
    assert [(f.path, f.rows, f.month) for f in dq.files] == [
        (str(folder / "2020-01" / "2020-01-testshire-street.csv"), 8, "2020-01"),
        (str(folder / "2020-02" / "2020-02-testshire-street.csv"), 3, "2020-02"),
    ]


def test_force_areas_flags_rows_in_other_local_authorities(folder):
    frame, dq = read_street(folder, cache_dir=False, force_areas=["testville"])
    # Otherton (rows 5, 6) and Elsewhere (row 10) are outside; row 7 has no location, so it
    # cannot be placed and is not flagged: 3 rows.
    assert np.flatnonzero(frame["outside_force_area"]).tolist() == [5, 6, 10]
    assert dq.flagged[FLAG_REASONS["outside_force_area"]] == 3
    # Names as ONS writes them ("Bristol, City of") match the LSOA names' short form.
    again, _ = read_street(folder, cache_dir=False, force_areas=["Testville, City of"])
    assert again["outside_force_area"].equals(frame["outside_force_area"])


def test_list_of_files_and_a_file_reached_twice_is_read_once(folder, jan):
    frame, dq = read_street([jan, folder], cache_dir=False)
    assert len(frame) == 11 and len(dq.files) == 2


def test_zip_is_read_in_place_and_matches_the_folder(folder, tmp_path):
    members = {
        f"{m}/{m}-testshire-street.csv": (folder / m / f"{m}-testshire-street.csv").read_bytes()
        for m in ("2020-01", "2020-02")
    }
    members["2020-01/2020-01-testshire-outcomes.csv"] = b"ignored by read_street"
    z = make_zip(tmp_path / "download.zip", members)
    from_zip, dq = read_street(z, cache_dir=False)
    from_folder, _ = read_street(folder, cache_dir=False)
    pd.testing.assert_frame_equal(from_zip, from_folder)
    assert [f.path for f in dq.files] == [
        f"{z}:2020-01/2020-01-testshire-street.csv",
        f"{z}:2020-02/2020-02-testshire-street.csv",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["download.zip"]  # nothing unpacked


def test_excel_resaved_files(test_data):
    frame, dq = read_street(test_data / "police_uk" / "excel", cache_dir=False)
    # 2020-03: BOM, CRLF, every value quoted, two empty trailing columns, two rows of bare
    # commas at the end (not records): 2 rows. 2020-04: Windows-1252 "é", CRLF: 2 rows.
    assert len(frame) == 4 and dq.rows_read == 4
    assert frame.loc[0, "crime_id"] == "ccc1" and pd.isna(frame.loc[1, "crime_id"])  # '""' is empty
    assert pd.isna(frame.loc[0, "context"])
    assert frame.loc[0, "location"] == "On or near Café Street"
    assert frame.loc[2, "location"] == "On or near Café Street"
    assert frame["month"].astype(str).tolist() == ["2020-03", "2020-03", "2020-04", "2020-04"]
    assert [f.note for f in dq.files] == ["2 blank rows ignored", "read as cp1252 (not UTF-8)"]


def test_outcomes(folder):
    frame, dq = read_outcomes(folder, cache_dir=False, force_areas=["Testville"])
    # aaa1 three times (two identical "Suspect charged" rows), aaa4 without location.
    assert frame["outcome_type"].dtype == "category"
    assert frame["outcome_type"].tolist() == [
        "Under investigation", "Suspect charged", "Suspect charged",
        "Investigation complete; no suspect identified",
    ]  # fmt: skip
    assert "duplicate_crime_id" not in frame  # one row per outcome: repeats are normal
    assert frame["exact_duplicate"].tolist() == [False, False, True, False]
    assert frame["no_location"].tolist() == [False, False, False, True]
    assert not frame["outside_force_area"].any()
    assert dq.source == "data.police.uk outcomes" and dq.rows_read == 4 == dq.rows_kept


def test_stop_and_search(folder):
    frame, dq = read_stop_and_search(folder, cache_dir=False)
    assert frame["force"].tolist() == ["testshire"] * 3  # from the file name
    assert str(frame["datetime"].dtype).startswith("datetime64") and frame["datetime"].dt.tz
    assert frame["datetime"].iloc[2] == pd.Timestamp("2020-01-31 23:59", tz="UTC")
    assert frame["month"].tolist() == [pd.Period("2020-01", "M")] * 3
    assert frame["part_of_policing_operation"].tolist() == [False, False, True]
    # The third row leaves "Removal of more than just outer clothing" empty.
    assert frame["removal_of_more_than_just_outer_clothing"].isna().tolist() == [False, False, True]
    assert frame["no_location"].tolist() == [False, False, True]
    # Rows 1 and 2 are identical (two people searched together): counted, not flagged.
    assert dq.rows_read == 3 == dq.rows_kept and dq.excluded == {}


# --------------------------------------------------------------------------------------------
# Two downloads of the same month


def _revised(jan: Path) -> bytes:
    """The January file as a later download would give it: aaa1's outcome updated, aaa4
    (the row without location) withdrawn, a new crime aaa5 added; still 8 rows."""
    lines = jan.read_text().splitlines()
    lines[1] = lines[1].replace("Under investigation", "Suspect charged")
    del lines[8]
    lines.append(row("aaa5"))
    return ("\n".join(lines) + "\n").encode()


def download_record(folder: Path, name: str, archive_month: str) -> None:
    """The manifest ``pcc download`` keeps in its folder, saying which archive a file came from."""
    (folder / "download-manifest.json").write_text(json.dumps({"current": {name: {
        "archive": f"https://data.police.uk/data/archive/{archive_month}.zip", "sha256": "x",
        "rows": 8, "vintage": f"{archive_month}-05"}}, "vintages": {}}))


def test_later_publication_wins_and_the_change_is_reported(jan, tmp_path):
    old = tmp_path / "old" / "2020-01" / jan.name
    new = tmp_path / "new" / "2020-01" / jan.name
    old.parent.mkdir(parents=True)
    shutil.copy(jan, old)
    new.parent.mkdir(parents=True)
    new.write_bytes(_revised(jan))
    download_record(tmp_path / "old", f"2020-01/{jan.name}", "2020-12")
    download_record(tmp_path / "new", f"2020-01/{jan.name}", "2021-01")
    # Modification times say the opposite: they are not evidence.
    set_mtime(old, datetime(2021, 2, 5))
    set_mtime(new, datetime(2021, 1, 5))
    # The newer copy is passed first: order of arguments does not matter, publications do.
    frame, dq = read_street([tmp_path / "new", tmp_path / "old"], cache_dir=False)
    assert frame["crime_id"].tolist()[-1] == "aaa5"
    assert frame.loc[0, "last_outcome"] == "Suspect charged"
    # 8 + 8 read, the old 8 superseded, the new 8 kept.
    assert (dq.rows_read, dq.rows_kept, dq.excluded) == (16, 8, {SUPERSEDED["latest"]: 8})
    # Added: aaa1 with its new outcome, aaa5; removed: aaa1 with its old outcome, aaa4.
    assert dq.notes == [
        f"2020-01 street data for Testshire Police: kept the later publication {new} (download "
        f"record: archive 2021-01) (8 rows) over {old} (download record: archive 2020-12) "
        "(8 rows): 2 rows added, 2 rows removed, outcome changed for 1 crime."
    ]
    assert [f.note for f in dq.files] == [None, f"superseded by {new}"]  # sorted by path: new, old


def test_vintage_earliest_keeps_the_earlier_publication(jan, tmp_path):
    old = write(tmp_path / "a" / jan.name, *jan.read_text().splitlines())
    new = write(tmp_path / "b" / jan.name, *_revised(jan).decode().splitlines())
    download_record(tmp_path / "a", jan.name, "2020-12")
    download_record(tmp_path / "b", jan.name, "2021-01")
    frame, dq = read_street([old, new], cache_dir=False, vintage="earliest")
    assert frame.loc[0, "last_outcome"] == "Under investigation"
    assert dq.excluded == {SUPERSEDED["earliest"]: 8}
    with pytest.raises(ValueError, match="vintage must be 'latest' or 'earliest'"):
        read_street([old, new], cache_dir=False, vintage="newest")


def test_a_later_archive_is_a_later_publication(jan, tmp_path):
    # Two data.police.uk archives: 2021-01.zip holds the revised January, 2020-12.zip the first.
    z_old = make_zip(tmp_path / "2020-12.zip", {f"2020-01/{jan.name}": jan.read_bytes()},
                     when=(2021, 6, 1, 0, 0, 0))
    z_new = make_zip(tmp_path / "2021-01.zip", {f"2020-01/{jan.name}": _revised(jan)},
                     when=(2021, 1, 1, 0, 0, 0))
    frame, dq = read_street([z_new, z_old], cache_dir=False)
    assert frame.loc[0, "last_outcome"] == "Suspect charged"
    assert dq.excluded == {SUPERSEDED["latest"]: 8}
    # An archive by another name is dated by the latest month it holds.
    z_named = make_zip(tmp_path / "download.zip", {f"2020-01/{jan.name}": jan.read_bytes(),
                                                  f"2020-11/{jan.name.replace('01', '11')}":
                                                  jan.read_bytes().replace(b"2020-01", b"2020-11")})
    frame, _ = read_street([z_new, z_named], cache_dir=False)
    assert frame[frame["month"] == pd.Period("2020-01", "M")].iloc[0]["last_outcome"] == (
        "Suspect charged")


def test_two_differing_copies_without_evidence_stop_the_read(jan, tmp_path):
    a = write(tmp_path / "a" / jan.name, *jan.read_text().splitlines())
    b = write(tmp_path / "b" / jan.name, *_revised(jan).decode().splitlines())
    set_mtime(a, datetime(2021, 1, 5))
    set_mtime(b, datetime(2021, 2, 5))
    with pytest.raises(DataError) as info:
        read_street([a, b], cache_dir=False)
    assert str(info.value) == (
        f"{b}: 2020-01 street data for Testshire Police is in two copies that hold different "
        f"rows, {a} and {b}, and nothing shows which was published later (a zip archive's month "
        "or a `pcc download` record); keep the copy to use and move the other out of the folders "
        "read (`pcc vintages --compare` shows how they differ).")


def test_zip_member_and_identical_loose_copy_are_one(jan, tmp_path):
    z = make_zip(tmp_path / "dl.zip", {f"2020-01/{jan.name}": jan.read_bytes()},
                 when=(2021, 3, 1, 12, 0, 0))
    loose = tmp_path / "loose" / jan.name
    loose.parent.mkdir()
    shutil.copy(jan, loose)
    frame, dq = read_street([loose, z], cache_dir=False)
    assert len(frame) == 8 and dq.excluded == {SUPERSEDED["latest"]: 8}
    assert dq.notes == [
        f"2020-01 street data for Testshire Police: kept {loose} (8 rows) over "
        f"{z}:2020-01/{jan.name} (8 rows); the two copies hold the same rows."
    ]


def test_identical_copies_are_settled_by_path(jan, tmp_path):
    a = tmp_path / "a" / jan.name
    b = tmp_path / "b" / jan.name
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(jan, p)
        set_mtime(p, datetime(2021, 1, 1))
    _, dq = read_street([b, a], cache_dir=False)
    assert [f.note for f in dq.files] == [f"superseded by {b}", None]


# --------------------------------------------------------------------------------------------
# Bad input: one sentence naming file, line and column


def _error(paths, reader=read_street) -> str:
    with pytest.raises(DataError) as info:
        reader(paths, cache_dir=False)
    return str(info.value)


def test_missing_or_renamed_column(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER.replace("Crime type", "Crime_type"),
              row())
    assert _error(p) == (
        f"{p}, line 1, column 'Crime type': the column is missing from the header "
        "(is 'Crime_type' the same column renamed?)."
    )
    q = write(tmp_path / "2020-02-testshire-street.csv", HEADER.removesuffix(",Context"),
              row(month="2020-02").removesuffix(","))
    assert _error(q) == f"{q}, line 1, column 'Context': the column is missing from the header."


def test_month_not_yyyy_mm(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, row(), row(month="Jan-20"))
    assert _error(p) == f"{p}, line 3, column 'Month': 'Jan-20' is not a month in the form YYYY-MM."


def test_empty_month(tmp_path):
    p = write(tmp_path / "street.csv", HEADER, row(), row(), row(month=""))
    assert _error(p) == f"{p}, line 4, column 'Month': the month is empty."


def test_month_disagrees_with_file_name(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, row(month="2020-02"))
    assert _error(p) == (
        f"{p}, line 2, column 'Month': '2020-02' disagrees with the file name, which is for 2020-01."
    )


def test_non_numeric_coordinate(tmp_path):
    bad = row("x3").replace("52.9", "52.9x")
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, row("x1"), row("x2"), bad)
    assert _error(p) == f"{p}, line 4, column 'Latitude': '52.9x' is not a number."


def test_empty_file(tmp_path):
    p = tmp_path / "2020-01-testshire-street.csv"
    p.write_bytes(b"")
    assert _error(p) == f"{p}: the file is empty."


def test_header_without_rows(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER)
    assert _error(p) == f"{p}, line 2: the file has a header but no data rows."


def test_html_error_page_saved_as_csv(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", "<!DOCTYPE html>", "<html><body>504",
              "Gateway Time-out</body></html>")
    assert _error(p) == (
        f"{p}, line 1: the file is not CSV but an HTML or XML page (perhaps an error page saved "
        "in place of the download)."
    )


def test_binary_and_workbook_files(tmp_path):
    p = tmp_path / "2020-01-testshire-street.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert _error(p) == f"{p}, line 1: the file is not CSV text (it holds binary data)."
    p.write_bytes(b"PK\x03\x04\x14\x00\x06\x00")  # an .xlsx renamed .csv
    assert _error(p) == (
        f"{p}, line 1: the file is not CSV but an Excel workbook or zip archive (save it as CSV)."
    )


def test_row_with_too_many_fields(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, row(), row() + ",extra")
    assert _error(p) == f"{p}, line 3: the row has 13 fields but the header has 12."


def test_zip_holding_no_police_files(tmp_path):
    z = make_zip(tmp_path / "download.zip", {"readme.txt": b"nothing here"})
    assert _error(z) == (
        f"{z}: the zip holds no data.police.uk files (members named like "
        "YYYY-MM/YYYY-MM-<force>-street.csv)."
    )
    street_only = make_zip(tmp_path / "street.zip", {"2020-01/2020-01-x-street.csv": b""})
    assert _error(street_only, read_outcomes) == (
        f"{street_only}: the zip holds no data.police.uk outcomes files (members named like "
        "YYYY-MM/YYYY-MM-<force>-outcomes.csv)."
    )


def test_bad_member_of_a_zip_is_named(tmp_path):
    name = "2020-01/2020-01-testshire-street.csv"
    data = "\r\n".join([HEADER, row(), row(month="2020-13")]).encode()
    z = make_zip(tmp_path / "dl.zip", {name: data})
    assert _error(z) == (
        f"{z}:{name}, line 3, column 'Month': '2020-13' is not a month in the form YYYY-MM."
    )


def test_folder_without_files_missing_path_and_wrong_kind(tmp_path, folder):
    (tmp_path / "empty").mkdir()
    assert _error(tmp_path / "empty") == (
        f"{tmp_path / 'empty'}: the folder holds no data.police.uk street files (named like "
        "YYYY-MM/YYYY-MM-<force>-street.csv, or zips of them)."
    )
    assert _error(tmp_path / "nope") == f"{tmp_path / 'nope'}: the file or folder does not exist."
    outcomes = folder / "2020-01" / "2020-01-testshire-outcomes.csv"
    assert _error(outcomes) == f"{outcomes}: the file name says it holds outcomes data, not street data."


def test_stop_and_search_bad_boolean(tmp_path, folder):
    src = (folder / "2020-01" / "2020-01-testshire-stop-and-search.csv").read_text().splitlines()
    src[2] = src[2].replace(",False,,52.9", ",Maybe,,52.9")
    p = write(tmp_path / "2020-01-testshire-stop-and-search.csv", *src)
    assert _error(p, read_stop_and_search) == (
        f"{p}, line 3, column 'Part of a policing operation': 'Maybe' is not True or False."
    )


def test_bad_file_loses_nothing_already_loaded(jan, tmp_path):
    good = tmp_path / "data" / "2020-01" / jan.name
    good.parent.mkdir(parents=True)
    shutil.copy(jan, good)
    bad = write(tmp_path / "data" / "2020-02" / "2020-02-testshire-street.csv", HEADER,
                row(month="2020-02"), row(month="2020/02"))
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as info:
        read_street(tmp_path / "data", cache_dir=cache)
    assert str(info.value) == (
        f"{bad}, line 3, column 'Month': '2020/02' is not a month in the form YYYY-MM."
    )
    assert good.read_bytes() == jan.read_bytes()  # inputs untouched
    assert len(list(cache.rglob("*.parquet"))) == 1  # the good file's parse is kept
    write(bad, HEADER, row(month="2020-02"), row("x2", month="2020-02"))
    frame, dq = read_street(tmp_path / "data", cache_dir=cache)
    assert len(frame) == 8 + 2 and dq.rows_read == 10
    assert len(list(cache.rglob("*.parquet"))) == 2


def test_second_load_comes_from_the_cache_and_matches(folder, tmp_path):
    cache = tmp_path / "cache"
    first, dq1 = read_street(folder, cache_dir=cache, force_areas=["Testville"])
    entries = sorted(cache.rglob("*.parquet"))
    assert len(entries) == 2  # one per file
    # Mark one cached entry so that reading it is visible: its locations in capitals.
    table = pq.read_table(entries[0])
    loc = table.column_names.index("location")
    marked = table.set_column(loc, "location", pc.utf8_upper(table.column("location")))
    pq.write_table(marked, entries[0])
    second, dq2 = read_street(folder, cache_dir=cache, force_areas=["Testville"])
    assert dq2.to_dict() == dq1.to_dict()
    changed = second["location"] != first["location"]
    assert changed.sum() == len(pq.read_table(entries[0]))  # exactly the marked file's rows
    shutil.rmtree(cache)  # deleting the cache is always safe
    third, _ = read_street(folder, cache_dir=cache, force_areas=["Testville"])
    pd.testing.assert_frame_equal(third, first)


# --------------------------------------------------------------------------------------------
# Real data (../shared): Derbyshire street files, 2023-01 to 2024-12, loaded once


@pytest.fixture(scope="module")
def derbyshire(derbyshire_zip):
    return read_street(derbyshire_zip, cache_dir=False)


@pytest.mark.real_data
def test_real_derbyshire_accounting(derbyshire, derbyshire_zip):
    frame, dq = derbyshire
    asb = frame["crime_type"] == "Anti-social behaviour"
    assert dq.rows_read == 219_339 and len(frame) == 219_339
    assert dq.rows_kept + dq.rows_excluded == dq.rows_read
    assert int(asb.sum()) == 35_537
    # The publication gap: 2024-11 was published without its ASB.
    assert not (asb & (frame["month"] == pd.Period("2024-11", "M"))).any()
    assert len(dq.files) == 24 and frame["month"].nunique() == 24
    assert frame["crime_id"].isna().sum() == 35_537  # ASB rows, and only they, lack an ID

    # Duplicates counted independently in plain Python from the raw files.
    dup_ids = exact = 0
    with zipfile.ZipFile(derbyshire_zip) as zf:
        for name in zf.namelist():
            if not name.endswith("-street.csv"):
                continue
            seen_ids, seen_rows = set(), set()
            for line in zf.read(name).decode("utf-8-sig").splitlines()[1:]:
                crime_id = line.split(",", 1)[0]
                if crime_id:
                    dup_ids += crime_id in seen_ids
                    exact += line in seen_rows
                    seen_ids.add(crime_id)
                    seen_rows.add(line)
    assert (dup_ids, exact) == (6_537, 14)  # measured
    assert dq.flagged[FLAG_REASONS["duplicate_crime_id"]] == dup_ids == frame["duplicate_crime_id"].sum()
    assert dq.flagged[FLAG_REASONS["exact_duplicate"]] == exact == frame["exact_duplicate"].sum()


def test_file_with_several_months_counts_repeats_within_each_month(tmp_path):
    # A file not named like data.police.uk's (so no month from its name) holding two months:
    # x1 in January and again in February is not a repeat; x2 twice in February is.
    p = write(tmp_path / "street.csv", HEADER, row("x1"), row("x1", month="2020-02"),
              row("x2", month="2020-02"), row("x2", month="2020-02", outcome="Local resolution"))
    frame, dq = read_street(p, cache_dir=False)
    assert frame["duplicate_crime_id"].tolist() == [False, False, False, True]
    assert frame["exact_duplicate"].tolist() == [False, False, False, False]  # outcomes differ
    assert dq.files[0].month is None


def test_pcc_check_data_command(folder):
    # `pcc check-data`, the command-line face of these readers (pccanalysis/cli.py).
    from click.testing import CliRunner

    from pccanalysis.cli import cli

    result = CliRunner().invoke(cli, ["check-data", str(folder), "--no-cache", "--by-month"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "data.police.uk street: 11 rows read from 2 files; 11 used."
    assert "2 rows used but flagged: Crime ID seen earlier in the same month." in lines
    assert "Months: 2020-01 to 2020-02, 2 present." in lines
    # By month: 8 rows with 2 ASB in January, 3 rows with 1 ASB in February.
    assert lines[-2].split() == ["2020-01", "8", "2"]
    assert lines[-1].split() == ["2020-02", "3", "1"]


def test_quoted_commas_newlines_and_text_that_looks_missing(tmp_path):
    # A location with a comma, doubled quotes and a line break inside quotes (lines 2-3), and
    # "N/A" / "NA" as text: kept as written, not turned into missing values.
    location = '"Smith\'s Yard, ""Old""\nLane"'  # as written in the file
    quirky = f"x2,2020-01,{TAIL.replace('On or near A Road', location)},Drugs,N/A,NA"
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, quirky, row("x3"))
    frame, dq = read_street(p, cache_dir=False)
    assert frame.loc[0, "location"] == 'Smith\'s Yard, "Old"\nLane'
    assert (frame.loc[0, "last_outcome"], frame.loc[0, "context"]) == ("N/A", "NA")
    assert frame["crime_id"].tolist() == ["x2", "x3"] and dq.rows_read == 2


def test_padded_month_is_not_a_month(tmp_path):
    p = write(tmp_path / "2020-01-testshire-street.csv", HEADER, row(month=" 2020-01"))
    assert _error(p) == f"{p}, line 2, column 'Month': ' 2020-01' is not a month in the form YYYY-MM."


def test_deflated_stored_and_damaged_zip_members(jan, tmp_path):
    name = f"2020-01/{jan.name}"
    data = jan.read_bytes()  # 8 rows
    deflated = make_zip(tmp_path / "deflated.zip", {name: data})
    stored = tmp_path / "stored.zip"
    with zipfile.ZipFile(stored, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0)), data, zipfile.ZIP_STORED)
    a, _ = read_street(deflated, cache_dir=False)  # inflated by Arrow
    b, _ = read_street(stored, cache_dir=False)  # read by zipfile
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 8
    # Flip one byte of the stored member's content: its CRC no longer matches.
    raw = bytearray(stored.read_bytes())
    at = raw.index(b"aaa1")
    raw[at] = ord("b")
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    message = _error(damaged)
    assert message.startswith(f"{damaged}:{name}: the file cannot be read, download it again (Bad CRC-32")
    # And one byte of a deflated member's compressed stream.
    raw = bytearray(deflated.read_bytes())
    middle = 30 + len(name) + 40
    raw[middle] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    assert _error(damaged).startswith(f"{damaged}:{name}: the file cannot be read, download it again (")
