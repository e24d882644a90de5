"""The outcome chart: one stacked bar per cohort, every group in the legend, alt text."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.figures.outcomes import outcome_chart
from pccanalysis.indicators import outcomes as O
from pccanalysis.periods import Quarter


def test_outcome_chart_draws_each_cohort_and_group():
    frame = pd.DataFrame({"crime_id": ["a", "b", "c", "d"],
                          "month": pd.PeriodIndex(["2020-04", "2020-07", "2020-07", "2020-08"],
                                                  freq="M"),
                          "crime_type": "Burglary",
                          "last_outcome": ["Suspect charged", "Under investigation",
                                           "Suspect charged", "Local resolution"]})
    cohorts = [O.cohort_outcomes(frame, q, "2020-09") for q in (Quarter(2020, 1), Quarter(2020, 2))]
    fig = outcome_chart(cohorts, title="Outcomes", source="Source: test")
    ax = fig.axes[0]
    charged = [p for p in ax.patches if p.get_gid() == "2020-21 Q2-Charged or summonsed"]
    assert len(charged) == 1 and charged[0].get_width() == pytest.approx(100 / 3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(O.OUTCOME_GROUPS)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2020-21 Q1\n3+ months on",
                                                            "2020-21 Q2\n0+ months on"]
    assert fig.alt_text.startswith("Stacked bar chart of the outcomes of the crimes recorded in "
                                   "each quarter, 2020-21 Q1 to 2020-21 Q2")
    with pytest.raises(ValueError):
        outcome_chart([], title="t", source="s")
