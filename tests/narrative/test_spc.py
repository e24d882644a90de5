"""Sentences and titles for XmR charts: every form with its exact expected text."""

from __future__ import annotations

import pandas as pd
import pytest
from consistency import spc_disagreements

from pccanalysis.indicators.spc import spc, sustained_shift
from pccanalysis.narrative.spc import (
    assurance_sentence,
    shift_sentence,
    signals,
    spc_sentence,
    spc_title,
)


def _spc(values, improvement="decrease", **kw):
    index = pd.period_range("2019-04", periods=len(values), freq="M")
    return spc(pd.Series(values, index=index, dtype=float), improvement=improvement, **kw)


STEADY = [10, 12] * 6  # mean 11, every moving range 2: limits 11 -/+ 5.32 = 5.68 and 16.32


def test_spc_sentence_common_cause():
    assert spc_sentence(_spc(STEADY), "ASB") == (
        "ASB shows only common cause variation from April 2019 to March 2020: no month was "
        "outside the process limits and no run, trend or cluster near a limit signals a change. "
        "March 2020 (12) was within the usual range of 5.7 to 16.3 a month."
    )


def test_spc_sentence_trial_limits():
    # six points: the same limits, but from fewer than 12 points
    assert spc_sentence(_spc([10, 12] * 3), "ASB") == (
        "ASB shows only common cause variation from April 2019 to September 2019: no month was "
        "outside the process limits and no run, trend or cluster near a limit signals a change. "
        "September 2019 (12) was within the usual range of 5.7 to 16.3 a month. These are trial "
        "limits from only 6 months of data."
    )


def test_spc_sentence_point_outside_the_limits():
    # a 13th month of 30: mean 162 / 13 = 12.46; the moving range of 18 is screened out
    # (above 3.267 x 3.33), so the upper limit is 12.46 + 2.66 x 2 = 17.78. The 12 months
    # before it (10 or 12) are all below that mean: a run of 12, which the shift rule flags
    # (lower is better: improving). The old sentence spoke of April 2020 alone.
    assert spc_sentence(_spc(STEADY + [30]), "ASB") == (
        "ASB shows special cause variation from April 2019 to April 2020: lower than usual from "
        "April 2019 to March 2020 (12 months in a row below its average of 12.5), an improving "
        "signal; higher than usual in the latest month, a concerning signal. April 2020 (30) "
        "was above the upper process limit of 17.8."
    )


def test_spc_sentence_trend():
    # 10, 20 five times, then 11 to 17: the last 7 points rise 6 times in a row. Mean 248 / 17
    # = 14.6, mean moving range (9 x 10 + 9 + 6 x 1) / 16 = 6.56, limits -2.9 to 32.0: nothing
    # outside; 11-14 are below the mean and 15-17 above, so no run on one side
    values = [10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17]
    # The 7 months of the run (February to August 2020) are flagged: 6 rises in a row.
    assert spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation from April 2019 to August 2020: rising since "
        "February 2020 (6 rises in a row), a concerning signal. August 2020 (17) was within the "
        "process limits of 0 to 32.0 but continues that signal."
    )


def test_spc_sentence_shift():
    # 10, 14 five times, then 13, 15, ... 13: mean 217 / 17 = 12.76; the last 14 and the seven
    # points after it (8 in all) are above the mean; limits 4.6 to 20.9. Higher is better here.
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]
    assert spc_sentence(_spc(values, improvement="increase"), "Reports") == (
        "Reports shows special cause variation from April 2019 to August 2020: higher than "
        "usual since January 2020 (8 months in a row above its average of 12.8), an improving "
        "signal. August 2020 (13) was within the process limits of 4.6 to 20.9 but continues "
        "that signal."
    )


def test_spc_sentence_two_of_three():
    # 10, 12 six times, then 15.5, 14, 15.5: mean 177 / 15 = 11.8; mean moving range
    # (22 + 3.5 + 1.5 + 1.5) / 14 = 2.036; sigma = 2.66 / 3 x 2.036 = 1.805; 2 sigma = 15.41,
    # 3 sigma = 17.21: both 15.5s lie between them and all three points are above the mean
    values = STEADY + [15.5, 14, 15.5]
    # April and June 2020 are flagged (May, 14, is within 2 sigma): one signal since April.
    assert spc_sentence(_spc(values), "ASB") == (
        "ASB shows special cause variation from April 2019 to June 2020: higher than usual "
        "since April 2020 (two of three months close to the upper process limit of 17.2), a "
        "concerning signal. June 2020 (15.5) was within the process limits of 6.4 to 17.2 but "
        "continues that signal."
    )


def test_spc_sentence_passes_over_an_excluded_latest_month():
    # STEADY then a gap month of 1, excluded: the reading is about March 2020 (12)
    result = _spc(STEADY + [1], exclude=["2020-04"])
    assert spc_sentence(result, "ASB") == (
        "ASB shows only common cause variation from April 2019 to March 2020: no month was "
        "outside the process limits and no run, trend or cluster near a limit signals a change. "
        "March 2020 (12) was within the usual range of 5.7 to 16.3 a month."
    )


def test_spc_sentence_plural_subject():
    values = [10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13]  # as test_spc_sentence_shift
    assert spc_sentence(_spc(values, improvement="increase"), "Reports", plural=True) == (
        "Reports show special cause variation from April 2019 to August 2020: higher than usual "
        "since January 2020 (8 months in a row above their average of 12.8), an improving "
        "signal. August 2020 (13) was within the process limits of 4.6 to 20.9 but continues "
        "that signal."
    )


def test_spc_title_forms():
    # the same charts as the spc_sentence tests above
    assert spc_title(_spc(STEADY), "ASB") == (
        "ASB stayed within its usual range from April 2019 to March 2020")
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


# --- every sentence form agrees with its chart (tests/consistency.py) -----------------------

#: 22 months alternating 300, 320, then 9 months above that level with four of them (560 to
#: 590) above the upper limit, then a month back at 330: the chart of the ASB case in issue
#: #13. Mean 11,620 / 32 = 363.1; the 22 low months are a run below it, the 9 high ones a run
#: above it; the latest (330) is within the limits (227 to 498) and flagged by no rule.
EARLIER_SIGNALS = [300, 320] * 11 + [420, 440, 560, 430, 570, 440, 580, 420, 590] + [330]

FORMS = {
    "common cause": (STEADY, {}),
    "trial limits": ([10, 12] * 3, {}),
    "outside the limits": (STEADY + [30], {}),
    "trend": ([10, 20] * 5 + [11, 12, 13, 14, 15, 16, 17], {}),
    "shift": ([10, 14] * 5 + [13, 15, 13, 15, 13, 15, 13], {"improvement": "increase"}),
    "two of three": (STEADY + [15.5, 14, 15.5], {}),
    "excluded latest month": (STEADY + [1], {"exclude": ["2020-04"]}),
    "signals earlier, latest usual": (EARLIER_SIGNALS, {}),
    "rebased": (STEP, {"rebase": ["2020-06"]}),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_spc_sentence_agrees_with_its_chart(form):
    values, options = FORMS[form]
    result = _spc(values, **options)
    for plural in (False, True):
        sentence = spc_sentence(result, "ASB", plural=plural)
        assert spc_disagreements(sentence, result) == [], sentence
    title = spc_title(result, "ASB")
    assert ("stayed within" in title) == (not result.frame["special_cause"].any()), title


def test_a_sentence_about_the_latest_month_only_is_caught():
    # The old sentence described only the latest point, which is within the limits, beside a
    # chart flagging April 2019 to October 2021: the check must reject it, and the sentence
    # made today names both signals.
    result = _spc(EARLIER_SIGNALS)
    old = ("ASB shows only common cause variation: November 2025 (330) was within the usual "
           "range of 227 to 498 a month.")
    assert spc_disagreements(old, result)[0].startswith(
        "says only common cause, but the chart flags April 2019, May 2019")
    assert spc_sentence(result, "ASB") == (
        "ASB shows special cause variation from April 2019 to November 2021: lower than usual "
        "from April 2019 to January 2021 (22 months in a row below its average of 363), an "
        "improving signal; higher than usual from February 2021 to October 2021 (9 months in a "
        "row above its average of 363, 4 of them above the upper process limit of 498), a "
        "concerning signal. November 2021 (330) was within the usual range of 227 to 498 a "
        "month.")
    assert spc_title(result, "ASB") == (
        "ASB was higher than usual from February 2021 to October 2021; within its usual range "
        "in November 2021")


def test_more_than_three_signals_name_the_latest_three():
    # Blocks of 7 low months (10, 11, ...) and 7 high ones (14, 13, ...), twice: mean 12, four
    # runs of 7 on one side of it, each a signal. Moving ranges: 24 of 1 and 3 of 4 (10 to
    # 14, 14 to 10, 10 to 14): mR = 36 / 27 = 1.33, limits 12 -/+ 3.55, so nothing is outside.
    # The sentence counts the signals and names the last three.
    values = ([10, 11, 10, 11, 10, 11, 10] + [14, 13, 14, 13, 14, 13, 14]) * 2
    result = _spc(values)
    assert len(signals(result)) == 4
    sentence = spc_sentence(result, "ASB")
    assert "4 signals, the latest three: " in sentence
    assert spc_disagreements(sentence, result) == []
