"""XmR charts and Making Data Count icons: assert on the figure's data, labels and alt text."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from chart_checks import SOURCE, by_gid, chart_texts
from matplotlib.figure import Figure

from pccanalysis.figures.spc import draw_assurance_icon, draw_variation_icon, spc_chart
from pccanalysis.indicators.spc import spc


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
    draw_variation_icon(ax, code)
    circle = by_gid(ax.patches, f"variation-{code}")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == colour.lower()
    assert [t.get_text() for t in ax.texts] == [letter]
    assert by_gid(ax.patches, arrow)


def test_common_cause_icon_is_grey_dots_without_a_letter():
    ax = _icon_axes()
    draw_variation_icon(ax, "common_cause")
    circle = by_gid(ax.patches, "variation-common_cause")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == "#a6a6a6"
    assert len(ax.texts) == 0
    assert len(by_gid(ax.lines, "icon-dots").get_xdata()) == 6


@pytest.mark.parametrize(
    ("code", "letter", "colour"),
    [("consistently_met", "P", "#00b0f0"), ("consistently_missed", "F", "#e46c0a"),
     ("hit_and_miss", "?", "#a6a6a6")],
)
def test_assurance_icons(code, letter, colour):
    ax = _icon_axes()
    draw_assurance_icon(ax, code)
    circle = by_gid(ax.patches, f"assurance-{code}")
    assert matplotlib.colors.to_hex(circle.get_edgecolor()) == colour
    assert [t.get_text() for t in ax.texts] == [letter]


def test_unknown_icon_codes_are_refused():
    with pytest.raises(ValueError, match="unknown variation code"):
        draw_variation_icon(_icon_axes(), "special_cause")
    with pytest.raises(ValueError, match="unknown assurance code"):
        draw_assurance_icon(_icon_axes(), "pass")


MONTHS = pd.period_range("2019-04", periods=12, freq="M")


# alternating 10, 12: mean 11; every moving range is 2, so the mean moving range is 2 and the
# limits are 11 +/- 2.66 * 2 = 11 +/- 5.32, i.e. 5.68 and 16.32. No rule fires (the points
# alternate sides of the mean, never three in a row rise or fall).
STEADY = pd.Series([10.0, 12.0] * 6, index=MONTHS)


def test_spc_chart_draws_values_mean_and_limits_from_the_result():
    result = spc(STEADY, improvement="decrease", target=20)
    fig = spc_chart(result, title="ASB was steady through 2019-20", source=SOURCE,
                      what="ASB incidents")
    ax = fig.axes[0]
    value = by_gid(ax.lines, "value")
    np.testing.assert_array_equal(value.get_xdata(), np.arange(12))
    np.testing.assert_array_equal(value.get_ydata(), STEADY.to_numpy())
    # one segment: a level from x = -0.5 to 11.5
    mean = by_gid(ax.lines, "mean")
    np.testing.assert_allclose(mean.get_xdata(), [-0.5, 11.5])
    np.testing.assert_allclose(mean.get_ydata(), [11, 11])
    np.testing.assert_allclose(by_gid(ax.lines, "upl").get_ydata(), [16.32, 16.32])
    np.testing.assert_allclose(by_gid(ax.lines, "lpl").get_ydata(), [5.68, 5.68])
    np.testing.assert_allclose(by_gid(ax.lines, "target").get_ydata(), [20, 20])
    texts = chart_texts(fig)
    for label in ("Mean 11.0", "Upper limit 16.3", "Lower limit 5.7", "Target 20.0"):
        assert label in texts
    assert len(by_gid(ax.collections, "special_cause").get_offsets()) == 0
    # a target of 20 lies above the upper limit and lower is better: consistently met
    icons = fig.axes[1]
    assert by_gid(icons.patches, "variation-common_cause")
    assert by_gid(icons.patches, "assurance-consistently_met")
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
    fig = spc_chart(result, title="ASB jumped in April 2020", source=SOURCE)
    ax = fig.axes[0]
    points = by_gid(ax.collections, "special_cause")
    np.testing.assert_array_equal(points.get_offsets()[-1], [12, 30])
    colours = [matplotlib.colors.to_hex(c) for c in points.get_facecolors()]
    assert colours == ["#00b0f0"] * 12 + ["#e46c0a"]
    np.testing.assert_allclose(by_gid(ax.lines, "upl").get_ydata(), [162 / 13 + 5.32] * 2)
    icons = fig.axes[1]
    assert by_gid(icons.patches, "variation-concern_high")
    assert by_gid(icons.patches, "arrow-high")
    caption = by_gid(icons.texts, "variation-caption").get_text()
    assert caption == "Special cause\nconcerning\n(high)"
    assert not [p for p in icons.patches if str(p.get_gid()).startswith("assurance")]


def test_spc_chart_breaks_the_limits_at_a_rebase_and_flags_trial_limits():
    series = pd.Series([10.0, 12.0] * 3 + [20.0, 22.0] * 3,
                       index=pd.period_range("2020-04", periods=12, freq="M"))
    result = spc(series, rebase=["2020-10"], improvement="decrease")
    fig = spc_chart(result, title="ASB moved to a higher level in October 2020", source=SOURCE)
    mean = by_gid(fig.axes[0].lines, "mean")
    # segment means: 11 over months 0-5, 21 over months 6-11, NaN between them
    np.testing.assert_allclose(mean.get_xdata(), [-0.5, 5.5, np.nan, 5.5, 11.5])
    np.testing.assert_allclose(mean.get_ydata(), [11, 11, np.nan, 21, 21])
    # six points per segment: fewer than 12, so trial limits
    assert "Upper trial limit 26.3" in chart_texts(fig)


def test_spc_chart_draws_an_excluded_month_hollow_and_labelled():
    # STEADY with a 13th month of 1 excluded (a publication gap): the limits stay 5.68 and
    # 16.32 (the first test's), the value line joins the 12 kept points only, and the gap is a
    # hollow grey marker labelled "incomplete data", not a special-cause point.
    series = pd.concat([STEADY, pd.Series([1.0], index=[pd.Period("2020-04", freq="M")])])
    result = spc(series, improvement="decrease", exclude=["2020-04"])
    fig = spc_chart(result, title="ASB was steady; April 2020 is incomplete", source=SOURCE,
                      what="ASB incidents")
    ax = fig.axes[0]
    np.testing.assert_array_equal(by_gid(ax.lines, "value").get_xdata(), np.arange(12))
    hollow = by_gid(ax.lines, "excluded")
    np.testing.assert_array_equal(hollow.get_xdata(), [12])
    np.testing.assert_array_equal(hollow.get_ydata(), [1.0])
    assert hollow.get_markerfacecolor() == "white"
    assert matplotlib.colors.to_hex(hollow.get_markeredgecolor()) == "#a6a6a6"
    assert hollow.get_linestyle() == "None"
    np.testing.assert_allclose(by_gid(ax.lines, "upl").get_ydata(), [16.32, 16.32])
    assert len(by_gid(ax.collections, "special_cause").get_offsets()) == 0
    note = by_gid(ax.texts, "note")
    assert note.get_text() == "incomplete data" and note.xy == (12, 1.0)
    assert fig.pcc_alt == (
        "XmR chart of ASB incidents per month, April 2019 to April 2020, with the mean and "
        "process limits (latest month: common cause variation; April 2020 shown hollow "
        "(incomplete data), left out of the limits): ASB was steady; April 2020 is incomplete."
    )


def test_spc_chart_labels_the_latest_month():
    # 36 months: a tick every third month counted back from the latest, March 2021.
    series = pd.Series([10.0, 12.0] * 18, index=pd.period_range("2018-04", periods=36, freq="M"))
    fig = spc_chart(spc(series), title="T", source=SOURCE)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "Jun 2018" and labels[-1] == "Mar 2021" and len(labels) == 12


def test_spc_chart_points_a_note_at_a_month():
    series = pd.concat([STEADY, pd.Series([30.0], index=[pd.Period("2020-04", freq="M")])])
    fig = spc_chart(spc(series, improvement="decrease"), title="T", source=SOURCE,
                      notes={"2020-04": "incomplete data"})
    note = by_gid(fig.axes[0].texts, "note")
    assert note.get_text() == "incomplete data"
    assert note.xy == (12, 30)  # the 13th month, value 30
    with pytest.raises(ValueError, match="not on the chart"):
        spc_chart(spc(series), title="T", source=SOURCE, notes={"2021-01": "x"})
