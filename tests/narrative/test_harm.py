"""Sentences for harm-weighted crime."""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.narrative.harm import harm_sentence


def test_harm_sentence_from_a_harm_index():
    # made-up weights: burglary 10, violence 25.5. 2019-20 Q4: 6 burglaries and 4 violent
    # crimes, 60 + 102 = 162; 2020-21 Q4: 6 and 6, 60 + 153 = 213.
    from pccanalysis.indicators.harm import harm_index

    months = [pd.Period("2020-01", freq="M")] * 10 + [pd.Period("2021-01", freq="M")] * 12
    types = ["Burglary"] * 6 + ["Violence and sexual offences"] * 4 \
        + ["Burglary"] * 6 + ["Violence and sexual offences"] * 6
    frame = pd.DataFrame({"month": months, "crime_type": types})
    table = harm_index(frame, {"Burglary": 10, "Violence and sexual offences": 25.5},
                       period="quarter")
    assert harm_sentence(table, "2020-21 Q4", "2019-20 Q4", "Made-up scheme") == (
        "In 2020-21 Q4, 12 crimes had a harm score of 213 (Made-up scheme), against 10 crimes "
        "with a harm score of 162 in 2019-20 Q4.")
    with pytest.raises(ValueError, match="no row"):
        harm_sentence(table, "2021-22 Q1", "2020-21 Q1", "Made-up scheme")
