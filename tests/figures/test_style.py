"""House style, alt text, titles and rendering: assert on each figure's data, labels, title
and alt text, never on pixels."""

from __future__ import annotations

import base64
import re

import matplotlib
import pytest
from chart_checks import SOURCE
from matplotlib.figure import Figure

from pccanalysis.figures.delivery_plan import rag_summary_chart
from pccanalysis.figures.style import (
    alt_text,
    display_figure,
    figure_to_html,
    house_style,
    new_figure,
)


def _title(fig: Figure) -> str:
    return " ".join(fig._suptitle.get_text().split())


def test_house_style_is_applied_only_inside_the_block():
    before = matplotlib.rcParams["axes.spines.top"]
    with house_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["font.size"] == 10
    assert matplotlib.rcParams["axes.spines.top"] == before


def test_importing_figures_does_not_switch_the_backend():
    # the module builds Figure objects directly; pyplot's registry stays empty
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    rag_summary_chart({"Green": 1}, title="All done", source=SOURCE)
    assert plt.get_fignums() == before


def test_new_figure_needs_a_title_and_a_source():
    with pytest.raises(ValueError, match="title"):
        new_figure(title=" ", source=SOURCE, alt="x")
    with pytest.raises(ValueError, match="source"):
        new_figure(title="Crime fell", source="", alt="x")


def test_figure_to_html_carries_escaped_alt_text_and_an_inline_png():
    fig = rag_summary_chart({"Green": 3, "Amber": 1}, title='Plan "on track" <mostly>',
                              source=SOURCE, alt='Bar chart: 3 green & 1 "amber" <item>')
    out = figure_to_html(fig)
    assert out.startswith('<img class="pcc-figure" src="data:image/png;base64,')
    alt = re.search(r'alt="([^"]*)"', out).group(1)
    assert alt == "Bar chart: 3 green &amp; 1 &quot;amber&quot; &lt;item&gt;"
    png = base64.b64decode(re.search(r"base64,([^\"]+)\"", out).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the alt text is also in the PNG's Description chunk
    assert b"Description" in png and b"3 green & 1" in png
    # one bar: 7 x (1.6 + 0.55) inches at 144 dpi = 1008 x 309.6, truncated to 309 pixels
    # (IHDR, big-endian); shown 7 x 96 = 672 CSS pixels wide
    assert int.from_bytes(png[16:20], "big") == 1008
    assert int.from_bytes(png[20:24], "big") == 309
    assert out.endswith('" width="672">')


def test_display_figure_shows_the_img_element(capsys):
    fig = rag_summary_chart({"Green": 1}, title="Done", source=SOURCE, alt="One green bar")
    shown = display_figure(fig)
    assert shown.data == figure_to_html(fig)
    assert 'alt="One green bar"' in shown.data


def test_alt_text_missing_is_an_error():
    with pytest.raises(ValueError, match="no alt text"):
        alt_text(Figure())


def test_title_and_source_are_on_the_figure():
    fig = rag_summary_chart({"Green": 2}, title="Both deliverables are green",
                              source=SOURCE)
    assert _title(fig) == "Both deliverables are green"
    assert fig._supxlabel.get_text() == SOURCE
    assert fig.pcc_title == "Both deliverables are green"
    # report.briefing.Briefing.show_figure reads fig.alt_text
    assert fig.alt_text == fig.pcc_alt == alt_text(fig)


def test_long_titles_wrap_but_keep_their_words():
    title = ("Crime fell by 19.6% in 2020-21 against 2019-20, the largest fall since the "
             "partnership began recording, in every ward except Dales")
    fig = rag_summary_chart({"Green": 1}, title=title, source=SOURCE)
    assert "\n" in fig._suptitle.get_text()
    assert _title(fig) == title


def test_long_titles_wrap_inside_the_figure():
    # 150 characters of bold 11 pt: wrapped at 70 characters a line, every line fits the
    # 7-inch figure with room to spare (77 characters measured 6.7 inches and clipped).
    title = ("The number recorded fell in 9 of 14 categories; it rose in Anti-social behaviour "
             "and was similar in Possession of weapons, Burglary, Other crime and Drugs")
    fig = rag_summary_chart({"Green": 1}, title=title, source=SOURCE)
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()
    assert box.x1 / fig.dpi < 6.6
    assert max(len(line) for line in fig._suptitle.get_text().split("\n")) <= 70
