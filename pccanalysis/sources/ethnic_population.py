"""Residents by local authority and ethnic group, for stop-and-search rates per 1,000 people.

The file is the user's (pccanalysis ships no population). The usual source is the Census 2021
table TS021 "Ethnic group" by local authority (ONS; Nomis), in either of the layouts ONS gives:

- **long** (ONS "create a custom dataset", or written by hand): one row per area and group, with
  columns for the area code (``area_code``, or any header ending "Code" such as "Lower tier
  local authorities Code"), optionally the area name (``area_name``, "Lower tier local
  authorities"), the group (``ethnic_group``, or a header starting "Ethnic group", such as
  "Ethnic group (6 categories)") and the residents (``population``, "Observation", "Count").
  For example::

      area_code,area_name,ethnic_group,population
      E06000015,Derby,White,200000
      E06000015,Derby,Asian,40000
      ...

- **wide** (the Nomis bulk download of TS021): one row per area with ``geography code``,
  ``geography`` and a column per group, "Ethnic group: White", "Ethnic group: Asian, Asian
  British or Asian Welsh" ... (the columns of detailed groups and totals are ignored).

Each group is one of the five high-level groups of the Census, written as the census writes it
or short (:data:`ETHNIC_GROUPS`: White, Black, Asian, Mixed, Other). Detailed groups ("Asian,
Asian British or Asian Welsh: Indian") are summed into their group when the file has no row for
the group itself; totals and "Does not apply" are ignored. Every area must have all five groups.

References
----------
ONS (2022), "Ethnic group (TS021)", Census 2021, https://www.nomisweb.co.uk/sources/census_2021_bulk
(Open Government Licence v3.0).
"""

from __future__ import annotations

import os
import re

import pandas as pd

from ..errors import DataError
from ..files import renamed_column_hint
from .geography import _read_rows

__all__ = ["ETHNIC_GROUPS", "group_of", "read_population_by_ethnicity"]

#: The five high-level ethnic groups, as stop and search reports them.
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other")

# Census 2021 (and 2011) names of the groups, and the short names, compared in lower case.
_GROUP_NAMES = {
    "white": "White",
    "black": "Black",
    "black, black british, black welsh, caribbean or african": "Black",
    "black/african/caribbean/black british": "Black",
    "asian": "Asian",
    "asian, asian british or asian welsh": "Asian",
    "asian/asian british": "Asian",
    "mixed": "Mixed",
    "mixed or multiple ethnic groups": "Mixed",
    "mixed/multiple ethnic groups": "Mixed",
    "other": "Other",
    "other ethnic group": "Other",
}
_IGNORED = re.compile(r"^(total\b.*|all usual residents|does not apply)$", re.IGNORECASE)


def group_of(name: str) -> tuple[str | None, bool]:
    """The high-level group a census group name belongs to, and whether it is detailed.

    ``"Asian, Asian British or Asian Welsh"`` -> ``("Asian", False)``; ``"Asian, Asian British
    or Asian Welsh: Indian"`` -> ``("Asian", True)``; a total or an unknown name -> ``(None,
    False)``.
    """
    text = " ".join(str(name).split())
    text = re.sub(r"^ethnic group:\s*", "", text, flags=re.IGNORECASE)
    head, _, rest = text.partition(":")
    group = _GROUP_NAMES.get(head.strip().casefold())
    return group, bool(rest.strip()) and group is not None


def _position(header: list[str], tests) -> int | None:
    for i, h in enumerate(header):
        if any(t(h.strip().casefold()) for t in tests):
            return i
    return None


def _columns(header: list[str], path) -> dict[str, int]:
    low = [h.casefold() for h in header]
    where = {
        "code": _position(header, [lambda h: h in ("area_code", "geography code", "code"),
                                   lambda h: h.endswith(" code") and "ethnic" not in h]),
        "name": _position(header, [lambda h: h in ("area_name", "geography", "name")]),
        "group": _position(header, [lambda h: h == "ethnic_group",
                                    lambda h: h.startswith("ethnic group") and ":" not in h
                                    and not h.endswith("code")]),
        "population": _position(header, [lambda h: h in ("population", "observation", "count",
                                                         "residents")]),
    }
    if where["name"] is None and where["code"] is not None:
        # ONS custom datasets: "Lower tier local authorities Code" beside "... authorities"
        stem = low[where["code"]].removesuffix(" code")
        where["name"] = next((i for i, h in enumerate(low) if h == stem), None)
    if where["code"] is None:
        raise DataError(f"the column is missing from the header"
                        f"{renamed_column_hint('area_code', header)}", file=path, line=1,
                        column="area_code")
    return where


def read_population_by_ethnicity(path: str | os.PathLike) -> pd.DataFrame:
    """Read residents by area and ethnic group (long or Nomis-wide layout; see the module).

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``area_name`` (str), ``ethnic_group`` (one of :data:`ETHNIC_GROUPS`),
        ``population`` (int64 [people]): one row per area and group, every group present.

    Raises
    ------
    DataError
        Naming the file, line and column: a missing column, a group name that is not one of
        the census's, a population that is not a whole number, a group given twice for an
        area; and naming the area and the group when an area lacks one of the five groups.
    """
    header, rows = _read_rows(path)
    if not rows:
        raise DataError("the file has a header but no data rows", file=path, line=2)
    where = _columns(header, path)
    if where["group"] is None and where["population"] is None:
        entries = _wide(header, rows, where, path)
    else:
        entries = _long(header, rows, where, path)
    frame = pd.DataFrame(entries, columns=["area_code", "area_name", "ethnic_group",
                                           "population", "detailed", "line"])
    plain = frame[~frame["detailed"]]
    twice = plain.duplicated(["area_code", "ethnic_group"], keep="first")
    if twice.any():
        r = plain[twice].iloc[0]
        raise DataError(f"{r['area_code']} has the group {r['ethnic_group']!r} twice",
                        file=path, line=int(r["line"]), column=_group_header(header, where))
    # a group given in full wins over its detailed parts
    have = set(zip(plain["area_code"], plain["ethnic_group"], strict=True))
    parts = frame[frame["detailed"]]
    parts = parts[[(a, g) not in have for a, g in zip(parts["area_code"], parts["ethnic_group"],
                                                      strict=True)]]
    frame = pd.concat([plain, parts])
    out = (frame.groupby(["area_code", "ethnic_group"], sort=False)
           .agg(area_name=("area_name", "first"), population=("population", "sum"))
           .reset_index())
    for code, group in out.groupby("area_code", sort=False):
        missing = [g for g in ETHNIC_GROUPS if g not in set(group["ethnic_group"])]
        if missing:
            name = group["area_name"].iloc[0]
            label = f"{code} ({name})" if name else code
            raise DataError(f"area {label} has no population for the group {missing[0]!r} "
                            f"(every area needs {', '.join(ETHNIC_GROUPS)})", file=path,
                            column=_group_header(header, where))
    out["ethnic_group"] = pd.Categorical(out["ethnic_group"], categories=ETHNIC_GROUPS)
    out = out.sort_values(["area_code", "ethnic_group"]).reset_index(drop=True)
    out["ethnic_group"] = out["ethnic_group"].astype("str")
    out["population"] = out["population"].astype("int64")
    out.attrs["source"] = str(path)
    return out[["area_code", "area_name", "ethnic_group", "population"]]


def _group_header(header: list[str], where: dict) -> str:
    return header[where["group"]] if where.get("group") is not None else "Ethnic group"


def _count(text: str, path, line: int, column: str) -> int:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = None
    if value is None or value != int(value) or value < 0:
        raise DataError(f"{text!r} is not a number of residents (a whole number, 0 or more)",
                        file=path, line=line, column=column)
    return int(value)


def _field(fields: list[str], i: int | None) -> str:
    return fields[i] if i is not None and i < len(fields) else ""


def _long(header, rows, where, path) -> list[tuple]:
    for key, name in (("group", "ethnic_group"), ("population", "population")):
        if where[key] is None:
            raise DataError(f"the column is missing from the header"
                            f"{renamed_column_hint(name, header)}", file=path, line=1,
                            column=name)
    out = []
    for line, fields in rows:
        text = _field(fields, where["group"])
        if _IGNORED.match(text.strip()):
            continue
        group, detailed = group_of(text)
        if group is None:
            raise DataError(f"{text!r} is not an ethnic group of the Census (White, Black, "
                            "Asian, Mixed or Other, or their census names)", file=path,
                            line=line, column=header[where["group"]])
        code = _field(fields, where["code"])
        if not code:
            raise DataError("the area code is empty", file=path, line=line,
                            column=header[where["code"]])
        out.append((code, _field(fields, where["name"]), group,
                    _count(_field(fields, where["population"]), path, line,
                           header[where["population"]]), detailed, line))
    return out


def _wide(header, rows, where, path) -> list[tuple]:
    columns = []
    for i, h in enumerate(header):
        if h.casefold().startswith("ethnic group:") and not _IGNORED.match(
                h.split(":", 1)[1].strip()):
            group, detailed = group_of(h)
            if group is not None:
                columns.append((i, h, group, detailed))
    if not columns:
        raise DataError("the file has neither an ethnic-group column nor columns named like "
                        "'Ethnic group: White' (Census 2021 TS021)", file=path, line=1)
    out = []
    for line, fields in rows:
        code = _field(fields, where["code"])
        if not code:
            raise DataError("the area code is empty", file=path, line=line,
                            column=header[where["code"]])
        for i, h, group, detailed in columns:
            out.append((code, _field(fields, where["name"]), group,
                        _count(_field(fields, i), path, line, h), detailed, line))
    return out
