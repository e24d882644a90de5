"""Export an executed notebook to one self-contained HTML briefing.

nbconvert's ``HTMLExporter`` with the project's template (``templates/pcc``, extending the
"lab" template): code cells and prompts hidden, figures embedded as data: URIs, the house
stylesheet inline, no script at all, a Content-Security-Policy that forbids any request, a
header (protective marking, area, quarter, generation date), a contents list built from the h2
headings and a footer (data sources, licence attribution, the run's short id).

References
----------
nbconvert templates: https://nbconvert.readthedocs.io/en/latest/customizing.html
Government Security Classifications (protective marking), Cabinet Office, 2023.
"""

from __future__ import annotations

import html as html_lib
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat

from .. import __version__
from ..files import write_atomic
from ..sources.attribution import OGL_ATTRIBUTION

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "pcc"
STYLESHEET = TEMPLATES / TEMPLATE_NAME / "house.css"
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class BriefingMeta:
    """What the page around the notebook shows.

    Attributes
    ----------
    title : str
        The briefing's name, e.g. ``"Quarterly performance"``.
    organisation : str
        The partnership or office (the configuration's ``title``).
    area : str
        The area the briefing is for.
    quarter : str
        The quarter's label, e.g. ``"2020-21 Q4"``.
    period : str
        The quarter's months in words, e.g. ``"January to March 2021"``.
    protective_marking : str
        E.g. ``"OFFICIAL"``; shown at the top and bottom of every page.
    public : bool
        Whether the briefing may be published.
    synthetic : bool
        Whether the data is synthetic (adds the SYNTHETIC DATA banner).
    generated : datetime
        When the run started (the same for every briefing of a run).
    short_id : str
        The run manifest's short id (8 hex digits).
    sources : tuple of str
        One line per data source, for the footer.
    attributions : tuple of str
        Licence attribution sentences, for the footer.
    """

    title: str
    organisation: str
    area: str
    quarter: str
    period: str
    protective_marking: str = "OFFICIAL"
    public: bool = False
    synthetic: bool = False
    generated: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    short_id: str = "--------"
    sources: tuple[str, ...] = ()
    attributions: tuple[str, ...] = (OGL_ATTRIBUTION,)


def format_generated(when: datetime) -> str:
    """``"3 March 2026 at 09:41"``: the generation time as the header and footer show it."""
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"


def export_html(notebook, meta: BriefingMeta, html_path: str | os.PathLike | None = None) -> str:
    """Render an executed notebook as a self-contained HTML briefing.

    Parameters
    ----------
    notebook : path-like or nbformat.NotebookNode
        The executed notebook (papermill's output).
    meta : BriefingMeta
        Header and footer contents.
    html_path : path-like, optional
        Where to write the page (written to a temporary name, then renamed into place).

    Returns
    -------
    str
        The HTML.
    """
    if isinstance(notebook, (str, os.PathLike)):
        nb = nbformat.read(os.fspath(notebook), as_version=4)
    else:
        nb = nbformat.from_dict(notebook)
    # Cell ids become HTML ids; papermill gives its injected cell a random one, so number them
    # to make two runs on the same data give the same page.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    resources = {
        "pcc": asdict(meta) | {"generated": format_generated(meta.generated),
                               "version": __version__},
        "pcc_css": house_stylesheet(),
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    body = add_contents(body)
    if html_path is not None:
        write_atomic(html_path, body)
    return body


def add_contents(page: str) -> str:
    """Give every h2 in the page's main part an id and list them where the template asks.

    The template leaves ``<!-- pcc-contents -->`` where the list goes; with fewer than two
    sections no list is written. The h2s also get the ``pcc-section`` class (a page break before
    each in print) and the first one ``pcc-first`` (no break: it follows the header).
    """
    start = page.find('<main class="pcc-body">')
    end = page.rfind("</main>")
    if start < 0 or end < start:
        return page.replace("<!-- pcc-contents -->", "")
    main = page[start:end]
    used: set[str] = {html_lib.unescape(i) for i in re.findall(r'\sid="([^"]+)"', page)}
    entries: list[tuple[str, str]] = []

    def heading(m: re.Match) -> str:
        attrs, inner = m.group(1) or "", m.group(2)
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).replace("¶", "").split())
        id_match = re.search(r'\sid="([^"]+)"', attrs)
        if id_match:
            anchor = html_lib.unescape(id_match.group(1))
        else:
            anchor = _unique(_slug(text), used)
            attrs += f' id="{html_lib.escape(anchor)}"'
        cls = "pcc-section pcc-first" if not entries else "pcc-section"
        cls_match = re.search(r'\sclass="([^"]*)"', attrs)
        if cls_match:
            attrs = attrs.replace(cls_match.group(0), f' class="{cls_match.group(1)} {cls}"')
        else:
            attrs += f' class="{cls}"'
        entries.append((anchor, text))
        return f"<h2{attrs}>{inner}</h2>"

    main = re.sub(r"<h2(\s[^>]*)?>(.*?)</h2>", heading, main, flags=re.DOTALL)
    nav = ""
    if len(entries) >= 2:
        items = "\n".join(
            f'<li><a href="#{html_lib.escape(a)}">{html_lib.escape(t)}</a></li>' for a, t in entries
        )
        nav = (f'<nav class="pcc-contents" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n'
               f"{items}\n</ol>\n</nav>")
    return page[:start].replace("<!-- pcc-contents -->", nav) + main + page[end:]


def external_references(page: str) -> list[str]:
    """Every reference in ``page`` that would make the browser ask another host for something.

    Looks at every attribute that can load something (src, href, srcset, poster, data, action,
    formaction, background, xlink:href, ping), at ``<meta http-equiv="refresh">``, and at CSS
    (``@import`` and ``url(...)``) in style elements and attributes. Fragment links (``#...``),
    data: URIs and relative paths (files beside the page) are fine.

    A link out (``href`` on ``<a>`` or ``<area>``, as the sanitised tracker updates keep) is
    navigation, not a request: the browser asks for nothing until a reader follows it, so it
    is not reported. ``href`` anywhere else (``<link>``, ``<base>``) and ``ping`` on a link are.

    Returns
    -------
    list of str
        ``"<tag> attr=value"`` descriptions, empty when the page is self-contained.
    """
    finder = _ReferenceFinder()
    finder.feed(page)
    finder.close()
    return finder.found


# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def house_stylesheet() -> str:
    """The house stylesheet's text (inlined into every page), with the tracker tables' rules."""
    from ..briefing.html import TRACKER_CSS

    return STYLESHEET.read_text(encoding="utf-8") + "\n/* pccanalysis.briefing.html */\n" + TRACKER_CSS + "\n"


def _css_string(value) -> str:
    """Text made safe inside a double-quoted CSS string.

    Besides quotes, backslashes and ``<``, the characters of ``url(`` and ``@import`` are
    written as CSS escapes, so free text (an area called "url(x)") reads as text to the
    external-reference check as it does to the browser.
    """
    text = " ".join(str(value).split())
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return text.replace("(", "\\28 ").replace(")", "\\29 ").replace("@", "\\40 ")


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    exporter.register_filter("css_string", _css_string)
    return exporter


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return slug or "section"


def _unique(base: str, used: set[str]) -> str:
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background",
              "xlink:href", "longdesc", "cite", "manifest", "ping"}
# Link targets: followed only when a reader chooses to (the page's own Content-Security-Policy
# already stops any fetch), so they are not references that load something.
_NAVIGATION = {("a", "href"), ("a", "xlink:href"), ("area", "href")}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\s+([^;]+);?", re.IGNORECASE)


def _is_remote(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    parts = urlsplit(url)
    if parts.scheme.lower() == "data":
        return False
    return bool(parts.scheme or parts.netloc or url.startswith("//"))


class _ReferenceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in _NAVIGATION:
                continue
            if name == "srcset":
                urls = [part.strip().split(" ")[0] for part in value.split(",")]
            elif name in _URL_ATTRS:
                urls = [value]
            elif name == "style":
                self._css(value, f"<{tag}> style")
                continue
            else:
                continue
            for url in urls:
                if _is_remote(url):
                    self.found.append(f"<{tag}> {name}={url}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"<meta> http-equiv=refresh content={values.get('content')}")
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data) -> None:
        if self._in_style:
            self._css(data, "<style>")

    def _css(self, css: str, where: str) -> None:
        for m in _CSS_IMPORT.finditer(css):
            self.found.append(f"{where} @import {m.group(1).strip()}")
        for m in _CSS_URL.finditer(css):
            if not m.group(2).strip().lower().startswith(("data:", "#")):
                self.found.append(f"{where} url({m.group(2)})")
