"""Fetch data.police.uk data: the monthly archive files and the street-level crime API.

Archives
    ``<base>/data/archive/YYYY-MM.zip`` holds 36 months (the named month and the 35 before it)
    of every force, laid out ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` with kinds ``street``,
    ``outcomes`` and ``stop-and-search``. :func:`download` fetches the archives a range of months
    needs, streaming each to a cache folder (a ``.part`` file resumed with an HTTP Range request
    after an interruption, retried with exponential backoff on network errors and 5xx answers),
    then extracts only the forces, kinds and months asked for into a folder laid out like
    data.police.uk. An archive already in the cache is never fetched again.

Vintages
    data.police.uk revises earlier months in later archives (outcomes updated, rows added or
    removed). When a month already held is downloaded again and differs, the new file is kept
    beside the held one in ``<to_dir>/.vintages/<download date>/YYYY-MM/...`` (a dot folder,
    which folder readers skip) and the revisions are reported; the held file stays in use until
    the user runs :func:`choose_vintage`. ``<to_dir>/download-manifest.json`` records where every
    file came from.

API
    :func:`get_street_crimes` asks ``<base>/api/crimes-street/<category>`` for the crimes in a
    polygon in one month (POSTed, since long query strings are refused), within the documented
    rate limit (15 requests a second). An area holding more than 10,000 crimes is answered 503;
    :func:`get_street_crimes_in_box` splits a box into quarters until each answers.

The base URL is ``https://data.police.uk`` unless ``base_url`` or the environment variable
``PCC_POLICE_UK_URL`` says otherwise (tests point it at a local server).

Every failure the user can meet (network unreachable, download truncated, server error after
the retries, corrupt zip, area too large) raises :class:`~pccanalysis.errors.PccError` with one
sentence, and leaves no partial file in the target folder.

References
----------
data.police.uk, "Data downloads" (https://data.police.uk/data/) and "API documentation"
(https://data.police.uk/docs/), Open Government Licence v3.0.
"""

from __future__ import annotations

import csv
import http.client
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ...cache import resolve_cache_dir
from ...errors import PccError, PeriodError
from ...files import did_you_mean, file_digest, write_atomic
from ...quality import DataQuality, FileRecord

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://data.police.uk"
BASE_URL_ENV = "PCC_POLICE_UK_URL"
KINDS = ("street", "outcomes", "stop-and-search")
ARCHIVE_MONTHS = 36
MANIFEST_NAME = "download-manifest.json"
VINTAGES_DIR = ".vintages"
USER_AGENT = "pccanalysis (https://data.police.uk open data client)"
CHUNK = 1 << 20

#: Force identifiers used in data.police.uk file names (``/api/forces``), England and Wales plus
#: British Transport Police and the Police Service of Northern Ireland.
FORCES = (
    "avon-and-somerset", "bedfordshire", "btp", "cambridgeshire", "cheshire", "city-of-london",
    "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset", "durham",
    "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent", "hampshire",
    "hertfordshire", "humberside", "kent", "lancashire", "leicestershire", "lincolnshire",
    "merseyside", "metropolitan", "norfolk", "north-wales", "north-yorkshire",
    "northamptonshire", "northern-ireland", "northumbria", "nottinghamshire", "south-wales",
    "south-yorkshire", "staffordshire", "suffolk", "surrey", "sussex", "thames-valley",
    "warwickshire", "west-mercia", "west-midlands", "west-yorkshire", "wiltshire",
)  # fmt: skip

#: The column whose changes count as "outcome changed" between vintages, per kind.
OUTCOME_COLUMNS = {
    "street": "Last outcome category",
    "outcomes": "Outcome type",
    "stop-and-search": "Outcome",
}

#: API crime category slugs (``/api/crime-categories``) -> names used in the CSV files.
CRIME_CATEGORIES = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}

_MEMBER_RE = re.compile(
    r"(?:^|/)(?P<dir>\d{4}-\d{2})/(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-"
    r"(?P<kind>street|outcomes|stop-and-search)\.csv$"
)


# --------------------------------------------------------------------------------------------
# HTTP with retries


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

    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


class _Transient(Exception):
    """A failure worth retrying; ``kind`` picks the final message."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


class _TooManyCrimes(Exception):
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


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


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
        for attempt in range(1, attempts + 1):
            try:
                return once()
            except _Transient as exc:
                if attempt == attempts:
                    raise PccError(self._final_message(exc, what, url, attempts)) from None
                wait = self.retry.wait(attempt)
                if exc.retry_after is not None:
                    wait = min(max(wait, exc.retry_after), self.retry.max_wait)
                log.info("%s: %s; try %d of %d in %.1f s", url, exc.detail, attempt + 1,
                         attempts, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

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
        conditional = _read_json(meta_path) if path.exists() else {}
        if conditional:
            # A fresh conditional request: an old .part might belong to an older version.
            part.unlink(missing_ok=True)
            part_meta.unlink(missing_ok=True)

        def once():
            return self._download_once(url, part, part_meta, conditional, progress)

        status = self._with_retries(f"the archive {month}.zip", url, once)
        if status == "not modified":
            log.info("archive %s unchanged on the server", month)
            _check_zip(path, url)
            return path
        meta = _read_json(part_meta)
        meta.update({"url": url, "size": part.stat().st_size,
                     "downloaded": datetime.now(UTC).isoformat(timespec="seconds")})
        os.replace(part, path)
        _write_json(meta_path, meta)
        part_meta.unlink(missing_ok=True)
        _check_zip(path, url)
        return path

    def _download_once(self, url: str, part: Path, part_meta: Path, conditional: dict,
                       progress: bool) -> str:
        offset = part.stat().st_size if part.exists() else 0
        meta = _read_json(part_meta) if offset else {}
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
            response = urllib.request.urlopen(request, timeout=self.retry.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304 and conditional:
                return "not modified"
            if exc.code == 416:
                # Our .part does not fit the file on the server any more: start again.
                part.unlink(missing_ok=True)
                part_meta.unlink(missing_ok=True)
                raise _Transient("server", f"{exc.code} {exc.reason}") from None
            if exc.code >= 500 or exc.code == 429:
                raise _Transient("server", f"{exc.code} {exc.reason}",
                                 _retry_after(exc.headers)) from None
            if exc.code == 404:
                name = url.rsplit("/", 1)[-1]
                raise PccError(
                    f"{self.host} has no archive {name} ({url} answered 404 Not Found); "
                    f"archives appear about two months after the month they end with."
                ) from None
            raise PccError(f"{self.host} refused {url} ({exc.code} {exc.reason}).") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _Transient("network", _reason(exc)) from None

        with response:
            total = None
            if response.status == 206:
                m = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)", response.headers.get("Content-Range", ""))
                if not m or int(m[1]) != offset:
                    part.unlink(missing_ok=True)
                    part_meta.unlink(missing_ok=True)
                    raise _Transient("server", "a partial answer that does not fit the file")
                total = int(m[3]) if m[3] != "*" else None
                mode = "ab"
            else:
                offset = 0
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                meta = {
                    "etag": response.headers.get("ETag"),
                    "last_modified": response.headers.get("Last-Modified"),
                    "total": total,
                }
                _write_json(part_meta, meta)
                mode = "wb"
            if total is None:
                total = meta.get("total")
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
        if total is not None and got < total:
            raise _Transient("truncated", _cut_short(got, total, None))
        if total is not None and got > total:
            part.unlink(missing_ok=True)
            part_meta.unlink(missing_ok=True)
            raise _Transient("server", f"{got:,} bytes where {total:,} were announced")
        return "downloaded"

    # -- API --------------------------------------------------------------------------------

    def api(self, path: str, form: dict[str, str] | None = None) -> Any:
        """Call ``<base>/api/<path>`` (POST when ``form`` is given) and decode the JSON answer.

        A 503 answer raises ``_TooManyCrimes`` at once (data.police.uk's documented answer to an
        area holding more than 10,000 crimes); other 5xx, 429 and network errors are retried.
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
                    raise _TooManyCrimes() from None
                if exc.code >= 500 or exc.code == 429:
                    raise _Transient("server", f"{exc.code} {exc.reason}",
                                     _retry_after(exc.headers)) from None
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
        _forget(path)
        raise PccError(
            f"The archive downloaded from {url} is not a readable zip file (it is corrupt); it "
            f"was removed from the cache so the next run downloads it again."
        ) from None


def _forget(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".json").unlink(missing_ok=True)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


# --------------------------------------------------------------------------------------------
# Planning: which archives hold which months


def _month_index(text: str, what: str) -> int:
    if not re.fullmatch(r"\d{4}-\d{2}", str(text).strip()):
        raise PeriodError(f"{what} {text!r} is not a month: write it like 2020-04.")
    year, month = (int(x) for x in str(text).strip().split("-"))
    if not 1 <= month <= 12:
        raise PeriodError(f"{what} {text!r} is not a month: write it like 2020-04.")
    return year * 12 + month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def plan_archives(start: str, end: str, newest: str | None = None) -> list[tuple[str, list[str]]]:
    """Which archives to fetch for the months ``start`` to ``end`` (inclusive).

    Each archive holds its own month and the 35 before. The newest archive (``newest``, default
    ``end``) gives the most recent vintage of every month it holds; earlier months come from
    archives 36, 72, ... months older.

    Returns
    -------
    list of (archive month, months taken from it)
        Newest archive first; months in calendar order.
    """
    s = _month_index(start, "The first month")
    e = _month_index(end, "The last month")
    if s > e:
        raise PeriodError(f"The first month {start} comes after the last month {end}.")
    a = e if newest is None else _month_index(newest, "The archive month")
    if a < e:
        raise PeriodError(
            f"The archive {newest} ends before the last month asked for ({end}); "
            f"choose an archive of {end} or later."
        )
    plan = []
    covered_to = e
    while covered_to >= s:
        first = max(s, a - ARCHIVE_MONTHS + 1)
        months = [_month_label(i) for i in range(first, covered_to + 1)]
        if months:
            plan.append((_month_label(a), months))
        covered_to = first - 1
        a -= ARCHIVE_MONTHS
    return plan


def check_forces(forces: Iterable[str]) -> list[str]:
    """Force identifiers as data.police.uk spells them; a typo gets a suggestion."""
    out = []
    for force in forces:
        slug = str(force).strip().lower().replace(" ", "-")
        if slug not in FORCES:
            hint = did_you_mean(slug, FORCES)
            raise PccError(
                f"{force!r} is not a data.police.uk force identifier{hint}; identifiers are "
                f"lower case with hyphens, like 'nottinghamshire' or 'avon-and-somerset'."
            )
        if slug not in out:
            out.append(slug)
    if not out:
        raise PccError("No force was given: name at least one, e.g. 'nottinghamshire'.")
    return out


def check_kinds(kinds: Iterable[str] | str) -> list[str]:
    """The kinds of file asked for (``street``, ``outcomes``, ``stop-and-search``)."""
    if isinstance(kinds, str):
        kinds = kinds.split(",")
    out = []
    for kind in kinds:
        k = kind.strip().lower()
        if k not in KINDS:
            raise PccError(f"{kind!r} is not a kind of data.police.uk file: use {', '.join(KINDS)}.")
        if k not in out:
            out.append(k)
    if not out:
        raise PccError(f"No kind of file was given: use {', '.join(KINDS)}.")
    return out


# --------------------------------------------------------------------------------------------
# Vintages


@dataclass(frozen=True)
class Revision:
    """How a newer download of one file differs from the one held.

    Rows are compared as multisets of their values apart from the outcome column, so an updated
    outcome is not counted as one row removed and one added. ``rows_new - rows_held == added -
    removed`` always holds.

    Attributes
    ----------
    month, force, kind : str
        The file (``YYYY-MM``, force identifier, ``street``/``outcomes``/``stop-and-search``).
    rows_held, rows_new : int
        Data rows in the held file and in the new one.
    added, removed : int
        Rows only in the new file, and only in the held one.
    outcomes_changed : int
        Rows in both whose outcome column (see ``OUTCOME_COLUMNS``) differs.
    """

    month: str
    force: str
    kind: str
    rows_held: int
    rows_new: int
    added: int
    removed: int
    outcomes_changed: int

    def line(self) -> str:
        """One line for the command's output."""
        return (f"{self.month} {self.force} {self.kind}: {self.added:,} rows added, "
                f"{self.removed:,} removed, {self.outcomes_changed:,} outcomes changed "
                f"({self.rows_held:,} rows held, {self.rows_new:,} in the new download).")


def _read_rows(path: Path, outcome_column: str | None) -> tuple[Counter, int]:
    """Multiset of (row without outcome) -> Counter of outcomes, and the row count."""
    groups: dict[tuple, Counter] = {}
    n = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        pos = header.index(outcome_column) if outcome_column in header else None
        for row in reader:
            if not row:
                continue
            n += 1
            if pos is not None and pos < len(row):
                key = tuple(row[:pos] + row[pos + 1:])
                outcome = row[pos]
            else:
                key, outcome = tuple(row), ""
            groups.setdefault(key, Counter())[outcome] += 1
    return groups, n


def compare_files(held: str | os.PathLike, new: str | os.PathLike, *, month: str, force: str,
                  kind: str) -> Revision:
    """Count the rows added, removed and with a changed outcome between two vintages of a file.

    Method: rows are grouped by all their values except the outcome column; within a group the
    first ``min(held, new)`` rows are matched, and of those, the ones whose outcome is not shared
    (multiset intersection of the outcomes) count as changed. Unmatched rows are added/removed.
    """
    outcome_column = OUTCOME_COLUMNS.get(kind)
    old, n_old = _read_rows(Path(held), outcome_column)
    fresh, n_new = _read_rows(Path(new), outcome_column)
    added = removed = changed = 0
    for key in old.keys() | fresh.keys():
        a, b = old.get(key, Counter()), fresh.get(key, Counter())
        na, nb = sum(a.values()), sum(b.values())
        matched = min(na, nb)
        same = sum((a & b).values())
        changed += matched - min(same, matched)
        added += nb - matched
        removed += na - matched
    return Revision(month, force, kind, n_old, n_new, added, removed, changed)


def _count_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return max(0, sum(1 for row in csv.reader(fh) if row) - 1)


def _load_manifest(to_dir: Path) -> dict:
    manifest = _read_json(to_dir / MANIFEST_NAME)
    manifest.setdefault("current", {})
    manifest.setdefault("vintages", {})
    return manifest


# --------------------------------------------------------------------------------------------
# Download


@dataclass
class DownloadReport:
    """What :func:`download` did.

    Attributes
    ----------
    to_dir : Path
        The folder laid out like data.police.uk.
    archives : list of str
        Archive URLs used (fetched or from the cache).
    written : list of str
        Files new to the folder (``YYYY-MM/YYYY-MM-<force>-<kind>.csv``).
    unchanged : list of str
        Files already held with the same content (or already held as a kept vintage).
    vintage : str or None
        The label of the new vintage folder, when some held files were revised.
    revisions : list of Revision
        One per revised file.
    missing : list of str
        Files asked for that the archive does not hold (e.g. a force's publication gap).
    """

    to_dir: Path
    archives: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    vintage: str | None = None
    revisions: list[Revision] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Plain lines for the command's output."""
        out = [f"Archives used: {', '.join(self.archives)}."]
        out.append(f"{len(self.written)} files written into {self.to_dir}; "
                   f"{len(self.unchanged)} already held and unchanged.")
        if self.vintage:
            out.append(
                f"{len(self.revisions)} held files were revised by data.police.uk: the new "
                f"vintage is kept in {self.to_dir / VINTAGES_DIR / self.vintage} and the held "
                f"files stay in use until you run `pcc vintages --to-dir {self.to_dir} "
                f"--choose {self.vintage}`."
            )
            out.extend(r.line() for r in self.revisions)
        for name in self.missing:
            out.append(f"Not published in the archive: {name}.")
        return out


def download(
    forces: str | Sequence[str],
    start: str,
    end: str,
    *,
    kinds: str | Sequence[str] = ("street",),
    to_dir: str | os.PathLike = "data/police-uk",
    archive: str | None = None,
    base_url: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    retry: RetryPolicy | None = None,
    refresh: bool = False,
    progress: bool = True,
    today: date | None = None,
) -> DownloadReport:
    """Download data.police.uk files for some forces and months into a folder.

    Parameters
    ----------
    forces : str or list of str
        Force identifiers, e.g. ``"nottinghamshire"`` (see ``FORCES``).
    start, end : str
        First and last month, ``YYYY-MM``, inclusive.
    kinds : str or list of str
        Any of ``street``, ``outcomes``, ``stop-and-search`` (a comma-separated string works).
    to_dir : path
        Target folder; files go to ``<to_dir>/YYYY-MM/YYYY-MM-<force>-<kind>.csv``.
    archive : str, optional
        The newest archive to take months from (default: the archive of ``end``). Name a later
        archive to get a more recent vintage of the same months.
    base_url : str, optional
        Site root (default ``$PCC_POLICE_UK_URL`` or https://data.police.uk).
    cache_dir : path, optional
        Cache root for archives (see :func:`pccanalysis.cache.resolve_cache_dir`).
    retry : RetryPolicy, optional
        Retry policy for the downloads.
    refresh : bool
        Check with the server whether cached archives changed.
    progress : bool
        Show a progress bar on stderr.
    today : date, optional
        Date naming a new vintage (default: today, UTC).

    Returns
    -------
    DownloadReport

    Raises
    ------
    PccError
        Network unreachable, download cut short or server errors after the retries, corrupt
        archive, or nothing asked for is in the archive. The target folder then holds no new or
        partial file.
    """
    force_list = check_forces([forces] if isinstance(forces, str) else forces)
    kind_list = check_kinds(kinds)
    plan = plan_archives(start, end, archive)
    client = PoliceUkClient(base_url, retry=retry)
    to_dir = Path(to_dir)
    label_date = (today or datetime.now(UTC).date()).isoformat()
    report = DownloadReport(to_dir=to_dir)

    fetched = []
    for archive_month, months in plan:
        path = client.fetch_archive(archive_month, cache_dir, refresh=refresh, progress=progress)
        fetched.append((archive_month, months, path))
        report.archives.append(client.archive_url(archive_month))

    created = not to_dir.exists()
    to_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pcc-download-", dir=to_dir))
    try:
        staged = []  # (relative name, staged path, month, force, kind, archive url)
        for archive_month, months, path in fetched:
            url = client.archive_url(archive_month)
            staged.extend(_extract(path, url, staging, set(months), force_list, kind_list,
                                   report))
        if not staged:
            raise PccError(
                f"The archives used ({', '.join(report.archives)}) hold no {'/'.join(kind_list)} "
                f"file for {', '.join(force_list)} between {start} and {end}."
            )
        _commit(to_dir, staged, report, label_date)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            shutil.rmtree(to_dir, ignore_errors=True)  # it held only our staging folder
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _extract(path: Path, url: str, staging: Path, months: set[str], forces: list[str],
             kinds: list[str], report: DownloadReport) -> list[tuple]:
    """Copy the wanted members of one archive into the staging folder (CRC-checked)."""
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            found = {}
            for info in zf.infolist():
                m = _MEMBER_RE.search(info.filename)
                if m and m["dir"] == m["month"]:
                    found[(m["month"], m["force"], m["kind"])] = info
            for month in sorted(months):
                for force in forces:
                    for kind in kinds:
                        name = f"{month}/{month}-{force}-{kind}.csv"
                        info = found.get((month, force, kind))
                        if info is None:
                            report.missing.append(name)
                            continue
                        target = staging / name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with zf.open(info) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst, CHUNK)
                        out.append((name, target, month, force, kind, url))
    except (zipfile.BadZipFile, zlib.error, EOFError):
        _forget(path)
        raise PccError(
            f"The archive downloaded from {url} is corrupt (a file inside fails its checksum); "
            f"it was removed from the cache so the next run downloads it again."
        ) from None
    return out


def _vintage_label(to_dir: Path, manifest: dict, label_date: str) -> str:
    taken = set(manifest["vintages"]) | {v.get("vintage") for v in manifest["current"].values()}
    vroot = to_dir / VINTAGES_DIR
    if vroot.exists():
        taken |= {p.name for p in vroot.iterdir()}
    label, n = label_date, 1
    while label in taken:
        n += 1
        label = f"{label_date}-{n}"
    return label


def _commit(to_dir: Path, staged: list[tuple], report: DownloadReport, label_date: str) -> None:
    """Move staged files into place (new months) or into a vintage folder (revised months)."""
    manifest = _load_manifest(to_dir)
    moves = []  # (staged path, destination, manifest section, name, entry)
    new_label = None
    for name, path, month, force, kind, url in staged:
        digest = file_digest(path)
        entry = {"archive": url, "sha256": digest, "rows": _count_rows(path)}
        target = to_dir / name
        if not target.exists():
            moves.append((path, target, None, name, entry))
            report.written.append(name)
            continue
        if file_digest(target) == digest or _held_as_vintage(to_dir, name, digest):
            report.unchanged.append(name)
            continue
        if new_label is None:
            new_label = _vintage_label(to_dir, manifest, label_date)
        report.revisions.append(compare_files(target, path, month=month, force=force, kind=kind))
        moves.append((path, to_dir / VINTAGES_DIR / new_label / name, new_label, name, entry))

    for path, dest, vintage, name, entry in moves:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        if vintage is None:
            manifest["current"][name] = entry | {"vintage": label_date}
        else:
            v = manifest["vintages"].setdefault(
                vintage, {"downloaded": label_date, "files": {}, "revisions": []})
            v["files"][name] = entry | {"vintage": vintage}
    if new_label is not None:
        report.vintage = new_label
        manifest["vintages"][new_label]["revisions"] = [asdict(r) for r in report.revisions]
    _write_json(to_dir / MANIFEST_NAME, manifest)


def _held_as_vintage(to_dir: Path, name: str, digest: str) -> bool:
    vroot = to_dir / VINTAGES_DIR
    if not vroot.is_dir():
        return False
    return any((v / name).is_file() and file_digest(v / name) == digest for v in vroot.iterdir())


@dataclass(frozen=True)
class Vintage:
    """A kept vintage waiting for a choice: its label, files and the revisions recorded."""

    label: str
    files: list[str]
    revisions: list[Revision]


def list_vintages(to_dir: str | os.PathLike) -> list[Vintage]:
    """The vintages kept beside the files in use, oldest label first."""
    to_dir = Path(to_dir)
    manifest = _load_manifest(to_dir)
    vroot = to_dir / VINTAGES_DIR
    out = []
    if vroot.is_dir():
        for v in sorted(p for p in vroot.iterdir() if p.is_dir()):
            files = sorted(str(p.relative_to(v)).replace(os.sep, "/") for p in v.rglob("*.csv"))
            recorded = manifest["vintages"].get(v.name, {}).get("revisions", [])
            out.append(Vintage(v.name, files, [Revision(**r) for r in recorded]))
    return out


def choose_vintage(to_dir: str | os.PathLike, label: str) -> list[str]:
    """Put a kept vintage's files in use; the files they replace are kept as their own vintage.

    Returns
    -------
    list of str
        The files now taken from vintage ``label``.
    """
    to_dir = Path(to_dir)
    vdir = to_dir / VINTAGES_DIR / label
    if not vdir.is_dir():
        known = ", ".join(v.label for v in list_vintages(to_dir)) or "none"
        raise PccError(f"{to_dir} holds no vintage {label!r} (vintages kept: {known}).")
    manifest = _load_manifest(to_dir)
    recorded = manifest["vintages"].pop(label, {"files": {}})
    swapped = []
    for path in sorted(vdir.rglob("*.csv")):
        name = str(path.relative_to(vdir)).replace(os.sep, "/")
        target = to_dir / name
        if target.exists():
            held = manifest["current"].get(name, {})
            old_label = held.get("vintage") or "unrecorded"
            aside = to_dir / VINTAGES_DIR / old_label / name
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, aside)
            v = manifest["vintages"].setdefault(
                old_label, {"downloaded": old_label, "files": {}, "revisions": []})
            v["files"][name] = held
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        manifest["current"][name] = recorded["files"].get(name, {"vintage": label})
        swapped.append(name)
    shutil.rmtree(vdir, ignore_errors=True)
    _write_json(to_dir / MANIFEST_NAME, manifest)
    return swapped


def discard_vintage(to_dir: str | os.PathLike, label: str) -> None:
    """Delete a kept vintage (the files in use are not touched)."""
    to_dir = Path(to_dir)
    vdir = to_dir / VINTAGES_DIR / label
    if not vdir.is_dir():
        known = ", ".join(v.label for v in list_vintages(to_dir)) or "none"
        raise PccError(f"{to_dir} holds no vintage {label!r} (vintages kept: {known}).")
    shutil.rmtree(vdir)
    manifest = _load_manifest(to_dir)
    manifest["vintages"].pop(label, None)
    _write_json(to_dir / MANIFEST_NAME, manifest)


# --------------------------------------------------------------------------------------------
# Street-level crime API


def _poly_text(polygon: Sequence[tuple[float, float]]) -> str:
    points = list(polygon)
    if len(points) < 3:
        raise PccError("A polygon needs at least three (latitude, longitude) points.")
    parts = []
    for lat, lng in points:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise PccError(
                f"({lat}, {lng}) is not a (latitude, longitude) point: latitude runs -90 to 90 "
                f"and longitude -180 to 180."
            )
        parts.append(f"{lat:.6f},{lng:.6f}")
    return ":".join(parts)


def _api_rows(client: PoliceUkClient, polygon, month: str, category: str) -> list[dict]:
    answer = client.api(f"crimes-street/{category}", {"poly": _poly_text(polygon), "date": month})
    if not isinstance(answer, list):
        raise PccError(f"{client.host} answered the street-level crime request with something "
                       f"other than a list of crimes.")
    return answer


def _api_frame(rows: list[dict], dq: DataQuality):
    import pandas as pd

    def text(value):
        return value if isinstance(value, str) and value != "" else None

    records = []
    unknown = 0
    for r in rows:
        loc = r.get("location") or {}
        street = loc.get("street") or {}
        outcome = r.get("outcome_status") or {}
        slug = r.get("category") or ""
        if slug not in CRIME_CATEGORIES:
            unknown += 1
        records.append({
            "crime_id": text(r.get("persistent_id")),
            "month": r.get("month"),
            "reported_by": None,
            "falls_within": None,
            "longitude": float(loc["longitude"]) if loc.get("longitude") not in (None, "") else None,
            "latitude": float(loc["latitude"]) if loc.get("latitude") not in (None, "") else None,
            "location": text(street.get("name")),
            "lsoa_code": None,
            "lsoa_name": None,
            "crime_type": CRIME_CATEGORIES.get(slug, slug.replace("-", " ").capitalize()),
            "last_outcome": text(outcome.get("category")),
            "context": text(r.get("context")),
            "local_authority": None,
            "api_id": r.get("id"),
            "location_type": text(r.get("location_type")),
            "outcome_month": text(outcome.get("date")),
        })
    if unknown:
        dq.flag("crime category not in the published list", unknown)
    columns = ["crime_id", "month", "reported_by", "falls_within", "longitude", "latitude",
               "location", "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context",
               "local_authority", "api_id", "location_type", "outcome_month"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in ["crime_id", "reported_by", "falls_within", "location", "lsoa_code", "lsoa_name",
                "last_outcome", "context", "local_authority", "location_type", "outcome_month"]:
        frame[col] = frame[col].astype("str")
    frame["month"] = pd.PeriodIndex(frame["month"].astype("str"), freq="M")
    frame["longitude"] = frame["longitude"].astype("float64")
    frame["latitude"] = frame["latitude"].astype("float64")
    frame["crime_type"] = frame["crime_type"].astype("category")
    frame["falls_within"] = frame["falls_within"].astype("category")
    frame["api_id"] = frame["api_id"].astype("Int64")
    return frame


def get_street_crimes(
    polygon: Sequence[tuple[float, float]],
    month: str,
    *,
    category: str = "all-crime",
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    client: PoliceUkClient | None = None,
):
    """Street-level crimes and ASB inside a polygon in one month, from the data.police.uk API.

    Parameters
    ----------
    polygon : sequence of (latitude, longitude)
        The area's corners [degrees, WGS84]; the API closes the polygon itself.
    month : str
        ``YYYY-MM``.
    category : str
        API category slug (``all-crime`` or a key of ``CRIME_CATEGORIES``).
    base_url, retry : optional
        As for :class:`PoliceUkClient` (ignored when ``client`` is given).
    client : PoliceUkClient, optional
        A client to share its rate limit across calls.

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        The street frame's columns (``lsoa_*``, ``reported_by`` and ``falls_within`` are <NA>: the
        API does not give them) plus ``api_id``, ``location_type`` and ``outcome_month``.

    Raises
    ------
    PccError
        When the area holds more than 10,000 crimes (answered 503), or the API cannot be reached.
    """
    _month_index(month, "The month")
    client = client or PoliceUkClient(base_url, retry=retry)
    try:
        rows = _api_rows(client, polygon, month, category)
    except _TooManyCrimes:
        raise PccError(
            f"{client.host} answered 503 for the polygon in {month}, which it does when an area "
            f"holds more than 10,000 crimes; ask for a smaller area (get_street_crimes_in_box "
            f"splits one) or download the monthly archive (pcc download)."
        ) from None
    dq = DataQuality(source="data.police.uk API street-level crimes")
    dq.files.append(FileRecord(path=f"{client.base_url}/api/crimes-street/{category}",
                               rows=len(rows), month=month))
    frame = _api_frame(rows, dq)
    dq.rows_read = dq.rows_kept = len(frame)
    return frame, dq.check()


def get_street_crimes_in_box(
    south: float,
    west: float,
    north: float,
    east: float,
    month: str,
    *,
    category: str = "all-crime",
    max_depth: int = 3,
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    client: PoliceUkClient | None = None,
):
    """Street-level crimes in a latitude/longitude box, splitting it while the API says too many.

    Method: ask for the box; on a 503 (more than 10,000 crimes) ask for its four quarters,
    recursively, at most ``max_depth`` times. A crime on a shared edge can come back from two
    boxes: the repeat (same API ``id``) is excluded and counted in the DataQuality record.

    Parameters
    ----------
    south, west, north, east : float
        The box's edges [degrees, WGS84].
    month : str
        ``YYYY-MM``.
    max_depth : int
        Most levels of splitting (3 means at most 64 boxes).

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        As :func:`get_street_crimes`.
    """
    _month_index(month, "The month")
    if not (south < north and west < east):
        raise PccError(f"The box south={south}, west={west}, north={north}, east={east} is "
                       f"empty: south must be below north and west left of east.")
    client = client or PoliceUkClient(base_url, retry=retry)
    rows: list[dict] = []
    boxes = 0

    def visit(s, w, n, e, depth):
        nonlocal boxes
        boxes += 1
        try:
            rows.extend(_api_rows(client, [(s, w), (n, w), (n, e), (s, e)], month, category))
        except _TooManyCrimes:
            if depth >= max_depth:
                times = "once" if max_depth == 1 else f"{max_depth} times"
                raise PccError(
                    f"{client.host} still answered 503 (more than 10,000 crimes) for a box "
                    f"split {times} in {month}; raise max_depth or download the monthly "
                    f"archive (pcc download)."
                ) from None
            mlat, mlng = (s + n) / 2, (w + e) / 2
            for box in ((s, w, mlat, mlng), (s, mlng, mlat, e), (mlat, w, n, mlng),
                        (mlat, mlng, n, e)):
                visit(*box, depth + 1)

    visit(south, west, north, east, 0)
    seen, unique = set(), []
    for r in rows:
        key = r.get("id")
        if key is not None and key in seen:
            continue
        seen.add(key)
        unique.append(r)
    dq = DataQuality(source="data.police.uk API street-level crimes")
    dq.files.append(FileRecord(path=f"{client.base_url}/api/crimes-street/{category}",
                               rows=len(rows), month=month, note=f"{boxes} boxes asked"))
    dq.rows_read = len(rows)
    dq.exclude("returned twice by neighbouring boxes (same API id)", len(rows) - len(unique))
    frame = _api_frame(unique, dq)
    dq.rows_kept = len(frame)
    return frame, dq.check()
