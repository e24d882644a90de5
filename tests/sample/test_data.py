"""Tests for the SYNTHETIC Northbridge sample (pccanalysis.sample and `pcc sample-data`).

The sample is generated once per module (about 0.1 s) and read back with plain pandas, so the
checks below do not depend on the project's own loaders, except the last one, which checks that
the data.police.uk loader accounts for every row of the sample.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pccanalysis.cli import cli
from pccanalysis.errors import PccError
from pccanalysis.sample import data as sample
from pccanalysis.sample.data import WARDS
from pccanalysis.sample.geography import lsoa_lookup
from pccanalysis.sample.write import write_sample

# The street-level header as data.police.uk publishes it (https://data.police.uk/about/).
PUBLISHED_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
ASB = "Anti-social behaviour"


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("samples")


@pytest.fixture(scope="module")
def paths(tmp_root):
    return write_sample(tmp_root / "api", seed=2021)


@pytest.fixture(scope="module")
def raw(paths) -> pd.DataFrame:
    """Every street row as text, with the ward and district from the sample's own lookup."""
    files = sorted(paths["police_uk"].glob("*/*-street.csv"))
    frame = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.name) for f in files],
        ignore_index=True,
    )
    lookup = pd.read_csv(paths["lsoa_lookup"], dtype=str)
    frame = frame.merge(
        lookup[["LSOA11CD", "WD19NM", "LAD19NM"]], how="left", left_on="LSOA code",
        right_on="LSOA11CD",
    )
    month = pd.PeriodIndex(frame["Month"], freq="M")
    frame["fy"] = np.where(month.month >= 4, month.year, month.year - 1)  # 2019 = 2019-20
    frame["asb"] = frame["Crime type"] == ASB
    return frame


# ---------------------------------------------------------------------------------------------
# Determinism and the write itself


def test_same_seed_gives_byte_identical_files_from_api_and_cli(paths, tmp_root):
    result = CliRunner().invoke(cli, ["sample-data", "--out", str(tmp_root / "cli")])
    assert result.exit_code == 0, result.output
    first, second = _digests(paths.root), _digests(tmp_root / "cli")
    assert first == second
    # 36 street files + 3 geography files + README + info + .complete at least.
    assert len(first) >= 36 + 3 + 3


def test_another_seed_changes_the_events_but_not_the_map():
    a, b = sample.street_table(2021), sample.street_table(2022)
    assert not a.equals(b)
    # The map does not depend on the seed: the same LSOAs and street points are used.
    assert set(a.column("LSOA code").drop_null().to_pylist()) <= set(lsoa_lookup()["LSOA11CD"])
    assert set(b.column("Location").to_pylist()) & set(a.column("Location").to_pylist())


def test_return_value_lists_the_files_and_is_marked_synthetic(paths):
    assert paths.synthetic is True and sample.SYNTHETIC is True
    assert paths.area == sample.SAMPLE_AREA == "Northbridge"
    assert "SYNTHETIC" in paths.label
    for key in ("police_uk", "lsoa_lookup", "lad_lookup", "population", "readme", "info", "complete"):
        assert paths[key].exists(), key
        assert paths.root in paths[key].parents
    assert paths["lsoa_lookup"].name == "lsoa11_ward19_lad19_lookup.csv"
    assert paths["lad_lookup"].name == "lad19_csp19_pfa19_lookup.csv"
    assert paths["complete"] == paths.root / ".complete"


def test_readme_and_info_say_it_is_synthetic(paths):
    readme = paths["readme"].read_text(encoding="utf-8")
    assert readme.startswith("SYNTHETIC DATA - NOT REAL")
    assert "fictional" in readme or "invented" in readme
    assert "October 2020" in readme and "x0.50" in readme and "x1.30" in readme
    info = json.loads(paths["info"].read_text(encoding="utf-8"))
    assert info["synthetic"] is True
    assert info["area"] == "Northbridge" and "SYNTHETIC" in info["label"]
    # 0.20 x 0.50 + 0.06 x 1.25 + 0.74 x 0.85 = 0.100 + 0.075 + 0.629 = 0.804
    assert info["effects"]["crime_factor_area"] == 0.804
    assert sum(info["rows_per_month"].values()) > 0


def test_no_temporary_folders_are_left_beside_the_sample(paths):
    assert sorted(p.name for p in paths.root.parent.iterdir() if p.name.startswith(".")) == []


def test_cli_refuses_to_overwrite_without_force_then_replaces_with_force(tmp_path):
    out = tmp_path / "sample"
    runner = CliRunner()
    assert runner.invoke(cli, ["sample-data", "--out", str(out), "--seed", "7"]).exit_code == 0
    (out / "marker.txt").write_text("from the first run")

    refused = runner.invoke(cli, ["sample-data", "--out", str(out)])
    assert refused.exit_code == 1
    assert f"{out} already holds a sample; use --force to replace it." in refused.output
    assert (out / "marker.txt").exists()

    replaced = runner.invoke(cli, ["sample-data", "--out", str(out), "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert "Wrote the SYNTHETIC Northbridge sample (seed 2021)" in replaced.output
    assert not (out / "marker.txt").exists()
    assert (out / ".complete").read_text() == "synthetic sample, seed 2021\n"


def test_a_folder_that_is_not_a_sample_is_never_replaced(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "real.csv").write_text("keep me")
    with pytest.raises(PccError) as info:
        write_sample(out)
    assert str(info.value) == (
        f"{out} already holds files that are not a synthetic sample (no SYNTHETIC_DATA.txt);"
        " choose an empty or new folder for the sample."
    )
    assert (out / "real.csv").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


# ---------------------------------------------------------------------------------------------
# The data.police.uk layout


def test_monthly_folders_and_file_names_follow_data_police_uk(paths):
    folders = sorted(p.name for p in paths["police_uk"].iterdir())
    assert folders == [str(m) for m in pd.period_range("2018-04", "2021-03", freq="M")]
    assert len(folders) == 36
    for name in folders:
        assert [f.name for f in (paths["police_uk"] / name).iterdir()] == [
            f"{name}-northbridge-street.csv"
        ]


def test_files_are_plain_csv_like_the_published_ones(paths):
    data = (paths["police_uk"] / "2019-06" / "2019-06-northbridge-street.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    assert b"\r" not in data and b'"' not in data
    assert data.endswith(b"\n")
    lines = data.decode("utf-8").split("\n")[:-1]
    assert lines[0] == PUBLISHED_HEADER
    assert all(line.count(",") == 11 for line in lines)


def test_header_equals_the_real_published_header(paths, derbyshire_zip):
    with zipfile.ZipFile(derbyshire_zip) as z:
        member = next(n for n in z.namelist() if n.endswith("-street.csv"))
        real = z.read(member).decode("utf-8-sig").splitlines()[0]
    ours = (paths["police_uk"] / "2018-04" / "2018-04-northbridge-street.csv").read_text()
    assert ours.splitlines()[0] == real


def test_month_column_matches_the_file_and_force_columns_are_constant(raw):
    assert (raw["file"].str[:7] == raw["Month"]).all()
    assert set(raw["Reported by"]) == set(raw["Falls within"]) == {"Northbridge Police"}
    assert set(raw["Context"]) == {""}


def test_rows_per_month_are_in_range_and_the_gap_month_is_short(raw):
    per_month = raw.groupby("Month").size()
    # Expected totals from expected_counts(): 3,064 (Dec 2020/Jan 2021) to 3,912 (Jun/Jul
    # 2018-19), plus about 10 duplicate rows; Poisson sd about 60.
    others = per_month.drop("2020-10")
    assert others.between(2900, 4100).all(), others[~others.between(2900, 4100)]
    # October 2020: crime as usual (~2,434) + 10% of its ASB (~80) = ~2,514 expected.
    assert 2300 <= per_month["2020-10"] <= 2750


def test_crime_types_are_the_fourteen_published_ones(raw):
    published = {
        "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson",
        "Drugs", "Other crime", "Other theft", "Possession of weapons", "Public order",
        "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime",
        "Violence and sexual offences",
    }  # fmt: skip
    assert set(raw["Crime type"]) == published
    shares = raw.loc[~raw["asb"], "Crime type"].value_counts(normalize=True)
    assert shares.index[0] == "Violence and sexual offences"
    assert 0.30 < shares.iloc[0] < 0.42  # 37% in ordinary wards, less in the city centre mix


def test_asb_rows_have_no_crime_id_or_outcome_and_crimes_have_hex_ids(raw):
    asb = raw[raw["asb"]]
    assert (asb["Crime ID"] == "").all()
    assert (asb["Last outcome category"] == "").all()
    crimes = raw[~raw["asb"]]
    assert crimes["Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert (crimes["Last outcome category"] != "").all()
    assert "Investigation complete; no suspect identified" in set(crimes["Last outcome category"])
    # Recent crimes are more often still under investigation (55% in March 2021, halving
    # every 2 months) than crimes a year older (0.55 x 0.5^6 = 0.9%).
    pending = crimes["Last outcome category"].eq("Under investigation").groupby(crimes["Month"]).mean()
    assert pending["2021-03"] > 0.4 and pending["2020-03"] < 0.03


def test_rows_without_location_look_like_the_published_ones(raw):
    lost = raw[raw["Location"] == "No location"]
    # 1.0% of about 128,000 rows, so about 1,280.
    assert 0.008 < len(lost) / len(raw) < 0.012
    for column in ("Longitude", "Latitude", "LSOA code", "LSOA name"):
        assert (lost[column] == "").all(), column
    located = raw[raw["Location"] != "No location"]
    assert located["Location"].str.startswith("On or near ").all()
    assert located["Longitude"].str.fullmatch(r"-?\d+\.\d{6}").all()
    lat, lon = located["Latitude"].astype(float), located["Longitude"].astype(float)
    assert lat.between(52.5, 53.0).all() and lon.between(-1.6, -1.0).all()  # the Midlands


def test_a_few_rows_fall_in_the_neighbouring_district(raw):
    outside = raw[raw["LAD19NM"] == "Eastmoor"]
    assert 0.003 < len(outside) / len(raw) < 0.007  # 0.5% of rows
    assert outside["LSOA name"].str.startswith("Eastmoor ").all()
    located = raw[raw["Location"] != "No location"]
    assert located["LAD19NM"].notna().all()  # every LSOA is in the sample's lookup


def test_duplicate_crime_ids_and_exact_duplicate_rows_exist(raw):
    crimes = raw[~raw["asb"]]
    repeated_id = crimes.duplicated(["Month", "Crime ID"])
    exact = crimes.duplicated(["Month", *sample.STREET_COLUMNS])
    # About 0.3% and 0.1% of about 110,000 crimes: roughly 330 and 110.
    assert 200 < repeated_id.sum() < 600
    assert 50 < exact.sum() < 200
    assert (repeated_id & ~exact).sum() > 0  # same ID at another place, not only exact copies


# ---------------------------------------------------------------------------------------------
# Geography and population files


def test_lookups_have_the_ons_columns_and_fictional_codes(paths):
    lsoa = pd.read_csv(paths["lsoa_lookup"], dtype=str)
    lad = pd.read_csv(paths["lad_lookup"], dtype=str)
    assert list(lsoa.columns) == ["FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"]
    assert list(lad.columns) == ["FID", "LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"]
    northbridge = lsoa[lsoa["LAD19CD"] == "E06990001"]
    assert list(dict.fromkeys(northbridge["WD19NM"])) == WARDS
    assert northbridge.groupby("WD19NM").size().min() >= 3
    assert northbridge["LSOA11NM"].str.fullmatch(r"Northbridge \d{3}[A-E]").all()
    assert lsoa["LSOA11CD"].str.startswith("E0199").all() and lsoa["LSOA11CD"].is_unique
    assert lsoa["WD19CD"].str.startswith("E0599").all()
    assert set(lsoa["LAD19NM"]) == {"Northbridge", "Eastmoor"}
    row = lad.set_index("LAD19CD").loc["E06990001"]
    assert (row["CSP19CD"], row["CSP19NM"], row["PFA19CD"]) == ("E22990001", "Northbridge", "E23990001")
    assert lad.set_index("LAD19CD").loc["E07990002", "PFA19CD"] != "E23990001"


def test_lookup_headers_and_codes_against_the_real_ons_files(
    paths, ons_lsoa_ward_lookup, ons_lad_csp_lookup
):
    for ours, real in ((paths["lsoa_lookup"], ons_lsoa_ward_lookup), (paths["lad_lookup"], ons_lad_csp_lookup)):
        assert ours.read_text().splitlines()[0] == real.read_text(encoding="utf-8-sig").splitlines()[0]
        real_codes = set(pd.read_csv(real, dtype=str).iloc[:, 1:].stack())
        our_codes = set(pd.read_csv(ours, dtype=str).filter(regex="CD$").stack())
        assert not our_codes & real_codes  # fictional codes never collide with real ones


def test_population_covers_wards_and_northbridge_for_three_years(paths):
    pop = pd.read_csv(paths["population"], dtype={"area_code": str})
    assert list(pop.columns) == ["area_code", "area_name", "year", "population"]
    assert sorted(pop["year"].unique()) == [2018, 2019, 2020]
    for year, rows in pop.groupby("year"):
        wards = rows[rows["area_code"].str.startswith("E0599")]
        assert list(wards["area_name"]) == WARDS
        whole = rows.set_index("area_code")["population"]
        assert whole["E06990001"] == whole["E22990001"] == wards["population"].sum(), year
    # City Centre 16,480 in mid-2018, +0.5% a year: 16,480 x 1.005 = 16,562.4 -> 16,562.
    cc = pop[pop["area_name"] == "City Centre"].set_index("year")["population"]
    assert (cc[2018], cc[2019]) == (16_480, 16_562)


# ---------------------------------------------------------------------------------------------
# The built-in effects, recovered from the raw rows with plain pandas


def test_crime_fell_about_20_percent_in_2020_21(raw):
    crime = raw[~raw["asb"]].groupby("fy").size()
    change = crime[2020] / crime[2019] - 1
    # Expected 0.20 x 0.50 + 0.06 x 1.25 + 0.74 x 0.85 - 1 = -19.6%; sd about 0.6 points.
    assert -0.25 < change < -0.15


def test_asb_rose_about_30_percent_excluding_the_gap_month(raw):
    asb = raw[raw["asb"] & (raw["Month"].str[5:] != "10")].groupby("fy").size()
    ratio = asb[2020] / asb[2019]
    # Expected exactly 1.30 (same 11 months in both years, so the seasonality cancels); sd 0.02.
    assert 1.20 < ratio < 1.40


def test_city_centre_halved_dales_rose_and_every_other_ward_fell(raw):
    by_ward = raw[~raw["asb"] & (raw["LAD19NM"] == "Northbridge")].groupby(["WD19NM", "fy"]).size()
    ratio = (by_ward.xs(2020, level="fy") / by_ward.xs(2019, level="fy")).reindex(WARDS)
    assert 0.45 < ratio["City Centre"] < 0.55  # expected 0.50, sd 0.01
    assert 1.10 < ratio["Dales"] < 1.40  # expected 1.25, sd 0.04: rising against the trend
    others = ratio.drop(["City Centre", "Dales"])
    assert len(others) == 10
    assert others.between(0.75, 0.95).all(), others  # expected 0.85 each, sd at most 0.03


def test_october_2020_has_about_a_tenth_of_its_asb(raw):
    asb = raw[raw["asb"]].groupby("Month").size()
    neighbours = (asb["2020-09"] + asb["2020-11"]) / 2
    # Expected 0.10 x 800.9 / ((888.7 + 725.5) / 2) = 80.1 / 807.1 = 0.099 (sd about 0.011).
    assert 0.05 < asb["2020-10"] / neighbours < 0.15


def test_asb_and_violence_peak_in_summer(raw):
    year = raw[raw["fy"] == 2018]
    summer = year["Month"].isin(["2018-06", "2018-07"])
    winter = year["Month"].isin(["2018-12", "2019-01"])
    for crime_type, expected in ((ASB, 1.479), ("Violence and sexual offences", 1.214)):
        rows = year["Crime type"] == crime_type
        # ASB: (1 + 0.2 cos(pi/12)) / (1 - 0.2 cos(pi/12)) = 1.193 / 0.807 = 1.479;
        # violence with amplitude 0.1: 1.097 / 0.903 = 1.214.
        ratio = (rows & summer).sum() / (rows & winter).sum()
        assert expected - 0.15 < ratio < expected + 0.15, crime_type


def test_expected_counts_carry_the_documented_effects():
    e = sample.expected_counts()
    assert len(e) == 36 * 12 * 14
    assert e["month"].dtype == "period[M]"
    e["fy"] = np.where(e["month"].dt.month >= 4, e["month"].dt.year, e["month"].dt.year - 1)
    crime = e[e["crime_type"] != ASB].groupby("fy")["expected"].sum()
    assert crime[2018] == pytest.approx(3050 * 12)  # flat before April 2020
    assert crime[2020] / crime[2019] == pytest.approx(0.804)
    asb = e[e["crime_type"] == ASB].groupby("fy")["expected"].sum()
    # ASB 2020-21: 650 x 1.30 x (12 - 0.9 x s_Oct), where the October season factor is
    # s_Oct = 1 + 0.2 cos(2 pi (10 - 6.5) / 12) = 1 + 0.2 cos(7 pi / 12) = 0.9482,
    # so 845 x (12 - 0.8534) = 845 x 11.1466 = 9,418.9
    assert asb[2020] == pytest.approx(9418.9, abs=0.1)
    assert asb[2019] == pytest.approx(650 * 12)


# ---------------------------------------------------------------------------------------------
# The project's loader reads the sample and accounts for every row


def test_police_uk_loader_reads_the_sample_and_its_accounting_ties_out(paths, raw):
    from pccanalysis.sources.police_uk.read import FLAG_REASONS, read_street

    frame, dq = read_street(paths["police_uk"], force_areas=["Northbridge"], cache_dir=False)
    assert dq.rows_read == len(raw) == len(frame)
    assert dq.rows_kept + sum(dq.excluded.values()) == dq.rows_read
    assert len(dq.files) == 36
    crimes = raw[~raw["asb"]]
    expected = {
        "no_location": int((raw["Location"] == "No location").sum()),
        "outside_force_area": int((raw["LAD19NM"] == "Eastmoor").sum()),
        "duplicate_crime_id": int(crimes.duplicated(["Month", "Crime ID"]).sum()),
        "exact_duplicate": int(crimes.duplicated(["Month", *sample.STREET_COLUMNS]).sum()),
    }
    for flag, count in expected.items():
        assert int(frame[flag].sum()) == count, flag
        assert dq.flagged[FLAG_REASONS[flag]] == count, flag
    assert frame["crime_id"].isna().sum() == raw["asb"].sum()
    assert set(frame["local_authority"].dropna()) == {"Northbridge", "Eastmoor"}


def test_a_relative_output_folder_works_from_any_working_directory(tmp_path, monkeypatch):
    # `make report` runs `pcc sample-data --out data/sample`, a path relative to the repo root
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["sample-data", "--out", "data/sample"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "sample" / ".complete").exists()
    assert (tmp_path / "data" / "sample" / "pcc.yaml").exists()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["sample"]
