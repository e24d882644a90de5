"""Publishing a quarter in one step, and one run at a time.

A run never writes into the published quarter folder (``<output_dir>/<year> <quarter>``).
It builds the whole new quarter beside it, in ``.<quarter>.new-<pid>``: a copy of the
published folder made with hard links (so it costs no space; every file a run changes is
replaced, never written in place), into which each finished briefing, the index, the manifest
and the run log are put. When everything is there, the two folders are swapped by one atomic
``renameat2(RENAME_EXCHANGE)`` (Linux; elsewhere two renames, and an interrupted pair is
repaired by the next run). So a reader, or a run killed at any moment, sees either the old
complete quarter or the new complete quarter with its manifest, never a mixture.

One run at a time per quarter: ``.<quarter>.lock`` beside the folder, held with ``flock``
through a descriptor that no child process inherits (kernels and browsers are started with
exec, and the run's workers come from a fork server started before the lock is taken). The
lock file records its owner's process id and start time; a run that finds the file naming
a run that is no longer there takes it over and says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..errors import PccError, RunError

_RENAME_EXCHANGE = 2  # linux/fs.h
#: The run log, kept (appended to) in the quarter folder.
RUN_LOG = "run.log"


class LockBusy(RunError):
    """Another run is writing the quarter (exit code 1: nothing was made)."""


class OutputError(PccError):
    """The output folder cannot be written (full, read-only, a file where a folder should
    be): exit code 3, nothing published."""


def output_error(exc: OSError, where: Path) -> OutputError:
    """One sentence for an operating-system error met while writing outputs."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
              errno.EROFS: "it is on a read-only file system",
              errno.EACCES: "permission is denied", errno.EPERM: "permission is denied",
              errno.ENOTDIR: "a file is where a folder should be",
              errno.EEXIST: "a file is in the way"}.get(exc.errno, exc.strerror or str(exc))
    return OutputError(f"the briefings could not be written to {where}: {reason} "
                       f"({exc.filename or where}); nothing was published.")


def paths(output_dir: Path, label: str) -> dict[str, Path]:
    """The published quarter folder and the run's working names beside it."""
    pid = os.getpid()
    return {"quarter": output_dir / label, "lock": output_dir / f".{label}.lock",
            "new": output_dir / f".{label}.new-{pid}", "work": output_dir / f".{label}.work-{pid}"}


# --------------------------------------------------------------------------------------------
# Lock


@contextlib.contextmanager
def quarter_lock(output_dir: Path, label: str) -> Iterator[str | None]:
    """Hold the quarter's lock for the run (see the module docstring).

    Yields
    ------
    str or None
        A sentence saying whose lock was taken over, when an earlier run ended without
        releasing it.

    Raises
    ------
    LockBusy
        When another run holds it, naming that run's process and start time.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent scheduled runs expected
        yield None
        return
    path = output_dir / f".{label}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    os.set_inheritable(fd, False)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = _owner(fd)
            who = (f" (process {owner.get('pid')} on {owner.get('host')}, started "
                   f"{owner.get('started')})") if owner else ""
            raise LockBusy(f"another pcc run{who} is writing {output_dir / label}; wait for it "
                           "to finish.") from None
        previous = _owner(fd)
        taken = (f"took over the lock of an earlier pcc run (process {previous.get('pid')} on "
                 f"{previous.get('host')}, started {previous.get('started')}) that ended without "
                 "releasing it") if previous else None
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started": datetime.now().replace(microsecond=0).isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        try:
            yield taken
        finally:
            os.ftruncate(fd, 0)  # released cleanly: no owner to take over from
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _owner(fd: int) -> dict:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        return json.loads(text) if text else {}
    except ValueError:
        return {"pid": "unknown", "host": "unknown", "started": "unknown"}


# --------------------------------------------------------------------------------------------
# Staging and the swap


def remove_leftovers(output_dir: Path, label: str) -> list[str]:
    """Remove what interrupted runs left beside the quarter (call with the lock held).

    An ``.old-*`` folder that is the only copy of the quarter (a run killed between the two
    renames of the fallback swap) is put back in place.

    Returns
    -------
    list of str
        What was done, one sentence each, for the run log.
    """
    quarter = output_dir / label
    done = []
    for p in sorted(output_dir.glob(f".{label}.*-*")):
        kind = p.name[len(label) + 2:].split("-", 1)[0]
        if kind == "old" and not quarter.exists():
            done.append(f"restored {quarter} from {p.name}, left by an interrupted run")
            os.rename(p, quarter)
        elif kind in ("new", "work", "old"):
            done.append(f"removed {p.name}, left by an interrupted run")
            shutil.rmtree(p, ignore_errors=True)
    return done


def clone(published: Path, new: Path) -> None:
    """Start the new quarter as the published one: hard links (a copy where links are not
    possible), except the run log, which is appended to and so copied."""
    if not published.is_dir():
        new.mkdir()
        return

    def link(src: str, dst: str) -> None:
        if Path(src).name == RUN_LOG and Path(src).parent == published:
            shutil.copy2(src, dst)
            return
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(published, new, copy_function=link, symlinks=True)


def swap_in(new: Path, published: Path) -> None:
    """Put ``new`` where ``published`` is, in one atomic step where the system allows; the
    previous quarter is removed."""
    if not published.exists():
        os.rename(new, published)
        return
    if _exchange(new, published):
        shutil.rmtree(new, ignore_errors=True)  # now holds the previous quarter
        return
    old = published.with_name(f".{published.name}.old-{os.getpid()}")
    os.rename(published, old)
    os.rename(new, published)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with Linux's renameat2(RENAME_EXCHANGE); False where unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel or file system
        return False
    raise OSError(err, os.strerror(err), str(b))
