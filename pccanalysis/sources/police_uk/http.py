"""data.police.uk over HTTP: resumable archive downloads and API calls, retried by tenacity.

An archive is streamed to a ``.part`` file in the cache folder; after an interruption the next try
asks only for the rest (an HTTP Range request, guarded by If-Range so a changed file is fetched
whole). A cached archive is asked for again only with ``refresh``, as a conditional request.
Network errors, 5xx and 429 answers and bodies cut short are retried with exponential backoff,
or after the server's Retry-After when that is longer (capped at ``RetryPolicy.max_wait``).

Why tenacity rather than urllib3's ``Retry``: the unit to retry is a whole attempt, the request
*and* its streamed body, since a cut-short body is resumed from what the ``.part`` file holds
and some answers (416, a Content-Range that does not fit, more bytes than announced) must
discard the ``.part`` before the next try. urllib3 retries inside ``urlopen``, before the body is
read, so cut-short downloads would need a second hand-written loop with its own count of tries.
tenacity retries any callable: one loop and one budget of tries covers all of them. The
transport stays the standard library's ``urllib.request`` (no session state is needed).

The base URL is ``https://data.police.uk`` unless ``base_url`` or the environment variable
``PCC_POLICE_UK_URL`` says otherwise (tests point it at a local server).

References
----------
data.police.uk, "Data downloads" (https://data.police.uk/data/) and "API documentation"
(https://data.police.uk/docs/), Open Government Licence v3.0.
RFC 9110, sections 14 (Range requests) and 10.2.3 (Retry-After).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from ...cache import resolve_cache_dir
from ...errors import PccError
from .files import CHUNK, read_json, write_json

log = logging.getLogger(__name__)


DEFAULT_BASE_URL = "https://data.police.uk"
BASE_URL_ENV = "PCC_POLICE_UK_URL"
USER_AGENT = "pccanalysis (https://data.police.uk open data client)"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a request.

    Attributes
    ----------
    attempts : int
        Tries in all (1 = no retry).
    backoff : float
        Wait before the second try [s]; it doubles before each further try.
    max_wait : float
        Longest wait between tries [s] (also caps a server's Retry-After).
    timeout : float
        Socket timeout for connecting and for each read [s].
    """

    attempts: int = 5
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 60.0


class _Transient(Exception):
    """A failure worth retrying; ``kind`` (network, truncated, server) picks the final message."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


class TooManyCrimes(Exception):
    """The API answered 503 to an area query: more than 10,000 crimes (documented)."""


class _RateLimiter:
    """Token bucket: at most ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = float(rate)
        self.capacity = float(max(1, burst))
        self.tokens = self.capacity
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens < 1:
                time.sleep((1 - self.tokens) / self.rate)
                self.last = time.monotonic()
                self.tokens = 0.0
            else:
                self.tokens -= 1


def _reason(exc: BaseException) -> str:
    """A short human reason for a network exception ("Connection refused", "timed out")."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
        if isinstance(exc, str):
            return exc
    if isinstance(exc, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "the connection timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed early"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection"
    return str(exc) or type(exc).__name__


def _server_error(exc: urllib.error.HTTPError) -> _Transient | None:
    """A 5xx or 429 answer as a failure to retry (after its Retry-After), else None."""
    if exc.code < 500 and exc.code != 429:
        return None
    value = exc.headers.get("Retry-After") if exc.headers is not None else None
    try:
        after = float(value) if value is not None else None
    except ValueError:  # an HTTP date: the backoff applies
        after = None
    return _Transient("server", f"{exc.code} {exc.reason}", after)


def _wait(policy: RetryPolicy):
    """tenacity wait: ``backoff`` doubling per try, or the server's longer Retry-After, capped."""
    backoff = wait_exponential(multiplier=policy.backoff, max=policy.max_wait)

    def wait(state: RetryCallState) -> float:
        seconds = backoff(state)
        after = getattr(state.outcome.exception(), "retry_after", None)
        return seconds if after is None else min(max(seconds, after), policy.max_wait)

    return wait


class PoliceUkClient:
    """data.police.uk over HTTP: archive downloads and API calls, with retries and rate limit.

    Parameters
    ----------
    base_url : str, optional
        Site root; default ``$PCC_POLICE_UK_URL`` or ``https://data.police.uk``.
    retry : RetryPolicy, optional
        Retry policy (default: 5 tries, waits of 1, 2, 4, 8 s).
    rate : float
        API requests per second at most (data.police.uk documents 15, with bursts of 30).
    burst : int
        API requests allowed at once before the rate applies.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        rate: float = 15.0,
        burst: int = 15,
    ) -> None:
        base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        self.base_url = base.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.limiter = _RateLimiter(rate, burst)
        self.host = urllib.parse.urlsplit(self.base_url).netloc or self.base_url

    def __repr__(self) -> str:
        return f"PoliceUkClient({self.base_url!r})"

    def archive_url(self, month: str) -> str:
        """URL of the archive named ``YYYY-MM``."""
        return f"{self.base_url}/data/archive/{month}.zip"

    # -- retries ----------------------------------------------------------------------------

    def _with_retries(self, what: str, url: str, once):
        """Call ``once()`` until it succeeds, retrying :class:`_Transient` failures."""
        attempts = max(1, self.retry.attempts)

        def before_sleep(state: RetryCallState) -> None:
            log.info("%s: %s; try %d of %d in %.1f s", url, state.outcome.exception().detail,
                     state.attempt_number + 1, attempts, state.next_action.sleep)

        retrying = Retrying(stop=stop_after_attempt(attempts), wait=_wait(self.retry),
                            retry=retry_if_exception_type(_Transient),
                            before_sleep=before_sleep, reraise=True)
        try:
            return retrying(once)
        except _Transient as exc:
            raise PccError(self._final_message(exc, what, url, attempts)) from None

    def _final_message(self, exc: _Transient, what: str, url: str, attempts: int) -> str:
        tries = f"{attempts} attempt" + ("s" if attempts != 1 else "")
        if exc.kind == "network":
            return (f"Cannot reach {self.host} ({url}) after {tries}: {exc.detail}; "
                    f"check the network connection and try again.")
        if exc.kind == "truncated":
            return (f"The download of {url} was cut short after {tries} ({exc.detail}); "
                    f"run the command again to resume it.")
        return (f"{self.host} answered {exc.detail} for {what} ({url}) after {tries}; "
                f"try again later.")

    # -- archives ---------------------------------------------------------------------------

    def fetch_archive(
        self,
        month: str,
        cache_dir: str | os.PathLike | None = None,
        *,
        refresh: bool = False,
        progress: bool = True,
    ) -> Path:
        """The archive ``YYYY-MM.zip`` in the cache, downloading it only when not there yet.

        Parameters
        ----------
        month : str
            The archive's month, ``YYYY-MM`` (it holds that month and the 35 before).
        cache_dir : path, optional
            Cache root (see :func:`pccanalysis.cache.resolve_cache_dir`); archives are kept in
            ``<cache_dir>/police-uk-archives/<host>/``.
        refresh : bool
            Ask the server whether the archive changed (conditional request) and fetch it again
            if so.
        progress : bool
            Show a progress bar on stderr.

        Returns
        -------
        Path
            The cached zip file, checked to be a readable zip.
        """
        folder = archive_cache_dir(cache_dir, self.base_url)
        path = folder / f"{month}.zip"
        meta_path = path.with_name(path.name + ".json")
        url = self.archive_url(month)
        if path.exists() and not refresh:
            log.info("archive %s taken from the cache %s", month, path)
            _check_zip(path, url)
            return path
        folder.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part_meta = part.with_name(part.name + ".json")
        conditional = read_json(meta_path) if path.exists() else {}
        if conditional:
            # A fresh conditional request: an old .part might belong to an older version.
            _discard(part, part_meta)

        def once():
            return self._download_once(url, part, part_meta, conditional, progress)

        status = self._with_retries(f"the archive {month}.zip", url, once)
        if status == "not modified":
            log.info("archive %s unchanged on the server", month)
            _check_zip(path, url)
            return path
        meta = read_json(part_meta)
        meta.update({"url": url, "size": part.stat().st_size,
                     "downloaded": datetime.now(UTC).isoformat(timespec="seconds")})
        os.replace(part, path)
        write_json(meta_path, meta)
        part_meta.unlink(missing_ok=True)
        _check_zip(path, url)
        return path

    def _download_once(self, url: str, part: Path, part_meta: Path, conditional: dict,
                       progress: bool) -> str:
        """One try: ask for the file (the rest of it, when a ``.part`` is held) and stream it."""
        offset = part.stat().st_size if part.exists() else 0
        meta = read_json(part_meta) if offset else {}
        response = self._open_download(url, part, part_meta, offset, meta, conditional)
        if response is None:
            return "not modified"
        with response:
            if response.status == 206:
                total = _resumed_total(response, part, part_meta, offset, meta)
                mode = "ab"
            else:
                offset = 0
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                write_json(part_meta, {"etag": response.headers.get("ETag"),
                                       "last_modified": response.headers.get("Last-Modified"),
                                       "total": total})
                mode = "wb"
            got = _stream(response, part, mode, offset, total, url, progress)
        if total is not None and got < total:
            raise _Transient("truncated", _cut_short(got, total, None))
        if total is not None and got > total:
            _discard(part, part_meta)
            raise _Transient("server", f"{got:,} bytes where {total:,} were announced")
        return "downloaded"

    def _open_download(self, url: str, part: Path, part_meta: Path, offset: int, meta: dict,
                       conditional: dict):
        """The response to a GET (ranged from ``offset`` when > 0), or None for 304."""
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            validator = meta.get("etag") or meta.get("last_modified")
            if validator:
                headers["If-Range"] = validator
        elif conditional:
            if conditional.get("etag"):
                headers["If-None-Match"] = conditional["etag"]
            if conditional.get("last_modified"):
                headers["If-Modified-Since"] = conditional["last_modified"]
        request = urllib.request.Request(url, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=self.retry.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304 and conditional:
                return None
            if exc.code == 416:
                # Our .part does not fit the file on the server any more: start again.
                _discard(part, part_meta)
                raise _Transient("server", f"{exc.code} {exc.reason}") from None
            if (transient := _server_error(exc)) is not None:
                raise transient from None
            if exc.code == 404:
                name = url.rsplit("/", 1)[-1]
                raise PccError(
                    f"{self.host} has no archive {name} ({url} answered 404 Not Found); "
                    f"archives appear about two months after the month they end with."
                ) from None
            raise PccError(f"{self.host} refused {url} ({exc.code} {exc.reason}).") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _Transient("network", _reason(exc)) from None

    # -- API --------------------------------------------------------------------------------

    def api(self, path: str, form: dict[str, str] | None = None) -> Any:
        """Call ``<base>/api/<path>`` (POST when ``form`` is given) and decode the JSON answer.

        A 503 answer raises :class:`TooManyCrimes` at once (data.police.uk's documented answer
        to an area holding more than 10,000 crimes); other 5xx, 429 and network errors are
        retried.
        """
        url = f"{self.base_url}/api/{path.lstrip('/')}"
        data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None

        def once():
            self.limiter.acquire()
            request = urllib.request.Request(
                url, data=data, method="POST" if data is not None else "GET",
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.retry.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 503 and form is not None:
                    raise TooManyCrimes() from None
                if (transient := _server_error(exc)) is not None:
                    raise transient from None
                raise PccError(
                    f"{self.host} refused the API request {url} ({exc.code} {exc.reason})."
                ) from None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                raise _Transient("network", _reason(exc)) from None
            try:
                return json.loads(body)
            except ValueError:
                raise PccError(f"{self.host} answered {url} with text that is not JSON.") from None

        return self._with_retries("the API request", url, once)


def _resumed_total(response, part: Path, part_meta: Path, offset: int, meta: dict) -> int | None:
    """The full size a 206 answer announces, once its Content-Range is checked to fit."""
    m = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)", response.headers.get("Content-Range", ""))
    if not m or int(m[1]) != offset:
        _discard(part, part_meta)
        raise _Transient("server", "a partial answer that does not fit the file")
    return int(m[3]) if m[3] != "*" else meta.get("total")


def _stream(response, part: Path, mode: str, offset: int, total: int | None, url: str,
            progress: bool) -> int:
    """Copy the body into ``part``; returns the bytes the file holds (``offset`` + received)."""
    got = offset
    with open(part, mode) as fh, _progress_bar(total, offset, url, progress) as bar:
        while True:
            try:
                chunk = response.read(CHUNK)
            except (http.client.HTTPException, OSError) as exc:
                raise _Transient("truncated", _cut_short(got, total, exc)) from None
            if not chunk:
                break
            fh.write(chunk)
            got += len(chunk)
            bar.update(len(chunk))
    return got


def _discard(part: Path, part_meta: Path) -> None:
    part.unlink(missing_ok=True)
    part_meta.unlink(missing_ok=True)


def _cut_short(got: int, total: int | None, exc: BaseException | None) -> str:
    if total is not None:
        return f"{got:,} of {total:,} bytes received"
    return f"{got:,} bytes received, then {_reason(exc) if exc else 'the connection closed'}"


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _progress_bar(total: int | None, initial: int, url: str, enabled: bool):
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with papermill, but a bar is not worth failing for
        return _NoBar()
    return tqdm(total=total, initial=initial, unit="B", unit_scale=True, unit_divisor=1024,
                desc=url.rsplit("/", 1)[-1], file=sys.stderr, leave=False)


def archive_cache_dir(cache_dir: str | os.PathLike | None, base_url: str) -> Path:
    """Folder where archives from ``base_url`` are cached (one folder per host)."""
    root = resolve_cache_dir(cache_dir)
    if root is None:  # caching off: still need somewhere to put the download
        root = Path(tempfile.gettempdir()) / "pccanalysis"
    host = urllib.parse.urlsplit(base_url).netloc or "local"
    return root / "police-uk-archives" / re.sub(r"[^A-Za-z0-9._-]", "_", host)


def _check_zip(path: Path, url: str) -> None:
    """Open the zip's directory; a file that is not a zip is removed from the cache."""
    try:
        with zipfile.ZipFile(path):
            pass
    except (zipfile.BadZipFile, OSError, EOFError):
        forget_archive(path)
        raise PccError(
            f"The archive downloaded from {url} is not a readable zip file (it is corrupt); it "
            f"was removed from the cache so the next run downloads it again."
        ) from None


def forget_archive(path: Path) -> None:
    """Remove a cached archive and its record (so the next run downloads it again)."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".json").unlink(missing_ok=True)
