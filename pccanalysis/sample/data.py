"""Deterministic SYNTHETIC sample data for a fictional Community Safety Partnership, "Northbridge".

Everything here is invented. Northbridge, its twelve wards, its neighbour Eastmoor and the force
"Northbridge Police" do not exist; the area codes (``E0199....``, ``E0599....``, ``E0699....``,
``E0799....``, ``E2299....``, ``E2399....``) are outside the ranges ONS has issued, so they can
never be mistaken for, or joined to, a real area. The files are written in the published formats
so that every loader, indicator and notebook runs on them exactly as on real data:

- ``police-uk/YYYY-MM/YYYY-MM-northbridge-street.csv``: data.police.uk street-level crime and ASB,
  April 2018 to March 2021 (36 months), the 12 published columns in order, LF line ends, no BOM,
  coordinates to 6 decimals, rows ordered as the real files are (force-area LSOAs by name, then
  LSOAs outside the force area, then rows without a location; by crime type within an LSOA).
- ``geography/lsoa11_ward19_lad19_lookup.csv`` and ``geography/lad19_csp19_pfa19_lookup.csv``:
  the two ONS lookups, same columns as the ONS files (FID first).
- ``geography/population.csv``: ``area_code, area_name, year, population`` for the 12 wards and
  for Northbridge as LAD, CSP and police force area, mid-2018 to mid-2020.
- ``SYNTHETIC_DATA.txt`` (what this is) and ``sample_info.json`` (the same facts for programs).
- ``.complete``, written last (the Makefile's ``make report`` depends on it).

The map (codes, names, coordinates, street points) is fixed; only the events depend on the seed.

Built-in effects
----------------
Expected monthly rows are ``base x ward share x crime-type mix x season x effect`` and each
month/ward/type count is a Poisson draw from that mean (see :func:`expected_counts`).

- Level before April 2020 (flat, no trend): crime (the 13 types other than ASB)
  ``CRIME_PER_MONTH`` = 3,050 rows a month; ASB ``ASB_PER_MONTH`` = 650 rows a month.
- Seasonality, a cosine with its mean exactly 1 over any 12 months: ASB +/-20% and violence and
  sexual offences +/-10% peaking between June and July; burglary +/-10% peaking in December/January.
  Other types have no seasonality.
- From April 2020 (``EFFECT_START``), crime by ward: City Centre x0.50 (-50%), Dales x1.25 (+25%,
  against the trend), each of the other ten wards x0.85 (-15%). City Centre is 20% of crime and
  Dales 6% before, so crime in the whole area is x0.804: 2020-21 about -19.6% on 2019-20.
- From April 2020 ASB is x1.30 (+30%) in every ward, keeping its summer peak.
- October 2020 (``ASB_GAP_MONTH``) is published with only 10% of its expected ASB (a publication
  gap, not a trend); crime that month is normal.
- Data-quality quirks, as in real files: 1.0% of rows have no location (empty coordinates and
  LSOA, Location "No location"); 0.5% of rows fall in a neighbouring district's LSOA (Eastmoor,
  another force area); about 0.3% of crimes gain a second row with the same Crime ID at another
  point in the ward; about 0.1% of crimes are repeated as exact duplicate rows. ASB rows have no
  Crime ID, so two ASB reports at the same point in a month are identical rows, as in real files.

With these sizes every 2020-21 vs 2019-20 ward change is many standard errors from zero (the
smallest, a -15% ward, is about 7 on the square-root Poisson scale).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SYNTHETIC = True


SAMPLE_AREA = "Northbridge"


SAMPLE_LABEL = "Northbridge (SYNTHETIC sample data)"


FORCE_NAME = "Northbridge Police"


FORCE_SLUG = "northbridge"


DEFAULT_SEED = 2021


DEFAULT_OUT = Path("data/sample")


FIRST_MONTH = pd.Period("2018-04", freq="M")


LAST_MONTH = pd.Period("2021-03", freq="M")


MONTHS = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")


LAD_CODE, LAD_NAME = "E06990001", "Northbridge"


CSP_CODE, CSP_NAME = "E22990001", "Northbridge"


PFA_CODE, PFA_NAME = "E23990001", "Northbridge"


NEIGHBOUR_LAD_CODE, NEIGHBOUR_LAD_NAME = "E07990002", "Eastmoor"


NEIGHBOUR_CSP_CODE, NEIGHBOUR_CSP_NAME = "E22990002", "Eastmoor"


NEIGHBOUR_PFA_CODE, NEIGHBOUR_PFA_NAME = "E23990002", "Eastshire"


WARDS = [
    "City Centre", "Riverside", "Castle", "Abbey", "Meadows", "Hillside",
    "Northgate", "Southfields", "Eastbrook", "Westfield", "Parkside", "Dales",
]  # fmt: skip


WARD_CODES = [f"E0599{i:04d}" for i in range(1, len(WARDS) + 1)]


NEIGHBOUR_WARDS = ["Eastmoor Town", "Moorside"]


NEIGHBOUR_WARD_CODES = ["E05990901", "E05990902"]


ASB = "Anti-social behaviour"


# The 13 published crime types other than ASB, with their share of crime in an ordinary ward.
CRIME_MIX = {
    "Violence and sexual offences": 0.37,
    "Public order": 0.10,
    "Criminal damage and arson": 0.10,
    "Other theft": 0.09,
    "Shoplifting": 0.08,
    "Vehicle crime": 0.07,
    "Burglary": 0.07,
    "Drugs": 0.03,
    "Other crime": 0.03,
    "Bicycle theft": 0.02,
    "Robbery": 0.015,
    "Theft from the person": 0.015,
    "Possession of weapons": 0.01,
}


CRIME_TYPES = [ASB, *CRIME_MIX]


CRIME_PER_MONTH = 3050


ASB_PER_MONTH = 650


# Share of the area's crime and ASB in each ward (same order as WARDS), before April 2020.
CRIME_WARD_SHARE = [0.20, 0.09, 0.08, 0.08, 0.09, 0.06, 0.08, 0.07, 0.07, 0.06, 0.06, 0.06]


ASB_WARD_SHARE = [0.14, 0.09, 0.08, 0.08, 0.10, 0.07, 0.09, 0.07, 0.07, 0.07, 0.07, 0.07]


# A city centre has more shoplifting, pickpocketing and night-time disorder, fewer burglaries.
CITY_CENTRE_MIX = {
    "Shoplifting": 3.0, "Theft from the person": 4.0, "Public order": 1.5, "Bicycle theft": 2.0,
    "Drugs": 1.5, "Robbery": 1.5, "Burglary": 0.5, "Vehicle crime": 0.6,
}  # fmt: skip


# (amplitude, peak calendar month): season = 1 + amplitude * cos(2 pi (month - peak) / 12).
SEASONALITY = {
    ASB: (0.20, 6.5),
    "Violence and sexual offences": (0.10, 6.5),
    "Burglary": (0.10, 12.5),
}


EFFECT_START = pd.Period("2020-04", freq="M")


CRIME_EFFECT = {"City Centre": 0.50, "Dales": 1.25}


CRIME_EFFECT_OTHER_WARDS = 0.85


ASB_EFFECT = 1.30


ASB_GAP_MONTH = pd.Period("2020-10", freq="M")


ASB_GAP_FRACTION = 0.10


NO_LOCATION_RATE = 0.010


OUTSIDE_AREA_RATE = 0.005


DUPLICATE_ID_RATE = 0.003


EXACT_DUPLICATE_RATE = 0.001


STREET_COLUMNS = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip


# The map is the same for every seed: only the events are random.
_MAP_SEED = 20180401


_CENTRE_LAT, _CENTRE_LON = 52.705, -1.342  # somewhere in the English Midlands


_KM_LAT = 1 / 111.2


_KM_LON = 1 / (111.2 * np.cos(np.radians(_CENTRE_LAT)))


_LSOAS_PER_WARD = [8, 6, 6, 6, 7, 5, 6, 6, 6, 5, 5, 5]


_NEIGHBOUR_LSOAS_PER_WARD = [3, 3]


_POPULATION_2018 = [
    16_480, 24_810, 22_130, 23_420, 26_950, 21_340, 25_610, 24_170, 23_690, 20_880, 22_410, 19_760,
]  # fmt: skip


_POPULATION_GROWTH = 0.005  # a year


_STREETS = (
    "Abbey Albert Alexandra Ash Beech Birch Bridge Brook Castle Cedar Chapel Church Clarence "
    "Cromwell Elm Forest George Grange Green Hawthorn Hazel Highfield Holly King Lime Linden "
    "Manor Maple Mill Moor Oak Orchard Park Priory Queen Railway Regent River Rose School "
    "Station Stanley Victoria Willow Windsor York"
).split()


_SUFFIXES = "Road Street Lane Avenue Close Drive Grove Way Crescent Gardens Terrace Place".split()


_PLACES = [
    "Parking Area", "Supermarket", "Shopping Area", "Petrol Station", "Sports/Recreation Area",
    "Park/Open Space", "Hospital", "Bus/Coach Station", "Further/Higher Educational Building",
    "Police Station", "Pedestrian Subway",
]  # fmt: skip


_CENTRE_PLACES = [
    "Nightclub", "Shopping Area", "Parking Area", "Theatre/Concert Hall", "Supermarket",
    "Bus/Coach Station", "Conference/Exhibition Centre", "Market Place", "High Street",
]  # fmt: skip


# Outcome wording as published in street files; the shares are invented but typical.
_OUTCOMES = [
    "Investigation complete; no suspect identified",  # 0
    "Unable to prosecute suspect",  # 1
    "Court result unavailable",  # 2
    "Status update unavailable",  # 3
    "Local resolution",  # 4
    "Offender given a caution",  # 5
    "Awaiting court outcome",  # 6
    "Action to be taken by another organisation",  # 7
    "Further investigation is not in the public interest",  # 8
    "Formal action is not in the public interest",  # 9
    "Further action is not in the public interest",  # 10
    "Offender given penalty notice",  # 11
    "Offender given a drugs possession warning",  # 12
    "Suspect charged as part of another case",  # 13
    "Under investigation",  # 14
]


_OUTCOME_PROFILES = {
    "general": [36, 34, 6, 5, 5, 2, 2, 2, 2, 1, 1, 1, 0, 1, 0],
    "theft": [62, 20, 4, 4, 3, 1, 1, 1, 2, 0.5, 0.5, 0.5, 0, 0.5, 0],
    "violence": [12, 58, 8, 6, 6, 3, 2, 2, 1, 1, 0.5, 0.2, 0, 0.3, 0],
    "possession": [6, 14, 24, 6, 18, 8, 8, 1, 3, 2, 1, 2, 6, 1, 0],
    "shoplifting": [34, 22, 15, 5, 10, 3, 3, 1, 1, 1, 0.5, 4, 0, 0.5, 0],
}


_TYPE_PROFILE = {
    "Violence and sexual offences": "violence",
    "Public order": "violence",
    "Burglary": "theft",
    "Vehicle crime": "theft",
    "Other theft": "theft",
    "Bicycle theft": "theft",
    "Theft from the person": "theft",
    "Drugs": "possession",
    "Possession of weapons": "possession",
    "Shoplifting": "shoplifting",
}


# Recent months are still "Under investigation" when the files are downloaded (as of March 2021).
_UNDER_INVESTIGATION_NOW = 0.55


_UNDER_INVESTIGATION_HALF_LIFE = 2.0  # months


class _Map:
    """Codes, names and coordinates of the LSOAs and of the street points crimes snap to."""

    def __init__(self) -> None:
        rng = np.random.default_rng(_MAP_SEED)
        ward_names = WARDS + NEIGHBOUR_WARDS
        self.ward_name = np.array(ward_names)
        self.ward_code = np.array(WARD_CODES + NEIGHBOUR_WARD_CODES)
        self.ward_lad = np.array([0] * len(WARDS) + [1] * len(NEIGHBOUR_WARDS))

        # Ward centres: City Centre in the middle, the others on a ring, Dales on the edge,
        # Eastmoor beyond the city's eastern boundary.
        n_ring = len(WARDS) - 1
        angles = np.linspace(0, 2 * np.pi, n_ring, endpoint=False) + 0.3
        radius = np.where(np.arange(n_ring) % 2 == 0, 2.2, 3.6)
        radius[-1] = 5.0  # Dales
        east = np.concatenate([[0.0], radius * np.cos(angles), [9.0, 10.5]])
        north = np.concatenate([[0.0], radius * np.sin(angles), [0.8, -1.2]])

        sizes = _LSOAS_PER_WARD + _NEIGHBOUR_LSOAS_PER_WARD
        lsoa_ward = np.repeat(np.arange(len(sizes)), sizes)
        codes, names = [], []
        for first, last, prefix, base in [
            (0, len(WARDS), LAD_NAME, 1),
            (len(WARDS), len(sizes), NEIGHBOUR_LAD_NAME, 901),
        ]:
            msoa, serial = 0, 0
            for w in range(first, last):
                # Three to five LSOAs share an MSOA number, as in "Northbridge 004C".
                n_msoa = -(-sizes[w] // 5)
                for part in np.array_split(np.arange(sizes[w]), n_msoa):
                    msoa += 1
                    for k in range(part.size):
                        names.append(f"{prefix} {msoa:03d}{'ABCDE'[k]}")
                        codes.append(f"E0199{base + serial:04d}")
                        serial += 1
        self.lsoa_code = np.array(codes)
        self.lsoa_name = np.array(names)
        self.lsoa_ward = lsoa_ward
        spread = np.where(lsoa_ward == 0, 0.35, 0.7)
        lsoa_east = east[lsoa_ward] + rng.normal(0, 1, len(codes)) * spread
        lsoa_north = north[lsoa_ward] + rng.normal(0, 1, len(codes)) * spread
        self.lsoa_weight = _within_group_cumulative(lsoa_ward, rng.gamma(4.0, 1.0, len(codes)))

        n_points = rng.integers(24, 41, len(codes))
        point_lsoa = np.repeat(np.arange(len(codes)), n_points)
        self.point_lsoa = point_lsoa
        self.point_lat = np.round(
            _CENTRE_LAT + (lsoa_north[point_lsoa] + rng.normal(0, 0.22, point_lsoa.size)) * _KM_LAT, 6
        )
        self.point_lon = np.round(
            _CENTRE_LON + (lsoa_east[point_lsoa] + rng.normal(0, 0.22, point_lsoa.size)) * _KM_LON, 6
        )
        # Formatted once here, as the published files write them: 6 decimals, trailing zeros.
        self.point_lat_text = [f"{v:.6f}" for v in self.point_lat]
        self.point_lon_text = [f"{v:.6f}" for v in self.point_lon]
        centre = lsoa_ward[point_lsoa] == 0
        place = rng.random(point_lsoa.size) < np.where(centre, 0.45, 0.15)
        street = np.char.add(
            np.char.add(rng.choice(_STREETS, point_lsoa.size), " "),
            rng.choice(_SUFFIXES, point_lsoa.size),
        )
        where = np.where(
            place,
            np.where(
                centre,
                rng.choice(_CENTRE_PLACES, point_lsoa.size),
                rng.choice(_PLACES, point_lsoa.size),
            ),
            street,
        )
        self.point_name = [f"On or near {w}" for w in where]
        # Some points draw more incidents than others (a car park, a high street).
        self.point_weight = _within_group_cumulative(point_lsoa, rng.gamma(1.5, 1.0, point_lsoa.size))
        self.lsoa_first_point = np.searchsorted(point_lsoa, np.arange(len(codes)))
        self.lsoa_n_points = n_points
        self.neighbour_lsoas = np.flatnonzero(self.ward_lad[lsoa_ward] == 1)


def _within_group_cumulative(group: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``group + cumulative share within the group``, so one ``searchsorted`` picks in any group.

    ``group`` must be sorted; a uniform draw ``u`` in [0, 1) for group ``g`` then selects
    ``searchsorted(result, g + u, side="right")``, an index inside group ``g``.
    """
    out = np.empty(weight.size)
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        share = np.cumsum(weight[idx]) / weight[idx].sum()
        share[-1] = 1.0
        out[idx] = g + share
    return out


@functools.cache
def _map() -> _Map:
    return _Map()


def _expected_array() -> np.ndarray:
    """Expected rows per (month, ward, crime type) as a 36 x 12 x 14 array (type 0 is ASB)."""
    n_months, n_wards = len(MONTHS), len(WARDS)
    mix = np.tile(np.array(list(CRIME_MIX.values())), (n_wards, 1))
    for crime_type, factor in CITY_CENTRE_MIX.items():
        mix[0, list(CRIME_MIX).index(crime_type)] *= factor
    mix /= mix.sum(axis=1, keepdims=True)

    base = np.empty((n_wards, len(CRIME_TYPES)))
    base[:, 0] = ASB_PER_MONTH * np.array(ASB_WARD_SHARE)
    base[:, 1:] = CRIME_PER_MONTH * np.array(CRIME_WARD_SHARE)[:, None] * mix

    calendar_month = np.array([m.month for m in MONTHS])
    season = np.ones((n_months, len(CRIME_TYPES)))
    for crime_type, (amplitude, peak) in SEASONALITY.items():
        season[:, CRIME_TYPES.index(crime_type)] = 1 + amplitude * np.cos(
            2 * np.pi * (calendar_month - peak) / 12
        )

    after = np.array([m >= EFFECT_START for m in MONTHS])
    effect = np.ones((n_months, n_wards, len(CRIME_TYPES)))
    ward_effect = np.array([CRIME_EFFECT.get(w, CRIME_EFFECT_OTHER_WARDS) for w in WARDS])
    effect[after, :, 1:] = ward_effect[None, :, None]
    effect[after, :, 0] = ASB_EFFECT
    effect[MONTHS.get_loc(ASB_GAP_MONTH), :, 0] *= ASB_GAP_FRACTION
    return base[None, :, :] * season[:, None, :] * effect


def expected_counts() -> pd.DataFrame:
    """Expected number of rows in the sample by month, ward and crime type: the built-in truth.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (period[M]), ``ward_code``, ``ward_name``, ``crime_type``,
        ``expected`` (mean rows drawn for the ward, [rows]) and ``expected_in_ward`` (the part
        expected to keep a location inside the ward: ``expected x (1 - 0.010 - 0.005)``).
        Duplicate rows added on top (about 0.4% of crimes) are not included.
    """
    arr = _expected_array()
    m, w, t = np.indices(arr.shape).reshape(3, -1)
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex(MONTHS[m]),
            "ward_code": np.array(WARD_CODES)[w],
            "ward_name": np.array(WARDS)[w],
            "crime_type": np.array(CRIME_TYPES)[t],
            "expected": arr.ravel(),
            "expected_in_ward": arr.ravel() * (1 - NO_LOCATION_RATE - OUTSIDE_AREA_RATE),
        }
    )


def street_table(seed: int = DEFAULT_SEED) -> pa.Table:
    """Draw the sample's street-level rows, in file order, as the files hold them.

    Parameters
    ----------
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same rows.

    Returns
    -------
    pyarrow.Table
        All 36 months in month order, the 12 columns :data:`STREET_COLUMNS`, every one a string
        as written to the files (coordinates to 6 decimals); null where a file has an empty field.
    """
    rng = np.random.default_rng(seed)
    geo = _map()
    counts = rng.poisson(_expected_array())
    cells = np.indices(counts.shape).reshape(3, -1)
    month, ward, ctype = (np.repeat(c, counts.ravel()) for c in cells)
    n = month.size

    lsoa = np.searchsorted(geo.lsoa_weight, ward + rng.random(n), side="right")
    u = rng.random(n)
    outside = u < OUTSIDE_AREA_RATE
    no_location = (u >= OUTSIDE_AREA_RATE) & (u < OUTSIDE_AREA_RATE + NO_LOCATION_RATE)
    lsoa[outside] = rng.choice(geo.neighbour_lsoas, int(outside.sum()))
    point = np.searchsorted(geo.point_weight, lsoa + rng.random(n), side="right")
    point[no_location] = -1

    is_crime = ctype > 0
    crime_id = np.full(n, -1)  # index into the drawn Crime IDs; -1 for ASB (no ID)
    crime_id[is_crime] = np.arange(int(is_crime.sum()))
    ids = _hex_ids(rng, int(is_crime.sum()))
    outcome = _outcomes(rng, month, ctype)

    # Extra rows: a second row for the same Crime ID at another point in the ward, and exact
    # copies. Taken from located crimes inside the area so each is visibly a duplicate.
    source = np.flatnonzero(is_crime & ~outside & ~no_location)
    dup_id = rng.choice(source, rng.binomial(source.size, DUPLICATE_ID_RATE), replace=False)
    dup_exact = rng.choice(source, rng.binomial(source.size, EXACT_DUPLICATE_RATE), replace=False)
    dup_lsoa = np.searchsorted(geo.lsoa_weight, ward[dup_id] + rng.random(dup_id.size), side="right")
    dup_point = np.searchsorted(geo.point_weight, dup_lsoa + rng.random(dup_id.size), side="right")
    take = np.concatenate([np.arange(n), dup_id, dup_exact])
    month, ctype, crime_id, outcome = month[take], ctype[take], crime_id[take], outcome[take]
    point = np.concatenate([point, dup_point, point[dup_exact]])

    located = point >= 0
    point_lsoa = np.where(located, geo.point_lsoa[np.maximum(point, 0)], -1)
    in_force = located & (geo.ward_lad[geo.lsoa_ward[np.maximum(point_lsoa, 0)]] == 0)
    # File order: force-area LSOAs by name, then outside LSOAs, then no location; type within.
    block = np.where(in_force, 0, np.where(located, 1, 2))
    name_rank = np.argsort(np.argsort(geo.lsoa_name, kind="stable"), kind="stable")
    lsoa_rank = np.where(located, name_rank[np.maximum(point_lsoa, 0)], -1)
    order = np.lexsort((ctype, lsoa_rank, block, month))
    month, ctype, crime_id, outcome = month[order], ctype[order], crime_id[order], outcome[order]
    point, point_lsoa = point[order], point_lsoa[order]

    force = _pick([FORCE_NAME], np.zeros(month.size, dtype=np.int64))
    columns = [
        pc.take(ids, pa.array(np.maximum(crime_id, 0), mask=crime_id < 0)),
        _pick([str(m) for m in MONTHS], month),
        force,
        force,
        _pick(geo.point_lon_text, point),
        _pick(geo.point_lat_text, point),
        pc.fill_null(_pick(geo.point_name, point), "No location"),
        _pick(geo.lsoa_code, point_lsoa),
        _pick(geo.lsoa_name, point_lsoa),
        _pick(CRIME_TYPES, ctype),
        _pick(_OUTCOMES, outcome),
        pa.nulls(month.size, pa.string()),
    ]
    return pa.table(columns, names=STREET_COLUMNS)


def _pick(vocabulary, index: np.ndarray) -> pa.Array:
    """``vocabulary[index]`` as a string array, null where ``index`` is negative or past the end."""
    values = pa.array(list(vocabulary), pa.string())
    missing = (index < 0) | (index >= len(values))
    return pc.take(values, pa.array(np.where(missing, 0, index), mask=missing))


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` random 64-character lower-case hex strings, like data.police.uk's Crime IDs."""
    text = rng.bytes(32 * n).hex().encode("ascii")
    offsets = np.arange(0, 64 * (n + 1), 64, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def _outcomes(rng: np.random.Generator, month: np.ndarray, ctype: np.ndarray) -> np.ndarray:
    """Index into ``_OUTCOMES`` per row (past the end, i.e. empty, for ASB): by crime type,
    with "Under investigation" common in the months just before the files were downloaded."""
    code = np.full(month.size, len(_OUTCOMES))
    u = rng.random(month.size)
    for t, crime_type in enumerate(CRIME_TYPES[1:], start=1):
        rows = ctype == t
        p = np.array(_OUTCOME_PROFILES[_TYPE_PROFILE.get(crime_type, "general")], dtype=float)
        cumulative = np.cumsum(p) / p.sum()
        cumulative[-1] = 1.0
        code[rows] = np.searchsorted(cumulative, u[rows], side="right")
    age = len(MONTHS) - 1 - month
    pending = _UNDER_INVESTIGATION_NOW * 0.5 ** (age / _UNDER_INVESTIGATION_HALF_LIFE)
    code[(ctype > 0) & (rng.random(month.size) < pending)] = _OUTCOMES.index("Under investigation")
    return code
