"""Sentences for crime outcomes (expected text written by hand from the hand-made cohorts)."""

from __future__ import annotations

import pandas as pd

from pccanalysis.indicators import outcomes as O
from pccanalysis.narrative import outcomes as N
from pccanalysis.periods import Quarter


def cohort(label: str, outcomes: dict[str, int], as_of: str) -> O.CohortOutcomes:
    q = Quarter.parse(label)
    rows = [(f"{label}-{c}-{i}", q.first_month, "Burglary", c)
            for c, n in outcomes.items() for i in range(n)]
    frame = pd.DataFrame(rows, columns=["crime_id", "month", "crime_type", "last_outcome"])
    frame["month"] = frame["month"].astype("period[M]")
    return O.cohort_outcomes(frame, q, as_of)


def test_matured_sentence():
    # 1,000 crimes: 102 charged, 46 cautioned, 331 no suspect, 521 unable to prosecute.
    # Wilson(102, 1000): centre (102 + 1.9207) / 1003.8415 = 0.103530, half 1.959964 x
    # sqrt(91.596 + 0.9604) / 1003.8415 = 0.018791 -> 8.5% to 12.2%.
    c = cohort("2023-24 Q3", {"Suspect charged": 102, "Offender given a caution": 46,
                              "Investigation complete; no suspect identified": 331,
                              "Unable to prosecute suspect": 521}, "2024-12")
    assert N.matured_sentence(c, mature_months=12) == (
        "Of the 1,000 crimes recorded in 2023-24 Q3 (October to December 2023), the latest "
        "quarter whose crimes have all had at least 12 months to reach an outcome, 10.2% were "
        "charged or summonsed (95% interval 8.5% to 12.2%), 4.6% ended in an out-of-court "
        "disposal and 33.1% closed with no suspect identified; 0% are still under "
        "investigation.")
    assert N.outcome_title(c) == "10.2% of crimes recorded in 2023-24 Q3 were charged or summonsed"


def test_recent_sentence():
    c = cohort("2024-25 Q3", {"Under investigation": 3, "Suspect charged": 1}, "2024-12")
    assert N.recent_sentence(c) == (
        "The 4 crimes recorded in 2024-25 Q3 (October to December 2024) have had 0 to 2 months, "
        "too little time to compare their outcomes with earlier quarters: as the files stand "
        "(December 2024), 75% are still under investigation and 25% have been charged or "
        "summonsed so far.")


def test_same_age_sentences():
    # 30 of 100 against 10 of 100 (worked in tests/indicators/test_outcomes.py): +20 points,
    # 9.0 to 30.6; 12 against 10: similar.
    def pair(now):
        return (cohort("2021-22 Q1", {"Suspect charged": now, "Local resolution": 100 - now},
                       "2021-08"),
                cohort("2020-21 Q1", {"Suspect charged": 10, "Local resolution": 90}, "2020-08"))

    rose = O.same_age_change(*pair(30))
    assert N.same_age_sentence(rose) == (
        "Compared at the same age (2 months after each crime's month, from the outcomes files), "
        "30% of the crimes recorded in 2021-22 Q1 had been charged or summonsed, against 10% of "
        "those recorded in 2020-21 Q1: the share rose by 20 points (95% interval 9 to 30.6 "
        "points).")
    similar = O.same_age_change(*pair(12))
    assert N.same_age_sentence(similar).endswith(": the share was similar (+2 points).")


def test_unrecognised_sentence():
    assert N.unrecognised_sentence({}) is None
    assert N.unrecognised_sentence({"Sent to the moon": 2, "Lost": 1}) == (
        "3 crimes had an outcome category the grouping does not know, \u201cSent to the moon\u201d "
        "(2) and \u201cLost\u201d (1): they are counted as \u201cUnknown\u201d, not left out.")
