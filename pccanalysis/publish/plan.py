"""What a run will do, worked out before anything is written.

:func:`plan_run` checks the run (:func:`pccanalysis.publish.validate.check_run`: every problem
at once, nothing started if any), hashes every input, and decides for each (area, notebook)
whether its published briefing is still what these inputs would make (its fingerprint,
:mod:`pccanalysis.publish.fingerprint`): kept if so, made again (with the reason) if not.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Area, Config, safe_folder_name
from ..files import file_digest
from ..periods import Quarter
from .execute import CELL_TIMEOUT
from .fingerprint import changes, fingerprint, read_fingerprint
from .index import FAILED_FOLDER
from .manifest import code_version, input_files
from .notebooks import Notebook
from .validate import Checked, check_run


@dataclass
class RunPlan:
    """What a run will do: what the checks found (:class:`~.validate.Checked`: the
    configuration, quarter, areas and notebooks, read through the properties of the same
    names) and which briefings to make.

    Attributes
    ----------
    checked : Checked
        :func:`~pccanalysis.publish.validate.check_run`'s result.
    output_dir : Path
    jobs : int
    force : bool
    to_run, skipped : list of (Area, Notebook)
        Briefings to make, and published briefings kept as they are.
    reasons : dict
        ``(area name, notebook) -> why it is made`` for each briefing to make.
    inputs : list of dict
        Every input file with its SHA-256 (:func:`~pccanalysis.publish.manifest.input_files`).
    code : dict
        :func:`~pccanalysis.publish.manifest.code_version`.
    fingerprints : dict
        ``(area name, notebook) -> fingerprint`` for every briefing asked for.
    pdf : bool
        Render each briefing made to PDF too.
    share_rows : bool
        Place the police rows once for all briefings (:mod:`pccanalysis.briefing.placed`);
        False makes each kernel place them itself (for measuring what sharing saves).
    reuse_kernels : bool
        Keep each worker's kernel from one briefing to the next (:mod:`~.kernels`); False
        starts a kernel per briefing (for measuring what keeping them saves).
    """

    checked: Checked
    output_dir: Path
    jobs: int
    force: bool
    to_run: list[tuple[Area, Notebook]] = field(default_factory=list)
    skipped: list[tuple[Area, Notebook]] = field(default_factory=list)
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    code: dict[str, Any] = field(default_factory=dict)
    fingerprints: dict[tuple[str, str], dict] = field(default_factory=dict)
    pdf: bool = False
    timeout: int = CELL_TIMEOUT
    share_rows: bool = True
    reuse_kernels: bool = True

    @property
    def config(self) -> Config:
        """The configuration, with ``all_csps_of`` expanded."""
        return self.checked.config

    @property
    def quarter(self) -> Quarter:
        return self.checked.quarter

    @property
    def areas(self) -> tuple[Area, ...]:
        return self.checked.areas

    @property
    def notebooks(self) -> tuple[Notebook, ...]:
        """The briefings to make for each area (those whose needs are met)."""
        return self.checked.notebooks

    @property
    def all_notebooks(self) -> tuple[Notebook, ...]:
        """Every declared briefing, in the index's order."""
        return self.checked.declared

    @property
    def notices(self) -> list[str]:
        """Briefings left out (their needs not met) and why."""
        return self.checked.notices

    @property
    def loaded(self) -> dict[str, Any]:
        """Inputs the checks read, handed to the placing of the rows (read once)."""
        return self.checked.loaded

    @property
    def quarter_dir(self) -> Path:
        """``<output_dir>/<year> <quarter>``, e.g. ``outputs/2020-21 Q4``."""
        return self.output_dir / self.quarter.label


def plan_run(config: Config | str | os.PathLike | None = None, quarter: str | Quarter = "latest",
             *, areas: Iterable[str] | None = None, notebooks: Iterable[str] | None = None,
             notebooks_dir: str | os.PathLike | None = None,
             output_dir: str | os.PathLike | None = None, jobs: int | None = None,
             force: bool = False, pdf: bool = False, timeout: int = CELL_TIMEOUT) -> RunPlan:
    """Work out what a run will do (nothing is written).

    Parameters
    ----------
    config : Config or path-like, optional
        The configuration (or its file; the sample's when omitted).
    quarter : str or Quarter
        ``"2020-21 Q2"`` or ``"latest"``.
    areas, notebooks : iterable of str, optional
        Restrict the run to these areas (by name) and declared notebooks (by name).
    notebooks_dir : path-like, optional
        Folder of notebooks with its ``briefings.yaml`` (the project's ``notebooks/``).
    output_dir : path-like, optional
        Overrides the configuration's ``output_dir``.
    jobs : int, optional
        Briefings made at once (default: the number of CPU cores).
    force : bool
        Make briefings again even when their inputs have not changed.
    pdf : bool
        Render each briefing to PDF as well (a briefing without its PDF is made again).
    timeout : int
        Seconds a single cell may run before the briefing is failed.

    Raises
    ------
    ValidationFailed
        Naming every problem found (nothing is written).
    """
    checked = check_run(config, quarter, areas=areas, notebooks=notebooks,
                        notebooks_dir=notebooks_dir, output_dir=output_dir, pdf=pdf)
    config = checked.config
    out = Path(output_dir).expanduser().resolve() if output_dir is not None else config.output_dir
    plan = RunPlan(checked=checked, output_dir=out,
                   jobs=max(1, int(jobs)) if jobs else max(1, os.cpu_count() or 1),
                   force=force, inputs=input_files(config), code=code_version(), pdf=pdf,
                   timeout=timeout)
    digests = {nb.name: file_digest(nb.path) for nb in plan.notebooks}
    for area in plan.areas:
        folder = plan.quarter_dir / safe_folder_name(area.name)
        for nb in plan.notebooks:
            now = fingerprint(plan.inputs, digests[nb.name], nb.name, area, plan.quarter.label,
                              plan.code["package_version"])
            plan.fingerprints[(area.name, nb.name)] = now
            reason = _reason(folder, nb.name, now, force, pdf)
            if reason is None:
                plan.skipped.append((area, nb))
            else:
                plan.to_run.append((area, nb))
                plan.reasons[(area.name, nb.name)] = reason
    return plan


def _reason(folder: Path, notebook: str, now: dict, force: bool, pdf: bool) -> str | None:
    """Why the briefing must be made, or None when the published one is still right."""
    if force:
        return "--force"
    if (folder / FAILED_FOLDER / f"{notebook}.ipynb").exists():
        return "its latest run failed"
    if not (folder / f"{notebook}.html").is_file():
        return "it has not been made"
    if pdf and not (folder / f"{notebook}.pdf").is_file():
        return "it has no PDF yet"
    found = changes(read_fingerprint(folder / f"{notebook}.json"), now)
    return "; ".join(found) if found else None


__all__ = ["RunPlan", "plan_run"]
