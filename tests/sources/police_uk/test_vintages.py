"""Tests for pccanalysis.sources.police_uk.vintages: revisions counted, vintages kept and chosen.

Against the fake data.police.uk on 127.0.0.1 (fake_police_uk.py); nothing touches the internet.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from fake_police_uk import FIXTURES, fetch

from pccanalysis.cli import cli
from pccanalysis.errors import PccError
from pccanalysis.sources.police_uk.vintages import (
    Revision,
    choose_vintage,
    compare_files,
    discard_vintage,
    list_vintages,
)


def test_compare_files_counts_added_removed_and_changed_outcomes(tmp_path):
    held = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    new = FIXTURES / "archive-2021-04" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    r = compare_files(held, new, month="2021-03", force="nottinghamshire", kind="street")
    # held: 0301 (Under investigation), ASB, 0302, 0303 = 4 rows
    # new:  0301 (Unable to prosecute suspect), ASB, 0302, 0304, 0305 = 5 rows
    # added 0304 + 0305 = 2; removed 0303 = 1; outcome changed 0301 = 1; 5 - 4 == 2 - 1
    assert r == Revision("2021-03", "nottinghamshire", "street", 4, 5, 2, 1, 1)


def test_compare_files_exact_duplicates_count_as_rows(tmp_path):
    header = "Crime ID,Month,Last outcome category\n"
    (tmp_path / "a.csv").write_text(header + "x,2021-03,A\nx,2021-03,A\n")
    (tmp_path / "b.csv").write_text(header + "x,2021-03,A\nx,2021-03,B\nx,2021-03,B\n")
    r = compare_files(tmp_path / "a.csv", tmp_path / "b.csv", month="2021-03", force="f",
                      kind="street")
    # same key 'x,2021-03' twice held, three times new: 2 matched, 1 added;
    # outcomes held {A, A}, new {A, B, B}: 1 shared among the 2 matched -> 1 changed
    assert (r.added, r.removed, r.outcomes_changed) == (1, 0, 1)


def test_newer_download_is_kept_as_a_vintage_and_the_revisions_reported(archives, tmp_path):
    to_dir = tmp_path / "police-uk"
    fetch(archives, tmp_path)
    report = fetch(archives, tmp_path, archive="2021-04", today=date(2021, 6, 10))
    assert report.vintage == "2021-06-10"
    assert report.unchanged == ["2021-02/2021-02-nottinghamshire-street.csv"]
    assert report.revisions == [Revision("2021-03", "nottinghamshire", "street", 4, 5, 2, 1, 1)]
    assert report.lines()[-1] == (
        "2021-03 nottinghamshire street: 2 rows added, 1 removed, 1 outcomes changed "
        "(4 rows held, 5 in the new download).")
    held = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    new = FIXTURES / "archive-2021-04" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    name = "2021-03/2021-03-nottinghamshire-street.csv"
    # the held file stays in use; the new one waits beside it
    assert (to_dir / name).read_bytes() == held.read_bytes()
    assert (to_dir / ".vintages" / "2021-06-10" / name).read_bytes() == new.read_bytes()
    [kept] = list_vintages(to_dir)
    assert kept.label == "2021-06-10" and kept.files == [name]
    assert kept.revisions == report.revisions

    # The same download again: already held as that vintage, so no third copy.
    again = fetch(archives, tmp_path, archive="2021-04", today=date(2021, 6, 11))
    assert again.vintage is None and len(again.unchanged) == 2
    assert [v.label for v in list_vintages(to_dir)] == ["2021-06-10"]

    # Choosing the new vintage puts it in use and keeps the old one as its own vintage.
    assert choose_vintage(to_dir, "2021-06-10") == [name]
    assert (to_dir / name).read_bytes() == new.read_bytes()
    assert (to_dir / ".vintages" / "2021-05-10" / name).read_bytes() == held.read_bytes()
    assert [v.label for v in list_vintages(to_dir)] == ["2021-05-10"]
    manifest = json.loads((to_dir / "download-manifest.json").read_text())
    assert manifest["current"][name]["vintage"] == "2021-06-10"
    assert manifest["current"][name]["rows"] == 5

    discard_vintage(to_dir, "2021-05-10")
    assert list_vintages(to_dir) == []
    with pytest.raises(PccError) as err:
        choose_vintage(to_dir, "2021-05-10")
    assert str(err.value) == f"{to_dir} holds no vintage '2021-05-10' (vintages kept: none)."


def test_same_day_vintages_get_distinct_labels(archives, tmp_path):
    fetch(archives, tmp_path)
    report = fetch(archives, tmp_path, archive="2021-04")  # same day as the first download
    assert report.vintage == "2021-05-10-2"


def test_pcc_vintages_compares_any_two_copies(test_data, tmp_path):
    # The Testshire January file has two "Under investigation" rows; the copy revises both.
    jan = test_data / "police_uk" / "folder" / "2020-01" / "2020-01-testshire-street.csv"
    (tmp_path / "b").mkdir()
    revised = tmp_path / "b" / jan.name
    revised.write_text(jan.read_text().replace("Under investigation", "Suspect charged"))
    result = CliRunner().invoke(cli, ["vintages", "--compare", str(jan), str(revised)])
    assert result.exit_code == 0, result.output
    assert result.output == ("2020-01 testshire street: 0 rows added, 0 removed, 2 outcomes "
                             "changed (8 rows held, 8 in the new download).\n")
    other = tmp_path / "notes.csv"
    other.write_text("x\n")
    result = CliRunner().invoke(cli, ["vintages", "--compare", str(other), str(other)])
    assert result.exit_code == 2 and "--compare needs files named as data.police.uk" in \
        result.output
