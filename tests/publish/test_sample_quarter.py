"""The four briefing notebooks run by papermill on the synthetic sample, end to end.

The sample quarter (2020-21 Q4, the latest complete quarter of the sample) is made once per
test session (the quarter_run fixture, tests/conftest.py); every test here reads that run.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import nbformat
import pytest

from pccanalysis.briefing.delivery import delivery_plan
from pccanalysis.briefing.needs import needs_headline
from pccanalysis.briefing.quarterly import performance_headline
from pccanalysis.briefing.rates import with_rates
from pccanalysis.periods import Quarter
from pccanalysis.publish.export import MAX_BYTES, external_references

pytestmark = pytest.mark.slow

NAMES = ["quarterly_performance", "delivery_plan", "needs_assessment", "stop_and_search"]  # declared


class Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_every_notebook_ran(quarter_run):
    assert quarter_run.plan.quarter == Quarter(2020, 4)
    assert [(r.notebook, r.status) for r in quarter_run.results] == [(n, "ok") for n in NAMES], [
        (r.notebook, r.error) for r in quarter_run.failed]


def test_papermill_recorded_the_parameters(quarter_run):
    for name in NAMES:
        nb = nbformat.read(str(quarter_run.plan.quarter_dir / "Northbridge" / f"{name}.ipynb"), 4)
        params = nb.metadata["papermill"]["parameters"]
        assert params["quarter"] == "2020-21 Q4"
        assert params["area"] == "Northbridge"
        assert params["config_path"] == str(quarter_run.plan.config.path)
        assert set(params) == {"quarter", "area", "config_path", "output_dir"}


def test_pages_are_clean_self_contained_and_small(quarter_pages):
    for name, page in quarter_pages.items():
        assert "<script" not in page.lower(), name
        assert external_references(page) == [], name
        assert "In&nbsp;[" not in page and "jp-InputArea-editor" not in page, name
        assert "b.show(" not in page and "open_briefing" not in page, name
        assert "Traceback" not in page and "Warning" not in page, name
        assert '<div class="pcc-marking pcc-marking-top" role="note">OFFICIAL</div>' in page
        assert "<strong>SYNTHETIC DATA</strong>" in page
        assert '<nav class="pcc-contents"' in page
        assert len(page.encode("utf-8")) < MAX_BYTES, (name, len(page))
        images = [a for t, a in Tags(page).tags if t == "img"]
        assert images, name
        assert all(a.get("alt", "").strip() for a in images), name


def _cards_in(page: str, cards) -> None:
    for card in cards:
        # Each card's figure and finding are on the page, as the library computed them.
        assert f'<p class="pcc-card-value">{card.value}</p>' in page, card
        assert f'<p class="pcc-card-verdict">{card.verdict}</p>' in page, card


def test_quarterly_headline_is_the_librarys(quarter_run, quarter_pages, quarter_data):
    section = performance_headline(quarter_data, quarter_run.plan.quarter)
    assert [c.label for c in section.headline] == [
        "All crime, this quarter", "ASB, this quarter", "All crime, year to date",
        "ASB, year to date"]
    _cards_in(quarter_pages["quarterly_performance"], section.headline)
    for sentence in section.sentences:
        assert sentence in quarter_pages["quarterly_performance"]


def test_needs_headline_is_the_librarys(quarter_run, quarter_pages, quarter_data):
    section = needs_headline(quarter_data, quarter_run.plan.quarter)
    assert len(section.headline) == 3
    _cards_in(quarter_pages["needs_assessment"], section.headline)


def test_delivery_plan_headline_is_the_librarys(quarter_run, quarter_pages):
    plan = delivery_plan(quarter_run.plan.config, quarter_run.plan.quarter)
    _cards_in(quarter_pages["delivery_plan"], plan.summary.headline)
    # The sample has trackers for 2020-21 Q3 and Q4 (pccanalysis.sample.extracts), so the page
    # reports Q4 itself, with no fallback caveat, and its movement is measured from Q3: six
    # changes (3, 6, 7 and 13 changed status, 9 closed, 16 new).
    assert plan.summary.caveats == []
    assert "The latest delivery-plan tracker is for" not in quarter_pages["delivery_plan"]
    assert "6 deliverables changed since 2020-21 Q3." in quarter_pages["delivery_plan"]
    assert "Changes since 2020-21 Q3" in quarter_pages["delivery_plan"]
    assert "2 deliverables have no update dated in 2020-21 Q4 or later." in quarter_pages["delivery_plan"]


def test_stop_and_search_is_the_librarys(quarter_run, quarter_pages):
    from pccanalysis.briefing import stop_and_search

    config = quarter_run.plan.config
    quarter_data = stop_and_search.load_searches(config, "Northbridge")
    page = quarter_pages["stop_and_search"]
    head = stop_and_search.headline(config, quarter_data, quarter_run.plan.quarter)
    assert [c.label for c in head.headline] == [
        "Searches, this quarter", "Find rate", "Searches of children", "Black people searched"]
    _cards_in(page, head.headline)
    for section in (stop_and_search.outcomes(config, quarter_data, quarter_run.plan.quarter),
                    stop_and_search.ethnicity(config, quarter_data, quarter_run.plan.quarter)):
        for sentence in section.sentences:
            assert sentence in html.unescape(page)
    assert "Searches per 1,000 residents by ethnic group, 2020-21 Q4" in page


def test_manifest_carries_each_briefings_figures_and_data_quality(quarter_run, quarter_data):
    manifest = json.loads((quarter_run.plan.quarter_dir / "manifest.json").read_text())
    by_name = {b["notebook"]: b for b in manifest["briefings"]}
    assert set(by_name) == set(NAMES)
    qp = by_name["quarterly_performance"]
    section = with_rates(quarter_run.plan.config, quarter_data, quarter_run.plan.quarter,
                         performance_headline(quarter_data, quarter_run.plan.quarter))
    expected = [vars(c) for c in section.headline]
    assert qp["headline"] == expected
    street = qp["data_quality"]["data.police.uk street"]
    assert street["rows_read"] == quarter_data.quality[0].rows_read
    assert street["rows_read"] == street["rows_kept"] + sum(street["excluded"].values())
    assert "placing rows in Northbridge" in qp["data_quality"]
    assert "hate-crime victim extract" in " ".join(qp["data_quality"])
    # Every briefing's footer shows the run's short id.
    for name in NAMES:
        page = (quarter_run.plan.quarter_dir / "Northbridge" / f"{name}.html").read_text()
        assert re.search(rf'<code class="pcc-id">{manifest["short_id"]}</code>', page)


def test_suppressed_cells_are_marked(quarter_pages):
    page = quarter_pages["quarterly_performance"]
    table = re.search(r'<table class="pcc-suppressed">.*?</table>', page, re.DOTALL).group(0)
    assert '<td class="suppressed">[c]</td>' in table
    assert "[c] = fewer than 5" in table



def test_the_run_log_has_no_papermill_warning(quarter_run):
    log = (quarter_run.plan.quarter_dir / "run.log").read_text()
    assert "ok     Northbridge / quarterly_performance" in log
    assert not [line for line in log.splitlines() if " WARNING " in line], log
    # The police rows were placed once, for the briefings that load the area.
    assert re.search(r"placed 128229 police rows once for 2 briefings in [\d.]+ s", log)
    assert "Unable to parse line" not in log and "Passed unknown parameter" not in log


def test_every_briefing_has_its_exports(quarter_run):
    from openpyxl import load_workbook

    folder = quarter_run.plan.quarter_dir / "Northbridge"
    for name in NAMES:
        book = load_workbook(folder / f"{name}.xlsx")
        assert book.sheetnames[:2] == ["Contents", "Headline figures"], name
        assert book["Contents"]["A5"].value.startswith("SYNTHETIC DATA")
        headline = book["Headline figures"]
        assert [c.value for c in headline[4]] == ["Figure", "Value", "Finding", "Detail"]
        csvs = sorted((folder / name / "tables").glob("*.csv"))
        assert len(csvs) == len(book.sheetnames) - 1, name
        charts = sorted((folder / name / "charts").iterdir())
        assert charts and {p.suffix for p in charts} == {".png", ".svg"}, name
        record = json.loads((folder / f"{name}.json").read_text())
        assert record["charts"] and len(record["charts"]) * 2 == len(charts)
        assert set(record["exports"]) >= {f"{name}.xlsx", *(f"{name}/tables/{p.name}"
                                                             for p in csvs)}


def test_the_quarterly_workbook_matches_the_page(quarter_run, quarter_pages):
    from openpyxl import load_workbook

    book = load_workbook(quarter_run.plan.quarter_dir / "Northbridge" / "quarterly_performance.xlsx")
    # One sheet per table of the page, in its order, each named by its caption: the summary's
    # targets table, the targets section's own, crime types, wards, outcomes, hate crime,
    # missing persons.
    assert book.sheetnames == ["Contents", "Headline figures", "Targets at a glance",
                               "Partnership targets", "Crime types", "Wards",
                               "Outcomes of crimes recorded in ",
                               "Hate-crime strand records by wa",
                               "Missing-person reports, 2020-21"]
    wards = book["Wards"]
    header = [c.value for c in wards[4]]
    assert header == ["Ward", "2019-20 Q4", "Per 1,000 residents", "2020-21 Q4",
                      "Per 1,000 residents", "Change", "95% interval", "Verdict"]
    # The first ward row, as the page shows it (a number is a number; a change a fraction; a
    # rate with its interval is text, as on the page).
    first = re.search(r'<th scope="col">Ward</th>.*?<tbody><tr><th scope="row">([^<]+)</th>'
                      r'<td class="num">([\d,]+)</td><td class="num">([^<]+)<span '
                      r'class="pcc-interval">([^<]+)</span></td><td class="num">([\d,]+)</td>',
                      quarter_pages["quarterly_performance"], re.DOTALL)
    row = [c.value for c in wards[5]]
    assert row[:4] == [first.group(1), int(first.group(2).replace(",", "")),
                       first.group(3) + first.group(4), int(first.group(5).replace(",", ""))]
    assert isinstance(row[5], float) and wards.cell(5, 6).number_format.endswith("%")
    hate = book["Hate-crime strand records by wa"]
    cells = [c for row in hate.iter_rows(min_row=5) for c in row]
    hidden = [c for c in cells if c.value == "[c]"]
    assert hidden and all(c.data_type == "s" for c in hidden)
    assert any(str(c.value).startswith("[c] = fewer than 5") for c in cells)


def test_the_index_and_manifest_list_the_exports(quarter_run):
    page = (quarter_run.plan.quarter_dir / "index.html").read_text(encoding="utf-8")
    assert '<a href="Northbridge/quarterly_performance.xlsx">Excel</a>' in page
    assert re.search(r'<a href="Northbridge/quarterly_performance/tables/">\d+ CSV tables</a>',
                     page)
    assert re.search(r'<a href="Northbridge/needs_assessment/charts/">\d+ charts \(PNG, SVG\)'
                     r"</a>", page)
    assert "<dt>Areas</dt><dd>Northbridge</dd>" in page
    manifest = json.loads((quarter_run.plan.quarter_dir / "manifest.json").read_text())
    for b in manifest["briefings"]:
        assert f"Northbridge/{b['notebook']}.xlsx" in b["exports"]
        assert all((quarter_run.plan.quarter_dir / e).is_file() for e in b["exports"])


def test_the_pdfs_are_a4_with_the_marking_on_every_page(quarter_run):
    from pccanalysis.publish.pdf import chromium

    if chromium() is None:
        pytest.skip("headless Chromium is not installed (/usr/bin/chromium absent), so the "
                    "sample run made no PDF")
    from pypdf import PdfReader

    page = (quarter_run.plan.quarter_dir / "index.html").read_text(encoding="utf-8")
    for name in NAMES:
        assert f'<a href="Northbridge/{name}.pdf">PDF</a>' in page
        reader = PdfReader(quarter_run.plan.quarter_dir / "Northbridge" / f"{name}.pdf")
        n = len(reader.pages)
        assert n >= 2, name
        for i, p in enumerate(reader.pages, start=1):
            text = p.extract_text()
            assert text.count("OFFICIAL") >= 2 and f"Page {i} of {n}" in text, (name, i)
            assert "SYNTHETIC DATA" in text
