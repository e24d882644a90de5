"""Tests for pccanalysis.files: atomic writes, file digests, "did you mean" hints."""

from __future__ import annotations

import os

import pytest

from pccanalysis.files import (
    atomic_path,
    closest,
    did_you_mean,
    file_digest,
    renamed_column_hint,
    write_atomic,
)


def test_file_digest(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    # FIPS 180-2 test vector: SHA-256("abc").
    assert file_digest(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    # FIPS 180-2 test vector: SHA-1("abc").
    assert file_digest(path, "sha1") == "a9993e364706816aba3e25717850c26c9cd0d89d"


def test_write_atomic_text_and_bytes(tmp_path):
    path = tmp_path / "new" / "folder" / "page.html"
    write_atomic(path, "caf\u00e9\nline two\n")
    assert path.read_bytes() == "caf\u00e9\nline two\n".encode()
    write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    write_atomic(path, "\u00e9", encoding="cp1252")
    assert path.read_bytes() == b"\xe9"
    assert sorted(p.name for p in path.parent.iterdir()) == ["page.html"]


def test_write_atomic_gives_the_usual_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "shared.json", "{}")
    finally:
        os.umask(umask)
    assert (tmp_path / "shared.json").stat().st_mode & 0o777 == 0o644


def test_atomic_path_leaves_the_old_file_when_the_writer_fails(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(path) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".data.parquet.")
        tmp.write_text("half a new fi")
        raise RuntimeError("disk full")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.parquet"]


def test_atomic_path_puts_the_new_file_in_place(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_text("old")
    with atomic_path(path) as tmp:
        tmp.write_text("new")
        assert path.read_text() == "old"  # readers see the old file until the block ends
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["data.parquet"]


def test_did_you_mean():
    assert did_you_mean("titel", ["title", "force"]) == " (did you mean 'title'?)"
    assert did_you_mean("zzz", ["title", "force"]) == ""
    assert did_you_mean(2021, [2020, "x"]) == " (did you mean '2020'?)"
    assert closest("Burglery", ("Burglary", "Robbery")) == "Burglary"
    assert closest("zzz", ()) is None


def test_renamed_column_hint():
    assert renamed_column_hint("LSOA code", ["LSOA cde", "Month"]) == (
        " (is 'LSOA cde' the same column renamed?)")
    assert renamed_column_hint("LSOA code", ["Month"]) == ""
