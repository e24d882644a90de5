"""Tests for pccanalysis.publish.export: one self-contained HTML page per executed notebook.

The executed notebooks here are written by hand (outputs included), so no kernel is needed.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pccanalysis.publish.export import (
    BriefingMeta,
    add_contents,
    export_html,
    external_references,
    format_generated,
)
from pccanalysis.sources.attribution import OGL_ATTRIBUTION, ONS_ATTRIBUTION

# A 1x1 transparent PNG.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d2a0b60000000049454e44ae426082"
)).decode()


def executed_notebook(cell_ids: str = "a") -> nbformat.NotebookNode:
    nb = new_notebook()
    params = new_code_cell('quarter = "2020-21 Q4"', execution_count=1)
    params.metadata["tags"] = ["parameters"]
    chart = new_code_cell("b.show_figure(fig)", execution_count=2, outputs=[
        new_output("stream", name="stderr", text="FutureWarning: noisy\n"),
        new_output("display_data", data={"image/png": PNG},
                   metadata={"image/png": {"alt": 'Crime fell in 11 of 12 wards; "Dales" rose.',
                                           "width": 576}}),
    ])
    table = new_code_cell("b.show_html(table)", execution_count=3, outputs=[
        new_output("display_data", data={"text/html": '<table><tr><td class="num">1,234</td>'
                                                      "</tr></table>",
                                         "text/plain": "<IPython.core.display.HTML object>"}),
    ])
    printed = new_code_cell("print('hello board')", execution_count=4, outputs=[
        new_output("stream", name="stdout", text="hello board\n"),
    ])
    nb.cells = [
        new_markdown_cell("# Quarterly performance\n\nCrime *fell*; it cost $5 and $x$."),
        params,
        new_markdown_cell("## Crime and ASB"),
        chart,
        new_markdown_cell("## Wards & places"),
        table,
        printed,
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{cell_ids}{i}"
    return nb


META = BriefingMeta(
    title="Quarterly performance", organisation="Northbridge CSP", area="Northbridge",
    quarter="2020-21 Q4", period="January to March 2021", protective_marking="OFFICIAL-SENSITIVE",
    public=False, synthetic=True, generated=datetime(2021, 5, 3, 9, 41, 7), short_id="1a2b3c4d",
    sources=("Police recorded crime: data.police.uk street-level files.",),
    attributions=(OGL_ATTRIBUTION, ONS_ATTRIBUTION),
)


@pytest.fixture(scope="module")
def page() -> str:
    return export_html(executed_notebook(), META)


def test_no_code_no_prompts_no_scripts(page):
    assert "show_figure" not in page and "quarter = " not in page and "print(" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "jp-InputArea-editor" not in page
    assert "<script" not in page.lower()
    # stdout is shown, stderr (warnings) is not.
    assert "hello board" in page
    assert "FutureWarning" not in page


def test_self_contained(page):
    assert external_references(page) == []
    # A Content-Security-Policy forbids any request that might slip in.
    assert "default-src 'none'; img-src data:" in page
    # Links out are kept (tracker updates); their host names are not looked up in advance.
    assert {"http-equiv": "x-dns-prefetch-control", "content": "off"} in Elements(page).of("meta")
    assert "fonts.googleapis" not in page and "cdnjs" not in page and "mathjax" not in page.lower()


def test_header_marking_synthetic_banner_and_footer(page):
    assert '<div class="pcc-marking pcc-marking-top" role="note">OFFICIAL-SENSITIVE</div>' in page
    assert '<div class="pcc-marking pcc-marking-bottom" role="note">OFFICIAL-SENSITIVE</div>' in page
    assert '@top-center { content: "OFFICIAL-SENSITIVE"; }' in page
    assert "<strong>SYNTHETIC DATA</strong>" in page
    assert "<dt>Area</dt><dd>Northbridge</dd>" in page
    assert "<dt>Quarter</dt><dd>2020-21 Q4 (January to March 2021)</dd>" in page
    assert "<dt>Generated</dt><dd class=\"pcc-generated\">3 May 2021 at 09:41</dd>" in page
    assert "<dt>Publication</dt><dd>Not for publication</dd>" in page
    assert "<li>Police recorded crime: data.police.uk street-level files.</li>" in page
    assert ("Contains public sector information licensed under the Open Government Licence "
            "v3.0.") in page
    assert ("Source: Office for National Statistics licensed under the OGL v3.0; contains OS data "
            "(c) Crown copyright and database right.") in page
    assert '<code class="pcc-id">1a2b3c4d</code>' in page
    assert "<title>Quarterly performance: Northbridge, 2020-21 Q4 (OFFICIAL-SENSITIVE)</title>" in page


def test_no_banner_when_not_synthetic():
    from dataclasses import replace

    page = export_html(executed_notebook(), replace(META, synthetic=False, public=True))
    assert "SYNTHETIC DATA" not in page
    assert "<dt>Publication</dt><dd>May be published</dd>" in page


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes), attribute values unescaped."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def of(self, tag: str) -> list[dict]:
        return [a for t, a in self.found if t == tag]


def test_image_embedded_with_its_alt_text(page):
    imgs = Elements(page).of("img")
    assert len(imgs) == 1
    assert imgs[0]["src"] == f"data:image/png;base64,{PNG}"
    assert imgs[0]["alt"] == 'Crime fell in 11 of 12 wards; "Dales" rose.'
    assert imgs[0]["width"] == "576"


def test_contents_list_from_the_h2_headings(page):
    nav = re.search(r'<nav class="pcc-contents".*?</nav>', page, re.DOTALL).group(0)
    links = [a["href"] for a in Elements(nav).of("a")]
    texts = re.findall(r"<li><a [^>]*>([^<]+)</a></li>", nav)
    assert texts == ["Crime and ASB", "Wards &amp; places"]
    main = page[page.index('<main class="pcc-body">'):]
    sections = [h for h in Elements(main).of("h2") if "pcc-section" in h.get("class", "")]
    # Each listed link points at a section heading, in order; the first has no page break before.
    assert links == ["#" + h["id"] for h in sections]
    assert [h["class"].split()[-1] for h in sections] == ["pcc-first", "pcc-section"]


def test_markdown_rendered_without_mathjax(page):
    assert "Crime <em>fell</em>" in page
    assert "MathJax" not in page


def test_same_notebook_gives_the_same_page_whatever_the_cell_ids():
    # papermill gives its injected parameters cell a random id; the page must not change.
    assert export_html(executed_notebook("a"), META) == export_html(executed_notebook("zz"), META)


def test_written_atomically(tmp_path):
    target = tmp_path / "out" / "briefing.html"
    page = export_html(executed_notebook(), META, target)
    assert target.read_text(encoding="utf-8") == page
    assert [p.name for p in target.parent.iterdir()] == ["briefing.html"]


def test_format_generated():
    assert format_generated(datetime(2021, 5, 3, 9, 41)) == "3 May 2021 at 09:41"
    assert format_generated(datetime(2020, 12, 25, 23, 5)) == "25 December 2020 at 23:05"


def test_add_contents_gives_ids_to_headings_without_one():
    page = ('<body><!-- pcc-contents --><main class="pcc-body"><h2>First part</h2><p>x</p>'
            '<h2 class="x">First part</h2></main><footer><h2>About</h2></footer></body>')
    out = add_contents(page)
    assert '<h2 id="First-part" class="pcc-section pcc-first">First part</h2>' in out
    assert '<h2 class="x pcc-section" id="First-part-2">First part</h2>' in out
    assert '<li><a href="#First-part">First part</a></li>' in out
    assert '<li><a href="#First-part-2">First part</a></li>' in out
    # The footer's heading is not a section.
    assert "<footer><h2>About</h2></footer>" in out


def test_add_contents_leaves_out_a_list_of_one():
    page = '<!-- pcc-contents --><main class="pcc-body"><h2 id="a">A</h2></main>'
    assert add_contents(page) == '<main class="pcc-body"><h2 id="a" class="pcc-section pcc-first">A</h2></main>'


def test_external_references_finds_every_kind():
    page = """<html><head>
<link rel="stylesheet" href="https://cdn.example.org/x.css">
<script src="//cdnjs.example.com/require.js"></script>
<meta http-equiv="refresh" content="0; url=http://example.com/">
<style>@import url("fonts.css"); body { background: url(https://img.example/bg.png); }
.ok { background: url(data:image/png;base64,AAAA); }</style>
</head><body>
<img src="data:image/png;base64,AAAA" alt="fine">
<img srcset="a.png 1x, https://img.example/b.png 2x" alt="">
<a href="#section">fine</a><a href="other.html">fine, a file beside the page</a>
<a href="https://www.police.uk/" rel="noopener noreferrer">a link out: navigation, not a fetch</a>
<map name="m"><area href="https://www.police.uk/" alt="a map link out, also navigation"></map>
<a href="https://www.police.uk/" ping="https://tracker.example/ping">a ping is a request</a>
<video poster="https://img.example/poster.png"></video>
<object data="https://img.example/movie.swf"></object>
<div style="background-image: url('http://example.com/a.png')"></div>
</body></html>"""
    assert external_references(page) == [
        "<link> href=https://cdn.example.org/x.css",
        "<script> src=//cdnjs.example.com/require.js",
        "<meta> http-equiv=refresh content=0; url=http://example.com/",
        '<style> @import url("fonts.css")',
        "<style> url(fonts.css)",
        "<style> url(https://img.example/bg.png)",
        "<img> srcset=https://img.example/b.png",
        "<a> ping=https://tracker.example/ping",
        "<video> poster=https://img.example/poster.png",
        "<object> data=https://img.example/movie.swf",
        "<div> style url(http://example.com/a.png)",
    ]


def test_a_link_out_is_navigation_not_a_request():
    # A browser fetches nothing for <a href> or <area href> until someone follows the link; the
    # same URL where it would be loaded (a stylesheet, an image, a base for relative links) is.
    links = ('<a href="https://example.org/">x</a><a href="//example.org/">x</a>'
             '<map name="m"><area href="http://example.org/" alt="x"></map>')
    assert external_references(links) == []
    assert external_references('<link rel="prefetch" href="https://example.org/">'
                               '<base href="https://example.org/">'
                               '<img src="https://example.org/x.png" alt="x">') == [
        "<link> href=https://example.org/",
        "<base> href=https://example.org/",
        "<img> src=https://example.org/x.png",
    ]
