"""Crime outcomes by cohort (:mod:`pccanalysis.indicators.outcomes`): one stacked bar each."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..indicators.outcomes import OUTCOME_GROUPS, CohortOutcomes
from ..numbers import format_percent
from .axes import percent_formatter
from .style import LIGHT_GREY, OKABE_ITO, TEXT_GREY, chart_alt, house_style, new_figure

#: Colour and hatch of each outcome group: never colour alone (the legend names each).
GROUP_STYLE = {
    OUTCOME_GROUPS[0]: (OKABE_ITO["blue"], None),  # charged or summonsed
    OUTCOME_GROUPS[1]: (OKABE_ITO["sky_blue"], None),  # out-of-court disposal
    OUTCOME_GROUPS[2]: (OKABE_ITO["orange"], None),  # no suspect identified
    OUTCOME_GROUPS[3]: (OKABE_ITO["vermillion"], None),  # evidential difficulties
    OUTCOME_GROUPS[4]: (OKABE_ITO["reddish_purple"], None),  # not in the public interest
    OUTCOME_GROUPS[5]: (OKABE_ITO["yellow"], None),  # passed to another organisation
    OUTCOME_GROUPS[6]: ("white", "////"),  # still under investigation
    OUTCOME_GROUPS[7]: (LIGHT_GREY, None),  # unknown
}


def outcome_chart(cohorts: Sequence[CohortOutcomes], *, title: str, source: str,
                  alt: str | None = None) -> Figure:
    """The outcome groups of each cohort as a horizontal stacked bar (percent of its crimes),
    oldest at the top, each labelled with its quarter and how old its crimes are.

    Parameters
    ----------
    cohorts : sequence of CohortOutcomes
        Oldest first (as :func:`~pccanalysis.indicators.outcomes.cohort_outcomes` gives them).
    title, source, alt : str
        As every chart (:func:`~pccanalysis.figures.style.new_figure`).

    Returns
    -------
    matplotlib.figure.Figure
        Bars with the charged share written on each; still-under-investigation hatched, so a
        young cohort's open share stands out; a legend under the chart names every group.
    """
    cohorts = list(cohorts)
    if not cohorts:
        raise ValueError("outcome_chart: no cohorts to draw")
    first, last = cohorts[0].label, cohorts[-1].label
    with house_style():
        fig = new_figure(title=title, source=source, height=max(3.2, 1.2 + 0.45 * len(cohorts)),
                         alt=chart_alt(f"Stacked bar chart of the outcomes of the crimes recorded "
                                       f"in each quarter, {first} to {last}", title, alt))
        ax = fig.add_subplot()
        ys = list(range(len(cohorts)))[::-1]
        for y, cohort in zip(ys, cohorts, strict=True):
            left = 0.0
            for _, row in cohort.groups.iterrows():
                colour, hatch = GROUP_STYLE[row["group"]]
                width = float(row["share"]) if cohort.crimes else 0.0
                ax.barh(y, width, left=left, color=colour, hatch=hatch, edgecolor=TEXT_GREY,
                        linewidth=0.4, height=0.7, gid=f"{cohort.label}-{row['group']}")
                left += width
            charged = cohort.share(OUTCOME_GROUPS[0]) if cohort.crimes else 0.0
            if charged >= 6:
                ax.text(charged / 2, y, format_percent(charged, 0), ha="center", va="center",
                        color="white", fontsize=8)
        ax.set_yticks(ys, [f"{c.label}\n{_age_text(c)}" for c in cohorts])
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(percent_formatter())
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_xlabel("Share of the quarter's crimes (%)")
        handles = [Patch(facecolor=GROUP_STYLE[g][0], hatch=GROUP_STYLE[g][1],
                         edgecolor=TEXT_GREY, linewidth=0.4, label=g) for g in OUTCOME_GROUPS]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3,
                  fontsize=8)
    return fig


def _age_text(cohort: CohortOutcomes) -> str:
    return f"{cohort.age}+ month{'' if cohort.age == 1 else 's'} on"
