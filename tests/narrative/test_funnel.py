"""Sentences and titles for funnel plots."""

from __future__ import annotations

from pccanalysis.narrative.funnel import funnel_method_sentence, funnel_sentence, funnel_title


def _funnel(counts, names):
    from pccanalysis.indicators.funnel import funnel

    return funnel(counts, [1000] * len(counts), names, kind="rate", per=1000,
                  overdispersion="none")


def test_funnel_sentence_names_wards_above_and_below_the_outer_limit():
    # 60, 10 and 10 crimes for 1,000 residents each: pooled 80 / 3,000 = 26.7 per 1,000, E =
    # 26.67 a ward; the exact 99.8% limits are the interpolated Poisson(26.67) 0.1% and 99.9%
    # quantiles, 11.67 and 43.53 crimes: 60 is above, both 10s below.
    result = _funnel([60, 10, 10], ["Abbey", "Castle", "Dales"])
    assert funnel_sentence(result, period="2020-21") == (
        "Abbey had a crime rate above the 99.8% limit in 2020-21: 60.0 per 1,000 residents, "
        "against 26.7 across the 3 wards. Castle and Dales were below the lower 99.8% limit.")
    assert funnel_title(result) == "Abbey had a crime rate above the 99.8% limit"
    # 90, 80 and four 30s: pooled 290 / 6,000 = 48.3, limits 27.8 to 70.7 crimes: two above
    # (highest first), the 30s inside the 99.8% limits
    result = _funnel([80, 90, 30, 30, 30, 30], ["Castle", "Abbey", "C", "D", "E", "F"])
    assert funnel_sentence(result, period="2020-21") == (
        "Abbey and Castle had crime rates above the 99.8% limit in 2020-21: 90.0 and 80.0 per "
        "1,000 residents, against 48.3 across the 6 wards.")
    assert funnel_title(result) == "Abbey and Castle had crime rates above the 99.8% limit"


def test_funnel_sentence_when_no_ward_is_outside():
    # 25, 27 and 28 around 26.7: all inside 11.67 to 43.53
    result = _funnel([25, 27, 28], ["Abbey", "Castle", "Dales"])
    assert funnel_sentence(result, period="2020-21") == (
        "No ward had a crime rate above the 99.8% limit in 2020-21; the rate across the 3 wards "
        "was 26.7 per 1,000 residents.")
    assert funnel_title(result) == "No ward had a crime rate above the 99.8% limit"


def test_funnel_method_sentence_forms():
    import dataclasses

    result = _funnel([25, 27, 28], ["Abbey", "Castle", "Dales"])
    assert funnel_method_sentence(result) == "The limits allow for chance only."
    widened = dataclasses.replace(result, overdispersion="additive", adjusted=True)
    assert funnel_method_sentence(widened) == (
        "Wards differ from one another by more than chance alone would make them, so the limits "
        "are widened to allow for that usual variation between wards; a ward outside them "
        "stands out even so. With only 3 wards, the allowance for variation between them is a "
        "rough estimate.")
    tested = dataclasses.replace(result, overdispersion="additive", adjusted=False)
    assert funnel_method_sentence(tested, noun=("area", "areas")) == (
        "Areas differ from one another by no more than chance alone would make them, so the "
        "limits allow for chance only. With only 3 areas, the allowance for variation between "
        "them is a rough estimate.")
