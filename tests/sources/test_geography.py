"""Tests for pccanalysis.sources.geography: ONS lookups of any vintage, attaching them to police
rows, the areas of a force, and population files.

Lookups are written to tmp_path by each test (fictional areas matching the Testshire police
fixtures in tests/data/police_uk); every expected value is worked out from those rows by hand.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.geography import (
    la_name_key,
    local_authorities_of,
    read_lad_lookup,
    read_lsoa_lookup,
    read_population,
)
from pccanalysis.sources.placing import UNMATCHED_REASON, attach_geography
from pccanalysis.sources.police_uk.read import read_street

LSOA_LOOKUP = """FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM
1,E01000001,Testville 001A,E05000001,Central,E07000001,Testville
2,E01000002,Testville 002B,E05000002,Northside,E07000001,Testville
3,E01000003,Otherton 001A,E05000003,Otherton Town,E07000002,Otherton
"""
# Elsewhere sits in two CSPs (as East Suffolk did in 2019): ONS lists it once per CSP.
LAD_LOOKUP = """FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM
1,E07000001,Testville,E22000001,Testville,E23000001,Testshire
2,E07000002,Otherton,E22000002,Otherton,E23000001,Testshire
3,E07000003,Elsewhere,E22000003,Elsewhere North,E23000002,Farshire
4,E07000003,Elsewhere,E22000004,Elsewhere South,E23000002,Farshire
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def lookups(tmp_path):
    return (read_lsoa_lookup(write(tmp_path / "lsoa.csv", LSOA_LOOKUP)),
            read_lad_lookup(write(tmp_path / "lad.csv", LAD_LOOKUP)))


@pytest.fixture()
def police(test_data):
    return read_street(test_data / "police_uk" / "folder", cache_dir=False)


def _error(fn, path) -> str:
    with pytest.raises(DataError) as info:
        fn(path)
    return str(info.value)


# --------------------------------------------------------------------------------------------
# Reading lookups


def test_lsoa_lookup_columns_and_vintages(lookups):
    lsoa, _ = lookups
    assert list(lsoa.columns) == ["lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code",
                                  "lad_name"]
    assert lsoa["ward_name"].tolist() == ["Central", "Northside", "Otherton Town"]
    assert lsoa.attrs["vintages"] == {"lsoa": "2011", "ward": "2019", "lad": "2019"}
    assert all(str(t) == "str" for t in lsoa.dtypes)


def test_any_vintage_suffix_and_ons_extras(tmp_path):
    # 2021 LSOAs, 2023 wards, a LAD22 and a LAD23 pair (the later is used), Welsh names and
    # ObjectId ignored.
    p = write(tmp_path / "l.csv",
              "ObjectId,LSOA21CD,LSOA21NM,WD23CD,WD23NM,WD23NMW,LAD22CD,LAD22NM,LAD23CD,LAD23NM\n"
              "1,W01000001,Cardiff 001A,W05000001,Adamsdown,Adamsdown,W06000099,Old,"
              "W06000015,Cardiff\n")
    lsoa = read_lsoa_lookup(p)
    assert lsoa.iloc[0].tolist() == ["W01000001", "Cardiff 001A", "W05000001", "Adamsdown",
                                     "W06000015", "Cardiff"]
    assert lsoa.attrs["vintages"] == {"lsoa": "2021", "ward": "2023", "lad": "2023"}


def test_lad_lookup_keeps_a_lad_split_between_csps(lookups):
    _, lad = lookups
    assert list(lad.columns) == ["lad_code", "lad_name", "csp_code", "csp_name", "pfa_code",
                                 "pfa_name"]
    assert lad["csp_name"].tolist() == ["Testville", "Otherton", "Elsewhere North",
                                        "Elsewhere South"]


def test_lookup_errors(tmp_path):
    p = write(tmp_path / "a.csv", LSOA_LOOKUP.replace("WD19NM", "WD19_NM"))
    assert _error(read_lsoa_lookup, p) == (
        f"{p}, line 1, column 'WD<yy>NM': the column is missing from the header "
        "(is 'WD19_NM' the same column renamed?)."
    )
    p = write(tmp_path / "b.csv", LSOA_LOOKUP.replace(",LAD19CD,LAD19NM", "").replace(
        ",E07000001,Testville\n", "\n").replace(",E07000002,Otherton\n", "\n"))
    assert _error(read_lsoa_lookup, p) == (
        f"{p}, line 1, column 'LAD<yy>CD': the column is missing from the header."
    )
    p = write(tmp_path / "c.csv", LSOA_LOOKUP.replace("2,E01000002", "2,"))
    assert _error(read_lsoa_lookup, p) == f"{p}, line 3, column 'LSOA11CD': the code is empty."
    p = write(tmp_path / "d.csv", LSOA_LOOKUP.replace("3,E01000003", "3,E01000001"))
    assert _error(read_lsoa_lookup, p) == (
        f"{p}, line 4, column 'LSOA11CD': E01000001 appears again (first on line 2); the lookup "
        "must have one row per LSOA."
    )
    p = write(tmp_path / "e.csv", "FID,LAD19CD,LAD19NM\n1,E07000001,Testville\n")
    assert _error(read_lad_lookup, p) == (
        f"{p}, line 1, column 'CSP<yy>CD': the column is missing from the header."
    )
    p = write(tmp_path / "f.csv", "")
    assert _error(read_lsoa_lookup, p) == f"{p}: the file is empty."
    p = write(tmp_path / "g.csv", "<html><body>Not found</body></html>")
    assert _error(read_lad_lookup, p) == f"{p}, line 1: the file is not CSV text."
    assert _error(read_lad_lookup, tmp_path / "h.csv") == f"{tmp_path / 'h.csv'}: the file does not exist."


# --------------------------------------------------------------------------------------------
# Attaching geography


def test_attach_geography(police, lookups):
    frame, dq = police
    lsoa, lad = lookups
    out = attach_geography(frame, lsoa, lad, dq)
    # Rows: 0-2 E01000001, 3-4 E01000002, 5-6 E01000003, 7 no location, 8 E01000001,
    # 9 E01000002, 10 E01000004 ("Elsewhere 010C", not in the lookup).
    na = "-"  # a missing value, below
    assert out["ward_name"].fillna(na).tolist() == (["Central"] * 3 + ["Northside"] * 2 + ["Otherton Town"] * 2
                                         + [na, "Central", "Northside", na])
    # Row 10: ward unknown, but the LA comes from its LSOA name and its code from that name.
    assert out["lad_name"].fillna(na).tolist() == ["Testville"] * 5 + ["Otherton"] * 2 + [na] + ["Testville"] * 2 + ["Elsewhere"]
    assert out.loc[10, "lad_code"] == "E07000003"
    # Elsewhere lies in two CSPs, so its rows cannot be given one; its force area is known.
    assert out["csp_name"].fillna(na).tolist() == ["Testville"] * 5 + ["Otherton"] * 2 + [na, "Testville", "Testville", na]
    assert out["pfa_name"].fillna(na).tolist() == ["Testshire"] * 7 + [na, "Testshire", "Testshire", "Farshire"]
    assert out["ward_unmatched"].tolist() == [False] * 10 + [True]  # row 7 has no_location instead
    assert out["ward_unmatched"].dtype == bool
    for col in ("ward_code", "ward_name", "lad_code", "lad_name", "csp_code", "csp_name",
                "pfa_code", "pfa_name"):
        assert str(out[col].dtype) == "str"
    assert dq.flagged[UNMATCHED_REASON] == 1
    assert dq.notes[-1] == (
        "1 row in 1 LSOA with codes not in the ward lookup (2011-based): ward unknown, local "
        "authority taken from the LSOA name."
    )
    assert "ward_code" not in frame  # the input is left as it was
    assert list(out.columns[: len(frame.columns)]) == list(frame.columns)


def test_attach_without_lad_lookup(police, lookups):
    frame, _ = police
    out = attach_geography(frame, lookups[0])
    assert out.loc[10, "lad_name"] == "Elsewhere" and pd.isna(out.loc[10, "lad_code"])
    assert out.loc[0, "lad_code"] == "E07000001"
    assert out["csp_code"].isna().all() and out["pfa_name"].isna().all()


def test_la_name_key_bridges_ons_and_lsoa_spellings():
    assert la_name_key("Bristol, City of") == la_name_key("Bristol") == "bristol"
    assert la_name_key("Herefordshire, County of") == "herefordshire"
    assert la_name_key("The Vale of Glamorgan") == la_name_key("Vale of Glamorgan")
    assert la_name_key("St. Helens") == la_name_key("St Helens")
    assert la_name_key("Brighton & Hove") == la_name_key("Brighton and Hove")
    assert la_name_key("North East Derbyshire") != la_name_key("Derbyshire Dales")


def test_unmatched_lsoa_finds_its_lad_code_through_an_ons_spelling(tmp_path):
    # A 2021 LSOA of Hull, absent from the 2011 lookup: its name says "Kingston upon Hull",
    # the LAD lookup says "Kingston upon Hull, City of".
    lad = read_lad_lookup(write(tmp_path / "lad.csv", LAD_LOOKUP + (
        '5,E06000010,"Kingston upon Hull, City of",E22000010,Hull,E23000034,Humberside\n')))
    frame = pd.DataFrame({"lsoa_code": pd.array(["E01035000"], dtype="str"),
                          "local_authority": pd.array(["Kingston upon Hull"], dtype="str")})
    lsoa = read_lsoa_lookup(write(tmp_path / "lsoa.csv", LSOA_LOOKUP))
    out = attach_geography(frame, lsoa, lad)
    assert out.iloc[0][["lad_code", "lad_name", "pfa_name", "ward_unmatched"]].tolist() == [
        "E06000010", "Kingston upon Hull", "Humberside", True]


def test_local_authorities_of_a_force_or_csp(lookups, tmp_path):
    _, lad = lookups
    assert local_authorities_of(lad, "testshire") == ["Otherton", "Testville"]
    assert local_authorities_of(lad, "E23000001") == ["Otherton", "Testville"]
    assert local_authorities_of(lad, "Elsewhere North") == ["Elsewhere"]
    # "Testville" is a CSP, not a force area.
    assert local_authorities_of(lad, "Testville", level="csp") == ["Testville"]
    with pytest.raises(DataError, match="'Testville' is not a police force area in this lookup"):
        local_authorities_of(lad, "Testville", level="pfa")
    assert local_authorities_of(tmp_path / "lad.csv", "Farshire") == ["Elsewhere"]
    with pytest.raises(DataError) as info:
        local_authorities_of(lad, "Testshir")
    assert str(info.value) == (
        f"{tmp_path / 'lad.csv'}: 'Testshir' is not a police force area or CSP in this lookup "
        "(did you mean 'Testshire'?)."
    )


# --------------------------------------------------------------------------------------------
# Population


def test_population(tmp_path):
    p = write(tmp_path / "pop.csv", 'area_code,area_name,year,population\n'
              'E05000001,Central,2019,"12,345"\n\nE05000001,Central,mid-2020,12400\n'
              'E05000002,Northside,2019,8000\n')
    pop = read_population(p)
    assert pop.to_dict("list") == {
        "area_code": ["E05000001", "E05000001", "E05000002"],
        "area_name": ["Central", "Central", "Northside"],
        "year": [2019, 2020, 2019],
        "population": [12345, 12400, 8000],
    }
    assert [str(t) for t in pop.dtypes] == ["str", "str", "int64", "int64"]


def test_population_with_ons_style_headers(tmp_path):
    p = write(tmp_path / "pop.csv", "LAD21CD,LAD21NM,Mid-year,All ages\nE07000001,Testville,2021,99\n")
    assert read_population(p).iloc[0].tolist() == ["E07000001", "Testville", 2021, 99]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("E05000001,Central,20x9,10\n", "line 2, column 'year': '20x9' is not a year."),
        ("E05000001,Central,2019,-5\n",
         "line 2, column 'population': '-5' is not a population (a whole number, 0 or more)."),
        ("E05000001,Central,2019,12.5\n",
         "line 2, column 'population': '12.5' is not a population (a whole number, 0 or more)."),
        (",Central,2019,10\n", "line 2, column 'area_code': the area code is empty."),
        ("E05000001,Central,2019,10\nE05000001,Central,2019,11\n",
         "line 3, column 'area_code': E05000001 appears again for 2019 (first on line 2)."),
    ],
)
def test_population_errors(tmp_path, body, message):
    p = write(tmp_path / "pop.csv", "area_code,area_name,year,population\n" + body)
    assert _error(read_population, p) == f"{p}, {message}"


def test_population_missing_column(tmp_path):
    p = write(tmp_path / "pop.csv", "area_code,area_name,year,people\nE1,A,2019,5\n")
    assert _error(read_population, p) == (
        f"{p}, line 1, column 'population': the column is missing from the header."
    )


# --------------------------------------------------------------------------------------------
# Real data (../shared): 2023-24 Derbyshire rows carry 2021 LSOA codes; the lookup is 2011-based


@pytest.mark.real_data
def test_real_ward_lookup_reports_rows_with_2021_lsoa_codes(
    derbyshire_zip, ons_lsoa_ward_lookup, ons_lad_csp_lookup
):
    frame, dq = read_street(derbyshire_zip, cache_dir=False)
    lad = read_lad_lookup(ons_lad_csp_lookup)
    out = attach_geography(frame, read_lsoa_lookup(ons_lsoa_ward_lookup), lad, dq)

    # The same count worked out independently, in plain Python, from the raw files.
    with open(ons_lsoa_ward_lookup, newline="", encoding="utf-8-sig") as fh:
        known = {r["LSOA11CD"] for r in csv.DictReader(fh)}
    unmatched, missing_lsoas = 0, set()
    with zipfile.ZipFile(derbyshire_zip) as zf:
        for name in zf.namelist():
            if name.endswith("-street.csv"):
                rows = csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"), newline=""))
                at = next(rows).index("LSOA code")
                for r in rows:
                    code = r[at]
                    if code and code not in known:
                        unmatched += 1
                        missing_lsoas.add(code)
    lsoas = len(missing_lsoas)
    assert (unmatched, lsoas) == (10_808, 75)  # measured, and equal to the loader's below
    assert int(out["ward_unmatched"].sum()) == unmatched
    assert dq.flagged[UNMATCHED_REASON] == unmatched
    assert out.loc[out["ward_unmatched"], "ward_code"].isna().all()
    # Their local authority is still known from the LSOA name.
    assert out.loc[out["ward_unmatched"], "lad_name"].notna().all()
    dq.check()
    assert local_authorities_of(lad, "Derbyshire") == [
        "Amber Valley", "Bolsover", "Chesterfield", "Derby", "Derbyshire Dales", "Erewash",
        "High Peak", "North East Derbyshire", "South Derbyshire",
    ]  # fmt: skip
