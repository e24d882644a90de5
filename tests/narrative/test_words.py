"""Word helpers shared by the narrative modules."""

from __future__ import annotations

from pccanalysis.narrative.words import as_title


def test_as_title_drops_the_full_stop():
    assert as_title("Crime fell by 19.6% in 2020-21.") == "Crime fell by 19.6% in 2020-21"
