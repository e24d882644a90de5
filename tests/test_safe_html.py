"""Tests for pccanalysis.safe_html: meaning kept, anything executable removed."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from pccanalysis.safe_html import (
    ALLOWED_TAGS,
    SafeHtml,
    escape_text,
    sanitise_html,
    template_environment,
    text_to_html,
)

# Script tags, event handlers, dangerous URL schemes, malformed tags, entity tricks, foreign
# content (svg/math), embedding tags, style, and mixed case. Each must lose anything executable.
XSS_CORPUS = json.loads(
    (Path(__file__).parent / "data" / "extracts" / "xss_corpus.json").read_text(encoding="utf-8")
)["payloads"]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Collector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_nothing_executable(html: str, allowed_tags=ALLOWED_TAGS) -> None:
    """No script/foreign tags, no event handlers, no style, only http(s)/mailto links."""
    assert "<script" not in html.lower()
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in allowed_tags, f"tag {tag!r} survived in {html!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name!r} survived in {html!r}"
            if name == "href":
                assert value is not None and value.lower().startswith(SAFE_SCHEMES), html
            if tag == "a" and name == "rel":
                assert value == "noopener noreferrer"
            assert name in {"href", "rel"} or name in _EXTRA_ATTRS.get(tag, set()), (
                f"attribute {name!r} on {tag!r} survived in {html!r}"
            )


_EXTRA_ATTRS: dict[str, set[str]] = {}


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_loses_everything_executable(payload):
    assert_nothing_executable(text_to_html(payload))
    assert_nothing_executable(sanitise_html(payload))
    # Wrapped in a legitimate update the surrounding prose survives too.
    wrapped = text_to_html(f"<p>Before</p>{payload}<p>After</p>")
    assert_nothing_executable(wrapped)
    assert "<p>Before</p>" in wrapped
    assert "After" in wrapped


def test_script_content_is_dropped_not_shown():
    # The script's own text is code, not prose: it goes with the tag.
    assert text_to_html("Progress is good.<script>alert('x')</script>") == (
        "<p>Progress is good.</p>"
    )


def test_entity_encoded_markup_is_shown_as_text():
    # Typed as entities, the markup is text: shown literally, escaped, never parsed as a tag.
    assert text_to_html("&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_javascript_link_keeps_text_loses_href():
    assert sanitise_html('<a href="&#106;avascript:alert(1)">report</a>') == (
        '<a rel="noopener noreferrer">report</a>'
    )


def test_plain_links_kept_with_rel():
    out = text_to_html(
        '<p>See <a href="https://www.gov.uk/x">the guidance</a> or '
        '<a href="mailto:team@example.org">write to us</a>.</p>'
    )
    assert out == (
        '<p>See <a href="https://www.gov.uk/x" rel="noopener noreferrer">the guidance</a> or '
        '<a href="mailto:team@example.org" rel="noopener noreferrer">write to us</a>.</p>'
    )


def test_relative_links_are_dropped():
    # A relative link would resolve against wherever the briefing is opened from.
    assert sanitise_html('<a href="../secret.html">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_paragraphs_lists_bold_italic_survive():
    text = (
        "<p>First <b>bold</b> and <em>italic</em>.</p>"
        "<ul><li>one</li><li><strong>two</strong></li></ul>"
        "<ol><li>first</li></ol><p>Line<br>break</p>"
    )
    assert text_to_html(text) == text


def test_layout_whitespace_between_blocks_is_dropped():
    # Literal <p> tags pasted with newlines between them, as trackers exported from Excel have.
    assert text_to_html("<p>One.</p> <p>Two.</p>\n<p>Three\nlines.</p>") == (
        "<p>One.</p><p>Two.</p><p>Three<br>lines.</p>"
    )


def test_plain_text_newlines_become_paragraphs_breaks_and_lists():
    text = "Update 3.9.20 JB:\n\nFirst point\ncontinues here.\n\n- item one\n- item two\n\nEnd."
    assert text_to_html(text) == (
        "<p>Update 3.9.20 JB:</p><p>First point<br>continues here.</p>"
        "<ul><li>item one</li><li>item two</li></ul><p>End.</p>"
    )


def test_plain_text_is_escaped_not_parsed():
    assert text_to_html("Calls fell 5 < 7 & AT&T said so") == (
        "<p>Calls fell 5 &lt; 7 &amp; AT&amp;T said so</p>"
    )


def test_windows_line_endings():
    assert text_to_html("a\r\n\r\nb") == "<p>a</p><p>b</p>"


def test_unclosed_tags_are_closed():
    assert text_to_html("<p>unclosed <b>bold") == "<p>unclosed <b>bold</b></p>"


def test_bold_across_a_blank_line_stays_well_formed():
    assert text_to_html("<b>bold\n\nstill bold</b>") == (
        "<p><b>bold</b></p><p><b>still bold</b></p>"
    )


@pytest.mark.parametrize("value", [None, float("nan"), ""])
def test_missing_values_give_empty(value):
    assert text_to_html(value) == ""
    assert escape_text(value) == ""


def test_escape_text_and_safehtml_protocols():
    out = escape_text('<b>"Force" & VRU</b>')
    assert out == "&lt;b&gt;&quot;Force&quot; &amp; VRU&lt;/b&gt;"
    assert isinstance(out, SafeHtml)
    assert out.__html__() == str(out)
    assert out._repr_html_() == str(out)


def test_templates_escape_every_value_as_escape_text_does(tmp_path):
    (tmp_path / "cell.html.j2").write_text(
        "<td>\n    {{ value }}\n</td>\n<td>{{ safe }}</td>\n<p>one\n   two</p>\n")
    env = template_environment(tmp_path)
    out = env.get_template("cell.html.j2").render(
        value="<b>\"Force\" & VRU's</b>", safe=SafeHtml("<em>kept</em>"))
    # Escaped as escape_text escapes (html.escape, quotes too); safe HTML goes in as it is;
    # the template's line breaks beside tags are layout, between words one space.
    assert out == ("<td>&lt;b&gt;&quot;Force&quot; &amp; VRU&#x27;s&lt;/b&gt;</td>"
                   "<td><em>kept</em></td><p>one two</p>")
    assert env.get_template("cell.html.j2").render(value=None, safe=float("nan")) == (
        "<td></td><td></td><p>one two</p>")


def test_templates_refuse_an_undefined_name_and_can_keep_their_lines(tmp_path):
    (tmp_path / "page.html.j2").write_text("<ul>\n{% for x in xs %}\n<li>{{ x }}</li>\n"
                                           "{% endfor %}\n</ul>\n")
    with pytest.raises(jinja2.UndefinedError):
        template_environment(tmp_path).get_template("page.html.j2").render()
    kept = template_environment(tmp_path, compact=False).get_template("page.html.j2")
    assert kept.render(xs=["a", "<b>"]) == "<ul>\n<li>a</li>\n<li>&lt;b&gt;</li>\n</ul>\n"


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_templates_show_the_xss_corpus_as_text(payload, tmp_path):
    (tmp_path / "p.html.j2").write_text("<p title=\"{{ v }}\">{{ v }}</p>")
    out = template_environment(tmp_path).get_template("p.html.j2").render(v=payload)
    assert out == f'<p title="{escape_text(payload)}">{escape_text(payload)}</p>'
    tags = _Collector()
    tags.feed(out)
    assert [t for t, _ in tags.tags] == ["p"]
