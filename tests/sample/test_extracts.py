"""Tests for pccanalysis.sample.extracts: the SYNTHETIC local extracts match their documentation.

Every expected number below is counted by hand from the tables in the module (STATUS_Q3,
STATUS_Q4, DELIVERABLES, UPDATES_Q3/Q4, REPEAT_PATTERN, ...), not computed by the code under test.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from pccanalysis.briefing.html import render_tracker_table
from pccanalysis.indicators.delivery_plan import summarise_tracker
from pccanalysis.periods import financial_year_of
from pccanalysis.sample.data import WARDS
from pccanalysis.sample.extracts import THEME_TITLES, config_entries, write_local_extracts
from pccanalysis.sources.indicator_tables import read_indicator_table
from pccanalysis.sources.targets import Target, read_targets
from pccanalysis.sources.tracker.read import read_tracker
from pccanalysis.sources.victims import read_hate_crime_victims

KEYS = ["tracker_q3", "tracker_q4", "targets", "missing_persons", "suicide", "iom",
        "hate_crime_victims"]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    return write_local_extracts(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def trackers(extracts):
    q3, _ = read_tracker(extracts["tracker_q3"])
    q4, _ = read_tracker(extracts["tracker_q4"])
    return q3, q4


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_are_labelled_synthetic(extracts):
    assert list(extracts) == KEYS
    for key, path in extracts.items():
        assert path.name.startswith("SYNTHETIC_"), key
        assert path.parent.name == "local"
    for key in ("missing_persons", "suicide", "iom", "hate_crime_victims"):
        assert set(pd.read_csv(extracts[key])["note"]) == {"SYNTHETIC"}
    assert extracts["targets"].read_text().startswith("# SYNTHETIC sample data")
    import openpyxl

    for key in ("tracker_q3", "tracker_q4"):
        wb = openpyxl.load_workbook(extracts[key], read_only=True)
        about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
        wb.close()
        assert about["Note"].startswith("SYNTHETIC")
        assert "SYNTHETIC" in about["Title"]


def test_deterministic_bytes(extracts, tmp_path):
    again = write_local_extracts(tmp_path / "again")
    assert {k: digest(p) for k, p in again.items()} == {k: digest(p) for k, p in extracts.items()}
    other = write_local_extracts(tmp_path / "other", seed=7)
    # The tracker, targets and suicide table are fixed; the drawn tables change with the seed.
    for key in ("tracker_q3", "tracker_q4", "targets", "suicide"):
        assert digest(other[key]) == digest(extracts[key]), key
    for key in ("missing_persons", "iom", "hate_crime_victims"):
        assert digest(other[key]) != digest(extracts[key]), key


def test_tracker_q4_summary_matches_hand_count(trackers):
    q3, q4 = trackers
    assert (q3.quarter, q4.quarter) == ("2020-21 Q3", "2020-21 Q4")
    s = summarise_tracker(q4.deliverables, q4.updates, q4.quarter, previous=q3.deliverables)
    # STATUS_Q4: Green 1,2,3,4,5,8,11,14,16 = 9; Amber 6,7,10 = 3; Red 12,13 = 2; NS 15 = 1.
    # 9/15 = 60%; 3/15 = 20%; 2/15 = 13.3% -> 13%; 1/15 = 6.7% -> 7%.
    assert s.total == 15
    assert s.key["label"].tolist() == ["9/15 (60%)", "3/15 (20%)", "2/15 (13%)", "1/15 (7%)"]
    # 60% Green (< 75, >= 50) and 13.3% Red (<= 25): "adequate".
    assert s.rating.label == "adequate"
    # Leads (as written): Force 3,4,8,13; CSP 1,10,16; VRU 2,5,11; OPCC 6,14; Health 15;
    # NBC 12; NBC/Health 7.
    assert s.by_lead.to_dict("records") == [
        {"lead": "Force", "Green": 3, "Amber": 0, "Red": 1, "Not started": 0, "Total": 4},
        {"lead": "CSP", "Green": 2, "Amber": 1, "Red": 0, "Not started": 0, "Total": 3},
        {"lead": "VRU", "Green": 3, "Amber": 0, "Red": 0, "Not started": 0, "Total": 3},
        {"lead": "OPCC", "Green": 1, "Amber": 1, "Red": 0, "Not started": 0, "Total": 2},
        {"lead": "Health", "Green": 0, "Amber": 0, "Red": 0, "Not started": 1, "Total": 1},
        {"lead": "NBC", "Green": 0, "Amber": 0, "Red": 1, "Not started": 0, "Total": 1},
        {"lead": "NBC/Health", "Green": 0, "Amber": 1, "Red": 0, "Not started": 0, "Total": 1},
    ]
    # Stale: 8 (last update 15 December) and 14 (20 November) have nothing since 1 January
    # 2021; the Q3 updates written in January 2021 (3, 5, 9, 10, 12) fall in Q4 and count.
    assert s.stale["number"].tolist() == [8, 14]
    assert s.stale["last_update"].dt.strftime("%Y-%m-%d").tolist() == ["2020-12-15",
                                                                       "2020-11-20"]


def test_movement_lists_exactly_the_built_in_changes(trackers):
    q3, q4 = trackers
    s = summarise_tracker(q4.deliverables, q4.updates, q4.quarter, previous=q3.deliverables)
    got = s.movement[["number", "change", "previous_status", "current_status", "direction"]]
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        [3, "status changed", "Amber", "Green", "improved"],
        [6, "status changed", "Green", "Amber", "worsened"],
        [7, "status changed", "Not started", "Amber", "started"],
        [9, "closed", "Green", None, None],
        [13, "status changed", "Amber", "Red", "worsened"],
        [16, "new", None, "Green", None],
    ]
    assert not s.movement["reworded"].any()


def test_tracker_q3_summary_matches_hand_count(trackers):
    q3, _ = trackers
    s = summarise_tracker(q3.deliverables, q3.updates, q3.quarter)
    # STATUS_Q3: Green 1,2,4,5,6,8,9,11,14 = 9; Amber 3,10,13 = 3; Red 12 = 1; NS 7,15 = 2.
    assert s.key["label"].tolist() == ["9/15 (60%)", "3/15 (20%)", "1/15 (7%)", "2/15 (13%)"]
    assert s.rating.label == "adequate"  # 60% Green, 6.7% Red
    # 7 and 15 have no update at all in the Q3 file.
    assert s.stale["number"].tolist() == [7, 15]
    assert s.stale["last_update"].isna().all()
    # Q3 file: 13 updates; Q4 file: the same 13 minus deliverable 9's (closed) plus 13 new.
    assert len(q3.updates) == 13
    assert len(trackers[1].updates) == 25


def test_sample_tracker_renders_safely(trackers):
    _, q4 = trackers
    raw = q4.updates.loc[q4.updates["number"] == 11, "text"].tolist()
    assert "<script>" in raw[-1]  # the hostile update is in the file ...
    html = render_tracker_table(q4.deliverables, q4.updates, theme_titles=THEME_TITLES)
    assert "<script" not in html.lower()  # ... and never reaches the briefing
    assert "onerror" not in html.lower()
    assert "<p>Two secondary schools have joined the inclusion pilot.</p>" in html
    # The markup update keeps its paragraphs, list and emphasis.
    assert ("<ul><li>Six young people have been matched with a mentor.</li>"
            "<li>Referrals now come from the youth offending team and the resettlement worker."
            "</li></ul>") in html
    assert "<b>Progress this quarter:</b>" in html


def test_targets(extracts):
    assert read_targets(extracts["targets"]) == [
        Target("Crime", "All crime", "2019-20", "reduce", 10.0, "2021-22", "police_uk"),
        Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25.0, "2021-22", "police_uk"),
        Target("Repeat hate-crime victims", "repeat hate-crime victims", "2019-20", "reduce",
               10.0, "2020-21", extracts["hate_crime_victims"].name),
    ]


def test_missing_persons_table(extracts):
    frame, quality = read_indicator_table(extracts["missing_persons"])
    # 36 months x 7 breakdowns = 252 rows.
    assert quality.rows_read == quality.rows_kept == 252
    assert frame["period_label"].nunique() == 36
    assert (frame["period_label"].min(), frame["period_label"].max()) == ("2018-04", "2021-03")
    wide = frame.pivot(index="period_label", columns="breakdown", values="value")
    ages = wide["Age: Child"] + wide["Age: Adult"]
    sources = wide[[c for c in wide.columns if c.startswith("Source: ")]].sum(axis=1)
    assert (ages == wide["All"]).all() and (sources == wide["All"]).all()
    assert sorted(c for c in wide.columns if c.startswith("Source: ")) == [
        "Source: Care setting", "Source: Home", "Source: Hospital", "Source: Other"]


def test_suicide_table(extracts):
    frame, quality = read_indicator_table(extracts["suicide"])
    local = frame[frame["area"] == "Northbridge"].set_index("period")
    england = frame[frame["area"] == "England"].set_index("period")
    assert local["value"].tolist() == [24.0, 26.0, 33.0]
    assert england["value"].tolist() == [4980.0, 5120.0, 5240.0]
    assert set(local["comparator_area"]) == {"England"}
    # Northbridge population from pccanalysis.sample (mid-2018 to mid-2020).
    assert local["denominator"].tolist() == [271650.0, 273008.0, 274373.0]
    assert quality.flagged["comparator area has no figure for the same indicator and period"] == 0


def test_iom_table(extracts):
    frame, _ = read_indicator_table(extracts["iom"])
    wide = frame.pivot(index="period_label", columns="breakdown", values="value")
    assert len(wide) == 12  # 2018-19 Q1 to 2020-21 Q4
    assert set(frame["period_kind"].astype(str)) == {"quarter"}
    assert (wide["Strand: Generic"] + wide["Strand: Domestic abuse"] == wide["All"]).all()
    assert (wide["Status: In custody"] <= wide["All"]).all()


def test_hate_crime_victims_repeat_pattern(extracts):
    frame, quality = read_hate_crime_victims(extracts["hate_crime_victims"], wards=WARDS)
    assert quality.flagged["ward not in the area's ward list"] == 0
    assert quality.flagged["no ward"] == 0
    frame["fy"] = [financial_year_of(m).label for m in frame["month"]]
    want = {
        # year: (victims, {crimes per victim: victims}, repeat victims, crimes, City Centre)
        "2018-19": (210, {1: 172, 2: 28, 3: 8, 4: 2}, 38, 260, 65),
        "2019-20": (220, {1: 180, 2: 30, 3: 8, 4: 2}, 40, 272, 68),
        "2020-21": (205, {1: 170, 2: 27, 3: 6, 5: 2}, 35, 252, 38),
    }
    for fy, (victims, pattern, repeats, crimes, city) in want.items():
        g = frame[frame["fy"] == fy]
        per_victim = g.groupby("victim_id").size()
        assert len(per_victim) == victims, fy
        assert per_victim.value_counts().sort_index().to_dict() == pattern, fy
        assert int((per_victim > 1).sum()) == repeats, fy
        assert len(g) == crimes, fy
        assert int((g["ward"] == "City Centre").sum()) == city, fy
    # 210 + 220 + 205 - 4 victims seen in both 2019-20 and 2020-21.
    assert frame["victim_id"].nunique() == 631
    years_per_id = frame.groupby("victim_id")["fy"].nunique()
    both = years_per_id[years_per_id > 1].index
    assert len(both) == 4
    assert set(frame[frame["victim_id"].isin(both)]["fy"]) == {"2019-20", "2020-21"}
    assert (frame[frame["victim_id"].isin(both)].groupby("victim_id").size() == 2).all()
    # A victim's crimes share one strand and fall on different days.
    assert (frame.groupby("victim_id")["strand"].nunique() == 1).all()
    assert not frame.duplicated(["victim_id", "date"]).any()


def test_config_entries(extracts):
    entries = config_entries(extracts)
    assert entries["tracker"] == {"2020-21 Q3": extracts["tracker_q3"],
                                  "2020-21 Q4": extracts["tracker_q4"]}
    assert entries["indicator_tables"] == [extracts["missing_persons"], extracts["suicide"],
                                           extracts["iom"]]
    assert (entries["targets"], entries["hate_crime_victims"]) == (
        extracts["targets"], extracts["hate_crime_victims"])
