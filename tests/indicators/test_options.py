"""Tests for pccanalysis.indicators.options: one object for the options of every test."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.indicators.change import change, change_by, compare_counts, year_to_date
from pccanalysis.indicators.comparator import compare_to_comparator
from pccanalysis.indicators.options import TestOptions, resolve_options


def _frame() -> pd.DataFrame:
    """Two wards' monthly counts, April 2019 to September 2020 (18 months)."""
    rows = []
    for ward, (before, after) in {"Abbey": (40, 30), "Dales": (20, 26)}.items():
        for i, m in enumerate(pd.period_range("2019-04", "2020-09", freq="M")):
            rows.append((m, ward, (before if m < pd.Period("2020-04", "M") else after) + i % 3))
    frame = pd.DataFrame(rows, columns=["month", "ward_name", "count"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def test_defaults_are_the_plain_exact_test():
    o = TestOptions()
    assert (o.alpha, o.method, o.dispersion, o.gap_policy, o.adjust) == (
        0.05, "exact", 1.0, "caveat", "none")


def test_options_and_keywords_give_the_same_result():
    frame, comp = _frame(), year_to_date("2020-09")
    briefing = TestOptions(dispersion="estimate", gap_policy="exclude", adjust="holm")
    by_object = change_by(frame, comp, "ward_name", count_column="count", options=briefing)
    by_keywords = change_by(frame, comp, "ward_name", count_column="count",
                            dispersion="estimate", gap_policy="exclude", adjust="holm")
    pd.testing.assert_frame_equal(by_object, by_keywords)
    assert set(by_object["adjust"]) == {"holm"}
    one = change(frame[frame.ward_name == "Abbey"], comp, count_column="count",
                 options=TestOptions(alpha=0.01, dispersion=2))
    assert (one.alpha, one.dispersion) == (0.01, 2.0)
    assert one == change(frame[frame.ward_name == "Abbey"], comp, count_column="count",
                         alpha=0.01, dispersion=2)


def test_a_keyword_overrides_its_field_of_the_options():
    strict = TestOptions(alpha=0.01)
    r = compare_counts(80, 110, options=strict, alpha=0.1)
    # 80 against 110: X ~ Bin(190, 1/2), p = 2 P(X <= 80) = 0.0350: "fell" at 0.1 (and at 0.05),
    # "similar" at 0.01.
    assert (r.alpha, r.verdict) == (0.1, "fell")
    assert compare_counts(80, 110, options=strict).verdict == "similar"
    assert compare_to_comparator(80, 110, 5_000_000, 5_000_000, options=strict).alpha == 0.01


def test_bad_options_are_refused_in_one_sentence():
    with pytest.raises(ValueError, match="alpha must lie between 0 and 1, not 1.5"):
        TestOptions(alpha=1.5)
    with pytest.raises(ValueError, match="dispersion must be a number of 1 or more"):
        TestOptions(dispersion=0.5)
    with pytest.raises(ValueError, match="gap_policy must be one of"):
        TestOptions(gap_policy="drop")
    with pytest.raises(ValueError, match="adjust must be one of"):
        TestOptions(adjust="bonferroni")
    # A keyword a function does not take is refused as Python refuses one.
    with pytest.raises(TypeError, match=r"compare_counts\(\) got an unexpected keyword "
                                        r"argument 'gap_policy'"):
        compare_counts(1, 2, gap_policy="exclude")
    with pytest.raises(TypeError, match="options must be a TestOptions"):
        resolve_options({"alpha": 0.1}, {}, "change")
    # 'estimate' needs a monthly series, which a pair of counts does not have.
    with pytest.raises(ValueError, match="'estimate' needs the monthly data"):
        compare_counts(1, 2, options=TestOptions(dispersion="estimate"))
    with pytest.raises(ValueError, match="not 'estimate'"):
        compare_to_comparator(1, 2, 3, 4, dispersion="estimate")
