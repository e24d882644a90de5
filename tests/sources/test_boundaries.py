"""Area boundaries read from GeoJSON."""

from __future__ import annotations

import json

import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.boundaries import read_boundaries


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
