"""Charts: assert on each figure's data, labels, title and alt text, never on pixels."""

from __future__ import annotations

import base64
import json
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from pccanalysis import figures as F
from pccanalysis.errors import DataError
from pccanalysis.indicators.spc import spc

SOURCE = "Source: hand-made test data"
MINUS = "\u2212"


def _by_gid(artists, gid):
    found = [a for a in artists if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _title(fig: Figure) -> str:
    return " ".join(fig._suptitle.get_text().split())


# --- house style, alt text, HTML -----------------------------------------------------------


def test_house_style_is_applied_only_inside_the_block():
    before = matplotlib.rcParams["axes.spines.top"]
    with F.house_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["font.size"] == 10
    assert matplotlib.rcParams["axes.spines.top"] == before


def test_importing_figures_does_not_switch_the_backend():
    # the module builds Figure objects directly; pyplot's registry stays empty
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    F.rag_summary_chart({"Green": 1}, title="All done", source=SOURCE)
    assert plt.get_fignums() == before


def test_new_figure_needs_a_title_and_a_source():
    with pytest.raises(ValueError, match="title"):
        F.new_figure(title=" ", source=SOURCE, alt="x")
    with pytest.raises(ValueError, match="source"):
        F.new_figure(title="Crime fell", source="", alt="x")


def test_figure_to_html_carries_escaped_alt_text_and_an_inline_png():
    fig = F.rag_summary_chart({"Green": 3, "Amber": 1}, title='Plan "on track" <mostly>',
                              source=SOURCE, alt='Bar chart: 3 green & 1 "amber" <item>')
    out = F.figure_to_html(fig)
    assert out.startswith('<img class="pcc-figure" src="data:image/png;base64,')
    alt = re.search(r'alt="([^"]*)"', out).group(1)
    assert alt == "Bar chart: 3 green &amp; 1 &quot;amber&quot; &lt;item&gt;"
    png = base64.b64decode(re.search(r"base64,([^\"]+)\"", out).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the alt text is also in the PNG's Description chunk
    assert b"Description" in png and b"3 green & 1" in png
    # one bar: 7 x (1.6 + 0.55) inches at 144 dpi = 1008 x 309.6, truncated to 309 pixels
    # (IHDR, big-endian); shown 7 x 96 = 672 CSS pixels wide
    assert int.from_bytes(png[16:20], "big") == 1008
    assert int.from_bytes(png[20:24], "big") == 309
    assert out.endswith('" width="672">')


def test_display_figure_shows_the_img_element(capsys):
    fig = F.rag_summary_chart({"Green": 1}, title="Done", source=SOURCE, alt="One green bar")
    shown = F.display_figure(fig)
    assert shown.data == F.figure_to_html(fig)
    assert 'alt="One green bar"' in shown.data


def test_alt_text_missing_is_an_error():
    with pytest.raises(ValueError, match="no alt text"):
        F.alt_text(Figure())


def test_title_and_source_are_on_the_figure():
    fig = F.rag_summary_chart({"Green": 2}, title="Both deliverables are green",
                              source=SOURCE)
    assert _title(fig) == "Both deliverables are green"
    assert fig._supxlabel.get_text() == SOURCE
    assert fig.pcc_title == "Both deliverables are green"
    # report.briefing.Briefing.show_figure reads fig.alt_text
    assert fig.alt_text == fig.pcc_alt == F.alt_text(fig)


def test_long_titles_wrap_but_keep_their_words():
    title = ("Crime fell by 19.6% in 2020-21 against 2019-20, the largest fall since the "
             "partnership began recording, in every ward except Dales")
    fig = F.rag_summary_chart({"Green": 1}, title=title, source=SOURCE)
    assert "\n" in fig._suptitle.get_text()
    assert _title(fig) == title


# --- Making Data Count icons ---------------------------------------------------------------


def _icon_axes():
    fig = Figure()
    ax = fig.add_subplot()
    return ax


@pytest.mark.parametrize(
    ("code", "colour", "letter", "arrow"),
    [
        ("concern_high", "#E46C0A", "H", "arrow-high"),
        ("improvement_low", "#00B0F0", "L", "arrow-low"),
        ("neutral_high", "#490092", "H", "arrow-high"),
    ],
)
def test_variation_icons_have_colour_letter_and_arrow(code, colour, letter, arrow):
    ax = _icon_axes()
    F.draw_variation_icon(ax, code)
    circle = _by_gid(ax.patches, f"variation-{code}")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == colour.lower()
    assert [t.get_text() for t in ax.texts] == [letter]
    assert _by_gid(ax.patches, arrow)


def test_common_cause_icon_is_grey_dots_without_a_letter():
    ax = _icon_axes()
    F.draw_variation_icon(ax, "common_cause")
    circle = _by_gid(ax.patches, "variation-common_cause")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == "#a6a6a6"
    assert len(ax.texts) == 0
    assert len(_by_gid(ax.lines, "icon-dots").get_xdata()) == 6


@pytest.mark.parametrize(
    ("code", "letter", "colour"),
    [("consistently_met", "P", "#00b0f0"), ("consistently_missed", "F", "#e46c0a"),
     ("hit_and_miss", "?", "#a6a6a6")],
)
def test_assurance_icons(code, letter, colour):
    ax = _icon_axes()
    F.draw_assurance_icon(ax, code)
    circle = _by_gid(ax.patches, f"assurance-{code}")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == colour
    assert [t.get_text() for t in ax.texts] == [letter]


def test_unknown_icon_codes_are_refused():
    with pytest.raises(ValueError, match="unknown variation code"):
        F.draw_variation_icon(_icon_axes(), "special_cause")
    with pytest.raises(ValueError, match="unknown assurance code"):
        F.draw_assurance_icon(_icon_axes(), "pass")


# --- SPC chart -----------------------------------------------------------------------------

MONTHS = pd.period_range("2019-04", periods=12, freq="M")
# alternating 10, 12: mean 11; every moving range is 2, so the mean moving range is 2 and the
# limits are 11 +/- 2.66 * 2 = 11 +/- 5.32, i.e. 5.68 and 16.32. No rule fires (the points
# alternate sides of the mean, never three in a row rise or fall).
STEADY = pd.Series([10.0, 12.0] * 6, index=MONTHS)


def test_spc_chart_draws_values_mean_and_limits_from_the_result():
    result = spc(STEADY, improvement="decrease", target=20)
    fig = F.spc_chart(result, title="ASB was steady through 2019-20", source=SOURCE,
                      what="ASB incidents")
    ax = fig.axes[0]
    value = _by_gid(ax.lines, "value")
    np.testing.assert_array_equal(value.get_xdata(), np.arange(12))
    np.testing.assert_array_equal(value.get_ydata(), STEADY.to_numpy())
    # one segment: a level from x = -0.5 to 11.5
    mean = _by_gid(ax.lines, "mean")
    np.testing.assert_allclose(mean.get_xdata(), [-0.5, 11.5])
    np.testing.assert_allclose(mean.get_ydata(), [11, 11])
    np.testing.assert_allclose(_by_gid(ax.lines, "upl").get_ydata(), [16.32, 16.32])
    np.testing.assert_allclose(_by_gid(ax.lines, "lpl").get_ydata(), [5.68, 5.68])
    np.testing.assert_allclose(_by_gid(ax.lines, "target").get_ydata(), [20, 20])
    texts = _texts(fig)
    for label in ("Mean 11.0", "Upper limit 16.3", "Lower limit 5.7", "Target 20.0"):
        assert label in texts
    assert len(_by_gid(ax.collections, "special_cause").get_offsets()) == 0
    # a target of 20 lies above the upper limit and lower is better: consistently met
    icons = fig.axes[1]
    assert _by_gid(icons.patches, "variation-common_cause")
    assert _by_gid(icons.patches, "assurance-consistently_met")
    assert "P" in [t.get_text() for t in icons.texts]
    assert fig.pcc_alt == (
        "XmR chart of ASB incidents per month, April 2019 to March 2020, with the mean and "
        "process limits and a target of 20.0 (latest month: common cause variation; the target "
        "is consistently met): ASB was steady through 2019-20."
    )
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Apr 2019", "May 2019"]


def test_spc_chart_marks_special_cause_points_in_the_mdc_colour():
    # a 13th month of 30: mean (132 + 30) / 13 = 12.46; moving ranges 11 x 2 and 18; 18 is above
    # 3.267 x 3.33 = 10.9 so it is screened out, leaving a mean moving range of 2 and an upper
    # limit of 12.46 + 5.32 = 17.78. 30 is above it: special cause, concerning (high) for crime.
    # The first 12 points (10s and 12s) all lie below 12.46: a run of 7+ on one side of the
    # mean, special cause improving (low) for crime.
    series = pd.concat([STEADY, pd.Series([30.0], index=[pd.Period("2020-04", freq="M")])])
    result = spc(series, improvement="decrease")
    fig = F.spc_chart(result, title="ASB jumped in April 2020", source=SOURCE)
    ax = fig.axes[0]
    points = _by_gid(ax.collections, "special_cause")
    np.testing.assert_array_equal(points.get_offsets()[-1], [12, 30])
    colours = [matplotlib.colors.to_hex(c) for c in points.get_facecolors()]
    assert colours == ["#00b0f0"] * 12 + ["#e46c0a"]
    np.testing.assert_allclose(_by_gid(ax.lines, "upl").get_ydata(), [162 / 13 + 5.32] * 2)
    icons = fig.axes[1]
    assert _by_gid(icons.patches, "variation-concern_high")
    assert _by_gid(icons.patches, "arrow-high")
    caption = _by_gid(icons.texts, "variation-caption").get_text()
    assert caption == "Special cause\nconcerning\n(high)"
    assert not [p for p in icons.patches if str(p.get_gid()).startswith("assurance")]


def test_spc_chart_breaks_the_limits_at_a_rebase_and_flags_trial_limits():
    series = pd.Series([10.0, 12.0] * 3 + [20.0, 22.0] * 3,
                       index=pd.period_range("2020-04", periods=12, freq="M"))
    result = spc(series, rebase=["2020-10"], improvement="decrease")
    fig = F.spc_chart(result, title="ASB moved to a higher level in October 2020", source=SOURCE)
    mean = _by_gid(fig.axes[0].lines, "mean")
    # segment means: 11 over months 0-5, 21 over months 6-11, NaN between them
    np.testing.assert_allclose(mean.get_xdata(), [-0.5, 5.5, np.nan, 5.5, 11.5])
    np.testing.assert_allclose(mean.get_ydata(), [11, 11, np.nan, 21, 21])
    # six points per segment: fewer than 12, so trial limits
    assert "Upper trial limit 26.3" in _texts(fig)


def test_spc_chart_draws_an_excluded_month_hollow_and_labelled():
    # STEADY with a 13th month of 1 excluded (a publication gap): the limits stay 5.68 and
    # 16.32 (the first test's), the value line joins the 12 kept points only, and the gap is a
    # hollow grey marker labelled "incomplete data", not a special-cause point.
    series = pd.concat([STEADY, pd.Series([1.0], index=[pd.Period("2020-04", freq="M")])])
    result = spc(series, improvement="decrease", exclude=["2020-04"])
    fig = F.spc_chart(result, title="ASB was steady; April 2020 is incomplete", source=SOURCE,
                      what="ASB incidents")
    ax = fig.axes[0]
    np.testing.assert_array_equal(_by_gid(ax.lines, "value").get_xdata(), np.arange(12))
    hollow = _by_gid(ax.lines, "excluded")
    np.testing.assert_array_equal(hollow.get_xdata(), [12])
    np.testing.assert_array_equal(hollow.get_ydata(), [1.0])
    assert hollow.get_markerfacecolor() == "white"
    assert matplotlib.colors.to_hex(hollow.get_markeredgecolor()) == "#a6a6a6"
    assert hollow.get_linestyle() == "None"
    np.testing.assert_allclose(_by_gid(ax.lines, "upl").get_ydata(), [16.32, 16.32])
    assert len(_by_gid(ax.collections, "special_cause").get_offsets()) == 0
    note = _by_gid(ax.texts, "note")
    assert note.get_text() == "incomplete data" and note.xy == (12, 1.0)
    assert fig.pcc_alt == (
        "XmR chart of ASB incidents per month, April 2019 to April 2020, with the mean and "
        "process limits (latest month: common cause variation; April 2020 shown hollow "
        "(incomplete data), left out of the limits): ASB was steady; April 2020 is incomplete."
    )


def test_spc_chart_labels_the_latest_month():
    # 36 months: a tick every third month counted back from the latest, March 2021.
    series = pd.Series([10.0, 12.0] * 18, index=pd.period_range("2018-04", periods=36, freq="M"))
    fig = F.spc_chart(spc(series), title="T", source=SOURCE)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "Jun 2018" and labels[-1] == "Mar 2021" and len(labels) == 12


# --- share of total ------------------------------------------------------------------------


def _shares():
    return pd.DataFrame({
        "financial_year": ["2018-19"] * 3 + ["2019-20"] * 3 + ["2020-21"] * 3,
        "ward_name": ["City centre", "Dales", "Castle"] * 3,
        "share": [25.0, 40.0, 35.0, 24.0, 41.0, 35.0, 31.0, 38.0, 31.0],
    })


def test_share_chart_ticks_say_what_they_mark():
    # Shares between 6% and 20% (as the sample's wards): ticks every 5% (steps of 1, 2 or 5),
    # and a tick label is never a rounded value ("3%" for a tick at 2.5%).
    frame = pd.DataFrame({"period": ["2019-20"] * 2 + ["2020-21"] * 2,
                          "area": ["A", "B"] * 2, "share": [20.0, 6.0, 12.3, 9.0]})
    fig = F.share_chart(frame, title="T", source=SOURCE)
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    assert ticks == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert [t.get_text() for t in ax.get_yticklabels()][:5] == ["0%", "5%", "10%", "15%", "20%"]
    assert F._percent_formatter()(2.5, 0) == "2.5%"


def test_long_titles_wrap_inside_the_figure():
    # 150 characters of bold 11 pt: wrapped at 70 characters a line, every line fits the
    # 7-inch figure with room to spare (77 characters measured 6.7 inches and clipped).
    title = ("The number recorded fell in 9 of 14 categories; it rose in Anti-social behaviour "
             "and was similar in Possession of weapons, Burglary, Other crime and Drugs")
    fig = F.rag_summary_chart({"Green": 1}, title=title, source=SOURCE)
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()
    assert box.x1 / fig.dpi < 6.6
    assert max(len(line) for line in fig._suptitle.get_text().split("\n")) <= 70


def test_share_chart_draws_one_labelled_line_per_area():
    fig = F.share_chart(_shares(), period="financial_year", area="ward_name",
                        title="The city centre's share of hate crime rose to 31%",
                        source=SOURCE)
    ax = fig.axes[0]
    centre = _by_gid(ax.lines, "share-City centre")
    np.testing.assert_array_equal(centre.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(centre.get_ydata(), [25, 24, 31])
    texts = _texts(fig)
    assert {"City centre 31%", "Dales 38%", "Castle 31%"} <= set(texts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2018-19", "2019-20", "2020-21"]
    assert ax.get_legend() is None  # direct labels, no legend
    assert fig.pcc_alt == (
        "Line chart of each area's share of the total, 2018-19 to 2020-21: "
        "The city centre's share of hate crime rose to 31%."
    )


def test_share_chart_greys_out_areas_not_highlighted_and_shades_intervals():
    frame = _shares().assign(share_low=lambda d: d["share"] - 3, share_high=lambda d: d["share"] + 3)
    fig = F.share_chart(frame, period="financial_year", area="ward_name",
                        highlight=["City centre"], title="Title", source=SOURCE)
    ax = fig.axes[0]
    dales = _by_gid(ax.lines, "share-Dales")
    assert matplotlib.colors.to_hex(dales.get_color()) == F.LIGHT_GREY.lower()
    assert "Dales 38%" not in _texts(fig)
    band = _by_gid(ax.collections, "interval-City centre")
    # the band's outline spans 22..28 at the first period (25 -/+ 3)
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(21) and ys.max() == pytest.approx(34)


def test_share_chart_names_a_missing_column():
    with pytest.raises(ValueError, match="no column 'area'"):
        F.share_chart(_shares(), period="financial_year", title="T", source=SOURCE)


# --- delivery plan RAG summary -------------------------------------------------------------


def test_rag_summary_chart_widths_labels_and_hatches():
    # 16 deliverables: 12 green (75%), 3 amber (18.75% -> 19%), 1 red (6.25% -> 6%)
    key = pd.DataFrame({"status": ["Green", "Amber", "Red", "Not started"],
                        "number": [12, 3, 1, 0]})
    fig = F.rag_summary_chart(key, title="12 of 16 deliverables are green", source=SOURCE)
    ax = fig.axes[0]
    bars = {p.get_gid(): p for p in ax.patches}
    assert set(bars) == {"rag-Green", "rag-Amber", "rag-Red"}
    assert bars["rag-Green"].get_width() == pytest.approx(75)
    assert bars["rag-Amber"].get_x() == pytest.approx(75)
    assert bars["rag-Amber"].get_width() == pytest.approx(18.75)
    assert bars["rag-Red"].get_width() == pytest.approx(6.25)
    assert bars["rag-Amber"].get_hatch() == "//" and bars["rag-Red"].get_hatch() == "xx"
    texts = _texts(fig)
    assert "Green\n12 (75%)" in texts
    assert "Amber\n3 (19%)" in texts
    assert "Red 1 (6%)" in texts  # too narrow for the bar: written beside it on one line
    assert fig.pcc_alt == (
        "Bar chart of the status of 16 delivery-plan deliverables (12 green, 3 amber, 1 red): "
        "12 of 16 deliverables are green."
    )


def test_rag_summary_chart_rows_from_a_by_lead_frame_and_aliases():
    by_lead = pd.DataFrame({"lead": ["Force", "VRU"], "Green": [2, 1], "Amber": [0, 1],
                            "Red": [0, 0], "Not started": [1, 0], "Total": [3, 2]})
    fig = F.rag_summary_chart({"G": 3, "amber": 1, "NS": 1}, rows=by_lead, title="T",
                              source=SOURCE)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All deliverables", "Force", "VRU"]
    # Force: 2 of 3 green = 66.7%, then 1 of 3 not started
    force = [p for p in ax.patches if p.get_y() == pytest.approx(1 - 0.3)]
    assert [round(p.get_width(), 1) for p in force] == [66.7, 33.3]
    with pytest.raises(ValueError, match="unknown status 'Blue'"):
        F.rag_summary_chart({"Blue": 1}, title="T", source=SOURCE)


# --- hotspot map ---------------------------------------------------------------------------


def _incidents():
    # 7 incidents at one spot, 2 at another far away, 1 with no location
    lon = [-1.50] * 7 + [-1.30] * 2 + [np.nan]
    lat = [52.90] * 7 + [53.00] * 2 + [np.nan]
    return pd.DataFrame({"longitude": lon, "latitude": lat})


def test_hotspot_map_counts_cells_and_suppresses_small_ones(tmp_path):
    fig = F.hotspot_map(_incidents(), title="Incidents cluster in the west", source=SOURCE,
                        gridsize=10, suppress_below=5)
    hexes = _by_gid(fig.axes[0].collections, "hotspots")
    assert sorted(hexes.get_array().tolist()) == [7]  # the cell of 2 is hidden
    assert fig.pcc_max_cell == 7
    assert fig.pcc_source == (
        f"{SOURCE}. Cells with fewer than 5 incidents are not shown (2 incidents in all)."
    )
    assert fig.pcc_alt == (
        "Map of 9 incidents counted in hexagonal cells (1 without a location is not shown): "
        "Incidents cluster in the west."
    )
    unsuppressed = F.hotspot_map(_incidents(), title="T", source=SOURCE, gridsize=10)
    assert sorted(_by_gid(unsuppressed.axes[0].collections, "hotspots").get_array().tolist()) == [2, 7]


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
    fig = F.hotspot_map(_incidents(), title="T", source=SOURCE, boundaries=path,
                        label_boundaries=True)
    ax = fig.axes[0]
    castle = _by_gid(ax.patches, "boundary-Castle")
    np.testing.assert_allclose(castle.get_xy()[:5], square)
    assert _by_gid(ax.patches, "boundary-Dales")
    assert {"Castle", "Dales"} <= set(_texts(fig))
    # the scale bar: the map is 0.4 degrees wide at about 52.9N, 0.4 x 111.32 x cos(52.9 deg)
    # = 26.9 km (plus hexbin margins), so a fifth of it rounds down to a 5 km bar
    assert "5 km" in _texts(fig)


def test_read_boundaries_errors_name_the_file(tmp_path):
    bad = tmp_path / "points.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
    ]}))
    with pytest.raises(DataError) as err:
        F.read_boundaries(bad)
    assert str(err.value) == f"{bad}: feature 1 is a 'Point', not a Polygon or MultiPolygon."
    notjson = tmp_path / "wards.geojson"
    notjson.write_text("{not json")
    with pytest.raises(DataError, match=r"wards\.geojson: cannot read boundaries as GeoJSON"):
        F.read_boundaries(notjson)


def test_hotspot_map_needs_located_rows():
    with pytest.raises(ValueError, match="no located rows"):
        F.hotspot_map(pd.DataFrame({"longitude": [np.nan], "latitude": [np.nan]}), title="T",
                      source=SOURCE)


# --- change by group -----------------------------------------------------------------------


def _ward_counts():
    # previous year counts in April 2019, current year in March 2021 (both inside the years
    # compared): A 100 -> 50, B 40 -> 44, C 20 -> 60, D 0 -> 5
    rows = []
    for ward, before, after in (("A", 100, 50), ("B", 40, 44), ("C", 20, 60), ("D", 0, 5)):
        rows.append({"month": pd.Period("2019-04", freq="M"), "ward_name": ward, "count": before})
        rows.append({"month": pd.Period("2021-03", freq="M"), "ward_name": ward, "count": after})
    return pd.DataFrame(rows)


def test_change_chart_sorts_rows_and_encodes_the_verdict_three_ways():
    from pccanalysis.indicators.change import between, change_by

    table = change_by(_ward_counts(), between("2020-21", "2019-20"), "ward_name",
                      count_column="count")
    fig = F.change_chart(table, group="ward_name", title="Crime fell in A and rose in C",
                         source=SOURCE)
    ax = fig.axes[0]
    # A: 50/100 - 1 = -50%; B: 44/40 - 1 = +10%; C: 60/20 - 1 = +200%; sorted lowest first
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    np.testing.assert_allclose(_by_gid(ax.collections, "verdict-fell").get_offsets(), [[-50, 0]])
    np.testing.assert_allclose(_by_gid(ax.collections, "verdict-similar").get_offsets(),
                               [[10, 1]])
    np.testing.assert_allclose(_by_gid(ax.collections, "verdict-rose").get_offsets(), [[200, 2]])
    assert _by_gid(ax.collections, "verdict-fell").get_paths()  # a marker, not just colour
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "verdict-label"]
    assert labels == ["fell (\u221250%)", "similar (+10%)", "rose (+200%)"]
    # whiskers are the ratio interval as percentages, in the same row order
    rows = table.set_index("ward_name").loc[["A", "B", "C"]]
    segments = _by_gid(ax.collections, "interval").get_segments()
    for seg, (_, row) in zip(segments, rows.iterrows(), strict=True):
        np.testing.assert_allclose(seg[:, 0], [100 * (row.ratio_low - 1), 100 * (row.ratio_high - 1)])
    assert fig.pcc_source == f"{SOURCE}. Not shown, having no count in 2019-20: D."
    # D (0 -> 5) is counted in the summary: p = 2 x 0.5^5 = 0.0625, so "similar"
    assert fig.pcc_alt == (
        "Dot chart of the percentage change for 4 groups in 2020-21 compared with 2019-20 with "
        "95% intervals (1 fell, 1 rose, 2 similar): Crime fell in A and rose in C."
    )


# --- local against comparator --------------------------------------------------------------


def test_comparator_chart_shows_both_changes_and_the_difference():
    from pccanalysis.indicators.change import compare_counts
    from pccanalysis.indicators.comparator import compare_to_comparator

    # local 100 -> 124 (+24%); England and Wales 5,000,000 -> 5,250,000 (+5%); difference 19
    # points, which 124 against 100 cannot tell from chance
    result = compare_to_comparator(124, 100, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    local = compare_counts(124, 100)
    fig = F.comparator_chart(result, local=local, local_label="Derbyshire",
                             title="Suicide rose locally, in line with England and Wales",
                             source=SOURCE)
    left, right = fig.axes
    assert _by_gid(left.lines, "local").get_xdata()[0] == pytest.approx(24)
    assert _by_gid(left.lines, "comparator-England and Wales").get_xdata()[0] == pytest.approx(5)
    np.testing.assert_allclose(_by_gid(left.lines, "local-interval").get_xdata(),
                               [100 * (local.ratio_low - 1), 100 * (local.ratio_high - 1)])
    assert [t.get_text() for t in left.get_yticklabels()] == ["Derbyshire", "England and Wales"]
    assert {"+24%", "+5%"} <= {t.get_text() for t in left.texts}
    diff = _by_gid(right.lines, "difference-England and Wales")
    assert diff.get_xdata()[0] == pytest.approx(19)
    assert diff.get_marker() == "o"  # similar: a round marker; different would be a diamond
    verdict = _by_gid(right.texts, "comparator-verdict").get_text()
    assert " ".join(verdict.split()) == "Derbyshire similar to England and Wales"
    assert fig.pcc_alt == (
        "Chart of the percentage change in Derbyshire against England and Wales, 2020 compared "
        "with 2019 (Derbyshire similar to England and Wales): Suicide rose locally, in line "
        "with England and Wales."
    )


# --- target progress -----------------------------------------------------------------------


def test_target_chart_draws_the_trajectory_and_the_status():
    from pccanalysis.indicators.targets import Target, target_progress

    # 2019-20: 100 a month (1,200); 2020-21: 130 a month (1,560), +30%. The deadline 2022-23
    # ends 36 months after the baseline; March 2021 is 12 months in, so the straight line asks
    # for a third of -25% = -8.33% by now. The whole interval for +30% is above it: off track.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [130] * 12, index=months)
    progress = target_progress(Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25,
                                      "2022-23"), series)
    assert progress.status == "off track"
    fig = F.target_chart(progress, title="The ASB target is off track", source=SOURCE)
    ax = fig.axes[0]
    trajectory = _by_gid(ax.lines, "trajectory")
    np.testing.assert_allclose(trajectory.get_xdata(), [0, 36])
    np.testing.assert_allclose(trajectory.get_ydata(), [0, -25])
    needed = _by_gid(ax.lines, "needed")
    np.testing.assert_allclose([needed.get_xdata()[0], needed.get_ydata()[0]], [12, -25 / 3])
    current = _by_gid(ax.lines, "current")
    np.testing.assert_allclose([current.get_xdata()[0], current.get_ydata()[0]], [12, 30])
    assert current.get_marker() == "X"
    assert _by_gid(ax.texts, "status-label").get_text() == "Off track: +30%\n2020-21"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2019-20\n(baseline)", "Now", "2022-23\n(deadline)"]
    assert "Target \u221225% by 2022-23" in _texts(fig)
    assert fig.pcc_alt == (
        "Chart of ASB against the target to reduce it by 25% from 2019-20 by 2022-23: now +30% "
        "in 2020-21 against \u22128.3% needed, off track: The ASB target is off track."
    )
    assert ax.get_ylabel() == "Change against 2019-20"


def test_target_chart_after_the_deadline_says_met_or_missed():
    from pccanalysis.indicators.targets import Target, target_progress

    # 2019-20: 100 a month; 2020-21: 95 a month, -5%. Clopper-Pearson for 1,140 of 2,340 is
    # about 0.467 to 0.508, a ratio of 0.875 to 1.031, straddling the 0.9 the whole target asks
    # for: "at risk", which after the deadline 2020-21 reads "not clearly met". "Now" is the
    # deadline: one label, the target's.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [95] * 12, index=months)
    progress = target_progress(Target("Repeat hate-crime victims", "repeat hate-crime victims",
                                      "2019-20", "reduce", 10, "2020-21"), series)
    assert progress.past_deadline and progress.status == "at risk"
    fig = F.target_chart(progress, title="Reduce repeat hate-crime victims by 10%: not clearly "
                         "met", source=SOURCE)
    ax = fig.axes[0]
    assert _by_gid(ax.texts, "status-label").get_text() == f"Not clearly met: {MINUS}5%\n2020-21"
    assert _by_gid(ax.texts, "target-label").get_text() == f"Target {MINUS}10% by 2020-21"
    assert not any(t.get_text().startswith("Needed by now") for t in ax.texts)
    assert fig.pcc_alt.startswith(
        "Chart of repeat hate-crime victims against the target to reduce it by 10% from 2019-20 "
        f"by 2020-21: now {MINUS}5% in 2020-21 against {MINUS}10% the target, not clearly met")


def test_spc_chart_points_a_note_at_a_month():
    series = pd.concat([STEADY, pd.Series([30.0], index=[pd.Period("2020-04", freq="M")])])
    fig = F.spc_chart(spc(series, improvement="decrease"), title="T", source=SOURCE,
                      notes={"2020-04": "incomplete data"})
    note = _by_gid(fig.axes[0].texts, "note")
    assert note.get_text() == "incomplete data"
    assert note.xy == (12, 30)  # the 13th month, value 30
    with pytest.raises(ValueError, match="not on the chart"):
        F.spc_chart(spc(series), title="T", source=SOURCE, notes={"2021-01": "x"})


# --- harm ------------------------------------------------------------------------------------


def test_harm_chart_draws_counts_and_harm_on_their_own_axes():
    # a harm_index table with made-up weights: 10 crimes (harm 162), three quarters of 9
    # (136.5) and 12 (213)
    table = pd.DataFrame({
        "quarter": ["2019-20 Q4", "2020-21 Q1", "2020-21 Q2", "2020-21 Q3", "2020-21 Q4"],
        "count": [10, 9, 9, 9, 12], "harm": [162, 136.5, 136.5, 136.5, 213], "months": 3})
    fig = F.harm_chart(table, title="Crimes and their harm score each quarter",
                       source=SOURCE, scheme="Made-up scheme v0")
    top, bottom = fig.axes
    assert list(_by_gid(top.lines, "count").get_ydata()) == [10, 9, 9, 9, 12]
    assert list(_by_gid(bottom.lines, "harm").get_ydata()) == [162, 136.5, 136.5, 136.5, 213]
    assert (top.get_ylabel(), bottom.get_ylabel()) == ("Crimes", "Harm score")
    # the latest values are labelled at the end of each line
    assert _by_gid(top.texts, "label-count").get_text() == "12"
    assert _by_gid(bottom.texts, "label-harm").get_text() == "213"
    # five quarters: every one labelled, the latest included
    assert [t.get_text() for t in bottom.get_xticklabels()] == list(table["quarter"])
    assert fig.pcc_alt == (
        "Two line charts, one above the other, of the number of crimes and their harm score "
        "(Made-up scheme v0) in each period, 2019-20 Q4 to 2020-21 Q4: Crimes and their harm "
        "score each quarter.")
    with pytest.raises(ValueError, match="no rows"):
        F.harm_chart(table.iloc[:0], title="t", source=SOURCE, scheme="s")


def test_harm_chart_labels_the_latest_quarter_when_ticks_are_thinned():
    # 12 quarters, at most 8 labels: every second one counted back from the latest
    quarters = [f"20{18 + i // 4}-{19 + i // 4} Q{i % 4 + 1}" for i in range(12)]
    table = pd.DataFrame({"quarter": quarters, "count": range(12), "harm": range(12)})
    fig = F.harm_chart(table, title="t", source=SOURCE, scheme="s")
    shown = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert shown == quarters[1::2] and shown[-1] == "2020-21 Q4"


def test_target_chart_names_months_left_out_beside_the_point_not_on_the_axis():
    from pccanalysis.indicators.targets import Target, target_progress

    # As above (100 a month, then 130), with October 2020 left out as a publication gap and
    # October 2019 with it: 11 x 130 against 11 x 100, still +30%, still 12 months in.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [130] * 12, index=months)
    progress = target_progress(Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25,
                                      "2022-23"), series, gaps=["2020-10"], gap_policy="exclude")
    assert progress.baseline_label == "2019-20 excluding October 2019"
    fig = F.target_chart(progress, title="The ASB target is off track", source=SOURCE)
    ax = fig.axes[0]
    np.testing.assert_allclose(_by_gid(ax.lines, "current").get_xdata(), [12])
    assert _by_gid(ax.texts, "status-label").get_text() == (
        "Off track: +30%\n2020-21 excluding October 2020")
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2019-20\n(baseline)", "Now", "2022-23\n(deadline)"]
    assert ax.get_ylabel() == "Change against 2019-20"
    assert fig.pcc_alt.startswith(
        "Chart of ASB against the target to reduce it by 25% from 2019-20 by 2022-23: now +30% "
        "in 2020-21 excluding October 2020 against")
