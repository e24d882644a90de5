"""Sentences for partnership targets: every form with its exact expected text."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.indicators.targets import Target, target_progress
from pccanalysis.narrative.targets import target_name, target_sentence

MINUS = "\u2212"


MONTHS = pd.period_range("2019-04", "2021-03", freq="M")


def _progress(per_month: int, deadline: str):
    # 2019-20 at 100 a month (1,200) against 2020-21 at ``per_month`` a month
    series = pd.Series([100] * 12 + [per_month] * 12, index=MONTHS)
    target = Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25, deadline)
    return target_progress(target, series)


def test_target_sentence_off_track():
    # +30% (1,560 against 1,200); 12 of the 36 months to the end of 2022-23 have passed, so the
    # straight line asks for a third of 25% = 8.3% by now; the interval 1.20-1.40 lies wholly
    # above the 0.917 needed: off track
    assert target_sentence(_progress(130, "2022-23")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2022-23 is off track: ASB was 30% "
        "higher in 2020-21 than in 2019-20; the trajectory asks for a fall of 8.3% by now."
    )


def test_target_sentence_on_track_and_at_risk():
    # 75 a month: -25%, interval for the ratio 0.69-0.82, wholly below the 0.875 needed half
    # way (12 of 24 months) to 2021-22
    assert target_sentence(_progress(75, "2021-22")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is on track: ASB was 25% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )
    # 85 a month: -15%, interval 0.78-0.92 straddles 0.875: at risk
    assert target_sentence(_progress(85, "2021-22")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 15% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )


def test_target_sentence_similar_and_past_deadline():
    # 98 a month: -2% is noise (1,176 against 1,200), and short of -12.5%: off track
    assert target_sentence(_progress(98, "2021-22")) == (
        f"The target to reduce ASB by 25% against 2019-20 by 2021-22 is off track: ASB was "
        f"similar in 2020-21 to 2019-20 ({MINUS}2%); the trajectory asks for a fall of 12.5% by now."
    )
    # deadline 2020-21 has passed; 60 a month is -40%, interval 0.55-0.66, below 0.75: met
    assert target_sentence(_progress(60, "2020-21")) == (
        "The target to reduce ASB by 25% against 2019-20 by 2020-21 was met: ASB was 40% lower "
        "in 2020-21 than in 2019-20."
    )


def test_target_sentence_writes_the_name_as_it_reads_mid_sentence():
    # the 75 a month case above, for a target named "Crime"
    series = pd.Series([100] * 12 + [75] * 12, index=MONTHS)
    target = Target("Crime", "All crime", "2019-20", "reduce", 25, "2021-22")
    assert target_sentence(target_progress(target, series)) == (
        "The target to reduce crime by 25% against 2019-20 by 2021-22 is on track: crime was 25% "
        "lower in 2020-21 than in 2019-20; the trajectory asks for a fall of 12.5% by now."
    )
    assert target_name(target) == "reduce crime by 25%"


def test_target_sentence_plural_name():
    # 98 a month against 100: 1,176 against 1,200, -2%. Clopper-Pearson for 1,176 of 2,376 is
    # about 0.4748 to 0.5151, a ratio of 0.904 to 1.062: the whole interval is above the 0.9
    # the (passed) deadline asks for: missed; p about 0.62: similar.
    series = pd.Series([100] * 12 + [98] * 12, index=MONTHS)
    target = Target("Repeat hate-crime victims", "repeat hate-crime victims", "2019-20",
                    "reduce", 10, "2020-21", source="victims.csv")
    progress = target_progress(target, series)
    assert progress.ratio_low == pytest.approx(0.904, abs=0.001)
    assert target_sentence(progress, plural=True) == (
        "The target to reduce repeat hate-crime victims by 10% against 2019-20 by 2020-21 was "
        f"missed: repeat hate-crime victims were similar in 2020-21 to 2019-20 ({MINUS}2%)."
    )


def test_target_sentence_keeps_the_baseline_as_written_when_months_are_left_out():
    # 2019-20 at 100 a month, 2020-21 at 90 a month with October 2020 left out as a gap (and
    # October 2019 with it): 990 against 1,100, -10%; exact test p = 0.017: lower
    series = pd.Series([100] * 12 + [90] * 12, index=MONTHS)
    target = Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25, "2021-22")
    progress = target_progress(target, series, gaps=["2020-10"], gap_policy="exclude")
    assert target_sentence(progress) == (
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 10% "
        "lower in 2020-21 excluding October 2020 than in 2019-20 excluding October 2019; the "
        "trajectory asks for a fall of 12.5% by now.")
    # a one-month baseline is written as a month
    month_target = Target("ASB", "Anti-social behaviour", "2020-03", "reduce", 25, "2021-22")
    assert target_sentence(target_progress(month_target, series)).startswith(
        "The target to reduce ASB by 25% against March 2020 by 2021-22")
