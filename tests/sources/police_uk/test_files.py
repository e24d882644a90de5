"""Tests for pccanalysis.sources.police_uk.files: one set of rules for finding the files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.police_uk.files import (
    Found,
    as_paths,
    find_in_folder,
    is_zip,
    read_json,
    walk,
    write_json,
    zip_members,
)
from pccanalysis.sources.police_uk.schema import FileName


def touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x\n")


def make_zip(path: Path, *names: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, "x\n")
    return path


def test_walk_is_sorted_and_skips_dot_folders_and_macosx(tmp_path):
    touch(tmp_path, "b/2.csv", "a/1.csv", "a/0.csv", ".vintages/2021-06-10/a.csv",
          "__MACOSX/a/._1.csv", ".pcc-download-x/y.csv", "top.csv")
    assert [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)] == [
        "top.csv", "a/0.csv", "a/1.csv", "b/2.csv"]


def test_find_in_folder_takes_one_kind_from_files_and_zips_in_order(tmp_path):
    touch(tmp_path, "2020-02/2020-02-kent-street.csv", "2020-02/2020-02-kent-outcomes.csv",
          "2020-01/2020-01-kent-street.csv", "notes.csv",
          ".vintages/2021-06-10/2020-01/2020-01-kent-street.csv")
    make_zip(tmp_path / "2020-01" / "more.zip", "2019-12/2019-12-kent-street.csv",
             "2019-12/2019-12-kent-outcomes.csv", "2019-11/2019-11-kent-street.csv",
             "__MACOSX/2019-12/._2019-12-kent-street.csv", "2019-10/")
    found = find_in_folder(tmp_path, "street")
    assert [f.display.replace(str(tmp_path), "") for f in found] == [
        "/2020-01/2020-01-kent-street.csv",
        "/2020-01/more.zip:2019-12/2019-12-kent-street.csv",
        "/2020-01/more.zip:2019-11/2019-11-kent-street.csv",
        "/2020-02/2020-02-kent-street.csv",
    ]
    assert found[1].name == FileName("2019-12", "kent", "street")
    assert found[1].member.filename == "2019-12/2019-12-kent-street.csv"
    assert found[0].member is None


def test_zip_members_of_every_kind_and_a_damaged_zip(tmp_path):
    z = make_zip(tmp_path / "dl.zip", "readme.txt", "2020-01/2020-01-kent-street.csv",
                 "2020-01/2020-01-kent-stop-and-search.csv")
    assert [f.name.kind for f in zip_members(z)] == ["street", "stop-and-search"]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError) as err:
        zip_members(bad)
    assert str(err.value).startswith(f"{bad}: the file is not a readable zip archive (")


def test_is_zip_by_suffix_or_content(tmp_path):
    z = make_zip(tmp_path / "download", "a.txt")
    as_csv = make_zip(tmp_path / "renamed.csv", "a.txt")
    touch(tmp_path, "plain.txt")
    assert is_zip(z) and is_zip(tmp_path / "missing.ZIP")
    assert not is_zip(as_csv) and not is_zip(tmp_path / "plain.txt")


def test_found_display_ident_and_fingerprint(tmp_path):
    touch(tmp_path, "a/2020-01-kent-street.csv")
    f = Found(tmp_path / "a" / ".." / "a" / "2020-01-kent-street.csv", None)
    assert f.ident == str((tmp_path / "a" / "2020-01-kent-street.csv").resolve())
    assert f.display == str(tmp_path / "a" / ".." / "a" / "2020-01-kent-street.csv")
    assert f.fingerprint == Found(tmp_path / "a" / "2020-01-kent-street.csv", None).fingerprint


def test_as_paths_and_json_records(tmp_path):
    assert as_paths("~/x") == [Path.home() / "x"]
    assert as_paths([tmp_path, str(tmp_path)]) == [tmp_path, tmp_path]
    assert read_json(tmp_path / "none.json") == {}
    write_json(tmp_path / "r.json", {"b": 1, "a": [2]})
    assert read_json(tmp_path / "r.json") == {"a": [2], "b": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left
