"""Tests for pccanalysis.publish.fingerprint: what a briefing was made from, and what changed."""

from __future__ import annotations

import json

from pccanalysis.config import Area
from pccanalysis.publish.fingerprint import changes, fingerprint, read_fingerprint

AREA = Area(name="Derby", csps=("Derby",))
INPUTS = [{"path": "police-uk/2024-12.zip", "sha256": "aa"},
          {"path": "local/tracker-Q3.xlsx", "sha256": "bb"}, {"path": "pcc.yaml", "sha256": "cc"}]


def made(inputs=INPUTS, notebook_sha="nn", area=AREA, quarter="2024-25 Q3", version="0.1.0"):
    return fingerprint(inputs, notebook_sha, "quarterly_performance", area, quarter, version)


def test_the_same_inputs_give_the_same_fingerprint_and_no_change():
    assert made() == made()
    assert changes(made(), made()) == []
    assert made()["inputs"]["quarterly_performance.ipynb"] == "nn"


def test_each_change_is_named():
    edited = [dict(i) for i in INPUTS]
    edited[1]["sha256"] = "b2"
    assert changes(made(), made(edited)) == ["tracker-Q3.xlsx changed"]
    more = INPUTS + [{"path": "police-uk/2025-01.zip", "sha256": "dd"}]
    assert changes(made(), made(more)) == ["2025-01.zip is new"]
    assert changes(made(more), made()) == ["2025-01.zip is no longer an input"]
    assert changes(made(), made(notebook_sha="n2")) == ["quarterly_performance.ipynb changed"]
    assert changes(made(), made(version="0.2.0")) == ["pccanalysis 0.1.0 -> 0.2.0"]
    wider = Area(name="Derby", csps=("Derby", "Erewash"))
    assert changes(made(), made(area=wider)) == [
        "its geography changed (kind csp, members Derby -> kind csp, members Derby, Erewash)"]


def test_many_changed_files_are_counted():
    edited = [{"path": f"police-uk/2024-{m:02d}.csv", "sha256": "x"} for m in range(1, 7)]
    again = [dict(i, sha256="y") for i in edited]
    assert changes(made(edited), made(again)) == [
        "2024-01.csv, 2024-02.csv, 2024-03.csv and 3 more changed"]


def test_a_briefing_without_a_fingerprint_is_out_of_date(tmp_path):
    assert changes(None, made()) == [
        "it was made before runs recorded what a briefing was made from"]
    record = tmp_path / "quarterly_performance.json"
    assert read_fingerprint(record) is None
    record.write_text(json.dumps({"short_id": "12345678"}))
    assert read_fingerprint(record) is None
    record.write_text(json.dumps({"fingerprint": made()}))
    assert read_fingerprint(record) == made()
