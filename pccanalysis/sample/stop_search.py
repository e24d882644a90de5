"""SYNTHETIC stop-and-search files and residents by ethnic group for the Northbridge sample.

Everything here is invented, like the rest of the sample (:mod:`pccanalysis.sample.data`).
Written by :func:`write_stop_and_search`:

- ``stop-and-search/YYYY-MM/YYYY-MM-northbridge-stop-and-search.csv``: one file a month, April
  2018 to March 2021, the 15 columns data.police.uk publishes in its order and style (ISO
  date-times with ``+00:00``, ``True``/``False``, coordinates to 6 decimals at the sample's
  street points, blank fields where the publisher leaves them blank);
- ``geography/population-by-ethnicity.csv``: residents of Northbridge and Eastmoor by ethnic
  group, in the long layout ``area_code, area_name, ethnic_group, population`` (the groups
  named as Census 2021 TS021 names them).

Built-in effects
----------------
- Volume: ``SEARCHES_PER_MONTH`` = 160 a month before April 2020, x1.4 from April 2020 (a
  lasting step up, which the SPC chart should find).
- Ethnicity: Northbridge's residents are 80% White, 10% Asian, 4% Black, 3% Mixed and 3%
  Other; each group is searched at ``SEARCH_RATE_RATIO`` times the White group's rate per
  resident (Black 3.0, Mixed 2.0, Asian 1.5, Other 1.0), so the disproportionality ratios
  should come out near those values.
- Self-defined ethnicity is "Other ethnic group - Not stated" for 8% of person searches and
  blank for 4% (the officer-defined ethnicity, the true group for 95%, then stands in).
- Vehicle-only searches (4%) have no gender, age or ethnicity, as in the published files.
- Legislation: Misuse of Drugs Act s23 62%, PACE s1 33%, s60 2.5%, Firearms Act s47 1.5%,
  Criminal Justice Act s139B 1%. Outcomes: no further action 72%; a found item linked to the
  object of the search in 75% of the other outcomes (a find rate near 21%).
- Children (under 10 and 10-17) are 13.3% of person searches; more than outer clothing was
  removed in 3%; 5% of searches have no location.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..sources.police_uk.schema import STOP_AND_SEARCH
from .data import (
    FORCE_SLUG,
    LAD_CODE,
    LAD_NAME,
    MONTHS,
    NEIGHBOUR_LAD_CODE,
    NEIGHBOUR_LAD_NAME,
    _map,
)
from .geography import population

__all__ = ["SEARCH_RATE_RATIO", "SEARCHES_PER_MONTH", "population_by_ethnicity",
           "search_table", "write_stop_and_search"]

SEARCHES_PER_MONTH = 160
STEP_MONTH = pd.Period("2020-04", freq="M")
STEP_FACTOR = 1.4
#: Residents' shares of each group (Northbridge), and each group's search rate per resident
#: relative to the White group's.
POPULATION_SHARE = {"White": 0.80, "Asian": 0.10, "Black": 0.04, "Mixed": 0.03, "Other": 0.03}
SEARCH_RATE_RATIO = {"White": 1.0, "Asian": 1.5, "Black": 3.0, "Mixed": 2.0, "Other": 1.0}
# Census 2021 TS021 names of the groups, as the population file writes them.
CENSUS_NAMES = {
    "White": "White",
    "Asian": "Asian, Asian British or Asian Welsh",
    "Black": "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed": "Mixed or Multiple ethnic groups",
    "Other": "Other ethnic group",
}
_SELF_DEFINED = {
    "White": ["White - English/Welsh/Scottish/Northern Irish/British", "White - Irish",
              "White - Any other White background"],
    "Asian": ["Asian/Asian British - Pakistani", "Asian/Asian British - Indian",
              "Asian/Asian British - Bangladeshi", "Asian/Asian British - Any other Asian background"],
    "Black": ["Black/African/Caribbean/Black British - African",
              "Black/African/Caribbean/Black British - Caribbean"],
    "Mixed": ["Mixed/Multiple ethnic groups - White and Black Caribbean",
              "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background"],
    "Other": ["Other ethnic group - Any other ethnic group", "Other ethnic group - Arab"],
}
_LEGISLATION = {
    "Misuse of Drugs Act 1971 (section 23)": (0.62, {"Controlled drugs": 1.0}),
    "Police and Criminal Evidence Act 1984 (section 1)": (0.33, {
        "Stolen goods": 0.4, "Offensive weapons": 0.3, "Article for use in theft": 0.2,
        "Articles for use in criminal damage": 0.1}),
    "Criminal Justice and Public Order Act 1994 (section 60)": (0.025, {"Offensive weapons": 1.0}),
    "Firearms Act 1968 (section 47)": (0.015, {"Firearms": 1.0}),
    "Criminal Justice Act 1988 (section 139B)": (0.01, {"Offensive weapons": 1.0}),
}
_OUTCOMES = {
    "A no further action disposal": 0.72, "Arrest": 0.14, "Community resolution": 0.07,
    "Summons / charged by post": 0.03, "Khat or Cannabis warning": 0.02,
    "Penalty Notice for Disorder": 0.01, "Caution (simple or conditional)": 0.01,
}
_AGES = {"under 10": 0.003, "10-17": 0.13, "18-24": 0.34, "25-34": 0.28, "over 34": 0.22,
         "": 0.027}
_TYPES = {"Person search": 0.84, "Person and Vehicle search": 0.12, "Vehicle search": 0.04}
_SEED_OFFSET = 5150  # the searches use their own stream: the street rows stay as they were


def _choice(rng, table: dict, n: int) -> np.ndarray:
    keys = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def search_table(seed: int) -> pd.DataFrame:
    """Draw the sample's searches, every month, as the published columns (all text).

    Returns
    -------
    pandas.DataFrame
        The 15 published headers of :data:`~pccanalysis.sources.police_uk.schema.STOP_AND_SEARCH`
        plus ``month`` (``YYYY-MM``, for splitting into files), ordered by date.
    """
    rng = np.random.default_rng(seed + _SEED_OFFSET)
    months = [str(m) for m in MONTHS]
    counts = [rng.poisson(SEARCHES_PER_MONTH * (STEP_FACTOR if m >= STEP_MONTH else 1.0))
              for m in MONTHS]
    month = np.repeat(months, counts)
    n = month.size
    start = pd.PeriodIndex(month, freq="M").to_timestamp()
    days = pd.PeriodIndex(month, freq="M").days_in_month.to_numpy()
    when = start + pd.to_timedelta(rng.integers(0, days * 24 * 60), unit="min")
    kind = _choice(rng, _TYPES, n)
    person = kind != "Vehicle search"
    weight = {g: POPULATION_SHARE[g] * SEARCH_RATE_RATIO[g] for g in POPULATION_SHARE}
    group = _choice(rng, weight, n)
    self_defined = np.array([rng.choice(_SELF_DEFINED[g]) for g in group], dtype=object)
    stated = rng.random(n)
    self_defined[stated < 0.12] = "Other ethnic group - Not stated"
    self_defined[stated < 0.04] = ""
    officer = group.copy()
    wrong = rng.random(n) < 0.05
    officer[wrong] = rng.choice(list(POPULATION_SHARE), size=int(wrong.sum()))
    legislation = _choice(rng, {k: v[0] for k, v in _LEGISLATION.items()}, n)
    objects = np.array([_choice(rng, _LEGISLATION[law][1], 1)[0] for law in legislation])
    outcome = _choice(rng, _OUTCOMES, n)
    linked = (outcome != "A no further action disposal") & (rng.random(n) < 0.75)
    geo = _map()
    in_area = np.flatnonzero(geo.ward_lad[geo.lsoa_ward[geo.point_lsoa]] == 0)
    point = rng.choice(in_area, size=n)
    located = rng.random(n) >= 0.05
    blank = np.full(n, "", dtype=object)
    frame = pd.DataFrame({
        "Type": kind,
        "Date": when.strftime("%Y-%m-%dT%H:%M:00+00:00"),
        "Part of a policing operation": np.where(rng.random(n) < 0.05, "True", "False"),
        "Policing operation": blank,
        "Latitude": np.where(located, np.array(geo.point_lat_text)[point], ""),
        "Longitude": np.where(located, np.array(geo.point_lon_text)[point], ""),
        "Gender": np.where(person, _choice(rng, {"Male": 0.88, "Female": 0.115, "Other": 0.005},
                                            n), ""),
        "Age range": np.where(person, _choice(rng, _AGES, n), ""),
        "Self-defined ethnicity": np.where(person, self_defined, ""),
        "Officer-defined ethnicity": np.where(person, officer, ""),
        "Legislation": legislation,
        "Object of search": objects,
        "Outcome": outcome,
        "Outcome linked to object of search": np.where(linked, "True", "False"),
        "Removal of more than just outer clothing": np.where(
            person, np.where(rng.random(n) < 0.03, "True", "False"), ""),
        "month": month,
    })
    frame = frame[[*STOP_AND_SEARCH.headers, "month"]]  # the published order
    return frame.sort_values("Date", kind="stable").reset_index(drop=True)


def population_by_ethnicity() -> pd.DataFrame:
    """Residents of Northbridge and Eastmoor by ethnic group (long layout, census names).

    Northbridge's total is its mid-2020 population (:func:`pccanalysis.sample.geography.population`)
    split by :data:`POPULATION_SHARE`; Eastmoor (60,000) is 92% White, 3% Asian, 1% Black, 2%
    Mixed and 2% Other.
    """
    pop = population()
    total = int(pop[(pop["area_code"] == LAD_CODE) & (pop["year"] == 2020)]["population"].iloc[0])
    rows = []
    for code, name, size, shares in (
        (LAD_CODE, LAD_NAME, total, POPULATION_SHARE),
        (NEIGHBOUR_LAD_CODE, NEIGHBOUR_LAD_NAME, 60_000,
         {"White": 0.92, "Asian": 0.03, "Black": 0.01, "Mixed": 0.02, "Other": 0.02}),
    ):
        for group, share in shares.items():
            rows.append((code, name, CENSUS_NAMES[group], round(size * share)))
    return pd.DataFrame(rows, columns=["area_code", "area_name", "ethnic_group", "population"])


def write_stop_and_search(root: Path, *, seed: int) -> dict[str, Path]:
    """Write the monthly stop-and-search files and the population by ethnicity under ``root``.

    Returns
    -------
    dict
        ``stop_and_search`` (the folder) and ``population_by_ethnicity`` (the file), the keys
        of the configuration's data section.
    """
    folder = root / "stop-and-search"
    table = search_table(seed)
    for month, rows in table.groupby("month", sort=True):
        path = folder / month / f"{month}-{FORCE_SLUG}-stop-and-search.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows.drop(columns="month").to_csv(path, index=False, lineterminator="\n",
                                          encoding="utf-8")
    pop = root / "geography" / "population-by-ethnicity.csv"
    pop.parent.mkdir(parents=True, exist_ok=True)
    population_by_ethnicity().to_csv(pop, index=False, lineterminator="\n", encoding="utf-8")
    return {"stop_and_search": folder, "population_by_ethnicity": pop}
