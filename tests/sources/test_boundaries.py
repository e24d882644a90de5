"""Tests for pccanalysis.sources.boundaries: ONS polygons from GeoJSON and GeoPackage, any
vintage, longitude/latitude or British National Grid, and placing points in them.

Fixtures are written by each test: two unit-square "wards" side by side, so which polygon holds
a point is known by eye.
"""

from __future__ import annotations

import json
import sqlite3
import struct

import numpy as np
import pytest
import shapely

from pccanalysis.errors import DataError
from pccanalysis.sources.boundaries import place_points, read_boundaries

WEST = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
EAST = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]


def feature(code, name, ring, lad=("E07000001", "Testville"), year="23"):
    return {"type": "Feature",
            "properties": {"FID": 1, f"WD{year}CD": code, f"WD{year}NM": name,
                           f"LAD{year}CD": lad[0], f"LAD{year}NM": lad[1]},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def geojson(path, features, crs=None):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_reads_ons_geojson_sorted_by_code(tmp_path):
    path = geojson(tmp_path / "w.geojson", [feature("E05000002", "East", EAST),
                                            feature("E05000001", "West", WEST)])
    b = read_boundaries(path)
    assert b["code"].tolist() == ["E05000001", "E05000002"]
    assert b["name"].tolist() == ["West", "East"]
    assert b["lad_name"].tolist() == ["Testville", "Testville"]
    assert b.attrs["level"] == "ward" and b.attrs["vintage"] == "2023"
    assert b["geometry"].iloc[0].area == pytest.approx(1.0)


def test_a_folder_of_files_is_read_as_one_and_codes_must_be_unique(tmp_path):
    geojson(tmp_path / "a.geojson", [feature("E05000001", "West", WEST)])
    geojson(tmp_path / "b.geojson", [feature("E05000002", "East", EAST)])
    (tmp_path / "notes.txt").write_text("not read")
    assert read_boundaries(tmp_path)["code"].tolist() == ["E05000001", "E05000002"]
    geojson(tmp_path / "c.geojson", [feature("E05000002", "East again", EAST)])
    with pytest.raises(DataError, match=r"c\.geojson: E05000002 appears twice \(b\.geojson and "
                                        r"c\.geojson\)"):
        read_boundaries(tmp_path)


def test_two_vintages_in_one_folder_are_refused(tmp_path):
    geojson(tmp_path / "a.geojson", [feature("E05000001", "West", WEST, year="23")])
    geojson(tmp_path / "b.geojson", [feature("E05000002", "East", EAST, year="19")])
    with pytest.raises(DataError, match="of 2019, the other files of 2023: use one vintage"):
        read_boundaries(tmp_path)


def test_british_national_grid_is_converted_to_longitude_latitude(tmp_path):
    # ONS's own centroid of Derby's Abbey ward: BNG (433573, 335358) = (-1.502174, 52.91462).
    e, n = 433573, 335358
    ring = [[e - 10, n - 10], [e + 10, n - 10], [e + 10, n + 10], [e - 10, n + 10], [e - 10, n - 10]]
    path = geojson(tmp_path / "bng.geojson", [feature("E05015507", "Abbey", ring)],
                   crs="urn:ogc:def:crs:EPSG::27700")
    centre = read_boundaries(path)["geometry"].iloc[0].centroid
    assert centre.x == pytest.approx(-1.502174, abs=2e-5)
    assert centre.y == pytest.approx(52.91462, abs=2e-5)


def test_other_crs_and_non_polygons_are_errors_naming_the_file(tmp_path):
    path = geojson(tmp_path / "m.geojson", [feature("E05000001", "West", WEST)],
                   crs="urn:ogc:def:crs:EPSG::3857")
    with pytest.raises(DataError, match=r"m\.geojson: the boundaries are in CRS '3857'"):
        read_boundaries(path)
    point = {"type": "Feature", "properties": {"WD23CD": "E05000001"},
             "geometry": {"type": "Point", "coordinates": [0, 0]}}
    path = geojson(tmp_path / "p.geojson", [point])
    with pytest.raises(DataError, match=r"p\.geojson: feature 1 is a 'Point', not a Polygon"):
        read_boundaries(path)
    nocode = {"type": "Feature", "properties": {"name": "x"},
              "geometry": {"type": "Polygon", "coordinates": [WEST]}}
    with pytest.raises(DataError, match=r"n\.geojson: the features have no ONS code \(WD<yy>CD, LSOA<yy>CD, \.\.\.\) property"):
        read_boundaries(geojson(tmp_path / "n.geojson", [nocode]))
    (tmp_path / "bad.geojson").write_text("{not json")
    with pytest.raises(DataError, match=r"bad\.geojson: cannot read boundaries as GeoJSON"):
        read_boundaries(tmp_path / "bad.geojson")


def gpkg(path, rows, srs=4326, envelope=1):
    """A minimal OGC GeoPackage: the three catalogue tables and one feature table."""
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE wards (fid INTEGER PRIMARY KEY, geom BLOB, WD24CD TEXT, WD24NM TEXT);
    """)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?, 'EPSG', ?, '')", (srs, srs))
    con.execute("INSERT INTO gpkg_contents VALUES ('wards', 'features')")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('wards', 'geom', 'POLYGON', ?, 0, 0)",
                (srs,))
    for i, (code, name, ring) in enumerate(rows, start=1):
        geom = shapely.Polygon(ring)
        env = struct.pack("<4d", *geom.bounds) if envelope else b""
        header = b"GP" + bytes([0, (envelope << 1) | 1]) + struct.pack("<i", srs) + env
        con.execute("INSERT INTO wards VALUES (?, ?, ?, ?)",
                    (i, header + shapely.to_wkb(geom), code, name))
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("envelope", [0, 1])
def test_reads_geopackage(tmp_path, envelope):
    path = gpkg(tmp_path / "w.gpkg", [("E05000002", "East", EAST), ("E05000001", "West", WEST)],
                envelope=envelope)
    b = read_boundaries(path)
    assert b["code"].tolist() == ["E05000001", "E05000002"]
    assert b.attrs["vintage"] == "2024"
    assert b["geometry"].iloc[1].equals(shapely.Polygon(EAST))


def test_a_file_that_is_not_a_geopackage_is_an_error(tmp_path):
    (tmp_path / "x.gpkg").write_bytes(b"not sqlite at all" * 10)
    with pytest.raises(DataError, match=r"x\.gpkg: "):
        read_boundaries(tmp_path / "x.gpkg")


def test_place_points_inside_on_a_shared_edge_and_outside():
    polygons = [shapely.Polygon(WEST), shapely.Polygon(EAST)]
    lon = [0.5, 1.5, 1.0, 5.0, np.nan]
    lat = [0.5, 0.5, 0.5, 5.0, 0.5]
    placed = place_points(lon, lat, polygons)
    # (1.0, 0.5) lies on the shared edge: it goes to the first polygon, and is counted.
    assert placed.index.tolist() == [0, 1, 0, -1, -1]
    assert placed.on_edge == 1


def test_read_boundaries_errors_name_the_file(tmp_path):
    bad = tmp_path / "points.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
    ]}))
    with pytest.raises(DataError) as err:
        read_boundaries(bad)
    assert str(err.value) == f"{bad}: feature 1 is a 'Point', not a Polygon or MultiPolygon."
    notjson = tmp_path / "wards.geojson"
    notjson.write_text("{not json")
    with pytest.raises(DataError, match=r"wards\.geojson: cannot read boundaries as GeoJSON"):
        read_boundaries(notjson)
