"""Tests for pccanalysis.briefing.context: what notebooks call to display and record results."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from pccanalysis.briefing.common import Section
from pccanalysis.briefing.context import (
    SIDECAR_NAME,
    HeadlineFigure,
    headline_panel_html,
    note_html,
    open_briefing,
    quality_lines,
    without_folders,
)
from pccanalysis.periods import Quarter
from pccanalysis.quality import DataQuality


def test_headline_panel_html_exact():
    figures = [
        HeadlineFigure("All crime", "4,812", "fell by 12%", "good", "January to March 2021"),
        HeadlineFigure("ASB & nuisance", "1,020", "was similar (<1%)"),
    ]
    assert headline_panel_html(figures) == (
        '<section class="pcc-panel" aria-label="Headline figures">'
        '<div class="pcc-card pcc-good"><p class="pcc-card-label">All crime</p>'
        '<p class="pcc-card-value">4,812</p><p class="pcc-card-verdict">fell by 12%</p>'
        '<p class="pcc-card-detail">January to March 2021</p></div>'
        '<div class="pcc-card pcc-neutral"><p class="pcc-card-label">ASB &amp; nuisance</p>'
        '<p class="pcc-card-value">1,020</p><p class="pcc-card-verdict">was similar (&lt;1%)</p>'
        "</div></section>"
    )


def test_headline_panel_refuses_too_many_figures_or_an_unknown_tone():
    seven = [HeadlineFigure(str(i), "1", "rose") for i in range(7)]
    with pytest.raises(ValueError, match="one to six figures, not 7"):
        headline_panel_html(seven)
    with pytest.raises(ValueError, match="not 'green'"):
        headline_panel_html([HeadlineFigure("x", "1", "rose", tone="green")])


def test_note_html():
    assert note_html("One line.") == '<div class="pcc-note" role="note"><p>One line.</p></div>'
    assert note_html(["A <b>.", "B."], kind="caveat", title="Caveat") == (
        '<div class="pcc-caveat" role="note"><p><strong>Caveat</strong></p>'
        "<ul><li>A &lt;b&gt;.</li><li>B.</li></ul></div>"
    )


def test_briefing_records_headline_and_quality_in_the_sidecar(sample_config, tmp_path, capsys):
    b = open_briefing(sample_config, quarter="2020-21 Q3", output_dir=tmp_path / "work")
    assert b.quarter == Quarter(2020, 3)
    assert b.area.name == "Northbridge"
    q = DataQuality("data.police.uk street", rows_read=10, rows_kept=8)
    q.exclude("no month", 2)
    b.show_quality(q)
    b.show_headline([HeadlineFigure("All crime", "8", "rose", "bad")])
    b.show_caveat("October 2020 was published with most ASB missing.")
    record = json.loads((tmp_path / "work" / SIDECAR_NAME).read_text())
    assert record["headline"] == [{"label": "All crime", "value": "8", "verdict": "rose",
                                   "tone": "bad", "detail": ""}]
    assert record["quality"]["data.police.uk street"]["rows_read"] == 10
    assert record["quality"]["data.police.uk street"]["excluded"] == {"no month": 2}
    assert record["notes"] == ["October 2020 was published with most ASB missing."]


def test_latest_quarter_of_the_sample(sample_config):
    # The sample runs April 2018 to March 2021: the latest complete quarter is 2020-21 Q4.
    assert open_briefing(sample_config).quarter == Quarter(2020, 4)


def test_show_figure_needs_alt_text(sample_config):
    b = open_briefing(sample_config)
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="no alt text"):
        b.show_figure(fig)
    plt.close(fig)


def test_show_figure_uses_the_figures_alt_text_attribute(sample_config, capsys):
    b = open_briefing(sample_config)
    fig, _ = plt.subplots()
    fig.alt_text = "An empty chart."
    b.show_figure(fig)  # outside a kernel, display() prints a text form
    assert not plt.get_fignums()  # closed, so the inline backend cannot show it twice


def test_show_figure_displays_the_figures_img_element(sample_config):
    # One embedding path: show_figure displays, as HTML, exactly what figure_to_html
    # makes (the alt text in the img's alt attribute, the width 6.4 x 96 = 614 CSS pixels for
    # matplotlib's default 6.4-inch figure), and no image/png output with alt metadata.
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from pccanalysis.figures.style import figure_to_html

    InteractiveShell.instance()  # display() publishes rich outputs, as in a kernel
    b = open_briefing(sample_config)
    fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    with capture_output() as captured:
        b.show_figure(fig, alt='A line "rising" then falling.')
    assert len(captured.outputs) == 1
    assert "image/png" not in captured.outputs[0].data
    shown = [captured.outputs[0].data["text/html"]]
    assert shown[0] == figure_to_html(fig)
    assert shown[0].startswith('<img class="pcc-figure" src="data:image/png;base64,')
    assert 'alt="A line &quot;rising&quot; then falling."' in shown[0]
    assert shown[0].endswith(' width="614">')


@pytest.mark.parametrize(("text", "shown"), [
    ("kept /home/analyst/data/new/2020-01/a.csv over /srv/old/a.csv (8 rows)",
     "kept a.csv over a.csv (8 rows)"),
    (r"C:\Users\ana\police\b.zip:2020-01/x.csv was read", "b.zip:2020-01/x.csv was read"),
    ("from (/tmp/pcc/x.csv)", "from (x.csv)"),
    # Not paths: relative names, fractions, web addresses.
    ("2020-01/2020-01-x.csv in 1/2 of cases", "2020-01/2020-01-x.csv in 1/2 of cases"),
    ("see https://data.police.uk/data/ for the files", "see https://data.police.uk/data/ for "
     "the files"),
])
def test_no_absolute_path_reaches_a_briefing(text, shown):
    assert without_folders(text) == shown
    dq = DataQuality(source="data.police.uk street", rows_read=8, rows_kept=8)
    dq.notes.append(text)
    assert quality_lines(dq)[-1] == shown


def test_a_section_without_its_input_is_left_out_with_a_line_in_data_quality(sample_config,
                                                                              tmp_path):
    InteractiveShell.instance()
    b = open_briefing(sample_config, quarter="2020-21 Q3", output_dir=tmp_path)
    with capture_output() as shown:
        b.show(Section(missing="No hate-crime victim extract is configured "
                               "(data.hate_crime_victims)."), "Hate crime and repeat victims",
               "From the partnership's extract.")
        b.show(Section(sentences=["Shown."]), "Missing persons", "From the indicator table.")
    page = "".join(o.data.get("text/html", "") for o in shown.outputs)
    assert "Hate crime" not in page
    assert page == "<h2>Missing persons</h2><p>From the indicator table.</p><p>Shown.</p>"
    with capture_output() as shown:
        b.show_quality()
    note = "".join(o.data.get("text/html", "") for o in shown.outputs)
    assert ("<p>Hate crime and repeat victims: not shown. No hate-crime victim extract is "
            "configured (data.hate_crime_victims).</p>") in note
    assert json.loads((tmp_path / SIDECAR_NAME).read_text())["not_shown"] == [
        "Hate crime and repeat victims: not shown. No hate-crime victim extract is configured "
        "(data.hate_crime_victims)."]


def test_show_figure_saves_the_chart_for_slides_and_print(sample_config, tmp_path, capsys):
    # A 6.4 x 4.8 inch figure at 300 dpi is 1920 x 1440 pixels; the SVG keeps the title and
    # alt text and is the same file when made again.
    from PIL import Image

    b = open_briefing(sample_config, output_dir=tmp_path / "work")
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([1, 3, 2])
        fig.pcc_title = "Crime fell: 12% below last year"
        b.show_figure(fig, alt="A line rising then falling.")
    charts = tmp_path / "work" / "charts"
    assert sorted(p.name for p in charts.iterdir()) == [
        "01-crime-fell-12-below-last-year.png", "01-crime-fell-12-below-last-year.svg",
        "02-crime-fell-12-below-last-year.png", "02-crime-fell-12-below-last-year.svg"]
    with Image.open(charts / "01-crime-fell-12-below-last-year.png") as png:
        assert png.size == (1920, 1440)
        assert png.text["Description"] == "A line rising then falling."
    svg = (charts / "01-crime-fell-12-below-last-year.svg").read_text()
    assert "<title>Crime fell: 12% below last year</title>" in svg
    assert "A line rising then falling." in svg
    assert svg == (charts / "02-crime-fell-12-below-last-year.svg").read_text()
    record = json.loads((tmp_path / "work" / SIDECAR_NAME).read_text())
    assert record["charts"][0] == {"file": "01-crime-fell-12-below-last-year",
                                   "title": "Crime fell: 12% below last year",
                                   "alt": "A line rising then falling."}
