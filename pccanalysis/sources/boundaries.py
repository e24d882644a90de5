"""Area boundaries (ward or LSOA polygons) from GeoJSON or GeoPackage, and placing points in them.

ONS publishes boundaries on its Open Geography Portal in several vintages and formats; the
feature properties carry the vintage in their names (``WD25CD``, ``WD25NM``, ``LAD25CD``,
``LSOA21CD`` ...), as the lookups do. :func:`read_boundaries` reads any of them: GeoJSON (in
longitude/latitude, RFC 7946, or with a ``crs`` member naming EPSG:27700, British National Grid)
and GeoPackage (OGC GeoPackage 1.2 binary geometry, any of those two CRSs). Polygons end up in
longitude/latitude as shapely 2 geometries, the coordinates data.police.uk publishes.

:func:`place_points` finds the polygon holding each point with shapely's vectorised STRtree.
data.police.uk snaps each crime to an anonymous map point, often on a street that is itself a
ward boundary, so a point on a shared edge touches two polygons: it goes to the polygon whose
code sorts first, a documented, repeatable rule, and the count of such points is returned.

References
----------
ONS Open Geography Portal, https://geoportal.statistics.gov.uk/ (Open Government Licence v3.0;
contains OS data (c) Crown copyright and database right).
OGC GeoPackage Encoding Standard 1.2.1, section 2.1.3 (binary geometry header).
RFC 7946, The GeoJSON Format, section 4 (coordinate reference system).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..errors import DataError

__all__ = ["BOUNDARY_SUFFIXES", "PlacedPoints", "place_points", "read_boundaries"]

#: File suffixes read as boundaries when a folder is given.
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg")

_ONS_PROPERTY = re.compile(r"^(?P<level>LSOA|MSOA|WD|LAD|CSP|PFA)(?P<year>\d{2})(?P<part>CD|NM)$",
                           re.I)
_LEVELS = {"LSOA": "lsoa", "MSOA": "msoa", "WD": "ward", "LAD": "lad", "CSP": "csp", "PFA": "pfa"}
_LONLAT = {"4326", "crs84", "4258"}  # WGS84 and ETRS89: the same to a metre in Britain
_BNG = "27700"
_GPKG_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _crs_key(name: str | None) -> str:
    """'4326', 'crs84', '27700' ... from a CRS name such as 'urn:ogc:def:crs:EPSG::27700'."""
    if not name:
        return "crs84"
    text = str(name).lower()
    if text.endswith("crs84"):
        return "crs84"
    m = re.search(r"(\d{4,5})\s*$", text)
    return m.group(1) if m else text


def _to_lonlat(geoms: np.ndarray, crs: str, path: Path) -> np.ndarray:
    if crs in _LONLAT:
        return geoms
    if crs != _BNG:
        raise DataError(f"the boundaries are in CRS {crs!r}; pccanalysis reads longitude/latitude "
                        "(EPSG:4326, CRS84) or British National Grid (EPSG:27700)", file=path)
    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0],
                                                                                    xy[:, 1])))


def _geojson_features(path: Path) -> tuple[list[dict], list, str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError("the file does not exist", file=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read boundaries as GeoJSON ({exc})", file=path) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError("not a GeoJSON FeatureCollection (no 'features' list)", file=path)
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    props, geoms = [], []
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise DataError(f"feature {i} is not a GeoJSON Feature", file=path)
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            raise DataError(f"feature {i} is a {kind!r}, not a Polygon or MultiPolygon", file=path)
        try:
            geoms.append(shapely.geometry.shape(geometry))
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            raise DataError(f"feature {i} has malformed coordinates ({exc})", file=path) from exc
        props.append(feature.get("properties") or {})
    return props, geoms, _crs_key(crs)


def _gpkg_wkb(blob: bytes, path: Path, fid) -> bytes:
    """The WKB inside a GeoPackage binary geometry (header 'GP', version, flags, srs, envelope)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise DataError(f"feature {fid} is not a GeoPackage geometry", file=path)
    envelope = _GPKG_ENVELOPE_BYTES.get((blob[3] >> 1) & 0b111)
    if envelope is None:
        raise DataError(f"feature {fid} has an invalid GeoPackage envelope code", file=path)
    return blob[8 + envelope:]


def _gpkg_features(path: Path) -> tuple[list[dict], list, str]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DataError(f"cannot open the GeoPackage ({exc})", file=path) from exc
    try:
        try:
            table, column, srs = con.execute(
                "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g "
                "JOIN gpkg_contents c ON c.table_name = g.table_name "
                "WHERE c.data_type = 'features' ORDER BY g.table_name").fetchone() or (None,) * 3
        except sqlite3.Error as exc:
            raise DataError(f"not a GeoPackage ({exc})", file=path) from exc
        if table is None:
            raise DataError("the GeoPackage has no feature table", file=path)
        row = con.execute("SELECT organization, organization_coordsys_id FROM "
                          "gpkg_spatial_ref_sys WHERE srs_id = ?", (srs,)).fetchone()
        crs = str(row[1]) if row and str(row[0]).upper() == "EPSG" else str(srs)
        cur = con.execute(f'SELECT * FROM "{table}"')  # table name comes from the file's catalogue
        names = [d[0] for d in cur.description]
        props, geoms = [], []
        for i, values in enumerate(cur, start=1):
            record = dict(zip(names, values, strict=True))
            blob = record.pop(column)
            if blob is None:
                raise DataError(f"feature {i} has no geometry", file=path)
            try:
                geoms.append(shapely.from_wkb(_gpkg_wkb(bytes(blob), path, i)))
            except shapely.errors.GEOSException as exc:
                raise DataError(f"feature {i} has malformed geometry ({exc})", file=path) from exc
            props.append(record)
    finally:
        con.close()
    if geoms and not all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms):
        raise DataError("the GeoPackage holds geometries other than polygons", file=path)
    return props, geoms, _crs_key(crs)


def _ons_keys(props: list[dict], path: Path, level: str | None) -> dict[str, tuple[str, str]]:
    """part -> (property name, vintage year) for the boundary level, latest vintage first."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for key in (props[0] if props else {}):
        m = _ONS_PROPERTY.match(str(key))
        if m:
            lv = _LEVELS[m["level"].upper()]
            part = m["part"].upper()
            year = f"20{m['year']}"
            if part not in found.setdefault(lv, {}) or year > found[lv][part][1]:
                found[lv][part] = (key, year)
    if level is None:  # the finest level present with a code: LSOA, then ward, then LAD
        level = next((lv for lv in ("lsoa", "msoa", "ward", "lad") if "CD" in found.get(lv, {})),
                     None)
    if level is None or "CD" not in found.get(level, {}):
        what = f"{level.upper()}<yy>CD" if level else "ONS code (WD<yy>CD, LSOA<yy>CD, ...)"
        raise DataError(f"the features have no {what} property", file=path)
    return {"level": level, **found[level], **{f"lad_{p}": v for p, v in found.get("lad", {})
                                              .items()}}


def _paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in BOUNDARY_SUFFIXES
                              and not q.name.startswith(".")))
        else:
            out.append(p)
    if not out:
        raise DataError("no boundary files (.geojson, .json, .gpkg) found", file=items[0])
    return out


def read_boundaries(paths: str | os.PathLike | Iterable[str | os.PathLike],
                    level: str | None = None) -> pd.DataFrame:
    """Read ONS area polygons from GeoJSON or GeoPackage files (or folders of them).

    Parameters
    ----------
    paths : path or iterable of paths
        Files, or folders whose ``.geojson``, ``.json`` and ``.gpkg`` files are all read (ONS
        offers one file per local authority as well as national files).
    level : {"ward", "lsoa", "msoa", "lad"}, optional
        Which ONS level's codes key the polygons; by default the finest level whose code
        property (``WD<yy>CD``, ``LSOA<yy>CD`` ...) the features carry.

    Returns
    -------
    pandas.DataFrame
        One row per area: ``code``, ``name`` and, when present, ``lad_code``, ``lad_name`` (str),
        and ``geometry`` (shapely Polygon or MultiPolygon in longitude/latitude, object dtype).
        ``attrs``: ``level``, ``vintage`` (e.g. ``"2025"``) and ``sources`` (file names).

    Raises
    ------
    DataError
        For a file that is not GeoJSON or GeoPackage polygons, a missing ONS code property, a
        CRS other than longitude/latitude or British National Grid, or a code found twice (in
        files of different vintages or levels, too), naming the file and feature.
    """
    frames, vintage, found_level = [], None, None
    for path in _paths(paths):
        props, geoms, crs = (_gpkg_features(path) if path.suffix.lower() == ".gpkg"
                             else _geojson_features(path))
        if not props:
            continue
        keys = _ons_keys(props, path, level or found_level)
        if found_level and keys["level"] != found_level:
            raise DataError(f"these are {keys['level']} boundaries, the other files "
                            f"{found_level} boundaries", file=path)
        if vintage and keys["CD"][1] != vintage:
            raise DataError(f"these boundaries are of {keys['CD'][1]}, the other files of "
                            f"{vintage}: use one vintage", file=path)
        found_level, vintage = keys["level"], keys["CD"][1]
        frame = pd.DataFrame({
            "code": [str(p.get(keys["CD"][0]) or "").strip() for p in props],
            "name": [str(p.get(keys["NM"][0]) or "").strip() if "NM" in keys else ""
                     for p in props],
        }, dtype="str")
        for part, col in (("lad_CD", "lad_code"), ("lad_NM", "lad_name")):
            if part in keys:
                frame[col] = pd.array([str(p.get(keys[part][0]) or "").strip() for p in props],
                                      dtype="str")
        empty = frame.index[frame["code"] == ""]
        if len(empty):
            raise DataError(f"feature {empty[0] + 1} has an empty code", file=path,
                            column=keys["CD"][0])
        frame["geometry"] = _to_lonlat(np.asarray(geoms, dtype=object), crs, path)
        frame["file"] = path.name
        frames.append(frame)
    if not frames:
        raise DataError("the boundary files hold no features", file=_paths(paths)[0])
    out = pd.concat(frames, ignore_index=True)
    twice = out["code"].duplicated(keep="first")
    if twice.any():
        code = out.loc[twice, "code"].iloc[0]
        files = out.loc[out["code"] == code, "file"].tolist()
        raise DataError(f"{code} appears twice ({files[0]} and {files[1]})",
                        file=files[1])
    out = out.drop(columns="file").sort_values("code", kind="stable").reset_index(drop=True)
    out.attrs.update(level=found_level, vintage=vintage,
                     sources=sorted({f.name for f in _paths(paths)}))
    return out


class PlacedPoints(tuple):
    """``(index, on_edge)``: see :func:`place_points`."""

    __slots__ = ()

    @property
    def index(self) -> np.ndarray:
        return self[0]

    @property
    def on_edge(self) -> int:
        return self[1]


def place_points(longitude, latitude, geometry) -> PlacedPoints:
    """Which polygon holds each point (point in polygon, shapely 2 STRtree).

    Parameters
    ----------
    longitude, latitude : array-like of float
        Point coordinates in degrees (WGS84); missing values are placed nowhere.
    geometry : array-like of shapely geometries
        The polygons (e.g. ``read_boundaries(...)["geometry"]``), in the order that breaks ties.

    Returns
    -------
    PlacedPoints
        ``index``: for each point, the position of its polygon in ``geometry``, -1 where no
        polygon holds it; ``on_edge``: how many points touched two or more polygons (on a shared
        edge) and went to the first of them.

    Notes
    -----
    Each distinct coordinate pair is placed once (data.police.uk's map points repeat), so the
    cost grows with the number of distinct points, not rows.
    """
    lon = np.asarray(longitude, dtype=float)
    lat = np.asarray(latitude, dtype=float)
    index = np.full(len(lon), -1, dtype=np.intp)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return PlacedPoints((index, 0))
    rows = np.flatnonzero(ok)
    # data.police.uk snaps crimes to a finite set of anonymous map points (17,000 distinct
    # points for 2 million Derbyshire rows): each distinct point is placed once.
    codes, distinct = pd.factorize(lon[rows] + 1j * lat[rows])
    points = shapely.points(distinct.real, distinct.imag)
    tree = shapely.STRtree(np.asarray(geometry, dtype=object))
    # intersects, not within: a point on an edge is inside neither polygon under `within`.
    point_i, poly_i = tree.query(points, predicate="intersects")
    order = np.lexsort((poly_i, point_i))
    point_i, poly_i = point_i[order], poly_i[order]
    first = np.ones(len(point_i), dtype=bool)
    first[1:] = point_i[1:] != point_i[:-1]
    where = np.full(len(distinct), -1, dtype=np.intp)
    where[point_i[first]] = poly_i[first]
    index[rows] = where[codes]
    edge = np.zeros(len(distinct), dtype=bool)
    edge[point_i[~first]] = True
    return PlacedPoints((index, int(edge[codes].sum())))
