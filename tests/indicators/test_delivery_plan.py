"""Tests for pccanalysis.indicators.delivery_plan, on tiny hand-made trackers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pccanalysis.errors import ConfigError
from pccanalysis.indicators.delivery_plan import (
    DEFAULT_RATING_RULE,
    RatingBand,
    RatingRule,
    counts_by_lead,
    movement,
    overall_rating,
    percent_label,
    stale_entries,
    status_key,
    summarise_tracker,
)


def deliverables(rows) -> pd.DataFrame:
    """rows: (number, lead, status[, deliverable]) in theme T1."""
    return pd.DataFrame(
        [
            {"theme": "T1", "number": r[0], "lead": r[1],
             "deliverable": r[3] if len(r) > 3 else f"Deliverable {r[0]}", "status": r[2]}
            for r in rows
        ],
        columns=["theme", "number", "lead", "deliverable", "status"],
    ).astype({"theme": "str", "number": "int64", "lead": "str", "status": "category"})


def updates(rows) -> pd.DataFrame:
    """rows: (number, date)."""
    frame = pd.DataFrame(
        [{"theme": "T1", "number": n, "date": pd.Timestamp(d), "author": "AB", "text": "x"}
         for n, d in rows],
        columns=["theme", "number", "date", "author", "text"],
    )
    return frame.astype({"number": "int64", "date": "datetime64[ns]"})


@pytest.mark.parametrize(
    ("n", "total", "label"),
    [
        (16, 16, "16/16 (100%)"),
        (0, 16, "0/16 (0%)"),
        (1, 8, "1/8 (13%)"),  # 12.5% rounds half up to 13, not to the even 12
        (3, 8, "3/8 (38%)"),  # 37.5% -> 38
        (1, 3, "1/3 (33%)"),  # 33.3% -> 33
        (2, 3, "2/3 (67%)"),  # 66.7% -> 67
        (1, 15, "1/15 (7%)"),  # 6.67% -> 7
        (0, 0, "0/0 (-)"),
    ],
)
def test_percent_label(n, total, label):
    assert percent_label(n, total) == label


def test_status_key_all_green_like_appendix_a():
    frame = deliverables([(i, "Force", "Green") for i in range(1, 17)])
    key = status_key(frame)
    assert key["status"].tolist() == ["Green", "Amber", "Red", "Not started"]
    assert key["label"].tolist() == ["16/16 (100%)", "0/16 (0%)", "0/16 (0%)", "0/16 (0%)"]
    assert key["number"].tolist() == [16, 0, 0, 0]
    assert key["meaning"].str.len().min() > 0


def test_status_key_mixed():
    frame = deliverables(
        [(1, "A", "Green"), (2, "A", "Green"), (3, "A", "Amber"), (4, "A", "Red"),
         (5, "A", "Not started"), (6, "A", "Green"), (7, "A", "Amber"), (8, "A", "Green")]
    )
    key = status_key(frame)
    # 4/8 = 50%, 2/8 = 25%, 1/8 = 12.5% -> 13%, 1/8 -> 13%.
    assert key["label"].tolist() == ["4/8 (50%)", "2/8 (25%)", "1/8 (13%)", "1/8 (13%)"]
    assert key["percent"].tolist() == [50.0, 25.0, 12.5, 12.5]


def test_status_key_empty():
    key = status_key(deliverables([]))
    assert key["label"].tolist() == ["0/0 (-)"] * 4
    assert key["percent"].isna().all()


@pytest.mark.parametrize(
    ("statuses", "label"),
    [
        (["Green"] * 10, "very good"),  # 100% Green, 0% Red
        (["Green"] * 9 + ["Amber"], "very good"),  # 90% Green exactly, no Red
        (["Green"] * 9 + ["Red"], "good"),  # 90% Green but 10% Red: fails "very good"
        # 80% >= 75 but Red 20% > 10: not good; 80% >= 50 and 20% <= 25: adequate.
        (["Green"] * 8 + ["Red"] * 2, "adequate"),
        (["Green"] * 5 + ["Amber"] * 5, "adequate"),  # 50% Green, no Red
        (["Green"] * 4 + ["Amber"] * 6, "poor"),  # 40% Green
        (["Green"] * 6 + ["Red"] * 3 + ["Amber"], "poor"),  # 60% Green but 30% Red > 25
    ],
)
def test_default_rating_rule(statuses, label):
    frame = deliverables([(i, "X", s) for i, s in enumerate(statuses, start=1)])
    assert overall_rating(frame).label == label


def test_rating_reports_its_figures():
    frame = deliverables([(1, "X", "Green"), (2, "X", "Green"), (3, "X", "Red"),
                          (4, "X", "Not started")])
    rating = overall_rating(frame)
    # 2/4 Green = 50%, 1/4 Red = 25%: "adequate" (>= 50, <= 25).
    assert (rating.label, rating.green_percent, rating.red_percent, rating.denominator) == (
        "adequate", 50.0, 25.0, 4)
    assert rating.band == RatingBand("adequate", 50, 25)


def test_rating_can_leave_out_not_started():
    frame = deliverables([(1, "X", "Green"), (2, "X", "Green"), (3, "X", "Green"),
                          (4, "X", "Not started")])
    # Counting all: 3/4 = 75% Green -> "good". Started only: 3/3 = 100% -> "very good".
    assert overall_rating(frame).label == "good"
    rule = RatingRule(DEFAULT_RATING_RULE.bands, count_not_started=False)
    assert overall_rating(frame, rule).label == "very good"
    assert overall_rating(frame, rule).denominator == 3


def test_rating_with_nothing_counted_is_the_fallback():
    frame = deliverables([(1, "X", "Not started")])
    rule = RatingRule(DEFAULT_RATING_RULE.bands, fallback="not yet rated", count_not_started=False)
    rating = overall_rating(frame, rule)
    assert rating.label == "not yet rated"
    assert math.isnan(rating.green_percent)


def test_rating_rule_from_mapping():
    rule = RatingRule.from_mapping(
        {"bands": [{"label": "on plan", "min_green": 80}, {"label": "mixed", "max_red": 20}],
         "fallback": "off plan", "count_not_started": False}
    )
    assert rule == RatingRule(
        (RatingBand("on plan", 80.0, 100.0), RatingBand("mixed", 0.0, 20.0)), "off plan", False
    )
    frame = deliverables([(1, "X", "Green"), (2, "X", "Red"), (3, "X", "Red")])
    # Green 33% < 80; Red 67% > 20 -> fallback.
    assert overall_rating(frame, rule).label == "off plan"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"bands": [{"label": "x"}], "colour": 1},
         "unknown key 'colour' in the rating rule; expected bands, count_not_started, fallback."),
        ({"bands": [{"label": "x", "min_green": 120}]},
         "min_green in rating band 1 must be a percentage from 0 to 100, not 120."),
        ({"bands": [{"label": "x", "max_red": "ten"}]},
         "max_red in rating band 1 must be a percentage from 0 to 100, not 'ten'."),
        ({"bands": [{"min_green": 50}]}, "rating band 1 must be a mapping with a 'label'."),
        ({"bands": [{"label": "x", "min_greem": 5}]},
         "unknown key 'min_greem' in rating band 1; expected label, min_green, max_red."),
        ({"bands": []}, "the rating rule needs at least one band."),
        ({"bands": [{"label": "x"}], "count_not_started": "yes"},
         "count_not_started must be true or false, not 'yes'."),
    ],
)
def test_rating_rule_errors(mapping, message):
    with pytest.raises(ConfigError) as info:
        RatingRule.from_mapping(mapping)
    assert str(info.value) == message


def test_counts_by_lead():
    frame = deliverables(
        [(1, "Force", "Green"), (2, "VRU", "Amber"), (3, "Force", "Red"),
         (4, "NW/CG", "Green"), (5, "CG", "Not started")]
    )
    table = counts_by_lead(frame)
    # Force 2 (G, R); then the three with 1, alphabetically: CG, NW/CG, VRU.
    assert table.to_dict("records") == [
        {"lead": "Force", "Green": 1, "Amber": 0, "Red": 1, "Not started": 0, "Total": 2},
        {"lead": "CG", "Green": 0, "Amber": 0, "Red": 0, "Not started": 1, "Total": 1},
        {"lead": "NW/CG", "Green": 1, "Amber": 0, "Red": 0, "Not started": 0, "Total": 1},
        {"lead": "VRU", "Green": 0, "Amber": 1, "Red": 0, "Not started": 0, "Total": 1},
    ]
    split = counts_by_lead(frame, split_joint=True)
    # NW/CG counts once under NW and once under CG: CG 2 (G, NS), Force 2, NW 1, VRU 1.
    assert split[["lead", "Total"]].to_dict("records") == [
        {"lead": "CG", "Total": 2},
        {"lead": "Force", "Total": 2},
        {"lead": "NW", "Total": 1},
        {"lead": "VRU", "Total": 1},
    ]
    assert split["Total"].sum() == 6  # 5 deliverables, one with two leads


def test_counts_by_lead_blank_lead():
    frame = deliverables([(1, None, "Green")])
    assert counts_by_lead(frame)["lead"].tolist() == ["(none)"]


def test_movement_lists_changes_new_and_closed():
    previous = deliverables(
        [(1, "A", "Amber"), (2, "A", "Green"), (3, "A", "Not started"), (4, "A", "Green"),
         (5, "A", "Red"), (6, "A", "Green", "Old wording")]
    )
    current = deliverables(
        [(1, "A", "Green"), (2, "A", "Red"), (3, "A", "Amber"), (5, "A", "Red"),
         (6, "A", "Green", "New  wording"), (7, "B", "Not started"), (8, "A", "Not started")]
    )
    current.loc[current["number"] == 8, "status"] = "Not started"
    previous = pd.concat([previous, deliverables([(8, "A", "Amber")])], ignore_index=True)
    moves = movement(previous, current)
    assert moves[["number", "change", "previous_status", "current_status", "direction"]].astype(
        object
    ).where(moves.notna(), None).values.tolist() == [
        [1, "status changed", "Amber", "Green", "improved"],
        [2, "status changed", "Green", "Red", "worsened"],
        [3, "status changed", "Not started", "Amber", "started"],
        [4, "closed", "Green", None, None],
        [7, "new", None, "Not started", None],
        [8, "status changed", "Amber", "Not started", "back to not started"],
    ]
    # Deliverable 4 is closed: its lead and wording come from the previous tracker.
    assert moves.loc[moves["number"] == 4, "deliverable"].item() == "Deliverable 4"


def test_movement_unchanged_and_reworded():
    previous = deliverables([(1, "A", "Green", "Old wording"), (2, "A", "Green")])
    current = deliverables([(1, "A", "Green", "New wording"), (2, "A", "Green")])
    assert movement(previous, current).empty
    moves = movement(previous, current, include_unchanged=True)
    assert moves["change"].tolist() == ["unchanged", "unchanged"]
    assert moves["reworded"].tolist() == [True, False]


def test_stale_entries_use_quarter_start_and_count_later_updates():
    frame = deliverables([(1, "A", "Green"), (2, "A", "Amber"), (3, "A", "Not started"),
                          (4, "A", "Red")])
    upd = updates([
        (1, "2020-06-30"),  # before Q2 (starts 1 July): stale on its own ...
        (1, "2020-10-09"),  # ... but written after the quarter ended: counts, not stale
        (2, "2020-06-30"),  # only before the quarter: stale
        (4, "2020-07-01"),  # first day of the quarter: not stale
    ])
    stale = stale_entries(frame, upd, "2020-21 Q2")
    # 2 (last update 30 June) and 3 (never updated).
    assert stale["number"].tolist() == [2, 3]
    assert stale["last_update"].tolist()[0] == pd.Timestamp("2020-06-30")
    assert pd.isna(stale["last_update"].tolist()[1])
    assert stale_entries(frame, upd, "Q2 2020/21", include_not_started=False)[
        "number"
    ].tolist() == [2]


def test_summarise_tracker_bundles_everything():
    frame = deliverables([(1, "A", "Green"), (2, "B", "Amber")])
    upd = updates([(1, "2020-08-01")])
    summary = summarise_tracker(frame, upd, "2020-21 Q2", previous=deliverables([(1, "A", "Red")]))
    assert summary.total == 2
    assert summary.quarter == "2020-21 Q2"
    assert summary.key["label"].tolist() == ["1/2 (50%)", "1/2 (50%)", "0/2 (0%)", "0/2 (0%)"]
    assert summary.rating.label == "adequate"  # 50% Green, no Red
    assert summary.stale["number"].tolist() == [2]
    assert summary.movement["change"].tolist() == ["status changed", "new"]
    assert summarise_tracker(frame, upd, "2020-21 Q2").movement is None
