"""Tests for pccanalysis.publish.tables: a page's tables as an Excel workbook and CSV files.

The page is hand-made in the markup the briefings use (a captioned table, a change table named
by its section, a suppressed table with its note, a RAG cell), so each expected cell is read
off the page by eye.
"""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from pccanalysis.publish.export import BriefingMeta
from pccanalysis.publish.tables import (
    Cell,
    headline_table,
    read_tables,
    write_csvs,
    write_workbook,
)

PAGE = """<html><body><nav><h2>Contents</h2></nav><main class="pcc-body">
<h2 id="Crime-types" class="pcc-section">Crime types</h2>
<table class="pcc-change"><thead><tr><th scope="col">Category</th>
<th class="num" scope="col">2019-20 Q4</th><th class="num" scope="col">Change</th>
<th class="num" scope="col">95% interval</th><th scope="col">Verdict</th></tr></thead>
<tbody><tr><th scope="row">Anti-social behaviour</th><td class="num">1,575</td>
<td class="num">+35.4%</td><td class="num">+23.6% to +48.4%</td><td>rose</td></tr>
<tr><th scope="row">=HYPERLINK("x")</th><td class="num">77</td><td class="num">\u22122%</td>
<td class="num"></td><td>similar</td></tr></tbody></table>
<h2>Hate crime</h2>
<table class="pcc-suppressed"><caption>Hate-crime records by ward: Abbey / Castle [2020-21 Q4]</caption>
<thead><tr><th scope="col">Ward</th><th scope="col" class="num">Race</th></tr></thead>
<tbody><tr><th scope="row">Abbey</th><td class="suppressed">[c]</td></tr>
<tr><th scope="row">Castle</th><td class="num">12</td></tr></tbody>
<tfoot><tr><td colspan="2">[c] = fewer than 5; hidden to protect the people counted.</td></tr></tfoot>
</table>
<table><thead><tr><th>No.</th><th>Status</th></tr></thead><tbody><tr><td>3</td>
<td class="pcc-rag" style="background-color:#009E73;color:#000000">Green</td></tr>
<tr><td>4</td><td><p>Update one.</p><ul><li>first</li><li>second</li></ul></td></tr></tbody></table>
</main><footer><table><tr><td>not in main</td></tr></table></footer></body></html>"""

META = BriefingMeta(title="Quarterly performance", organisation="Northbridge CSP",
                    area="Northbridge", quarter="2020-21 Q4", period="January to March 2021",
                    protective_marking="OFFICIAL-SENSITIVE", synthetic=True, short_id="abcd1234")


def test_tables_are_read_with_names_headers_and_notes():
    tables = read_tables(PAGE)
    assert [t.name for t in tables] == [
        "Crime types", "Hate-crime records by ward: Abbey / Castle [2020-21 Q4]", "Hate crime"]
    crime = tables[0]
    assert [c.text for c in crime.header[0]] == [
        "Category", "2019-20 Q4", "Change", "95% interval", "Verdict"]
    assert [c.value for c in crime.body[0]] == [
        "Anti-social behaviour", 1575, 0.354, "+23.6% to +48.4%", "rose"]
    assert [c.value for c in crime.body[1]][1:3] == [77, -0.02]
    assert crime.body[1][3].value is None
    hate = tables[1]
    assert hate.body[0][1].suppressed and hate.body[0][1].value == "[c]"
    assert hate.notes == ["[c] = fewer than 5; hidden to protect the people counted."]
    plan = tables[2]
    assert plan.body[0][0].value == "3"  # not marked a number on the page: stays text
    assert plan.body[0][1].fill == "009E73"
    assert plan.body[1][1].text == "Update one.\nfirst\nsecond"


@pytest.mark.parametrize(("text", "value", "fmt"), [
    ("1,575", 1575, "#,##0"), ("12", 12, "#,##0"), ("12.50", 12.5, "#,##0.00"),
    ("+35.4%", 0.354, "+0.0%;-0.0%;0.0%"), ("\u221219.5%", -0.195, "+0.0%;-0.0%;0.0%"),
    ("5%", 0.05, "0%"), ("+1,234.5%", 12.345, "+#,##0.0%;-#,##0.0%;#,##0.0%"),
    ("n/a", "n/a", None), ("+23.6% to +48.4%", "+23.6% to +48.4%", None),
])
def test_numbers_as_the_page_shows_them(text, value, fmt):
    cell = Cell(text, numeric=True)
    assert cell.value == pytest.approx(value) if isinstance(value, float) else cell.value == value
    assert cell.number_format == fmt


def test_the_workbook(tmp_path):
    path = tmp_path / "quarterly_performance.xlsx"
    tables = [headline_table([{"label": "All crime, this quarter", "value": "4,812",
                               "verdict": "fell 12%", "detail": "January to March 2021"}])]
    write_workbook(tables + read_tables(PAGE), path, META)
    book = load_workbook(path)
    assert book.sheetnames == ["Contents", "Headline figures", "Crime types",
                               "Hate-crime records by ward Abbe", "Hate crime"]
    contents = book["Contents"]
    assert contents["A1"].value == "Quarterly performance"
    assert contents["A4"].value == "OFFICIAL-SENSITIVE: not for publication"
    assert contents["A5"].value.startswith("SYNTHETIC DATA")
    assert [c.value for c in contents[11]] == [
        "Hate-crime records by ward Abbe", "Hate-crime records by ward: Abbey / Castle [2020-21 Q4]"]
    headline = book["Headline figures"]
    assert [c.value for c in headline[5]] == ["All crime, this quarter", 4812, "fell 12%",
                                              "January to March 2021"]
    crime = book["Crime types"]
    assert crime["A1"].value == "Crime types"
    assert crime["A2"].value == ("Northbridge, 2020-21 Q4 (January to March 2021). "
                                 "OFFICIAL-SENSITIVE. SYNTHETIC DATA.")
    assert [c.value for c in crime[4]] == [
        "Category", "2019-20 Q4", "Change", "95% interval", "Verdict"]
    row = crime[5]
    assert row[1].value == 1575 and row[1].data_type == "n" and row[1].number_format == "#,##0"
    assert row[2].value == pytest.approx(0.354)
    assert row[2].number_format == "+0.0%;-0.0%;0.0%"
    # A label that looks like a formula is kept as text, never run.
    assert crime["A6"].value == '=HYPERLINK("x")' and crime["A6"].data_type == "s"
    assert crime.freeze_panes == "A5"
    assert crime.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert crime.oddFooter.right.text == "Page &P of &N"
    hate = book["Hate-crime records by ward Abbe"]
    assert hate["B5"].value == "[c]" and hate["B5"].data_type == "s"
    assert hate["B6"].value == 12
    assert hate["A8"].value == "[c] = fewer than 5; hidden to protect the people counted."
    assert book["Hate crime"]["B5"].fill.fgColor.rgb == "00009E73"


def test_the_csv_files(tmp_path):
    paths = write_csvs(read_tables(PAGE), tmp_path)
    assert [p.name for p in paths] == [
        "01-crime-types.csv", "02-hate-crime-records-by-ward-abbey-castle-2020-21.csv",
        "03-hate-crime.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 for Excel
    with open(paths[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["Category", "2019-20 Q4", "Change", "95% interval", "Verdict"],
                    ["Anti-social behaviour", "1575", "+35.4%", "'+23.6% to +48.4%", "rose"],
                    ["'=HYPERLINK(\"x\")", "77", "-2%", "", "similar"]]
    with open(paths[1], encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[2:] == [
            ["Castle", "12"], ["[c] = fewer than 5; hidden to protect the people counted."]]
