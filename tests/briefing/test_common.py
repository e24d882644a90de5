"""Tests for pccanalysis.briefing.common on tiny hand-made frames (expected values worked by hand):
the SPC trend section (publication gaps, sustained shifts) and the area's wards."""

from __future__ import annotations

import pandas as pd
import pytest
from briefing.frames import area_data, months, street, wards_frame

from pccanalysis.briefing.common import ASB, area_wards, spc_trend
from pccanalysis.periods import Quarter


def test_a_publication_gap_month_is_shown_but_not_judged(config):
    # ASB April 2020 to June 2021 alternating 100, 120, except November 2020 (would be 120)
    # published with 10. find_gaps: its 12 nearest months are six 100s and six 120s, median
    # 110; 10 < 0.4 x 110 and P(X <= 10 | 110) is tiny: a gap.
    # Judged without it: 14 points, m = (8 x 100 + 6 x 120) / 14 = 1,520 / 14 = 108.571; the 13
    # moving ranges are 12 x 20 and 0 (October 100 to December 100, over the gap): mR =
    # 240 / 13 = 18.46, limits 108.571 -/+ 2.66 x 18.46 = 59.46 and 157.68.
    # (Judged with it, m = 1,530 / 15 = 102, mR = 420 / 14 = 30, lower limit 22.2: the 10 would
    # be a special cause "improving" point, the bug this fixes.)
    values = {m: (100 if i % 2 == 0 else 120) for i, m in enumerate(months("2020-04", "2021-06"))}
    values["2020-11"] = 10
    data = area_data(street({(m, ASB, "Abbey"): n for m, n in values.items()}))
    section = spc_trend(config, data, Quarter(2021, 1), ASB)
    result = section.results["spc"]
    gap = result.frame[result.frame["period"] == pd.Period("2020-11", freq="M")].iloc[0]
    assert gap["excluded"] and gap["variation"] == "excluded" and not gap["special_cause"]
    assert result.frame["mean"].iloc[0] == pytest.approx(1520 / 14)
    assert result.frame["lpl"].iloc[0] == pytest.approx(1520 / 14 - 2.66 * 240 / 13)
    assert not result.frame["special_cause"].any()
    assert section.results["shift"] is None
    assert section.sentences == [
        "ASB shows only common cause variation from April 2020 to June 2021: no month was "
        "outside the process limits and no run, trend or cluster near a limit signals a change. "
        "June 2021 (100) was within the usual range of 59.5 to 158 a month."
    ]
    assert section.caveats == [
        "ASB figures for November 2020 appear incomplete (10 recorded against about 110 in a "
        "usual month), so totals that include that month are too low. The chart shows such "
        "months as hollow points and leaves them out of its average and limits."
    ]
    fig = section.figures[0]
    assert fig.pcc_title == "ASB stayed within its usual range from April 2020 to June 2021"
    hollow = [line for line in fig.axes[0].lines if line.get_gid() == "excluded"][0]
    assert list(hollow.get_ydata()) == [10]
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note"] == [
        "incomplete data"]


def test_a_sustained_shift_rebases_the_chart_where_it_began(config):
    # All crime (burglary here) January 2019 to March 2020 alternating 30, 34 (15 months), then
    # April 2020 to March 2021 alternating 20, 24 (12 months). m = (8 x 30 + 7 x 34 + 6 x 20 +
    # 6 x 24) / 27 = 742 / 27 = 27.5; the last 12 months are all below it: a sustained shift
    # from April 2020. Rebased there, the new segment has m = 22 and every moving range 4:
    # limits 22 -/+ 10.64 = 11.4 and 32.6, March 2021 (24) within them.
    values = {m: (30 if i % 2 == 0 else 34) for i, m in enumerate(months("2019-01", "2020-03"))}
    values |= {m: (20 if i % 2 == 0 else 24) for i, m in enumerate(months("2020-04", "2021-03"))}
    data = area_data(street({(m, "Burglary", "Abbey"): n for m, n in values.items()}))
    section = spc_trend(config, data, Quarter(2020, 4), "All crime")
    shift = section.results["shift"]
    assert str(shift.start) == "2020-04" and shift.n_points == 12
    result = section.results["spc"]
    assert [str(p) for p in result.settings["rebase"]] == ["2020-04"]
    assert result.segments["mean"].tolist() == pytest.approx([478 / 15, 22.0])
    assert section.sentences == [
        "Crime has been below its average of 27.5 a month in every month from April 2020 to "
        "March 2021 (12 months): a sustained shift to a lower level, so the chart's limits are "
        "recalculated from April 2020.",
        "Crime shows only common cause variation from January 2019 to March 2021: no month was "
        "outside the process limits and no run, trend or cluster near a limit signals a change. "
        "March 2021 (24) was within the usual range of 11.4 to 32.6 a month.",
    ]
    assert section.figures[0].pcc_title == (
        "Crime moved to a lower level in April 2020 and has been stable since")


def test_a_shift_too_recent_for_its_own_limits_is_reported_not_rebased(config):
    # 15 months alternating 30, 34, then April to December 2020 alternating 22, 26: only 9
    # low months, fewer than 12, so no rebase; the shift rule reads the run as special cause.
    # m = (478 + 5 x 22 + 4 x 26) / 24 = 692 / 24 = 28.83; moving ranges 14 x 4, 8 (30 to 22)
    # and 8 x 4: mR = 96 / 23 = 4.174, sigma = 2.66 / 3 x 4.174 = 3.70, 2-sigma line 21.4 and
    # lower limit 17.7: no point beyond either, so the run of 9 below the mean is the signal.
    values = {m: (30 if i % 2 == 0 else 34) for i, m in enumerate(months("2019-01", "2020-03"))}
    values |= {m: (22 if i % 2 == 0 else 26) for i, m in enumerate(months("2020-04", "2020-12"))}
    data = area_data(street({(m, "Burglary", "Abbey"): n for m, n in values.items()}))
    section = spc_trend(config, data, Quarter(2020, 3), "All crime")
    assert section.results["shift"] is None
    assert section.results["spc"].settings["rebase"] == []
    # The 15 months before April 2020 are all above that mean: a run the chart flags too, and
    # the sentence names it before the run below.
    assert section.sentences == [
        "Crime shows special cause variation from January 2019 to December 2020: higher than "
        "usual from January 2019 to March 2020 (15 months in a row above its average of 28.8), "
        "a concerning signal; lower than usual since April 2020 (9 months in a row below its "
        "average of 28.8), an improving signal. December 2020 (22) was within the process "
        "limits of 17.7 to 39.9 but continues that signal."
    ]
    assert section.figures[0].pcc_title == "Crime has been below its average for 9 months in a row"


def test_area_wards_keeps_rows_placed_in_the_area_with_a_ward():
    frame = wards_frame()
    frame.loc[0, ["ward_code", "ward_name"]] = None  # a crime without a location is in no ward
    kept = area_wards(area_data(frame))
    assert set(kept["ward_name"]) == {"Abbey", "Castle"}
    assert len(kept) == len(frame) - (frame["ward_name"] == "Moorside").sum() - 1
