"""Benchmark: the whole sample quarter (every notebook for every area) with ``pcc run``.

Writes the synthetic sample to a temporary folder, then times ``run_quarter(..., force=True)``
for the sample's latest quarter:

1. ``--jobs 1``, cold: the first run, which also fills the police data's Parquet cache;
2. ``--jobs 1``, warm;
3. ``--jobs`` default (the number of cores), warm.

For each it reports the wall time and where the time went, summed over the briefings:
*kernel* (papermill's execution minus the cells' own durations: starting the kernel, papermill's
bookkeeping), *cells* (the notebooks' code: loading data, indicators, charts) and *export*
(nbconvert to HTML). Target: the whole sample quarter in under 60 s on a 2-core machine.

Run from the repository root::

    .venv/bin/python bench/bench_run.py

Results are also written to ``bench/results/bench_run.json``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def one_run(config: Path, out: Path, jobs: int | None) -> dict:
    from pccanalysis.publish.run import run_quarter

    t0 = time.perf_counter()
    result = run_quarter(config, "latest", output_dir=out, jobs=jobs, force=True)
    wall = time.perf_counter() - t0
    kernel = sum(r.execute - r.cells for r in result.results)
    cells = sum(r.cells for r in result.results)
    export = sum(r.export for r in result.results)
    busy = kernel + cells + export
    return {
        "jobs": result.plan.jobs, "briefings": len(result.results), "wall_s": round(wall, 1),
        "kernel_s": round(kernel, 1), "cells_s": round(cells, 1), "export_s": round(export, 1),
        "kernel_and_export_share": round((kernel + export) / busy, 3) if busy else None,
        "per_briefing": {f"{r.area}/{r.notebook}": round(r.seconds, 1) for r in result.results},
    }


def main() -> int:
    from pccanalysis.sample.write import write_sample

    print(f"{os.cpu_count()} CPU cores; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_sample(tmp / "sample")
        config = tmp / "sample" / "pcc.yaml"
        rows = []
        for label, jobs in (("jobs 1, cold cache", 1), ("jobs 1, warm", 1),
                            ("jobs default, warm", None)):
            r = one_run(config, tmp / "outputs", jobs) | {"run": label}
            rows.append(r)
            print(f"{label:<20} wall {r['wall_s']:5.1f} s  ({r['briefings']} briefings, "
                  f"{r['jobs']} job(s)); summed over briefings: kernel start and papermill "
                  f"{r['kernel_s']:.1f} s, cells {r['cells_s']:.1f} s, export {r['export_s']:.1f} s"
                  f" -> kernel + export {100 * r['kernel_and_export_share']:.0f}% of the work")
    results = REPO_ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "bench_run.json").write_text(json.dumps(rows, indent=2) + "\n")
    target = rows[-1]["wall_s"] < 60
    print(f"target (whole sample quarter under 60 s with the default jobs): "
          f"{'met' if target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
