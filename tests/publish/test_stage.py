"""Tests for pccanalysis.publish.stage: the quarter lock, the staged quarter and the swap."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from pccanalysis.publish.stage import (
    LockBusy,
    clone,
    output_error,
    quarter_lock,
    remove_leftovers,
    swap_in,
)

LABEL = "2020-21 Q4"


def test_the_lock_records_its_owner_and_is_released(tmp_path):
    lock = tmp_path / f".{LABEL}.lock"
    with quarter_lock(tmp_path, LABEL):
        owner = json.loads(lock.read_text())
        assert owner["pid"] == os.getpid() and owner["started"] and owner["host"]
        with pytest.raises(LockBusy, match=rf"another pcc run \(process {os.getpid()} on "):
            with quarter_lock(tmp_path, LABEL):
                pass
    assert lock.read_text() == ""  # released cleanly: no owner left to take over from
    with quarter_lock(tmp_path, LABEL):
        pass


def test_a_dead_runs_lock_is_taken_over_and_said(tmp_path):
    # A run killed with SIGKILL holds the lock while it lives; its record stays behind.
    code = ("import sys, time\nfrom pathlib import Path\n"
            "from pccanalysis.publish.stage import quarter_lock\n"
            f"with quarter_lock(Path(sys.argv[1]), {LABEL!r}):\n"
            "    print('locked', flush=True)\n    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline() == "locked\n"
        with pytest.raises(LockBusy, match=rf"process {proc.pid} on "):
            with quarter_lock(tmp_path, LABEL):
                pass
    finally:
        proc.kill()
        proc.wait()
    with quarter_lock(tmp_path, LABEL) as taken:
        assert taken.startswith(f"took over the lock of an earlier pcc run (process {proc.pid} "
                                "on ")
        assert taken.endswith(") that ended without releasing it")
    with quarter_lock(tmp_path, LABEL) as taken:
        assert taken is None  # the last one released it


def test_the_lock_is_not_inherited(tmp_path):
    with quarter_lock(tmp_path, LABEL):
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")] if os.path.isdir(
            "/proc/self/fd") else []
        lock = os.path.realpath(tmp_path / f".{LABEL}.lock")
        held = [fd for fd in fds if _points_to(fd, lock)]
        assert held and not any(os.get_inheritable(fd) for fd in held)


def _points_to(fd: int, path: str) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}") == path
    except OSError:
        return False


def test_leftovers_of_interrupted_runs(tmp_path):
    (tmp_path / f".{LABEL}.new-123" / "Northbridge").mkdir(parents=True)
    (tmp_path / f".{LABEL}.work-123" / "0000").mkdir(parents=True)
    # Killed between the two renames of the fallback swap: only the old folder is left.
    (tmp_path / f".{LABEL}.old-123").mkdir()
    (tmp_path / f".{LABEL}.old-123" / "index.html").write_text("good")
    (tmp_path / "2019-20 Q1").mkdir()  # another quarter: not touched
    assert remove_leftovers(tmp_path, LABEL) == [
        f"removed .{LABEL}.new-123, left by an interrupted run",
        f"restored {tmp_path / LABEL} from .{LABEL}.old-123, left by an interrupted run",
        f"removed .{LABEL}.work-123, left by an interrupted run"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2019-20 Q1", LABEL]
    assert (tmp_path / LABEL / "index.html").read_text() == "good"
    # With the quarter in place, an old copy is rubbish.
    (tmp_path / f".{LABEL}.old-9").mkdir()
    remove_leftovers(tmp_path, LABEL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2019-20 Q1", LABEL]


def test_clone_links_files_and_copies_the_run_log(tmp_path):
    published = tmp_path / LABEL
    (published / "Northbridge").mkdir(parents=True)
    (published / "Northbridge" / "alpha.html").write_text("page")
    (published / "run.log").write_text("earlier run\n")
    new = tmp_path / "new"
    clone(published, new)
    assert os.path.samefile(new / "Northbridge" / "alpha.html",
                            published / "Northbridge" / "alpha.html")
    assert not os.path.samefile(new / "run.log", published / "run.log")
    with open(new / "run.log", "a") as fh:
        fh.write("this run\n")
    assert (published / "run.log").read_text() == "earlier run\n"
    clone(tmp_path / "absent", tmp_path / "fresh")
    assert list((tmp_path / "fresh").iterdir()) == []


def test_swap_in_puts_the_new_quarter_in_place_in_one_step(tmp_path):
    published, new = tmp_path / LABEL, tmp_path / "new"
    published.mkdir()
    (published / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    swap_in(new, published)
    assert (published / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [LABEL]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    swap_in(fresh, tmp_path / "2021-22 Q1")  # nothing published yet: a rename
    assert (tmp_path / "2021-22 Q1").is_dir() and not fresh.exists()


def test_output_errors_are_one_sentence(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.html"))
    assert str(output_error(full, tmp_path)) == (
        f"the briefings could not be written to {tmp_path}: the disk is full "
        f"({tmp_path / 'x.html'}); nothing was published.")
    assert output_error(full, tmp_path).exit_code == 3
    ro = OSError(errno.EROFS, "Read-only file system", str(tmp_path))
    assert "it is on a read-only file system" in str(output_error(ro, tmp_path))
