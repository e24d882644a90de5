"""Crime outcomes: the grouping scheme, cohorts, same-age comparisons (expected values by hand)."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from pccanalysis.indicators import outcomes as O
from pccanalysis.periods import Quarter

# Every "Last outcome category" the real Derbyshire street files (2023-01 to 2024-12) give a
# crime, listed from the files by test_every_real_category_is_mapped below.
DERBYSHIRE_CATEGORIES = {
    "Action to be taken by another organisation": O.ANOTHER_ORGANISATION,
    "Awaiting court outcome": O.CHARGED,
    "Court result unavailable": O.CHARGED,
    "Formal action is not in the public interest": O.PUBLIC_INTEREST,
    "Further action is not in the public interest": O.PUBLIC_INTEREST,
    "Further investigation is not in the public interest": O.PUBLIC_INTEREST,
    "Investigation complete; no suspect identified": O.NO_SUSPECT,
    "Local resolution": O.OUT_OF_COURT,
    "Offender given a caution": O.OUT_OF_COURT,
    "Offender given a drugs possession warning": O.OUT_OF_COURT,
    "Offender given penalty notice": O.OUT_OF_COURT,
    "Status update unavailable": O.UNKNOWN,
    "Suspect charged as part of another case": O.CHARGED,
    "Unable to prosecute suspect": O.EVIDENTIAL,
}


def test_every_real_category_is_mapped(derbyshire_zip):
    # Listed from the files with the csv module, not the package's reader.
    found = set()
    with zipfile.ZipFile(derbyshire_zip) as zf:
        for name in zf.namelist():
            if name.endswith("-street.csv"):
                with zf.open(name) as fh:
                    for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
                        if row["Crime type"] != "Anti-social behaviour":
                            found.add(row["Last outcome category"])
    assert found == set(DERBYSHIRE_CATEGORIES)
    for category, group in DERBYSHIRE_CATEGORIES.items():
        assert O.OUTCOME_SCHEME[category] == group, category


def test_the_scheme_covers_every_group_and_each_category_once():
    assert set(O.OUTCOME_SCHEME.values()) == set(O.OUTCOME_GROUPS)
    assert len(O.OUTCOME_GROUPS) == 8
    assert O.OUTCOME_SCHEME["Under investigation"] == O.UNDER_INVESTIGATION
    assert O.OUTCOME_SCHEME["Defendant found not guilty"] == O.CHARGED  # a court result


def test_unknown_categories_are_counted_and_reported_never_dropped():
    values = pd.Series(["Suspect charged", "suspect  CHARGED", "Sent to the moon", None, "",
                        "Sent to the moon", "Status update unavailable"], index=list("abcdefg"))
    grouped = O.group_outcomes(values)
    assert grouped.groups.tolist() == [O.CHARGED, O.CHARGED, O.UNKNOWN, O.UNKNOWN, O.UNKNOWN,
                                       O.UNKNOWN, O.UNKNOWN]
    assert grouped.groups.index.tolist() == list("abcdefg")
    assert grouped.unrecognised == {"Sent to the moon": 2}
    assert grouped.no_outcome == 2


def test_wilson_interval_by_hand():
    # 10 of 100, z = 1.959964: centre = (10 + 1.920729) / 103.841459 = 0.114798;
    # half = 1.959964 x sqrt(9 + 0.960365) / 103.841459 = 0.059568 -> 0.055230 to 0.174366.
    low, high = O.wilson([10, 0, 5], [100, 20, 0])
    assert low[0] == pytest.approx(0.055230, abs=1e-6)
    assert high[0] == pytest.approx(0.174366, abs=1e-6)
    # 0 of 20: low 0, high = z^2 / (20 + z^2) = 3.841459 / 23.841459 = 0.161125
    assert low[1] == 0 and high[1] == pytest.approx(0.161125, abs=1e-6)
    assert (low[2], high[2]) == (0, 1)  # no trials: no information


def test_latest_matured_quarter():
    # data to December 2024: a quarter is matured when its last month is December 2023 or before
    assert O.latest_matured_quarter(Quarter(2024, 3), "2024-12") == Quarter(2023, 3)
    assert O.latest_matured_quarter(Quarter(2024, 3), "2025-02") == Quarter(2023, 3)
    # 2023-24 Q4 ends March 2024, 12 months before March 2025
    assert O.latest_matured_quarter(Quarter(2024, 3), "2025-03") == Quarter(2023, 4)
    assert O.latest_matured_quarter(Quarter(2022, 1), "2024-12") == Quarter(2022, 1)
    # February 2023 is part-way through 2022-23 Q4: the whole quarters are April to December
    assert O.cohort_quarters("2023-02", "2023-12") == [Quarter(2023, 1), Quarter(2023, 2),
                                                       Quarter(2023, 3)]


def street(rows) -> pd.DataFrame:
    """Street rows (crime_id, month, crime_type, last_outcome[, flags])."""
    frame = pd.DataFrame(rows, columns=["crime_id", "month", "crime_type", "last_outcome"])
    frame["month"] = frame["month"].astype("period[M]")
    frame["duplicate_crime_id"] = False
    frame["exact_duplicate"] = False
    return frame


def test_cohort_outcomes_by_hand():
    # 2020-21 Q4 (January to March 2021): 5 crimes and 1 ASB incident; a repeated Crime ID
    # (flagged) and a crime from December 2020 are left out.
    frame = street([
        ("a", "2021-01", "Burglary", "Suspect charged"),
        ("b", "2021-01", "Burglary", "Investigation complete; no suspect identified"),
        ("c", "2021-02", "Burglary", "Investigation complete; no suspect identified"),
        ("d", "2021-03", "Drugs", "Offender given a caution"),
        ("e", "2021-03", "Drugs", "Under investigation"),
        (None, "2021-03", "Anti-social behaviour", None),
        ("d", "2021-03", "Drugs", "Offender given a caution"),
        ("f", "2020-12", "Drugs", "Suspect charged"),
    ])
    frame.loc[6, "duplicate_crime_id"] = True
    c = O.cohort_outcomes(frame, Quarter(2020, 4), "2021-05")
    assert (c.label, c.crimes, c.age) == ("2020-21 Q4", 5, 2)
    assert c.count(O.CHARGED) == 1 and c.count(O.NO_SUSPECT) == 2
    assert c.share(O.NO_SUSPECT) == pytest.approx(40.0)
    assert c.groups["group"].tolist() == list(O.OUTCOME_GROUPS)
    assert c.groups["count"].sum() == 5
    burglary = c.by[c.by["crime_type"] == "Burglary"].set_index("group")
    assert burglary.loc[O.NO_SUSPECT, "share"] == pytest.approx(200 / 3)
    assert burglary.loc[O.CHARGED, "crimes"] == 3


def outcomes_rows(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["crime_id", "month", "outcome_type"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def test_outcomes_at_age_reads_the_history_as_it_stood():
    frame = street([
        ("a", "2021-01", "Burglary", "Offender fined"),
        ("b", "2021-02", "Burglary", "Investigation complete; no suspect identified"),
        ("c", "2021-03", "Drugs", "Suspect charged"),
    ])
    history = outcomes_rows([
        ("a", "2021-02", "Suspect charged"),  # 1 month after January
        ("a", "2021-06", "Offender fined"),  # 5 months after
        ("b", "2021-02", "Under investigation"),
        ("b", "2021-02", "Investigation complete; no suspect identified"),  # same month, later row
        ("c", "2021-05", "Suspect charged"),  # 2 months after March
        ("z", "2021-01", "Suspect charged"),  # not a crime of the cohort
    ])
    at0 = O.outcomes_at_age(frame, history, Quarter(2020, 4), 0)
    # age 0: a has nothing by January (still under investigation), b closed in February, c nothing
    assert (at0.count(O.UNDER_INVESTIGATION), at0.count(O.NO_SUSPECT), at0.crimes) == (2, 1, 3)
    assert at0.as_of == pd.Period("2021-03", freq="M") and at0.age == 0
    at2 = O.outcomes_at_age(frame, history, Quarter(2020, 4), 2)
    assert (at2.count(O.CHARGED), at2.count(O.NO_SUSPECT)) == (2, 1)  # a by March, c by May


def cohort(charged: int, crimes: int, label: str, age: int = 2) -> O.CohortOutcomes:
    q = Quarter.parse(label)
    rows = [(f"{label}{i}", str(q.first_month), "Burglary",
             "Suspect charged" if i < charged else "Unable to prosecute suspect")
            for i in range(crimes)]
    return O.cohort_outcomes(street(rows), q, q.last_month + age)


def test_same_age_change_by_hand():
    # 30 of 100 against 10 of 100: d = 20 points. Wilson(30, 100) = 0.218943 to 0.395856,
    # Wilson(10, 100) = 0.055230 to 0.174366. Newcombe: 0.2 - sqrt(0.081057^2 + 0.074366^2) =
    # 0.2 - 0.110006 = 0.089994; 0.2 + sqrt(0.095856^2 + 0.044770^2) = 0.2 + 0.105797 =
    # 0.305797: the interval excludes 0, so the share rose.
    change = O.same_age_change(cohort(30, 100, "2021-22 Q1"), cohort(10, 100, "2020-21 Q1"))
    assert change.difference == pytest.approx(20.0)
    assert change.low == pytest.approx(8.9994, abs=1e-3)
    assert change.high == pytest.approx(30.5797, abs=1e-3)
    assert change.verdict == "rose" and change.p_value < 0.05
    assert change.by["verdict"].tolist() == ["rose"]  # one type: Holm changes nothing
    similar = O.same_age_change(cohort(12, 100, "2021-22 Q1"), cohort(10, 100, "2020-21 Q1"))
    assert similar.verdict == "similar"
    with pytest.raises(ValueError, match="different ages"):
        O.same_age_change(cohort(1, 10, "2021-22 Q1", age=2), cohort(1, 10, "2020-21 Q1", age=3))


def test_cohort_outcomes_needs_the_outcome_column():
    frame = street([("a", "2021-01", "Burglary", "Suspect charged")]).drop(columns="last_outcome")
    with pytest.raises(Exception, match="last_outcome"):
        O.cohort_outcomes(frame, Quarter(2020, 4), "2021-03")
    assert np.isnan(O._compare(0, 0, 1, 2)[0])
