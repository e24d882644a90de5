"""Every briefing the sample produces, read as the board reads it: its tables add up to the
figures beside them, its SPC sentences agree with their charts, its cards with their sentences.

The sample quarter is run once per session (the quarter_run fixture, tests/conftest.py); the
library's own results for the same quarter are computed here and compared with what the pages
show.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from consistency import card_disagreements, spc_disagreements

from pccanalysis.briefing.common import ASB, data_gaps
from pccanalysis.briefing.hate_crime import hate_crime
from pccanalysis.briefing.needs import long_run_trend, needs_headline
from pccanalysis.briefing.quarterly import performance_headline, performance_trend

pytestmark = pytest.mark.slow

PERIOD = re.compile(r"^\d{4}-\d{2}( Q\d)?( excluding .*)?$")


class Tables(HTMLParser):
    """Every table of a page: its class, and its rows as (row class, [cell texts])."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append((attrs.get("class", ""), []))
        elif tag in ("td", "th") and self.tables and self.tables[-1]["rows"]:
            self._cell = []

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1][1].append("".join(self._cell).strip())
            self._cell = None


def number(text: str) -> int:
    return int(text.replace(",", "").replace("\u2212", "-"))


def count_columns(header: list[str]) -> list[int]:
    """The columns holding counts: those headed by a period, or "Crimes, <period>"."""
    return [i for i, h in enumerate(header)
            if PERIOD.match(h) or h.startswith("Crimes, ") or h == "Total"]


def reconciled(table: dict) -> list[tuple[str, int, int]]:
    """Check one table with a total row: the rows above it add up to it, the difference rows
    take it to the headline row. Returns (label, previous, current) of the row the table ends
    with (the headline row, else the total), for comparing with the library's figure."""
    header, *rows = table["rows"]
    columns = count_columns(header[1])
    total = [cells for cls, cells in rows if cls == "pcc-total"]
    assert len(total) == 1, table
    at = next(i for i, (cls, _) in enumerate(rows) if cls == "pcc-total")
    above = [cells for cls, cells in rows[:at] if not cls.startswith("pcc-")]
    for i in columns:
        assert sum(number(c[i]) for c in above if c[i]) == number(total[0][i]), (header, i)
    diffs = [cells for cls, cells in rows if cls == "pcc-difference"]
    ends = [cells for cls, cells in rows if cls == "pcc-headline"] or total
    for i in columns:
        assert number(total[0][i]) + sum(number(d[i]) for d in diffs) == number(ends[0][i])
    return [ends[0][0], *[number(ends[0][i]) for i in columns]]


def test_every_count_table_adds_up_to_the_headline(quarter_pages, quarter_data, quarter_run):
    quarter = quarter_run.plan.quarter
    gaps = data_gaps(quarter_data)
    heads = performance_headline(quarter_data, quarter, gaps).results
    crime, asb = heads["All crime this quarter"], heads["ASB this quarter"]
    tables = Tables(quarter_pages["quarterly_performance"]).tables
    change_tables = [t for t in tables if t["class"] == "pcc-change"]
    assert len(change_tables) == 2  # crime types, wards
    for table in change_tables:
        label, previous, current = reconciled(table)
        # ... and that figure is the headline's crime count for the quarter
        assert (previous, current) == (crime.previous, crime.current), label
    # ASB, under the crime-type table's total, is the ASB headline's count
    asb_rows = [c for _, c in change_tables[0]["rows"] if c[0].startswith(ASB)]
    columns = count_columns(change_tables[0]["rows"][0][1])
    assert [number(asb_rows[0][i]) for i in columns] == [asb.previous, asb.current]
    # each count has its rate per 1,000 residents beside it, totals included
    for table in change_tables:
        header = table["rows"][0][1]
        assert [header[i + 1] for i in columns] == ["Per 1,000 residents"] * 2, header
        total = next(c for cls, c in table["rows"] if cls == "pcc-total")
        assert all(re.fullmatch(r"[\d.,]+ \([\d.,]+ to [\d.,]+\)", total[i + 1])
                   for i in columns), total
    # the hate-crime ward by strand table: records taken to the incidents the sentence counts
    incidents = hate_crime(quarter_run.plan.config, quarter_data, quarter).results["incidents"]
    suppressed = [t for t in tables if t["class"] == "pcc-suppressed"][0]
    headline = [c for cls, c in suppressed["rows"] if cls == "pcc-headline"][0]
    records = [c for cls, c in suppressed["rows"] if c and c[0] == "Total"][0]
    diffs = [c for cls, c in suppressed["rows"] if cls == "pcc-difference"]
    assert number(records[-1]) + sum(number(d[-1]) for d in diffs) == number(headline[-1])
    assert number(headline[-1]) == incidents.current
    # missing persons: each breakdown's parts add up to All
    missing = [t for t in tables if t["rows"] and t["rows"][0][1][:1] == ["Reports"]][0]
    header, *rows = missing["rows"]
    by = {c[0]: (number(c[1]), number(c[2])) for _, c in rows}
    for dimension in {k.split(": ")[0] for k in by if ": " in k}:
        parts = [v for k, v in by.items() if k.startswith(dimension + ": ")]
        assert tuple(map(sum, zip(*parts, strict=True))) == by["All"], dimension


def test_every_spc_sentence_agrees_with_its_chart(quarter_pages, quarter_data, quarter_run):
    quarter, config = quarter_run.plan.quarter, quarter_run.plan.config
    gaps = data_gaps(quarter_data)
    charts = [("quarterly_performance", performance_trend(config, quarter_data, quarter, w, gaps))
              for w in ("All crime", ASB)]
    charts += [("needs_assessment", long_run_trend(config, quarter_data, quarter, w, gaps))
               for w in ("All crime", "Violence and sexual offences", "Burglary", ASB)]
    for page, section in charts:
        sentence = section.sentences[-1]
        assert html.escape(sentence) in quarter_pages[page], sentence
        assert spc_disagreements(sentence, section.results["spc"]) == [], sentence


def test_every_card_agrees_with_its_sentence(quarter_pages, quarter_data, quarter_run):
    gaps = data_gaps(quarter_data)
    for page, section in (("quarterly_performance", performance_headline(quarter_data, quarter_run.plan.quarter,
                                                                         gaps)),
                          ("needs_assessment", needs_headline(quarter_data, quarter_run.plan.quarter, gaps))):
        for card, sentence in zip(section.headline, section.sentences, strict=True):
            assert card_disagreements(card, sentence) == [], (card, sentence)
            assert html.escape(sentence) in quarter_pages[page]
