"""Tests for pccanalysis.sources.placing: every row placed in one ward vintage, by boundary,
by lookup, or by 2011 codes bridged to 2021; counts by route; wards' residents.

The hand-made geography: four 2021 LSOAs in two wards of one district, and a 2011 code set
with one unchanged, one split inside a ward, one split across the two wards and two merged
codes. Expected values are worked out by hand in each test's comment.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from pccanalysis.cli import cli
from pccanalysis.errors import DataError
from pccanalysis.quality import DataQuality
from pccanalysis.sources.boundaries import read_boundaries
from pccanalysis.sources.geography import (
    read_lad_lookup,
    read_lsoa_bridge,
    read_lsoa_lookup,
    read_population,
)
from pccanalysis.sources.placing import (
    ROUTES,
    attach_geography,
    boundary_agreement,
    placement_by_month,
    resolve_lsoas,
    ward_population,
)
from pccanalysis.sources.police_uk.read import read_street

LOOKUP21 = """\ufeffLSOA21CD,LSOA21NM,LSOA21NMW,WD23CD,WD23NM,WD23NMW,LAD23CD,LAD23NM,LAD23NMW,ObjectId
E01000001,Testville 001A,,E05000001,Castle,,E07000001,Testville,,1
E01000002,Testville 001E,,E05000001,Castle,,E07000001,Testville,,2
E01000003,Testville 001F,,E05000002,Abbey,,E07000001,Testville,,3
E01000004,Testville 002C,,E05000002,Abbey,,E07000001,Testville,,4
"""
# 0099 split across Castle and Abbey; 0098 split inside Castle; 0097 and 0096 merged into 0004.
BRIDGE = """\ufeffLSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId
E01000001,Testville 001A,E01000001,Testville 001A,U,E07000001,Testville,,1
E01000099,Testville 001B,E01000002,Testville 001E,S,E07000001,Testville,,2
E01000099,Testville 001B,E01000003,Testville 001F,S,E07000001,Testville,,3
E01000098,Testville 001C,E01000001,Testville 001A,S,E07000001,Testville,,4
E01000098,Testville 001C,E01000002,Testville 001E,S,E07000001,Testville,,5
E01000097,Testville 002A,E01000004,Testville 002C,M,E07000001,Testville,,6
E01000096,Testville 002B,E01000004,Testville 002C,M,E07000001,Testville,,7
"""
POPULATION = """lsoacd,population
E01000001,1000
E01000002,1500
E01000003,1200
E01000004,1800
"""
LAD = """LAD24CD,LAD24NM,CSP24CD,CSP24NM,PFA24CD,PFA24NM
E07000001,Testville,E22000001,Testville,E23000001,Testshire
"""


@pytest.fixture()
def geo(tmp_path):
    def w(name, text):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path / name
    return {"lookup": read_lsoa_lookup(w("l21.csv", LOOKUP21)),
            "bridge": read_lsoa_bridge(w("b.csv", BRIDGE)),
            "population": read_population(w("lsoa21_population_mid2022.csv", POPULATION)),
            "lad": read_lad_lookup(w("lad.csv", LAD))}


def test_read_lsoa_bridge(geo, tmp_path):
    bridge = geo["bridge"]
    assert len(bridge) == 7
    assert bridge.attrs["vintages"] == {"old": "2011", "new": "2021"}
    assert bridge["change"].tolist() == ["unchanged", "split", "split", "split", "split",
                                         "merged", "merged"]
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA11CD,LSOA21CD,CHGIND\nE01000001,E01000001,Q\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.csv, line 2, column 'CHGIND': 'Q' is not a change "
                                        r"indicator \(U, S, M or X\)\."):
        read_lsoa_bridge(bad)
    one = tmp_path / "one.csv"
    one.write_text("LSOA21CD,WD23CD\nE01000001,E05000001\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 'LSOA<yy>CD': the column is missing"):
        read_lsoa_bridge(one)


def test_population_year_from_file_name(geo):
    pop = geo["population"]
    assert pop["year"].unique().tolist() == [2022]
    assert pop["population"].sum() == 5500


def test_resolve_lsoas_routes(geo):
    codes = pd.Series(["E01000001", "E01000099", "E01000098", "E01000097", "E01000050", None])
    out = resolve_lsoas(codes, geo["lookup"], geo["bridge"], geo["population"]).set_index("code")
    # 0001 is a 2021 code; 0099's parts 0002 (1,500) and 0003 (1,200) lie in two wards: the
    # larger part, 0002, wins; 0098's parts lie in Castle only; 0097 merged into 0004.
    assert out.loc["E01000001"].tolist() == ["E01000001", "lookup"]
    assert out.loc["E01000099"].tolist() == ["E01000002", "split"]
    assert out.loc["E01000098", "route"] == "bridged"
    assert out.loc["E01000097"].tolist() == ["E01000004", "bridged"]
    assert out.loc["E01000050", "route"] == "not in lookup"
    assert pd.isna(out.loc["E01000050", "fit"])
    # Without populations a split across wards cannot be decided.
    out = resolve_lsoas(codes, geo["lookup"], geo["bridge"]).set_index("code")
    assert out.loc["E01000099", "route"] == "split, unresolved"
    assert pd.isna(out.loc["E01000099", "fit"])
    assert out.loc["E01000098", "route"] == "bridged"


def police_rows(codes, lon=None, lat=None, months=None):
    n = len(codes)
    return pd.DataFrame({
        "month": pd.PeriodIndex(months or ["2023-01"] * n, freq="M"),
        "lsoa_code": pd.array(codes, dtype="str"),
        "local_authority": pd.array(["Testville" if c else None for c in codes], dtype="str"),
        "no_location": [c is None for c in codes],
        "longitude": lon if lon is not None else [np.nan] * n,
        "latitude": lat if lat is not None else [np.nan] * n,
    })


def test_attach_geography_with_bridge_counts_every_route(geo):
    frame = police_rows(["E01000003", "E01000099", "E01000098", "E01000096", "E01000050", None],
                        months=["2023-01"] * 3 + ["2023-02"] * 3)
    dq = DataQuality(source="t", rows_read=6, rows_kept=6)
    out = attach_geography(frame, geo["lookup"], geo["lad"], dq, bridge=geo["bridge"],
                           lsoa_population=geo["population"])
    assert out["ward_name"].tolist()[:4] == ["Abbey", "Castle", "Castle", "Abbey"]
    assert out["ward_route"].tolist() == ["lookup", "split", "bridged", "bridged", "not in lookup",
                                          "no location"]
    assert out["csp_name"].tolist()[:5] == ["Testville"] * 5
    assert out["ward_unmatched"].tolist() == [False] * 4 + [True, False]
    assert out.attrs["ward_vintage"] == "2023"
    by_month = placement_by_month(out).set_index("month")
    # January: three located rows, all placed; February: 0096 placed, 0050 not, one no location.
    assert by_month.loc[pd.Period("2023-01", "M"), ["located", "placed"]].tolist() == [3, 3]
    feb = by_month.loc[pd.Period("2023-02", "M")]
    assert feb[["bridged", "not in lookup", "no location", "located", "placed"]].tolist() == [
        1, 1, 1, 2, 1]
    assert feb["placed_share"] == 0.5
    assert list(by_month.columns[:len(ROUTES)]) == list(ROUTES)


def test_attach_geography_by_boundary_keeps_the_lookup_as_cross_check(geo, tmp_path):
    # Castle is the western unit square, Abbey the eastern one.
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WD23CD": code, "WD23NM": name},
         "geometry": shapely.geometry.mapping(shapely.box(x0, 0, x0 + 1, 1))}
        for code, name, x0 in (("E05000001", "Castle", 0), ("E05000002", "Abbey", 1))]}
    (tmp_path / "w.geojson").write_text(json.dumps(doc))
    wards = read_boundaries(tmp_path / "w.geojson")
    # Row 1 sits in Abbey's square but its LSOA (0001) is in Castle; row 3 is outside both
    # squares and falls back to its LSOA (0003, Abbey).
    frame = police_rows(["E01000001", "E01000003", "E01000003"], lon=[1.5, 1.2, 9.0],
                        lat=[0.5, 0.5, 9.0])
    out = attach_geography(frame, geo["lookup"], geo["lad"], boundaries=wards)
    assert out["ward_name"].tolist() == ["Abbey", "Abbey", "Abbey"]
    assert out["ward_route"].tolist() == ["boundary", "boundary", "lookup"]
    assert out["lookup_ward_code"].tolist() == ["E05000001", "E05000002", "E05000002"]
    agree = boundary_agreement(out).set_index("ward_code")
    # Abbey: two rows inside, one of which the lookup also puts there; Castle: the lookup
    # claims one row that lies in Abbey.
    assert agree.loc["E05000002", ["by_boundary", "by_lookup", "both"]].tolist() == [2, 1, 1]
    assert agree.loc["E05000002", "agreement"] == 0.5
    assert agree.loc["E05000001", ["by_boundary", "by_lookup", "both"]].tolist() == [0, 1, 0]


def test_ward_population_sums_lsoas_by_hand(geo):
    pop = ward_population(geo["population"], geo["lookup"]).set_index("area_code")
    # Castle = 1,000 + 1,500; Abbey = 1,200 + 1,800.
    assert pop.loc["E05000001", ["area_name", "population", "lsoas", "missing_lsoas"]].tolist() == [
        "Castle", 2500, 2, 0]
    assert pop.loc["E05000002", "population"] == 3000
    assert pop["year"].unique().tolist() == [2022]


@pytest.fixture(scope="module")
def derbyshire_placed(derbyshire_zip, ons_2021):
    frame, dq = read_street(derbyshire_zip, cache_dir=False)
    lookup = read_lsoa_lookup(ons_2021["lsoa_lookup"])
    lads = read_lad_lookup(ons_2021["lad_lookup"])
    bridge = read_lsoa_bridge(ons_2021["bridge"])
    population = read_population(ons_2021["population"])
    wards = read_boundaries(ons_2021["wards"])
    by_lookup = attach_geography(frame, lookup, lads, bridge=bridge, lsoa_population=population)
    by_boundary = attach_geography(frame, lookup, lads, bridge=bridge,
                                   lsoa_population=population, boundaries=wards)
    return frame, by_lookup, by_boundary, wards


@pytest.mark.real_data
def test_derbyshire_every_month_places_99_percent_of_located_rows(derbyshire_placed):
    _, by_lookup, _, _ = derbyshire_placed
    table = placement_by_month(by_lookup)
    assert len(table) == 24
    assert (table["placed_share"] >= 0.99).all(), table[["month", "placed_share"]]
    # Jan-May 2023 were published with 2011 codes: the bridge carries them.
    early = table[table["month"] < pd.Period("2023-06", "M")]
    assert (early["bridged"] + early["split"] > 0).all()


@pytest.mark.real_data
def test_derbyshire_boundary_counts_match_an_independent_point_in_polygon(derbyshire_placed):
    frame, _, by_boundary, wards = derbyshire_placed
    # Independent count: shapely's contains_xy per ward polygon, no STRtree, no tie rule.
    lon, lat = frame["longitude"].to_numpy(float), frame["latitude"].to_numpy(float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    placed = by_boundary[by_boundary["ward_route"] == "boundary"].groupby("ward_code").size()
    edge_total = 0
    for code, geom in zip(wards["code"], wards["geometry"], strict=True):
        inside = int(shapely.contains_xy(geom, lon[ok], lat[ok]).sum())
        touching = int(shapely.intersects_xy(geom, lon[ok], lat[ok]).sum())
        edge_total += touching - inside
        if touching == inside:
            assert placed.get(code, 0) == inside, code
        else:  # points on the ward's edge may have gone to its neighbour
            assert inside <= placed.get(code, 0) <= touching, code
    assert edge_total < 0.001 * ok.sum()


def test_pcc_check_data_reports_wards_placed_by_route(test_data, tmp_path):
    # Testshire's January has 8 rows: 0001 x3, 0002 x2, 0003 x2 and one without a location.
    # With a 2021 lookup holding 0001 and 0002, and a bridge sending the 2011 code 0003 to the
    # 2021 code 0002: 5 rows by lookup, 2 bridged, 7 of 7 located rows placed.
    (tmp_path / "l21.csv").write_text(
        "LSOA21CD,LSOA21NM,WD23CD,WD23NM,LAD23CD,LAD23NM\n"
        "E01000001,Testville 001A,E05000001,Central,E07000001,Testville\n"
        "E01000002,Testville 002B,E05000002,Northside,E07000001,Testville\n")
    (tmp_path / "bridge.csv").write_text(
        "LSOA11CD,LSOA21CD,CHGIND\nE01000003,E01000002,M\nE01000002,E01000002,M\n")
    folder = test_data / "police_uk" / "folder" / "2020-01"
    args = ["check-data", str(folder), "--no-cache", "--by-month",
            "--lsoa-lookup", str(tmp_path / "l21.csv")]
    result = CliRunner().invoke(cli, [*args, "--lsoa-bridge", str(tmp_path / "bridge.csv")])
    assert result.exit_code == 0, result.output
    table = result.output.split("by route:\n", 1)[1].splitlines()
    assert table[0].split() == ["lookup", "bridged", "no", "location", "located", "placed",
                                "placed", "%"]
    assert table[2].split() == ["2020-01", "5", "2", "1", "7", "7", "100.0%"]
    assert "Rows placed in a ward (wards of 2023), by route:" in result.output
    result = CliRunner().invoke(cli, args)  # without the bridge the 2011 code finds no ward
    assert result.output.split("by route:\n", 1)[1].splitlines()[2].split() == [
        "2020-01", "5", "2", "1", "7", "5", "71.4%"]
