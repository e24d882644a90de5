"""Tests for pccanalysis.publish.kernels: a kept kernel is, to each notebook, a fresh one."""

from __future__ import annotations

import re

import nbformat
import pytest
from report_notebooks import make_notebook

from pccanalysis.publish.run import execute_plan, plan_run

pytestmark = pytest.mark.slow

QUARTER = "2020-21 Q4"
FIRST = ["## First",
         "import os\nimport matplotlib.pyplot as plt\nleft_behind = 1\nfig = plt.figure()\n"
         "print('pid', os.getpid())"]
SECOND = ["## Second",
          "import os\nimport matplotlib.pyplot as plt\n"
          "print('pid', os.getpid(), 'names', 'left_behind' in dir(), 'figures', "
          "len(plt.get_fignums()), 'cwd', os.getcwd() == output_dir)"]
BROKEN = ["## Broken", "raise RuntimeError('on purpose')"]


def outputs(run, name: str) -> tuple[str, list]:
    r = next(r for r in run.results if r.notebook == name)
    nb = nbformat.read(str(r.where.with_suffix(".ipynb") if r.ok else r.where), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    return text, [c.execution_count for c in nb.cells if c.cell_type == "code"]


def test_the_next_notebook_sees_a_fresh_kernel(sample_config, tmp_path):
    nbdir = tmp_path / "nb"
    make_notebook(nbdir / "a.ipynb", "A", FIRST)
    make_notebook(nbdir / "b.ipynb", "B", SECOND)
    plan = plan_run(sample_config, QUARTER, notebooks_dir=nbdir, output_dir=tmp_path / "out",
                    jobs=1)
    run = execute_plan(plan)
    first, _ = outputs(run, "a")
    second, counts = outputs(run, "b")
    assert first.split()[1] == second.split()[1]  # one kernel for both...
    assert "names False figures 0 cwd True" in second  # ...fresh to the second notebook
    assert counts == list(range(1, len(counts) + 1))


def test_a_failed_briefing_takes_its_kernel_with_it(sample_config, tmp_path):
    nbdir = tmp_path / "nb"
    make_notebook(nbdir / "a.ipynb", "A", FIRST + BROKEN)
    make_notebook(nbdir / "b.ipynb", "B", SECOND)
    plan = plan_run(sample_config, QUARTER, notebooks_dir=nbdir, output_dir=tmp_path / "out",
                    jobs=1)
    run = execute_plan(plan)
    assert [r.status for r in run.results] == ["failed", "ok"]
    first, _ = outputs(run, "a")
    second, _ = outputs(run, "b")
    assert first.split()[1] != second.split()[1]  # a new kernel after the failure


def test_the_briefings_are_the_same_from_kept_and_new_kernels(sample_config, tmp_path):
    # Every declared notebook, one after another in one kept kernel, against a new kernel
    # for each: the same pages (the generation time aside), so nothing carries over.
    pages = {}
    for reuse in (True, False):
        out = tmp_path / f"reuse-{reuse}"
        plan = plan_run(sample_config, QUARTER, output_dir=out, jobs=1)
        plan.reuse_kernels = reuse
        run = execute_plan(plan)
        assert not run.failed, [r.error for r in run.failed]
        pages[reuse] = {r.notebook: re.sub(r'class="pcc-generated">[^<]*<', "", r.where.read_text(
            encoding="utf-8")) for r in run.results}
    assert pages[True].keys() == pages[False].keys() and len(pages[True]) == len(plan.notebooks) > 1
    for name, page in pages[True].items():
        assert page == pages[False][name], name
