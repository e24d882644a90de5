"""What a briefing was made from, so a rerun remakes exactly what changed, and says why.

A briefing's *fingerprint* is the SHA-256 of every input file (the configuration and the
notebook among them), its parameters (quarter, area and its geography, notebook) and the
package version. It is kept in the record beside the briefing
(``<area>/<notebook>.json``). A briefing already published is kept when its fingerprint is
unchanged; otherwise it is made again and :func:`changes` says why, in words a person can act
on ("tracker-Q3.xlsx changed").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import Area
from ..numbers import join_words

#: How many changed file names a reason names before "and N more".
_NAMED = 3


def fingerprint(inputs: list[Mapping[str, Any]], notebook_sha256: str, notebook: str,
                area: Area, quarter: str, package_version: str) -> dict[str, Any]:
    """The fingerprint of one briefing (plain JSON).

    Parameters
    ----------
    inputs : list of dict
        :func:`pccanalysis.publish.manifest.input_files` (``path`` and ``sha256`` are used).
    notebook_sha256 : str
        The notebook file's SHA-256.
    notebook : str
        The notebook's name.
    area : Area
    quarter : str
        The quarter's label.
    package_version : str
    """
    files = {str(i["path"]): str(i["sha256"]) for i in inputs}
    files[f"{notebook}.ipynb"] = notebook_sha256
    return {
        "inputs": dict(sorted(files.items())),
        "parameters": {"quarter": quarter, "area": area.name, "notebook": notebook,
                       "geography": {"kind": area.kind, "members": list(area.members)}},
        "package_version": package_version,
    }


def changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """Why a briefing made with fingerprint ``old`` is out of date: empty when it is not.

    Returns
    -------
    list of str
        Short clauses, e.g. ``["tracker-Q3.xlsx changed", "pccanalysis 0.1.0 -> 0.2.0"]``.
    """
    if not old:
        return ["it was made before runs recorded what a briefing was made from"]
    reasons = []
    before, now = old.get("inputs", {}), new["inputs"]
    changed = [p for p in now if p in before and before[p] != now[p]]
    added = [p for p in now if p not in before]
    gone = [p for p in before if p not in now]
    for paths, verb in ((changed, "changed"), (added, "is new" if len(added) == 1 else "are new"),
                        (gone, "is no longer an input" if len(gone) == 1
                         else "are no longer inputs")):
        if paths:
            reasons.append(f"{_names(paths)} {verb}")
    old_params, new_params = old.get("parameters", {}), new["parameters"]
    for key in new_params:
        if old_params.get(key) != new_params[key]:
            reasons.append(f"its {key} changed ({_short(old_params.get(key))} -> "
                           f"{_short(new_params[key])})")
    if old.get("package_version") != new["package_version"]:
        reasons.append(f"pccanalysis {old.get('package_version')} -> {new['package_version']}")
    return reasons


def read_fingerprint(record: Path) -> dict[str, Any] | None:
    """The fingerprint kept in a briefing's record, or None (no record, or an older one)."""
    try:
        return json.loads(record.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def _names(paths: list[str]) -> str:
    names = [Path(p).name for p in paths]
    if len(names) > _NAMED:
        return f"{', '.join(names[:_NAMED])} and {len(names) - _NAMED} more"
    return join_words(names)


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "none" if not value else ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_short(v)}" for k, v in value.items())
    return str(value)
