"""The quarter's ``index.html``: one self-contained page linking every briefing in the folder.

Written from what is published in the quarter folder (not from one run's results), so it stays
right after partial runs (``--area``, ``--notebook``) and after failures.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..config import Config, safe_folder_name
from ..files import write_atomic
from ..numbers import join_words
from ..periods import Quarter
from ..safe_html import template_environment
from .export import TEMPLATES, format_generated, house_stylesheet

#: An area's subfolder holding the executed notebook of each briefing whose latest run failed.
FAILED_FOLDER = "failed"

#: The index page's template (quarter_index.html.j2), kept with the briefing template.
_TEMPLATES = template_environment(TEMPLATES, compact=False)


def write_quarter_index(config: Config, quarter: Quarter, quarter_dir: Path,
                        notebooks: list[str], titles: dict[str, str] | None = None) -> Path:
    """Write ``<quarter_dir>/index.html`` and return its path.

    Parameters
    ----------
    config : Config
    quarter : Quarter
    quarter_dir : Path
    notebooks : list of str
        Notebook names in the order to list them (others found in the folders follow).
    titles : dict, optional
        Notebook name -> title to show.
    """
    titles = titles or {}
    pub = config.publication
    rows = []
    for area in config.areas:
        folder = quarter_dir / safe_folder_name(area.name)
        if not folder.is_dir():
            continue
        names = [n for n in notebooks if (folder / f"{n}.html").exists()
                 or (folder / FAILED_FOLDER / f"{n}.ipynb").exists()]
        names += sorted(p.stem for p in folder.glob("*.html") if p.stem not in names)
        for name in names:
            record = _record(folder / f"{name}.json")
            generated = record.get("generated")
            rows.append({
                "area": area.name, "folder": folder.name, "name": name,
                "title": titles.get(name, name.replace("_", " ").capitalize()),
                "href": (f"{folder.name}/{name}.html" if (folder / f"{name}.html").exists()
                         else None),
                "failed": (folder / FAILED_FOLDER / f"{name}.ipynb").exists(),
                # links built (and escaped) by exports_html: marked safe for the template
                "exports": Markup(exports_html(folder.name, record.get("exports") or [])),
                "short_id": str(record.get("short_id", "")),
                "generated": (format_generated(datetime.fromisoformat(generated))
                              if generated else ""),
            })
    page = _TEMPLATES.get_template("quarter_index.html.j2").render(
        version=__version__, title=config.title, quarter=quarter,
        marking=pub.protective_marking, synthetic=pub.synthetic, public=pub.public,
        stylesheet=Markup(house_stylesheet()), rows=rows, failed_folder=FAILED_FOLDER,
        areas=areas_line(config))
    path = quarter_dir / "index.html"
    write_atomic(path, page)
    return path


def areas_line(config: Config) -> str:
    """The areas in words, saying where ``all_csps_of`` put the force's CSPs."""
    names = join_words([a.name for a in config.areas])
    if not config.all_csps_of:
        return names
    return (f"{names} (all_csps_of {join_words(list(config.all_csps_of))}: the force area and "
            "each Community Safety Partnership in it)")


def exports_html(folder: str, exports: list[str]) -> str:
    """Links to a briefing's PDF and workbook, and its CSV and chart folders, with counts."""
    pieces = []
    for suffix, label in ((".pdf", "PDF"), (".xlsx", "Excel")):
        for e in exports:
            if "/" not in e and e.endswith(suffix):
                href = html.escape(f"{folder}/{e}", quote=True)
                pieces.append(f'<a href="{href}">{label}</a>')
    for kind, label in (("tables", "CSV table"), ("charts", "chart")):
        files = [e for e in exports if e.split("/")[-2:-1] == [kind]]
        if files:
            n = len(files) if kind == "tables" else len({Path(f).stem for f in files})
            href = html.escape(f"{folder}/{Path(files[0]).parent.as_posix()}/", quote=True)
            what = f"{n} {label}{'s' if n != 1 else ''}" + (" (PNG, SVG)" if kind == "charts"
                                                            else "")
            pieces.append(f'<a href="{href}">{html.escape(what)}</a>')
    return " · ".join(pieces)


def _record(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
