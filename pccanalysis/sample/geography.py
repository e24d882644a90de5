"""The sample's geography files in the ONS formats: the LSOA -> ward -> LAD and LAD -> CSP ->
force area lookups, ward polygons and mid-year populations (all SYNTHETIC; see :mod:`.data`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .data import (
    _KM_LAT,
    _POPULATION_2018,
    _POPULATION_GROWTH,
    CSP_CODE,
    CSP_NAME,
    LAD_CODE,
    LAD_NAME,
    NEIGHBOUR_CSP_CODE,
    NEIGHBOUR_CSP_NAME,
    NEIGHBOUR_LAD_CODE,
    NEIGHBOUR_LAD_NAME,
    NEIGHBOUR_PFA_CODE,
    NEIGHBOUR_PFA_NAME,
    PFA_CODE,
    PFA_NAME,
    WARD_CODES,
    WARDS,
    _map,
)


def lsoa_lookup() -> pd.DataFrame:
    """The sample's LSOA -> ward -> LAD lookup with the ONS column names (FID first)."""
    geo = _map()
    lad_code = np.array([LAD_CODE, NEIGHBOUR_LAD_CODE])[geo.ward_lad[geo.lsoa_ward]]
    lad_name = np.array([LAD_NAME, NEIGHBOUR_LAD_NAME])[geo.ward_lad[geo.lsoa_ward]]
    return pd.DataFrame(
        {
            "FID": np.arange(1, geo.lsoa_code.size + 1),
            "LSOA11CD": geo.lsoa_code,
            "LSOA11NM": geo.lsoa_name,
            "WD19CD": geo.ward_code[geo.lsoa_ward],
            "WD19NM": geo.ward_name[geo.lsoa_ward],
            "LAD19CD": lad_code,
            "LAD19NM": lad_name,
        }
    )


def ward_boundaries() -> dict:
    """The sample's ward polygons as an ONS-style GeoJSON FeatureCollection (CRS84).

    Each ward is the union of the Voronoi cells of its map points (every point a crime can be
    published at), so each point lies inside its own LSOA's ward and placing rows by boundary
    gives the same wards as the lookup. The outer edge is the points' bounding box plus 1 km.
    """
    geo = _map()
    points = shapely.points(geo.point_lon, geo.point_lat)
    box = shapely.box(*shapely.bounds(shapely.multipoints(points))).buffer(
        _KM_LAT, join_style="mitre")
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points),
                                                       extend_to=box))
    cell_of, point_of = shapely.STRtree(cells).query(points, predicate="within")
    ward_of_point = geo.lsoa_ward[geo.point_lsoa]
    ward_of_cell = np.full(len(cells), -1)
    ward_of_cell[point_of] = ward_of_point[cell_of]
    lad = np.array([[LAD_CODE, LAD_NAME], [NEIGHBOUR_LAD_CODE, NEIGHBOUR_LAD_NAME]])
    features = []
    for w in range(len(geo.ward_code)):
        shape = shapely.intersection(shapely.union_all(cells[ward_of_cell == w]), box)
        features.append({"type": "Feature", "properties": {
            "WD19CD": str(geo.ward_code[w]), "WD19NM": str(geo.ward_name[w]),
            "LAD19CD": str(lad[geo.ward_lad[w], 0]), "LAD19NM": str(lad[geo.ward_lad[w], 1])},
            "geometry": shapely.geometry.mapping(shapely.set_precision(shape, 1e-6))})
    return {"type": "FeatureCollection", "name": "SYNTHETIC_northbridge_wards",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            "features": features}


def lad_lookup() -> pd.DataFrame:
    """The sample's LAD -> CSP -> police force area lookup with the ONS column names."""
    return pd.DataFrame(
        {
            "FID": [1, 2],
            "LAD19CD": [LAD_CODE, NEIGHBOUR_LAD_CODE],
            "LAD19NM": [LAD_NAME, NEIGHBOUR_LAD_NAME],
            "CSP19CD": [CSP_CODE, NEIGHBOUR_CSP_CODE],
            "CSP19NM": [CSP_NAME, NEIGHBOUR_CSP_NAME],
            "PFA19CD": [PFA_CODE, NEIGHBOUR_PFA_CODE],
            "PFA19NM": [PFA_NAME, NEIGHBOUR_PFA_NAME],
        }
    )


def population() -> pd.DataFrame:
    """Mid-year population of the 12 wards and of Northbridge (LAD, CSP, PFA), 2018 to 2020.

    Ward figures grow 0.5% a year from fixed mid-2018 values, rounded to whole people; the
    Northbridge figures are the sums of the wards.
    """
    rows = []
    for year in (2018, 2019, 2020):
        wards = [round(p * (1 + _POPULATION_GROWTH) ** (year - 2018)) for p in _POPULATION_2018]
        rows += [(code, name, year, pop) for code, name, pop in zip(WARD_CODES, WARDS, wards, strict=True)]
        total = sum(wards)
        rows += [
            (LAD_CODE, LAD_NAME, year, total),
            (CSP_CODE, CSP_NAME, year, total),
            (PFA_CODE, PFA_NAME, year, total),
        ]
    return pd.DataFrame(rows, columns=["area_code", "area_name", "year", "population"])
