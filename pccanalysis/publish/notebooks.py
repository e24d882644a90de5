"""The briefing notebooks: the ones a folder declares, never whatever ``*.ipynb`` it holds.

A notebooks folder declares its briefings in ``briefings.yaml``, in the order the quarter's
index lists them, with the configuration's data keys each one cannot be made without::

    briefings:
      quarterly_performance: {}
      delivery_plan:
        needs: [tracker]

Only declared notebooks are run and published, so a scratch ``Untitled.ipynb`` saved from
``pcc lab`` beside them never reaches the board. Names are letters, digits and ``_`` (they
become file names and index entries).

The project's briefings are the checkout's top-level ``notebooks/`` (:data:`NOTEBOOKS_DIR`):
pccanalysis is used from a source checkout installed with ``pip install -e .``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import DATA_KEYS
from ..errors import ConfigError, DataError
from ..files import did_you_mean
from ..yaml_lines import LineDict, read_yaml

#: The checkout's notebooks/ (beside the package folder; not in a wheel).
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: The declaration in a notebooks folder.
BRIEFINGS_FILE = "briefings.yaml"
_NAME = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Notebook:
    """A declared briefing notebook.

    Attributes
    ----------
    name : str
        The file's stem (``quarterly_performance``): the briefing's file names.
    path : Path
        The ``.ipynb`` file.
    title : str
        The notebook's ``title`` metadata, or its name in words.
    needs : tuple of str
        Configuration data keys (``tracker``, ``targets``, ...) the briefing cannot do without.
    """

    name: str
    path: Path
    title: str
    needs: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The name (as ``Path.stem`` would give it)."""
        return self.name


def declared_notebooks(notebooks_dir: str | os.PathLike | None = None) -> tuple[Notebook, ...]:
    """Every briefing notebook the folder declares, in its declared order.

    Raises
    ------
    ConfigError
        For a missing folder or declaration, a declared notebook that is not there, an unknown
        key in ``needs``, or a name that is not letters, digits and ``_``.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    if not folder.is_dir():
        if notebooks_dir is not None:
            raise ConfigError(f"the notebooks folder {folder} does not exist.")
        raise ConfigError(f"the notebooks folder {folder} does not exist: pcc run uses the "
                          "notebooks/ folder of a pccanalysis checkout installed with "
                          "`pip install -e .`; give the folder with --notebooks-dir.")
    declaration = folder / BRIEFINGS_FILE
    if not declaration.is_file():
        raise ConfigError(f"{folder} has no {BRIEFINGS_FILE} declaring its briefing notebooks "
                          "(e.g. 'briefings: {quarterly_performance: {}}'), so none is "
                          "published.")
    try:
        raw = read_yaml(declaration)
    except (DataError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{declaration} cannot be read: {exc}") from None
    entries = raw.get("briefings") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"{declaration}: 'briefings' must map each briefing notebook's name "
                          "to its settings (or {}).")
    return tuple(_notebook(folder, declaration, entries, name) for name in entries)


def _notebook(folder: Path, declaration: Path, entries: LineDict, name) -> Notebook:
    where = f"{declaration}, line {entries.line_of(name)}"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{where}: {name!r} is not a notebook name (letters, digits and _).")
    path = folder / f"{name}.ipynb"
    if not path.is_file():
        raise ConfigError(f"{where}: the briefing {name!r} is declared but {path} does not "
                          "exist.")
    settings = entries[name] or {}
    if not isinstance(settings, dict) or set(settings) - {"needs"}:
        raise ConfigError(f"{where}: a briefing's settings are 'needs: [data keys]' only.")
    needs = settings.get("needs") or []
    if not isinstance(needs, list) or any(n not in DATA_KEYS for n in needs):
        bad = next((n for n in needs if n not in DATA_KEYS), needs) if isinstance(
            needs, list) else needs
        raise ConfigError(f"{where}: {name}.needs lists data keys of pcc.yaml, and {bad!r} is "
                          f"not one{did_you_mean(bad, DATA_KEYS)}.")
    return Notebook(name=name, path=path, title=notebook_title(path), needs=tuple(needs))


def find_notebooks(names: Iterable[str] | None = None,
                   notebooks_dir: str | os.PathLike | None = None) -> tuple[Notebook, ...]:
    """The declared notebooks called ``names`` (file stems), in declared order; all without.

    Raises
    ------
    ConfigError
        As :func:`declared_notebooks`.
    UnknownNotebook
        For a name that is not declared (suggesting the nearest).
    """
    declared = declared_notebooks(notebooks_dir)
    if not names:
        return declared
    by_name = {nb.name: nb for nb in declared}
    wanted = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_name:
            folder = declared[0].path.parent
            raise UnknownNotebook(
                f"there is no briefing notebook called {name!r} in {folder}"
                f"{did_you_mean(stem, by_name)}; the briefings are {', '.join(by_name)}.")
        wanted.append(stem)
    return tuple(nb for nb in declared if nb.name in wanted)


class UnknownNotebook(ConfigError):
    """``--notebook`` names no declared briefing (a usage error: exit code 2)."""

    exit_code = 2


def notebook_title(path: Path) -> str:
    """The notebook's ``title`` metadata, or its file name in words."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        meta = {}
    title = meta.get("title") or (meta.get("pcc") or {}).get("title")
    return title or path.stem.replace("_", " ").capitalize()
