"""Stop-and-search indicators: find rate, shares, ethnic groups and disproportionality (expected
values worked by hand)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.indicators import stop_search as S

POP = {"White": 10_000, "Black": 1_000, "Asian": 2_000, "Mixed": 500, "Other": 500}


def searches(n: int, **columns) -> pd.DataFrame:
    base = {"self_defined_ethnicity": ["White - Irish"] * n,
            "officer_defined_ethnicity": ["White"] * n,
            "outcome_linked_to_object_of_search": [False] * n,
            "removal_of_more_than_just_outer_clothing": [False] * n,
            "age_range": ["18-24"] * n, "outcome": ["A no further action disposal"] * n,
            "legislation": ["Misuse of Drugs Act 1971 (section 23)"] * n}
    base.update(columns)
    frame = pd.DataFrame(base)
    for col in ("outcome_linked_to_object_of_search", "removal_of_more_than_just_outer_clothing"):
        frame[col] = frame[col].astype("boolean")
    return frame


def test_find_rate_by_hand():
    # 2 linked, 5 not, 1 blank: 2 / 7 = 28.571%. Wilson(2, 7), z = 1.959964: centre =
    # 3.920729 / 10.841459 = 0.361642, half = 1.959964 x sqrt(10/7 + 0.960365) / 10.841459 =
    # 0.279424 -> 8.2218% to 64.1066%.
    frame = searches(8, outcome_linked_to_object_of_search=[True, True, False, False, False,
                                                            False, False, None])
    find = S.find_rate(frame)
    assert (find.count, find.total, find.unrecorded) == (2, 7, 1)
    assert find.share == pytest.approx(100 * 2 / 7)
    assert find.low == pytest.approx(8.2218, abs=1e-3)
    assert find.high == pytest.approx(64.1066, abs=1e-3)


def test_shares_of_children_removal_and_outcomes():
    frame = searches(5, age_range=["10-17", "under 10", "18-24", None, "over 34"],
                     removal_of_more_than_just_outer_clothing=[True, False, None, False, False],
                     outcome=["Arrest", "A no further action disposal", "Community resolution",
                              "Nothing found - no further action", None])
    young = S.children(frame)
    assert (young.count, young.total, young.unrecorded) == (2, 4, 1)
    assert S.removal(frame).count == 1 and S.removal(frame).total == 4
    outcome = S.outcome_rate(frame)
    assert (outcome.count, outcome.total) == (2, 4)  # arrest and community resolution


def test_ethnic_group_self_defined_else_officer_defined():
    frame = searches(4, self_defined_ethnicity=["White - Irish", "Other ethnic group - Not stated",
                                                None, "Martian"],
                     officer_defined_ethnicity=["Black", "Black", None, "Asian"])
    out = S.ethnic_groups(frame)
    assert out["ethnic_group"].tolist() == ["White", "Black", S.NOT_RECORDED, "Asian"]
    assert out["ethnicity_source"].tolist() == ["self-defined", "officer-defined", "none",
                                                "officer-defined"]


def rates_for(counts: dict[str, int], population=POP) -> pd.DataFrame:
    groups = {"White": "White - Irish", "Black": "Black/African/Caribbean/Black British - African",
              "Asian": "Asian/Asian British - Indian",
              "Mixed": "Mixed/Multiple ethnic groups - White and Asian",
              "Other": "Other ethnic group - Arab"}
    values = [groups[g] for g, n in counts.items() for _ in range(n)]
    table = S.ethnicity_rates(searches(len(values), self_defined_ethnicity=values), population)
    return table.set_index("ethnic_group")


def test_disproportionality_ratio_and_interval_by_hand():
    # 1 Black and 1 White search, populations 2,000 and 8,000: ratio (1 / 2,000) / (1 / 8,000)
    # = 4. Exact conditional interval: p = 1 / 2;
    # Clopper-Pearson limits for 1 of 2 solve 1 - (1 - p)^2 = 0.025 and p^2 = 0.975:
    # p_L = 1 - sqrt(0.975) = 0.0125791, p_U = 0.9874209; R = p / (1 - p) x 8,000 / 2,000:
    # 0.0125791 / 0.9874209 x 4 = 0.050957 and 0.9874209 / 0.0125791 x 4 = 313.99.
    pop = {"White": 8_000, "Black": 2_000, "Asian": 1_000, "Mixed": 1_000, "Other": 1_000}
    t = rates_for({"White": 1, "Black": 1}, pop)
    assert t.loc["Black", "ratio"] == pytest.approx(4.0)
    assert t.loc["Black", "ratio_low"] == pytest.approx(0.050957, rel=1e-4)
    assert t.loc["Black", "ratio_high"] == pytest.approx(313.99, rel=1e-4)
    assert t.loc["Black", "verdict"] == "similar"  # the interval includes 1
    # No Asian search, 1 White: ratio 0; upper limit from p_U = 1 - 0.025^(1/1) = 0.975:
    # 0.975 / 0.025 x 8,000 / 1,000 = 312.
    assert t.loc["Asian", "ratio"] == 0 and t.loc["Asian", "ratio_low"] == 0
    assert t.loc["Asian", "ratio_high"] == pytest.approx(312.0)
    # rates per 1,000: White 1 / 8,000 x 1,000 = 0.125, exact (Garwood) interval for 1 event:
    # chi2(0.025, 2) / 2 = 0.025318 and chi2(0.975, 4) / 2 = 5.571643 events -> per 1,000 of
    # 8,000: 0.0031648 and 0.6964554.
    assert t.loc["White", "rate"] == pytest.approx(0.125)
    assert t.loc["White", "rate_low"] == pytest.approx(0.0031648, rel=1e-4)
    assert t.loc["White", "rate_high"] == pytest.approx(0.6964554, rel=1e-4)
    assert t.loc["White", "verdict"] == ""


def test_disproportionality_with_no_searches_of_one_group_by_hand():
    # 0 Black searches, 5 White; populations 1,000 and 10,000. p_U = 1 - 0.025^(1/5):
    # ln 0.025 / 5 = -0.7377759, e^that = 0.478176, p_U = 0.521824; R_U = 0.521824 / 0.478176 x
    # 10 = 10.9128.
    t = rates_for({"White": 5})
    assert t.loc["Black", "searches"] == 0 and t.loc["Black", "ratio"] == 0
    assert t.loc["Black", "ratio_high"] == pytest.approx(10.9128, rel=1e-4)


def test_a_clear_disproportion_is_called_more_and_agrees_with_the_log_method():
    # 60 Black searches of 1,000 residents against 200 White of 10,000: ratio
    # (60 / 1,000) / (200 / 10,000) = 3. The large-count (log) interval, exp(ln 3 +/- 1.96 x
    # sqrt(1/60 + 1/200)) = 3 x exp(-/+ 0.288505) = 2.2482 to 4.0033; the exact interval is a
    # little wider and must be within a few percent of it.
    t = rates_for({"White": 200, "Black": 60})
    assert t.loc["Black", "ratio"] == pytest.approx(3.0)
    assert t.loc["Black", "verdict"] == "more"
    assert t.loc["Black", "ratio_low"] == pytest.approx(3 * math.exp(-0.288505), rel=0.04)
    assert t.loc["Black", "ratio_high"] == pytest.approx(3 * math.exp(0.288505), rel=0.04)
    assert t.loc["Black", "ratio_low"] < 3 * math.exp(-0.288505)


def test_a_population_missing_a_group_is_named():
    with pytest.raises(DataError, match="no figure for the group 'Mixed'"):
        S.ethnicity_rates(searches(1), {k: v for k, v in POP.items() if k != "Mixed"})


def test_breakdown_puts_not_recorded_last():
    frame = searches(4, legislation=["B act", None, "A act", "B act"])
    table = S.breakdown(frame, "legislation")
    assert table["legislation"].tolist() == ["B act", "A act", S.NOT_RECORDED]
    assert table["count"].tolist() == [2, 1, 1]
    assert table["share"].tolist() == [50.0, 25.0, 25.0]
