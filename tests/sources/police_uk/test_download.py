"""Tests for pccanalysis.sources.police_uk.download: planning, extraction, the command.

Against the fake data.police.uk on 127.0.0.1 (fake_police_uk.py); nothing touches the internet.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fake_police_uk import ARCHIVE, FIXTURES, build_zip, fetch, listing

from pccanalysis.cli import cli
from pccanalysis.errors import PccError, PeriodError
from pccanalysis.sources.police_uk.download import check_forces, check_kinds, plan_archives
from pccanalysis.sources.police_uk.vintages import list_vintages

# --- planning and arguments -------------------------------------------------------------------


def test_plan_archives_one_archive_covers_up_to_36_months():
    # 2019-04..2021-03 is 24 months, all inside the archive 2021-03 (2018-04..2021-03).
    plan = plan_archives("2019-04", "2021-03")
    assert [a for a, _ in plan] == ["2021-03"]
    assert plan[0][1][0] == "2019-04" and plan[0][1][-1] == "2021-03" and len(plan[0][1]) == 24


def test_plan_archives_older_months_come_from_an_archive_36_months_earlier():
    # Archive 2021-03 holds 2018-04..2021-03; 2018-01..2018-03 come from archive 2018-03.
    plan = plan_archives("2018-01", "2021-03")
    assert [a for a, _ in plan] == ["2021-03", "2018-03"]
    assert len(plan[0][1]) == 36
    assert plan[1][1] == ["2018-01", "2018-02", "2018-03"]


def test_plan_archives_newer_archive_gives_newer_vintage_of_same_months():
    assert plan_archives("2021-02", "2021-03", "2021-06") == [("2021-06", ["2021-02", "2021-03"])]


def test_plan_archives_refuses_bad_ranges():
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-04", "2021-03")
    assert str(err.value) == "The first month 2021-04 comes after the last month 2021-03."
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-01", "2021-03", "2021-02")
    assert str(err.value) == (
        "The archive 2021-02 ends before the last month asked for (2021-03); "
        "choose an archive of 2021-03 or later."
    )
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-13", "2021-03")
    assert str(err.value) == "The first month '2021-13' is not a month: write it like 2020-04."


def test_check_forces_and_kinds():
    assert check_forces(["Nottinghamshire", "avon and somerset", "nottinghamshire"]) == [
        "nottinghamshire", "avon-and-somerset"]
    with pytest.raises(PccError) as err:
        check_forces(["nottinghamshir"])
    assert str(err.value) == (
        "'nottinghamshir' is not a data.police.uk force identifier (did you mean "
        "'nottinghamshire'?); identifiers are lower case with hyphens, like 'nottinghamshire' "
        "or 'avon-and-somerset'."
    )
    assert check_kinds("street, outcomes") == ["street", "outcomes"]
    with pytest.raises(PccError) as err:
        check_kinds("crimes")
    assert str(err.value) == (
        "'crimes' is not a kind of data.police.uk file: use street, outcomes, stop-and-search.")


# --- downloading and extracting ---------------------------------------------------------------


def test_download_extracts_only_the_force_kind_and_months_asked_for(archives, tmp_path):
    report = fetch(archives, tmp_path)
    to_dir = tmp_path / "police-uk"
    assert report.written == ["2021-02/2021-02-nottinghamshire-street.csv",
                              "2021-03/2021-03-nottinghamshire-street.csv"]
    # Derbyshire and the outcomes/stop-and-search files are in the archive but were not asked for.
    assert listing(to_dir) == ["2021-02", "2021-02/2021-02-nottinghamshire-street.csv",
                               "2021-03", "2021-03/2021-03-nottinghamshire-street.csv",
                               "download-manifest.json"]
    src = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    assert (to_dir / "2021-03/2021-03-nottinghamshire-street.csv").read_bytes() == src.read_bytes()
    manifest = json.loads((to_dir / "download-manifest.json").read_text())
    entry = manifest["current"]["2021-03/2021-03-nottinghamshire-street.csv"]
    # 4 data rows in the fixture (header not counted)
    assert entry["rows"] == 4 and entry["vintage"] == "2021-05-10"
    assert entry["archive"] == f"{archives.url}{ARCHIVE}"


def test_download_all_kinds_and_a_missing_file_is_reported(archives, tmp_path):
    report = fetch(archives, tmp_path, kinds="street,outcomes,stop-and-search")
    # 2021-02 has only a street file in the fixture archive: 2 files reported missing.
    assert report.missing == ["2021-02/2021-02-nottinghamshire-outcomes.csv",
                              "2021-02/2021-02-nottinghamshire-stop-and-search.csv"]
    assert len(report.written) == 4
    assert "Not published in the archive: 2021-02/2021-02-nottinghamshire-outcomes.csv." in (
        report.lines())


def test_zip_member_failing_its_checksum_leaves_no_partial_file(server, tmp_path):
    data = bytearray(build_zip(FIXTURES / "archive-2021-03", stored=True))
    # Damage the 2021-03 street file's content (stored, so its bytes sit in the zip as is):
    # the 2021-02 file extracts first and must not be left behind either.
    at = data.index(b"fake-id-0303")
    data[at] ^= 0x20
    server.fake.files[ARCHIVE] = bytes(data)
    with pytest.raises(PccError) as err:
        fetch(server, tmp_path)
    assert str(err.value) == (
        f"The archive downloaded from {server.url}{ARCHIVE} is corrupt (a file inside fails its "
        f"checksum); it was removed from the cache so the next run downloads it again."
    )
    assert listing(tmp_path / "police-uk") == []


def test_failure_leaves_a_folder_already_held_untouched(archives, tmp_path):
    fetch(archives, tmp_path)
    before = listing(tmp_path / "police-uk")
    archives.fake.files["/data/archive/2021-04.zip"] = b"not a zip"
    with pytest.raises(PccError):
        fetch(archives, tmp_path, archive="2021-04")
    assert listing(tmp_path / "police-uk") == before


def test_nothing_asked_for_in_the_archive_fails(archives, tmp_path):
    with pytest.raises(PccError) as err:
        fetch(archives, tmp_path, forces="kent")
    assert str(err.value) == (
        f"The archives used ({archives.url}{ARCHIVE}) hold no street file for kent between "
        f"2021-02 and 2021-03."
    )
    assert listing(tmp_path / "police-uk") == []


# --- command line -----------------------------------------------------------------------------


def test_pcc_download_and_vintages_commands(archives, tmp_path):
    to_dir = tmp_path / "police-uk"
    args = ["download", "--force", "nottinghamshire", "--from", "2021-02", "--to", "2021-03",
            "--to-dir", str(to_dir), "--base-url", archives.url, "--cache-dir",
            str(tmp_path / "cache"), "--no-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"2 files written into {to_dir}; 0 already held and unchanged." in result.output
    result = CliRunner().invoke(cli, [*args, "--archive", "2021-04"])
    assert result.exit_code == 0, result.output
    assert "1 held files were revised by data.police.uk" in result.output
    result = CliRunner().invoke(cli, ["vintages", "--to-dir", str(to_dir)])
    assert result.output.splitlines()[0] == "Vintage " + list_vintages(to_dir)[0].label + ": 1 files."
