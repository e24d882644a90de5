"""Tests for pccanalysis.cache: where it lives, keys that follow content, safe writes."""

from __future__ import annotations

import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pytest

from pccanalysis.cache import (
    ENV_VAR,
    ParquetCache,
    file_fingerprint,
    open_cache,
    resolve_cache_dir,
    zip_member_fingerprint,
)

TABLE = pa.table({"a": [1, 2, 3], "b": ["x", None, "z"]})


def test_location_explicit_off_env_and_user_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_cache_dir(tmp_path / "c") == tmp_path / "c"
    assert resolve_cache_dir(False) is None and open_cache(False) is None
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_cache_dir() == tmp_path / "env"
    assert resolve_cache_dir(tmp_path / "c") == tmp_path / "c"  # the argument wins
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_cache_dir() == tmp_path / "xdg" / "pccanalysis"
    # Without XDG_CACHE_HOME (or with a relative one, which the XDG spec says to ignore):
    # ~/.cache/pccanalysis.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert resolve_cache_dir() == tmp_path / "home" / ".cache" / "pccanalysis"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert resolve_cache_dir() == tmp_path / "home" / ".cache" / "pccanalysis"


def test_default_location_does_not_follow_the_working_directory(tmp_path, monkeypatch):
    # Run from inside some other project (it has a pyproject.toml and a .git): the cache must
    # not land in it.
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    other = tmp_path / "other-project"
    (other / ".git").mkdir(parents=True)
    (other / "pyproject.toml").write_text("")
    (other / "src").mkdir()
    for folder in (other, other / "src", tmp_path):
        monkeypatch.chdir(folder)
        assert resolve_cache_dir() == tmp_path / "xdg" / "pccanalysis"
        assert open_cache().directory == tmp_path / "xdg" / "pccanalysis"


def test_put_get_roundtrip_and_miss(tmp_path):
    cache = ParquetCache(tmp_path / "c")
    assert cache.get("ns", "k1") is None
    path = cache.put("ns", "k1", TABLE)
    assert path == tmp_path / "c" / "ns" / "k1.parquet"
    assert cache.get("ns", "k1").equals(TABLE)
    assert [p.name for p in path.parent.iterdir()] == ["k1.parquet"]  # no temporary left over


def test_damaged_or_deleted_entries_are_misses(tmp_path):
    cache = ParquetCache(tmp_path / "c")
    path = cache.put("ns", "k1", TABLE)
    path.write_bytes(path.read_bytes()[:20])  # truncated, as by a full disk
    assert cache.get("ns", "k1") is None
    cache.put("ns", "k1", TABLE)
    assert cache.get("ns", "k1").equals(TABLE)
    cache.clear()
    assert not (tmp_path / "c").exists()
    assert cache.get("ns", "k1") is None
    cache.clear()  # clearing an absent cache is fine too


def test_unwritable_cache_costs_speed_not_the_load(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = ParquetCache(blocker / "c")
    assert cache.put("ns", "k1", TABLE) is None
    assert cache.get("ns", "k1") is None


def test_file_fingerprint_follows_size_and_mtime(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("a,b\n1,2\n")
    os.utime(p, (1_600_000_000, 1_600_000_000))
    first = file_fingerprint(p)
    assert file_fingerprint(p) == first
    os.utime(p, (1_600_000_001, 1_600_000_001))
    assert file_fingerprint(p) != first
    os.utime(p, (1_600_000_000, 1_600_000_000))
    assert file_fingerprint(p) == first
    p.write_text("a,b\n1,2\n3,4\n")
    os.utime(p, (1_600_000_000, 1_600_000_000))
    assert file_fingerprint(p) != first  # same mtime, new size


def _member(path: Path, data: bytes) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("2020-01/2020-01-x-street.csv", data)
    with zipfile.ZipFile(path) as zf:
        return zf.getinfo("2020-01/2020-01-x-street.csv")


def test_zip_member_fingerprint_follows_content_not_the_archive(tmp_path):
    a = _member(tmp_path / "a.zip", b"same bytes")
    b = _member(tmp_path / "elsewhere-b.zip", b"same bytes")
    c = _member(tmp_path / "c.zip", b"other byte")  # same size, other CRC
    assert zip_member_fingerprint(a) == zip_member_fingerprint(b)
    assert zip_member_fingerprint(a) != zip_member_fingerprint(c)


def test_concurrent_writers_leave_one_whole_entry(tmp_path):
    # Two loads filling the same entry at once: each writes its own temporary file and renames
    # it into place, so the entry is always one whole table.
    cache = ParquetCache(tmp_path / "c")
    big = pa.table({"a": list(range(50_000))})
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: cache.put("ns", "k", big), range(8)))
    assert cache.get("ns", "k").equals(big)
    assert [p.name for p in (tmp_path / "c" / "ns").iterdir()] == ["k.parquet"]


@pytest.mark.parametrize("arg", [True, None])
def test_true_and_none_mean_the_default_location(arg, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_cache_dir(arg) == tmp_path / "env"
