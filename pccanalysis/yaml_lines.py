"""Read YAML keeping the line of every mapping and key, for error messages.

A person fixing a configuration, a targets file or a tracker needs "line 12, key 'percent'".
ruamel.yaml's round-trip loader records where every key was written (``.lc``); :func:`parse_yaml`
hands back plain Python values (dict, list, str, int, float, bool, None, dates) in which every
mapping is a :class:`LineDict` that knows its own line and the line of each of its keys.

The text is read as YAML 1.1, the version PyYAML reads and people write configuration in
(``yes`` and ``no`` are true and false). A key written twice in one mapping is an error (the
last one silently winning would hide a mistake), and so is a tag that names no plain type.

Bounds
------
Anchors and aliases (``&base`` ... ``*base``, ``<<: *base``) are allowed, but what the aliases
would expand to is counted while the document is composed, and a document whose aliases would
add more than :data:`MAX_ALIAS_VALUES` values (a "billion laughs" document: about 1 KB of
nested aliases standing for billions of values) stops with a :class:`YamlError` naming the
line of the alias that crossed the bound, before any value is built. An alias that refers to
itself is refused the same way. Nesting deeper than :data:`MAX_DEPTH` is refused (no
configuration needs it, and the parser would otherwise recurse without limit). A file that is
not UTF-8 is a :class:`YamlError` naming the line of the first byte that is not.

References
----------
ruamel.yaml, https://yaml.dev/doc/ruamel.yaml/; YAML 1.1, https://yaml.org/spec/1.1/
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedKeyMap, CommentedKeySeq, CommentedSet, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarbool import ScalarBoolean

from .errors import DataError

__all__ = ["MAX_ALIAS_VALUES", "MAX_DEPTH", "LineDict", "YamlError", "parse_yaml", "read_yaml",
           "yaml_text"]

#: Most values that aliases may add to one document, counted as if every alias were written out
#: in full (a mapping counts 1 plus its keys and values). A configuration's merge keys add tens.
MAX_ALIAS_VALUES = 10_000
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 100


class LineDict(dict):
    """A mapping from a YAML file, with ``line`` (its first line) and ``key_lines`` (per key)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.line: int | None = None
        self.key_lines: dict = {}

    def line_of(self, key) -> int | None:
        """1-based line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class YamlError(DataError):
    """The text is not valid YAML, or writes a key twice in one mapping.

    The sentence is the one a data file's reader shows (``"<file>, line 7: the file is not
    valid YAML (...)"``); the configuration words its own from the attributes.

    Attributes
    ----------
    problem : str
        What the parser found wrong (``"expected ',' or ']', but got ':'"``).
    line : int or None
        1-based line of the problem.
    key : object or None
        For a key written twice: the key (``line`` is its second appearance).
    first_line : int or None
        For a key written twice: the line of its first appearance.
    """

    def __init__(self, message: str, *, problem: str, file=None, line: int | None = None,
                 key=None, first_line: int | None = None) -> None:
        self.problem = problem
        self.key = key
        self.first_line = first_line
        super().__init__(message, file=file, line=line)


class _Twice(Exception):
    def __init__(self, key, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, refusing repeated keys and tags it has no type for."""

    def check_mapping_key(self, node, key_node, mapping, key, value) -> bool:
        if key in mapping:
            raise _Twice(key, key_node.start_mark.line + 1, mapping.lc.key(key)[0] + 1)
        return True

    def construct_other(self, node):
        # ruamel keeps an unknown tag (``!foo``) as a TaggedScalar; PyYAML's safe loader and
        # this project refuse it, since nothing downstream could use such a value.
        tag = getattr(node.tag, "value", node.tag)
        raise ConstructorError(
            None, None, f"could not determine a constructor for the tag {tag!r}", node.start_mark
        )


_Constructor.add_constructor(None, _Constructor.construct_other)


class _TooBig(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem


class _Composer(Composer):
    """The composer, counting what aliases stand for (see "Bounds" in the module docstring).

    Nodes are shared, never copied, so counting costs one visit per distinct node: the size of
    a node written out in full is memoised by identity.
    """

    max_alias_values = MAX_ALIAS_VALUES

    def compose_document(self) -> Any:
        self._expanded = 0
        self._sizes: dict[int, int | None] = {}
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.parser.check_event(AliasEvent):
            return super().compose_node(parent, index)
        event = self.parser.peek_event()
        node = super().compose_node(parent, index)
        line = event.start_mark.line + 1
        self._expanded += self._size(node, line, event.anchor)
        if self._expanded > self.max_alias_values:
            raise _TooBig(line, f"the alias *{event.anchor} takes what the aliases stand for "
                                f"beyond {self.max_alias_values:,} values, which is refused "
                                "(write the values out, or use fewer nested aliases)")
        return node

    def _size(self, node: Any, line: int, anchor: str) -> int:
        """Values in ``node`` written out in full; stops counting once past the bound."""
        key = id(node)
        if key in self._sizes:
            size = self._sizes[key]
            if size is None:  # still being counted: the node contains itself
                raise _TooBig(line, f"the alias *{anchor} refers to a value that contains "
                                    "itself, which is refused")
            return size
        self._sizes[key] = None
        size = 1
        if isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = node.value
        else:
            children = []
        for child in children:
            size += self._size(child, line, anchor)
            if size > self.max_alias_values:  # the total is refused anyway: stop early
                break
        self._sizes[key] = size
        return size

# YAML 1.1 booleans and floats as PyYAML reads them. ruamel's 1.1 rules also take y and n for
# booleans (a key "y" would become True) and 1e3 for a float (PyYAML: text, since 1.1 floats
# need a dot); the files this reads were written for PyYAML.
_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
_PYYAML_RULES = {"tag:yaml.org,2002:bool": _BOOL, "tag:yaml.org,2002:float": _FLOAT}


class _Resolver(VersionedResolver):
    """ruamel's YAML 1.1 resolver with PyYAML's rules for booleans and floats."""

    def add_version_implicit_resolver(self, version, tag, regexp, first) -> None:
        super().add_version_implicit_resolver(version, tag, _PYYAML_RULES.get(tag, regexp), first)


def parse_yaml(text: str, file: str | os.PathLike | None = None, *,
               max_alias_values: int = MAX_ALIAS_VALUES) -> Any:
    """Parse one YAML document, keeping line numbers on every mapping.

    Parameters
    ----------
    text : str
        The document.
    file : str or path-like, optional
        Named in the errors.
    max_alias_values : int
        Most values aliases may add (:data:`MAX_ALIAS_VALUES`; see "Bounds" in the module
        docstring).

    Returns
    -------
    object
        Plain Python values, every mapping a :class:`LineDict`; None for an empty document.

    Raises
    ------
    YamlError
        When the text is not valid YAML (with the line the parser stopped at), repeats a key
        in one mapping, uses a list or mapping as a key, nests deeper than :data:`MAX_DEPTH`,
        or has aliases standing for more than ``max_alias_values`` values.
    """
    yaml = YAML(typ="rt")
    yaml.version = (1, 1)
    yaml.Constructor = _Constructor
    yaml.Resolver = _Resolver
    yaml.Composer = type("_BoundComposer", (_Composer,), {"max_alias_values": max_alias_values})
    yaml.max_depth = MAX_DEPTH
    try:
        loaded = yaml.load(text)
    except _TooBig as big:
        raise YamlError(big.problem, problem=big.problem, file=file, line=big.line) from None
    except _Twice as twice:
        key = _plain(twice.key, {})
        raise YamlError(
            f"key {key!r} is written twice in the same block (first on line {twice.first_line})",
            problem="a key is written twice", file=file, line=twice.line, key=key,
            first_line=twice.first_line,
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        raise YamlError(f"the file is not valid YAML ({problem})", problem=problem, file=file,
                        line=None if mark is None else mark.line + 1) from None
    except YAMLError as exc:
        raise YamlError(f"the file is not valid YAML ({exc})", problem=str(exc),
                        file=file) from None
    try:
        return _plain(loaded, {})
    except _KeyNotPlain as exc:
        problem = "a key must be a plain word"
        raise YamlError(problem, problem=problem, file=file, line=exc.line) from None


def yaml_text(path: str | os.PathLike) -> str:
    """The text of a UTF-8 YAML file (a byte-order mark is allowed).

    Raises
    ------
    YamlError
        When the file is not UTF-8, naming the line of the first byte that is not (a file
        saved as Windows-1252 with a pound sign or curly quote, say).
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = (f"byte 0x{data[exc.start]:02x} is not UTF-8 text; save the file as UTF-8 "
                   "(perhaps it was saved as Windows-1252)")
        raise YamlError(problem, problem=problem, file=path, line=line) from None


def read_yaml(path: str | os.PathLike, *, max_alias_values: int = MAX_ALIAS_VALUES) -> Any:
    """Read a UTF-8 YAML file (:func:`yaml_text`) with :func:`parse_yaml`."""
    return parse_yaml(yaml_text(path), Path(path), max_alias_values=max_alias_values)


class _KeyNotPlain(Exception):
    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


def _plain(value: Any, done: dict[int, Any]) -> Any:
    """``value`` with ruamel's round-trip types replaced by plain ones (aliases stay shared)."""
    if value is None or type(value) in (str, int, float, bool, bytes, dt.date, dt.datetime):
        return value
    if id(value) in done:
        return done[id(value)]
    if isinstance(value, dict):
        out = done[id(value)] = LineDict()
        out.line = value.lc.line + 1
        lines = value.lc.data or {}  # None for a mapping made only of merged (<<) keys
        for key, item in value.items():
            where = lines.get(key)
            line = out.line if where is None else where[0] + 1  # merged (<<) keys: none
            if isinstance(key, (CommentedKeySeq, CommentedKeyMap)):
                raise _KeyNotPlain(line)
            key = _plain(key, done)
            out[key] = _plain(item, done)
            out.key_lines[key] = line
        return out
    if isinstance(value, CommentedSet):
        return {_plain(item, done) for item in value}
    if isinstance(value, list):
        out_list = done[id(value)] = []
        out_list.extend(_plain(item, done) for item in value)
        return out_list
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if isinstance(value, TaggedScalar):  # an explicit !!str
        return str(value.value)
    if isinstance(value, (bool, ScalarBoolean)):
        return bool(value)
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.combine(value.date(), value.timetz())
    return value
