"""Victim-level hate-crime extract (pseudonymised), for repeat victimisation.

Repeat victimisation needs one row per hate crime with the victim it happened to, but never who
that victim is. The extract carries a pseudonymised victim ID (the same person has the same ID
throughout the extract, and the ID cannot be turned back into a person outside the force's
systems), the date, the hate-crime strand and the ward.

Format (CSV, or the first or a named sheet of an Excel workbook; headers matched without regard to
case, spacing or punctuation)::

    victim_id, date, strand, ward[, any other columns such as offence or a flag]

One row per crime and strand: a crime recorded under two strands is two rows. An offence date
after the day the extract is read as of (today, unless told otherwise) is a data-entry mistake
and refused with the row named.

Direct identifiers are refused
------------------------------
If any column looks like a direct identifier (a name, address, postcode, date of birth, phone
number, email address, NHS or National Insurance number, passport or driving licence number,
PNC or CRO number), the file is refused with a :class:`~pccanalysis.errors.DataError` that says
why, before any row is read. A victim ID that itself looks like an email address, a postcode, a
UK phone number or a person's name is refused too. So is a value in the ward column or in any
column the format does not name that looks like a name, phone number, email address or postcode
(:mod:`._personal`), or, in such a column, a date ten or more years before the offence (a date
of birth).

No message repeats a value from the extract: errors name the file, row or line, and column, and
say what is wrong, so nothing personal reaches a terminal, ``run.log``, a failed notebook or the
run's manifest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..quality import DataQuality, FileRecord
from ._personal import looks_like_name, personal_kind
from ._rows import (
    RawTable,
    blank,
    cell_text,
    data_rows,
    extra_columns,
    find_header,
    header_map,
    normalise_header,
    parse_day,
    read_rows,
)

REQUIRED = ("victim_id", "date", "strand", "ward")

ALIASES = {
    "victim id": "victim_id",
    "victimid": "victim_id",
    "pseudonymised victim id": "victim_id",
    "pseudonymized victim id": "victim_id",
    "pseudonymised id": "victim_id",
    "victim ref": "victim_id",
    "victim reference": "victim_id",
    "victim key": "victim_id",
    "victim pseudonym": "victim_id",
    "date": "date",
    "offence date": "date",
    "date of offence": "date",
    "incident date": "date",
    "recorded date": "date",
    "date recorded": "date",
    "strand": "strand",
    "hate strand": "strand",
    "hate crime strand": "strand",
    "motivation": "strand",
    "hate motivation": "strand",
    "ward": "ward",
    "ward name": "ward",
    "offence ward": "ward",
}

#: The strands, in the order tables show them: the five centrally monitored strands (Home
#: Office hate crime statistics), then strands some forces record locally.
STRANDS = (
    "Race",
    "Religion",
    "Sexual orientation",
    "Disability",
    "Transgender",
    "Sex or gender",
    "Alternative subculture",
    "Other",
)
STRAND_DTYPE = pd.CategoricalDtype(list(STRANDS), ordered=False)

_STRAND_SPELLINGS = {
    "race": "Race",
    "racial": "Race",
    "racist": "Race",
    "ethnicity": "Race",
    "race or ethnicity": "Race",
    "race ethnicity": "Race",
    "religion": "Religion",
    "religious": "Religion",
    "faith": "Religion",
    "religion or belief": "Religion",
    "religion belief": "Religion",
    "religion or beliefs": "Religion",
    "faith religion": "Religion",
    "sexual orientation": "Sexual orientation",
    "sexuality": "Sexual orientation",
    "homophobic": "Sexual orientation",
    "homophobia": "Sexual orientation",
    "disability": "Disability",
    "disablist": "Disability",
    "disabled": "Disability",
    "transgender": "Transgender",
    "transgender identity": "Transgender",
    "transphobic": "Transgender",
    "gender identity": "Transgender",
    "trans": "Transgender",
    "sex or gender": "Sex or gender",
    "sex gender": "Sex or gender",
    "sex": "Sex or gender",
    "gender": "Sex or gender",
    "misogyny": "Sex or gender",
    "alternative subculture": "Alternative subculture",
    "subculture": "Alternative subculture",
    "alternative sub culture": "Alternative subculture",
    "other": "Other",
}

# (what it is, test on the header without spaces, test on its words)
_NAME_WORDS = {"victim", "person", "first", "given", "family", "last", "full", "middle", "maiden",
               "preferred", "christian", "sur", "fore", "client", "known"}
_NAME_PARTS = ("surname", "forename", "forenames", "firstname", "lastname", "fullname",
               "givenname", "familyname", "middlename", "maidenname")
_IDENTIFIER_RULES: tuple[tuple[str, object], ...] = (
    ("an email address", lambda c, w: "email" in c or c == "mail"),
    ("a person's name", lambda c, w: c in {"name", "names", "aka", "alias"}
        or any(c.endswith(x) for x in _NAME_PARTS)
        or (len(w) >= 2 and w[-1] in {"name", "names"} and w[-2] in _NAME_WORDS)),
    ("an address", lambda c, w: "address" in c or c in {
        "street", "streetname", "housenumber", "houseno", "housename", "flatnumber", "uprn"}),
    ("a postcode", lambda c, w: "postcode" in c or c in {"postalcode", "zipcode", "zip", "pcode"}),
    ("a date of birth", lambda c, w: c in {"dob", "birthdate", "birthday"} or "birth" in c),
    ("a phone number", lambda c, w: any(p in c for p in ("phone", "mobile")) or c in {
        "tel", "telno", "telnumber", "contactnumber"}),
    ("an NHS number", lambda c, w: "nhs" in w or c.startswith("nhs")),
    ("a National Insurance number", lambda c, w: "nationalinsurance" in c or c in {
        "nino", "ninumber"}),
    ("a passport or driving licence number", lambda c, w: "passport" in c or "licence" in c
        or "license" in c),
    ("a PNC or CRO number", lambda c, w: c in {"pnc", "pncid", "pncnumber", "pncno", "cro",
                                                  "cronumber", "crono"}),
)  # fmt: skip

_REFUSAL = (
    "this column looks like a direct identifier ({kind}), so the file is refused: a "
    "victim-level extract must identify people only by a pseudonymised victim ID; remove names, "
    "addresses, postcodes, dates of birth, phone numbers, email addresses and NHS numbers "
    "before loading it"
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.IGNORECASE)
_PHONE = re.compile(r"^(?:\+44|0044|0)(?:7\d{9}|[123]\d{8,9})$")


def identifier_kind(header: object) -> str | None:
    """What direct identifier a column header looks like (e.g. ``"a postcode"``), or None.

    >>> identifier_kind("Victim Surname"), identifier_kind("Ward name")
    ('a person's name', None)
    """
    norm = normalise_header(header)
    words = norm.split()
    compact = norm.replace(" ", "")
    for kind, rule in _IDENTIFIER_RULES:
        if rule(compact, words):
            return kind
    return None


def normalise_strand(value: object) -> str | None:
    """The canonical strand for a spelling (``"racial"`` -> ``"Race"``), or None."""
    if blank(value):
        return None
    key = re.sub(r"[^a-z]+", " ", str(value).lower().replace("&", " or ")).strip()
    key = re.sub(r"\bhate( crime)?\b", "", key).strip()
    return _STRAND_SPELLINGS.get(" ".join(key.split()))


def read_hate_crime_victims(
    path: str | Path,
    *,
    sheet: str | None = None,
    wards: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
) -> tuple[pd.DataFrame, DataQuality]:
    """Read a pseudonymised victim-level hate-crime extract (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        A .csv or .xlsx file.
    sheet : str, optional
        The worksheet; default the first.
    wards : iterable of str, optional
        The area's ward names; a ward not among them is kept and flagged.
    as_of : date or str, optional
        The day the extract is read as of (default today); an offence dated after it is an
        error.

    Returns
    -------
    (DataFrame, DataQuality)
        ``victim_id`` (str), ``date`` (datetime64[ns]), ``month`` (period[M]), ``strand``
        (category, :data:`STRANDS`), ``ward`` (str, <NA> when blank), then any other columns as
        text under snake_case names (``Offence group`` -> ``offence_group``). Blank rows are
        excluded; exact duplicate rows are kept and flagged (as data.police.uk counts rows).

    Raises
    ------
    DataError
        When a column looks like a direct identifier, a victim ID looks like personal data, or a
        row is invalid (blank ID or date, a date or strand that cannot be read, a date after
        ``as_of``), naming file, row or line, and column.
    """
    table = read_rows(path, sheet=sheet, what="victim extract")
    k = find_header(table, ALIASES, REQUIRED)
    header_no, cells = (table.rows[k] if k is not None else table.rows[0]) if table.rows else (
        1, ()
    )
    # Refuse identifiers before anything else, even before complaining about a missing column.
    for cell in cells:
        if blank(cell):
            continue
        kind = identifier_kind(cell)
        if kind is not None:
            raise DataError(_REFUSAL.format(kind=kind), column=str(cell).strip(),
                            **table.where(header_no))
    if k is None:
        raise DataError(
            "no header row found: the first rows should name the columns victim_id, date, "
            "strand, ward",
            **table.where(None),
        )
    hmap = header_map(cells, ALIASES)
    names = {c: w for c, w in hmap.values()}
    for col in REQUIRED:
        if col not in names:
            raise DataError(
                f"the header ({table.unit} {header_no}) has no {col!r} column; the columns "
                "needed are victim_id, date, strand, ward",
                **table.where(None),
            )
    extras = extra_columns(cells, hmap)
    latest = pd.Timestamp(dt.date.today() if as_of is None else as_of).normalize()
    return _rows_to_frame(table, k, hmap, names, extras, wards, latest)


def _rows_to_frame(table: RawTable, k: int, hmap, names, extras, wards, latest: pd.Timestamp):
    quality = DataQuality(source="hate-crime victim extract")
    known_wards = None if wards is None else {w.casefold() for w in wards}
    header_cells = table.rows[k][1]
    written = {w: str(header_cells[i]).strip() for i, w in extras.items()}
    rows = []
    n_read = n_blank = 0
    for number, values, other in data_rows(table, k, hmap, extras):
        n_read += 1
        if values is None:
            n_blank += 1
            continue

        def fail(message: str, col: str, number=number) -> DataError:
            return DataError(message, column=names[col], **table.where(number))

        vid = values["victim_id"]
        if blank(vid):
            raise fail("the victim ID is blank", "victim_id")
        vid = cell_text(vid)
        looks = _personal_value(vid)
        if looks:
            raise fail(
                f"this victim ID looks like {looks}, not a pseudonymised ID, so the file is "
                "refused (the value is not repeated here)",
                "victim_id",
            )
        if blank(values["date"]):
            raise fail("the date is blank", "date")
        day = parse_day(values["date"])
        if day is None:
            raise fail("the date cannot be read as a date; write it like 2020-09-14 or "
                       "14/09/2020", "date")
        if day > latest:
            raise fail(
                f"the date is after {latest.day} {latest:%B %Y}, the day the extract is read "
                "as of, so it cannot be an offence date; correct it",
                "date",
            )
        if blank(values["strand"]):
            raise fail(f"the strand is blank; use one of {', '.join(STRANDS)}", "strand")
        strand = normalise_strand(values["strand"])
        if strand is None:
            raise fail(
                f"the strand is not one this reader knows; use one of {', '.join(STRANDS)} (a "
                "crime with two strands is two rows)",
                "strand",
            )
        ward = None if blank(values["ward"]) else cell_text(values["ward"])
        _refuse_personal(table, number, day, {names["ward"]: ward}, place=True)
        _refuse_personal(table, number, day, {written[w]: v for w, v in other.items()})
        rows.append(
            {"victim_id": vid, "date": day, "strand": strand, "ward": ward}
            | other
        )
    extra_cols = list(extras.values())
    frame = pd.DataFrame(rows, columns=["victim_id", "date", "strand", "ward", *extra_cols])
    frame = frame.astype(
        {"victim_id": "str", "strand": STRAND_DTYPE, "ward": "str"} | {c: "str" for c in extra_cols}
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame.insert(2, "month", frame["date"].dt.to_period("M"))

    quality.rows_read = n_read
    quality.exclude("blank row", n_blank)
    quality.rows_kept = len(frame)
    quality.flag("no ward", int(frame["ward"].isna().sum()))
    if known_wards is not None:
        unknown = frame["ward"].notna() & ~frame["ward"].str.casefold().isin(known_wards)
        quality.flag("ward not in the area's ward list", int(unknown.sum()))
    quality.flag("exact duplicate row", int(frame.duplicated(keep="first").sum()))
    quality.files.append(FileRecord(table.label, n_read))
    quality.notes.extend(table.notes)
    quality.check()
    return frame, quality


def _personal_value(value: str) -> str | None:
    text = value.strip()
    if _EMAIL.match(text):
        return "an email address"
    if _POSTCODE.match(text):
        return "a postcode"
    if _PHONE.match(re.sub(r"[\s()-]", "", text)):
        return "a phone number"
    if looks_like_name(text):
        return "a person's name"
    return None


#: A date in a column the format does not name, this many years or more before the offence, is
#: taken for a date of birth (no offence is recorded a decade late in a quarterly extract).
BIRTH_YEARS = 10


def _refuse_personal(table: RawTable, number: int, day: pd.Timestamp,
                     cells: dict[str, str | None], *, place: bool = False) -> None:
    """Refuse a row whose free-text cells look like personal data, naming row and column only.

    ``cells`` maps the column's header as written to the cell's text; ``place`` marks a
    column of place names, where names of people and dates are not sought.
    """
    for column, text in cells.items():
        if text is None:
            continue
        kind = personal_kind(text, names=not place)
        if kind is None and not place:
            when = parse_day(text)
            if when is not None and when <= day - pd.DateOffset(years=BIRTH_YEARS):
                kind = "a date of birth"
        if kind is not None:
            raise DataError(
                f"this value looks like {kind}, so the file is refused: a victim-level extract "
                "must identify people only by a pseudonymised victim ID; remove the personal "
                "data (the value is not repeated here)",
                column=column, **table.where(number))
