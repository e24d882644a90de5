"""Sentences and titles for XmR charts: every form with its exact expected text."""

from __future__ import annotations

import pandas as pd

from pccanalysis.indicators.spc import spc, sustained_shift
from pccanalysis.narrative.spc import assurance_sentence, shift_sentence, spc_sentence, spc_title


def _spc(values, improvement="decrease", **kw):
    index = pd.period_range("2019-04", periods=len(values), freq="M")
    return spc(pd.Series(values, index=index, dtype=float), improvement=improvement, **kw)


STEADY = [10, 12] * 6  # mean 11, every moving range 2: limits 11 -/+ 5.32 = 5.68 and 16.32


def test_spc_sentence_common_cause():
    assert spc_sentence(_spc(STEADY), "ASB") == (
        "ASB shows only common cause variation: March 2020 (12) was within the usual range of "
        "5.7 to 16.3 a month."
    )


def test_spc_sentence_trial_limits():
    # six points: the same limits, but from fewer than 12 points
    assert spc_sentence(_spc([10, 12] * 3), "ASB") == (
        "ASB shows only common cause variation: September 2019 (12) was within the usual range "
        "of 5.7 to 16.3 a month. These are trial limits from only 6 months of data."
    )


def test_spc_sentence_point_outside_the_limits():
    # a 13th month of 30: mean 162 / 13 = 12.46; the moving range of 18 is screened out
    # (above 3.267 x 3.33), so the upper limit is 12.46 + 2.66 x 2 = 17.78
    assert spc_sentence(_spc(STEADY + [30]), "ASB") == (
        "ASB shows special cause variation of a concerning nature: April 2020 (30) was above "
        "the upper process limit of 17.8."
    )


def test_spc_sentence_trend():
    # 10, 20 five times, then 11 to 17: the last 7 points rise 6 times in a row. Mean 248 / 17
    # = 14.6, mean moving range (9 x 10 + 9 + 6 x 1) / 16 = 6.56, limits -2.9 to 32.0: nothing
    # outside; 11-14 are below the mean and 15-17 above, so no run on one side
    values = [10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17]
    assert spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation of a concerning nature: it has risen in each of the "
        "last 6 months, to August 2020."
    )


def test_spc_sentence_shift():
    # 10, 14 five times, then 13, 15, ... 13: mean 217 / 17 = 12.76; the last 14 and the seven
    # points after it (8 in all) are above the mean; limits 4.6 to 20.9. Higher is better here.
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]
    assert spc_sentence(_spc(values, improvement="increase"), "Reports") == (
        "Reports shows special cause variation of an improving nature: it has been above its "
        "average of 12.8 for 8 months in a row to August 2020."
    )


def test_spc_sentence_two_of_three():
    # 10, 12 six times, then 15.5, 14, 15.5: mean 177 / 15 = 11.8; mean moving range
    # (22 + 3.5 + 1.5 + 1.5) / 14 = 2.036; sigma = 2.66 / 3 x 2.036 = 1.805; 2 sigma = 15.41,
    # 3 sigma = 17.21: both 15.5s lie between them and all three points are above the mean
    values = STEADY + [15.5, 14, 15.5]
    assert spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation of a concerning nature: two of the last three months "
        "were close to the upper process limit of 17.2."
    )


def test_spc_sentence_passes_over_an_excluded_latest_month():
    # STEADY then a gap month of 1, excluded: the reading is about March 2020 (12)
    result = _spc(STEADY + [1], exclude=["2020-04"])
    assert spc_sentence(result, "ASB") == (
        "ASB shows only common cause variation: March 2020 (12) was within the usual range of "
        "5.7 to 16.3 a month."
    )


def test_spc_sentence_plural_subject():
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]  # as test_spc_sentence_shift
    assert spc_sentence(_spc(values, improvement="increase"), "Reports", plural=True) == (
        "Reports show special cause variation of an improving nature: they have been above "
        "their average of 12.8 for 8 months in a row to August 2020."
    )


def test_spc_title_forms():
    # the same charts as the spc_sentence tests above
    assert spc_title(_spc(STEADY), "ASB") == "ASB in March 2020 was within its usual range"
    assert spc_title(_spc(STEADY + [30]), "ASB") == "ASB in April 2020 was above its usual range"
    trend = [10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17]
    assert spc_title(_spc(trend), "ASB") == "ASB has risen in each of the last 6 months"
    shift = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]
    assert spc_title(_spc(shift, improvement="increase"), "Reports", plural=True) == (
        "Reports have been above their average for 8 months in a row"
    )
    assert spc_title(_spc(STEADY + [15.5, 14, 15.5]), "ASB") == (
        "ASB: two of the last three months were close to the upper limit"
    )


STEP = [30, 34] * 7 + [20, 24] * 6  # 14 points at level 32, then 12 at level 22


def test_spc_title_and_shift_sentence_after_a_sustained_shift():
    # m = (14 * 32 + 12 * 22) / 26 = 712 / 26 = 27.4; the last 12 points (June 2020 to May
    # 2021) are all below it. Rebased there, the new segment alternates 20, 24 (mean 22,
    # limits 22 -/+ 2.66 * 4 = 11.4 and 32.6): no special cause, so "stable since".
    shift = sustained_shift(_spc(STEP))
    rebased = _spc(STEP, rebase=[shift.start])
    assert spc_title(rebased, "Crime", shift=shift) == (
        "Crime moved to a lower level in June 2020 and has been stable since"
    )
    assert shift_sentence(shift, "Crime") == (
        "Crime has been below its average of 27.4 a month in every month from June 2020 to May "
        "2021 (12 months): a sustained shift to a lower level, so the chart's limits are "
        "recalculated from June 2020."
    )


def test_shift_sentence_over_an_excluded_month():
    # the 14 + 13 step with the 21st point (December 2020, a 20) excluded: 12 low months
    # judged, 7 x 20 + 6 x 24 - 20 = 264, so m = (448 + 264) / 26 = 27.4 as before
    values = STEP + [20]
    result = _spc(values, exclude=["2020-12"])
    shift = sustained_shift(result)
    assert shift.n_points == 12
    assert shift_sentence(shift, "ASB incidents", plural=True) == (
        "ASB incidents have been below their average of 27.4 a month in all 12 months judged "
        "from June 2020 to June 2021: a sustained shift to a lower level, so the chart's limits "
        "are recalculated from June 2020."
    )


def test_assurance_sentences():
    # limits 5.68 to 16.32; lower is better
    assert assurance_sentence(_spc(STEADY, target=20), "ASB") == (
        "At its current level ASB will consistently meet the target of 20 a month."
    )
    assert assurance_sentence(_spc(STEADY, target=4), "ASB") == (
        "At its current level ASB will consistently miss the target of 4 a month."
    )
    assert assurance_sentence(_spc(STEADY, target=11), "ASB") == (
        "At its current level ASB will meet the target of 11 a month in some months and miss it "
        "in others."
    )
    assert assurance_sentence(_spc(STEADY), "ASB") is None
