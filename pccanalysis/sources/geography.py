"""ONS geography lookups (LSOA -> ward -> local authority -> CSP -> police force area) and
population figures, and attaching them to police rows.

ONS publishes its lookups as CSV files whose column names carry the vintage year:
``LSOA11CD, LSOA11NM, WD19CD, WD19NM, LAD19CD, LAD19NM`` for the LSOA (2011) to ward (2019)
lookup, ``LAD19CD, LAD19NM, CSP19CD, CSP19NM, PFA19CD, PFA19NM`` for local authority to
Community Safety Partnership to police force area. The readers here accept any vintage
(``LSOA21CD``, ``WD23CD``, ...) and ignore ONS's row counters (``FID``, ``ObjectId``) and Welsh
names (``...NMW``). Where a file carries two vintages of one level, the later is used.

Police rows whose LSOA is not in the lookup (typically 2021 LSOA codes against a 2011-based
lookup) are kept: their ward stays unknown, but their local authority is still known from the
LSOA name, so local-authority, CSP and force-area figures stay complete.

References
----------
ONS Open Geography Portal, https://geoportal.statistics.gov.uk/ (lookups, Open Government
Licence v3.0).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..files import did_you_mean, renamed_column_hint

__all__ = [
    "CHANGE_KINDS",
    "la_name_key",
    "local_authorities_of",
    "read_lad_lookup",
    "read_lsoa_bridge",
    "read_lsoa_lookup",
    "read_population",
]

_ONS_COLUMN = re.compile(r"^(?P<level>LSOA|WD|LAD|CSP|PFA)(?P<year>\d{2})(?P<part>CD|NM)$", re.I)
_LEVELS = {"LSOA": "lsoa", "WD": "ward", "LAD": "lad", "CSP": "csp", "PFA": "pfa"}
_GEO_COLUMNS = [f"{lv}_{part}" for lv in ("ward", "lad", "csp", "pfa") for part in ("code", "name")]


def la_name_key(name: str) -> str:
    """A local authority's name reduced for matching between ONS files and LSOA names.

    ONS LAD names and LSOA names spell some authorities differently: "Bristol, City of" against
    "Bristol 001A", "Herefordshire, County of", "Vale of Glamorgan" against "The Vale of
    Glamorgan 001A" (2011 names). The key drops such suffixes and a leading "The", case, full
    stops and ampersands.
    """
    key = " ".join(name.replace(".", "").replace("&", " and ").split()).casefold()
    key = re.sub(r",\s*(city|county|county borough) of$", "", key)
    return key.removeprefix("the ")


def _read_rows(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of every non-blank row of a small CSV file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DataError("the file does not exist", file=p) from None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError("the file is empty", file=p)
    if b"\0" in data[:8192] or data.lstrip()[:1] == b"<":
        raise DataError("the file is not CSV text", file=p, line=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows, last = [], 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the csv module's limit (131,072 characters)
            raise DataError(f"the row cannot be read as CSV ({exc}); no lookup value is that "
                            "long", file=p, line=last + 1) from None
        line, last = last + 1, reader.line_num
        if header is None:
            header = [h.strip() for h in fields]
        elif any(f.strip() for f in fields):
            if len(fields) > len(header) and any(f.strip() for f in fields[len(header):]):
                # An unquoted comma in a name ("Bristol, City of") moves later fields along.
                raise DataError(f"the row has {len(fields)} fields but the header has "
                                f"{len(header)}; a value holding a comma must be in double "
                                'quotes ("Bristol, City of")', file=p, line=line)
            rows.append((line, [f.strip() for f in fields]))
    return header or [], rows


def _ons_columns(header: list[str]) -> dict[tuple[str, str], tuple[int, str, str]]:
    """(level, part) -> (position, column name, vintage year) of the latest vintage present."""
    found: dict[tuple[str, str], tuple[int, str, str]] = {}
    for i, name in enumerate(header):
        m = _ONS_COLUMN.match(name)
        if not m:
            continue
        key = (_LEVELS[m["level"].upper()], m["part"].lower())
        year = f"20{m['year']}"
        if key not in found or year > found[key][2]:
            found[key] = (i, name, year)
    return found


def _missing(path, header: list[str], wanted: str) -> DataError:
    spare = [h for h in header if not _ONS_COLUMN.match(h)]
    hint = renamed_column_hint(wanted.replace("<yy>", "19"), spare)
    return DataError(f"the column is missing from the header{hint}", file=path, line=1, column=wanted)


def _read_lookup(path, key_level: str | None, required: list[str], optional: list[str]) -> pd.DataFrame:
    header, rows = _read_rows(path)
    cols = _ons_columns(header)
    prefix = {v: k for k, v in _LEVELS.items()}
    for level in required:
        for part in ("cd", "nm"):
            if (level, part) not in cols:
                raise _missing(path, header, f"{prefix[level]}<yy>{part.upper()}")
    levels = list(required) + [lv for lv in optional if (lv, "cd") in cols]
    for level in levels:
        if (level, "nm") not in cols and level != "lsoa":
            raise _missing(path, header, f"{prefix[level]}<yy>NM")
    if not rows:
        raise DataError("the file has a header but no data rows", file=path, line=2)
    out: dict[str, list[str | None]] = {}
    vintages = {}
    first_seen: dict[str, int] = {}
    for level in levels:
        for part in ("cd", "nm"):
            if (level, part) not in cols:
                continue
            i, name, year = cols[(level, part)]
            vintages[level] = year
            values: list[str | None] = []
            for line, fields in rows:
                v = fields[i] if i < len(fields) else ""
                if not v:
                    if part == "cd":
                        raise DataError("the code is empty", file=path, line=line, column=name)
                    v = None
                if level == key_level and part == "cd":
                    if v in first_seen:
                        raise DataError(
                            f"{v} appears again (first on line {first_seen[v]}); the lookup must "
                            f"have one row per {prefix[level]}",
                            file=path,
                            line=line,
                            column=name,
                        )
                    first_seen[v] = line
                values.append(v)
            out[f"{level}_{'code' if part == 'cd' else 'name'}"] = values
    frame = pd.DataFrame({k: pd.array(v, dtype="str") for k, v in out.items()})
    frame.attrs["source"] = str(path)
    frame.attrs["vintages"] = vintages
    return frame


def read_lsoa_lookup(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ONS LSOA -> ward -> local authority lookup, whatever its vintage.

    Parameters
    ----------
    path : path
        CSV with ``LSOA<yy>CD``, ``WD<yy>CD``, ``WD<yy>NM``, ``LAD<yy>CD``, ``LAD<yy>NM``
        (``LSOA<yy>NM``, ``CSP<yy>CD/NM``, ``PFA<yy>CD/NM`` used when present).

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code``, ``lsoa_name``, ``ward_code``, ``ward_name``, ``lad_code``, ``lad_name``
        (str), one row per LSOA; ``attrs["vintages"]`` gives each level's year, e.g.
        ``{"lsoa": "2011", "ward": "2019", "lad": "2019"}``.

    Raises
    ------
    DataError
        For a missing column, an empty code, an LSOA listed twice, or a file that is not CSV.
    """
    return _read_lookup(path, "lsoa", ["lsoa", "ward", "lad"], ["csp", "pfa"])


#: ONS's change indicator in its LSOA 2011 -> 2021 lookup.
CHANGE_KINDS = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}


def read_lsoa_bridge(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ONS LSOA (2011) -> LSOA (2021) lookup, the bridge between the two code sets.

    Parameters
    ----------
    path : path
        CSV with two LSOA vintages, ``LSOA11CD`` and ``LSOA21CD`` (any two ``LSOA<yy>CD``), and
        optionally ONS's change indicator ``CHGIND`` (U unchanged, S split, M merged, X
        irregular). A UTF-8 byte-order mark, ``ObjectId`` and Welsh-name columns are normal.

    Returns
    -------
    pandas.DataFrame
        ``old_code``, ``new_code`` (str) and ``change`` (``"unchanged"``, ``"split"``,
        ``"merged"``, ``"irregular"``, or missing without ``CHGIND``), one row per pair;
        ``attrs["vintages"]`` is ``{"old": "2011", "new": "2021"}``.

    Raises
    ------
    DataError
        For fewer than two LSOA code columns, an empty code or an unknown change indicator.
    """
    header, rows = _read_rows(path)
    codes = sorted(((f"20{m['year']}", i, name) for i, name in enumerate(header)
                    if (m := _ONS_COLUMN.match(name)) and m["level"].upper() == "LSOA"
                    and m["part"].upper() == "CD"))
    if len(codes) < 2:
        raise _missing(path, header, "LSOA<yy>CD" if codes else "LSOA11CD")
    (old_year, old_i, old_name), (new_year, new_i, new_name) = codes[0], codes[-1]
    change_i = next((i for i, h in enumerate(header) if h.upper() == "CHGIND"), None)
    if not rows:
        raise DataError("the file has a header but no data rows", file=path, line=2)
    out: dict[str, list] = {"old_code": [], "new_code": [], "change": []}
    for line, fields in rows:
        for i, name, key in ((old_i, old_name, "old_code"), (new_i, new_name, "new_code")):
            value = fields[i] if i < len(fields) else ""
            if not value:
                raise DataError("the code is empty", file=path, line=line, column=name)
            out[key].append(value)
        flag = fields[change_i].upper() if change_i is not None and change_i < len(fields) else ""
        if change_i is not None and flag not in CHANGE_KINDS:
            raise DataError(f"{flag!r} is not a change indicator (U, S, M or X)", file=path,
                            line=line, column=header[change_i])
        out["change"].append(CHANGE_KINDS.get(flag))
    frame = pd.DataFrame({k: pd.array(v, dtype="str") for k, v in out.items()})
    frame.attrs["source"] = str(path)
    frame.attrs["vintages"] = {"old": old_year, "new": new_year}
    return frame


def read_lad_lookup(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ONS local authority -> CSP -> police force area lookup, whatever its vintage.

    Parameters
    ----------
    path : path
        CSV with ``LAD<yy>CD``, ``LAD<yy>NM`` and ``CSP<yy>CD/NM`` and/or ``PFA<yy>CD/NM``.

    Returns
    -------
    pandas.DataFrame
        ``lad_code``, ``lad_name``, ``csp_code``, ``csp_name``, ``pfa_code``, ``pfa_name``
        (str; a level absent from the file is absent here), one row per local authority and
        CSP (a local authority split between two CSPs has two rows).
    """
    # Not one row per LAD: a local authority formed by a merger can sit in two CSPs (East
    # Suffolk, 2019, in Suffolk Coastal and Waveney), so ONS lists it once per CSP.
    frame = _read_lookup(path, None, ["lad"], ["csp", "pfa"])
    if "csp_code" not in frame and "pfa_code" not in frame:
        header, _ = _read_rows(path)
        raise _missing(path, header, "CSP<yy>CD")
    if "pfa_code" in frame:
        _one_force_area_each(path, frame)
    return frame


def _one_force_area_each(path, frame: pd.DataFrame) -> None:
    """Refuse a lookup putting one local authority in two police force areas.

    Force areas are unions of whole local authorities (Police Act 1996, Schedule 1), so such a
    row is a mistake, and it would count the authority's crime in both forces.
    """
    header, rows = _read_rows(path)
    cols = _ons_columns(header)
    pfa_column = cols[("pfa", "cd")][1]
    first = frame.groupby("lad_code", sort=False)["pfa_code"].transform("first")
    clash = np.flatnonzero((frame["pfa_code"] != first).to_numpy())
    if len(clash):
        i = int(clash[0])
        lad, name = frame.at[i, "lad_code"], frame.at[i, "lad_name"]
        j = int(np.flatnonzero((frame["lad_code"] == lad).to_numpy())[0])
        raise DataError(
            f"local authority {lad} ({name}) is in police force area {frame.at[i, 'pfa_code']} "
            f"here but in {frame.at[j, 'pfa_code']} on line {rows[j][0]}; a local authority "
            "lies in one force area, so correct one of the two rows",
            file=path, line=rows[i][0], column=pfa_column)


def local_authorities_of(
    lad_lookup: pd.DataFrame | str | os.PathLike, area: str, level: str | None = None
) -> list[str]:
    """Names of the local authorities in a police force area or CSP, for ``force_areas``.

    Parameters
    ----------
    lad_lookup : DataFrame or path
        From :func:`read_lad_lookup` (or the file to read).
    area : str
        A police force area or CSP, by name or code, in any case ("Derbyshire", "E23000026").
    level : {"pfa", "csp"}, optional
        Look only among police force areas or only among CSPs. By default force areas are
        searched first, so a name that is both (Dorset) means the force area.

    Returns
    -------
    list of str
        The local authority names, sorted.
    """
    if not isinstance(lad_lookup, pd.DataFrame):
        lad_lookup = read_lad_lookup(lad_lookup)
    want = area.strip().casefold()
    names = []
    if level not in (None, "pfa", "csp"):
        raise ValueError(f"level must be 'pfa' or 'csp', not {level!r}")
    for lv in (level,) if level else ("pfa", "csp"):
        for part in ("code", "name"):
            col = f"{lv}_{part}"
            if col in lad_lookup:
                hit = lad_lookup[col].str.casefold() == want
                if hit.any():
                    return sorted(lad_lookup.loc[hit, "lad_name"].dropna().unique().tolist())
                if part == "name":
                    names.extend(lad_lookup[col].dropna().unique().tolist())
    hint = did_you_mean(area.strip(), names)
    what = {"pfa": "a police force area", "csp": "a CSP"}.get(level, "a police force area or CSP")
    raise DataError(
        f"{area!r} is not {what} in this lookup{hint}",
        file=lad_lookup.attrs.get("source"),
    )


_POP_ALIASES = {
    "area_code": {"areacode", "code", "geographycode", "areacd", "lsoacd", "lsoacode",
                  "wardcd", "wardcode", "ladcd", "ladcode"},
    "area_name": {"areaname", "name", "geographyname", "areanm", "geography"},
    "year": {"year", "midyear", "period"},
    "population": {"population", "pop", "allages", "count"},
}
_POP_HEADERS = {"area_code": "area_code", "area_name": "area_name", "year": "year",
                "population": "population"}


def _alias(name: str) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", name.casefold())
    for tidy, names in _POP_ALIASES.items():
        if key in names:
            return tidy
    if re.fullmatch(r"[a-z]+\d{2}cd", key):
        return "area_code"
    if re.fullmatch(r"[a-z]+\d{2}nm", key):
        return "area_name"
    return None


def read_population(path: str | os.PathLike) -> pd.DataFrame:
    """Read a population file for rates: one row per area and year.

    Parameters
    ----------
    path : path
        CSV with columns for the area code, area name, year and population (headers
        ``area_code, area_name, year, population``; ONS-style ``LAD21CD``/``LAD21NM``,
        ``lsoacd``, "Area code", "Mid-year" and "All ages" are understood too). Years may be
        written "mid-2019"; populations may carry thousands separators ("12,345"). The name
        column is optional, and so is the year when the file name carries it
        (``lsoa21_population_mid2022.csv`` is mid-2022).

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``area_name`` (str), ``year`` (int64), ``population`` (int64 [people]).

    Raises
    ------
    DataError
        For a missing column, an empty code, a year or population that is not a whole number,
        a negative population, or an area listed twice for one year.
    """
    header, rows = _read_rows(path)
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        tidy = _alias(name)
        if tidy and tidy not in where:
            where[tidy] = i
    year_in_name = re.search(r"(?:mid[-_ ]?)?((?:19|20)\d{2})", Path(path).stem, re.I)
    for tidy in _POP_HEADERS:
        if tidy == "area_name" or (tidy == "year" and year_in_name):
            continue  # optional: names are for reading, the year can come from the file name
        if tidy not in where:
            hint = renamed_column_hint(tidy, header)
            raise DataError(f"the column is missing from the header{hint}", file=path, line=1,
                            column=tidy)
    if not rows:
        raise DataError("the file has a header but no data rows", file=path, line=2)
    out: dict[str, list] = {k: [] for k in _POP_HEADERS}
    seen: dict[tuple[str, int], int] = {}
    for line, fields in rows:
        def get(tidy: str, fields=fields) -> str:
            if tidy not in where:
                return year_in_name[1] if tidy == "year" else ""
            i = where[tidy]
            return fields[i] if i < len(fields) else ""

        code, name = get("area_code"), get("area_name")
        if not code:
            raise DataError("the area code is empty", file=path, line=line,
                            column=header[where["area_code"]])
        year_text = get("year")
        m = re.fullmatch(r"(?:mid[- ]?)?(\d{4})", year_text, re.I)
        if not m:
            raise DataError(f"{year_text!r} is not a year", file=path, line=line,
                            column=header[where["year"]])
        pop_text = get("population")
        try:
            pop = float(pop_text.replace(",", ""))
        except ValueError:
            pop = None
        if pop is None or not math.isfinite(pop) or pop != int(pop) or pop < 0:
            raise DataError(f"{pop_text!r} is not a population (a whole number, 0 or more)",
                            file=path, line=line, column=header[where["population"]])
        year = int(m[1])
        if (code, year) in seen:
            raise DataError(
                f"{code} appears again for {year} (first on line {seen[(code, year)]})",
                file=path, line=line, column=header[where["area_code"]],
            )
        seen[(code, year)] = line
        out["area_code"].append(code)
        out["area_name"].append(name or None)
        out["year"].append(year)
        out["population"].append(int(pop))
    frame = pd.DataFrame({
        "area_code": pd.array(out["area_code"], dtype="str"),
        "area_name": pd.array(out["area_name"], dtype="str"),
        "year": np.array(out["year"], dtype=np.int64),
        "population": np.array(out["population"], dtype=np.int64),
    })
    frame.attrs["source"] = str(path)
    return frame
