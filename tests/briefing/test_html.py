"""Tests for pccanalysis.briefing.html: the tracker table and status key, accessible and safe;
the change table."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from briefing.frames import wards_frame

from pccanalysis.briefing.html import (
    RAG_COLOURS,
    TRACKER_CSS,
    CountRow,
    change_table_html,
    rag_cell,
    render_movement_table,
    render_status_key,
    render_tracker_table,
    simple_table_html,
)
from pccanalysis.indicators.change import change_by, same_quarter_last_year
from pccanalysis.indicators.delivery_plan import movement, overall_rating, status_key
from pccanalysis.periods import Quarter
from pccanalysis.safe_html import ALLOWED_TAGS

XSS_CORPUS = json.loads(
    (Path(__file__).parents[1] / "data" / "extracts" / "xss_corpus.json").read_text(encoding="utf-8")
)["payloads"]
TABLE_TAGS = {"table", "caption", "thead", "tbody", "tr", "th", "td", "div", "strong"}


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_on_known_values():
    # Black on white is the maximum, 21:1; a colour on itself is 1:1.
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("status", "minimum"),
    [
        # Worked by hand with the WCAG formula, black text (luminance 0):
        # #009E73: G 158/255=0.620 -> 0.342, B 115/255=0.451 -> 0.171;
        #   L = 0.7152*0.342 + 0.0722*0.171 = 0.257; (0.257+0.05)/0.05 = 6.1
        ("Green", 6.0),
        # #E69F00: R 230/255=0.902 -> 0.792, G 159/255=0.624 -> 0.347;
        #   L = 0.2126*0.792 + 0.7152*0.347 = 0.417; (0.417+0.05)/0.05 = 9.3
        ("Amber", 9.0),
        # #D55E00: R 213/255=0.835 -> 0.665, G 94/255=0.369 -> 0.112;
        #   L = 0.2126*0.665 + 0.7152*0.112 = 0.222; (0.222+0.05)/0.05 = 5.4
        ("Red", 5.3),
        ("Not started", 20.9),  # black on white, 21:1
    ],
)
def test_every_status_colour_meets_wcag_aa_contrast(status, minimum):
    fill, ink = RAG_COLOURS[status]
    assert contrast(fill, ink) >= minimum >= 4.5


def test_palette_is_okabe_ito():
    # Bluish green, orange and vermillion from Okabe & Ito's colour-universal-design palette.
    assert {RAG_COLOURS[s][0] for s in ("Green", "Amber", "Red")} == {
        "#009E73", "#E69F00", "#D55E00"}


def test_fills_differ_in_lightness_for_greyscale_print():
    # Amber is much lighter than Green and Red, and Not started is white, so the cells differ
    # even printed in black and white (and each carries its label anyway).
    lum = {s: relative_luminance(RAG_COLOURS[s][0]) for s in RAG_COLOURS}
    assert lum["Not started"] > lum["Amber"] > lum["Green"] > lum["Red"]


def test_rag_cell_has_text_label_and_print_colour():
    cell = rag_cell("Amber")
    assert cell == (
        '<td class="pcc-rag" style="background-color:#E69F00;color:#000000;'
        '-webkit-print-color-adjust:exact;print-color-adjust:exact">Amber</td>'
    )
    assert rag_cell(None) == "<td></td>"
    assert rag_cell("<b>odd</b>") == "<td>&lt;b&gt;odd&lt;/b&gt;</td>"


def tracker_frames(text: str = "<p>Fine.</p>", lead: str = "Force", deliverable: str = "Do it",
                   author: str = "AB", theme: str = "T1"):
    deliverables = pd.DataFrame(
        {
            "theme": [theme, theme, theme],
            "number": [1, 2, 3],
            "lead": [lead, "VRU", "CSP"],
            "deliverable": [deliverable, "Second", "Third"],
            "status": pd.Categorical(["Green", "Red", "Not started"],
                                     categories=["Green", "Amber", "Red", "Not started"]),
        }
    )
    updates = pd.DataFrame(
        {
            "theme": [theme, theme, theme],
            "number": [1, 1, 2],
            "date": pd.to_datetime(["2020-09-14", "2020-07-02", "2020-10-01"]),
            "author": [author, "CD", None],
            "text": [text, "Earlier update.", "Line one\nline two\n\n- a\n- b"],
        }
    )
    return deliverables, updates


class _Cells(HTMLParser):
    """Collects tags, attributes, and the text of each RAG cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.rag_texts: list[str] = []
        self._in_rag = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "pcc-rag" in (attrs.get("class") or ""):
            self._in_rag = True
            self.rag_texts.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_rag = False

    def handle_data(self, data):
        if self._in_rag:
            self.rag_texts[-1] += data


def parse(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    p.close()
    return p


def test_tracker_table_layout():
    d, u = tracker_frames()
    html = render_tracker_table(d, u, theme_titles={"T1": "Protecting people from harm"},
                                caption="Appendix A")
    assert html.startswith('<table class="pcc-tracker"><caption>Appendix A</caption>')
    assert '<th colspan="4" scope="colgroup">T1: Protecting people from harm</th>' in html
    # Updates oldest first, dated day.month.year as the office writes them.
    assert html.index("Update 02.07.20 CD:") < html.index("Update 14.09.20 AB:")
    assert "Update 01.10.20:" in html  # no author
    # The plain-text update becomes paragraphs and a list.
    assert "<p>Line one<br>line two</p><ul><li>a</li><li>b</li></ul>" in html
    cells = parse(html)
    assert cells.rag_texts == ["Green", "Red", "Not started"]
    # Deliverable 3 has no updates, so there are two update rows for three deliverables.
    assert html.count('<tr class="pcc-updates">') == 2


def test_every_coloured_cell_carries_its_label():
    d, u = tracker_frames()
    for html in (render_tracker_table(d, u), render_status_key(status_key(d))):
        cells = parse(html)
        coloured = [a for t, a in cells.tags if "background-color" in (a.get("style") or "")]
        assert len(coloured) == len(cells.rag_texts) >= 3
        assert all(t in RAG_COLOURS for t in cells.rag_texts)
        for attrs, text in zip(coloured, cells.rag_texts, strict=True):
            assert f"background-color:{RAG_COLOURS[text][0]}" in attrs["style"]


def test_updates_since_filters_old_updates():
    d, u = tracker_frames()
    html = render_tracker_table(d, u, updates_since="2020-07-01")
    assert "Update 02.07.20" in html
    html = render_tracker_table(d, u, updates_since="2020-08-01")
    assert "Update 02.07.20" not in html and "Update 14.09.20" in html


def test_status_key_table():
    d, _ = tracker_frames()
    html = render_status_key(status_key(d), rating=overall_rating(d))
    # 1 Green, 1 Red, 1 Not started of 3: Green 33% -> "poor" under the default rule.
    assert "<caption>Status key and results: overall rating poor</caption>" in html
    assert "Number &amp; %: 1/3 (33%)" in html
    assert "Number &amp; %: 0/3 (0%)" in html
    assert parse(html).rag_texts == ["Green", "Amber", "Red", "Not started"]


def test_css_is_optional_and_ours():
    d, u = tracker_frames()
    assert "<style>" not in render_tracker_table(d, u)
    assert render_tracker_table(d, u, include_css=True).startswith(f"<style>{TRACKER_CSS}</style>")
    assert "print-color-adjust: exact" in TRACKER_CSS


def test_movement_table():
    d, _ = tracker_frames()
    previous = d.assign(status=pd.Categorical(["Amber", "Red", "Green"],
                                              categories=["Green", "Amber", "Red", "Not started"]))
    html = render_movement_table(movement(previous, d), caption="Since last quarter")
    assert "status changed (improved)" in html
    assert "status changed (back to not started)" in html
    assert parse(html).rag_texts == ["Amber", "Green", "Green", "Not started"]


# ---------------------------------------------------------------------------------------------
# XSS corpus through the whole tracker table


def assert_table_is_safe(html: str) -> None:
    assert "<script" not in html.lower()
    assert not re.search(r"javascript\s*:", html, re.IGNORECASE) or _only_in_text(html)
    for tag, attrs in parse(html).tags:
        assert tag in TABLE_TAGS | ALLOWED_TAGS, f"tag {tag!r} survived"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name!r} survived"
            assert name in {"class", "style", "colspan", "scope", "href", "rel"}, name
            if name == "style":
                # Only our own fixed colour styles on RAG cells.
                assert "pcc-rag" in attrs.get("class", ""), attrs
                assert re.fullmatch(
                    r"background-color:#[0-9A-F]{6};color:#[0-9A-F]{6};"
                    r"(border:2px solid #000000;)?"
                    r"-webkit-print-color-adjust:exact;print-color-adjust:exact",
                    value,
                ), value
            if name == "href":
                assert value.lower().startswith(("http://", "https://", "mailto:")), value


def _only_in_text(html: str) -> bool:
    """'javascript:' may appear as visible text (escaped), never inside an attribute."""
    for _, attrs in parse(html).tags:
        for value in attrs.values():
            if value and re.search(r"javascript\s*:", value, re.IGNORECASE):
                return False
    return True


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_in_every_text_field_of_the_table(payload):
    legit = "<p>First paragraph.</p><ul><li>item one</li><li>item two</li></ul>"
    d, u = tracker_frames(text=legit + payload + "<p>Last paragraph.</p>", lead=payload,
                          deliverable=payload, author=payload, theme=payload)
    html = render_tracker_table(d, u, theme_titles={payload: payload}, caption=payload)
    assert_table_is_safe(html)
    # The legitimate structure around the payload survives.
    assert "<p>First paragraph.</p><ul><li>item one</li><li>item two</li></ul>" in html
    if payload.rstrip().endswith(">"):
        # (A tag left open, like '<img src="x" onerror="..."', swallows the text after it in
        # a browser too; the sanitiser reads it the same way and drops it.)
        assert "Last paragraph.</p>" in html
    assert parse(html).rag_texts == ["Green", "Red", "Not started"]
    moves = movement(d.assign(status="Amber"), d)
    assert_table_is_safe(render_movement_table(moves, caption=payload))
    assert_table_is_safe(render_status_key(status_key(d), rating=payload, caption=payload))


def test_change_table_signs_both_ends_of_a_rising_interval():
    # Moorside on its own: 15 -> 60, +300%. Clopper-Pearson for 60 of 75 is 0.6917 to 0.8835
    # (B(0.025; 60, 16), B(0.975; 61, 15)), a ratio of 2.243 to 7.585: +124.3% to +658.5%.
    frame = wards_frame()
    table = change_by(frame[frame["ward_name"] == "Moorside"],
                      same_quarter_last_year(Quarter(2020, 4)), "ward_name")
    html = change_table_html(table, "ward_name", "Ward")
    assert ('<td class="num">+300%</td><td class="num">+124.3% to +658.5%</td><td>rose</td>'
            in html)


def test_change_table_rates_beside_each_count():
    # Moorside: 15 crimes before over 2,000 residents, 60 now over 3,000. 15 / 2,000 x 1,000 =
    # 7.5; Byar (15 >= 10): 15 x (1 - 1/135 - 1.96 / (3 sqrt 15))^3 = 8.389 -> 4.2 per 1,000;
    # 16 x (1 - 1/144 + 1.96 / (3 sqrt 16))^3 = 24.74 -> 12.4. 60 / 3,000 x 1,000 = 20.0;
    # 60 x (1 - 1/540 - 1.96 / (3 sqrt 60))^3 = 45.78 -> 15.3; 61 x (1 - 1/549 + 1.96 /
    # (3 sqrt 61))^3 = 77.23 -> 25.7. The total row's 3 over 5,000 (under 10 events: exact) is
    # 0.6, chi2(0.025; 6) / 2 = 0.619 -> 0.1 and chi2(0.975; 8) / 2 = 8.767 -> 1.8.
    frame = wards_frame()
    table = change_by(frame[frame["ward_name"] == "Moorside"],
                      same_quarter_last_year(Quarter(2020, 4)), "ward_name")
    table = table.assign(previous_population=2000.0, current_population=3000.0)
    totals = [CountRow("total", "All", 3, 12, 5000.0, 5000.0), CountRow("difference", "x", 1, 1)]
    html = change_table_html(table, "ward_name", "Ward", totals=totals)
    assert html.count('<th scope="col" class="num pcc-rate-head">Per 1,000 residents</th>') == 2
    # the interval on a line of its own (class pcc-interval), the text still "7.5 (4.2 to 12.4)"
    assert ('<td class="num">15</td><td class="num">7.5<span class="pcc-interval"> (4.2 to 12.4)'
            '</span></td><td class="num">60</td><td class="num">20.0<span class="pcc-interval"> '
            '(15.3 to 25.7)</span></td>') in html
    assert ('<td class="num">3</td><td class="num">0.6<span class="pcc-interval"> (0.1 to 1.8)'
            '</span></td>') in html
    # a row without residents (the difference) has empty rate cells
    assert ('<td class="num">1</td><td class="num"></td><td class="num">1</td>'
            '<td class="num"></td>') in html
    # without population columns, no rate columns
    assert "Per 1,000" not in change_table_html(table.drop(columns=["previous_population",
                                                                   "current_population"]),
                                                "ward_name", "Ward")


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_in_the_change_suppressed_and_plain_tables(payload):
    # Every value the section tables show is escaped: the payload is text, never markup.
    frame = wards_frame()
    table = change_by(frame, same_quarter_last_year(Quarter(2020, 4)), "ward_name")
    table = table.assign(ward_name=payload, verdict=payload, previous_label=payload)
    html = change_table_html(table, "ward_name", payload, caption=payload)
    assert_table_is_safe(html)
    plain = pd.DataFrame({payload: [payload, None], "n": [1, 2]})
    assert_table_is_safe(simple_table_html(plain, payload, numeric=["n"]))
    for shown in (html, simple_table_html(plain, payload)):
        assert payload not in shown or not set("<>\"'&") & set(payload)
