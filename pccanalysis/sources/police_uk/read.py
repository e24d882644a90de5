"""Read data.police.uk street-level crime, outcomes and stop-and-search files.

data.police.uk publishes one CSV per force and month, ``YYYY-MM/YYYY-MM-<force>-street.csv``
(also ``-outcomes.csv`` and ``-stop-and-search.csv``), as zip downloads of many months. The
readers here take a folder tree, single files, zip archives (read in place, never unpacked), or a
list mixing them (found as :mod:`.files` describes), and return a tidy typed frame plus a :class:`~pccanalysis.quality.DataQuality`
record accounting for every row.

Conventions kept from the publisher (a row is a record): duplicated Crime IDs and exact duplicate
rows are *flagged*, never dropped, so counts match data.police.uk's own. Rows are excluded only
when a second copy of the same force-month (another download) supersedes them.

Which copy of a force-month is the later publication is decided by evidence
(:func:`.vintages.publication_of`): a zip member by its archive's month, a file by the record
``pcc download`` keeps beside it. Never by modification time, which copying changes. Copies that
hold the same rows are one (the first by path is kept); copies that differ with no evidence, or
with the same evidence, stop the read with a :class:`~pccanalysis.errors.DataError` naming both
files. ``vintage="earliest"`` keeps the earlier publication instead. Files that do not follow
the publisher's naming are compared by the month and force they hold, when they hold exactly
one of each.

Each file is parsed and checked by :func:`.parse.parse` (columns from :mod:`.schema`); parsed
files are kept in a Parquet cache (:mod:`pccanalysis.cache`) keyed on each file's fingerprint.

References
----------
data.police.uk, "About": https://data.police.uk/about/ (file layout, columns, anonymisation of
locations to snap points, outcomes). Data under the Open Government Licence v3.0.
"""

from __future__ import annotations

import logging
import os
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...cache import ParquetCache, combine_keys, open_cache
from ...errors import DataError
from ...quality import DataQuality, FileRecord
from ..geography import la_name_key
from .files import (
    Found,
    Skipped,
    ZipLimits,
    as_paths,
    check_member,
    find_in_folder,
    is_zip,
    open_zip,
    read_member,
    skipped_notes,
    zip_members,
)
from .parse import Parsed, parse
from .schema import (
    LSOA_SUFFIX_RE,
    OUTCOMES,
    STOP_AND_SEARCH,
    STREET,
    FileSchema,
    file_path_pattern,
    parse_file_name,
)
from .vintages import Publication, publication_of

log = logging.getLogger(__name__)

__all__ = [
    "FLAG_REASONS",
    "read_outcomes",
    "read_stop_and_search",
    "read_street",
]

#: DataQuality reasons, by flag column.
FLAG_REASONS = {
    "no_location": "no location (no coordinates)",
    "duplicate_crime_id": "Crime ID seen earlier in the same month",
    "exact_duplicate": "exact duplicate of an earlier row with the same Crime ID",
    "outside_force_area": "located outside the force's local authorities",
}
#: The United Kingdom's extent in WGS84 degrees (west, south, east, north), with a margin of
#: about 5 km: Northern Ireland's west at 8.18°W, Lowestoft Ness at 1.76°E, the Isles of Scilly
#: at 49.86°N, Out Stack (Shetland) at 60.86°N. data.police.uk covers England, Wales and
#: Northern Ireland, so a point outside is a damaged value, never a real place.
UK_BOUNDS = (-8.7, 49.8, 1.8, 60.9)
OUTSIDE_UK = "coordinates outside the UK (cleared, so the row counts as having no location)"
FUTURE_MONTH = "month after the current month, which cannot have been published yet"
SUPERSEDED = {
    "latest": "superseded by a later download of the same month and force",
    "earliest": "superseded by an earlier download of the same month and force (vintage='earliest')",
}

# Bump when the parsed table stored in the cache changes shape.
_FORMAT_VERSION = "police_uk-2"


# --------------------------------------------------------------------------------------------
# Finding the input files


@dataclass
class _Input:
    display: str  # the path, or archive.zip:member
    ident: str  # the same, with the path resolved: one file reached twice is read once
    name_month: str | None
    force_slug: str | None
    publication: Publication | None
    fingerprint: str
    read: Callable[[], bytes] = field(repr=False)


class _Archives:
    """The zip archives being read, each opened once and shared by the reading threads."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.handles: dict[Path, tuple[zipfile.ZipFile, int]] = {}
        self.limits = ZipLimits.from_environment()

    def reader(self, found: Found) -> Callable[[], bytes | pa.Buffer]:
        path, info = found.path, found.member
        if path not in self.handles:
            zf = self.stack.enter_context(open_zip(path))
            # positional reads (os.pread) leave the offset zipfile relies on untouched
            self.handles[path] = (zf, zf.fp.fileno())
        zf, fd = self.handles[path]
        return lambda: _read_member(zf, fd, info, found.display, self.limits)


def _input(found: Found, archives: _Archives) -> _Input:
    """A file to read, with the evidence of when it was published (if any)."""
    if found.member is None:
        read = found.path.read_bytes
    else:
        read = archives.reader(found)
    name = found.name
    return _Input(
        display=found.display,
        ident=found.ident,
        name_month=name.month if name else None,
        force_slug=name.force if name else None,
        publication=publication_of(found),
        fingerprint=found.fingerprint,
        read=read,
    )


def _zip_given(path: Path, spec: FileSchema, skipped: list[Skipped]) -> list[Found]:
    """The members of ``spec``'s kind of a zip named by the user (who expects some)."""
    members = zip_members(path, skipped)
    if not members:
        raise DataError(
            f"the zip holds no data.police.uk files (members named like "
            f"{file_path_pattern(spec.kind)})",
            file=path,
        )
    found = [f for f in members if f.name.kind == spec.kind]
    if not found:
        raise DataError(
            f"the zip holds no data.police.uk {spec.kind} files (members named like "
            f"{file_path_pattern(spec.kind)})",
            file=path,
        )
    return found


def _file_given(path: Path, spec: FileSchema) -> Found:
    """A CSV named by the user: any name, unless the name says it holds another kind."""
    name = parse_file_name(path.name)
    if name is not None and name.kind != spec.kind:
        raise DataError(f"the file name says it holds {name.kind} data, not {spec.kind} data",
                        file=path)
    return Found(path, name)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _read_member(zf: zipfile.ZipFile, fd: int, info: zipfile.ZipInfo, display: str,
                 limits: ZipLimits) -> bytes | pa.Buffer:
    """A zip member's bytes, inflated by Arrow where possible, within ``limits``.

    A deflated member is the body of a gzip stream: given gzip's header and a trailer holding
    the member's CRC-32 and size (from the archive's directory), Arrow's codec inflates it and
    checks the CRC, without the GIL and faster than ``zipfile``. Arrow inflates into a buffer
    of the declared size, which :func:`.files.check_member` bounds first, and fails if the
    member inflates to more. Anything unusual (another method, a damaged header) goes through
    :func:`.files.read_member`, which counts bytes as they inflate.
    """
    check_member(info, display, limits)
    if info.compress_type == zipfile.ZIP_DEFLATED and hasattr(os, "pread"):
        try:
            local = os.pread(fd, 30, info.header_offset)
            if local[:4] == b"PK\x03\x04":
                name_len, extra_len = struct.unpack("<HH", local[26:30])
                start = info.header_offset + 30 + name_len + extra_len
                body = os.pread(fd, info.compress_size, start)
                if len(body) == info.compress_size:
                    trailer = struct.pack("<II", info.CRC, info.file_size & 0xFFFFFFFF)
                    return pa.Codec("gzip").decompress(
                        _GZIP_HEADER + body + trailer, decompressed_size=info.file_size
                    )
        except (OSError, pa.ArrowException):
            pass
    return read_member(zf, info, display, limits)


def _discover(paths, spec: FileSchema, archives: _Archives,
              skipped: list[Skipped]) -> list[_Input]:
    paths = as_paths(paths)
    if not paths:
        raise DataError(f"no data.police.uk {spec.kind} files were given")
    inputs: dict[str, _Input] = {}
    for p in paths:
        if p.is_dir():
            found = find_in_folder(p, spec.kind, skipped)
            if not found:
                raise DataError(
                    f"the folder holds no data.police.uk {spec.kind} files (named like "
                    f"{file_path_pattern(spec.kind)}, or zips of them)",
                    file=p,
                )
        elif p.is_file():
            found = _zip_given(p, spec, skipped) if is_zip(p) else [_file_given(p, spec)]
        else:
            raise DataError("the file or folder does not exist", file=p)
        for f in found:
            item = _input(f, archives)
            inputs.setdefault(item.ident, item)
    return list(inputs.values())


# --------------------------------------------------------------------------------------------
# Loading one file


def _load_one(item: _Input, spec: FileSchema, cache: ParquetCache | None) -> Parsed:
    key = combine_keys(_FORMAT_VERSION, spec.kind, item.name_month, item.fingerprint)
    if cache is not None:
        hit = cache.get("police_uk", key)
        if hit is not None and hit.schema.metadata and b"pccanalysis" in hit.schema.metadata:
            return Parsed.from_cached(hit)
    try:
        data = item.read()
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"the file cannot be read, download it again ({exc})",
                        file=item.display) from None
    parsed = parse(data, spec, item.display, item.name_month)
    if cache is not None:
        cache.put("police_uk", key, parsed.table.replace_schema_metadata({"pccanalysis": parsed.meta()}))
    return parsed


# --------------------------------------------------------------------------------------------
# Combining files: vintages, tidy columns, flags


def _vintage_key(item: _Input, parsed: Parsed, spec: FileSchema) -> tuple[str, str] | None:
    """(month, force) the file is for, or None when it holds several (never superseded)."""
    who = item.force_slug if spec is STOP_AND_SEARCH else parsed.reporter
    if len(parsed.months) != 1 or who is None:
        return None
    return parsed.months[0], who


def _month_ordinals(col: pa.ChunkedArray, from_dates: bool) -> np.ndarray:
    """Monthly Period ordinals ((year - 1970) * 12 + month - 1) of a month or date column."""
    if from_dates:
        col = pc.dictionary_encode(pc.utf8_slice_codeunits(col, 0, 7))
    out = []
    for chunk in col.chunks:
        labels = chunk.dictionary.to_pylist()
        lut = np.array([(int(m[:4]) - 1970) * 12 + int(m[5:7]) - 1 for m in labels], dtype=np.int64)
        out.append(lut[chunk.indices.to_numpy(zero_copy_only=False)])
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _local_authority(lsoa_name: pa.ChunkedArray) -> pa.ChunkedArray:
    """The LSOA name without its trailing code: "Amber Valley 001A" -> "Amber Valley"."""
    chunks = []
    for chunk in lsoa_name.chunks:
        names = pc.replace_substring_regex(chunk.dictionary, LSOA_SUFFIX_RE.pattern, "")
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, names).cast(pa.string()))
    return pa.chunked_array(chunks, type=pa.string())


def _to_frame(table: pa.Table, spec: FileSchema) -> pd.DataFrame:
    """Arrow table of parsed files -> the tidy pandas frame (without flags)."""
    month_src = "datetime" if spec is STOP_AND_SEARCH else "month"
    ordinals = _month_ordinals(table.column(month_src), from_dates=spec is STOP_AND_SEARCH)
    if "lsoa_name" in table.column_names:
        table = table.append_column("local_authority", _local_authority(table.column("lsoa_name")))
        i = table.column_names.index("lsoa_name")
        table = table.set_column(i, "lsoa_name", table.column("lsoa_name").cast(pa.string()))
    if spec is not STOP_AND_SEARCH:
        table = table.drop_columns(["month"])
    frame = table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    month = pd.PeriodIndex.from_ordinals(ordinals, freq="M")
    if spec is STOP_AND_SEARCH:
        frame["datetime"] = pd.to_datetime(frame["datetime"], utc=True, format="ISO8601")
        frame.insert(frame.columns.get_loc("datetime") + 1, "month", month)
    else:
        frame.insert(1, "month", month)
    return frame


def _implausible(frame: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    """Exclude rows of a month not yet over (counted), and clear coordinates outside
    :data:`UK_BOUNDS` (flagged, only when some are found), so no figure or map uses them."""
    now = pd.Timestamp.now().to_period("M")
    future = (frame["month"] > now).to_numpy()
    if future.any():
        months = sorted(str(m) for m in frame.loc[future, "month"].unique())
        dq.exclude(f"{FUTURE_MONTH} ({', '.join(months[:3])}{', ...' if len(months) > 3 else ''})",
                   int(future.sum()))
        frame = frame.loc[~future].reset_index(drop=True)
    west, south, east, north = UK_BOUNDS
    lon, lat = frame["longitude"], frame["latitude"]
    inside = lon.between(west, east) & lat.between(south, north)  # False for inf
    outside = (lon.notna() & lat.notna() & ~inside).to_numpy()  # one missing: no location
    if outside.any():
        frame.loc[outside, ["longitude", "latitude"]] = np.nan
        dq.flag(OUTSIDE_UK, int(outside.sum()))
    return frame


def _flags(frame: pd.DataFrame, spec: FileSchema, force_areas, dq: DataQuality) -> pd.DataFrame:
    frame["no_location"] = (frame["longitude"].isna() | frame["latitude"].isna()).to_numpy()
    dq.flag(FLAG_REASONS["no_location"], frame["no_location"].sum())
    if spec is STOP_AND_SEARCH:
        return frame
    for name in ("duplicate_crime_id", "exact_duplicate"):
        if name in frame:  # computed per file by _duplicates (and cached with it)
            frame[name] = frame[name].to_numpy(dtype=bool)
            dq.flag(FLAG_REASONS[name], frame[name].sum())
    outside = np.zeros(len(frame), dtype=bool)
    if force_areas is not None:
        if isinstance(force_areas, str):
            force_areas = [force_areas]
        wanted = {la_name_key(str(a)) for a in force_areas}
        codes, names = pd.factorize(frame["local_authority"])
        inside = np.array([la_name_key(n) in wanted for n in names] + [True], dtype=bool)
        outside = ~inside[codes]  # code -1 (no LSOA) picks the final True: not flagged
        dq.flag(FLAG_REASONS["outside_force_area"], outside.sum())
    frame["outside_force_area"] = outside
    return frame


def _row_hashes(table: pa.Table) -> Counter:
    df = table.to_pandas()
    for name in df.columns:
        if isinstance(df[name].dtype, pd.CategoricalDtype):
            df[name] = df[name].astype("str")
    return Counter(pd.util.hash_pandas_object(df, index=False).to_numpy().tolist())


def _rows(n: int, what: str) -> str:
    return f"{n:,} row{'' if n == 1 else 's'} {what}"


def _change_note(spec: FileSchema, key, kept: tuple[_Input, Parsed], gone: tuple[_Input, Parsed],
                 vintage: str) -> str:
    """Plain-English note of what the kept download changed against the superseded one."""
    (k_item, k_p), (g_item, g_p) = kept, gone
    new, old = _row_hashes(k_p.table), _row_hashes(g_p.table)
    added, removed = sum((new - old).values()), sum((old - new).values())
    which = "later" if vintage == "latest" else "earlier"
    kept_pub, gone_pub = k_item.publication, g_item.publication
    by = (f"the {which} publication {k_item.display} ({kept_pub.evidence})"
          if kept_pub and gone_pub and kept_pub.month != gone_pub.month else k_item.display)
    over = f"{g_item.display} ({gone_pub.evidence})" if gone_pub and by != k_item.display \
        else g_item.display
    head = (f"{key[0]} {spec.kind} data for {key[1]}: kept {by} ({k_p.rows:,} rows) over {over} "
            f"({g_p.rows:,} rows)")
    if not added and not removed:
        return f"{head}; the two copies hold the same rows."
    parts = [_rows(added, "added"), _rows(removed, "removed")]
    if spec is not STOP_AND_SEARCH:  # stop-and-search rows have no Crime ID to pair them by
        outcome = spec.name_of(spec.outcome)
        cols = ["crime_id", outcome]
        a = k_p.table.select(cols).to_pandas().dropna(subset=["crime_id"]).drop_duplicates("crime_id")
        b = g_p.table.select(cols).to_pandas().dropna(subset=["crime_id"]).drop_duplicates("crime_id")
        both = a.merge(b, on="crime_id", suffixes=("_new", "_old"))
        new_o = both[f"{outcome}_new"].astype("str").fillna("")
        old_o = both[f"{outcome}_old"].astype("str").fillna("")
        changed = int((new_o != old_o).sum())
        parts.append(f"outcome changed for {changed:,} crime{'' if changed == 1 else 's'}")
    return f"{head}: {', '.join(parts)}."


def _same_rows(a: Parsed, b: Parsed) -> bool:
    return a.rows == b.rows and _row_hashes(a.table) == _row_hashes(b.table)


def _choose_copy(key, members: list[tuple[_Input, Parsed]], spec: FileSchema,
                 vintage: str) -> tuple[_Input, Parsed]:
    """The copy of one force-month to use: the later (or earlier) publication by evidence.

    Copies holding the same rows need no evidence: the one whose path sorts last is kept (as
    before the evidence rule, so a re-run keeps the same copy).
    """
    members = sorted(members, key=lambda m: m[0].display)
    distinct: list[tuple[_Input, Parsed]] = []
    for m in members:
        if not any(_same_rows(m[1], d[1]) for d in distinct):
            distinct.append(m)
    if len(distinct) == 1:
        return members[-1]
    dated = [m for m in distinct if m[0].publication is not None]
    months = sorted({m[0].publication.month for m in dated})
    pick = (months[-1] if vintage == "latest" else months[0]) if months else None
    chosen = [m for m in dated if m[0].publication.month == pick]
    if len(dated) < len(distinct) or len(chosen) != 1:
        a, b = (distinct[0][0], distinct[1][0])
        if len(chosen) > 1:
            a, b = chosen[0][0], chosen[1][0]
        elif dated and len(dated) < len(distinct):
            a = next(m[0] for m in distinct if m[0].publication is None)
            b = next(m[0] for m in distinct if m[0] is not a)
        raise DataError(
            f"{key[0]} {spec.kind} data for {key[1]} is in two copies that hold different rows, "
            f"{a.display} and {b.display}, and nothing shows which was published later (a "
            "zip archive's month or a `pcc download` record); keep the copy to use and move the "
            "other out of the folders read (`pcc vintages --compare` shows how they differ)",
            file=b.display)
    return chosen[0]


def _read(paths, spec: FileSchema, *, force_areas=None, cache_dir=None, vintage="latest"):
    if vintage not in SUPERSEDED:
        raise ValueError(f"vintage must be 'latest' or 'earliest', not {vintage!r}")
    cache = open_cache(cache_dir)
    dq = DataQuality(spec.source)
    skipped: list[Skipped] = []
    with ExitStack() as stack:
        inputs = _discover(paths, spec, _Archives(stack), skipped)
        inputs.sort(key=lambda i: (i.name_month or "", i.force_slug or "", i.display))
        # Threads overlap one file's decompression with another's parsing (both release the
        # GIL); map() returns in input order, so the first bad file in that order is reported.
        workers = min(4, os.cpu_count() or 1, len(inputs))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parsed = list(pool.map(lambda item: _load_one(item, spec, cache), inputs))
        loaded = list(zip(inputs, parsed, strict=True))

    groups: dict[object, list[tuple[_Input, Parsed]]] = {}
    for item, parsed in loaded:
        key = _vintage_key(item, parsed, spec)
        groups.setdefault(key if key is not None else item.ident, []).append((item, parsed))
    superseded: dict[str, str] = {}  # ident -> display of the copy that replaced it
    for key, members in groups.items():
        if len(members) < 2:
            continue
        kept = _choose_copy(key, members, spec, vintage)
        for gone in members:
            if gone is kept:
                continue
            superseded[gone[0].ident] = kept[0].display
            dq.exclude(SUPERSEDED[vintage], gone[1].rows)
            dq.notes.append(_change_note(spec, key, kept, gone, vintage))

    tables = []
    for item, parsed in loaded:
        dq.rows_read += parsed.rows
        notes = []
        if parsed.encoding != "utf-8":
            notes.append(f"read as {parsed.encoding} (not UTF-8)")
        if parsed.blank_rows:
            notes.append(f"{parsed.blank_rows:,} blank rows ignored")
        if item.ident in superseded:
            notes.append(f"superseded by {superseded[item.ident]}")
        else:
            table = parsed.table
            if spec is STOP_AND_SEARCH:
                force = pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(table.num_rows, dtype=np.int32)),
                    pa.array([item.force_slug], pa.string()),
                )
                table = table.add_column(0, "force", force)
            tables.append(table)
        dq.files.append(
            FileRecord(
                path=item.display,
                rows=parsed.rows,
                month=parsed.months[0] if len(parsed.months) == 1 else None,
                note="; ".join(notes) or None,
            )
        )
    dq.notes.extend(skipped_notes(skipped))
    frame = _implausible(_to_frame(pa.concat_tables(tables), spec), dq)
    frame = _flags(frame, spec, force_areas, dq)
    flags = [c for c in ("no_location", *FLAG_REASONS) if c in frame]
    frame = frame[[c for c in frame.columns if c not in flags] + list(dict.fromkeys(flags))]
    dq.rows_kept = len(frame)
    dq.check()
    return frame, dq


def read_street(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    force_areas: Iterable[str] | None = None,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk street-level crime files into one tidy frame.

    Parameters
    ----------
    paths : path or list of paths
        Folders (searched recursively for ``YYYY-MM-<force>-street.csv`` files and zips of them),
        CSV files (any name), or data.police.uk zip archives (read in place), in any mix.
    force_areas : list of str, optional
        Names of the force's local authorities (e.g. from
        :func:`pccanalysis.sources.geography.local_authorities_of`); rows whose LSOA lies in
        another local authority get the flag ``outside_force_area``. Names are compared with
        :func:`~pccanalysis.sources.geography.la_name_key`, so ONS spellings ("Bristol, City
        of") match LSOA names ("Bristol 001A").
    cache_dir : path, False or None
        Parquet cache folder; ``False`` turns the cache off; ``None`` resolves as described in
        :func:`pccanalysis.cache.resolve_cache_dir`.
    vintage : {"latest", "earliest"}
        Which copy to keep when two files hold the same month and force.

    Returns
    -------
    frame : pandas.DataFrame
        One row per published row: ``crime_id`` (str, missing for ASB), ``month`` (period[M]),
        ``reported_by``, ``falls_within`` (category), ``longitude``, ``latitude`` (float64
        [degrees, WGS84], NaN without location), ``location``, ``lsoa_code``, ``lsoa_name``,
        ``crime_type`` (category), ``last_outcome``, ``context``, ``local_authority`` (str, the
        LSOA name without its " 001A" code), and boolean flags ``no_location``,
        ``duplicate_crime_id`` (a Crime ID already seen that month; the first is not flagged),
        ``exact_duplicate`` (a row identical to an earlier one with the same Crime ID),
        ``outside_force_area`` (False unless ``force_areas`` is given).
    quality : DataQuality
        Rows read per file, rows excluded (only superseded downloads), flag counts, and notes
        on what a newer download changed.

    Raises
    ------
    DataError
        One sentence naming the file, line and column, for a missing column, a month not in the
        form YYYY-MM or not matching the file name, a non-numeric coordinate, an empty file, a
        file that is not CSV, or a zip or folder with no street files.
    """
    return _read(paths, STREET, force_areas=force_areas, cache_dir=cache_dir, vintage=vintage)


def read_outcomes(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    force_areas: Iterable[str] | None = None,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk outcomes files (``YYYY-MM-<force>-outcomes.csv``) into one frame.

    As :func:`read_street`; the columns are ``crime_id``, ``month`` (the month of the outcome),
    ``reported_by``, ``falls_within``, ``longitude``, ``latitude``, ``location``,
    ``lsoa_code``, ``lsoa_name``, ``outcome_type`` (category), ``local_authority`` and the flags
    ``no_location``, ``exact_duplicate``, ``outside_force_area``. A Crime ID may appear in many
    rows (one per outcome), so repeats are not flagged.
    """
    return _read(paths, OUTCOMES, force_areas=force_areas, cache_dir=cache_dir, vintage=vintage)


def read_stop_and_search(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    cache_dir: str | os.PathLike | bool | None = None,
    vintage: str = "latest",
) -> tuple[pd.DataFrame, DataQuality]:
    """Read data.police.uk stop-and-search files (``YYYY-MM-<force>-stop-and-search.csv``).

    As :func:`read_street`, without ``force_areas`` (the files carry no LSOA). Columns:
    ``force`` (category, the force's name as in the file name, e.g. "derbyshire"), ``type``,
    ``datetime`` (datetime64 UTC), ``month`` (period[M]), ``part_of_policing_operation``
    (boolean), ``policing_operation``, ``latitude``, ``longitude`` (float64 [degrees]),
    ``gender``, ``age_range``, ``self_defined_ethnicity``, ``officer_defined_ethnicity``,
    ``legislation``, ``object_of_search``, ``outcome`` (category),
    ``outcome_linked_to_object_of_search``, ``removal_of_more_than_just_outer_clothing``
    (boolean), and the flag ``no_location``. Identical rows are normal here (people searched
    together) and are not flagged.
    """
    return _read(paths, STOP_AND_SEARCH, cache_dir=cache_dir, vintage=vintage)
