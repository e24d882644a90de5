"""Safe HTML from text that people typed into Word or Excel (tracker updates, notes).

Tracker updates arrive as plain text with line breaks, as text with literal ``<p>`` tags pasted
from a web form, or as anything in between. A briefing must keep their meaning (paragraphs,
lists, bold and italic, line breaks, plain links) and must never carry anything that runs: a
``<script>``, an ``onerror=`` attribute or a ``javascript:`` link is removed, not escaped into
view.

Method: the text goes through ammonia (the maintained Rust HTML sanitiser, through its Python
binding ``nh3``) with a short allow-list. ammonia parses with html5ever, the HTML5 parsing
algorithm browsers use, so malformed tags, mixed case and entity tricks are read the way a
browser would read them before the allow-list is applied. No regular expression decides what is
safe here.

References
----------
ammonia, https://github.com/rust-ammonia/ammonia ; nh3, https://nh3.readthedocs.io/ ;
OWASP Cross Site Scripting Prevention Cheat Sheet.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2
import nh3
import pandas as pd

#: Tags kept: paragraphs, line breaks, lists, bold, italic, links. Everything else is removed
#: (its text is kept, except for the tags in ``DROPPED_WITH_CONTENT``).
ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"})
#: Only ``href`` on links survives; ``rel="noopener noreferrer"`` is added to every link.
ALLOWED_ATTRIBUTES = {"a": {"href"}}
#: Link schemes kept. ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and relative links go.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Tags removed together with everything inside them (their text is code or foreign markup,
#: not prose an officer wrote).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "template", "noscript", "noembed", "noframes", "textarea", "select",
        "title", "xmp", "plaintext",
    }
)  # fmt: skip
LINK_REL = "noopener noreferrer"

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    # "*": no attribute on every tag (ammonia would otherwise keep "title" and "lang").
    attributes={"*": set()} | {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)

# Something that a browser would read as the start of a tag, a comment or a doctype.
_LOOKS_LIKE_MARKUP = re.compile(r"<\s*[/!?]?\s*[a-zA-Z]")
# Any block-level tag the sanitiser keeps: if one is present the author chose the structure.
_HAS_BLOCKS = re.compile(r"<(p|ul|ol|li)[\s>]", re.IGNORECASE)
_AROUND_BLOCK = re.compile(r"\s*(</?(?:p|ul|ol|li)(?:\s[^>]*)?>)\s*", re.IGNORECASE)
# Only complete entities (with the semicolon): "AT&T" and "&not that" are left alone.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,2}[.)])\s+")


class SafeHtml(str):
    """A string of HTML that has been sanitised and can be inserted into a page as is.

    ``__html__`` follows the markupsafe/Jinja convention and ``_repr_html_`` makes Jupyter show
    the HTML rather than its source.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return str(self)


def sanitise_html(fragment: str) -> SafeHtml:
    """Remove everything from an HTML fragment except the allow-listed tags and safe links.

    Parameters
    ----------
    fragment : str
        HTML as typed or pasted (need not be well formed).

    Returns
    -------
    SafeHtml
        The fragment with only :data:`ALLOWED_TAGS`, ``href`` on links with an allowed scheme,
        and ``rel="noopener noreferrer"`` on every link.
    """
    return SafeHtml(_CLEANER.clean(str(fragment)))


def escape_text(text: object) -> SafeHtml:
    """Escape a short plain value (a name, a lead organisation, a number) for an HTML cell.

    ``None`` and pandas missing values become an empty string.
    """
    if text is None or _is_missing(text):
        return SafeHtml("")
    return SafeHtml(html.escape(str(text), quote=True))


def text_to_html(text: object) -> SafeHtml:
    """Turn an update typed in Word or Excel into safe HTML that keeps its meaning.

    Method
    ------
    1. If the text contains markup, it is sanitised (see :func:`sanitise_html`); otherwise it is
       escaped, so ``5 < 7 & rising`` stays as written.
    2. If the result has no paragraph or list of its own, the plain-text layout becomes HTML:
       blank lines separate paragraphs, single line breaks become ``<br>``, and runs of lines
       starting ``-``, ``*``, ``•`` or ``1.`` become a list. If it has paragraphs or lists, the
       whitespace around them is dropped and line breaks inside them become ``<br>``.
    3. The whole result is sanitised once more, which also closes any tag left open across a
       paragraph break, so the output is always well formed and always safe.

    Parameters
    ----------
    text : str
        The update as typed. ``None``/missing gives an empty string.

    Returns
    -------
    SafeHtml
    """
    if text is None or _is_missing(text):
        return SafeHtml("")
    raw = str(text).replace("\r\n", "\n").replace("\r", "\n")
    if _LOOKS_LIKE_MARKUP.search(raw):
        body = _CLEANER.clean(raw)
        if _HAS_BLOCKS.search(body):
            # The author chose paragraphs or lists: drop the layout whitespace around them and
            # keep any line break typed inside them as a visible break.
            body = _AROUND_BLOCK.sub(r"\1", body.strip())
            body = re.sub(r"\s*\n\s*", "<br>", body)
        else:
            body = _layout_to_html(body)
    else:
        # Entities written out in an export (&amp;, &#39;) are read as the characters they
        # stand for, then everything is escaped: "&lt;script&gt;" shows as text, never runs.
        body = _layout_to_html(html.escape(_ENTITY.sub(_unescape, raw), quote=False))
    return SafeHtml(_CLEANER.clean(body).strip())


def _unescape(match: re.Match) -> str:
    return html.unescape(match.group(0))


def _layout_to_html(body: str) -> str:
    """Paragraphs from blank lines, ``<br>`` from line breaks, lists from bullet lines."""
    blocks = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        out: list[str] = []
        para: list[str] = []
        items: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if para:
                    out.append("<p>" + "<br>".join(para) + "</p>")
                    para = []
                items.append(_BULLET.sub("", line, count=1))
            else:
                if items:
                    out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
                    items = []
                para.append(line)
        if para:
            out.append("<p>" + "<br>".join(para) + "</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        blocks.extend(out)
    return "".join(blocks)


def _is_missing(value: object) -> bool:
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values are not "missing"
        return False


# --------------------------------------------------------------------------------------------
# Templates

# A line break and the indentation after it in a template's source: next to a tag (or a
# Jinja tag) they are layout and go; between words they become one space, as HTML reads them.
_LAYOUT_BESIDE_TAG = re.compile(r"(?<=[>}])[ \t]*\n\s*|[ \t]*\n\s*(?=[<{])")
_LAYOUT_IN_TEXT = re.compile(r"[ \t]*\n\s*")


class _CompactLoader(jinja2.FileSystemLoader):
    """Templates written indented for people, read as compact markup (see
    :func:`template_environment`)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _LAYOUT_IN_TEXT.sub(" ", _LAYOUT_BESIDE_TAG.sub("", source)), filename, uptodate


def _escaped(value: object) -> object:
    """Every value a template shows, escaped as :func:`escape_text` escapes it, unless it is
    safe HTML already (it has ``__html__``: SafeHtml, markupsafe.Markup, a macro's output)."""
    return value if hasattr(value, "__html__") else escape_text(value)


def template_environment(folder: str | Path, *, compact: bool = True) -> jinja2.Environment:
    """A Jinja2 environment for the templates in ``folder``, autoescaping every value.

    Values are escaped by :func:`escape_text` (``None`` and missing values show as nothing),
    so a page built from templates escapes exactly as the rest of the project does; a value
    that is safe HTML already (:class:`SafeHtml`, a macro's output) goes in as it is. An
    undefined name is an error, not an empty string.

    Parameters
    ----------
    folder : path-like
        Where the templates are.
    compact : bool
        Read each template as compact markup: a line break and the indentation after it are
        removed next to a tag and become one space between words, so fragments come out on
        one line however the template is indented. With ``False`` the template's lines are
        kept, less the lines that hold only a block tag (``trim_blocks``, ``lstrip_blocks``).
    """
    loader = (_CompactLoader if compact else jinja2.FileSystemLoader)(str(folder))
    return jinja2.Environment(loader=loader, autoescape=True, finalize=_escaped,
                              undefined=jinja2.StrictUndefined, trim_blocks=not compact,
                              lstrip_blocks=not compact, keep_trailing_newline=not compact)
