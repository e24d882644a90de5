"""Stop-and-search charts: the ratio chart and the count chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pccanalysis.figures.stop_search import count_chart, ratio_chart


def test_ratio_chart_draws_each_group_but_white_on_a_log_scale():
    table = pd.DataFrame({"ethnic_group": ["White", "Black", "Asian", "Other"],
                          "ratio": [1.0, 3.5, 0.0, 1.2], "ratio_low": [0.9, 2.7, 0.0, 0.8],
                          "ratio_high": [1.1, 4.4, 2.0, np.inf],
                          "verdict": ["", "more", "similar", "similar"]})
    fig = ratio_chart(table, title="Ratios", source="Source: test")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    drawn = {line.get_gid() for line in ax.lines if line.get_gid()}
    assert drawn == {"ratio-Black", "ratio-Other"}  # no ratio for 0 searches, none for White
    assert "Dot chart of each ethnic group's stop-and-search rate" in fig.alt_text
    with pytest.raises(ValueError):
        ratio_chart(table[table["ethnic_group"] == "White"], title="t", source="s")


def test_count_chart_hides_suppressed_bars():
    table = pd.DataFrame({"legislation": ["A act", "B act"], "count": [40, 3]})
    fig = count_chart(table, "legislation", title="Powers", source="Source: test",
                      hidden={"B act"})
    ax = fig.axes[0]
    widths = {p.get_gid(): p.get_width() for p in ax.patches}
    assert widths == {"bar-A act": 40, "bar-B act": 0}
    assert any(t.get_text() == " [c]" for t in ax.texts)
