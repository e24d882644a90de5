"""The funnel plot: assert on the figure's data, labels, source line and alt text, not pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chart_checks import SOURCE, chart_texts

from pccanalysis.figures.funnel import funnel_plot
from pccanalysis.figures.style import alt_text, figure_to_html
from pccanalysis.indicators.change import same_period_last_year
from pccanalysis.indicators.funnel import funnel
from pccanalysis.indicators.peers import compare_with_peers


def _by_gid(fig, gid):
    found = [a for a in fig.axes[0].get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found



# Five units against their expected counts (ratio kind, target 1), exact limits: as worked in
# tests/indicators/test_funnel.py, A (49 vs E = 25) is above the 99.8% limit, C (121 vs 100)
# and D (441 vs 400) above the 95% limit only, E (324 vs 400) below the 99.8% limit.
FIVE = funnel([49, 81, 121, 441, 324], [25, 100, 100, 400, 400], list("ABCDE"), kind="ratio",
              overdispersion="none")


def test_points_are_drawn_by_flag_at_their_denominator_and_value():
    fig = funnel_plot(FIVE, title="A is high and E is low", source=SOURCE)
    high = _by_gid(fig, "flag-high_998")[0].get_offsets()
    assert high.tolist() == [[25.0, 1.96]]  # A: 49 / 25
    high95 = _by_gid(fig, "flag-high_95")[0].get_offsets()
    assert np.asarray(high95).ravel().tolist() == pytest.approx([100.0, 1.21, 400.0, 1.1025])
    assert _by_gid(fig, "flag-low_998")[0].get_offsets().tolist() == [[400.0, 0.81]]
    assert _by_gid(fig, "flag-within")[0].get_offsets().tolist() == [[100.0, 0.81]]
    assert fig.pcc_outside == {"high": ["A"], "low": ["E"]}
    # above: a triangle pointing up; outside 95% only: hollow (white face)
    assert _by_gid(fig, "flag-high_95")[0].get_facecolor()[0].tolist() == [1, 1, 1, 1]


def test_limits_and_target_come_from_the_result_curves():
    fig = funnel_plot(FIVE, title="A is high and E is low", source=SOURCE)
    upper998 = [line for line in _by_gid(fig, "limit-998")]
    assert len(upper998) == 2  # lower and upper
    assert upper998[1].get_ydata().tolist() == pytest.approx(FIVE.curves["upper_998"].tolist())
    assert upper998[1].get_linestyle() == "-"
    assert _by_gid(fig, "limit-95")[0].get_linestyle() == "--"
    assert _by_gid(fig, "target")[0].get_ydata()[0] == 1.0


def test_labels_source_note_and_alt_text():
    fig = funnel_plot(FIVE, title="A is high and E is low", source=SOURCE)
    texts = chart_texts(fig)
    # five units: every one is named; the line labels sit at the right-hand end
    for name in "ABCDE":
        assert name in texts
    assert " Target 1.00" in texts and " 99.8%" in texts
    assert fig.pcc_source == (
        "Source: hand-made test data. Dashed lines: 95% limits; solid lines: 99.8% limits. "
        "\u25b2 above, \u25bc below the 95% limits; filled when also outside the 99.8% limits."
    )
    assert alt_text(fig) == (
        "Funnel plot of 5 areas' ratios against expected count, with 95% and 99.8% control "
        "limits around the target of 1.00: 1 above and 1 below the 99.8% limits: A is high and "
        "E is low."
    )
    assert fig.axes[0].get_xlabel() == "Expected count"
    assert 'alt="Funnel plot of 5 areas' in figure_to_html(fig)


def test_a_peer_comparison_is_drawn_with_its_focus_ringed_and_named():
    counts = pd.DataFrame({
        "month": pd.PeriodIndex(["2020-01", "2021-01"] * 3, freq="M"),
        "force": ["A", "A", "B", "B", "C", "C"],
        "crime_type": "Burglary",
        "count": [100, 80, 50, 50, 200, 260],
    })
    res = compare_with_peers(counts, {"A": 10_000, "B": 5_000, "C": 20_000}, focus="A",
                             comparison=same_period_last_year("2021-01"),
                             crime_type="Burglary")
    fig = funnel_plot(res, title="A's burglary rate is in line with its peers",
                        source=SOURCE)
    ring = _by_gid(fig, "focus")[0]
    assert ring.get_offsets().tolist() == [[10_000.0, 8.0]]
    label = _by_gid(fig, "label-A")[0]
    assert label.get_fontweight() == "bold"
    assert fig.axes[0].get_ylabel() == "Rate per 1,000 people"
    # the hand-made group is over-dispersed (phi 3.73, p = 0.004): the source line says so
    assert res.funnel.adjusted
    assert fig.pcc_source.endswith("Limits widened for the usual variation between areas "
                                   "(over-dispersion; Spiegelhalter 2005).")


def test_many_units_name_only_the_focus_and_the_outliers():
    n = np.linspace(2_000, 60_000, 30)
    o = np.round(n * 0.02).astype(int)
    o[3] = int(n[3] * 0.04)  # twice the rate: outside the 99.8% limits
    f = funnel(o, n, [f"Ward {i}" for i in range(30)], overdispersion="none")
    fig = funnel_plot(f, title="One ward stands out", source=SOURCE, focus="Ward 10")
    named = [t for t in chart_texts(fig) if t.startswith("Ward")]
    assert sorted(named) == ["Ward 10", "Ward 3"]


def test_bad_focus_is_refused():
    with pytest.raises(ValueError) as err:
        funnel_plot(FIVE, title="t", source=SOURCE, focus="Z")
    assert str(err.value) == "funnel_plot: 'Z' is not one of the units"
