"""What data.police.uk publishes: file names, columns, crime types and forces, each written once.

Every other module of :mod:`pccanalysis.sources.police_uk` (and the briefing's month finder)
takes these facts from here: the readers, the national Parquet path, the download, the vintage
comparison and the API frame.

References
----------
data.police.uk, "About" (https://data.police.uk/about/): file layout and columns;
"API documentation" (https://data.police.uk/docs/): ``/api/forces``, ``/api/crime-categories``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ...errors import PeriodError

# --------------------------------------------------------------------------------------------
# File names

#: The kinds of file, as written at the end of each file name.
KINDS = ("street", "outcomes", "stop-and-search")

# Matched against a base name. Case is ignored (files renamed by hand keep being found); the force
# is anything between the month and the kind, as the publisher's slugs hold hyphens.
_FILE_NAME_RE = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<force>.+?)-(?P<kind>street|outcomes|stop-and-search)\.csv$",
    re.IGNORECASE,
)

#: A month as the files write it; months 01 to 12 only.
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class FileName(NamedTuple):
    """What a data.police.uk file name says about the file."""

    month: str  #: ``YYYY-MM`` as written (not checked to be a real month)
    force: str  #: force identifier, lower case, e.g. ``"avon-and-somerset"``
    kind: str  #: one of :data:`KINDS`

    @property
    def path(self) -> str:
        """Where the publisher puts the file: ``YYYY-MM/YYYY-MM-<force>-<kind>.csv``."""
        return f"{self.month}/{self.month}-{self.force}-{self.kind}.csv"


def parse_file_name(name: str) -> FileName | None:
    """The month, force and kind in a name like ``2020-01-derbyshire-street.csv``.

    Parameters
    ----------
    name : str
        A file name or a path (``/`` or ``\\`` separated); only its last part is read.

    Returns
    -------
    FileName or None
        None when the name does not follow the publisher's pattern.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    m = _FILE_NAME_RE.match(base)
    if m is None:
        return None
    return FileName(m["month"], m["force"].lower(), m["kind"].lower())


def file_name_pattern(kind: str) -> str:
    """``YYYY-MM-<force>-<kind>.csv``, for messages."""
    return f"YYYY-MM-<force>-{kind}.csv"


def file_path_pattern(kind: str) -> str:
    """``YYYY-MM/YYYY-MM-<force>-<kind>.csv``: a file in its month's folder, for messages."""
    return f"YYYY-MM/{file_name_pattern(kind)}"


def month_index(text: str, what: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` month ((year * 12) + month - 1).

    Raises
    ------
    PeriodError
        "<what> '2020-13' is not a month: write it like 2020-04."
    """
    if not MONTH_RE.match(str(text).strip()):
        raise PeriodError(f"{what} {text!r} is not a month: write it like 2020-04.")
    year, month = (int(x) for x in str(text).strip().split("-"))
    return year * 12 + month - 1


def month_label(index: int) -> str:
    """The ``YYYY-MM`` month of a :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --------------------------------------------------------------------------------------------
# Columns


class Column(NamedTuple):
    """One published column."""

    header: str  #: as published
    name: str  #: tidy name in the frames
    type: str  #: str, cat (category), float, bool, month (YYYY-MM), date (ISO date-time)


@dataclass(frozen=True)
class FileSchema:
    """The columns of one kind of file, in the published order."""

    kind: str  #: as in the file name
    source: str  #: the name a DataQuality record gives the loaded files
    columns: tuple[Column, ...]
    outcome: str  #: header of the column holding the outcome (revised between downloads)

    @property
    def headers(self) -> list[str]:
        """The published header row."""
        return [c.header for c in self.columns]

    @property
    def month_header(self) -> str:
        """Header of the column giving the month (``Month``, or ``Date`` for stop and search)."""
        return next(c.header for c in self.columns if c.type in ("month", "date"))

    def name_of(self, header: str) -> str:
        """The tidy name of a published column."""
        return next(c.name for c in self.columns if c.header == header)


# The street and outcomes files both open with the same nine columns describing the crime.
_CRIME_COLUMNS = (
    Column("Crime ID", "crime_id", "str"),
    Column("Month", "month", "month"),
    Column("Reported by", "reported_by", "cat"),
    Column("Falls within", "falls_within", "cat"),
    Column("Longitude", "longitude", "float"),
    Column("Latitude", "latitude", "float"),
    Column("Location", "location", "str"),
    Column("LSOA code", "lsoa_code", "str"),
    Column("LSOA name", "lsoa_name", "str"),
)
STREET = FileSchema(
    "street",
    "data.police.uk street",
    _CRIME_COLUMNS
    + (
        Column("Crime type", "crime_type", "cat"),
        Column("Last outcome category", "last_outcome", "str"),
        Column("Context", "context", "str"),
    ),
    outcome="Last outcome category",
)
OUTCOMES = FileSchema(
    "outcomes",
    "data.police.uk outcomes",
    _CRIME_COLUMNS + (Column("Outcome type", "outcome_type", "cat"),),
    outcome="Outcome type",
)
STOP_AND_SEARCH = FileSchema(
    "stop-and-search",
    "data.police.uk stop and search",
    (
        Column("Type", "type", "cat"),
        Column("Date", "datetime", "date"),
        Column("Part of a policing operation", "part_of_policing_operation", "bool"),
        Column("Policing operation", "policing_operation", "str"),
        Column("Latitude", "latitude", "float"),
        Column("Longitude", "longitude", "float"),
        Column("Gender", "gender", "cat"),
        Column("Age range", "age_range", "cat"),
        Column("Self-defined ethnicity", "self_defined_ethnicity", "cat"),
        Column("Officer-defined ethnicity", "officer_defined_ethnicity", "cat"),
        Column("Legislation", "legislation", "cat"),
        Column("Object of search", "object_of_search", "cat"),
        Column("Outcome", "outcome", "cat"),
        Column("Outcome linked to object of search", "outcome_linked_to_object_of_search",
               "bool"),
        Column("Removal of more than just outer clothing",
               "removal_of_more_than_just_outer_clothing", "bool"),
    ),
    outcome="Outcome",
)
#: The schema of each kind of file.
SCHEMAS = {s.kind: s for s in (STREET, OUTCOMES, STOP_AND_SEARCH)}

#: The code closing every LSOA name ("Amber Valley 001A"): what is left is the local authority.
LSOA_SUFFIX_RE = re.compile(r"\s+\d{3}[A-Z]$")

# --------------------------------------------------------------------------------------------
# Crime types and forces

#: API crime category slugs (``/api/crime-categories``) -> crime types as the files write them.
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
#: The crime types of the street files' ``Crime type`` column (anti-social behaviour included).
CRIME_TYPES = tuple(CRIME_CATEGORIES.values())

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
