"""A Parquet cache of parsed input files, so that loading the same files again is fast.

Each entry is one parsed input file (an Arrow table) stored as ``<dir>/<namespace>/<key>.parquet``,
where ``key`` is a fingerprint of the input: for a file on disk its resolved path, size and
modification time; for a member of a zip archive its name, size and CRC-32 (so the same download
copied elsewhere still hits the cache). A changed file gets a new key, so a stale entry is never
read; it is simply left behind until the cache is cleared.

Entries are written to a temporary file and renamed into place, so a reader never sees half a
file, and every failure to read an entry (missing, truncated, deleted meanwhile) is treated as a
miss. Deleting the cache folder, wholly or in part, at any time, is therefore always safe.

Where the cache lives never depends on the working directory: an explicit ``cache_dir``
argument wins (the configuration's ``cache_dir``, ``--cache-dir``), then the ``PCC_CACHE_DIR``
environment variable, then the user cache folder, ``$XDG_CACHE_HOME/pccanalysis`` or
``~/.cache/pccanalysis``. ``cache_dir=False`` turns caching off.

References
----------
XDG Base Directory Specification, https://specifications.freedesktop.org/basedir-spec/
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .files import atomic_path

log = logging.getLogger(__name__)

ENV_VAR = "PCC_CACHE_DIR"


def resolve_cache_dir(cache_dir: str | os.PathLike | bool | None = None) -> Path | None:
    """Where the cache lives, or None when caching is off.

    Parameters
    ----------
    cache_dir : path, False or None
        A folder (used as given), ``False`` (no cache), or ``None`` (the environment variable
        ``PCC_CACHE_DIR``, else ``$XDG_CACHE_HOME/pccanalysis``, else
        ``~/.cache/pccanalysis``).
    """
    if cache_dir is False:
        return None
    if cache_dir is not None and cache_dir is not True:
        return Path(cache_dir).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "pccanalysis"


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def file_fingerprint(path: str | os.PathLike) -> str:
    """Fingerprint of a file on disk: its resolved path, size [bytes] and mtime [ns]."""
    p = Path(path).resolve()
    st = p.stat()
    return _digest("file", p, st.st_size, st.st_mtime_ns)


def zip_member_fingerprint(info: zipfile.ZipInfo) -> str:
    """Fingerprint of a zip member from the archive's directory: name, size [bytes] and CRC-32.

    The CRC is a checksum of the member's content, so the fingerprint follows the content, not
    where the archive is kept, and costs no decompression.
    """
    return _digest("zip", info.filename, info.file_size, f"{info.CRC:08x}")


def combine_keys(*parts: object) -> str:
    """One key from several (e.g. a fingerprint plus the parser's format version)."""
    return _digest(*parts)


class ParquetCache:
    """Arrow tables stored as Parquet files under one folder.

    Parameters
    ----------
    directory : path
        The cache folder; created when the first entry is written.
    """

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"ParquetCache({str(self.directory)!r})"

    def path_for(self, namespace: str, key: str) -> Path:
        """The file an entry is (or would be) stored in."""
        return self.directory / namespace / f"{key}.parquet"

    def get(self, namespace: str, key: str) -> pa.Table | None:
        """The cached table, or None on a miss (including an unreadable or vanished entry)."""
        path = self.path_for(namespace, key)
        try:
            # No background pre-buffering or reader threads: a local file gains nothing from
            # them, callers read several entries in their own threads, and pyarrow's pools
            # can abort the interpreter at exit when such work is still pending
            # (apache/arrow#34314).
            return pq.read_table(path, pre_buffer=False, use_threads=False)
        except FileNotFoundError:
            return None
        except (OSError, pa.ArrowException) as exc:
            # A damaged entry (disk full, killed mid-copy by hand): ignore it; put() replaces it.
            log.debug("cache entry %s unreadable (%s); treated as a miss", path, exc)
            return None

    def put(self, namespace: str, key: str, table: pa.Table) -> Path | None:
        """Store a table atomically (temporary file, then rename); returns its path.

        A cache that cannot be written (read-only folder, disk full) only costs speed, so the
        failure is logged and None returned.
        """
        path = self.path_for(namespace, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp:
                pq.write_table(table, tmp, compression="lz4")
            return path
        except (OSError, pa.ArrowException) as exc:
            log.warning("could not write cache entry %s: %s", path, exc)
            return None

    def clear(self, namespace: str | None = None) -> None:
        """Delete every entry (or one namespace's). Safe at any time, even while others read."""
        target = self.directory if namespace is None else self.directory / namespace
        shutil.rmtree(target, ignore_errors=True)


def open_cache(cache_dir: str | os.PathLike | bool | None = None) -> ParquetCache | None:
    """A :class:`ParquetCache` at :func:`resolve_cache_dir` ``(cache_dir)``, or None when off."""
    directory = resolve_cache_dir(cache_dir)
    return None if directory is None else ParquetCache(directory)
