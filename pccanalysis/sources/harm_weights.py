"""User-supplied harm (severity) weights per data.police.uk crime type.

A harm index weights each crime by how harmful it is (see :mod:`pccanalysis.indicators.harm`).
pccanalysis ships no weights: the analyst chooses a scheme (for example the ONS Crime Severity
Score or the Cambridge Crime Harm Index), maps its offence-level weights to data.police.uk's 14
broad crime types, and cites where the figures came from. This module reads that choice.

Format, CSV or Excel (first worksheet)::

    scheme,  Cambridge Crime Harm Index       <- metadata rows, above the header
    version, 2020                             <- optional
    source,  <where the weights were taken from>
    crime_type, weight                        <- the header: the first other non-blank row
    Burglary, 12.5
    Anti-social behaviour, 0

Format, YAML::

    scheme: ONS Crime Severity Score
    version: "2016"                  # optional
    source: <where the weights were taken from>
    weights:
      Burglary: 12.5
      Anti-social behaviour: 0

``scheme`` (also ``index``) and ``source`` (also ``citation``, ``reference``) are required;
``version`` (also ``year``, ``edition``) is optional. The header may spell the columns
``crime type`` / ``offence`` / ``category`` and ``weight`` / ``harm weight`` / ``score``; other
columns (notes, offence codes) are ignored. Crime types are matched to data.police.uk's
spelling ignoring case, spacing, hyphens and ``&``; ``ASB`` and ``antisocial behaviour`` are
accepted for "Anti-social behaviour". Weights are numbers of zero or more in the scheme's own
units; ``1,234.5`` is read as 1234.5. A type may be left out, but
:func:`~pccanalysis.indicators.harm.harm_index` then refuses data that contains it: write 0 to
leave a type out on purpose (anti-social behaviour is not recorded crime and neither public
index weights it).

Every mistake is one :class:`~pccanalysis.errors.DataError` naming the file, the line (or
spreadsheet row) and the column: an unknown crime type (with the nearest type suggested), a type
given twice, a weight that is blank, not a number or negative, a missing column or metadata
item, and a file with no weights.

References
----------
data.police.uk, "About the data: crime categories", https://data.police.uk/about/
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import DataError
from ..files import closest, did_you_mean
from ..quality import DataQuality, FileRecord
from ..yaml_lines import LineDict, read_yaml
from ._rows import RawTable, blank, cell_text, header_map, normalise_header, read_rows

__all__ = ["CRIME_TYPES", "HarmWeights", "crime_type_name", "read_harm_weights"]

#: data.police.uk's 14 published crime types, as its street files write them.
CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

_WHAT = "harm-weights file"


def _key(text: object) -> str:
    """Matching key: lower case, ``&`` as "and", punctuation and spacing collapsed."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).casefold().replace("&", " and ")).strip()


_VARIANTS = {
    "asb": "Anti-social behaviour",
    "antisocial behaviour": "Anti-social behaviour",
    "anti social behavior": "Anti-social behaviour",
    "antisocial behavior": "Anti-social behaviour",
    "cycle theft": "Bicycle theft",
    "bike theft": "Bicycle theft",
    "criminal damage arson": "Criminal damage and arson",
    "drug offences": "Drugs",
    "possession of weapon": "Possession of weapons",
    "public order offences": "Public order",
    "theft from person": "Theft from the person",
    "violence sexual offences": "Violence and sexual offences",
}
_NAMES = {_key(t): t for t in CRIME_TYPES} | _VARIANTS

_COLUMNS = {
    "crime type": "crime_type", "crime": "crime_type", "crime category": "crime_type",
    "category": "crime_type", "offence": "crime_type", "offence type": "crime_type",
    "weight": "weight", "weighting": "weight", "harm weight": "weight",
    "severity weight": "weight", "score": "weight", "harm score": "weight",
    "severity score": "weight",
}  # fmt: skip
_META = {
    "scheme": "scheme", "index": "scheme",
    "version": "version", "year": "version", "edition": "version",
    "source": "source", "citation": "source", "reference": "source",
}  # fmt: skip


@dataclass(frozen=True)
class HarmWeights:
    """Harm weights per crime type, with the scheme they come from.

    Attributes
    ----------
    weights : mapping of str to float
        Weight per data.police.uk crime type (canonical spelling, file order), in the scheme's
        own units (e.g. days of imprisonment for the Cambridge index). Read-only.
    scheme : str
        The scheme's name as the file gives it, e.g. ``"ONS Crime Severity Score"``.
    version : str or None
        Its version or year, when given.
    source : str
        Where the weights came from (the citation the briefing shows).
    path : str
        The file read.
    """

    weights: Mapping[str, float]
    scheme: str
    version: str | None
    source: str
    path: str

    @property
    def missing(self) -> tuple[str, ...]:
        """The published crime types with no weight, in :data:`CRIME_TYPES` order."""
        return tuple(t for t in CRIME_TYPES if t not in self.weights)


def crime_type_name(text: object) -> str | None:
    """data.police.uk's spelling of a crime type written loosely, or None when unknown.

    ``" asb "`` -> ``"Anti-social behaviour"``; ``"Criminal damage & arson"`` ->
    ``"Criminal damage and arson"``.
    """
    return _NAMES.get(_key(text))


def read_harm_weights(path: str | Path) -> tuple[HarmWeights, DataQuality]:
    """Read and validate a harm-weights file (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        A .csv, .xlsx or .yaml/.yml file.

    Returns
    -------
    (HarmWeights, DataQuality)
        The weights with their scheme, version and source; the record counts one row per
        weight and notes the crime types left without a weight.

    Raises
    ------
    DataError
        On the first mistake, naming file, line or row, and column.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"the {_WHAT} does not exist", file=path)
    if path.suffix.lower() in (".yaml", ".yml"):
        meta, entries, where = _from_yaml(path)
    else:
        meta, entries, where = _from_table(read_rows(path, what=_WHAT))

    weights: dict[str, float] = {}
    first: dict[str, int] = {}
    for written, value, number, type_at, weight_at in entries:
        name = crime_type_name(written)
        if name is None:
            near = closest(_key(written), _NAMES)
            hint = f" (did you mean {_NAMES[near]!r}?)" if near is not None else ""
            raise DataError(
                f"{written!r} is not one of data.police.uk's 14 crime types{hint}", **type_at
            )
        if name in weights:
            again = "" if written == name else f" (as {written!r})"
            raise DataError(
                f"{name!r} is given twice{again}; first on {where} {first[name]}", **type_at
            )
        weights[name] = _weight(value, written, weight_at)
        first[name] = number

    hw = HarmWeights(
        weights=MappingProxyType(weights),
        scheme=meta["scheme"],
        version=meta.get("version"),
        source=meta["source"],
        path=str(path),
    )
    quality = DataQuality(source="harm weights", rows_read=len(weights), rows_kept=len(weights))
    quality.files.append(FileRecord(str(path), len(weights)))
    if hw.missing:
        quality.notes.append(
            f"The harm weights ({hw.scheme}) give no weight for "
            f"{', '.join(hw.missing)}."
        )
    return hw, quality.check()


def _weight(value: object, written: str, loc: dict) -> float:
    if blank(value):
        raise DataError(
            f"{written!r} has no weight (write 0 to leave a crime type out on purpose)", **loc
        )
    if isinstance(value, bool):
        w = math.nan
    elif isinstance(value, (int, float)):
        w = float(value)
    else:
        text = cell_text(value)
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            text = text.replace(",", "")
        try:
            w = float(text)
        except ValueError:
            w = math.nan
    if not math.isfinite(w):
        raise DataError(f"the weight {cell_text(value)!r} for {written!r} is not a number", **loc)
    if w < 0:
        raise DataError(
            f"the weight {cell_text(value)} for {written!r} is negative; weights must be zero "
            "or more",
            **loc,
        )
    return w


def _need_meta(meta: dict, where: dict, how: str) -> None:
    for item in ("scheme", "source"):
        if item not in meta:
            what = "its weighting scheme" if item == "scheme" else "the source of its weights"
            raise DataError(f"the file does not name {what}; {how.format(item=item)}",
                            column=item, **where)


def _from_table(table: RawTable):
    """Metadata, (crime type, weight, location) entries and the location unit, from rows."""
    rows = [(n, cells) for n, cells in table.rows if not all(blank(c) for c in cells)]
    if not rows:
        raise DataError(f"the {_WHAT} is empty", **table.where(None))
    meta: dict[str, str] = {}
    meta_at: dict[str, int] = {}
    k = 0
    while k < len(rows):
        number, cells = rows[k]
        item = _META.get(normalise_header(cells[0])) if not blank(cells[0]) else None
        if item is None:
            break
        value = next((c for c in cells[1:] if not blank(c)), None)
        if value is None:
            raise DataError(f"{item!r} has no value", column=item, **table.where(number))
        if item in meta:
            raise DataError(f"{item!r} is given twice (first on {table.unit} {meta_at[item]})",
                            column=item, **table.where(number))
        meta[item] = cell_text(value)
        meta_at[item] = number
        k += 1
    if k == len(rows):
        raise DataError(
            "there is no header row naming the crime_type and weight columns below the "
            "scheme and source", **table.where(None)
        )
    header_no, header = rows[k]
    hmap = header_map(header, _COLUMNS)
    found = {c: i for i, (c, _) in hmap.items()}
    for col in ("crime_type", "weight"):
        if col not in found:
            written = ", ".join(repr(cell_text(c)) for c in header if not blank(c))
            raise DataError(
                f"the header has no {col!r} column (it has {written}); the columns needed are "
                "crime_type, weight",
                column=col, **table.where(header_no),
            )
    _need_meta(meta, table.where(None),
               "add a row '{item}, ...' above the header (scheme, version, source)")
    type_col, weight_col = hmap[found["crime_type"]][1], hmap[found["weight"]][1]
    entries = []
    for number, cells in rows[k + 1:]:
        ct = cells[found["crime_type"]] if found["crime_type"] < len(cells) else None
        w = cells[found["weight"]] if found["weight"] < len(cells) else None
        if blank(ct):
            if blank(w):
                continue  # a row with only notes in other columns
            raise DataError("a weight is given with no crime type", column=type_col,
                            **table.where(number))
        at = table.where(number)
        entries.append((cell_text(ct), w, number, at | {"column": type_col},
                        at | {"column": weight_col}))
    if not entries:
        raise DataError(f"the {_WHAT} has a header but no weights", **table.where(header_no))
    return meta, entries, table.unit


def _from_yaml(path: Path):
    """Metadata, entries and the location unit, from a YAML file."""
    doc = read_yaml(path)
    if doc is None:
        raise DataError(f"the {_WHAT} is empty", file=path)
    if not isinstance(doc, LineDict):
        raise DataError("a harm-weights file must be a mapping with scheme, source and weights",
                        file=path, line=1)
    meta: dict[str, str] = {}
    for key, value in doc.items():
        at = {"file": path, "line": doc.line_of(key), "column": str(key)}
        if key == "weights":
            continue
        item = _META.get(normalise_header(key))
        if item is None or item in meta:
            hint = did_you_mean(key, ["scheme", "version", "source", "weights"])
            problem = "is given twice" if item in meta else f"is not a known key{hint}"
            raise DataError(f"{key!r} {problem}; a harm-weights file has scheme, version, "
                            "source and weights", **at)
        if blank(value):
            raise DataError(f"{key!r} has no value", **at)
        meta[item] = cell_text(value)
    _need_meta(meta, {"file": path}, "add a line '{item}: ...'")
    block = doc.get("weights")
    at = {"file": path, "line": doc.line_of("weights"), "column": "weights"}
    if "weights" not in doc:
        raise DataError("the file has no 'weights' block of crime type: weight lines", **at)
    if not isinstance(block, LineDict) or not block:
        raise DataError("'weights' must list crime type: weight lines, one per crime type",
                        **at)
    entries = []
    for key, value in block.items():
        number = block.line_of(key)
        at = {"file": path, "line": number, "column": "weights"}
        entries.append((cell_text(key), value, number, at, at))
    return meta, entries, "line"
