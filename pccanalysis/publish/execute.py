"""Making one briefing: papermill executes its notebook, nbconvert exports it.

:func:`execute_task` runs in a worker process; :func:`run_tasks` runs many at once. Workers
come from a fork server (so they inherit none of the run's open files, the quarter lock
included) and end themselves when the run is gone, so a killed run leaves no worker behind;
each kernel, in turn, shuts itself down when its worker goes (ipykernel's parent poller).

papermill formats its input and output paths with ``str.format``; the paths given to it are
escaped so that a ``{`` or ``}`` in a folder or area name is only text.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..briefing.context import CHARTS_FOLDER, SIDECAR_NAME
from .export import MAX_BYTES, BriefingMeta, export_html, external_references
from .kernels import discard, kept_kernel, kernel_cpu
from .pdf import render_pdf
from .tables import headline_table, read_tables, write_csvs, write_workbook

KERNEL_NAME = "python3"
CELL_TIMEOUT = 900  # seconds; a hung cell should not block a scheduled run forever
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
#: The folder of a briefing's CSV tables (beside its charts, under ``<area>/<notebook>/``).
TABLES_FOLDER = "tables"
#: Errors that mean the output folder cannot be written (the run stops, publishing nothing).
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                           errno.ENOTDIR})


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
    pdf: bool = False
    env: dict[str, str] = field(default_factory=dict)  # for the kernel (briefing.placed)
    reuse_kernel: bool = True  # the worker's kept kernel (publish.kernels)


@dataclass
class TaskResult:
    """How one briefing went.

    Times are in seconds: ``execute`` is papermill's whole execution (kernel start included),
    ``cells`` the sum of the cells' own durations as papermill measured them, ``export`` the
    nbconvert export, ``tables`` the XLSX and CSV files, ``pdf`` the PDF. ``execute - cells``
    is the kernel start and papermill's overhead. ``cpu`` is the processor time the briefing
    took (the worker's, its kernel's and its browser's), which unlike the times does not grow
    when other work shares the machine. ``exports`` are the files made beside the
    page, relative to the work folder.
    ``output_error`` is set when the worker could not write its files (the run then stops
    with nothing published).
    """

    area: str
    notebook: str
    status: str  # "ok" or "failed"
    seconds: float
    execute: float = 0.0
    cells: float = 0.0
    export: float = 0.0
    tables: float = 0.0
    pdf: float = 0.0
    cpu: float = 0.0
    error: str | None = None
    executed: Path | None = None
    html: Path | None = None
    bytes: int = 0
    sidecar: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    where: Path | None = None  # where the result ended up after publishing
    output_error: OSError | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_tasks(tasks: list[Task], jobs: int, done: Callable[[Task, TaskResult], None]) -> None:
    """Execute ``tasks``, ``jobs`` at a time, calling ``done`` in this process as each ends.

    An exception from ``done`` (or an interrupt) cancels the tasks not yet started and ends
    the workers.
    """
    context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    if sys.platform != "win32":
        context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(execute_task, t): t for t in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker itself died
                    result = TaskResult(area=task.area, notebook=task.notebook, status="failed",
                                        seconds=0.0, error=f"{type(exc).__name__}: {exc}")
                done(task, result)
        except BaseException:
            for f in futures:
                f.cancel()
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()  # a running kernel is not waited for
            raise


def _die_with_parent(run_pid: int) -> None:
    """Pool initializer: end this worker when the run ends, however it ends.

    The worker's parent is the fork server, which lives as long as any worker holds its
    "alive" pipe, so the worker watches the run itself (every half second) and also asks Linux
    to kill it should the fork server go.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while _alive(run_pid):
            time.sleep(0.5)
        os._exit(1)  # the kernel, in turn, sees its parent go and shuts down

    threading.Thread(target=watch, name="pcc-run-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    """Whether ``pid`` is running (a zombie, killed but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass
    return True


def execute_task(task: Task) -> TaskResult:
    """Execute one notebook with papermill and export it (runs in a pool worker).

    The kernel's own messages (its stderr) go to ``kernel.log`` in the work folder rather than
    the terminal; papermill's warnings come back in ``warnings``.
    """
    t0, cpu0, kernel0 = time.perf_counter(), _cpu(), kernel_cpu()
    result = TaskResult(area=task.area, notebook=task.notebook, status="failed", seconds=0.0)
    try:
        task.work_dir.mkdir(parents=True, exist_ok=True)
        warnings = _execute(task, result)
        sidecar = task.work_dir / SIDECAR_NAME
        if sidecar.is_file():
            result.sidecar = json.loads(sidecar.read_text(encoding="utf-8"))
        if result.error is None:
            page = _export(task, result)
            if page is not None:
                _exports(task, result, page)
    except OSError as exc:  # the worker's own files (the kernel's are in its error)
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        result.output_error = exc
        result.error = f"{type(exc).__name__}: {exc}"
        warnings = []
    result.warnings[:0] = warnings
    result.status = "ok" if result.error is None else "failed"
    result.seconds = time.perf_counter() - t0
    # A kept kernel's time is read from the system; a kernel that ended is a reaped child.
    result.cpu = _cpu() - cpu0 + max(0.0, kernel_cpu() - kernel0)
    return result


def _cpu() -> float:
    """Processor seconds of this process and its finished children (kernels, browsers); 0
    where the system does not say (Windows)."""
    try:
        import resource  # POSIX only
    except ImportError:
        return 0.0
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _execute(task: Task, result: TaskResult) -> list[str]:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    os.environ.update(task.env)  # the kernel inherits the worker's environment
    executed = task.work_dir / f"{task.notebook}.ipynb"
    log = task.work_dir / "kernel.log"
    t0 = time.perf_counter()
    with _stderr_to(log), _warnings_of("papermill") as warnings:
        try:
            kept = {"km": kept_kernel(KERNEL_NAME, task.work_dir, log)} if task.reuse_kernel \
                else {}
            pm.execute_notebook(
                _literal(task.notebook_path), _literal(executed), parameters=task.parameters,
                kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(task.work_dir),
                execution_timeout=task.timeout, request_save_on_cell_execute=False, **kept,
            )
        except PapermillExecutionError as exc:
            result.error = f"{exc.ename}: {exc.evalue} in cell {exc.exec_count}"
            _kernel_output_error(exc, task.work_dir)
        except OSError:
            raise
        except Exception as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        finally:
            if result.error is not None:
                discard()  # a failed briefing's kernel is not trusted with the next one
    result.execute = time.perf_counter() - t0
    result.executed = executed if executed.exists() else None
    return warnings


def _kernel_output_error(exc, work_dir: Path) -> None:
    """Raise the OSError a kernel met writing into its work folder (a full or read-only output
    folder stops the whole run), as the worker would have met it."""
    found = re.match(r"\[Errno (\d+)\] ([^:]+)(?:: '(.*)')?$", str(exc.evalue or ""))
    if found is None or int(found.group(1)) not in OUTPUT_ERRNOS:
        return
    where = found.group(3) or ""
    if where and not os.path.abspath(where).startswith(str(work_dir)):
        return  # not the outputs: the notebook's own problem
    raise OSError(int(found.group(1)), found.group(2), where or str(work_dir))


def _export(task: Task, result: TaskResult) -> str | None:
    """The HTML page (None when the export failed)."""
    import nbformat

    t1 = time.perf_counter()
    try:
        nb = nbformat.read(str(result.executed), as_version=4)
        result.cells = sum(float((c.metadata.get("papermill") or {}).get("duration") or 0)
                           for c in nb.cells)
        html_path = task.work_dir / f"{task.notebook}.html"
        page = export_html(nb, task.meta, html_path)
        refs = external_references(page)
        if refs:
            result.error = ("the page would fetch from another host: " + ", ".join(refs[:3])
                            + (" ..." if len(refs) > 3 else ""))
        else:
            result.html = html_path
            result.bytes = len(page.encode("utf-8"))
            if result.bytes > MAX_BYTES:
                result.warnings.append(f"the page is {result.bytes / 1e6:.1f} MB, over the "
                                       f"{MAX_BYTES / 1e6:.0f} MB target")
    except OSError:
        raise
    except Exception as exc:
        result.error = f"export failed: {type(exc).__name__}: {exc}"
    result.export = time.perf_counter() - t1
    return page if result.html is not None else None


def _exports(task: Task, result: TaskResult, page: str) -> None:
    """The briefing's tables (XLSX, CSV) and, when asked for, its PDF; the charts the kernel
    saved are listed."""
    t0 = time.perf_counter()
    work = task.work_dir
    try:
        headline = headline_table((result.sidecar or {}).get("headline") or [])
        tables = ([headline] if headline else []) + read_tables(page)
        write_workbook(tables, work / f"{task.notebook}.xlsx", task.meta)
        result.exports.append(f"{task.notebook}.xlsx")
        result.exports += [f"{TABLES_FOLDER}/{p.name}"
                           for p in write_csvs(tables, work / TABLES_FOLDER)]
    except OSError:
        raise
    except Exception as exc:
        result.error = f"the tables could not be exported: {type(exc).__name__}: {exc}"
        return
    charts = work / CHARTS_FOLDER
    if charts.is_dir():
        result.exports += sorted(f"{CHARTS_FOLDER}/{p.name}" for p in charts.iterdir()
                                 if p.suffix in (".png", ".svg"))
    t1 = time.perf_counter()
    result.tables = t1 - t0
    if task.pdf:
        try:
            render_pdf(result.html, work / f"{task.notebook}.pdf")
            result.exports.insert(1, f"{task.notebook}.pdf")
        except OSError:
            raise
        except Exception as exc:
            result.error = str(exc)
        result.pdf = time.perf_counter() - t1


def _literal(path: Path) -> str:
    """``path`` as papermill's ``str.format`` will give it back unchanged."""
    return str(path).replace("{", "{{").replace("}", "}}")


@contextlib.contextmanager
def _warnings_of(name: str) -> Iterator[list[str]]:
    """Collect the warnings a library logs (papermill's go to the run log, not the terminal)."""
    found: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(f"{name}: {record.getMessage()}")

    log = logging.getLogger(name)
    handler = Keep(level=logging.WARNING)
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    saved, log.propagate = log.propagate, False
    try:
        yield found
    finally:
        log.removeHandler(handler)
        log.propagate = saved


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
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
