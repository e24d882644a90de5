"""One kernel per worker, kept from one briefing to the next.

Starting a kernel and importing pandas, matplotlib and the package into it costs about a second
of processor time, the same for every briefing. A worker therefore starts one kernel and, before
each briefing, makes it as a fresh one would be for the notebook: every name the previous
notebook defined is deleted (IPython's ``%reset -f``), every figure closed, the working folder
and the kernel's error output set to the briefing's own, and the prompt numbers restarted.
What stays is what a fresh kernel would load the same: the imported modules.

A briefing that fails (an error, a timeout, a dead kernel) takes its kernel with it; the next
briefing gets a new one. The kernel ends with its worker (ipykernel's parent poller), or
before, when the worker shuts it down as it exits.
"""

from __future__ import annotations

import multiprocessing.util
import os
from pathlib import Path

_KEPT: dict[str, object] = {}

#: Run in the kept kernel before each briefing (``{work}`` and ``{log}`` filled in).
_FRESH = """\
get_ipython().run_line_magic("reset", "-f")
import os as _pcc_os, sys as _pcc_sys
_pcc_os.chdir({work!r})
if "matplotlib.pyplot" in _pcc_sys.modules:
    _pcc_sys.modules["matplotlib.pyplot"].close("all")
_pcc_fd = _pcc_os.open({log!r}, _pcc_os.O_WRONLY | _pcc_os.O_CREAT | _pcc_os.O_APPEND, 0o666)
_pcc_sys.stderr.flush()
_pcc_os.dup2(_pcc_fd, 2)
_pcc_os.close(_pcc_fd)
get_ipython().execution_count = 1
get_ipython().history_manager.reset(new_session=True)  # prompt numbers start again
del _pcc_os, _pcc_sys, _pcc_fd
"""


def kept_kernel(kernel_name: str, work_dir: Path, log: Path):
    """This worker's kernel, made ready for a briefing in ``work_dir`` (started if need be).

    Returns
    -------
    jupyter_client.AsyncKernelManager
        To pass to papermill (``km=``), which then leaves it running.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _KEPT.get("km")
    if km is None or not run_sync(km.is_alive)():
        discard()
        km = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(km.start_kernel)(cwd=str(work_dir), env=os.environ.copy())
        _KEPT["km"] = km
        multiprocessing.util.Finalize(km, discard, exitpriority=10)
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(
            _FRESH.format(work=str(work_dir), log=str(log)), timeout=60, store_history=False,
            allow_stdin=False)
    finally:
        client.stop_channels()
    if reply["content"].get("status") != "ok":
        discard()
        raise RuntimeError("the kept kernel could not be made ready for the next briefing")
    return km


def discard() -> None:
    """Shut this worker's kernel down (the next briefing starts a new one)."""
    from jupyter_core.utils import run_sync

    km = _KEPT.pop("km", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone: nothing to shut down
            pass


def kernel_cpu() -> float:
    """Processor seconds the kept kernel has used so far (0 without one, or off Linux)."""
    km = _KEPT.get("km")
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return 0.0
    try:
        with open(f"/proc/{process.pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0
