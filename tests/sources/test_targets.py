"""Tests for pccanalysis.sources.targets: YAML -> Target, every mistake with its message."""

from __future__ import annotations

import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.targets import Target, read_targets

GOOD = """\
# Partnership targets (a hand-made fixture, fictional)
area: Northbridge
targets:
  - name: Crime
    indicator: All crime
    baseline: 2019-20
    direction: reduce
    percent: 10
    deadline: 2020/21
  - name: ASB
    indicator: Anti-social behaviour
    baseline: Q4 2019/20
    direction: Reduce
    percent: "25%"
    deadline: FY2021-22
    source: police_uk
  - name: Repeat hate-crime victims
    indicator: repeat hate-crime victims
    baseline: 2020-03
    direction: reduce
    percent: 10.5
    deadline: 2021
    source: hate-crime-victims.csv
"""


def write(tmp_path, text: str):
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_targets_in_canonical_spelling(tmp_path):
    assert read_targets(write(tmp_path, GOOD)) == [
        Target("Crime", "All crime", "2019-20", "reduce", 10.0, "2020-21", "police_uk"),
        Target("ASB", "Anti-social behaviour", "2019-20 Q4", "reduce", 25.0, "2021-22",
               "police_uk"),
        # YAML reads 2021 as a number; it is the calendar year 2021.
        Target("Repeat hate-crime victims", "repeat hate-crime victims", "2020-03", "reduce",
               10.5, "2021", "hate-crime-victims.csv"),
    ]


def test_the_example_fixture_file(test_data):
    targets = read_targets(test_data / "extracts" / "targets_small.yaml")
    assert [t.name for t in targets] == ["Crime", "ASB", "Repeat hate-crime victims"]
    assert targets[1] == Target("ASB", "Anti-social behaviour", "2019-20", "reduce", 25.0,
                                "2021-22", "police_uk")


def test_increase_may_exceed_100_percent(tmp_path):
    text = GOOD.replace("direction: reduce\n    percent: 10\n",
                        "direction: increase\n    percent: 150\n")
    assert read_targets(write(tmp_path, text))[0].percent == 150.0


def _error(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        read_targets(path)
    return str(info.value).replace(str(path), "F")


# Each case edits the GOOD file; line numbers count from 1 in GOOD as shown above.
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    percent: 10\n", "    percentage: 10\n",
         "F, line 8, column 'percentage': unknown key 'percentage' (did you mean 'percent'?); a "
         "target has name, indicator, baseline, direction, percent, deadline, source."),
        ("area: Northbridge\n", "areas: Northbridge\n",
         "F, line 2, column 'areas': unknown key 'areas' (did you mean 'area'?); a targets file "
         "has targets, area, title, note."),
        ("    direction: reduce\n    percent: 10\n", "    direction: lower\n    percent: 10\n",
         "F, line 7, column 'direction': direction 'lower' is not reduce or increase."),
        ("    percent: 10\n", "    percent: ten\n",
         "F, line 8, column 'percent': percent 'ten' is not a number; write it like 25 or 25%."),
        ("    percent: 10\n", "    percent: true\n",
         "F, line 8, column 'percent': percent True is not a number; write it like 25 or 25%."),
        ("    percent: 10\n", "    percent: 0\n",
         "F, line 8, column 'percent': percent must be more than 0, not 0."),
        ("    percent: 10\n", "    percent: 120\n",
         "F, line 8, column 'percent': a reduction cannot be more than 100%, not 120%."),
        ("    baseline: 2019-20\n", "    baseline: last year\n",
         "F, line 6, column 'baseline': the baseline is not a period: 'last year' is not a "
         "period: write a month (2020-04), a quarter (2020-21 Q2), a financial year (2020-21) "
         "or a calendar year (2020)."),
        ("    deadline: 2020/21\n", "    deadline: 2020-22\n",
         "F, line 9, column 'deadline': the deadline is not a period: '2020-22' is not a "
         "financial year: the second year must follow the first (e.g. 2020-21)."),
        ("    deadline: 2020/21\n", "    deadline: 2019-20\n",
         "F, line 9, column 'deadline': the deadline 2019-20 does not end after the baseline "
         "2019-20."),
        ("    indicator: All crime\n", "",
         "F, line 4, column 'indicator': target 'Crime' has no 'indicator'."),
        ("    indicator: All crime\n", "    indicator:\n",
         "F, line 5, column 'indicator': target 'Crime' has no 'indicator'."),
        ("  - name: ASB\n", "  - name: crime\n",
         "F, line 10, column 'name': the target name 'crime' is used twice (first on line 4)."),
        ("    percent: 10\n", "    percent: 10\n    percent: 12\n",
         "F, line 9: key 'percent' is written twice in the same block (first on line 8)."),
        ("    baseline: 2019-20\n", "    baseline: [2019-20\n",
         "F, line 7: the file is not valid YAML (expected ',' or ']', but got ':')."),
    ],
)
def test_errors(tmp_path, old, new, message):
    assert old in GOOD
    assert _error(tmp_path, GOOD.replace(old, new, 1)) == message


def test_no_targets(tmp_path):
    assert _error(tmp_path, "area: Northbridge\ntargets: []\n") == (
        "F, line 2, column 'targets': 'targets' must be a list with at least one target."
    )
    assert _error(tmp_path, "- name: Crime\n") == (
        "F, line 1: a targets file must be a mapping with a 'targets' list."
    )


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="the targets file does not exist"):
        read_targets(tmp_path / "nope.yaml")
