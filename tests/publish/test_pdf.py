"""Tests for pccanalysis.publish.pdf: a briefing printed to an A4 PDF by headless Chromium.

Skipped, saying so, where /usr/bin/chromium is absent (.ci/run installs it).
"""

from __future__ import annotations

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from pccanalysis.publish.export import BriefingMeta, export_html
from pccanalysis.publish.pdf import PdfError, chromium, render_pdf

pytestmark = pytest.mark.skipif(
    chromium() is None, reason="headless Chromium is not installed (/usr/bin/chromium absent); "
    "install it with `apt-get install chromium` to test the PDFs")


def test_a4_with_the_marking_and_page_numbers_on_every_page(tmp_path):
    from pypdf import PdfReader

    # Three sections: each starts a printed page (the house stylesheet's print rules).
    nb = new_notebook(cells=[new_markdown_cell(f"## Section {i}\n\n" + "Words. " * 200)
                             for i in (1, 2, 3)])
    meta = BriefingMeta(title="Test briefing", organisation="Test CSP",
                        area="Area {with} url(x) \"quotes\"", quarter="2020-21 Q4",
                        period="January to March 2021", protective_marking="OFFICIAL-SENSITIVE")
    html = tmp_path / "page.html"
    export_html(nb, meta, html)
    size = render_pdf(html, tmp_path / "page.pdf")
    reader = PdfReader(tmp_path / "page.pdf")
    assert size == (tmp_path / "page.pdf").stat().st_size
    pages = len(reader.pages)
    assert pages >= 3
    for i, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
            210, 297)  # A4 in millimetres
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") >= 2, (i, text[:200])  # top and bottom
        assert f"Page {i} of {pages}" in text
    assert 'Area {with} url(x) "quotes", 2020-21 Q4' in reader.pages[0].extract_text()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_page_that_is_not_there_is_one_sentence(tmp_path):
    with pytest.raises(PdfError, match=r"Chromium could not print missing.html to PDF"):
        render_pdf(tmp_path / "missing.html", tmp_path / "missing.pdf")
    assert not (tmp_path / "missing.pdf").exists()
