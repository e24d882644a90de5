"""Placing police rows in wards, local authorities, CSPs and police force areas.

Every row is placed in ONE ward vintage, the one of the LSOA -> ward lookup (and of the
boundaries, when given), whatever mix of LSOA codes the police files carry. data.police.uk
moved from 2011 to 2021 LSOA codes part-way through 2023, so a year of data can hold both;
compared without a bridge, a year of mostly matched codes would be set against a year of mostly
unmatched ones and wards would seem to rise and fall with the recoding.

The routes, in the order they are tried (:data:`ROUTES`):

1. **boundary**: when ward polygons are given, a row with coordinates inside one of them is in
   that ward (point in polygon; see :func:`pccanalysis.sources.boundaries.place_points`). The
   lookup route is then kept beside it as a cross-check (:func:`boundary_agreement`).
2. **lookup**: the row's LSOA code is in the lookup.
3. **bridged**: the code is of the other LSOA vintage and the ONS 2011 -> 2021 lookup bridges it
   to codes in the lookup: one code (unchanged, merged), or several that all lie in one ward.
4. **split**: the code was split (or changed irregularly) into LSOAs that lie in different
   wards. The row goes to the part with the most residents when LSOA populations are given
   (the rule ONS's own best-fit lookups follow: population decides); without populations it is
   in no ward (route **split, unresolved**).
5. Otherwise the row is in no ward: **no location**, or **not in lookup** (its local authority
   is still taken from the LSOA name, so area, CSP and force figures stay complete).

References
----------
ONS, "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Exact Fit Lookup" and
"LSOA (2021) to Electoral Ward (2023) to LAD (2023) Best Fit Lookup", Open Geography Portal,
https://geoportal.statistics.gov.uk/ (Open Government Licence v3.0).
ONS, "Best-fit allocation" method note (population-weighted centroids), Open Geography Portal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..quality import DataQuality
from .boundaries import place_points
from .geography import la_name_key

__all__ = [
    "ROUTES",
    "UNMATCHED_REASON",
    "attach_geography",
    "boundary_agreement",
    "placement_by_month",
    "resolve_lsoas",
    "ward_population",
]

UNMATCHED_REASON = "LSOA not in the ward lookup (ward unknown)"
SPLIT_REASON = "LSOA split between wards and no population to choose (ward unknown)"

#: How a row found its ward (column ``ward_route``), in the order tried.
ROUTES = ("boundary", "lookup", "bridged", "split", "split, unresolved", "not in lookup",
          "no location")
_PLACED_ROUTES = ROUTES[:4]


def _take(values: pd.Series, idx: np.ndarray):
    """values[idx], missing where idx is -1."""
    return values.array.take(idx, allow_fill=True)


def _positions(keys: pd.Series, index: pd.Series, key=None) -> np.ndarray:
    """Position of each key in ``index`` (unique), -1 where absent or missing; ``key`` (a
    function) is applied to the keys first.

    Works on the distinct keys only (a few thousand LSOAs against 200,000 rows).
    """
    codes, uniques = pd.factorize(keys)
    if len(uniques) == 0:
        return np.full(len(keys), -1, dtype=np.intp)
    if key is not None:
        uniques = pd.Index([key(u) for u in uniques], dtype="str")
    found = pd.Index(index).get_indexer(uniques)
    return np.where(codes >= 0, found[codes], -1)


def _one_row_per_lad(lads: pd.DataFrame) -> pd.DataFrame:
    """One row per LAD code; a value that differs between a LAD's rows (its CSP, when the LAD
    is split between two CSPs) becomes missing, since rows cannot be placed in either."""
    lads = lads.drop_duplicates()
    if not lads["lad_code"].duplicated().any():
        return lads.reset_index(drop=True)
    groups = lads.groupby("lad_code", sort=False)
    return groups.first().mask(groups.nunique(dropna=False) > 1).reset_index()


def _bridge_pairs(bridge: pd.DataFrame, lookup_codes: pd.Index) -> pd.DataFrame:
    """(code as published, code in the lookup) pairs, in whichever direction reaches the lookup."""
    forward = bridge.rename(columns={"old_code": "code", "new_code": "fit"})
    backward = bridge.rename(columns={"new_code": "code", "old_code": "fit"})
    pairs = pd.concat([forward, backward], ignore_index=True)[["code", "fit"]]
    pairs = pairs[pairs["fit"].isin(lookup_codes) & ~pairs["code"].isin(lookup_codes)]
    return pairs.drop_duplicates().reset_index(drop=True)


def resolve_lsoas(codes: pd.Series, lsoa_lookup: pd.DataFrame, bridge: pd.DataFrame | None = None,
                  lsoa_population: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each distinct LSOA code, the LSOA of the lookup's vintage it is counted in, and how.

    Parameters
    ----------
    codes : Series of str
        LSOA codes as the police files publish them (2011 or 2021).
    lsoa_lookup : DataFrame
        From :func:`~pccanalysis.sources.geography.read_lsoa_lookup` (``lsoa_code``,
        ``ward_code``).
    bridge : DataFrame, optional
        From :func:`~pccanalysis.sources.geography.read_lsoa_bridge`.
    lsoa_population : DataFrame, optional
        From :func:`~pccanalysis.sources.geography.read_population`, by LSOA of the lookup's
        vintage (the latest year is used): decides a split LSOA's ward.

    Returns
    -------
    DataFrame
        One row per distinct code: ``code``, ``fit`` (the lookup's LSOA code, missing when
        unresolved) and ``route`` (``"lookup"``, ``"bridged"``, ``"split"``,
        ``"split, unresolved"`` or ``"not in lookup"``).
    """
    distinct = pd.Index(pd.Series(codes).dropna().unique(), dtype="str")
    known = pd.Index(lsoa_lookup["lsoa_code"], dtype="str")
    out = pd.DataFrame({"code": distinct, "fit": pd.array([None] * len(distinct), dtype="str"),
                        "route": "not in lookup"})
    direct = distinct.isin(known)
    out.loc[direct, "fit"] = distinct[direct]
    out.loc[direct, "route"] = "lookup"
    if bridge is None or direct.all():
        return out
    pairs = _bridge_pairs(bridge, known)
    pairs = pairs[pairs["code"].isin(distinct[~direct])]
    ward = dict(zip(lsoa_lookup["lsoa_code"], lsoa_lookup["ward_code"], strict=True))
    pairs = pairs.assign(ward=pairs["fit"].map(ward))
    if lsoa_population is not None and len(lsoa_population):
        latest = lsoa_population[lsoa_population["year"] == lsoa_population["year"].max()]
        people = dict(zip(latest["area_code"], latest["population"], strict=True))
        pairs["people"] = pairs["fit"].map(people).fillna(-1)
    else:
        pairs["people"] = np.nan
    # Most residents first, then code order, so the choice is repeatable.
    pairs = pairs.sort_values(["code", "people", "fit"], ascending=[True, False, True])
    groups = pairs.groupby("code", sort=False)
    chosen = groups.first()
    n_wards = groups["ward"].nunique()
    one_ward = n_wards <= 1
    has_people = groups["people"].max() >= 0
    route = pd.Series("split, unresolved", index=chosen.index)
    route[one_ward] = "bridged"
    route[~one_ward & has_people] = "split"
    fit = chosen["fit"].where(route != "split, unresolved")
    at = pd.Index(out["code"]).get_indexer(chosen.index)
    out.loc[at, "fit"] = fit.to_numpy()
    out.loc[at, "route"] = route.to_numpy()
    return out


def _lad_levels(lookup: pd.DataFrame, lad_lookup: pd.DataFrame | None) -> pd.DataFrame:
    source = lad_lookup if lad_lookup is not None else lookup
    cols = [c for c in ("lad_code", "lad_name", "csp_code", "csp_name", "pfa_code", "pfa_name")
            if c in source]
    return _one_row_per_lad(source[cols])


def _note_routes(dq: DataQuality, out: pd.DataFrame, lsoa_lookup: pd.DataFrame) -> None:
    unmatched = out["ward_route"].eq("not in lookup").to_numpy()
    n = int(unmatched.sum())
    dq.flag(UNMATCHED_REASON, n)
    if n:
        lsoas = out.loc[unmatched, "lsoa_code"].nunique()
        year = lsoa_lookup.attrs.get("vintages", {}).get("lsoa")
        based = f" ({year}-based)" if year else ""
        dq.notes.append(
            f"{n:,} row{'s' * (n != 1)} in {lsoas:,} LSOA{'s' * (lsoas != 1)} with codes not "
            f"in the ward lookup{based}: ward unknown, local authority taken from the LSOA name."
        )
    split = int(out["ward_route"].eq("split, unresolved").sum())
    if split:
        dq.flag(SPLIT_REASON, split)


def attach_geography(
    frame: pd.DataFrame,
    lsoa_lookup: pd.DataFrame,
    lad_lookup: pd.DataFrame | None = None,
    dq: DataQuality | None = None,
    *,
    bridge: pd.DataFrame | None = None,
    boundaries: pd.DataFrame | None = None,
    lsoa_population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add ward, local authority, CSP and police force area to police rows (routes above).

    Parameters
    ----------
    frame : DataFrame
        From :func:`~pccanalysis.sources.police_uk.read.read_street` (needs ``lsoa_code``,
        ``local_authority``, ``no_location`` and, for boundaries, ``longitude``/``latitude``).
    lsoa_lookup : DataFrame
        From :func:`~pccanalysis.sources.geography.read_lsoa_lookup`: its ward vintage is the
        one every row is placed in.
    lad_lookup : DataFrame, optional
        From :func:`~pccanalysis.sources.geography.read_lad_lookup`, for CSP and force area.
    dq : DataQuality, optional
        The frame's record: rows whose ward stays unknown are counted in its flags.
    bridge : DataFrame, optional
        From :func:`~pccanalysis.sources.geography.read_lsoa_bridge` (2011 <-> 2021 codes).
    boundaries : DataFrame, optional
        Ward polygons from :func:`~pccanalysis.sources.boundaries.read_boundaries`.
    lsoa_population : DataFrame, optional
        LSOA populations of the lookup's vintage: decide a split LSOA's ward.

    Returns
    -------
    DataFrame
        A copy with ``ward_code``, ``ward_name``, ``lad_code``, ``lad_name``, ``csp_code``,
        ``csp_name``, ``pfa_code``, ``pfa_name`` (str, missing when unknown), ``ward_route``
        (str, one of :data:`ROUTES`), ``ward_unmatched`` (bool: a located row whose LSOA code
        the lookup and bridge do not know) and, with boundaries, ``lookup_ward_code`` (the
        lookup route's ward, for the cross-check). Where the LSOA is unresolved, ``lad_name``
        is the ``local_authority`` from the LSOA name and the codes above it follow from it.
        ``attrs["ward_vintage"]`` is the ward vintage year (e.g. ``"2023"``).
    """
    out = frame.copy(deep=False)
    lookup = lsoa_lookup.reset_index(drop=True)
    if not lookup["lsoa_code"].is_unique:
        raise ValueError("the LSOA lookup must have one row per LSOA code")
    resolved = resolve_lsoas(out["lsoa_code"], lookup, bridge, lsoa_population)
    at_code = _positions(out["lsoa_code"], resolved["code"])
    fit = pd.Series(_take(resolved["fit"], at_code), index=out.index)
    route = pd.Series(_take(resolved["route"], at_code), index=out.index, dtype="str")
    route = route.fillna("no location")
    idx = _positions(fit, lookup["lsoa_code"])
    matched = idx >= 0
    for col in ("ward_code", "ward_name"):
        out[col] = _take(lookup[col], idx)

    lads = _lad_levels(lookup, lad_lookup)
    fill = pd.Series(~matched & out["local_authority"].notna().to_numpy(), index=out.index)
    by_name = lads.assign(key=lads["lad_name"].map(la_name_key, na_action="ignore"))
    by_name = by_name.dropna(subset=["key"]).drop_duplicates("key")
    at_name = _positions(out["local_authority"], by_name["key"], key=la_name_key)
    out["lad_code"] = pd.Series(_take(lookup["lad_code"], idx), index=out.index).mask(
        fill, pd.Series(_take(by_name["lad_code"], at_name), index=out.index)
    )
    out["lad_name"] = pd.Series(_take(lookup["lad_name"], idx), index=out.index).mask(
        fill, out["local_authority"]
    )
    at = _positions(out["lad_code"], lads["lad_code"])
    for col in ("csp_code", "csp_name", "pfa_code", "pfa_name"):
        out[col] = _take(lads[col], at) if col in lads else pd.array([None] * len(out), dtype="str")
    if boundaries is not None:
        out["lookup_ward_code"] = out["ward_code"]
        placed = place_points(out["longitude"], out["latitude"], boundaries["geometry"])
        inside = placed.index >= 0
        for col, source in (("ward_code", "code"), ("ward_name", "name")):
            out[col] = pd.Series(out[col], dtype="str").mask(
                inside, pd.Series(_take(boundaries[source], placed.index), index=out.index))
        route = route.mask(inside, "boundary")
    out["ward_route"] = route.astype("str")
    out["ward_unmatched"] = route.eq("not in lookup").to_numpy()
    out.attrs["ward_vintage"] = lookup.attrs.get("vintages", {}).get("ward")
    if dq is not None:
        _note_routes(dq, out, lsoa_lookup)
    return out


def placement_by_month(frame: pd.DataFrame) -> pd.DataFrame:
    """How many rows found their ward by each route, by month.

    Parameters
    ----------
    frame : DataFrame
        From :func:`attach_geography` (``month``, ``ward_route``).

    Returns
    -------
    DataFrame
        One row per month: a column of counts per route in :data:`ROUTES` order (all routes,
        zeros included), ``located`` (rows with a location), ``placed`` (rows in a ward) and
        ``placed_share`` (``placed / located``, NaN for a month with no located rows).
    """
    table = (frame.groupby(["month", "ward_route"], observed=True).size()
             .unstack("ward_route", fill_value=0).reindex(columns=list(ROUTES), fill_value=0))
    table.columns.name = None
    table["located"] = table.drop(columns="no location").sum(axis=1)
    table["placed"] = table[list(_PLACED_ROUTES)].sum(axis=1)
    table["placed_share"] = table["placed"] / table["located"].where(table["located"] > 0)
    return table.reset_index()


def boundary_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per ward, rows placed by boundary against rows the LSOA lookup route gives it.

    Parameters
    ----------
    frame : DataFrame
        From :func:`attach_geography` with boundaries (``ward_code``, ``lookup_ward_code``,
        ``ward_route``).

    Returns
    -------
    DataFrame
        ``ward_code``, ``by_boundary`` (rows inside the ward's polygon), ``by_lookup`` (rows
        whose LSOA the lookup puts in the ward, among rows placed by boundary), ``both`` (rows
        both routes put there) and ``agreement`` (``both / by_boundary``), by ward code.
    """
    placed = frame[frame["ward_route"].eq("boundary")]
    by_boundary = placed.groupby("ward_code").size()
    by_lookup = placed.groupby("lookup_ward_code").size()
    both = placed[placed["ward_code"] == placed["lookup_ward_code"]].groupby("ward_code").size()
    codes = by_boundary.index.union(by_lookup.index)
    table = pd.DataFrame({
        "by_boundary": by_boundary.reindex(codes, fill_value=0),
        "by_lookup": by_lookup.reindex(codes, fill_value=0),
        "both": both.reindex(codes, fill_value=0),
    }).astype("int64")
    table.index.name = "ward_code"
    table["agreement"] = table["both"] / table["by_boundary"].where(table["by_boundary"] > 0)
    return table.reset_index()


def ward_population(lsoa_population: pd.DataFrame, lsoa_lookup: pd.DataFrame) -> pd.DataFrame:
    """Residents per ward: LSOA populations summed to the lookup's wards.

    Using the same lookup that places crime keeps a ward's crime and its residents on the same
    ground (crime placed by boundary differs from it only where the best fit does).

    Parameters
    ----------
    lsoa_population : DataFrame
        From :func:`~pccanalysis.sources.geography.read_population`, by LSOA of the lookup's
        vintage.
    lsoa_lookup : DataFrame
        From :func:`~pccanalysis.sources.geography.read_lsoa_lookup`.

    Returns
    -------
    DataFrame
        ``area_code`` (ward code), ``area_name`` (ward name), ``year`` (int64), ``population``
        (int64 [people]), ``lsoas`` (LSOAs summed) and ``missing_lsoas`` (the ward's LSOAs in the
        lookup with no population), in the shape :func:`read_population` returns, so it serves
        wherever a population file does.
    """
    wards = lsoa_lookup[["lsoa_code", "ward_code", "ward_name"]]
    pops = lsoa_population.rename(columns={"area_code": "lsoa_code"})
    joined = wards.merge(pops[["lsoa_code", "year", "population"]], on="lsoa_code", how="left")
    have = joined.dropna(subset=["population"])
    table = (have.groupby(["ward_code", "year"], as_index=False)
             .agg(population=("population", "sum"), lsoas=("lsoa_code", "size")))
    per_ward = wards.groupby("ward_code").size()
    names = wards.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    table["missing_lsoas"] = (per_ward.reindex(table["ward_code"]).to_numpy() - table["lsoas"])
    table = table.rename(columns={"ward_code": "area_code"})
    table.insert(1, "area_name", pd.array(names.reindex(table["area_code"]).to_numpy(),
                                          dtype="str"))
    table["year"] = table["year"].astype("int64")
    table["population"] = table["population"].astype("int64")
    return table.reset_index(drop=True)
