"""Tests for pccanalysis.briefing.targets on tiny hand-made frames (expected values worked by
hand)."""

from __future__ import annotations

import pandas as pd
import pytest
from briefing.frames import area_data, config_with, months, street, wards_frame

from pccanalysis.briefing.common import ASB
from pccanalysis.briefing.targets import performance_targets
from pccanalysis.periods import Quarter


def _victims_csv(path):
    # Each month of 2019-20: four victims with two crimes each (1st and 15th): 4 repeat victims.
    # Each month of 2020-21: two such victims and one with a single crime: 2 repeat victims.
    # IDs are new each month, so nobody repeats across months.
    lines = ["victim_id,date,strand,ward"]
    for k, m in enumerate(pd.period_range("2019-04", "2021-03", freq="M")):
        repeats = 4 if m.year * 12 + m.month < 2020 * 12 + 4 else 2
        for v in range(repeats):
            for day in (1, 15):
                lines.append(f"V{k:02d}{v},{m.year}-{m.month:02d}-{day:02d},Race,Abbey")
        if repeats == 2:
            lines.append(f"V{k:02d}9,{m.year}-{m.month:02d}-20,Religion,Castle")
    path.write_text("\n".join(lines) + "\n")


def test_repeat_hate_crime_victim_target_is_measured(sample_dir, tmp_path):
    _victims_csv(tmp_path / "victims.csv")
    (tmp_path / "targets.yaml").write_text(
        "targets:\n"
        "  - name: Repeat hate-crime victims\n"
        "    indicator: repeat hate-crime victims\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 10\n"
        "    deadline: 2020-21\n"
        "    source: victims.csv\n"
        "  - name: IOM reoffending\n"
        "    indicator: IOM reoffending\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 5\n"
        "    deadline: 2021-22\n"
        "    source: iom.csv\n")
    config = config_with(sample_dir, tmp_path, "  targets: targets.yaml\n  hate_crime_victims: victims.csv\n")
    data = area_data(wards_frame())
    section = performance_targets(config, data, Quarter(2020, 4))
    # 2019-20: 12 x 4 = 48 repeat victims; 2020-21: 12 x 2 = 24: -50%. Exact test, 24 of 72:
    # p = 0.0063, "fell". Clopper-Pearson for 24 / 72 is 0.2266 to 0.4543 (beta quantiles
    # B(0.025; 24, 49), B(0.975; 25, 48)), a ratio p / (1 - p) of 0.293 to 0.832, wholly below
    # the 0.9 the (passed) deadline asks for: met.
    progress = section.results["Repeat hate-crime victims"]
    assert (progress.baseline_count, progress.current_value) == (48, 24)
    assert progress.ratio_high == pytest.approx(0.8325, abs=1e-4)
    assert section.sentences == [
        "The target to reduce repeat hate-crime victims by 10% against 2019-20 by 2020-21 was "
        "met: repeat hate-crime victims were 50% lower in 2020-21 than in 2019-20."
    ]
    assert ("<tr><td>Reduce repeat hate-crime victims by 10%</td><td>2019-20</td>"
            '<td>2020-21</td><td class="num">\u221250%</td><td class="num">\u221210%</td>'
            "<td>met</td></tr>") in section.tables[0]
    assert section.figures[0].pcc_title == "Reduce repeat hate-crime victims by 10%: met"
    # The extract starts in April 2019, so no month of 2019-20 has a full year before it.
    assert section.caveats == [
        "The hate-crime extract does not reach a full year before March 2020, so repeat "
        "victims in the months up to then are undercounted."
    ]
    assert section.notes == [
        "Repeat-victim targets are measured on monthly counts of repeat victims: a person who "
        "is a repeat victim in two months of a year counts twice in that year's total.",
        "Targets on other local extracts (IOM reoffending) are not measured here: this "
        "briefing has no series for them.",
    ]
    assert [q.source for q in section.quality] == ["hate-crime victim extract"]


def test_police_target_leaves_a_gap_month_out_of_both_windows(sample_dir, tmp_path):
    (tmp_path / "targets.yaml").write_text(
        "targets:\n  - name: ASB\n    indicator: Anti-social behaviour\n    baseline: 2019-20\n"
        "    direction: reduce\n    percent: 25\n    deadline: 2021-22\n    source: police_uk\n")
    config = config_with(sample_dir, tmp_path, "  targets: targets.yaml\n")
    # ASB 100 a month in 2019-20, 90 a month in 2020-21 except October 2020, published with
    # 10 (a gap: its 12 nearest months are eleven 90s and one 100, median 90).
    counts = {(m, ASB, "Abbey"): 100 for m in months("2019-04", "2020-03")}
    counts |= {(m, ASB, "Abbey"): 90 for m in months("2020-04", "2021-03")}
    counts[("2020-10", ASB, "Abbey")] = 10
    section = performance_targets(config, area_data(street(counts)), Quarter(2020, 4))
    progress = section.results["ASB"]
    # Without October 2020 and its pair October 2019: 11 x 90 = 990 against 11 x 100 =
    # 1,100, -10% (with the gap month it would be 1,000 against 1,200, -16.7%, a fall that is
    # partly missing data). History before April 2020 is flat: phi = 1, exact test on 990 of
    # 2,090: z = -55 / 22.9 = -2.4, "fell". Half the time to 2021-22 has passed, so the
    # trajectory asks for -12.5% (ratio 0.875); the interval for 0.9 (about 0.83 to 0.98)
    # straddles it: at risk.
    assert (progress.current_value, progress.baseline_count) == (990, 1100)
    assert progress.dispersion == 1.0 and progress.status == "at risk"
    assert progress.ratio_low < 0.875 < progress.ratio_high
    assert section.sentences == [
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 10% "
        "lower in 2020-21 excluding October 2020 than in 2019-20 excluding October 2019; the "
        "trajectory asks for a fall of 12.5% by now."
    ]
    assert section.caveats == [
        "ASB figures for October 2020 appear incomplete (10 recorded against about 90 in a "
        "usual month), so totals that include that month are too low.",
        "Reduce ASB by 25%: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.",
    ]
    # the chart leaves the gap month out of its limits
    frame = progress.spc.frame
    assert frame.loc[frame["period"] == pd.Period("2020-10", freq="M"), "excluded"].all()
