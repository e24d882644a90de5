"""Area boundaries (e.g. wards) from a GeoJSON file, for maps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import DataError


def read_boundaries(path: str | Path, name_property: str | None = None) -> list[dict]:
    """Read polygon boundaries (e.g. wards) from a GeoJSON file with the json module.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection in longitude/latitude (WGS84, as ONS publishes it).
    name_property : str, optional
        Property holding the area's name (e.g. ``"WD19NM"``); default: the first property whose
        name ends in "NM" or is "name".

    Returns
    -------
    list of dict
        ``{"name": str, "rings": [ndarray of shape (n, 2), ...]}``, one per feature, outer
        rings only (holes are drawn by their own outline).

    Raises
    ------
    pccanalysis.errors.DataError
        When the file is not GeoJSON polygons, naming the file.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read boundaries as GeoJSON ({exc})", file=str(path)) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError("not a GeoJSON FeatureCollection (no 'features' list)", file=str(path))
    out = []
    for i, feature in enumerate(features):
        geometry = (feature or {}).get("geometry") or {}
        props = (feature or {}).get("properties") or {}
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry.get("coordinates", [])]
        elif kind == "MultiPolygon":
            polygons = geometry.get("coordinates", [])
        else:
            raise DataError(
                f"feature {i + 1} is a {kind!r}, not a Polygon or MultiPolygon", file=str(path)
            )
        key = name_property or next(
            (k for k in props if k.upper().endswith("NM") or k.lower() == "name"), None
        )
        name = str(props.get(key, f"area {i + 1}")) if key else f"area {i + 1}"
        rings = []
        for polygon in polygons:
            for ring in polygon:
                arr = np.asarray(ring, dtype=float)
                if arr.ndim != 2 or arr.shape[1] < 2:
                    raise DataError(f"feature {i + 1} has malformed coordinates", file=str(path))
                rings.append(arr[:, :2])
        out.append({"name": name, "rings": rings})
    return out
