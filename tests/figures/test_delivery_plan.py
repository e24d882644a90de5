"""The RAG summary chart: assert on the figure's data, labels and alt text."""

from __future__ import annotations

import pandas as pd
import pytest
from chart_checks import SOURCE, chart_texts

from pccanalysis.figures.delivery_plan import rag_summary_chart


def test_rag_summary_chart_widths_labels_and_hatches():
    # 16 deliverables: 12 green (75%), 3 amber (18.75% -> 19%), 1 red (6.25% -> 6%)
    key = pd.DataFrame({"status": ["Green", "Amber", "Red", "Not started"],
                        "number": [12, 3, 1, 0]})
    fig = rag_summary_chart(key, title="12 of 16 deliverables are green", source=SOURCE)
    ax = fig.axes[0]
    bars = {p.get_gid(): p for p in ax.patches}
    assert set(bars) == {"rag-Green", "rag-Amber", "rag-Red"}
    assert bars["rag-Green"].get_width() == pytest.approx(75)
    assert bars["rag-Amber"].get_x() == pytest.approx(75)
    assert bars["rag-Amber"].get_width() == pytest.approx(18.75)
    assert bars["rag-Red"].get_width() == pytest.approx(6.25)
    assert bars["rag-Amber"].get_hatch() == "//" and bars["rag-Red"].get_hatch() == "xx"
    texts = chart_texts(fig)
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
    fig = rag_summary_chart({"G": 3, "amber": 1, "NS": 1}, rows=by_lead, title="T",
                              source=SOURCE)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All deliverables", "Force", "VRU"]
    # Force: 2 of 3 green = 66.7%, then 1 of 3 not started
    force = [p for p in ax.patches if p.get_y() == pytest.approx(1 - 0.3)]
    assert [round(p.get_width(), 1) for p in force] == [66.7, 33.3]
    with pytest.raises(ValueError, match="unknown status 'Blue'"):
        rag_summary_chart({"Blue": 1}, title="T", source=SOURCE)
