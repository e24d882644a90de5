"""Read a YAML file keeping the line of every mapping and key, for error messages.

PyYAML's safe loader forgets where a value came from; a person fixing a targets file or a tracker
needs "line 12, column 'percent'". Mappings are loaded as :class:`LineDict`, a ``dict`` that also
knows its own line and the line of each key. A key written twice in one mapping is an error
(PyYAML would silently keep the last one).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import DataError


class LineDict(dict):
    """A mapping from a YAML file, with ``line`` (its first line) and ``key_lines`` (per key)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.line: int | None = None
        self.key_lines: dict = {}

    def line_of(self, key) -> int | None:
        """1-based line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts; constructs nothing beyond plain YAML types."""

    file: str = "<yaml>"


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise DataError("a key must be a plain word", file=loader.file, line=line) from None
        if key in mapping:
            raise DataError(
                f"key {key!r} is written twice in the same block (first on line "
                f"{mapping.key_lines[key]})",
                file=loader.file,
                line=line,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_with_lines(path: str | Path) -> object:
    """Load one YAML document with line numbers kept on every mapping.

    Raises
    ------
    DataError
        When the file is not valid YAML (with the line the parser stopped at) or repeats a key.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")

    class Loader(_LineLoader):
        file = str(path)

    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader subclass: plain types only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        raise DataError(
            f"the file is not valid YAML ({problem})",
            file=path,
            line=None if mark is None else mark.line + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"the file is not valid YAML ({exc})", file=path) from None
