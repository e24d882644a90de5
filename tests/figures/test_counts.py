"""The share chart: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from chart_checks import SOURCE, by_gid, chart_texts

from pccanalysis.figures.axes import percent_formatter
from pccanalysis.figures.counts import share_chart
from pccanalysis.figures.style import LIGHT_GREY


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
    fig = share_chart(frame, title="T", source=SOURCE)
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    assert ticks == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert [t.get_text() for t in ax.get_yticklabels()][:5] == ["0%", "5%", "10%", "15%", "20%"]
    assert percent_formatter()(2.5, 0) == "2.5%"


def test_share_chart_draws_one_labelled_line_per_area():
    fig = share_chart(_shares(), period="financial_year", area="ward_name",
                        title="The city centre's share of hate crime rose to 31%",
                        source=SOURCE)
    ax = fig.axes[0]
    centre = by_gid(ax.lines, "share-City centre")
    np.testing.assert_array_equal(centre.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(centre.get_ydata(), [25, 24, 31])
    texts = chart_texts(fig)
    assert {"City centre 31%", "Dales 38%", "Castle 31%"} <= set(texts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2018-19", "2019-20", "2020-21"]
    assert ax.get_legend() is None  # direct labels, no legend
    assert fig.pcc_alt == (
        "Line chart of each area's share of the total, 2018-19 to 2020-21: "
        "The city centre's share of hate crime rose to 31%."
    )


def test_share_chart_greys_out_areas_not_highlighted_and_shades_intervals():
    frame = _shares().assign(share_low=lambda d: d["share"] - 3, share_high=lambda d: d["share"] + 3)
    fig = share_chart(frame, period="financial_year", area="ward_name",
                        highlight=["City centre"], title="Title", source=SOURCE)
    ax = fig.axes[0]
    dales = by_gid(ax.lines, "share-Dales")
    assert matplotlib.colors.to_hex(dales.get_color()) == LIGHT_GREY.lower()
    assert "Dales 38%" not in chart_texts(fig)
    band = by_gid(ax.collections, "interval-City centre")
    # the band's outline spans 22..28 at the first period (25 -/+ 3)
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(21) and ys.max() == pytest.approx(34)


def test_share_chart_names_a_missing_column():
    with pytest.raises(ValueError, match="no column 'area'"):
        share_chart(_shares(), period="financial_year", title="T", source=SOURCE)
