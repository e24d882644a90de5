"""Hotspot maps: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from chart_checks import SOURCE, by_gid, chart_texts

from pccanalysis.figures.maps import hotspot_map, ward_choropleth


def _incidents():
    # 7 incidents at one spot, 2 at another far away, 1 with no location
    lon = [-1.50] * 7 + [-1.30] * 2 + [np.nan]
    lat = [52.90] * 7 + [53.00] * 2 + [np.nan]
    return pd.DataFrame({"longitude": lon, "latitude": lat})


def test_hotspot_map_counts_cells_and_suppresses_small_ones(tmp_path):
    fig = hotspot_map(_incidents(), title="Incidents cluster in the west", source=SOURCE,
                        gridsize=10, suppress_below=5)
    hexes = by_gid(fig.axes[0].collections, "hotspots")
    assert sorted(hexes.get_array().tolist()) == [7]  # the cell of 2 is hidden
    assert fig.pcc_max_cell == 7
    assert fig.pcc_source == (
        f"{SOURCE}. Cells with fewer than 5 incidents are not shown (2 incidents in all)."
    )
    assert fig.pcc_alt == (
        "Map of 9 incidents counted in hexagonal cells (1 without a location is not shown): "
        "Incidents cluster in the west."
    )
    unsuppressed = hotspot_map(_incidents(), title="T", source=SOURCE, gridsize=10)
    assert sorted(by_gid(unsuppressed.axes[0].collections, "hotspots").get_array().tolist()) == [2, 7]


def test_hotspot_map_draws_geojson_boundaries(tmp_path):
    square = [[-1.6, 52.8], [-1.4, 52.8], [-1.4, 53.1], [-1.6, 53.1], [-1.6, 52.8]]
    east = [[-1.4, 52.8], [-1.2, 52.8], [-1.2, 53.1], [-1.4, 53.1], [-1.4, 52.8]]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WD19CD": "E1", "WD19NM": "Castle"},
         "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {"WD19CD": "E2", "WD19NM": "Dales"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[east]]}},
    ]}
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(doc))
    fig = hotspot_map(_incidents(), title="T", source=SOURCE, boundaries=path,
                        label_boundaries=True)
    ax = fig.axes[0]
    castle = by_gid(ax.patches, "boundary-Castle")
    np.testing.assert_allclose(castle.get_xy()[:5], square)
    assert by_gid(ax.patches, "boundary-Dales")
    assert {"Castle", "Dales"} <= set(chart_texts(fig))
    # the scale bar: the map is 0.4 degrees wide at about 52.9N, 0.4 x 111.32 x cos(52.9 deg)
    # = 26.9 km (plus hexbin margins), so a fifth of it rounds down to a 5 km bar
    assert "5 km" in chart_texts(fig)


def test_hotspot_map_needs_located_rows():
    with pytest.raises(ValueError, match="no located rows"):
        hotspot_map(pd.DataFrame({"longitude": [np.nan], "latitude": [np.nan]}), title="T",
                      source=SOURCE)


def test_ward_choropleth_labels_every_ward_and_hides_small_values():
    wards = pd.DataFrame({"code": ["E1", "E2", "E3"],
                          "geometry": [shapely.box(-1.6, 52.8, -1.5, 52.9),
                                       shapely.box(-1.5, 52.8, -1.4, 52.9),
                                       shapely.box(-1.4, 52.8, -1.3, 52.9)]})
    values = pd.DataFrame({"code": ["E1", "E2", "E3"], "label": ["Castle", "Dales", "Abbey"],
                           "value": [120.0, 3.0, float("nan")]})
    fig = ward_choropleth(values, wards, title="Castle had the most crime", source=SOURCE,
                          what="crimes", suppress_below=5)
    texts = chart_texts(fig)
    assert "Castle\n120" in texts and "Dales\nfewer than 5" in texts and "Abbey\nno figure" in texts
    assert by_gid(fig.axes[0].patches, "ward-E1")
    assert fig.pcc_values["E1"] == 120.0 and np.isnan(fig.pcc_values["E2"])
    assert "3" not in " ".join(texts)  # a hidden value is nowhere on the map
