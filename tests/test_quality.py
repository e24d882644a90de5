"""The DataQuality record and the DataError sentence."""

from __future__ import annotations

import pytest

from pccanalysis.errors import DataError, PccError
from pccanalysis.quality import DataQuality, FileRecord


def test_accounting_ties_out_and_summarises_in_plain_english():
    dq = DataQuality("data.police.uk street", rows_read=10, rows_kept=7)
    dq.exclude("superseded by a later download of the same month", 3)
    dq.exclude("never used", 0)  # zero exclusions are not recorded
    dq.flag("no location", 2)
    dq.files.append(FileRecord("2020-04/2020-04-x-street.csv", rows=10, month="2020-04"))
    assert dq.check() is dq
    assert dq.rows_excluded == 3
    assert dq.summary_lines() == [
        "data.police.uk street: 10 rows read from 1 file; 7 used.",
        "3 rows not used: superseded by a later download of the same month.",
        "2 rows used but flagged: no location.",
    ]
    dq.flag("one odd row", 1)
    assert dq.summary_lines()[-1] == "1 row used but flagged: one odd row."
    d = dq.to_dict()
    assert d["excluded"] == {"superseded by a later download of the same month": 3}
    assert d["files"][0]["month"] == "2020-04"


def test_accounting_that_does_not_tie_out_is_an_error():
    dq = DataQuality("x", rows_read=10, rows_kept=8)
    dq.exclude("bad", 1)
    with pytest.raises(PccError, match="10 read, 8 kept, 1 excluded"):
        dq.check()


def test_data_error_is_one_sentence_naming_file_line_and_column():
    err = DataError("'20-04' is not a month written as YYYY-MM", file="a.csv", line=7, column="Month")
    assert str(err) == "a.csv, line 7, column 'Month': '20-04' is not a month written as YYYY-MM."
    assert (err.file, err.line, err.column) == ("a.csv", 7, "Month")
    xl = DataError("unknown status 'Purple'", file="t.xlsx", sheet="Deliverables", row=4, column="Status")
    assert str(xl) == "t.xlsx, sheet 'Deliverables', row 4, column 'Status': unknown status 'Purple'."
    assert str(DataError("nothing to read.")) == "nothing to read."
    assert isinstance(err, ValueError) and isinstance(err, PccError)
