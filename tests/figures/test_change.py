"""The change dot chart: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from chart_checks import SOURCE, by_gid

from pccanalysis.figures.change import change_chart


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
    fig = change_chart(table, group="ward_name", title="Crime fell in A and rose in C",
                         source=SOURCE)
    ax = fig.axes[0]
    # A: 50/100 - 1 = -50%; B: 44/40 - 1 = +10%; C: 60/20 - 1 = +200%; sorted lowest first
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    np.testing.assert_allclose(by_gid(ax.collections, "verdict-fell").get_offsets(), [[-50, 0]])
    np.testing.assert_allclose(by_gid(ax.collections, "verdict-similar").get_offsets(),
                               [[10, 1]])
    np.testing.assert_allclose(by_gid(ax.collections, "verdict-rose").get_offsets(), [[200, 2]])
    assert by_gid(ax.collections, "verdict-fell").get_paths()  # a marker, not just colour
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "verdict-label"]
    assert labels == ["fell (\u221250%)", "similar (+10%)", "rose (+200%)"]
    # whiskers are the ratio interval as percentages, in the same row order
    rows = table.set_index("ward_name").loc[["A", "B", "C"]]
    segments = by_gid(ax.collections, "interval").get_segments()
    for seg, (_, row) in zip(segments, rows.iterrows(), strict=True):
        np.testing.assert_allclose(seg[:, 0], [100 * (row.ratio_low - 1), 100 * (row.ratio_high - 1)])
    assert fig.pcc_source == f"{SOURCE}. Not shown, having no count in 2019-20: D."
    # D (0 -> 5) is counted in the summary: p = 2 x 0.5^5 = 0.0625, so "similar"
    assert fig.pcc_alt == (
        "Dot chart of the percentage change for 4 groups in 2020-21 compared with 2019-20 with "
        "95% intervals (1 fell, 1 rose, 2 similar): Crime fell in A and rose in C."
    )
