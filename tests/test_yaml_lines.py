"""Tests for pccanalysis.yaml_lines: YAML read with the line of every mapping and key."""

from __future__ import annotations

import datetime as dt

import pytest

from pccanalysis.errors import DataError
from pccanalysis.yaml_lines import LineDict, YamlError, parse_yaml, read_yaml

TEXT = """\
# a comment
title: Northbridge
areas:
  - name: North
    csp: [A, B]
  - {name: South, force: S}
publication:
  public: yes
"""


def test_lines_of_mappings_and_keys():
    doc = parse_yaml(TEXT)
    assert type(doc) is LineDict and doc.line == 2
    assert doc.key_lines == {"title": 2, "areas": 3, "publication": 7}
    north, south = doc["areas"]
    assert (north.line, north.line_of("csp"), north.line_of("absent")) == (4, 5, 4)
    assert south.line_of("force") == 6
    assert doc == {"title": "Northbridge",
                   "areas": [{"name": "North", "csp": ["A", "B"]}, {"name": "South", "force": "S"}],
                   "publication": {"public": True}}


def test_values_are_plain_python_as_pyyaml_reads_yaml_1_1():
    doc = parse_yaml("a: 1.5\nb: 010\nc: 12:30\nd: 2020-03-31\ne: 1e3\nf: |\n  x\ny: n\n"
                     "g: 2020-03-31 10:00:00\nh: !!str 12\ni: on\n")
    assert doc == {"a": 1.5, "b": 8, "c": 750, "d": dt.date(2020, 3, 31), "e": "1e3", "f": "x\n",
                   "y": "n", "g": dt.datetime(2020, 3, 31, 10), "h": "12", "i": True}
    assert [type(v) for v in doc.values()] == [float, int, int, dt.date, str, str, str,
                                               dt.datetime, str, bool]


def test_empty_document_and_byte_order_mark(tmp_path):
    assert parse_yaml("# nothing\n") is None
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml(path) == {"a": 1}


def test_a_key_written_twice(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a:\n  b: 1\n  b: 2\n")
    with pytest.raises(YamlError) as err:
        read_yaml(path)
    assert isinstance(err.value, DataError)
    assert str(err.value) == f"{path}, line 3: key 'b' is written twice in the same block (first on line 2)."
    assert (err.value.key, err.value.line, err.value.first_line) == ("b", 3, 2)


def test_a_merge_may_override_a_key():
    doc = parse_yaml("base: &b {k: 1, j: 2}\nd:\n  <<: *b\n  j: 3\n")
    assert doc["d"] == {"k": 1, "j": 3}
    assert doc["d"].line_of("j") == 4


@pytest.mark.parametrize("text, message", [
    ("a: [1, 2\nb: 3\n", "F, line 2: the file is not valid YAML (expected ',' or ']', but got ':')."),
    ("a: !foo x\n", "F, line 1: the file is not valid YAML (could not determine a constructor for "
                    "the tag '!foo')."),
    ("[a]: 1\n", "F, line 1: a key must be a plain word."),
])
def test_mistakes(text, message):
    with pytest.raises(YamlError) as err:
        parse_yaml(text, "F")
    assert str(err.value) == message
