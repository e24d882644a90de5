"""Delivery-plan status as a RAG bar (:mod:`pccanalysis.indicators.delivery_plan`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from ..numbers import format_count, format_percent
from .axes import percent_formatter
from .style import OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure

#: Delivery-plan status (as :mod:`pccanalysis.indicators.delivery_plan` names them): fill,
#: hatch (so a status never depends on colour alone) and the colour of text on the fill. The
#: fills are the Okabe-Ito ones the tracker table uses (:mod:`pccanalysis.briefing.html`), so chart and
#: table agree; black text on each passes WCAG AA contrast.
RAG_STYLE = {
    "Green": {"colour": OKABE_ITO["bluish_green"], "hatch": "", "text": "black"},
    "Amber": {"colour": OKABE_ITO["orange"], "hatch": "//", "text": "black"},
    "Red": {"colour": OKABE_ITO["vermillion"], "hatch": "xx", "text": "black"},
    "Not started": {"colour": "#FFFFFF", "hatch": "..", "text": "black"},
}

_RAG_ALIASES = {
    "green": "Green", "g": "Green",
    "amber": "Amber", "a": "Amber",
    "red": "Red", "r": "Red",
    "not started": "Not started", "white": "Not started", "ns": "Not started",
    "white (ns)": "Not started", "w": "Not started",
}


def _rag_counts(summary) -> dict[str, int]:
    if hasattr(summary, "key") and isinstance(summary.key, pd.DataFrame):
        summary = summary.key  # a delivery_plan.TrackerSummary
    if isinstance(summary, pd.DataFrame):
        col_status = next((c for c in ("status", "rag") if c in summary.columns), None)
        col_n = next((c for c in ("number", "count", "n") if c in summary.columns), None)
        if col_status is None or col_n is None:
            raise ValueError("rag_summary_chart: expected columns 'status' and 'number'")
        items = zip(summary[col_status], summary[col_n], strict=True)
    elif isinstance(summary, (pd.Series, Mapping)):
        items = summary.items()
    else:
        raise TypeError("rag_summary_chart takes a mapping, Series or frame of status counts")
    counts = dict.fromkeys(RAG_STYLE, 0)
    for status, n in items:
        key = _RAG_ALIASES.get(str(status).strip().lower())
        if key is None:
            raise ValueError(f"rag_summary_chart: unknown status {status!r}")
        counts[key] += int(n)
    return counts


def _rag_rows(rows) -> list[tuple[str, dict[str, int]]]:
    if isinstance(rows, pd.DataFrame):
        # wide, as delivery_plan.counts_by_lead: a name column then one column per status
        statuses = [c for c in rows.columns if str(c).strip().lower() in _RAG_ALIASES]
        names = [c for c in rows.columns if c not in statuses and c != "Total"]
        if not statuses or not names:
            raise ValueError("rag_summary_chart: rows needs a name column and status columns")
        return [(str(r[names[0]]), _rag_counts({s: r[s] for s in statuses}))
                for _, r in rows.iterrows()]
    return [(str(name), _rag_counts(counts)) for name, counts in rows.items()]


def rag_summary_chart(
    summary,
    *,
    title: str,
    source: str,
    rows=None,
    alt: str | None = None,
) -> Figure:
    """Delivery-plan status as a horizontal stacked bar: Green, Amber, Red, Not started.

    Each segment is labelled with its status, number and percentage ("Green 12 (75%)"), and
    carries a hatch as well as a colour, so the chart reads in grey print and for readers who
    cannot tell red from green.

    Parameters
    ----------
    summary : TrackerSummary, DataFrame, Series or mapping
        Counts by status for the whole plan: a
        :class:`~pccanalysis.indicators.delivery_plan.TrackerSummary`, its ``key`` frame
        (``status``, ``number``), or ``{"Green": 12, ...}``. "White" and "NS" are read as
        "Not started".
    rows : DataFrame or mapping, optional
        Extra bars below the whole-plan bar: a wide frame such as
        :func:`~pccanalysis.indicators.delivery_plan.counts_by_lead` (a name column, then one
        column per status), or ``{"T1 Protecting people": {"Green": 4, ...}, ...}``.
    """
    bars = [("All deliverables", _rag_counts(summary))]
    if rows is not None and len(rows):
        bars += _rag_rows(rows)
    total = sum(bars[0][1].values())
    if total == 0:
        raise ValueError("rag_summary_chart: no deliverables to summarise")
    parts = [f"{format_count(n)} {k.lower()}" for k, n in bars[0][1].items() if n]
    description = (f"Bar chart of the status of {format_count(total)} delivery-plan "
                   f"deliverables ({', '.join(parts)})")
    height = 1.6 + 0.55 * len(bars)
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         height=height)
        ax = fig.add_subplot()
        ax.grid(False)
        for i, (_name, counts) in enumerate(bars):
            n_total = sum(counts.values())
            left = 0.0
            for status, n in counts.items():
                if n == 0:
                    continue
                share = 100 * n / n_total
                style = RAG_STYLE[status]
                ax.barh(i, share, left=left, height=0.6, color=style["colour"],
                        hatch=style["hatch"], edgecolor=TEXT_GREY, linewidth=0.8,
                        label=status, gid=f"rag-{status}")
                label = f"{status}\n{format_count(n)} ({format_percent(share, 0)})"
                if share >= 12:
                    ax.text(left + share / 2, i, label, ha="center", va="center", fontsize=8,
                            color=style["text"], fontweight="bold",
                            bbox={"facecolor": style["colour"], "edgecolor": "none",
                                  "pad": 1.0, "alpha": 0.85})
                else:
                    # too narrow to hold its label: write it above the bar
                    ax.text(left + share / 2, i - 0.42, label.replace("\n", " "),
                            ha="center", va="bottom", fontsize=8, color="black")
                left += share
        ax.set_yticks(range(len(bars)), [name for name, _ in bars])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(percent_formatter())
        ax.set_xlabel("Share of deliverables")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    return fig
