"""HTML tables for briefings: the delivery-plan tracker (Appendix-A style) and its status key,
change tables, disclosure-controlled tables and plain tables.

Accessibility
-------------
Every coloured cell carries its status as text ("Green", "Amber", "Red", "Not started"), so the
table reads the same in greyscale print, to a screen reader and to a reader with colour-vision
deficiency. The fills come from the Okabe-Ito palette (bluish green, orange, vermillion), chosen
to stay distinguishable under the common colour-vision deficiencies, with black bold text, whose
contrast against each fill is at least 4.5:1 (WCAG 2.1 AA for normal text). Colours are set as
inline styles with ``print-color-adjust: exact`` so they survive e-mail, nbconvert and printing.

Safety
------
Every piece of tracker text goes through :mod:`pccanalysis.safe_html`: short values are escaped,
update text is sanitised by ammonia (paragraphs, lists, bold, italic, line breaks and plain links
kept; anything executable removed). The only markup this module writes itself is the table
structure and the fixed colours below.

References
----------
Okabe, M. and Ito, K. (2008) "Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people", https://jfly.uni-koeln.de/color/ ;
W3C, Web Content Accessibility Guidelines 2.1, success criteria 1.4.1 (use of colour) and 1.4.3
(contrast).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd

from ..numbers import format_count, format_percent
from ..safe_html import SafeHtml, escape_text, text_to_html

#: Status -> (fill, text colour). Fills: Okabe-Ito bluish green, orange and vermillion; white
#: with a dark border for Not started (the trackers' "White (NS)").
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "Green": ("#009E73", "#000000"),
    "Amber": ("#E69F00", "#000000"),
    "Red": ("#D55E00", "#000000"),
    "Not started": ("#FFFFFF", "#000000"),
}

#: Layout for the tables (no colours: those are inline on each cell).
TRACKER_CSS = """
table.pcc-tracker, table.pcc-status-key { border-collapse: collapse; width: 100%;
  font-size: 0.92em; margin: 0.5em 0 1em 0; }
table.pcc-tracker th, table.pcc-tracker td, table.pcc-status-key th, table.pcc-status-key td {
  border: 1px solid #4d4d4d; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
table.pcc-tracker thead th, table.pcc-status-key thead th { background: #e8e8e8; }
table.pcc-tracker tr.pcc-theme th { background: #f2f2f2; font-size: 1.05em; }
table.pcc-tracker td.pcc-update-cell { font-size: 0.95em; }
table.pcc-tracker .pcc-update + .pcc-update { border-top: 1px dotted #8c8c8c; margin-top: 0.4em;
  padding-top: 0.4em; }
table.pcc-tracker .pcc-update p, table.pcc-tracker .pcc-update ul,
table.pcc-tracker .pcc-update ol { margin: 0.2em 0; }
td.pcc-rag, th.pcc-rag { font-weight: bold; white-space: nowrap; text-align: center;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.pcc-tracker tr { break-inside: avoid; page-break-inside: avoid; }
""".strip()


def rag_cell(status: object, *, tag: str = "td", extra: str = "") -> str:
    """One coloured status cell with its status as text (``"Green"``, ...).

    An unknown or missing status gives an uncoloured cell with the text escaped.
    """
    text = "" if status is None or (not isinstance(status, str) and pd.isna(status)) else str(status)
    colours = RAG_COLOURS.get(text)
    if colours is None:
        return f"<{tag}{extra}>{escape_text(text)}</{tag}>"
    fill, ink = colours
    border = "border:2px solid #000000;" if text == "Not started" else ""
    return (
        f'<{tag} class="pcc-rag"{extra} style="background-color:{fill};color:{ink};{border}'
        f'-webkit-print-color-adjust:exact;print-color-adjust:exact">{escape_text(text)}</{tag}>'
    )


def render_status_key(
    key: pd.DataFrame,
    *,
    rating: object = None,
    caption: str | None = "Status key and results",
    include_css: bool = False,
) -> SafeHtml:
    """The status key: each status with its meaning, then "Number & %".

    Parameters
    ----------
    key : DataFrame
        :func:`pccanalysis.indicators.delivery_plan.status_key`.
    rating : Rating or str, optional
        The overall rating; shown in the caption as "overall rating: very good".
    caption : str, optional
        Table caption.
    include_css : bool
        Prepend a ``<style>`` block with :data:`TRACKER_CSS`.
    """
    label = getattr(rating, "label", rating)
    cap = caption or ""
    if label:
        cap = f"{cap}: overall rating {label}" if cap else f"Overall rating: {label}"
    parts = _table_start("pcc-status-key", cap, include_css)
    parts.append("<thead><tr>")
    for s in key["status"]:
        parts.append(rag_cell(s, tag="th", extra=' scope="col"'))
    parts.append("</tr></thead><tbody><tr>")
    for m in key["meaning"]:
        parts.append(f"<td>{escape_text(m)}</td>")
    parts.append("</tr><tr>")
    for lab in key["label"]:
        parts.append(f"<td>Number &amp; %: {escape_text(lab)}</td>")
    parts.append("</tr></tbody></table>")
    return SafeHtml("".join(parts))


def render_tracker_table(
    deliverables: pd.DataFrame,
    updates: pd.DataFrame | None = None,
    *,
    theme_titles: Mapping[str, str] | None = None,
    caption: str | None = None,
    updates_since: object = None,
    include_css: bool = False,
) -> SafeHtml:
    """The Appendix-A style table: per theme, each deliverable and its dated updates.

    Parameters
    ----------
    deliverables : DataFrame
        theme, number, lead, deliverable, status.
    updates : DataFrame, optional
        theme, number, date, author, text. Shown under their deliverable, oldest first.
    theme_titles : mapping, optional
        Theme -> heading, e.g. ``{"T1": "Protecting people from harm"}``.
    caption : str, optional
        Table caption.
    updates_since : date-like, optional
        Show only updates dated on or after this day (e.g. the quarter's first day).
    include_css : bool
        Prepend a ``<style>`` block with :data:`TRACKER_CSS`.

    Returns
    -------
    SafeHtml
    """
    theme_titles = dict(theme_titles or {})
    if updates is None:
        updates = pd.DataFrame(columns=["theme", "number", "date", "author", "text"])
    if updates_since is not None:
        updates = updates[updates["date"] >= pd.Timestamp(updates_since)]
    by_key = {k: g for k, g in updates.groupby(["theme", "number"], sort=False)}
    parts = _table_start("pcc-tracker", caption, include_css)
    parts.append(_column_headings("No.", "Lead", "Deliverable", "RAG status"))
    for theme, group in deliverables.groupby("theme", sort=False):
        heading = theme_titles.get(theme)
        heading = f"{theme}: {heading}" if heading else f"Theme {theme}"
        parts.append(
            f'<tbody><tr class="pcc-theme"><th colspan="4" scope="colgroup">'
            f"{escape_text(heading)}</th></tr>"
        )
        for r in group.itertuples(index=False):
            parts.append(
                f'<tr class="pcc-deliverable"><td>{escape_text(r.number)}</td>'
                f"<td>{escape_text(r.lead)}</td><td>{escape_text(r.deliverable)}</td>"
                f"{rag_cell(str(r.status))}</tr>"
            )
            mine = by_key.get((r.theme, r.number))
            if mine is not None and len(mine):
                items = []
                for u in mine.sort_values("date", kind="stable").itertuples(index=False):
                    who = "" if pd.isna(u.author) else f" {escape_text(u.author)}"
                    head = f"Update {u.date:%d.%m.%y}{who}:"
                    items.append(
                        f'<div class="pcc-update"><p><strong>{head}</strong></p>'
                        f"{text_to_html(u.text)}</div>"
                    )
                parts.append(
                    f'<tr class="pcc-updates"><td></td><td class="pcc-update-cell" colspan="3">'
                    f"{''.join(items)}</td></tr>"
                )
        parts.append("</tbody>")
    parts.append("</table>")
    return SafeHtml("".join(parts))


def render_movement_table(moves: pd.DataFrame, *, caption: str | None = None,
                          include_css: bool = False) -> SafeHtml:
    """Movement since the previous tracker: one row per changed, new or closed deliverable.

    Parameters
    ----------
    moves : DataFrame
        :func:`pccanalysis.indicators.delivery_plan.movement`.
    """
    parts = _table_start("pcc-tracker pcc-movement", caption, include_css)
    parts.append(_column_headings("Theme", "No.", "Deliverable", "Change", "Previous", "Now"))
    parts.append("<tbody>")
    for r in moves.itertuples(index=False):
        change = r.change if pd.isna(r.direction) else f"{r.change} ({r.direction})"
        parts.append(
            f"<tr><td>{escape_text(r.theme)}</td><td>{escape_text(r.number)}</td>"
            f"<td>{escape_text(r.deliverable)}</td><td>{escape_text(change)}</td>"
            f"{rag_cell(r.previous_status)}{rag_cell(r.current_status)}</tr>"
        )
    parts.append("</tbody></table>")
    return SafeHtml("".join(parts))


def _css(include: bool) -> str:
    return f"<style>{TRACKER_CSS}</style>" if include else ""


def _table_start(css_class: str, caption: str | None, include_css: bool) -> list[str]:
    """The opening of every table here: optional style block, ``<table>``, optional caption."""
    parts = [_css(include_css), f'<table class="{css_class}">']
    if caption:
        parts.append(f"<caption>{escape_text(caption)}</caption>")
    return parts


def _column_headings(*names: str) -> str:
    cells = "".join(f'<th scope="col">{name}</th>' for name in names)
    return f"<thead><tr>{cells}</tr></thead>"


def _td_num(text: str) -> str:
    return f'<td class="num">{html.escape(text)}</td>'


def change_table_html(table: pd.DataFrame, group: str, group_label: str,
                      caption: str | None = None) -> str:
    """A change table for the page: group, both counts, change with interval, verdict.

    Numbers are right-aligned in tabular figures (class ``num``); a change from zero shows
    no percentage.
    """
    rows = []
    for _, r in table.iterrows():
        pct = "" if pd.isna(r["percent"]) else format_percent(r["percent"], signed=True)
        if pd.isna(r["ratio_low"]) or pd.isna(r["ratio_high"]) or r["ratio_high"] == float("inf"):
            interval = ""
        else:
            # signed like the change beside it: "+26.8% to +44.6%", "−25% to +44%"
            interval = (f"{format_percent(100 * (r['ratio_low'] - 1), signed=True)} to "
                        f"{format_percent(100 * (r['ratio_high'] - 1), signed=True)}")
        rows.append(
            f"<tr><th scope=\"row\">{html.escape(str(r[group]))}</th>"
            + _td_num(format_count(r["previous"])) + _td_num(format_count(r["current"]))
            + _td_num(pct) + _td_num(interval)
            + f"<td>{html.escape(str(r['verdict']))}</td></tr>"
        )
    first = table.iloc[0] if len(table) else None
    prev_label = html.escape(str(first["previous_label"])) if first is not None else "Before"
    curr_label = html.escape(str(first["current_label"])) if first is not None else "Now"
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="pcc-change">{cap}<thead><tr><th scope="col">{html.escape(group_label)}</th>'
        f'<th scope="col" class="num">{prev_label}</th><th scope="col" class="num">{curr_label}'
        '</th><th scope="col" class="num">Change</th><th scope="col" class="num">95% interval'
        '</th><th scope="col">Verdict</th></tr></thead><tbody>' + "".join(rows)
        + "</tbody></table>"
    )


def suppressed_table_html(table, caption: str, row_label: str) -> str:
    """A disclosure-controlled table (``indicators.disclosure.SuppressedTable``) for the page.

    Hidden cells show the table's marker with the class ``suppressed``; a note under the table
    says what the marker means.
    """
    display, hidden = table.display, table.suppressed
    head = "".join(f'<th scope="col" class="num">{html.escape(str(c))}</th>'
                   for c in display.columns)
    body = []
    for idx in display.index:
        cells = []
        for col in display.columns:
            value = display.loc[idx, col]
            if hidden.loc[idx, col]:
                cells.append(f'<td class="suppressed">{html.escape(str(value))}</td>')
            else:
                cells.append(_td_num(format_count(value)))
        body.append(f'<tr><th scope="row">{html.escape(str(idx))}</th>{"".join(cells)}</tr>')
    note = (f"{table.marker} = fewer than {table.threshold} (or a cell that would reveal one); "
            "hidden to protect the people counted.")
    return (
        f'<table class="pcc-suppressed"><caption>{html.escape(caption)}</caption><thead><tr>'
        f'<th scope="col">{html.escape(row_label)}</th>{head}</tr></thead><tbody>'
        + "".join(body) + f'</tbody><tfoot><tr><td colspan="{len(display.columns) + 1}">'
        f"{html.escape(note)}</td></tr></tfoot></table>"
    )


def simple_table_html(frame: pd.DataFrame, caption: str, numeric: Iterable[str] = ()) -> str:
    """A plain table of text values (escaped); the ``numeric`` columns right-aligned."""
    numeric = set(numeric)
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c in numeric else ""}>{html.escape(str(c))}</th>'
                   for c in frame.columns)
    rows = []
    for _, r in frame.iterrows():
        cells = []
        for c in frame.columns:
            v = r[c]
            text = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
