"""Tests for pccanalysis.sources.tracker: three layouts, validation with exact messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.tracker.model import STATUS_DTYPE, Tracker, normalise_status
from pccanalysis.sources.tracker.read import check_tracker, read_tracker
from pccanalysis.sources.tracker.write import write_tracker

AS_OF = "2020-10-31"
DEL_HEADER = ["Theme", "No.", "Lead", "Deliverable", "Status"]
UPD_HEADER = ["Theme", "No.", "Date", "Author", "Update"]


def make_xlsx(path: Path, deliverables, updates=None, about=None, title_rows=()) -> Path:
    """A tracker workbook: optional title rows, then a header, then the rows given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliverables"
    for row in title_rows:
        ws.append(row)
    ws.append(DEL_HEADER)
    for row in deliverables:
        ws.append(row)
    if updates is not None:
        ws2 = wb.create_sheet("Updates")
        ws2.append(UPD_HEADER)
        for row in updates:
            ws2.append(row)
    if about is not None:
        ws3 = wb.create_sheet("About")
        ws3.append(["Field", "Value"])
        for row in about:
            ws3.append(row)
    wb.save(path)
    return path


GOOD_DELIVERABLES = [
    ["T1", 1, "CSP", "Map where young people feel unsafe after dark", "G"],
    ["T1", 2, "Force/VRU", "Review the use of stalking protection orders", "amber"],
    ["T1", 3, "VRU", "Pilot a mentoring scheme for excluded pupils", "White (NS)"],
]
GOOD_UPDATES = [
    ["T1", 1, dt.datetime(2020, 7, 20), "JB", "Walkabouts held in two wards.\n\nReport drafted."],
    ["T1", 1, "14/09/2020", "JB", "Report agreed by the steering group."],
    ["T1", 2, "8.9.20", "PK", "Legal advice awaited."],
]


def expected_tracker_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    deliverables = pd.DataFrame(
        {
            "theme": ["T1", "T1", "T1"],
            "number": [1, 2, 3],
            "lead": ["CSP", "Force/VRU", "VRU"],
            "deliverable": [
                "Map where young people feel unsafe after dark",
                "Review the use of stalking protection orders",
                "Pilot a mentoring scheme for excluded pupils",
            ],
            "status": pd.Categorical(["Green", "Amber", "Not started"], dtype=STATUS_DTYPE),
        }
    ).astype({"theme": "str", "number": "int64", "lead": "str", "deliverable": "str"})
    updates = pd.DataFrame(
        {
            "theme": ["T1", "T1", "T1"],
            "number": [1, 1, 2],
            "date": pd.to_datetime(["2020-07-20", "2020-09-14", "2020-09-08"]).astype(
                "datetime64[ns]"
            ),
            "author": ["JB", "JB", "PK"],
            "text": [
                "Walkabouts held in two wards.\n\nReport drafted.",
                "Report agreed by the steering group.",
                "Legal advice awaited.",
            ],
        }
    ).astype({"theme": "str", "number": "int64", "author": "str", "text": "str"})
    return deliverables, updates


# ---------------------------------------------------------------------------------------------
# The three layouts give the same frames


def test_xlsx_two_sheets(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        GOOD_DELIVERABLES,
        GOOD_UPDATES,
        about=[["Title", "Theme 1 delivery plan"], ["Quarter", "2020/21 Q2"]],
    )
    tracker, quality = read_tracker(path, as_of=AS_OF)
    want_d, want_u = expected_tracker_frames()
    pd.testing.assert_frame_equal(tracker.deliverables, want_d)
    pd.testing.assert_frame_equal(tracker.updates, want_u)
    assert tracker.quarter == "2020-21 Q2"
    assert tracker.title == "Theme 1 delivery plan"
    # 3 deliverable rows + 3 update rows, none blank.
    assert (quality.rows_read, quality.rows_kept, quality.excluded) == (6, 6, {})
    assert [f.path for f in quality.files] == [f"{path}:Deliverables", f"{path}:Updates"]
    assert [f.rows for f in quality.files] == [3, 3]


def test_csv_one_row_per_update(test_data):
    path = test_data / "extracts" / "tracker_small.csv"
    tracker, quality = read_tracker(path, quarter="2020-21 Q2", as_of=AS_OF)
    want_d, want_u = expected_tracker_frames()
    pd.testing.assert_frame_equal(tracker.deliverables, want_d)
    pd.testing.assert_frame_equal(tracker.updates, want_u)
    assert tracker.quarter == "2020-21 Q2"
    # 4 CSV records (the first spans three physical lines), all kept.
    assert (quality.rows_read, quality.rows_kept) == (4, 4)


def test_yaml(test_data):
    tracker, quality = read_tracker(test_data / "extracts" / "tracker_small.yaml", as_of=AS_OF)
    want_d, want_u = expected_tracker_frames()
    pd.testing.assert_frame_equal(tracker.deliverables, want_d)
    pd.testing.assert_frame_equal(tracker.updates, want_u)
    assert tracker.quarter == "2020-21 Q2"
    assert tracker.title == "Theme 1 delivery plan"
    # 3 deliverable entries + 3 update entries.
    assert (quality.rows_read, quality.rows_kept) == (6, 6)


def test_quarter_argument_overrides_file(test_data):
    tracker, _ = read_tracker(
        test_data / "extracts" / "tracker_small.yaml", quarter="2020-21 Q3", as_of=AS_OF
    )
    assert tracker.quarter == "2020-21 Q3"


def test_title_rows_above_header_and_blank_rows_accounted(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [GOOD_DELIVERABLES[0], [None] * 5, GOOD_DELIVERABLES[1]],
        [GOOD_UPDATES[0]],
        title_rows=[["POLICE AND CRIME DELIVERY PLAN"], [None], ["Status key"]],
    )
    tracker, quality = read_tracker(path, as_of=AS_OF)
    assert tracker.deliverables["number"].tolist() == [1, 2]
    # Deliverables sheet: 3 data rows below the header, one blank; Updates: 1 row.
    assert quality.rows_read == 4
    assert quality.rows_kept == 3
    assert quality.excluded == {"blank row": 1}


def test_merged_cell_continuation_rows_in_single_sheet(tmp_path):
    # No Deliverables sheet: the first sheet is read in the one-row-per-update layout.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Theme", "No", "Lead", "Deliverable", "RAG", "Date", "Author", "Update"])
    ws.append(["T2", 4, "OPCC", "Refresh the victims' code leaflet", "R", "2020-08-03", "SM", "a"])
    ws.append([None, None, None, None, None, "2020-09-03", "SM", "b"])
    wb.save(tmp_path / "single.xlsx")
    tracker, quality = read_tracker(tmp_path / "single.xlsx", as_of=AS_OF)
    assert tracker.deliverables["status"].tolist() == ["Red"]
    assert tracker.updates["text"].tolist() == ["a", "b"]
    assert tracker.updates["number"].tolist() == [4, 4]
    assert quality.rows_read == 2


@pytest.mark.parametrize(
    ("spelling", "status"),
    [
        ("G", "Green"),
        (" green ", "Green"),
        ("GREEN", "Green"),
        ("a", "Amber"),
        ("Amber", "Amber"),
        ("R", "Red"),
        ("red ", "Red"),
        ("NS", "Not started"),
        ("ns", "Not started"),
        ("Not Started", "Not started"),
        ("not  started", "Not started"),
        ("White (NS)", "Not started"),
        ("white(ns)", "Not started"),
        ("WHITE", "Not started"),
        ("Blue", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_status(spelling, status):
    assert normalise_status(spelling) == status


def test_round_trip_through_every_layout(tmp_path, test_data):
    tracker, _ = read_tracker(test_data / "extracts" / "tracker_small.yaml", as_of=AS_OF)
    for name in ("rt.xlsx", "rt.csv", "rt.yaml"):
        path = write_tracker(tracker, tmp_path / name)
        again, _ = read_tracker(path, quarter="2020-21 Q2", as_of=AS_OF)
        pd.testing.assert_frame_equal(again.deliverables, tracker.deliverables)
        pd.testing.assert_frame_equal(again.updates, tracker.updates)
        assert again.quarter == "2020-21 Q2"


def test_cp1252_csv_is_read_with_a_note(tmp_path):
    path = tmp_path / "win.csv"
    text = "Theme,No.,Lead,Deliverable,Status\nT1,1,CSP,Café outreach,G\n"
    path.write_bytes(text.encode("cp1252"))
    tracker, quality = read_tracker(path, as_of=AS_OF)
    assert tracker.deliverables["deliverable"].tolist() == ["Café outreach"]
    assert quality.notes == ["win.csv is not UTF-8; it was read as Windows-1252."]


def test_blank_lead_and_author_are_kept_and_flagged(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, None, "Something", "G"]],
        [["T1", 1, "2020-09-01", None, "text"]],
    )
    tracker, quality = read_tracker(path, as_of=AS_OF)
    assert tracker.deliverables["lead"].isna().tolist() == [True]
    assert quality.flagged == {
        "deliverable with no lead organisation": 1,
        "update with no author": 1,
    }


# ---------------------------------------------------------------------------------------------
# Every invalid case, with its exact message


def _error(path, **kw) -> str:
    with pytest.raises(DataError) as info:
        read_tracker(path, as_of=AS_OF, **kw)
    return str(info.value)


def test_unknown_status_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["T1", 1, "CSP", "Something", "Blue"]])
    assert _error(path) == (
        f"{path}, sheet 'Deliverables', row 2, column 'Status': unknown RAG status 'Blue'; "
        "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)."
    )


def test_unknown_status_csv_counts_physical_lines(tmp_path):
    # The first record's update spans lines 2-3, so the second record starts on line 4.
    path = tmp_path / "t.csv"
    path.write_text(
        "Theme,No.,Lead,Deliverable,Status,Date,Author,Update\n"
        'T1,1,CSP,Something,G,2020-09-01,AB,"two\nlines"\n'
        "T1,2,CSP,Else,Purple,,,\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 4, column 'Status': unknown RAG status 'Purple'; "
        "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)."
    )


def test_unknown_status_yaml_names_the_key_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "deliverables:\n"
        "  - theme: T1\n"
        "    number: 1\n"
        "    lead: CSP\n"
        "    deliverable: Something\n"
        "    status: Greenish\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 6, column 'status': unknown RAG status 'Greenish'; "
        "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)."
    )


def test_blank_status(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["T1", 1, "CSP", "Something", None]])
    assert _error(path) == (
        f"{path}, sheet 'Deliverables', row 2, column 'Status': the RAG status is blank; "
        "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted)."
    )


def test_duplicate_number_within_theme_xlsx(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [
            ["T1", 1, "CSP", "Something", "G"],
            ["T2", 1, "CSP", "Other theme, same number: fine", "G"],
            ["T1", 1, "VRU", "Something else", "A"],
        ],
    )
    assert _error(path) == (
        f"{path}, sheet 'Deliverables', row 4, column 'No.': deliverable number 1 appears "
        "twice in theme 'T1' (first at row 2)."
    )


def test_duplicate_number_within_theme_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "Theme,No.,Lead,Deliverable,Status\nT1,5,CSP,Something,G\nT1,5,VRU,Something else,A\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 3, column 'Deliverable': deliverable number 5 appears twice in theme "
        "'T1' with a different description (first at line 2)."
    )


def test_repeated_row_with_conflicting_status_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "Theme,No.,Lead,Deliverable,Status,Date,Author,Update\n"
        "T1,5,CSP,Something,G,2020-09-01,AB,one\n"
        "T1,5,CSP,Something,A,2020-09-02,AB,two\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 3, column 'Status': status 'A' differs from 'G' given for deliverable 5 "
        "of theme 'T1' at line 2."
    )


def test_duplicate_number_yaml(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "deliverables:\n"
        "  - {theme: T1, number: 2, lead: CSP, deliverable: A thing, status: G}\n"
        "  - {theme: T1, number: 2, lead: CSP, deliverable: Another, status: G}\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 3, column 'number': deliverable number 2 appears twice in theme 'T1' "
        "(first at line 2)."
    )


def test_update_dated_in_the_future(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, dt.datetime(2020, 11, 2), "AB", "Written ahead of time"]],
    )
    assert _error(path) == (
        f"{path}, sheet 'Updates', row 2, column 'Date': update dated 2020-11-02 is in the "
        "future (after the as-of date 2020-10-31)."
    )


def test_update_on_the_as_of_day_is_fine(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, dt.datetime(2020, 10, 31, 16, 30), "AB", "Written today"]],
    )
    tracker, _ = read_tracker(path, as_of=AS_OF)
    assert tracker.updates["date"].tolist() == [pd.Timestamp("2020-10-31")]


def test_as_of_defaults_to_today(tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, tomorrow.strftime("%d/%m/%Y"), "AB", "Too early"]],
    )
    with pytest.raises(DataError, match=rf"update dated {tomorrow:%Y-%m-%d} is in the future"):
        read_tracker(path)


def test_missing_deliverable_text(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["T1", 1, "CSP", None, "G"]])
    assert _error(path) == (
        f"{path}, sheet 'Deliverables', row 2, column 'Deliverable': the deliverable is blank: "
        "every row needs the deliverable's description."
    )


def test_update_for_a_deliverable_that_is_not_listed(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, "2020-09-01", "AB", "fine"], ["T1", 7, "2020-09-01", "AB", "orphan"]],
    )
    assert _error(path) == (
        f"{path}, sheet 'Updates', row 3, column 'No.': this update is for deliverable 7 of "
        "theme 'T1', which is not in sheet 'Deliverables'."
    )


def test_missing_required_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliverables"
    ws.append(["Theme", "No.", "Lead", "Deliverable"])
    ws.append(["T1", 1, "CSP", "Something"])
    wb.save(tmp_path / "t.xlsx")
    assert _error(tmp_path / "t.xlsx") == (
        f"{tmp_path / 't.xlsx'}, sheet 'Deliverables': the header (row 1) has no column for "
        "Status; the columns needed are Theme, No., Lead, Deliverable, Status."
    )


def test_unparseable_date(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, "31/13/2020", "AB", "text"]],
    )
    assert _error(path) == (
        f"{path}, sheet 'Updates', row 2, column 'Date': update date '31/13/2020' is not a "
        "date; write it like 2020-09-14 or 14/09/2020."
    )


def test_number_not_whole(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["T1", "1a", "CSP", "Something", "G"]])
    assert _error(path) == (
        f"{path}, sheet 'Deliverables', row 2, column 'No.': deliverable number '1a' is not a "
        "whole number."
    )


def test_blank_update_text(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [["T1", 1, "CSP", "Something", "G"]],
        [["T1", 1, "2020-09-01", "AB", None]],
    )
    assert _error(path) == (
        f"{path}, sheet 'Updates', row 2, column 'Update': the update text is blank."
    )


def test_unknown_yaml_key(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "deliverables:\n"
        "  - theme: T1\n"
        "    number: 1\n"
        "    lead: CSP\n"
        "    deliverable: Something\n"
        "    status: G\n"
        "    stauts: A\n",
        encoding="utf-8",
    )
    assert _error(path) == (
        f"{path}, line 7: unknown key 'stauts'; a deliverable has theme, number, lead, "
        "deliverable, status, updates."
    )


def test_yaml_key_written_twice(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("quarter: 2020-21 Q1\nquarter: 2020-21 Q2\ndeliverables: []\n")
    assert _error(path) == (
        f"{path}, line 2: key 'quarter' is written twice in the same block (first on line 1)."
    )


def test_bad_quarter_in_file(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("quarter: Q5 2020-21\ndeliverables: []\n")
    assert _error(path) == (
        f"{path}, column 'quarter': 'Q5 2020-21' is not a quarter: quarters run Q1 to Q4."
    )


def test_wrong_suffix(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("x")
    assert _error(path) == f"{path}: a tracker must be an .xlsx, .csv or .yaml file, not .txt."


def test_check_tracker_lists_every_problem_in_row_order(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        [
            ["T1", 1, "CSP", "Something", "Blue"],
            ["T1", 1, "CSP", None, "G"],
        ],
        [["T1", 1, "2021-01-01", "AB", "text"]],
    )
    problems = [str(p) for p in check_tracker(path, as_of=AS_OF)]
    assert problems == [
        f"{path}, sheet 'Deliverables', row 2, column 'Status': unknown RAG status 'Blue'; "
        "use Green, Amber, Red or Not started (G, A, R, NS and White (NS) are accepted).",
        f"{path}, sheet 'Deliverables', row 3, column 'Deliverable': the deliverable is blank: "
        "every row needs the deliverable's description.",
        f"{path}, sheet 'Deliverables', row 3, column 'No.': deliverable number 1 appears "
        "twice in theme 'T1' (first at row 2).",
        f"{path}, sheet 'Updates', row 2, column 'Date': update dated 2021-01-01 is in the "
        "future (after the as-of date 2020-10-31).",
    ]


def test_empty_tracker_has_typed_empty_frames(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [], [])
    tracker, quality = read_tracker(path, as_of=AS_OF)
    assert isinstance(tracker, Tracker)
    assert len(tracker.deliverables) == 0 and len(tracker.updates) == 0
    assert str(tracker.updates["date"].dtype) == "datetime64[ns]"
    assert quality.rows_read == 0
