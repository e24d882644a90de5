"""The harm chart: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import pandas as pd
import pytest
from chart_checks import SOURCE, by_gid

from pccanalysis.figures.harm import harm_chart


def test_harm_chart_draws_counts_and_harm_on_their_own_axes():
    # a harm_index table with made-up weights: 10 crimes (harm 162), three quarters of 9
    # (136.5) and 12 (213)
    table = pd.DataFrame({
        "quarter": ["2019-20 Q4", "2020-21 Q1", "2020-21 Q2", "2020-21 Q3", "2020-21 Q4"],
        "count": [10, 9, 9, 9, 12], "harm": [162, 136.5, 136.5, 136.5, 213], "months": 3})
    fig = harm_chart(table, title="Crimes and their harm score each quarter",
                       source=SOURCE, scheme="Made-up scheme v0")
    top, bottom = fig.axes
    assert list(by_gid(top.lines, "count").get_ydata()) == [10, 9, 9, 9, 12]
    assert list(by_gid(bottom.lines, "harm").get_ydata()) == [162, 136.5, 136.5, 136.5, 213]
    assert (top.get_ylabel(), bottom.get_ylabel()) == ("Crimes", "Harm score")
    # the latest values are labelled at the end of each line
    assert by_gid(top.texts, "label-count").get_text() == "12"
    assert by_gid(bottom.texts, "label-harm").get_text() == "213"
    # five quarters: every one labelled, the latest included
    assert [t.get_text() for t in bottom.get_xticklabels()] == list(table["quarter"])
    assert fig.pcc_alt == (
        "Two line charts, one above the other, of the number of crimes and their harm score "
        "(Made-up scheme v0) in each period, 2019-20 Q4 to 2020-21 Q4: Crimes and their harm "
        "score each quarter.")
    with pytest.raises(ValueError, match="no rows"):
        harm_chart(table.iloc[:0], title="t", source=SOURCE, scheme="s")


def test_harm_chart_labels_the_latest_quarter_when_ticks_are_thinned():
    # 12 quarters, at most 8 labels: every second one counted back from the latest
    quarters = [f"20{18 + i // 4}-{19 + i // 4} Q{i % 4 + 1}" for i in range(12)]
    table = pd.DataFrame({"quarter": quarters, "count": range(12), "harm": range(12)})
    fig = harm_chart(table, title="t", source=SOURCE, scheme="s")
    shown = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert shown == quarters[1::2] and shown[-1] == "2020-21 Q4"
