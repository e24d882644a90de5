"""The package's shape: imports point down the layers, no cycles, no overlong modules or functions.

Layers, bottom to top (ARCHITECTURE.md): the ground floor (errors, periods, numbers, quality,
cache, files, safe_html, config and the YAML reader it uses) -> sources -> indicators ->
narrative / figures (neither imports the other) -> briefing -> publish -> cli. sample/ sits
beside sources: it may import the ground floor and sources, and only cli imports it.

Every import counts, at the top of a module or inside a function, absolute or relative, since a
function-local import is still an arrow (it only moves the moment it runs).

Each rule lists the breaches known today in ``ALLOWED_FOR_NOW``, each with the reason it is
still there. A new breach fails the rule, and so does an entry that is no longer needed, so
the list only ever shrinks.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pccanalysis"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100
EXCUSE = "Long because"

#: Layer of each top-level name under pccanalysis (a module, or a package and all it holds).
LAYER_OF = {
    "": "ground",  # pccanalysis/__init__.py: the version only
    "errors": "ground", "periods": "ground", "numbers": "ground", "quality": "ground",
    "cache": "ground", "files": "ground", "safe_html": "ground", "config": "ground",
    "yaml_lines": "ground",
    "sources": "sources",
    "sample": "sample",
    "indicators": "indicators",
    "narrative": "narrative", "figures": "figures",
    "briefing": "briefing",
    "publish": "publish",
    "cli": "cli",
}  # fmt: skip
#: What each layer may import (itself included).
MAY_IMPORT = {
    "ground": {"ground"},
    "sources": {"ground", "sources"},
    "sample": {"ground", "sources", "sample"},
    "indicators": {"ground", "sources", "indicators"},
    "narrative": {"ground", "sources", "indicators", "narrative"},
    "figures": {"ground", "sources", "indicators", "figures"},
    "briefing": {"ground", "sources", "indicators", "narrative", "figures", "briefing"},
    "publish": {"ground", "sources", "indicators", "narrative", "figures", "briefing",
                "publish"},
    "cli": set(LAYER_OF.values()),
}

#: Known breaches, rule -> {breach: why it is still there}. Remove an entry with its breach.
ALLOWED_FOR_NOW: dict[str, dict[str, str]] = {
    "import cycles": {},
    "imports point down": {},
    "module length": {
    },
    "function length": {
        # Lines counted from `def` to the end, docstring included.
    },
}


# --------------------------------------------------------------------------------------------
# Reading the package


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    path = modules()[name]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _target(base: str, member: str) -> str:
    """The module ``from base import member`` reaches: the submodule if there is one."""
    full = f"{base}.{member}" if base else member
    return full if full in modules() else base


def imports_of(name: str) -> set[str]:
    """The pccanalysis modules ``name`` imports anywhere in its code."""
    found = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pccanalysis":
                    found.add(_nearest_module(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name if _is_package(name) else name.rpartition(".")[0]
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                if node.module:
                    base = f"{base}.{node.module}"
            else:
                base = node.module or ""
            if base.split(".")[0] != "pccanalysis":
                continue
            base = _nearest_module(base)
            found.update(_target(base, alias.name) for alias in node.names)
    found.discard(name)
    return found


def _nearest_module(dotted: str) -> str:
    while dotted not in modules() and "." in dotted:
        dotted = dotted.rpartition(".")[0]
    return dotted


@cache
def import_graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name)) for name in modules()}


def layer(name: str) -> str:
    parts = name.split(".")
    return LAYER_OF[parts[1] if len(parts) > 1 else ""]


# --------------------------------------------------------------------------------------------
# The rules: each returns today's breaches, as readable strings


def import_cycles() -> set[str]:
    """Each group of modules that import one another, round in a circle."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return {" <-> ".join(sorted(group)) for group in groups}


def upward_imports() -> set[str]:
    """Each ``module -> module`` arrow that points up the layers or sideways where barred."""
    found = set()
    for name, targets in import_graph().items():
        for target in targets:
            if layer(target) not in MAY_IMPORT[layer(name)]:
                found.add(f"{name} -> {target}")
    return found


def long_modules() -> set[str]:
    found = set()
    for path in modules().values():
        with path.open(encoding="utf-8") as fh:
            if sum(1 for _ in fh) > MAX_MODULE_LINES:
                found.add(path.relative_to(PACKAGE.parent).as_posix())
    return found


def long_functions() -> set[str]:
    """Functions (and methods) over the limit whose docstring does not say why."""
    found = set()
    for name in modules():
        for qualname, node in _functions(tree(name).body, ""):
            length = node.end_lineno - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            excused = any(line.strip().startswith(EXCUSE) for line in doc.splitlines())
            if length > MAX_FUNCTION_LINES and not excused:
                found.add(f"{name}:{qualname}")
    return found


def _functions(body, prefix: str):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
            yield from _functions(node.body, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, f"{prefix}{node.name}.")


RULES = {
    "import cycles": import_cycles,
    "imports point down": upward_imports,
    "module length": long_modules,
    "function length": long_functions,
}


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("rule", list(RULES))
def test_rule(rule):
    found = RULES[rule]()
    allowed = ALLOWED_FOR_NOW[rule]
    new = sorted(found - set(allowed))
    assert not new, f"{rule}: new breaches (fix them; see the module docstring): {new}"
    mended = sorted(set(allowed) - found)
    assert not mended, f"{rule}: no longer breached, so remove from ALLOWED_FOR_NOW: {mended}"


def test_every_module_has_a_layer():
    assert {name.split(".")[1] for name in modules() if "." in name} <= set(LAYER_OF)


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    # relative, top of module
    assert "pccanalysis.errors" in graph["pccanalysis.config"]
    # relative from a package's parent, naming a submodule
    assert "pccanalysis.sources.geography" in graph["pccanalysis.cli"]
    # function-local (the CLI imports its commands' modules late, for start-up time)
    assert "pccanalysis.publish.run" in graph["pccanalysis.cli"]
    # `from .. import __version__` reaches the package itself
    assert "pccanalysis" in graph["pccanalysis.publish.export"]


def test_a_breach_is_named_by_its_pair(monkeypatch):
    monkeypatch.setitem(MAY_IMPORT, "ground", set())
    assert "pccanalysis.config -> pccanalysis.errors" in upward_imports()
