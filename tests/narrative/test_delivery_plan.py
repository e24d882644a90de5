"""The delivery plan in a sentence."""

from __future__ import annotations

import pandas as pd

from pccanalysis.indicators.delivery_plan import summarise_tracker
from pccanalysis.narrative.delivery_plan import tracker_sentence


def test_tracker_sentence():
    # 16 deliverables: 12 green (75%), 3 amber (18.75% -> 19%), 1 red (6.25% -> 6%); the
    # default rule: at least 75% green and at most 10% red is "good"
    statuses = ["Green"] * 12 + ["Amber"] * 3 + ["Red"]
    deliverables = pd.DataFrame({
        "theme": "T1", "number": range(1, 17), "lead": "Force",
        "deliverable": [f"Deliverable {i}" for i in range(1, 17)], "status": statuses,
    })
    updates = pd.DataFrame({"theme": ["T1"], "number": [1],
                            "date": pd.to_datetime(["2020-10-01"]), "author": ["A"],
                            "text": ["Done"]})
    summary = summarise_tracker(deliverables, updates, "2020-21 Q2")
    assert tracker_sentence(summary) == (
        "Of 16 deliverables, 12 (75%) are green, 3 (19%) amber and 1 (6%) red; the overall "
        "rating is good."
    )
