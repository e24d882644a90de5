"""Tests for pyproject.toml: package data that exists and ships, floors the code can live with."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def release(text: str) -> tuple[int, ...]:
    """``"2.0.2"`` -> (2, 0, 2); a suffix such as ``rc1`` or ``.post1`` is ignored."""
    return tuple(int(n) for n in re.match(r"\d+(?:\.\d+)*", text).group(0).split("."))


def floors() -> dict[str, tuple[int, ...] | None]:
    """Each dependency's ``>=`` floor (None when it has none)."""
    out = {}
    for line in PYPROJECT["project"]["dependencies"]:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(?:>=\s*([0-9][0-9.]*))?.*", line)
        out[m.group(1).lower()] = release(m.group(2)) if m.group(2) else None
    return out


def test_every_package_data_pattern_matches_files():
    # A stale pattern (a folder that no longer exists) hides a packaging mistake.
    package = ROOT / "pccanalysis"
    for pattern in PYPROJECT["tool"]["setuptools"]["package-data"]["pccanalysis"]:
        assert [p for p in package.glob(pattern) if p.is_file()], pattern


def test_the_briefing_template_is_package_data():
    # Every file of the nbconvert template must ship, or `pcc run` fails from a wheel.
    package = ROOT / "pccanalysis"
    shipped = {p for pattern in PYPROJECT["tool"]["setuptools"]["package-data"]["pccanalysis"]
               for p in package.glob(pattern) if p.is_file()}
    template = {p for p in (package / "publish" / "templates").rglob("*") if p.is_file()}
    assert template and template <= shipped
    # and every template of the page's pieces (tables, cards, notes)
    pieces = {p for p in (package / "briefing" / "templates").rglob("*") if p.is_file()}
    assert pieces and pieces <= shipped


def test_floors_are_pandas_3_and_are_met_by_what_is_installed():
    found = floors()
    # The code relies on pandas 3's "str" dtype and copy-on-write; pandas 3 needs numpy 2.0.2.
    assert found["pandas"] >= (3,)
    assert found["numpy"] >= (2, 0, 2)
    for name, floor in found.items():
        assert floor is not None, f"{name} has no lower bound"
        assert release(version(name)) >= floor, (name, version(name), floor)
