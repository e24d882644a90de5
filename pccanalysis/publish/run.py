"""The quarterly run: every notebook for every area, executed by papermill, exported to HTML.

``run_quarter`` (``pcc run``) plans the run, executes each (area, notebook) pair in a process
pool (each papermill execution starts its own kernel), exports each executed notebook to a
self-contained HTML briefing, and publishes them into ``<output_dir>/<year> <quarter>/<area>/``
with an ``index.html`` and a ``manifest.json`` for the quarter.

Safety
------
* Everything is written under ``<quarter>/.staging-*`` first. An area's folder is replaced by
  a rename only once all of its briefings for this run have finished; the previous folder is
  kept until the new one is in place, so an interrupted run never leaves a half-written
  briefing where a good one was.
* A failed notebook does not stop the others. Its executed notebook (papermill writes the error
  into it) is kept at ``<area>/failed/<notebook>.ipynb``, the previous good briefing of that
  notebook (if any) stays as it was, and the run ends with a :class:`RunError` naming what
  failed and where to look.
* A briefing already published (its HTML present and no failure recorded) is not made again
  unless ``force`` is set; a run with nothing left to do changes nothing.
* One run at a time per quarter: a lock file in the quarter folder.

The notebooks are the checkout's top-level ``notebooks/`` (:data:`NOTEBOOKS_DIR`): pccanalysis
is used from a source checkout installed with ``pip install -e .`` (``make`` does this), and a
run from an installation without that folder needs ``notebooks_dir`` (``--notebooks-dir``).

The library only logs (``logging.getLogger(__name__)``); the CLI sets the handlers.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..briefing.context import SIDECAR_NAME
from ..briefing.inputs import describe_sources, resolve_quarter
from ..config import Area, Config, load_config, safe_folder_name
from ..errors import RunError
from ..files import did_you_mean, file_digest, write_atomic
from ..periods import Quarter
from .export import MAX_BYTES, BriefingMeta, export_html, external_references
from .index import FAILED_FOLDER, write_quarter_index
from .manifest import code_version, input_files, short_id, write_manifest

logger = logging.getLogger(__name__)

#: The checkout's notebooks/ (beside the package folder; not in a wheel).
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL_NAME = "python3"
CELL_TIMEOUT = 900  # seconds; a hung cell should not block a scheduled run forever


# --------------------------------------------------------------------------------------------
# Plan


@dataclass(frozen=True)
class Task:
    """One briefing to make: a notebook executed for an area (picklable, for the pool)."""

    area: str
    notebook: str
    notebook_path: Path
    work_dir: Path
    parameters: dict[str, Any]
    meta: BriefingMeta
    timeout: int = CELL_TIMEOUT


@dataclass
class TaskResult:
    """How one briefing went.

    Times are in seconds: ``execute`` is papermill's whole execution (kernel start included),
    ``cells`` the sum of the cells' own durations as papermill measured them, ``export`` the
    nbconvert export. ``execute - cells`` is the kernel start and papermill's overhead.
    """

    area: str
    notebook: str
    status: str  # "ok" or "failed"
    seconds: float
    execute: float = 0.0
    cells: float = 0.0
    export: float = 0.0
    error: str | None = None
    executed: Path | None = None
    html: Path | None = None
    bytes: int = 0
    sidecar: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    where: Path | None = None  # where the result ended up after publishing

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class RunPlan:
    """What a run will do, worked out before anything is written."""

    config: Config
    quarter: Quarter
    areas: tuple[Area, ...]
    notebooks: tuple[Path, ...]
    all_notebooks: tuple[Path, ...]
    output_dir: Path
    jobs: int
    force: bool
    to_run: list[tuple[Area, Path]]
    skipped: list[tuple[Area, Path]]
    timeout: int = CELL_TIMEOUT

    @property
    def quarter_dir(self) -> Path:
        """``<output_dir>/<year> <quarter>``, e.g. ``outputs/2020-21 Q4``."""
        return self.output_dir / self.quarter.label


@dataclass
class RunResult:
    """What a run did."""

    plan: RunPlan
    results: list[TaskResult]
    short_id: str | None
    seconds: float
    manifest: Path | None = None
    index: Path | None = None

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if not r.ok]

    @property
    def nothing_to_do(self) -> bool:
        return not self.plan.to_run


def find_notebooks(names: Iterable[str] | None = None,
                   notebooks_dir: str | os.PathLike | None = None) -> tuple[Path, ...]:
    """The notebooks to run, by name (file stem), in the folder's (alphabetical) order.

    Raises
    ------
    RunError
        For a missing folder, a folder without notebooks or a name that matches none
        (suggesting the nearest).
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    if not folder.is_dir():
        if notebooks_dir is not None:
            raise RunError(f"the notebooks folder {folder} does not exist.")
        raise RunError(f"the notebooks folder {folder} does not exist: pcc run uses the "
                       "notebooks/ folder of a pccanalysis checkout installed with "
                       "`pip install -e .`; give the folder with --notebooks-dir.")
    available = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not available:
        raise RunError(f"there are no notebooks (*.ipynb) in {folder}.")
    if not names:
        return tuple(available)
    by_stem = {p.stem: p for p in available}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            hint = did_you_mean(stem, by_stem)
            raise RunError(f"there is no notebook called {name!r} in {folder}{hint}; the notebooks "
                           f"are {', '.join(sorted(by_stem))}.")
        if by_stem[stem] not in chosen:
            chosen.append(by_stem[stem])
    return tuple(p for p in available if p in chosen)


def is_published(quarter_dir: Path, area: Area, notebook: str) -> bool:
    """Whether the quarter folder holds a good briefing of ``notebook`` for ``area``."""
    folder = quarter_dir / safe_folder_name(area.name)
    return ((folder / f"{notebook}.html").is_file()
            and not (folder / FAILED_FOLDER / f"{notebook}.ipynb").exists())


def plan_run(config: Config | str | os.PathLike | None = None, quarter: str | Quarter = "latest",
             *, areas: Iterable[str] | None = None, notebooks: Iterable[str] | None = None,
             notebooks_dir: str | os.PathLike | None = None,
             output_dir: str | os.PathLike | None = None, jobs: int | None = None,
             force: bool = False, timeout: int = CELL_TIMEOUT) -> RunPlan:
    """Work out what a run will do (nothing is written).

    Parameters
    ----------
    config : Config or path-like, optional
        The configuration (or its file; the sample's when omitted).
    quarter : str or Quarter
        ``"2020-21 Q2"`` or ``"latest"``.
    areas, notebooks : iterable of str, optional
        Restrict the run to these areas (by name) and notebooks (by file stem).
    notebooks_dir : path-like, optional
        Folder of notebooks (the project's ``notebooks/`` by default).
    output_dir : path-like, optional
        Overrides the configuration's ``output_dir``.
    jobs : int, optional
        Briefings made at once (default: the number of CPU cores).
    force : bool
        Make briefings again even when they are already published.
    timeout : int
        Seconds a single cell may run before the briefing is failed.
    """
    if not isinstance(config, Config):
        config = load_config(config)
    q = resolve_quarter(config, quarter)
    chosen_areas = tuple(config.area(a) for a in areas) if areas else config.areas
    chosen_areas = tuple(dict.fromkeys(chosen_areas))
    all_notebooks = find_notebooks(None, notebooks_dir)
    chosen_notebooks = find_notebooks(notebooks, notebooks_dir)
    out = Path(output_dir).expanduser().resolve() if output_dir is not None else config.output_dir
    jobs = max(1, int(jobs)) if jobs else max(1, os.cpu_count() or 1)
    quarter_dir = out / q.label
    to_run, skipped = [], []
    for a in chosen_areas:
        for nb in chosen_notebooks:
            if not force and is_published(quarter_dir, a, nb.stem):
                skipped.append((a, nb))
            else:
                to_run.append((a, nb))
    return RunPlan(config=config, quarter=q, areas=chosen_areas, notebooks=chosen_notebooks,
                   all_notebooks=all_notebooks, output_dir=out, jobs=jobs, force=force,
                   to_run=to_run, skipped=skipped, timeout=timeout)


# --------------------------------------------------------------------------------------------
# Execute


def execute_plan(plan: RunPlan,
                 progress: Callable[[TaskResult], None] | None = None) -> RunResult:
    """Carry out a plan: execute, export, publish, write the index and manifest.

    Parameters
    ----------
    plan : RunPlan
    progress : callable, optional
        Called in the main process with each :class:`TaskResult` as it finishes.

    Returns
    -------
    RunResult
        Failures are in ``result.failed``; :func:`run_quarter` turns them into a RunError.
    """
    t_start = time.perf_counter()
    quarter_dir = plan.quarter_dir
    if not plan.to_run:
        logger.info("%s: every briefing asked for is already in %s; nothing to do "
                    "(use --force to make them again).", plan.quarter.label, quarter_dir)
        return RunResult(plan=plan, results=[], short_id=None,
                         seconds=time.perf_counter() - t_start)
    quarter_dir.mkdir(parents=True, exist_ok=True)
    with _quarter_lock(quarter_dir):
        _remove_leftovers(quarter_dir)
        started = datetime.now().replace(microsecond=0)
        config = plan.config
        code = code_version()
        inputs = input_files(config) + [
            {"role": "notebook", "path": nb.name, "bytes": nb.stat().st_size,
             "sha256": file_digest(nb)} for nb in plan.all_notebooks
        ]
        run_id = short_id(inputs, {"quarter": plan.quarter.label}, code)
        logger.info("%s: making %d briefing(s) with %d job(s); run id %s; outputs in %s",
                    plan.quarter.label, len(plan.to_run), plan.jobs, run_id, quarter_dir)
        staging = quarter_dir / f".staging-{os.getpid()}-{started:%Y%m%dT%H%M%S}"
        sources, attributions = describe_sources(config)
        tasks = []
        for area, nb in plan.to_run:
            work = staging / "work" / safe_folder_name(area.name) / nb.stem
            meta = BriefingMeta(
                title=_notebook_title(nb), organisation=config.title, area=area.name,
                quarter=plan.quarter.label, period=plan.quarter.months_label,
                protective_marking=config.publication.protective_marking,
                public=config.publication.public, synthetic=config.publication.synthetic,
                generated=started, short_id=run_id, sources=sources, attributions=attributions,
            )
            tasks.append(Task(
                area=area.name, notebook=nb.stem, notebook_path=nb, work_dir=work,
                parameters={"quarter": plan.quarter.label, "area": area.name,
                            "config_path": str(config.path), "output_dir": str(work)},
                meta=meta, timeout=plan.timeout,
            ))
        results: list[TaskResult] = []
        try:
            results = _run_tasks(tasks, plan, staging, run_id, started, progress)
            index = write_index(plan, run_id)
            manifest = write_manifest(quarter_dir, _manifest(
                plan, results, inputs, code, run_id, started, time.perf_counter() - t_start))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - t_start
    logger.info("%s: %d of %d briefing(s) made in %.1f s; index %s",
                plan.quarter.label, sum(r.ok for r in results), len(results), seconds, index)
    result = RunResult(plan=plan, results=results, short_id=run_id, seconds=seconds,
                       manifest=manifest, index=index)
    if result.failed:
        logger.error("%s", failure_message(result))
    return result


def run_quarter(config: Config | str | os.PathLike | None = None,
                quarter: str | Quarter = "latest", *,
                progress: Callable[[TaskResult], None] | None = None, **options) -> RunResult:
    """Plan and execute a quarter's run; raise :class:`RunError` if any briefing failed.

    Takes the same options as :func:`plan_run`.

    Raises
    ------
    RunError
        Naming each failed briefing, its error and the executed notebook to look at.
    """
    result = execute_plan(plan_run(config, quarter, **options), progress=progress)
    if result.failed:
        raise RunError(failure_message(result))
    return result


def failure_message(result: RunResult) -> str:
    """One sentence naming the failed briefings, their errors and where to look."""
    parts = [f"{r.area} / {r.notebook} ({r.error}; see {r.where})" for r in result.failed]
    return (f"{len(result.failed)} of {len(result.results)} briefing(s) for "
            f"{result.plan.quarter.label} failed: " + "; ".join(parts)
            + ". The previous briefings, if any, were left in place.")


def _run_tasks(tasks: list[Task], plan: RunPlan, staging: Path, run_id: str, started: datetime,
               progress: Callable[[TaskResult], None] | None) -> list[TaskResult]:
    remaining: dict[str, int] = {}
    for t in tasks:
        remaining[t.area] = remaining.get(t.area, 0) + 1
    by_area: dict[str, list[TaskResult]] = {}
    results: list[TaskResult] = []
    areas = {a.name: a for a in plan.areas}
    workers = min(plan.jobs, len(tasks))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(execute_task, t): t for t in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker itself died
                    result = TaskResult(area=task.area, notebook=task.notebook, status="failed",
                                        seconds=0.0, error=f"{type(exc).__name__}: {exc}")
                results.append(result)
                by_area.setdefault(task.area, []).append(result)
                remaining[task.area] -= 1
                if remaining[task.area] == 0:
                    _publish_area(plan.quarter_dir, areas[task.area], by_area[task.area],
                                  staging, run_id, started)
                _log_result(result)
                if progress is not None:
                    progress(result)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    order = {(t.area, t.notebook): i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[(r.area, r.notebook)])


def execute_task(task: Task) -> TaskResult:
    """Execute one notebook with papermill and export it (runs in a pool worker).

    The kernel's own messages (its stderr) go to ``kernel.log`` in the work folder rather than
    the terminal.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    task.work_dir.mkdir(parents=True, exist_ok=True)
    executed = task.work_dir / f"{task.notebook}.ipynb"
    t0 = time.perf_counter()
    error = None
    with _stderr_to(task.work_dir / "kernel.log"):
        try:
            pm.execute_notebook(
                str(task.notebook_path), str(executed), parameters=task.parameters,
                kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(task.work_dir),
                execution_timeout=task.timeout, request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue} in cell {exc.exec_count}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    t1 = time.perf_counter()
    result = TaskResult(area=task.area, notebook=task.notebook, status="failed", seconds=0.0,
                        execute=t1 - t0, executed=executed if executed.exists() else None)
    if error is None:
        try:
            nb = nbformat.read(str(executed), as_version=4)
            result.cells = sum(float((c.metadata.get("papermill") or {}).get("duration") or 0)
                               for c in nb.cells)
            html_path = task.work_dir / f"{task.notebook}.html"
            page = export_html(nb, task.meta, html_path)
            refs = external_references(page)
            if refs:
                error = ("the page would fetch from another host: " + ", ".join(refs[:3])
                         + (" ..." if len(refs) > 3 else ""))
            else:
                result.html = html_path
                result.bytes = len(page.encode("utf-8"))
                if result.bytes > MAX_BYTES:
                    result.warnings.append(f"the page is {result.bytes / 1e6:.1f} MB, over the "
                                           f"{MAX_BYTES / 1e6:.0f} MB target")
        except Exception as exc:
            error = f"export failed: {type(exc).__name__}: {exc}"
        result.export = time.perf_counter() - t1
    sidecar = task.work_dir / SIDECAR_NAME
    if sidecar.is_file():
        result.sidecar = json.loads(sidecar.read_text(encoding="utf-8"))
    result.error = error
    result.status = "ok" if error is None else "failed"
    result.seconds = time.perf_counter() - t0
    return result


def _publish_area(quarter_dir: Path, area: Area, results: list[TaskResult], staging: Path,
                  run_id: str, started: datetime) -> None:
    """Build the area's new folder beside the old one, then swap them with renames."""
    name = safe_folder_name(area.name)
    final = quarter_dir / name
    new = staging / "publish" / name
    new.parent.mkdir(parents=True, exist_ok=True)
    if final.is_dir():
        shutil.copytree(final, new)  # briefings not made this run stay as they were
    else:
        new.mkdir()
    failed_dir = new / FAILED_FOLDER
    for r in results:
        failed_copy = failed_dir / f"{r.notebook}.ipynb"
        if r.ok:
            shutil.copy2(r.executed, new / f"{r.notebook}.ipynb")
            shutil.copy2(r.html, new / f"{r.notebook}.html")
            record = {"area": area.name, "notebook": r.notebook, "short_id": run_id,
                      "generated": started.isoformat(), **(r.sidecar or {})}
            write_atomic(new / f"{r.notebook}.json",
                         json.dumps(record, indent=2, default=str) + "\n")
            failed_copy.unlink(missing_ok=True)
            (failed_dir / f"{r.notebook}.kernel.log").unlink(missing_ok=True)
            r.where = final / f"{r.notebook}.html"
        else:
            failed_dir.mkdir(exist_ok=True)
            if r.executed is not None and r.executed.exists():
                shutil.copy2(r.executed, failed_copy)
            else:  # papermill never wrote the notebook (kernel did not start)
                failed_copy.write_text(json.dumps({"error": r.error}) + "\n", encoding="utf-8")
            kernel_log = r.executed.parent / "kernel.log" if r.executed else None
            if kernel_log is not None and kernel_log.stat().st_size:
                shutil.copy2(kernel_log, failed_dir / f"{r.notebook}.kernel.log")
            r.where = final / FAILED_FOLDER / f"{r.notebook}.ipynb"
    if failed_dir.is_dir() and not any(failed_dir.iterdir()):
        failed_dir.rmdir()
    if final.exists():
        old = quarter_dir / f".old-{name}-{os.getpid()}"
        os.rename(final, old)
        os.rename(new, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, final)


def _log_result(r: TaskResult) -> None:
    if r.ok:
        logger.info("ok     %s / %s in %.1f s (kernel and papermill %.1f s, cells %.1f s, "
                    "export %.1f s, %d kB)", r.area, r.notebook, r.seconds, r.execute - r.cells,
                    r.cells, r.export, r.bytes // 1000)
        for w in r.warnings:
            logger.warning("%s / %s: %s", r.area, r.notebook, w)
    else:
        logger.error("FAILED %s / %s after %.1f s: %s", r.area, r.notebook, r.seconds, r.error)


def _manifest(plan: RunPlan, results: list[TaskResult], inputs: list[dict], code: dict,
              run_id: str, started: datetime, seconds: float) -> dict[str, Any]:
    briefings = []
    made = {(r.area, r.notebook) for r in results}
    for r in results:
        briefings.append({
            "area": r.area, "notebook": r.notebook, "status": r.status,
            "short_id": run_id if r.ok else None,
            "path": _rel(r.where, plan.quarter_dir),
            "seconds": round(r.seconds, 2),
            "execute_seconds": round(r.execute, 2), "cells_seconds": round(r.cells, 2),
            "export_seconds": round(r.export, 2), "bytes": r.bytes,
            "error": r.error, "warnings": r.warnings,
            "data_quality": (r.sidecar or {}).get("quality", {}),
            "headline": (r.sidecar or {}).get("headline", []),
            "notes": (r.sidecar or {}).get("notes", []),
        })
    # Briefings in the folder that this run did not make: name the run that did.
    for area in plan.config.areas:
        folder = plan.quarter_dir / safe_folder_name(area.name)
        for record_path in sorted(folder.glob("*.json")):
            if (area.name, record_path.stem) in made:
                continue
            record = json.loads(record_path.read_text(encoding="utf-8"))
            briefings.append({
                "area": area.name, "notebook": record_path.stem, "status": "kept",
                "short_id": record.get("short_id"), "generated": record.get("generated"),
                "path": _rel(record_path.with_suffix(".html"), plan.quarter_dir),
            })
    return {
        "short_id": run_id,
        "quarter": plan.quarter.label,
        "period": plan.quarter.months_label,
        "generated": started.isoformat(),
        "seconds": round(seconds, 2),
        "parameters": {
            "quarter": plan.quarter.label,
            "config": str(plan.config.path),
            "areas": [a.name for a in plan.areas],
            "notebooks": [nb.stem for nb in plan.notebooks],
            "jobs": plan.jobs,
            "force": plan.force,
            "output_dir": str(plan.output_dir),
        },
        "code": code | {"python": sys.version.split()[0]},
        "publication": {
            "protective_marking": plan.config.publication.protective_marking,
            "public": plan.config.publication.public,
            "synthetic": plan.config.publication.synthetic,
            "suppression_threshold": plan.config.publication.suppression_threshold,
        },
        "inputs": inputs,
        "briefings": briefings,
    }


def write_index(plan: RunPlan, run_id: str) -> Path:
    """Write the quarter's ``index.html`` (see :mod:`pccanalysis.publish.index`)."""
    return write_quarter_index(plan.config, plan.quarter, plan.quarter_dir,
                               [nb.stem for nb in plan.all_notebooks],
                               titles={nb.stem: _notebook_title(nb) for nb in plan.all_notebooks})


def _notebook_title(path: Path) -> str:
    """The notebook's ``title`` metadata, or its file name in words."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        meta = {}
    title = meta.get("title") or (meta.get("pcc") or {}).get("title")
    return title or path.stem.replace("_", " ").capitalize()


def _rel(path: Path | None, folder: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def _remove_leftovers(quarter_dir: Path) -> None:
    """Remove what an interrupted run left (we hold the lock, so no run is using them)."""
    for p in quarter_dir.glob(".staging-*"):
        logger.warning("removing %s, left by an interrupted run", p)
        shutil.rmtree(p, ignore_errors=True)
    for p in quarter_dir.glob(".old-*"):
        target = quarter_dir / p.name[len(".old-"):].rsplit("-", 1)[0]
        if not target.exists():
            # Interrupted between the two renames of a swap: the old folder is the good one.
            logger.warning("restoring %s from %s, left by an interrupted run", target, p)
            os.rename(p, target)
        else:
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def _quarter_lock(quarter_dir: Path):
    """Hold ``<quarter>/.lock`` for the run (POSIX advisory lock; skipped where unavailable)."""
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent scheduled runs expected
        yield
        return
    with open(quarter_dir / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RunError(f"another pcc run is writing {quarter_dir} (it holds "
                           f"{quarter_dir / '.lock'}); wait for it to finish.") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send this process's stderr (file descriptor 2, inherited by the kernel) to ``path``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


__all__ = [
    "RunPlan", "RunResult", "Task", "TaskResult", "execute_plan", "execute_task",
    "failure_message", "find_notebooks", "is_published", "plan_run", "run_quarter",
    "write_index",
]
