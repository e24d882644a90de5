"""Download data.police.uk's monthly archives and extract the forces, kinds and months asked for.

``<base>/data/archive/YYYY-MM.zip`` holds 36 months (the named month and the 35 before it) of
every force, laid out ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` with kinds ``street``, ``outcomes``
and ``stop-and-search``. :func:`download` plans which archives a range of months needs
(:func:`plan_archives`), fetches each into a cache folder with :class:`~.http.PoliceUkClient`
(resumable, retried; an archive already in the cache is never fetched again), then extracts
only the forces, kinds and months asked for into a folder laid out like data.police.uk. A month
already held that the new archive revises is kept aside as a vintage (:mod:`.vintages`).

Every failure the user can meet (network unreachable, download truncated, server error after
the retries, corrupt zip) raises :class:`~pccanalysis.errors.PccError` with one sentence, and
leaves no partial file in the target folder.

References
----------
data.police.uk, "Data downloads" (https://data.police.uk/data/), Open Government Licence v3.0.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from ...errors import PccError, PeriodError
from ...files import did_you_mean
from .files import CHUNK, CheckedStream, ZipLimits, check_member, members_of
from .http import PoliceUkClient, RetryPolicy, forget_archive
from .schema import FORCES, KINDS, FileName, month_index, month_label
from .vintages import (
    VINTAGES_DIR,
    Revision,
    compare_files,
    count_rows,
    held_as_vintage,
    load_manifest,
    new_label,
    save_manifest,
    sha256,
)

#: Months in one archive: its own and the 35 before.
ARCHIVE_MONTHS = 36


# --------------------------------------------------------------------------------------------
# Planning: which archives hold which months


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
    s = month_index(start, "The first month")
    e = month_index(end, "The last month")
    if s > e:
        raise PeriodError(f"The first month {start} comes after the last month {end}.")
    a = e if newest is None else month_index(newest, "The archive month")
    if a < e:
        raise PeriodError(
            f"The archive {newest} ends before the last month asked for ({end}); "
            f"choose an archive of {end} or later."
        )
    plan = []
    covered_to = e
    while covered_to >= s:
        first = max(s, a - ARCHIVE_MONTHS + 1)
        months = [month_label(i) for i in range(first, covered_to + 1)]
        if months:
            plan.append((month_label(a), months))
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
        Force identifiers, e.g. ``"nottinghamshire"`` (see :data:`.schema.FORCES`).
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
    limits = ZipLimits.from_environment()
    try:
        with zipfile.ZipFile(path) as zf:
            found = {}
            for f in members_of(zf, path):
                # only YYYY-MM/YYYY-MM-<force>-<kind>.csv: the file in its own month's folder
                # a zip made on Windows may separate folders with "\\"
                if PurePosixPath(f.member.filename.replace("\\", "/")).parent.name == f.name.month:
                    found[f.name] = f.member
            for month in sorted(months):
                for force in forces:
                    for kind in kinds:
                        wanted = FileName(month, force, kind)
                        name = wanted.path
                        info = found.get(wanted)
                        if info is None:
                            report.missing.append(name)
                            continue
                        target = staging / name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        display = f"{path}:{info.filename}"
                        check_member(info, display, limits)
                        with zf.open(info) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(CheckedStream(src, display, info=info,
                                                             limits=limits, nul=False), dst, CHUNK)
                        out.append((name, target, month, force, kind, url))
    except (zipfile.BadZipFile, zlib.error, EOFError):
        forget_archive(path)
        raise PccError(
            f"The archive downloaded from {url} is corrupt (a file inside fails its checksum); "
            f"it was removed from the cache so the next run downloads it again."
        ) from None
    return out


def _commit(to_dir: Path, staged: list[tuple], report: DownloadReport, label_date: str) -> None:
    """Move staged files into place (new months) or into a vintage folder (revised months)."""
    manifest = load_manifest(to_dir)
    moves = []  # (staged path, destination, manifest section, name, entry)
    label = None
    for name, path, month, force, kind, url in staged:
        digest = sha256(path)
        entry = {"archive": url, "sha256": digest, "rows": count_rows(path)}
        target = to_dir / name
        if not target.exists():
            moves.append((path, target, None, name, entry))
            report.written.append(name)
            continue
        if sha256(target) == digest or held_as_vintage(to_dir, name, digest):
            report.unchanged.append(name)
            continue
        if label is None:
            label = new_label(to_dir, manifest, label_date)
        report.revisions.append(compare_files(target, path, month=month, force=force, kind=kind))
        moves.append((path, to_dir / VINTAGES_DIR / label / name, label, name, entry))

    for path, dest, vintage, name, entry in moves:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        if vintage is None:
            manifest["current"][name] = entry | {"vintage": label_date}
        else:
            v = manifest["vintages"].setdefault(
                vintage, {"downloaded": label_date, "files": {}, "revisions": []})
            v["files"][name] = entry | {"vintage": vintage}
    if label is not None:
        report.vintage = label
        manifest["vintages"][label]["revisions"] = [asdict(r) for r in report.revisions]
    save_manifest(to_dir, manifest)
