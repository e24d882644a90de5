"""Stop-and-search records as data.police.uk publishes them, checked against its vocabularies.

:func:`read_searches` reads the files with
:func:`~pccanalysis.sources.police_uk.read.read_stop_and_search` (columns exactly as published,
a missing column a :class:`~pccanalysis.errors.DataError`), then checks the values a scrutiny
briefing groups by: self-defined and officer-defined ethnicity, legislation and age range. A
value the publisher does not use is *counted and reported*, never an error and never dropped:
one sentence in the data-quality record names the file, line and column of its first
occurrence and how many searches carry it. Such an ethnicity counts as not stated (the
indicators then use the officer's); such a legislation keeps its own name in the tables.

Line numbers are the row's position in its file plus one for the header, which is the line a
text editor shows for files without line breaks inside quoted values (data.police.uk's files
have none).

References
----------
data.police.uk, "About", stop and search (fields and their values): https://data.police.uk/about/.
Home Office, "Police powers and procedures: stop and search" (legislation; self-defined
ethnicity in the 2011 Census's 18 + 1 categories; officer-defined in five).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from ..quality import DataQuality
from .police_uk.read import read_stop_and_search
from .police_uk.schema import STOP_AND_SEARCH, parse_file_name

__all__ = [
    "AGE_RANGES",
    "CHILD_AGE_RANGES",
    "LEGISLATION",
    "OFFICER_DEFINED",
    "SELF_DEFINED",
    "read_searches",
    "unrecognised_values",
]

_WHITE, _MIXED = "White", "Mixed/Multiple ethnic groups"
_ASIAN, _BLACK = "Asian/Asian British", "Black/African/Caribbean/Black British"
_OTHER = "Other ethnic group"
#: Self-defined ethnicities as published -> the high-level group (None: not stated).
SELF_DEFINED = {
    **{f"{_WHITE} - {x}": "White" for x in (
        "English/Welsh/Scottish/Northern Irish/British", "Irish", "Gypsy or Irish Traveller",
        "Roma", "Any other White background")},
    **{f"{_MIXED} - {x}": "Mixed" for x in (
        "White and Black Caribbean", "White and Black African", "White and Asian",
        "Any other Mixed/Multiple ethnic background")},
    **{f"{_ASIAN} - {x}": "Asian" for x in (
        "Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background")},
    **{f"{_BLACK} - {x}": "Black" for x in (
        "African", "Caribbean", "Any other Black/African/Caribbean background")},
    f"{_OTHER} - Arab": "Other",
    f"{_OTHER} - Any other ethnic group": "Other",
    f"{_OTHER} - Not stated": None,
}  # fmt: skip
#: Officer-defined ethnicities as published (each is its own group).
OFFICER_DEFINED = ("White", "Black", "Asian", "Mixed", "Other")
#: The powers data.police.uk publishes in ``Legislation``.
LEGISLATION = (
    "Misuse of Drugs Act 1971 (section 23)",
    "Police and Criminal Evidence Act 1984 (section 1)",
    "Criminal Justice and Public Order Act 1994 (section 60)",
    "Firearms Act 1968 (section 47)",
    "Criminal Justice Act 1988 (section 139B)",
    "Police and Criminal Evidence Act 1984 (section 6)",
    "Terrorism Act 2000 (section 43)",
    "Terrorism Act 2000 (section 43A)",
    "Terrorism Act 2000 (section 47A)",
    "Psychoactive Substances Act 2016 (s36(2))",
    "Psychoactive Substances Act 2016 (s37(2))",
    "Poaching Prevention Act 1862 (section 2)",
    "Deer Act 1991 (section 12)",
    "Wildlife and Countryside Act 1981 (section 19)",
    "Protection of Badgers Act 1992 (section 11)",
    "Conservation of Seals Act 1970 (section 4)",
    "Crossbows Act 1987 (section 4)",
    "Aviation Security Act 1982 (section 27(1))",
    "Customs and Excise Management Act 1979 (section 163)",
    "Public Stores Act 1875 (section 6)",
    "Sporting Events (Control of Alcohol etc.) Act 1985 (section 7)",
    "Environmental Protection Act 1990 (section 34B )",
    "Hunting Act 2004 (section 8)",
)
#: Age ranges as published; the first two are children.
AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
CHILD_AGE_RANGES = AGE_RANGES[:2]

#: The columns checked, with the values they may hold and what an unknown value becomes.
_CHECKED = {
    "self_defined_ethnicity": (tuple(SELF_DEFINED), "counted as not stated, so the "
                               "officer-defined ethnicity is used"),
    "officer_defined_ethnicity": (OFFICER_DEFINED, "counted as not recorded"),
    "legislation": (LEGISLATION, "shown under its own name"),
    "age_range": (AGE_RANGES, "counted as age not recorded"),
}


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def unrecognised_values(frame: pd.DataFrame, files: dict[tuple[str, str], str],
                        column: str) -> pd.DataFrame:
    """The values of ``column`` that data.police.uk does not publish, with where each is first.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`read_stop_and_search`, in its row order (``force``, ``month``).
    files : dict
        (force, ``YYYY-MM``) -> the file the rows came from.
    column : str
        A key of the checked columns (``legislation`` ...); values compared ignoring case and
        spacing.

    Returns
    -------
    pandas.DataFrame
        ``column`` (the published header), ``value``, ``searches``, ``file``, ``line``: one row
        per unknown value, in order of first occurrence.
    """
    known = {_key(v) for v in _CHECKED[column][0]}
    values = frame[column].astype("object")
    present = values.notna() & (values.astype("str").str.strip() != "")
    distinct = pd.unique(values[present].astype("str"))
    bad = {v for v in distinct if _key(v) not in known}
    header = next(c.header for c in STOP_AND_SEARCH.columns if c.name == column)
    if not bad:
        return pd.DataFrame(columns=["column", "value", "searches", "file", "line"])
    hit = present & values.astype("str").isin(bad)
    position = frame.groupby(["force", "month"], observed=True, sort=False).cumcount()
    rows = []
    for value, group in frame[hit].groupby(values[hit].astype("str"), sort=False):
        first = group.index[0]
        key = (str(frame.at[first, "force"]), str(frame.at[first, "month"]))
        rows.append({"column": header, "value": value, "searches": len(group),
                     "file": files.get(key, f"{key[1]} {key[0]} stop-and-search file"),
                     "line": int(position.at[first]) + 2, "first": first})
    return pd.DataFrame(rows).sort_values("first").drop(columns="first").reset_index(drop=True)


def read_searches(paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                  cache_dir: str | os.PathLike | bool | None = None
                  ) -> tuple[pd.DataFrame, DataQuality, pd.DataFrame]:
    """Read stop-and-search files and check the values briefings group by.

    Returns
    -------
    frame : pandas.DataFrame
        As :func:`~pccanalysis.sources.police_uk.read.read_stop_and_search` gives it.
    quality : DataQuality
        Its record, with a note for each unknown value (flagged, so the briefing shows it).
    unrecognised : pandas.DataFrame
        Every unknown value (:func:`unrecognised_values`) of the checked columns.

    Raises
    ------
    DataError
        As the reader: a missing column, a date that is not one, a file that is not CSV ...
    """
    frame, dq = read_stop_and_search(paths, cache_dir=cache_dir)
    files = {}
    for record in dq.files:
        name = parse_file_name(record.path.rsplit(":", 1)[-1])
        if record.month and name is not None and not (record.note or "").startswith("superseded"):
            files[(name.force, record.month)] = record.path.rsplit("/", 1)[-1]
    found = [unrecognised_values(frame, files, c) for c in _CHECKED]
    unknown = pd.concat([f for f in found if len(f)] or [found[0]], ignore_index=True)
    by_header = {c.header: c.name for c in STOP_AND_SEARCH.columns}
    for _, r in unknown.iterrows():
        what = _CHECKED[by_header[r["column"]]][1]
        n = int(r["searches"])
        dq.flag(f"a {r['column']} value data.police.uk does not publish", n)
        dq.notes.append(
            f"{r['file']}, line {r['line']}, column {r['column']!r}: {r['value']!r} is not a "
            f"value data.police.uk publishes; {n:,} search{'' if n == 1 else 'es'} "
            f"{'gives' if n == 1 else 'give'} it, {what}.")
    return frame, dq, unknown

