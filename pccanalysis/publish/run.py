"""The quarterly run: every declared notebook for every area, executed, exported, published.

``run_quarter`` (``pcc run``) plans the run (:mod:`~pccanalysis.publish.plan`: every problem
found before any kernel starts; briefings whose inputs have not changed are kept), executes
each briefing in a pool of workers (:mod:`~pccanalysis.publish.execute`) and publishes the
quarter (:mod:`~pccanalysis.publish.stage`) as ``<output_dir>/<year> <quarter>/<area>/`` with
an ``index.html``, a ``manifest.json`` and a ``run.log``.

Safety
------
* The new quarter is built beside the published one and swapped in by one atomic rename once
  every briefing, the index and the manifest are in it: a reader or a killed run sees the old
  quarter or the new one, complete with its manifest, never a mixture.
* A failed notebook does not stop the others. Its executed notebook (papermill writes the error
  into it) is kept at ``<area>/failed/<notebook>.ipynb``, the previous good briefing of that
  notebook (if any) stays as it was, and the run ends with :class:`BriefingsFailed`.
* The output folder that cannot be written (full, read-only) stops the run with one sentence
  (:class:`~pccanalysis.publish.stage.OutputError`) and nothing published.
* One run at a time per quarter (a lock beside the quarter folder; a dead run's lock is taken
  over).

The library only logs (``logging.getLogger(__name__)``), and while a run makes briefings it
also writes the package's log records to the quarter's ``run.log``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..briefing.inputs import describe_sources
from ..briefing.placed import PLACED_ENV, place_rows, save_rows
from ..config import Area, Config, safe_folder_name
from ..errors import PccError, RunError
from ..files import file_digest, write_atomic
from ..periods import Quarter
from . import stage
from .execute import OUTPUT_ERRNOS, Task, TaskResult, run_tasks
from .export import BriefingMeta
from .index import FAILED_FOLDER, write_quarter_index
from .manifest import short_id, write_manifest
from .notebooks import NOTEBOOKS_DIR, Notebook, declared_notebooks, find_notebooks
from .plan import RunPlan, plan_run
from .stage import OutputError

logger = logging.getLogger(__name__)

#: Files of one briefing in its area folder (``<notebook><suffix>``), replaced together.
BRIEFING_SUFFIXES = (".html", ".ipynb", ".json", ".xlsx", ".pdf")


class BriefingsFailed(RunError):
    """Some briefings failed (exit code 1); the others were published."""


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


def run_quarter(config: Config | str | os.PathLike | None = None,
                quarter: str | Quarter = "latest", *,
                progress: Callable[[TaskResult], None] | None = None, **options) -> RunResult:
    """Plan and execute a quarter's run; raise :class:`BriefingsFailed` if any failed.

    Takes the same options as :func:`~pccanalysis.publish.plan.plan_run`.
    """
    result = execute_plan(plan_run(config, quarter, **options), progress=progress)
    if result.failed:
        raise BriefingsFailed(failure_message(result))
    return result


def execute_plan(plan: RunPlan, progress: Callable[[TaskResult], None] | None = None, *,
                 log_level: int = logging.INFO) -> RunResult:
    """Carry out a plan: execute, export, and publish the quarter in one step.

    Parameters
    ----------
    plan : RunPlan
    progress : callable, optional
        Called in this process with each :class:`TaskResult` as it finishes.
    log_level : int
        Lowest level written to ``run.log``.

    Returns
    -------
    RunResult
        Failures are in ``result.failed``; :func:`run_quarter` turns them into an error.

    Raises
    ------
    OutputError
        When the output folder cannot be written; nothing is published.
    LockBusy
        When another run is writing the quarter.
    """
    t_start = time.perf_counter()
    if not plan.to_run:
        logger.info("%s: every briefing asked for is in %s and up to date; nothing to do "
                    "(use --force to make them again).", plan.quarter.label, plan.quarter_dir)
        return RunResult(plan=plan, results=[], short_id=None,
                         seconds=time.perf_counter() - t_start)
    label = plan.quarter.label
    where = stage.paths(plan.output_dir, label)
    with contextlib.ExitStack() as stack:
        try:
            plan.output_dir.mkdir(parents=True, exist_ok=True)
            taken = stack.enter_context(stage.quarter_lock(plan.output_dir, label))
            cleaned = stage.remove_leftovers(plan.output_dir, label)
            stack.callback(shutil.rmtree, where["work"], ignore_errors=True)
            stack.callback(shutil.rmtree, where["new"], ignore_errors=True)
            stage.clone(where["quarter"], where["new"])
            with _run_log(where["new"] / stage.RUN_LOG, log_level):
                for sentence in ([taken] if taken else []) + cleaned:
                    logger.warning("%s", sentence)
                result = _make(plan, where["new"], where["work"], progress, t_start)
            stage.swap_in(where["new"], where["quarter"])
        except OSError as exc:
            raise stage.output_error(exc, where["quarter"]) from None
    result.index = where["quarter"] / "index.html"
    result.manifest = where["quarter"] / "manifest.json"
    result.seconds = time.perf_counter() - t_start
    return result


def failure_message(result: RunResult) -> str:
    """One sentence naming the failed briefings, their errors and where to look."""
    parts = [f"{r.area} / {r.notebook} ({r.error}; see {r.where})" for r in result.failed]
    return (f"{len(result.failed)} of {len(result.results)} briefing(s) for "
            f"{result.plan.quarter.label} failed: " + "; ".join(parts)
            + ". The previous briefings, if any, were left in place.")


def _make(plan: RunPlan, new: Path, work: Path,
          progress: Callable[[TaskResult], None] | None, t_start: float) -> RunResult:
    """Make the briefings into the new quarter ``new``, then its index and manifest."""
    started = datetime.now().replace(microsecond=0)
    inputs = plan.inputs + [
        {"role": "notebook", "path": nb.path.name, "bytes": nb.path.stat().st_size,
         "sha256": file_digest(nb.path)} for nb in plan.all_notebooks]
    run_id = short_id(inputs, {"quarter": plan.quarter.label}, plan.code)
    logger.info("%s: making %d briefing(s) with %d job(s); run id %s; outputs in %s",
                plan.quarter.label, len(plan.to_run), plan.jobs, run_id, plan.quarter_dir)
    tasks = _tasks(plan, work, run_id, started, _share_rows(plan, work))
    areas = {a.name: a for a in plan.areas}
    results: list[TaskResult] = []

    def done(task: Task, r: TaskResult) -> None:
        if r.output_error is not None:
            raise r.output_error
        _place(new, plan.quarter_dir, areas[r.area], r, {
            "area": r.area, "notebook": r.notebook, "short_id": run_id,
            "generated": started.isoformat(),
            "fingerprint": plan.fingerprints[(r.area, r.notebook)], **(r.sidecar or {})})
        results.append(r)
        _log_result(r)
        if progress is not None:
            progress(r)

    run_tasks(tasks, plan.jobs, done)
    order = {(t.area, t.notebook): i for i, t in enumerate(tasks)}
    results.sort(key=lambda r: order[(r.area, r.notebook)])
    write_quarter_index(plan.config, plan.quarter, new,
                        [nb.name for nb in plan.all_notebooks],
                        titles={nb.name: nb.title for nb in plan.all_notebooks})
    result = RunResult(plan=plan, results=results, short_id=run_id, seconds=0.0)
    write_manifest(new, _manifest(plan, results, inputs, run_id, started, new,
                                  time.perf_counter() - t_start))
    logger.info("%s: %d of %d briefing(s) made in %.1f s", plan.quarter.label,
                sum(r.ok for r in results), len(results), time.perf_counter() - t_start)
    if result.failed:
        logger.error("%s", failure_message(result))
    return result


def _share_rows(plan: RunPlan, work: Path) -> dict[str, str]:
    """Place the force's rows once for every briefing that loads an area (the kernel's
    environment naming the file, see :mod:`pccanalysis.briefing.placed`), or nothing."""
    # A notebook that never calls load_area (the delivery plan) does not need them.
    loading = sum("load_area(" in nb.path.read_text(encoding="utf-8") for _, nb in plan.to_run)
    if loading < 2 or not plan.share_rows:
        return {}
    t0 = time.perf_counter()
    try:
        placed = place_rows(plan.config, plan.loaded)
    except PccError as exc:  # each briefing will meet it and say so
        logger.warning("the police rows could not be placed once for all briefings: %s", exc)
        return {}
    path = save_rows(placed, work / "placed-rows.pickle")
    logger.info("placed %d police rows once for %d briefings in %.1f s", len(placed.frame),
                loading, time.perf_counter() - t0)
    return {PLACED_ENV: str(path)}


def _tasks(plan: RunPlan, work: Path, run_id: str, started: datetime,
           env: dict[str, str]) -> list[Task]:
    config = plan.config
    sources, attributions = describe_sources(config)
    tasks = []
    for i, (area, nb) in enumerate(plan.to_run):
        folder = work / f"{i:04d}"  # no user text in papermill's paths
        meta = BriefingMeta(
            title=nb.title, organisation=config.title, area=area.name,
            quarter=plan.quarter.label, period=plan.quarter.months_label,
            protective_marking=config.publication.protective_marking,
            public=config.publication.public, synthetic=config.publication.synthetic,
            generated=started, short_id=run_id, sources=sources, attributions=attributions,
        )
        tasks.append(Task(
            area=area.name, notebook=nb.name, notebook_path=nb.path, work_dir=folder,
            parameters={"quarter": plan.quarter.label, "area": area.name,
                        "config_path": str(config.path), "output_dir": str(folder)},
            meta=meta, timeout=plan.timeout, pdf=plan.pdf, env=env,
            reuse_kernel=plan.reuse_kernels,
        ))
    return tasks


def _place(new: Path, published: Path, area: Area, r: TaskResult, record: dict) -> None:
    """Put one finished briefing into the new quarter (replacing the briefing's old files).

    ``r.where`` is set to where the result will be once the quarter is published.
    """
    name = safe_folder_name(area.name)
    folder = new / name
    folder.mkdir(exist_ok=True)
    failed_dir = folder / FAILED_FOLDER
    nb = r.notebook
    if r.ok:
        for suffix in BRIEFING_SUFFIXES:
            (folder / f"{nb}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(folder / nb, ignore_errors=True)
        (failed_dir / f"{nb}.ipynb").unlink(missing_ok=True)
        (failed_dir / f"{nb}.kernel.log").unlink(missing_ok=True)
        os.replace(r.executed, folder / f"{nb}.ipynb")
        os.replace(r.html, folder / f"{nb}.html")
        work = r.html.parent
        record["exports"] = []
        for rel in r.exports:  # "<nb>.xlsx", "tables/01-x.csv", "charts/01-x.png" ...
            target = Path(rel) if "/" not in rel else Path(nb) / rel
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(work / rel, folder / target)
            record["exports"].append(target.as_posix())
        write_atomic(folder / f"{nb}.json", json.dumps(record, indent=2, default=str) + "\n")
        r.where = published / name / f"{nb}.html"
        r.exports = [f"{name}/{e}" for e in record["exports"]]
    else:
        failed_dir.mkdir(exist_ok=True)
        failed_copy = failed_dir / f"{nb}.ipynb"
        if r.executed is not None and r.executed.exists():
            os.replace(r.executed, failed_copy)
        else:  # papermill never wrote the notebook (the kernel did not start)
            write_atomic(failed_copy, json.dumps({"error": r.error}) + "\n")
        kernel_log = r.executed.parent / "kernel.log" if r.executed else None
        if kernel_log is not None and kernel_log.is_file() and kernel_log.stat().st_size:
            os.replace(kernel_log, failed_dir / f"{nb}.kernel.log")
        r.where = published / name / FAILED_FOLDER / f"{nb}.ipynb"
    if failed_dir.is_dir() and not any(failed_dir.iterdir()):
        failed_dir.rmdir()


def _log_result(r: TaskResult) -> None:
    if r.ok:
        logger.info("ok     %s / %s in %.1f s (kernel and papermill %.1f s, cells %.1f s, "
                    "export %.1f s, %d kB)", r.area, r.notebook, r.seconds, r.execute - r.cells,
                    r.cells, r.export, r.bytes // 1000)
    else:
        logger.error("FAILED %s / %s after %.1f s: %s", r.area, r.notebook, r.seconds, r.error)
    for w in r.warnings:
        logger.warning("%s / %s: %s", r.area, r.notebook, w)


def _manifest(plan: RunPlan, results: list[TaskResult], inputs: list[dict], run_id: str,
              started: datetime, new: Path, seconds: float) -> dict[str, Any]:
    briefings = []
    made = {(r.area, r.notebook) for r in results}
    for r in results:
        briefings.append({
            "area": r.area, "notebook": r.notebook, "status": r.status,
            "short_id": run_id if r.ok else None,
            "path": _rel(r.where, plan.quarter_dir),
            "reason": plan.reasons.get((r.area, r.notebook)),
            "seconds": round(r.seconds, 2),
            "execute_seconds": round(r.execute, 2), "cells_seconds": round(r.cells, 2),
            "export_seconds": round(r.export, 2), "tables_seconds": round(r.tables, 2),
            "pdf_seconds": round(r.pdf, 2), "cpu_seconds": round(r.cpu, 2), "bytes": r.bytes,
            "error": r.error, "warnings": r.warnings,
            "exports": r.exports if r.ok else [],
            "data_quality": (r.sidecar or {}).get("quality", {}),
            "headline": (r.sidecar or {}).get("headline", []),
            "notes": (r.sidecar or {}).get("notes", []),
        })
    # Briefings in the folder that this run did not make: name the run that did.
    for area in plan.config.areas:
        folder = new / safe_folder_name(area.name)
        for record_path in sorted(folder.glob("*.json")):
            if (area.name, record_path.stem) in made:
                continue
            record = json.loads(record_path.read_text(encoding="utf-8"))
            briefings.append({
                "area": area.name, "notebook": record_path.stem, "status": "kept",
                "short_id": record.get("short_id"), "generated": record.get("generated"),
                "path": f"{folder.name}/{record_path.stem}.html",
                "exports": [f"{folder.name}/{e}" for e in record.get("exports", [])],
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
            "notebooks": [nb.name for nb in plan.notebooks],
            "jobs": plan.jobs,
            "force": plan.force,
            "pdf": plan.pdf,
            "output_dir": str(plan.output_dir),
        },
        "code": plan.code | {"python": sys.version.split()[0]},
        "publication": {
            "protective_marking": plan.config.publication.protective_marking,
            "public": plan.config.publication.public,
            "synthetic": plan.config.publication.synthetic,
            "suppression_threshold": plan.config.publication.suppression_threshold,
        },
        "inputs": inputs,
        "briefings": briefings,
    }


def _rel(path: Path | None, folder: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


class _RunLog(logging.FileHandler):
    """The run log in the new quarter; a write that fails (a full disk) is kept, not printed,
    and stops the run before anything is published."""

    failure: OSError | None = None

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and self.failure is None:
            self.failure = error


@contextlib.contextmanager
def _run_log(path: Path, level: int) -> Iterator[None]:
    """Write the package's log records at ``level`` and above to ``path`` (appending)."""
    handler = _RunLog(path, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package = logging.getLogger("pccanalysis")
    saved = package.level
    package.addHandler(handler)
    if package.getEffectiveLevel() > level:
        package.setLevel(level)
    try:
        yield
        handler.flush()
        if handler.failure is not None:
            raise handler.failure
    finally:
        package.removeHandler(handler)
        package.setLevel(saved)
        handler.close()


__all__ = [
    "BriefingsFailed", "NOTEBOOKS_DIR", "Notebook", "OUTPUT_ERRNOS", "OutputError", "RunPlan",
    "RunResult", "Task", "TaskResult", "declared_notebooks", "execute_plan", "failure_message",
    "find_notebooks", "plan_run", "run_quarter",
]
