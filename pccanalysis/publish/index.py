"""The quarter's ``index.html``: one self-contained page linking every briefing in the folder.

Written from what is published in the quarter folder (not from one run's results), so it stays
right after partial runs (``--area``, ``--notebook``) and after failures.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..config import Config, safe_folder_name
from ..files import write_atomic
from ..numbers import join_words
from ..periods import Quarter
from .export import format_generated, house_stylesheet

#: An area's subfolder holding the executed notebook of each briefing whose latest run failed.
FAILED_FOLDER = "failed"


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
            html_file = folder / f"{name}.html"
            failed = (folder / FAILED_FOLDER / f"{name}.ipynb").exists()
            record = _record(folder / f"{name}.json")
            title = html.escape(titles.get(name, name.replace("_", " ").capitalize()))
            href = html.escape(f"{folder.name}/{name}.html", quote=True)
            link = f'<a href="{href}">{title}</a>' if html_file.exists() else title
            if failed:
                state = ('<span class="pcc-failed">latest run failed</span>: see '
                         f"<code>{html.escape(folder.name)}/{FAILED_FOLDER}/{html.escape(name)}"
                         ".ipynb</code>" + ("; the previous briefing is kept" if html_file.exists()
                                            else ""))
            else:
                state = "ready"
            generated = record.get("generated")
            when = ""
            if generated:
                when = format_generated(datetime.fromisoformat(generated))
            rows.append(
                f"<tr><td>{html.escape(area.name)}</td><td>{link}</td><td>{state}</td>"
                f"<td>{exports_html(folder.name, record.get('exports') or [])}</td>"
                f'<td class="num"><code>{html.escape(str(record.get("short_id", "")))}</code></td>'
                f"<td>{html.escape(when)}</td></tr>"
            )
    synthetic = ('<div class="pcc-synthetic" role="alert"><strong>SYNTHETIC DATA</strong> '
                 "These briefings were made from the made-up sample data. No figure in them "
                 "describes a real place or real people.</div>") if pub.synthetic else ""
    marking = html.escape(pub.protective_marking)
    body = "\n".join(rows) if rows else '<tr><td colspan="6">No briefings yet.</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="generator" content="pccanalysis {html.escape(__version__)}">
<title>{html.escape(config.title)}: briefings for {html.escape(quarter.label)} ({marking})</title>
<style>
{house_stylesheet()}
</style>
</head>
<body class="pcc-briefing pcc-index">
<div class="pcc-marking pcc-marking-top" role="note">{marking}</div>
{synthetic}
<header class="pcc-header">
<p class="pcc-organisation">{html.escape(config.title)}</p>
<h1 class="pcc-title">Briefings for {html.escape(quarter.label)}</h1>
<dl class="pcc-facts">
<div><dt>Quarter</dt><dd>{html.escape(quarter.label)} ({html.escape(quarter.months_label)})</dd></div>
<div><dt>Areas</dt><dd>{html.escape(areas_line(config))}</dd></div>
<div><dt>Publication</dt><dd>{"May be published" if pub.public else "Not for publication"}</dd></div>
</dl>
</header>
<main class="pcc-body">
<table>
<thead><tr><th>Area</th><th>Briefing</th><th>State</th><th>Also as</th><th class="num">Briefing id</th><th>Generated</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
<p>Beside each briefing: its tables as one Excel workbook (a sheet per table) and as CSV
files, its charts as PNG (300 dpi, for slides and print) and SVG, and, when asked for, the
briefing as an A4 PDF. Each briefing's id is listed with every input file's SHA-256 hash in
<code>manifest.json</code> (and <code>manifests/&lt;id&gt;.json</code>) in this folder.</p>
</main>
<div class="pcc-marking pcc-marking-bottom" role="note">{marking}</div>
</body>
</html>
"""
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
