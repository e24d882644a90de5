"""Progress against a target and its trajectory (:mod:`pccanalysis.indicators.targets`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..indicators.targets import baseline_label
from ..numbers import format_percent, in_sentence
from ..periods import parse_period
from .axes import signed_percent_formatter
from .style import OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure

#: Target status: colour, marker and the word printed by the point.
STATUS_STYLE = {
    "on track": {"colour": OKABE_ITO["bluish_green"], "marker": "o"},
    "at risk": {"colour": OKABE_ITO["orange"], "marker": "D"},
    "off track": {"colour": OKABE_ITO["vermillion"], "marker": "X"},
}

#: A target's status once its deadline has passed, as
#: :func:`pccanalysis.narrative.targets.target_sentence` words it.
PAST_STATUS = {"on track": "met", "at risk": "not clearly met", "off track": "missed"}


def target_chart(progress, *, title: str, source: str, alt: str | None = None) -> Figure:
    """Progress against a target: the straight-line trajectory and where the indicator is now.

    Parameters
    ----------
    progress : pccanalysis.indicators.targets.TargetProgress
        Its baseline and deadline, ``percent_change`` with ``percent_change_low``/``high``,
        ``needed_percent_by_now``, ``target_percent`` and ``status``.

    Returns
    -------
    matplotlib.figure.Figure
        x is months after the end of the baseline; y is the change against the baseline in
        percent. Lines: ``"trajectory"`` from (0, 0%) to (deadline, target %), ``"current"``
        (the point now) with ``"current-interval"``, ``"needed"`` (the trajectory's value now).
        The status is written beside the point ("Off track: +30%"; after the deadline "Met",
        "Not clearly met" or "Missed") as well as coloured.
    """
    status = progress.status
    if status not in STATUS_STYLE:
        raise ValueError(f"target_chart: unknown status {status!r}")
    # the baseline as the target writes it: months left out for a publication gap are named
    # in the label of the point now, not on the axis
    baseline = baseline_label(progress.target)
    base_end = parse_period(progress.target.baseline).last_month
    now_end = progress.current_months[-1]
    total = _months_between(base_end, _deadline_end(progress))
    now_x = _months_between(base_end, now_end)
    target_pct = progress.target_percent
    style = STATUS_STYLE[status]
    t = progress.target
    past = progress.past_deadline
    # after the deadline the status says whether the target was met, as the sentence does
    shown = PAST_STATUS[status] if past else status
    needed_words = "needed" if not past else "the target"
    description = (f"Chart of {in_sentence(t.name)} against the target to {t.direction} it by "
                   f"{format_percent(t.percent)} from {baseline} by "
                   f"{progress.deadline_label}: now {format_percent(progress.percent_change, signed=True)} "
                   f"in {progress.current_label} against "
                   f"{format_percent(progress.needed_percent_by_now, signed=True)} "
                   f"{needed_words}, {shown}")
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt))
        ax = fig.add_subplot()
        ax.plot([0, total], [0, target_pct], color=TEXT_GREY, linestyle="--", linewidth=1.4,
                zorder=2, gid="trajectory")
        target_text = f"Target {format_percent(target_pct, signed=True)} by {progress.deadline_label}"
        if past:
            # "now" is at (or past) the deadline: the target's own point is what was needed,
            # labelled on the right where "needed by now" would go
            ax.annotate(target_text, (total, target_pct), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=8, color=TEXT_GREY,
                        gid="target-label")
        else:
            ax.annotate(target_text, (total, target_pct),
                        xytext=(-4, -12 if target_pct < 0 else 8), textcoords="offset points",
                        ha="right", fontsize=8, color=TEXT_GREY, gid="target-label")
        ax.plot([now_x], [progress.needed_percent_by_now], marker="o", markersize=7,
                markerfacecolor="white", markeredgecolor=TEXT_GREY, linestyle="none",
                zorder=3, gid="needed")
        if not past:
            ax.annotate("Needed by now "
                        f"{format_percent(progress.needed_percent_by_now, signed=True)}",
                        (now_x, progress.needed_percent_by_now), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=8, color=TEXT_GREY)
        lo, hi = progress.percent_change_low, progress.percent_change_high
        ax.plot([now_x, now_x], [lo, hi], color=style["colour"], linewidth=2, zorder=3,
                gid="current-interval")
        ax.plot([now_x], [progress.percent_change], marker=style["marker"], markersize=9,
                color=style["colour"], markeredgecolor="black", markeredgewidth=0.6,
                linestyle="none", zorder=4, gid="current")
        ax.annotate(f"{shown.capitalize()}: {format_percent(progress.percent_change, signed=True)}"
                    f"\n{progress.current_label}", (now_x, progress.percent_change),
                    xytext=(-10, 0), textcoords="offset points", ha="right", va="center",
                    fontsize=9, fontweight="bold", color="black", gid="status-label")
        ax.axhline(0, color="black", linewidth=0.9, zorder=1)
        ticks = [0, now_x, total] if now_x not in (0, total) else [0, total]
        labels = {0: f"{baseline}\n(baseline)", now_x: "Now",
                  total: f"{progress.deadline_label}\n(deadline)"}
        ax.set_xticks(ticks, [labels[k] for k in ticks])
        ax.set_xlim(-0.05 * max(total, now_x), 1.08 * max(total, now_x))
        _pad_y(ax, [0.0, target_pct, lo, hi, progress.needed_percent_by_now])
        ax.yaxis.set_major_formatter(signed_percent_formatter())
        # the title names the indicator; a long name would not fit along the axis
        ax.set_ylabel(f"Change against {baseline}")
    return fig


def _months_between(a: pd.Period, b: pd.Period) -> int:
    return (pd.Period(b, freq="M") - pd.Period(a, freq="M")).n


def _deadline_end(progress) -> pd.Period:
    return parse_period(progress.target.deadline).last_month


def _pad_y(ax, values: Sequence[float], fraction: float = 0.12) -> None:
    finite = [v for v in values if np.isfinite(v)]
    lo, hi = min(finite), max(finite)
    span = hi - lo or max(abs(hi), 1.0)
    ax.set_ylim(lo - fraction * span, hi + fraction * span)
