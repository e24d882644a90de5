"""Street-level crime for every force at once: a Parquet dataset read with Arrow, not pandas.

Thirty-six months of every force in England and Wales is about 20 million rows: too many for one
pandas frame on a small machine, but little work for a columnar engine that never holds them all.
This module

1. converts the published ``YYYY-MM/YYYY-MM-<force>-street.csv`` files (in folders or in the zip
   archives, read in place) into a Parquet dataset partitioned by force and month,
   ``<dest>/force=<force>/month=<YYYY-MM>/part-0.parquet``, streaming each file through
   ``pyarrow.csv`` and storing the repetitive text columns dictionary-encoded;
   a file already converted (same fingerprint) is not converted again;
2. counts rows by force, month, Community Safety Partnership (CSP) and crime type, one partition
   at a time, with ``pyarrow.compute`` working on dictionary indices (a few thousand distinct
   LSOAs per partition are looked up, not millions of rows);
3. gives the monthly counts a year-on-year table by CSP needs for every force
   (:func:`year_on_year_counts`); the table itself, with its uncertainty and verdicts, is
   :func:`pccanalysis.indicators.change.change_by` on those counts (sources count, indicators
   compare).

For one force the pandas loader (:func:`pccanalysis.sources.police_uk.read.read_street`) stays the
default; this path is for national and peer comparisons. Counts are data.police.uk's own (rows,
duplicates included). CSPs are found as :func:`pccanalysis.sources.geography.attach_geography`
does: by LSOA code, else by the local authority named in the LSOA name (2021 LSOA codes against
a 2011-based lookup), and left missing for rows without a location.

DuckDB would do the counting in one SQL statement, but pyarrow is already a dependency and,
used this way, meets the targets (see ``bench/bench_national.py``), so no new dependency.

References
----------
data.police.uk, "About" (https://data.police.uk/about/): file layout and columns.
Apache Arrow, "Tabular Datasets" (https://arrow.apache.org/docs/python/dataset.html).
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from ...errors import DataError, PccError
from ...files import atomic_path
from ...periods import to_month
from ...quality import DataQuality, FileRecord
from ..geography import la_name_key, read_lad_lookup, read_lsoa_lookup
from .files import Found, Skipped, as_paths, find_in_folder, is_zip, skipped_notes, zip_members
from .parse import csv_records
from .schema import (
    LSOA_SUFFIX_RE,
    STREET,
    file_name_pattern,
    month_index,
    month_label,
    parse_file_name,
)

log = logging.getLogger(__name__)

# Text columns with few distinct values per partition, stored dictionary-encoded.
_DICTIONARY = ("reported_by", "falls_within", "location", "lsoa_code", "lsoa_name", "crime_type",
               "last_outcome")
# Every published column but the month, which lives in the partition, not in the files.
_STORED = tuple(c for c in STREET.columns if c.name != "month")
SCHEMA = pa.schema(
    [(c.name, pa.float64() if c.type == "float"
      else pa.dictionary(pa.int32(), pa.string()) if c.name in _DICTIONARY else pa.string())
     for c in _STORED]
)
PARTITIONING = pads.partitioning(
    pa.schema([("force", pa.string()), ("month", pa.string())]), flavor="hive"
)
FORMAT_VERSION = "1"


# --------------------------------------------------------------------------------------------
# 1. CSV -> Parquet


def _discover(sources: list[Path], skipped: list[Skipped]) -> list[Found]:
    found: dict[tuple[str, str], Found] = {}
    for src in sources:
        if src.is_dir():
            items = find_in_folder(src, STREET.kind, skipped)
        elif src.is_file() and is_zip(src):
            items = [f for f in zip_members(src, skipped) if f.name.kind == STREET.kind]
        elif src.is_file() and (name := parse_file_name(src.name)) and name.kind == STREET.kind:
            items = [Found(src, name)]
        elif src.exists():
            raise DataError("this is neither a folder, a zip archive nor a file named like "
                            f"{file_name_pattern(STREET.kind)}", file=src)
        else:
            raise DataError("the file or folder does not exist", file=src)
        for f in items:
            found[(f.name.force, f.name.month)] = f  # a later source wins
    return [found[k] for k in sorted(found)]


def _diagnose(item: Found, exc: Exception) -> DataError:
    """Name the first line and column a CSV row breaks (pyarrow's message gives neither)."""
    with item.open() as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv_records(csv.reader(text), item.display)
        next(reader, None)
        for line, row in reader:
            if len(row) != len(STREET.columns):
                return DataError(f"the row has {len(row)} fields where the header has "
                                 f"{len(STREET.columns)}", file=item.display, line=line)
            for value, col in zip(row, STREET.columns, strict=True):
                try:
                    if value and col.type == "float":
                        float(value)
                except ValueError:
                    return DataError(f"{value!r} is not a number", file=item.display, line=line,
                                     column=col.header)
    return DataError(f"the file cannot be read as CSV ({exc})", file=item.display)


def _target(dest: Path, force: str, month: str) -> Path:
    return dest / f"force={force}" / f"month={month}" / "part-0.parquet"


def _already_converted(path: Path, fingerprint: str) -> int | None:
    """Rows in an existing partition converted from the same input, else None."""
    try:
        # the footer's key-value metadata (read_schema would return the stored Arrow schema's)
        meta = pq.ParquetFile(path).metadata.metadata or {}
    except (OSError, pa.ArrowException):
        return None
    if (meta.get(b"pcc_source") == fingerprint.encode()
            and meta.get(b"pcc_format") == FORMAT_VERSION.encode()):
        return int(meta[b"pcc_rows"])
    return None


def _convert_batch(batch: pa.RecordBatch, item: Found, rows_before: int) -> pa.RecordBatch:
    months = batch.column(STREET.month_header)
    wrong = pc.invert(pc.fill_null(pc.equal(months, item.name.month), False))
    if pc.any(wrong).as_py():
        i = pc.index(wrong, True).as_py()
        value = months[i].as_py()
        # +2: the header is line 1 and i is 0-based
        raise DataError(f"the month {value or '(empty)'} differs from the file's month "
                        f"{item.name.month}", file=item.display, line=rows_before + i + 2,
                        column=STREET.month_header)
    arrays = []
    for field, column in zip(SCHEMA, _STORED, strict=True):
        col = batch.column(column.header)
        if pa.types.is_dictionary(field.type):
            col = pc.dictionary_encode(col)
        arrays.append(col)
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def _convert(item: Found, dest: Path) -> tuple[int, bool]:
    """Convert one CSV into its partition; returns (rows, converted now?)."""
    target = _target(dest, item.name.force, item.name.month)
    rows = _already_converted(target, item.fingerprint)
    if rows is not None:
        return rows, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with item.open() as fh, atomic_path(target) as tmp:
        rows = _write_partition(fh, item, str(tmp))
    return rows, True


def _write_partition(fh, item: Found, tmp: str) -> int:
    """Stream one CSV into the Parquet file ``tmp``, checking it; returns its rows."""
    try:
        reader = pacsv.open_csv(
            fh,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=8 << 20),
            convert_options=pacsv.ConvertOptions(
                column_types={c.header: pa.float64() if c.type == "float" else pa.string()
                              for c in STREET.columns},
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            raise DataError("the file is empty (no header)", file=item.display, line=1) from None
        raise _diagnose(item, exc) from None
    names = reader.schema.names
    if names != STREET.headers:
        missing = [c for c in STREET.headers if c not in names]
        what = (f"column {missing[0]!r} is missing" if missing
                else "the columns are not in the published order")
        raise DataError(f"the header is not data.police.uk's street-level header: {what}",
                        file=item.display, line=1)
    meta = {b"pcc_source": item.fingerprint.encode(), b"pcc_format": FORMAT_VERSION.encode(),
            b"pcc_input": item.display.encode()}
    rows = 0
    with pq.ParquetWriter(tmp, SCHEMA, compression="zstd", compression_level=1) as writer:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise _diagnose(item, exc) from None
            writer.write_batch(_convert_batch(batch, item, rows))
            rows += batch.num_rows
        # Rows are known only at the end: the footer metadata carries them.
        writer.add_key_value_metadata({**meta, b"pcc_rows": str(rows).encode()})
    return rows


def build_street_dataset(
    sources,
    dest: str | os.PathLike,
    *,
    forces: Iterable[str] | None = None,
    months: Iterable[str] | None = None,
    workers: int | None = None,
) -> DataQuality:
    """Convert data.police.uk street-level CSVs into a Parquet dataset partitioned by force/month.

    Parameters
    ----------
    sources : path or list of paths
        Folders laid out like data.police.uk (searched recursively, dot folders skipped), zip
        archives of them (read in place), or single ``YYYY-MM-<force>-street.csv`` files. When
        the same force and month come twice, the later source in the list wins.
    dest : path
        The dataset folder (``force=<force>/month=<YYYY-MM>/part-0.parquet``). Partitions
        already there for other files are left as they are.
    forces, months : iterable of str, optional
        Only these force identifiers / ``YYYY-MM`` months.
    workers : int, optional
        Files converted at once (default: the number of CPUs).

    Returns
    -------
    DataQuality
        Every row read is kept (``rows_read == rows_kept``); one FileRecord per input, noting
        whether it was converted now or found already converted.

    Raises
    ------
    DataError
        Naming the file, line and column of a malformed row, a wrong header, or a row whose
        Month differs from the file's. The partition being written is not left behind.
    """
    dest = Path(dest)
    sources = as_paths(sources)
    skipped: list[Skipped] = []
    items = _discover(sources, skipped)
    if forces is not None:
        wanted = set(forces)
        items = [i for i in items if i.name.force in wanted]
    if months is not None:
        wanted_m = {str(m) for m in months}
        items = [i for i in items if i.name.month in wanted_m]
    if not items:
        raise PccError(f"No data.police.uk street file ({file_name_pattern(STREET.kind)}) was "
                       f"found in {', '.join(str(s) for s in sources)} for the forces and "
                       f"months asked for.")
    dest.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda item: _convert(item, dest), items))
    dq = DataQuality(source="data.police.uk street (national Parquet dataset)")
    for item, (rows, converted) in zip(items, results, strict=True):
        dq.rows_read += rows
        dq.files.append(FileRecord(path=item.display, rows=rows, month=item.name.month,
                                   note="converted" if converted else "already converted"))
    dq.rows_kept = dq.rows_read
    dq.notes.extend(skipped_notes(skipped))
    return dq.check()


def open_street_dataset(dest: str | os.PathLike) -> pads.Dataset:
    """The Parquet dataset written by :func:`build_street_dataset` (``force``, ``month`` columns
    come from the partition folders)."""
    dest = Path(dest)
    if not dest.is_dir() or not any(dest.glob("force=*/month=*/*.parquet")):
        raise PccError(f"{dest} holds no street dataset; build it with build_street_dataset.")
    return pads.dataset(dest, format="parquet", partitioning=PARTITIONING,
                        exclude_invalid_files=False, ignore_prefixes=[".", "_"])


# --------------------------------------------------------------------------------------------
# 2. Counting by CSP


@dataclass(frozen=True)
class CspMap:
    """LSOA code and local-authority name -> row of the CSP table. Built by :func:`csp_map`.

    Plain dicts on purpose: each partition has a few thousand distinct LSOAs, and looking those
    up in a dict is cheaper than hashing the 35,000-row lookup for every partition.
    """

    by_lsoa: dict  # LSOA code -> CSP row, or None when the LSOA's local authority has no one CSP
    by_lad_name: dict  # geography.la_name_key(local authority name) -> CSP row or None
    csps: pa.Table  # csp_code, csp_name (+ pfa_code, pfa_name when known)


def csp_map(lsoa_lookup, lad_lookup) -> CspMap:
    """Prepare the LSOA -> CSP lookup from the ONS lookups.

    Parameters
    ----------
    lsoa_lookup : DataFrame or path
        :func:`pccanalysis.sources.geography.read_lsoa_lookup` output (or the file).
    lad_lookup : DataFrame or path
        :func:`pccanalysis.sources.geography.read_lad_lookup` output (or the file); a local
        authority split between two CSPs gets no CSP (its rows cannot be placed).
    """
    lsoas = lsoa_lookup if isinstance(lsoa_lookup, pd.DataFrame) else read_lsoa_lookup(lsoa_lookup)
    lads = lad_lookup if isinstance(lad_lookup, pd.DataFrame) else read_lad_lookup(lad_lookup)
    if "csp_code" not in lads:
        raise PccError("The local authority lookup has no CSP columns (CSP<yy>CD, CSP<yy>NM).")
    extra = [c for c in ("pfa_code", "pfa_name") if c in lads]
    csp_cols = ["csp_code", "csp_name", *extra]
    csps = lads[csp_cols].drop_duplicates("csp_code").sort_values("csp_code")
    csps = csps.reset_index(drop=True)
    csp_pos = pd.Series(range(len(csps)), index=csps["csp_code"].to_numpy())
    # one CSP per LAD code, none where a LAD sits in two CSPs
    per_lad = lads.groupby("lad_code")["csp_code"].agg(lambda s: s.iloc[0] if s.nunique() == 1
                                                       else None)
    lad_csp = per_lad.map(csp_pos)
    lsoa_csp = lsoas["lad_code"].map(lad_csp)
    names = lads.assign(key=lads["lad_name"].map(la_name_key))[["key", "lad_code"]]
    names = names.drop_duplicates("key")
    name_csp = names["lad_code"].map(lad_csp)

    def plain(keys, values) -> dict:
        return {k: (None if pd.isna(v) else int(v)) for k, v in zip(keys, values, strict=True)}

    return CspMap(
        by_lsoa=plain(lsoas["lsoa_code"], lsoa_csp),
        by_lad_name=plain(names["key"], name_csp),
        csps=pa.Table.from_pandas(csps, preserve_index=False),
    )


def _str(col):
    """Arrow strings -> pandas "str" column (missing stays missing)."""
    return col.cast(pa.string()).to_pandas().astype("str").array


def _dict(col) -> pa.DictionaryArray:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    return col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(col)


def _count_batch(batch: pa.RecordBatch, mapping: CspMap, by_crime_type: bool) -> tuple:
    """Counts by (CSP index, crime type), rows matched by name, rows without location."""
    code = _dict(batch.column("lsoa_code"))
    name = _dict(batch.column("lsoa_name"))
    # Look up each distinct code and name once, then spread to rows through the indices.
    codes = code.dictionary.to_pylist()
    known = pa.array([c in mapping.by_lsoa for c in codes], pa.bool_())
    code_csp = pa.array([mapping.by_lsoa.get(c) for c in codes], pa.int32())
    name_csp = pa.array([None if n is None else mapping.by_lad_name.get(
        la_name_key(LSOA_SUFFIX_RE.sub("", n))) for n in name.dictionary.to_pylist()], pa.int32())
    in_lookup = pc.fill_null(pc.take(known, code.indices), False)
    by_name = pc.take(name_csp, name.indices)
    # An LSOA in the lookup keeps the lookup's answer, even an ambiguous (missing) one.
    csp = pc.if_else(in_lookup, pc.take(code_csp, code.indices), by_name)
    keys = {"csp": csp}
    ctype = None
    if by_crime_type:
        ctype = _dict(batch.column("crime_type"))
        keys["ct"] = ctype.indices
    table = pa.table(keys)
    counts = table.group_by(list(keys), use_threads=False).aggregate([([], "count_all")])
    if by_crime_type:
        counts = counts.set_column(counts.schema.get_field_index("ct"), "crime_type",
                                   pc.take(ctype.dictionary, counts.column("ct")))
    by_name_n = pc.sum(pc.cast(pc.and_(pc.invert(in_lookup), pc.is_valid(by_name)),
                               pa.int64())).as_py() or 0
    no_loc = code.null_count
    return counts, by_name_n, no_loc


def _fragments(dataset: pads.Dataset, forces, months) -> list[tuple[str, str, pads.Fragment]]:
    expr = None
    if forces is not None:
        expr = pc.field("force").isin(list(forces))
    if months is not None:
        m = pc.field("month").isin([str(x) for x in months])
        expr = m if expr is None else expr & m
    out = []
    for frag in dataset.get_fragments(filter=expr):
        keys = pads.get_partition_keys(frag.partition_expression)
        out.append((keys["force"], keys["month"], frag))
    return sorted(out, key=lambda t: (t[0], t[1]))


def count_by_csp(
    dataset,
    mapping: CspMap,
    *,
    forces: Iterable[str] | None = None,
    months: Iterable[str] | None = None,
    by_crime_type: bool = True,
    workers: int | None = None,
):
    """Rows by force, month, CSP (and crime type) over the whole dataset.

    Parameters
    ----------
    dataset : pyarrow.dataset.Dataset or path
        From :func:`open_street_dataset` (or its folder).
    mapping : CspMap
        From :func:`csp_map`.
    forces, months : iterable of str, optional
        Only these force identifiers / ``YYYY-MM`` months (partitions not read otherwise).
    by_crime_type : bool
        Keep crime type as a key (else all crime and ASB together).
    workers : int, optional
        Partitions counted at once (default: the number of CPUs).

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        ``force`` (str), ``month`` (period[M]), ``csp_code``, ``csp_name`` (str, <NA> for rows
        without a location or in an unknown / split local authority), ``pfa_code``,
        ``pfa_name`` (the CSP's force area, when the lookup has it), ``crime_type`` (str, when
        asked), ``count`` (int64). The counts add up to the rows read; the DataQuality record
        flags rows matched by local-authority name, without location, and unmatched.
    """
    if not isinstance(dataset, pads.Dataset):
        dataset = open_street_dataset(dataset)
    frags = _fragments(dataset, forces, months)
    if not frags:
        raise PccError("The street dataset holds no partition for the forces and months asked "
                       "for.")
    columns = ["lsoa_code", "lsoa_name"] + (["crime_type"] if by_crime_type else [])

    def work(task):
        force, month, frag = task
        parts, n_name, n_none, rows = [], 0, 0, 0
        for batch in frag.to_batches(columns=columns, use_threads=False):
            if batch.num_rows == 0:
                continue
            counts, b, c = _count_batch(batch, mapping, by_crime_type)
            parts.append(counts)
            n_name, n_none, rows = n_name + b, n_none + c, rows + batch.num_rows
        return force, month, parts, n_name, n_none, rows

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        done = list(pool.map(work, frags))

    dq = DataQuality(source="data.police.uk street (national Parquet dataset)")
    tables = []
    matched_name = no_location = 0
    for force, month, parts, n_name, n_none, rows in done:
        dq.rows_read += rows
        dq.files.append(FileRecord(path=f"force={force}/month={month}", rows=rows, month=month))
        matched_name += n_name
        no_location += n_none
        for t in parts:
            n = t.num_rows
            tables.append(t.append_column("force", pa.array([force] * n, pa.string()))
                          .append_column("month", pa.array([month] * n, pa.string())))
    dq.rows_kept = dq.rows_read
    keys = ["force", "month", "csp"] + (["crime_type"] if by_crime_type else [])
    if tables:
        counts = pa.concat_tables(tables, promote_options="permissive")
        counts = counts.group_by(keys).aggregate([("count_all", "sum")])
        counts = counts.select([*keys, "count_all_sum"]).rename_columns([*keys, "count"])
    else:
        counts = pa.table({k: pa.array([], pa.int32() if k == "csp" else pa.string())
                           for k in keys} | {"count": pa.array([], pa.int64())})
    csp_idx = counts.column("csp")
    total = pc.sum(counts.column("count")).as_py() or 0
    unmatched = int(pc.sum(pc.if_else(pc.is_null(csp_idx), counts.column("count"), 0)).as_py()
                    or 0)
    dq.flag("CSP found from the local authority in the LSOA name (LSOA code not in the lookup)",
            matched_name)
    dq.flag("no location, so no CSP", no_location)
    dq.flag("located in a local authority not in the lookup or split between CSPs, so no CSP",
            unmatched - no_location)
    if total != dq.rows_read:  # pragma: no cover - a broken invariant, not a user error
        raise PccError(f"Counting lost rows: {total:,} counted of {dq.rows_read:,} read.")
    return _counts_frame(counts, mapping, by_crime_type), dq.check()


def _counts_frame(counts: pa.Table, mapping: CspMap, by_crime_type: bool):
    """The counts by force, month, CSP index (and crime type) -> :func:`count_by_csp`'s frame."""
    csp_cols = {c: pc.take(mapping.csps.column(c), counts.column("csp"))
                for c in mapping.csps.column_names}
    month = _dict(counts.column("month"))  # 36 distinct months: parse each once
    periods = pd.PeriodIndex(month.dictionary.to_pylist(), freq="M")
    frame = pd.DataFrame({
        "force": _str(counts.column("force")),
        "month": periods.take(month.indices.to_numpy()),
        **{c: _str(v) for c, v in csp_cols.items()},
        **({"crime_type": _str(counts.column("crime_type"))} if by_crime_type else {}),
        "count": counts.column("count").to_numpy().astype("int64"),
    })
    sort = ["force", "month", "csp_code"] + (["crime_type"] if by_crime_type else [])
    return frame.sort_values(sort, na_position="last", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# 3. Counts for a year-on-year table by CSP


def _months_back(end: str, n: int) -> list[str]:
    i = month_index(end, "The last month")
    return [month_label(j) for j in range(i - n + 1, i + 1)]


def year_on_year_counts(
    dataset,
    mapping: CspMap,
    end_month: str,
    *,
    forces: Sequence[str] | None = None,
    by_crime_type: bool = False,
    workers: int | None = None,
):
    """Monthly counts by force and CSP over the 24 months to ``end_month``: the input of a
    year-on-year table (the 12 months to ``end_month`` against the 12 before).

    This source only counts; the change, its uncertainty and its verdict come from
    :func:`pccanalysis.indicators.change.change_by`::

        counts, dq = year_on_year_counts(dataset, mapping, "2024-12")
        gaps = find_gaps(counts, by="force", count_column="count")  # missing or thin months
        table = change_by(counts, rolling_12_months("2024-12"),
                          ["force", "csp_code", "csp_name"], count_column="count",
                          dropna=False, available_months=counts.attrs["months"],
                          gaps=gaps, gap_policy="exclude",
                          dispersion="estimate", adjust="holm")

    Parameters
    ----------
    dataset : pyarrow.dataset.Dataset or path
        From :func:`open_street_dataset` (or its folder).
    mapping : CspMap
        From :func:`csp_map`.
    end_month : str or month-like
        Last month of the current year, ``YYYY-MM``.
    forces : sequence of str, optional
        Only these forces (default: every force in the dataset).
    by_crime_type : bool
        Keep crime type as a key.
    workers : int, optional
        Partitions counted at once.

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        The :func:`count_by_csp` frame for the 24 months (``force``, ``month``, ``csp_code``,
        ``csp_name`` (+ ``pfa_code``, ``pfa_name``), [``crime_type``], ``count``; <NA> CSP
        for rows without a location). ``attrs``: ``months`` (the 24 months, period[M], the
        ``available_months`` of the table), ``period_now`` and ``period_before`` (in words,
        ``"2024-01 to 2024-12"``) and ``missing``: a frame of ``month`` and ``force``, one row
        per month of the 24 with no file for a force that has files in the others (a
        publication gap, not zero crime), in the shape ``change_by``'s ``gaps`` takes (for
        forces with too few rows for :func:`~pccanalysis.indicators.gaps.find_gaps` to flag a
        month at zero). The DataQuality record notes the windows and each missing month.
    """
    end = str(to_month(end_month))
    now = _months_back(end, 12)
    before = _months_back(end, 24)[:12]
    if not isinstance(dataset, pads.Dataset):
        dataset = open_street_dataset(dataset)
    counts, dq = count_by_csp(dataset, mapping, forces=forces, months=before + now,
                              by_crime_type=by_crime_type, workers=workers)
    present: dict[str, set[str]] = {}
    for force, month, _ in _fragments(dataset, forces, before + now):
        present.setdefault(force, set()).add(month)
    gaps = [(m, f) for f, have in sorted(present.items()) for m in before + now if m not in have]
    missing = pd.DataFrame({"month": pd.PeriodIndex([m for m, _ in gaps], freq="M"),
                            "force": pd.array([f for _, f in gaps], dtype="str")})
    counts.attrs["months"] = list(pd.period_range(before[0], now[-1], freq="M"))
    counts.attrs["period_now"] = f"{now[0]} to {now[-1]}"
    counts.attrs["period_before"] = f"{before[0]} to {before[-1]}"
    counts.attrs["missing"] = missing
    dq.notes.append(f"Year on year: {now[0]} to {now[-1]} against {before[0]} to {before[-1]}.")
    for force, months in missing.groupby("force", sort=True)["month"]:
        listed = ", ".join(str(m) for m in months)
        dq.notes.append(f"{force} has no street file for {listed}: a publication gap, not zero "
                        "crime.")
    return counts, dq
