"""UK number style: each rule with hand-worked examples."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pccanalysis.numbers import (
    MINUS,
    describe_percent,
    format_count,
    format_number,
    format_percent,
    format_range,
    format_rate,
    in_sentence,
    join_words,
    month_label,
    months_label,
    plural,
    round_half_up,
)


def test_minus_is_the_unicode_minus_sign():
    assert MINUS == "\u2212"
    assert format_count(-40) == "\u221240"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (1234, "1,234"),
        (1234567, "1,234,567"),
        (-1234, MINUS + "1,234"),
        (12.5, "13"),  # half up, not Python's banker's rounding (round(12.5) == 12)
        (-12.5, MINUS + "13"),  # half away from zero
    ],
)
def test_format_count(value, expected):
    assert format_count(value) == expected


def test_format_count_signed():
    assert format_count(40, signed=True) == "+40"
    assert format_count(-40, signed=True) == MINUS + "40"
    assert format_count(0, signed=True) == "0"


def test_format_number_keeps_requested_decimals():
    assert format_number(2, 1) == "2.0"
    assert format_number(-12345.67, 1) == MINUS + "12,345.7"


def test_round_half_up_uses_the_decimal_people_read():
    # 19.65 is stored as 19.649999999999998578...; Python's format gives 19.6, people expect 19.7
    assert f"{19.65:.1f}" == "19.6"
    assert str(round_half_up(19.65, 1)) == "19.7"
    assert str(round_half_up(0.125, 2)) == "0.13"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (19.64, {}, "19.6%"),
        (19.65, {}, "19.7%"),
        (24.0, {}, "24%"),  # trailing .0 dropped
        (24.04, {}, "24%"),  # rounds to 24.0, then dropped
        (-2.04, {}, MINUS + "2%"),
        (-2.04, {"signed": True}, MINUS + "2%"),
        (5.0, {"signed": True}, "+5%"),
        (-0.04, {"signed": True}, "0%"),  # rounds to zero: no sign, no "−0%"
        (1234.5, {}, "1,234.5%"),
        (33.333, {"decimals": 0}, "33%"),
    ],
)
def test_format_percent(value, kwargs, expected):
    assert format_percent(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (19.6, "almost 20%"),  # 20 - 19.6 = 0.4 < 0.5
        (19.96, "20%"),  # rounds to 20.0: exactly the round figure
        (19.5, "19.5%"),  # 0.5 below is not "within" half a point
        (19.4, "19.4%"),
        (20.0, "20%"),
        (20.3, "just over 20%"),  # 0.3 above
        (20.5, "20.5%"),
        (25.3, "just over 25%"),  # multiples of 5 count as round
        (29.7, "almost 30%"),
        (9.8, "almost 10%"),  # 10 - 9.8 = 0.2 < 0.5, and 10 is the smallest round figure
        (4.8, "4.8%"),  # but not "almost 5%": below 10 half a point is too much
        (0, "0%"),
        (11.0, "11%"),
    ],
)
def test_describe_percent(value, expected):
    assert describe_percent(value) == expected


def test_describe_percent_refuses_negative_and_nan():
    with pytest.raises(ValueError, match="size of change"):
        describe_percent(-3)
    with pytest.raises(ValueError, match="cannot write"):
        describe_percent(float("nan"))


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_describe_percent_never_moves_the_value_by_half_a_point(value):
    text = describe_percent(value)
    shown = float(text.split()[-1].rstrip("%").replace(",", ""))
    r = float(round_half_up(value, 1))
    assert abs(shown - r) < 0.5
    if text.startswith("almost"):
        assert shown > r
    if text.startswith("just over"):
        assert shown < r


def test_rate_and_range():
    assert format_rate(4.25) == "4.3 per 1,000"
    assert format_rate(12.0, per=100000) == "12.0 per 100,000"
    assert format_range(-25.04, -14.0) == f"{MINUS}25% to {MINUS}14%"
    assert format_range(0.81, 1.2, percent=False, decimals=2) == "0.81 to 1.20"


def test_join_words_and_plural():
    assert join_words([]) == ""
    assert join_words(["Dales"]) == "Dales"
    assert join_words(["Castle", "Abbey"]) == "Castle and Abbey"
    assert join_words(["Castle", "Abbey", "Dales"]) == "Castle, Abbey and Dales"
    assert plural(1, "ward") == "1 ward"
    assert plural(12, "ward") == "12 wards"
    assert plural(2, "victim who is a repeat", "victims who are repeats") == "2 victims who are repeats"


def test_month_labels():
    assert month_label(pd.Period("2020-10", freq="M")) == "October 2020"
    assert month_label("2020-10") == "October 2020"
    assert months_label(["2020-10"]) == "October 2020"
    assert months_label(["2020-11", "2020-10"]) == "October and November 2020"
    assert months_label(["2020-11", "2020-12", "2021-01"]) == "November 2020 to January 2021"
    assert months_label(["2020-04", "2020-05", "2020-06"]) == "April to June 2020"
    assert months_label(["2020-04", "2020-06"]) == "April and June 2020"
    assert months_label(["2021-01", "2020-12"]) == "December 2020 and January 2021"
    assert months_label(["2020-04", "2020-06", "2020-09"]) == (
        "April 2020, June 2020 and September 2020"
    )


def test_in_sentence_lowers_ordinary_words_only():
    assert in_sentence("Crime") == "crime"
    assert in_sentence("Anti-social behaviour") == "anti-social behaviour"
    assert in_sentence("Repeat hate-crime victims") == "repeat hate-crime victims"
    assert in_sentence("Violence and sexual offences") == "violence and sexual offences"
    # acronyms and proper names are written as they are
    assert in_sentence("ASB") == "ASB"
    assert in_sentence("IOM cohort") == "IOM cohort"
    assert in_sentence("City Centre burglary") == "City Centre burglary"
    # a one-word place name cannot be told from an ordinary word unless named
    assert in_sentence("Dales burglary", proper_nouns=["Dales", "Castle"]) == "Dales burglary"
