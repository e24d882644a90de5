"""Tests for pccanalysis.sources.police_uk.national: the columnar path for every force at once.

Hand-made street files are written to tmp_path; every expected count is worked out in a comment.
One real-data test checks the Arrow counts against the pandas path (read_street +
attach_geography) on the Derbyshire zip in ../shared.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pccanalysis.errors import DataError, PccError
from pccanalysis.sources.police_uk.national import (
    build_street_dataset,
    count_by_csp,
    csp_map,
    open_street_dataset,
    year_on_year_counts,
)

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")

# Where a row is: (LSOA code, LSOA name). Alpha's code is in the lookup; Beta's 2021 code is not
# but its name names a local authority in it; Gamma's local authority is in neither; NOWHERE
# has no location.
ALPHA = ("E01000001", "Alpha 001A")
BETA_2021 = ("E01099999", "Beta 002B")
GAMMA = ("E01088888", "Gamma 001A")
NOWHERE = ("", "")


def street_row(month: str, where: tuple[str, str], crime_type: str = "Burglary", n: int = 0,
               force_name: str = "Test Police") -> str:
    code, name = where
    lon, lat = ("-1.100000", "52.900000") if code else ("", "")
    location = "On or near Example Road" if code else "No location"
    crime_id = "" if crime_type == "Anti-social behaviour" else f"fake-{month}-{n}"
    return (f"{crime_id},{month},{force_name},{force_name},{lon},{lat},{location},{code},{name},"
            f"{crime_type},,")


def write_street(folder: Path, force: str, month: str, rows: list[str]) -> Path:
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def mapping(tmp_path):
    lsoa = tmp_path / "lsoa_lookup.csv"
    lsoa.write_text(
        "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"
        "1,E01000001,Alpha 001A,E05000001,Ward A,E07000001,Alpha\n"
        "2,E01000002,Beta 001A,E05000002,Ward B,E07000002,Beta\n"
    )
    lad = tmp_path / "lad_lookup.csv"
    lad.write_text(
        "FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM\n"
        "1,E07000001,Alpha,E22000001,Alpha CSP,E23000001,Test Force Area\n"
        "2,E07000002,Beta,E22000002,Beta CSP,E23000001,Test Force Area\n"
    )
    return csp_map(lsoa, lad)


@pytest.fixture
def small(tmp_path):
    """Two forces: force-one in 2023-01 and 2023-02, force-two in 2023-01."""
    src = tmp_path / "police-uk"
    write_street(src, "force-one", "2023-01", [
        street_row("2023-01", ALPHA, "Burglary", 1),
        street_row("2023-01", ALPHA, "Burglary", 2),
        street_row("2023-01", ALPHA, "Anti-social behaviour"),
        street_row("2023-01", BETA_2021, "Burglary", 3),
        street_row("2023-01", GAMMA, "Burglary", 4),
        street_row("2023-01", NOWHERE, "Shoplifting", 5),
    ])
    write_street(src, "force-one", "2023-02", [street_row("2023-02", ALPHA, "Robbery", 1)])
    write_street(src, "force-two", "2023-01", [street_row("2023-01", BETA_2021, "Drugs", 1)])
    return src


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_build_writes_one_partition_per_force_and_month(small, tmp_path):
    dest = tmp_path / "dataset"
    dq = build_street_dataset(small, dest)
    assert listing(dest) == [
        "force=force-one/month=2023-01/part-0.parquet",
        "force=force-one/month=2023-02/part-0.parquet",
        "force=force-two/month=2023-01/part-0.parquet",
    ]
    # 6 + 1 + 1 rows
    assert (dq.rows_read, dq.rows_kept) == (8, 8)
    assert [f.note for f in dq.files] == ["converted"] * 3
    table = open_street_dataset(dest).to_table()
    assert table.num_rows == 8
    assert sorted(set(table.column("force").to_pylist())) == ["force-one", "force-two"]


def test_build_again_converts_only_changed_files(small, tmp_path):
    dest = tmp_path / "dataset"
    build_street_dataset(small, dest)
    assert [f.note for f in build_street_dataset(small, dest).files] == ["already converted"] * 3
    write_street(small, "force-two", "2023-01", [street_row("2023-01", ALPHA, "Drugs", 1),
                                                 street_row("2023-01", ALPHA, "Drugs", 2)])
    dq = build_street_dataset(small, dest)
    assert [f.note for f in dq.files] == ["already converted", "already converted", "converted"]
    assert dq.rows_read == 9  # 6 + 1 + 2


def test_build_reads_zip_archives_in_place_and_skips_dot_folders(small, tmp_path):
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(small.rglob("*.csv")):
            zf.write(p, p.relative_to(small).as_posix())
    # a kept vintage from `pcc download` must not be read
    write_street(small / ".vintages" / "2023-03-01", "force-one", "2023-01",
                 [street_row("2023-01", ALPHA)] * 50)
    from_folder = build_street_dataset(small, tmp_path / "a")
    from_zip = build_street_dataset(archive, tmp_path / "b")
    assert from_folder.rows_read == from_zip.rows_read == 8
    assert from_zip.files[0].path == f"{archive}:2023-01/2023-01-force-one-street.csv"


def test_build_filters_forces_and_months(small, tmp_path):
    dq = build_street_dataset(small, tmp_path / "d", forces=["force-one"], months=["2023-02"])
    assert [f.path for f in dq.files] == [str(small / "2023-02" / "2023-02-force-one-street.csv")]
    with pytest.raises(PccError) as err:
        build_street_dataset(small, tmp_path / "d", forces=["kent"])
    assert str(err.value) == (
        f"No data.police.uk street file (YYYY-MM-<force>-street.csv) was found in {small} for "
        f"the forces and months asked for.")


@pytest.mark.parametrize("rows, message", [
    ([street_row("2023-01", ALPHA), "x,2023-01,short row"],
     "line 3: the row has 3 fields where the header has 12."),
    ([street_row("2023-01", ALPHA).replace("-1.100000", "west")],
     "line 2, column 'Longitude': 'west' is not a number."),
    ([street_row("2023-01", ALPHA), street_row("2023-01", ALPHA), street_row("2023-02", ALPHA)],
     "line 4, column 'Month': the month 2023-02 differs from the file's month 2023-01."),
])
def test_bad_rows_name_the_line_and_leave_no_partition(tmp_path, rows, message):
    src = tmp_path / "police-uk"
    path = write_street(src, "force-one", "2023-01", rows)
    with pytest.raises(DataError) as err:
        build_street_dataset(src, tmp_path / "dataset")
    assert str(err.value) == f"{path}, {message}"
    assert listing(tmp_path / "dataset") == []


def test_wrong_header_is_refused(tmp_path):
    path = tmp_path / "2023-01-force-one-street.csv"
    path.write_text(HEADER.replace("LSOA code", "LSOA") + "\n" + street_row("2023-01", ALPHA))
    with pytest.raises(DataError) as err:
        build_street_dataset(path, tmp_path / "dataset")
    assert str(err.value) == (
        f"{path}, line 1: the header is not data.police.uk's street-level header: column "
        f"'LSOA code' is missing.")


def test_count_by_csp_matches_by_code_then_by_local_authority_name(small, tmp_path, mapping):
    dest = tmp_path / "dataset"
    build_street_dataset(small, dest)
    counts, dq = count_by_csp(dest, mapping, by_crime_type=False)
    got = {(r.force, str(r.month), r.csp_code if isinstance(r.csp_code, str) else None): r.count
           for r in counts.itertuples()}
    # force-one 2023-01: Alpha by code 3 (2 burglaries + ASB); Beta by name 1;
    #   Gamma (unknown local authority) 1 + no location 1 -> 2 without a CSP
    # force-one 2023-02: Alpha 1; force-two 2023-01: Beta by name 1
    assert got == {
        ("force-one", "2023-01", "E22000001"): 3,
        ("force-one", "2023-01", "E22000002"): 1,
        ("force-one", "2023-01", None): 2,
        ("force-one", "2023-02", "E22000001"): 1,
        ("force-two", "2023-01", "E22000002"): 1,
    }
    assert counts["count"].sum() == dq.rows_read == 8
    assert counts["month"].dtype == pd.PeriodDtype("M")
    assert counts.loc[0, "pfa_name"] == "Test Force Area"
    assert dq.flagged == {
        "CSP found from the local authority in the LSOA name (LSOA code not in the lookup)": 2,
        "no location, so no CSP": 1,
        "located in a local authority not in the lookup or split between CSPs, so no CSP": 1,
    }


def test_count_by_csp_by_crime_type_and_filters(small, tmp_path, mapping):
    dest = tmp_path / "dataset"
    build_street_dataset(small, dest)
    counts, dq = count_by_csp(dest, mapping, forces=["force-one"], months=["2023-01"])
    alpha = counts[counts["csp_code"] == "E22000001"]
    # Alpha in force-one 2023-01: 2 burglaries, 1 ASB
    assert dict(zip(alpha["crime_type"], alpha["count"], strict=True)) == {
        "Anti-social behaviour": 1, "Burglary": 2}
    assert dq.rows_read == 6
    with pytest.raises(PccError) as err:
        count_by_csp(dest, mapping, forces=["kent"])
    assert str(err.value) == (
        "The street dataset holds no partition for the forces and months asked for.")


def test_year_on_year_counts_feed_change_by(tmp_path, mapping):
    from pccanalysis.indicators.change import Caveat, change_by, rolling_12_months
    from pccanalysis.indicators.gaps import Gap

    src = tmp_path / "police-uk"
    for month in pd.period_range("2023-01", "2023-12", freq="M").astype(str):
        # 2023: 2 rows in Alpha and 1 without location each month
        write_street(src, "force-one", month, [street_row(month, ALPHA, n=1),
                                               street_row(month, ALPHA, n=2),
                                               street_row(month, NOWHERE, n=3)])
    for month in pd.period_range("2024-01", "2024-12", freq="M").astype(str):
        if month == "2024-06":
            continue  # a publication gap: the month is missing
        # 2024: 3 rows in Alpha and 1 in Beta (by name) each month
        write_street(src, "force-one", month, [street_row(month, ALPHA, n=1),
                                               street_row(month, ALPHA, n=2),
                                               street_row(month, ALPHA, n=3),
                                               street_row(month, BETA_2021, n=4)])
    dest = tmp_path / "dataset"
    build_street_dataset(src, dest)
    counts, dq = year_on_year_counts(dest, mapping, "2024-12")
    # The source counts by month and CSP and computes no change.
    assert list(counts.columns) == ["force", "month", "csp_code", "csp_name", "pfa_code",
                                    "pfa_name", "count"]
    assert counts["count"].sum() == dq.rows_read == 12 * 3 + 11 * 4  # 36 + 44 = 80
    assert counts.attrs["period_now"] == "2024-01 to 2024-12"
    assert counts.attrs["months"][0] == pd.Period("2023-01", "M") and len(counts.attrs["months"]) == 24
    assert counts.attrs["missing"].astype(str).values.tolist() == [["2024-06", "force-one"]]
    assert ("force-one has no street file for 2024-06: a publication gap, not zero crime."
            in dq.notes)

    comp = rolling_12_months("2024-12")
    by = ["force", "csp_code", "csp_name"]
    naive = change_by(counts, comp, by, count_column="count", dropna=False,
                      available_months=counts.attrs["months"])
    rows = {r.csp_code if isinstance(r.csp_code, str) else None: r for r in naive.itertuples()}
    # Alpha: before 12 x 2 = 24, now 11 x 3 = 33, +37.5%; 33 of 57 at 1/2 is no evidence.
    a = rows["E22000001"]
    assert (a.current, a.previous, a.absolute, a.percent) == (33, 24, 9, 37.5)
    assert a.verdict == "similar"
    # Beta: before 0, now 11 x 1 = 11; no percentage from zero, but 11 of 11 at 1/2 is
    # p = 2 / 2^11 = 0.00098: "rose".
    b = rows["E22000002"]
    assert (b.current, b.previous) == (11, 0) and math.isnan(b.percent) and b.verdict == "rose"
    assert b.p_value == pytest.approx(2 / 2**11)
    # No location: before 12 x 1 = 12, now 0: -100%.
    n = rows[None]
    assert (n.current, n.previous, n.percent, n.verdict) == (0, 12, -100.0, "fell")

    # The missing month is a known gap of the force. As a caveat it is named; left out with its
    # pair, 11 months are compared with 11: Alpha 33 against 22, +50%.
    gaps = counts.attrs["missing"]
    flagged = change_by(counts, comp, by, count_column="count", dropna=False,
                        available_months=counts.attrs["months"], gaps=gaps)
    june = pd.Period("2024-06", "M")  # worded in tests/narrative/test_gaps.py
    assert set(flagged["caveat"]) == {Caveat(gaps=(Gap(june, ("force-one",)),))}
    fair = change_by(counts, comp, by, count_column="count", dropna=False,
                     available_months=counts.attrs["months"], gaps=gaps, gap_policy="exclude")
    a = fair.set_index("csp_code").loc["E22000001"]
    assert (a["current"], a["previous"], a["percent"]) == (33, 22, 50.0)
    assert a["current_label"] == "January to December 2024 excluding June 2024"
    assert a["caveat"].left_out == (june,)


def test_open_street_dataset_refuses_an_empty_folder(tmp_path):
    with pytest.raises(PccError) as err:
        open_street_dataset(tmp_path)
    assert str(err.value) == (
        f"{tmp_path} holds no street dataset; build it with build_street_dataset.")


@pytest.mark.real_data
def test_real_counts_equal_the_pandas_path(derbyshire_zip, ons_lsoa_ward_lookup,
                                           ons_lad_csp_lookup, tmp_path):
    from pccanalysis.sources.geography import read_lad_lookup, read_lsoa_lookup
    from pccanalysis.sources.placing import attach_geography
    from pccanalysis.sources.police_uk.read import read_street

    lsoas, lads = read_lsoa_lookup(ons_lsoa_ward_lookup), read_lad_lookup(ons_lad_csp_lookup)
    dq = build_street_dataset(derbyshire_zip, tmp_path / "dataset")
    counts, cdq = count_by_csp(tmp_path / "dataset", csp_map(lsoas, lads))
    frame, fdq = read_street(derbyshire_zip, cache_dir=False)
    frame = attach_geography(frame, lsoas, lads)
    assert dq.rows_read == cdq.rows_read == fdq.rows_read == len(frame)
    expected = (frame.groupby([frame["month"].astype(str), "csp_code", "crime_type"],
                              dropna=False, observed=True).size())
    got = counts.groupby([counts["month"].astype(str), "csp_code", "crime_type"],
                         dropna=False)["count"].sum()
    both = pd.concat([expected.rename("pandas"), got.rename("arrow")], axis=1)
    assert both["pandas"].equals(both["arrow"])
