"""A run a scheduler can trust: killed at any point, out of disk, read-only, hostile names.

* ``kill -9`` of ``pcc run`` at several points (checking, kernels started, a briefing placed,
  publishing): within seconds no process of that run is left (workers, kernels), the published
  quarter is the old complete one or the new complete one with its manifest, and the next run
  succeeds without help.
* A full or read-only output folder (a real tmpfs in a private mount namespace, made with
  ``unshare -m``; skipped where that is not allowed): one sentence, exit code 3, nothing
  published.
* Free text: an area name and a marking holding ``{``, ``}``, ``url(``, ``@import`` and
  quotes make a briefing like any other.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from report_notebooks import ALPHA, BETA, make_notebook

from pccanalysis.publish.export import external_references

pytestmark = pytest.mark.slow

QUARTER = "2020-21 Q4"


@pytest.fixture
def nbdir(tmp_path) -> Path:
    folder = tmp_path / "notebooks"
    make_notebook(folder / "alpha.ipynb", "Alpha briefing", ALPHA)
    make_notebook(folder / "beta.ipynb", "Beta briefing", BETA)
    return folder


def command(config: Path, nbdir: Path, out: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "pccanalysis.cli", "run", "--config", str(config),
            "--quarter", QUARTER, "--notebooks-dir", str(nbdir), "--output-dir", str(out),
            "--jobs", "2", *more]


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment carries ``mark`` (every descendant of a run inherits it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if mark.encode() in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def complete(qdir: Path) -> dict:
    """The published quarter's manifest, after checking that it describes what is there."""
    manifest = json.loads((qdir / "manifest.json").read_text())
    assert (qdir / "manifests" / f"{manifest['short_id']}.json").is_file()
    assert (qdir / "index.html").is_file()
    for b in manifest["briefings"]:
        record = json.loads((qdir / b["path"]).with_suffix(".json").read_text())
        assert (qdir / b["path"]).is_file() and record["short_id"] == b["short_id"]
    return manifest


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find a run's processes")
def test_a_killed_run_never_blocks_the_next(sample_config, nbdir, tmp_path):
    out = tmp_path / "out"
    qdir = out / QUARTER
    first = subprocess.run(command(sample_config, nbdir, out), capture_output=True, text=True,
                           timeout=300)
    assert first.returncode == 0, first.stderr
    good = complete(qdir)
    points = {
        "checking": lambda: True,
        "kernels started": lambda: any(out.glob(f".{QUARTER}.work-*/*/kernel.log")),
        "a briefing placed": lambda: any(out.glob(f".{QUARTER}.new-*/Northbridge/alpha.json"))
        and any(out.glob(f".{QUARTER}.new-*/Northbridge/alpha.html")),
        "publishing": lambda: any(out.glob(f".{QUARTER}.new-*/manifests")),
    }
    for point, reached in points.items():
        mark = f"PCC_TEST_RUN={uuid.uuid4().hex}"
        env = os.environ | {"PCC_TEST_RUN": mark.split("=")[1], "PYTHONWARNINGS": "ignore"}
        proc = subprocess.Popen(command(sample_config, nbdir, out, "--force"), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hit = wait_for(reached)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if not hit:
            pytest.fail(f"the run ended before reaching {point!r}")
        # Workers and kernels go with it (a kernel notices within about a second).
        assert wait_for(lambda mark=mark: not processes_marked(mark), timeout=15), (
            point, processes_marked(mark))
        # The published quarter is the old complete one, or the new complete one.
        now = complete(qdir)
        assert now["short_id"] == good["short_id"], point
        # The next run needs no help: it cleans up and publishes.
        again = subprocess.run(command(sample_config, nbdir, out, "--force", "--notebook",
                                       "beta"), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, (point, again.stderr)
        complete(qdir)
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [f".{QUARTER}.lock"]
        log = (qdir / "run.log").read_text()
        assert "took over the lock of an earlier pcc run" in log or point == "checking", point


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            "mount -t tmpfs -o size=16k tmpfs /mnt 2>/dev/null && echo ok"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == "ok"


needs_mounts = pytest.mark.skipif(not _unshare_works(),
                                  reason="cannot mount a private tmpfs here (unshare -m needs "
                                         "root or user namespaces)")


def in_tmpfs(size: str, out: Path, run: list[str], before: str = "",
             after: str = "") -> subprocess.CompletedProcess:
    """Run ``run`` with ``out`` a tmpfs of ``size``, in a private mount namespace."""
    out.mkdir(exist_ok=True)
    script = (f"mount -t tmpfs -o size={size} tmpfs {_q(out)} && {before} "
              f"{' '.join(_q(a) for a in run)}; code=$?; {after} exit $code")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          timeout=300)


def _q(text) -> str:
    return "'" + str(text).replace("'", "'\\''") + "'"


@needs_mounts
def test_a_full_disk_is_one_sentence_and_publishes_nothing(sample_config, nbdir, tmp_path):
    out = tmp_path / "out"
    proc = in_tmpfs("160k", out, command(sample_config, nbdir, out),
                    after=f"ls -a1 {_q(out)} > {_q(tmp_path / 'left.txt')};")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith(
        f"Error: the briefings could not be written to {out / QUARTER}: the disk is full")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    # Nothing published, nothing left but the lock.
    assert (tmp_path / "left.txt").read_text().splitlines() == [".", "..", f".{QUARTER}.lock"]


@needs_mounts
def test_a_read_only_output_folder_is_one_sentence(sample_config, nbdir, tmp_path):
    out = tmp_path / "out"
    proc = in_tmpfs("4m", out, command(sample_config, nbdir, out, "--force"),
                    before=f"mkdir {_q(out / QUARTER)} && mount -o remount,ro {_q(out)} &&")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == (f"Error: the output folder {out} cannot be written to (read-only or "
                           "no permission): give another output_dir, or ask for write access.\n")


def test_free_text_never_fails_a_briefing(sample_dir, nbdir, tmp_path):
    name = 'Brace {x} {} "quoted" url(https://example.org/a.png) @import x; \\ <b>'
    sample = tmp_path / "sample"
    shutil.copytree(sample_dir, sample)
    config = sample / "pcc.yaml"
    config.write_text(config.read_text().replace(
        "- name: Northbridge\n", f"- name: {json.dumps(name)}\n").replace(
        "protective_marking: OFFICIAL", "protective_marking: 'OFFICIAL url(x) {y}'"))
    from pccanalysis.publish.run import run_quarter

    result = run_quarter(config, QUARTER, notebooks_dir=nbdir, output_dir=tmp_path / "o{u}t")
    assert [(r.area, r.status) for r in result.results] == [(name, "ok"), (name, "ok")], [
        r.error for r in result.results]
    page = result.results[0].where.read_text(encoding="utf-8")
    assert external_references(page) == []
    assert ('<dd>Brace {x} {} "quoted" url(https://example.org/a.png) @import x; \\ &lt;b&gt;'
            "</dd>") in page
    index = (result.plan.quarter_dir / "index.html").read_text(encoding="utf-8")
    assert external_references(index) == []
    assert "Brace {x} {} &quot;quoted&quot;" in index
