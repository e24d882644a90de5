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
The markup is in Jinja2 templates (``briefing/templates/``) with autoescaping: every value
a template shows is escaped (:func:`pccanalysis.safe_html.escape_text`) unless it is already
safe HTML. Tracker update text is sanitised by ammonia first
(:func:`pccanalysis.safe_html.text_to_html`: paragraphs, lists, bold, italic, line breaks and
plain links kept; anything executable removed). The only markup written here is the tables'
structure and the fixed colours below.

References
----------
Okabe, M. and Ito, K. (2008) "Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people", https://jfly.uni-koeln.de/color/ ;
W3C, Web Content Accessibility Guidelines 2.1, success criteria 1.4.1 (use of colour) and 1.4.3
(contrast).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..indicators.counts import rate
from ..numbers import format_count, format_number, format_percent
from ..safe_html import SafeHtml, template_environment, text_to_html

#: The base of the rates beside counts: "per 1,000 residents".
PER_RESIDENTS = 1000

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


def _plain(value: object) -> str:
    """A cell's text: ``""`` for a missing value, else the value as text."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _rag_style(text: str) -> str | None:
    """The inline style of a status cell, or None for a status without a colour."""
    colours = RAG_COLOURS.get(text)
    if colours is None:
        return None
    fill, ink = colours
    border = "border:2px solid #000000;" if text == "Not started" else ""
    return (f"background-color:{fill};color:{ink};{border}"
            "-webkit-print-color-adjust:exact;print-color-adjust:exact")


TEMPLATES = template_environment(Path(__file__).with_name("templates"))
TEMPLATES.filters["plain"] = _plain
TEMPLATES.globals.update(rag_style=_rag_style, tracker_css=Markup(TRACKER_CSS))


def render(name: str, **values) -> SafeHtml:
    """Render ``briefing/templates/<name>.html.j2`` with ``values`` (escaped unless safe)."""
    return SafeHtml(TEMPLATES.get_template(f"{name}.html.j2").render(**values))


def rag_cell(status: object, *, tag: str = "td", scope: str | None = None) -> SafeHtml:
    """One coloured status cell with its status as text (``"Green"``, ...).

    An unknown or missing status gives an uncoloured cell with the text escaped.
    """
    macros = TEMPLATES.get_template("macros.html.j2").module
    return SafeHtml(macros.rag_cell(status, tag, scope))


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
    return render("status_key", caption=cap, include_css=include_css,
                  statuses=list(key["status"]), meanings=list(key["meaning"]),
                  labels=list(key["label"]))


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
    themes = []
    for theme, group in deliverables.groupby("theme", sort=False):
        heading = theme_titles.get(theme)
        rows = []
        for r in group.itertuples(index=False):
            mine = by_key.get((r.theme, r.number))
            shown = [] if mine is None else [
                {"date": f"{u.date:%d.%m.%y}", "author": None if pd.isna(u.author) else u.author,
                 "text": text_to_html(u.text)}
                for u in mine.sort_values("date", kind="stable").itertuples(index=False)]
            rows.append({"number": r.number, "lead": r.lead, "deliverable": r.deliverable,
                         "status": str(r.status), "updates": shown})
        themes.append({"heading": f"{theme}: {heading}" if heading else f"Theme {theme}",
                       "deliverables": rows})
    return render("tracker_table", caption=caption, include_css=include_css, themes=themes)


def render_movement_table(moves: pd.DataFrame, *, caption: str | None = None,
                          include_css: bool = False) -> SafeHtml:
    """Movement since the previous tracker: one row per changed, new or closed deliverable.

    Parameters
    ----------
    moves : DataFrame
        :func:`pccanalysis.indicators.delivery_plan.movement`.
    """
    rows = [{"theme": r.theme, "number": r.number, "deliverable": r.deliverable,
             "change": r.change if pd.isna(r.direction) else f"{r.change} ({r.direction})",
             "previous_status": r.previous_status, "current_status": r.current_status}
            for r in moves.itertuples(index=False)]
    return render("movement_table", caption=caption, include_css=include_css, rows=rows)


def _signed_interval(row) -> str:
    """A change's 95% interval as percentages, signed like the change beside it ("+26.8% to
    +44.6%", "−25% to +44%"); empty when an end is missing or infinite."""
    if pd.isna(row["ratio_low"]) or pd.isna(row["ratio_high"]) or row["ratio_high"] == float("inf"):
        return ""
    return (f"{format_percent(100 * (row['ratio_low'] - 1), signed=True)} to "
            f"{format_percent(100 * (row['ratio_high'] - 1), signed=True)}")


@dataclass(frozen=True)
class CountRow:
    """A row of counts under a change table's groups, reconciling it with the headline.

    Attributes
    ----------
    kind : {"total", "difference", "headline"}
        ``"total"``: the sum of the groups above; ``"difference"``: what the headline figure
        counts differently (signed: negative when the headline counts fewer); ``"headline"``:
        the headline's own count (the total plus the differences).
    label : str
        What the row counts, in words.
    previous, current : float
        Its counts in the two periods.
    previous_population, current_population : float, optional
        The residents its rate per 1,000 is per, in each period, when the table shows rates.
    """

    kind: str
    label: str
    previous: float
    current: float
    previous_population: float | None = None
    current_population: float | None = None


def rate_and_interval(count: float, population: float | None) -> tuple[str, str]:
    """A count's rate per 1,000 residents and its 95% interval, to one decimal place
    (``("105.8", "100.9 to 110.8")``; :func:`pccanalysis.indicators.counts.rate`: exact below
    10 events, Byar's above); empty strings without a population."""
    if population is None or pd.isna(population) or population <= 0 or pd.isna(count):
        return "", ""
    r = rate(int(count), float(population), per=PER_RESIDENTS)
    return format_number(r.rate, 1), f"{format_number(r.low, 1)} to {format_number(r.high, 1)}"


def _header_labels(table: pd.DataFrame) -> tuple[str, str]:
    """The period labels most rows share (the column headings)."""
    if not len(table):
        return "Before", "Now"
    pairs = table[["previous_label", "current_label"]].astype("str").value_counts(sort=True)
    return tuple(pairs.index[0])


def _change_rows(table: pd.DataFrame, group: str, header: tuple[str, str],
                 notes: Mapping[str, str]) -> list[dict]:
    """A change table's rows for the template: a group with a note has it beside its name;
    a row counting other periods than the column headings (its own publication-gap months
    left out) without a note has its periods there instead."""
    rows = []
    for _, r in table.iterrows():
        name = str(r[group])
        if name in notes:
            name += f" ({notes[name]})"
        elif (str(r["previous_label"]), str(r["current_label"])) != header:
            name += f" ({r['current_label']} against {r['previous_label']})"
        rows.append({"group": name, "previous": format_count(r["previous"]),
                     "current": format_count(r["current"]),
                     "previous_rate": rate_and_interval(r["previous"], r.get("previous_population")),
                     "current_rate": rate_and_interval(r["current"], r.get("current_population")),
                     "change": ("" if pd.isna(r["percent"])
                                else format_percent(r["percent"], signed=True)),
                     "interval": _signed_interval(r), "verdict": r["verdict"]})
    return rows


def change_table_html(table: pd.DataFrame, group: str, group_label: str,
                      caption: str | None = None, *, totals: Iterable[CountRow] = (),
                      after: pd.DataFrame | None = None,
                      notes: Mapping[str, str] | None = None) -> SafeHtml:
    """A change table for the page: group, both counts, change with interval, verdict.

    Numbers are right-aligned in tabular figures (class ``num``); a change from zero shows
    no percentage. When the table has ``previous_population`` and ``current_population``
    columns (:func:`pccanalysis.briefing.rates.table_rates`), each period's count has its rate
    per 1,000 residents beside it, with its 95% interval. The column headings name the periods most rows count; a row that counts
    other months (a publication gap of its own left out) names them beside the group.

    Parameters
    ----------
    table : DataFrame
        :func:`~pccanalysis.indicators.change.change_by`'s table.
    group, group_label : str
        The group column and its heading.
    caption : str, optional
    totals : iterable of CountRow
        Rows under the groups that reconcile the table with the headline figure, each with
        its class (``pcc-total``, ``pcc-difference``, ``pcc-headline``).
    after : DataFrame, optional
        Change rows shown under the totals and not counted in them (ASB beside crime).
    notes : mapping, optional
        Group -> a few words shown in brackets beside its name ("left out: November 2024").
    """
    after = table.iloc[:0] if after is None else after
    notes = dict(notes or {})
    header = _header_labels(pd.concat([table, after]) if len(after) else table)
    rates = {"previous_population", "current_population"} <= set(table.columns)
    return render("change_table", caption=caption, group_label=group_label, rates=rates,
                  rows=_change_rows(table, group, header, notes),
                  totals=[{"kind": t.kind, "label": t.label, "previous": format_count(t.previous),
                           "current": format_count(t.current),
                           "previous_rate": rate_and_interval(t.previous, t.previous_population),
                           "current_rate": rate_and_interval(t.current, t.current_population)}
                          for t in totals],
                  after=_change_rows(after, group, header, notes),
                  previous_label=header[0], current_label=header[1])


def suppressed_table_html(table, caption: str, row_label: str, *,
                          reconcile: Iterable[CountRow] = ()) -> SafeHtml:
    """A disclosure-controlled table (``indicators.disclosure.SuppressedTable``) for the page.

    Hidden cells show the table's marker with the class ``suppressed``; a note under the table
    says what the marker means. ``reconcile`` rows (their ``current`` count, in the total
    column) go under the table, taking its total to the figure the text gives; they are left
    out when the total itself is hidden.
    """
    display, hidden = table.display, table.suppressed
    rows = [(idx, [(True, display.loc[idx, col]) if hidden.loc[idx, col]
                   else (False, format_count(display.loc[idx, col]))
                   for col in display.columns])
            for idx in display.index]
    note = (f"{table.marker} = fewer than {table.threshold} (or a cell that would reveal one); "
            "hidden to protect the people counted.")
    shown = [] if bool(hidden.to_numpy()[-1, -1]) else [
        {"kind": r.kind, "label": r.label, "count": format_count(r.current)} for r in reconcile]
    return render("suppressed_table", caption=caption, row_label=row_label,
                  columns=list(display.columns), rows=rows, note=note, reconcile=shown)


def simple_table_html(frame: pd.DataFrame, caption: str, numeric: Iterable[str] = (),
                      row_classes: Sequence[str | None] | None = None) -> SafeHtml:
    """A plain table of text values (escaped); the ``numeric`` columns right-aligned;
    ``row_classes`` gives a row a class (``"pcc-total"`` for a total row), one per row."""
    numeric = set(numeric)
    columns = [(c, c in numeric) for c in frame.columns]
    classes = list(row_classes) if row_classes is not None else [None] * len(frame)
    rows = [([(_plain(r[c]), c in numeric) for c in frame.columns], cls)
            for (_, r), cls in zip(frame.iterrows(), classes, strict=True)]
    return render("simple_table", caption=caption, columns=columns, rows=rows)
