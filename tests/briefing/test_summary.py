"""Tests for pccanalysis.briefing.summary: what a briefing opens with, taken from its sections."""

from __future__ import annotations

from pccanalysis.briefing.common import Section
from pccanalysis.briefing.context import HeadlineFigure
from pccanalysis.briefing.summary import MAX_CAVEATS, summarise

CARD = HeadlineFigure("All crime, this quarter", "\u221210%", "fell by 10%", "good",
                      "90 in 2020-21 Q4; 100 in 2019-20 Q4")
TARGET_ROW = {"Target": "Reduce crime by 10%", "Baseline": "2019-20", "Now": "2020-21",
              "Change": "\u221219.5%", "Needed by now": "\u22125%", "Status": "on track"}


def test_the_summary_lists_findings_targets_and_caveats_from_its_sections():
    headline = Section(headline=[CARD], findings=["Crime fell by 10%."],
                       caveats=["ASB figures for October 2020 appear incomplete."])
    chart = Section(findings=["Crime fell by 10%.", "ASB has risen in each of the last 6 months."],
                    caveats=["ASB figures for October 2020 appear incomplete. The chart shows "
                             "such months as hollow points."])
    left_out = Section(missing="No hate-crime victim extract is configured.",
                       findings=["never shown"])
    targets = Section(results={"rows": [TARGET_ROW]})
    summary = summarise([headline, chart, left_out], cards=headline, targets=targets,
                        caveats=[headline, chart])
    # each finding once, in the sections' order; a section left out adds nothing
    assert summary.findings == ["Crime fell by 10%.",
                                "ASB has risen in each of the last 6 months."]
    # the chart's copy of the same caveat (with its own words after it) is not repeated
    assert summary.caveats == ["ASB figures for October 2020 appear incomplete."]
    assert summary.targets == [{k: TARGET_ROW[k] for k in
                                ("Target", "Now", "Change", "Needed by now", "Status")}]
    html = summary.html()
    assert html.startswith('<div class="pcc-summary"><section class="pcc-panel"')
    assert ("<h3>What changed</h3><ul><li>Crime fell by 10%.</li><li>ASB has risen in each of "
            "the last 6 months.</li></ul><h3>Targets</h3><table><caption>Targets at a glance"
            in html)
    assert ('<h3>Read with care</h3><div class="pcc-caveat" role="note"><p>ASB figures for '
            "October 2020 appear incomplete.</p></div>") in html


def test_a_summary_with_nothing_changed_says_so_and_keeps_few_caveats():
    many = Section(caveats=[f"Caveat {i}." for i in range(MAX_CAVEATS + 2)])
    summary = summarise([Section()], caveats=[many])
    assert summary.caveats == [f"Caveat {i}." for i in range(MAX_CAVEATS)]
    html = summarise([Section()]).html()
    assert "<p>No figure in this briefing changed by more than chance would explain.</p>" in html
    assert "Targets" not in html and "Read with care" not in html and "pcc-panel" not in html
