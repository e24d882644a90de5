"""Hostile YAML: alias bombs, files that are not UTF-8, and values of the wrong shape, in every
YAML file pccanalysis reads (pcc.yaml, targets, tracker, harm weights). One test per case.
"""

from __future__ import annotations

import time

import pytest
from adversarial.corpus import write

from pccanalysis.config import load_config
from pccanalysis.errors import ConfigError, DataError
from pccanalysis.sources.harm_weights import read_harm_weights
from pccanalysis.sources.targets import read_targets
from pccanalysis.sources.tracker.read import read_tracker
from pccanalysis.yaml_lines import MAX_ALIAS_VALUES, parse_yaml


def laughs(depth: int = 9) -> str:
    """The classic "billion laughs": nine levels of nine aliases, 9**9 strings, under 1 KB."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"[: depth - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def bomb_line() -> int:
    """The line whose aliases take the count past the bound: line k holds 9 aliases of the
    list on line k - 1, which written out is 1 + 9 x (its own list's size) values."""
    added, size = 0, 10  # "a" written out: the list and its 9 strings
    for line in range(2, 10):
        added += 9 * size
        if added > MAX_ALIAS_VALUES:
            return line
        size = 1 + 9 * size
    raise AssertionError


TARGET = """targets:
  - name: {name}
    indicator: Anti-social behaviour
    baseline: 2019-20
    direction: {direction}
    percent: {percent}
    deadline: 2021-22
"""

TRACKER = """quarter: 2020-21 Q3
deliverables:
  - theme: T1 Protecting people
    number: 1
    lead: Force
    deliverable: {deliverable}
    status: Green
    updates:
      - date: 2020-11-02
        author: A Officer
        text: {text}
"""


def test_a_billion_laughs_stops_fast_naming_its_line():
    assert len(laughs()) < 1024
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        parse_yaml(laughs(), "F")
    assert time.perf_counter() - start < 1
    assert bomb_line() == 5  # lines 2-5 add 90, 819, 7,380 and 66,429 values: 74,718 > 10,000
    assert str(err.value) == ("F, line 5: the alias *d takes what the aliases stand for beyond "
                              "10,000 values, which is refused (write the values out, or use "
                              "fewer nested aliases).")


def test_a_billion_laughs_in_pcc_yaml_is_a_config_error(tmp_path):
    path = write(tmp_path / "pcc.yaml", "title: x\n" + laughs())
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}, line 6: this is not valid YAML (the alias *d ")


def test_a_billion_laughs_as_a_target_name(tmp_path):
    text = laughs() + TARGET.format(name="*i", direction="reduce", percent=25)
    path = write(tmp_path / "targets.yaml", text)
    with pytest.raises(DataError, match=r"line 5: the alias \*d takes what the aliases stand"):
        read_targets(path)


def test_a_billion_laughs_as_tracker_text(tmp_path):
    text = laughs() + TRACKER.format(deliverable="Plan", text="*i")
    path = write(tmp_path / "tracker.yaml", text)
    with pytest.raises(DataError, match=r"line 5: the alias \*d takes what the aliases stand"):
        read_tracker(path, as_of="2021-01-01")


def test_a_billion_laughs_in_harm_weights(tmp_path):
    path = write(tmp_path / "weights.yaml", laughs())
    with pytest.raises(DataError, match=r"line 5: the alias \*d"):
        read_harm_weights(path)


def test_an_alias_inside_itself_is_not_expanded():
    # ruamel gives the inner alias as None (the value is not complete when it is met): no loop.
    assert parse_yaml("a: &a [1, *a]\n") == {"a": [1, None]}


def test_nesting_deeper_than_the_bound_is_one_sentence():
    with pytest.raises(DataError) as err:
        parse_yaml("x: " + "[" * 200 + "]" * 200 + "\n", "F")
    assert str(err.value).startswith("F, line 1: the file is not valid YAML (maximum depth")


def test_a_merge_key_alone_still_reads():
    doc = parse_yaml("base: &b {k: 1}\nd:\n  <<: *b\n")
    assert doc["d"] == {"k": 1}


@pytest.mark.parametrize("reader", [read_targets,
                                    lambda p: read_tracker(p, as_of="2021-01-01")])
def test_yaml_that_is_not_utf8_names_its_line(tmp_path, reader):
    # "£" saved as Windows-1252 (0xa3) on line 3.
    text = (TARGET.format(name="ASB", direction="reduce", percent=25)
            if reader is read_targets else TRACKER.format(deliverable="Plan", text="ok"))
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + " # costs \xa3\n"
    path = write(tmp_path / "f.yaml", "".join(lines).encode("cp1252"))
    with pytest.raises(DataError) as err:
        reader(path)
    assert str(err.value) == (f"{path}, line 3: byte 0xa3 is not UTF-8 text; save the file as "
                              "UTF-8 (perhaps it was saved as Windows-1252).")


def test_pcc_yaml_that_is_not_utf8_names_its_line(tmp_path):
    path = write(tmp_path / "pcc.yaml", "title: Caf\xe9\n".encode("cp1252"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (f"{path}, line 1: this is not valid YAML (byte 0xe9 is not UTF-8 "
                              "text; save the file as UTF-8 (perhaps it was saved as "
                              "Windows-1252)).")


def test_a_list_used_as_a_key_in_pcc_yaml(tmp_path):
    path = write(tmp_path / "pcc.yaml", "title: x\ndata:\n  [police_uk, x]: here\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (f"{path}, line 3: this is not valid YAML (a key must be a plain "
                              "word).")


def test_an_infinite_target_percent(tmp_path):
    path = write(tmp_path / "t.yaml", TARGET.format(name="ASB", direction="increase",
                                                    percent=".inf"))
    with pytest.raises(DataError) as err:
        read_targets(path)
    assert str(err.value) == (f"{path}, line 6, column 'percent': percent must be a finite "
                              "number, not inf.")


@pytest.mark.parametrize("value, kind", [("{a: 1}", "a mapping"), ("[a, b]", "a list")])
def test_a_mapping_or_list_as_a_target_name(tmp_path, value, kind):
    path = write(tmp_path / "t.yaml", TARGET.format(name=value, direction="reduce", percent=25))
    with pytest.raises(DataError) as err:
        read_targets(path)
    assert str(err.value) == f"{path}, line 2, column 'name': the name must be text, not {kind}."


@pytest.mark.parametrize("field", ["deliverable", "text"])
def test_a_mapping_as_tracker_text(tmp_path, field):
    values = {"deliverable": "Plan", "text": "ok"} | {field: "{a: {b: c}}"}
    path = write(tmp_path / "tracker.yaml", TRACKER.format(**values))
    with pytest.raises(DataError) as err:
        read_tracker(path, as_of="2021-01-01")
    line = 6 if field == "deliverable" else 11
    assert str(err.value) == (f"{path}, line {line}, column '{field}': the {field} must be "
                              "text, not a mapping.")
