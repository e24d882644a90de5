"""Small file facts written once: atomic writes, file digests and "did you mean" hints.

An atomic write goes to a temporary file in the target's own folder (so the rename never
crosses a file system), is flushed to disk with ``fsync`` and then renamed over the target with
:func:`os.replace`: a reader sees the old file or the new one, never half of one, and a run
killed mid-write leaves only a hidden ``.<name>.<random>.tmp`` file behind. The temporary
file's name starts with a dot so that folder scans (pyarrow datasets, ``*.html`` globs) skip it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "atomic_path",
    "closest",
    "did_you_mean",
    "file_digest",
    "renamed_column_hint",
    "write_atomic",
]


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path to write ``path`` through, put in place when the block ends cleanly.

    For writers that take a file name (pyarrow, nbformat): write to the yielded path; when the
    ``with`` block ends without an exception the file is fsynced and renamed over ``path``.
    On an exception the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or path-like
        The file to (re)place. Its folder must exist.

    Yields
    ------
    Path
        The temporary file (created empty, with the permissions a new file normally gets).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never write through someone else's file; mode 0o666 less the umask, as open()
    # gives, rather than mkstemp's 0o600, since briefings and manifests are shared.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring).

    Parameters
    ----------
    path : str or path-like
        The file to write; missing parent folders are created.
    data : str or bytes
        Text (encoded with ``encoding``, newlines written as given) or bytes.
    encoding : str, default "utf-8"
        For text.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(raw)


def file_digest(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes (SHA-256 unless ``algorithm`` names another).

    Examples
    --------
    A file holding ``abc`` has the SHA-256 ``ba7816bf...f20015ad``.
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, algorithm).hexdigest()


def closest(word: object, choices: Iterable[object]) -> str | None:
    """The choice most like ``word`` (difflib ratio at least 0.6), or None.

    Both are compared as text, so numbers and other names can be offered as choices.
    """
    near = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return near[0] if near else None


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """``" (did you mean 'x'?)"`` for the choice nearest ``word``, or ``""`` when none is near.

    Written to be put straight after the unknown word in an error sentence.
    """
    near = closest(word, choices)
    return f" (did you mean {near!r}?)" if near is not None else ""


def renamed_column_hint(wanted: str, header: Iterable[str]) -> str:
    """``" (is 'x' the same column renamed?)"`` for a missing column, or ``""``.

    ``header`` should hold only the columns not already recognised, so that a column that is
    present under its own name is never offered as the renamed one.
    """
    near = closest(wanted, header)
    return f" (is {near!r} the same column renamed?)" if near is not None else ""
