"""The target chart: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from chart_checks import SOURCE, by_gid, chart_texts

from pccanalysis.figures.targets import target_chart

MINUS = "\u2212"




def test_target_chart_draws_the_trajectory_and_the_status():
    from pccanalysis.indicators.targets import Target, target_progress

    # 2019-20: 100 a month (1,200); 2020-21: 130 a month (1,560), +30%. The deadline 2022-23
    # ends 36 months after the baseline; March 2021 is 12 months in, so the straight line asks
    # for a third of -25% = -8.33% by now. The whole interval for +30% is above it: off track.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [130] * 12, index=months)
    progress = target_progress(Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25,
                                      "2022-23"), series)
    assert progress.status == "off track"
    fig = target_chart(progress, title="The ASB target is off track", source=SOURCE)
    ax = fig.axes[0]
    trajectory = by_gid(ax.lines, "trajectory")
    np.testing.assert_allclose(trajectory.get_xdata(), [0, 36])
    np.testing.assert_allclose(trajectory.get_ydata(), [0, -25])
    needed = by_gid(ax.lines, "needed")
    np.testing.assert_allclose([needed.get_xdata()[0], needed.get_ydata()[0]], [12, -25 / 3])
    current = by_gid(ax.lines, "current")
    np.testing.assert_allclose([current.get_xdata()[0], current.get_ydata()[0]], [12, 30])
    assert current.get_marker() == "X"
    assert by_gid(ax.texts, "status-label").get_text() == "Off track: +30%\n2020-21"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2019-20\n(baseline)", "Now", "2022-23\n(deadline)"]
    assert "Target \u221225% by 2022-23" in chart_texts(fig)
    assert fig.pcc_alt == (
        "Chart of ASB against the target to reduce it by 25% from 2019-20 by 2022-23: now +30% "
        "in 2020-21 against \u22128.3% needed, off track: The ASB target is off track."
    )
    assert ax.get_ylabel() == "Change against 2019-20"


def test_target_chart_after_the_deadline_says_met_or_missed():
    from pccanalysis.indicators.targets import Target, target_progress

    # 2019-20: 100 a month; 2020-21: 95 a month, -5%. Clopper-Pearson for 1,140 of 2,340 is
    # about 0.467 to 0.508, a ratio of 0.875 to 1.031, straddling the 0.9 the whole target asks
    # for: "at risk", which after the deadline 2020-21 reads "not clearly met". "Now" is the
    # deadline: one label, the target's.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [95] * 12, index=months)
    progress = target_progress(Target("Repeat hate-crime victims", "repeat hate-crime victims",
                                      "2019-20", "reduce", 10, "2020-21"), series)
    assert progress.past_deadline and progress.status == "at risk"
    fig = target_chart(progress, title="Reduce repeat hate-crime victims by 10%: not clearly "
                         "met", source=SOURCE)
    ax = fig.axes[0]
    assert by_gid(ax.texts, "status-label").get_text() == f"Not clearly met: {MINUS}5%\n2020-21"
    assert by_gid(ax.texts, "target-label").get_text() == f"Target {MINUS}10% by 2020-21"
    assert not any(t.get_text().startswith("Needed by now") for t in ax.texts)
    assert fig.pcc_alt.startswith(
        "Chart of repeat hate-crime victims against the target to reduce it by 10% from 2019-20 "
        f"by 2020-21: now {MINUS}5% in 2020-21 against {MINUS}10% the target, not clearly met")


def test_target_chart_names_months_left_out_beside_the_point_not_on_the_axis():
    from pccanalysis.indicators.targets import Target, target_progress

    # As above (100 a month, then 130), with October 2020 left out as a publication gap and
    # October 2019 with it: 11 x 130 against 11 x 100, still +30%, still 12 months in.
    months = pd.period_range("2019-04", "2021-03", freq="M")
    series = pd.Series([100] * 12 + [130] * 12, index=months)
    progress = target_progress(Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25,
                                      "2022-23"), series, gaps=["2020-10"], gap_policy="exclude")
    assert progress.baseline_label == "2019-20 excluding October 2019"
    fig = target_chart(progress, title="The ASB target is off track", source=SOURCE)
    ax = fig.axes[0]
    np.testing.assert_allclose(by_gid(ax.lines, "current").get_xdata(), [12])
    assert by_gid(ax.texts, "status-label").get_text() == (
        "Off track: +30%\n2020-21 excluding October 2020")
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2019-20\n(baseline)", "Now", "2022-23\n(deadline)"]
    assert ax.get_ylabel() == "Change against 2019-20"
    assert fig.pcc_alt.startswith(
        "Chart of ASB against the target to reduce it by 25% from 2019-20 by 2022-23: now +30% "
        "in 2020-21 excluding October 2020 against")
