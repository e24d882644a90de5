"""The comparator chart: assert on the figure's data, labels and alt text, never on pixels."""

from __future__ import annotations

import numpy as np
import pytest
from chart_checks import SOURCE, by_gid

from pccanalysis.figures.comparator import comparator_chart


def test_comparator_chart_shows_both_changes_and_the_difference():
    from pccanalysis.indicators.change import compare_counts
    from pccanalysis.indicators.comparator import compare_to_comparator

    # local 100 -> 124 (+24%); England and Wales 5,000,000 -> 5,250,000 (+5%); difference 19
    # points, which 124 against 100 cannot tell from chance
    result = compare_to_comparator(124, 100, 5_250_000, 5_000_000, label="Recorded suicide",
                                   comparator_label="England and Wales", current_label="2020",
                                   previous_label="2019")
    local = compare_counts(124, 100)
    fig = comparator_chart(result, local=local, local_label="Derbyshire",
                             title="Suicide rose locally, in line with England and Wales",
                             source=SOURCE)
    left, right = fig.axes
    assert by_gid(left.lines, "local").get_xdata()[0] == pytest.approx(24)
    assert by_gid(left.lines, "comparator-England and Wales").get_xdata()[0] == pytest.approx(5)
    np.testing.assert_allclose(by_gid(left.lines, "local-interval").get_xdata(),
                               [100 * (local.ratio_low - 1), 100 * (local.ratio_high - 1)])
    assert [t.get_text() for t in left.get_yticklabels()] == ["Derbyshire", "England and Wales"]
    assert {"+24%", "+5%"} <= {t.get_text() for t in left.texts}
    diff = by_gid(right.lines, "difference-England and Wales")
    assert diff.get_xdata()[0] == pytest.approx(19)
    assert diff.get_marker() == "o"  # similar: a round marker; different would be a diamond
    verdict = by_gid(right.texts, "comparator-verdict").get_text()
    assert " ".join(verdict.split()) == "Derbyshire similar to England and Wales"
    assert fig.pcc_alt == (
        "Chart of the percentage change in Derbyshire against England and Wales, 2020 compared "
        "with 2019 (Derbyshire similar to England and Wales): Suicide rose locally, in line "
        "with England and Wales."
    )
