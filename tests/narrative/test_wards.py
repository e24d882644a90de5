"""Tests for the ward coverage and withheld-comparison sentences (text worked out by hand)."""

from __future__ import annotations

import pandas as pd

from pccanalysis.narrative.wards import ward_coverage_sentence, ward_withheld_sentence


def coverage(rows, in_ward, no_location=(pd.NA, pd.NA), periods=("Oct-Dec 2024",
                                                                   "Oct-Dec 2023")):
    frame = pd.DataFrame({"period": list(periods), "rows": list(rows), "in_ward": list(in_ward)})
    frame["not_in_ward"] = frame["rows"] - frame["in_ward"]
    frame["not_in_ward_share"] = frame["not_in_ward"] / frame["rows"]
    frame["no_location"] = pd.array(list(no_location), dtype="Int64")
    return frame


def test_every_crime_placed():
    assert ward_coverage_sentence(coverage([7394, 7102], [7394, 7102]), vintage="2023") == (
        "Ward figures use the 2023 wards; every one of the area's crimes (7,394 in Oct-Dec 2024 "
        "and 7,102 in Oct-Dec 2023) was placed in a ward.")


def test_some_not_placed_with_unlocated_rows():
    # 12 of 7,394 = 0.16% -> "0.2%"; 0 of 7,102 -> "0%"; 2 + 1 rows without location.
    assert ward_coverage_sentence(coverage([7394, 7102], [7382, 7102], (2, 1))) == (
        "Some of the area's crimes could not be placed in a ward: 12 of 7,394 (0.2%) in Oct-Dec "
        "2024 and 0 of 7,102 (0%) in Oct-Dec 2023. A further 3 crimes across the force had no "
        "location and are in no area or ward.")


def test_withheld_names_both_shares_and_the_threshold():
    # 1,775 of 7,100 = 25%; 15 of 7,394 = 0.2%.
    cov = coverage([7394, 7100], [7379, 5325])
    assert ward_withheld_sentence(cov, 0.02) == (
        "Wards are not reported as rising or falling: 25% of the area's crimes could not be "
        "placed in a ward in Oct-Dec 2023 against 0.2% in Oct-Dec 2024, a difference of more "
        "than 2 percentage points, so a ward's change would partly reflect where crimes could "
        "be placed rather than how many happened.")


def test_a_small_share_is_never_written_as_zero():
    # 2 of 7,430 = 0.027%: "under 0.1%", not "0%".
    text = ward_coverage_sentence(coverage([7394, 7430], [7394, 7428]))
    assert "2 of 7,430 (under 0.1%) in Oct-Dec 2023" in text
    assert "0 of 7,394 (0%) in Oct-Dec 2024" in text
